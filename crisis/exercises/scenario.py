"""Exercise scenarios: the YAML files in ``playbooks/exercises/``.

A scenario names the playbook the exercise incident starts from and lists the
injects (inspel) that exercise control plays in at offsets from the start. The
format is documented in ``playbooks/exercises/README.md``. Rules decided here:

* The key is the file stem; a ``key:`` inside, if given, must equal it.
* Injects must be written in time order (non-decreasing ``offset_minutes``):
  the file is the drejbok that exercise control reads top to bottom, so the
  loader reports an out-of-order inject instead of silently sorting.
* Every offset lies within ``0 .. duration_minutes``; inject ids are unique.
* ``load_scenarios`` checks that the playbook exists when given the known
  playbook keys, and that each target position is one of that playbook's
  positions when given ``playbook_positions``.

Pure module: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from crisis.playbooks.validation import (
    Issue,
    Slug,
    SourceError,
    StrictModel,
    Text,
    find_duplicates,
    key_from_file,
    key_matches_file,
    number_at_least,
    read_model,
    whole_number,
    yaml_files,
)


class InjectChannel(StrEnum):
    PHONE = "phone"  # telefon
    EMAIL = "email"  # e-post
    RAKEL = "rakel"
    SMS = "sms"
    MEDIA = "media"  # journalist, press
    SOCIAL = "social"  # sociala medier
    WIS = "wis"  # MCF:s WIS
    VISIT = "visit"  # besök
    OTHER = "other"  # övrigt


class Inject(StrictModel):
    """One inject (inspel): what a played sender says, to whom, and what should follow."""

    id: Slug
    offset_minutes: Annotated[float, number_at_least(0, "must be a number of minutes >= 0")]
    sender: Text
    channel: InjectChannel
    text: Text
    target_position: Slug
    expected_action: Text


class ScenarioForm(StrEnum):
    SIMULATION = "simulation"  # simuleringsövning: timed injects
    SEMINAR = "seminar"  # seminarieövning: discussion questions, no injects
    KLN = "kln"  # krisledningsnämnden: seminar-style (questions) or simulation (injects)


class Objective(StrictModel):
    """An exercise objective (övningsmål) the evaluator judges met / partly / not met."""

    key: Slug
    text: Text
    injects: tuple[Slug, ...] = ()  # the injects that test this objective


class Question(StrictModel):
    """A discussion question of a seminar exercise, asked by the moderator in file order."""

    key: Slug
    text: Text
    notes: str = ""  # guidance for the moderator


class Scenario(StrictModel):
    """A validated exercise scenario. Immutable; lists are tuples."""

    key: Slug
    title: Text
    description: str = ""
    playbook: Slug
    duration_minutes: Annotated[int, whole_number(1, "must be a positive integer (minutes)")]
    form: ScenarioForm = ScenarioForm.SIMULATION
    objectives: tuple[Objective, ...] = ()
    questions: tuple[Question, ...] = ()
    injects: tuple[Inject, ...] = ()

    def inject(self, inject_id: str) -> Inject | None:
        return next((i for i in self.injects if i.id == inject_id), None)


class ScenarioError(SourceError):
    """One problem in one scenario file: ``file``, ``line``, ``message``."""


class InvalidScenario(ValueError):
    """Raised by :func:`load_scenario`; ``errors`` lists every problem found."""

    def __init__(self, errors: list[ScenarioError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class ScenarioLoadResult:
    """The valid scenarios by key (sorted by key) and the problems found."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    errors: list[ScenarioError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def load_scenario(
    path: str | Path,
    playbook_keys: Collection[str] | None = None,
    *,
    playbook_positions: Mapping[str, Collection[str]] | None = None,
) -> Scenario:
    """Load and validate one scenario file; raise InvalidScenario on any problem.

    ``playbook_keys``: when given, the scenario's playbook must be one of them.
    ``playbook_positions``: playbook key -> its position keys; when given, it
    also serves as the known keys and each inject's target must be staffed.
    """
    path = Path(path)
    if playbook_keys is None and playbook_positions is not None:
        playbook_keys = playbook_positions.keys()

    def check(scenario: Scenario) -> list[Issue]:
        return check_scenario(scenario, path, playbook_keys, playbook_positions)

    scenario, problems = read_model(path, Scenario, key_from_file(path), check)
    if scenario is None:
        raise InvalidScenario([ScenarioError(str(path), line, message) for line, message in problems])
    return scenario


