"""Operator commands against any Temporal cluster (connection as in orderflow/temporal.py: the Temporal
profile and TEMPORAL_*, ORDERFLOW_TEMPORAL_ADDRESS / ORDERFLOW_TEMPORAL_NAMESPACE on top):

python -m orderflow.cli.ops stuck [--stage STAGE] [--older-than PT2H] [--json]
python -m orderflow.cli.ops setup-search-attributes
"""

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from datetime import timedelta
from typing import NoReturn

from pydantic import TypeAdapter, ValidationError
from temporalio.client import Client

from orderflow.contract import search_attributes
from orderflow.contract.stages import FINAL, Stage
from orderflow.ops.stuck import StuckOrder, find_stuck
from orderflow.settings import Settings, get_settings
from orderflow.temporal import connect

OPEN_STAGES = [stage.value for stage in Stage if stage not in FINAL]


def iso_duration(text: str) -> timedelta:
    try:
        return TypeAdapter(timedelta).validate_python(text)
    except ValidationError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 duration: {text!r} (e.g. PT10M, PT2H, P1D)") from None


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m orderflow.cli.ops", description=__doc__.split("\n")[0])
    commands = root.add_subparsers(dest="command", required=True)
    stuck = commands.add_parser("stuck", help="list open orders whose stage has not changed for too long")
    stuck.add_argument("--stage", choices=OPEN_STAGES, help="only this stage (default: every open stage)")
    stuck.add_argument(
        "--older-than", type=iso_duration, help="instead of the per-stage thresholds (ISO 8601, e.g. PT2H)"
    )
    stuck.add_argument("--limit", type=int, default=200)
    stuck.add_argument("--json", action="store_true", help="one JSON object per line")
    commands.add_parser("setup-search-attributes", help="register the search attributes (idempotent)")
    return root


async def stuck(client: Client, settings: Settings, args: argparse.Namespace) -> str:
    stage = Stage(args.stage) if args.stage else None
    report = await find_stuck(client, settings, stage=stage, older_than=args.older_than, limit=args.limit)
    orders = report.orders
    if args.json:
        return "\n".join(order.model_dump_json() for order in orders)
    if not orders:
        return "no stuck orders"
    more = [f"(stopped at {args.limit}; there may be more: --limit)"] if report.truncated else []
    return "\n".join([*(_line(order) for order in orders), *more])


async def setup_search_attributes(client: Client, settings: Settings, args: argparse.Namespace) -> str:
    # The client's namespace: the Temporal profile may have chosen it (orderflow/temporal.py).
    added = await search_attributes.register(client, client.namespace)
    names = ", ".join(added) if added else "none, all were there"
    return f"search attributes added to namespace {client.namespace}: {names}"


COMMANDS = {"stuck": stuck, "setup-search-attributes": setup_search_attributes}


async def run(args: argparse.Namespace, settings: Settings) -> str:
    client = await connect(settings)
    return await COMMANDS[args.command](client, settings, args)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    args = parser().parse_args(argv)
    try:
        print(asyncio.run(run(args, get_settings())))
        code = 0
    except Exception as error:
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        code = 1
    # The SDK's runtime threads can abort a short-lived process while the interpreter tears down
    # (temporalio/sdk-python#300): a one-shot setup container would report a crash for a success.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _line(order: StuckOrder) -> str:
    return f"{_age(order.age):>8}  {order.stage.value:<21} {order.order_id:<20} {order.ui_url}"


def _age(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    return f"{days}d{hours:02d}h" if days else f"{hours}h{minutes:02d}m"


if __name__ == "__main__":
    main()
