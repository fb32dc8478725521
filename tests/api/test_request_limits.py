"""Every API request model takes its limits from the contract model it feeds, so a body the API
accepts is always one the workflow accepts too (never a 500 from building the payload)."""

from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from api.auth import InvalidIdentity, Tokens
from api.routes.agent import Verdict
from api.routes.courier import FailedAttempt, Handover
from api.routes.ops import Reason
from api.routes.orders import CancelRequest
from orderflow.blobs import BlobStore
from orderflow.contract.commands import (
    CancelOrder,
    CourierHandover,
    DeliveryFailed,
    OperatorAction,
    SubmitPhotos,
    VideoIdentResult,
)
from orderflow.contract.order import ORDER_ID_MAX_LENGTH, ORDER_TOTAL_MAX, OrderInput
from orderflow.contract.outcomes import NOTE_MAX_LENGTH, FailureReason, VideoRejectReason
from orderflow.settings import Settings
from tests.workflows.harness import make_order

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


def test_an_order_total_the_store_cannot_hold_is_refused() -> None:
    body = make_order().model_dump(exclude={"policy"})
    dearest = {"sku": "GOLD", "name": "gold", "quantity": 1, "unit_price": "9999999999.99"}
    body["items"] = [dearest] * 100
    assert OrderInput.model_validate(body).total == Decimal("999999999999.00") <= ORDER_TOTAL_MAX

    body["items"] = [dearest] * 100 + [{"sku": "PIN", "name": "pin", "quantity": 1, "unit_price": "1.00"}]

    with pytest.raises(ValidationError, match="order total"):
        OrderInput.model_validate(body)


@pytest.mark.parametrize("text", ["a\x00b", "Erika\nBcc: everyone@example.org", "tab\there", "del\x7f"])
def test_control_characters_in_an_order_are_refused(text: str) -> None:
    body = make_order().model_dump(exclude={"policy"})
    body["customer"]["last_name"] = text

    with pytest.raises(ValidationError, match="last_name"):
        OrderInput.model_validate(body)

    body["customer"]["last_name"] = "Müller-Łukasiewicz \u202eالعربية 🚚"
    assert OrderInput.model_validate(body).customer.last_name.startswith("Müller")


def test_the_longest_photo_reference_fits_the_contract(tmp_path) -> None:
    order_id = "A" * ORDER_ID_MAX_LENGTH
    ref = BlobStore(tmp_path).new_ref(order_id, "jpg")

    SubmitPhotos(front_ref=ref, back_ref=ref, portrait_ref=ref)


@pytest.mark.parametrize("identity", ["Anna Schmidt", "agent/7", "x" * 65])
def test_a_token_for_an_identity_the_contract_refuses_stops_the_api(identity: str) -> None:
    settings = Settings(env="test", agent_tokens=f"{identity}:a-token-of-{len(identity)}")

    with pytest.raises(InvalidIdentity, match="ORDERFLOW_AGENT_TOKENS"):
        Tokens(settings)
