"""The playbooks the running app knows: loaded at startup, reloadable on demand.

Valid playbooks are cached on ``app.extensions``; broken files are kept as
errors (file:line: message) for the admins' view, and the app keeps running.
Exercise scenarios in ``DIR/exercises/`` are validated against the loaded
playbooks at the same time (they are used by the exercise engine).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from crisis.db import utcnow
from crisis.errors import NotFound
from crisis.exercises import ScenarioError, load_scenarios
from crisis.playbooks.loader import Playbook, PlaybookError, load_playbooks

_log = logging.getLogger("krisrum.playbooks")
EXT_KEY = "krisrum.playbooks"
_lock = threading.Lock()


@dataclass(frozen=True)
class Catalog:
    directory: str
    playbooks: dict[str, Playbook] = field(default_factory=dict)
    errors: list[PlaybookError] = field(default_factory=list)
    scenario_errors: list[ScenarioError] = field(default_factory=list)
    scenario_count: int = 0
    loaded_at: datetime | None = None

    @property
    def all_errors(self) -> list[str]:
        return [str(e) for e in [*self.errors, *self.scenario_errors]]


def load_catalog(directory: str | Path) -> Catalog:
    """Validate every playbook in `directory` and the scenarios in `directory/exercises`."""
    directory = Path(directory)
    result = load_playbooks(directory)
    scenario_errors: list[ScenarioError] = []
    scenario_count = 0
    exercises = directory / "exercises"
    if exercises.is_dir():
        positions = {key: pb.position_keys for key, pb in result.playbooks.items()}
        scenarios = load_scenarios(exercises, playbook_positions=positions)
        scenario_errors = list(scenarios.errors)
        scenario_count = len(scenarios.scenarios)
    return Catalog(
        directory=str(directory),
        playbooks=dict(result.playbooks),
        errors=list(result.errors),
        scenario_errors=scenario_errors,
        scenario_count=scenario_count,
        loaded_at=utcnow(),
    )


def reload(app: Flask | None = None) -> Catalog:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    catalog = load_catalog(app.config["CRISIS_PLAYBOOK_DIR"])
    with _lock:
        app.extensions[EXT_KEY] = catalog
    for error in catalog.all_errors:
        _log.warning("broken playbook or scenario: %s", error)
    return catalog


def catalog(app: Flask | None = None) -> Catalog:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(EXT_KEY)
    return found if found is not None else reload(app)


def get(key: str) -> Playbook:
    playbook = catalog().playbooks.get(key)
    if playbook is None:
        raise NotFound(_l('Spelboken "%(key)s" finns inte.', key=key))
    return playbook
