"""The register page, the printed beslutsförteckning, the proposed-level banner and the workspace's decisions panel."""

from __future__ import annotations

from crisis.decisions import service
from crisis.playbooks import activation

DECISION = {"decided_by": "Karin Lindqvist", "mandate": "Delegationsordningen p. 3.2", "reason": "Läget kräver det"}


def test_register_page_and_form_by_role(login, incident):
    html = login("leader").get(f"/incidents/{incident.id}/decisions").get_data(as_text=True)
    assert 'id="decision-form"' in html and "js/decisions.js" in html
    assert "Anmälningspliktiga beslut" in html and "Krisledningschef enligt delegationsordningen p. 3.2" in html
    observer = login("observer").get(f"/incidents/{incident.id}/decisions")
    assert observer.status_code == 200 and 'id="decision-form"' not in observer.get_data(as_text=True)
    assert 'id="decision-form"' not in login("staff").get(f"/incidents/{incident.id}/decisions").get_data(as_text=True)
    tib = login("duty_officer").get(f"/incidents/{incident.id}/decisions").get_data(as_text=True)
    assert "TiB får besluta upp till Bevakningsläge." in tib


def test_print_protocol(login, users, incident):
    service.record(
        actor=users["leader"],
        incident_id=incident.id,
        type="delegation",
        text="Stabschefen beslutar om inköp <upp till> 500 000 kr",
        mandate_key="krisledningschef",
        **{**DECISION, "mandate": ""},
    )
    html = login("observer").get(f"/incidents/{incident.id}/decisions/print").get_data(as_text=True)
    assert "Beslutsförteckning" in html and "B-1" in html and "Marks kommun" in html
    assert "&lt;upp till&gt;" in html  # escaped
    assert "kommunstyrelsen" in html and "ej anmält" in html and "Justerare" in html


def test_proposed_level_banner_until_decided(login, users):
    inc = activation.activate(actor=users["duty_officer"], playbook_key="elavbrott", title="Elavbrott", context="")
    for path in (f"/incidents/{inc.id}", f"/incidents/{inc.id}/wall", f"/incidents/{inc.id}/tasks"):
        html = login("staff").get(path).get_data(as_text=True)
        assert "Beslut krävs:" in html and "spelboken föreslår Stabsläge" in html, path
    service.record(actor=users["leader"], incident_id=inc.id, type="level", level="staff", text="", **DECISION)
    html = login("staff").get(f"/incidents/{inc.id}").get_data(as_text=True)
    assert "Beslut krävs:" not in html


def test_workspace_lists_follow_ups_and_level_shortcut(login, users, incident):
    service.record(
        actor=users["leader"],
        incident_id=incident.id,
        type="direction",
        text="Inriktning natten",
        follow_up_at="2026-11-27T20:00:00+01:00",
        **DECISION,
    )
    html = login("leader").get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert "Inriktning natten" in html and 'data-follow-up="2026-11-27T19:00:00+00:00"' in html
    assert 'id="level-form"' in html
    assert 'id="level-form"' not in login("staff").get(f"/incidents/{incident.id}").get_data(as_text=True)
