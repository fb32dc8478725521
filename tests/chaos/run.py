"""One chaos run: the real stack, orders of every path in flight, processes killed under them.

python -m tests.chaos --orders 100 --worker-kills 8      (scripts/chaos passes its arguments here)
"""

import asyncio
import contextlib
import random
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path as FilePath
from typing import Any

import httpx

from orderflow.contract.order import workflow_id_for
from orderflow.store.engine import make_engine
from orderflow.temporal import connect
from stack_drivers.clients import Calls, GaveUp, RetryingClient
from stack_drivers.fake_sendgrid import API_KEY, Answer, FakeSendGrid
from stack_drivers.paths import DRIVERS, FINAL, Path, Tokens, World
from stack_drivers.processes import StackProcesses
from tests.chaos.checks import Findings, check

TOKENS = Tokens(storefront="chaos-storefront-token", agent="chaos-agent-token", courier="chaos-courier-token")
OPERATOR_TOKEN = "chaos-operator-token"


@dataclass
class Plan:
    orders: int = 12
    worker_kills: int = 5
    api_kills: int = 1
    server_restarts: int = 1
    day: timedelta = timedelta(seconds=30)  # a compressed delivery day: long enough to act within one
    arrivals_over: float = 20.0  # seconds over which the storefront places the orders
    kill_every: float = 8.0  # seconds between crashes (on average)
    down_for: float = 2.0  # at most this long between a kill and the restart
    sendgrid_503_every: int = 6  # every n-th e-mail request is answered 503 ...
    sendgrid_slow_every: int = 5  # ... and every n-th (else) 202 after `slow_seconds`
    slow_seconds: float = 1.5
    patience: float = 900.0  # seconds for the whole run before it is declared stuck
    seed: int = 7


@dataclass
class Run:
    plan: Plan
    findings: Findings
    seconds: float
    kills: dict[str, int]
    first_poll_seconds: list[float]
    api_ready_seconds: list[float]
    server_away_seconds: list[float]
    client_retries: int
    answers: dict[int, int]
    sendgrid_requests: int
    sendgrid_503: int
    workers_lost_with_server: int = 0
    ends: dict[str, int] = field(default_factory=dict)

    def figures(self) -> str:
        f = self.findings
        polls = self.first_poll_seconds
        lines = [
            f"orders {self.plan.orders} ({', '.join(f'{end} {n}' for end, n in sorted(self.ends.items()))})",
            f"kills: workers {self.kills.get('workers', 0)}, api {self.kills.get('api', 0)}; "
            f"server restarts {len(self.server_away_seconds)} "
            f"(away {', '.join(f'{s:.1f}' for s in self.server_away_seconds)} s)",
            f"worker process start to first poll: min {min(polls):.1f} s, median {statistics.median(polls):.1f} s, "
            f"max {max(polls):.1f} s over {len(polls)} starts",
            f"API start to ready: {', '.join(f'{s:.1f}' for s in self.api_ready_seconds)} s",
            f"duplicates {len(f.duplicates)}, missing {len(f.missing)}, unconfirmed {len(f.unconfirmed)} "
            f"(not shown to operators {len(f.unconfirmed_not_shown)}), wrong ends {len(f.wrong_end)}, "
            f"2xx without effect {len(f.lost_effects)}, workflow task failures {len(f.task_failures)}, "
            f"left running {len(f.still_running)}; delivery days moved for our downtime {len(f.rescheduled)}, "
            f"code e-mails outdated before the provider took them {len(f.outdated)}",
            f"clients: {self.client_retries} retries; answers {dict(sorted(self.answers.items()))} (0 = no connection)",
            f"SendGrid fake: {self.sendgrid_requests} requests, {self.sendgrid_503} answered 503",
            f"time {self.seconds:.0f} s",
        ]
        if self.workers_lost_with_server:
            lines.append(f"workers that exited while the server was away: {self.workers_lost_with_server}")
        for name, items in f.failures.items():
            lines += [f"  {name}:", *(f"    {item}" for item in items[:20])]
        return "\n".join(lines)


