"""A reference receiver: the kind of small service a system of ours (the API platform) runs to
act on the privacy site's rights-request tasks. Standard library only.

It verifies each task's Standard Webhooks signature, takes each `webhook-id` once (a resend is
answered 200 and not acted on again), answers at once with 202, and then answers the task by a
signed POST to its `callback_url`: for an access request the person's data from its own SQLite
database, for an erasure what it deleted, with counts.

Run:  RECEIVER_SECRET=whsec_... RECEIVER_DB=receiver.db PORT=8099 python receiver.py
Settings (environment): RECEIVER_SECRET (the system's signing secret, shown once by the site),
RECEIVER_DB (its SQLite file), HOST/PORT, RECEIVER_FAIL_FIRST (answer the first N tasks 500: a
fault drill), RECEIVER_DIE_AFTER (crash right after taking the Nth task, before replying: a
fault drill), RECEIVER_DELAY (seconds to wait before replying to each task: a slow system),
RECEIVER_SEED (a JSON file of people to load on start). On start it answers the
tasks it took but had not answered (it crashed meanwhile).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sqlite3
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 300
SCHEMA = """
create table if not exists people (email text primary key, account_id integer, name text,
                                   plan text);
create table if not exists api_keys (key_id text primary key, email text, created text,
                                     last_ip text);
create table if not exists deliveries (id integer primary key, webhook_id text, task_id integer,
                                       task text, received_at real);
create unique index if not exists deliveries_once on deliveries (webhook_id);
create table if not exists receipts (id integer primary key, webhook_id text, received_at real);
create table if not exists answered (task_id integer primary key, answered_at real);
"""


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The Standard Webhooks `v1,` signature of a message."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """True when the message is signed with the secret within the 5-minute window."""
    message_id, stamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
    signature = headers.get("webhook-signature", "")
    try:
        sent = int(stamp)
    except ValueError:
        return False
    if not message_id or abs(time.time() - sent) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, message_id, sent, body)
    return any(hmac.compare_digest(part, expected) for part in signature.split())


class Receiver:
    """The service's state: its secret, its database, the fault drill."""

    def __init__(self, secret: str, path: str, fail_first: int = 0, die_after: int = 0,
                 delay: float = 0.0) -> None:
        self.secret, self.path, self.delay = secret, path, delay
        self.fail_left, self.die_after = fail_first, die_after
        self.lock = threading.Lock()
        with self.connect() as conn:
            conn.executescript(SCHEMA)

    def connect(self) -> sqlite3.Connection:
        """A connection to its own database."""
        conn = sqlite3.connect(self.path, timeout=30)
        conn.row_factory = sqlite3.Row
        return conn

    def seed(self, people: list[dict]) -> None:
        """Load people and their API keys."""
        with self.connect() as conn:
            for person in people:
                conn.execute("insert or replace into people values (?, ?, ?, ?)",
                             (person["email"], person.get("account_id"), person["name"],
                              person.get("plan", "free")))
                for key in person.get("api_keys", []):
                    conn.execute("insert or replace into api_keys values (?, ?, ?, ?)",
                                 (key["key_id"], person["email"], key["created"], key["last_ip"]))

    def take(self, message_id: str, task: dict) -> bool:
        """Record a delivery (and every receipt); False when this webhook-id came before."""
        with self.connect() as conn:
            conn.execute("insert into receipts (webhook_id, received_at) values (?, ?)",
                         (message_id, time.time()))
            try:
                conn.execute("insert into deliveries (webhook_id, task_id, task, "
                             "received_at) values (?, ?, ?, ?)",
                             (message_id, task["task_id"], json.dumps(task), time.time()))
            except sqlite3.IntegrityError:
                return False
            taken = conn.execute("select count(*) from deliveries").fetchone()[0]
        if self.die_after and taken >= self.die_after:
            os._exit(1)  # the fault drill: taken and stored, never replied to
        return True

    def unanswered(self) -> list[dict]:
        """The tasks taken but not answered yet (a crash came between)."""
        with self.connect() as conn:
            rows = conn.execute("select task from deliveries where task_id not in "
                                "(select task_id from answered) order by id").fetchall()
        return [json.loads(row[0]) for row in rows]

    def mark_answered(self, task: dict) -> None:
        """The site took the answer (or refused it for good)."""
        with self.connect() as conn:
            conn.execute("insert or ignore into answered values (?, ?)",
                         (task["task_id"], time.time()))

    def answer_for(self, task: dict) -> dict:
        """What the service did for the task."""
        email = task["subject"]["email"].lower()
        with self.connect() as conn:
            if task["request_type"] in ("access", "portability"):
                person = conn.execute("select * from people where lower(email) = ?",
                                      (email,)).fetchone()
                keys = conn.execute("select key_id, created, last_ip from api_keys where "
                                    "lower(email) = ? order by key_id", (email,)).fetchall()
                data = {"profile": dict(person) if person else None,
                        "api_keys": [dict(key) for key in keys]}
                return {"status": "done", "summary": f"{len(keys)} API key(s).", "data": data}
            if task["request_type"] == "deletion":
                keys = conn.execute("delete from api_keys where lower(email) = ?",
                                    (email,)).rowcount
                people = conn.execute("delete from people where lower(email) = ?",
                                      (email,)).rowcount
                return {"status": "done", "summary": "Erased.",
                        "data": {"people": people, "api_keys": keys}}
        return {"status": "done", "summary": f"{task['request_type']}: nothing held here."}

    def answer(self, task: dict) -> None:
        """POST the signed answer to the task's callback URL, retrying a few times."""
        body = json.dumps(self.answer_for(task)).encode()
        message_id = f"msg_answer_{task['task_id']}"
        for pause in (0.2, 0.5, 1, 2, 4, 8):
            stamp = int(time.time())
            request = urllib.request.Request(  # noqa: S310 - the site's own https callback
                task["callback_url"], data=body, method="POST",
                                             headers={
                "Content-Type": "application/json", "webhook-id": message_id,
                "webhook-timestamp": str(stamp),
                "webhook-signature": sign(self.secret, message_id, stamp, body)})
            try:
                with urllib.request.urlopen(request, timeout=10):  # noqa: S310 - as above
                    self.mark_answered(task)
                    return
            except urllib.error.HTTPError as error:
                if error.code < 500:
                    self.mark_answered(task)
                    return  # refused for good (a replay: it was taken before)
            except OSError:
                pass
            time.sleep(pause)


def handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    """The HTTP handler bound to one receiver."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def reply(self, status: int, text: str) -> None:
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            with receiver.lock:
                if receiver.fail_left > 0:
                    receiver.fail_left -= 1
                    self.reply(500, "fault drill")
                    return
            if not verify(receiver.secret, headers, body):
                self.reply(401, "bad signature")
                return
            task = json.loads(body)
            if not receiver.take(headers["webhook-id"], task):
                self.reply(200, "already taken")  # a resend: acted on once already
                return
            time.sleep(receiver.delay)
            self.reply(202, "accepted")
            threading.Thread(target=receiver.answer, args=(task,), daemon=True).start()

    return Handler


def main() -> None:
    """Serve until stopped."""
    receiver = Receiver(os.environ["RECEIVER_SECRET"], os.environ.get("RECEIVER_DB",
                        "receiver.db"), int(os.environ.get("RECEIVER_FAIL_FIRST", "0")),
                        int(os.environ.get("RECEIVER_DIE_AFTER", "0")),
                        float(os.environ.get("RECEIVER_DELAY", "0")))
    if os.environ.get("RECEIVER_SEED"):
        with open(os.environ["RECEIVER_SEED"], encoding="utf-8") as seed:
            receiver.seed(json.load(seed))
    server = ThreadingHTTPServer((os.environ.get("HOST", "127.0.0.1"),
                                  int(os.environ.get("PORT", "8099"))), handler_for(receiver))
    for task in receiver.unanswered():
        threading.Thread(target=receiver.answer, args=(task,), daemon=True).start()
    print(f"listening on {server.server_address[0]}:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
