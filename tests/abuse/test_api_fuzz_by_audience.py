"""Every endpoint fuzzed (schemathesis) with each audience's token and with a wrong audience's token,
against live orders in several stages: no answer is a 5xx, and a refused call leaves its order exactly
as it was (stage, timeline, attempt, video session).

The stack runs on the time-skipping server, whose clock stands still unless a test moves it: the live
orders cannot move on by themselves while the fuzzing runs. Its own database and data folder keep
whatever the fuzzer registers (webhook endpoints, say) away from every other test.
"""

import asyncio
import tempfile
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation
from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from api.main import create_app
from orderflow.contract import search_attributes
from orderflow.contract.client import OrderWorkflowContract
from orderflow.contract.commands import ClaimVideoSession, OrderStatus, RequestVideoIdent, VideoSessionRef
from orderflow.contract.order import IdentMethod, workflow_id_for
from orderflow.contract.stages import Stage
from orderflow.links import LinkPurpose, sign
from orderflow.settings import Settings
from orderflow.store.engine import make_engine
from orderflow.store.schema import migrate
from orderflow.storefront import start_order
from orderflow.temporal import data_converter
from tests.api.stack import AGENT_7, COURIER, OPERATOR_TOKEN, STOREFRONT, LiveStack, api_settings, bearer
from tests.conftest import BIN
from tests.workflows.harness import make_order, out_for_delivery, wait_for_stage
from workflows.order import OrderWorkflow

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "orderflow-hypothesis")

RANDOM_EXAMPLES = 20  # per operation, right token, anything the schema allows or nearly allows
LIVE_EXAMPLES = 8  # per operation, right token, a malformed request aimed at a live order
WRONG_TOKEN_EXAMPLES = 4  # per operation, another audience's token aimed at a live order

TOKENS = {"storefront": STOREFRONT, "agent": AGENT_7, "courier": COURIER, "operator": bearer(OPERATOR_TOKEN)}
# The audience whose token each one is most likely to be mistaken for.
WRONG = {"storefront": "courier", "agent": "storefront", "courier": "agent", "operator": "courier"}
AUDIENCE_BY_PREFIX = {"/orders": "storefront", "/agent/": "agent", "/courier/": "courier", "/ops/": "operator"}
AUDIENCE_BY_PREFIX["/codec/"] = "operator"
# These read Temporal's visibility store, which the time-skipping server lacks: they run against a
# stack on the dev server (no live orders needed: they change nothing).
NEEDS_VISIBILITY = {("GET", "/agent/video-sessions"), ("GET", "/ops/stuck")}
# A session id the store does not know is looked for in visibility too: here only live sessions are sent.
UNKNOWN_SESSIONS_NEED_VISIBILITY = {
    "/agent/video-sessions/{session_id}/claim",
    "/agent/video-sessions/{session_id}/result",
}
# Customer link actions a well-formed call would carry out; the wrong-token and malformed passes
# cannot reach them (no bearer token, no body), so they only see random links.
NEVER_AIMED = {"/ident/{token}/video", "/ident/{token}/doorstep", "/ident/{token}/photos"}

schema = schemathesis.openapi.from_dict(create_app(api_settings(Settings(env="test"), "orders")).openapi())
OPERATIONS = [
    result.ok()
    for result in schema.get_all_operations()
    if (result.ok().method.upper(), result.ok().path) not in NEEDS_VISIBILITY
]
VISIBILITY_OPERATIONS = [
    result.ok()
    for result in schema.get_all_operations()
    if (result.ok().method.upper(), result.ok().path) in NEEDS_VISIBILITY
]


def audience_of(path: str) -> str | None:
    return next((who for prefix, who in AUDIENCE_BY_PREFIX.items() if path.startswith(prefix)), None)


FUZZ_SETTINGS = hypothesis_settings(
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same examples on every run: a failure is reproducible
    database=None,
)


