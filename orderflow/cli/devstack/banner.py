"""What the dev stack prints once it runs: where to look, every audience's development token, and
one command that places an order, so a newcomer sees an order move within minutes."""

from orderflow.settings import Settings, parse_token_pairs


def _pairs(pairs: str) -> str:
    return ", ".join(f"{identity}: {token}" for token, identity in parse_token_pairs(pairs).items()) or "(none)"


def banner(settings: Settings, api_port: int, ui_port: int) -> str:
    api = f"http://localhost:{api_port}"
    return f"""
orderflow is running (data in {settings.data_dir.resolve()}):
  Temporal UI      http://localhost:{ui_port}   (find orders: OrderStage = 'awaiting_ident')
  Temporal server  {settings.temporal_address}, namespace {settings.temporal_namespace}
  API              {api}/docs   health: /healthz
  Agent console    {api}/agent      Courier page  {api}/courier
  Dev outbox       {api}/dev/outbox   (the customer's e-mails, with their links)
  Codec sign-in    {api}/codec/session   (lets the UI show decrypted payloads)

Development tokens (sign in with them on the pages above, or send them as Bearer tokens):
  storefront  {settings.storefront_token}
  agents      {_pairs(settings.agent_tokens)}
  couriers    {_pairs(settings.courier_tokens)}
  operators   {_pairs(settings.operator_tokens)}

Place the example order (examples/order.json) and get its ident and tracking links:
  .venv/bin/python -m orderflow.cli.devstack place-order
Ctrl-C stops everything.
"""
