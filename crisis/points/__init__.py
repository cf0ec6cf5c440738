"""Service points of an incident: trygghetspunkter, nödvattenplatser, krisstöd (POSOM), evakueringslokaler."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The points API routes (the page is the communication page)."""
    from crisis.points import service, views  # noqa: F401
    from crisis.reports import prefill

    prefill.add_provider(app, service.report_prefill)  # the lägesrapport's open trygghetspunkter
