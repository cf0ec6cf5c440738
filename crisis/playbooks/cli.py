"""`flask --app wsgi validate-playbooks [DIR]`: every playbook and DIR/exercises/ scenario."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from crisis.playbooks.registry import load_catalog


@click.command("validate-playbooks")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@with_appcontext
def validate_playbooks(directory: str | None) -> None:
    """Validate the playbooks in DIR (default CRISIS_PLAYBOOK_DIR) and the scenarios in DIR/exercises/.

    Prints `file:line: message` for every problem and exits 1 if there is
    any; otherwise prints a summary and exits 0.
    """
    directory = directory or current_app.config["CRISIS_PLAYBOOK_DIR"]
    cat = load_catalog(directory)
    errors = cat.all_errors
    for line in errors:
        click.echo(line)
    summary = (
        f"{len(cat.playbooks)} valid playbook(s), {cat.scenario_count} valid scenario(s) in {directory}; "
        f"{len(errors)} error(s)."
    )
    if errors:
        click.echo(summary, err=True)
        sys.exit(1)
    click.echo(f"OK: {summary}")
