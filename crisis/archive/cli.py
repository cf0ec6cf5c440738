"""`flask --app wsgi verify-archive FILE`."""

from __future__ import annotations

import sys
import zipfile

import click

from crisis.archive import manifest


@click.command("verify-archive")
@click.argument("file", type=click.Path(dir_okay=False))
def verify_archive(file: str) -> None:
    """Check an incident archive: every file against the manifest, and the log's hash chain.

    Exit 0 when intact, 1 naming the first problem, 2 when FILE is not a readable ZIP.
    """
    from crisis.archive.service import read_zip

    try:
        files = read_zip(file)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as e:
        click.echo(f"Error: {file}: not a readable archive ({e})", err=True)
        sys.exit(2)
    problem, summary = manifest.verify_package(files)
    if problem is not None:
        click.echo(f"FILE: {problem.message}", err=True)
        sys.exit(1)
    click.echo(
        f"OK: incident {summary['incident']}, {summary['files']} files, {summary['entries']} log entries, "
        f"chain head {summary['chain_head'][:16]}…, exported {summary['exported_at']} "
        f"by {summary['exported_by']}"
    )
