"""Parsing and validation of site files (GeoJSON and CSV), all or nothing.

A site file is usually made by hand in a spreadsheet or exported from a GIS,
and it is imported by someone preparing for a crisis, not a developer. So
every problem in the file is collected and reported at once, each message
naming the place (`feature 3 (key "kinna-vv"): ...`, `row 7: ...`, counted
as a person counts them), and nothing is returned unless the whole file is
valid: a half-imported register is worse than none.

Pure module: no Flask, no database. The caller writes the records.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from crisis import geo, safejson
from crisis.enums import SiteCategory
from crisis.sites.risk import DependencyProblem, ProblemKind, find_dependency_problems

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
NAME_MAX = 200
TEXT_MAX = 500
STYREL_MIN, STYREL_MAX = 1, 8
MAX_SITES = 10_000  # far above any kommun's register; stops runaway files
# Bounds on geometry: a detailed kommun boundary has a few thousand vertices;
# more is a mistake (or an attack) and would be sent to every map screen.
MAX_POSITIONS_PER_GEOMETRY = 20_000
MAX_POSITIONS = 100_000  # in one file, all geometries together
MAX_PARTS = 1_000  # rings of a Polygon, parts of a Multi* geometry

GEOMETRY_TYPES: tuple[str, ...] = ("Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon")

CSV_REQUIRED: tuple[str, ...] = ("key", "name", "category", "lat", "lon")
CSV_OPTIONAL: tuple[str, ...] = (
    "address",
    "owner",
    "contact",
    "backup_power",
    "fuel_hours",
    "styrel_priority",
    "depends_on",
)
# Spellings GIS tools and people commonly use for the coordinate columns.
CSV_ALIASES: dict[str, str] = {"latitude": "lat", "longitude": "lon", "lng": "lon", "long": "lon"}

_TRUE = frozenset({"true", "ja", "yes", "1"})
_FALSE = frozenset({"false", "nej", "no", "0"})
_CATEGORIES = tuple(category.value for category in SiteCategory)


@dataclass(frozen=True, slots=True)
class SiteRecord:
    """One validated site as read from a file; the service layer stores it.

    `geometry` is a normalised GeoJSON geometry dict (only `type` and
    `coordinates`, numbers as floats). It is excluded from hashing because a
    dict cannot be hashed; equality still compares it.
    """

    key: str
    name: str
    category: SiteCategory
    geometry: dict[str, Any] = field(hash=False)
    address: str | None = None
    owner: str | None = None
    contact: str | None = None
    backup_power: bool = False
    fuel_hours: float | None = None
    styrel_priority: int | None = None
    depends_on: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (category as its string, depends_on as a
        list), the shape `to_feature` and the service layer take."""
        return {
            "key": self.key,
            "name": self.name,
            "category": self.category.value,
            "geometry": self.geometry,
            "address": self.address,
            "owner": self.owner,
            "contact": self.contact,
            "backup_power": self.backup_power,
            "fuel_hours": self.fuel_hours,
            "styrel_priority": self.styrel_priority,
            "depends_on": list(self.depends_on),
        }


class SiteImportError(Exception):
    """The file was rejected; `errors` lists every problem found, each
    naming the feature or row it is in."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors: list[str] = list(errors)
        count = len(self.errors)
        summary = f"{count} error{'s' if count != 1 else ''} in site file"
        super().__init__(summary + ": " + "; ".join(self.errors[:5]) + (" ..." if count > 5 else ""))


class _Invalid(ValueError):
    """A single field's value is wrong; the message is shown after the place."""


# --------------------------------------------------------------------------
# Field values: each takes what the file holds and returns the clean value or
# raises _Invalid. GeoJSON gives typed values, CSV gives strings; both go
# through the same functions so the rules cannot drift apart.


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _key(value: object, what: str = "key") -> str:
    if _blank(value):
        raise _Invalid(f"missing {what}")
    if not isinstance(value, str):
        raise _Invalid(f"{what} must be text, not {_json_type(value)}")
    key = value.strip()
    if not KEY_PATTERN.match(key):
        raise _Invalid(
            f'invalid {what} "{_clip(key)}": use 1-64 lowercase letters a-z, digits, "_", "." or "-", '
            "starting with a letter or digit"
        )
    return key


