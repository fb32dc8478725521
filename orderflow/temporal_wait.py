"""Connecting to a Temporal server that may not be up yet.

After a reboot or a deploy, workers and the API often start before the server answers. Exiting
then would leave the restart to a supervisor's back-off (docker's grows to minutes); waiting here,
with a log line per try, recovers the moment the server is back.
"""

import asyncio
import logging

from temporalio.client import Client
from temporalio.runtime import Runtime

from orderflow.settings import Settings
from orderflow.temporal import TemporalConfigError, connect, connect_config

log = logging.getLogger("orderflow.temporal")

FIRST_PAUSE = 0.2  # seconds; the server restarting under us is usually back within one or two
MAX_PAUSE = 5.0  # a worker that waits longer than this after the server is back delays every order


async def connect_when_reachable(
    settings: Settings,
    runtime: Runtime | None = None,
    first_pause: float = FIRST_PAUSE,
    max_pause: float = MAX_PAUSE,
) -> Client:
    """`connect`, retried with doubling pauses until the server answers.

    A configuration that cannot work (a missing TEMPORAL_CONFIG_FILE) raises at once: waiting cannot fix it.
    """
    target = connect_config(settings)["target_host"]
    pause = first_pause
    tries = 0
    while True:
        tries += 1
        try:
            client = await connect(settings, runtime=runtime)
        except TemporalConfigError:
            raise
        except RuntimeError as unreachable:  # the SDK's "Failed client connect: ..."
            log.warning(
                "Temporal at %s is unreachable (try %d: %s); retrying in %.1f s",
                target,
                tries,
                _first_line(unreachable),
                pause,
            )
            await asyncio.sleep(pause)
            pause = min(pause * 2, max_pause)
            continue
        if tries > 1:
            log.info("Temporal at %s reached after %d tries", target, tries)
        return client


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__
