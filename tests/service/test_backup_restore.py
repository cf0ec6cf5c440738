"""`backup FILE` / `restore FILE` as a round trip on the configured database (SQLite by default;
PostgreSQL when CRISIS_TEST_DATABASE_URL is set: run this file with it, the `pg` test below is the marker).

Source data through the services (incident, log with a correction, tasks, site statuses, a report),
backup, restore into an EMPTY database, then: equal row counts, `verify-log` exits 0, the log's
UPDATE/DELETE guard still refuses, new writes get fresh ids. A non-empty target and bad files are refused
with a clear message, non-zero exit and nothing written.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from crisis import backup as bk
from crisis.extensions import db
from tests.conftest import PASSWORD, PG_URL, make_app

LAGESBILD = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def _migrated_app(path: Path) -> Any:
    app = make_app(path)
    with app.app_context():
        res = app.test_cli_runner().invoke(args=["init-db"])
        assert res.exit_code == 0, res.output
    return app


def _fill(app: Any) -> None:
    from crisis.auth import service as auth
    from crisis.incidents import service as incidents
    from crisis.log import service as log
    from crisis.reports import service as reports
    from crisis.sites import status as sites
    from crisis.tasks import service as tasks
    from tests.sitehelpers import feature, load

    with app.app_context():
        staff = auth.create(username="stab", password=PASSWORD, role="staff", display_name="Stina Stab")
        leader = auth.create(username="chef", password=PASSWORD, role="leader", display_name="Carl Chef")
        load(
            feature("vatten-kinna", category="water"),
            feature("el-kinna", category="power"),
            feature("vard-skene", deps=["el-kinna"], category="health"),
        )
        inc = incidents.create(actor=leader, title="Elavbrott i Kinna", kind="elavbrott", level="monitoring")
        for i in range(5):
            log.append(actor=staff, incident_id=inc.id, text=f"Lägesinfo {i}: åäö")
        log.correct(actor=staff, incident_id=inc.id, number=3, text="Rättelse: fel station")
        t1 = tasks.create(actor=staff, incident_id=inc.id, title="Ring Elnätsbolaget")
        tasks.create(actor=staff, incident_id=inc.id, title="Kontrollera reservkraft")
        tasks.update(actor=staff, task_id=t1.id, expected_version=1, status="doing")
        sites.set_status(actor=staff, incident_id=inc.id, site_id="el-kinna", status="down", note="Utlöst")
        sites.set_status(actor=staff, incident_id=inc.id, site_id="vatten-kinna", status="degraded")
        rep = reports.create(actor=leader, incident_id=inc.id)
        # approval needs the public information a CAP message requires
        reports.update(actor=leader, report_id=rep.id, fields={"cap_description": "Strömavbrott i Kinna."})
        reports.approve(actor=leader, report_id=rep.id)
        incidents.create(actor=leader, title="Stormvarning", kind="storm", level="monitoring")
        # a samverkanskonferens with the samlad lägesbild as a file (LargeBinary)
        from crisis.actors import files, samverkan

        conf = samverkan.record(actor=staff, incident_id=inc.id, held_at="2026-11-28T08:00:00+01:00")
        files.attach(actor=staff, conference_id=conf.id, filename="lägesbild-vgr.pdf", data=LAGESBILD)
        db.session.remove()


def _counts(app: Any) -> dict[str, int]:
    with app.app_context():
        with db.engine.connect() as conn:
            return bk.row_counts(conn)


def _dispose(app: Any) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def backup_file(tmp_path: Path) -> Iterator[tuple[Path, dict[str, int]]]:
    source = _migrated_app(tmp_path / "source")
    _fill(source)
    target = tmp_path / "krisrum.backup.gz"
    with source.app_context():
        res = source.test_cli_runner().invoke(args=["backup", str(target)])
        assert res.exit_code == 0, res.output
        assert "Backup written" in res.output
        res = source.test_cli_runner().invoke(args=["backup", str(target)])
        assert res.exit_code == 1 and "exists" in res.output
    counts = _counts(source)
    _dispose(source)
    yield target, counts


def _round_trip(tmp_path: Path, backup_file: tuple[Path, dict[str, int]]) -> None:
    from crisis.log import service as log
    from crisis.log.models import LogEntry

    file, before = backup_file
    assert before["log_entries"] >= 8 and before["reports"] == 1 and before["site_statuses"] == 2
    app = make_app(tmp_path / "restored")  # an empty database (PostgreSQL: schema dropped)
    with app.app_context():
        runner = app.test_cli_runner()
        res = runner.invoke(args=["restore", str(file)])
        assert res.exit_code == 0, res.output
        assert "Every incident's log verifies" in res.output
        res = runner.invoke(args=["verify-log"])
        assert res.exit_code == 0, res.output
        assert "incident 1: OK" in res.output and "incident 2: OK" in res.output

    assert _counts(app) == before

    with app.app_context():
        # The append-only guard is there and active on the restored copy.
        for stmt in (
            sa.update(LogEntry).where(LogEntry.number == 1).values(text="Ändrad"),
            sa.delete(LogEntry).where(LogEntry.number == 1),
        ):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                db.session.execute(stmt)
            db.session.rollback()
        # The samverkan file is restored byte for byte.
        from crisis.actors.models import ConferenceFile

        stored = db.session.scalar(sa.select(ConferenceFile))
        assert stored is not None and stored.data == LAGESBILD and stored.filename == "lägesbild-vgr.pdf"
        # The correction still points at its entry.
        corr = db.session.scalar(sa.select(LogEntry).where(LogEntry.corrects == 3))
        assert corr is not None and corr.text == "Rättelse: fel station"
        # New writes continue the chain with fresh ids (sequences moved past the restored rows).
        from crisis.auth.models import User

        staff = db.session.scalar(sa.select(User).where(User.username == "stab"))
        max_id = db.session.scalar(sa.select(sa.func.max(LogEntry.id)))
        last = db.session.scalar(sa.select(sa.func.max(LogEntry.number)).where(LogEntry.incident_id == 1))
        db.session.rollback()
        entry = log.append(actor=staff, incident_id=1, text="Efter återläsning")
        assert entry.id == max_id + 1 and entry.number == last + 1
        assert log.verify_chain(incident_id=1) is None

        # A second restore into the now non-empty database is refused, and changes nothing.
        counts = _counts(app)
        res = app.test_cli_runner().invoke(args=["restore", str(file)])
        assert res.exit_code == 1
        assert "not empty" in res.output and "log_entries" in res.output
        assert _counts(app) == counts
    _dispose(app)


def test_backup_restore_round_trip(tmp_path: Path, backup_file: tuple[Path, dict[str, int]]) -> None:
    _round_trip(tmp_path, backup_file)


@pytest.mark.pg
def test_backup_restore_round_trip_postgresql(tmp_path: Path, backup_file: tuple[Path, dict[str, int]]) -> None:
    assert PG_URL
    _round_trip(tmp_path, backup_file)


def _refused(tmp_path: Path, file: Path, message: str) -> None:
    app = make_app(tmp_path / "target")
    with app.app_context():
        res = app.test_cli_runner().invoke(args=["restore", str(file)])
        assert res.exit_code == 1, res.output
        assert message in res.output, res.output
        with db.engine.connect() as conn:
            tables = sa.inspect(conn).get_table_names()
            # Nothing written: not even the schema (the file is checked before the database is touched).
            assert "log_entries" not in tables
    _dispose(app)


def test_restore_refuses_bad_files(tmp_path: Path, backup_file: tuple[Path, dict[str, int]]) -> None:
    file, _ = backup_file
    garbage = tmp_path / "garbage.gz"
    garbage.write_bytes(b"not a backup at all")
    _refused(tmp_path, garbage, "not a readable Krisrum backup")

    cut = tmp_path / "cut.gz"
    cut.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
    _refused(tmp_path, cut, "not a readable Krisrum backup")

    lines = gzip.decompress(file.read_bytes()).split(b"\n")
    i = next(n for n, line in enumerate(lines) if "Lägesinfo 2".encode() in line)
    lines[i] = lines[i].replace("Lägesinfo 2".encode(), "Lägesinfo X".encode())
    tampered = tmp_path / "tampered.gz"
    tampered.write_bytes(gzip.compress(b"\n".join(lines)))
    _refused(tmp_path, tampered, "checksum mismatch")

    no_end = tmp_path / "no-end.gz"
    no_end.write_bytes(gzip.compress(b"\n".join(lines[:-2]) + b"\n"))
    _refused(tmp_path, no_end, "incomplete")

    other = tmp_path / "other.gz"
    other.write_bytes(gzip.compress(b'{"hello": "world"}\n'))
    _refused(tmp_path, other, "not a Krisrum backup")

    _refused(tmp_path, tmp_path / "missing.gz", "no file")


def test_backup_refuses_a_database_without_the_current_schema(tmp_path: Path) -> None:
    app = make_app(tmp_path / "old")
    with app.app_context():
        res = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "none.gz")])
        assert res.exit_code == 1 and "no schema" in res.output
        assert app.test_cli_runner().invoke(args=["db", "upgrade", "83c146a793af"]).exit_code == 0
        res = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "old.gz")])
        assert res.exit_code == 1 and "run `flask --app wsgi init-db` first" in res.output, res.output
        db.session.remove()
    _dispose(app)
    assert not list(tmp_path.glob("*.gz")) and not list(tmp_path.glob(".*partial*"))


def test_restore_fails_whole_when_a_row_is_bad(tmp_path: Path, backup_file: tuple[Path, dict[str, int]]) -> None:
    """A file that passes the checksum but holds a row the database rejects restores nothing at all."""
    import hashlib
    import json

    file, _ = backup_file
    lines = [ln for ln in gzip.decompress(file.read_bytes()).split(b"\n") if ln]
    table = None
    for n, raw in enumerate(lines[:-1]):
        obj = json.loads(raw)
        if isinstance(obj, dict) and "table" in obj:
            table = obj["table"]
            cols = obj["columns"]
        elif table == "log_entries":
            row = obj
            row[cols.index("incident_id")] = 999  # no such incident: a foreign key violation
            lines[n] = json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode()
            break
    end = json.loads(lines[-1])
    end["sha256"] = hashlib.sha256(b"".join(ln + b"\n" for ln in lines[:-1])).hexdigest()
    lines[-1] = json.dumps(end).encode()
    bad = tmp_path / "bad-row.gz"
    bad.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))

    app = make_app(tmp_path / "target")
    with app.app_context():
        res = app.test_cli_runner().invoke(args=["restore", str(bad)])
        assert res.exit_code != 0
        db.session.remove()
    counts = _counts(app)
    assert counts and not any(counts.values()), counts  # the schema, but not one row
    _dispose(app)


def test_backup_is_one_point_in_time_while_writers_run(tmp_path: Path) -> None:
    """Entries written during the backup are either wholly in it or not at all: the restored
    incident's counter matches its entries and the chain verifies."""
    from crisis.auth import service as auth
    from crisis.incidents import service as incidents
    from crisis.log import service as log

    source = _migrated_app(tmp_path / "source")
    with source.app_context():
        staff = auth.create(username="stab", password=PASSWORD, role="leader")
        inc = incidents.create(actor=staff, title="Skrivtest", kind="annat", level="monitoring")
        inc_id, staff_id = inc.id, staff.id
        db.session.remove()
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        from crisis.auth.models import User

        with source.app_context():
            user = db.session.get(User, staff_id)
            while not stop.is_set():
                written.append(log.append(actor=user, incident_id=inc_id, text="Skriver medan backup körs").number)
            db.session.remove()

    th = threading.Thread(target=writer)
    th.start()
    try:
        while len(written) < 20:
            stop.wait(0.05)
        file = tmp_path / "live.gz"
        with source.app_context():
            res = source.test_cli_runner().invoke(args=["backup", str(file)])
            assert res.exit_code == 0, res.output
        n_at_backup = len(written)
    finally:
        stop.set()
        th.join()
    _dispose(source)
    assert len(written) > 20, "the writer kept running during the backup"

    info = bk.check(file)
    assert 20 <= info.counts["log_entries"] <= len(written) + 2
    target = make_app(tmp_path / "restored")
    with target.app_context():
        res = target.test_cli_runner().invoke(args=["restore", str(file)])
        assert res.exit_code == 0, res.output
        res = target.test_cli_runner().invoke(args=["verify-log"])
        assert res.exit_code == 0, res.output
        db.session.remove()
    _dispose(target)
    assert n_at_backup >= 20
