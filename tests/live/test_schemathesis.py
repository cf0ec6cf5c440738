"""schemathesis against a live server, once per role: no request may get a 5xx, and every answer must match
/api/openapi.json (status code, content type, body schema).

A fresh server (own SQLite file; the PostgreSQL database when CRISIS_TEST_DATABASE_URL is set) with the Marks kommun demo data, so ids exist; every role of
crisis.enums.Role gets a bearer token, so a role added later is fuzzed too. Each operation is fuzzed with
valid data (schemathesis' positive mode: path ids half the time taken from the demo data, half generated)
and with invalid data (negative mode: only "no 5xx" and "the error answer matches the schema" apply, since
a mutated request that happens to be valid may well succeed). Generation is derandomized, so a run is
repeatable; every failure is collected (no shrinking) and all are reported at once with a curl command.

Writes go through (the incident may be closed, a report sent, an exercise ended): nothing else shares the
server. The few operations that would revoke the test's own credentials are left out (DISRUPTIVE), and the
test checks at the end that every token still works.

KRISRUM_FUZZ_EXAMPLES (default 3) is the number of valid examples per operation and role where the role has the
operation's permission (invalid ones: half of it); where it lacks it, one of each (a 403 must be all it gets). The
roles are split over KRISRUM_FUZZ_PROCESSES (default 3) processes, so the client generates while the server
answers; the default keeps the run to about three minutes on two cores.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from crisis.enums import Role
from tests.conftest import PG_URL, _reset_pg
from tests.livehelpers import LiveServer

pytestmark = [pytest.mark.live, pytest.mark.slow, pytest.mark.timeout(900)]

EXAMPLES = int(os.environ.get("KRISRUM_FUZZ_EXAMPLES", "3"))
PROCESSES = int(os.environ.get("KRISRUM_FUZZ_PROCESSES", "3"))

# Operations that end the test's own access (method, path regex): fuzzing them would turn the rest of the run into
# 401s. None of them exists yet in every branch; the list is by pattern so the ones added later are covered.
DISRUPTIVE = [
    ("DELETE", r"/api/v1/tokens/\{[^}]+\}"),
    ("POST", r"/api/v1/auth/logout.*"),
    ("POST", r"/api/v1/users/\{[^}]+\}/(deactivate|logout-everywhere|role|password).*"),
    ("PATCH", r"/api/v1/users/\{[^}]+\}"),
    ("PUT", r"/api/v1/users/\{[^}]+\}"),
    ("DELETE", r"/api/v1/users/\{[^}]+\}"),
]

# Known ids from the demo data, by path parameter name: (list URL, field).
KNOWN_SOURCES = {
    "incident_id": ("/api/v1/incidents", "id"),
    "exercise_id": ("/api/v1/exercises", "id"),
    "deviation_id": ("/api/v1/deviations", "id"),
    "lesson_id": ("/api/v1/lessons", "id"),
    "activity_id": ("/api/v1/training/activities", "id"),
    "risk_id": ("/api/v1/rsa/risks", "id"),
    "key": ("/api/v1/playbooks", "key"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # On PostgreSQL in CI's PostgreSQL pass (where overflows and type errors differ from SQLite's), else SQLite.
    if PG_URL:
        _reset_pg(PG_URL)
    live = LiveServer(tmp_path_factory.mktemp("fuzz"), db_url=PG_URL or None, env={"KRISRUM_TEST_DEMO": "1"})
    live.start(timeout=90)
    yield live
    live.stop()


def _items(resp: Any) -> list[dict[str, Any]]:
    if resp.status_code != 200:
        return []
    body = resp.json()
    if isinstance(body, dict) and "items" in body:
        return list(body["items"])
    if isinstance(body, dict) and "features" in body:
        return [f["properties"] for f in body["features"]]
    return []


def _known_ids(server: LiveServer) -> dict[str, list[Any]]:
    """Ids that exist, per path parameter name, so the fuzzer reaches past the 404."""
    api = server.api("admin")
    url = server.url
    known: dict[str, list[Any]] = {}
    for name, (path, field) in KNOWN_SOURCES.items():
        known[name] = [item[field] for item in _items(api.get(url + path))][:3]
    known["measure_id"] = [m["id"] for r in _items(api.get(url + "/api/v1/rsa/risks")) for m in r["measures"]][:3]
    sites = _items(api.get(url + "/api/v1/sites"))
    known["site_id"] = [s.get("id", s.get("key")) for s in sites][:3]
    for iid in known["incident_id"][:1]:
        base = f"{url}/api/v1/incidents/{iid}"
        known["task_id"] = [t["id"] for t in _items(api.get(base + "/tasks"))][:3]
        known["report_id"] = [r["id"] for r in _items(api.get(base + "/reports"))][:3]
        known["decision_id"] = [d["id"] for d in _items(api.get(base + "/decisions"))][:3]
        known["meeting_id"] = [m["id"] for m in _items(api.get(base + "/meetings"))][:3]
        known["n"] = [e["number"] for e in _items(api.get(base + "/log"))][:3]
        known["position"] = [p["key"] for p in _items(api.get(base + "/staffing"))][:3]
    return {k: v for k, v in known.items() if v}


def _seed_more(server: LiveServer) -> None:
    """What the demo lacks and the fuzzer should reach: a task, a meeting, a lesson, a deviation."""
    api, url = server.api("leader"), server.url
    iid = _items(api.get(url + "/api/v1/incidents"))[0]["id"]
    api.post(f"{url}/api/v1/incidents/{iid}/tasks", json={"title": "Ring Elnätsbolaget", "position": "samverkan"})
    api.post(f"{url}/api/v1/incidents/{iid}/meetings", json={"scheduled_at": "2026-11-24T16:00:00+01:00"})
    api.post(url + "/api/v1/lessons", json={"observation": "Reservkraft saknades i Skene", "owner": "Teknik"})
    api.post(
        url + "/api/v1/deviations",
        json={"what": "Tryckfall i Fritsla", "contact": "VA-jouren", "organisation": "Mark Vatten AB"},
    )


def _disruptive(method: str, path: str) -> bool:
    return any(method.upper() == m and re.fullmatch(p, path) for m, p in DISRUPTIVE)


def _allowed(role: str, description: str | None) -> bool:
    """Whether the role holds the permission the operation's description names (none named: yes)."""
    from crisis.auth.permissions import ROLE_PERMS, Perm

    m = re.search(r"Requires the permission `([a-z_]+)`", description or "")
    return m is None or Perm(m.group(1)) in ROLE_PERMS[Role(role)]


