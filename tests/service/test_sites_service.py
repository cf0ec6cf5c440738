"""Site register and site status through the service layer (app + database)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis.db import utcnow
from crisis.enums import LogKind
from crisis.errors import Conflict, Forbidden, NotFound, ValidationError
from crisis.events.models import Event
from crisis.extensions import db
from crisis.log.models import LogEntry
from crisis.sites import register, status
from crisis.sites.demo import DEMO_FILE
from crisis.sites.models import Site, SiteStatus
from tests.sitehelpers import collection, feature, load, props, site_count, status_count


def _at_risk(incident_id: int) -> dict[str, bool]:
    view = status.situation(incident_id=incident_id)
    return {site.key: site.key in view.at_risk for site in view.sites}


def _site(key: str) -> Site:
    return db.session.scalar(sa.select(Site).where(Site.key == key))


# --------------------------------------------------------------------------
# Import


def test_demo_file_imports_every_site(app):
    result = register.import_file(actor=None, filename=DEMO_FILE.name, text=DEMO_FILE.read_text(encoding="utf-8"))
    assert len(result.created) == 81 and not result.updated
    assert site_count() == 81
    water = _site("water-kinna-vv")
    assert water.depends_on == ["water-kinna-tagt", "power-kinna-fs"]
    assert water.backup_power is True and water.fuel_hours == 48 and water.styrel_priority == 2


def test_reimport_updates_by_key_and_reports_what_changed(app):
    first = load(feature("a"), feature("b", ["a"], name="Gamla namnet"))
    assert sorted(first.created) == ["a", "b"]
    second = load(
        feature("a"),
        feature("b", ["a"], name="Nya namnet", fuel_hours=12, backup_power=True),
        feature("c", ["b"], category="water"),
    )
    assert second.created == ["c"] and second.updated == ["b"] and second.unchanged == ["a"]
    assert site_count() == 3
    b = _site("b")
    assert b.name == "Nya namnet" and b.fuel_hours == 12 and b.backup_power


def test_broken_file_changes_nothing(app):
    load(feature("a", name="Original"))
    broken = collection(
        feature("a", name="Ändrad"),
        feature("b", lon=200),  # longitude out of range
        feature("c", category="hospital"),  # unknown category
        feature("d", ["nowhere"]),  # unknown dependency
    )
    with pytest.raises(register.SiteFileRejected) as info:
        register.import_file(actor=None, filename="broken.geojson", text=broken)
    errors = info.value.errors
    assert any(e.startswith('feature 2 (key "b")') and "longitude 200.0 out of range" in e for e in errors)
    assert any(e.startswith('feature 3 (key "c")') and 'unknown category "hospital"' in e for e in errors)
    assert any(e.startswith('feature 4 (key "d")') and 'unknown site "nowhere"' in e for e in errors)
    assert info.value.status == 422 and info.value.details == errors
    assert site_count() == 1 and _site("a").name == "Original"


@pytest.mark.parametrize(
    "name,text,expected",
    [
        ("bad.geojson", '{"type": "FeatureCollection", "features": [', "malformed JSON at line 1"),
        ("bad.geojson", '{"type": "Topology"}', 'found type "Topology"'),
        ("bad.csv", "key;name;category;lat\nx;X;power;57.5\n", 'row 1: missing required column "lon"'),
        ("bad.csv", "key;name;category;lat;lon\nx;X;power;95;12.7\n", "row 2: latitude 95.0 out of range"),
        ("bad.csv", "key;name;category;lat;lon\nx;X;power;norr;12.7\n", 'row 2: latitude "norr" is not a number'),
        ("bad.txt", "key;name\n", "unsupported file type"),
    ],
)
def test_malformed_files_are_rejected_with_their_place(app, name, text, expected):
    with pytest.raises(register.SiteFileRejected) as info:
        register.import_file(actor=None, filename=name, text=text)
    assert any(expected in e for e in info.value.errors), info.value.errors
    assert site_count() == 0


def test_csv_import_with_swedish_spreadsheet_conventions(app):
    text = (
        "key;name;category;lat;lon;backup_power;fuel_hours;styrel_priority;depends_on\n"
        "power-x;Station X;power;57,50;12,70;nej;;;\n"
        "water-y;Vattenverk Y;water;57,51;12,71;ja;24,5;2;power-x\n"
    )
    result = register.import_file(actor=None, filename="sites.csv", text=text)
    assert sorted(result.created) == ["power-x", "water-y"]
    y = _site("water-y")
    assert y.geometry == {"type": "Point", "coordinates": [12.71, 57.51]}
    assert y.fuel_hours == 24.5 and y.depends_on == ["power-x"] and y.styrel_priority == 2


def test_import_rejects_a_cycle_through_stored_sites(app):
    load(feature("a"), feature("b", ["a"]))
    with pytest.raises(register.SiteFileRejected) as info:
        load(feature("a", ["b"]))
    assert any("dependency cycle: a -> b -> a" in e for e in info.value.errors), info.value.errors
    assert _site("a").depends_on == []


def test_import_rejects_self_dependency(app):
    with pytest.raises(register.SiteFileRejected) as info:
        load(feature("a", ["a"]))
    assert info.value.errors == ['feature 1 (key "a"): depends on itself']


def test_import_brings_a_retired_site_back(app, users):
    load(feature("a"))
    register.retire(actor=users["admin"], site_id="a")
    result = load(feature("a"))
    assert result.updated == ["a"] and _site("a").retired is False


def test_import_needs_manage_sites(app, users):
    with pytest.raises(Forbidden):
        register.import_file(actor=users["staff"], filename="x.geojson", text=collection(feature("a")))
    result = register.import_file(actor=users["admin"], filename="x.geojson", text=collection(feature("a")))
    assert result.created == ["a"]


def test_progress_is_reported_per_site(app):
    seen = []
    register.import_file(
        actor=None,
        filename="x.geojson",
        text=collection(feature("a"), feature("b")),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(1, 2), (2, 2)]


# --------------------------------------------------------------------------
# Cascades


def test_chain_cascade(app, users, incident):
    # substation <- water works <- care home <- home care
    load(
        feature("sub"),
        feature("vv", ["sub"], category="water"),
        feature("sabo", ["vv"], category="care"),
        feature("hemtjanst", ["sabo"], category="care"),
        feature("other"),
    )
    staff = users["staff"]
    data = status.set_status(actor=staff, incident_id=incident.id, site_id="sub", status="down")
    assert data["properties"]["status"] == "down" and data["properties"]["at_risk"] is False
    assert {c["key"]: c["at_risk_causes"] for c in data["at_risk_changed"]} == {
        "vv": ["sub"],
        "sabo": ["sub"],
        "hemtjanst": ["sub"],
    }
    assert _at_risk(incident.id) == {"sub": False, "vv": True, "sabo": True, "hemtjanst": True, "other": False}

    # The middle fails too: the end of the chain now has two causes.
    data = status.set_status(actor=staff, incident_id=incident.id, site_id="vv", status="degraded")
    assert data["properties"]["at_risk"] is True and data["properties"]["at_risk_causes"] == ["sub"]
    assert {c["key"]: c["at_risk_causes"] for c in data["at_risk_changed"]} == {
        "sabo": ["sub", "vv"],
        "hemtjanst": ["sub", "vv"],
    }

    # Repaired from the bottom up: nothing is at risk any more.
    status.set_status(actor=staff, incident_id=incident.id, site_id="vv", status="operational")
    data = status.set_status(actor=staff, incident_id=incident.id, site_id="sub", status="operational")
    assert all(not c["at_risk"] for c in data["at_risk_changed"])
    assert not any(_at_risk(incident.id).values())


def test_diamond_cascade(app, users, incident):
    #        top
    #       /   \
    #    left   right
    #       \   /
    #       bottom   (bottom needs left and right; both need top)
    load(
        feature("top"),
        feature("left", ["top"]),
        feature("right", ["top"]),
        feature("bottom", ["left", "right"], category="health"),
    )
    staff = users["staff"]
    data = status.set_status(actor=staff, incident_id=incident.id, site_id="top", status="down")
    changed = {c["key"]: c for c in data["at_risk_changed"]}
    assert set(changed) == {"left", "right", "bottom"}
    assert changed["bottom"]["at_risk_causes"] == ["top"]  # one cause, reached two ways

    data = status.set_status(actor=staff, incident_id=incident.id, site_id="left", status="down")
    assert [c["key"] for c in data["at_risk_changed"]] == ["bottom"]
    assert data["at_risk_changed"][0]["at_risk_causes"] == ["left", "top"]

    # top is back: right is fine, bottom still at risk through left.
    data = status.set_status(actor=staff, incident_id=incident.id, site_id="top", status="operational")
    changed = {c["key"]: c for c in data["at_risk_changed"]}
    assert changed["right"]["at_risk"] is False
    assert changed["left"]["at_risk"] is False
    assert changed["bottom"]["at_risk"] is True and changed["bottom"]["at_risk_causes"] == ["left"]
    assert _at_risk(incident.id) == {"top": False, "left": False, "right": False, "bottom": True}


def test_unknown_status_does_not_cascade(app, users, incident):
    load(feature("a"), feature("b", ["a"]))
    data = status.set_status(actor=users["staff"], incident_id=incident.id, site_id="a", status="unknown")
    assert data["at_risk_changed"] == [] and not _at_risk(incident.id)["b"]


def test_statuses_are_per_incident(app, users, incident):
    from crisis.incidents import service as incidents

    load(feature("a"), feature("b", ["a"]))
    exercise = incidents.create(actor=users["duty_officer"], title="Övning", kind="övning", mode="exercise")
    status.set_status(actor=users["staff"], incident_id=exercise.id, site_id="a", status="down")
    assert _at_risk(exercise.id)["b"] is True
    fc = status.feature_collection(viewer=users["observer"], incident_id=incident.id)
    assert props(fc)["a"]["status"] == "unknown" and props(fc)["b"]["at_risk"] is False


# --------------------------------------------------------------------------
# set_status: log entry, event, backup power, bad input


def test_status_writes_a_log_entry_and_an_event(app, users, incident):
    load(feature("sub", name="Skene fördelningsstation"), feature("vv", ["sub"], name="Kinna vattenverk"))
    before_seq = incident.last_seq
    data = status.set_status(
        actor=users["staff"], incident_id=incident.id, site_id="sub", status="down", note="Elnätsbolaget: stormskador"
    )
    entry = db.session.scalar(
        sa.select(LogEntry).where(LogEntry.incident_id == incident.id).order_by(LogEntry.number.desc()).limit(1)
    )
    assert entry.kind is LogKind.STATUS
    assert entry.text == (
        "Skene fördelningsstation: ur drift. Elnätsbolaget: stormskador. I riskzon genom beroende: Kinna vattenverk."
    )
    assert data["properties"]["log_number"] == entry.number
    events = list(
        db.session.scalars(
            sa.select(Event).where(Event.incident_id == incident.id, Event.seq > before_seq).order_by(Event.seq)
        )
    )
    assert [e.type for e in events] == ["log.appended", "site.status"]
    # the event reaches every screen: without what the RSA classifies (crisis.sites.sensitive)
    from crisis.sites import sensitive

    assert events[1].data == {**data, "properties": sensitive.strip(dict(data["properties"]))}
    assert data["type"] == "Feature" and data["properties"]["key"] == "sub"
    row = db.session.scalar(sa.select(SiteStatus))
    assert row.set_by == users["staff"].display_name and row.note == "Elnätsbolaget: stormskador"
    assert row.log_number == entry.number


def test_status_by_numeric_id_or_key(app, users, incident):
    load(feature("a"))
    site = _site("a")
    status.set_status(actor=users["staff"], incident_id=incident.id, site_id=site.id, status="degraded")
    status.set_status(actor=users["staff"], incident_id=incident.id, site_id=str(site.id), status="down")
    status.set_status(actor=users["staff"], incident_id=incident.id, site_id="a", status="operational")
    assert status_count() == 3


def test_backup_power_countdown_starts_at_the_switch(app, users, incident):
    load(feature("vv", category="water", backup_power=True, fuel_hours=24))
    staff = users["staff"]
    data = status.set_status(
        actor=staff, incident_id=incident.id, site_id="vv", status="operational", on_backup_power=True
    )
    since = data["properties"]["on_backup_power_since"]
    assert data["properties"]["on_backup_power"] is True and data["properties"]["fuel_left_hours"] == 24.0
    # It switched ten hours ago (moved back in the database).
    row = db.session.scalar(sa.select(SiteStatus))
    row.on_backup_power_since = utcnow() - timedelta(hours=10)
    db.session.commit()
    # A later report that says nothing about power keeps counting from the switch.
    data = status.set_status(actor=staff, incident_id=incident.id, site_id="vv", status="degraded", note="Låg tryck")
    assert data["properties"]["on_backup_power"] is True and data["properties"]["on_backup_power_since"] != since
    assert 13.9 <= data["properties"]["fuel_left_hours"] <= 14.0
    summary = status.summary_for_incident(incident.id)
    assert [b["key"] for b in summary["on_backup_power"]] == ["vv"]
    assert 13.9 <= summary["on_backup_power"][0]["fuel_left_hours"] <= 14.0
    # Back on the grid.
    data = status.set_status(
        actor=staff, incident_id=incident.id, site_id="vv", status="operational", on_backup_power=False
    )
    assert data["properties"]["on_backup_power"] is False and data["properties"]["fuel_left_hours"] is None
    texts = [
        e.text
        for e in db.session.scalars(
            sa.select(LogEntry).where(LogEntry.kind == LogKind.STATUS).order_by(LogEntry.number)
        )
    ]
    assert "Går på reservkraft sedan" in texts[0] and "Bränsle för cirka 24 timmar" in texts[0]
    assert "På reservkraft sedan" in texts[1]
    assert "Åter på ordinarie elförsörjning" in texts[2]


def test_fuel_never_goes_negative():
    now = utcnow()
    assert status.fuel_left_hours(10, now - timedelta(hours=30), now) == 0.0
    assert status.fuel_left_hours(None, now, now) is None
    assert status.fuel_left_hours(10, None, now) is None


def _nothing_stored(incident_id: int, before: tuple[int, int, int]) -> bool:
    from crisis.incidents.models import Incident

    db.session.expire_all()
    incident = db.session.get(Incident, incident_id)
    return (status_count(), incident.last_log_number, incident.last_seq) == before


@pytest.mark.parametrize(
    "role,kwargs,error",
    [
        ("observer", {"site_id": "a", "status": "down"}, Forbidden),
        ("staff", {"site_id": "a", "status": "broken"}, ValidationError),
        ("staff", {"site_id": "nowhere", "status": "down"}, NotFound),
        ("staff", {"site_id": 999, "status": "down"}, NotFound),
        ("staff", {"site_id": "a", "status": "down", "note": "x" * 2001}, ValidationError),
        ("staff", {"site_id": "a", "status": "down", "on_backup_power": "yes"}, ValidationError),
    ],
)
def test_bad_status_reports_store_nothing(app, users, incident, role, kwargs, error):
    load(feature("a"))
    before = (status_count(), incident.last_log_number, incident.last_seq)
    with pytest.raises(error):
        status.set_status(actor=users[role], incident_id=incident.id, **kwargs)
    assert _nothing_stored(incident.id, before)


def test_status_of_a_retired_site_or_in_a_closed_incident_is_refused(app, users, incident):
    from crisis.incidents import service as incidents

    load(feature("a"), feature("b"))
    register.retire(actor=users["admin"], site_id="b")
    with pytest.raises(Conflict, match="avvecklad"):
        status.set_status(actor=users["staff"], incident_id=incident.id, site_id="b", status="down")
    incidents.update(
        actor=users["leader"],
        incident_id=incident.id,
        status="closed",
        decided_by="K",
        mandate="Krisledningsplanen",
        reason="Klart",
    )
    with pytest.raises(Conflict, match="avslutad"):
        status.set_status(actor=users["staff"], incident_id=incident.id, site_id="a", status="down")
    with pytest.raises(NotFound):
        status.set_status(actor=users["staff"], incident_id=9999, site_id="a", status="down")
    assert status_count() == 0


def test_history_lists_reports_and_linked_log_entries(app, users, incident):
    from crisis.log import service as log

    load(feature("sub", name="Skene fördelningsstation"), feature("vv", ["sub"], name="Kinna vattenverk"))
    staff = users["staff"]
    status.set_status(actor=staff, incident_id=incident.id, site_id="sub", status="degraded", note="Första")
    status.set_status(actor=staff, incident_id=incident.id, site_id="sub", status="down", note="Andra")
    log.append(actor=staff, incident_id=incident.id, text="Elnätsbolaget ringer om Skene fördelningsstation.")
    log.append(actor=staff, incident_id=incident.id, text="Ovidkommande post.")
    log.append(
        actor=staff,
        incident_id=incident.id,
        text="Hemligt om Skene fördelningsstation.",
        classification="confidential",
        osl_ground="OSL 18 kap. 13 §",
    )
    h = status.history(viewer=staff, incident_id=incident.id, site_id="sub")
    assert [r["note"] for r in h["history"]] == ["Andra", "Första"]
    texts = [e["text"] for e in h["log"]]
    assert texts[0] == "Hemligt om Skene fördelningsstation."
    assert "Elnätsbolaget ringer om Skene fördelningsstation." in texts
    assert not any("Ovidkommande" in t for t in texts)
    assert sum(1 for e in h["log"] if e["kind"] == "status") == 2
    # Observers never see confidential entries here either.
    observed = status.history(viewer=users["observer"], incident_id=incident.id, site_id="sub")
    assert not any("Hemligt" in e["text"] for e in observed["log"])
    # The dependent shows its cause with name and status.
    vv = status.history(viewer=staff, incident_id=incident.id, site_id="vv")
    assert vv["at_risk_causes"] == [
        {"id": _site("sub").id, "key": "sub", "name": "Skene fördelningsstation", "status": "down"}
    ]
    assert vv["history"] == []


# --------------------------------------------------------------------------
# Summary


def test_summary_per_category_and_attention_by_styrel(app, users, incident):
    load(
        feature("sub"),
        feature("vv", ["sub"], category="water", styrel_priority=2),
        feature("lasarett", ["sub"], category="health", styrel_priority=1),
        feature("skola", ["sub"], category="school", styrel_priority=5),
        feature("mast", category="telecom"),
        feature("vc", category="health", styrel_priority=2),
    )
    staff = users["staff"]
    status.set_status(actor=staff, incident_id=incident.id, site_id="sub", status="down")
    status.set_status(actor=staff, incident_id=incident.id, site_id="vc", status="degraded")
    status.set_status(actor=staff, incident_id=incident.id, site_id="mast", status="operational")
    summary = status.summary_for_incident(incident.id)
    cats = {c["category"]: c for c in summary["categories"]}
    assert [c["category"] for c in summary["categories"]] == ["health", "water", "power", "telecom", "school"]
    assert cats["health"] == {
        "category": "health",
        "operational": 0,
        "degraded": 1,
        "down": 0,
        "unknown": 1,
        "at_risk": 1,
        "total": 2,
    }
    assert cats["power"]["down"] == 1 and cats["telecom"]["operational"] == 1
    assert summary["totals"]["total"] == 6 and summary["totals"]["at_risk"] == 3
    # Styrel 1 first; within class 2 the degraded site before the one only at risk; none last.
    assert [a["key"] for a in summary["attention"]] == ["lasarett", "vc", "vv", "skola", "sub"]
    assert summary["attention"][0]["at_risk_causes"] == ["sub"]
    assert status.get_summary(viewer=users["observer"], incident_id=incident.id)["categories"] == summary["categories"]
    with pytest.raises(NotFound):
        status.get_summary(viewer=users["observer"], incident_id=4242)


# --------------------------------------------------------------------------
# Register: create, update, retire, restore


def _data(**overrides):
    data = {
        "key": "water-new",
        "name": "Nytt vattenverk",
        "category": "water",
        "geometry": {"type": "Point", "coordinates": [12.7, 57.5]},
    }
    data.update(overrides)
    return data


def test_create_validates_like_the_importer(app, users):
    admin = users["admin"]
    load(feature("sub"))
    site = register.create(
        actor=admin, data=_data(depends_on=["sub"], styrel_priority=2, fuel_hours="12,5", backup_power=True)
    )
    assert site.key == "water-new" and site.depends_on == ["sub"] and site.fuel_hours == 12.5
    cases = [
        (_data(key="x1", geometry={"type": "Point", "coordinates": [12.7, 95]}), "latitude 95.0 out of range"),
        (_data(key="x2", category="hospital"), 'unknown category "hospital"'),
        (_data(key="x3", depends_on=["nowhere"]), 'depends on unknown site "nowhere"'),
        (_data(key="x4", depends_on=["x4"]), "depends on itself"),
        (_data(key="Bad Key"), "invalid key"),
        (_data(key="x5", name=""), "missing name"),
        (_data(key="x6", geometry={"type": "Circle"}), 'unsupported geometry type "Circle"'),
        (_data(key="x7", styrel_priority=9), "not a Styrel prioritetsklass"),
    ]
    for data, message in cases:
        with pytest.raises(ValidationError) as info:
            register.create(actor=admin, data=data)
        assert message in info.value.message, info.value.message
        assert not info.value.message.startswith("feature 1")
    with pytest.raises(Conflict):
        register.create(actor=admin, data=_data())
    with pytest.raises(Forbidden):
        register.create(actor=users["leader"], data=_data(key="y"))
    assert site_count() == 2


def test_update_keeps_the_key_and_rejects_cycles(app, users):
    admin = users["admin"]
    load(feature("a"), feature("b", ["a"]), feature("c", ["b"]))
    site = register.update(actor=admin, site_id="a", data={"name": "Ny", "styrel_priority": 3})
    assert site.name == "Ny" and site.styrel_priority == 3 and site.category.value == "power"
    with pytest.raises(ValidationError, match=r"dependency cycle: a -> c -> b -> a"):
        register.update(actor=admin, site_id="a", data={"depends_on": ["c"]})
    with pytest.raises(ValidationError, match="kan inte ändras"):
        register.update(actor=admin, site_id="a", data={"key": "z"})
    with pytest.raises(ValidationError, match="Okända fält"):
        register.update(actor=admin, site_id="a", data={"retired": True})
    db.session.expire_all()
    assert _site("a").depends_on == [] and _site("a").name == "Ny"


def test_retire_is_refused_while_others_depend(app, users, incident):
    admin = users["admin"]
    load(feature("a"), feature("b", ["a"]))
    with pytest.raises(Conflict, match="beror på"):
        register.retire(actor=admin, site_id="a")
    register.retire(actor=admin, site_id="b")
    register.retire(actor=admin, site_id="a")
    assert site_count(include_retired=False) == 0
    assert status.feature_collection(viewer=users["observer"])["features"] == []
    assert len(status.feature_collection(viewer=users["observer"], include_retired=True)["features"]) == 2
    # b cannot come back before a: its dependency is gone.
    with pytest.raises(ValidationError, match='unknown site "a"'):
        register.restore(actor=admin, site_id="b")
    register.restore(actor=admin, site_id="a")
    register.restore(actor=admin, site_id="b")
    assert site_count(include_retired=False) == 2


def test_feature_collection_reflects_the_incident_sequence(app, users, incident):
    load(feature("a"), feature("b", ["a"]))
    status.set_status(actor=users["staff"], incident_id=incident.id, site_id="a", status="down", note="Brand")
    db.session.expire_all()
    fc = status.feature_collection(viewer=users["observer"], incident_id=incident.id)
    from crisis.incidents.models import Incident

    assert fc["seq"] == db.session.get(Incident, incident.id).last_seq
    a, b = props(fc)["a"], props(fc)["b"]
    assert a["status"] == "down" and a["note"] == "Brand" and a["set_by"] == users["staff"].display_name
    assert b["status"] == "unknown" and b["at_risk"] is True and b["at_risk_causes"] == ["a"]


def test_demo_seed_hook_loads_sites_and_a_cascade(app, users):
    from crisis import registry
    from crisis.auth import service as auth
    from crisis.incidents import service as incidents
    from crisis.sites.demo import DEMO_INCIDENT_TITLE, load_demo_sites

    assert load_demo_sites in registry.of(app).seed_hooks
    auth.create(username="dagbok", password="correct-horse-1", role="staff", display_name="Sara")
    incident = incidents.create(actor=users["duty_officer"], title=DEMO_INCIDENT_TITLE, kind="elavbrott")
    load_demo_sites()
    assert site_count() == 81
    summary = status.summary_for_incident(incident.id)
    assert summary["totals"]["down"] == 1 and summary["totals"]["at_risk"] > 10
    assert {b["key"] for b in summary["on_backup_power"]} >= {"health-skene-lasarett", "sewage-skene-arv"}
