"""Incidents (händelser): title, kind, mode, level, status."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The incident API routes (added to the API blueprint, crisis.api.bp, by `views`)."""
    from crisis.incidents import views  # noqa: F401