def flaky(plan: Plan) -> FakeSendGrid:
    def answer(number: int) -> Answer:
        if number % plan.sendgrid_503_every == 0:
            return Answer(503, {"errors": [{"message": "service unavailable"}]})
        if number % plan.sendgrid_slow_every == 0:
            return Answer(202, delay=plan.slow_seconds)
        return Answer(202)

    fake = FakeSendGrid(policy=answer)
    fake.start()
    return fake


def stack_env(plan: Plan, fake: FakeSendGrid) -> dict[str, str]:
    return {
        "ORDERFLOW_ENV": "test",
        "ORDERFLOW_COMPRESSED_DAY": f"PT{int(plan.day.total_seconds())}S",
        "ORDERFLOW_STOREFRONT_TOKEN": TOKENS.storefront,
        "ORDERFLOW_AGENT_TOKENS": f"agent-1:{TOKENS.agent}",
        "ORDERFLOW_COURIER_TOKENS": f"courier-1:{TOKENS.courier}",
        "ORDERFLOW_OPERATOR_TOKENS": f"ops-1:{OPERATOR_TOKEN}",
        "ORDERFLOW_LINK_SECRET": "chaos-link-secret",
        "SENDGRID_API_KEY": API_KEY,
        "ORDERFLOW_SENDGRID_HOST": fake.url,
    }


class Monkey:
    """Crashes the stack on a schedule, from a thread (restarts block while a process starts)."""

    def __init__(self, stack: StackProcesses, plan: Plan, done: threading.Event) -> None:
        self.stack = stack
        self.plan = plan
        self.done = done
        self.workers_lost_with_server = 0
        crashes = ["workers"] * plan.worker_kills
        # The API and the server go down between worker kills, not first: orders must be in flight.
        crashes.insert(min(2, len(crashes)), "api")
        crashes.insert(min(4, len(crashes)), "temporal")
        self.crashes = crashes[: plan.worker_kills + plan.api_kills + plan.server_restarts]
        self.random = random.Random(plan.seed)

    def run(self) -> None:
        for crash in self.crashes:
            if self.done.wait(self.plan.kill_every * self.random.uniform(0.6, 1.4)):
                return
            if crash == "temporal":
                self.stack.restart_temporal()
                if self.stack.processes["workers"].poll() is not None:
                    self.workers_lost_with_server += 1
                    self.stack.processes.pop("workers")
                    self.stack.start_workers()
                continue
            self.stack.kill(crash)
            time.sleep(self.random.uniform(0, self.plan.down_for))
            self.stack.start_workers() if crash == "workers" else self.stack.start_api()


async def still_running(world: World, plan: Plan, data_dir: FilePath) -> str:
    """What a run that ran out of patience leaves to read: each unfinished order's status."""
    lines = [f"orders still running after {plan.patience:.0f} s (logs in {data_dir}):"]
    for order_id in world.placed:
        try:
            status: dict[str, Any] | str = await asyncio.wait_for(world.state(order_id), 10)
        except (TimeoutError, AssertionError, GaveUp) as unreadable:  # the stack may be down at this instant
            status = f"unreadable: {unreadable!r}"
        if isinstance(status, str) or status["stage"] not in FINAL:
            lines.append(f"  {order_id}: {status}")
    return "\n".join(lines)


