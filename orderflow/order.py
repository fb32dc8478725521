"""The order as the storefront sends it: `OrderInput`, the workflow's only argument."""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, EmailStr, Field

from orderflow.policy import OrderPolicy


class IdentMethod(StrEnum):
    NONE = "none"
    DOORSTEP = "doorstep"
    ONLINE = "online"


class Customer(BaseModel):
    customer_no: str = Field(min_length=1, max_length=64)
    first_name: str = Field(min_length=1, max_length=200)
    last_name: str = Field(min_length=1, max_length=200)
    date_of_birth: date
    email: EmailStr
    locale: str = Field(default="de", pattern=r"^[a-z]{2}$")


class Address(BaseModel):
    street: str = Field(min_length=1, max_length=200)
    postal_code: str = Field(min_length=1, max_length=20)
    city: str = Field(min_length=1, max_length=200)
    country: str = Field(pattern=r"^[A-Z]{2}$")


class Item(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=300)
    quantity: int = Field(ge=1, le=10_000)
    unit_price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)


class OrderInput(BaseModel):
    order_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
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


WORKFLOW_ID_PREFIX = "order-"


def workflow_id_for(order_id: str) -> str:
    return f"{WORKFLOW_ID_PREFIX}{order_id}"


def order_id_of(workflow_id: str) -> str | None:
    """The order behind an `OrderWorkflow` id; None for any other workflow."""
    return workflow_id.removeprefix(WORKFLOW_ID_PREFIX) if workflow_id.startswith(WORKFLOW_ID_PREFIX) else None
