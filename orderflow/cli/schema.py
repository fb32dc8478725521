"""Schema changes of the store by hand: upgrade or downgrade to an Alembic revision.

Every process already migrates to the newest revision at start (orderflow/store/schema.py); the
compose `setup` job runs this before them.

    python -m orderflow.cli.schema upgrade [revision]     (default: head)
    python -m orderflow.cli.schema downgrade <revision>   (e.g. base)
"""

import argparse

from orderflow.startup import load_settings
from orderflow.store.engine import make_engine
from orderflow.store.schema import current_revision, downgrade, migrate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m orderflow.cli.schema", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["upgrade", "downgrade"])
    parser.add_argument("revision", nargs="?", default=None)
    args = parser.parse_args(argv)
    # A refusal here names the variables to set, before the database is touched.
    engine = make_engine(load_settings().sqlalchemy_url)
    if args.action == "upgrade":
        migrate(engine, args.revision or "head")
    elif args.revision is None:
        parser.error("downgrade needs a revision, e.g. base")
    else:
        downgrade(engine, args.revision)
    print(f"database at revision {current_revision(engine)}")


if __name__ == "__main__":
    main()
