"""Playbooks: the YAML files in ``playbooks/`` that start an incident.

The format is documented in ``playbooks/README.md``. Rules decided here:

* The key of a playbook is its file stem (``elavbrott.yaml`` -> ``elavbrott``).
  A ``key:`` inside the file is optional and, if given, must equal the stem.
* Unknown fields are errors (a typo must not be silently ignored).
* Cross-checks (task positions, duplicates) run once the structure is valid.
* ``load_playbooks`` reads only the files directly in the directory, in name
  order; ``playbooks/exercises/`` holds scenarios and is not read.
* Two files with the same key (``x.yaml`` and ``x.yml``): the first in name
  order is kept, the others are reported as errors.

Pure module: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from crisis.enums import STANDARD_POSITIONS, Level, Priority, SiteCategory
from crisis.playbooks.validation import (
    Email,
    Issue,
    Phone,
    Slug,
    SourceError,
    StrictModel,
    Text,
    find_duplicates,
    key_from_file,
    key_matches_file,
    read_model,
    whole_number,
    yaml_files,
)

MIN_REMINDER_MINUTES = 15


class ReminderKind(StrEnum):
    REPORT = "report"  # lägesrapport
    MEETING = "meeting"  # stabsmöte / stabsorientering
    CHECK = "check"  # recurring check, e.g. reservkraft fuel levels
    HANDOVER = "handover"  # avlösning / överlämning
    OTHER = "other"


class Position(StrictModel):
    """A staff position to fill: a standard key, or a custom key with a label.

    In YAML a standard position may be written as its bare key
    (``- stabschef``); its label then comes from ``STANDARD_POSITIONS``.
    """

    key: Slug
    label: Text

    @model_validator(mode="before")
    @classmethod
    def _expand(cls, data: Any) -> Any:
        if isinstance(data, str):
            key = data.strip()
            if key not in STANDARD_POSITIONS:
                raise PydanticCustomError(
                    "unknown_position",
                    f"{key!r} is not a standard position; write a custom one as "
                    f"{{key: {key}, label: ...}} (standard: {', '.join(STANDARD_POSITIONS)})",
                )
            return {"key": key, "label": STANDARD_POSITIONS[key]}
        # The key may be anything a YAML author wrote (a list too): only text can name a standard position.
        if (
            isinstance(data, dict)
            and "label" not in data
            and isinstance(data.get("key"), str)
            and data["key"] in STANDARD_POSITIONS
        ):
            return {**data, "label": STANDARD_POSITIONS[data["key"]]}
        return data


class Substitute(StrictModel):
    """The ersättare called out when a contact has not acknowledged in time."""

    name: Text
    phone: Phone
    email: Email | None = None


class Contact(StrictModel):
    """Someone to call out (larmlista). Shipped contacts are examples."""

    name: Text
    role: Text
    phone: Phone
    email: Email | None = None
    substitute: Substitute | None = None


class TaskTemplate(StrictModel):
    """A first task, created when the playbook is activated."""

    title: Text
    description: str = ""
    position: Slug
    due_in_minutes: Annotated[int, whole_number(1, "must be a positive integer (minutes)")]
    priority: Priority = Priority.NORMAL


class Reminder(StrictModel):
    """A recurring reminder, e.g. the lägesrapport every 4 hours."""

    key: Slug
    kind: ReminderKind
    text: Text
    every_minutes: Annotated[
        int,
        whole_number(MIN_REMINDER_MINUTES, f"must be a whole number of at least {MIN_REMINDER_MINUTES} (minutes)"),
    ]
    first_in_minutes: Annotated[int, whole_number(0, "must be a whole number >= 0 (minutes)")] | None = None
    position: Slug | None = None

    @property
    def first_after_minutes(self) -> int:
        """Minutes from activation to the first reminder (default: one interval)."""
        return self.every_minutes if self.first_in_minutes is None else self.first_in_minutes


class Playbook(StrictModel):
    """A validated playbook. Immutable; lists are tuples."""

    key: Slug
    title: Text
    kind: Slug
    description: str = ""
    default_level: Level
    positions: tuple[Position, ...] = Field(min_length=1)
    callout: tuple[Contact, ...] = ()
    tasks: tuple[TaskTemplate, ...] = ()
    checklist: tuple[Text, ...] = ()
    first_log: Text
    reminders: tuple[Reminder, ...] = ()
    highlight_categories: tuple[SiteCategory, ...] = ()

    @property
    def position_keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.positions)

    def position_label(self, key: str) -> str | None:
        return next((p.label for p in self.positions if p.key == key), None)


class PlaybookError(SourceError):
    """One problem in one playbook file: ``file``, ``line``, ``message``."""


class InvalidPlaybook(ValueError):
    """Raised by :func:`load_playbook`; ``errors`` lists every problem found."""

    def __init__(self, errors: list[PlaybookError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class LoadResult:
    """The valid playbooks by key (sorted by key) and the problems found."""

    playbooks: dict[str, Playbook] = field(default_factory=dict)
    errors: list[PlaybookError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def load_playbook(path: str | Path) -> Playbook:
    """Load and validate one playbook file; raise InvalidPlaybook on any problem."""
    path = Path(path)
    playbook, problems = read_model(path, Playbook, key_from_file(path), lambda p: check_playbook(p, path))
    if playbook is None:
        raise InvalidPlaybook([PlaybookError(str(path), line, message) for line, message in problems])
    return playbook


def load_playbooks(directory: str | Path) -> LoadResult:
    """Load every ``*.yaml``/``*.yml`` directly in ``directory``.

    Valid playbooks are kept, broken ones reported; nothing is raised for a
    broken file. A missing directory is reported as an error too.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return LoadResult(errors=[PlaybookError(str(directory), None, "not a directory")])
    found: dict[str, tuple[Playbook, Path]] = {}
    errors: list[PlaybookError] = []
    for path in yaml_files(directory):
        try:
            playbook = load_playbook(path)
        except InvalidPlaybook as exc:
            errors.extend(exc.errors)
            continue
        if playbook.key in found:
            first = found[playbook.key][1]
            errors.append(
                PlaybookError(str(path), 1, f"duplicate playbook key {playbook.key!r} (already defined in {first})")
            )
            continue
        found[playbook.key] = (playbook, path)
    playbooks = {key: found[key][0] for key in sorted(found)}
    return LoadResult(playbooks=playbooks, errors=sorted(errors, key=PlaybookError.sort_key))


