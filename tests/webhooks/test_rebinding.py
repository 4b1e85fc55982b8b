"""DNS rebinding: a name that answers a public address while it is checked and the site's own
loopback a moment later. The send resolves the name once, checks every address and connects
only to a checked one, so the service listening on loopback never even sees a connection.
Only the name's resolution is replaced (socket.getaddrinfo for that one name); the HTTP client,
the sockets and the listener are real."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from tests.webhooks.conftest import add_webhook_system, deliver, task_of

NAME = "hooks.rebind.test"
# A global address (Cloudflare's resolver); nothing listens there on the port used, and on a
# machine without IPv6 the kernel refuses it at once: no payload leaves.
PUBLIC = "2606:4700:4700::1111"


class Listener:
    """A TCP service on loopback (an internal admin port) that counts every connection."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        """Accept and count until closed."""
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


class RebindingName:
    """One name's DNS: the answers in turn, the last one repeated; every other name real."""

    def __init__(self, real, name: str = NAME) -> None:  # type: ignore[no-untyped-def]
        self.real, self.name, self.answers, self.asked = real, name, [PUBLIC], 0

    def __call__(self, host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host != self.name:
            return self.real(host, port, *args, **kwargs)
        self.asked += 1
        address = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if ":" in address:
            return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]


@pytest.fixture
def rebinding(monkeypatch) -> Iterator[RebindingName]:
    """NAME resolves through a RebindingName."""
    dns = RebindingName(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", dns)
    yield dns


@pytest.mark.waits
def test_a_name_rebound_to_loopback_after_the_check_gets_no_connection(
        app, client, auth, rights, site, rebinding) -> None:
    internal = Listener()
    app.config["WEBHOOK_TIMEOUT_SECONDS"] = 2
    add_webhook_system(client, auth, "API platform", f"https://{NAME}:{internal.port}/hook")
    reference = rights.submit_and_verify()
    rebinding.answers = [PUBLIC, "127.0.0.1"]  # public for one answer, then loopback
    rebinding.asked = 0
    assert deliver(app, site) == (0, 1)
    assert internal.connections == 0
    assert rebinding.asked == 1  # resolved once: the connection used the checked answer
    task = task_of(app, reference, "API platform")
    assert task.state == "pending" and task.attempts == 1 and task.last_error
    internal.sock.close()


def test_a_name_rebound_to_loopback_before_the_send_is_refused_for_good(
        app, client, auth, rights, site, rebinding) -> None:
    internal = Listener()
    add_webhook_system(client, auth, "API platform", f"https://{NAME}:{internal.port}/hook")
    reference = rights.submit_and_verify()
    rebinding.answers = ["127.0.0.1"]
    assert deliver(app, site) == (0, 1)
    assert internal.connections == 0
    task = task_of(app, reference, "API platform")
    assert task.failed_at is not None and "loopback, private or link-local" in task.last_error
    internal.sock.close()
