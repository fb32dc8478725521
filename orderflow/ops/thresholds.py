"""How long an order may stay in each stage before operators should look at it.

The defaults follow the order's own timers: a stage that ends on a deadline is stuck only once
the deadline is clearly past; a stage the workflow leaves within seconds is stuck after minutes,
which usually means a worker is down. `ORDERFLOW_STUCK_THRESHOLDS` overrides any of them.
"""

from datetime import timedelta

from orderflow.contract.stages import FINAL, Stage
from orderflow.settings import Settings

# Stages the workflow passes through on its own, within seconds.
PASSING = timedelta(minutes=5)
# Slack on top of a deadline: the timer fires on time, the stage change may take a moment.
GRACE = timedelta(minutes=15)
# A customer who has waited this long for a video call is about to give up: an agent is needed now.
VIDEO_AGENT_WAIT = timedelta(minutes=10)
# Real calendar: from dispatch on a Saturday morning to Monday 08:00 is 56 hours.
LONGEST_WAIT_FOR_A_DELIVERY_DAY = timedelta(days=3)
# Real calendar: a delivery day runs from 08:00 until midnight.
LONGEST_DELIVERY_DAY = timedelta(hours=18)


def stuck_thresholds(settings: Settings) -> dict[Stage, timedelta]:
    """Per open stage, the age from which an order counts as stuck."""
    policy = settings.order_policy()
    day = policy.compressed_day
    thresholds = {
        Stage.RECEIVED: PASSING,
        # The ident deadline counts from the order, so no visit to awaiting_ident outlasts it.
        Stage.AWAITING_IDENT: policy.ident_deadline + GRACE,
        Stage.PHOTO_CHECK: PASSING,
        Stage.AWAITING_VIDEO_AGENT: VIDEO_AGENT_WAIT,
        Stage.VIDEO_IN_PROGRESS: policy.video_session_max + GRACE,
        Stage.IDENTIFIED: PASSING,
        Stage.DOORSTEP_FALLBACK: PASSING,
        # Hand-over to the carrier is immediate today (no warehouse integration yet).
        Stage.AWAITING_DISPATCH: PASSING,
        # With a compressed calendar (demos) the waits shrink with the day.
        Stage.DISPATCHED: 3 * day if day else LONGEST_WAIT_FOR_A_DELIVERY_DAY,
        Stage.OUT_FOR_DELIVERY: 2 * day if day else LONGEST_DELIVERY_DAY,
    }
    thresholds.update(settings.stuck_thresholds)
    return {stage: limit for stage, limit in thresholds.items() if stage not in FINAL}
