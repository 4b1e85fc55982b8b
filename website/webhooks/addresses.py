"""Where a webhook may go: an https:// endpoint on a public address. A host that resolves to a
loopback, private, link-local or otherwise non-public address is refused (no server-side
request forgery into the site's own network) unless it is in WEBHOOK_ALLOWED_HOSTS, which may
also use plain http. Checked when an admin saves the endpoint and again before each send; a
send connects only to the addresses this check resolved and approved (`pin_endpoint`), so a
name that answers differently a moment later (DNS rebinding) cannot move the connection."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class EndpointError(ValueError):
    """An endpoint refused, with the reason for the admin (or the task's last error)."""


@dataclass(frozen=True)
class PinnedEndpoint:
    """An endpoint resolved once and checked: connect to `addresses`, name `host`."""

    scheme: str
    host: str
    port: int
    target: str  # the path and query sent in the request line
    addresses: tuple[str, ...]


def allowed_hosts() -> frozenset[str]:
    """The hosts the setting lets through (WEBHOOK_ALLOWED_HOSTS)."""
    return frozenset(h.lower() for h in current_app.config.get("WEBHOOK_ALLOWED_HOSTS") or [])


def check_endpoint(url: str) -> None:
    """EndpointError unless `url` may receive the site's webhooks (when an admin saves it)."""
    pin_endpoint(url, allowed_hosts())


def pin_endpoint(url: str, allowed: frozenset[str]) -> PinnedEndpoint:
    """Resolve the endpoint's host once and check every address; EndpointError when refused.
    Needs no app context (a delivery thread calls it with the setting's hosts)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        raise EndpointError("Give the endpoint as https://host/path.")
    if parts.scheme != "https" and not (host in allowed and parts.scheme == "http"):
        raise EndpointError("A webhook system needs an https:// endpoint.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise EndpointError("The endpoint's port is not a number.") from None
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        addresses = _resolve(host, port)
    if host not in allowed:
        _require_public(host, addresses)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return PinnedEndpoint(parts.scheme, host, port, target,
                          tuple(dict.fromkeys(str(address) for address in addresses)))


def _resolve(host: str, port: int) -> list[Address]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise EndpointError(f"The endpoint's host {host} cannot be resolved.") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _require_public(host: str, addresses: list[Address]) -> None:
    for address in addresses:
        if not address.is_global or address.is_multicast:
            raise EndpointError(
                f"The endpoint's host {host} is a loopback, private or link-local address "
                f"({address}); add it to WEBHOOK_ALLOWED_HOSTS if it is one of ours.")
