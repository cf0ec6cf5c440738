"""Höjd beredskap is shown on every page (and big on the wall) once recorded; the /readiness page
records it only for leaders and admins and asks first (the confirm dialog's texts are on the form)."""

from __future__ import annotations

import re

import pytest

BANNER = "HÖJD BEREDSKAP – skärpt beredskap sedan 2026-11-20 (Fö2026/01234)"


def _pages(incident_id: int) -> list[str]:
    return [
        "/",
        f"/incidents/{incident_id}",
        f"/incidents/{incident_id}/wall",
        f"/incidents/{incident_id}/map",
        f"/incidents/{incident_id}/tasks",
        f"/incidents/{incident_id}/reports",
        f"/incidents/{incident_id}/timeline",
        "/inbox",
        "/sites",
        "/playbooks",
        "/exercises",
        "/lessons",
        "/admin/users",
        "/readiness",
    ]


def _record(users, **kw):
    from crisis.readiness import service

    return service.record(
        actor=users["leader"], readiness="heightened", decided_at="2026-11-20", reference="Fö2026/01234", **kw
    )


def test_no_banner_text_in_peace(login, incident):
    client = login("admin")
    for path in _pages(incident.id):
        resp = client.get(path)
        assert resp.status_code == 200, path
        html = resp.get_data(as_text=True)
        m = re.search(r'<div id="readiness-banner"([^>]*)>([^<]*)</div>', html)
        assert m, path
        assert " hidden" in m.group(1) and m.group(2) == "", (path, m.group(0))
        assert "HÖJD BEREDSKAP –" not in re.sub(r'data-template="[^"]*"', "", html), path


@pytest.mark.parametrize("role", ["admin", "observer"])
def test_banner_on_every_page_after_the_decision_is_recorded(login, users, incident, role):
    _record(users)
    client = login(role)
    for path in _pages(incident.id):
        resp = client.get(path)
        if resp.status_code == 403:  # pages the role may not open
            continue
        assert resp.status_code == 200, path
        html = resp.get_data(as_text=True)
        m = re.search(r'<div id="readiness-banner"([^>]*)>([^<]*)</div>', html)
        assert m, path
        assert " hidden" not in m.group(1), path
        assert m.group(2) == BANNER, (path, m.group(2))
    wall = client.get(f"/incidents/{incident.id}/wall").get_data(as_text=True)
    tile = re.search(r'<p class="readiness-tile" data-readiness-tile([^>]*)>([^<]*)</p>', wall)
    assert tile and " hidden" not in tile.group(1) and tile.group(2) == BANNER


def test_banner_in_english(login, users, incident):
    _record(users)
    client = login("staff")
    client.post("/lang/en")
    html = client.get("/").get_data(as_text=True)
    assert "HEIGHTENED ALERT – heightened alert since 2026-11-20 (Fö2026/01234)" in html


def test_readiness_page_form_only_for_leaders(login, users):
    for role, form in (("leader", True), ("admin", True), ("duty_officer", False), ("observer", False)):
        html = login(role).get("/readiness").get_data(as_text=True)
        assert ('id="readiness-form"' in html) is form, role
        assert "fredstida beredskap" in html


def test_readiness_page_records_and_refuses(login, users, incident):
    client = login("leader")
    resp = client.post("/readiness", data={"readiness": "heightened", "decided_at": "2026-11-20", "reference": ""})
    assert resp.status_code == 200 and "diarienummer" in resp.get_data(as_text=True)
    resp = client.post(
        "/readiness", data={"readiness": "heightened", "decided_at": "2026-11-20", "reference": "Fö2026/01234"}
    )
    assert resp.status_code == 303
    html = client.get("/readiness").get_data(as_text=True)
    assert BANNER in html and "Leader Testsson" in html
    # A staff member posting the form by hand is refused; nothing more is recorded.
    staff = login("staff")
    resp = staff.post("/readiness", data={"readiness": "highest", "decided_at": "2026-11-21", "reference": "X"})
    assert "Skärpt beredskap" in client.get("/readiness").get_data(as_text=True)
    assert "Högsta beredskap</strong>" not in client.get("/readiness").get_data(as_text=True)
    assert resp.status_code in (200, 303, 403)
