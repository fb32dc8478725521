"""Load benchmark: full orders through the HTTP API on the dev stack, beside a one-activity baseline.

    .venv/bin/python -m bench.load [--concurrency 32] [--seconds 45] [--rate 20] [--in-flight 1000] [--sqlite-defaults]

Three phases on one dev server (persisted, as the dev stack runs it), one machine, one run:
1. capacity: `--concurrency` orders at a time, each placed with POST /orders and handed over by an
   automated courier (half high-value, the code read as the customer reads it), for `--seconds`;
   workers on a 10-second compressed delivery day, so orders wait on their day briefly. Orders/s
   completed and history events/s.
2. baseline: the same number of one-activity workflows at a time (bench/baseline.py, its own worker
   process with the SDK's defaults) for the same time: events/s.
3. in flight: `--in-flight` orders placed at `--rate` per second (POST /orders p50/p99), held on a
   one-hour delivery day; then worker and API resident memory with all of them running.
Also printed: the history of one delivered high-value order by event type and activity (what an
order costs the server), the first second's POST /orders (before any backlog), and each process's
CPU share while the orders were placed. `--sqlite-defaults` runs the dev server on SQLite's own
journal settings instead of the dev stack's WAL, for comparing the two.

Targets (2 cores): full orders >= 70 % of the baseline's events/s; POST /orders p99 < 100 ms at
20 orders/s; 1,000 orders in flight with worker RSS < 500 MB.

Why a plain asyncio + httpx script and not Locust: an order is a multi-step conversation (place,
wait for the delivery day, hand over with the day's code), and the figures that matter come from
Temporal (history events, runs in flight) and from /proc, beside a baseline that is not HTTP at all.
One asyncio process holds all of that; Locust's strength, many users hammering endpoints with a
web UI, would add gevent next to the Temporal SDK and report only the HTTP side.
"""

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from bench.baseline import OneActivity
from orderflow.cli.devstack.stack import SQLITE_PRAGMAS
from orderflow.contract.order import IdentMethod, workflow_id_for
from orderflow.store.engine import make_engine
from orderflow.temporal import connect
from stack_drivers.clients import Calls, RetryingClient
from stack_drivers.fake_sendgrid import API_KEY, FakeSendGrid
from stack_drivers.orders import make_order
from stack_drivers.paths import Tokens, World, deliver
from stack_drivers.processes import StackProcesses

DAY_SECONDS = 10  # the capacity phase's compressed delivery day: orders wait on it briefly
TOKENS = Tokens(storefront="bench-storefront-token", agent="bench-agent-token", courier="bench-courier-token")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Capacity:
    completed: int
    seconds: float
    events: int
    load: str
    ends: dict[str, int] | None = None  # full orders: how they ended (a saturated stack misses delivery days)
    high_value_delivered: str | None = None  # one such order's workflow id, for its history

    @property
    def per_second(self) -> float:
        return self.completed / self.seconds

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds


async def history_events(client: Client, workflow_ids: list[str]) -> int:
    total = 0
    for start in range(0, len(workflow_ids), 50):
        described = await asyncio.gather(
            *(client.get_workflow_handle(wid).describe() for wid in workflow_ids[start : start + 50])
        )
        total += sum(d.raw_description.workflow_execution_info.history_length for d in described)
    return total


@dataclass
class HistoryBreakdown:
    events: Counter[str]  # by event type
    activities: Counter[str]  # scheduled activities by name
    local_activities: int  # their markers (local activities write no scheduled/started/completed)

    def line(self) -> str:
        kinds = ", ".join(f"{kind} {count}" for kind, count in self.events.most_common())
        names = ", ".join(f"{name} {count}" for name, count in self.activities.most_common())
        return (
            f"{sum(self.events.values())} events: {kinds}\n  activities scheduled ({sum(self.activities.values())}): "
            f"{names}; local activities {self.local_activities}"
        )


