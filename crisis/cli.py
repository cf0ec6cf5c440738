"""Command line (`flask --app wsgi COMMAND`). Thin: each command calls services.

Errors exit non-zero with a message on stderr (and file:line for files).
"""

from __future__ import annotations

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
@click.option(
    "--role", required=True, help="admin, leader, staff, duty_officer, exercise_control, observer or reporter"
)
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
@click.option(
    "--public-key",
    "public_key_files",
    type=click.Path(dir_okay=False, exists=True),
    multiple=True,
    help="Ed25519 public key (PEM) to check the checkpoints with; repeat it for keys replaced by a rotation; "
    "default: the configured signing key's",
)
@click.option(
    "--archive",
    "archives",
    type=click.Path(dir_okay=False, exists=True),
    multiple=True,
    help="An archive package whose signed checkpoint (manifest.json) is checked too; repeatable",
)
@with_appcontext
def verify_log(incident_id: int | None, public_key_files: tuple[str, ...], archives: tuple[str, ...]) -> None:
    """Verify the hash chain of the log and check it against every signed checkpoint.

    Exit 1 naming the incident and the first bad entry: an altered entry, a
    rewritten chain (hash differs from a signed checkpoint), a shortened chain
    (a checkpoint beyond the last entry) or a checkpoint without a valid signature.
    """
    from crisis.incidents.models import Incident
    from crisis.log import checkpoints, signing
    from crisis.log import service as log

    ids = [incident_id] if incident_id else list(db.session.scalars(sa.select(Incident.id).order_by(Incident.id)))
    if incident_id and db.session.get(Incident, incident_id) is None:
        fail(f"no incident {incident_id}", 2)
    try:
        configured = checkpoints.public_key()
        keys = [signing.load_public_key(f) for f in public_key_files] or ([configured] if configured else [])
    except signing.SigningKeyError as e:
        fail(str(e), 2)
    key = keys or None
    extra = []
    for path in archives:
        try:
            cp = checkpoints.from_archive(path)
        except ValueError as e:
            fail(f"{path}: {e}", 2)
        if cp is not None:
            extra.append(cp)
    if key is None:
        click.echo("warning: no signing key configured (CRISIS_SIGNING_KEY_FILE): no checkpoints, tail not protected")
    bad = 0
    for iid in ids:
        problem = log.verify_chain(incident_id=iid)
        if problem is not None:
            bad += 1
            click.echo(f"incident {iid}: TAMPERED at entry {problem.number}: {problem.reason}", err=True)
            continue
        verdict = checkpoints.verify(incident_id=iid, key=key, extra=extra)
        if verdict.problem is not None:
            bad += 1
            click.echo(
                f"incident {iid}: TAMPERED at entry {verdict.problem.number}: {verdict.problem.reason}", err=True
            )
            continue
        count = db.session.get(Incident, iid).last_log_number
        notes = "".join(f"; {n}" for n in verdict.notes if key is not None)
        click.echo(f"incident {iid}: OK ({count} entries, {verdict.checkpoints} signed checkpoints){notes}")
    if bad:
        sys.exit(1)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def backup(file: str) -> None:
    """Write a consistent backup of the whole database to FILE (gzip JSON lines; SQLite and PostgreSQL).

    Writers keep running; FILE must not exist; a failed backup leaves no file.
    """
    import time

    from crisis import backup as bk

    started = time.monotonic()
    try:
        info = bk.backup(db.engine, file, migrations_dir=current_app.extensions["migrate"].directory)
    except bk.BackupError as e:
        fail(str(e))
    rows = sum(info.counts.values())
    click.echo(
        f"Backup written to {file}: {len(info.counts)} tables, {rows} rows, "
        f"{Path(file).stat().st_size} bytes, schema {info.revision}, "
        f"{time.monotonic() - started:.1f} s"
    )


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def restore(file: str) -> None:
    """Restore a backup FILE into an EMPTY database (refuses a non-empty one), then verify every log.

    The file is checked completely before anything is written; the rows go in
    as one transaction, so a failure leaves the database empty.
    """
    import time

    from flask_migrate import upgrade

    from crisis import backup as bk
    from crisis.incidents.models import Incident
    from crisis.log import service as log

    directory = current_app.extensions["migrate"].directory
    url = db.engine.url
    if not Path(file).is_file():
        fail(f"no file {file}")
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        info = bk.restore(db.engine, file, migrations_dir=directory, upgrade=lambda: upgrade(directory=directory))
    except bk.BackupError as e:
        fail(f"{e}")
    db.session.remove()
    rows = sum(info.counts.values())
    click.echo(
        f"Restored {rows} rows in {len(info.counts)} tables from {file} (made {info.created_at} on {info.dialect})."
    )
    bad = 0
    for iid in db.session.scalars(sa.select(Incident.id).order_by(Incident.id)):
        problem = log.verify_chain(incident_id=iid)
        if problem is not None:
            bad += 1
            click.echo(f"incident {iid}: TAMPERED at entry {problem.number}: {problem.reason}", err=True)
    if bad:
        fail(f"the restored log of {bad} incident(s) does not verify")
    click.echo(f"Every incident's log verifies ({time.monotonic() - started:.1f} s in all).")


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
COMMANDS: list[Any] = [init_db, seed_demo, create_user, verify_log, backup, restore, scheduler_cmd]


def register_cli(app: Flask) -> None:
    for cmd in COMMANDS:
        app.cli.add_command(cmd)
