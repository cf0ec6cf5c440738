"""The kommun's delegationsordning: the mandates a decision may be taken under.

A YAML file (`CRISIS_DELEGATION_FILE`, shipped as config/delegationsordning.yaml)
lists each mandate: its key, its Swedish label as shown in the log, the
decision types it covers, for level decisions the highest level it reaches,
and the body a decision under it must be reported to (anmälan). The file is
validated when the app starts; every problem names file:line.

Pure module: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from crisis.enums import LEVEL_ORDER, DecisionType, Level
from crisis.playbooks.validation import Issue, Slug, Text, read_model


class DelegationError(ValueError):
    """The delegation file is broken; the message lists every problem as file:line: text."""


class _MandateModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: Slug
    label: Text
    types: list[DecisionType] = Field(min_length=1)
    max_level: Level | None = None
    report_to: Text | None = None


class _FileModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kommun: Text | None = None
    mandates: list[_MandateModel] = Field(min_length=1)


@dataclass(frozen=True)
class Mandate:
    key: str
    label: str
    types: tuple[DecisionType, ...]
    max_level: Level | None
    report_to: str | None

    def covers(self, type: DecisionType) -> bool:
        return type in self.types

    def reaches(self, level: Level) -> bool:
        """Whether a level decision up to `level` is within this mandate."""
        return self.max_level is None or LEVEL_ORDER.index(level) <= LEVEL_ORDER.index(self.max_level)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "types": [t.value for t in self.types],
            "max_level": self.max_level.value if self.max_level else None,
            "report_to": self.report_to,
        }


def _check(model: _FileModel) -> list[Issue]:
    issues: list[Issue] = []
    seen: set[str] = set()
    for i, m in enumerate(model.mandates):
        if m.key in seen:
            issues.append((("mandates", i, "key"), f"duplicate key {m.key!r}"))
        seen.add(m.key)
        if m.max_level is not None and DecisionType.LEVEL not in m.types:
            issues.append((("mandates", i, "max_level"), "max_level only applies to a mandate covering 'level'"))
    return issues


def load(path: str | Path) -> tuple[Mandate, ...]:
    """Read and validate the delegation file; raise DelegationError listing every problem."""
    path = Path(path)
    model, problems = read_model(path, _FileModel, lambda data: data, _check)
    if model is None:
        lines = [f"{path}:{line or 1}: {message}" for line, message in problems]
        raise DelegationError("\n".join(lines) or f"{path}: invalid")
    return tuple(
        Mandate(
            key=m.key,
            label=m.label,
            types=tuple(m.types),
            max_level=m.max_level,
            report_to=m.report_to,
        )
        for m in model.mandates
    )
