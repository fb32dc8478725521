"""Issue and check delivery codes. Results never carry a code: it stays in the store, sealed."""

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session
from temporalio import activity

from activities.store_rejections import rejected_for_good
from orderflow.contract.names import CHECK_DELIVERY_CODE, ISSUE_DELIVERY_CODE
from orderflow.contract.records import CheckCode, CodeCheck, CodeIssued, IssueCode
from orderflow.crypto import Keyring
from orderflow.delivery_codes import as_utc, codes_match, find_code, new_code, open_code, seal_code
from orderflow.store.codes import DeliveryCode
from orderflow.store.once import insert_once


class DeliveryCodeActivities:
    def __init__(self, engine: Engine, key: bytes | Keyring) -> None:
        self._engine = engine
        # A keyring seals with the current key and still opens codes sealed before a rotation.
        self._key = key

    @activity.defn(name=ISSUE_DELIVERY_CODE)
    def issue_delivery_code(self, request: IssueCode) -> CodeIssued:
        row = DeliveryCode(
            order_id=request.order_id,
            attempt=request.attempt,
            issue=request.issue,
            sealed_code=seal_code(self._key, request.order_id, request.attempt, new_code()),
            valid_until=request.valid_until,
            created_at=datetime.now(UTC),
        )
        # A retry must not replace the issued code: the first one may be in an e-mail. The code
        # drawn here is then dropped unseen.
        with rejected_for_good(), Session(self._engine) as session:
            insert_once(
                session,
                row,
                DeliveryCode.order_id == request.order_id,
                DeliveryCode.attempt == request.attempt,
                DeliveryCode.issue == request.issue,
            )
        activity.logger.info("delivery code issued for attempt %s", request.attempt)
        return CodeIssued(attempt=request.attempt, valid_until=request.valid_until)

    @activity.defn(name=CHECK_DELIVERY_CODE)
    def check_delivery_code(self, request: CheckCode) -> CodeCheck:
        with rejected_for_good():
            row = find_code(self._engine, request.order_id, request.attempt)
        if row is None:
            return CodeCheck(matches=False)
        # The server's clock, not the worker's: the same clock the workflow's delivery day runs on.
        if as_utc(row.valid_until) <= activity.info().current_attempt_scheduled_time:
            return CodeCheck(matches=False, expired=True)
        return CodeCheck(matches=codes_match(open_code(self._key, row), request.code))
