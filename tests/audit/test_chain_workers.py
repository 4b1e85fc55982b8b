"""Several processes writing audit entries at once never fork the chain (the head row is
locked: SELECT ... FOR UPDATE on PostgreSQL, the write lock on SQLite)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from tests.fixtures import ROOT
from website.audit import AuditEntry
from website.extensions import db

WRITER = """
import sys
from tests.fixtures.app import make_app
from website.audit import record_audit
from website.extensions import db

app = make_app(sys.argv[1])
with app.app_context():
    for n in range(int(sys.argv[3])):
        record_audit("test.concurrent", "worker:" + sys.argv[2], {"n": n})
        db.session.commit()
"""


@pytest.mark.waits
def test_concurrent_writers_keep_one_chain(app, runner, migrated) -> None:
    workers, each = 3, 25
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen([sys.executable, "-c", WRITER, migrated, str(n), str(each)],
                         cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
        for n in range(workers)
    ]
    for process in processes:
        _, errors = process.communicate(timeout=300)
        assert process.returncode == 0, errors[-2000:]
    with app.app_context():
        written = db.session.scalar(select(func.count(AuditEntry.id))
                                    .where(AuditEntry.action == "test.concurrent"))
    assert written == workers * each
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
