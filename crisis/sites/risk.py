"""Dependency analysis for sites: validation of the graph and `at_risk`.

A site lists the keys of the sites it needs (`depends_on`): a care home needs
its water works, the water works needs its substation. When a site is
degraded or down, everything that needs it, directly or through others, is
shown `at_risk` so the staff see consequences before they are reported.

Pure module: no Flask, no database. Keys are plain strings and statuses are
the `SiteState` values (plain strings are accepted too), so the same
functions serve the importer, the service layer and the tests.

Cycles are rejected when sites are written, but the functions here still
terminate on them: stored data may predate a rule, and a crisis tool must
not hang because of bad data.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from crisis.enums import FAILING_SITE_STATES

_FAILING: frozenset[str] = frozenset(str(state) for state in FAILING_SITE_STATES)


class ProblemKind(StrEnum):
    UNKNOWN = "unknown"
    SELF = "self"
    CYCLE = "cycle"


@dataclass(frozen=True, slots=True)
class DependencyProblem:
    """One thing wrong with a dependency graph, kept structured so that
    callers (the importer) can say *where* it is, not only *what* it is."""

    kind: ProblemKind
    key: str
    missing: str | None = None  # the unknown key, for ProblemKind.UNKNOWN
    cycle: tuple[str, ...] = ()  # a -> b -> a is ("a", "b", "a"), for CYCLE

    @property
    def detail(self) -> str:
        """The message without the site's name, for callers that prefix
        their own location (e.g. `feature 3 (key "x"): ...`)."""
        if self.kind is ProblemKind.UNKNOWN:
            return f'depends on unknown site "{self.missing}"'
        if self.kind is ProblemKind.SELF:
            return "depends on itself"
        return f"is part of the dependency cycle {format_cycle(self.cycle)}"

    @property
    def message(self) -> str:
        if self.kind is ProblemKind.CYCLE:
            return f"dependency cycle: {format_cycle(self.cycle)}"
        return f'site "{self.key}" {self.detail}'


def format_cycle(cycle: Sequence[str]) -> str:
    return " -> ".join(cycle)


def find_dependency_problems(
    depends_on: Mapping[str, Sequence[str]],
    known_keys: Iterable[str] = (),
) -> list[DependencyProblem]:
    """Unknown keys, self-dependencies and cycles, in a deterministic order.

    `known_keys` are further keys that may be depended on although they are
    not in `depends_on` (e.g. sites already in the database when a file is
    imported); their own dependencies are unknown here, so they end a path.
    Sites are examined in sorted key order, so the output does not depend on
    dict order.
    """
    known = set(depends_on) | set(known_keys)
    problems: list[DependencyProblem] = []
    for key in sorted(depends_on):
        for dep in _unique(depends_on[key]):
            if dep == key:
                problems.append(DependencyProblem(ProblemKind.SELF, key))
            elif dep not in known:
                problems.append(DependencyProblem(ProblemKind.UNKNOWN, key, missing=dep))
    for cycle in _find_cycles(depends_on):
        problems.append(DependencyProblem(ProblemKind.CYCLE, cycle[0], cycle=cycle))
    return problems


def check_dependencies(
    depends_on: Mapping[str, Sequence[str]],
    known_keys: Iterable[str] = (),
) -> list[str]:
    """Human-readable errors for the graph; an empty list means it is fine.

    Reports every dependency on an unknown key, every self-dependency and the
    cycles found (see `_find_cycles` for which ones)."""
    return [problem.message for problem in find_dependency_problems(depends_on, known_keys)]


def _unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order without repeats: a site listed twice as a
    dependency is one dependency, and must not give two error messages."""
    return list(dict.fromkeys(items))


def _find_cycles(depends_on: Mapping[str, Sequence[str]]) -> list[tuple[str, ...]]:
    """Cycles of two or more sites, each rotated to start at its smallest key.

    An iterative depth-first search in sorted order; every back edge closes
    one cycle. This reports at least one cycle through every strongly
    connected component (listing every elementary cycle can be exponential,
    and one named cycle is enough to fix the data), and it stays O(V+E)
    apart from writing out the cycles. Self-loops are reported separately.
    """
    white, grey, black = 0, 1, 2
    colour: dict[str, int] = {}
    found: dict[tuple[str, ...], None] = {}
    for root in sorted(depends_on):
        if colour.get(root, white) != white:
            continue
        path: list[str] = [root]
        colour[root] = grey
        stack: list[Iterator[str]] = [iter(sorted(set(depends_on.get(root, ()))))]
        while stack:
            dep = next(stack[-1], None)
            if dep is None:
                stack.pop()
                colour[path.pop()] = black
                continue
            if dep == path[-1]:
                continue  # a self-loop: reported as a self-dependency
            state = colour.get(dep, white)
            if state == grey:
                cycle = path[path.index(dep) :]
                found[_rotate(cycle)] = None
            elif state == white and dep in depends_on:
                colour[dep] = grey
                path.append(dep)
                stack.append(iter(sorted(set(depends_on[dep]))))
    return sorted(found)


def _rotate(cycle: list[str]) -> tuple[str, ...]:
    """The cycle starting at its smallest key and closed (`a b c` becomes
    `a b c a`), so the same cycle found from different sites is one entry."""
    start = cycle.index(min(cycle))
    ordered = cycle[start:] + cycle[:start]
    return (*ordered, ordered[0])


def is_failing(state: str | None) -> bool:
    """Whether a status makes the sites that depend on it at risk. Missing
    status means `unknown`, which is not failing."""
    return state is not None and str(state) in _FAILING


def compute_at_risk(
    depends_on: Mapping[str, Sequence[str]],
    status: Mapping[str, str],
) -> set[str]:
    """Keys of sites with a failing dependency, direct or transitive.

    Breadth-first search over the reversed graph from every failing site:
    each edge is followed at most once, so this is O(V+E) and terminates on
    cycles. A site's own status never puts it at risk (a self-dependency is
    ignored); in a cycle through a failing site, that site depends on itself
    through the others and is at risk like them.
    """
    dependents = _reverse(depends_on)
    queue: deque[str] = deque(key for key, state in status.items() if is_failing(state))
    expanded: set[str] = set(queue)
    at_risk: set[str] = set()
    while queue:
        for dependent in dependents.get(queue.popleft(), ()):
            at_risk.add(dependent)
            if dependent not in expanded:
                expanded.add(dependent)
                queue.append(dependent)
    return at_risk


def _reverse(depends_on: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """dependency -> the sites that depend on it directly."""
    dependents: dict[str, list[str]] = {}
    for key, deps in depends_on.items():
        for dep in _unique(deps):
            if dep != key:  # a self-loop must not make a site its own cause
                dependents.setdefault(dep, []).append(key)
    return dependents


def at_risk_causes(
    depends_on: Mapping[str, Sequence[str]],
    status: Mapping[str, str],
    key: str,
) -> list[str]:
    """The failing sites that put `key` at risk, sorted by key, for the site
    panel ("at risk because: X down"). Empty when `key` is not at risk.

    A depth-first walk of `key`'s dependencies, each site visited once. It
    keeps walking past a failing site, because a failing site's own failing
    dependencies are causes too (the root cause is often further down).
    """
    causes: set[str] = set()
    seen: set[str] = {key}
    stack: list[str] = [dep for dep in _unique(depends_on.get(key, ())) if dep != key]
    while stack:
        dep = stack.pop()
        if is_failing(status.get(dep)):
            causes.add(dep)
        if dep in seen:
            continue
        seen.add(dep)
        stack.extend(depends_on.get(dep, ()))
    return sorted(causes)
