"""One sentence for the Temporal UI: what the order waits for, and until when."""

from datetime import datetime

from orderflow.contract.commands import OrderStatus
from orderflow.contract.stages import DeliveryMode, Stage


def _at(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "open end"


def describe_wait(status: OrderStatus) -> str:
    stage = status.stage
    video = status.video_session
    if stage == Stage.RECEIVED:
        return "Recording the new order."
    if stage == Stage.AWAITING_IDENT:
        return (
            f"Waiting for the customer's ID photos ({status.photo_tries_left} tries left) or a video call request "
            f"until {_at(status.ident_deadline)}; then the courier checks the ID at the door."
        )
    if stage == Stage.PHOTO_CHECK:
        return "Checking the submitted photos automatically (seconds)."
    if stage == Stage.AWAITING_VIDEO_AGENT and video:
        return f"Waiting for a video agent to claim session {video.session_id} until {_at(status.ident_deadline)}."
    if stage == Stage.VIDEO_IN_PROGRESS and video:
        return f"Video call with agent {video.agent_id} under way; waiting for the verdict."
    if stage in (Stage.IDENTIFIED, Stage.DOORSTEP_FALLBACK, Stage.AWAITING_DISPATCH):
        return "Handing the parcel to the carrier."
    if stage == Stage.DISPATCHED:
        return (
            f"Waiting for delivery day {_at(status.next_delivery_day)} "
            f"(attempt {status.attempt + 1} of {status.max_attempts})."
            if status.next_delivery_day
            else f"Attempt {status.attempt} failed; the parcel goes back unless an operator re-opens the attempt today."
        )
    if stage == Stage.OUT_FOR_DELIVERY:
        check = "the named recipient's ID" if status.delivery_mode == DeliveryMode.RECIPIENT_WITH_ID else "nothing"
        code = f"the delivery code (valid until {_at(status.code_valid_until)})" if status.code_required else "no code"
        return f"Courier on attempt {status.attempt} of {status.max_attempts}: needs {code} and checks {check}."
    return f"Finished: {stage.value}."
