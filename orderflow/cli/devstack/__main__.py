"""The whole dev stack in one command: Temporal dev server (persisted, with UI), the workers
and the API, each a child process; Ctrl-C stops all of them.

    python -m orderflow.cli.devstack               # scripts/dev runs this after the install
    python -m orderflow.cli.devstack place-order   # the example order into the running stack
"""

import argparse
import os
import signal
import sys

from orderflow.cli.devstack import example_order
from orderflow.cli.devstack.banner import banner
from orderflow.cli.devstack.stack import DevStack
from orderflow.settings import get_settings


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM both end in the orderly stop of `DevStack.wait`, also when this process
    inherited SIGINT ignored (started in the background by a shell, or by a supervisor)."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m orderflow.cli.devstack", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", metavar="place-order")
    commands.add_parser("place-order", help="place examples/order.json into the running stack and print its links")
    if parser.parse_args().command == "place-order":
        place_order()
        return
    _stop_on_signals()
    # A developer's own stack: the development secrets and the local outbox are fine here, and
    # only here (settings default to production). The children inherit it (child_env).
    os.environ.setdefault("ORDERFLOW_ENV", "dev")
    settings = get_settings()
    # Readable lines in a terminal; production keeps the JSON default for log shippers.
    stack = DevStack(settings, env={"ORDERFLOW_LOG_FORMAT": os.environ.get("ORDERFLOW_LOG_FORMAT", "text")})
    try:
        stack.start_temporal()
        stack.start_workers()
        stack.start_retention_sweeper()
        stack.start_api()
    except BaseException:
        stack.stop()
        raise
    print(banner(settings, stack.api_port, stack.ui_port), flush=True)
    stack.wait()


def place_order() -> None:
    """`python -m orderflow.cli.devstack place-order`: the example order into the running dev stack."""
    os.environ.setdefault("ORDERFLOW_ENV", "dev")
    settings = get_settings()
    api_url = os.environ.get("ORDERFLOW_API_URL", f"http://localhost:{DevStack(settings).api_port}")
    sys.exit(example_order.main(settings, api_url))


if __name__ == "__main__":
    main()
