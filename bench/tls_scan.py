"""testssl.sh against the shipped nginx front: deploy/nginx.conf rendered as the CI test renders
it, a throwaway self-signed certificate, gunicorn behind. Prints testssl's findings, then a
summary: the protocols offered, and every finding marked NOT ok or worse, split into those a
throwaway certificate causes (trust, chain, revocation) and those of the configuration.

    apt-get install -y testssl.sh nginx-light libnginx-mod-http-brotli-filter \
        libnginx-mod-http-brotli-static
    .venv/bin/python bench/tls_scan.py [--full]

Exits 1 when a configuration finding remains (the certificate's own findings are expected).
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import free_port, fresh_database, start_gunicorn, stop
from tests.site_processes import render_conf

# testssl's finding ids that judge the certificate itself, not nginx's settings: a throwaway
# self-signed certificate is untrusted, has no chain, no revocation data, no CT entries.
CERTIFICATE_IDS = ("cert_", "intermediate_", "OCSP_", "DNS_CAArecord", "chain_of_trust")
SEVERE = ("MEDIUM", "HIGH", "CRITICAL")


def start_front(folder: Path, upstream: int) -> tuple[subprocess.Popen, int]:
    """nginx with deploy/nginx.conf (test ports and paths) and a fresh self-signed certificate."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "90", "-subj",
         "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True, capture_output=True)
    https, plain = free_port(), free_port()
    (folder / "nginx.conf").write_text(render_conf(folder, https, plain, upstream))
    nginx = subprocess.Popen(["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"),
                              "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    time.sleep(1)
    if nginx.poll() is not None:
        raise RuntimeError(f"nginx exited with {nginx.returncode}")
    return nginx, https


def scan(port: int, report: Path, full: bool) -> list[dict]:
    """Run testssl (its text to stdout) and return its JSON findings."""
    command = ["testssl", "--quiet", "--color", "0", "--warnings", "off",
               "--jsonfile", str(report)]
    command += [] if full else ["--fast"]
    subprocess.run([*command, f"127.0.0.1:{port}"], check=False)
    return json.loads(report.read_text())


def is_certificate_finding(finding: dict) -> bool:
    """True for a finding about the certificate rather than about the configuration."""
    return finding["id"].startswith(CERTIFICATE_IDS)


def summarise(findings: list[dict]) -> bool:
    """Print the protocols and the NOT ok findings; True when the configuration has none."""
    offered = [f["id"] for f in findings
               if f["id"] in ("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3")
               and f["finding"].startswith("offered")]
    print("\n== summary")
    print(f"protocols offered: {', '.join(offered)}")
    severe = [f for f in findings if f["severity"] in SEVERE]
    for title, group in (
            ("certificate (expected for a throwaway self-signed one)",
             [f for f in severe if is_certificate_finding(f)]),
            ("configuration", [f for f in severe if not is_certificate_finding(f)])):
        print(f"{title}: {len(group)} finding(s) MEDIUM or worse")
        for f in group:
            print(f"  {f['severity']:8} {f['id']}: {f['finding']}")
    config = [f for f in severe if not is_certificate_finding(f)]
    return offered == ["TLS1_2", "TLS1_3"] and not config


def main() -> None:
    """Start gunicorn and the front, scan it, print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="without --fast (slower, rated)")
    args = parser.parse_args()
    if not shutil.which("testssl") or not shutil.which("nginx"):
        sys.exit("testssl and nginx are needed: apt-get install -y testssl.sh nginx-light "
                 "libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static")
    folder = Path(tempfile.mkdtemp(prefix="tls-scan-"))
    url, cleanup = fresh_database("sqlite")
    process, base_url = start_gunicorn(
        "app:app", {"DATABASE_URL": url, "SECRET_KEY": "bench", "TRUSTED_PROXIES": "1"},
        workers=1)
    nginx = None
    try:
        nginx, https = start_front(folder, int(base_url.rsplit(":", 1)[1]))
        findings = scan(https, folder / "testssl.json", args.full)
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGTERM)
            nginx.wait(10)
        stop(process)
        cleanup()
    clean = summarise(findings)
    shutil.rmtree(folder, ignore_errors=True)
    print("verdict: " + ("TLS 1.2 and 1.3 only, no configuration finding" if clean
                         else "the configuration has findings (above)"))
    sys.exit(0 if clean else 1)


if __name__ == "__main__":
    main()
