"""Unit tests for crisis.reports.cap: CAP 1.2 rendering, geometry and validation.

Pure tests: no app, no database, no conftest fixtures. Real CAP messages
from /work/shared/data/cap are used where they exist and skipped otherwise,
so the suite still runs without the shared research folder.
"""

from __future__ import annotations

import dataclasses
import json
import math
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crisis.reports import cap
from crisis.reports.cap import (
    CAP_NS,
    CapCircle,
    CapInputError,
    CapMessage,
    CapReference,
    format_cap_datetime,
    geojson_to_cap_polygons,
    geojson_to_cap_rings,
    render_cap,
    simplify_ring,
    validate_cap,
)

REPO = Path(__file__).resolve().parents[2]
SHARED_CAP = Path("/work/shared/data/cap")
MARKS_CANDIDATES = (
    REPO / "static" / "geo" / "marks_kommun.geojson",
    Path("/work/shared/data/geo/marks_kommun_1463_okfse.geojson"),
)
XXE_FILE = SHARED_CAP / "invalid" / "google_xxe_attack.cap.xml"
NS = {"cap": CAP_NS}
UTC = UTC

# A small box around Kinna, closed, in (lat, lon).
KINNA_BOX = ((57.50, 12.68), (57.50, 12.71), (57.52, 12.71), (57.52, 12.68), (57.50, 12.68))


def make_message(**overrides: Any) -> CapMessage:
    """A valid real (non-exercise) alert. Each test overrides what it checks."""
    fields: dict[str, Any] = dict(
        identifier="krisrum-1463-42-1",
        sender="krisrum@mark.se",
        sent=datetime(2026, 11, 24, 13, 32, tzinfo=UTC),
        exercise=False,
        msg_type="Alert",
        category="Infra",
        event="Störning i dricksvattenförsörjningen",
        urgency="Expected",
        severity="Moderate",
        certainty="Likely",
        sender_name="Marks kommun",
        headline="Koka dricksvattnet i Kinna",
        description="Vattenverket i Kinna har en driftstörning.",
        instruction="Koka vattnet i minst en minut före användning.",
        contact="Marks kommun kontaktcenter 0320-21 70 00",
        web="https://www.mark.se/",
        area_desc="Kinna, Marks kommun",
        polygons=[KINNA_BOX],
    )
    fields.update(overrides)
    return CapMessage(**fields)


def parse(xml: bytes) -> ET.Element:
    """Parse our own output. It is trusted, but we still check for a DTD first."""
    assert b"<!DOCTYPE" not in xml
    return ET.fromstring(xml)


def text(root: ET.Element, path: str) -> str | None:
    element = root.find(path, NS)
    return None if element is None else element.text


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


def test_real_message_validates_and_has_schema_order() -> None:
    xml = render_cap(make_message())
    assert validate_cap(xml) == []
    root = parse(xml)
    assert root.tag == f"{{{CAP_NS}}}alert"
    assert [child.tag.split("}")[1] for child in root] == [
        "identifier",
        "sender",
        "sent",
        "status",
        "msgType",
        "scope",
        "info",
    ]
    assert text(root, "cap:status") == "Actual"
    assert text(root, "cap:scope") == "Public"
    assert text(root, "cap:info/cap:language") == "sv-SE"
    assert text(root, "cap:info/cap:headline") == "Koka dricksvattnet i Kinna"
    assert root.find("cap:note", NS) is None
    assert xml.startswith(b"<?xml")


