"""GET /api/v1/search, the /search page and the CSV export of the hits."""

from __future__ import annotations

from typing import Any

import pytest

from crisis.log import service as log


@pytest.fixture
def record(users: dict[str, Any], incident: Any) -> Any:
    log.append(actor=users["staff"], incident_id=incident.id, text="Strömavbrott i Örby <b>nu</b>")
    log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Brukare i Örby utan el",
        classification="confidential",
        osl_ground="OSL 26 kap. 1 §",
    )
    return incident


def test_leader_searches_everything(login: Any, record: Any) -> None:
    resp = login("leader").get("/api/v1/search?q=örby")
    assert resp.status_code == 200
    body = resp.get_json()
    snippets = [h["snippet"] for h in body["items"]]
    assert "Strömavbrott i <mark>Örby</mark> &lt;b&gt;nu&lt;/b&gt;" in snippets
    assert any("Brukare" in s for s in snippets)


def test_staff_needs_an_incident_observer_sees_no_confidential(login: Any, record: Any) -> None:
    assert login("staff").get("/api/v1/search?q=örby").status_code == 403
    assert login("staff").get(f"/api/v1/search?q=örby&incident={record.id}").status_code == 200
    body = login("observer").get(f"/api/v1/search?q=örby&incident={record.id}").get_json()
    assert body["items"] and not any("Brukare" in h["snippet"] for h in body["items"])


@pytest.mark.parametrize("q", ["", "%22", "(", "*", "NEAR(", "ö" * 1500, "a%20OR%20b", "örby%22%20*"])
def test_odd_queries_never_5xx(login: Any, record: Any, q: str) -> None:
    resp = login("leader").get(f"/api/v1/search?q={q}")
    assert resp.status_code in (200, 400, 422), resp.get_data(as_text=True)
    if resp.status_code != 200:
        assert resp.get_json()["error"]["message"]


def test_too_long_query_is_refused_clearly(login: Any, record: Any) -> None:
    resp = login("leader").get("/api/v1/search?q=" + "a" * 2001)
    assert resp.status_code in (400, 422)


def test_long_query_is_cut_and_said(login: Any, record: Any) -> None:
    body = login("leader").get("/api/v1/search?q=" + "Örby%20" * 100).get_json()
    assert body["notices"] and body["items"]


def test_page_and_export(login: Any, record: Any) -> None:
    client = login("leader")
    page = client.get("/search?q=örby")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<mark>Örby</mark>" in html and "&lt;b&gt;nu&lt;/b&gt;" in html
    assert client.get("/search?q=%22%28").status_code == 200  # a clear message, not an error page
    assert login("staff").get("/search?q=örby").status_code == 403
    csv = client.get("/search/export.csv?q=örby").get_data(as_text=True)
    assert "Sekretess enligt OSL 26 kap. 1 §" in csv and "Brukare" not in csv
    assert "Strömavbrott i Örby" in csv
    assert login("observer").get(f"/search/export.csv?q=örby&incident={record.id}&masked=false").status_code == 200
    obs = login("observer").get(f"/search/export.csv?q=örby&incident={record.id}&masked=false").get_data(as_text=True)
    assert "Brukare" not in obs


def test_log_filter_api_finds_orby(login: Any, record: Any) -> None:
    body = login("staff").get(f"/api/v1/incidents/{record.id}/log?q=Örby").get_json()
    assert [e["text"] for e in body["items"]][0] == "Strömavbrott i Örby <b>nu</b>"
    body = login("staff").get(f"/api/v1/incidents/{record.id}/log?q=strömavbrottet").get_json()
    assert len(body["items"]) == 1


def test_api_counts_hits(login: Any, record: Any) -> None:
    body = login("leader").get("/api/v1/search?q=örby").get_json()
    assert body["total"] == 2 and body["more"] is False


@pytest.mark.parametrize("value", ["igår", "2026-13-01", "24/11/2026", "2026-11-24T25:00"])
def test_bad_times_are_clear_messages(login: Any, record: Any, value: str) -> None:
    resp = login("leader").get(f"/api/v1/search?q=örby&from={value}")
    assert resp.status_code == 422  # as every query-string validation error of the API
    assert "2026-11-24" in resp.get_json()["error"]["message"]
    page = login("leader").get(f"/search?q=örby&to={value}")
    assert page.status_code == 200
    assert "Till: skriv tiden som 2026-11-24 eller 2026-11-24 14:00 (svensk tid)." in page.get_data(as_text=True)


def test_times_are_swedish_local_dates_and_times(login: Any, record: Any) -> None:
    from datetime import datetime, timedelta

    from crisis.timefmt import TZ

    today = datetime.now(TZ).date()
    client = login("leader")
    # a date alone: the whole day (to = its end), in Swedish time
    body = client.get(f"/api/v1/search?q=örby&from={today}&to={today}").get_json()
    assert body["total"] == 2
    yesterday = today - timedelta(days=1)
    assert client.get(f"/api/v1/search?q=örby&to={yesterday}").get_json()["total"] == 0
    # what a datetime-local input sends (no offset): Swedish time
    later = (datetime.now(TZ) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert client.get(f"/api/v1/search?q=örby&from={later}").get_json()["total"] == 0
    page = client.get(f"/search?q=örby&from={later}").get_data(as_text=True)
    assert 'type="datetime-local"' in page and f'value="{later}"' in page
    resp = client.get(f"/api/v1/search?q=örby&from={today}&to={yesterday}")
    assert resp.status_code in (400, 422) and resp.get_json()["error"]["code"] == "bad_time_range"


def test_page_shows_decisions_with_their_number(login: Any, users: dict[str, Any], record: Any) -> None:
    from crisis.decisions import service as decisions

    d = decisions.record(
        actor=users["leader"],
        incident_id=record.id,
        type="priority",
        text="Trygghetspunkt öppnas i Örby skola",
        decided_by="Karin Lindqvist",
        mandate="Krisledningsplanen 4.2",
        reason="Många utan el",
    )
    html = login("leader").get("/search?q=trygghetspunkt&kind=decision").get_data(as_text=True)
    assert f"Beslut B-{d.number}" in html and "1 träff" in html
    assert '<option value="decision" selected>' in html