async def run_chaos(plan: Plan, data_dir: FilePath) -> Run:
    random.seed(plan.seed)
    fake = flaky(plan)
    stack = StackProcesses(data_dir, {})
    stack.env.update(stack_env(plan, fake))
    stack.dev.env.update(stack.env)
    started = time.monotonic()
    try:
        await asyncio.to_thread(stack.start_temporal)
        await asyncio.to_thread(stack.start_workers)
        await asyncio.to_thread(stack.start_api)
        settings = stack.settings.model_copy(update={"link_secret": "chaos-link-secret"})
        engine = make_engine(settings.sqlalchemy_url)
        calls = Calls()
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as http:
            world = World(RetryingClient(http, calls), TOKENS, settings, engine, plan.day.total_seconds())
            done = threading.Event()
            monkey = Monkey(stack, plan, done)
            crashing = asyncio.create_task(asyncio.to_thread(monkey.run))
            paths = list(Path)

            stuck: list[str] = []

            async def one(number: int) -> tuple[str, str, Path] | None:
                await asyncio.sleep(number * plan.arrivals_over / max(plan.orders, 1))
                path = paths[number % len(paths)]
                try:
                    order_id, end = await DRIVERS[path](world)
                except GaveUp as gave_up:  # an order that stopped answering: a finding, not the end of the run
                    stuck.append(f"{path}: a client gave up: {gave_up}")
                    return None
                return order_id, end, path

            try:
                async with asyncio.timeout(plan.patience):
                    ended = [e for e in await asyncio.gather(*(one(n) for n in range(plan.orders))) if e]
                    # Crashes still planned happen while nothing is in flight only if the orders were fast:
                    # the run then reports fewer kills, and the test says so.
                    done.set()
                    await crashing
            except TimeoutError:
                raise AssertionError(await still_running(world, plan, data_dir)) from None
            finally:
                done.set()
            client = await connect(settings)
            for order_id, _, _ in ended:  # the last e-mails go out after the final stage
                with contextlib.suppress(TimeoutError):  # one still running is reported by the checks
                    async with asyncio.timeout(60):
                        await client.get_workflow_handle(workflow_id_for(order_id)).result()
            final = {order_id: await world.state(order_id) for order_id, _, _ in ended}
            orders: dict[str, tuple[Path, str, dict[str, Any]]] = {
                order_id: (path, end, final[order_id]) for order_id, end, path in ended
            }
            operator = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
            findings = await check(orders, world.effects, fake, engine, client, http, operator)
            findings.wrong_end += world.anomalies + stuck
        ends: dict[str, int] = {}
        for _, _, status in orders.values():
            ends[status["stage"]] = ends.get(status["stage"], 0) + 1
        restarts = stack.restarts
        return Run(
            plan=plan,
            findings=findings,
            seconds=time.monotonic() - started,
            kills=dict(stack.kills),
            first_poll_seconds=[r.seconds_to_ready for r in restarts if r.process == "workers"],
            api_ready_seconds=[r.seconds_to_ready for r in restarts if r.process == "api"],
            server_away_seconds=[r.seconds_to_ready for r in restarts if r.process == "temporal"],
            client_retries=calls.retries,
            answers=calls.answers,
            sendgrid_requests=len(fake.received),
            sendgrid_503=sum(1 for r in fake.received if r.status == 503),
            workers_lost_with_server=monkey.workers_lost_with_server,
            ends=ends,
        )
    finally:
        await asyncio.to_thread(stack.stop)
        fake.stop()


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="scripts/chaos", description=__doc__)
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--worker-kills", type=int, default=8)
    parser.add_argument("--day-seconds", type=int, default=40, help="length of a compressed delivery day")
    parser.add_argument("--arrivals-over", type=float, default=60.0, help="seconds over which orders arrive")
    parser.add_argument("--kill-every", type=float, default=12.0, help="seconds between crashes, on average")
    parser.add_argument("--data-dir", type=FilePath, default=None, help="keep logs and databases here")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    plan = Plan(
        orders=args.orders,
        worker_kills=args.worker_kills,
        day=timedelta(seconds=args.day_seconds),
        arrivals_over=args.arrivals_over,
        kill_every=args.kill_every,
        seed=args.seed,
    )
    data_dir = args.data_dir or FilePath(tempfile.mkdtemp(prefix="orderflow-chaos-"))
    run = asyncio.run(run_chaos(plan, data_dir))
    print(run.figures())
    print(f"logs and databases: {data_dir}")
    return 1 if run.findings.failures else 0