def _name(value: object) -> str:
    if _blank(value):
        raise _Invalid("missing name")
    if not isinstance(value, str):
        raise _Invalid(f"name must be text, not {_json_type(value)}")
    name = value.strip()
    if len(name) > NAME_MAX:
        raise _Invalid(f"name is {len(name)} characters long (at most {NAME_MAX})")
    return name


def _category(value: object) -> SiteCategory:
    if _blank(value):
        raise _Invalid("missing category")
    text = value.strip().lower() if isinstance(value, str) else value
    if text not in _CATEGORIES:
        raise _Invalid(f'unknown category "{_clip(str(value))}" (expected one of: {", ".join(_CATEGORIES)})')
    return SiteCategory(text)


def _text(label: str) -> Callable[[object], str | None]:
    def parse(value: object) -> str | None:
        if _blank(value):
            return None
        if not isinstance(value, str):
            raise _Invalid(f"{label} must be text, not {_json_type(value)}")
        text = value.strip()
        if len(text) > TEXT_MAX:
            raise _Invalid(f"{label} is {len(text)} characters long (at most {TEXT_MAX})")
        return text

    return parse


def _bool(value: object) -> bool:
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, str)):
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise _Invalid(f'backup_power "{_clip(str(value))}" is not a yes/no value (use true/false, ja/nej, yes/no, 1/0)')


def _number(value: object, label: str) -> float:
    """A finite number; text may use a decimal comma, as Swedish Excel writes."""
    if isinstance(value, bool):
        raise _Invalid(f"{label} must be a number, not {_json_type(value)}")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            raise _Invalid(f'{label} "{_clip(value)}" is not a number') from None
    else:
        raise _Invalid(f"{label} must be a number, not {_json_type(value)}")
    if not math.isfinite(number):
        raise _Invalid(f"{label} {number} is not a finite number")
    return number


def _fuel_hours(value: object) -> float | None:
    if _blank(value):
        return None
    hours = _number(value, "fuel_hours")
    if hours < 0:
        raise _Invalid(f"fuel_hours {hours} is negative")
    return hours


def _styrel(value: object) -> int | None:
    if _blank(value):
        return None
    number = _number(value, "styrel_priority")
    if not number.is_integer() or not STYREL_MIN <= number <= STYREL_MAX:
        raise _Invalid(
            f"styrel_priority {_clip(str(value).strip())} is not a Styrel prioritetsklass "
            f"(a whole number {STYREL_MIN}-{STYREL_MAX})"
        )
    return int(number)


def _depends_on(value: object, separators: str) -> tuple[str, ...]:
    """A list of keys, or one text cell with keys separated by any of
    `separators`. Repeats are dropped; order is kept."""
    if _blank(value):
        return ()
    if isinstance(value, str):
        items: list[object] = [part for part in re.split(f"[{re.escape(separators)}]", value) if part.strip()]
    elif isinstance(value, list):
        items = list(value)
    else:
        raise _Invalid(f"depends_on must be a list of keys or text, not {_json_type(value)}")
    keys = [_key(item, "dependency key") for item in items]
    return tuple(dict.fromkeys(keys))


# --------------------------------------------------------------------------
# Geometry


@dataclass
class _Reader:
    """How a file's coordinates are read: its coordinate system, and how many
    positions it may still hold (a bound on work and on what every map gets)."""

    crs: str = geo.WGS84
    positions_left: int = MAX_POSITIONS

    def take(self, count: int, path: str) -> None:
        if count > MAX_POSITIONS_PER_GEOMETRY:
            raise _Invalid(
                f"{path} has {count} positions (at most {MAX_POSITIONS_PER_GEOMETRY} in one geometry; "
                "simplify it in your GIS first)"
            )
        self.positions_left -= count
        if self.positions_left < 0:
            raise _Invalid(f"the file has more than {MAX_POSITIONS} positions in all (simplify the geometries)")


