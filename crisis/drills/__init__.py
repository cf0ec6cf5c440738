"""Larmövning (call-out drill, issue 17): a test of a playbook's call-out list without an
incident, measuring each person's time to acknowledge. `summary` is pure; `models`,
`service` and `views` run it. `service.drills_in_year` serves the yearly follow-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """The page /exercises/drills, the /drills API routes and the demo's past drills."""
    from crisis import registry
    from crisis.drills import demo, views

    app.register_blueprint(views.pages)
    registry.of(app).add_seed(demo.load_demo_drills)
