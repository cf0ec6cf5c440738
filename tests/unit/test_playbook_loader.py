"""Playbook and exercise-scenario formats: shipped content, broken files, lines.

Pure tests: no Flask app, no database.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pydantic
import pytest

from crisis.enums import Level
from crisis.exercises import InjectChannel, InvalidScenario, load_scenario, load_scenarios
from crisis.playbooks import InvalidPlaybook, Playbook, PlaybookError, load_playbook, load_playbooks
from crisis.yamlsource import YamlSourceError, format_path, parse_yaml

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOKS = ROOT / "playbooks"
SCENARIOS = PLAYBOOKS / "exercises"
BROKEN = ROOT / "tests" / "fixtures" / "playbooks_broken"

EXPECTED_LEVELS = {
    "elavbrott": Level.STAFF,
    "dricksvatten": Level.STAFF,
    "storm": Level.REINFORCED,
    "oversvamning": Level.REINFORCED,
    "it-angrepp": Level.STAFF,
    "pandemi": Level.REINFORCED,
    "brand-olycka": Level.REINFORCED,
    "hot-vald": Level.REINFORCED,
    # Höjd beredskap is the country's state, not an incident level: the playbook proposes stabsläge.
    "hojd-beredskap": Level.STAFF,
}


@pytest.fixture(scope="module")
def shipped() -> dict[str, Playbook]:
    result = load_playbooks(PLAYBOOKS)
    assert result.errors == [], "\n".join(map(str, result.errors))
    return result.playbooks


# --- shipped content -----------------------------------------------------------


def test_every_shipped_playbook_validates(shipped: dict[str, Playbook]) -> None:
    assert set(EXPECTED_LEVELS) <= set(shipped)
    assert list(shipped) == sorted(shipped)


@pytest.mark.parametrize("key", sorted(EXPECTED_LEVELS))
def test_shipped_playbook_content(shipped: dict[str, Playbook], key: str) -> None:
    playbook = shipped[key]
    assert playbook.default_level is EXPECTED_LEVELS[key]
    assert 4 <= len(playbook.tasks) <= 8
    assert playbook.callout and playbook.checklist and playbook.reminders
    assert playbook.highlight_categories
    for contact in playbook.callout:
        assert contact.phone.startswith("0320-00"), "example numbers only"
        assert "(exempel)" in contact.name
    for task in playbook.tasks:
        assert task.position in playbook.position_keys


def test_heightened_alert_is_recorded_not_chosen(shipped: dict[str, Playbook]) -> None:
    playbook = shipped["hojd-beredskap"]
    assert "regeringen" in playbook.description.lower()
    assert "registrerar" in playbook.description
    # Höjd beredskap is not the incident's level: the playbook proposes stabsläge, kommunstyrelsen leads.
    assert playbook.default_level is Level.STAFF
    assert "Beredskapsläge" in playbook.description and "kommunstyrelsen" in playbook.description
    assert "inte en ledningsnivå" in playbook.description
    assert "kommunstyrelsen leder" in playbook.first_log.lower()


def test_levels_are_the_four_local_ones(shipped: dict[str, Playbook]) -> None:
    assert {p.default_level.value for p in shipped.values()} <= {"normal", "monitoring", "reinforced", "staff"}


def test_every_shipped_scenario_validates(shipped: dict[str, Playbook]) -> None:
    positions = {key: p.position_keys for key, p in shipped.items()}
    result = load_scenarios(SCENARIOS, playbook_keys=shipped.keys(), playbook_positions=positions)
    assert result.errors == [], "\n".join(map(str, result.errors))
    assert {
        "vinterelavbrott": "elavbrott",
        "fororenat-vatten": "dricksvatten",
        "dammbrott-viskan-seminarium": "oversvamning",
        "kln-langvarigt-elavbrott": "elavbrott",
    } == {key: s.playbook for key, s in result.scenarios.items()}
    for scenario in result.scenarios.values():
        if scenario.form != "simulation":  # seminar and KLN exercises: questions, no injects
            assert not scenario.injects and len(scenario.questions) >= 5 and scenario.objectives
            continue
        assert len(scenario.injects) >= 16
        assert 120 <= scenario.duration_minutes <= 180
        assert scenario.injects[-1].offset_minutes >= 120
        assert len({i.channel for i in scenario.injects}) >= 5
        assert len({i.target_position for i in scenario.injects}) >= 5


def test_playbook_model_is_frozen(shipped: dict[str, Playbook]) -> None:
    playbook = shipped["elavbrott"]
    with pytest.raises(pydantic.ValidationError):
        playbook.title = "x"  # type: ignore[misc]
    assert isinstance(playbook.tasks, tuple)
    assert playbook.position_label("stabschef") == "Stabschef"
    assert playbook.position_label("va") == "VA-enheten (förvaltningsrepresentant)"
    assert playbook.model_dump(mode="json")["default_level"] == "staff"


# --- broken playbooks: one defect each, message and line -------------------------

BROKEN_PLAYBOOKS = {
    "syntax-error": (12, "YAML syntax error: mapping values are not allowed here"),
    "duplicate-key": (4, "duplicate key 'title' (first defined on line 2)"),
    "unknown-field": (19, "checklsit: unknown field (did you mean 'checklist'?)"),
    "wrong-type": (19, "checklist: must be a list"),
    "unknown-level": (4, "default_level: unknown value 'stabsläge'; expected one of 'normal'"),
    "task-position": (10, "tasks[0].position: 'kommunikation' is not one of the playbook's positions"),
    "unknown-category": (18, "highlight_categories[1]: unknown value 'electricity'"),
    "negative-due": (11, "tasks[0].due_in_minutes: must be a positive integer (minutes), got -10"),
    "reminder-too-frequent": (17, "reminders[0].every_minutes: must be a whole number of at least 15"),
    "missing-title": (2, "title: required field is missing"),
    "key-mismatch": (2, "key: must match the file name 'key-mismatch'"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_PLAYBOOKS))
def test_broken_playbook_reports_message_and_line(name: str) -> None:
    path = BROKEN / f"{name}.yaml"
    line, message = BROKEN_PLAYBOOKS[name]
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path)
    errors = caught.value.errors
    assert len(errors) == 1, "\n".join(map(str, errors))
    error = errors[0]
    assert (error.file, error.line) == (str(path), line)
    assert error.message.startswith(message), error.message
    assert str(error) == f"{path}:{line}: {error.message}"


def test_load_playbooks_on_broken_dir_reports_every_file_and_skips_subdirs() -> None:
    result = load_playbooks(BROKEN)
    assert result.playbooks == {}
    assert sorted({Path(e.file).stem for e in result.errors}) == sorted(BROKEN_PLAYBOOKS)
    assert all("exercises" not in e.file for e in result.errors)
    assert result.errors == sorted(result.errors, key=PlaybookError.sort_key)


def test_load_playbooks_keeps_valid_and_reports_broken(tmp_path: Path) -> None:
    shutil.copy(PLAYBOOKS / "elavbrott.yaml", tmp_path)
    shutil.copy(PLAYBOOKS / "storm.yaml", tmp_path / "storm.yml")
    shutil.copy(BROKEN / "negative-due.yaml", tmp_path)
    shutil.copy(BROKEN / "syntax-error.yaml", tmp_path)
    (tmp_path / "notes.txt").write_text("not a playbook")
    result = load_playbooks(tmp_path)
    assert list(result.playbooks) == ["elavbrott", "storm"]
    assert [(Path(e.file).name, e.line) for e in result.errors] == [
        ("negative-due.yaml", 11),
        ("syntax-error.yaml", 12),
    ]
    assert not result.ok


def test_duplicate_key_across_files_is_an_error(tmp_path: Path) -> None:
    shutil.copy(PLAYBOOKS / "storm.yaml", tmp_path / "storm.yaml")
    shutil.copy(PLAYBOOKS / "storm.yaml", tmp_path / "storm.yml")
    result = load_playbooks(tmp_path)
    assert list(result.playbooks) == ["storm"]
    assert len(result.errors) == 1
    assert result.errors[0].file.endswith("storm.yml")
    assert "duplicate playbook key 'storm'" in result.errors[0].message


def test_missing_directory_is_reported(tmp_path: Path) -> None:
    result = load_playbooks(tmp_path / "nope")
    assert result.playbooks == {} and len(result.errors) == 1
    assert result.errors[0].line is None


def test_all_problems_in_a_file_are_reported_sorted_by_line(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(
        "title: T\n"
        "kind: test\n"
        "default_level: staf\n"
        "positions: [stabschef, okand]\n"
        "tasks:\n"
        "  - titel: x\n"
        "    position: stabschef\n"
        "    due_in_minutes: '30'\n"
        "first_log: x\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path)
    found = [(e.line, e.message.split(":")[0]) for e in caught.value.errors]
    assert found == [
        (3, "default_level"),
        (4, "positions[1]"),
        (6, "tasks[0].title"),
        (6, "tasks[0].titel"),
        (8, "tasks[0].due_in_minutes"),
    ]


def test_custom_position_needs_label_and_standard_keys_get_theirs(tmp_path: Path) -> None:
    path = tmp_path / "pos.yaml"
    path.write_text(
        "title: T\nkind: test\ndefault_level: staff\nfirst_log: x\npositions:\n  - {key: analys}\n  - {key: va}\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path)
    [error] = caught.value.errors
    assert (error.line, error.message) == (7, "positions[1].label: required field is missing")


# --- broken scenarios -------------------------------------------------------------

BROKEN_SCENARIOS = {
    "unknown-playbook": (3, "playbook: unknown playbook 'strombrott'"),
    "offset-beyond-duration": (14, "injects[1].offset_minutes: 90 min is beyond the scenario's duration_minutes (60)"),
    "duplicate-inject-id": (13, "injects[1].id: duplicate inject id 'forsta'"),
    "unknown-channel": (16, "injects[1].channel: unknown value 'fax'; expected one of 'phone'"),
    "out-of-order": (14, "injects[1].offset_minutes: 30 min is earlier than the inject before it"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_SCENARIOS))
def test_broken_scenario_reports_message_and_line(name: str) -> None:
    path = BROKEN / "exercises" / f"{name}.yaml"
    line, message = BROKEN_SCENARIOS[name]
    with pytest.raises(InvalidScenario) as caught:
        load_scenario(path, playbook_keys={"elavbrott"})
    [error] = caught.value.errors
    assert (error.file, error.line) == (str(path), line)
    assert error.message.startswith(message), error.message


def test_load_scenarios_keeps_valid_and_reports_broken(tmp_path: Path) -> None:
    shutil.copy(SCENARIOS / "vinterelavbrott.yaml", tmp_path)
    shutil.copy(BROKEN / "exercises" / "unknown-channel.yaml", tmp_path)
    result = load_scenarios(tmp_path, playbook_keys={"elavbrott", "dricksvatten"})
    assert list(result.scenarios) == ["vinterelavbrott"]
    assert [Path(e.file).name for e in result.errors] == ["unknown-channel.yaml"]


def test_scenario_target_positions_checked_against_playbook(tmp_path: Path) -> None:
    shutil.copy(BROKEN / "exercises" / "unknown-channel.yaml", tmp_path / "ok.yaml")
    text = (tmp_path / "ok.yaml").read_text(encoding="utf-8").replace("channel: fax", "channel: wis")
    (tmp_path / "ok.yaml").write_text(text, encoding="utf-8")
    scenario = load_scenario(tmp_path / "ok.yaml", playbook_positions={"elavbrott": ["samverkan", "analys"]})
    assert scenario.injects[1].channel is InjectChannel.WIS
    with pytest.raises(InvalidScenario) as caught:
        load_scenario(tmp_path / "ok.yaml", playbook_positions={"elavbrott": ["samverkan"]})
    [error] = caught.value.errors
    assert error.line == 18 and error.message.startswith("injects[1].target_position: 'analys'")


def test_fractional_offsets_are_allowed(tmp_path: Path) -> None:
    text = (BROKEN / "exercises" / "unknown-playbook.yaml").read_text(encoding="utf-8")
    text = text.replace("playbook: strombrott", "playbook: elavbrott").replace(
        "offset_minutes: 0", "offset_minutes: 0.5"
    )
    (tmp_path / "frac.yaml").write_text(text, encoding="utf-8")
    scenario = load_scenario(tmp_path / "frac.yaml")
    assert [i.offset_minutes for i in scenario.injects] == [0.5, 30.0]


# --- yamlsource -------------------------------------------------------------------


def test_yamlsource_records_lines_by_path() -> None:
    doc = parse_yaml("# comment\ntasks:\n  - title: a\n  - title: b\n    due: 5\n")
    assert doc.data == {"tasks": [{"title": "a"}, {"title": "b", "due": 5}]}
    assert doc.line_of(("tasks", 1, "due")) == 5
    assert doc.line_of(("tasks", 1, "missing")) == 4
    assert doc.line_of(()) == 2
    assert format_path(("tasks", 1, "due")) == "tasks[1].due"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("a: 1\nb: !!python/object/apply:os.system [ls]\n", 2, "unsupported tag"),
        ("a: !!python/name:os.system\n", 1, "could not determine a constructor"),
        ("a: &x [*x]\n", 1, "recursive alias"),
        ("<<: {a: 1}\n", 1, "merge keys"),
        ("a: 1\n? [1, 2]\n: 3\n", 2, "plain scalars"),
        ("a:\n  b: 1\n   c: 2\n", 3, "YAML syntax error"),
        ("---\na: 1\n---\nb: 2\n", 3, "YAML syntax error"),
        ("a: 1\nb: \x07\n", 2, "special characters"),
    ],
)
def test_yamlsource_rejects_unsafe_or_invalid_yaml(text: str, line: int, fragment: str) -> None:
    with pytest.raises(YamlSourceError) as caught:
        parse_yaml(text)
    assert caught.value.line == line
    assert fragment in caught.value.message


def test_yamlsource_stops_alias_bombs() -> None:
    rows = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 8):
        prev = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        rows.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    with pytest.raises(YamlSourceError, match="too many nodes"):
        parse_yaml("\n".join(rows) + "\n")


def test_format_modules_import_no_flask_or_database() -> None:
    names = ["yamlsource.py", "playbooks/loader.py", "playbooks/validation.py", "exercises/scenario.py"]
    sources = [ROOT / "crisis" / name for name in names]
    forbidden = ("flask", "sqlalchemy", "flask_sqlalchemy")
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] in forbidden for n in names), f"{source}: {names}"
