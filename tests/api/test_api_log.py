"""The log list API: pages (limit/before/next_before) with filters, and corrections of system entries."""

from __future__ import annotations

from typing import Any

from crisis.log.schemas import LogPage


def _write(client: Any, base: str, n: int, **extra: Any) -> list[int]:
    numbers = []
    for i in range(n):
        r = client.post(base, json={"text": f"Post {i}", **extra})
        assert r.status_code == 201, r.get_json()
        numbers.append(r.get_json()["number"])
    return numbers


def test_pages_walk_the_whole_log_backwards_once_each(login, incident):
    staff = login("staff")
    base = f"/api/v1/incidents/{incident.id}/log"
    _write(staff, base, 12)
    everything = [e["number"] for e in staff.get(f"{base}?limit=500").get_json()["items"]]
    assert everything == sorted(everything) and len(everything) >= 12

    seen: list[int] = []
    url = f"{base}?limit=5"
    pages = 0
    while True:
        body = staff.get(url).get_json()
        LogPage.model_validate(body)  # the declared response model
        numbers = [e["number"] for e in body["items"]]
        assert numbers == sorted(numbers) and len(numbers) <= 5
        seen = numbers + seen
        pages += 1
        if body["next_before"] is None:
            break
        assert body["next_before"] == numbers[0]
        url = f"{base}?limit=5&before={body['next_before']}"
    assert seen == everything
    assert pages == -(-len(everything) // 5)


def test_default_page_is_the_latest_100(login, incident):
    staff = login("staff")
    base = f"/api/v1/incidents/{incident.id}/log"
    _write(staff, base, 103)
    body = staff.get(base).get_json()
    numbers = [e["number"] for e in body["items"]]
    last = staff.get(f"{base}?limit=1").get_json()["items"][0]["number"]
    assert len(numbers) == 100 and numbers[-1] == last and numbers == sorted(numbers)
    assert body["next_before"] == numbers[0]


def test_before_after_and_filters_combine(login, incident):
    staff = login("staff")
    base = f"/api/v1/incidents/{incident.id}/log"
    calls = _write(staff, base, 4, kind="incoming", counterpart="SOS Alarm")
    _write(staff, base, 3)
    body = staff.get(f"{base}?kind=incoming&limit=2").get_json()
    assert [e["number"] for e in body["items"]] == calls[-2:] and body["next_before"] == calls[-2]
    body = staff.get(f"{base}?kind=incoming&limit=2&before={body['next_before']}").get_json()
    assert [e["number"] for e in body["items"]] == calls[:2] and body["next_before"] is None
    # server-side text search pages too
    body = staff.get(f"{base}?q=sos+alarm&limit=3").get_json()
    assert [e["number"] for e in body["items"]] == calls[-3:] and body["next_before"] == calls[-3]
    # between after and before
    body = staff.get(f"{base}?after={calls[0]}&before={calls[3]}").get_json()
    assert [e["number"] for e in body["items"]] == calls[1:3]
    # LIKE wildcards in q are literal
    assert staff.get(f"{base}?q=%25").get_json()["items"] == []
    assert staff.get(f"{base}?q=t_0").get_json()["items"] == []  # "_" would match "Post 0"


def test_corrections_show_on_a_page(login, incident):
    staff = login("staff")
    base = f"/api/v1/incidents/{incident.id}/log"
    first, *_ = _write(staff, base, 3)
    corr = staff.post(f"{base}/{first}/correction", json={"text": "Rättad"}).get_json()
    page = staff.get(f"{base}?before={first + 1}").get_json()["items"]
    assert page[-1]["number"] == first and page[-1]["corrected_by"] == corr["number"]


def test_bad_page_parameters_are_a_clear_4xx(login, incident):
    staff = login("staff")
    base = f"/api/v1/incidents/{incident.id}/log"
    for qs in ("limit=0", "limit=501", "limit=x", "before=0", "before=-3", "after=-1"):
        resp = staff.get(f"{base}?{qs}")
        assert resp.status_code == 422, qs
        assert resp.get_json()["error"]["code"] and resp.get_json()["error"]["message"]
    assert staff.get(f"{base}?limit=500").status_code == 200


def test_system_entries_cannot_be_corrected(login, incident):
    staff = login("staff")
    base = f"/api/v1/incidents/{incident.id}/log"
    # checking in writes a system entry
    staff.post(f"/api/v1/incidents/{incident.id}/staffing", json={"action": "check_in", "position": "stabschef"})
    system = staff.get(f"{base}?kind=system&limit=1").get_json()["items"]
    assert system, "expected a system entry"
    n = system[-1]["number"]
    count = len(staff.get(f"{base}?limit=500").get_json()["items"])
    resp = staff.post(f"{base}/{n}/correction", json={"text": "Det var inte så"})
    assert resp.status_code == 422
    err = resp.get_json()["error"]
    assert err["code"] == "system_entry" and err["message"]
    assert len(staff.get(f"{base}?limit=500").get_json()["items"]) == count