@dataclass
class LiveOrders:
    stack: LiveStack
    client: Client
    statuses: dict[str, OrderStatus]  # as they were before any fuzzing
    sessions: dict[str, str]  # video session id → order id
    refused: Counter[str] = field(default_factory=Counter)  # order id → refused calls aimed at it
    accepted: dict[str, list[str]] = field(default_factory=dict)  # order id → calls that changed something

    def path_targets(self, operation: Any) -> list[dict[str, str]]:
        """Path parameters that aim `operation` at a live order (none when it takes no such parameter)."""
        if operation.path in NEVER_AIMED:
            return []
        names = {p.name for p in operation.path_parameters}
        if names == {"order_id"}:
            return [{"order_id": order_id} for order_id in self.statuses]
        if names == {"session_id"}:
            return [{"session_id": session_id} for session_id in self.sessions]
        if names == {"token"}:
            assert self.stack.settings is not None
            purpose = LinkPurpose.TRACK if operation.path.startswith("/track/") else LinkPurpose.IDENT
            return [{"token": sign(self.stack.settings, order_id, purpose)} for order_id in self.statuses]
        return []

    def target_of(self, path_parameters: dict[str, str]) -> str | None:
        if "order_id" in path_parameters:
            return path_parameters["order_id"]
        if "session_id" in path_parameters:
            return self.sessions.get(path_parameters["session_id"])
        if "token" in path_parameters:
            assert self.stack.settings is not None
            for order_id in self.statuses:
                if sign(self.stack.settings, order_id, LinkPurpose.IDENT) == path_parameters["token"]:
                    return order_id
                if sign(self.stack.settings, order_id, LinkPurpose.TRACK) == path_parameters["token"]:
                    return order_id
        return None


async def _start(client: Client, task_queue: str, ident_method: IdentMethod, stage: Stage) -> Any:
    order = make_order(ident_method=ident_method)
    handle = await start_order(client, order, task_queue=task_queue)
    typed = client.get_workflow_handle_for(OrderWorkflow.run, handle.id)
    await wait_for_stage(typed, stage)
    return order.order_id, typed


@pytest.fixture(scope="module")
async def live(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveOrders]:
    settings = Settings(env="test", data_dir=tmp_path_factory.mktemp("abuse"))
    engine: Engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(BIN / "temporal-test-server"), data_converter=data_converter(settings)
    )
    await search_attributes.register(env.client, "default")
    stack = LiveStack(env.client.service_client.config.target_host, engine, settings)
    await asyncio.to_thread(stack.__enter__)
    try:
        assert stack.harness is not None
        queue, client = stack.harness.task_queue, env.client
        # First the parcel on its way (the clock moves to its delivery day), then the orders whose
        # deadlines would have run out on the way there.
        delivery_id, delivery = await _start(client, queue, IdentMethod.NONE, Stage.DISPATCHED)
        assert (await out_for_delivery(env, delivery)).code_required
        ident_id, _ = await _start(client, queue, IdentMethod.ONLINE, Stage.AWAITING_IDENT)
        waiting_id, waiting = await _start(client, queue, IdentMethod.ONLINE, Stage.AWAITING_IDENT)
        waiting_session = await waiting.execute_update(
            "request_video_ident", RequestVideoIdent(), result_type=VideoSessionRef
        )
        in_call_id, in_call = await _start(client, queue, IdentMethod.ONLINE, Stage.AWAITING_IDENT)
        call = await in_call.execute_update(OrderWorkflowContract.request_video_ident, RequestVideoIdent())
        await in_call.execute_update(
            "claim_video_session", ClaimVideoSession(session_id=call.session_id, agent_id="agent-7")
        )
        await wait_for_stage(waiting, Stage.AWAITING_VIDEO_AGENT)
        await wait_for_stage(in_call, Stage.VIDEO_IN_PROGRESS)
        statuses = {
            order_id: await client.get_workflow_handle_for(OrderWorkflow.run, workflow_id_for(order_id)).query(
                OrderWorkflow.status
            )
            for order_id in (delivery_id, ident_id, waiting_id, in_call_id)
        }
        yield LiveOrders(
            stack=stack,
            client=client,
            statuses=statuses,
            sessions={waiting_session.session_id: waiting_id, call.session_id: in_call_id},
        )
    finally:
        await asyncio.to_thread(stack.__exit__, None, None, None)
        await env.shutdown()
        engine.dispose()