def _position(value: object, path: str, reader: _Reader | None = None) -> list[float]:
    """One [lon, lat] (an altitude is allowed by RFC 7946 and dropped); in a
    SWEREF 99 TM file one [easting, northing] in metres, converted to WGS 84."""
    if not isinstance(value, list) or not 2 <= len(value) <= 3:
        raise _Invalid(f"{path} must be a position [longitude, latitude]")
    if any(isinstance(item, bool) or not isinstance(item, (int, float)) for item in value):
        raise _Invalid(f"{path} must contain numbers only")
    lon, lat = float(value[0]), float(value[1])
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise _Invalid(f"{path} must contain finite numbers")
    if reader is not None and reader.crs == geo.SWEREF99TM:
        try:
            lon, lat = geo.sweref_to_wgs84(lon, lat)
        except ValueError as error:
            raise _Invalid(f"{path}: {error}") from None
    _check_lon_lat(lon, lat, prefix=f"{path}: ")
    return [lon, lat]


def _check_lon_lat(lon: float, lat: float, prefix: str = "") -> None:
    if not -180.0 <= lon <= 180.0:
        raise _Invalid(f"{prefix}longitude {lon} out of range (-180 to 180)")
    if not -90.0 <= lat <= 90.0:
        raise _Invalid(f"{prefix}latitude {lat} out of range (-90 to 90)")


def _positions(value: object, path: str, minimum: int, reader: _Reader) -> list[list[float]]:
    if not isinstance(value, list):
        raise _Invalid(f"{path} must be a list of positions")
    if len(value) < minimum:
        raise _Invalid(f"{path} needs at least {minimum} positions, has {len(value)}")
    reader.take(len(value), path)
    return [_position(item, f"{path}[{index}]", reader) for index, item in enumerate(value)]


def _ring(value: object, path: str, reader: _Reader) -> list[list[float]]:
    ring = _positions(value, path, 4, reader)
    if ring[0] != ring[-1]:
        raise _Invalid(f"{path} is not closed (the first and last positions must be equal)")
    return ring


def _polygon(value: object, path: str, reader: _Reader) -> list[list[list[float]]]:
    if not isinstance(value, list) or not value:
        raise _Invalid(f"{path} must be a non-empty list of linear rings")
    if len(value) > MAX_PARTS:
        raise _Invalid(f"{path} has {len(value)} rings (at most {MAX_PARTS})")
    return [_ring(ring, f"{path}[{index}]", reader) for index, ring in enumerate(value)]


def _geometry(value: object, reader: _Reader | None = None) -> dict[str, Any]:
    """A normalised copy holding only `type` and `coordinates`, in WGS 84,
    polygons valid and wound as RFC 7946 wants. Stops at the first bad
    coordinate: one message per geometry is enough to find it."""
    reader = reader if reader is not None else _Reader()
    if value is None:
        raise _Invalid("missing geometry")
    if not isinstance(value, dict):
        raise _Invalid(f"geometry must be an object, not {_json_type(value)}")
    kind = value.get("type")
    if kind not in GEOMETRY_TYPES:
        raise _Invalid(f'unsupported geometry type "{_clip(str(kind))}" (expected {", ".join(GEOMETRY_TYPES)})')
    if "coordinates" not in value:
        raise _Invalid(f"{kind} geometry has no coordinates")
    raw = value["coordinates"]
    path = "coordinates"
    coordinates: Any
    if kind == "Point":
        reader.take(1, path)
        coordinates = _position(raw, path, reader)
    elif kind == "LineString":
        coordinates = _positions(raw, path, 2, reader)
    elif kind == "Polygon":
        coordinates = _polygon(raw, path, reader)
    else:
        if not isinstance(raw, list) or not raw:
            raise _Invalid(f"{kind} {path} must be a non-empty list")
        if len(raw) > MAX_PARTS:
            raise _Invalid(f"{kind} {path} has {len(raw)} parts (at most {MAX_PARTS})")
        if kind == "MultiLineString":
            coordinates = [_positions(line, f"{path}[{index}]", 2, reader) for index, line in enumerate(raw)]
        else:
            coordinates = [_polygon(polygon, f"{path}[{index}]", reader) for index, polygon in enumerate(raw)]
    geometry = {"type": kind, "coordinates": coordinates}
    problem = geo.polygon_problem(geometry)
    if problem is not None:
        raise _Invalid(f"invalid {kind}: {problem}")
    return dict(geo.rfc7946(geometry))


