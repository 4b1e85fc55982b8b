"""HTTPS to a pinned address: the connection goes to the address checked, while the Host header,
the TLS server name (SNI) and the certificate check still name the endpoint's host. A real TLS
server on loopback with a certificate from the test's own CA; only the name's resolution and
the trusted CA are the test's."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.webhooks.conftest import add_webhook_system, deliver, task_of
from tests.webhooks.test_rebinding import RebindingName
from website.webhooks import sending

NAME = "hooks.pinned.test"


def certificate(subject: str, issuer_key, issuer_name, key, ca: bool):  # type: ignore[no-untyped-def]
    """A certificate for `subject`, signed by the issuer."""
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]),
                                        critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


class TlsReceiver:
    """An HTTPS server on loopback recording each request's Host header and TLS server name."""

    def __init__(self, folder: Path, served_name: str) -> None:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
        ca = certificate("Test CA", ca_key, ca_name, ca_key, ca=True)
        key = ec.generate_private_key(ec.SECP256R1())
        leaf = certificate(served_name, ca_key, ca_name, key, ca=False)
        self.ca_file = folder / "ca.pem"
        self.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        chain, key_file = folder / "leaf.pem", folder / "leaf.key"
        chain.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        self.hosts: list[str] = []
        self.server_names: list[str | None] = []
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(chain, key_file)
        context.sni_callback = lambda sock, name, ctx: self.server_names.append(name)
        received = self.hosts

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append(self.headers.get("Host", ""))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def tls(app, monkeypatch, tmp_path: Path) -> Iterator[TlsReceiver]:  # type: ignore[no-untyped-def]
    """NAME resolves to loopback (allowed); the site trusts the test's CA."""
    dns = RebindingName(socket.getaddrinfo, NAME)
    dns.answers = ["127.0.0.1"]
    monkeypatch.setattr("socket.getaddrinfo", dns)
    app.config["WEBHOOK_ALLOWED_HOSTS"] = [NAME]
    receiver = TlsReceiver(tmp_path, NAME)
    monkeypatch.setattr(sending, "TLS", ssl.create_default_context(cafile=receiver.ca_file))
    yield receiver
    receiver.server.shutdown()


def test_https_goes_to_the_checked_address_with_the_host_name_kept(
        app, client, auth, rights, site, tls) -> None:
    add_webhook_system(client, auth, "API platform", f"https://{NAME}:{tls.port}/hook")
    reference = rights.submit_and_verify()
    assert deliver(app, site) == (1, 0), task_of(app, reference, "API platform").last_error
    assert tls.hosts == [f"{NAME}:{tls.port}"]
    assert tls.server_names == [NAME]


def test_a_certificate_for_another_name_is_refused(app, client, auth, rights, site,
                                                   monkeypatch, tmp_path: Path) -> None:
    dns = RebindingName(socket.getaddrinfo, NAME)
    dns.answers = ["127.0.0.1"]
    monkeypatch.setattr("socket.getaddrinfo", dns)
    app.config["WEBHOOK_ALLOWED_HOSTS"] = [NAME]
    other = TlsReceiver(tmp_path, "someone-else.test")
    monkeypatch.setattr(sending, "TLS", ssl.create_default_context(cafile=other.ca_file))
    try:
        add_webhook_system(client, auth, "API platform", f"https://{NAME}:{other.port}/hook")
        reference = rights.submit_and_verify()
        assert deliver(app, site) == (0, 1)
        assert other.hosts == []
        task = task_of(app, reference, "API platform")
        assert "CERTIFICATE_VERIFY_FAILED" in task.last_error and task.state == "pending"
    finally:
        other.server.shutdown()