def _fuzz_roles(job: tuple[str, dict[str, str], dict[str, list[Any]], list[str], str]) -> dict[str, Any]:
    """Fuzz every operation as each of `roles`, in a process of its own. Returns counts and failures."""
    url, tokens, known, roles, home = job
    import hypothesis
    import hypothesis.configuration
    import requests
    import schemathesis
    from hypothesis import HealthCheck, Phase
    from hypothesis import strategies as st
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.failures import Failure, FailureGroup
    from schemathesis.generation import GenerationMode
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    hypothesis.configuration.set_hypothesis_home_dir(home)
    schema = schemathesis.openapi.from_url(url + "/api/openapi.json")
    operations = [r.ok() for r in schema.get_all_operations()]
    skipped = [f"{op.method.upper()} {op.path}" for op in operations if _disruptive(op.method, op.path)]
    operations = [op for op in operations if not _disruptive(op.method, op.path)]

    positive_checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    negative_checks = [not_a_server_error, response_schema_conformance]
    sent: Counter[str] = Counter()
    failures: dict[str, str] = {}
    errors: list[str] = []
    no_negative: set[str] = set()
    settings = hypothesis.settings(
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
    )
    session = requests.Session()

    def fuzz(op: Any, role: str, mode: Any, examples: int, checks: list[Any]) -> None:
        headers = {"Authorization": "Bearer " + tokens[role], "Accept": "application/json"}
        label = f"{op.method.upper()} {op.path}"
        strategies = [op.as_strategy(generation_mode=mode)]
        path_names = [p.name for p in op.path_parameters]
        if path_names and all(n in known for n in path_names):
            fixed = st.fixed_dictionaries({n: st.sampled_from(known[n]) for n in path_names})
            strategies.insert(0, fixed.flatmap(lambda pp: op.as_strategy(generation_mode=mode, path_parameters=pp)))

        @hypothesis.settings(settings, max_examples=examples)
        @hypothesis.given(case=st.one_of(strategies))
        def run(case: Any) -> None:
            try:
                response = case.call(base_url=url, session=session, headers=headers, timeout=30)
            except requests.RequestException as exc:
                errors.append(f"{role} {label}: {type(exc).__name__}: {exc}")
                return
            sent[role] += 1
            try:
                case.validate_response(response, checks=checks, headers=headers)
            except (FailureGroup, Failure) as exc:
                group = exc.exceptions if isinstance(exc, FailureGroup) else [exc]
                for failure in group:
                    key = f"{type(failure).__name__} {label} {response.status_code}"
                    failures.setdefault(key, f"[{role}] {failure.title}\n{str(exc)[:1500]}")

        try:
            run()
        except hypothesis.errors.Unsatisfiable:
            # Nothing of the operation can be made invalid (e.g. a GET without parameters, such as the
            # CAP feed): it has no negative case. A positive run is never unsatisfiable.
            if mode != GenerationMode.NEGATIVE:
                raise
            no_negative.add(label)

    for role in roles:
        for op in operations:
            n = EXAMPLES if _allowed(role, op.definition.raw.get("description")) else 1
            fuzz(op, role, GenerationMode.POSITIVE, n, positive_checks)
            fuzz(op, role, GenerationMode.NEGATIVE, max(1, n // 2), negative_checks)
    return {
        "operations": len(operations),
        "skipped": skipped,
        "sent": dict(sent),
        "failures": failures,
        "errors": errors,
        "no_negative": sorted(no_negative),
    }


def test_no_server_error_and_every_answer_matches_the_spec(server: LiveServer) -> None:
    started = time.monotonic()
    _seed_more(server)
    known = _known_ids(server)
    roles = [r.value for r in Role]
    tokens = server.info["tokens"]
    assert sorted(tokens) == sorted(roles), "serve_app makes a token for every role"

    home = str(server.workdir / "hypothesis")
    jobs = [(server.url, tokens, known, roles[i::PROCESSES], home) for i in range(min(PROCESSES, len(roles)))]
    # fork: the workers inherit the imported app modules; each has its own Hypothesis engine.
    with multiprocessing.get_context("fork").Pool(len(jobs)) as pool:
        results = pool.map(_fuzz_roles, jobs)

    sent: Counter[str] = Counter()
    failures: dict[str, str] = {}
    errors: list[str] = []
    for r in results:
        sent.update(r["sent"])
        for key, text in r["failures"].items():
            failures.setdefault(key, text)
        errors += r["errors"]
    operations, skipped = results[0]["operations"], results[0]["skipped"]
    no_negative = sorted({label for r in results for label in r["no_negative"]})

    # The run must not have revoked its own access (a new DISRUPTIVE operation would show here).
    still = {role: server.api(role).get(server.url + "/api/v1/auth/me").status_code for role in roles}
    elapsed = time.monotonic() - started
    summary = (
        f"schemathesis: {operations} operations x {len(roles)} roles ({', '.join(roles)}), "
        f"{sum(sent.values())} requests ({dict(sent)}), {len(failures)} distinct failures, "
        f"{len(skipped)} left out ({', '.join(skipped) or 'none'}), "
        f"{len(no_negative)} without an invalid variant ({', '.join(no_negative) or 'none'}), {elapsed:.0f} s"
    )
    print("\n" + summary)
    assert not errors, "\n".join(errors[:20])
    assert all(code == 200 for code in still.values()), f"a fuzzed write revoked the test's access: {still}"
    assert not failures, f"{summary}\n\n" + "\n\n".join(failures[k] for k in sorted(failures))
