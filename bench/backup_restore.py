"""Backup and restore timing: `backup FILE` and `restore FILE` on an incident of N log entries.

Builds a database (SQLite file by default, or --db-url; PostgreSQL is emptied first) with one
incident of N chained log entries (and one log.appended event each, as the service writes them),
inserted in bulk, then times the real commands in subprocesses (`flask --app wsgi backup` / `restore`,
so the figures include the CLI start), restores into a second empty database (SQLite) or into the
same one after dropping its schema (PostgreSQL), checks row counts and verify-log. Prints JSON:

    {"entries", "dialect", "cli_start_s", "backup_s" (inside the command), "backup_process_s" (with the CLI
     start), "restore_s", "restore_process_s", "file_bytes", "verify_log_ok", ...}

    .venv/bin/python bench/backup_restore.py [--entries 50000] [--db-url postgresql://...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def flask(env: dict[str, str], *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    t = time.monotonic()
    res = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return time.monotonic() - t, res


def reset_pg(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def fill(env: dict[str, str], n: int) -> None:
    import sqlalchemy as sa

    os.environ.update(env)
    from crisis import create_app
    from crisis.auth import service as auth
    from crisis.db import utcnow
    from crisis.events.models import Event
    from crisis.extensions import db
    from crisis.incidents import service as incidents
    from crisis.incidents.models import Incident
    from crisis.log import hashing
    from crisis.log.models import LogEntry

    app = create_app()
    with app.app_context():
        user = auth.create(username="chef", password="correct-horse-1", role="leader", display_name="Carl Chef")
        inc = incidents.create(actor=user, title="Långt elavbrott", kind="elavbrott", level="monitoring")
        inc_id = inc.id
        last = db.session.scalar(
            sa.select(LogEntry).where(LogEntry.incident_id == inc_id).order_by(LogEntry.number.desc()).limit(1)
        )
        prev, number = last.hash, last.number
        seq = db.session.scalar(sa.select(sa.func.max(Event.seq)).where(Event.incident_id == inc_id)) or 0
        db.session.rollback()
        start = utcnow()
        batch: list[dict[str, object]] = []
        events: list[dict[str, object]] = []
        for i in range(n):
            number += 1
            seq += 1
            at = start + timedelta(milliseconds=i)
            fields = {
                "incident_id": inc_id,
                "number": number,
                "kind": "info",
                "text": f"Lägesuppdatering {i}: elen tillbaka i delar av Kinna, reservkraft på Skene lasarett.",
                "occurred_at": at,
                "recorded_at": at,
                "author": "Carl Chef",
                "position": None,
                "counterpart": None,
                "classification": "internal",
                "osl_ground": None,
                "corrects": None,
                "decided_by": None,
                "mandate": None,
            }
            h = hashing.entry_hash(prev, fields)
            batch.append(dict(fields, author_id=user.id, position_label=None, prev_hash=prev, hash=h))
            events.append(
                {
                    "incident_id": inc_id,
                    "seq": seq,
                    "type": "log.appended",
                    "at": at,
                    "actor": "chef",
                    "data": {"number": number, "text": fields["text"]},
                    "confidential": False,
                }
            )
            prev = h
            if len(batch) == 2000 or i == n - 1:
                db.session.execute(sa.insert(LogEntry), batch)
                db.session.execute(sa.insert(Event), events)
                batch, events = [], []
        db.session.execute(sa.update(Incident).where(Incident.id == inc_id).values(last_log_number=number))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=50_000)
    ap.add_argument("--db-url", default="")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="krisrum-bench-backup-"))
    source = args.db_url or f"sqlite:///{work / 'source.sqlite3'}"
    target = args.db_url or f"sqlite:///{work / 'restored.sqlite3'}"
    env = dict(
        os.environ,
        CRISIS_TESTING="on",
        CRISIS_DATABASE_URL=source,
        CRISIS_SCHEDULER="off",
        CRISIS_MESSAGE_QUEUE="",
        CRISIS_SECRET_KEY="bench-backup-secret-0123456789",
    )
    if source.startswith("postgresql"):
        reset_pg(source)
    _t, res = flask(env, "init-db")
    assert res.returncode == 0, res.stderr
    t = time.monotonic()
    fill(env, args.entries)
    fill_s = time.monotonic() - t
    cli_s, _ = flask(env, "--help")

    file = work / "krisrum.backup.gz"
    backup_s, res = flask(env, "backup", str(file))
    assert res.returncode == 0, res.stderr
    backup_line = res.stdout.strip()
    if target.startswith("postgresql"):
        reset_pg(target)
    env_t = dict(env, CRISIS_DATABASE_URL=target)
    restore_s, res = flask(env_t, "restore", str(file))
    assert res.returncode == 0, res.stderr + res.stdout
    restore_line = res.stdout.strip().splitlines()[-1]
    verify_s, ver = flask(env_t, "verify-log")
    print(
        json.dumps(
            {
                "dialect": "postgresql" if source.startswith("postgresql") else "sqlite",
                "entries": args.entries,
                "fill_s": round(fill_s, 1),
                "cli_start_s": round(cli_s, 2),
                "backup_process_s": round(backup_s, 2),
                "backup_s": float(re.search(r"([0-9.]+) s$", backup_line).group(1)),
                "restore_process_s": round(restore_s, 2),
                "restore_s": float(re.search(r"([0-9.]+) s in all", restore_line).group(1)),
                "verify_log_s": round(verify_s, 2),
                "file_bytes": file.stat().st_size,
                "backup_output": backup_line,
                "verify_log_ok": ver.returncode == 0,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
