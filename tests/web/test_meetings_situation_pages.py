"""The stabsorientering, presenter, protocol and lägesbild pages render for the roles that may see them;
observers do not see the lägesbild (page, sub-navigation)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def test_pages_render(login, incident):
    staff = login("staff")
    at = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    m = staff.post(
        f"/api/v1/incidents/{incident.id}/meetings", json={"scheduled_at": at, "chair": "Åsa <b>"}
    ).get_json()
    staff.post(f"/api/v1/meetings/{m['id']}/start")
    for role in ("staff", "leader", "observer"):
        client = login(role)
        page = client.get(f"/incidents/{incident.id}/meetings")
        assert page.status_code == 200, role
        html = page.get_data(as_text=True)
        assert "Dagordning" in html and "Åsa <b>" not in html
        assert ('id="plan-form"' in html) is (role != "observer")
        present = client.get(f"/meetings/{m['id']}/present")
        assert present.status_code == 200
        assert ('data-can-drive="true"' in present.get_data(as_text=True)) is (role != "observer")
        assert client.get(f"/meetings/{m['id']}/protocol").status_code == 200
    assert staff.get("/meetings/999/present").status_code == 404
    ws = staff.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert "Stabsorientering 1 pågår" in ws


def test_workspace_shows_the_next_meeting(login, incident):
    staff = login("staff")
    assert "Nästa stabsorientering" not in staff.get(f"/incidents/{incident.id}").get_data(as_text=True)
    staff.put(f"/api/v1/incidents/{incident.id}/meetings/rhythm", json={"times": ["08:00", "16:00"]})
    assert "Nästa stabsorientering: " in staff.get(f"/incidents/{incident.id}").get_data(as_text=True)


def test_situation_page_and_nav(login, incident):
    staff, obs = login("staff"), login("observer")
    page = staff.get(f"/incidents/{incident.id}/situation")
    assert page.status_code == 200 and 'id="sit-handelse"' in page.get_data(as_text=True)
    assert f'href="/incidents/{incident.id}/situation"' in staff.get(f"/incidents/{incident.id}/tasks").get_data(
        as_text=True
    )
    assert obs.get(f"/incidents/{incident.id}/situation").status_code == 403
    obs_html = obs.get(f"/incidents/{incident.id}/tasks").get_data(as_text=True)
    assert f'href="/incidents/{incident.id}/situation"' not in obs_html
    assert f'href="/incidents/{incident.id}/meetings"' in obs_html


def test_english_pages_translate_the_agenda_but_events_keep_swedish(login, incident):
    staff = login("staff")
    at = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    staff.post("/lang/en")
    m = staff.post(f"/api/v1/incidents/{incident.id}/meetings", json={"scheduled_at": at}).get_json()
    # The API (and the meeting.updated event) carry the fixed Swedish names, whoever made the change.
    assert m["agenda"][0]["label"] == "Närvaro och roller"
    html = staff.get(f"/incidents/{incident.id}/meetings").get_data(as_text=True)
    assert "Attendance and roles" in html and "Staff briefing" in html
    assert "Attendance and roles" in staff.get(f"/meetings/{m['id']}/present").get_data(as_text=True)
