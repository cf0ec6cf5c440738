"""Shared fixtures: a fresh app and database per test, users for every role,
logged-in API clients, Socket.IO test clients.

Set CRISIS_TEST_DATABASE_URL (PostgreSQL) to run the whole suite against it;
by default each test gets its own SQLite file (WAL, real concurrency).
"""

from __future__ import annotations

import contextvars
import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

PASSWORD = "correct-horse-1"
ROLES = ("admin", "leader", "staff", "duty_officer", "exercise_control", "observer", "reporter")
PG_URL = os.environ.get("CRISIS_TEST_DATABASE_URL", "").strip()
REDIS_URL = os.environ.get("CRISIS_TEST_REDIS_URL", "").strip()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # In CI Redis must be there in every pass: a missing one fails instead of skipping.
    # PostgreSQL tests skip in the SQLite pass (`make test`) and run in CI's PostgreSQL
    # pass, which sets CRISIS_TEST_DATABASE_URL.
    required = os.environ.get("CI") == "true"
    for item in items:
        if "pg" in item.keywords and not PG_URL:
            item.add_marker(pytest.mark.skip(reason="CRISIS_TEST_DATABASE_URL not set"))
        if "redis" in item.keywords and not REDIS_URL and not required:
            item.add_marker(pytest.mark.skip(reason="CRISIS_TEST_REDIS_URL not set"))


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """Argon2 with production cost makes every user fixture slow; tests don't need it."""
    from crisis.auth import service

    saved = service._hasher
    service._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    service._hasher = saved


@pytest.fixture(autouse=True, scope="session")
def _route_builders_compiled_once() -> Iterator[None]:
    """Every test builds an app, and werkzeug compiles a URL builder (ast + compile) for each of
    its ~260 rules: some 110 ms of the 130 a create_app() takes. The builder depends only on the
    rule's parsed parts and defaults, so the suite compiles each distinct one once; the function
    is bound to each new Rule exactly as werkzeug binds its own (see Rule.compile)."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    built: dict[tuple[Any, ...], Any] = {}

    def _once(self: Rule, append_unknown: bool = True) -> Any:
        defaults = tuple(sorted((str(k), repr(v)) for k, v in (self.defaults or {}).items()))
        key = (self.rule, self.subdomain, self.host, tuple(self._trace), defaults, append_unknown)
        if key not in built:
            built[key] = compile_builder(self, append_unknown)
        return built[key]

    # Parsing the rule into its parts (regular expressions and weights) is most of the rest:
    # each distinct rule is parsed once, and a later Rule gets the parts and what parsing sets
    # on it (its trace, arguments and a converter of its own for each variable) replayed.
    parse_rule = Rule._parse_rule
    parsed: dict[tuple[Any, ...], Any] = {}

    def _parse_once(self: Rule, rule: str) -> Any:
        converters = tuple(sorted((name, id(cls)) for name, cls in self.map.converters.items()))
        key = (rule, converters)
        hit = parsed.get(key)
        if hit is None:
            made: list[tuple[Any, ...]] = []
            get_converter = self.get_converter

            def _recorded(variable: str, name: str, args: Any, kwargs: Any) -> Any:
                made.append((variable, name, args, kwargs))
                return get_converter(variable, name, args, kwargs)

            trace_from = len(self._trace)
            self.get_converter = _recorded  # type: ignore[method-assign]
            try:
                parts = list(parse_rule(self, rule))
            finally:
                del self.get_converter
            hit = parsed[key] = (parts, self._trace[trace_from:], made)
            return iter(parts)
        parts, trace, made = hit
        self._trace.extend(trace)
        for variable, name, args, kwargs in made:
            self._converters[variable] = self.get_converter(variable, name, args, kwargs)
            self.arguments.add(variable)
        return iter(parts)

    Rule._compile_builder = _once  # type: ignore[method-assign]
    Rule._parse_rule = _parse_once  # type: ignore[method-assign]
    yield
    Rule._compile_builder = compile_builder  # type: ignore[method-assign]
    Rule._parse_rule = parse_rule  # type: ignore[method-assign]


def _end_outer_snapshot() -> None:
    """After a request made by a test, let the test's own session see its effects.

    The test holds an app context (and a session) of its own; ending its read
    transaction makes the next access load fresh rows.
    """
    from flask import has_app_context

    from crisis.extensions import db

    if has_app_context():
        sess = db.session()
        if not (sess.new or sess.dirty or sess.deleted):
            sess.commit()


def isolated(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run `fn` in an empty contextvars context: its request gets its own app
    context, `g` and database session, as in production (otherwise Flask
    reuses the test's app context and flask-login caches the user in `g`)."""
    try:
        return contextvars.Context().run(fn, *args, **kwargs)
    finally:
        _end_outer_snapshot()


