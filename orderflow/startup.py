"""What every long-running process (API, workers) does before it serves: settings production
accepts, or one clear sentence naming the variables to set; and a loud line when e-mail is a dry run."""

import logging

from pydantic import ValidationError

from orderflow.settings import Settings, get_settings

log = logging.getLogger("orderflow.startup")


class StartupRefused(SystemExit):
    """Exits the process with the reason on stderr (code 1), without a stack trace: the reason is
    all an operator needs, and a trace would show where the settings were read, not what to set."""


def reasons(invalid: ValidationError) -> str:
    lines = []
    for error in invalid.errors():
        message = error["msg"].removeprefix("Value error, ")
        # A field's error names its variable; the production check names its own (loc is empty).
        field = "_".join(str(part) for part in error["loc"])
        lines.append(f"ORDERFLOW_{field.upper()}: {message}" if field else message)
    return "\n".join(lines)


def load_settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as invalid:
        raise StartupRefused(f"orderflow refuses to start:\n{reasons(invalid)}") from None


def announce_mail_mode(settings: Settings) -> None:
    """Call once logging is configured."""
    if settings.mail_dry_run:
        log.warning(
            "MAIL DRY RUN (ORDERFLOW_MAIL_DRY_RUN=true): no e-mail reaches any customer; every message, "
            "delivery codes and signed links included, stays in the database outbox. "
            "Unset ORDERFLOW_MAIL_DRY_RUN and set SENDGRID_API_KEY to send."
        )
