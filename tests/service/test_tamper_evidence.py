"""Tamper evidence that holds against the database's owner (issue 14, security review F9/F10).

Each test named `test_attack_*` is one tamper attack; every one must be detected.
The attacker can write the database (drops the triggers, recomputes hashes,
edits rows) but does not have the signing key, which lives outside the database.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from crisis.archive import manifest
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import checkpoints, hashing, signing
from crisis.log import service as log
from crisis.log.models import LogCheckpoint, LogEntry
from tests.conftest import make_app


@pytest.fixture
def app(tmp_path: Path) -> Any:
    """The standard app, with a signing key outside the database (beside it, in tmp_path)."""
    key_file = tmp_path / "keys" / "signing-key.pem"
    key_file.parent.mkdir()
    signing.generate_key_file(key_file)
    app = make_app(tmp_path / "app", CRISIS_SIGNING_KEY_FILE=str(key_file))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def _entries(incident, users, n=5):
    for i in range(n):
        log.append(actor=users["staff"], incident_id=incident.id, text=f"Post {i}")


def _checkpoint(incident_id: int, source: str = "periodic") -> dict[str, Any]:
    from crisis.db import write_transaction
    from crisis.events import service as events

    with write_transaction(db.session):
        inc = events.lock_incident(incident_id=incident_id, allow_closed=True)
        signed = checkpoints.write_locked(incident=inc, source=source)
    assert signed is not None
    return signed


def _drop_all_guards() -> None:
    """What the database's owner can do: remove every trigger on the log and its checkpoints."""
    if db.engine.dialect.name == "sqlite":
        for t in (
            "log_entries_no_update",
            "log_entries_no_delete",
            "log_entries_no_replace",
            "log_checkpoints_no_update",
            "log_checkpoints_no_delete",
        ):
            db.session.execute(sa.text(f"DROP TRIGGER IF EXISTS {t}"))
    else:
        db.session.execute(sa.text("DROP TRIGGER IF EXISTS log_entries_no_change ON log_entries"))
        db.session.execute(sa.text("DROP TRIGGER IF EXISTS log_checkpoints_no_change ON log_checkpoints"))
    db.session.commit()


def _recompute_from(incident_id: int, number: int, **changes: Any) -> None:
    """Change entry `number` and recompute every hash after it, and the incident's head: a consistent chain."""
    _drop_all_guards()
    db.session.execute(
        sa.update(LogEntry).where(LogEntry.incident_id == incident_id, LogEntry.number == number).values(**changes)
    )
    db.session.commit()
    db.session.expire_all()
    rows = list(
        db.session.scalars(sa.select(LogEntry).where(LogEntry.incident_id == incident_id).order_by(LogEntry.number))
    )
    prev = hashing.GENESIS
    for e in rows:
        fields = {f: getattr(e, f) for f in hashing.ALL_HASHED_FIELDS}
        new = hashing.entry_hash(prev, fields)
        db.session.execute(sa.update(LogEntry).where(LogEntry.id == e.id).values(prev_hash=prev, hash=new))
        prev = new
    db.session.execute(sa.update(Incident).where(Incident.id == incident_id).values(last_log_hash=prev))
    db.session.commit()
    db.session.expire_all()


def _verify(app, *args: str):
    return app.test_cli_runner().invoke(args=["verify-log", *args])


# ---- the log ---------------------------------------------------------------------------------


def test_an_intact_log_verifies_against_its_checkpoints(app, incident, users):
    _entries(incident, users)
    _checkpoint(incident.id)
    log.append(actor=users["staff"], incident_id=incident.id, text="Efter kontrollpunkten")
    res = _verify(app, "--incident", str(incident.id))
    assert res.exit_code == 0, res.output
    assert "1 signed checkpoints" in res.output
    assert "are after the last checkpoint (not yet protected)" in res.output


