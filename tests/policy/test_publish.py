"""Publishing versions: the CLI, immutability, the first-start race, and XSS in served pages."""

from __future__ import annotations

import re
import threading
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from tests.fixtures.app import make_app
from tests.policy.xss import (
    ALLOWED_ATTRIBUTES,
    CONTROL_AND_SPACE,
    DANGEROUS_URL,
    FORBIDDEN_TAGS,
    XSS_PAYLOADS,
    parse_tags,
)
from website.audit import AuditEntry
from website.extensions import db
from website.policy.models import ImmutableVersionError, PolicyVersion
from website.policy.service import ensure_first_version, get_version, publish_version


def version_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PolicyVersion))


def test_cli_import_publishes_the_next_version(app, runner, tmp_path, client):
    source = tmp_path / "policy.md"
    source.write_text("## Your Rights\n\nAsk us anything, any time.\n", encoding="utf-8")
    result = runner.invoke(
        args=["policy", "import", str(source), "--effective", "2025-10-01",
              "--summary", "Clearer rights", "--material"]
    )
    assert result.exit_code == 0, result.output
    assert "Published version 2, effective 2025-10-01." in result.output
    with app.app_context():
        version = get_version(2)
        assert version.material and version.summary == "Clearer rights"
        audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "policy.publish"
                                                           ).order_by(AuditEntry.id.desc()))
        assert audit.actor == "cli" and audit.target == "policy version 2"
    page = client.get("/privacy").get_data(as_text=True)
    assert "Version 2" in page and "Ask us anything, any time." in page


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "is empty"), (b"\xff\xfe\x00bad", "is not UTF-8")],
)
def test_cli_import_refuses_bad_files(app, runner, tmp_path, content, message):
    source = tmp_path / "bad.md"
    source.write_bytes(content)
    result = runner.invoke(args=["policy", "import", str(source)])
    assert result.exit_code != 0
    assert message in result.output
    assert version_count(app) == 1


def test_cli_import_rejects_a_bad_date(app, runner, tmp_path):
    source = tmp_path / "p.md"
    source.write_text("text")
    result = runner.invoke(args=["policy", "import", str(source), "--effective", "11/08/2025"])
    assert result.exit_code == 2 and "Invalid value" in result.output
    assert version_count(app) == 1


def test_published_versions_cannot_be_changed_or_deleted(app):
    with app.app_context():
        version = get_version(1)
        version.markdown = "rewritten history"
        with pytest.raises(ImmutableVersionError):
            db.session.commit()
        db.session.rollback()
        version = get_version(1)
        db.session.delete(version)
        with pytest.raises(ImmutableVersionError):
            db.session.commit()
        db.session.rollback()
        assert "We do not sell personal data." in get_version(1).markdown


def test_racing_first_starts_make_exactly_one_version_1(app, migrated):
    from tests.fixtures.database import empty_all_tables

    with app.app_context():
        empty_all_tables()
    apps = [make_app(migrated) for _ in range(4)]
    barrier = threading.Barrier(len(apps))
    errors: list[BaseException] = []

    def start(worker_app) -> None:
        try:
            with worker_app.app_context():
                barrier.wait()
                ensure_first_version()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=start, args=(a,)) for a in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with app.app_context():
        numbers = list(db.session.scalars(select(PolicyVersion.number)))
    assert numbers == [1]
    for worker_app in apps:
        with worker_app.app_context():
            db.engine.dispose()


def test_xss_payloads_never_reach_a_visitor(app, client):
    markdown = "## Heading\n\n" + "\n\n".join(XSS_PAYLOADS) + "\n\nThe end.\n"
    with app.app_context():
        number = publish_version(markdown, date(2025, 9, 1), "payloads").number
    page = client.get(f"/privacy/versions/{number}").get_data(as_text=True)
    body = page.split('<div class="policy-body">', 1)[1].split("</article>", 1)[0]
    assert "The end." in body
    assert "<script" not in body.lower()
    assert not re.search(r"<[^>]*\son\w+\s*=", body, re.IGNORECASE)
    for tag, attributes in parse_tags(body):
        assert tag not in FORBIDDEN_TAGS
        for name, value in attributes:
            # The page adds one thing of its own: the '#' link on each heading.
            ours = tag == "a" and (name, value) == ("class", "heading-anchor")
            ours = ours or (tag == "a" and name == "aria-label" and value.startswith("Link to"))
            assert name in ALLOWED_ATTRIBUTES or ours, (tag, name)
            assert not DANGEROUS_URL.search(CONTROL_AND_SPACE.sub("", unescape(value)))
    assert len(XSS_PAYLOADS) >= 15
