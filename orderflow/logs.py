"""Structured logs: one JSON object per line, saying which order and workflow an entry is about.

Temporal's workflow and activity loggers put their context on each record (`temporal_workflow`,
`temporal_activity`); any other logger used inside an activity gets the same context from the
activity's own. No personal data: code logs ids, never names or addresses, and what a message may
still quote by accident (an e-mail address in an error, a delivery code, a signed customer link in
an access log line) is blanked out here, the last line of defence.
"""

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

from temporalio import activity, workflow

from orderflow.contract.order import order_id_of
from orderflow.settings import Settings

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DELIVERY_CODE = re.compile(r"(?<![\w.:-])\d{6}(?![\w.:-])")
# The token of a signed link is as good as a password for that order's pages.
_LINK_TOKEN = re.compile(r"(/(?:ident|track)/)[^/\s?\"']+")

# The Temporal context worth a field of its own, under the names the JSON line uses.
_CONTEXT_FIELDS = {
    "workflow_id": "workflow_id",
    "run_id": "run_id",
    "workflow_run_id": "run_id",
    "workflow_type": "workflow_type",
    "activity_type": "activity_type",
    "task_queue": "task_queue",
    "attempt": "attempt",
    "update_name": "update_name",
}


def redact(text: str) -> str:
    text = _EMAIL.sub("<email>", text)
    text = _DELIVERY_CODE.sub("<6 digits>", text)
    return _LINK_TOKEN.sub(r"\1<token>", text)


def context_of(record: logging.LogRecord) -> dict[str, Any]:
    """order_id, workflow_id and friends of the workflow or activity that logged `record`."""
    details: dict[str, Any] = {}
    temporal = getattr(record, "temporal_workflow", None) or getattr(record, "temporal_activity", None)
    if temporal is None and activity.in_activity():
        info = activity.info()
        temporal = {
            "workflow_id": info.workflow_id,
            "workflow_run_id": info.workflow_run_id,
            "workflow_type": info.workflow_type,
            "activity_type": info.activity_type,
            "task_queue": info.task_queue,
            "attempt": info.attempt,
        }
    for source, field in _CONTEXT_FIELDS.items():
        value = (temporal or {}).get(source)
        if value is not None:
            details[field] = value
    for field in ("order_id", "workflow_id"):  # logging.info(..., extra={"order_id": ...})
        if getattr(record, field, None) is not None:
            details[field] = getattr(record, field)
    order_id = order_id_of(str(details.get("workflow_id", "")))
    if "order_id" not in details and order_id:
        details["order_id"] = order_id
    return details


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            **context_of(record),
        }
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """For a developer's terminal: the same fields, readable."""

    def format(self, record: logging.LogRecord) -> str:
        context = " ".join(f"{key}={value}" for key, value in context_of(record).items())
        line = f"{self.formatTime(record)} {record.levelname} {record.name} {redact(record.getMessage())}"
        if context:
            line += f" [{context}]"
        if record.exc_info:
            line += "\n" + redact(self.formatException(record.exc_info))
        return line


def configure_logging(settings: Settings) -> None:
    """Every record of the process, uvicorn's included, as one line on stdout."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    # The context has fields of its own now; Temporal need not append it to every message too.
    workflow.logger.workflow_info_on_message = False
    activity.logger.activity_info_on_message = False
    # uvicorn brings its own handlers; its access log quotes request paths, so it goes through ours.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
