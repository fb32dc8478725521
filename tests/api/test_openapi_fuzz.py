"""Schema-based fuzzing (schemathesis): whatever the OpenAPI spec allows, or nearly allows, is
answered without a 500. Bounded: a few dozen examples per operation against the live stack."""

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from api.main import create_app
from orderflow.settings import Settings
from tests.api.stack import AGENT_7, COURIER, STOREFRONT, LiveStack, api_settings

EXAMPLES_PER_OPERATION = 30
# Hypothesis keeps caches in ./.hypothesis by default: not in the work tree.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "orderflow-hypothesis")


@pytest.fixture(scope="module")
def live_stack(dev_server_env, engine, settings):
    with LiveStack(dev_server_env.client.service_client.config.target_host, engine, settings) as stack:
        yield stack


# The spec as the app states it (no server needed to read it); the requests go to the live stack.
schema = schemathesis.openapi.from_dict(create_app(api_settings(Settings(env="test"), "orders")).openapi())
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


def _credentials(path: str) -> dict[str, str]:
    # The right audience's token, so generated requests get past authentication and into the routes.
    if path.startswith("/agent/"):
        return AGENT_7
    if path.startswith("/courier/"):
        return COURIER
    return STOREFRONT


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same examples on every run: a failure here is reproducible
    database=None,  # no .hypothesis/ folder in the work tree
)
def test_no_request_gets_a_500(case, live_stack):
    case.call_and_validate(
        base_url=live_stack.base_url, headers=_credentials(case.path), checks=[not_a_server_error], timeout=30
    )
