"""Exercises (övningar): scenarios with timed injects, run in exercise incidents.

`scenario` (the YAML format, see playbooks/exercises/README.md) and
`evaluation` (the after-action figures) are pure: no Flask, no database.
`models`, `service`, `jobs` and `views` run exercises; import them directly.
"""

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
