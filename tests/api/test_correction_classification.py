"""A correction never makes public what the original kept confidential (security review F3).

It inherits the original's classification; only a leader may lower it, explicitly
(`declassify`), and then the original's counterpart, decided_by and mandate are
never copied: observers see none of them through the API, the pages, the CSV
export or the live socket.
"""

from __future__ import annotations

from crisis.log import service as log
from tests.realtime.replay import events, join

SECRET_WHO = "Kommunchef Hemlig Hemligsson"
SECRET_MANDATE = "Hemlig delegation 9.9"
SECRET_PARTY = "Skyddad Motpart AB"


def _confidential_decision(incident, users):
    return log.append(
        actor=users["leader"],
        incident_id=incident.id,
        text="Beslut om skyddat objekt",
        kind="decision",
        counterpart=SECRET_PARTY,
        decided_by=SECRET_WHO,
        mandate=SECRET_MANDATE,
        classification="confidential",
        osl_ground="OSL 18 kap. 13 §",
    )


def _page(client, path):
    resp = client.get(path)
    assert resp.status_code == 200, path
    return resp.get_data(as_text=True)


def _url(incident, n):
    return f"/api/v1/incidents/{incident.id}/log/{n}/correction"


def test_correction_inherits_confidential_and_copies_fields_within_it(login, incident, users):
    original = _confidential_decision(incident, users)
    resp = login("staff").post(_url(incident, original.number), json={"text": "Beslut om skyddat objekt (rättat)"})
    assert resp.status_code == 201, resp.get_json()
    corr = resp.get_json()
    assert corr["classification"] == "confidential" and corr["osl_ground"] == "OSL 18 kap. 13 §"
    assert corr["decided_by"] == SECRET_WHO and corr["counterpart"] == SECRET_PARTY
    observer_log = login("observer").get(f"/api/v1/incidents/{incident.id}/log").get_data(as_text=True)
    assert "rättat" not in observer_log and SECRET_WHO not in observer_log


def test_lowering_needs_declassify_and_a_leader(login, incident, users):
    original = _confidential_decision(incident, users)
    staff, leader = login("staff"), login("leader")
    resp = staff.post(_url(incident, original.number), json={"text": "Rättad", "classification": "public"})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "classification_inherited"
    resp = leader.post(_url(incident, original.number), json={"text": "Rättad", "classification": "internal"})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "classification_inherited"
    resp = staff.post(
        _url(incident, original.number),
        json={"text": "Rättad", "classification": "public", "declassify": True, "decided_by": "X", "mandate": "Y"},
    )
    assert resp.status_code == 403
    # A decision made less protected must name, again, what may be public.
    resp = leader.post(
        _url(incident, original.number), json={"text": "Rättad", "classification": "public", "declassify": True}
    )
    assert resp.status_code == 422 and "decided_by" in resp.get_json()["error"]["message"]
    # Fields only when lowering: no smuggling other values into an inheriting correction.
    resp = staff.post(_url(incident, original.number), json={"text": "Rättad", "counterpart": "Annan"})
    assert resp.status_code == 422


def test_public_correction_of_a_confidential_entry_leaks_nothing_to_observers(login, socket_client, incident, users):
    original = _confidential_decision(incident, users)
    observer_socket = socket_client("observer")
    join(observer_socket, incident.id, incident.last_seq)
    observer_socket.get_received()
    # before the correction: an internal entry whose counterpart a public correction must not copy either
    internal = log.append(
        actor=users["staff"], incident_id=incident.id, text="Samtal", counterpart="Intern Motpart", kind="incoming"
    )
    resp = login("leader").post(
        _url(incident, original.number),
        json={
            "text": "Beslut om avspärrning",
            "classification": "public",
            "declassify": True,
            "decided_by": "Krisledningsnämnden",
            "mandate": "Reglemente 4 §",
        },
    )
    assert resp.status_code == 201, resp.get_json()
    corr = resp.get_json()
    assert corr["classification"] == "public" and corr["osl_ground"] is None
    assert corr["counterpart"] is None and corr["decided_by"] == "Krisledningsnämnden"
    assert corr["mandate"] == "Reglemente 4 §" and corr["corrects"] == original.number
    resp = login("leader").post(
        _url(incident, internal.number),
        json={"text": "Samtal (rättat)", "classification": "public", "declassify": True},
    )
    assert resp.status_code == 201 and resp.get_json()["counterpart"] is None

    observer = login("observer")
    secrets = (SECRET_WHO, SECRET_MANDATE, SECRET_PARTY, "Intern Motpart")
    seen = {
        "api log": _page(observer, f"/api/v1/incidents/{incident.id}/log"),
        "api events": _page(observer, f"/api/v1/incidents/{incident.id}/events"),
        "workspace page": _page(observer, f"/incidents/{incident.id}"),
        "timeline page": _page(observer, f"/incidents/{incident.id}/timeline"),
        "print page": _page(observer, f"/incidents/{incident.id}/log/print"),
        "csv export": _page(observer, f"/incidents/{incident.id}/log.csv"),
        "masked csv": _page(observer, f"/incidents/{incident.id}/log.csv?masked=1"),
        "masked print": _page(observer, f"/incidents/{incident.id}/log/print?masked=1"),
        "wall page": _page(observer, f"/incidents/{incident.id}/wall"),
        "api timeline": _page(observer, f"/api/v1/incidents/{incident.id}/timeline"),
        "socket": str(events([(p["name"], p["args"][0]) for p in observer_socket.get_received()])),
    }
    assert "Beslut om avsp" in seen["api log"] and "Beslut om avsp" in seen["socket"]
    for where, text in seen.items():
        for secret in secrets[:3]:
            assert secret not in text, f"{secret!r} leaks to an observer through the {where}"
    # the internal counterpart stays on the internal original: its public correction does not carry it
    items = observer.get(f"/api/v1/incidents/{incident.id}/log").get_json()["items"]
    public = [e for e in items if e["classification"] == "public"]
    assert public and all(e["counterpart"] is None for e in public)
