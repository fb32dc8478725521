"""The contract's declaration of the workflow is the workflow's: same type name, same handlers under the same names,
same payload and result types. The API and the tests call through the declaration; a drift would reach a running
order as an unknown update or a payload it cannot read."""

from temporalio import workflow

from orderflow.contract import names
from orderflow.contract.client import OrderClient, OrderWorkflowContract
from workflows.order import OrderWorkflow

IMPLEMENTED = workflow._Definition.must_from_class(OrderWorkflow)
DECLARED = workflow._Definition.must_from_class(OrderWorkflowContract)


def test_the_declaration_names_the_workflow_and_its_run_types() -> None:
    assert DECLARED.name == IMPLEMENTED.name == names.WORKFLOW
    assert (DECLARED.arg_types, DECLARED.ret_type) == (IMPLEMENTED.arg_types, IMPLEMENTED.ret_type)


def test_every_update_is_declared_with_its_types() -> None:
    assert sorted(DECLARED.updates) == sorted(IMPLEMENTED.updates)
    for name, update in IMPLEMENTED.updates.items():
        declared = DECLARED.updates[name]
        assert (declared.arg_types, declared.ret_type) == (update.arg_types, update.ret_type), name


def test_every_signal_and_query_is_declared_with_its_types() -> None:
    assert sorted(DECLARED.signals) == sorted(IMPLEMENTED.signals)
    for name, signal in IMPLEMENTED.signals.items():
        assert DECLARED.signals[name].arg_types == signal.arg_types, name
    assert sorted(DECLARED.queries) == sorted(IMPLEMENTED.queries) == [names.STATUS_QUERY]
    assert DECLARED.queries[names.STATUS_QUERY].ret_type == IMPLEMENTED.queries[names.STATUS_QUERY].ret_type


def test_the_names_module_lists_every_handler_name() -> None:
    handler_names = {value for key, value in vars(names).items() if key.isupper() and not key.endswith("ACTIVITY")}
    implemented = {IMPLEMENTED.name, *IMPLEMENTED.updates, *IMPLEMENTED.signals, *IMPLEMENTED.queries}
    assert implemented <= handler_names


def test_the_client_has_a_call_for_every_update_and_signal() -> None:
    # Operator actions drop their `operator_` prefix; the courier's `courier_handover` is `handover`.
    calls = {name for name in vars(OrderClient) if not name.startswith("_")}
    for handler in [*IMPLEMENTED.updates, *IMPLEMENTED.signals]:
        short = {"courier_handover": "handover"}.get(handler, handler.removeprefix("operator_"))
        assert short in calls, handler