def test_sent_uses_stockholm_offset_without_fraction() -> None:
    winter = datetime(2026, 11, 24, 13, 32, 0, 987654, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert format_cap_datetime(winter) == "2026-11-24T14:32:00+01:00"
    assert format_cap_datetime(summer) == "2026-07-01T12:00:00+02:00"
    root = parse(render_cap(make_message(sent=winter)))
    assert text(root, "cap:sent") == "2026-11-24T14:32:00+01:00"


def test_exercise_message_is_marked_everywhere_and_validates() -> None:
    msg = make_message(exercise=True, note="Inspel 3 i övning Vattenfall")
    xml = render_cap(msg)
    assert validate_cap(xml) == []
    root = parse(xml)
    assert text(root, "cap:status") == "Exercise"
    assert b"<status>Actual</status>" not in xml
    assert text(root, "cap:info/cap:headline") == "ÖVNING: Koka dricksvattnet i Kinna"
    assert text(root, "cap:note") == "ÖVNING – Inspel 3 i övning Vattenfall"


def test_exercise_without_note_still_gets_a_marked_note() -> None:
    root = parse(render_cap(make_message(exercise=True)))
    note = text(root, "cap:note")
    assert note is not None and note.startswith("ÖVNING – ")


def test_exercise_prefix_is_not_doubled() -> None:
    msg = make_message(exercise=True, headline="ÖVNING: Koka vattnet")
    assert msg.cap_headline == "ÖVNING: Koka vattnet"


def test_status_cannot_be_passed_in() -> None:
    with pytest.raises(TypeError):
        make_message(exercise=True, status="Actual")
    msg = make_message(exercise=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        msg.exercise = False  # type: ignore[misc]


def test_update_with_references_validates() -> None:
    first_sent = datetime(2026, 11, 24, 13, 32, tzinfo=UTC)
    refs = [
        CapReference("krisrum@mark.se", "krisrum-1463-42-1", first_sent),
        CapReference("krisrum@mark.se", "krisrum-1463-42-2", first_sent + timedelta(hours=1)),
    ]
    msg = make_message(
        identifier="krisrum-1463-42-3",
        msg_type="Update",
        references=refs,
        sent=first_sent + timedelta(hours=2),
        expires=first_sent + timedelta(hours=26),
    )
    xml = render_cap(msg)
    assert validate_cap(xml) == []
    root = parse(xml)
    assert text(root, "cap:msgType") == "Update"
    assert text(root, "cap:references") == (
        "krisrum@mark.se,krisrum-1463-42-1,2026-11-24T14:32:00+01:00 "
        "krisrum@mark.se,krisrum-1463-42-2,2026-11-24T15:32:00+01:00"
    )
    assert text(root, "cap:info/cap:expires") == "2026-11-25T16:32:00+01:00"


def test_cancel_with_reference_validates() -> None:
    ref = CapReference("krisrum@mark.se", "krisrum-1463-42-1", datetime(2026, 11, 24, 13, 32, tzinfo=UTC))
    xml = render_cap(make_message(identifier="krisrum-1463-42-9", msg_type="Cancel", references=[ref]))
    assert validate_cap(xml) == []


def test_user_text_is_escaped_and_round_trips() -> None:
    nasty = 'Akta <script>alert("x")</script> & "citat" \'enkla\' ]]> slut'
    msg = make_message(
        headline=nasty,
        description=nasty,
        instruction=nasty,
        contact=nasty,
        event=nasty,
        area_desc=nasty,
        sender_name="Marks <kommun> & co",
    )
    xml = render_cap(msg)
    assert b"<script>" not in xml
    assert b"&lt;script&gt;" in xml
    assert b"&amp; " in xml
    assert validate_cap(xml) == []
    root = parse(xml)
    for field in ("headline", "description", "instruction", "contact", "event"):
        assert text(root, f"cap:info/cap:{field}") == nasty
    assert text(root, "cap:info/cap:area/cap:areaDesc") == nasty
    assert text(root, "cap:info/cap:senderName") == "Marks <kommun> & co"


def test_control_characters_that_xml_cannot_carry_are_dropped() -> None:
    xml = render_cap(make_message(description="före\x00\x08\x1befter\tok"))
    assert validate_cap(xml) == []
    assert text(parse(xml), "cap:info/cap:description") == "föreefter\tok"


def test_circle_and_response_types_render_in_order() -> None:
    msg = make_message(
        polygons=[],
        circles=[CapCircle(57.5123456, 12.6987654, 2.5)],
        response_types=["Shelter", "Monitor"],
    )
    xml = render_cap(msg)
    assert validate_cap(xml) == []
    root = parse(xml)
    assert text(root, "cap:info/cap:area/cap:circle") == "57.51235,12.69877 2.5"
    assert [e.text for e in root.findall("cap:info/cap:responseType", NS)] == ["Shelter", "Monitor"]


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"sent": datetime(2026, 11, 24, 14, 32)}, "sent must be timezone-aware"),
        ({"msg_type": "Update"}, "must reference"),
        ({"msg_type": "Ack"}, "msg_type"),
        ({"category": "Weather"}, "category"),
        ({"urgency": "Soon"}, "urgency"),
        ({"severity": "High"}, "severity"),
        ({"certainty": "Sure"}, "certainty"),
        ({"response_types": ["Run"]}, "response_types"),
        ({"identifier": "has space"}, "identifier"),
        ({"sender": "a,b"}, "sender"),
        ({"headline": "  "}, "headline is required"),
        ({"web": "javascript:alert(1)"}, "web"),
        ({"expires": datetime(2026, 11, 24, 12, 0, tzinfo=UTC)}, "expires must be later"),
        ({"polygons": [KINNA_BOX[:-1]]}, "closed"),
        ({"polygons": [KINNA_BOX[:2] + KINNA_BOX[:1]]}, "at least 4"),
        ({"polygons": [((95.0, 12.0), (57.0, 12.0), (57.0, 13.0), (95.0, 12.0))]}, "WGS84"),
        ({"polygons": []}, "at least one polygon, circle or geocode"),
        ({"polygons": [], "circles": [CapCircle(57.5, 12.7, -1)]}, "radius"),
    ],
)
def test_invalid_input_is_refused(overrides: dict[str, Any], fragment: str) -> None:
    with pytest.raises(CapInputError) as excinfo:
        make_message(**overrides)
    assert any(fragment in error for error in excinfo.value.errors), excinfo.value.errors


