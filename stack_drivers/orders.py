"""A sample order as a storefront sends it: the tests' and the benchmarks' one customer."""

import uuid
from decimal import Decimal

from orderflow.contract.order import Address, Customer, IdentMethod, Item, OrderInput


def make_order(
    ident_method: IdentMethod = IdentMethod.ONLINE, unit_price: str = "899.00", order_id: str | None = None
) -> OrderInput:
    return OrderInput(
        order_id=order_id or f"T-{uuid.uuid4().hex[:10]}",
        customer=Customer(
            customer_no="K-555001",
            first_name="Erika",
            last_name="Mustermann",
            date_of_birth="1964-08-12",
            email="erika@example.org",
        ),
        shipping_address=Address(street="Heidestr. 17", postal_code="51147", city="Köln", country="DE"),
        items=[Item(sku="PHONE-X", name="Smartphone X", quantity=1, unit_price=Decimal(unit_price))],
        ident_method=ident_method,
    )
