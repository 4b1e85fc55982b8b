"""MDN HTTP Observatory grade of the site served as in production (HTTPS, HTTP redirected).

The scanner is given `127.0.0.1:PORT` and then asks both http://127.0.0.1:PORT/ and
https://127.0.0.1:PORT/ (the CLI passes no separate ports). So this script runs two gunicorn
servers with APP_ENV=production (FORCE_HTTPS redirects plain HTTP to HTTPS) - one with TLS, one
without - and a small byte-level multiplexer on PORT that sends TLS handshakes to the first and
everything else to the second. The certificate comes from a throwaway CA made with openssl; the
scanner trusts it through Node's standard NODE_EXTRA_CA_CERTS (so HSTS and the redirection are
graded as on a real certificate: the scanner refuses to credit them on an untrusted one).
The scanner is installed on first use into .cache/npm. Target: grade A+.

    .venv/bin/python bench/observatory.py

Exit status 1 below A+.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._site import (
    csrf_token,
    ensure_npm_tools,
    free_port,
    migrate,
    site_env,
    start_gunicorn,
    stopping,
    wait_for,
)

TLS_HANDSHAKE = 0x16
# (method, path, form fields, page holding the form): requests whose cookies must be Secure and
# SameSite (HttpOnly is reported too). A POST first GETs its form page for the csrf_token.
COOKIE_PAGES = [
    ("GET", "/", {}, None),
    ("GET", "/privacy", {}, None),
    ("GET", "/cookies", {}, None),
    ("GET", "/login", {}, None),
    ("GET", "/support", {}, None),
    ("POST", "/cookies/consent", {"choice": "accept_all", "next": "/"}, "/cookies"),
]


def make_certificate(directory: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a certificate for 127.0.0.1 signed by it: (ca, cert, key)."""
    ca_key, ca, key, csr, cert = (directory / n for n in ("ca.key", "ca.pem", "key.pem",
                                                          "csr.pem", "cert.pem"))
    ext = directory / "ext.cnf"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=observatory scan CA", "-keyout", str(ca_key), "-out", str(ca))
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
            "-keyout", str(key), "-out", str(csr))
    openssl("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
            "-CAcreateserial", "-days", "2", "-extfile", str(ext), "-out", str(cert))
    return ca, cert, key


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


def start_multiplexer(port: int, tls_port: int, http_port: int) -> None:
    """Listen on `port`; forward TLS connections to tls_port and the rest to http_port."""

    async def route(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        first = await reader.read(1)
        if not first:
            writer.close()
            return
        target = tls_port if first[0] == TLS_HANDSHAKE else http_port
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            writer.close()
            return
        upstream_writer.write(first)
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))

    loop = asyncio.new_event_loop()
    loop.run_until_complete(asyncio.start_server(route, "127.0.0.1", port))
    threading.Thread(target=loop.run_forever, daemon=True).start()


def scan(node_modules: Path, host: str, ca: Path) -> dict:
    """Run the Observatory's scan script (its bin wrapper would replace NODE_EXTRA_CA_CERTS)."""
    script = node_modules / "@mdn" / "mdn-http-observatory" / "src" / "scan.js"
    env = {**os.environ, "NODE_EXTRA_CA_CERTS": str(ca)}
    result = subprocess.run(
        ["node", str(script), host], capture_output=True, text=True, env=env, check=False
    )
    report = json.loads(result.stdout)
    if "error" in report:
        raise RuntimeError(f"the scan failed: {report['error']}")
    return report


def print_report(report: dict) -> None:
    """Grade, score and each test's result."""
    summary = report["scan"]
    print(f"grade {summary['grade']}, score {summary['score']}/100 "
          f"({summary['testsPassed']} of {summary['testsQuantity']} tests passed)")
    for name, test in sorted(report["tests"].items()):
        mark = "pass" if test["pass"] else "FAIL"
        print(f"  {mark}  {name:32} {test['scoreModifier']:+4}  {test['result']}")


def audit_cookies(base: str, ca: Path) -> bool:
    """The scanner only sees / and /robots.txt: check the cookies of COOKIE_PAGES too."""
    context = ssl.create_default_context(cafile=str(ca))
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=context),
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
    )

    def open_page(path: str, data: bytes | None = None, referer: str = "") -> tuple:
        # Over HTTPS, Flask-WTF also wants a same-origin Referer on a POST.
        headers = {"Referer": base + referer} if referer else {}
        try:
            response = opener.open(urllib.request.Request(base + path, data, headers))
        except urllib.error.HTTPError as error:
            response = error
        body = response.read().decode("utf-8", "replace")
        return response.status, body, response.headers.get_all("Set-Cookie") or []

    seen: dict[str, str] = {}
    print("== cookies set over HTTPS")
    for method, path, fields, form_page in COOKIE_PAGES:
        data = None
        if method == "POST":
            status, body, _ = open_page(form_page)
            token = csrf_token(body) or ""
            data = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
        status, _, headers = open_page(path, data, form_page or "")
        print(f"  {method} {path}: {status}" + (" (not served yet)" if status == 404 else ""))
        for header in headers:
            seen.setdefault(header.split("=", 1)[0], header)
    ok = True
    for name, header in sorted(seen.items()):
        flags = {part.split("=", 1)[0].strip().lower() for part in header.split(";")[1:]}
        missing = [flag for flag in ("secure", "httponly", "samesite") if flag not in flags]
        ok &= "secure" not in missing and "samesite" not in missing
        verdict = "missing " + ", ".join(missing) if missing else "Secure, HttpOnly, SameSite"
        print(f"  cookie {name}: {verdict}\n      {header[:150]}")
    if not seen:
        print("  no cookie was set")
    return ok


def main() -> None:
    """Serve the site over HTTPS and HTTP behind one port, scan it, print the grade."""
    node_modules = ensure_npm_tools()
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="observatory-")))
        ca, cert, key = make_certificate(workdir)
        port, tls_port, http_port = free_port(), free_port(), free_port()
        env = site_env(workdir, APP_ENV="production", SITE_URL=f"https://127.0.0.1:{port}")
        migrate(env)
        tls = ["--certfile", str(cert), "--keyfile", str(key)]
        stack.enter_context(stopping(start_gunicorn(env, tls_port, *tls)))
        stack.enter_context(stopping(start_gunicorn(env, http_port)))
        wait_for(f"https://127.0.0.1:{tls_port}/healthz")
        wait_for(f"http://127.0.0.1:{http_port}/healthz")
        start_multiplexer(port, tls_port, http_port)
        report = scan(node_modules, f"127.0.0.1:{port}", ca)
        print_report(report)
        cookies_ok = audit_cookies(f"https://127.0.0.1:{port}", ca)
    sys.exit(0 if report["scan"]["grade"] == "A+" and cookies_ok else 1)


if __name__ == "__main__":
    main()