def _call(live: LiveOrders, case: Any, headers: dict[str, str]) -> int:
    response = case.call(base_url=live.stack.base_url, headers=headers, timeout=30)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text}"
    order_id = live.target_of(case.path_parameters or {})
    if order_id in live.statuses:
        if response.status_code >= 400:
            live.refused[order_id] += 1
        elif case.method.upper() != "GET":
            live.accepted.setdefault(order_id, []).append(f"{case.method} {case.path} → {response.status_code}")
    return response.status_code


def _fuzz(strategy: st.SearchStrategy[Any], examples: int, run: Any) -> None:
    @hypothesis_settings(FUZZ_SETTINGS, max_examples=examples)
    @given(case=strategy)
    def fuzz(case: Any) -> None:
        run(case)

    fuzz()


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_no_5xx_for_any_audience(operation: Any, live: LiveOrders) -> None:
    owner = audience_of(operation.path)
    headers = TOKENS[owner] if owner else {}

    if operation.path not in UNKNOWN_SESSIONS_NEED_VISIBILITY:
        # Anything the schema allows or nearly allows, with the right token: no 5xx.
        random_cases = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        )
        _fuzz(random_cases, RANDOM_EXAMPLES, lambda case: _call(live, case, headers))

    targets = live.path_targets(operation)
    if not targets:
        return
    has_body = operation.body is not None and len(operation.body) > 0
    if has_body:
        # A malformed body aimed at a live order, with the right token: refused, with no effect.
        aimed = st.one_of(*(operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=t) for t in targets))

        def malformed(case: Any) -> None:
            assume(case.meta is not None and case.meta.is_negative_at(ParameterLocation.BODY))
            _call(live, case, headers)

        _fuzz(aimed, LIVE_EXAMPLES, malformed)
    if owner is not None:
        # Another audience's token aimed at a live order: 401 whatever the request.
        wrong = TOKENS[WRONG[owner]]
        aimed = st.one_of(*(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=t) for t in targets))

        def wrong_token(case: Any) -> None:
            assert _call(live, case, wrong) == 401

        _fuzz(aimed, WRONG_TOKEN_EXAMPLES, wrong_token)


@pytest.fixture(scope="module")
def visibility_stack(dev_server_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings(env="test", data_dir=tmp_path_factory.mktemp("abuse-visibility"))
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    with LiveStack(dev_server_env.client.service_client.config.target_host, engine, settings) as stack:
        yield stack.base_url
    engine.dispose()


@pytest.mark.parametrize("operation", VISIBILITY_OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_visibility_reads_for_any_audience(operation: Any, visibility_stack: str) -> None:
    owner = audience_of(operation.path)
    assert owner is not None

    def call(case: Any, headers: dict[str, str]) -> int:
        response = case.call(base_url=visibility_stack, headers=headers, timeout=30)
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"
        return response.status_code

    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))
    _fuzz(cases, RANDOM_EXAMPLES, lambda case: call(case, TOKENS[owner]))

    def wrong_token(case: Any) -> None:
        assert call(case, TOKENS[WRONG[owner]]) == 401

    _fuzz(operation.as_strategy(GenerationMode.POSITIVE), WRONG_TOKEN_EXAMPLES, wrong_token)


async def test_refused_calls_left_every_live_order_as_it_was(live: LiveOrders) -> None:
    if not live.refused:
        pytest.skip("no fuzzing ran before this test (run the whole module)")
    assert set(live.refused) == set(live.statuses), f"refused calls per live order: {dict(live.refused)}"
    for order_id, before in live.statuses.items():
        if order_id in live.accepted:
            continue  # a call that was accepted may change its order; it is reported below
        handle = live.client.get_workflow_handle_for(OrderWorkflow.run, workflow_id_for(order_id))
        after = await handle.query(OrderWorkflow.status)
        assert after == before, f"{before.stage.value} order {order_id} changed after {live.refused[order_id]} refusals"
    assert not live.accepted, f"malformed or unauthorised calls accepted: {live.accepted}"
