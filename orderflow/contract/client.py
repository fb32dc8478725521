"""A typed client for the order workflow: what the API, the storefront and the tests call it by.

`OrderWorkflowContract` declares the workflow's run method, updates, signals and query with their payload
types; its method names are the handler names of `names.py` (a name given to `workflow.update` would lose the
result type of an async method for mypy); no worker runs it (the implementation is `workflows.order.OrderWorkflow`,
which the callers never import, and tests/contract checks that the two declare the same handlers). Calls through
method references let mypy check every payload and result type across the boundary.
"""

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.client import Client, WorkflowHandle

from orderflow.contract import names
from orderflow.contract.commands import (
    CancelOrder,
    CancelResult,
    ChooseDoorstep,
    ClaimResult,
    ClaimVideoSession,
    CourierHandover,
    CourierTurnedAway,
    DeliveryFailed,
    HandoverResult,
    OperatorAction,
    OperatorActionResult,
    OrderStatus,
    PhotoSubmissionResult,
    RequestVideoIdent,
    SubmitPhotos,
    VideoIdentResult,
    VideoSessionRef,
)
from orderflow.contract.liveness import LivenessChallenge, LivenessSubmissionResult, StartLiveness, SubmitLiveness
from orderflow.contract.order import OrderInput, workflow_id_for


def _declared_only() -> Any:
    raise NotImplementedError("a declaration: workflows.order.OrderWorkflow runs the order")


@workflow.defn(name=names.WORKFLOW)
class OrderWorkflowContract:
    @workflow.run
    async def run(self, order: OrderInput) -> OrderStatus:
        return _declared_only()

    @workflow.query
    def status(self) -> OrderStatus:
        return _declared_only()

    @workflow.update
    async def submit_photos(self, photos: SubmitPhotos) -> PhotoSubmissionResult:
        return _declared_only()

    @workflow.update
    async def request_video_ident(self, request: RequestVideoIdent) -> VideoSessionRef:
        return _declared_only()

    @workflow.update
    async def choose_doorstep(self, choice: ChooseDoorstep) -> OrderStatus:
        return _declared_only()

    @workflow.update
    async def start_liveness(self, request: StartLiveness) -> LivenessChallenge:
        return _declared_only()

    @workflow.update
    async def submit_liveness(self, submission: SubmitLiveness) -> LivenessSubmissionResult:
        return _declared_only()

    @workflow.update
    async def claim_video_session(self, claim: ClaimVideoSession) -> ClaimResult:
        return _declared_only()

    @workflow.signal
    def video_ident_result(self, result: VideoIdentResult) -> None:
        _declared_only()

    @workflow.update
    async def courier_handover(self, handover: CourierHandover) -> HandoverResult:
        return _declared_only()

    @workflow.signal
    def delivery_failed(self, failure: DeliveryFailed) -> None:
        _declared_only()

    @workflow.signal
    def courier_turned_away(self, report: CourierTurnedAway) -> None:
        _declared_only()

    @workflow.update
    async def cancel(self, request: CancelOrder) -> CancelResult:
        return _declared_only()

    @workflow.update
    async def operator_resend_ident_link(self, action: OperatorAction) -> OperatorActionResult:
        return _declared_only()

    @workflow.update
    async def operator_force_doorstep(self, action: OperatorAction) -> OperatorActionResult:
        return _declared_only()

    @workflow.update
    async def operator_reopen_delivery_attempt(self, action: OperatorAction) -> OperatorActionResult:
        return _declared_only()


OrderHandle = WorkflowHandle[OrderWorkflowContract, OrderStatus]


class OrderClient:
    """One call per update, signal and query of an order, addressed by the order id."""

    def __init__(self, client: Client) -> None:
        self.client = client

    async def start(self, order: OrderInput, *, task_queue: str, **options: Any) -> OrderHandle:
        """Starts the order's workflow under its id; `options` are `Client.start_workflow`'s (policies, summary)."""
        return await self.client.start_workflow(
            OrderWorkflowContract.run, order, id=workflow_id_for(order.order_id), task_queue=task_queue, **options
        )

    def handle(self, order_id: str) -> OrderHandle:
        return self.client.get_workflow_handle_for(OrderWorkflowContract.run, workflow_id_for(order_id))

    async def status(self, order_id: str, rpc_timeout: timedelta | None = None) -> OrderStatus:
        return await self.handle(order_id).query(OrderWorkflowContract.status, rpc_timeout=rpc_timeout)

    async def submit_photos(self, order_id: str, photos: SubmitPhotos) -> PhotoSubmissionResult:
        return await self.handle(order_id).execute_update(OrderWorkflowContract.submit_photos, photos)

    async def request_video_ident(self, order_id: str) -> VideoSessionRef:
        return await self.handle(order_id).execute_update(
            OrderWorkflowContract.request_video_ident, RequestVideoIdent()
        )

    async def choose_doorstep(self, order_id: str) -> OrderStatus:
        return await self.handle(order_id).execute_update(OrderWorkflowContract.choose_doorstep, ChooseDoorstep())

    async def start_liveness(self, order_id: str) -> LivenessChallenge:
        return await self.handle(order_id).execute_update(OrderWorkflowContract.start_liveness, StartLiveness())

    async def submit_liveness(self, order_id: str, submission: SubmitLiveness) -> LivenessSubmissionResult:
        return await self.handle(order_id).execute_update(OrderWorkflowContract.submit_liveness, submission)

    async def claim_video_session(self, order_id: str, claim: ClaimVideoSession) -> ClaimResult:
        return await self.handle(order_id).execute_update(OrderWorkflowContract.claim_video_session, claim)

    async def video_ident_result(self, order_id: str, result: VideoIdentResult) -> None:
        await self.handle(order_id).signal(OrderWorkflowContract.video_ident_result, result)

    async def handover(self, order_id: str, handover: CourierHandover) -> HandoverResult:
        return await self.handle(order_id).execute_update(OrderWorkflowContract.courier_handover, handover)

    async def delivery_failed(self, order_id: str, failure: DeliveryFailed) -> None:
        await self.handle(order_id).signal(OrderWorkflowContract.delivery_failed, failure)

    async def courier_turned_away(self, order_id: str, report: CourierTurnedAway) -> None:
        await self.handle(order_id).signal(OrderWorkflowContract.courier_turned_away, report)

    async def cancel(self, order_id: str, request: CancelOrder) -> CancelResult:
        return await self.handle(order_id).execute_update(OrderWorkflowContract.cancel, request)

    async def resend_ident_link(self, order_id: str, action: OperatorAction) -> OperatorActionResult:
        return await self.handle(order_id).execute_update(OrderWorkflowContract.operator_resend_ident_link, action)

    async def force_doorstep(self, order_id: str, action: OperatorAction) -> OperatorActionResult:
        return await self.handle(order_id).execute_update(OrderWorkflowContract.operator_force_doorstep, action)

    async def reopen_delivery_attempt(self, order_id: str, action: OperatorAction) -> OperatorActionResult:
        return await self.handle(order_id).execute_update(
            OrderWorkflowContract.operator_reopen_delivery_attempt, action
        )
