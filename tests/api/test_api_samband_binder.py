"""Paper fallback: the sambandsplan (kommun default validated as file:line, the incident's copy, 409 on a stale
version, a plain Swedish log entry), the reservpärm pages (content, continued log numbers, what observers see)
and log entries transcribed from paper (source "paper", real time required, covered by the hash chain)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crisis.samband import plan as plans

PLAN = {
    "rakel": [{"name": "MARK KRISLED", "use": "Krisledning"}, {"name": "VGL SAMV 1", "use": "Länet"}],
    "phones": [{"label": "Växel", "number": "0320-21 70 00"}],
    "satellite": [{"label": "Sat 1", "number": "+881 6 3140 1234"}],
    "runners": [{"name": "Ordonnans 1", "route": "Kinna – Skene", "phone": None}],
    "meeting_points": [{"name": "Skene", "address": "Skene torg 1", "reserve": True}],
    "notes": "Möte varje hel timme.",
}


def _put(client, incident_id, version, plan):
    return client.put(f"/api/v1/incidents/{incident_id}/samband", json={"version": version, "plan": plan})


def test_default_plan_then_own_copy_with_log_entry(login, incident):
    staff = login("staff")
    first = staff.get(f"/api/v1/incidents/{incident.id}/samband").get_json()
    assert first["version"] == 0  # still the kommun's default (config/sambandsplan.yaml)
    assert "MARK KRISLED" in [g["name"] for g in first["plan"]["rakel"]]
    assert any(m["reserve"] and "Skene" in m["name"] for m in first["plan"]["meeting_points"])
    workspace = staff.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert (
        'id="h-samband"' in workspace
        and "MARK KRISLED" in workspace
        and f"/incidents/{incident.id}/binder" in workspace
    )
    r = _put(staff, incident.id, 0, PLAN)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["version"] == 1 and body["updated_by"] == "Staff Testsson"
    assert body["plan"]["satellite"] == [{"label": "Sat 1", "number": "+881 6 3140 1234"}]
    log = staff.get(f"/api/v1/incidents/{incident.id}/log").get_json()["items"]
    assert log[-1]["kind"] == "system" and log[-1]["text"].startswith("Sambandsplanen ändrades: Rakel-talgrupper")
    # A second edit, the page shows the incident's copy.
    changed = {**PLAN, "notes": "Möte varannan timme."}
    assert _put(staff, incident.id, 1, changed).get_json()["version"] == 2
    assert staff.get(f"/api/v1/incidents/{incident.id}/samband").get_json()["plan"]["notes"] == "Möte varannan timme."
    assert staff.get(f"/api/v1/incidents/{incident.id}/log").get_json()["items"][-1]["text"] == (
        "Sambandsplanen ändrades: anteckningar."
    )
    page = staff.get(f"/incidents/{incident.id}/samband")
    assert page.status_code == 200 and "Möte varannan timme." in page.get_data(as_text=True)


def test_stale_version_is_409_and_changes_nothing(login, incident):
    staff, leader = login("staff"), login("leader")
    assert _put(staff, incident.id, 0, PLAN).status_code == 200
    assert _put(leader, incident.id, 1, {**PLAN, "notes": "Ledarens"}).status_code == 200
    stale = _put(staff, incident.id, 1, {**PLAN, "notes": "Gammal"})
    assert stale.status_code == 409
    err = stale.get_json()["error"]
    assert err["code"] == "stale_version" and "Leader Testsson" in err["message"]
    # version 0 after a copy exists is stale too
    assert _put(staff, incident.id, 0, PLAN).status_code == 409
    assert staff.get(f"/api/v1/incidents/{incident.id}/samband").get_json()["plan"]["notes"] == "Ledarens"


def test_roles_and_bad_input(login, incident):
    obs = login("observer")
    assert obs.get(f"/api/v1/incidents/{incident.id}/samband").status_code == 200
    assert _put(obs, incident.id, 0, PLAN).status_code == 403
    staff = login("staff")
    assert _put(staff, incident.id, 0, {"rakel": [{"name": ""}]}).status_code == 422
    assert _put(staff, incident.id, 0, {"telex": []}).status_code == 422
    assert _put(staff, incident.id, 0, {"phones": [{"label": "Växel"}]}).status_code == 422
    assert staff.get("/api/v1/incidents/999999/samband").status_code == 404


def test_page_form_saves_and_reports_the_bad_line(login, incident):
    staff = login("staff")
    form = {
        "version": "0",
        "rakel": "MARK KRISLED | Krisledning\nVGL SAMV 1 | Länet",
        "phones": "Växel | 0320-21 70 00",
        "satellite": "",
        "runners": "Ordonnans 1 | Kinna – Skene | 070-1",
        "meeting_points": "Kinna kommunhus | Varbergsvägen 11\nSkene | Skene torg 1 | reserv",
        "notes": "",
    }
    r = staff.post(f"/incidents/{incident.id}/samband", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    saved = staff.get(f"/api/v1/incidents/{incident.id}/samband").get_json()
    assert saved["version"] == 1
    assert saved["plan"]["meeting_points"][1] == {"name": "Skene", "address": "Skene torg 1", "reserve": True}
    assert saved["plan"]["runners"][0]["phone"] == "070-1"
    bad = staff.post(f"/incidents/{incident.id}/samband", data={**form, "version": "1", "phones": "Växel"})
    assert bad.status_code == 400 and "rad 1: numret saknas" in bad.get_data(as_text=True)
    obs = login("observer")
    assert obs.post(f"/incidents/{incident.id}/samband", data=form).status_code == 403


def test_kommun_file_errors_name_file_and_line(tmp_path):
    path = tmp_path / "samband.yaml"
    path.write_text(
        "kommun: Marks kommun\nrakel:\n  - name: MARK KRISLED\n  - name: mark krisled\nphones:\n"
        "  - label: Växel\n    nummer: 123\n",
        encoding="utf-8",
    )
    with pytest.raises(plans.SambandError) as exc:
        plans.load(path)
    text = str(exc.value)
    assert f"{path}:7:" in text and "nummer" in text  # unknown field, on its line
    assert f"{path}:6:" in text and "number" in text  # missing field: the mapping that should hold it
    ok = tmp_path / "ok.yaml"
    ok.write_text("rakel:\n  - name: MARK KRISLED\n  - name: mark krisled\n", encoding="utf-8")
    with pytest.raises(plans.SambandError, match=rf"{ok}:3: rakel\[1\]\.name: duplicate talk group"):
        plans.load(ok)
    assert plans.load("config/sambandsplan.yaml")["rakel"][0]["name"] == "MARK KRISLED"


def test_paper_entry_needs_real_past_time_and_is_recorded(app, login, incident):
    staff = login("staff")
    url = f"/api/v1/incidents/{incident.id}/log"
    no_time = staff.post(url, json={"text": "Från pappret", "source": "paper"})
    assert no_time.status_code == 422 and no_time.get_json()["error"]["code"] == "paper_needs_time"
    future = (datetime.now(UTC) + timedelta(minutes=3)).isoformat()
    r = staff.post(url, json={"text": "Från pappret", "source": "paper", "occurred_at": future})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "paper_time_future"
    assert staff.post(url, json={"text": "x", "source": "fax"}).status_code == 422
    when = datetime.now(UTC) - timedelta(hours=3)
    r = staff.post(
        url, json={"text": "Reservkraft startad i Skene", "source": "paper", "occurred_at": when.isoformat()}
    )
    assert r.status_code == 201, r.get_json()
    entry = r.get_json()
    assert entry["source"] == "paper" and datetime.fromisoformat(entry["occurred_at"]) == when
    direct = staff.post(url, json={"text": "Direkt"}).get_json()
    assert direct["source"] == "direct"
    # In the list, the CSV export and the printout.
    items = staff.get(url).get_json()["items"]
    assert [e["source"] for e in items if e["text"] in ("Reservkraft startad i Skene", "Direkt")] == ["paper", "direct"]
    csv = staff.get(f"/incidents/{incident.id}/log.csv").get_data(as_text=True)
    assert "source" in csv.splitlines()[0] and ";paper;Reservkraft startad i Skene;" in csv
    printed = staff.get(f"/incidents/{incident.id}/log/print").get_data(as_text=True)
    assert "Från papper" in printed
    # The chain, with the paper flag in the hashed content, verifies.
    res = app.test_cli_runner().invoke(args=["verify-log", "--incident", str(incident.id)])
    assert res.exit_code == 0, res.output


def test_paper_source_is_in_the_hash_and_old_entries_still_verify():
    from crisis.log import hashing

    fields = {f: None for f in hashing.HASHED_FIELDS} | {"number": 1, "text": "x"}
    old = hashing.entry_hash(hashing.GENESIS, fields)
    assert hashing.entry_hash(hashing.GENESIS, {**fields, "source": None}) == old  # written before: unchanged
    assert hashing.entry_hash(hashing.GENESIS, {**fields, "source": "direct"}) == old  # as the API and exports say
    paper = hashing.entry_hash(hashing.GENESIS, {**fields, "source": "paper"})
    assert paper != old  # flipping the flag later breaks the chain


def test_incident_binder_content_and_numbering(login, incident):
    staff = login("staff")
    assert _put(staff, incident.id, 0, PLAN).status_code == 200
    last = staff.get(f"/api/v1/incidents/{incident.id}/log").get_json()["items"][-1]["number"]
    html = staff.get(f"/incidents/{incident.id}/binder?sheets=2").get_data(as_text=True)
    for text in (
        "Larmlistor",
        "Sambandsplan",
        "VGL SAMV 1",
        "Aktörsregister",
        "Checklistor",
        "Objektsregister",
        "Senaste lägesbild",
        "Loggblad 2 av 2",
        "Signatur",
        "INTERN",
        "Utskriven",
    ):
        assert text in html, text
    assert f"<tr><td>{last + 1}</td>" in html  # the sheets continue the log's numbers
    assert "printed=1" in html and "marking=internal" in html
    kommun = staff.get("/binder").get_data(as_text=True)
    assert "MARK KRISLED" in kommun and "<tr><td>1</td>" in kommun and "Senaste lägesbild" not in kommun


def test_observer_binder_hides_confidential(login, incident, users):
    from crisis.actors import service as actors

    staff = login("staff")
    admin = users["admin"]
    actors.create(actor=admin, data={"name": "Räddningstjänsten Mark", "kind": "rescue", "phone": "0320-111 11"})
    assert "0320-111 11" in staff.get(f"/incidents/{incident.id}/binder").get_data(as_text=True)
    obs = login("observer")
    r = obs.get(f"/incidents/{incident.id}/binder")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "0320-111 11" not in html and "Aktörsregistret visas bara för staben." in html
    assert login("reporter").get(f"/incidents/{incident.id}/binder").status_code == 403
