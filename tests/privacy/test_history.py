"""What Temporal keeps of a finished high-value order: ciphertext only. Read without the codec,
the history holds neither the customer's name nor any delivery code; the codec endpoint gives
an operator the plain payloads back."""

import json
from collections.abc import Iterator

from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.api.history.v1 import History
from temporalio.contrib.pydantic import pydantic_data_converter

from orderflow.codec import ENCODING
from orderflow.contract.commands import CourierHandover
from orderflow.contract.order import IdentMethod
from orderflow.contract.stages import Stage
from tests.privacy.codec_api import OPERATOR, as_json, codec_client, from_json
from tests.workflows.harness import make_order, out_for_delivery, running_order_worker
from workflows.order import OrderWorkflow

# What the SDK's core writes in plain into its markers (see temporal sdk-core's marker details): for each
# marker, the detail it writes itself and the fields that detail may hold.
CORE_MARKERS = {
    "core_patch": ("patch-data", {"id", "deprecated"}),
    "core_local_activity": (
        "data",
        {
            "seq",
            "attempt",
            "activity_id",
            "activity_type",
            "complete_time",
            "backoff",
            "original_schedule_time",
            "activation_index",
        },
    ),
}

PERSONAL = ["Erika", "Mustermann", "erika@example.org", "1964-08-12", "Heidestr", "Köln"]


def payloads_in(message: Message) -> Iterator[Payload]:
    """Every payload anywhere in a protobuf message (inputs, results, failures, headers ...)
    except search attributes, which are plain by design (and hold no names, see DESIGN.md)."""
    if isinstance(message, Payload):
        yield message
        return
    for field, value in message.ListFields():
        if field.type != field.TYPE_MESSAGE or field.name == "search_attributes":
            continue
        if isinstance(value, Message):
            items = [value]
        elif hasattr(value, "values"):  # a map
            items = list(value.values())
        else:  # a repeated field
            items = list(value)
        for item in items:
            if isinstance(item, Message):
                yield from payloads_in(item)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_history_of_a_delivered_high_value_order_holds_no_name_and_no_code(time_skipping_env, engine, settings):
    async with running_order_worker(time_skipping_env.client, engine, settings) as h:
        order = make_order(IdentMethod.NONE, unit_price="899.00")
        handle = await h.start(order)
        status = await out_for_delivery(time_skipping_env, handle)
        assert status.code_required
        code = h.code(order.order_id, 1)
        # A wrong code first: what the courier types lands in history as update input.
        await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=1, code=wrong(code)))
        accepted = await handle.execute_update(OrderWorkflow.courier_handover, CourierHandover(attempt=1, code=code))
        assert accepted.accepted
        assert (await handle.result()).stage == Stage.DELIVERED
        history = await handle.fetch_history()

    raw = History(events=history.events).SerializeToString()
    for secret in [*PERSONAL, code, wrong(code)]:
        assert secret.encode() not in raw, f"{secret!r} is readable in the history"
    # The SDK's core writes some marker payloads past the codec: a patch marker's id, and a local
    # activity's bookkeeping (which call, when). They may hold those fields and nothing else; a local
    # activity's result goes through the codec like every other payload.
    core_written = []
    for event in history.events:
        marker = event.marker_recorded_event_attributes
        if marker.marker_name not in CORE_MARKERS:
            continue
        detail, plain_fields = CORE_MARKERS[marker.marker_name]
        for plain in marker.details[detail].payloads:
            assert set(json.loads(plain.data)) <= plain_fields, plain.data
            core_written.append(plain)
    assert core_written, "the order reads a recorded clock and checks patches: core markers expected"
    payloads = [p for p in payloads_in(History(events=history.events)) if p not in core_written]
    assert len(payloads) > 20
    assert all(p.metadata["encoding"] == ENCODING for p in payloads)

    # The operator's view through the codec endpoint: the same history, readable.
    started = history.events[0].workflow_execution_started_event_attributes
    courier_inputs = [
        e.workflow_execution_update_accepted_event_attributes.accepted_request.input.args
        for e in history.events
        if e.workflow_execution_update_accepted_event_attributes.accepted_request.meta.update_id
    ]
    sealed = [*started.input.payloads, *(p for args in courier_inputs for p in args.payloads)]
    async with codec_client(settings) as api:
        answer = await api.post("/codec/decode", json=as_json(sealed), headers=OPERATOR | {"X-Namespace": "default"})
    assert answer.status_code == 200
    decoded = [pydantic_data_converter.payload_converter.from_payload(p) for p in from_json(answer.json())]
    assert decoded[0]["customer"]["last_name"] == "Mustermann"
    assert {d.get("code") for d in decoded[1:]} >= {code, wrong(code)}
