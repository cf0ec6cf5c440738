"""`flask --app wsgi import-actors FILE` and `export-actors`: the actor register as a CSV file.

The import is all or nothing: every problem is printed as `FILE:LINE: message`
and the command exits 1 with nothing stored. Actors are matched by name, so
importing again updates them. The export writes the same format to stdout
(or `--output FILE`), inactive actors included.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from crisis.errors import ApiError


@click.command("import-actors")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def import_actors(file: Path) -> None:
    """Import the actor register from FILE (CSV: name;kind;phone;email;rakel;alternative;notes;active)."""
    from crisis.actors import service

    try:
        text = file.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        click.echo(f"{file}: {getattr(e, 'strerror', None) or e}", err=True)
        click.echo(f"{file}: nothing was imported.", err=True)
        sys.exit(1)
    try:
        result = service.import_csv(actor=None, filename=str(file), text=text)
    except ApiError as e:
        for line in e.details if isinstance(e.details, list) else [e.message]:
            click.echo(str(line), err=True)
        click.echo(f"{file}: nothing was imported.", err=True)
        sys.exit(1)
    click.echo(f"{file}: {len(result.created)} new, {len(result.updated)} changed, {len(result.unchanged)} unchanged.")


@click.command("export-actors")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not to stdout.")
@with_appcontext
def export_actors(output: Path | None) -> None:
    """Export the actor register (inactive actors too) as CSV."""
    import sqlalchemy as sa

    from crisis import csvexport
    from crisis.actors.models import Actor
    from crisis.collation import sv_sorted
    from crisis.extensions import db

    rows = sv_sorted(db.session.scalars(sa.select(Actor)), key=lambda a: a.name)
    data = [
        {
            **{k: getattr(a, k) or "" for k in ("name", "kind", "phone", "email", "rakel", "alternative", "notes")},
            "active": "ja" if a.active else "nej",
        }
        for a in rows
    ]
    from crisis.actors.service import CSV_COLUMNS

    text = csvexport.text(CSV_COLUMNS, data)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
