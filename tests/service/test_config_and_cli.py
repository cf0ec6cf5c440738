"""Configuration rules and the command line."""

from __future__ import annotations

import pytest

from crisis.config import EXAMPLE_SECRET_KEY, ConfigError, load_config


def test_refuses_the_example_secret_key_outside_demo(monkeypatch):
    monkeypatch.setenv("CRISIS_SECRET_KEY", EXAMPLE_SECRET_KEY)
    for flag in ("CRISIS_DEMO", "CRISIS_DEBUG", "CRISIS_TESTING"):
        monkeypatch.setenv(flag, "off")
    with pytest.raises(ConfigError, match="example key"):
        load_config()
    monkeypatch.setenv("CRISIS_DEMO", "on")
    assert load_config()["SECRET_KEY"] == EXAMPLE_SECRET_KEY


def test_missing_secret_and_bad_values(monkeypatch):
    for flag in ("CRISIS_DEMO", "CRISIS_DEBUG", "CRISIS_TESTING"):
        monkeypatch.setenv(flag, "off")
    monkeypatch.setenv("CRISIS_SECRET_KEY", "")
    with pytest.raises(ConfigError, match="not set"):
        load_config()
    monkeypatch.setenv("CRISIS_SECRET_KEY", "a-long-enough-secret-key")
    monkeypatch.setenv("CRISIS_SCHEDULER", "maybe")
    with pytest.raises(ConfigError, match="CRISIS_SCHEDULER"):
        load_config()
    monkeypatch.setenv("CRISIS_SCHEDULER", "off")
    monkeypatch.setenv("CRISIS_ASSETS", "internet")
    with pytest.raises(ConfigError, match="CRISIS_ASSETS"):
        load_config()
    monkeypatch.setenv("CRISIS_ASSETS", "cdn")
    monkeypatch.setenv("CRISIS_PORT", "99999")
    with pytest.raises(ConfigError, match="CRISIS_PORT"):
        load_config()


def test_public_url_is_an_http_address(monkeypatch):
    monkeypatch.setenv("CRISIS_SECRET_KEY", "a-long-enough-secret-key")
    monkeypatch.setenv("CRISIS_PUBLIC_URL", "https://krisrum.mark.se/")
    assert load_config()["CRISIS_PUBLIC_URL"] == "https://krisrum.mark.se"
    for bad in ("ftp://krisrum.mark.se", "krisrum.mark.se", "https://krisrum.mark.se/?x=1", "https:///path"):
        monkeypatch.setenv("CRISIS_PUBLIC_URL", bad)
        with pytest.raises(ConfigError, match="CRISIS_PUBLIC_URL"):
            load_config()
    monkeypatch.setenv("CRISIS_PUBLIC_URL", "")
    assert load_config()["CRISIS_PUBLIC_URL"] == ""


def test_create_user_and_verify_log_cli(app, users, incident):
    from crisis.log import service as log

    runner = app.test_cli_runner()
    res = runner.invoke(args=["create-user", "anna", "--role", "staff", "--password", "long-enough-pw"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(args=["create-user", "bad", "--role", "king", "--password", "long-enough-pw"])
    assert res.exit_code == 1 and "Okänd roll" in res.output
    log.append(actor=users["staff"], incident_id=incident.id, text="Post")
    res = runner.invoke(args=["verify-log"])
    assert res.exit_code == 0 and "OK" in res.output
    res = runner.invoke(args=["verify-log", "--incident", "999"])
    assert res.exit_code == 2


def test_verify_log_cli_fails_on_tampering(app, users, incident):
    import sqlalchemy as sa

    from crisis.extensions import db
    from crisis.log import service as log
    from crisis.log.models import LogEntry
    from tests.service.test_log_service import _drop_guard

    log.append(actor=users["staff"], incident_id=incident.id, text="Original")
    _drop_guard()
    db.session.execute(sa.update(LogEntry).where(LogEntry.number == 2).values(author="Någon annan"))
    db.session.commit()
    res = app.test_cli_runner().invoke(args=["verify-log", "--incident", str(incident.id)])
    assert res.exit_code == 1 and "TAMPERED at entry 2" in res.output


def test_migrations_match_the_models(tmp_path):
    """`init-db` builds the schema from the migrations; it must equal the models' schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from crisis.extensions import db
    from tests.conftest import make_app

    app = make_app(tmp_path / "mig")
    with app.app_context():
        res = app.test_cli_runner().invoke(args=["init-db"])
        assert res.exit_code == 0, res.output
        with db.engine.connect() as conn:
            # The search index's database-specific parts are made by raw SQL in its migration, not by
            # models: SQLite's FTS5 table (and its shadow tables), PostgreSQL's tsvector column and index.
            def by_models(_obj: object, name: str | None, kind: str, _reflected: bool, _other: object) -> bool:
                name = name or ""
                return not (
                    (kind == "table" and name.startswith("search_fts"))
                    or (kind == "column" and name == "tsv")
                    or (kind == "index" and name == "ix_search_docs_tsv")
                )

            opts = {"compare_type": False, "include_object": by_models}
            diff = compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata)
        assert diff == [], diff
        triggers = (
            db.session.execute(
                db.text(
                    "select name from sqlite_master where type='trigger'"
                    if db.engine.dialect.name == "sqlite"
                    else "select tgname from pg_trigger where not tgisinternal"
                )
            )
            .scalars()
            .all()
        )
        assert any("log_entries" in t for t in triggers)
        db.session.remove()
