"""Search attributes for operators in the Temporal UI. No names, e-mails or images here."""

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest
from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.service import RPCError, RPCStatusCode

ORDER_STAGE = SearchAttributeKey.for_keyword("OrderStage")
IDENT_METHOD = SearchAttributeKey.for_keyword("IdentMethod")
IDENT_OUTCOME = SearchAttributeKey.for_keyword("IdentOutcome")
DELIVERY_ATTEMPT = SearchAttributeKey.for_int("DeliveryAttempt")
HIGH_VALUE = SearchAttributeKey.for_bool("HighValue")
STAGE_ENTERED_AT = SearchAttributeKey.for_datetime("StageEnteredAt")
IDENT_DEADLINE = SearchAttributeKey.for_datetime("IdentDeadline")
CUSTOMER_NO = SearchAttributeKey.for_keyword("CustomerNo")

ALL = (
    ORDER_STAGE,
    IDENT_METHOD,
    IDENT_OUTCOME,
    DELIVERY_ATTEMPT,
    HIGH_VALUE,
    STAGE_ENTERED_AT,
    IDENT_DEADLINE,
    CUSTOMER_NO,
)


def dev_server_flags() -> list[str]:
    """`--search-attribute Name=Type` pairs for `temporal server start-dev`."""
    types = {"KEYWORD": "Keyword", "INT": "Int", "BOOL": "Bool", "DATETIME": "Datetime"}
    flags: list[str] = []
    for key in ALL:
        flags += ["--search-attribute", f"{key.name}={types[key.indexed_value_type.name]}"]
    return flags


async def register(client: Client, namespace: str) -> list[str]:
    """Adds the attributes the cluster lacks (idempotent); returns the names it added."""
    try:
        listing = await client.operator_service.list_search_attributes(ListSearchAttributesRequest(namespace=namespace))
        existing = set(listing.custom_attributes)
    except RPCError as error:
        # The time-skipping test server can add attributes but not list them.
        if error.status != RPCStatusCode.UNIMPLEMENTED:
            raise
        existing = set()
    missing = {
        key.name: IndexedValueType.ValueType(key.indexed_value_type.value) for key in ALL if key.name not in existing
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
    return sorted(missing)
