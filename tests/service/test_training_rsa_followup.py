"""Issue 17: the training plan and record, the TiB roster's gaps, the RSA register (its gaps and
its secrecy), and the yearly follow-up counted from a seeded demo year."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from crisis.errors import Forbidden, ValidationError
from crisis.rsa import service as rsa
from crisis.training import service as training

TZ = ZoneInfo("Europe/Stockholm")


# --- training record -------------------------------------------------------------------------


def test_the_training_record_answers_who_is_trained_for_stabschef(users, login):
    admin = users["admin"]
    course = training.create_activity(
        actor=admin,
        title="Stabsutbildning",
        kind="training",
        functions=["stabschef", "ledningsstod"],
        planned_on="2026-03-12",
        status="held",
    )
    training.add_record(actor=admin, user="staff", function="stabschef", activity_id=course.id)
    training.add_record(actor=users["leader"], user="leader", function="stabschef", on="2026-05-02")
    training.add_record(actor=admin, user="observer", function="ledningsstod", activity_id=course.id)

    who = training.qualified(viewer=users["observer"], function="stabschef")
    assert [q.user.username for q in who] == ["leader", "staff"]  # most recently trained first
    assert who[1].last == date(2026, 3, 12)  # the activity's date

    client = login("observer")
    answer = client.get("/api/v1/training/qualified?function=stabschef")
    assert answer.status_code == 200
    assert [x["user"] for x in answer.get_json()["items"]] == ["leader", "staff"]
    assert client.get("/api/v1/training/qualified?function=brandchef").status_code == 422
    page = client.get("/training?function=stabschef").get_data(as_text=True)
    assert "Staff Testsson" in page and "Leader Testsson" in page

    # Staff may read but not write the record; a cancelled activity trains no one.
    with pytest.raises(Forbidden):
        training.add_record(actor=users["staff"], user="staff", function="stabschef", on="2026-01-01")
    assert (
        login("staff").post("/api/v1/training/records", json={"user": "staff", "function": "stabschef"}).status_code
        == 403
    )
    off = training.create_activity(
        actor=admin,
        title="Inställd",
        kind="exercise",
        functions=["stabschef"],
        planned_on="2026-09-01",
        status="cancelled",
    )
    with pytest.raises(ValidationError):
        training.add_record(actor=admin, user="staff", function="stabschef", activity_id=off.id)
    assert off.period == "2023-2026"


# --- roster ----------------------------------------------------------------------------------


def test_the_roster_warns_of_a_week_without_a_trained_stabschef(users, login):
    admin = users["admin"]
    training.add_record(actor=admin, user="staff", function="stabschef", on="2026-01-10")
    training.add_record(actor=admin, user="duty-officer", function="tib", on="2026-01-10")
    start = date(2026, 12, 14)  # ISO week 51
    for week in (51, 52, 53):
        training.set_roster(actor=admin, year=2026, week=week, function="tib", user="duty-officer")
    training.set_roster(actor=admin, year=2026, week=51, function="stabschef", user="staff")
    training.set_roster(actor=admin, year=2026, week=53, function="stabschef", user="leader")  # not trained

    weeks = {w.week: w for w in training.roster(viewer=users["observer"], start=start, weeks=3)}
    assert weeks[51].warnings == []
    assert weeks[52].on_duty["stabschef"] is None
    assert any("vecka 52" in w and "Stabschef" in w for w in weeks[52].warnings)
    assert len(weeks[53].warnings) == 1 and "Leader Testsson" in weeks[53].warnings[0]

    # The same through the API, and clearing a slot makes a gap.
    client = login("admin")
    ok = client.put("/api/v1/roster", json={"year": 2026, "week": 51, "function": "stabschef", "user": None})
    assert ok.status_code == 200 and ok.get_json()["user"] is None
    got = client.get("/api/v1/roster?start=2026-12-14&weeks=3").get_json()["items"]
    assert [bool(w["warnings"]) for w in got] == [True, True, True]
    assert (
        login("staff")
        .put("/api/v1/roster", json={"year": 2026, "week": 51, "function": "tib", "user": "staff"})
        .status_code
        == 403
    )
    bad = client.put("/api/v1/roster", json={"year": 2026, "week": 51, "function": "analys", "user": "staff"})
    assert bad.status_code == 422


# --- RSA ------------------------------------------------------------------------------------


def test_a_risk_without_playbook_or_scenario_is_a_gap(users, login):
    admin = users["admin"]
    bare = rsa.create(actor=admin, title="Värmebölja", likelihood=4, consequence=3)
    linked = rsa.create(
        actor=admin,
        title="Långvarigt elavbrott",
        likelihood=3,
        consequence=5,
        playbooks=["elavbrott"],
        scenarios=["vinterelavbrott"],
    )
    codes = {(g.risk_id, g.code) for g in rsa.gaps(viewer=users["staff"])}
    assert (bare.id, "no_playbook") in codes and (bare.id, "no_scenario") in codes
    assert (linked.id, "no_playbook") not in codes and (linked.id, "no_scenario") not in codes
    assert (linked.id, "playbook_never_exercised") in codes  # no exercise has been held
    rows = login("staff").get("/api/v1/rsa/risks").get_json()["items"]
    assert rows[0]["title"] == "Långvarigt elavbrott" and rows[0]["score"] == 15  # highest risk first
    assert rows[1]["gaps"] == ["no_playbook", "no_scenario"]
    page = login("staff").get("/rsa").get_data(as_text=True)
    assert "Risk utan playbook" in page and "Sekretess enligt OSL 18 kap. 13 §" in page
    with pytest.raises(ValidationError):
        rsa.create(actor=admin, title="X", likelihood=6, consequence=1)
    with pytest.raises(ValidationError):
        rsa.create(actor=admin, title="X", likelihood=1, consequence=1, playbooks=["finns-inte"])


def test_the_rsa_register_is_refused_to_observers_and_reporters(users, login):
    risk = rsa.create(actor=users["admin"], title="Dammbrott i Viskan", likelihood=1, consequence=5)
    for role in ("observer", "reporter"):
        with pytest.raises(Forbidden):
            rsa.list_risks(viewer=users[role])
        client = login(role)
        assert client.get("/api/v1/rsa/risks").status_code == 403
        assert client.get(f"/api/v1/rsa/risks/{risk.id}").status_code == 403
        assert client.get("/rsa", headers={"Accept": "text/html"}).status_code == 403
        assert client.get("/print/rsa.css").status_code == 403
    staff = login("staff")
    assert staff.get(f"/api/v1/rsa/risks/{risk.id}").status_code == 200
    marks = staff.get("/print/rsa.css")
    assert marks.mimetype == "text/css" and "@top-right" in marks.get_data(as_text=True)
    assert staff.post(f"/api/v1/rsa/risks/{risk.id}/measures", json={"text": "Öva utrymning"}).status_code == 403
    leader = login("leader")
    m = leader.post(f"/api/v1/rsa/risks/{risk.id}/measures", json={"text": "Öva utrymning", "due": "2026-09-30"})
    assert m.status_code == 201
    done = leader.patch(f"/api/v1/rsa/measures/{m.get_json()['id']}", json={"status": "done", "done_on": "2026-05-02"})
    assert done.get_json()["done_on"] == "2026-05-02"
    stale = leader.patch(f"/api/v1/rsa/risks/{risk.id}", json={"version": 99, "likelihood": 2})
    assert stale.status_code == 409


# --- the yearly follow-up of the demo year ---------------------------------------------------


@pytest.fixture
def demo(app: Any, tmp_path: Any) -> Any:
    from crisis import seed

    saved = seed._logins_file
    seed._logins_file = lambda: tmp_path / "demo-logins.txt"  # type: ignore[assignment]
    try:
        assert seed.seed_demo()
    finally:
        seed._logins_file = saved  # type: ignore[assignment]
    return app


def _local_year(at: Any) -> int:
    return at.astimezone(TZ).year


def test_the_yearly_report_counts_what_happened_in_the_demo_year(demo: Any) -> None:
    from crisis.auth import service as users
    from crisis.decisions.models import Decision
    from crisis.enums import DecisionType, Mode
    from crisis.extensions import db
    from crisis.followup import service as followup
    from crisis.incidents.models import Incident
    from crisis.lessons.models import Lesson
    from crisis.log import service as log
    from crisis.rsa.models import RsaMeasure
    from crisis.training.models import TrainingActivity

    viewer = users.get_by_username(username="observator")
    incidents = db.session.scalars(sa.select(Incident).where(Incident.mode == Mode.REAL)).all()
    decisions = db.session.scalars(sa.select(Decision)).all()
    years = sorted({_local_year(i.created_at) for i in incidents})
    assert len(years) >= 2, "the demo has a year of history"
    # Every past incident's log is a real hash chain.
    for i in incidents:
        assert log.verify_chain(incident_id=i.id) is None
    kln_total = 0
    for year in years:
        r = followup.year_report(viewer=viewer, year=year)
        mine = [i for i in incidents if _local_year(i.created_at) == year]
        assert r.incidents == len(mine) > 0
        assert r.incidents_by_kind == dict(Counter(i.kind for i in mine))
        ids = {i.id for i in mine}
        ds = [d for d in decisions if _local_year(d.created_at) == year and d.incident_id in {i.id for i in incidents}]
        assert r.decisions == len(ds)
        assert r.decisions_by_type.get("level") == sum(1 for d in ds if d.type is DecisionType.LEVEL)
        kln = [d for d in ds if d.type is DecisionType.KLN and (d.data or {}).get("action") == "activate"]
        assert len(r.kln_activations) == len(kln)
        kln_total += len(kln)
        assert sum(r.incidents_by_level.values()) == len(ids)
        acts = db.session.scalars(sa.select(TrainingActivity)).all()
        held = [a for a in acts if a.held_on and a.held_on.year == year and a.status.value == "held"]
        assert r.exercises_held == sum(1 for a in held if a.kind.value == "exercise")
        assert r.trainings_held == sum(1 for a in held if a.kind.value == "training")
        assert r.exercises_planned == sum(1 for a in acts if a.planned_on.year == year and a.kind.value == "exercise")
        lessons = db.session.scalars(sa.select(Lesson)).all()
        assert r.lessons_opened == sum(1 for x in lessons if _local_year(x.created_at) == year)
        measures = db.session.scalars(sa.select(RsaMeasure)).all()
        assert r.rsa_measures_done == sum(1 for m in measures if m.done_on and m.done_on.year == year)
    assert kln_total == 1, "the demo's one KLN activation is counted once"
    # The evaluated demo exercise and the demo's larmövningar are in the report of their year.
    from crisis.drills.models import Drill
    from crisis.exercises.models import Exercise

    evaluated = [
        x
        for year in {_local_year(e.started_at) for e in db.session.scalars(sa.select(Exercise)) if e.started_at}
        for x in followup.year_report(viewer=viewer, year=year).exercise_results
    ]
    assert any(x["objectives_met"] + x["objectives_partly"] + x["objectives_not_met"] > 0 for x in evaluated)
    assert any(x["lessons_created"] >= 1 for x in evaluated)
    drills = db.session.scalars(sa.select(Drill).where(Drill.started_at.is_not(None))).all()
    assert drills, "the demo holds larmövningar"
    for year in {d.started_at.year for d in drills}:
        r = followup.year_report(viewer=viewer, year=year)
        assert sorted(d["id"] for d in r.drills) == sorted(d.id for d in drills if d.started_at.year == year)
    last = followup.year_report(viewer=viewer, year=years[0])
    assert last.exercises_held >= 1 and last.trainings_held >= 1 and last.lessons_closed >= 1


def test_the_yearly_page_and_csv(demo: Any, tmp_path: Any) -> None:
    from crisis.auth import service as users
    from crisis.followup import service as followup
    from crisis.incidents import service as incidents

    chef = users.get_by_username(username="chef")
    users.update(user_id=chef.id, password="Lösenord-för-test-1")
    year = followup.current_year()
    incidents.create(actor=chef, title='=HYPERLINK("http://x")', kind="@SUM(1)", level="monitoring")
    client = demo.test_client()
    assert (
        client.post("/api/v1/auth/login", json={"username": "chef", "password": "Lösenord-för-test-1"}).status_code
        == 200
    )
    report = followup.year_report(viewer=chef, year=year)
    page = client.get(f"/followup/{year}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'<span id="count-incidents">{report.incidents}</span>' in html
    assert client.get("/followup/1999").status_code == 422
    assert client.get(f"/print/followup/{year}.css").mimetype == "text/css"
    for url in (f"/followup/{year}.csv", f"/api/v1/followup/{year}?format=csv"):
        got = client.get(url)
        assert got.status_code == 200 and got.mimetype == "text/csv"
        text = got.get_data(as_text=True).lstrip("\ufeff")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        cells = [c for row in rows for c in row]
        assert not any(c.startswith(("=", "@", "+", "-")) for c in cells), "a formula reached the spreadsheet"
        assert "'@SUM(1)" in cells  # the incident kind, a cell of its own, neutralised
        assert ["Händelser", "antal", str(report.incidents)] in rows
    data = client.get(f"/api/v1/followup/{year}").get_json()
    assert data["incidents"] == report.incidents and data["rsa_measures_done"] == report.rsa_measures_done


def test_the_history_clock_only_changes_time_inside_it() -> None:
    from datetime import UTC, datetime

    from crisis.db import history_clock, utcnow

    past = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    with history_clock(past):
        assert utcnow() == past
    assert utcnow() - datetime.now(UTC) < timedelta(seconds=5)
    with pytest.raises(ValueError):
        with history_clock(datetime(2025, 3, 1)):
            pass


def test_the_training_lists_are_paged(users, login):
    for day in range(1, 4):
        training.add_record(actor=users["admin"], user="staff", function="analys", on=f"2026-02-0{day}")
    client = login("observer")
    first = client.get("/api/v1/training/records?limit=2").get_json()["items"]
    rest = client.get("/api/v1/training/records?limit=2&offset=2").get_json()["items"]
    assert [r["on"] for r in first + rest] == ["2026-02-03", "2026-02-02", "2026-02-01"]
    assert client.get("/api/v1/training/records?limit=501").status_code == 422


def test_dates_outside_the_years_the_app_knows_are_refused(users, login):
    client = login("admin")
    far = {"title": "Stabsövning", "kind": "exercise", "planned_on": "1900-01-01"}
    assert client.post("/api/v1/training/activities", json=far).status_code == 422
    assert client.get("/api/v1/roster?start=9999-12-31&weeks=104").status_code == 422
    risk = rsa.create(actor=users["admin"], title="Pandemi", likelihood=2, consequence=4)
    late = client.post(f"/api/v1/rsa/risks/{risk.id}/measures", json={"text": "Lager", "due": "2999-01-01"})
    assert late.status_code == 422
