"""The archive package of an incident (after-action): a ZIP with a hash manifest."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The archive API route (added to the API blueprint, crisis.api.bp, by `views`) and `verify-archive`."""
    from crisis.archive import cli, views  # noqa: F401

    app.cli.add_command(cli.verify_archive)
