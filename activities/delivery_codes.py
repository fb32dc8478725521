"""Issue and check delivery codes. Results never carry a code: it stays in the store, sealed."""

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from temporalio import activity

from orderflow.crypto import Keyring
from orderflow.delivery_codes import as_utc, codes_match, find_code, new_code, open_code, seal_code
from orderflow.records import (
    CHECK_DELIVERY_CODE,
    ISSUE_DELIVERY_CODE,
    CheckCode,
    CodeCheck,
    CodeIssued,
    IssueCode,
)
from orderflow.store.codes import DeliveryCode


class DeliveryCodeActivities:
    def __init__(self, engine: Engine, key: bytes | Keyring) -> None:
        self._engine = engine
        # A keyring seals with the current key and still opens codes sealed before a rotation.
        self._key = key

    @activity.defn(name=ISSUE_DELIVERY_CODE)
    def issue_delivery_code(self, request: IssueCode) -> CodeIssued:
        # A retry must not mint a second code for the same attempt: the first one may be in an e-mail.
        existing = find_code(self._engine, request.order_id, request.attempt)
        if existing is None:
            code = new_code()
            row = DeliveryCode(
                order_id=request.order_id,
                attempt=request.attempt,
                sealed_code=seal_code(self._key, request.order_id, request.attempt, code),
                valid_until=request.valid_until,
                created_at=datetime.now(UTC),
            )
            try:
                with Session(self._engine) as session:
                    session.add(row)
                    session.commit()
            except IntegrityError:
                pass  # a concurrent retry won the race; its code stands
        activity.logger.info("delivery code issued for attempt %s", request.attempt)
        return CodeIssued(attempt=request.attempt, valid_until=request.valid_until)

    @activity.defn(name=CHECK_DELIVERY_CODE)
    def check_delivery_code(self, request: CheckCode) -> CodeCheck:
        row = find_code(self._engine, request.order_id, request.attempt)
        if row is None:
            return CodeCheck(matches=False)
        # The server's clock, not the worker's: the same clock the workflow's delivery day runs on.
        if as_utc(row.valid_until) <= activity.info().current_attempt_scheduled_time:
            return CodeCheck(matches=False, expired=True)
        return CodeCheck(matches=codes_match(open_code(self._key, row), request.code))
