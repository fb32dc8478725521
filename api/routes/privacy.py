"""Operators: a customer's stored personal data, exported or erased (GDPR). Both are recorded in
the audit trail with the operator behind the token."""

from typing import Annotated

import anyio
from fastapi import APIRouter, Path

from api.deps import BlobsDep, EngineDep, OperatorDep
from api.errors import ApiError, responses
from orderflow.privacy import CustomerData, Erasure, OrdersInProgress, erase_customer, export_customer

router = APIRouter(prefix="/ops/customers", tags=["operators"])

CustomerNoPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


@router.get("/{customer_no}/personal-data", response_model=CustomerData, responses=responses(401, 422))
async def export_personal_data(
    customer_no: CustomerNoPath, operator: OperatorDep, engine: EngineDep, blobs: BlobsDep
) -> CustomerData:
    """Everything the store holds about one customer, order by order."""
    return await anyio.to_thread.run_sync(export_customer, engine, blobs, customer_no, f"operator:{operator}")


@router.post("/{customer_no}/erasure", response_model=Erasure, responses=responses(401, 409, 422))
async def erase_personal_data(
    customer_no: CustomerNoPath, operator: OperatorDep, engine: EngineDep, blobs: BlobsDep
) -> Erasure:
    """Erase one customer's personal data; refused with 409 while one of their orders runs."""
    try:
        return await anyio.to_thread.run_sync(erase_customer, engine, blobs, customer_no, f"operator:{operator}")
    except OrdersInProgress as running:
        raise ApiError(409, "orders_in_progress", str(running)) from None
