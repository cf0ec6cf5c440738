"""Scenario objectives, forms and seminar questions: validation with file:line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisis.exercises.scenario import InvalidScenario, load_scenario

INJECT = """  - id: larm
    offset_minutes: 0
    sender: Elnätet (spelat)
    channel: phone
    text: Avbrott.
    target_position: stabschef
    expected_action: Starta staben.
"""


def write(tmp_path: Path, body: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def errors(path: Path) -> list[tuple[int | None, str]]:
    with pytest.raises(InvalidScenario) as exc:
        load_scenario(path, ["elavbrott"])
    return [(e.line, e.message) for e in exc.value.errors]


def test_objectives_with_keys_and_injects(tmp_path: Path) -> None:
    body = (
        "title: T\nplaybook: elavbrott\nduration_minutes: 60\nobjectives:\n"
        "  - key: stab\n    text: Staben startar.\n    injects: [larm]\ninjects:\n" + INJECT
    )
    s = load_scenario(write(tmp_path, body), ["elavbrott"])
    assert (s.form, s.objectives[0].key, s.objectives[0].injects) == ("simulation", "stab", ("larm",))


def test_an_objective_naming_an_unknown_inject_is_reported_with_its_line(tmp_path: Path) -> None:
    body = (
        "title: T\nplaybook: elavbrott\nduration_minutes: 60\nobjectives:\n"
        "  - key: stab\n    text: Staben startar.\n    injects: [finns-inte]\ninjects:\n" + INJECT
    )
    found = errors(write(tmp_path, body))
    assert len(found) == 1 and found[0][0] == 7 and "unknown inject 'finns-inte'" in found[0][1]


def test_duplicate_objective_keys(tmp_path: Path) -> None:
    body = (
        "title: T\nplaybook: elavbrott\nduration_minutes: 60\nobjectives:\n"
        "  - key: a\n    text: X.\n  - key: a\n    text: Y.\ninjects:\n" + INJECT
    )
    found = errors(write(tmp_path, body))
    assert found[0][0] == 7 and "duplicate objective key" in found[0][1]


def test_plain_text_objectives_are_no_longer_accepted(tmp_path: Path) -> None:
    body = "title: T\nplaybook: elavbrott\nduration_minutes: 60\nobjectives:\n  - Staben startar.\ninjects:\n" + INJECT
    found = errors(write(tmp_path, body))
    assert found and found[0][0] == 5


def test_a_seminar_has_questions_and_no_injects(tmp_path: Path) -> None:
    ok = "title: T\nplaybook: elavbrott\nduration_minutes: 60\nform: seminar\nquestions:\n  - key: q1\n    text: Vad gör vi?\n"
    s = load_scenario(write(tmp_path, ok), ["elavbrott"])
    assert (s.form, [q.key for q in s.questions], s.injects) == ("seminar", ["q1"], ())
    found = errors(write(tmp_path, "title: T\nplaybook: elavbrott\nduration_minutes: 60\nform: seminar\n", "b.yaml"))
    assert any("needs at least one question" in m for _, m in found)
    with_injects = ok + "injects:\n" + INJECT
    found = errors(write(tmp_path, with_injects, "c.yaml"))
    assert any(line == 8 and "not timed injects" in m for line, m in found)


def test_a_simulation_needs_injects_and_forms_are_checked(tmp_path: Path) -> None:
    found = errors(write(tmp_path, "title: T\nplaybook: elavbrott\nduration_minutes: 60\n"))
    assert any("at least one inject" in m for _, m in found)
    found = errors(write(tmp_path, "title: T\nplaybook: elavbrott\nduration_minutes: 60\nform: tabletop\n", "d.yaml"))
    assert found and found[0][0] == 4
