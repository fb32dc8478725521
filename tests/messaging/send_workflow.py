"""A workflow that sends one message with the production retry policy, as OrderWorkflow does."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    # pydantic validates the customer's EmailStr with these; loaded lazily they would be
    # re-imported inside the sandbox on every run.
    import email_validator  # noqa: F401
    import idna  # noqa: F401

    from orderflow.contract.messages import MessageReceipt, MessageRequest
    from orderflow.contract.names import SEND_MESSAGE_ACTIVITY
    from workflows import activity_options


@workflow.defn
class SendOneMessage:
    @workflow.run
    async def run(self, request: MessageRequest) -> MessageReceipt:
        return await workflow.execute_activity(
            SEND_MESSAGE_ACTIVITY, request, result_type=MessageReceipt, **activity_options.MESSAGING
        )
