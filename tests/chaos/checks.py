"""What must hold after the crashes: each order ended where its path leads, exactly once; no e-mail
went out twice; none it needs is missing (or it is unconfirmed and operators see it); every 2xx took
effect; no workflow task failed; nothing is left running."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus

from orderflow.contract.order import workflow_id_for
from orderflow.store.outbox import MessageStatus, SentMessage
from stack_drivers.fake_sendgrid import FakeSendGrid
from stack_drivers.paths import EXPECTED_END, NEEDED_EMAILS, Effect, Path


@dataclass
class Findings:
    wrong_end: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)
    unconfirmed_not_shown: list[str] = field(default_factory=list)
    lost_effects: list[str] = field(default_factory=list)
    task_failures: list[str] = field(default_factory=list)
    still_running: list[str] = field(default_factory=list)
    # Not defects: days our downtime spoiled, moved on at no cost to the customer (delivery_rescheduled e-mails).
    rescheduled: list[str] = field(default_factory=list)
    # Nor these: code e-mails the provider deferred until their attempt's day was over (nothing went out).
    outdated: list[str] = field(default_factory=list)

    @property
    def failures(self) -> dict[str, list[str]]:
        """Everything that is a defect (unconfirmed e-mails are allowed, if operators see them)."""
        allowed = {"unconfirmed", "rescheduled", "outdated"}
        return {name: items for name, items in vars(self).items() if items and name not in allowed}


def accepted_twice(fake: FakeSendGrid) -> list[str]:
    """Message keys (order, event, n: one recipient, one event, one attempt) the provider accepted more than once."""
    keys = Counter(
        arg["message_key"]
        for received in fake.received
        if received.status == 202
        for personalization in received.body.get("personalizations", [{}])
        for arg in [received.body.get("custom_args") or personalization.get("custom_args") or {}]
        if "message_key" in arg
    )
    return [f"{key} accepted {count} times" for key, count in keys.items() if count > 1]


def ledger_rows(engine: Engine, order_ids: list[str]) -> list[SentMessage]:
    with Session(engine) as session:
        return list(session.exec(select(SentMessage).where(col(SentMessage.order_id).in_(order_ids))).all())


async def history_problems(client: Client, order_id: str) -> tuple[list[str], bool]:
    handle = client.get_workflow_handle(workflow_id_for(order_id))
    failures = [
        f"{order_id}: workflow task failed at event {event.event_id}: "
        f"{event.workflow_task_failed_event_attributes.failure.message[:200]}"
        async for event in handle.fetch_history_events()
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ]
    running = (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
    return failures, running


async def check(
    orders: dict[str, tuple[Path, str, dict[str, Any]]],
    effects: list[Effect],
    fake: FakeSendGrid,
    engine: Engine,
    client: Client,
    http: httpx.AsyncClient,
    operator: dict[str, str],
) -> Findings:
    """`orders`: order id -> (path, end the clients saw, final status from GET /orders)."""
    found = Findings()
    for order_id, (path, seen, status) in orders.items():
        if status["stage"] != EXPECTED_END[path] or seen != status["stage"]:
            timeline = "; ".join(f"{c['at']} {c['stage']} {c['note']}" for c in status["timeline"])
            found.wrong_end.append(
                f"{order_id} ({path}): ended {status['stage']}, expected {EXPECTED_END[path]}: {timeline}"
            )
        failures, running = await history_problems(client, order_id)
        found.task_failures += failures
        if running:
            found.still_running.append(order_id)

    found.duplicates = accepted_twice(fake)
    rows = ledger_rows(engine, list(orders))
    by_order: dict[str, dict[str, list[SentMessage]]] = {}
    for row in rows:
        by_order.setdefault(row.order_id, {}).setdefault(row.event, []).append(row)
    found.rescheduled = [row.key for row in rows if row.event == "delivery_rescheduled"]
    for order_id, (path, _, _) in orders.items():
        for event in sorted(NEEDED_EMAILS[path]):
            sent = by_order.get(order_id, {}).get(event, [])
            if any(row.status == MessageStatus.SENT for row in sent):
                continue
            if any(row.status == MessageStatus.SENDING for row in sent):
                found.unconfirmed += [row.key for row in sent if row.status == MessageStatus.SENDING]
            elif event == "delivery_code" and any(row.status == MessageStatus.OUTDATED for row in sent):
                found.outdated += [row.key for row in sent]
            else:
                found.missing.append(f"{order_id}: {event} ({', '.join(r.status for r in sent) or 'no row'})")
    if found.unconfirmed:
        shown = await http.get(
            "/ops/unconfirmed-messages", params={"older_than": "PT0S", "limit": 1000}, headers=operator
        )
        listed = {m["key"] for m in shown.json()["messages"]}
        found.unconfirmed_not_shown = [key for key in found.unconfirmed if key not in listed]

    for effect in effects:
        path, _, status = orders[effect.order_id]
        events = by_order.get(effect.order_id, {})
        took = {
            "handover": status["stage"] == "delivered",
            "cancel": status["stage"] == "cancelled",
            "verdict": status["ident_outcome"] == "video_approved",
            # The next attempt follows only once this one counted as failed.
            "failed_attempt": status["attempt"] > effect.attempt and "attempt_failed" in events,
        }[effect.step]
        if not took:
            found.lost_effects.append(
                f"{effect.order_id}: {effect.step} (attempt {effect.attempt}) answered 2xx, no trace"
            )
    return found
