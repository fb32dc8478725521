"""The clock an order's decisions branch on, read once and kept in its history."""

from datetime import UTC, datetime

from temporalio import activity

from orderflow.contract.names import READ_CLOCK


@activity.defn(name=READ_CLOCK)
async def read_clock(workflow_now: datetime) -> datetime:
    """The later of the workflow's clock and this machine's.

    A worker that comes back after a kill can run a workflow task with the clock of the task before it, and a
    replay of the same history reads another one: a decision such as "the delivery day ended while we were down"
    taken from `workflow.now()` can come out differently live and on replay. Run as a local activity, this reading
    lands in history as a marker, so a replay takes the value the live run decided on. The machine's clock
    corrects a lagging workflow clock; under the time-skipping test server the workflow's clock is ahead of it.
    """
    return max(workflow_now, datetime.now(UTC))
