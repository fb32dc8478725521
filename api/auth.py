"""Bearer tokens of storefront, agents, couriers and operators, checked in constant time."""

import hmac

from pydantic import TypeAdapter, ValidationError

from orderflow.contract.commands import ActorId
from orderflow.settings import DEV_SECRET, Settings, parse_token_pairs

_ACTOR_ID: TypeAdapter[str] = TypeAdapter(ActorId)


def identify(presented: str, tokens: dict[str, str]) -> str | None:
    """The identity whose token equals `presented`, or None.

    Compares against every token without stopping early, so the answer's timing tells nothing
    about which tokens exist or how much of one was right.
    """
    found: str | None = None
    for token, identity in tokens.items():
        if hmac.compare_digest(presented.encode(), token.encode()):
            found = identity
    return found


class InvalidIdentity(ValueError):
    pass


def _people(pairs: str, setting: str) -> dict[str, str]:
    # The identity behind a token is signed into workflow payloads (ActorId): one the contract would
    # refuse must stop the API at startup, not answer 500 on the first call.
    table = parse_token_pairs(pairs)
    for identity in table.values():
        try:
            _ACTOR_ID.validate_python(identity)
        except ValidationError:
            raise InvalidIdentity(
                f"{setting}: the id {identity!r} is not allowed (1-64 of A-Z a-z 0-9 _ . @ -)"
            ) from None
    return table


class Tokens:
    """The token tables of one settings object, parsed once."""

    def __init__(self, settings: Settings) -> None:
        self.storefront = {settings.storefront_token: "storefront"} if settings.storefront_token else {}
        self.agents = _people(settings.agent_tokens, "ORDERFLOW_AGENT_TOKENS")
        self.couriers = _people(settings.courier_tokens, "ORDERFLOW_COURIER_TOKENS")
        self.operators = _people(settings.operator_tokens, "ORDERFLOW_OPERATOR_TOKENS")


def default_secrets(settings: Settings) -> list[str]:
    """Names of the HTTP-facing secrets that still hold the development default."""
    candidates = {
        "ORDERFLOW_STOREFRONT_TOKEN": settings.storefront_token,
        "ORDERFLOW_AGENT_TOKENS": settings.agent_tokens,
        "ORDERFLOW_COURIER_TOKENS": settings.courier_tokens,
        "ORDERFLOW_OPERATOR_TOKENS": settings.operator_tokens,
        "ORDERFLOW_LINK_SECRET": settings.link_secret,
    }
    return [name for name, value in candidates.items() if DEV_SECRET in value]


class DevSecretsOutsideDev(RuntimeError):
    pass


def refuse_default_secrets(settings: Settings) -> None:
    # Settings refuses them in production already; the API is stricter: anything but a developer's
    # own stack (env=dev) is reachable by others, so its doors need real keys.
    names = default_secrets(settings)
    if settings.env != "dev" and names:
        raise DevSecretsOutsideDev(f"env={settings.env} refuses the development default for {', '.join(names)}")