async def history_breakdown(client: Client, workflow_id: str) -> HistoryBreakdown:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    breakdown = HistoryBreakdown(Counter(), Counter(), 0)
    for event in history.events:
        breakdown.events[EventType.Name(event.event_type).removeprefix("EVENT_TYPE_")] += 1
        if event.HasField("activity_task_scheduled_event_attributes"):
            breakdown.activities[event.activity_task_scheduled_event_attributes.activity_type.name] += 1
        if event.HasField("marker_recorded_event_attributes"):
            breakdown.local_activities += 1
    return breakdown


async def closed_loop(
    concurrency: int, seconds: float, one: Callable[[int], Awaitable[str]]
) -> tuple[list[str], float]:
    """`concurrency` runs at a time until `seconds` are over; the clock stops when the last one ends."""
    started = time.monotonic()
    done: list[str] = []

    async def lane(lane_no: int) -> None:
        while time.monotonic() - started < seconds:
            done.append(await one(lane_no))

    async with asyncio.timeout(seconds * 3 + 120):  # a phase that cannot finish says so instead of hanging
        await asyncio.gather(*(lane(n) for n in range(concurrency)))
    return done, time.monotonic() - started


async def full_orders(world: World, client: Client, concurrency: int, seconds: float) -> Capacity:
    ends: dict[str, int] = {}
    high_value_delivered: list[str] = []

    async def one(lane_no: int) -> str:
        price = "1299.00" if random.random() < 0.5 else "129.00"
        order = make_order(IdentMethod.NONE, unit_price=price, order_id=f"B-{random.randbytes(6).hex()}")
        answer = await world.client.request(
            "POST", "/orders", json=order.model_dump(mode="json"), headers=world.tokens.bearer("storefront")
        )
        assert answer.status_code == 201, answer.text
        end = await deliver(world, order.order_id)
        ends[end] = ends.get(end, 0) + 1
        await client.get_workflow_handle(workflow_id_for(order.order_id)).result()
        if end == "delivered" and price == "1299.00":
            high_value_delivered.append(workflow_id_for(order.order_id))
        return workflow_id_for(order.order_id)

    done, elapsed = await closed_loop(concurrency, seconds, one)
    sample = high_value_delivered[0] if high_value_delivered else None
    return Capacity(len(done), elapsed, await history_events(client, done), load_average(), ends, sample)


async def baseline(client: Client, task_queue: str, concurrency: int, seconds: float) -> Capacity:
    async def one(lane_no: int) -> str:
        workflow_id = f"baseline-{random.randbytes(6).hex()}"
        await client.execute_workflow(OneActivity.run, workflow_id, id=workflow_id, task_queue=task_queue)
        return workflow_id

    done, elapsed = await closed_loop(concurrency, seconds, one)
    return Capacity(len(done), elapsed, await history_events(client, done), load_average())


@dataclass
class InFlight:
    placed: int
    latencies_ms: list[float]
    running: int
    worker_rss_mb: float
    other_workers_rss_mb: float
    api_rss_mb: float
    achieved_rate: float
    load: str
    first_second_ms: list[float]  # the first `rate` orders: no backlog yet
    cpu_share: dict[str, float]  # process -> CPU seconds per second of the phase (1.0 = one core)


