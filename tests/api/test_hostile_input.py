"""Hostile input never gives a 5xx: huge integers, deep nesting, long numbers, NUL and bidi
characters get a clear 4xx; a junk Authorization header never switches CSRF off; a 500 that
does happen is logged with its traceback."""

from __future__ import annotations

import logging
import re

import pytest

from tests.conftest import PASSWORD

BASE = "/api/v1"
# 2**31: past PostgreSQL's integer columns (SQLite would store it; the API refuses it on both alike).
HUGE = (2**31, 2**63, 10**30)


def _int_path_operations() -> list[tuple[str, str]]:
    """(method, path) of every API operation with an integer path parameter."""
    import tempfile
    from pathlib import Path

    from crisis.api import build_spec
    from tests.conftest import make_app

    make_app(Path(tempfile.mkdtemp()))  # registers every domain's operations
    spec = build_spec()
    found = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if any(p["in"] == "path" and p["schema"].get("type") == "integer" for p in op.get("parameters", [])):
                found.append((method.upper(), path))
    return sorted(found)


INT_PATH_OPERATIONS = _int_path_operations()


def test_there_are_operations_with_integer_path_parameters():
    assert len(INT_PATH_OPERATIONS) > 20


@pytest.mark.parametrize("method,path", INT_PATH_OPERATIONS)
def test_integer_overflow_in_path_is_404(app, login, method, path):
    admin = login("admin")
    for huge in HUGE:
        url = re.sub(r"{[a-z_]+}", str(huge), path)
        resp = admin.open(url, method=method, json={})
        # No route matches (404), or only another method's (405): never the database's overflow.
        assert resp.status_code in (404, 405), (method, url, resp.status_code, resp.get_data(as_text=True)[:200])


@pytest.mark.parametrize("suffix", ["", "/history?incident=1"])
def test_a_huge_numeric_site_id_is_404(app, login, incident, suffix):
    admin = login("admin")
    for huge in (*HUGE, "9" * 5000):
        resp = admin.get(f"{BASE}/sites/{huge}{suffix}")
        assert resp.status_code == 404, resp.get_data(as_text=True)[:200]


def test_integer_overflow_in_page_path_is_404(app, login):
    assert login("staff").get(f"/incidents/{2**63}").status_code == 404


def test_integer_overflow_in_query_is_422(app, login, incident):
    staff = login("staff")
    for param in ("after", "before"):
        resp = staff.get(f"{BASE}/incidents/{incident.id}/log?{param}={10**30}")
        assert resp.status_code == 422, resp.get_data(as_text=True)
        assert param in resp.get_json()["error"]["message"]


def test_integer_overflow_in_body_is_422(app, login, incident):
    tib = login("duty_officer")
    resp = tib.post(f"{BASE}/playbooks/elavbrott/activate", json={"title": "Elavbrott", "deviation": 10**30})
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert "deviation" in resp.get_json()["error"]["message"]


def test_deeply_nested_json_is_400(app, login, incident):
    staff = login("staff")
    for depth in (100, 100_000):
        for headers in ({}, {"Idempotency-Key": f"deep-{depth}"}):
            body = '{"text": ' + "[" * depth + "]" * depth + "}"
            resp = staff.post(
                f"{BASE}/incidents/{incident.id}/log", data=body, content_type="application/json", headers=headers
            )
            assert resp.status_code == 400, (depth, headers, resp.get_data(as_text=True)[:300])
            assert resp.get_json()["error"]["code"] == "malformed_json"


def test_five_thousand_digit_number_is_400(app, login, incident):
    resp = login("staff").post(
        f"{BASE}/incidents/{incident.id}/log", data='{"text": ' + "9" * 5000 + "}", content_type="application/json"
    )
    assert resp.status_code == 400, resp.get_data(as_text=True)[:300]
    assert "siffror" in resp.get_json()["error"]["message"]


def test_nul_byte_in_text_is_refused(app, login, incident):
    from crisis.log.models import LogEntry

    staff = login("staff")
    before = app.extensions["sqlalchemy"].session.query(LogEntry).count()
    resp = staff.post(f"{BASE}/incidents/{incident.id}/log", json={"text": "Strömmen\x00 tillbaka"})
    assert resp.status_code == 422
    assert "NUL" in resp.get_json()["error"]["message"] and "text" in resp.get_json()["error"]["message"]
    resp = staff.get(f"{BASE}/incidents/{incident.id}/log?q=a%00b")
    assert resp.status_code == 422
    assert app.extensions["sqlalchemy"].session.query(LogEntry).count() == before


def test_nested_geojson_upload_is_a_clear_error(app, login):
    admin = login("admin")
    deep = '{"type": "FeatureCollection", "features": ' + "[" * 50_000 + "]" * 50_000 + "}"
    resp = admin.post(f"{BASE}/sites/import", json={"filename": "a.geojson", "content": deep})
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    geometry = {"type": "Polygon", "coordinates": [[[[[[[[[[[[[[[[[[[[[[[12.0, 57.5]]]]]]]]]]]]]]]]]]]]]]]}
    for _ in range(200):
        geometry = {"type": "GeometryCollection", "geometries": [geometry]}
    feature = {"type": "Feature", "properties": {"key": "x", "name": "X", "category": "water"}, "geometry": geometry}
    import json

    resp = admin.post(
        f"{BASE}/sites/import",
        json={"filename": "a.geojson", "content": json.dumps({"type": "FeatureCollection", "features": [feature]})},
    )
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]


