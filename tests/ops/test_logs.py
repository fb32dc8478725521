"""Structured logs: JSON lines that name the order and workflow, and never personal data."""

import dataclasses
import io
import json
import logging

import pytest
from temporalio import activity, workflow
from temporalio.testing import ActivityEnvironment

from orderflow.logs import JsonFormatter, TextFormatter, configure_logging


@pytest.fixture
def captured():
    """A logger whose records land as JSON lines in a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.ops.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_workflow_context_becomes_fields(captured):
    logger, lines = captured
    context = {"workflow_id": "order-A-1001", "run_id": "r-1", "workflow_type": "OrderWorkflow", "attempt": 1}

    logger.info("entered %s", "awaiting_ident", extra={"temporal_workflow": context})

    [line] = lines()
    assert line["message"] == "entered awaiting_ident"
    assert line["order_id"] == "A-1001" and line["workflow_id"] == "order-A-1001" and line["run_id"] == "r-1"
    assert line["level"] == "INFO" and line["logger"] == "tests.ops.logs" and line["ts"].endswith("+00:00")


def test_any_logger_inside_an_activity_gets_its_context(captured):
    logger, lines = captured

    @activity.defn
    def store_something() -> None:
        logger.warning("slow database")

    environment = ActivityEnvironment()
    environment.info = dataclasses.replace(environment.info, workflow_id="order-B-7", activity_type="record_order")
    environment.run(store_something)

    [line] = lines()
    assert line["order_id"] == "B-7" and line["activity_type"] == "record_order"


def test_personal_data_is_blanked_out(captured):
    logger, lines = captured

    logger.info("mail to erika.mustermann@example.org failed")
    logger.info("GET /ident/A-1001.ident.abc123sig HTTP/1.1 200")
    logger.info("code 042917 accepted at 10:00:00 for order A-1001")
    try:
        raise ValueError("input_value='erika@example.org'")
    except ValueError:
        logger.exception("validation failed")

    text = json.dumps(lines())
    assert "example.org" not in text and "abc123sig" not in text and "042917" not in text
    assert "/ident/<token>" in text and "10:00:00" in text and "A-1001" in text
    assert lines()[-1]["error"].startswith("Traceback")


def test_configure_logging_routes_uvicorn_through_one_handler(settings):
    root, access = logging.getLogger(), logging.getLogger("uvicorn.access")
    saved = (
        root.handlers[:],
        root.level,
        access.handlers[:],
        access.propagate,
        workflow.logger.workflow_info_on_message,
    )
    try:
        configure_logging(settings.model_copy(update={"log_format": "text", "log_level": "debug"}))

        assert access.propagate and not access.handlers
        assert isinstance(root.handlers[0].formatter, TextFormatter) and root.level == logging.DEBUG
        # The context has fields of its own: no need to repeat it in every message.
        assert workflow.logger.workflow_info_on_message is False
    finally:
        root.handlers[:], level, access.handlers[:], access.propagate, on_message = saved
        root.setLevel(level)
        workflow.logger.workflow_info_on_message = on_message
        activity.logger.activity_info_on_message = on_message