async def in_flight(
    world: World, client: Client, stack: StackProcesses, count: int, rate: float
) -> tuple[InFlight, list[str]]:
    latencies: list[float] = []
    first_second: list[float] = []
    ids: list[str] = []
    processes = ("temporal", "workers", "other-workers", "api")
    cpu_before = {name: stack.cpu_seconds(name) for name in processes}
    started = time.monotonic()

    async def place(number: int) -> None:
        await asyncio.sleep(number / rate)
        order = make_order(IdentMethod.NONE, unit_price="129.00", order_id=f"F-{random.randbytes(6).hex()}")
        sent = time.monotonic()
        answer = await world.client.http.post(
            "/orders", json=order.model_dump(mode="json"), headers=world.tokens.bearer("storefront")
        )
        latencies.append((time.monotonic() - sent) * 1000)
        if number < rate:
            first_second.append(latencies[-1])
        assert answer.status_code == 201, answer.text
        ids.append(workflow_id_for(order.order_id))

    await asyncio.gather(*(place(n) for n in range(count)))
    placing = time.monotonic() - started
    achieved = count / placing
    cpu_share = {name: (stack.cpu_seconds(name) - cpu_before[name]) / placing for name in processes}
    # Each order settles in `dispatched`, waiting for a delivery day an hour away: all of them in flight.
    settled = "OrderStage = 'dispatched' AND ExecutionStatus = 'Running'"
    for _ in range(600):
        if (await client.count_workflows(settled)).count >= count:
            break
        await asyncio.sleep(1)
    running = (await client.count_workflows("WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 'Running'")).count
    figures = InFlight(
        placed=count,
        latencies_ms=latencies,
        running=running,
        worker_rss_mb=stack.rss_mb("workers"),
        other_workers_rss_mb=stack.rss_mb("other-workers"),
        api_rss_mb=stack.rss_mb("api"),
        achieved_rate=achieved,
        load=load_average(),
        first_second_ms=first_second,
        cpu_share=cpu_share,
    )
    return figures, ids


async def bench(args: argparse.Namespace) -> None:
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="orderflow-load-"))
    fake = FakeSendGrid()
    fake.start()
    env = {
        "ORDERFLOW_ENV": "test",
        "ORDERFLOW_COMPRESSED_DAY": f"PT{DAY_SECONDS}S",
        "ORDERFLOW_STOREFRONT_TOKEN": TOKENS.storefront,
        "ORDERFLOW_COURIER_TOKENS": f"courier-1:{TOKENS.courier}",
        "ORDERFLOW_AGENT_TOKENS": f"agent-1:{TOKENS.agent}",
        "ORDERFLOW_LINK_SECRET": "bench-link-secret",
        "ORDERFLOW_OPERATOR_TOKENS": "ops-1:bench-operator-token",
        "SENDGRID_API_KEY": API_KEY,
        "ORDERFLOW_SENDGRID_HOST": fake.url,
        "ORDERFLOW_LOG_LEVEL": "WARNING",
    }
    stack = StackProcesses(data_dir, env)
    if args.sqlite_defaults:
        stack.dev.sqlite_pragmas = ()
    baseline_worker: asyncio.subprocess.Process | None = None
    try:
        await asyncio.to_thread(stack.start_temporal)
        # The orders worker in its own process, as production runs it (its memory is the figure that matters).
        await asyncio.to_thread(stack.start_workers, "workers.orders")
        await asyncio.to_thread(stack.start_other_workers)
        await asyncio.to_thread(stack.start_api)
        settings = stack.settings
        client = await connect(settings)
        limits = httpx.Limits(max_connections=args.concurrency + 32)
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=60, limits=limits) as http:
            engine = make_engine(settings.sqlalchemy_url)
            world = World(RetryingClient(http, Calls()), TOKENS, settings, engine, DAY_SECONDS)
            # The courier is at the door when the parcel goes out, and looks once a second (each look is a query).
            world.poll_seconds, world.courier_arrives_within = 1.0, 0.0
            print(f"capacity: {args.concurrency} orders at a time for {args.seconds:.0f} s ...", flush=True)
            ours = await full_orders(world, client, args.concurrency, args.seconds)
            breakdown = (
                await history_breakdown(client, ours.high_value_delivered) if ours.high_value_delivered else None
            )

            baseline_worker = await asyncio.create_subprocess_exec(
                *[sys.executable, "-m", "bench.baseline", "--address", settings.temporal_address],
                stdout=(data_dir / "baseline.log").open("ab"),
                stderr=subprocess.STDOUT,
            )
            await asyncio.sleep(3)  # its first poll
            print(f"baseline: {args.concurrency} one-activity workflows at a time ...", flush=True)
            # The SDK's plain converter, as its worker has it (ours encrypts every payload: part of our cost).
            plain = await Client.connect(settings.temporal_address)
            base = await baseline(plain, "baseline", args.concurrency, args.seconds)

            # Orders placed now wait an hour for their delivery day: they stay in flight.
            stack.dev.env["ORDERFLOW_COMPRESSED_DAY"] = "PT1H"
            stack.kill("workers")
            await asyncio.to_thread(stack.start_workers, "workers.orders")
            print(f"in flight: {args.in_flight} orders at {args.rate:.0f}/s ...", flush=True)
            held, ids = await in_flight(world, client, stack, args.in_flight, args.rate)
            for start in range(0, len(ids), 100):
                await asyncio.gather(
                    *(client.get_workflow_handle(wid).terminate("benchmark over") for wid in ids[start : start + 100])
                )
        print_figures(ours, base, held, breakdown, args)
    finally:
        if baseline_worker is not None:
            baseline_worker.terminate()
            await baseline_worker.wait()
        await asyncio.to_thread(stack.stop)
        fake.stop()
        print(f"logs: {data_dir}")


