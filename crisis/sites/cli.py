"""`flask --app wsgi import-sites FILE`: load a GeoJSON or CSV site file.

All or nothing: every problem in the file is printed as `FILE: message`
(each message naming the feature or row) and the command exits 1 with
nothing stored. A valid file is written in one transaction with a
progress bar; sites are matched by key, so importing again updates them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from crisis.errors import ApiError


@click.command("import-sites")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def import_sites(file: Path) -> None:
    """Import sites from FILE (.geojson/.json: RFC 7946 in WGS 84, or SWEREF 99 TM
    (EPSG:3006) converted to WGS 84; .csv: key, name, category, lat, lon, ...)."""
    from crisis.sites import register

    shown = str(file)

    def fail(messages: list[str]) -> None:
        for message in messages:
            # The importer prefixes a bad file type with the file name itself.
            if message.startswith(file.name + ": "):
                message = message[len(file.name) + 2 :]
            click.echo(f"{shown}: {message}", err=True)
        click.echo(f"{shown}: nothing was imported.", err=True)
        sys.exit(1)

    try:
        text = file.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        fail(["no such file"])
    except IsADirectoryError:
        fail(["is a directory"])
    except UnicodeDecodeError as e:
        fail([f"not UTF-8 text (byte {e.start})"])
    except OSError as e:
        fail([e.strerror or str(e)])

    bar: Any | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=f"Writing {total} sites", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        result = register.import_file(actor=None, filename=file.name, text=text, progress=progress)
    except register.SiteFileRejected as e:
        fail(e.errors)
    except ApiError as e:
        fail([e.message])
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    click.echo(
        f"{shown}: imported {result.total} sites ({len(result.created)} new, "
        f"{len(result.updated)} updated, {len(result.unchanged)} unchanged)."
    )
