"""Lists that grow with an incident come in pages: the events API and a site's history."""

from __future__ import annotations

from crisis.log import service as log
from tests import bulklog
from tests.sitehelpers import feature, load

API = "/api/v1"


def _events(client, incident_id, **params):
    pages, query = [], dict(params)
    while True:
        resp = client.get(f"{API}/incidents/{incident_id}/events", query_string=query)
        assert resp.status_code == 200, resp.get_json()
        page = resp.get_json()
        pages.append(page)
        if page["next_since"] is None:
            return pages
        query = dict(params, since=page["next_since"])


def test_events_api_pages_by_default_and_walks_to_the_head(login, incident):
    bulklog.fill(incident.id, 1_234, confidential_every=10)
    staff = login("staff")
    first = staff.get(f"{API}/incidents/{incident.id}/events?since=0").get_json()
    assert len(first["items"]) == 500 and first["next_since"] == first["items"][-1]["seq"]
    head = first["head"]
    assert head == 1 + 1_234 + 1  # incident.updated at creation, the opening entry, the filled ones

    pages = _events(staff, incident.id, limit=1000)
    seqs = [e["seq"] for p in pages for e in p["items"]]
    assert seqs == list(range(1, head + 1))  # every event once, in order
    assert [len(p["items"]) for p in pages] == [1000, head - 1000]
    assert all(p["head"] == head for p in pages)

    obs_pages = _events(login("observer"), incident.id, limit=200)
    obs = [e for p in obs_pages for e in p["items"]]
    assert not any(e["data"].get("classification") == "confidential" for e in obs)
    assert len(obs) == head - 1_234 // 10
    assert all(len(p["items"]) <= 200 for p in obs_pages)

    caught_up = staff.get(f"{API}/incidents/{incident.id}/events?since={head}").get_json()
    assert caught_up == {"items": [], "head": head, "next_since": None}


def test_events_api_rejects_bad_limits(login, incident):
    staff = login("staff")
    for q in ("limit=0", "limit=1001", "limit=x", "since=-1"):
        resp = staff.get(f"{API}/incidents/{incident.id}/events?{q}")
        assert resp.status_code == 422, q
        assert resp.get_json()["error"]["code"]
    assert staff.get(f"{API}/incidents/999/events").status_code == 404


def test_openapi_describes_the_event_page(app):
    spec = app.test_client().get("/api/openapi.json").get_json()
    op = spec["paths"]["/api/v1/incidents/{incident_id}/events"]["get"]
    names = {p["name"] for p in op["parameters"]}
    assert {"since", "limit"} <= names
    schema = spec["components"]["schemas"]["EventPage"]
    assert {"items", "head", "next_since"} <= set(schema["properties"])
    assert "/api/v1/incidents/{incident_id}/timeline" in spec["paths"]


def test_site_history_pages_reports_and_linked_entries(login, incident, users):
    load(feature("sub", name="Skene fördelningsstation"))
    staff = login("staff")
    for i in range(7):
        state = "down" if i % 2 else "degraded"
        r = staff.put(f"{API}/incidents/{incident.id}/sites/sub/status", json={"status": state, "note": f"Rapport {i}"})
        assert r.status_code == 200, r.get_json()
    log.append(actor=users["staff"], incident_id=incident.id, text="Skene fördelningsstation: brand släckt")
    log.append(
        actor=users["staff"],
        incident_id=incident.id,
        text="Skyddat om Skene fördelningsstation",
        classification="confidential",
        osl_ground="OSL 18 kap. 13 §",
    )
    log.append(actor=users["staff"], incident_id=incident.id, text="Ingenting om stationen")

    def walk(client, **params):
        reports, entries, query = [], [], dict(params, incident=incident.id)
        while True:
            h = client.get(f"{API}/sites/sub/history", query_string=query).get_json()
            reports += h["history"]
            if h["next_before"] is None:
                break
            query["before"] = h["next_before"]
        query = dict(params, incident=incident.id)
        while True:
            h = client.get(f"{API}/sites/sub/history", query_string=query).get_json()
            entries += h["log"]
            if h["log_next_before"] is None:
                break
            query["log_before"] = h["log_next_before"]
        return reports, entries

    first = staff.get(f"{API}/sites/sub/history?incident={incident.id}&limit=3").get_json()
    assert [r["note"] for r in first["history"]] == ["Rapport 6", "Rapport 5", "Rapport 4"]
    assert len(first["log"]) == 3 and first["next_before"] and first["log_next_before"]

    reports, entries = walk(staff, limit=3)
    assert [r["note"] for r in reports] == [f"Rapport {i}" for i in range(6, -1, -1)]
    numbers = [e["number"] for e in entries]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) == len(set(numbers)) == 9
    assert "Ingenting om stationen" not in [e["text"] for e in entries]

    _, obs_entries = walk(login("observer"), limit=2)
    assert len(obs_entries) == 8
    assert not any("Skyddat" in e["text"] for e in obs_entries)

    default = login("observer").get(f"{API}/sites/sub/history?incident={incident.id}").get_json()
    assert len(default["history"]) == 7 and default["next_before"] is None
    assert login("observer").get(f"{API}/sites/sub/history?incident={incident.id}&limit=500").status_code == 422
