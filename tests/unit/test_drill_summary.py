"""The figures of a larmövning (pure) and the ersättare in the playbook format."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crisis.drills.summary import Person, summarise
from crisis.playbooks import InvalidPlaybook, load_playbook

T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def test_median_slowest_and_missing():
    people = [
        Person("Anna", T0, T0 + timedelta(seconds=90)),
        Person("Bo", T0, T0 + timedelta(minutes=7, seconds=5)),
        Person("Cecilia", T0, None),
        Person("David", T0, T0 + timedelta(seconds=30)),
        Person("Eva", T0, T0 + timedelta(minutes=3)),
    ]
    assert summarise(people) == {
        "total": 5,
        "acknowledged": 4,
        "median_seconds": 135,  # (90 + 180) / 2
        "slowest": {"name": "Bo", "seconds": 425},
        "not_acknowledged": ["Cecilia"],
    }


def test_nobody_acknowledged():
    assert summarise([Person("Anna", T0, None)]) == {
        "total": 1,
        "acknowledged": 0,
        "median_seconds": None,
        "slowest": None,
        "not_acknowledged": ["Anna"],
    }


PLAYBOOK = """\
title: Test
kind: test
description: En spelbok med ersättare.
default_level: staff
positions: [stabschef]
callout:
  - name: Kommundirektör
    role: Krisledningschef
    phone: "0320-00 01 01"
    substitute:
      name: Biträdande kommundirektör
{substitute_rest}
first_log: Startad.
"""


def _write(tmp_path: Path, rest: str) -> Path:
    path = tmp_path / "test.yaml"
    path.write_text(PLAYBOOK.format(substitute_rest=rest), encoding="utf-8")
    return path


def test_a_substitute_is_read(tmp_path):
    pb = load_playbook(_write(tmp_path, '      phone: "0320-00 01 21"\n      email: bitr@marks-kommun.example'))
    sub = pb.callout[0].substitute
    assert sub is not None and (sub.name, sub.phone, sub.email) == (
        "Biträdande kommundirektör",
        "0320-00 01 21",
        "bitr@marks-kommun.example",
    )


@pytest.mark.parametrize(
    ("rest", "line", "message"),
    [
        ("", 10, "callout[0].substitute.phone: required field is missing"),
        ('      phone: "0320-00 01 21"\n      telefon: "1"', 13, "callout[0].substitute.telefon: unknown field"),
        ('      phone: "abc"', 12, "callout[0].substitute.phone:"),
    ],
)
def test_a_broken_substitute_is_reported_with_file_and_line(tmp_path, rest, line, message):
    path = _write(tmp_path, rest)
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path)
    (error,) = caught.value.errors
    assert (error.file, error.line) == (str(path), line), str(error)
    assert error.message.startswith(message), error.message
