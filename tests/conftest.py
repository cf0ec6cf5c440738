"""Shared fixtures: a fresh app and database per test, users for every role,
logged-in API clients, Socket.IO test clients.

Set CRISIS_TEST_DATABASE_URL (PostgreSQL) to run the whole suite against it;
by default each test gets its own SQLite file (WAL, real concurrency).
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

PASSWORD = "correct-horse-1"
ROLES = ("admin", "leader", "staff", "duty_officer", "exercise_control", "observer")
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


def _reset_pg(url: str) -> None:
    import crisis.models  # noqa: F401

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def make_app(tmp_path: Any, **overrides: Any) -> Any:
    from crisis import create_app

    tmp_path.mkdir(parents=True, exist_ok=True)
    db_url = PG_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    if PG_URL:
        _reset_pg(PG_URL)
    config = {
        "CRISIS_TESTING": "on",
        "CRISIS_DATABASE_URL": db_url,
        "CRISIS_SCHEDULER": "off",
        "CRISIS_ASSETS": "local",
        "CRISIS_MESSAGE_QUEUE": "",
        "CRISIS_LOGIN_RATE_LIMIT": "1000 per minute",
        "WTF_CSRF_ENABLED": False,
        "TESTING": True,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = _client_class()
    return app


@pytest.fixture
def app(tmp_path: Any) -> Iterator[Any]:
    from crisis.extensions import db

    app = make_app(tmp_path)
    with app.app_context():
        db.create_all()
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