def test_attack_recomputed_chain_is_caught_at_the_checkpoint(app, incident, users):
    _entries(incident, users)
    _checkpoint(incident.id)
    _recompute_from(incident.id, 3, text="Omskriven i efterhand")
    assert log.verify_chain(incident_id=incident.id) is None  # the chain alone is fooled
    res = _verify(app, "--incident", str(incident.id))
    assert res.exit_code == 1
    assert f"incident {incident.id}: TAMPERED at entry 6" in res.output
    assert "the chain was rewritten" in res.output


def test_attack_cut_tail_is_caught_as_a_shortened_chain(app, incident, users):
    _entries(incident, users)
    _checkpoint(incident.id)
    n = db.session.get(Incident, incident.id).last_log_number
    _drop_all_guards()
    db.session.execute(sa.delete(LogEntry).where(LogEntry.incident_id == incident.id, LogEntry.number > n - 2))
    head = db.session.scalar(
        sa.select(LogEntry.hash).where(LogEntry.incident_id == incident.id, LogEntry.number == n - 2)
    )
    db.session.execute(
        sa.update(Incident).where(Incident.id == incident.id).values(last_log_number=n - 2, last_log_hash=head)
    )
    db.session.commit()
    assert log.verify_chain(incident_id=incident.id) is None
    res = _verify(app)
    assert res.exit_code == 1
    assert f"incident {incident.id}: TAMPERED at entry {n}" in res.output
    assert f"the log ends at entry {n - 2}" in res.output and "shortened chain" in res.output


def test_attack_forged_checkpoint_row_is_caught(app, incident, users):
    """Rewrite, then 'fix' the checkpoint row's hash to the new one: the signature no longer matches."""
    _entries(incident, users)
    cp = _checkpoint(incident.id)
    _recompute_from(incident.id, 2, counterpart="Någon annan")
    new_head = db.session.get(Incident, incident.id).last_log_hash
    # the file copy is removed too: only the forged row remains
    checkpoints.checkpoint_file().unlink()
    db.session.execute(sa.update(LogCheckpoint).values(hash=new_head))
    db.session.commit()
    res = _verify(app, "--incident", str(incident.id))
    assert res.exit_code == 1
    assert f"TAMPERED at entry {cp['number']}" in res.output and "no valid signature" in res.output


def test_attack_wrong_key_checkpoints_are_refused(app, incident, users, tmp_path):
    """Rewrite, delete every checkpoint, sign new ones with the attacker's own key."""
    _entries(incident, users)
    _checkpoint(incident.id)
    _recompute_from(incident.id, 4, text="Annat")
    checkpoints.checkpoint_file().unlink()
    db.session.execute(sa.delete(LogCheckpoint))
    own = signing.generate_key_file(tmp_path / "attacker.pem")
    inc = db.session.get(Incident, incident.id)
    forged = signing.sign_head(
        own, incident=inc.id, number=inc.last_log_number, hash=inc.last_log_hash, at="2026-11-27T10:00:00+00:00"
    )
    db.session.execute(
        LogCheckpoint.__table__.insert(),
        {
            "incident_id": inc.id,
            "number": forged["number"],
            "hash": forged["hash"],
            "signed_at": forged["at"],
            "source": "periodic",
            "key_fingerprint": forged["key"],
            "signature": forged["signature"],
        },
    )
    db.session.commit()
    res = _verify(app, "--incident", str(incident.id))
    assert res.exit_code == 1 and "no valid signature by the configured key" in res.output
    # and verifying with the published public key (not the private one) says the same
    pub = tmp_path / "public.pem"
    pub.write_bytes(signing.public_pem(checkpoints.public_key()))
    res = _verify(app, "--incident", str(incident.id), "--public-key", str(pub))
    assert res.exit_code == 1 and "no valid signature" in res.output


