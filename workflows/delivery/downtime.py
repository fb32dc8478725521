"""Our downtime is never the customer's loss: a delivery day orderflow could not run (it woke after the day's end,
or a courier's handover could not reach it) moves the attempt to the next day instead of counting it."""

from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from orderflow.contract.delivery_calendar import DeliveryDay, next_delivery_day
    from orderflow.contract.message_context import DeliveryRescheduled
    from orderflow.contract.messages import Event
    from orderflow.contract.stages import Stage
    from workflows.order_core import OrderCore
    from workflows.order_state import DeliveryAttempt


class Downtime:
    def __init__(self, core: OrderCore) -> None:
        self.core = core

    def lateness_allowed(self, day: DeliveryDay) -> timedelta:
        # A running worker handles a timer within milliseconds; a minute late (a tenth of a compressed day,
        # a second at least) means no worker could run the order then.
        return min(timedelta(minutes=1), max(timedelta(seconds=1), (day.ends_at - day.starts_at) / 10))

    def judge_late_days(self) -> bool:
        # With a recorded clock always; orders from before it as their policy or their age says.
        core = self.core
        return core.recorded_clock or core.policy.reschedule_late_days or not core.late_days_by_policy

    def too_late_for(self, day: DeliveryDay, now: datetime) -> bool:
        return self.judge_late_days() and now >= day.ends_at - self.lateness_allowed(day)

    def spoiled(self, attempt: DeliveryAttempt, now: datetime) -> bool:
        """The day ended without a handover because of us: we ran late at its end, a courier was turned away, or a
        courier's code was still being checked."""
        late = now - attempt.day.ends_at > self.lateness_allowed(attempt.day)
        return (self.judge_late_days() and late) or attempt.courier_turned_away or attempt.handover_cut_off

    def note(self, attempt: DeliveryAttempt) -> str:
        if attempt.courier_turned_away:
            return "the courier's handover could not reach orderflow"
        if attempt.handover_cut_off:
            return "the courier's handover was still being checked when the day ended"
        return "the delivery day ended while orderflow could not run"

    def reschedule(self, number: int, day: DeliveryDay, now: datetime, why: str) -> DeliveryDay:
        """Moves the attempt to the first delivery day that is still ahead, tells the customer, returns that day."""
        core, delivery = self.core, self.core.delivery
        next_day = next_delivery_day(core.policy, day.starts_at, core.started_at)
        while self.too_late_for(next_day, now):  # we may have been down for more than a day
            next_day = next_delivery_day(core.policy, next_day.starts_at, core.started_at)
        delivery.next_day_starts_at = next_day.starts_at
        delivery.rescheduled_days += 1
        core.enter(
            Stage.DISPATCHED,
            event=Event.DELIVERY_RESCHEDULED,
            context=DeliveryRescheduled(
                attempt=number,
                missed_day=day.starts_at,
                next_attempt_on=next_day.starts_at,
                attempts_left=core.policy.delivery_attempts - number + 1,
            ),
            note=f"attempt {number} not counted, moved to the next delivery day: {why}",
            n=delivery.rescheduled_days,
        )
        return next_day
