"""The small chaos run, part of the suite: a dozen orders of every path on the real stack while the
workers are SIGKILLed five times, the API once and the Temporal server restarted once (see run.py;
`scripts/chaos` runs the large one)."""

import pytest

from tests.chaos.run import Plan, run_chaos

pytestmark = pytest.mark.chaos


async def test_orders_survive_crashes_of_every_process(tmp_path):
    plan = Plan(orders=12, worker_kills=5, patience=240.0)

    run = await run_chaos(plan, tmp_path)

    print(run.figures())
    assert run.kills == {"workers": 5, "api": 1}, "crashes happened while orders were in flight"
    assert len(run.server_away_seconds) == 1
    assert run.findings.failures == {}, run.figures()
    assert run.ends == {"delivered": 10, "cancelled": 2}