def test_attack_swapped_checkpoint_from_another_incident_is_refused(app, incident, users):
    from crisis.incidents import service as incidents

    other = incidents.create(actor=users["duty_officer"], title="Vattenläcka", kind="ovrigt", level="monitoring")
    _entries(incident, users, 2)
    _entries(other, users, 2)
    cp = _checkpoint(other.id)
    # a valid checkpoint of the other incident, moved to this one
    _drop_all_guards()
    db.session.execute(sa.update(LogCheckpoint).values(incident_id=incident.id))
    db.session.commit()
    checkpoints.checkpoint_file().unlink()
    res = _verify(app, "--incident", str(incident.id))
    assert res.exit_code == 1 and f"TAMPERED at entry {cp['number']}" in res.output
    assert "no valid signature" in res.output


def test_attack_deleted_checkpoint_rows_still_caught_from_the_file(app, incident, users):
    _entries(incident, users)
    _checkpoint(incident.id)
    assert checkpoints.checkpoint_file().read_text().count("\n") == 1
    _recompute_from(incident.id, 2, text="Omskriven")
    db.session.execute(sa.delete(LogCheckpoint))
    db.session.commit()
    res = _verify(app, "--incident", str(incident.id))
    assert res.exit_code == 1 and "the chain was rewritten" in res.output


def test_attack_insert_or_replace_is_refused_on_sqlite(app, incident, users):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's")
    _entries(incident, users, 2)
    with db.engine.connect() as conn:
        row = dict(conn.execute(sa.select(LogEntry.__table__).where(LogEntry.number == 2)).mappings().one())
        original = row["text"]
        row["text"] = "Ersatt"
        cols = ", ".join(row)
        marks = ", ".join(f":{c}" for c in row)
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            conn.execute(sa.text(f"INSERT OR REPLACE INTO log_entries ({cols}) VALUES ({marks})"), row)
        conn.rollback()
        # the same on the unique (incident_id, number) with a fresh id
        row["id"] = 10_000
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            conn.execute(sa.text(f"INSERT OR REPLACE INTO log_entries ({cols}) VALUES ({marks})"), row)
        conn.rollback()
    assert db.session.scalar(sa.select(LogEntry.text).where(LogEntry.number == 2)) == original
    assert _verify(app).exit_code == 0


@pytest.mark.pg
def test_attack_on_conflict_do_update_is_refused_on_postgresql(app, incident, users):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL")
    _entries(incident, users, 2)
    with db.engine.connect() as conn:
        row = dict(conn.execute(sa.select(LogEntry.__table__).where(LogEntry.number == 2)).mappings().one())
        original = row["text"]
        cols = ", ".join(row)
        marks = ", ".join(f":{c}" for c in row)
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            conn.execute(
                sa.text(
                    f"INSERT INTO log_entries ({cols}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET text = 'Ersatt'"
                ),
                row,
            )
        conn.rollback()
    assert db.session.scalar(sa.select(LogEntry.text).where(LogEntry.number == 2)) == original


def test_without_a_key_verify_log_says_the_tail_is_not_protected(tmp_path, users_free_app):
    app, incident_id = users_free_app
    res = app.test_cli_runner().invoke(args=["verify-log"])
    assert res.exit_code == 0
    assert "no checkpoints, tail not protected" in res.output


@pytest.fixture
def users_free_app(tmp_path):
    from crisis.auth import service as auth
    from crisis.incidents import service as incidents

    app = make_app(tmp_path / "nokey")
    with app.app_context():
        db.create_all()
        u = auth.create(username="tib", password="long-enough-pw", role="duty_officer", display_name="TiB")
        inc = incidents.create(actor=u, title="Storm", kind="storm", level="monitoring")
        assert checkpoints.periodic() == 0 and db.session.scalar(sa.select(sa.func.count(LogCheckpoint.id))) == 0
        yield app, inc.id
        db.session.remove()
        db.engine.dispose()


# ---- where checkpoints are written -----------------------------------------------------------------


