"""Safe YAML loading that remembers where every value came from.

Playbooks and exercise scenarios are written by hand, so their validators must
point at the offending line (``playbooks/elavbrott.yaml:23: tasks[2]...``).
PyYAML's ``safe_load`` throws the positions away, so this module composes the
node tree with the safe loader and builds the plain Python data itself, while
recording the 1-based line of every node under its path tuple, e.g.
``("tasks", 2, "due_in_minutes")``.

Rules, stricter than ``yaml.safe_load``:

* only the standard safe tags are accepted (no ``!!python/...`` or custom tags,
  no ``!!set``/``!!omap``);
* a duplicate key in a mapping is an error (``safe_load`` keeps the last one);
* mapping keys must be strings or integers;
* merge keys (``<<``) are not supported; anchors and aliases are, but a
  recursive alias or an alias bomb is rejected.

Pure module: no Flask, no database.
"""

from __future__ import annotations

import copy
import hashlib
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeAlias

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

PathKey: TypeAlias = str | int
DataPath: TypeAlias = tuple[PathKey, ...]

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# Upper bound on constructed nodes, counting every expansion of an alias, so a
# "billion laughs" document fails fast instead of eating the memory.
MAX_NODES = 100_000
# Upper bound on nesting: no format needs more than a handful of levels, and
# the validators (pydantic, the cross-checks) should never see deeper data.
MAX_DEPTH = 64


class YamlSourceError(ValueError):
    """A document that is not acceptable YAML; ``line`` is 1-based or None."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class SourceDocument:
    """Plain data (dicts, lists, scalars) plus the line of each node by path."""

    data: Any
    lines: Mapping[DataPath, int] = field(default_factory=dict)

    def line_of(self, path: Sequence[object]) -> int | None:
        """Line of the deepest node along ``path`` that exists in the document.

        Path elements that do not name a node (a missing field, or a marker a
        validator added) are skipped, so an error about a missing key points at
        the mapping that should have held it.
        """
        found: DataPath = ()
        for element in path:
            if not isinstance(element, (str, int)) or isinstance(element, bool):
                continue
            candidate = (*found, element)
            if candidate in self.lines:
                found = candidate
        return self.lines.get(found)


def parse_yaml(text: str) -> SourceDocument:
    """Parse one YAML document from ``text``; raise YamlSourceError on any defect."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:  # e.g. a control character
        line = text.count("\n", 0, exc.position) + 1
        raise YamlSourceError(f"YAML error: {exc.reason}", line) from exc
    try:
        root = loader.get_single_node()
        if root is None:
            return SourceDocument(data=None, lines={})
        builder = _Builder(loader)
        data = builder.build(root, ())
        return SourceDocument(data=data, lines=builder.lines)
    except RecursionError:
        # PyYAML composes nested collections recursively: "[[[[...]]]]" a few
        # thousand deep would otherwise escape as a RecursionError.
        raise YamlSourceError("YAML error: the document is nested too deeply") from None
    except yaml.MarkedYAMLError as exc:
        raise _from_marked_error(exc) from exc
    except yaml.YAMLError as exc:
        raise YamlSourceError(f"YAML error: {exc}") from exc
    finally:
        loader.dispose()


# Parsed files by content digest. The playbook catalogue is read whenever an app
# starts and on every reload; PyYAML's pure-Python parser with line tracking is
# the slow part, and the same bytes always give the same document. Bounded; a
# hit hands out a deep copy, so no caller can change another's data.
_CACHE_SIZE = 256
_parsed: OrderedDict[bytes, SourceDocument] = OrderedDict()


