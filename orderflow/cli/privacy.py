"""Per-customer export and erasure of the personal data (GDPR), from the terminal.

What the operators' `/privacy` routes do (orderflow/privacy.py), with `cli:<login>` as the actor in the audit trail.

    python -m orderflow.cli.privacy export --customer-no K-555001 [--out data.json]
    python -m orderflow.cli.privacy erase --customer-no K-555001
"""

import argparse
import getpass
import sys

from orderflow.blobs import BlobStore
from orderflow.privacy import OrdersInProgress, erase_customer, export_customer
from orderflow.settings import Settings, get_settings
from orderflow.store.engine import make_engine
from orderflow.store.schema import migrate


def main(argv: list[str] | None = None, settings: Settings | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m orderflow.cli.privacy", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["export", "erase"])
    parser.add_argument("--customer-no", required=True)
    parser.add_argument("--out", help="export: write the JSON here instead of standard output")
    args = parser.parse_args(argv)
    settings = settings or get_settings()
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    blobs = BlobStore(settings.blob_path)
    actor = f"cli:{getpass.getuser()}"[:64]
    if args.action == "export":
        data = export_customer(engine, blobs, args.customer_no, actor).model_dump_json(indent=2)
        if args.out:
            with open(args.out, "w", encoding="utf-8") as out:
                out.write(data + "\n")
        else:
            print(data)
        return
    try:
        print(erase_customer(engine, blobs, args.customer_no, actor).model_dump_json(indent=2))
    except OrdersInProgress as running:
        sys.exit(f"refused: {running}")


if __name__ == "__main__":
    main()