def _point_from_cells(lat_cell: str | None, lon_cell: str | None) -> dict[str, Any]:
    """A CSV row's lat and lon as a Point, with messages in the spreadsheet's
    own words (latitude/longitude)."""
    if _blank(lat_cell):
        raise _Invalid("missing latitude (column lat)")
    if _blank(lon_cell):
        raise _Invalid("missing longitude (column lon)")
    lat = _number(lat_cell, "latitude")
    lon = _number(lon_cell, "longitude")
    _check_lon_lat(lon, lat)
    return {"type": "Point", "coordinates": [lon, lat]}


# --------------------------------------------------------------------------
# Records


@dataclass
class _Candidate:
    """A feature or row being read: where it is, and its record if valid."""

    place: str  # "feature 3" or "row 7"
    key: str | None
    record: SiteRecord | None
    depends_on: tuple[str, ...] | None = None  # kept even if other fields are bad

    @property
    def label(self) -> str:
        if self.key is not None and self.place.startswith("feature"):
            return f'{self.place} (key "{self.key}")'
        return self.place


def _build(
    place: str,
    values: Mapping[str, object],
    geometry: Callable[[], dict[str, Any]],
    separators: str,
    errors: list[str],
) -> _Candidate:
    """Validate every field, appending one message per bad field, so a user
    sees all of a row's problems at once."""
    problems: list[str] = []

    def take(parse: Callable[[Any], Any], raw: object) -> Any:
        try:
            return parse(raw)
        except _Invalid as invalid:
            problems.append(str(invalid))
            return None

    key = take(_key, values.get("key"))
    fields: dict[str, Any] = {
        "name": take(_name, values.get("name")),
        "category": take(_category, values.get("category")),
        "geometry": take(lambda _: geometry(), None),
        "address": take(_text("address"), values.get("address")),
        "owner": take(_text("owner"), values.get("owner")),
        "contact": take(_text("contact"), values.get("contact")),
        "backup_power": take(_bool, values.get("backup_power")),
        "fuel_hours": take(_fuel_hours, values.get("fuel_hours")),
        "styrel_priority": take(_styrel, values.get("styrel_priority")),
        "depends_on": take(lambda raw: _depends_on(raw, separators), values.get("depends_on")),
    }
    candidate = _Candidate(place, key, None, fields["depends_on"])
    if problems:
        errors.extend(f"{candidate.label}: {problem}" for problem in problems)
        return candidate
    candidate.record = SiteRecord(key=key, **fields)
    return candidate


def _finish(
    candidates: list[_Candidate],
    errors: list[str],
    existing_keys: Iterable[str],
    existing_depends_on: Mapping[str, Sequence[str]] | None,
) -> list[SiteRecord]:
    """File-wide checks (duplicates, dependencies), then all or nothing."""
    if not candidates and not errors:
        errors.append("the file contains no sites")
    _check_duplicates(candidates, errors)
    records = [candidate.record for candidate in candidates if candidate.record is not None]
    # A site whose other fields are wrong still names a key that exists in
    # the file: depending on it is not also reported as unknown.
    named = {candidate.key for candidate in candidates if candidate.key is not None}
    _check_file_dependencies(candidates, errors, [*existing_keys, *named], existing_depends_on)
    if errors:
        raise SiteImportError(errors)
    return records


def _check_duplicates(candidates: list[_Candidate], errors: list[str]) -> None:
    first: dict[str, _Candidate] = {}
    for candidate in candidates:
        if candidate.key is None:
            continue
        if candidate.key in first:
            errors.append(f'{candidate.label}: duplicate key "{candidate.key}" (also {first[candidate.key].place})')
        else:
            first[candidate.key] = candidate


