"""The authorization matrix (crisis/auth/matrix.py) against the running app:

(a) every page endpoint in app.url_map, every operation in /api/openapi.json and every
    Socket.IO event handler is in the table (a new unlisted route fails, named);
(b) each role (and an anonymous visitor) x each entry is actually allowed (not 401/403,
    not sent to the login page) or refused (403 / login page / socket error) as the
    table says, with real ids from the Marks kommun demo data;
(c) README.md's role table is the one rendered from the table.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from crisis.auth import matrix
from crisis.enums import Role
from tests.conftest import PASSWORD, IsolatedSocketClient, make_app

ROOT = Path(__file__).resolve().parents[2]
# The demo user of each role.
DEMO_LOGIN = {
    Role.ADMIN: "admin",
    Role.LEADER: "chef",
    Role.STAFF: "stab",
    Role.DUTY_OFFICER: "tib",
    Role.EXERCISE_CONTROL: "ovning",
    Role.OBSERVER: "observator",
    Role.REPORTER: "rapportor",
}
# Endpoints that end the session they are called with: log in again afterwards.
SESSION_ENDING = {"auth.logout", "auth.logout_everywhere"}
HINT = "add it to crisis/auth/matrix.py ({table}) with the rule saying which roles may use it"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: Any) -> Any:
    """An app with the demo data (every domain's), known passwords, and real ids."""
    from crisis import seed
    from crisis.auth import service as users
    from crisis.extensions import db

    tmp = tmp_path_factory.mktemp("authz")
    app = make_app(tmp)
    saved = seed._logins_file
    seed._logins_file = lambda: tmp / "demo-logins.txt"  # type: ignore[assignment]
    try:
        with app.app_context():
            db.create_all()
            assert seed.seed_demo()
            for name in DEMO_LOGIN.values():
                users.update(user_id=users.get_by_username(username=name).id, password=PASSWORD)
            yield app, _real_ids(tmp)
            db.session.remove()
            db.engine.dispose()
    finally:
        seed._logins_file = saved  # type: ignore[assignment]


def _first(model: Any, column: Any = None) -> Any:
    from crisis.extensions import db

    col = column if column is not None else model.id
    value = db.session.scalar(sa.select(col).order_by(model.id).limit(1))
    return value if value is not None else 1  # none in the demo: the request is a 404, still not refused


def _real_ids(tmp: Path) -> dict[str, Any]:
    from crisis.actors.models import Actor, Conference, ConferenceFile
    from crisis.auth import service as users
    from crisis.decisions.models import Decision
    from crisis.drills.models import Drill
    from crisis.exercises.models import Exercise, Finding, InjectDelivery
    from crisis.inbox.models import Deviation
    from crisis.incidents.models import Incident
    from crisis.lessons.models import Lesson
    from crisis.log.models import LogEntry
    from crisis.meetings.models import Meeting
    from crisis.messages.models import Message, VmaRequest
    from crisis.playbooks import registry
    from crisis.points.models import ServicePoint
    from crisis.reports.models import Report
    from crisis.requests.models import ResourceRequest
    from crisis.rsa.models import RsaMeasure, RsaRisk
    from crisis.sites.models import Site
    from crisis.staffing.models import Handover, Position
    from crisis.tasks.models import Task
    from crisis.training.models import TrainingActivity

    reporter = users.get_by_username(username="rapportor")
    own_token, _plain = users.create_token(user_id=reporter.id, name="matrix (api)")
    page_token, _plain2 = users.create_token(user_id=reporter.id, name="matrix (admin page)")
    return {
        "incident_id": _first(Incident),
        "n": _first(LogEntry, LogEntry.number),
        "site_id": _first(Site),
        "decision_id": _first(Decision),
        "task_id": _first(Task),
        "report_id": _first(Report),
        "meeting_id": _first(Meeting),
        "actor_id": _first(Actor),
        "conference_id": _first(Conference),
        "file_id": _first(ConferenceFile),
        "request_id": _first(ResourceRequest),
        "message_id": _first(Message),
        "vma_id": _first(VmaRequest),
        "point_id": _first(ServicePoint),
        "lesson_id": _first(Lesson),
        "exercise_id": _first(Exercise),
        "drill_id": _first(Drill),
        "token": "matrix-unknown-acknowledgement-token-0000000",
        "handover_id": _first(Handover),
        "deviation_id": _first(Deviation),
        "position": _first(Position, Position.key),
        "version": 1,
        "key": sorted(registry.catalog().playbooks)[0],
        "token_id": own_token.id,
        "page_token_id": page_token.id,
        "user_id": users.get_by_username(username="dagbok").id,
        "code": "sv",
        "filename": "css/krisrum.css",
        "inject_id": _first(InjectDelivery, InjectDelivery.inject_id),
        "finding_id": _first(Finding),
        "activity_id": _first(TrainingActivity),
        "risk_id": _first(RsaRisk),
        "measure_id": _first(RsaMeasure),
        "year": 2025,
    }


def _fill(rule: str, ids: dict[str, Any], endpoint: str = "") -> str:
    """A URL of the rule (Flask `<int:x>` or OpenAPI `{x}`) with real ids."""

    def value(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        if name == "token_id" and endpoint == "auth.admin_tokens_revoke":
            name = "page_token_id"
        return str(ids[name])

    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>|{([a-z_]+)}", value, rule)


class Clients:
    """One logged-in test client per role (None: anonymous), logged in again when needed."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._by_role: dict[Role | None, Any] = {}

    def get(self, role: Role | None) -> Any:
        if role not in self._by_role:
            client = self.app.test_client()
            if role is not None:
                resp = client.post("/api/v1/auth/login", json={"username": DEMO_LOGIN[role], "password": PASSWORD})
                assert resp.status_code == 200, resp.get_json()
            self._by_role[role] = client
        return self._by_role[role]

    def forget(self, role: Role | None) -> None:
        self._by_role.pop(role, None)


ROLES_AND_ANON: list[Role | None] = [*Role, None]


def _is_login_redirect(resp: Any) -> bool:
    return resp.status_code in (301, 302, 303) and "/login" in resp.headers.get("Location", "")


def _refused_by_gate(resp: Any) -> bool:
    return resp.status_code == 403 and resp.headers.get("X-Krisrum-Refused") == "role"


# --- (a) everything is in the table -------------------------------------------------------------


def _app_pages(app: Any) -> dict[str, Any]:
    return {r.endpoint: r for r in app.url_map.iter_rules() if not r.endpoint.startswith("api.")}


def _app_operations(app: Any) -> list[str]:
    spec = app.test_client().get("/api/openapi.json").get_json()
    return [
        matrix.api_key(method, path)
        for path, ops in spec["paths"].items()
        for method in ops
        if method in ("get", "post", "put", "patch", "delete")
    ]


def _socket_events() -> list[str]:
    from crisis.extensions import socketio

    return sorted(h[0] for h in socketio.handlers if h[2] in (None, "/"))


def test_every_page_operation_and_socket_event_is_in_the_matrix(seeded):
    app, _ids = seeded
    problems = []
    pages = _app_pages(app)
    for endpoint, rule in sorted(pages.items()):
        if endpoint not in matrix.PAGES:
            problems.append(f"page {endpoint} ({rule.rule}) is not in the matrix: " + HINT.format(table="PAGES"))
    for endpoint in sorted(set(matrix.PAGES) - set(pages) - matrix.OPTIONAL_PAGES):
        problems.append(f"matrix PAGES lists {endpoint}, which the app does not have: remove it")
    ops = _app_operations(app)
    for key in ops:
        if key not in matrix.API:
            problems.append(f"API operation {key} is not in the matrix: " + HINT.format(table="API"))
    for key in sorted(set(matrix.API) - set(ops)):
        problems.append(f"matrix API lists {key}, which /api/openapi.json does not have: remove it")
    events = _socket_events()
    for event in events:
        if event not in matrix.SOCKET:
            problems.append(f"Socket.IO event {event!r} is not in the matrix: " + HINT.format(table="SOCKET"))
    for event in sorted(set(matrix.SOCKET) - set(events)):
        problems.append(f"matrix SOCKET lists {event!r}, which has no handler: remove it")
    assert not problems, "\n".join(problems)


def test_the_completeness_check_names_a_new_route():
    """The test above can fail: an unlisted route added to an app is named. (A bare Flask
    app: a second Krisrum app would reset the shared PostgreSQL test database.)"""
    from flask import Flask

    app = Flask(__name__)

    @app.route("/ny-sida")
    def brand_new_page() -> str:
        return "x"

    missing = [e for e in _app_pages(app) if e not in matrix.PAGES]
    assert missing == ["brand_new_page"]


def test_the_matrix_agrees_with_each_operations_declared_permission(seeded):
    """A write refused by body validation (the role check happens in the service) cannot show
    a too generous entry in (b); so an operation whose `@operation(perm=...)` names exactly one
    permission must have exactly that permission in the matrix."""
    from crisis.api import REGISTRY
    from crisis.auth.permissions import Perm

    problems = []
    for op in REGISTRY:
        if op.perm not in {p.value for p in Perm}:
            continue  # public, any login, or a described combination: checked by (b)
        key = matrix.api_key(op.method, op.path)
        rule = matrix.API.get(key)
        if rule is None:
            continue  # named by the completeness test
        if rule.perms != {Perm(op.perm)} or rule.roles or rule.login or rule.public:
            problems.append(f"{key}: the operation declares perm={op.perm!r}, the matrix says {rule}")
    assert not problems, "\n".join(problems)


# --- (b) each role x each entry, against the running app -----------------------------------------


def test_each_role_is_allowed_or_refused_as_the_matrix_says(seeded, capsys):
    app, ids = seeded
    clients = Clients(app)
    failures: list[str] = []
    checked = 0
    pages = _app_pages(app)

    def page_request(endpoint: str, role: Role | None) -> Any:
        rule = pages[endpoint]
        url = _fill(rule.rule, ids, endpoint)
        client = clients.get(role)
        resp = client.get(url) if "GET" in rule.methods else client.post(url, data={})
        if endpoint in SESSION_ENDING:
            clients.forget(role)
        return resp

    def api_request(key: str, role: Role | None) -> Any:
        method, path = key.split(" ", 1)
        url = _fill(path, ids)
        client = clients.get(role)
        if method in ("POST", "PUT", "PATCH"):
            return client.open(url, method=method, json={}, headers={"Accept": "application/json"})
        return client.open(url, method=method, headers={"Accept": "application/json"})

    # Reads first, then writes (a write may change what a later request finds).
    page_order = sorted(pages, key=lambda e: ("GET" not in pages[e].methods, e in SESSION_ENDING, e))
    api_order = sorted(matrix.API, key=lambda k: (not k.startswith("GET "), k))
    for kind, keys, rules, send in (
        ("page", page_order, matrix.PAGES, page_request),
        ("API", api_order, matrix.API, api_request),
    ):
        for key in keys:
            rule = rules[key]
            for role in ROLES_AND_ANON:
                who = role.value if role else "anonymous"
                resp = send(key, role)
                checked += 1
                status = resp.status_code
                where = f"{kind} {key} as {who}: {status}"
                if status >= 500:
                    failures.append(f"{where} (a server error)")
                elif rule.allows(role):
                    ended = key in SESSION_ENDING  # a logout's answer is the login page
                    if status == 401 or (_is_login_redirect(resp) and not ended) or _refused_by_gate(resp):
                        failures.append(f"{where}, but the matrix allows {who}")
                    elif status == 403 and not rule.conditional:
                        failures.append(f"{where}: the service refuses {who}, the matrix allows (unconditionally)")
                elif role is None:
                    if not (status == 401 if kind == "API" else _is_login_redirect(resp)):
                        failures.append(f"{where}, expected {'401' if kind == 'API' else 'the login page'}")
                elif not _refused_by_gate(resp):
                    failures.append(f"{where}, but the matrix refuses {who}")

    checked += _check_sockets(app, clients, ids, failures)
    with capsys.disabled():
        print(f"\nauthorization matrix: {checked} role x entry checks ({len(ROLES_AND_ANON)} roles incl. anonymous)")
    assert not failures, f"{len(failures)} of {checked} checks differ from the matrix:\n" + "\n".join(failures)


def _check_sockets(app: Any, clients: Clients, ids: dict[str, Any], failures: list[str]) -> int:
    from crisis.extensions import socketio

    payloads = {"join": {"incident": ids["incident_id"], "since": 0}, "join_inbox": {}, "leave": {"incident": 1}}
    checked = 0
    for role in ROLES_AND_ANON:
        who = role.value if role else "anonymous"
        client = clients.get(role)
        sock = IsolatedSocketClient(lambda c=client: socketio.test_client(app, flask_test_client=c))
        connected = sock.is_connected()
        checked += 1
        if connected != matrix.SOCKET["connect"].allows(role):
            failures.append(f"socket connect as {who}: connected={connected}, the matrix says the opposite")
        if not connected:
            checked += len(payloads)  # every event of a refused connection is refused
            continue
        for event, payload in payloads.items():
            checked += 1
            ack = sock.emit(event, payload, callback=True)
            ok = isinstance(ack, dict) and ack.get("ok") is True
            if ok != matrix.SOCKET[event].allows(role):
                failures.append(f"socket {event} as {who}: {ack}, the matrix says the opposite")
        sock.disconnect()
    return checked


def test_the_gate_refuses_before_the_body_is_read(seeded):
    """A refused role gets 403 even for a malformed body: nothing of the request is parsed."""
    app, ids = seeded
    client = Clients(app).get(Role.OBSERVER)
    resp = client.post(f"/api/v1/incidents/{ids['incident_id']}/log", data="{not json", content_type="application/json")
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "forbidden"


def test_a_reporter_reaches_only_the_report_form(seeded):
    app, _ids = seeded
    client = Clients(app).get(Role.REPORTER)
    start = client.get("/")
    assert start.status_code == 302 and start.headers["Location"].endswith("/inbox/new")
    page = client.get("/inbox/new").get_data(as_text=True)
    assert "Rapportera" in page and "/incidents" not in page
    refused = client.get("/sites")
    assert refused.status_code == 403 and "Rapportör" in refused.get_data(as_text=True)


# --- (c) the README's role table ------------------------------------------------------------------


def test_the_readme_role_table_is_the_matrix():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## What the roles may do\n", 1)[1].split("\n## ", 1)[0]
    lines = section.strip().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append(line)
    expected = matrix.readme_table()
    assert "\n".join(table) == expected, (
        "README.md's role table differs from crisis/auth/matrix.py (README_ROWS); put this under "
        f"'## What the roles may do':\n{expected}\n\nREADME has:\n" + "\n".join(table)
    )
