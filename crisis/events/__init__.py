"""Events: every change to an incident, numbered per incident, replayable."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The event API routes (added to the API blueprint, crisis.api.bp, by `views`)."""
    from crisis.events import views  # noqa: F401
