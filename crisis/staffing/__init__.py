"""Staff positions (stabsfunktioner) per incident and who holds them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The staffing API routes (added to the API blueprint, crisis.api.bp, by `views`)."""
    from crisis.staffing import views  # noqa: F401