def test_periodic_job_signs_active_incidents_with_new_entries_only(app, incident, users):
    _entries(incident, users, 2)
    assert checkpoints.periodic() == 1
    assert checkpoints.periodic() == 0  # nothing new
    log.append(actor=users["staff"], incident_id=incident.id, text="Ny")
    assert checkpoints.periodic() == 1
    rows = list(db.session.scalars(sa.select(LogCheckpoint).order_by(LogCheckpoint.id)))
    assert [r.number for r in rows] == [3, 4] and {r.source for r in rows} == {"periodic"}
    pub = checkpoints.public_key()
    assert all(signing.signature_valid(pub, r.signed()) for r in rows)
    assert rows[0].key_fingerprint == signing.fingerprint(pub)
    lines = [json.loads(x) for x in checkpoints.checkpoint_file().read_text().splitlines()]
    assert [x["number"] for x in lines] == [3, 4]


def test_closing_an_incident_signs_its_final_head(app, incident, users):
    from crisis.incidents import service as incidents

    _entries(incident, users, 2)
    incidents.update(
        actor=users["leader"],
        incident_id=incident.id,
        status="closed",
        decided_by="Krisledningsnämnden",
        mandate="Reglemente 4 §",
        reason="Klart",
    )
    inc = db.session.get(Incident, incident.id)
    cp = db.session.scalars(sa.select(LogCheckpoint).where(LogCheckpoint.source == "close")).one()
    assert cp.number == inc.last_log_number and cp.hash == inc.last_log_hash
    assert checkpoints.periodic() == 0  # closed: no periodic checkpoints


def test_approved_report_carries_the_signed_head_and_catches_a_rewrite(app, incident, users, login):
    staff, leader = login("staff"), login("leader")
    _entries(incident, users, 2)
    draft = staff.post(f"/api/v1/incidents/{incident.id}/reports", json={}).get_json()
    resp = staff.patch(
        f"/api/v1/reports/{draft['id']}",
        json={"nasta_rapport": "2026-11-24T18:00:00+01:00", "cap_description": "Strömavbrott.", "version": 1},
    )
    assert resp.status_code == 200, resp.get_json()
    resp = leader.post(f"/api/v1/reports/{draft['id']}/approve", json={"version": 2})
    assert resp.status_code == 200, resp.get_json()
    report = resp.get_json()
    inc = db.session.get(Incident, incident.id)
    snap = report["snapshot"]["checkpoint"]
    assert snap["number"] == inc.last_log_number and snap["hash"] == inc.last_log_hash
    assert signing.signature_valid(checkpoints.public_key(), snap)
    # the approval entry itself is covered
    assert "fastställd" in db.session.scalar(
        sa.select(LogEntry.text).where(LogEntry.incident_id == incident.id, LogEntry.number == snap["number"])
    )
    # The attacker rewrites, deletes the checkpoint rows and the file: the frozen report still holds the head.
    _recompute_from(incident.id, 1, text="Annan början")
    db.session.execute(sa.delete(LogCheckpoint))
    db.session.commit()
    checkpoints.checkpoint_file().unlink()
    res = _verify(app, "--incident", str(incident.id))
    assert res.exit_code == 1 and "the chain was rewritten" in res.output


# ---- the archive -----------------------------------------------------------------------------------


def _archive(login, incident, users, tmp_path) -> Path:
    _entries(incident, users, 3)
    log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Skyddad",
        classification="confidential",
        osl_ground="OSL 21 kap. 3 §",
    )
    resp = login("leader").get(f"/api/v1/incidents/{incident.id}/archive")
    assert resp.status_code == 200
    path = tmp_path / "arkiv.zip"
    path.write_bytes(resp.data)
    return path