def print_figures(
    ours: Capacity, base: Capacity, held: InFlight, breakdown: HistoryBreakdown | None, args: argparse.Namespace
) -> None:
    ratio = ours.events_per_second / base.events_per_second
    p50, p99 = statistics.median(held.latencies_ms), percentile(held.latencies_ms, 0.99)
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        "?",
    )
    print()
    journal = "SQLite defaults" if args.sqlite_defaults else ", ".join(SQLITE_PRAGMAS)
    print(f"machine: {os.cpu_count()} cores, {model}; dev server journal: {journal}")
    print(f"{'':34}{'full orders':>16}{'baseline':>16}")
    print(f"{'workflows completed':34}{ours.completed:>16}{base.completed:>16}")
    print(f"{'workflows/s':34}{ours.per_second:>16.2f}{base.per_second:>16.2f}")
    print(
        f"{'history events per workflow':34}{ours.events / ours.completed:>16.1f}{base.events / base.completed:>16.1f}"
    )
    print(f"{'history events/s':34}{ours.events_per_second:>16.0f}{base.events_per_second:>16.0f}")
    print(f"{'load average (1, 5, 15 min)':34}{ours.load:>16}{base.load:>16}")
    print(f"full orders ended: {ours.ends}")
    if breakdown is not None:
        print(f"one delivered high-value order, {breakdown.line()}")
    print(f"events/s ratio full/baseline: {ratio:.0%} (target >= 70 %)")
    print(
        f"POST /orders at {held.achieved_rate:.1f}/s ({held.placed} orders): p50 {p50:.0f} ms, p99 {p99:.0f} ms "
        f"(target p99 < 100 ms at 20/s)"
    )
    first = held.first_second_ms
    print(
        f"  its first second ({len(first)} orders, no backlog yet): p50 {statistics.median(first):.0f} ms, "
        f"p99 {percentile(first, 0.99):.0f} ms"
    )
    shares = ", ".join(f"{name} {share:.0%}" for name, share in held.cpu_share.items())
    print(f"  CPU while placing (100 % = one core): {shares}")
    print(
        f"in flight: {held.running} orders running; orders worker RSS {held.worker_rss_mb:.0f} MB (target < 500 MB); "
        f"messaging+vision+webhooks worker {held.other_workers_rss_mb:.0f} MB; API RSS {held.api_rss_mb:.0f} MB; "
        f"load average {held.load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=32, help="orders (and baseline runs) at a time")
    parser.add_argument("--seconds", type=float, default=45.0, help="length of each capacity phase")
    parser.add_argument("--rate", type=float, default=20.0, help="POST /orders per second in the in-flight phase")
    parser.add_argument("--in-flight", type=int, default=1000, help="orders held in flight")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument(
        "--sqlite-defaults", action="store_true", help="dev server on SQLite's own journal settings instead of WAL"
    )
    os.environ.setdefault("ORDERFLOW_ENV", "test")
    asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    main()
