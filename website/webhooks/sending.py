"""One webhook POST, made by a thread of the delivery pool: no database, no app context, only
what website/webhooks/delivery.py prepared. The endpoint's name is resolved once, every address
checked (`pin_endpoint`), and the connection made to a checked address; the Host header, the
TLS server name (SNI) and the certificate check still use the host's name. Redirects are never
followed (one could lead past the check)."""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass

from website.webhooks.addresses import EndpointError, PinnedEndpoint, pin_endpoint

RETRYABLE = (408, 409, 425, 429)  # 4xx answers worth another try
TLS = ssl.create_default_context()  # verifies the certificate against the host's name


class PermanentFailure(Exception):
    """A failure no retry can fix (a refused address, a 4xx answer, no secret)."""


class EndpointAnswer(Exception):
    """The endpoint answered with a status worth another try (5xx, 408, 409, 425, 429)."""


@dataclass(frozen=True)
class Outgoing:
    """A signed webhook ready to go: where, what, and the settings the thread needs."""

    task_id: int
    system_id: int
    endpoint: str
    body: bytes
    headers: dict[str, str]
    timeout: float
    allowed_hosts: frozenset[str]


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP to a checked address; the Host header names the host."""

    def __init__(self, endpoint: PinnedEndpoint, address: str, timeout: float) -> None:
        super().__init__(endpoint.host, endpoint.port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        """Connect to the checked address, never to a fresh resolution of the name."""
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class PinnedHTTPSConnection(PinnedHTTPConnection):
    """HTTPS to a checked address: SNI and the certificate check use the host's name."""

    default_port = http.client.HTTPS_PORT

    def connect(self) -> None:
        """Connect to the checked address, then TLS for the host's name."""
        super().connect()
        self.sock = TLS.wrap_socket(self.sock, server_hostname=self.host)


def send(outgoing: Outgoing) -> None:
    """POST the webhook once; raises on any failure (PermanentFailure when a retry cannot help).
    Runs in a pool thread: touches nothing but the network."""
    try:
        endpoint = pin_endpoint(outgoing.endpoint, outgoing.allowed_hosts)
    except EndpointError as error:
        raise PermanentFailure(str(error)) from None
    kind = PinnedHTTPSConnection if endpoint.scheme == "https" else PinnedHTTPConnection
    failure: OSError = OSError(f"No address for {endpoint.host}.")
    for address in endpoint.addresses:
        connection = kind(endpoint, address, outgoing.timeout)
        try:
            connection.connect()
        except OSError as error:
            failure = error
            connection.close()
            continue
        try:
            connection.request("POST", endpoint.target, outgoing.body, outgoing.headers)
            response = connection.getresponse()
            response.read(1024)
        finally:
            connection.close()
        judge(response.status, response.reason)
        return
    raise failure


def judge(status: int, reason: str) -> None:
    """Nothing for a 2xx; else the failure the answer means."""
    if 200 <= status < 300:
        return
    if 300 <= status < 400:
        raise PermanentFailure(f"The endpoint answered {status}: a webhook does not follow "
                               "redirects.")
    if 400 <= status < 500 and status not in RETRYABLE:
        raise PermanentFailure(f"The endpoint answered {status}.")
    raise EndpointAnswer(f"HTTP Error {status}: {reason}")
