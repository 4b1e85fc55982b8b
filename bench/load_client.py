"""The load client for bench/load.py: N virtual visitors, each with its own cookie jar.

Run by bench/load.py in a process of its own; it only talks to the base URL it is given (which
must be on 127.0.0.1). Each visitor repeats, until the time is up: read a policy page, or give
cookie consent, or send a support request, or send a data-rights request; logins are started
at a fixed rate across all visitors (bcrypt at cost 12 costs ~250 ms of CPU each). Forms are
fetched first for their CSRF token. Writes a JSON file with every latency, every status and the
marker of every submission the site accepted.

    .venv/bin/python bench/load_client.py BASE_URL OUT.json --seconds 60 --clients 50 \
        --users 20 --login-rate 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import time
import uuid
from collections import defaultdict
from urllib.parse import urlsplit

import aiohttp

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# What a browser sends with a form posted from the site's own page.
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
POLICY_PAGES = ["/privacy", "/privacy/versions", "/privacy/versions/1", "/privacy/diff?from=1&to=1"]
# Relative weights of what a visitor does next (logins are paced separately).
MIX = {"policy": 50, "consent": 15, "support": 15, "rights": 15}
USER_PASSWORD = "load test password 1"  # noqa: S105 - the bench users' shared password


def user_email(n: int) -> str:
    """The address of bench user n (created by bench/load.py before the run)."""
    return f"load-user-{n}@example.com"


class Recorder:
    """Latencies and statuses per route, and the markers of accepted submissions."""

    def __init__(self, measure_from: float = 0.0) -> None:
        self.measure_from = measure_from  # time.perf_counter() when the warm-up ends
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.accepted: dict[str, list[dict]] = defaultdict(list)
        self.unanswered: dict[str, list[dict]] = defaultdict(list)
        self.failures: list[str] = []

    def note(self, route: str, status: int, started: float) -> None:
        """One request: its route, status (0 = no answer) and time since `started`.

        Every status counts; latencies only after the warm-up (each worker's first requests
        compile templates and SQL statements, which a long-running site has long done)."""
        if started >= self.measure_from:
            self.latencies[route].append((time.perf_counter() - started) * 1000)
        self.statuses[route][status] += 1

    def as_json(self) -> dict:
        """Everything, for bench/load.py."""
        return {
            "latencies": self.latencies,
            "statuses": {r: {str(k): v for k, v in s.items()} for r, s in self.statuses.items()},
            "accepted": self.accepted,
            "unanswered": self.unanswered,
            "failures": self.failures[:20],
        }


class Visitor:
    """One browser: its own cookies, its own CSRF tokens."""

    def __init__(self, base: str, recorder: Recorder, session: aiohttp.ClientSession) -> None:
        self.base, self.rec, self.http = base, recorder, session

    async def request(
        self, method: str, path: str, route: str, data: dict | None = None,
        headers: dict | None = None,
    ) -> tuple[int, str, str]:
        """Send one request without following redirects: (status, body, Location)."""
        started = time.perf_counter()
        try:
            async with self.http.request(
                method, self.base + path, data=data, headers=headers, allow_redirects=False
            ) as response:
                body = await response.text()
                self.rec.note(route, response.status, started)
                if response.status >= 500 and len(self.rec.failures) < 50:
                    self.rec.failures.append(f"{method} {path} {response.status}: {body[:300]}")
                return response.status, body, response.headers.get("Location", "")
        except (TimeoutError, aiohttp.ClientError) as error:
            self.rec.note(route, 0, started)
            if len(self.rec.failures) < 50:
                self.rec.failures.append(f"{method} {path}: {error.__class__.__name__} {error}")
            return 0, "", ""

    async def form_token(self, path: str) -> str | None:
        """GET a page with a form behind a login and return its CSRF token."""
        status, body, _ = await self.request("GET", path, f"GET {path}")
        found = TOKEN.search(body) if status == 200 else None
        return found.group(1) if found else None

    async def open_form(self, path: str) -> bool:
        """GET a public form's page (no token in it: the same bytes for every new visitor)."""
        status, _, _ = await self.request("GET", path, f"GET {path}")
        return status == 200

    async def read_policy(self) -> None:
        """One of the policy pages."""
        path = random.choice(POLICY_PAGES)
        await self.request("GET", path, f"GET {path.split('?')[0]}")

    async def give_consent(self) -> None:
        """Accept or reject all, the way the banner's script does it (JSON answer)."""
        if not await self.open_form("/cookies"):
            return
        choice = random.choice(["accept_all", "reject_all"])
        status, body, _ = await self.request(
            "POST", "/cookies/consent", "POST /cookies/consent", data={"choice": choice},
            headers={"Accept": "application/json", **SAME_ORIGIN},
        )
        if status == 200:
            self.rec.accepted["consent"].append({"consent_id": json.loads(body)["consent_id"]})

    async def send_marked(self, kind: str, path: str, fields: dict[str, str]) -> None:
        """Post a form under a unique marker (in `fields` as {marker}) and a unique address."""
        if not await self.open_form(path):
            return
        marker = f"load-{uuid.uuid4().hex}"
        item = {"marker": marker, "email": f"{marker}@example.com"}
        data = {k: v.format(marker=marker) for k, v in fields.items()}
        status, _, location = await self.request("POST", path, f"POST {path}", data={
            **data, "email": item["email"], "website": "",
        }, headers=SAME_ORIGIN)
        if status == 303:
            if kind == "support":  # the reference the visitor was shown
                item["reference"] = urlsplit(location).path.rsplit("/", 1)[-1]
            self.rec.accepted[kind].append(item)
        elif status == 0:
            self.rec.unanswered[kind].append(item)

    async def send_support(self) -> None:
        """A support request with a unique subject and address."""
        await self.send_marked("support", "/support", {
            "name": "Load Tester", "organisation": "Bench Ltd", "phone": "",
            "category": "general", "subject": "{marker}",
            "message": "Sent by bench/load.py to count rows afterwards.",
        })

    async def send_rights(self) -> None:
        """A data-rights request with unique details and address."""
        await self.send_marked("rights", "/rights", {
            "request_type": "access", "name": "Load Tester", "details": "{marker}",
        })

    async def log_in_and_out(self, users: int) -> None:
        """Log in as a bench user, open the account page, log out."""
        if not await self.open_form("/login"):
            return
        email = user_email(random.randrange(users))
        status, _, _ = await self.request("POST", "/login", "POST /login", data={
            "email": email, "password": USER_PASSWORD,
        }, headers=SAME_ORIGIN)
        if status != 303:
            return
        # The session is renewed on login: the logout form's token comes from a fresh page.
        token = await self.form_token("/account")
        if token is not None:
            await self.request("POST", "/logout", "POST /logout", data={"csrf_token": token},
                               headers=SAME_ORIGIN)