def _files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _write(path: Path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for n, d in files.items():
            zf.writestr(n, d)


def _edit_with_recomputed_manifest(files: dict[str, bytes], name: str, data: bytes) -> dict[str, bytes]:
    """The attacker edits a file and updates its manifest entry and SHA256SUMS, but cannot re-sign."""
    files = dict(files, **{name: data})
    man = json.loads(files["manifest.json"])
    man["files"][name] = {"sha256": manifest.sha256(data), "size": len(data)}
    files["manifest.json"] = manifest.dumps(man)
    files["SHA256SUMS"] = manifest.sums_from_digests({n: manifest.sha256(d) for n, d in files.items()})
    return files


def test_archive_is_signed_with_sums_readme_and_checkpoint(app, login, incident, users, tmp_path):
    import hashlib

    path = _archive(login, incident, users, tmp_path)
    files = _files(path)
    assert {"manifest.sig", "public-key.pem", "SHA256SUMS", "README.txt"} <= set(files)
    man = json.loads(files["manifest.json"])
    assert "README.txt" in man["files"]
    cp = man["log"]["checkpoint"]
    assert cp["number"] == man["log"]["entries"] and cp["hash"] == man["log"]["chain_head"]
    pub = signing.load_public_key_bytes(files["public-key.pem"])
    assert signing.bytes_valid(pub, files["manifest.json"], files["manifest.sig"])
    # SHA256SUMS as `sha256sum -c` reads it: every file but itself
    for line in files["SHA256SUMS"].decode().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256(files[name]).hexdigest() == digest
    assert len(files["SHA256SUMS"].decode().splitlines()) == len(files) - 1
    readme = files["README.txt"].decode()
    assert "sha256sum -c SHA256SUMS" in readme and "openssl pkeyutl -verify" in readme
    assert signing.fingerprint(pub) in readme
    res = app.test_cli_runner().invoke(args=["verify-archive", str(path)])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("name", ["tasks.json", "log.csv"])
def test_attack_edited_archive_file_with_updated_manifest_fails_the_signature(
    app, login, incident, users, tmp_path, name
):
    path = _archive(login, incident, users, tmp_path)
    files = _files(path)
    assert manifest.verify_package(files)[0] is None
    edited = files[name].replace(b"Post 1", b"Post X") if name == "log.csv" else b"[]\n"
    assert edited != files[name]
    files = _edit_with_recomputed_manifest(files, name, edited)
    assert manifest.verify_package(files)[0] is None and manifest.verify_sums(files) is None  # fooled before F10
    _write(path, files)
    res = app.test_cli_runner().invoke(args=["verify-archive", str(path)])
    assert res.exit_code == 1
    assert "manifest.json: the signature does not verify" in res.output


def test_attack_archive_resigned_with_own_key_fails_against_the_published_key(app, login, incident, users, tmp_path):
    path = _archive(login, incident, users, tmp_path)
    files = _edit_with_recomputed_manifest(_files(path), "tasks.json", b"[]\n")
    own = signing.generate_key_file(tmp_path / "attacker.pem")
    files["manifest.sig"] = signing.sign_bytes(own, files["manifest.json"])
    files["public-key.pem"] = signing.public_pem(own.public_key())
    files["SHA256SUMS"] = manifest.sums_from_digests({n: manifest.sha256(d) for n, d in files.items()})
    _write(path, files)
    published = tmp_path / "published.pem"
    published.write_bytes(signing.public_pem(checkpoints.public_key()))
    res = app.test_cli_runner().invoke(args=["verify-archive", str(path), "--public-key", str(published)])
    assert res.exit_code == 1 and "the signature does not verify" in res.output


def test_attack_archive_signature_removed_is_refused(app, login, incident, users, tmp_path):
    path = _archive(login, incident, users, tmp_path)
    files = _edit_with_recomputed_manifest(_files(path), "tasks.json", b"[]\n")
    del files["manifest.sig"]
    files["SHA256SUMS"] = manifest.sums_from_digests({n: manifest.sha256(d) for n, d in files.items()})
    _write(path, files)
    res = app.test_cli_runner().invoke(args=["verify-archive", str(path)])
    assert res.exit_code == 1 and "not signed" in res.output


def test_attack_file_edited_without_touching_the_manifest_fails_sha256sums_and_manifest(
    app, login, incident, users, tmp_path
):
    path = _archive(login, incident, users, tmp_path)
    files = _files(path)
    files["staffing.json"] = b"{}"
    _write(path, files)
    res = app.test_cli_runner().invoke(args=["verify-archive", str(path)])
    assert res.exit_code == 1 and "staffing.json: hash mismatch" in res.output
    assert manifest.verify_sums(files) is not None


def test_migrated_sqlite_database_refuses_insert_or_replace(tmp_path):
    app = make_app(tmp_path / "mig")
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("INSERT OR REPLACE is SQLite's")
        res = app.test_cli_runner().invoke(args=["init-db"])
        assert res.exit_code == 0, res.output
        names = db.session.scalars(sa.text("select name from sqlite_master where type='trigger'")).all()
        assert {"log_entries_no_replace", "log_checkpoints_no_update", "log_checkpoints_no_delete"} <= set(names)
        db.session.remove()
        db.engine.dispose()


def test_demo_env_file_gets_a_signing_key_beside_it(tmp_path):
    from crisis.server import ensure_env_file

    env = tmp_path / ".env"
    ensure_env_file(env)
    text = env.read_text()
    key_file = tmp_path / "signing-key.pem"
    assert f"CRISIS_SIGNING_KEY_FILE={key_file}" in text and "CRISIS_SECRET_KEY=" in text
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    signing.load_private_key(key_file)
    ensure_env_file(env)  # second start: nothing new
    assert env.read_text() == text
    # an existing .env from before signing keys: the key line is added, the secret kept
    old = tmp_path / "old" / ".env"
    old.parent.mkdir()
    old.write_text("CRISIS_SECRET_KEY=abc")
    ensure_env_file(old)
    assert old.read_text().startswith("CRISIS_SECRET_KEY=abc\nCRISIS_SIGNING_KEY_FILE=")


def test_archive_verifies_with_standard_tools(app, login, incident, users, tmp_path):
    """README.txt's commands, run: sha256sum -c and openssl's Ed25519 check, without Krisrum."""
    import shutil
    import subprocess

    if not (shutil.which("sha256sum") and shutil.which("openssl")):
        pytest.skip("needs sha256sum and openssl")
    path = _archive(login, incident, users, tmp_path)
    out = tmp_path / "unpacked"
    with zipfile.ZipFile(path) as zf:
        zf.extractall(out)
    assert subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=out).returncode == 0
    verify = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "public-key.pem", "-rawin"]
    verify += ["-in", "manifest.json", "-sigfile", "manifest.sig"]
    assert subprocess.run(verify, cwd=out, capture_output=True).returncode == 0
    (out / "tasks.json").write_bytes(b"[]\n")
    assert subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=out, capture_output=True).returncode != 0
    man = json.loads((out / "manifest.json").read_bytes())
    man["exported_by"] = "Någon annan"
    (out / "manifest.json").write_bytes(manifest.dumps(man))
    assert subprocess.run(verify, cwd=out, capture_output=True).returncode != 0


