"""Site file parsing and validation (crisis.sites.importer): pure, no app."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crisis.enums import SiteCategory
from crisis.sites.importer import (
    SiteImportError,
    SiteRecord,
    parse_csv,
    parse_geojson,
    parse_site_file,
    to_feature,
    to_feature_collection,
)


def feature(key: str | None = "kinna-vv", geometry: Any = None, **properties: Any) -> dict[str, Any]:
    props: dict[str, Any] = {"name": "Kinna vattenverk", "category": "water", **properties}
    if key is not None:
        props["key"] = key
    return {
        "type": "Feature",
        "geometry": geometry if geometry is not None else {"type": "Point", "coordinates": [12.70, 57.51]},
        "properties": props,
    }


def collection(*features: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def errors_of(call: Any, *args: Any, **kwargs: Any) -> list[str]:
    with pytest.raises(SiteImportError) as caught:
        call(*args, **kwargs)
    errors: list[str] = caught.value.errors
    return errors


# --- good GeoJSON -------------------------------------------------------------


def test_good_geojson_all_fields() -> None:
    text = collection(
        feature(
            "kinna-fs",
            name="Kinna fördelningsstation",
            category="power",
        ),
        feature(
            "kinna-vv",
            address="Vattenverksvägen 1, Kinna",
            owner="Marks kommun",
            contact="VA-jour",
            backup_power=True,
            fuel_hours=48,
            styrel_priority=2,
            depends_on=["kinna-fs"],
            example=True,  # unknown properties are ignored
        ),
        feature(
            "rv41",
            name="Rv 41 Fritsla–Kinna",
            category="roads",
            geometry={"type": "LineString", "coordinates": [[12.78, 57.55], [12.70, 57.51, 120.0]]},
        ),
    )
    kinna_fs, kinna_vv, road = parse_geojson(text)
    assert kinna_fs.category is SiteCategory.POWER
    assert kinna_fs.backup_power is False and kinna_fs.depends_on == ()
    assert kinna_vv == SiteRecord(
        key="kinna-vv",
        name="Kinna vattenverk",
        category=SiteCategory.WATER,
        geometry={"type": "Point", "coordinates": [12.70, 57.51]},
        address="Vattenverksvägen 1, Kinna",
        owner="Marks kommun",
        contact="VA-jour",
        backup_power=True,
        fuel_hours=48.0,
        styrel_priority=2,
        depends_on=("kinna-fs",),
    )
    assert road.geometry == {"type": "LineString", "coordinates": [[12.78, 57.55], [12.70, 57.51]]}


def test_single_feature_and_comma_separated_depends_on() -> None:
    text = json.dumps(feature("skene-lasarett", depends_on="stored-fs, stored-vv", category="health"))
    (record,) = parse_geojson(text, existing_keys=["stored-fs", "stored-vv"])
    assert record.depends_on == ("stored-fs", "stored-vv")


def test_polygon_and_multipolygon() -> None:
    ring = [[12.60, 57.47], [12.61, 57.47], [12.61, 57.48], [12.60, 57.47]]
    other = [[12.70, 57.47], [12.71, 57.47], [12.71, 57.48], [12.70, 57.47]]  # beside it: a valid MultiPolygon
    text = collection(
        feature("arv", geometry={"type": "Polygon", "coordinates": [ring]}, category="sewage"),
        feature("tagt", geometry={"type": "MultiPolygon", "coordinates": [[ring], [other]]}),
    )
    polygon, multi = parse_geojson(text)
    assert polygon.geometry["type"] == "Polygon"
    assert multi.geometry["coordinates"] == [[ring], [other]]


def test_feature_id_is_used_when_key_property_is_missing() -> None:
    data = feature(key=None)
    data["id"] = "kinna-vv"
    (record,) = parse_geojson(json.dumps(data))
    assert record.key == "kinna-vv"


def test_bom_in_geojson_is_accepted() -> None:
    assert len(parse_geojson("\ufeff" + collection(feature()))) == 1


def test_export_round_trip() -> None:
    records = parse_geojson(collection(feature("a", category="power"), feature("b", depends_on=["a"])))
    exported = to_feature_collection(records, name="export")
    assert exported["name"] == "export"
    assert exported["features"][1]["properties"]["depends_on"] == ["a"]
    assert exported["features"][1]["id"] == "b"
    assert parse_geojson(json.dumps(exported)) == records


def test_to_feature_keeps_extra_members_as_properties() -> None:
    site = {
        "id": 7,
        "key": "a",
        "name": "A",
        "category": "water",
        "depends_on": ("b",),
        "geometry": {"type": "Point", "coordinates": [12.7, 57.5]},
        "status": "down",
        "at_risk": False,
    }
    result = to_feature(site)
    assert result["id"] == 7
    assert result["geometry"] == site["geometry"]
    assert result["properties"]["status"] == "down"
    assert result["properties"]["depends_on"] == ["b"]
    assert "geometry" not in result["properties"]


# --- good CSV ---------------------------------------------------------------


SEMICOLON_CSV = (
    "\ufeffKey;Name;Category;Lat;Lon;Address;Backup_power;Fuel_hours;Styrel_priority;Depends_on\r\n"
    "kinna-fs;Kinna fördelningsstation;power;57,513;12,703;;nej;;;\r\n"
    'kinna-vv;Kinna vattenverk;water;57,5178;12,708;"Vattenverksvägen 1, Kinna";ja;48,5;2;kinna-fs\r\n'
    ";;;;;;;;;\r\n"  # Excel writes empty rows like this
    'care-1;Lindgården;care;57.51;12.68;;YES;;2;"kinna-fs;kinna-vv"\r\n'
)


def test_good_csv_semicolon_bom_decimal_comma() -> None:
    fs, vv, care = parse_csv(SEMICOLON_CSV)
    assert fs.geometry == {"type": "Point", "coordinates": [12.703, 57.513]}
    assert fs.backup_power is False
    assert vv.address == "Vattenverksvägen 1, Kinna"
    assert vv.backup_power is True and vv.fuel_hours == 48.5 and vv.styrel_priority == 2
    assert vv.depends_on == ("kinna-fs",)
    assert care.backup_power is True
    assert care.depends_on == ("kinna-fs", "kinna-vv")


def test_good_csv_comma_delimiter_and_quoted_list() -> None:
    text = (
        "key,name,category,lat,lon,depends_on,backup_power\n"
        'a,Site A,water,57.5,12.7,"b,c",true\n'
        "b,Site B,power,57.49,12.64,,0\n"
        'c,"Site C, Skene",telecom,57.48,12.65,,1\n'
    )
    a, b, c = parse_csv(text)
    assert a.depends_on == ("b", "c")
    assert a.backup_power is True and b.backup_power is False and c.backup_power is True
    assert c.name == "Site C, Skene"


def test_csv_coordinate_aliases_and_tab_delimiter() -> None:
    (record,) = parse_csv("key\tname\tcategory\tlatitude\tlongitude\nx\tX\tother\t57.4\t12.6\n")
    assert record.geometry["coordinates"] == [12.6, 57.4]


def test_parse_site_file_dispatches_by_extension() -> None:
    assert parse_site_file("sites.GeoJSON", collection(feature()))[0].key == "kinna-vv"
    assert parse_site_file("export.json", collection(feature()))[0].key == "kinna-vv"
    assert len(parse_site_file("register.csv", SEMICOLON_CSV)) == 3


# --- errors: each names the feature or row ----------------------------------


def test_coordinates_out_of_range_geojson() -> None:
    text = collection(feature("a"), feature("b", geometry={"type": "Point", "coordinates": [12.7, 123.0]}))
    assert errors_of(parse_geojson, text) == [
        'feature 2 (key "b"): coordinates: latitude 123.0 out of range (-90 to 90)'
    ]


def test_coordinates_out_of_range_csv_uses_spreadsheet_row_numbers() -> None:
    rows = "".join(f"s{i},Site {i},other,57.5,12.7\n" for i in range(2, 7))
    text = "key,name,category,lat,lon\n" + rows + "bad,Bad,other,123.0,12.7\nlon,Lon,other,57.5,-200\n"
    assert errors_of(parse_csv, text) == [
        "row 7: latitude 123.0 out of range (-90 to 90)",
        "row 8: longitude -200.0 out of range (-180 to 180)",
    ]


def test_non_numeric_and_non_finite_coordinates() -> None:
    text = "key;name;category;lat;lon\na;A;other;abc;12.7\nb;B;other;nan;12.7\n"
    errors = errors_of(parse_csv, text)
    assert errors == ['row 2: latitude "abc" is not a number', "row 3: latitude nan is not a finite number"]
    geo = collection(feature("a", geometry={"type": "Point", "coordinates": [12.7, "57.5"]}))
    assert errors_of(parse_geojson, geo) == ['feature 1 (key "a"): coordinates must contain numbers only']


def test_unknown_category() -> None:
    errors = errors_of(parse_geojson, collection(feature("a"), feature("b"), feature("kinna-vv", category="watr")))
    assert len(errors) == 1
    assert errors[0].startswith('feature 3 (key "kinna-vv"): unknown category "watr"')
    csv_errors = errors_of(parse_csv, "key,name,category,lat,lon\na,A,watr,57.5,12.7\n")
    assert csv_errors[0].startswith('row 2: unknown category "watr"')


def test_malformed_json_gives_line_and_column() -> None:
    errors = errors_of(parse_geojson, '{\n  "type": "FeatureCollection",\n  "features": [,]\n}')
    assert errors == ["malformed JSON at line 3, column 16: Expecting value"]


def test_wrong_top_level_object() -> None:
    assert errors_of(parse_geojson, "[]")[0].startswith("expected a GeoJSON FeatureCollection")
    assert 'found type "Point"' in errors_of(parse_geojson, '{"type": "Point", "coordinates": [1, 2]}')[0]
    assert errors_of(parse_geojson, '{"type": "FeatureCollection", "features": []}') == ["the file contains no sites"]


def test_missing_and_invalid_key() -> None:
    text = collection(feature(key=None), feature("Kinna VV"), feature("ok"))
    errors = errors_of(parse_geojson, text)
    assert errors[0] == "feature 1: missing key"
    assert errors[1].startswith('feature 2: invalid key "Kinna VV"')
    csv_errors = errors_of(parse_csv, "key,name,category,lat,lon\n,A,water,57.5,12.7\n")
    assert csv_errors == ["row 2: missing key"]


def test_missing_required_fields_are_all_listed() -> None:
    data = {"type": "Feature", "geometry": None, "properties": {"key": "x"}}
    errors = errors_of(parse_geojson, json.dumps(data))
    assert errors == [
        'feature 1 (key "x"): missing name',
        'feature 1 (key "x"): missing category',
        'feature 1 (key "x"): missing geometry',
    ]


def test_duplicate_key() -> None:
    text = collection(feature("a"), feature("b"), feature("a"))
    assert errors_of(parse_geojson, text) == ['feature 3 (key "a"): duplicate key "a" (also feature 1)']
    csv_text = "key,name,category,lat,lon\na,A,water,57.5,12.7\na,A2,water,57.5,12.7\n"
    assert errors_of(parse_csv, csv_text) == ['row 3: duplicate key "a" (also row 2)']


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "GeometryCollection", "geometries": []}, 'unsupported geometry type "GeometryCollection"'),
        ({"type": "Circle", "coordinates": [12.7, 57.5]}, 'unsupported geometry type "Circle"'),
        ({"type": "Point"}, "Point geometry has no coordinates"),
        ({"type": "Point", "coordinates": [12.7]}, "coordinates must be a position [longitude, latitude]"),
        ({"type": "LineString", "coordinates": [[12.7, 57.5]]}, "coordinates needs at least 2 positions, has 1"),
        (
            {"type": "Polygon", "coordinates": [[[12.6, 57.4], [12.7, 57.4], [12.7, 57.5], [12.6, 57.5]]]},
            "coordinates[0] is not closed",
        ),
        ({"type": "MultiPolygon", "coordinates": []}, "MultiPolygon coordinates must be a non-empty list"),
        (
            {"type": "LineString", "coordinates": [[12.7, 57.5], [181.0, 57.5]]},
            "coordinates[1]: longitude 181.0 out of range",
        ),
        ("POINT(12.7 57.5)", "geometry must be an object, not text"),
    ],
)
def test_bad_geometry(geometry: Any, message: str) -> None:
    errors = errors_of(parse_geojson, collection(feature("ok"), feature("road", geometry=geometry)))
    assert len(errors) == 1
    assert errors[0].startswith('feature 2 (key "road"): ')
    assert message in errors[0]


@pytest.mark.parametrize("value", [0, 9, 2.5, "high", True])
def test_bad_styrel_priority(value: Any) -> None:
    errors = errors_of(parse_geojson, collection(feature("a", styrel_priority=value)))
    assert len(errors) == 1
    assert errors[0].startswith('feature 1 (key "a"): styrel_priority')


def test_styrel_bounds_accepted() -> None:
    low, high = parse_geojson(collection(feature("a", styrel_priority=1), feature("b", styrel_priority="8")))
    assert (low.styrel_priority, high.styrel_priority) == (1, 8)


def test_bad_styrel_in_csv() -> None:
    errors = errors_of(parse_csv, "key,name,category,lat,lon,styrel_priority\na,A,water,57.5,12.7,9\n")
    assert errors == ["row 2: styrel_priority 9 is not a Styrel prioritetsklass (a whole number 1-8)"]


def test_other_field_errors() -> None:
    text = collection(
        feature("a", fuel_hours=-1),
        feature("b", backup_power="kanske"),
        feature("c", contact="x" * 501),
        feature("d", name="n" * 201),
        feature("e", depends_on=["Not A Key"]),
    )
    errors = errors_of(parse_geojson, text)
    assert errors[0] == 'feature 1 (key "a"): fuel_hours -1.0 is negative'
    assert errors[1].startswith('feature 2 (key "b"): backup_power "kanske" is not a yes/no value')
    assert errors[2] == 'feature 3 (key "c"): contact is 501 characters long (at most 500)'
    assert errors[3] == 'feature 4 (key "d"): name is 201 characters long (at most 200)'
    assert errors[4].startswith('feature 5 (key "e"): invalid dependency key "Not A Key"')


def test_unknown_dependency() -> None:
    text = collection(feature("a", depends_on=["b", "nowhere"]), feature("b"))
    assert errors_of(parse_geojson, text) == ['feature 1 (key "a"): depends on unknown site "nowhere"']
    csv_text = "key;name;category;lat;lon;depends_on\na;A;water;57.5;12.7;nowhere\n"
    assert errors_of(parse_csv, csv_text) == ['row 2: depends on unknown site "nowhere"']


def test_existing_keys_may_be_depended_on() -> None:
    (record,) = parse_geojson(collection(feature("a", depends_on=["in-db"])), existing_keys=["in-db"])
    assert record.depends_on == ("in-db",)


def test_self_dependency() -> None:
    errors = errors_of(parse_geojson, collection(feature("a", depends_on=["a"])))
    assert errors == ['feature 1 (key "a"): depends on itself']


def test_cycle_within_the_file() -> None:
    text = collection(
        feature("a", depends_on=["b"]),
        feature("ok"),
        feature("b", depends_on=["c"]),
        feature("c", depends_on=["a"]),
    )
    assert errors_of(parse_geojson, text) == ["dependency cycle: a -> b -> c -> a (feature 1, feature 3, feature 4)"]
    csv_text = "key,name,category,lat,lon,depends_on\na,A,water,57.5,12.7,b\nb,B,water,57.5,12.7,a\n"
    assert errors_of(parse_csv, csv_text) == ["dependency cycle: a -> b -> a (row 2, row 3)"]


def test_cycle_through_the_database_graph() -> None:
    stored = {"db-vv": ["a"], "a": []}  # the file replaces the stored "a"
    text = collection(feature("a", depends_on=["db-vv"]))
    errors = errors_of(parse_geojson, text, existing_keys=stored, existing_depends_on=stored)
    assert errors == ["dependency cycle: a -> db-vv -> a (feature 1)"]


def test_invalid_site_is_not_also_an_unknown_dependency() -> None:
    # "b" has a bad category, but its key is in the file: depending on it is
    # not reported again, and all errors come back at once.
    text = collection(feature("a", depends_on=["b"]), feature("b", category="x", depends_on=["zz"]))
    assert errors_of(parse_geojson, text) == [
        'feature 2 (key "b"): unknown category "x" (expected one of: health, care, rescue, water, sewage, '
        "power, roads, telecom, school, other)",
        'feature 2 (key "b"): depends on unknown site "zz"',
    ]


def test_all_or_nothing_collects_every_error() -> None:
    text = collection(
        feature("good"),
        feature("a", category="watr"),
        feature("b", geometry={"type": "Point", "coordinates": [500, 0]}),
        feature("good"),
    )
    errors = errors_of(parse_geojson, text)
    assert [error.split(":")[0] for error in errors] == [
        'feature 2 (key "a")',
        'feature 3 (key "b")',
        'feature 4 (key "good")',
    ]


# --- CSV structure ----------------------------------------------------------


def test_csv_missing_required_column() -> None:
    assert errors_of(parse_csv, "key;name;category;lat\na;A;water;57.5\n") == ['row 1: missing required column "lon"']


def test_csv_unknown_and_duplicate_columns() -> None:
    errors = errors_of(parse_csv, "key,name,category,lat,lon,fule_hours,name\n")
    assert errors[0].startswith('row 1: unknown column "fule_hours"')
    assert errors[1] == 'row 1: column "name" appears twice'


def test_csv_too_many_cells() -> None:
    text = "key,name,category,lat,lon\na,A,water,57.5,12.7,surplus\n"
    assert errors_of(parse_csv, text) == ["row 2: 6 cells but the header has 5 columns"]


def test_csv_empty_file() -> None:
    assert errors_of(parse_csv, "") == ["row 1: missing header row (key, name, category, lat, lon, ...)"]
    assert errors_of(parse_csv, "key,name,category,lat,lon\n") == ["the file contains no sites"]


def test_unsupported_extension() -> None:
    errors = errors_of(parse_site_file, "sites.xlsx", "")
    assert errors == ['sites.xlsx: unsupported file type (".xlsx"); use .geojson, .json or .csv']


def test_error_str_summarises() -> None:
    error = SiteImportError(["one", "two"])
    assert str(error).startswith("2 errors in site file: one; two")
