"""The retention sweeper: one sweep, or a long-running process that sweeps at an interval.

What it deletes and audits: orderflow/retention.py.

    python -m orderflow.cli.retention                 # one sweep
    python -m orderflow.cli.retention --every PT1H    # sweep, sleep, repeat until Ctrl-C
"""

import argparse
import logging
import time
from datetime import timedelta

from pydantic import TypeAdapter

from orderflow.blobs import BlobStore
from orderflow.retention import sweep
from orderflow.startup import load_settings
from orderflow.store.engine import make_engine
from orderflow.store.schema import migrate

log = logging.getLogger("orderflow.retention")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m orderflow.cli.retention", description=__doc__.split("\n")[0])
    parser.add_argument("--every", type=TypeAdapter(timedelta).validate_python, help="ISO 8601 duration, e.g. PT1H")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = load_settings()
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    blobs = BlobStore(settings.blob_path)
    try:
        while True:
            removed = sweep(engine, blobs, settings.image_retention)
            log.info("deleted %s image(s) of %s order(s)", sum(removed.values()), len(removed))
            if args.every is None:
                return
            time.sleep(args.every.total_seconds())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
