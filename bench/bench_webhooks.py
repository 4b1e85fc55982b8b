"""Benchmark: webhook systems end to end, with the reference receiver running for real.

Run from the repository root:
    .venv/bin/python bench/bench_webhooks.py [--db sqlite|postgresql] [--rounds N] [--tasks N]

1. Verification to a complete export across 3 webhook systems: an access request is verified
   (its tasks made, as verification does), the webhook job's rounds send the 3 tasks, the 3
   receivers (examples/webhook_receiver, separate processes) answer at the callback URL of the
   site (served by werkzeug in this process), and the clock stops when every task is done with
   its data. Median and worst of N rounds, one POST at a time and then with the pool.
2. Delivery rate: 1,000 pending tasks spread over the 3 webhook systems, sent by the job's rounds
   of one worker: once one POST at a time (WEBHOOK_CONCURRENCY=1, as before the pool) and once
   with the pool (WEBHOOK_CONCURRENCY, at most WEBHOOK_PER_SYSTEM per system), in the same run;
   tasks per second until none is pending, and the ratio.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from bench._server import free_port, fresh_database  # noqa: E402
from website import create_app  # noqa: E402
from website.config import TestConfig  # noqa: E402
from website.extensions import db, utcnow  # noqa: E402
from website.references import new_reference  # noqa: E402
from website.rights.models import RightsRequest  # noqa: E402
from website.rights.tasks import create_tasks  # noqa: E402
from website.systems.models import RequestTask, System  # noqa: E402
from website.webhooks.delivery import deliver_pending  # noqa: E402
from website.webhooks.keys import give_secret  # noqa: E402

RECEIVER = ROOT / "examples" / "webhook_receiver" / "receiver.py"


def start_receiver(secret: str, folder: str) -> tuple[subprocess.Popen, str]:
    """One reference receiver on a free port; (process, endpoint)."""
    port = free_port()
    env = {**os.environ, "RECEIVER_SECRET": secret, "PORT": str(port),
           "RECEIVER_DB": f"{folder}/receiver-{port}.db"}
    process = subprocess.Popen([sys.executable, str(RECEIVER)], env=env,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    process.stdout.readline()  # "listening on ..."
    return process, f"http://127.0.0.1:{port}/hook"


def add_system(name: str, folder: str, processes: list[subprocess.Popen]) -> None:
    """A webhook system with its own receiver process."""
    system = System(name=name, data="Logs", purpose="Service", legal_basis="contract",
                    retention="1 year", kind="webhook", endpoint="")
    secret = give_secret(system)
    process, system.endpoint = start_receiver(secret, folder)
    processes.append(process)
    db.session.add(system)
    db.session.commit()


def new_request(email: str) -> RightsRequest:
    """A verified access request (without its tasks)."""
    now = utcnow()
    item = RightsRequest(reference=new_reference("RR"), request_type="access", name="Bench",
                         email=email, details="", status="verified", created_at=now,
                         verified_at=now, due_on=now.date())
    db.session.add(item)
    db.session.flush()
    return item


def open_count(request_id: int | None = None) -> int:
    """Tasks not done yet (of one request, or pending of all)."""
    query = select(func.count()).select_from(RequestTask)
    if request_id is None:
        query = query.where(RequestTask.state == "pending")
    else:
        query = query.where(RequestTask.request_id == request_id, RequestTask.state != "done")
    db.session.expire_all()
    return db.session.scalar(query) or 0


def verification_to_export(rounds: int, label: str) -> list[float]:
    """Seconds from verification to every task done with its data, per round."""
    times = []
    for number in range(rounds):
        item = new_request(f"bench-{label}-{number}@example.com")
        started = time.perf_counter()
        create_tasks(item)
        db.session.commit()
        while open_count(item.id):
            deliver_pending()
            time.sleep(0.005)
        times.append(time.perf_counter() - started)
        uploads = sum(1 for task in db.session.scalars(select(RequestTask).where(
            RequestTask.request_id == item.id)) if task.upload is not None)
        assert uploads == 3, uploads
    return times


def delivery_rate(count: int, system_ids: list[int], label: str) -> float:
    """Tasks per second sending `count` pending tasks, spread over the systems."""
    now = utcnow()
    prefix = f"rate-{label}-"
    rows = [{"reference": new_reference("RR"), "request_type": "portability", "name": "Bench",
             "email": f"{prefix}{n}@example.com", "details": "", "status": "verified",
             "created_at": now, "verified_at": now, "due_on": now.date(), "extension_reason": "",
             "outcome": ""} for n in range(count)]
    db.session.execute(insert(RightsRequest), rows)
    ids = db.session.scalars(select(RightsRequest.id).where(
        RightsRequest.email.like(f"{prefix}%"))).all()
    db.session.execute(insert(RequestTask), [
        {"request_id": request_id, "system_id": system_ids[n % len(system_ids)],
         "state": "pending", "note": "", "created_at": now, "attempts": 0, "last_error": ""}
        for n, request_id in enumerate(ids)])
    db.session.commit()
    started = time.perf_counter()
    while open_count():
        deliver_pending(limit=500)
    return count / (time.perf_counter() - started)


def main() -> None:
    """Run both measurements and print them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--tasks", type=int, default=1000)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    print("load average at the start: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    url, cleanup = fresh_database(args.db)
    folder = tempfile.mkdtemp(prefix="bench-webhooks-")
    processes: list[subprocess.Popen] = []
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    app = create_app(config)
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config["SITE_URL"] = f"http://127.0.0.1:{server.server_port}"
    try:
        with app.app_context():
            for name in ("API platform", "Billing service", "Analytics"):
                add_system(name, folder, processes)
            pool = app.config["WEBHOOK_CONCURRENCY"], app.config["WEBHOOK_PER_SYSTEM"]
            for threads, how in ((1, "one at a time"), (pool[0], "with the pool")):
                app.config["WEBHOOK_CONCURRENCY"] = threads
                times = verification_to_export(args.rounds, str(threads))
                print(f"{args.db}: verification -> complete export across 3 webhook systems, "
                      f"{how}: median {statistics.median(times) * 1000:.0f} ms, "
                      f"worst {max(times) * 1000:.0f} ms ({args.rounds} rounds)")
            systems = list(db.session.scalars(select(System.id).order_by(System.id)))
            app.config["WEBHOOK_CONCURRENCY"] = 1
            one = delivery_rate(args.tasks, systems, "one")
            app.config["WEBHOOK_CONCURRENCY"] = pool[0]
            pooled = delivery_rate(args.tasks, systems, "pool")
            print(f"{args.db}: delivery of {args.tasks} pending tasks across 3 systems, one "
                  f"worker: {one:.0f} tasks/s one at a time, {pooled:.0f} tasks/s with the pool "
                  f"({pool[0]} threads, at most {pool[1]} per system): {pooled / one:.1f}x")
            print("load average at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    finally:
        server.shutdown()
        for process in processes:
            process.kill()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        cleanup()


if __name__ == "__main__":
    main()