def _check_file_dependencies(
    candidates: list[_Candidate],
    errors: list[str],
    existing_keys: Iterable[str],
    existing_depends_on: Mapping[str, Sequence[str]] | None,
) -> None:
    """Run the shared dependency check over the database's graph with the
    file's sites laid over it (a site in the file replaces the stored one),
    and report the problems that involve the file."""
    by_key: dict[str, _Candidate] = {}
    for candidate in candidates:
        if candidate.key is not None and candidate.depends_on is not None:
            by_key.setdefault(candidate.key, candidate)
    graph: dict[str, Sequence[str]] = dict(existing_depends_on or {})
    graph.update({key: candidate.depends_on or () for key, candidate in by_key.items()})
    for problem in find_dependency_problems(graph, existing_keys):
        message = _place_problem(problem, by_key)
        if message is not None:
            errors.append(message)


def _place_problem(problem: DependencyProblem, by_key: Mapping[str, _Candidate]) -> str | None:
    """The problem with its place in the file, or None if it lies entirely
    in the database (not this file's to fix)."""
    if problem.kind is ProblemKind.CYCLE:
        places = [by_key[key].place for key in dict.fromkeys(problem.cycle) if key in by_key]
        if not places:
            return None
        return f"{problem.message} ({', '.join(places)})"
    candidate = by_key.get(problem.key)
    if candidate is None:
        return None
    return f"{candidate.label}: {problem.detail}"


# --------------------------------------------------------------------------
# GeoJSON


