"""Every API request model takes its limits from the contract model it feeds, so a body the API
accepts is always one the workflow accepts too (never a 500 from building the payload)."""

import pytest
from pydantic import BaseModel, ValidationError

from api.routes.agent import Verdict
from api.routes.courier import FailedAttempt, Handover
from api.routes.ops import Reason
from api.routes.orders import CancelRequest
from orderflow.commands import CancelOrder, CourierHandover, DeliveryFailed, OperatorAction, VideoIdentResult
from orderflow.outcomes import NOTE_MAX_LENGTH, FailureReason, VideoRejectReason

# (API model, its field) → (contract model, the field it is copied into)
FEEDS = [
    (FailedAttempt, "attempt", DeliveryFailed, "attempt"),
    (FailedAttempt, "reason", DeliveryFailed, "reason"),
    (FailedAttempt, "note", DeliveryFailed, "note"),
    (Verdict, "verdict", VideoIdentResult, "verdict"),
    (Verdict, "reason_code", VideoIdentResult, "reason_code"),
    (Verdict, "note", VideoIdentResult, "reason"),
    (Handover, "attempt", CourierHandover, "attempt"),
    (CancelRequest, "reason", CancelOrder, "reason"),
    (Reason, "reason", OperatorAction, "reason"),
]


@pytest.mark.parametrize(("api_model", "api_field", "contract", "contract_field"), FEEDS)
def test_api_field_has_the_contract_limits(
    api_model: type[BaseModel], api_field: str, contract: type[BaseModel], contract_field: str
) -> None:
    assert api_field in api_model.model_fields, f"{api_model.__name__} has no {api_field}"
    ours = api_model.model_fields[api_field]
    theirs = contract.model_fields[contract_field]

    assert ours.annotation == theirs.annotation
    assert ours.metadata == theirs.metadata


@pytest.mark.parametrize("model", [FailedAttempt, Verdict, Handover, CancelRequest, Reason])
def test_unknown_fields_are_refused(model: type[BaseModel]) -> None:
    assert model.model_config.get("extra") == "forbid"


def test_a_failed_attempt_names_a_closed_reason() -> None:
    for body in ({"attempt": 1}, {"attempt": 1, "reason": "delivered"}, {"attempt": 1, "reason": "nobody home"}):
        with pytest.raises(ValidationError):
            FailedAttempt.model_validate(body)

    report = FailedAttempt.model_validate({"attempt": 1, "reason": "not_home", "note": "x" * NOTE_MAX_LENGTH})

    assert report.reason == FailureReason.NOT_HOME


def test_a_rejection_names_its_code_and_an_approval_none() -> None:
    for body in ({"verdict": "rejected"}, {"verdict": "approved", "reason_code": "face_mismatch"}):
        with pytest.raises(ValidationError):
            Verdict.model_validate(body)

    rejected = Verdict.model_validate({"verdict": "rejected", "reason_code": "face_mismatch", "note": "ok"})

    assert rejected.reason_code == VideoRejectReason.FACE_MISMATCH
