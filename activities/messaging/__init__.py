"""Customer e-mail: templates per event and locale, SendGrid or the local outbox, exactly once per key."""

from activities.messaging.activity import MessagingActivities

__all__ = ["MessagingActivities"]
