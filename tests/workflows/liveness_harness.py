"""An orders worker whose vision queue also answers `liveness_check`, scripted or real.

The shared harness's vision worker knows only photo-ident; an activity task it does not know would
bounce between workers, so the liveness tests bring a complete set of side workers of their own.
"""

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from temporalio import activity
from temporalio.client import Client
from temporalio.worker import Worker

from orderflow.contract import task_queues
from orderflow.contract.liveness import LivenessInput, LivenessResult
from orderflow.contract.names import LIVENESS_ACTIVITY
from orderflow.settings import Settings
from tests.workflows.harness import Fakes
from workers.orders import build_orders_worker


@dataclass
class ScriptedLiveness:
    """Hands out the verdicts in order and keeps every request."""

    verdicts: list[bool] = field(default_factory=list)
    requests: list[LivenessInput] = field(default_factory=list)

    @activity.defn(name=LIVENESS_ACTIVITY)
    async def liveness_check(self, request: LivenessInput) -> LivenessResult:
        self.requests.append(request)
        if self.verdicts.pop(0):
            return LivenessResult(passed=True, portrait_ref=request.frame_refs[0])
        return LivenessResult(passed=False, reasons=["LIVENESS_CHALLENGE_NOT_FOLLOWED"])


@dataclass
class LivenessRig:
    task_queue: str
    fakes: Fakes


@asynccontextmanager
async def liveness_order_worker(
    client: Client, settings: Settings, liveness_check: Callable[..., Any]
) -> AsyncIterator[LivenessRig]:
    suffix = uuid.uuid4().hex
    fakes = Fakes()
    queue = f"{task_queues.ORDERS}-{suffix}"
    vision = Worker(
        client,
        task_queue=f"{task_queues.VISION}-{suffix}",
        activities=[fakes.photo_ident, liveness_check],
        # The real check is a plain `def`: it needs threads to run on.
        activity_executor=_executor(),
    )
    messaging = Worker(client, task_queue=f"{task_queues.MESSAGING}-{suffix}", activities=[fakes.send_message])
    webhooks = Worker(client, task_queue=f"{task_queues.WEBHOOKS}-{suffix}", activities=[fakes.publish_order_event])
    orders = build_orders_worker(client, settings.model_copy(update={"task_queue": queue}))
    async with orders, vision, messaging, webhooks:
        yield LivenessRig(task_queue=queue, fakes=fakes)


def _executor() -> Any:
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=1)
