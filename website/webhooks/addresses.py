"""Where a webhook may go: an https:// endpoint on a public address. A host that resolves to a
loopback, private, link-local or otherwise non-public address is refused (no server-side
request forgery into the site's own network) unless it is in WEBHOOK_ALLOWED_HOSTS, which may
also use plain http. Checked when an admin saves the endpoint and again before each send."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app


class EndpointError(ValueError):
    """An endpoint refused, with the reason for the admin (or the task's last error)."""


def allowed_hosts() -> frozenset[str]:
    """The hosts the setting lets through (WEBHOOK_ALLOWED_HOSTS)."""
    return frozenset(h.lower() for h in current_app.config.get("WEBHOOK_ALLOWED_HOSTS") or [])


def check_endpoint(url: str, resolve: bool = True) -> None:
    """EndpointError unless `url` may receive the site's webhooks."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        raise EndpointError("Give the endpoint as https://host/path.")
    if host in allowed_hosts():
        if parts.scheme not in ("https", "http"):
            raise EndpointError("A webhook system needs an https:// endpoint.")
        return
    if parts.scheme != "https":
        raise EndpointError("A webhook system needs an https:// endpoint.")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        _require_public(host, [literal])
    elif resolve:
        _require_public(host, _resolve(host, parts.port or 443))


def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise EndpointError(f"The endpoint's host {host} cannot be resolved.") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _require_public(host: str, addresses: list[ipaddress.IPv4Address | ipaddress.IPv6Address],
                    ) -> None:
    for address in addresses:
        if not address.is_global or address.is_multicast:
            raise EndpointError(
                f"The endpoint's host {host} is a loopback, private or link-local address "
                f"({address}); add it to WEBHOOK_ALLOWED_HOSTS if it is one of ours.")
