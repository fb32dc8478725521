"""Rules the workflow enforces and the API checks before it calls, written once.

A refusal is a machine-readable code and a sentence for the caller. The workflow's validators raise it
(nothing lands in history); its signal handlers ignore what a rule refuses (a signal cannot be refused);
the API answers it as 409 before it stores an upload or sends a signal the workflow would ignore. Each
caller passes what it can see: the workflow its own state, the API the `status` query's answer.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from orderflow.contract.outcomes import VideoSessionState
from orderflow.contract.stages import Stage


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


IDENT_DEADLINE_PASSED = Refusal(
    "ident_deadline_passed", "the time for online identification is over; the courier checks the ID"
)


def wrong_stage(message: str, stage: Stage) -> Refusal:
    return Refusal("wrong_stage", f"{message} (order is {stage.value})")


def refs_of_order(order_id: str, refs: Iterable[str]) -> bool:
    """Image references a customer sends must name images uploaded for their own order."""
    own_folder = f"{order_id}/"
    return all(ref.startswith(own_folder) for ref in refs)


def photo_submission_refusal(stage: Stage, tries_left: int, past_deadline: bool = False) -> Refusal | None:
    """Photos are taken while the order waits for identification, before its deadline, while tries are left.
    (The API cannot judge the deadline by the workflow's clock: it leaves that to the validator.)"""
    if stage != Stage.AWAITING_IDENT:
        return wrong_stage("photos are taken only while the order waits for identification", stage)
    if past_deadline:
        return IDENT_DEADLINE_PASSED
    if tries_left == 0:
        return Refusal("no_tries_left", "all photo submissions are used; a video call or the doorstep check remain")
    return None


class VideoSessionView(Protocol):
    @property
    def session_id(self) -> str: ...
    @property
    def state(self) -> VideoSessionState: ...
    @property
    def agent_id(self) -> str | None: ...


def video_verdict_refusal(
    video: VideoSessionView | None, stage: Stage, session_id: str, agent_id: str
) -> Refusal | None:
    """A verdict counts only for the order's current call, claimed by the agent who sends it, while it runs."""
    if video is None or video.session_id != session_id:
        return Refusal("unknown_session", f"there is no video session {session_id}")
    if video.state == VideoSessionState.WAITING:
        return Refusal("session_not_claimed", "claim the call before sending its verdict")
    if video.state == VideoSessionState.EXPIRED:
        return Refusal(
            "session_expired", "the call ran past its time limit and expired; the verdict can no longer be given"
        )
    if video.state != VideoSessionState.CLAIMED:
        return Refusal("session_decided", f"the video session is {video.state.value} already")
    if video.agent_id != agent_id:
        return Refusal("foreign_session", "another agent claimed this call")
    if stage != Stage.VIDEO_IN_PROGRESS:
        return Refusal("wrong_stage", f"the order is {stage.value}, not in a video call")
    return None


def courier_report_refusal(under_way: int | None, reported: int) -> Refusal | None:
    """A courier's handover or failure report names the attempt under way (`under_way`: its number, None when
    no attempt is: the parcel is not out, or the attempt's outcome is already known)."""
    if under_way is None:
        return Refusal("not_out_for_delivery", "the parcel is not out for delivery right now")
    if reported != under_way:
        return Refusal("wrong_attempt", f"attempt {under_way} is under way, not {reported}")
    return None
