"""The situation log (dagbok): append-only, numbered, hash-chained."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The log API routes (added to the API blueprint, crisis.api.bp, by `views`)."""
    from crisis.log import views  # noqa: F401
