"""The newcomer's first five minutes: the dev stack's banner names every page and token, and its
`place-order` command places examples/order.json over HTTP and prints links that work."""

import asyncio
import os
import re
import sys

import httpx

from orderflow.cli.devstack.banner import banner
from orderflow.settings import Settings
from tests.api.stack import STOREFRONT_TOKEN, LiveStack


def test_banner_shows_every_audience_token_and_the_first_command():
    settings = Settings(
        env="dev",
        storefront_token="shop-tok",
        agent_tokens="agent-1:agent-tok",
        courier_tokens="courier-1:courier-tok",
        operator_tokens="operator-1:ops-tok",
    )

    text = banner(settings, api_port=8000, ui_port=8233)

    for shown in ("shop-tok", "agent-1: agent-tok", "courier-1: courier-tok", "operator-1: ops-tok"):
        assert shown in text
    assert "http://localhost:8000/agent" in text and "http://localhost:8000/courier" in text
    assert "python -m orderflow.cli.devstack place-order" in text


async def test_place_order_command_prints_links_that_open_the_order(dev_server_env, engine, settings):
    with LiveStack(dev_server_env.client.service_client.config.target_host, engine, settings) as stack:
        env = {
            **os.environ,
            "ORDERFLOW_ENV": "dev",
            "ORDERFLOW_API_URL": stack.base_url,
            "ORDERFLOW_STOREFRONT_TOKEN": STOREFRONT_TOKEN,
        }
        command = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "orderflow.cli.devstack", "place-order", env=env, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await asyncio.wait_for(command.communicate(), timeout=60)

        assert command.returncode == 0, out
        printed = out.decode()
        assert re.search(r"Order A-1001-[0-9a-f]{6} placed", printed), printed
        links = dict(re.findall(r"(Ident link|Tracking link)\s+(\S+)", printed))
        assert "workflows/order-A-1001-" in printed
        async with httpx.AsyncClient(timeout=30) as http:
            ident = await http.get(links["Ident link"], headers={"Accept": "text/html"})
            tracking = await http.get(links["Tracking link"], headers={"Accept": "text/html"})
        assert ident.status_code == 200 and 'id="photos"' in ident.text
        assert tracking.status_code == 200 and '<html lang="de">' in tracking.text