def test_polygon_strings_are_refused_with_a_hint() -> None:
    with pytest.raises(CapInputError, match="geojson_to_cap_rings"):
        make_message(polygons=["57.5,12.68 57.5,12.71 57.52,12.71 57.5,12.68"])


def test_enums_match_the_shipped_schema() -> None:
    """The Literal types must list exactly the XSD enumerations we allow."""
    xsd = ET.parse(cap.SCHEMA_PATH).getroot()
    xs = "{http://www.w3.org/2001/XMLSchema}"

    def enumeration(name: str) -> set[str]:
        element = xsd.find(f".//{xs}element[@name='{name}']")
        assert element is not None
        return {e.get("value", "") for e in element.iter(f"{xs}enumeration")}

    assert cap.CATEGORIES == enumeration("category")
    assert cap.RESPONSE_TYPES == enumeration("responseType")
    assert cap.URGENCIES == enumeration("urgency")
    assert cap.SEVERITIES == enumeration("severity")
    assert cap.CERTAINTIES == enumeration("certainty")
    # We publish only these. Ack and Error are for system-to-system exchange.
    assert cap.MSG_TYPES < enumeration("msgType")


def test_schema_is_shipped_in_the_package_and_unchanged() -> None:
    assert cap.SCHEMA_PATH.is_file()
    assert cap.SCHEMA_PATH.is_relative_to(REPO / "crisis")
    assert b"Copyright OASIS Open 2010" in cap.SCHEMA_PATH.read_bytes()
    shared = SHARED_CAP / "schema" / "CAP-v1.2.xsd"
    if shared.is_file():
        assert cap.SCHEMA_PATH.read_bytes() == shared.read_bytes()


# --------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------


def _marks_geometry() -> dict[str, Any]:
    for path in MARKS_CANDIDATES:
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("type") == "FeatureCollection":
                return data["features"][0]["geometry"]
            return data.get("geometry", data)
    pytest.skip("no Marks kommun boundary file available")


