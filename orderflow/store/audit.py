"""The append-only audit trail: every stage change, decision, operator action and deletion of
personal data, with who and when. Rows are added, never changed or removed."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from orderflow.contract.outcomes import NOTE_MAX_LENGTH

NOTE_LENGTH = 2 * NOTE_MAX_LENGTH
ACTOR_LENGTH = 128


class AuditKind(StrEnum):
    STAGE = "stage"
    DECISION = "decision"
    OPERATOR = "operator"
    PRIVACY = "privacy"  # ID images deleted, personal data exported or erased


class AuditEventBase(SQLModel):
    order_id: str = Field(index=True, max_length=64)
    # Per-order sequence number from the workflow: a retried write is recognised and skipped.
    # None for rows written outside the workflow (sweeper, erasure, CLI).
    seq: int | None = None
    kind: str = Field(max_length=32)
    stage: str = Field(max_length=32)
    # "workflow", "agent:<id>", "operator:<id>", "retention", ...: room for a prefix before a 64-character id.
    actor: str = Field(max_length=ACTOR_LENGTH)
    # An outside party's note (up to NOTE_MAX_LENGTH) behind the workflow's own words about it.
    note: str = Field(default="", max_length=NOTE_LENGTH)
    at: datetime


class AuditEvent(AuditEventBase, table=True):
    __table_args__ = (
        UniqueConstraint("order_id", "seq"),
        UniqueConstraint("order_id", "dedupe_key", name="uq_auditevent_order_id_dedupe_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Names a one-time event (e.g. "id_images_deleted") for writers without a `seq`, so their
    # retries are recognised too. Several NULLs never collide.
    dedupe_key: str | None = Field(default=None, max_length=100)


class AuditEventPublic(AuditEventBase):
    """An audit row as exports and operators see it."""
