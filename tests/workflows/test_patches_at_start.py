"""An order asks every patch question at its start, never right after a clock reading.

The large chaos run found an order that its own next worker could not replay: its live task was completed just
as the recorded clock reading came back, so the reading landed in that task and the "our downtime" patch marker
in the next one. A replay hands the reading over in the earlier task, before it has seen the later task's patch
markers, and reads the patch as absent. `found/` keeps that order's history (v5 code, a courier turned away);
new orders answer every patch in their first task (`patches-at-start`), where no clock reading comes first.
"""

import ast
import base64
import json
from pathlib import Path

from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from orderflow.temporal import data_converter
from tests.workflows.test_replay import RELEASES
from workflows import patches
from workflows.order import OrderWorkflow
from workflows.patches import ASKED_LATER, PATCHES_AT_START

FOUND = Path(__file__).parent / "found" / "patch_after_a_split_clock_reading.json"
WORKFLOWS = Path(__file__).parents[2] / "workflows"


def patches_after_the_first_task(history_json: dict) -> list[str]:
    """The ids of the patch markers recorded by any task but the first, in order."""
    later = []
    completed_tasks = 0
    for event in history_json["events"]:
        if event["eventType"] == "EVENT_TYPE_WORKFLOW_TASK_COMPLETED":
            completed_tasks += 1
        marker = event.get("markerRecordedEventAttributes")
        if marker and marker["markerName"] == "core_patch" and completed_tasks > 1:
            later.append(json.loads(base64.b64decode(marker["details"]["patch-data"]["payloads"][0]["data"]))["id"])
    return later


async def test_the_found_order_shows_a_patch_read_as_absent_on_replay(settings):
    history = WorkflowHistory.from_json("order", FOUND.read_text())
    replayer = Replayer(workflows=[OrderWorkflow], data_converter=data_converter(settings))

    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)

    assert "Non-deprecated patch marker encountered for change our-downtime-costs-no-attempt" in str(
        result.replay_failure
    )
    assert patches_after_the_first_task(json.loads(FOUND.read_text()))


def test_new_orders_record_every_patch_in_their_first_task():
    newest = RELEASES[-1]
    for path in sorted(newest.glob("*.json")):
        assert patches_after_the_first_task(json.loads(path.read_text())) == [], path.name


def test_every_patch_asked_later_is_answered_at_the_start():
    """A patch asked anywhere but at the start of run() is in ASKED_LATER, or a new order would ask it late."""
    asked = set()
    for source in WORKFLOWS.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if (
                isinstance(node, ast.Call)
                and ast.unparse(node.func) == "workflow.patched"
                and isinstance(node.args[0], ast.Name)
                and hasattr(patches, node.args[0].id)
            ):
                asked.add(getattr(patches, node.args[0].id))

    at_start = {patches.TIMER_EVEN_IF_LATE, patches.LATE_DAYS_BY_POLICY, patches.RECORDED_CLOCK, PATCHES_AT_START}
    assert asked - at_start == set(ASKED_LATER)