def load_yaml_file(path: str | Path) -> SourceDocument:
    """Read ``path`` as UTF-8 (a BOM is allowed) and parse it."""
    raw = Path(path).read_bytes()
    digest = hashlib.sha256(raw).digest()
    cached = _parsed.get(digest)
    if cached is not None:
        _parsed.move_to_end(digest)
        return SourceDocument(data=copy.deepcopy(cached.data), lines=cached.lines)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise YamlSourceError("file is not valid UTF-8 text", line) from exc
    doc = parse_yaml(text)
    _parsed[digest] = SourceDocument(data=copy.deepcopy(doc.data), lines=MappingProxyType(dict(doc.lines)))
    while len(_parsed) > _CACHE_SIZE:
        _parsed.popitem(last=False)
    return doc


def format_path(path: Sequence[object]) -> str:
    """Render a data path the way a reader writes it: ``tasks[2].due_in_minutes``."""
    out = ""
    for element in path:
        if isinstance(element, int) and not isinstance(element, bool):
            out += f"[{element}]"
        else:
            out += f".{element}" if out else str(element)
    return out


def _from_marked_error(exc: yaml.MarkedYAMLError) -> YamlSourceError:
    """Turn PyYAML's multi-line message into one line plus a line number."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    problem = exc.problem or "invalid YAML"
    kind = "YAML error" if isinstance(exc, yaml.constructor.ConstructorError) else "YAML syntax error"
    message = f"{kind}: {problem}"
    if exc.context:
        context = exc.context
        if exc.context_mark is not None and exc.context_mark.line + 1 != line:
            context += f" started on line {exc.context_mark.line + 1}"
        message += f" ({context})"
    return YamlSourceError(message, line)


class _Builder:
    """Walks a composed node tree into plain data, recording lines."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self._loader = loader
        self._active: set[int] = set()
        self._count = 0
        self.lines: dict[DataPath, int] = {}

    def build(self, node: Node, path: DataPath) -> Any:
        self._count += 1
        if self._count > MAX_NODES:
            raise YamlSourceError("document too large (too many nodes or aliases)", _line(node))
        if len(path) > MAX_DEPTH:
            raise YamlSourceError(f"nested too deeply (more than {MAX_DEPTH} levels)", _line(node))
        self.lines.setdefault(path, _line(node))
        if isinstance(node, ScalarNode):
            return self._loader.construct_object(node, deep=True)
        if id(node) in self._active:
            raise YamlSourceError("recursive alias is not allowed", _line(node))
        self._active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            if isinstance(node, SequenceNode):
                return self._sequence(node, path)
        finally:
            self._active.discard(id(node))
        raise YamlSourceError(f"unsupported YAML node {type(node).__name__}", _line(node))

    def _mapping(self, node: MappingNode, path: DataPath) -> dict[PathKey, Any]:
        if node.tag != _MAP_TAG:
            raise YamlSourceError(f"unsupported tag {node.tag!r}", _line(node))
        result: dict[PathKey, Any] = {}
        first_seen: dict[PathKey, int] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            line = _line(key_node)
            if key in first_seen:
                raise YamlSourceError(f"duplicate key {key!r} (first defined on line {first_seen[key]})", line)
            first_seen[key] = line
            child = (*path, key)
            self.lines[child] = line
            result[key] = self.build(value_node, child)
        return result

    def _sequence(self, node: SequenceNode, path: DataPath) -> list[Any]:
        if node.tag != _SEQ_TAG:
            raise YamlSourceError(f"unsupported tag {node.tag!r}", _line(node))
        return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]

    def _key(self, key_node: Node) -> PathKey:
        if not isinstance(key_node, ScalarNode):
            raise YamlSourceError("mapping keys must be plain scalars", _line(key_node))
        if key_node.tag == _MERGE_TAG:
            raise YamlSourceError("merge keys (<<) are not supported", _line(key_node))
        key: object = self._loader.construct_object(key_node, deep=True)
        if isinstance(key, bool) or not isinstance(key, (str, int)):
            raise YamlSourceError(f"mapping key {key_node.value!r} must be text (quote it)", _line(key_node))
        return key


def _line(node: Node) -> int:
    line: int = node.start_mark.line
    return line + 1
