"""Property-based tests of the importers (hypothesis): whatever a file holds,
the playbook loader, the exercise scenario loader and the site importer
give a result or their own clear error, never another exception.

Inputs are random text, random YAML/JSON structures, and real files with a
random part replaced, deleted or added (which reaches the deeper checks).
Derandomized so CI sees the same examples every run; 100 examples
each keeps the file short. Pure: no app.
"""

from __future__ import annotations

import copy
import json
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crisis.exercises.scenario import InvalidScenario, Scenario, load_scenario
from crisis.playbooks.loader import InvalidPlaybook, Playbook, load_playbook
from crisis.sites.importer import SiteImportError, SiteRecord, parse_csv, parse_geojson

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = yaml.safe_load((ROOT / "playbooks" / "elavbrott.yaml").read_text(encoding="utf-8"))
SCENARIO = yaml.safe_load((ROOT / "playbooks" / "exercises" / "vinterelavbrott.yaml").read_text(encoding="utf-8"))
SITES = json.loads((ROOT / "crisis" / "sites" / "data" / "marks_demo_sites.geojson").read_text(encoding="utf-8"))
SITES["features"] = SITES["features"][:6]  # enough for dependencies, small enough to be quick

PROPERTY = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- strategies -----------------------------------------------------------------

KEYS = st.sampled_from(
    [
        "key",
        "title",
        "kind",
        "positions",
        "tasks",
        "reminders",
        "callout",
        "label",
        "position",
        "playbook",
        "injects",
        "id",
        "offset_minutes",
        "type",
        "features",
        "geometry",
        "coordinates",
        "properties",
        "crs",
        "name",
        "category",
        "depends_on",
    ]
) | st.text(max_size=8)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=25,
)
COORDINATE = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**8), 10**8)
POSITIONS = st.lists(st.lists(COORDINATE, min_size=0, max_size=4), max_size=8)
GEOMETRIES = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Point", "LineString", "Polygon", "MultiPolygon", "MultiLineString", "Nope"]),
        "coordinates": st.one_of(
            st.lists(COORDINATE, max_size=3),
            POSITIONS,
            st.lists(POSITIONS, max_size=3),
            st.lists(st.lists(POSITIONS, max_size=2), max_size=2),
        ),
    }
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside `value` (dict keys and list indexes)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, document: Any, replacement: st.SearchStrategy[Any] = VALUES) -> Any:
    """`document` with one to three places replaced by a random value, deleted, or given a new member."""
    result = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(result) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = result
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(replacement)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(KEYS)] = draw(replacement)
        else:
            parent.insert(path[-1], draw(replacement))
    return result


