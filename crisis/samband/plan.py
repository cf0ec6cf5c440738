"""The sambandsplan: how the staff keeps in touch when the ordinary lines fail.

Rakel talk groups (the kommun's own and the county's samverkan groups), phone
numbers (växel, reserve), satellite phones, runners (ordonnans) and meeting
points. The kommun's default is a YAML file (`CRISIS_SAMBANDSPLAN_FILE`,
shipped as config/sambandsplan.yaml), validated when the app starts with
every problem as file:line; each incident gets its own copy to edit.

Pure module: no Flask, no database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from crisis.playbooks.validation import Issue, Text, read_model

Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Long = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
MAX_ROWS = 50


class SambandError(ValueError):
    """The sambandsplan file is broken; the message lists every problem as file:line: text."""


class TalkGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Short
    use: Short | None = None


class Number(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Short
    number: Short


class Runner(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Short
    route: Short | None = None
    phone: Short | None = None


class MeetingPoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Short
    address: Short | None = None
    reserve: bool = False


class Plan(BaseModel):
    """One sambandsplan (the API's body and the file's content)."""

    model_config = ConfigDict(extra="forbid")

    rakel: list[TalkGroup] = Field(default_factory=list, max_length=MAX_ROWS)
    phones: list[Number] = Field(default_factory=list, max_length=MAX_ROWS)
    satellite: list[Number] = Field(default_factory=list, max_length=MAX_ROWS)
    runners: list[Runner] = Field(default_factory=list, max_length=MAX_ROWS)
    meeting_points: list[MeetingPoint] = Field(default_factory=list, max_length=MAX_ROWS)
    notes: Long | None = None


class _FileModel(Plan):
    kommun: Text | None = None


def _check(model: _FileModel) -> list[Issue]:
    issues: list[Issue] = []
    seen: set[str] = set()
    for i, g in enumerate(model.rakel):
        if g.name.upper() in seen:
            issues.append((("rakel", i, "name"), f"duplicate talk group {g.name!r}"))
        seen.add(g.name.upper())
    if not (model.rakel or model.phones or model.satellite or model.runners or model.meeting_points):
        issues.append(((), "the plan is empty: give at least one talk group, number, runner or meeting point"))
    return issues


def load(path: str | Path) -> dict[str, Any]:
    """Read and validate the kommun's sambandsplan; the plan as plain data (without `kommun`)."""
    path = Path(path)
    model, problems = read_model(path, _FileModel, lambda data: data, _check)
    if model is None:
        lines = [f"{path}:{line or 1}: {message}" for line, message in problems]
        raise SambandError("\n".join(lines) or f"{path}: invalid")
    return Plan.model_validate(model.model_dump(exclude={"kommun"})).model_dump()


def empty() -> dict[str, Any]:
    return Plan().model_dump()


SECTIONS = ("rakel", "phones", "satellite", "runners", "meeting_points")


def rows(plan: dict[str, Any]) -> int:
    """The number of rows of a plan (for the log text)."""
    return sum(len(plan.get(k) or []) for k in SECTIONS)
