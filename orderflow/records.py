"""Inputs of the store and delivery-code activities (task queue `orders`).

Side-effect free, so the workflow can import them; the activities themselves use the ORM.
"""

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel

LOAD_ORDER_POLICY = "load_order_policy"
RECORD_ORDER = "record_order"
RECORD_STAGE_CHANGE = "record_stage_change"
ISSUE_DELIVERY_CODE = "issue_delivery_code"
CHECK_DELIVERY_CODE = "check_delivery_code"


class RecordOrder(BaseModel):
    order_id: str
    customer_no: str
    ident_method: str
    total: Decimal
    currency: str
    high_value: bool
    at: datetime


class RecordStageChange(BaseModel):
    order_id: str
    # Per-order sequence number: a retried write is recognised and skipped.
    seq: int
    stage: str
    note: str = ""
    actor: str = "workflow"
    kind: str = "stage"  # "stage" or "decision"
    at: datetime


class IssueCode(BaseModel):
    order_id: str
    attempt: int
    valid_until: datetime


class CodeIssued(BaseModel):
    attempt: int
    valid_until: datetime


class CheckCode(BaseModel):
    order_id: str
    attempt: int
    code: str


class CodeCheck(BaseModel):
    matches: bool
    expired: bool = False
