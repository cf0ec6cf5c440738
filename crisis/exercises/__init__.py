"""Exercise scenarios (övningar): validated YAML with timed injects (see playbooks/exercises/README.md).

Pure package: no Flask, no database.
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