async def visitor_loop(
    base: str, rec: Recorder, deadline: float, pace: dict, args: argparse.Namespace, mix: dict
) -> None:
    """One visitor, with its own cookie jar, until the deadline."""
    timeout = aiohttp.ClientTimeout(total=30)
    jar = aiohttp.CookieJar(unsafe=True)  # unsafe: accept cookies from a bare IP address
    connector = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(cookie_jar=jar, timeout=timeout, connector=connector) as http:
        visitor = Visitor(base, rec, http)
        actions = {"policy": visitor.read_policy, "consent": visitor.give_consent,
                   "support": visitor.send_support, "rights": visitor.send_rights}
        names, weights = list(mix), list(mix.values())
        while time.monotonic() < deadline:
            now = time.monotonic()
            if args.login_rate > 0 and now >= pace["next_login"]:
                pace["next_login"] = max(pace["next_login"] + 1 / args.login_rate, now)
                await visitor.log_in_and_out(args.users)
            else:
                await actions[random.choices(names, weights)[0]]()
            if args.think > 0:
                await asyncio.sleep(random.uniform(0, 2 * args.think / 1000))


async def run(args: argparse.Namespace) -> dict:
    """All visitors at once; the figures and markers as a dict."""
    rec = Recorder(measure_from=time.perf_counter() + args.warmup)
    mix = {k: v for k, v in MIX.items() if not args.only or k in args.only.split(",")}
    start = time.monotonic()
    pace = {"next_login": start}
    deadline = start + args.warmup + args.seconds
    await asyncio.gather(*(
        visitor_loop(args.base_url, rec, deadline, pace, args, mix) for _ in range(args.clients)
    ))
    result = rec.as_json()
    result["elapsed"] = time.monotonic() - start - args.warmup  # the measured part
    return result


def main() -> None:
    """Parse arguments, run, write the JSON file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("out")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--login-rate", type=float, default=2.0, help="logins per second in all")
    parser.add_argument("--think", type=float, default=1000.0,
                        help="mean pause between actions, ms")
    parser.add_argument("--warmup", type=float, default=5.0,
                        help="first seconds whose latencies are not counted (statuses are)")
    parser.add_argument("--only", default="", help="comma-separated subset of " + ",".join(MIX))
    args = parser.parse_args()
    host = urlsplit(args.base_url).hostname
    if host != "127.0.0.1":
        raise SystemExit(f"refusing to load {host!r}: only 127.0.0.1 is allowed")
    result = asyncio.run(run(args))
    with open(args.out, "w") as out:
        json.dump(result, out)


if __name__ == "__main__":
    main()
