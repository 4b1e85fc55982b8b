"""The audit log is a keyed hash chain: `flask audit verify` and the dashboard say whether it
holds and where it breaks; editing an entry and recomputing every plain hash after it is
caught; erasure and the retention purge keep it verifiable."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import delete, select, update

from website.audit import AuditCheckpoint, AuditEntry, record_audit
from website.audit.chain import entry_content
from website.extensions import db, utcnow


def write_entries(app, count: int = 5, actor: str = "cli") -> list[int]:
    with app.app_context():
        ids = []
        for n in range(count):
            ids.append(record_audit("test.action", f"thing:{n}", {"n": n}, actor=actor).id)
            db.session.commit()
        return ids


def edit_and_rehash_with_sha256(app, ids: list[int]) -> None:
    """Whoever controls the database but not AUDIT_KEY rewrites the second entry and re-hashes
    every entry after it with plain SHA-256."""
    with app.app_context():
        entries = list(db.session.scalars(
            select(AuditEntry).where(AuditEntry.id >= ids[0]).order_by(AuditEntry.id)))
        entries[1].details = {"n": 999}
        prev = entries[0].entry_hash
        for entry in entries[1:]:
            entry.prev_hash = prev
            entry.entry_hash = hashlib.sha256((prev + entry_content(entry)).encode()).hexdigest()
            prev = entry.entry_hash
        db.session.commit()


def verify(runner):
    return runner.invoke(args=["audit", "verify"])


def test_the_chain_holds_after_real_actions(app, runner) -> None:
    write_entries(app)
    runner.invoke(args=["users", "create-admin", "root@example.com", "--password",
                        "a long password"])
    result = verify(runner)
    assert result.exit_code == 0, result.output
    with app.app_context():
        total = len(db.session.scalars(select(AuditEntry.id)).all())
    assert total >= 6 and f"holds: {total} entries verified" in result.output


def test_editing_an_entry_and_recomputing_every_plain_hash_is_caught(app, runner) -> None:
    """Whoever controls the database but not AUDIT_KEY rewrites entry 2 and re-hashes the rest
    with SHA-256: the keyed hashes no longer match."""
    ids = write_entries(app)
    edit_and_rehash_with_sha256(app, ids)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"BROKEN at entry #{ids[1]}" in result.output and "edited" in result.output


def test_a_removed_entry_is_caught(app, runner) -> None:
    ids = write_entries(app)
    with app.app_context():
        db.session.execute(delete(AuditEntry).where(AuditEntry.id == ids[2]))
        db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1 and f"entry #{ids[3]}" in result.output


def test_removing_the_newest_entries_is_caught(app, runner) -> None:
    ids = write_entries(app)
    with app.app_context():
        db.session.execute(delete(AuditEntry).where(AuditEntry.id >= ids[3]))
        db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1 and "newest entries are missing" in result.output


def test_changing_who_acted_is_caught(app, runner) -> None:
    ids = write_entries(app, actor="alice@example.com")
    with app.app_context():
        db.session.execute(update(AuditEntry).where(AuditEntry.id == ids[0])
                           .values(actor="bob@example.com"))
        db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1 and f"#{ids[0]}" in result.output and "actor" in result.output


def test_the_dashboard_catches_an_entry_edited_since_its_last_view(app, client, auth) -> None:
    auth.login(admin=True)
    write_entries(app)
    assert "The audit log holds" in client.get("/admin/").text
    ids = write_entries(app, 3)  # new since the dashboard's last check
    with app.app_context():
        db.session.execute(update(AuditEntry).where(AuditEntry.id == ids[1])
                           .values(target="thing:other"))
        db.session.commit()
    page = client.get("/admin/").text
    assert f"The audit log is BROKEN at entry #{ids[1]}" in page
    assert f"The audit log is BROKEN at entry #{ids[1]}" in client.get("/admin/audit").text


def test_the_dashboard_catches_the_newest_entries_removed_since_its_last_view(
    app, client, auth
) -> None:
    auth.login(admin=True)
    ids = write_entries(app)
    assert "The audit log holds" in client.get("/admin/").text
    with app.app_context():
        db.session.execute(delete(AuditEntry).where(AuditEntry.id >= ids[3]))
        db.session.commit()
    assert "newest entries are missing" in client.get("/admin/").text


def test_an_older_entry_rehashed_to_the_end_is_caught_by_the_dashboard_too(
    app, client, auth, runner
) -> None:
    """Re-hashing every entry after an edited one changes the newest entry the dashboard last
    verified: it walks the whole chain again and finds the edit."""
    auth.login(admin=True)
    ids = write_entries(app)
    assert "The audit log holds" in client.get("/admin/").text
    edit_and_rehash_with_sha256(app, ids)
    assert f"BROKEN at entry #{ids[1]}" in verify(runner).output
    assert f"The audit log is BROKEN at entry #{ids[1]}" in client.get("/admin/").text


def test_an_older_entry_edited_is_caught_by_the_full_check_and_shown_after_the_daily_run(
    app, client, auth, runner
) -> None:
    """The dashboard verifies only what is new since it last looked: an older entry edited in
    place is for the full check (`flask audit verify`, the daily job), whose finding the
    dashboard then shows."""
    from website.audit.verify import DAILY, daily_verify
    from website.scheduled import run_if_due

    auth.login(admin=True)
    ids = write_entries(app)
    assert "The audit log holds" in client.get("/admin/").text
    with app.app_context():
        db.session.execute(update(AuditEntry).where(AuditEntry.id == ids[1])
                           .values(target="thing:other"))
        db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1 and f"BROKEN at entry #{ids[1]}" in result.output
    assert "The audit log holds" in client.get("/admin/").text  # not its check: see docs
    with app.app_context():
        counts = run_if_due(DAILY, daily_verify)
    assert counts is not None and counts["holds"] == 0 and counts["broken_at"] == ids[1]
    page = client.get("/admin/").text
    assert f"The audit log is BROKEN at entry #{ids[1]}" in page
    assert "daily full check" in page


def test_the_dashboard_checks_only_the_entries_new_since_its_last_view(
    app, client, auth, monkeypatch
) -> None:
    from website.audit import verify as audit_verify

    auth.login(admin=True)
    write_entries(app, 4)
    client.get("/admin/")
    walked: list[int] = []
    problem = audit_verify._entry_problem

    def counting(entry, expected):
        walked.append(entry.id)
        return problem(entry, expected)

    monkeypatch.setattr(audit_verify, "_entry_problem", counting)
    ids = write_entries(app, 2)
    assert "The audit log holds" in client.get("/admin/").text
    assert walked == ids


def test_an_erasure_pseudonymises_the_actor_and_the_chain_still_holds(app, runner) -> None:
    from website.rights.personal_data import erase_personal_data

    write_entries(app, 3, actor="ada@example.com")
    write_entries(app, 2)
    with app.app_context():
        report = erase_personal_data("ada@example.com")
        db.session.commit()
        assert report.audit_entries == 3
        actors = set(db.session.scalars(select(AuditEntry.actor)))
    assert "ada@example.com" not in actors and any(a.startswith("erased-user:") for a in actors)
    result = verify(runner)
    assert result.exit_code == 0, result.output
    with app.app_context():  # the pseudonym itself cannot be swapped afterwards
        db.session.execute(update(AuditEntry).where(AuditEntry.actor.like("erased-user:%"))
                           .values(actor="erased-user:someoneelse"))
        db.session.commit()
    assert verify(runner).exit_code == 1


def test_the_retention_purge_leaves_a_signed_checkpoint(app, runner) -> None:
    ids = write_entries(app, 6)
    with app.app_context():
        old = utcnow() - timedelta(days=2200)
        # Time passes: the first three entries are now past the six years.
        db.session.execute(update(AuditEntry).where(AuditEntry.id <= ids[2])
                           .values(created_at=old))
        db.session.commit()
    # (Moving created_at breaks those three entries' hashes: they are purged now.)
    result = runner.invoke(args=["retention", "purge"])
    assert result.exit_code == 0, result.output
    with app.app_context():  # the prefix up to entry 3 went; the rest (and the purge's) stay
        kept = list(db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
    assert kept[:3] == ids[3:] and len(kept) == 4
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "checkpoint after entry" in result.output
    with app.app_context():
        db.session.execute(update(AuditCheckpoint).values(last_hash="0" * 64))
        db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1 and "checkpoint" in result.output


def test_production_refuses_to_start_without_an_audit_key(monkeypatch, migrated) -> None:
    """The key must live outside the database: production names the missing variable."""
    import pytest

    from website import create_app
    from website.config import ProductionConfig

    monkeypatch.setenv("SECRET_KEY", "production-test-key")
    monkeypatch.delenv("AUDIT_KEY", raising=False)
    config = ProductionConfig()
    config.SQLALCHEMY_DATABASE_URI = migrated
    with pytest.raises(RuntimeError, match="AUDIT_KEY must be set"):
        create_app(config)


def test_a_development_audit_key_is_generated_into_the_instance_folder(
    monkeypatch, tmp_path, migrated
) -> None:
    from website import create_app
    from website.config import Config

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("AUDIT_KEY", raising=False)
    config = Config()
    config.SQLALCHEMY_DATABASE_URI = migrated
    first = create_app(config).config["AUDIT_KEY"]
    assert (tmp_path / "audit_key").read_text().strip() == first
    assert create_app(config).config["AUDIT_KEY"] == first


def test_the_audit_page_says_whether_the_chain_holds(app, client, auth) -> None:
    auth.login(admin=True)
    write_entries(app, 2)
    assert "The audit log holds" in client.get("/admin/audit").text
