"""The rules the workflow enforces and the API checks first: one answer for each case, whoever asks."""

from dataclasses import dataclass

import pytest

from orderflow.contract.guards import (
    IDENT_DEADLINE_PASSED,
    courier_report_refusal,
    photo_submission_refusal,
    refs_of_order,
    video_verdict_refusal,
)
from orderflow.contract.outcomes import VideoSessionState
from orderflow.contract.stages import Stage


@dataclass
class Call:
    session_id: str = "s-1"
    state: VideoSessionState = VideoSessionState.CLAIMED
    agent_id: str | None = "agent-1"


def code(refusal: object) -> str | None:
    return getattr(refusal, "code", None)


def test_photos_are_taken_while_the_order_waits_for_ident_before_its_deadline_and_while_tries_are_left() -> None:
    assert photo_submission_refusal(Stage.AWAITING_IDENT, tries_left=1) is None
    wrong = photo_submission_refusal(Stage.PHOTO_CHECK, tries_left=1)
    assert code(wrong) == "wrong_stage"
    assert wrong is not None and wrong.message.endswith("(order is photo_check)")
    assert photo_submission_refusal(Stage.AWAITING_IDENT, tries_left=1, past_deadline=True) == IDENT_DEADLINE_PASSED
    assert code(photo_submission_refusal(Stage.AWAITING_IDENT, tries_left=0)) == "no_tries_left"
    # The stage is judged first: a closed ident says so, not that tries ran out.
    assert code(photo_submission_refusal(Stage.IDENTIFIED, tries_left=0, past_deadline=True)) == "wrong_stage"


def test_only_images_of_the_order_itself_may_be_named() -> None:
    assert refs_of_order("A-1", ["A-1/front.jpg", "A-1/back.jpg"])
    assert not refs_of_order("A-1", ["A-1/front.jpg", "A-10/back.jpg"])
    assert not refs_of_order("A-1", ["../A-1/front.jpg"])


@pytest.mark.parametrize(
    ("call", "stage", "expected"),
    [
        (Call(), Stage.VIDEO_IN_PROGRESS, None),
        (None, Stage.VIDEO_IN_PROGRESS, "unknown_session"),
        (Call(session_id="s-2"), Stage.VIDEO_IN_PROGRESS, "unknown_session"),
        (Call(state=VideoSessionState.WAITING), Stage.AWAITING_VIDEO_AGENT, "session_not_claimed"),
        (Call(state=VideoSessionState.EXPIRED), Stage.VIDEO_IN_PROGRESS, "session_expired"),
        (Call(state=VideoSessionState.APPROVED), Stage.IDENTIFIED, "session_decided"),
        (Call(state=VideoSessionState.WITHDRAWN), Stage.DOORSTEP_FALLBACK, "session_decided"),
        (Call(agent_id="agent-2"), Stage.VIDEO_IN_PROGRESS, "foreign_session"),
        (Call(), Stage.DOORSTEP_FALLBACK, "wrong_stage"),
    ],
)
def test_a_verdict_counts_only_for_the_running_call_of_the_agent_who_claimed_it(
    call: Call | None, stage: Stage, expected: str | None
) -> None:
    assert code(video_verdict_refusal(call, stage, "s-1", "agent-1")) == expected


def test_a_courier_reports_on_the_attempt_under_way() -> None:
    assert courier_report_refusal(under_way=2, reported=2) is None
    assert code(courier_report_refusal(under_way=None, reported=1)) == "not_out_for_delivery"
    wrong = courier_report_refusal(under_way=2, reported=1)
    assert wrong is not None and (wrong.code, wrong.message) == ("wrong_attempt", "attempt 2 is under way, not 1")
