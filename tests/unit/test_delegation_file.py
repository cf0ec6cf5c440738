"""The delegationsordning file: the shipped example loads; a broken file names file:line for each problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisis.config import ConfigError, load_config
from crisis.decisions.mandates import DelegationError, load
from crisis.enums import DecisionType, Level

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "delegationsordning.yaml"


def test_shipped_example_loads_with_kln_mandates() -> None:
    mandates = {m.key: m for m in load(SHIPPED)}
    assert {"tib", "krisledningschef", "kln_ordforande", "kln_vice_ordforande"} <= set(mandates)
    assert mandates["kln_ordforande"].covers(DecisionType.KLN)
    assert mandates["tib"].reaches(Level.MONITORING) and not mandates["tib"].reaches(Level.STAFF)
    assert mandates["krisledningschef"].report_to == "kommunstyrelsen"


def test_broken_file_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(
        "mandates:\n"
        "  - key: a\n"
        "    label: A\n"
        "    types: [level]\n"
        "  - key: a\n"
        "    label: B\n"
        "    types: [nonsense]\n"
        "    max_level: staff\n",
        encoding="utf-8",
    )
    with pytest.raises(DelegationError) as exc:
        load(path)
    message = str(exc.value)
    assert f"{path}:7:" in message and "nonsense" in message


def test_duplicate_key_and_misplaced_max_level(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(
        "mandates:\n"
        "  - key: a\n"
        "    label: A\n"
        "    types: [level]\n"
        "  - key: a\n"
        "    label: B\n"
        "    types: [other]\n"
        "    max_level: staff\n",
        encoding="utf-8",
    )
    with pytest.raises(DelegationError) as exc:
        load(path)
    assert f"{path}:5:" in str(exc.value) and "duplicate key" in str(exc.value)
    assert f"{path}:8:" in str(exc.value)


def test_app_refuses_to_start_with_a_broken_file(tmp_path: Path) -> None:
    from tests.conftest import make_app

    path = tmp_path / "broken.yaml"
    path.write_text("mandates: []\n", encoding="utf-8")
    with pytest.raises(DelegationError):
        make_app(tmp_path, CRISIS_DELEGATION_FILE=str(path))


def test_tib_max_level_is_checked() -> None:
    with pytest.raises(ConfigError):
        load_config({"CRISIS_TIB_MAX_LEVEL": "extraordinary", "CRISIS_DEMO": "on"})
    assert load_config({"CRISIS_DEMO": "on"})["CRISIS_TIB_MAX_LEVEL"] == "monitoring"