def _assert_cap_polygon(polygon: str, max_points: int) -> None:
    pairs = polygon.split()
    assert 4 <= len(pairs) <= max_points
    assert pairs[0] == pairs[-1]
    for pair in pairs:
        lat, lon = pair.split(",")
        assert len(lat.partition(".")[2]) <= 5 and len(lon.partition(".")[2]) <= 5
        # Marks kommun lies around 57.3-57.7 N, 12.2-13.0 E: lat/lon not swapped
        assert 57.0 < float(lat) < 58.0 and 12.0 < float(lon) < 13.5


@pytest.mark.parametrize("max_points", [100, 20, 4])
def test_marks_boundary_becomes_a_valid_cap_polygon(max_points: int) -> None:
    polygons = geojson_to_cap_polygons(_marks_geometry(), max_points=max_points)
    assert len(polygons) == 1
    _assert_cap_polygon(polygons[0], max_points)
    rings = geojson_to_cap_rings(_marks_geometry(), max_points=max_points)
    msg = make_message(area_desc="Marks kommun", polygons=rings)
    xml = render_cap(msg)
    assert validate_cap(xml) == []
    assert text(parse(xml), "cap:info/cap:area/cap:polygon") == polygons[0]


def test_simplifier_keeps_a_squares_corners() -> None:
    corners = [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0)]
    # Add collinear points along each edge. They carry no shape.
    dense = []
    for (a_lat, a_lon), (b_lat, b_lon) in zip(corners, corners[1:] + corners[:1], strict=True):
        dense += [(a_lat + (b_lat - a_lat) * t / 10, a_lon + (b_lon - a_lon) * t / 10) for t in range(10)]
    result = simplify_ring(dense + [dense[0]], max_points=5)
    assert len(result) == 5 and result[0] == result[-1]
    assert set(result) == set(corners)
    # A ring already small enough comes back unchanged, closed.
    assert simplify_ring(corners, max_points=100) == corners + [corners[0]]


def test_simplifier_handles_a_large_ring_quickly() -> None:
    n = 20_000
    ring = [(57.5 + 0.1 * math.sin(2 * math.pi * i / n), 12.6 + 0.2 * math.cos(2 * math.pi * i / n)) for i in range(n)]
    result = simplify_ring(ring, max_points=100)
    assert len(result) == 100 and result[0] == result[-1]


def test_multipolygon_ignores_holes_and_converts_axis_order() -> None:
    outer = [[12.0, 57.0], [13.0, 57.0], [13.0, 58.0], [12.0, 58.0], [12.0, 57.0]]
    hole = [[12.4, 57.4], [12.6, 57.4], [12.6, 57.6], [12.4, 57.4]]
    island = [[12.123456789, 57.9], [12.2, 57.9], [12.2, 57.95], [12.123456789, 57.9]]
    geometry = {"type": "MultiPolygon", "coordinates": [[outer, hole], [island]]}
    polygons = geojson_to_cap_polygons(geometry)
    assert polygons == [
        "57,12 57,13 58,13 58,12 57,12",
        "57.9,12.12346 57.9,12.2 57.95,12.2 57.9,12.12346",
    ]


def test_geojson_errors() -> None:
    with pytest.raises(ValueError):
        geojson_to_cap_polygons({"type": "Point", "coordinates": [12.7, 57.5]})
    with pytest.raises(ValueError):
        geojson_to_cap_polygons({"type": "Polygon", "coordinates": [[[200, 57], [12, 57], [12, 58], [200, 57]]]})
    with pytest.raises(ValueError):
        geojson_to_cap_polygons(
            {"type": "Polygon", "coordinates": [[[12, 57], [13, 57], [12, 58], [12, 57]]]}, max_points=3
        )


# --------------------------------------------------------------------------
# Validation of received documents
# --------------------------------------------------------------------------