def test_junk_authorization_header_does_not_skip_csrf(tmp_path):
    from crisis.auth import service
    from crisis.extensions import db
    from tests.conftest import make_app

    app = make_app(tmp_path / "csrf", WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        service.create(username="tib", password=PASSWORD, role="duty_officer")
        client = app.test_client()
        assert client.post(f"{BASE}/auth/login", json={"username": "tib", "password": PASSWORD}).status_code == 200
        body = {"title": "x", "kind": "y"}
        for header in ("junk", "Bearer junk", "Basic dGliOng=", "Bearer "):
            resp = client.post(f"{BASE}/incidents", json=body, headers={"Authorization": header})
            assert resp.status_code == 400, (header, resp.status_code)
            assert "CSRF" in resp.get_json()["error"]["message"]
        db.session.remove()


def test_a_500_is_logged_with_its_traceback(app, login, caplog, monkeypatch):
    from crisis.incidents import service as incidents

    def broken(**kwargs):
        raise RuntimeError("the bug under test")

    monkeypatch.setattr(incidents, "list_incidents", broken, raising=False)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    staff = login("staff")
    with caplog.at_level(logging.ERROR):
        resp = staff.get(f"{BASE}/incidents")
    assert resp.status_code == 500
    assert resp.get_json()["error"]["code"] == "internal_error"
    records = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    assert records, "the 500 was not logged"
    assert "the bug under test" in caplog.text and "Traceback" in caplog.text
    assert "/api/v1/incidents" in records[0].getMessage()


BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("char", BIDI)
def test_bidi_control_characters_are_refused_in_log_text(app, login, incident, char):
    staff = login("staff")
    resp = staff.post(f"{BASE}/incidents/{incident.id}/log", json={"text": f"Pumpstation {char}1 ur drift"})
    assert resp.status_code == 422
    message = resp.get_json()["error"]["message"]
    assert "textriktningen" in message and f"U+{ord(char):04X}" in message
    assert resp.get_json()["error"]["code"] == "validation_error"


def test_bidi_and_nul_are_refused_in_titles_corrections_and_services(app, login, incident, users):
    from crisis.errors import ValidationError
    from crisis.log import service as log

    tib = login("duty_officer")
    resp = tib.post(f"{BASE}/incidents", json={"title": "Brand \u202egnilrak", "kind": "brand"})
    assert resp.status_code == 422 and "textriktningen" in resp.get_json()["error"]["message"]
    resp = tib.patch(f"{BASE}/incidents/{incident.id}", json={"title": "Ny \u2067rubrik"})
    assert resp.status_code == 422
    resp = tib.post(f"{BASE}/incidents/{incident.id}/tasks", json={"title": "Ring \u202ePeter"})
    assert resp.status_code == 422 and "title" in resp.get_json()["error"]["message"]
    entry = log.append(actor=users["staff"], incident_id=incident.id, text="Strömmen borta i Kinna")
    with pytest.raises(ValidationError, match="textriktningen"):
        log.correct(actor=users["staff"], incident_id=incident.id, number=entry.number, text="Strömmen \u202eborta")
    with pytest.raises(ValidationError, match="NUL"):  # a page's form reaches the same service
        log.append(actor=users["staff"], incident_id=incident.id, text="a\x00b")
    with pytest.raises(ValidationError, match="counterpart"):
        log.append(actor=users["staff"], incident_id=incident.id, text="ok", counterpart="SOS \u202eAlarm")


def test_ordinary_right_to_left_text_is_kept(app, login, incident):
    """Arabic or Hebrew text itself is fine (it needs no control characters)."""
    resp = login("staff").post(f"{BASE}/incidents/{incident.id}/log", json={"text": "Tolk behövs: مرحبا, שלום"})
    assert resp.status_code == 201, resp.get_data(as_text=True)


@pytest.mark.parametrize(
    "role,method,url,data",
    [
        ("leader", "GET", f"/lessons?incident={10**30}", None),
        ("leader", "POST", "/lessons", {"observation": "x", "owner": "y", "incident": str(10**30)}),
        ("staff", "GET", f"/print/marks.css?incident={10**30}", None),
        ("staff", "GET", f"/print/marks.css?exercise={2**63}", None),
        ("admin", "POST", "/admin/tokens", {"tok-name": "x", "user_id": str(10**30)}),
        ("admin", "GET", f"/admin/users?failed_page={10**30}", None),
    ],
)
def test_huge_integers_in_page_forms_and_queries_are_no_500(app, login, role, method, url, data):
    resp = login(role).open(url, method=method, data=data)
    assert resp.status_code < 500, (url, resp.status_code)
