"""Lägesbild API: versions, stale save -> 409 naming who saved, earlier versions, observers neither read nor
write, bad input -> 4xx, and the report draft prefilled from the current lägesbild."""

from __future__ import annotations


def _put(client, incident_id, version, **sections):
    return client.put(f"/api/v1/incidents/{incident_id}/situation", json={"version": version, "sections": sections})


def test_versions_and_log(login, incident):
    staff = login("staff")
    empty = staff.get(f"/api/v1/incidents/{incident.id}/situation").get_json()
    assert empty["version"] == 0 and empty["sections"]["handelse"] == ""
    r1 = _put(staff, incident.id, 0, handelse="Elavbrott i Kinna", konsekvenser={"power": "3000 hushåll utan el"})
    assert r1.status_code == 200, r1.get_json()
    assert r1.get_json()["version"] == 1 and r1.get_json()["author"] == "Staff Testsson"
    r2 = _put(staff, incident.id, 1, handelse="Elavbrott i Kinna och Skene", prognos="Åter i kväll")
    assert r2.get_json()["version"] == 2
    cur = staff.get(f"/api/v1/incidents/{incident.id}/situation").get_json()
    assert cur["version"] == 2 and cur["sections"]["prognos"] == "Åter i kväll"
    assert cur["sections"]["konsekvenser"] == {}  # a save is the whole picture
    versions = staff.get(f"/api/v1/incidents/{incident.id}/situation/versions").get_json()["items"]
    assert [v["version"] for v in versions] == [2, 1]
    v1 = staff.get(f"/api/v1/incidents/{incident.id}/situation/versions/1").get_json()
    assert v1["sections"]["konsekvenser"] == {"power": "3000 hushåll utan el"}
    log = staff.get(f"/api/v1/incidents/{incident.id}/log").get_json()["items"]
    texts = [e["text"] for e in log]
    assert "Lägesbilden uppdaterad (version 1)." in texts and "Lägesbilden uppdaterad (version 2)." in texts
    # the same text again: no new version, nothing in the log
    same = _put(staff, incident.id, 2, handelse="Elavbrott i Kinna och Skene", prognos="Åter i kväll")
    assert same.get_json()["version"] == 2
    assert len(staff.get(f"/api/v1/incidents/{incident.id}/log").get_json()["items"]) == len(log)


def test_stale_save_is_409_naming_who(login, incident):
    staff, leader = login("staff"), login("leader")
    assert _put(staff, incident.id, 0, handelse="A").status_code == 200
    assert _put(leader, incident.id, 1, handelse="B").status_code == 200
    stale = _put(staff, incident.id, 1, handelse="C")
    assert stale.status_code == 409
    err = stale.get_json()["error"]
    assert err["code"] == "stale_version" and "Leader Testsson" in err["message"]
    assert err["details"] == {"version": 2, "author": "Leader Testsson"}
    assert staff.get(f"/api/v1/incidents/{incident.id}/situation").get_json()["sections"]["handelse"] == "B"


def test_observer_neither_reads_nor_writes(login, incident):
    obs = login("observer")
    assert obs.get(f"/api/v1/incidents/{incident.id}/situation").status_code == 403
    assert obs.get(f"/api/v1/incidents/{incident.id}/situation/versions").status_code == 403
    assert _put(obs, incident.id, 0, handelse="x").status_code == 403
    assert obs.get(f"/incidents/{incident.id}/situation").status_code == 403


def test_bad_input(login, incident):
    staff = login("staff")
    assert _put(staff, incident.id, 0, nonsense="x").status_code == 422
    resp = _put(staff, incident.id, 0, konsekvenser={"mars": "x"})
    assert resp.status_code == 422 and "mars" in resp.get_json()["error"]["message"]
    assert _put(staff, incident.id, 0, handelse="x" * 10001).status_code == 422
    assert staff.put(f"/api/v1/incidents/{incident.id}/situation", json={"sections": {}}).status_code == 422
    assert _put(staff, 9999, 0, handelse="x").status_code == 404
    assert staff.get(f"/api/v1/incidents/{incident.id}/situation/versions/5").status_code == 404
    assert staff.get(f"/api/v1/incidents/{incident.id}/situation").get_json()["version"] == 0


def test_report_draft_prefilled_from_situation(login, incident, users):
    from crisis.incidents import service as incidents

    staff = login("staff")
    before = staff.post(f"/api/v1/incidents/{incident.id}/reports", json={})
    assert before.status_code == 201, before.get_json()
    assert before.get_json()["handelse"] == "Elavbrott i Kinna"  # no lägesbild yet: today's behaviour (the title)
    assert before.get_json()["prognos"] == ""

    other = incidents.create(actor=users["leader"], title="Vattenläcka", kind="dricksvatten", level="normal")
    _put(
        staff,
        other.id,
        0,
        handelse="Elnätet nere i Kinna",
        omfattning="Cirka 3000 hushåll",
        konsekvenser={"general": "Stora störningar", "water": "Vattenverket på reservkraft"},
        prognos="Åter kl 20",
        kommunikation="Pressmeddelande 14:00",
        behov_av_beslut="Intern: öppna trygghetspunkt?",
    )
    draft = staff.post(f"/api/v1/incidents/{other.id}/reports", json={}).get_json()
    assert draft["handelse"] == "Elnätet nere i Kinna\n\nCirka 3000 hushåll"
    assert draft["konsekvenser"].startswith("Stora störningar\nDricksvatten: Vattenverket på reservkraft")
    assert draft["prognos"] == "Åter kl 20" and draft["kommunikation"] == "Pressmeddelande 14:00"
    assert "trygghetspunkt" not in " ".join(str(v) for v in draft.values())  # behov av beslut stays internal
