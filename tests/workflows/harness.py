"""Runs OrderWorkflow on a worker of its own: real store activities, scripted photo-ident,
and a message recorder registered under the real activity names."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine
from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from orderflow.contract import task_queues
from orderflow.contract.commands import OrderStatus, SubmitPhotos
from orderflow.contract.liveness import LivenessInput, LivenessResult
from orderflow.contract.messages import MessageReceipt, MessageRequest
from orderflow.contract.names import LIVENESS_ACTIVITY, PHOTO_IDENT_ACTIVITY, PUBLISH_ORDER_EVENT, SEND_MESSAGE_ACTIVITY
from orderflow.contract.order import OrderInput
from orderflow.contract.photo_ident import PhotoIdentInput, PhotoIdentResult, PhotoVerdict
from orderflow.contract.stages import Stage
from orderflow.contract.webhook_events import OrderEvent
from orderflow.crypto import load_key
from orderflow.delivery_codes import find_code, open_code
from orderflow.settings import Settings
from orderflow.storefront import start_order
from stack_drivers.orders import make_order as make_order  # the tests import the sample order from here too
from workers.orders import build_orders_worker
from workflows.order import OrderWorkflow


def photos_for(order: OrderInput) -> SubmitPhotos:
    """References as the API makes them: under the order's own folder (the scripted check never reads them)."""
    return SubmitPhotos(
        front_ref=f"{order.order_id}/{'a' * 32}.jpg",
        back_ref=f"{order.order_id}/{'b' * 32}.jpg",
        portrait_ref=f"{order.order_id}/{'c' * 32}.jpg",
    )


@dataclass
class Fakes:
    """Photo verdicts to hand out, in order (None: the check itself is down), and every message the workflow asked for."""

    verdicts: list[PhotoVerdict | None] = field(default_factory=list)
    photo_requests: list[PhotoIdentInput] = field(default_factory=list)
    messages: list[MessageRequest] = field(default_factory=list)
    webhook_events: list[OrderEvent] = field(default_factory=list)

    def events(self) -> list[str]:
        return [m.event.value for m in self.messages]

    async def sent(self, event: str, count: int = 1) -> list[MessageRequest]:
        """The messages of `event`, once `count` arrived (they are sent in the background)."""
        for _ in range(200):
            matching = [m for m in self.messages if m.event == event]
            if len(matching) >= count:
                return matching
            await asyncio.sleep(0.02)
        raise AssertionError(f"{count} x {event} expected, got events {self.events()}")

    @activity.defn(name=PHOTO_IDENT_ACTIVITY)
    async def photo_ident(self, request: PhotoIdentInput) -> PhotoIdentResult:
        self.photo_requests.append(request)
        verdict = self.verdicts.pop(0)
        if verdict is None:
            raise ApplicationError("the vision service is down", non_retryable=True)
        reasons = [] if verdict == PhotoVerdict.PASSED else ["BACK_GLARE"]
        return PhotoIdentResult(verdict=verdict, reasons=reasons)

    @activity.defn(name=LIVENESS_ACTIVITY)
    async def liveness_check(self, request: LivenessInput) -> LivenessResult:
        """Every camera check passes; its first frame becomes the live portrait."""
        return LivenessResult(passed=True, portrait_ref=request.frame_refs[0])

    @activity.defn(name=SEND_MESSAGE_ACTIVITY)
    async def send_message(self, request: MessageRequest) -> MessageReceipt:
        self.messages.append(request)
        return MessageReceipt(key=request.key, status="captured")

    @activity.defn(name=PUBLISH_ORDER_EVENT)
    async def publish_order_event(self, event: OrderEvent) -> int:
        self.webhook_events.append(event)
        return 0


@dataclass
class Harness:
    client: Client
    engine: Engine
    settings: Settings
    task_queue: str
    fakes: Fakes

    async def start(self, order: OrderInput) -> WorkflowHandle:
        return await start_order(self.client, order, task_queue=self.task_queue)

    async def start_at_stage(self, order: OrderInput, stage: Stage) -> WorkflowHandle:
        handle = await self.start(order)
        await wait_for_stage(handle, stage)
        return handle

    def code(self, order_id: str, attempt: int) -> str:
        row = find_code(self.engine, order_id, attempt)
        assert row is not None, f"no code issued for attempt {attempt}"
        return open_code(load_key(self.settings.data_key), row)


@asynccontextmanager
async def running_order_worker(
    client: Client, engine: Engine, settings: Settings, restart_of: Harness | None = None
) -> AsyncIterator[Harness]:
    """Workers on task queues of their own; `restart_of` starts them again on an earlier harness's queues."""
    suffix = restart_of.task_queue.removeprefix(f"{task_queues.ORDERS}-") if restart_of else uuid.uuid4().hex
    fakes = restart_of.fakes if restart_of else Fakes()
    queue = f"{task_queues.ORDERS}-{suffix}"
    side_workers = [
        Worker(
            client, task_queue=f"{task_queues.VISION}-{suffix}", activities=[fakes.photo_ident, fakes.liveness_check]
        ),
        Worker(client, task_queue=f"{task_queues.MESSAGING}-{suffix}", activities=[fakes.send_message]),
        Worker(client, task_queue=f"{task_queues.WEBHOOKS}-{suffix}", activities=[fakes.publish_order_event]),
    ]
    orders_worker = build_orders_worker(client, settings.model_copy(update={"task_queue": queue}))
    async with orders_worker, side_workers[0], side_workers[1], side_workers[2]:
        yield Harness(client=client, engine=engine, settings=settings, task_queue=queue, fakes=fakes)


async def wait_for_stage(handle: WorkflowHandle[OrderWorkflow, OrderStatus], stage: Stage) -> OrderStatus:
    """Polls the status query; the workflow reaches a stage after its first activities ran."""
    for _ in range(200):
        status = await handle.query(OrderWorkflow.status)
        if status.stage == stage:
            return status
        await asyncio.sleep(0.02)
    raise AssertionError(f"order stayed in {status.stage}, never reached {stage}")


async def sleep_until(env: WorkflowEnvironment, moment: datetime) -> None:
    """Skips the test server's clock to just after `moment`."""
    await env.sleep(max(timedelta(0), moment - await env.get_current_time()) + timedelta(seconds=1))


async def out_for_delivery(env: WorkflowEnvironment, handle: WorkflowHandle) -> OrderStatus:
    """Skips to the next delivery day and waits until the courier is on the way."""
    status = await wait_for_stage(handle, Stage.DISPATCHED)
    assert status.next_delivery_day is not None
    await sleep_until(env, status.next_delivery_day)
    return await wait_for_stage(handle, Stage.OUT_FOR_DELIVERY)