def test_scheduler_start_schedules_the_periodic_checkpoint_and_catches_up(app, incident, users):
    from crisis.log import jobs
    from crisis.scheduler import runner

    _entries(incident, users, 1)
    jobs.recover()
    assert jobs.JOB_ID in runner.job_ids()
    assert db.session.scalar(sa.select(sa.func.count(LogCheckpoint.id))) == 1
    jobs.recover()  # idempotent: replaced, nothing new to sign
    assert runner.job_ids().count(jobs.JOB_ID) == 1
    assert db.session.scalar(sa.select(sa.func.count(LogCheckpoint.id))) == 1


def test_attack_everything_in_the_host_wiped_but_an_archive_handed_out_catches_it(
    app, login, incident, users, tmp_path
):
    """Rewrite, delete every checkpoint row and the file (no reports): the archive handed to the
    länsstyrelse earlier still holds the signed head."""
    path = _archive(login, incident, users, tmp_path)
    _recompute_from(incident.id, 2, text="Omskriven")
    db.session.execute(sa.delete(LogCheckpoint))
    db.session.commit()
    cp_file = checkpoints.checkpoint_file()
    if cp_file.exists():
        cp_file.unlink()
    res = _verify(app, "--incident", str(incident.id))
    assert res.exit_code == 0 and "no checkpoints, tail not protected" in res.output  # alone: not detectable
    res = _verify(app, "--incident", str(incident.id), "--archive", str(path))
    assert res.exit_code == 1 and "the chain was rewritten" in res.output
    assert f"incident {incident.id}: TAMPERED at entry" in res.output


