#!/usr/bin/env python3
"""Resets orders that a bad release already wrote into, to just before its first workflow task.

    python scripts/reset_after_bad_deploy.py --query "<visibility query>" \
        --deployed-at 2026-12-02T15:51:30Z --rolled-back-at 2026-12-02T15:53:11Z --reason "..."  [--yes]

Without --yes it only prints the plan. Run it after the rollback, with the previous release's workers
up: they replay each reset run from the point chosen here.

Why not `temporal workflow reset --query ... --type FirstWorkflowTask`: the workflow takes the order's
start time from `workflow.now()` in its first task; a reset re-runs that task at a new time, and
RECORD_ORDER then refuses the order as one from another workflow run, which fails the order. So the
reset point keeps the first task: the first task completed inside the bad window or, for an order the
bad release started, its second task (the first one issues the same commands in every release so far).
Talks to the cluster through the `temporal` CLI (TEMPORAL_ADDRESS etc.).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

COMPLETED = "EVENT_TYPE_WORKFLOW_TASK_COMPLETED"


@dataclass(frozen=True)
class Plan:
    workflow_id: str
    run_id: str
    event_id: int | None  # None: no task of this run completed in the bad window, nothing to reset
    why: str


def temporal_cli() -> str:
    beside_python = Path(sys.executable).parent / "temporal"
    return str(beside_python) if beside_python.exists() else (shutil.which("temporal") or "temporal")


def run_cli(*args: str) -> str:
    return subprocess.run([temporal_cli(), *args], check=True, capture_output=True, text=True).stdout


def instant(text: str) -> datetime:
    """An ISO 8601 time; the CLI prints nanoseconds, which fromisoformat does not take; no zone means UTC."""
    parsed = datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", text.replace("Z", "+00:00")))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def reset_point(workflow_id: str, run_id: str, events: list[dict[str, Any]], start: datetime, end: datetime) -> Plan:
    completed = [(int(e["eventId"]), instant(e["eventTime"])) for e in events if e["eventType"] == COMPLETED]
    in_window = [i for i, (_, at) in enumerate(completed) if start <= at < end]
    if not in_window:
        return Plan(workflow_id, run_id, None, "no workflow task completed in the bad window: rolling back is enough")
    first = in_window[0]
    if first > 0:
        return Plan(workflow_id, run_id, completed[first][0], "first task the bad release completed")
    if len(in_window) < 2:
        # Its first task issues the same commands in every release so far; the rest ran on a good one.
        return Plan(workflow_id, run_id, None, "only its first task ran on the bad release: nothing to reset")
    return Plan(workflow_id, run_id, completed[1][0], "started by the bad release: its second task (keeps the start)")


def plans(query: str, start: datetime, end: datetime) -> list[Plan]:
    listed = [json.loads(line) for line in run_cli("workflow", "list", "--query", query, "-o", "jsonl").splitlines()]
    found = []
    for execution in (item["execution"] for item in listed):
        history = json.loads(
            run_cli("workflow", "show", "-w", execution["workflowId"], "-r", execution["runId"], "-o", "json")
        )
        found.append(reset_point(execution["workflowId"], execution["runId"], history["events"], start, end))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--query", required=True, help="visibility query for the runs to reset")
    parser.add_argument("--deployed-at", required=True, type=instant, help="when the bad release's workers started")
    # Required: with "now" as the end, tasks the previous release ran after the rollback would count as bad ones.
    parser.add_argument("--rolled-back-at", required=True, type=instant, help="when its workers stopped")
    parser.add_argument("--reason", required=True, help="recorded on every reset")
    parser.add_argument("--yes", action="store_true", help="reset; without it only the plan is printed")
    args = parser.parse_args()
    if "TEMPORAL_ADDRESS" not in os.environ and "TEMPORAL_CONFIG_FILE" not in os.environ:
        print("note: TEMPORAL_ADDRESS is not set; the temporal CLI uses its default profile", file=sys.stderr)
    for plan in plans(args.query, args.deployed_at, args.rolled_back_at):
        target = f"event {plan.event_id}" if plan.event_id else "skip"
        print(f"{plan.workflow_id}  run {plan.run_id}  {target}: {plan.why}", flush=True)
        if plan.event_id and args.yes:
            reset = ["workflow", "reset", "-w", plan.workflow_id, "-r", plan.run_id]
            print("  " + run_cli(*reset, "--event-id", str(plan.event_id), "--reason", args.reason).strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
