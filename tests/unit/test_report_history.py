"""The field-by-field diff between two versions of a lägesrapport (pure)."""

from __future__ import annotations

from typing import Any

from crisis.reports.history import diff_reports, line_diff


def _report(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "handelse": "Elavbrott i Kinna.",
        "konsekvenser": "",
        "vidtagna_atgarder": "",
        "beslut": "",
        "behov": "",
        "prognos": "Okänd.",
        "kommunikation": "",
        "nasta_rapport": "2026-11-24T17:00:00+00:00",
        "cap_headline": "Elavbrott",
        "cap_description": "",
        "cap_instruction": "",
        "cap_area_desc": "Marks kommun",
        "cap_category": "Infra",
        "cap_urgency": "Expected",
        "cap_severity": "Moderate",
        "cap_certainty": "Likely",
        "area": None,
        "snapshot": {
            "level": "staff",
            "sites": {
                "available": True,
                "categories": {"power": {"operational": 3, "down": 1}},
                "problems": [{"key": "p1", "name": "Kinna fördelningsstation", "status": "down"}],
            },
            "tasks": {"open_count": 2, "overdue_count": 0},
            "staffing": [{"key": "stabschef", "label": "Stabschef", "holders": ["Johan"]}],
        },
    }
    snap = kw.pop("snapshot", None)
    base.update(kw)
    if snap:
        base["snapshot"] = {**base["snapshot"], **snap}
    return base


def test_first_report_has_no_changes() -> None:
    assert diff_reports(None, _report()) == []


def test_identical_reports_have_no_changes() -> None:
    assert diff_reports(_report(), _report()) == []


def test_whitespace_only_edits_are_not_changes() -> None:
    assert diff_reports(_report(), _report(prognos="  Okänd.\n")) == []


def test_text_field_changed_added_removed_with_lines() -> None:
    changes = diff_reports(
        _report(behov="Reservkraft till Skene.\nVatten."),
        _report(behov="Reservkraft till Skene.\nTankbilar.", prognos="", beslut="Nytt beslut."),
    )
    by_field = {c["field"]: c for c in changes}
    assert set(by_field) == {"behov", "prognos", "beslut"}
    assert by_field["behov"]["kind"] == "changed"
    assert by_field["behov"]["lines"] == [
        {"op": " ", "text": "Reservkraft till Skene."},
        {"op": "-", "text": "Vatten."},
        {"op": "+", "text": "Tankbilar."},
    ]
    assert by_field["prognos"]["kind"] == "removed" and by_field["prognos"]["before"] == "Okänd."
    assert by_field["beslut"]["kind"] == "added" and by_field["beslut"]["after"] == "Nytt beslut."


def test_order_follows_the_report() -> None:
    changes = diff_reports(
        _report(),
        _report(kommunikation="Pressmeddelande 14:00.", handelse="Storm.", nasta_rapport="2026-11-24T21:00:00+00:00"),
    )
    assert [c["field"] for c in changes] == ["handelse", "kommunikation", "nasta_rapport"]
    assert changes[2]["before"] == "2026-11-24T17:00:00+00:00"


def test_snapshot_facts_are_compared() -> None:
    after = _report(
        snapshot={
            "level": "extraordinary",
            "sites": {
                "available": True,
                "categories": {"power": {"operational": 4}, "water": {"at_risk": 1}},
                "problems": [{"key": "w1", "name": "Kinna vattenverk", "status": "operational", "at_risk": True}],
            },
            "tasks": {"open_count": 2, "overdue_count": 1},
            "staffing": [
                {"key": "stabschef", "label": "Stabschef", "holders": ["Johan", "Sara"]},
                {"key": "samverkan", "label": "Samverkan", "holders": ["Erik"]},
            ],
        }
    )
    changes = diff_reports(_report(), after)
    found = {(c["field"], c.get("name")): c for c in changes}
    assert found[("level", None)]["before"] == "staff" and found[("level", None)]["after"] == "extraordinary"
    assert found[("sites", "power")]["before"] == {"operational": 3, "down": 1}
    assert found[("sites", "power")]["after"] == {"operational": 4}
    assert found[("sites", "water")]["kind"] == "added"
    assert found[("site", "Kinna fördelningsstation")]["kind"] == "removed"
    assert found[("site", "Kinna vattenverk")]["after"] == "at_risk"
    assert found[("tasks.overdue_count", None)]["after"] == "1"
    assert ("tasks.open_count", None) not in found
    assert found[("staffing", "Stabschef")]["after"] == "Johan, Sara"
    assert found[("staffing", "Samverkan")]["kind"] == "added"


def test_area_drawn_and_cleared() -> None:
    poly = {"type": "Polygon", "coordinates": [[[12.6, 57.4], [12.7, 57.4], [12.7, 57.5], [12.6, 57.4]]]}
    assert [c["kind"] for c in diff_reports(_report(), _report(area=poly))] == ["added"]
    assert [c["kind"] for c in diff_reports(_report(area=poly), _report())] == ["removed"]


def test_line_diff_of_empty_texts() -> None:
    assert line_diff("", "") == []
    assert line_diff("", "a\nb") == [{"op": "+", "text": "a"}, {"op": "+", "text": "b"}]
