"""The order as the storefront sends it: `OrderInput`, the workflow's only argument."""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, EmailStr, Field, model_validator

from orderflow.contract.policy import OrderPolicy


class IdentMethod(StrEnum):
    NONE = "none"
    DOORSTEP = "doorstep"
    ONLINE = "online"


ORDER_ID_MAX_LENGTH = 64
ORDER_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
OrderId = Annotated[str, Field(min_length=1, max_length=ORDER_ID_MAX_LENGTH, pattern=ORDER_ID_PATTERN)]

# Free text of an order ends up in e-mail headers, on labels, in search attributes and in database
# columns: any script is welcome, control characters are not (a newline in a name starts a new e-mail
# header; PostgreSQL text cannot hold NUL).
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"


# The order store keeps the total as NUMERIC(14, 2): a larger one could not be recorded.
ORDER_TOTAL_MAX = Decimal("999999999999.99")


class Customer(BaseModel):
    customer_no: str = Field(min_length=1, max_length=64, pattern=NO_CONTROL_CHARACTERS)
    first_name: str = Field(min_length=1, max_length=200, pattern=NO_CONTROL_CHARACTERS)
    last_name: str = Field(min_length=1, max_length=200, pattern=NO_CONTROL_CHARACTERS)
    date_of_birth: date
    email: EmailStr
    locale: str = Field(default="de", pattern=r"^[a-z]{2}$")


class Address(BaseModel):
    street: str = Field(min_length=1, max_length=200, pattern=NO_CONTROL_CHARACTERS)
    postal_code: str = Field(min_length=1, max_length=20, pattern=NO_CONTROL_CHARACTERS)
    city: str = Field(min_length=1, max_length=200, pattern=NO_CONTROL_CHARACTERS)
    country: str = Field(pattern=r"^[A-Z]{2}$")


class Item(BaseModel):
    sku: str = Field(min_length=1, max_length=64, pattern=NO_CONTROL_CHARACTERS)
    name: str = Field(min_length=1, max_length=300, pattern=NO_CONTROL_CHARACTERS)
    quantity: int = Field(ge=1, le=10_000)
    unit_price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)


class OrderInput(BaseModel):
    order_id: OrderId
    customer: Customer
    shipping_address: Address
    items: list[Item] = Field(min_length=1, max_length=500)
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    ident_method: IdentMethod = IdentMethod.ONLINE
    # Filled in by the workflow's first activity from settings when absent, so the values that
    # steer this order are recorded in its history and replays stay deterministic.
    policy: OrderPolicy | None = None

    @property
    def total(self) -> Decimal:
        return sum((item.unit_price * item.quantity for item in self.items), Decimal("0"))

    @model_validator(mode="after")
    def _total_fits_the_store(self) -> "OrderInput":
        if self.total > ORDER_TOTAL_MAX:
            raise ValueError(f"the order total may be at most {ORDER_TOTAL_MAX}")
        return self


WORKFLOW_ID_PREFIX = "order-"


def workflow_id_for(order_id: str) -> str:
    return f"{WORKFLOW_ID_PREFIX}{order_id}"


def order_id_of(workflow_id: str) -> str | None:
    """The order behind an `OrderWorkflow` id; None for any other workflow."""
    return workflow_id.removeprefix(WORKFLOW_ID_PREFIX) if workflow_id.startswith(WORKFLOW_ID_PREFIX) else None
