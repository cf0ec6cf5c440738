"""Idempotency-Key on API writes: a retry with the same key returns the first answer and writes nothing new.

Runs on SQLite by default and on PostgreSQL with CRISIS_TEST_DATABASE_URL (the `pg` test is the marker
for the concurrent case there).
"""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from crisis.api import idempotency
from crisis.api.idempotency import IdempotencyKey
from crisis.db import utcnow
from crisis.extensions import db
from crisis.log.models import LogEntry
from tests.conftest import PG_URL


def _entries(text: str) -> int:
    db.session.rollback()
    n = db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry).where(LogEntry.text == text))
    db.session.rollback()
    return n


def _post_log(client: Any, incident_id: int, text: str, key: str | None, **extra: Any) -> Any:
    headers = {idempotency.HEADER: key} if key is not None else {}
    return client.post(f"/api/v1/incidents/{incident_id}/log", json={"text": text, **extra}, headers=headers)


def test_a_retry_returns_the_first_answer_and_writes_nothing(login: Any, incident: Any) -> None:
    staff = login("staff")
    key = str(uuid.uuid4())
    first = _post_log(staff, incident.id, "Strömmen tillbaka i Kinna", key)
    assert first.status_code == 201
    assert idempotency.REPLAYED_HEADER not in first.headers
    for _ in range(2):
        again = _post_log(staff, incident.id, "Strömmen tillbaka i Kinna", key)
        assert again.status_code == 201
        assert again.get_json() == first.get_json()
        assert again.headers[idempotency.REPLAYED_HEADER] == "true"
    assert _entries("Strömmen tillbaka i Kinna") == 1
    # Without a key (or with a new one) it is a new write.
    assert _post_log(staff, incident.id, "Strömmen tillbaka i Kinna", None).status_code == 201
    assert _post_log(staff, incident.id, "Strömmen tillbaka i Kinna", str(uuid.uuid4())).status_code == 201
    assert _entries("Strömmen tillbaka i Kinna") == 3


def test_the_same_key_with_the_same_json_in_another_order_is_a_retry(login: Any, incident: Any) -> None:
    staff = login("staff")
    a = staff.post(
        f"/api/v1/incidents/{incident.id}/log",
        data='{"text": "Ordning", "kind": "info"}',
        content_type="application/json",
        headers={idempotency.HEADER: "k-order"},
    )
    b = staff.post(
        f"/api/v1/incidents/{incident.id}/log",
        data='{"kind": "info", "text": "Ordning"}',
        content_type="application/json",
        headers={idempotency.HEADER: "k-order"},
    )
    assert (a.status_code, b.status_code) == (201, 201) and a.get_json() == b.get_json()
    assert _entries("Ordning") == 1


def test_keys_are_per_user(login: Any, incident: Any) -> None:
    staff, leader = login("staff"), login("leader")
    a = _post_log(staff, incident.id, "Från stab", "delad-nyckel")
    b = _post_log(leader, incident.id, "Från chef", "delad-nyckel")
    assert (a.status_code, b.status_code) == (201, 201)
    assert idempotency.REPLAYED_HEADER not in b.headers
    assert b.get_json()["text"] == "Från chef" and b.get_json()["number"] == a.get_json()["number"] + 1
    assert _entries("Från stab") == 1 and _entries("Från chef") == 1
    # Each user's retry gets their own first answer.
    assert _post_log(leader, incident.id, "Från chef", "delad-nyckel").get_json() == b.get_json()
    assert _post_log(staff, incident.id, "Från stab", "delad-nyckel").get_json() == a.get_json()


def test_the_same_key_with_another_request_is_refused(login: Any, incident: Any) -> None:
    staff = login("staff")
    assert _post_log(staff, incident.id, "Första", "k1").status_code == 201
    resp = _post_log(staff, incident.id, "Något annat", "k1")
    assert resp.status_code == 422
    err = resp.get_json()["error"]
    assert err["code"] == "idempotency_key_reused" and "annan begäran" in err["message"]
    # Another endpoint with the same key is another request too.
    resp = staff.post(
        f"/api/v1/incidents/{incident.id}/tasks", json={"title": "Första"}, headers={idempotency.HEADER: "k1"}
    )
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "idempotency_key_reused"
    assert _entries("Något annat") == 0


@pytest.mark.parametrize("key", ["", "x" * 256, "med mellanslag", "åäö"])
def test_a_malformed_key_is_a_clear_400(login: Any, incident: Any, key: str) -> None:
    resp = _post_log(login("staff"), incident.id, "Nyckeltest", key)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "invalid_idempotency_key"
    assert _entries("Nyckeltest") == 0


def test_a_refused_write_stores_no_key(login: Any, incident: Any) -> None:
    """Nothing written, nothing remembered: the corrected request with the same key goes through."""
    staff = login("staff")
    bad = _post_log(staff, incident.id, "   ", "k-fix")
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "validation_error"
    good = _post_log(staff, incident.id, "Rättad text", "k-fix")
    assert good.status_code == 201 and _entries("Rättad text") == 1


