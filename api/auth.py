"""Bearer tokens of storefront, agents, couriers and operators, checked in constant time."""

import hmac

from orderflow.settings import DEV_SECRET, Settings, parse_token_pairs


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


class Tokens:
    """The token tables of one settings object, parsed once."""

    def __init__(self, settings: Settings) -> None:
        self.storefront = {settings.storefront_token: "storefront"} if settings.storefront_token else {}
        self.agents = parse_token_pairs(settings.agent_tokens)
        self.couriers = parse_token_pairs(settings.courier_tokens)
        self.operators = parse_token_pairs(settings.operator_tokens)


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