def parse_geojson(
    text: str,
    existing_keys: Iterable[str] = (),
    *,
    existing_depends_on: Mapping[str, Sequence[str]] | None = None,
) -> list[SiteRecord]:
    """Sites from an RFC 7946 FeatureCollection (or a single Feature).

    Properties: key, name, category, address, owner, contact, backup_power,
    fuel_hours, styrel_priority, depends_on (a list or comma-separated text).
    Other properties are ignored, so an export of this register (which adds
    status and at_risk) or a GIS file with extra columns can be re-imported.
    If a feature has no `key` property, a text Feature `id` is used.
    `existing_keys` may be depended on; `existing_depends_on` (the stored
    graph) lets cycles through stored sites be found too.

    Coordinates are WGS 84 longitude/latitude, or SWEREF 99 TM (EPSG:3006)
    easting/northing in metres when the file's `crs` member says so or its
    first position is plainly in metres (see `_coordinate_system`); those are
    converted to WGS 84. Polygons must be valid (no self-intersection, holes
    inside their shell) and are stored wound as RFC 7946 wants. Bounds:
    MAX_POSITIONS_PER_GEOMETRY, MAX_POSITIONS, MAX_PARTS.
    """
    try:
        document = safejson.loads(text.lstrip("\ufeff"))
    except safejson.UnsafeJSON as error:
        raise SiteImportError(
            [f"unreadable JSON: {error.reason.replace('_', ' ')} at {error.path or 'the top'}"]
        ) from None
    except json.JSONDecodeError as error:
        raise SiteImportError([f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}"]) from None
    features = _features(document)
    reader = _Reader(crs=_coordinate_system(document, features))
    errors: list[str] = []
    candidates = [_feature_candidate(index, feature, errors, reader) for index, feature in enumerate(features, start=1)]
    return _finish(candidates, errors, existing_keys, existing_depends_on)


def _coordinate_system(document: dict[str, Any], features: list[object]) -> str:
    """WGS 84 unless the file says SWEREF 99 TM: by its `crs` member
    ("urn:ogc:def:crs:EPSG::3006", as QGIS and ogr2ogr write it) or, with no
    `crs`, by its first position being in metres inside Sweden's SWEREF 99 TM
    range (an easting of 100 000 or more is no longitude). The whole file is
    read in that one system."""
    try:
        named = geo.crs_of_member(document.get("crs"))
    except geo.CrsProblem as problem:
        raise SiteImportError([str(problem)]) from None
    if named is not None:
        return named
    first = _first_position(features)
    if first is not None and geo.looks_like_sweref(*first):
        return geo.SWEREF99TM
    return geo.WGS84


def _first_position(features: list[object]) -> tuple[float, float] | None:
    """The first [x, y] of the first feature that has coordinates (without recursion)."""
    for feature in features[:MAX_SITES]:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        value = geometry.get("coordinates") if isinstance(geometry, dict) else None
        for _depth in range(8):
            if not isinstance(value, list) or not value:
                break
            head = value[0]
            if isinstance(head, (int, float)) and not isinstance(head, bool):
                second = value[1] if len(value) > 1 else None
                if isinstance(second, (int, float)) and not isinstance(second, bool):
                    if math.isfinite(head) and math.isfinite(second):
                        return float(head), float(second)
                break
            value = head
    return None


def _features(document: object) -> list[object]:
    if not isinstance(document, dict):
        raise SiteImportError([f"expected a GeoJSON FeatureCollection object, found {_json_type(document)}"])
    kind = document.get("type")
    if kind == "Feature":
        return [document]
    if kind != "FeatureCollection":
        raise SiteImportError([f'expected a GeoJSON FeatureCollection or Feature, found type "{_clip(str(kind))}"'])
    features = document.get("features")
    if not isinstance(features, list):
        raise SiteImportError(['the FeatureCollection has no "features" list'])
    if len(features) > MAX_SITES:
        raise SiteImportError([f"the file has {len(features)} features (at most {MAX_SITES})"])
    return features


def _feature_candidate(index: int, feature: object, errors: list[str], reader: _Reader) -> _Candidate:
    place = f"feature {index}"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        errors.append(f"{place}: not a GeoJSON Feature object")
        return _Candidate(place, None, None)
    properties = feature.get("properties")
    if properties is None:
        properties = {}
    if not isinstance(properties, dict):
        errors.append(f"{place}: properties must be an object, not {_json_type(properties)}")
        return _Candidate(place, None, None)
    values = dict(properties)
    if _blank(values.get("key")) and isinstance(feature.get("id"), str):
        values["key"] = feature["id"]
    return _build(place, values, lambda: _geometry(feature.get("geometry"), reader), ",", errors)


# --------------------------------------------------------------------------
# CSV


def parse_csv(
    text: str,
    existing_keys: Iterable[str] = (),
    *,
    existing_depends_on: Mapping[str, Sequence[str]] | None = None,
) -> list[SiteRecord]:
    """Sites from a spreadsheet export: one Point per row from lat and lon.

    The header (row 1) names the columns: key, name, category, lat, lon are
    required; address, owner, contact, backup_power, fuel_hours,
    styrel_priority, depends_on are optional. Column names are matched
    case-insensitively; unknown columns are errors, because a misspelt
    optional column would otherwise be dropped without a word. The
    delimiter is `;` (Swedish Excel), `,` or tab, detected from the header.
    Decimal commas are accepted. Rows are numbered as the spreadsheet shows
    them; empty rows are skipped.
    """
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_detect_delimiter(text))
    try:
        rows = list(reader)
    except csv.Error as error:
        raise SiteImportError([f"row {reader.line_num}: unreadable CSV ({error})"]) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise SiteImportError(["row 1: missing header row (key, name, category, lat, lon, ...)"])
    columns = _csv_columns(rows[0])
    if len(rows) - 1 > MAX_SITES:
        raise SiteImportError([f"the file has {len(rows) - 1} rows (at most {MAX_SITES})"])
    errors: list[str] = []
    candidates: list[_Candidate] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        candidates.append(_row_candidate(number, row, columns, errors))
    return _finish(candidates, errors, existing_keys, existing_depends_on)


