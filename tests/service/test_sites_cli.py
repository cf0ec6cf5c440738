"""`flask import-sites FILE`: progress, all or nothing, errors as `FILE: message`, exit codes."""

from __future__ import annotations

from crisis.extensions import db
from crisis.sites.demo import DEMO_FILE
from tests.sitehelpers import collection, feature, site_count


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["import-sites", *map(str, args)])


def test_import_demo_file(app):
    result = _run(app, DEMO_FILE)
    assert result.exit_code == 0, result.output
    assert f"{DEMO_FILE}: imported 81 sites (81 new, 0 updated, 0 unchanged)." in result.stdout
    assert "Writing 81 sites" in result.stderr  # the progress bar
    assert site_count() == 81


def test_reimport_updates(app, tmp_path):
    path = tmp_path / "sites.geojson"
    path.write_text(collection(feature("a"), feature("b", ["a"])), encoding="utf-8")
    assert _run(app, path).exit_code == 0
    path.write_text(collection(feature("a", name="Ändrat namn"), feature("b", ["a"])), encoding="utf-8")
    result = _run(app, path)
    assert result.exit_code == 0 and "(0 new, 1 updated, 1 unchanged)" in result.stdout


def test_broken_file_exits_non_zero_and_stores_nothing(app, tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text(collection(feature("a"), feature("b", lat=-95), feature("c", category="sjukhus")), encoding="utf-8")
    result = _run(app, path)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert f'{path}: feature 2 (key "b"): coordinates: latitude -95.0 out of range (-90 to 90)' in lines
    assert any(line.startswith(f'{path}: feature 3 (key "c"): unknown category "sjukhus"') for line in lines)
    assert lines[-1] == f"{path}: nothing was imported."
    assert site_count() == 0


def test_cycle_and_unknown_key_exit_non_zero(app, tmp_path):
    cycle = tmp_path / "cycle.geojson"
    cycle.write_text(collection(feature("a", ["b"]), feature("b", ["a"])), encoding="utf-8")
    result = _run(app, cycle)
    assert result.exit_code == 1 and f"{cycle}: dependency cycle: a -> b -> a (feature 1, feature 2)" in result.stderr
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("key,name,category,lat,lon,depends_on\nx,X,power,57.5,12.7,ghost\n", encoding="utf-8")
    result = _run(app, unknown)
    assert result.exit_code == 1 and f'{unknown}: row 2: depends on unknown site "ghost"' in result.stderr
    assert site_count() == 0


def test_unreadable_files(app, tmp_path):
    result = _run(app, tmp_path / "missing.geojson")
    assert result.exit_code == 1 and "missing.geojson: no such file" in result.stderr
    binary = tmp_path / "latin1.csv"
    binary.write_bytes("key;name;category;lat;lon\nx;Örby;power;57;12\n".encode("latin-1"))
    result = _run(app, binary)
    assert result.exit_code == 1 and "not UTF-8 text" in result.stderr
    odd = tmp_path / "sites.xlsx"
    odd.write_text("x", encoding="utf-8")
    result = _run(app, odd)
    assert result.exit_code == 1 and f'{odd}: unsupported file type (".xlsx")' in result.stderr
    assert site_count() == 0
    db.session.remove()


def test_csv_with_bom_and_semicolons(app, tmp_path):
    path = tmp_path / "sites.csv"
    path.write_bytes(
        (
            "\ufeffkey;name;category;lat;lon;depends_on\np;Station;power;57,5;12,7;\nw;Vattenverk;water;57,51;12,71;p\n"
        ).encode("utf-8")
    )
    result = _run(app, path)
    assert result.exit_code == 0, result.output
    assert site_count() == 2