def test_patch_retry_returns_the_first_version(login: Any, incident: Any) -> None:
    staff = login("staff")
    task = staff.post(f"/api/v1/incidents/{incident.id}/tasks", json={"title": "Ring Elnätsbolaget"}).get_json()
    body = {"version": task["version"], "status": "doing"}
    first = staff.patch(f"/api/v1/tasks/{task['id']}", json=body, headers={idempotency.HEADER: "p1"})
    again = staff.patch(f"/api/v1/tasks/{task['id']}", json=body, headers={idempotency.HEADER: "p1"})
    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json() and again.get_json()["version"] == task["version"] + 1
    # Without the key the same stale PATCH is a version conflict, as before.
    assert staff.patch(f"/api/v1/tasks/{task['id']}", json=body).status_code == 409


def test_the_key_commits_with_the_write_or_not_at_all(
    login: Any, incident: Any, users: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A concurrent request committed the key between our look-up and our commit: our write is
    rolled back with our key row (the unique key fails the service's own commit) and we answer as a retry."""
    staff = login("staff")
    first = _post_log(staff, incident.id, "Vinnaren", "race")
    assert first.status_code == 201
    real_find = idempotency._find
    calls = []

    def late_find(user_id: int, key: str) -> Any:
        calls.append(key)
        return None if len(calls) == 1 else real_find(user_id, key)  # the first look-up saw nothing yet

    monkeypatch.setattr(idempotency, "_find", late_find)
    again = _post_log(staff, incident.id, "Vinnaren", "race")
    assert len(calls) == 2
    assert again.status_code == 201 and again.get_json() == first.get_json()
    assert _entries("Vinnaren") == 1
    db.session.rollback()
    assert (
        db.session.scalar(sa.select(sa.func.max(LogEntry.number)).where(LogEntry.incident_id == incident.id))
        == first.get_json()["number"]
    )


def test_a_write_whose_answer_was_lost_is_not_repeated(
    login: Any, incident: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = login("staff")

    def crash(*_a: Any) -> None:
        raise RuntimeError("process died before storing the answer")

    monkeypatch.setattr(idempotency, "_store", crash)
    assert _post_log(staff, incident.id, "Svaret försvann", "lost").status_code == 201
    monkeypatch.undo()
    resp = _post_log(staff, incident.id, "Svaret försvann", "lost")
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "idempotency_key_in_progress"
    db.session.execute(
        sa.update(IdempotencyKey).values(created_at=utcnow() - idempotency.LOST_AFTER - timedelta(seconds=1))
    )
    db.session.commit()
    resp = _post_log(staff, incident.id, "Svaret försvann", "lost")
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "idempotency_key_answer_lost"
    assert _entries("Svaret försvann") == 1


def test_keys_expire(login: Any, incident: Any) -> None:
    staff = login("staff")
    assert _post_log(staff, incident.id, "Gammal", "old").status_code == 201
    assert _post_log(staff, incident.id, "Ny", "fresh").status_code == 201
    db.session.execute(
        sa.update(IdempotencyKey)
        .where(IdempotencyKey.key == "old")
        .values(created_at=utcnow() - idempotency.TTL - timedelta(minutes=1))
    )
    db.session.commit()
    # An expired key is a new key: the write happens again.
    again = _post_log(staff, incident.id, "Gammal", "old")
    assert again.status_code == 201 and idempotency.REPLAYED_HEADER not in again.headers
    assert _entries("Gammal") == 2
    # Pruning removes what expired and keeps the rest.
    db.session.execute(
        sa.update(IdempotencyKey)
        .where(IdempotencyKey.key == "old")
        .values(created_at=utcnow() - idempotency.TTL - timedelta(minutes=1))
    )
    db.session.commit()
    assert idempotency.prune() == 1
    assert sorted(db.session.scalars(sa.select(IdempotencyKey.key))) == ["fresh"]


def test_writes_document_the_header_in_openapi(app: Any) -> None:
    spec = app.test_client().get("/api/openapi.json").get_json()
    post = spec["paths"]["/api/v1/incidents/{incident_id}/log"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in post["parameters"])
    get = spec["paths"]["/api/v1/incidents/{incident_id}/log"]["get"]
    assert not any(p["name"] == "Idempotency-Key" for p in get.get("parameters", []))
    login_op = spec["paths"]["/api/v1/auth/login"]["post"]
    assert not any(p["name"] == "Idempotency-Key" for p in login_op.get("parameters", []))


def _concurrent_retries(login: Any, incident: Any, n: int = 8) -> None:
    clients = [login("staff") for _ in range(n)]
    iid = incident.id
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def go(i: int) -> None:
        barrier.wait()
        r = _post_log(clients[i], iid, "Samtidigt skickad", "samtidig")
        results[i] = (r.status_code, r.get_json())

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert _entries("Samtidigt skickad") == 1
    created = [body for status, body in results if status == 201]
    others = [body["error"]["code"] for status, body in results if status != 201]
    assert created and all(b == created[0] for b in created), results
    assert set(others) <= {"idempotency_key_in_progress"}, results
    # Once the first has finished, every retry gets its answer.
    final = _post_log(clients[0], iid, "Samtidigt skickad", "samtidig")
    assert final.status_code == 201 and final.get_json() == created[0]


def test_concurrent_retries_write_once(login: Any, incident: Any) -> None:
    _concurrent_retries(login, incident)


@pytest.mark.pg
def test_concurrent_retries_write_once_postgresql(login: Any, incident: Any) -> None:
    assert PG_URL
    _concurrent_retries(login, incident)
