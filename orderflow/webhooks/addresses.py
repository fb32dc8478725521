"""Server-side request forgery guard: where a webhook may be sent.

Checked when an endpoint is registered AND before every try: the host is resolved, every address
it resolves to must be public, and the request then goes to that checked address (the hostname
travels in the Host header and TLS SNI), so a DNS answer that changes in between (rebinding)
cannot steer a request into the private network.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(ValueError):
    """The URL may not receive webhooks; the message says why (safe to show to operators)."""


class HostUnresolvable(AddressRefused):
    """The name does not resolve now: refused at registration, retried at delivery (DNS may be down)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written in the URL: Host header, TLS SNI and certificate check
    port: int
    address: IpAddress  # the checked address the request is sent to
    path: str  # path and query

    def pinned_url(self) -> str:
        literal = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        return f"{self.scheme}://{literal}:{self.port}{self.path}"

    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def check_url(url: str, allow_private: bool) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of a URL that may receive webhooks, without resolving it."""
    parts = urlsplit(url)
    allowed_schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed_schemes:
        raise AddressRefused("webhook URLs must use https")
    if parts.username or parts.password:
        raise AddressRefused("webhook URLs may not carry credentials")
    if not parts.hostname:
        raise AddressRefused("the webhook URL has no host")
    if parts.fragment:
        raise AddressRefused("webhook URLs have no fragment")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise AddressRefused("the webhook URL has an invalid port") from None
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return parts.scheme, parts.hostname, port, path


def is_public(address: IpAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    # is_global is False for loopback, private, link-local (cloud metadata at 169.254.169.254),
    # shared (100.64/10), reserved and unspecified addresses.
    return address.is_global and not address.is_multicast


def resolve(url: str, allow_private: bool) -> Target:
    """The checked target of `url`; raises AddressRefused. Blocks on DNS: call it off the event loop."""
    scheme, host, port, path = check_url(url, allow_private)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise HostUnresolvable(f"the host {host} does not resolve") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses:
        raise HostUnresolvable(f"the host {host} does not resolve")
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise AddressRefused(f"the host {host} resolves to a non-public address ({address})")
    return Target(scheme=scheme, host=host, port=port, address=addresses[0], path=path)
