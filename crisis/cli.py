"""Command line (`flask --app wsgi COMMAND`). Thin: each command calls services.

Errors exit non-zero with a message on stderr (and file:line for files).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from crisis.errors import ApiError
from crisis.extensions import db


def fail(message: str, code: int = 1) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations to head)."""
    from flask_migrate import upgrade

    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo(f"Database ready: {url.render_as_string(hide_password=True)}")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the Marks kommun demo data once (users for every role, a demo incident)."""
    from crisis import seed

    created = seed.seed_demo()
    click.echo("Demo data loaded." if created else "Demo data already present; nothing changed.")
    seed.print_logins(click.echo)


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, help="admin, leader, staff, duty_officer, exercise_control or observer")
@click.option("--password", required=True)
@click.option("--name", "display_name", default=None, help="Display name")
@with_appcontext
def create_user(username: str, role: str, password: str, display_name: str | None) -> None:
    """Create a user with a role."""
    from crisis.auth import service

    try:
        user = service.create(username=username, password=password, role=role, display_name=display_name)
    except ApiError as e:
        fail(e.message)
    click.echo(f"Created {user.username} ({user.role.value}).")


@click.command("verify-log")
@click.option("--incident", "incident_id", type=int, default=None, help="Only this incident")
@with_appcontext
def verify_log(incident_id: int | None) -> None:
    """Verify the hash chain of the log; exit 1 naming the first bad entry."""
    from crisis.incidents.models import Incident
    from crisis.log import service as log

    ids = [incident_id] if incident_id else list(db.session.scalars(sa.select(Incident.id).order_by(Incident.id)))
    if incident_id and db.session.get(Incident, incident_id) is None:
        fail(f"no incident {incident_id}", 2)
    bad = 0
    for iid in ids:
        problem = log.verify_chain(incident_id=iid)
        if problem is None:
            count = db.session.get(Incident, iid).last_log_number
            click.echo(f"incident {iid}: OK ({count} entries)")
        else:
            bad += 1
            click.echo(f"incident {iid}: TAMPERED at entry {problem.number}: {problem.reason}", err=True)
    if bad:
        sys.exit(1)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup(file: str) -> None:
    """Write a consistent copy of the database to FILE (SQLite: online backup; PostgreSQL: pg_dump)."""
    url = db.engine.url
    target = Path(file)
    if target.exists():
        fail(f"{file} exists; refusing to overwrite")
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            fail("an in-memory database cannot be backed up")
        src = sqlite3.connect(url.database)
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    elif url.get_backend_name() == "postgresql":
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        try:
            subprocess.run(["pg_dump", "--format=custom", f"--file={target}", plain], check=True)
        except (OSError, subprocess.CalledProcessError) as e:
            fail(f"pg_dump failed: {e}")
    else:
        fail(f"backup does not support {url.get_backend_name()}")
    click.echo(f"Backup written to {target}")


@click.command("scheduler")
@with_appcontext
def scheduler_cmd() -> None:
    """Run the one scheduler process (for CRISIS_SCHEDULER=off deployments)."""
    from crisis.scheduler import runner

    try:
        runner.run_blocking(current_app._get_current_object())  # type: ignore[attr-defined]
    except runner.SchedulerLockError as e:
        fail(str(e))
    except (KeyboardInterrupt, SystemExit):
        runner.shutdown()


# The app-wide commands. A domain's own commands live in its package
# (e.g. crisis/sites/cli.py) and are added by its init_app: app.cli.add_command(cmd).
COMMANDS: list[Any] = [init_db, seed_demo, create_user, verify_log, backup, scheduler_cmd]


def register_cli(app: Flask) -> None:
    for cmd in COMMANDS:
        app.cli.add_command(cmd)