@st.composite
def shaped(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """The real document's top-level fields, each kept or given a random value or
    a random list of random mappings (where lists of items live)."""
    items = st.lists(st.dictionaries(KEYS, VALUES, max_size=4) | VALUES, max_size=3)
    return {
        key: draw(
            st.sampled_from(["keep", "value", "items"]).flatmap(
                lambda how, value=value: st.just(value) if how == "keep" else (VALUES if how == "value" else items)
            )
        )
        for key, value in document.items()
    }


# Depths around the limit and far past Python's recursion limit; few examples,
# as each deep one unwinds a thousand frames of PyYAML.
NESTED = settings(PROPERTY, max_examples=15)
NESTED_TEXT = st.builds(
    lambda depth, opener, prefix: prefix + opener * depth,
    st.sampled_from([1, 63, 64, 65, 66, 500, 3000]),
    st.sampled_from(["[", "{a: ", "- "]),
    st.sampled_from(["", "title: ", "positions:\n  "]),
)


def _yaml(value: Any) -> str:
    """YAML text for any value (floats such as nan and inf included)."""
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


_DIR = Path(tempfile.mkdtemp(prefix="krisrum-properties-"))


def _write(name: str, text: str) -> Path:
    path = _DIR / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


# --- playbooks --------------------------------------------------------------------


def _load_playbook(text: str) -> None:
    try:
        path = _write("elavbrott.yaml", text)
    except UnicodeEncodeError:
        return  # lone surrogates cannot be in a file
    try:
        result = load_playbook(path)
    except InvalidPlaybook as error:
        assert error.errors and all(str(e).startswith(str(path)) and e.message for e in error.errors)
    else:
        assert isinstance(result, Playbook)


def test_the_real_playbook_loads() -> None:
    assert load_playbook(_write("elavbrott.yaml", _yaml(PLAYBOOK))).key == "elavbrott"


@PROPERTY
@given(st.text(max_size=300))
def test_playbook_from_any_text(text: str) -> None:
    _load_playbook(text)


@PROPERTY
@given(VALUES)
def test_playbook_from_any_structure(value: Any) -> None:
    _load_playbook(_yaml(value))


@PROPERTY
@given(mutated(PLAYBOOK))
def test_playbook_with_random_changes(document: Any) -> None:
    _load_playbook(_yaml(document))


@PROPERTY
@given(shaped(PLAYBOOK))
def test_playbook_with_random_fields(document: Any) -> None:
    _load_playbook(_yaml(document))


@NESTED
@given(NESTED_TEXT)
def test_playbook_nested_deeply(text: str) -> None:
    _load_playbook(text)


# --- exercise scenarios ---------------------------------------------------------------


def _load_scenario(text: str) -> None:
    try:
        path = _write("vinterelavbrott.yaml", text)
    except UnicodeEncodeError:
        return
    positions = {"elavbrott": ["krisledningschef", "stabschef", "kommunikation", "va"]}
    try:
        result = load_scenario(path, playbook_positions=positions)
    except InvalidScenario as error:
        assert error.errors and all(str(e).startswith(str(path)) and e.message for e in error.errors)
    else:
        assert isinstance(result, Scenario)


@PROPERTY
@given(st.text(max_size=300))
def test_scenario_from_any_text(text: str) -> None:
    _load_scenario(text)


@PROPERTY
@given(VALUES)
def test_scenario_from_any_structure(value: Any) -> None:
    _load_scenario(_yaml(value))


@PROPERTY
@given(mutated(SCENARIO))
def test_scenario_with_random_changes(document: Any) -> None:
    _load_scenario(_yaml(document))


@PROPERTY
@given(shaped(SCENARIO))
def test_scenario_with_random_fields(document: Any) -> None:
    _load_scenario(_yaml(document))


@NESTED
@given(NESTED_TEXT)
def test_scenario_nested_deeply(text: str) -> None:
    _load_scenario(text)


# --- site files -----------------------------------------------------------------------


def _import(call: Any, text: str) -> None:
    try:
        records = call(text, ["water-kinna"])
    except SiteImportError as error:
        assert error.errors and all(isinstance(m, str) and m for m in error.errors)
    else:
        assert records and all(isinstance(r, SiteRecord) for r in records)
        for record in records:
            json.dumps(record.to_dict(), allow_nan=False)  # what is stored is plain, finite JSON


def test_the_demo_sites_import() -> None:
    assert len(parse_geojson(json.dumps(SITES))) == 6


@PROPERTY
@given(st.text(max_size=300))
def test_sites_from_any_text(text: str) -> None:
    _import(parse_geojson, text)
    _import(parse_csv, text)


@PROPERTY
@given(VALUES)
def test_sites_from_any_json_structure(value: Any) -> None:
    _import(parse_geojson, json.dumps(value))


@PROPERTY
@given(mutated(SITES))
def test_sites_with_random_changes(document: Any) -> None:
    _import(parse_geojson, json.dumps(document))


@PROPERTY
@given(st.lists(GEOMETRIES, min_size=1, max_size=3), st.booleans())
def test_sites_with_random_geometry(geometries: list[dict[str, Any]], sweref: bool) -> None:
    features = [
        {"type": "Feature", "geometry": g, "properties": {"key": f"s{i}", "name": "S", "category": "water"}}
        for i, g in enumerate(geometries)
    ]
    document: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if sweref:
        document["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}}
    _import(parse_geojson, json.dumps(document))


@PROPERTY
@given(
    st.lists(
        st.lists(st.text(alphabet=st.characters(blacklist_characters="\x00"), max_size=12), max_size=8), max_size=5
    ),
    st.sampled_from([";", ",", "\t"]),
)
def test_csv_from_random_cells(rows: list[list[str]], delimiter: str) -> None:
    header = delimiter.join(["key", "name", "category", "lat", "lon", "depends_on", "fuel_hours"])
    body = "\n".join(delimiter.join(row) for row in rows)
    _import(parse_csv, header + "\n" + body)


@pytest.mark.parametrize("value", [math.nan, math.inf, 10**30])
def test_numbers_json_allows_but_geojson_cannot_hold(value: float) -> None:
    text = json.dumps(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [value, 57.5]},
            "properties": {"key": "a", "name": "A", "category": "water"},
        }
    )
    with pytest.raises(SiteImportError):
        parse_geojson(text)


# --- what the properties found, kept as plain examples -------------------------------


def test_yaml_nested_thousands_deep_is_a_clear_error() -> None:
    path = _write("elavbrott.yaml", "title: " + "[" * 3000 + "]" * 3000)
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path)
    assert "nested too deeply" in str(caught.value)


def test_a_position_key_that_is_a_list_is_a_clear_error() -> None:
    path = _write("elavbrott.yaml", "title: t\nkind: k\npositions: [{key: [1]}]\n")
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path)
    assert any("positions[0]" in error.message for error in caught.value.errors), caught.value.errors
