"""Lägesrapporter: snapshot, prefill, numbering, state machine, roles, immutability (service and DB guard)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from crisis.errors import ApiError, Conflict, ValidationError
from crisis.events.models import Event
from crisis.extensions import db
from crisis.log import service as log
from crisis.reports import service
from crisis.reports.models import Report, ReportStatus


def _approve(users: dict[str, Any], report: Report) -> Report:
    # Approval needs the public information a CAP message requires.
    service.update(actor=users["staff"], report_id=report.id, fields={"cap_description": "Strömavbrott i Kinna."})
    return service.approve(actor=users["leader"], report_id=report.id)


def test_draft_snapshot_and_prefill(app: Any, users: dict[str, Any], incident: Any) -> None:
    staff = users["staff"]
    log.append(actor=staff, incident_id=incident.id, kind="action", text="Hemtjänsten larmad.")
    log.append(
        actor=staff,
        incident_id=incident.id,
        kind="decision",
        text="Öppna trygghetspunkt i Kinna.",
        decided_by="Krisledningschefen",
        mandate="Krisledningsplanen 4.2",
    )
    log.append(actor=staff, incident_id=incident.id, kind="info", text="Bara info.")
    report = service.create(actor=staff, incident_id=incident.id)
    assert report.number == 1 and report.status is ReportStatus.DRAFT
    snap = report.snapshot
    assert snap["level"] == "monitoring" and snap["incident"]["title"] == "Elavbrott i Kinna"
    assert [d["text"] for d in snap["decisions"]] == ["Öppna trygghetspunkt i Kinna."]
    assert [a["text"] for a in snap["actions"]] == ["Hemtjänsten larmad."]
    assert snap["sites"]["available"] is True
    assert snap["tasks"]["open_count"] == 0
    assert any(p["label"] for p in snap["staffing"])
    assert "Hemtjänsten larmad." in report.vidtagna_atgarder
    assert "Öppna trygghetspunkt i Kinna." in report.beslut and "Krisledningsplanen 4.2" in report.beslut
    assert report.handelse  # from the incident
    assert report.nasta_rapport is not None and report.nasta_rapport > datetime.now(UTC)


def test_second_report_only_has_what_is_new(app: Any, users: dict[str, Any], incident: Any) -> None:
    staff = users["staff"]
    log.append(actor=staff, incident_id=incident.id, kind="action", text="Första åtgärden.")
    first = service.create(actor=staff, incident_id=incident.id)
    service.update(actor=staff, report_id=first.id, fields={"prognos": "Återställt i kväll."})
    _approve(users, first)
    log.append(actor=staff, incident_id=incident.id, kind="action", text="Andra åtgärden.")
    second = service.create(actor=staff, incident_id=incident.id)
    assert second.number == 2
    assert [a["text"] for a in second.snapshot["actions"]] == ["Andra åtgärden."]
    assert second.snapshot["previous_report"] == 1
    assert second.prognos == "Återställt i kväll."  # carried forward


def test_one_draft_at_a_time(app: Any, users: dict[str, Any], incident: Any) -> None:
    service.create(actor=users["staff"], incident_id=incident.id)
    with pytest.raises(Conflict):
        service.create(actor=users["staff"], incident_id=incident.id)


def test_state_machine_and_roles(app: Any, users: dict[str, Any], incident: Any) -> None:
    report = service.create(actor=users["staff"], incident_id=incident.id)
    with pytest.raises(ApiError) as e:
        service.approve(actor=users["staff"], report_id=report.id)
    assert e.value.status == 403
    for fn, kw in (
        (service.create, {"incident_id": incident.id}),
        (service.update, {"report_id": report.id, "fields": {"behov": "x"}}),
        (service.approve, {"report_id": report.id}),
        (service.send, {"report_id": report.id}),
        (service.acknowledge, {"report_id": report.id}),
    ):
        with pytest.raises(ApiError) as e:
            fn(actor=users["observer"], **kw)
        assert e.value.status == 403
    with pytest.raises(Conflict):
        service.send(actor=users["staff"], report_id=report.id)
    report = _approve(users, report)
    assert report.status is ReportStatus.APPROVED and report.approved_by == users["leader"].display_name
    with pytest.raises(Conflict):
        service.acknowledge(actor=users["staff"], report_id=report.id)
    report = service.send(actor=users["staff"], report_id=report.id)
    assert (report.sent_channel, report.sent_recipient) == ("WIS", "Länsstyrelsen i Västra Götalands län")
    with pytest.raises(Conflict):
        service.send(actor=users["staff"], report_id=report.id)
    report = service.acknowledge(actor=users["staff"], report_id=report.id, acknowledged_by="TiB Länsstyrelsen")
    assert report.status is ReportStatus.ACKNOWLEDGED and report.acknowledged_by == "TiB Länsstyrelsen"
    with pytest.raises(Conflict):
        service.acknowledge(actor=users["staff"], report_id=report.id)
    issued = list(
        db.session.scalars(
            sa.select(Event).where(Event.incident_id == incident.id, Event.type == "report.issued").order_by(Event.seq)
        )
    )
    assert [e.data["status"] for e in issued] == ["approved", "sent", "acknowledged"]
    texts = [e.text for e, _c in log.list_entries(viewer=users["staff"], incident_id=incident.id)]
    assert any("Lägesrapport 1 fastställd" in t for t in texts)
    assert any("skickad till Länsstyrelsen i Västra Götalands län via WIS" in t for t in texts)
    assert any("Kvittens: lägesrapport 1" in t for t in texts)


def test_approve_needs_handelse(app: Any, users: dict[str, Any], incident: Any) -> None:
    report = service.create(actor=users["staff"], incident_id=incident.id)
    service.update(actor=users["staff"], report_id=report.id, fields={"handelse": "   "})
    with pytest.raises(ValidationError):
        _approve(users, report)


def test_approved_report_never_changes_in_the_service(app: Any, users: dict[str, Any], incident: Any) -> None:
    report = service.create(actor=users["staff"], incident_id=incident.id)
    _approve(users, report)
    with pytest.raises(Conflict) as e:
        service.update(actor=users["staff"], report_id=report.id, fields={"prognos": "Ändrad"})
    assert e.value.code == "report_frozen"
    with pytest.raises(Conflict):
        service.approve(actor=users["leader"], report_id=report.id)


def test_database_refuses_changes_to_an_approved_report(app: Any, users: dict[str, Any], incident: Any) -> None:
    report = service.create(actor=users["staff"], incident_id=incident.id)
    # a draft may change at the database level
    db.session.execute(sa.update(Report).where(Report.id == report.id).values(prognos="utkast"))
    db.session.commit()
    _approve(users, report)
    for values in (
        {"prognos": "manipulerad"},
        {"snapshot": {"level": "normal"}},
        {"status": "draft"},
        {"number": 99},
        {"approved_by": "Någon annan"},
    ):
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(sa.update(Report).where(Report.id == report.id).values(**values))
            db.session.commit()
        db.session.rollback()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.delete(Report).where(Report.id == report.id))
        db.session.commit()
    db.session.rollback()
    # the delivery facts can be filled in once, then they are frozen too
    service.send(actor=users["staff"], report_id=report.id, recipient="Länsstyrelsen Västra Götaland")
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.update(Report).where(Report.id == report.id).values(sent_recipient="Annan"))
        db.session.commit()
    db.session.rollback()
    fresh = db.session.get(Report, report.id, populate_existing=True)
    assert fresh.prognos == "utkast" and fresh.sent_recipient == "Länsstyrelsen Västra Götaland"


def test_correction_supersedes(app: Any, users: dict[str, Any], incident: Any) -> None:
    staff = users["staff"]
    first = service.create(actor=staff, incident_id=incident.id)
    service.update(actor=staff, report_id=first.id, fields={"prognos": "Fel prognos."})
    _approve(users, first)
    with pytest.raises(ValidationError):
        service.create(actor=staff, incident_id=incident.id, supersedes=7)
    fix = service.create(actor=staff, incident_id=incident.id, supersedes=1)
    assert fix.number == 2 and fix.supersedes == 1 and fix.prognos == "Fel prognos."
    service.update(actor=staff, report_id=fix.id, fields={"prognos": "Rätt prognos."})
    _approve(users, fix)
    with pytest.raises(Conflict):
        service.create(actor=staff, incident_id=incident.id, supersedes=1)
    changes = service.changes(viewer=users["observer"], report_id=fix.id)
    assert changes["previous"] == 1
    assert [c["field"] for c in changes["changes"] if c["field"] == "prognos"] == ["prognos"]
    assert service.report_dict(db.session.get(Report, first.id))["superseded_by"] == 2


def test_stale_version_is_refused(app: Any, users: dict[str, Any], incident: Any) -> None:
    report = service.create(actor=users["staff"], incident_id=incident.id)
    service.update(actor=users["staff"], report_id=report.id, fields={"behov": "a"}, expected_version=1)
    with pytest.raises(Conflict) as e:
        service.update(actor=users["leader"], report_id=report.id, fields={"behov": "b"}, expected_version=1)
    assert e.value.code == "stale_version"


def test_bad_input_is_refused(app: Any, users: dict[str, Any], incident: Any) -> None:
    report = service.create(actor=users["staff"], incident_id=incident.id)
    for fields in (
        {"nasta_rapport": "2026-11-24T18:00:00"},
        {"nasta_rapport": "imorgon"},
        {"area": {"type": "Point", "coordinates": [12.5, 57.5]}},
        {"area": {"type": "Polygon", "coordinates": [[[12.5, 57.5], [12.6, 57.5]]]}},
        {"cap_severity": "Huge"},
        {"behov": "x" * 20_001},
        {"status": "approved"},
    ):
        with pytest.raises(ValidationError):
            service.update(actor=users["staff"], report_id=report.id, fields=fields)
    assert db.session.get(Report, report.id, populate_existing=True).version == 1


def _two_sites(users: dict[str, Any]) -> None:
    from crisis.sites import register as sites

    admin = users["admin"]
    sites.create(
        actor=admin,
        data={
            "key": "power-kinna",
            "name": "Kinna fördelningsstation",
            "category": "power",
            "geometry": {"type": "Point", "coordinates": [12.70, 57.51]},
        },
    )
    sites.create(
        actor=admin,
        data={
            "key": "water-kinna",
            "name": "Kinna vattenverk",
            "category": "water",
            "geometry": {"type": "Point", "coordinates": [12.69, 57.50]},
            "depends_on": ["power-kinna"],
        },
    )


def test_snapshot_has_sites_and_tasks(app: Any, users: dict[str, Any], incident: Any) -> None:
    from crisis.sites import status as sites
    from crisis.tasks import service as tasks

    _two_sites(users)
    sites.set_status(
        actor=users["staff"], incident_id=incident.id, site_id="power-kinna", status="down", note="Trasig transformator"
    )
    tasks.create(
        actor=users["staff"],
        incident_id=incident.id,
        title="Ring Elnätsbolaget",
        position="samverkan",
        due_at=datetime.now(UTC) - timedelta(minutes=5),
    )
    tasks.create(actor=users["staff"], incident_id=incident.id, title="Pressmeddelande", position="kommunikation")
    report = service.create(actor=users["staff"], incident_id=incident.id)
    snap = report.snapshot
    assert snap["sites"]["categories"]["power"]["down"] == 1
    assert snap["sites"]["categories"]["water"]["at_risk"] == 1
    problems = {p["key"]: p for p in snap["sites"]["problems"]}
    assert problems["power-kinna"]["status"] == "down" and problems["water-kinna"]["at_risk"] is True
    assert snap["tasks"]["open_count"] == 2 and snap["tasks"]["overdue_count"] == 1
    assert snap["tasks"]["open"][0]["title"] == "Ring Elnätsbolaget" and snap["tasks"]["open"][0]["overdue"] is True
    # the konsekvenser of a first report are prefilled from the site status
    assert "- Kinna fördelningsstation (El): ur drift – Trasig transformator" in report.konsekvenser
    assert "- Dricksvatten: Kinna vattenverk" in report.konsekvenser
    # the snapshot is what the incident looked like then: later changes do not touch it
    sites.set_status(actor=users["staff"], incident_id=incident.id, site_id="power-kinna", status="operational")
    db.session.expire_all()
    again = db.session.get(Report, report.id)
    assert again.snapshot["sites"]["categories"]["power"]["down"] == 1
    # ... unless the draft's snapshot is taken again on purpose
    refreshed = service.update(actor=users["staff"], report_id=report.id, fields={}, refresh_snapshot=True)
    assert refreshed.snapshot["sites"]["categories"]["power"]["down"] == 0


def test_confidential_log_text_never_enters_a_report(app: Any, users: dict[str, Any], incident: Any) -> None:
    log.append(
        actor=users["staff"],
        incident_id=incident.id,
        kind="action",
        text="Hemligt namn på brukare",
        classification="confidential",
        osl_ground="OSL 26 kap. 1 §",
    )
    report = service.create(actor=users["staff"], incident_id=incident.id)
    assert "Hemligt" not in str(report.snapshot) and "Hemligt" not in report.vidtagna_atgarder
    assert "OSL 26 kap. 1 §" in report.vidtagna_atgarder


def test_demo_report_is_seeded_approved_and_sent(app: Any, users: dict[str, Any]) -> None:
    from crisis import seed
    from crisis.auth import service as auth

    for username, role in (("chef", "leader"), ("dagbok", "staff"), ("tib", "duty_officer"), ("stab", "staff")):
        auth.create(username=username, password="correct-horse-1", role=role, display_name=username)
    seed._seed_demo_incident()
    from crisis.reports.demo import load_demo_report

    load_demo_report()
    report = db.session.scalar(sa.select(Report))
    assert report.number == 1 and report.status is ReportStatus.SENT
    assert report.sent_recipient == "Länsstyrelsen i Västra Götalands län" and report.approved_by == "chef"