def load_scenarios(
    directory: str | Path,
    playbook_keys: Collection[str] | None = None,
    *,
    playbook_positions: Mapping[str, Collection[str]] | None = None,
) -> ScenarioLoadResult:
    """Load every ``*.yaml``/``*.yml`` directly in ``directory``; keep the valid ones."""
    directory = Path(directory)
    if not directory.is_dir():
        return ScenarioLoadResult(errors=[ScenarioError(str(directory), None, "not a directory")])
    found: dict[str, tuple[Scenario, Path]] = {}
    errors: list[ScenarioError] = []
    for path in yaml_files(directory):
        try:
            scenario = load_scenario(path, playbook_keys, playbook_positions=playbook_positions)
        except InvalidScenario as exc:
            errors.extend(exc.errors)
            continue
        if scenario.key in found:
            first = found[scenario.key][1]
            errors.append(
                ScenarioError(str(path), 1, f"duplicate scenario key {scenario.key!r} (already defined in {first})")
            )
            continue
        found[scenario.key] = (scenario, path)
    scenarios = {key: found[key][0] for key in sorted(found)}
    return ScenarioLoadResult(scenarios=scenarios, errors=sorted(errors, key=ScenarioError.sort_key))


def check_scenario(
    scenario: Scenario,
    path: Path,
    playbook_keys: Collection[str] | None,
    playbook_positions: Mapping[str, Collection[str]] | None,
) -> list[Issue]:
    """Cross-field rules: key, playbook reference, ids, ordering, offsets, targets."""
    issues = key_matches_file(path, scenario.key)
    if playbook_keys is not None and scenario.playbook not in playbook_keys:
        known = ", ".join(sorted(playbook_keys)) or "none"
        issues.append((("playbook",), f"unknown playbook {scenario.playbook!r} (known: {known})"))
    ids = [inject.id for inject in scenario.injects]
    for index, first in find_duplicates(ids):
        issues.append((("injects", index, "id"), f"duplicate inject id {ids[index]!r} (also injects[{first}])"))
    issues.extend(_offset_issues(scenario))
    issues.extend(_form_issues(scenario))
    keys = [o.key for o in scenario.objectives]
    for index, first in find_duplicates(keys):
        issues.append(
            (("objectives", index, "key"), f"duplicate objective key {keys[index]!r} (also objectives[{first}])")
        )
    qkeys = [q.key for q in scenario.questions]
    for index, first in find_duplicates(qkeys):
        issues.append(
            (("questions", index, "key"), f"duplicate question key {qkeys[index]!r} (also questions[{first}])")
        )
    inject_ids = set(ids)
    for index, objective in enumerate(scenario.objectives):
        for j, ref in enumerate(objective.injects):
            if ref not in inject_ids:
                issues.append((("objectives", index, "injects", j), f"unknown inject {ref!r}"))
    positions = (playbook_positions or {}).get(scenario.playbook)
    if positions is not None:
        for index, inject in enumerate(scenario.injects):
            if inject.target_position not in positions:
                issues.append(
                    (
                        ("injects", index, "target_position"),
                        f"{inject.target_position!r} is not a position of playbook {scenario.playbook!r} "
                        f"({', '.join(positions)})",
                    )
                )
    return issues


def _form_issues(scenario: Scenario) -> list[Issue]:
    """A simulation needs injects; a seminar has questions and no injects; a KLN exercise has either."""
    if scenario.form is ScenarioForm.SIMULATION and not scenario.injects:
        return [(("injects",), "a simulation exercise needs at least one inject")]
    if scenario.form is ScenarioForm.SEMINAR:
        issues: list[Issue] = []
        if scenario.injects:
            issues.append((("injects",), "a seminar exercise has discussion questions, not timed injects"))
        if not scenario.questions:
            issues.append((("questions",), "a seminar exercise needs at least one question"))
        return issues
    if scenario.form is ScenarioForm.KLN and not scenario.injects and not scenario.questions:
        return [(("questions",), "a KLN exercise needs questions (seminar) or injects (simulation)")]
    return []


def _offset_issues(scenario: Scenario) -> list[Issue]:
    issues: list[Issue] = []
    previous = 0.0
    for index, inject in enumerate(scenario.injects):
        where = ("injects", index, "offset_minutes")
        offset = inject.offset_minutes
        if offset > scenario.duration_minutes:
            issues.append(
                (where, f"{_minutes(offset)} is beyond the scenario's duration_minutes ({scenario.duration_minutes})")
            )
        if offset < previous:
            issues.append(
                (
                    where,
                    f"{_minutes(offset)} is earlier than the inject before it ({_minutes(previous)}); list injects in time order",
                )
            )
        previous = max(previous, offset)
    return issues


def _minutes(value: float) -> str:
    return f"{value:g} min"