def _cap12_examples() -> list[Path]:
    folder = SHARED_CAP / "examples"
    return sorted(folder.glob("*.xml")) if folder.is_dir() else []


def _root_namespace(path: Path) -> str:
    # The example files are trusted research data without DTDs. We check that before parsing.
    data = path.read_bytes()
    assert b"<!DOCTYPE" not in data
    return ET.fromstring(data).tag.partition("}")[0].lstrip("{")


@pytest.mark.parametrize("path", _cap12_examples(), ids=lambda p: p.name)
def test_shared_cap12_examples_validate(path: Path) -> None:
    if _root_namespace(path) != CAP_NS:
        pytest.skip(f"{path.name} is not a CAP 1.2 document (e.g. an EDXL-DE envelope)")
    assert validate_cap(path.read_bytes()) == []


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("google_invalid_missing_scope.cap.xml", "scope"),
        # Passes the XSD. Our own rule catches the Update without references.
        ("google_canada_errors.cap.xml", "must name the message"),
        ("google_xxe_attack.cap.xml", "DOCTYPE"),
    ],
)
def test_shared_invalid_files_are_rejected(name: str, fragment: str) -> None:
    path = SHARED_CAP / "invalid" / name
    if not path.is_file():
        pytest.skip(f"{path} not available")
    errors = validate_cap(path.read_bytes())
    assert errors and any(fragment in e for e in errors), errors


def test_every_shared_invalid_file_is_rejected() -> None:
    folder = SHARED_CAP / "invalid"
    if not folder.is_dir():
        pytest.skip("shared invalid CAP files not available")
    for path in sorted(folder.glob("*.xml")):
        assert validate_cap(path.read_bytes()), path.name


def test_xxe_is_refused_before_any_parser_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    if not XXE_FILE.is_file():
        pytest.skip("XXE fixture not available")

    def no_parsing(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("validate_cap parsed a document with a DOCTYPE")

    monkeypatch.setattr(cap.xmlschema, "XMLResource", no_parsing)
    errors = validate_cap(XXE_FILE.read_bytes())
    assert errors and "DOCTYPE" in errors[0]
    assert not any("root:" in e for e in errors)  # no /etc/passwd content leaked


def test_defused_parser_is_the_second_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even if the DOCTYPE check were bypassed, the parser refuses entities."""
    monkeypatch.setattr(cap, "_has_dtd_markup", lambda xml: False)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&b;</identifier></alert>'
    )
    errors = validate_cap(laughs)
    assert errors and "refused by the safe parser" in errors[0]


def test_doctype_in_other_encodings_is_refused() -> None:
    doc = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE alert [<!ENTITY x "y">]><alert/>'
    assert "DOCTYPE" in validate_cap(doc.encode("utf-16"))[0]
    assert "DOCTYPE" in validate_cap(b"<!doctype alert><alert/>")[0]


def test_malformed_and_wrong_documents_give_readable_errors() -> None:
    assert "not well-formed" in validate_cap(b"<alert><identifier></alert>")[0]
    assert validate_cap(b'<alert xmlns="urn:other"/>')
    assert "larger than" in validate_cap(b" " * (cap.MAX_CAP_BYTES + 1))[0]


def test_semantic_rules_catch_bad_geometry_and_references() -> None:
    xml = render_cap(make_message())
    bad_polygon = xml.replace(
        b"57.5,12.68 57.5,12.71 57.52,12.71 57.52,12.68 57.5,12.68",
        b"57.5,12.68 57.5,12.71 57.52,12.71",
    )
    assert bad_polygon != xml
    assert any("polygon" in e for e in validate_cap(bad_polygon))
    bad_ref = xml.replace(b"<msgType>Alert</msgType>", b"<msgType>Update</msgType>").replace(
        b"<scope>Public</scope>", b"<scope>Public</scope><references>only-an-id</references>"
    )
    assert any("sender,identifier,sent" in e for e in validate_cap(bad_ref))
