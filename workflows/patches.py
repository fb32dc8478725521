"""Ids of `workflow.patched` branches: each marks a behaviour change that running orders must replay around.

A new id for every change that alters the commands a workflow issues (docs/versioning.md). Once no order that
started before a patch can still be running, its old branch goes via `workflow.deprecate_patch`, then the id goes.
"""

# An operator's re-open of a failed attempt issues and e-mails a fresh delivery code.
REOPEN_ISSUES_FRESH_CODE = "reopen-issues-fresh-code"
# A photo check that is down (our outage) sends its own message, once per order.
CHECK_UNAVAILABLE_SAID_ONCE = "check-unavailable-said-once"
# A delivery day that orderflow could not run (it woke after the day's end, or a courier's handover could not
# reach it) moves the attempt to the next day instead of counting it as failed.
OUR_DOWNTIME_COSTS_NO_ATTEMPT = "our-downtime-costs-no-attempt"
# A high-value order whose photos passed without a passed liveness check goes to a human (video call).
HIGH_VALUE_NEEDS_LIVENESS = "high-value-needs-liveness"
# Every stage change the storefront cares about is published as a webhook event.
WEBHOOK_EVENTS = "webhook-events"
# Waiting until a moment that has passed still starts a (1 ms) timer: whether it has passed is read from a clock
# that a live worker and a later replay may see differently. Checked once at the start of an order.
TIMER_EVEN_IF_LATE = "timer-even-if-late"
# Checked once at an order's start: whether a late day counts as our downtime is judged by the clock only when the
# policy's `reschedule_late_days` says so (the clock can read differently live and on replay).
LATE_DAYS_BY_POLICY = "late-days-by-policy"
# Checked once at an order's start: decisions that depend on the time (the day is over, the ident deadline has
# passed, the reminder is due) read a clock recorded in history (a local activity), so a replay decides as the live
# run did, and late delivery days count as our downtime again by default.
RECORDED_CLOCK = "recorded-clock"
# A courier's handover still being checked when the delivery day ended moves the attempt to the next day at no cost
# (it reached us in time; we were too slow), instead of counting the day as ended without a handover.
HANDOVER_CUT_OFF_IS_OURS = "handover-cut-off-is-ours"
# Checked once at an order's start: the patches an order asks about later in its life are all answered at its
# start, because an answer asked for right after a clock reading can differ on replay. When the live task was
# completed just as the reading came back, the reading lands in that task and its result in the next one; a replay
# hands the result over in the earlier task, before it has seen the patch markers of the later one, so the patch
# reads "absent" where the live run recorded it (the large chaos run: "our downtime" on a courier turned away).
PATCHES_AT_START = "patches-at-start"
# What PATCHES_AT_START answers up front, in this order.
ASKED_LATER = (
    WEBHOOK_EVENTS,
    OUR_DOWNTIME_COSTS_NO_ATTEMPT,
    REOPEN_ISSUES_FRESH_CODE,
    CHECK_UNAVAILABLE_SAID_ONCE,
    HIGH_VALUE_NEEDS_LIVENESS,
    HANDOVER_CUT_OFF_IS_OURS,
)
