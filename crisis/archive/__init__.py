"""The archive package of an incident (after-action): a ZIP with a hash manifest."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The archive API route (added to the API blueprint, crisis.api.bp, by `views`)."""
    from crisis.archive import views  # noqa: F401
