"""Keeps signed customer links out of the access log: the token in the path is a credential."""

import logging
import re

_LINK = re.compile(r"^(/(?:ident|track)/)[^/?]+")


def redact_path(path: str) -> str:
    return _LINK.sub(r"\1[link]", path)


class RedactLinkTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn.access records carry (client, method, path, http version, status) as args.
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_path(args[2]), *args[3:])
        return True


def redact_access_log() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactLinkTokens) for f in logger.filters):
        logger.addFilter(RedactLinkTokens())