def _client_class() -> type:
    from flask.testing import FlaskClient

    class IsolatedClient(FlaskClient):
        def open(self, *args: Any, **kwargs: Any) -> Any:
            # Read a streamed body inside the same context as its request.
            kwargs.setdefault("buffered", True)
            return isolated(FlaskClient.open, self, *args, **kwargs)

    return IsolatedClient


class IsolatedSocketClient:
    """Wraps flask_socketio's test client so each call runs like a separate request."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._inner = isolated(make)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if callable(attr):
            return lambda *a, **k: isolated(attr, *a, **k)
        return attr


def _pg_engine(url: str) -> sa.Engine:
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def _reset_pg(url: str) -> None:
    """An empty `public` schema: what a test that builds its own schema (migrations, restore) starts from."""
    import crisis.models  # noqa: F401

    _pg_schema.clear()
    engine = _pg_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


# The PostgreSQL schema the `app` fixture built last in this process, as a fingerprint of
# its relations (tables, indexes, sequences) by object id with their columns, and of its
# triggers (and whether enabled), functions and column defaults by object id: anything
# dropped and made again, added, altered or disabled changes it. Read from pg_catalog, it
# costs some 5 ms (information_schema took 40). Dropping and re-creating the tables
# costs about a second a test; when the schema is still exactly what create_all() made, the
# next test empties the tables the last one wrote to instead, in some 20 ms.
# A test that changes the schema (drops a trigger, runs a migration) changes the fingerprint,
# and the next test starts from a dropped schema again.
_pg_schema: dict[str, str] = {}

_PG_FINGERPRINT = """
SELECT md5(coalesce(string_agg(item, ',' ORDER BY item), '')) FROM (
  SELECT 'r' || c.oid::text || c.relkind::text || ':' || coalesce((
      SELECT string_agg(a.attname || a.atttypid::text || a.atttypmod::text || a.attnotnull::text, '.' ORDER BY a.attnum)
        FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '') AS item
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND position('{jobs}' in c.relname) = 0
  UNION ALL SELECT 't' || t.oid::text || t.tgenabled::text FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL SELECT 'f' || p.oid::text FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
  UNION ALL SELECT 'd' || d.oid::text FROM pg_attrdef d
    JOIN pg_class c ON c.oid = d.adrelid WHERE c.relnamespace = 'public'::regnamespace
) AS parts
"""


def _fingerprint(conn: sa.Connection) -> str:
    from crisis.backup import JOBSTORE_TABLE  # its table and indexes are left out (see _empty_pg)

    return str(conn.exec_driver_sql(_PG_FINGERPRINT.format(jobs=JOBSTORE_TABLE)).scalar_one())


def _empty_pg(url: str) -> bool:
    """Empty every table if the schema is the one create_all() made here; False if it must be rebuilt."""
    known = _pg_schema.get(url)
    if known is None:
        return False
    engine = _pg_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
            if _fingerprint(conn) != known:
                return False
            # APScheduler makes its job table when a test first schedules (a reminder): it is left
            # out of the fingerprint and dropped here, as the test before found the schema.
            from crisis.backup import JOBSTORE_TABLE

            conn.exec_driver_sql(f"DROP TABLE IF EXISTS public.{JOBSTORE_TABLE}")
            tables = [
                str(r[0])
                for r in conn.exec_driver_sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").all()
            ]
            if tables:
                # Only the tables the last test wrote to: TRUNCATE costs per table, and most stay empty.
                probe = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM public.\"{t}\")" for t in tables)
                used = [str(r[0]) for r in conn.exec_driver_sql(probe).all()]
                if used and conn.exec_driver_sql("SELECT current_setting('is_superuser')").scalar_one() == "on":
                    # DELETE is some 15 ms for a typical test's tables where TRUNCATE ... CASCADE
                    # (which makes new files for every referencing table) is some 250 ms. As
                    # replica, neither the foreign keys nor the append-only triggers fire; every
                    # table with a row is emptied, so nothing is left dangling.
                    conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
                    for t in used:
                        conn.exec_driver_sql(f'DELETE FROM public."{t}"')
                elif used:
                    names = ", ".join(f'public."{t}"' for t in used)
                    conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            # Sequences read since their last restart (a rolled-back insert uses one up too)
            # start again at 1, in one round trip.
            conn.exec_driver_sql(
                "SELECT setval(('public.' || quote_ident(sequencename))::regclass, 1, false) FROM pg_sequences"
                " WHERE schemaname = 'public' AND last_value IS NOT NULL"
            )
        return True
    except sa.exc.DBAPIError:
        return False
    finally:
        engine.dispose()


def _remember_pg_schema(url: str) -> None:
    engine = _pg_engine(url)
    try:
        with engine.connect() as conn:
            _pg_schema[url] = _fingerprint(conn)
    finally:
        engine.dispose()


# The empty SQLite database create_all() made for the first `app` of this process: each
# later test starts from a copy of the file (a millisecond) instead of creating its some
# 70 tables, indexes and triggers anew (some 130 ms, a tenth of the SQLite pass).
_sqlite_template: dict[str, Any] = {}


def _sqlite_from_template(target: Any) -> bool:
    template = _sqlite_template.get("path")
    if template is None:
        return False
    shutil.copyfile(template, target)
    return True


def _keep_sqlite_template(app: Any, tmp_path_factory: Any) -> None:
    """Keep the just-created, still empty database as this process's template."""
    from crisis.extensions import db

    if PG_URL or "path" in _sqlite_template:
        return
    with db.engine.connect() as conn:
        # Everything into the main file: the copy needs no -wal beside it.
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    source = db.engine.url.database
    template = tmp_path_factory.mktemp("sqlite-template") / "empty.sqlite3"
    shutil.copyfile(source, template)
    _sqlite_template["path"] = template


def make_app(tmp_path: Any, *, reuse_schema: bool = False, **overrides: Any) -> Any:
    """A fresh app on an empty database. `reuse_schema` (the `app` fixture) lets PostgreSQL keep
    the tables create_all() made for the previous test and only empty them."""
    from crisis import create_app

    tmp_path.mkdir(parents=True, exist_ok=True)
    db_url = PG_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    if PG_URL:
        kept = bool(reuse_schema and _empty_pg(PG_URL))
    else:
        kept = bool(reuse_schema and _sqlite_from_template(tmp_path / "test.sqlite3"))
    if PG_URL and not kept:
        _reset_pg(PG_URL)
    config = {
        "CRISIS_TESTING": "on",
        "CRISIS_DATABASE_URL": db_url,
        "CRISIS_SCHEDULER": "off",
        "CRISIS_ASSETS": "local",
        "CRISIS_MESSAGE_QUEUE": "",
        "CRISIS_LOGIN_RATE_LIMIT": "1000 per minute",
        "CRISIS_REFUSED_RATE_LIMIT": "1000 per minute",
        "WTF_CSRF_ENABLED": False,
        "TESTING": True,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = _client_class()
    # The tables create_all() made for the previous test are there, emptied: no need to ask
    # the database about each of them again.
    app.extensions["krisrum_test_schema_kept"] = kept
    return app


@pytest.fixture
def app(tmp_path: Any, tmp_path_factory: Any) -> Iterator[Any]:
    from crisis.extensions import db

    app = make_app(tmp_path, reuse_schema=True)
    with app.app_context():
        if not app.extensions["krisrum_test_schema_kept"]:
            db.create_all()
            _keep_sqlite_template(app, tmp_path_factory)
        if PG_URL and PG_URL not in _pg_schema:
            _remember_pg_schema(PG_URL)
        yield app
        db.session.remove()
        db.engine.dispose()
    # Under TESTING every API response is checked against its declared model
    # (crisis.api.check_response); a mismatch fails the test that caused it.
    mismatches = app.extensions.get("krisrum_response_mismatches")
    assert not mismatches, "API responses that do not match their response model:\n" + "\n".join(mismatches)


@pytest.fixture
def users(app: Any) -> dict[str, Any]:
    """One user per role, username = role name."""
    from crisis.auth import service

    return {
        role: service.create(
            username=role.replace("_", "-"),
            password=PASSWORD,
            role=role,
            display_name=f"{role.title()} Testsson",
            phone="0320-000 00",
        )
        for role in ROLES
    }


@pytest.fixture
def login(app: Any, users: dict[str, Any]) -> Callable[[str], Any]:
    """login("staff") -> a Flask test client with that role's session."""

    def _login(role: str) -> Any:
        client = app.test_client()
        resp = client.post("/api/v1/auth/login", json={"username": users[role].username, "password": PASSWORD})
        assert resp.status_code == 200, resp.get_json()
        return client

    return _login


@pytest.fixture
def incident(app: Any, users: dict[str, Any]) -> Any:
    from crisis.incidents import service

    return service.create(actor=users["duty_officer"], title="Elavbrott i Kinna", kind="elavbrott", level="monitoring")


@pytest.fixture
def socket_client(app: Any, login: Callable[[str], Any]) -> Callable[[str], Any]:
    """socket_client("observer") -> a connected Socket.IO test client with that role's session."""
    from crisis.extensions import socketio

    clients = []

    def _make(role: str) -> Any:
        flask_client = login(role)
        client = IsolatedSocketClient(lambda: socketio.test_client(app, flask_test_client=flask_client))
        clients.append(client)
        return client

    yield _make
    for c in clients:
        if c.is_connected():
            c.disconnect()
