"""Dependency checks and at_risk propagation (crisis.sites.risk): pure, no app."""

from __future__ import annotations

import random

from crisis.enums import SiteState
from crisis.sites.risk import at_risk_causes, check_dependencies, compute_at_risk

CHAIN = {"a": ["b"], "b": ["c"], "c": []}
DIAMOND = {"top": ["left", "right"], "left": ["bottom"], "right": ["bottom"], "bottom": []}


# --- check_dependencies ---------------------------------------------------


def test_valid_graph_has_no_errors() -> None:
    assert check_dependencies(CHAIN) == []
    assert check_dependencies(DIAMOND) == []
    assert check_dependencies({}) == []


def test_unknown_dependency_names_site_and_key() -> None:
    errors = check_dependencies({"kinna-vv": ["kinna-fs", "nowhere"], "kinna-fs": []})
    assert errors == ['site "kinna-vv" depends on unknown site "nowhere"']


def test_known_keys_may_be_depended_on() -> None:
    assert check_dependencies({"kinna-vv": ["stored-fs"]}, known_keys=["stored-fs"]) == []


def test_self_dependency() -> None:
    errors = check_dependencies({"a": ["a"]})
    assert errors == ['site "a" depends on itself']  # not also reported as a cycle


def test_cycle_is_named_from_its_smallest_key() -> None:
    errors = check_dependencies({"c": ["a"], "a": ["b"], "b": ["c"]})
    assert errors == ["dependency cycle: a -> b -> c -> a"]


def test_every_separate_cycle_is_reported_in_order() -> None:
    graph = {"x": ["y"], "y": ["x"], "a": ["b"], "b": ["a", "c"], "c": ["d"], "d": []}
    assert check_dependencies(graph) == [
        "dependency cycle: a -> b -> a",
        "dependency cycle: x -> y -> x",
    ]


def test_two_cycles_sharing_a_site_are_both_reported() -> None:
    errors = check_dependencies({"a": ["b", "c"], "b": ["a"], "c": ["a"]})
    assert errors == ["dependency cycle: a -> b -> a", "dependency cycle: a -> c -> a"]


def test_all_problem_kinds_together_and_deterministic() -> None:
    graph = {"s": ["s", "ghost"], "p": ["q"], "q": ["p"]}
    expected = [
        'site "s" depends on itself',
        'site "s" depends on unknown site "ghost"',
        "dependency cycle: p -> q -> p",
    ]
    assert check_dependencies(graph) == expected
    assert check_dependencies(dict(reversed(list(graph.items())))) == expected


def test_repeated_dependency_is_one_problem() -> None:
    assert check_dependencies({"a": ["zz", "zz"]}) == ['site "a" depends on unknown site "zz"']


# --- compute_at_risk ------------------------------------------------------


def test_chain_puts_every_dependent_at_risk() -> None:
    assert compute_at_risk(CHAIN, {"c": "down"}) == {"a", "b"}
    assert compute_at_risk(CHAIN, {"b": "degraded"}) == {"a"}


def test_own_status_does_not_make_a_site_at_risk() -> None:
    assert compute_at_risk(CHAIN, {"a": "down"}) == set()


def test_operational_and_unknown_are_not_failing() -> None:
    status = {"a": "operational", "b": SiteState.UNKNOWN, "c": SiteState.OPERATIONAL}
    assert compute_at_risk(CHAIN, status) == set()
    assert compute_at_risk(CHAIN, {}) == set()  # missing status means unknown


def test_enum_values_are_accepted() -> None:
    assert compute_at_risk(CHAIN, {"c": SiteState.DOWN}) == {"a", "b"}


def test_diamond() -> None:
    assert compute_at_risk(DIAMOND, {"bottom": "down"}) == {"left", "right", "top"}
    assert compute_at_risk(DIAMOND, {"left": "degraded"}) == {"top"}


def test_terminates_on_cycles() -> None:
    cycle = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}
    # Every site in the cycle depends, through the others, on the failing one.
    assert compute_at_risk(cycle, {"b": "down"}) == {"a", "b", "c", "d"}
    assert compute_at_risk(cycle, {}) == set()


def test_self_dependency_is_ignored() -> None:
    assert compute_at_risk({"a": ["a"]}, {"a": "down"}) == set()


def test_unknown_dependency_with_a_status_still_counts() -> None:
    # A dependency missing from depends_on (a site without dependencies of
    # its own, or not loaded) still propagates its status.
    assert compute_at_risk({"a": ["stored"]}, {"stored": "down"}) == {"a"}


def test_long_chain_is_fast_and_not_recursive() -> None:
    size = 50_000
    graph = {f"s{i}": [f"s{i + 1}"] for i in range(size)}
    graph[f"s{size}"] = []
    assert len(compute_at_risk(graph, {f"s{size}": "down"})) == size
    assert at_risk_causes(graph, {f"s{size}": "down"}, "s0") == [f"s{size}"]


# --- at_risk_causes -------------------------------------------------------


def test_causes_direct_and_transitive() -> None:
    assert at_risk_causes(CHAIN, {"c": "down"}, "a") == ["c"]
    assert at_risk_causes(CHAIN, {"c": "down", "b": "degraded"}, "a") == ["b", "c"]


def test_causes_empty_when_not_at_risk() -> None:
    assert at_risk_causes(CHAIN, {"a": "down"}, "a") == []
    assert at_risk_causes(CHAIN, {"c": "down"}, "c") == []
    assert at_risk_causes(CHAIN, {"c": "down"}, "not-a-site") == []


def test_causes_in_a_diamond_are_listed_once() -> None:
    status = {"bottom": "down", "right": "degraded"}
    assert at_risk_causes(DIAMOND, status, "top") == ["bottom", "right"]


def test_causes_terminate_on_cycles() -> None:
    assert at_risk_causes({"a": ["b"], "b": ["a"]}, {"b": "down"}, "a") == ["b"]


def test_causes_agree_with_compute_at_risk_on_random_graphs() -> None:
    rng = random.Random(1463)
    states = ["operational", "degraded", "down", "unknown"]
    for _ in range(200):
        keys = [f"k{i}" for i in range(rng.randint(1, 12))]
        graph = {key: rng.sample(keys, rng.randint(0, min(3, len(keys)))) for key in keys}
        status = {key: rng.choice(states) for key in keys if rng.random() < 0.7}
        at_risk = compute_at_risk(graph, status)
        assert {key for key in keys if at_risk_causes(graph, status, key)} == at_risk
