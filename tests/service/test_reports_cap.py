"""Public information as OASIS CAP 1.2 from an approved report, validated against the shipped schema."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from crisis.errors import Conflict, ValidationError
from crisis.incidents import service as incidents
from crisis.reports import cap, export, service

NS = {"cap": cap.CAP_NS}
PUBLIC = {
    "cap_headline": "Elavbrott i Kinna och Skene",
    "cap_description": "Stora delar av Kinna och Skene saknar ström sedan 12:40.",
    "cap_instruction": "Trygghetspunkt öppen i Kinnahallen. Ring 112 vid nödläge.",
}


def _approved(users: dict[str, Any], incident_id: int, **fields: Any) -> Any:
    report = service.create(actor=users["staff"], incident_id=incident_id)
    service.update(actor=users["staff"], report_id=report.id, fields={**PUBLIC, **fields})
    return service.approve(actor=users["leader"], report_id=report.id)


def _parse(xml: bytes) -> ET.Element:
    assert cap.validate_cap(xml) == []
    return ET.fromstring(xml)


def test_real_incident_gives_a_valid_actual_alert(app: Any, users: dict[str, Any], incident: Any) -> None:
    report = _approved(users, incident.id)
    _r, xml = export.cap_xml(viewer=users["observer"], report_id=report.id)
    root = _parse(xml)
    assert root.findtext("cap:status", namespaces=NS) == "Actual"
    assert root.findtext("cap:scope", namespaces=NS) == "Public"
    assert root.findtext("cap:msgType", namespaces=NS) == "Alert"
    info = root.find("cap:info", NS)
    assert info.findtext("cap:language", namespaces=NS) == "sv-SE"
    assert info.findtext("cap:headline", namespaces=NS) == PUBLIC["cap_headline"]
    assert info.findtext("cap:instruction", namespaces=NS) == PUBLIC["cap_instruction"]
    area = info.find("cap:area", NS)
    assert area.findtext("cap:areaDesc", namespaces=NS) == "Marks kommun"
    polygon = area.findtext("cap:polygon", namespaces=NS).split()
    assert 4 <= len(polygon) <= 100 and polygon[0] == polygon[-1]
    lat, lon = map(float, polygon[0].split(","))
    assert 57.2 < lat < 57.7 and 12.3 < lon < 13.0  # the Marks boundary, in CAP's lat,lon order
    assert "ÖVNING" not in xml.decode()


def test_exercise_incident_is_never_actual(app: Any, users: dict[str, Any]) -> None:
    exercise = incidents.create(actor=users["leader"], title="Övning Höstvind", kind="storm", mode="exercise")
    report = _approved(users, exercise.id)
    _r, xml = export.cap_xml(viewer=users["staff"], report_id=report.id)
    root = _parse(xml)
    assert root.findtext("cap:status", namespaces=NS) == "Exercise"
    assert root.findtext("cap:info/cap:headline", namespaces=NS).startswith("ÖVNING")
    assert "ÖVNING" in root.findtext("cap:note", namespaces=NS)


def test_drawn_area_and_a_correction_as_update(app: Any, users: dict[str, Any], incident: Any) -> None:
    square = {
        "type": "Polygon",
        "coordinates": [[[12.6, 57.4], [12.7, 57.4], [12.7, 57.5], [12.6, 57.5], [12.6, 57.4]]],
    }
    first = _approved(users, incident.id, area=square, cap_area_desc="Centrala Kinna")
    _r, xml = export.cap_xml(viewer=users["staff"], report_id=first.id)
    root = _parse(xml)
    assert (
        root.findtext("cap:info/cap:area/cap:polygon", namespaces=NS)
        == "57.4,12.6 57.4,12.7 57.5,12.7 57.5,12.6 57.4,12.6"
    )
    assert root.findtext("cap:info/cap:area/cap:areaDesc", namespaces=NS) == "Centrala Kinna"
    first_id = root.findtext("cap:identifier", namespaces=NS)

    fix = service.create(actor=users["staff"], incident_id=incident.id, supersedes=first.number)
    service.update(actor=users["staff"], report_id=fix.id, fields={"cap_headline": "Rättelse: elavbrott"})
    fix = service.approve(actor=users["leader"], report_id=fix.id)
    _r, xml = export.cap_xml(viewer=users["staff"], report_id=fix.id)
    root = _parse(xml)
    assert root.findtext("cap:msgType", namespaces=NS) == "Update"
    refs = root.findtext("cap:references", namespaces=NS)
    assert first_id in refs
    assert root.findtext("cap:identifier", namespaces=NS) != first_id


def test_draft_and_incomplete_reports_give_409_with_reasons(app: Any, users: dict[str, Any], incident: Any) -> None:
    report = service.create(actor=users["staff"], incident_id=incident.id)
    with pytest.raises(Conflict) as e:
        export.cap_xml(viewer=users["staff"], report_id=report.id)
    assert e.value.code == "not_approved"
    # No public description written: approval refuses before freezing, and says what is missing in Swedish.
    with pytest.raises(ValidationError) as v:
        service.approve(actor=users["leader"], report_id=report.id)
    assert v.value.status == 422 and v.value.code == "cap_incomplete"
    assert v.value.details["missing"] == ["cap_description"]
    assert "Information till allmänheten" in v.value.message and "kan inte fastställas" in v.value.message
    assert service.get(viewer=users["staff"], report_id=report.id).is_draft
    # Once written, approval works and the approved report always makes its CAP message.
    service.update(actor=users["staff"], report_id=report.id, fields={"cap_description": "Strömavbrott i Kinna."})
    service.approve(actor=users["leader"], report_id=report.id)
    _r, xml = export.cap_xml(viewer=users["staff"], report_id=report.id)
    assert cap.validate_cap(xml) == []


def test_approval_lists_every_missing_cap_field(app: Any, users: dict[str, Any], incident: Any) -> None:
    report = service.create(actor=users["staff"], incident_id=incident.id)
    service.update(
        actor=users["staff"],
        report_id=report.id,
        fields={"cap_headline": " ", "cap_area_desc": "", "cap_description": ""},
    )
    with pytest.raises(ValidationError) as v:
        service.approve(actor=users["leader"], report_id=report.id)
    # The headline and the area fall back to the incident title and the kommun, so only the description is missing.
    assert v.value.details["missing"] == ["cap_description"]