def _detect_delimiter(text: str) -> str:
    """The most frequent of `;`, `,` and tab in the header line (outside
    quotes). The header is the safest line to look at: cell values such as
    addresses contain commas, column names do not."""
    header = text.split("\n", 1)[0]
    counts = {delimiter: 0 for delimiter in (";", ",", "\t")}
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _csv_columns(header: list[str]) -> dict[str, int]:
    """Column name -> index; raises for a header that cannot be used."""
    known = set(CSV_REQUIRED) | set(CSV_OPTIONAL)
    columns: dict[str, int] = {}
    errors: list[str] = []
    for index, cell in enumerate(header):
        name = cell.strip().lower()
        name = CSV_ALIASES.get(name, name)
        if not name:
            continue  # spreadsheets often leave a trailing empty column
        if name not in known:
            errors.append(
                f'row 1: unknown column "{_clip(cell.strip())}" (known: {", ".join(CSV_REQUIRED + CSV_OPTIONAL)})'
            )
        elif name in columns:
            errors.append(f'row 1: column "{name}" appears twice')
        else:
            columns[name] = index
    errors.extend(f'row 1: missing required column "{name}"' for name in CSV_REQUIRED if name not in columns)
    if errors:
        raise SiteImportError(errors)
    return columns


def _row_candidate(number: int, row: list[str], columns: Mapping[str, int], errors: list[str]) -> _Candidate:
    place = f"row {number}"
    width = max(columns.values()) + 1
    extra = [cell for cell in row[width:] if cell.strip()]
    if extra:
        errors.append(f"{place}: {len(row)} cells but the header has {width} columns")
        return _Candidate(place, None, None)
    values = {name: (row[index] if index < len(row) else "") for name, index in columns.items()}
    geometry = lambda: _point_from_cells(values.get("lat"), values.get("lon"))  # noqa: E731
    return _build(place, values, geometry, ";,", errors)


# --------------------------------------------------------------------------
# Dispatch and export


def parse_site_file(
    filename: str,
    text: str,
    existing_keys: Iterable[str] = (),
    *,
    existing_depends_on: Mapping[str, Sequence[str]] | None = None,
) -> list[SiteRecord]:
    """Parse by file extension: .geojson or .json as GeoJSON, .csv as CSV."""
    suffix = PurePath(filename).suffix.lower()
    parsers: dict[str, Callable[..., list[SiteRecord]]] = {
        ".geojson": parse_geojson,
        ".json": parse_geojson,
        ".csv": parse_csv,
    }
    parser = parsers.get(suffix)
    if parser is None:
        shown = f'"{suffix}"' if suffix else "no extension"
        raise SiteImportError([f"{filename}: unsupported file type ({shown}); use .geojson, .json or .csv"])
    return parser(text, existing_keys, existing_depends_on=existing_depends_on)


def to_feature(site: SiteRecord | Mapping[str, Any]) -> dict[str, Any]:
    """A GeoJSON Feature for a site. Every member except `geometry` becomes a
    property, so callers can add `status`, `at_risk` or a database `id`;
    the Feature's `id` is that database id when given, else the key."""
    values = site.to_dict() if isinstance(site, SiteRecord) else dict(site)
    geometry = geo.rfc7946(values.pop("geometry", None))  # stored before the rule too
    properties = {name: _jsonable(value) for name, value in values.items()}
    return {
        "type": "Feature",
        "id": properties.get("id", properties.get("key")),
        "geometry": geometry,
        "properties": properties,
    }


def to_feature_collection(sites: Iterable[SiteRecord | Mapping[str, Any]], **members: Any) -> dict[str, Any]:
    """A FeatureCollection; `members` become top-level members (e.g. name)."""
    return {"type": "FeatureCollection", **members, "features": [to_feature(site) for site in sites]}


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, SiteCategory):
        return value.value
    return value


# --------------------------------------------------------------------------
# Message helpers


def _json_type(value: object) -> str:
    """The JSON name of a value's type, the words a GeoJSON author knows."""
    names: list[tuple[type | tuple[type, ...], str]] = [
        (bool, "true/false"),
        ((int, float), "a number"),
        (str, "text"),
        (list, "a list"),
        (dict, "an object"),
    ]
    if value is None:
        return "null"
    return next((name for kind, name in names if isinstance(value, kind)), type(value).__name__)


def _clip(text: str, limit: int = 60) -> str:
    """Keep echoed user input short: messages end up in a browser list."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = [
    "GEOMETRY_TYPES",
    "KEY_PATTERN",
    "SiteImportError",
    "SiteRecord",
    "parse_csv",
    "parse_geojson",
    "parse_site_file",
    "to_feature",
    "to_feature_collection",
]
