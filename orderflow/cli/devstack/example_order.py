"""Placing the example order over HTTP, the way a storefront does, for a newcomer's first look:

    python -m orderflow.cli.devstack place-order            # examples/order.json, a fresh order id each time

Prints the customer's ident and tracking links and where the order shows in the Temporal UI.
"""

import json
import secrets
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

from orderflow.contract.order import workflow_id_for
from orderflow.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "order.json"


def place_order(
    api_url: str, storefront_token: str, order_file: Path = EXAMPLE, fresh_id: bool = True
) -> dict[str, Any]:
    """POSTs the order to `/orders`; an order id is never used twice, so by default it gets a fresh suffix."""
    order = json.loads(order_file.read_text(encoding="utf-8"))
    if fresh_id:
        order["order_id"] = f"{order['order_id']}-{secrets.token_hex(3)}"
    request = urllib.request.Request(
        f"{api_url}/orders",
        data=json.dumps(order).encode(),
        headers={"Authorization": f"Bearer {storefront_token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (our own API)
        created: dict[str, Any] = json.loads(response.read())
    return created


def report(settings: Settings, created: dict[str, Any]) -> str:
    workflow = quote(workflow_id_for(created["order_id"]))
    lines = [
        f"Order {created['order_id']} placed.",
        f"  Temporal UI    {settings.temporal_ui_url}/namespaces/{settings.temporal_namespace}/workflows/{workflow}",
        f"  Tracking link  {created['tracking_url']}",
    ]
    if created.get("ident_url"):
        lines.append(f"  Ident link     {created['ident_url']}   (three photos, a video call, or the doorstep check)")
    return "\n".join(lines)


def main(settings: Settings, api_url: str) -> int:
    try:
        created = place_order(api_url, settings.storefront_token)
    except urllib.error.HTTPError as refused:
        print(f"the API refused the order ({refused.code}): {refused.read().decode(errors='replace')}", file=sys.stderr)
        return 1
    except OSError as unreachable:
        print(f"the API at {api_url} is not reachable ({unreachable}); is scripts/dev running?", file=sys.stderr)
        return 1
    print(report(settings, created))
    return 0