def test_an_unreadable_signing_key_stops_the_start_naming_it(tmp_path):
    from crisis.config import ConfigError

    bad = tmp_path / "not-a-key.pem"
    bad.write_text("-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----\n")
    with pytest.raises(ConfigError, match="CRISIS_SIGNING_KEY_FILE: .*not-a-key.pem"):
        make_app(tmp_path / "app", CRISIS_SIGNING_KEY_FILE=str(bad))


def test_close_checkpoint_covers_the_entries_of_the_close_hooks(app, users, tmp_path):
    """Closing an incident with recurring reminders: the playbooks' hook writes an entry; the signed head includes it."""
    from crisis.playbooks import activation, registry
    from tests.service.test_playbook_reminders import PLAYBOOK, _close

    directory = tmp_path / "playbooks"
    directory.mkdir()
    (directory / "testlarm.yaml").write_text(PLAYBOOK, encoding="utf-8")
    app.config["CRISIS_PLAYBOOK_DIR"] = str(directory)
    assert registry.reload(app).all_errors == []
    inc = activation.activate(actor=users["duty_officer"], playbook_key="testlarm", title="Test", context="")
    _close(users, inc.id)
    last = db.session.scalars(
        sa.select(LogEntry).where(LogEntry.incident_id == inc.id).order_by(LogEntry.number.desc()).limit(1)
    ).one()
    assert last.text.startswith("Återkommande påminnelser stoppade")
    cp = db.session.scalars(sa.select(LogCheckpoint).where(LogCheckpoint.source == "close")).one()
    assert (cp.number, cp.hash) == (last.number, last.hash)


def test_after_a_key_rotation_both_public_keys_are_given(app, incident, users, tmp_path):
    """Checkpoints by the old key stay valid when its public key is passed too; only the old one is not enough."""
    _entries(incident, users, 2)
    _checkpoint(incident.id)  # by the current (old) key
    old_pub = tmp_path / "old.pem"
    old_pub.write_bytes(signing.public_pem(checkpoints.public_key()))
    new_key_file = tmp_path / "new-key.pem"
    signing.generate_key_file(new_key_file)
    app.config["CRISIS_SIGNING_KEY_FILE"] = str(new_key_file)  # rotated
    log.append(actor=users["staff"], incident_id=incident.id, text="Efter bytet")
    _checkpoint(incident.id)  # by the new key
    res = _verify(app, "--incident", str(incident.id))
    assert res.exit_code == 1 and "no valid signature" in res.output  # the old checkpoint, new key only
    new_pub = tmp_path / "new.pem"
    new_pub.write_bytes(signing.public_pem(checkpoints.public_key()))
    res = _verify(app, "--incident", str(incident.id), "--public-key", str(old_pub), "--public-key", str(new_pub))
    assert res.exit_code == 0, res.output
    assert "2 signed checkpoints" in res.output


def test_checkpoint_rows_are_append_only(app, incident, users):
    _entries(incident, users, 1)
    _checkpoint(incident.id)
    for stmt in (sa.update(LogCheckpoint).values(hash="0" * 64), sa.delete(LogCheckpoint)):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            db.session.execute(stmt)
            db.session.flush()
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(LogCheckpoint.id))) == 1
