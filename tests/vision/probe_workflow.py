"""A minimal workflow that calls photo-ident by name on the vision queue, as the order workflow does.

Kept in its own module so the workflow sandbox imports only this and the contract types.
"""

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from orderflow.contract.names import PHOTO_IDENT_ACTIVITY
    from orderflow.contract.photo_ident import PhotoIdentInput, PhotoIdentResult


@workflow.defn
class PhotoIdentProbe:
    @workflow.run
    async def run(self, request: PhotoIdentInput, task_queue: str) -> PhotoIdentResult:
        return await workflow.execute_activity(
            PHOTO_IDENT_ACTIVITY,
            request,
            task_queue=task_queue,
            start_to_close_timeout=timedelta(seconds=60),
            heartbeat_timeout=timedelta(seconds=20),
            result_type=PhotoIdentResult,
        )
