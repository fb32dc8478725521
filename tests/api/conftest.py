"""API fixtures: the app on the dev server (visibility queries work there) or on the
time-skipping server (delivery days come at once), always with the real orders worker."""

from collections.abc import AsyncIterator

import pytest

from tests.api.stack import Api, running_api


@pytest.fixture
async def api(dev_server_env, engine, settings) -> AsyncIterator[Api]:
    async with running_api(dev_server_env.client, engine, settings) as running:
        yield running


@pytest.fixture
async def skipping_api(time_skipping_env, engine, settings) -> AsyncIterator[Api]:
    async with running_api(time_skipping_env.client, engine, settings) as running:
        yield running
