"""Shared machinery for hand-written YAML formats (playbooks, exercise scenarios).

A file is read with :mod:`crisis.yamlsource`, validated against a frozen
pydantic model that forbids unknown keys, and then given format-specific
cross-checks. Every problem comes out as ``(line, "path: message")`` with the
line taken from the YAML source, so a loader can report ``file:line: message``.

Pure module: no Flask, no database.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from inspect import isclass
from pathlib import Path
from types import NoneType, UnionType
from typing import Annotated, Any, TypeAlias, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

from crisis.yamlsource import DataPath, SourceDocument, YamlSourceError, format_path, load_yaml_file

M = TypeVar("M", bound=BaseModel)

# A problem found by a cross-check: where it is (a data path) and what it is.
Issue: TypeAlias = tuple[DataPath, str]
# A problem ready to report: the 1-based line (None if unknown) and the text.
Problem: TypeAlias = tuple[int | None, str]

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
SLUG_MAX_LENGTH = 40
_PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()-]*[0-9]$")
_EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class SourceError:
    """One problem in one file; prints as ``file:line: message``."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}: {self.message}"

    def sort_key(self) -> tuple[str, int]:
        """File, then line; use with a stable sort to keep same-line order."""
        return (self.file, self.line or 0)


class StrictModel(BaseModel):
    """Base for format models: immutable, unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --- value types with messages written for the people who edit the YAML ------


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _fail(kind: str, message: str) -> PydanticCustomError:
    # No context dict: the message is used verbatim, braces and all.
    return PydanticCustomError(kind, message)


def whole_number(minimum: int, requirement: str) -> BeforeValidator:
    """An int (not a bool, not a float, not a string) >= ``minimum``."""

    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise _fail("whole_number", f"{requirement}, got {_shown(value)}")
        return value

    return BeforeValidator(check)


def number_at_least(minimum: float, requirement: str) -> BeforeValidator:
    """An int or float (not a bool, not NaN) >= ``minimum``."""

    def check(value: object) -> float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok or not value >= minimum or value == float("inf"):  # type: ignore[operator]
            raise _fail("number", f"{requirement}, got {_shown(value)}")
        return float(value)  # type: ignore[arg-type]

    return BeforeValidator(check)


def _slug(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        if SLUG_PATTERN.match(value) and len(value) <= SLUG_MAX_LENGTH:
            return value
    raise _fail(
        "slug",
        "must be a short lowercase identifier (a-z, 0-9, single '-' or '_' between, "
        f"at most {SLUG_MAX_LENGTH} characters), got {_shown(value)}",
    )


def _phone(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        digits = sum(ch.isdigit() for ch in value)
        if _PHONE_PATTERN.match(value) and 6 <= digits <= 15:
            return value
    raise _fail("phone", f"must be a phone number in quotes, e.g. '0320-00 01 01', got {_shown(value)}")


def _email(value: object) -> object:
    if isinstance(value, str) and _EMAIL_PATTERN.match(value.strip()):
        return value.strip()
    raise _fail("email", f"must be an e-mail address, got {_shown(value)}")


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, BeforeValidator(_slug)]
Phone = Annotated[str, BeforeValidator(_phone)]
Email = Annotated[str, BeforeValidator(_email)]


# --- reading and validating a file -------------------------------------------


def read_model(
    path: Path,
    model: type[M],
    prepare: Callable[[dict[Any, Any]], dict[Any, Any]],
    check: Callable[[M], list[Issue]],
) -> tuple[M | None, list[Problem]]:
    """Read ``path``, validate it as ``model`` and run ``check`` on the result.

    ``prepare`` may add derived values (such as the key from the file name)
    before validation. Cross-checks run only when the structure is valid.
    Returns the model (None if any problem was found) and the problems,
    sorted by line (same-line problems keep the validator's order).
    """
    try:
        doc = load_yaml_file(path)
    except OSError as exc:
        return None, [(None, f"cannot read file: {exc.strerror or exc}")]
    except YamlSourceError as exc:
        return None, [(exc.line, exc.message)]
    if not isinstance(doc.data, dict):
        found = "an empty file" if doc.data is None else f"a {type(doc.data).__name__}"
        return None, [(doc.line_of(()), f"the top level must be a mapping of fields, found {found}")]
    try:
        result = model.model_validate(prepare(dict(doc.data)))
    except ValidationError as exc:
        return None, _sorted(pydantic_problems(exc, doc, model))
    problems = [(doc.line_of(path), _with_path(path, message)) for path, message in check(result)]
    return (None if problems else result), _sorted(problems)


def pydantic_problems(exc: ValidationError, doc: SourceDocument, model: type[BaseModel]) -> list[Problem]:
    """One ``(line, "path: message")`` per pydantic error, lines from the source."""
    problems: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        problems.append((doc.line_of(loc), _with_path(loc, _describe(error, model))))
    return problems


def _with_path(path: Sequence[object], message: str) -> str:
    shown = format_path(path)
    return f"{shown}: {message}" if shown else message


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: p[0] or 0)


def _describe(error: Any, model: type[BaseModel]) -> str:
    """A message for the person editing the YAML, not for a Python programmer."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field" + _suggestion(model, tuple(error["loc"]))
    if kind == "enum":
        return f"unknown value {_shown(error['input'])}; expected one of {ctx.get('expected', '')}"
    if kind == "string_type":
        return f"must be text (quote values that look like numbers, dates or yes/no), got {_shown(error['input'])}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in ("list_type", "tuple_type"):
        return f"must be a list, got {_shown(error['input'])}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping of fields (name: value), got {_shown(error['input'])}"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length', 1)} item(s)"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number, got {_shown(error['input'])}"
    return str(error["msg"])


def _suggestion(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """``" (did you mean 'title'?)"`` or a list of the allowed fields."""
    allowed = _fields_at(model, loc[:-1])
    if not allowed:
        return ""
    close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return "; allowed fields: " + ", ".join(allowed)


def _fields_at(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """Field names of the model found by following ``loc`` from ``model``."""
    annotation: Any = model
    for element in loc:
        annotation = _unwrap(annotation)
        if isinstance(element, int):
            args = [a for a in get_args(annotation) if a is not Ellipsis]
            annotation = args[0] if args else None
        elif isclass(annotation) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(element)
            annotation = field.annotation if field else None
        else:
            return []
    annotation = _unwrap(annotation)
    if isclass(annotation) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated[...]`` and ``X | None`` down to the inner type."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            rest = [a for a in get_args(annotation) if a is not NoneType]
            if len(rest) != 1:
                return annotation
            annotation = rest[0]
        else:
            return annotation


def find_duplicates(values: Sequence[object]) -> list[tuple[int, int]]:
    """``(index, index_of_first)`` for every repeated value, in order."""
    first: dict[object, int] = {}
    repeats: list[tuple[int, int]] = []
    for index, value in enumerate(values):
        if value in first:
            repeats.append((index, first[value]))
        else:
            first[value] = index
    return repeats


def yaml_files(directory: Path) -> list[Path]:
    """``*.yaml`` and ``*.yml`` directly in ``directory``, sorted by name."""
    return sorted(
        (p for p in directory.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml")),
        key=lambda p: p.name,
    )


def key_from_file(path: Path) -> Callable[[dict[Any, Any]], dict[Any, Any]]:
    """A ``prepare`` step that fills in ``key`` from the file stem if absent."""

    def prepare(data: dict[Any, Any]) -> dict[Any, Any]:
        data.setdefault("key", path.stem)
        return data

    return prepare


def key_matches_file(path: Path, key: str) -> list[Issue]:
    """The rule shared by both formats: the key is the file stem."""
    if key != path.stem:
        return [(("key",), f"must match the file name {path.stem!r} (the key is the file stem)")]
    return []