def check_playbook(playbook: Playbook, path: Path) -> list[Issue]:
    """Cross-field rules that a field-by-field schema cannot express."""
    issues = key_matches_file(path, playbook.key)
    keys = playbook.position_keys
    for index, first in find_duplicates(keys):
        issues.append((("positions", index), f"duplicate position {keys[index]!r} (also positions[{first}])"))
    allowed = ", ".join(keys)
    for index, task in enumerate(playbook.tasks):
        if task.position not in keys:
            issues.append(
                (("tasks", index, "position"), f"{task.position!r} is not one of the playbook's positions ({allowed})")
            )
    for index, reminder in enumerate(playbook.reminders):
        if reminder.position is not None and reminder.position not in keys:
            issues.append(
                (
                    ("reminders", index, "position"),
                    f"{reminder.position!r} is not one of the playbook's positions ({allowed})",
                )
            )
    reminder_keys = [r.key for r in playbook.reminders]
    for index, first in find_duplicates(reminder_keys):
        issues.append(
            (("reminders", index, "key"), f"duplicate reminder key {reminder_keys[index]!r} (also reminders[{first}])")
        )
    for index, first in find_duplicates(playbook.highlight_categories):
        issues.append((("highlight_categories", index), f"duplicate category (also highlight_categories[{first}])"))
    return issues
