"""Issue 15: the lägesrapport as Länsstyrelsen asks for it: contact, period, activation, scope, samverkan,
trygghetspunkter, VMA, uncertainties, classification; prefill providers; fixed report times; the recipient."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest
import sqlalchemy as sa

from crisis.errors import ValidationError
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.reports import prefill, rhythm, service
from crisis.reports.models import Report


def test_a_draft_is_prefilled_from_the_incident(app: Any, users: dict[str, Any], incident: Any) -> None:
    db.session.execute(sa.update(Incident).where(Incident.id == incident.id).values(kln_active=True, level="staff"))
    db.session.commit()
    report = service.create(actor=users["staff"], incident_id=incident.id)
    assert report.kontaktperson == users["staff"].display_name
    assert report.krisledning_aktiverad is True and report.kln_aktiverad is True
    assert report.period_fran is not None and report.period_till is not None
    assert report.period_fran <= report.period_till
    assert report.klassning == "K1" and report.osl_grund is None and report.vma_begard is False


def test_fields_are_edited_validated_and_frozen(app: Any, users: dict[str, Any], incident: Any) -> None:
    staff = users["staff"]
    report = service.create(actor=staff, incident_id=incident.id)
    service.update(
        actor=staff,
        report_id=report.id,
        fields={
            "kontakt_telefon": "0320-21 70 00",
            "omfattning": "Cirka 3 200 hushåll utan ström",
            "sarbara_grupper": "Hemtjänstens brukare i Skene",
            "vma_begard": True,
            "vma_begard_at": "2026-11-24T10:00:00+01:00",
            "kln_aktiverad": None,
            "klassning": "K2",
            "osl_grund": "18 kap. 13 § OSL",
        },
    )
    db.session.expire_all()
    r = db.session.get(Report, report.id)
    assert r is not None and r.omfattning.startswith("Cirka") and r.vma_begard and r.kln_aktiverad is None
    version = r.version
    for bad in (
        {"klassning": "K4"},
        {"klassning": "K1"},  # with the OSL ground still there
        {"osl_grund": ""},  # K2 without a ground
        {"kln_aktiverad": "kanske"},
        {"period_fran": "2026-11-24T12:00:00+01:00", "period_till": "2026-11-24T08:00:00+01:00"},
        {"kontakt_telefon": "0" * 51},
    ):
        with pytest.raises(ValidationError):
            service.update(actor=staff, report_id=report.id, fields=bad)
    db.session.expire_all()
    r = db.session.get(Report, report.id)
    assert r is not None and r.version == version and r.klassning == "K2" and r.osl_grund == "18 kap. 13 § OSL"
    service.update(actor=staff, report_id=report.id, fields={"cap_description": "Strömavbrott."})
    service.approve(actor=users["leader"], report_id=report.id)
    # The database itself refuses to change an approved report's new fields too.
    with pytest.raises(sa.exc.DBAPIError):
        db.session.execute(sa.update(Report).where(Report.id == report.id).values(omfattning="ändrat"))
        db.session.commit()
    db.session.rollback()
    second = service.create(actor=staff, incident_id=incident.id)
    assert (second.omfattning, second.klassning, second.osl_grund) == (
        "Cirka 3 200 hushåll utan ström",
        "K2",
        "18 kap. 13 § OSL",
    )


def test_prefill_providers_fill_needs_and_survive_a_broken_one(app: Any, users: dict[str, Any], incident: Any) -> None:
    seen: list[Any] = []

    def needs(*, incident: Any, since: Any) -> dict[str, Any]:
        seen.append((incident.id, since))
        return {"behov": "1. Reservkraft till Kinna vattenverk", "vma_begard": True, "unknown_key": "x"}

    def trygghet(*, incident: Any, since: Any) -> dict[str, Any]:
        return {"trygghetspunkter": "Kinnahallen", "behov": "2. Vatten i tank till Örby"}

    def broken(*, incident: Any, since: Any) -> dict[str, Any]:
        raise RuntimeError("provider bug")

    for p in (needs, broken, trygghet):
        prefill.add_provider(app, p)
    with pytest.raises(ValueError):
        prefill.add_provider(app, needs)
    report = service.create(actor=users["staff"], incident_id=incident.id)
    assert seen == [(incident.id, None)]
    assert report.behov == "1. Reservkraft till Kinna vattenverk\n\n2. Vatten i tank till Örby"
    assert report.trygghetspunkter == "Kinnahallen" and report.vma_begard is True


def test_rhythm_at_fixed_clock_times() -> None:
    times = rhythm.parse("14:00, 08:00,08:00")
    assert times == [time(8), time(14)]
    # 10:00 UTC is 11:00 in Stockholm in November: the next is 14:00 local = 13:00 UTC.
    assert rhythm.next_at(datetime(2026, 11, 24, 10, 0, tzinfo=UTC), times) == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    # after the last one of the day: tomorrow 08:00 local
    assert rhythm.next_at(datetime(2026, 11, 24, 20, 0, tzinfo=UTC), times) == datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    assert rhythm.next_at(datetime(2026, 11, 24, 10, 5, tzinfo=UTC), []) == datetime(2026, 11, 24, 14, 15, tzinfo=UTC)
    for bad in ("25:00", "8", "08:60", ["x"]):
        with pytest.raises(ValueError):
            rhythm.parse(bad)


def test_set_rhythm_drives_the_next_report_time(app: Any, users: dict[str, Any], incident: Any) -> None:
    with pytest.raises(ValidationError):
        service.set_rhythm(actor=users["staff"], incident_id=incident.id, times=["kl 8"])
    got = service.set_rhythm(actor=users["staff"], incident_id=incident.id, times=["08:00", "14:00"])
    assert got["times"] == ["08:00", "14:00"]
    report = service.create(actor=users["staff"], incident_id=incident.id)
    assert report.nasta_rapport is not None
    local = report.nasta_rapport.astimezone(rhythm.TZ)
    assert (local.hour, local.minute) in ((8, 0), (14, 0))


def test_the_recipient_comes_from_configuration(tmp_path: Any) -> None:
    from tests.conftest import make_app

    app = make_app(tmp_path, CRISIS_REPORT_RECIPIENT="Länsstyrelsen i Hallands län")
    with app.app_context():
        assert service.configured_recipient() == "Länsstyrelsen i Hallands län"
