"""Exercises (övningar): scenarios with timed injects, run in exercise incidents.

`scenario` (the YAML format, see playbooks/exercises/README.md) and
`evaluation` (the after-action figures) are pure: no Flask, no database.
`models`, `service`, `jobs` and `views` run exercises; import them directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crisis.exercises.scenario import (
    Inject,
    InjectChannel,
    InvalidScenario,
    Scenario,
    ScenarioError,
    ScenarioLoadResult,
    load_scenario,
    load_scenarios,
)

if TYPE_CHECKING:
    from flask import Flask

__all__ = [
    "Inject",
    "InjectChannel",
    "InvalidScenario",
    "Scenario",
    "ScenarioError",
    "ScenarioLoadResult",
    "load_scenario",
    "load_scenarios",
]


def init_app(app: Flask) -> None:
    """The exercise pages and API routes, the demo exercise, the recovery of lost starts and injects."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry
    from crisis.auth.permissions import Perm
    from crisis.exercises import evaluation_views, views
    from crisis.exercises.demo import load_demo_exercise

    reg = registry.of(app)
    app.register_blueprint(views.pages)
    app.register_blueprint(evaluation_views.pages)
    reg.add_nav("exercises.index", _l("Övningar"), Perm.READ)
    reg.add_seed(load_demo_exercise)
    reg.on_scheduler_start("crisis.exercises.jobs:recover")  # starts and injects lost in downtime
