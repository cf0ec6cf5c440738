"""`flask --app wsgi verify-archive FILE [--public-key PEM]`."""

from __future__ import annotations

import sys
import zipfile

import click
from flask.cli import with_appcontext

from crisis.archive import manifest


@click.command("verify-archive")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--public-key",
    "public_key_file",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="The kommun's published Ed25519 public key (PEM); default: the configured signing key's",
)
@with_appcontext
def verify_archive(file: str, public_key_file: str | None) -> None:
    """Check an incident archive: every file against the manifest and SHA256SUMS, the manifest's
    signature and signed checkpoint, and the log's hash chain.

    Exit 0 when intact, 1 naming the first problem, 2 when FILE is not a readable ZIP or the key is unreadable.
    """
    from crisis.archive.service import read_zip
    from crisis.log import checkpoints, signing

    try:
        files = read_zip(file)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as e:
        click.echo(f"Error: {file}: not a readable archive ({e})", err=True)
        sys.exit(2)
    try:
        key = signing.load_public_key(public_key_file) if public_key_file else checkpoints.public_key()
    except signing.SigningKeyError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(2)
    problem, summary = manifest.verify_package(files)
    notes: list[str] = []
    if problem is None:
        problem = manifest.verify_sums(files)
    if problem is None:
        problem, notes = manifest.verify_signature(files, key)
    if problem is not None:
        click.echo(f"FILE: {problem.message}", err=True)
        sys.exit(1)
    click.echo(
        f"OK: incident {summary['incident']}, {summary['files']} files, {summary['entries']} log entries, "
        f"chain head {summary['chain_head'][:16]}…, exported {summary['exported_at']} "
        f"by {summary['exported_by']}"
    )
    for note in notes:
        click.echo(f"warning: {note}")
