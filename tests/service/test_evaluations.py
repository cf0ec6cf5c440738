"""Evaluations (crisis.exercises.evaluations): objectives judged, injects judged, hot wash,
findings -> lessons linked both ways, seminar questions, real-incident evidence, yearly summary."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from crisis.enums import IncidentStatus, LogKind
from crisis.errors import Forbidden, NotFound, ValidationError
from crisis.exercises import after_action, evaluations, service
from crisis.exercises.models import ExerciseForm
from crisis.extensions import db
from crisis.lessons.models import Lesson
from crisis.log.service import write_entry


@pytest.fixture
def control(users: dict[str, Any]) -> Any:
    return users["exercise_control"]


def ended(control: Any, scenario: str = "vinterelavbrott", deliver: tuple[str, ...] = ("elnat-larm",)) -> Any:
    ex = service.schedule(actor=control, scenario=scenario, speed=60)
    service.start(actor=control, exercise_id=ex.id)
    for d in service.deliveries(ex.id):
        d.due_at = None  # as if the scenario clock had reached every inject
    db.session.commit()
    for inject in deliver:
        assert service.deliver(ex.id, inject) is not None
    return service.end(actor=control, exercise_id=ex.id)


def test_scheduling_copies_the_scenarios_objectives(control: Any) -> None:
    ex = service.schedule(actor=control, scenario="vinterelavbrott", speed=60)
    r = evaluations.report(viewer=control, exercise_id=ex.id)
    assert [o["key"] for o in r["objectives"]] == ["lagesbild", "elberoende", "reservkraft", "budskap", "lagesrapport"]
    assert r["objective_counts"] == {"met": 0, "partly": 0, "not_met": 0, "unjudged": 5}
    assert r["form"] == "simulation"


def test_objectives_are_judged_with_evidence(control: Any, users: dict[str, Any]) -> None:
    ex = ended(control)
    evaluations.judge_objective(actor=control, exercise_id=ex.id, key="lagesbild", verdict="met", log_refs=[3, 3, 5])
    o = evaluations.judge_objective(
        actor=users["observer"], exercise_id=ex.id, key="budskap", verdict="partly", evidence="Bara på webben."
    )
    assert (o.verdict, o.evidence, o.judged_by) == ("partly", "Bara på webben.", users["observer"].display_name)
    r = evaluations.report(viewer=users["staff"], exercise_id=ex.id)  # everyone once it is over
    counts = r["objective_counts"]
    assert (counts["met"], counts["partly"], counts["not_met"]) == (1, 1, 0)
    assert r["objectives"][0]["log_refs"] == [3, 5]
    with pytest.raises(ValidationError):  # not met needs evidence
        evaluations.judge_objective(actor=control, exercise_id=ex.id, key="budskap", verdict="not_met")
    with pytest.raises(ValidationError):
        evaluations.judge_objective(actor=control, exercise_id=ex.id, key="budskap", verdict="bra", evidence="x")
    with pytest.raises(NotFound):
        evaluations.judge_objective(actor=control, exercise_id=ex.id, key="saknas", verdict="met")
    with pytest.raises(Forbidden):
        evaluations.judge_objective(actor=users["staff"], exercise_id=ex.id, key="budskap", verdict="met")


def test_injects_are_judged_and_the_response_time_is_only_a_hint(control: Any, users: dict[str, Any]) -> None:
    ex = ended(control, deliver=("elnat-larm", "hemtjanst-skene"))
    evaluations.judge_inject(actor=control, exercise_id=ex.id, inject_id="elnat-larm", verdict="partly", note="Sent.")
    injects = {i["id"]: i for i in evaluations.report(viewer=control, exercise_id=ex.id)["injects"]}
    assert set(injects) == {"elnat-larm", "hemtjanst-skene"}  # delivered ones only
    assert (injects["elnat-larm"]["verdict"], injects["elnat-larm"]["note"]) == ("partly", "Sent.")
    assert injects["hemtjanst-skene"]["verdict"] is None
    assert "hint_first_response_seconds" in injects["elnat-larm"]
    with pytest.raises(ValidationError):  # never delivered
        evaluations.judge_inject(actor=control, exercise_id=ex.id, inject_id="overlamning", verdict="done")
    with pytest.raises(ValidationError):
        evaluations.judge_inject(actor=control, exercise_id=ex.id, inject_id="elnat-larm", verdict="met")


def test_hot_wash_is_collected_after_the_exercise(control: Any, users: dict[str, Any]) -> None:
    ex = service.schedule(actor=control, scenario="vinterelavbrott", speed=60)
    service.start(actor=control, exercise_id=ex.id)
    with pytest.raises(ValidationError):  # still running
        evaluations.add_hot_wash(actor=users["staff"], exercise_id=ex.id, worked="Samverkan")
    service.end(actor=control, exercise_id=ex.id)
    with pytest.raises(ValidationError):  # empty
        evaluations.add_hot_wash(actor=users["staff"], exercise_id=ex.id, position="Stabschef")
    evaluations.add_hot_wash(
        actor=users["staff"], exercise_id=ex.id, worked="Samverkan", did_not_work="Telefoni", why="För få linjer"
    )
    hw = evaluations.report(viewer=control, exercise_id=ex.id)["hot_wash"]
    assert [(h["author"], h["worked"], h["did_not_work"], h["why"]) for h in hw] == [
        (users["staff"].display_name, "Samverkan", "Telefoni", "För få linjer")
    ]


def test_a_recommendation_becomes_a_linked_lesson_in_one_step(control: Any, users: dict[str, Any]) -> None:
    ex = ended(control)
    obs = evaluations.add_finding(actor=control, exercise_id=ex.id, kind="observation", text="Listan saknades.")
    con = evaluations.add_finding(
        actor=control,
        exercise_id=ex.id,
        kind="conclusion",
        text="Listan över elberoende är inaktuell.",
        based_on=obs.id,
    )
    rec = evaluations.add_finding(
        actor=control,
        exercise_id=ex.id,
        kind="recommendation",
        text="Uppdatera listan varje kvartal.",
        based_on=con.id,
        owner="Socialchefen",
        deadline="2027-03-31",
    )
    with pytest.raises(ValidationError):  # owner/deadline belong to recommendations
        evaluations.add_finding(actor=control, exercise_id=ex.id, kind="observation", text="x", owner="A")
    with pytest.raises(ValidationError):
        evaluations.make_lesson(actor=control, finding_id=con.id)
    with pytest.raises(Forbidden):
        evaluations.make_lesson(actor=users["observer"], finding_id=rec.id)
    f = evaluations.make_lesson(actor=control, finding_id=rec.id)
    lesson = db.session.get(Lesson, f.lesson_id)
    assert lesson is not None
    assert (lesson.recommendation, lesson.observation, lesson.owner, str(lesson.deadline), lesson.exercise_id) == (
        "Uppdatera listan varje kvartal.",
        "Listan över elberoende är inaktuell.",
        "Socialchefen",
        "2027-03-31",
        ex.id,
    )
    assert evaluations.lesson_origin(lesson.id) == {
        "finding": rec.id,
        "exercise": ex.id,
        "incident": None,
        "text": rec.text,
    }
    r = evaluations.report(viewer=control, exercise_id=ex.id)
    assert [x["lesson"] for x in r["recommendations"]] == [lesson.id]
    assert [x["text"] for x in r["conclusions"]] == ["Listan över elberoende är inaktuell."]
    with pytest.raises(ValidationError):  # only once
        evaluations.make_lesson(actor=control, finding_id=rec.id)


def test_seminar_exercise_has_questions_no_injects_and_records_notes(control: Any) -> None:
    ex = service.schedule(actor=control, scenario="dammbrott-viskan-seminarium", speed=1)
    assert ex.form is ExerciseForm.SEMINAR
    assert service.deliveries(ex.id) == []
    service.start(actor=control, exercise_id=ex.id)
    after_action.add_observation(
        actor=control, exercise_id=ex.id, text="TiB ringer räddningschefen först.", inject="forsta-timmen"
    )
    with pytest.raises(ValidationError):
        after_action.add_observation(actor=control, exercise_id=ex.id, text="x", inject="ingen-sadan")
    r = evaluations.report(viewer=control, exercise_id=ex.id)
    assert r["injects"] == []
    assert [q["key"] for q in r["questions"]][:2] == ["forsta-timmen", "utrymning"]
    assert [a["text"] for a in r["questions"][0]["answers"]] == ["TiB ringer räddningschefen först."]


def test_real_incident_evaluation_gathers_evidence(incident: Any, users: dict[str, Any]) -> None:
    leader = users["leader"]
    write_entry(incident=incident, actor=leader, kind=LogKind.INFO, text="Elnätet meddelar avbrott i Kinna.")
    write_entry(incident=incident, actor=leader, kind=LogKind.INFO, text="Hemtjänsten informerad.")
    db.session.commit()
    with pytest.raises(ValidationError):  # the evaluation waits for stand-down
        evaluations.add_question(actor=leader, incident_id=incident.id, text="Nådde vi de elberoende i tid?")
    with pytest.raises(ValidationError):  # so does the hot wash
        evaluations.add_hot_wash(actor=users["staff"], incident_id=incident.id, worked="x")
    with pytest.raises(Forbidden):  # not over, not an evaluator
        evaluations.report(viewer=users["staff"], incident_id=incident.id)
    incident.status = IncidentStatus.CLOSED
    db.session.commit()
    q = evaluations.add_question(actor=leader, incident_id=incident.id, text="Nådde vi de elberoende i tid?")
    evaluations.judge_objective(
        actor=leader, incident_id=incident.id, key=q.key, verdict="partly", evidence="Två missades.", log_refs=[2]
    )
    evaluations.add_hot_wash(actor=users["staff"], incident_id=incident.id, did_not_work="Reservkraften")
    rec = evaluations.add_finding(actor=leader, incident_id=incident.id, kind="recommendation", text="Öva reservkraft.")
    lesson_id = evaluations.make_lesson(actor=leader, finding_id=rec.id).lesson_id
    r = evaluations.report(viewer=users["staff"], incident_id=incident.id)
    e = r["evidence"]
    assert e["log_entries"] == 2 and e["incident"] == incident.id
    assert {"decisions", "reports", "tasks", "timeline", "decision_list"} <= set(e)
    assert r["objective_counts"]["partly"] == 1 and r["objectives"][0]["log_refs"] == [2]
    assert [h["did_not_work"] for h in r["hot_wash"]] == ["Reservkraften"]
    assert db.session.get(Lesson, lesson_id).incident_id == incident.id  # type: ignore[union-attr]


def test_an_exercise_incident_is_evaluated_through_its_exercise(control: Any) -> None:
    ex = ended(control)
    with pytest.raises(ValidationError):
        evaluations.report(viewer=control, incident_id=ex.incident_id)


def test_summary_for_year(control: Any, incident: Any, users: dict[str, Any]) -> None:
    ex = ended(control)
    evaluations.judge_objective(actor=control, exercise_id=ex.id, key="lagesbild", verdict="met")
    evaluations.judge_objective(actor=control, exercise_id=ex.id, key="budskap", verdict="not_met", evidence="x")
    rec = evaluations.add_finding(actor=control, exercise_id=ex.id, kind="recommendation", text="Öva mer.")
    evaluations.add_finding(actor=control, exercise_id=ex.id, kind="recommendation", text="Köp radio.")
    evaluations.make_lesson(actor=control, finding_id=rec.id)
    incident.status = IncidentStatus.STANDING_DOWN
    db.session.commit()
    evaluations.add_question(actor=users["leader"], incident_id=incident.id, text="Fungerade larmningen?")
    service.schedule(actor=control, scenario="kln-langvarigt-elavbrott", speed=1)  # never held: not counted
    year = (ex.started_at or ex.start_at).astimezone(evaluations.TZ).year
    rows = evaluations.summary_for_year(year)
    by = {(r["kind"], r["id"]): r for r in rows}
    assert set(by) == {("exercise", ex.id), ("incident", incident.id)}
    row = by[("exercise", ex.id)]
    assert (row["objectives_met"], row["objectives_partly"], row["objectives_not_met"]) == (1, 0, 1)
    assert (row["recommendations"], row["lessons_created"], row["form"], row["kln"]) == (2, 1, "simulation", False)
    assert by[("incident", incident.id)]["objectives_unjudged"] == 1
    assert evaluations.summary_for_year(year - 1) == []


def test_demo_has_an_evaluated_exercise_with_hot_wash(app: Any) -> None:
    from crisis.auth import service as users
    from crisis.exercises.demo import EVALUATED_TITLE, load_demo_evaluation
    from crisis.exercises.models import Exercise

    for username, role in (("ovning", "exercise_control"), ("observator", "observer"), ("stab", "staff")):
        users.create(username=username, password="pw-123456789012", role=role, display_name=username, phone=None)
    load_demo_evaluation()
    ex = db.session.scalar(sa.select(Exercise).where(Exercise.title == EVALUATED_TITLE))
    assert ex is not None and ex.is_over
    r = evaluations.report(viewer=users.get_by_username(username="stab"), exercise_id=ex.id)
    assert len(r["hot_wash"]) == 2
    assert r["objective_counts"]["met"] == 1 and r["objective_counts"]["not_met"] == 1
    assert r["recommendations"][0]["lesson"] is not None
    assert any(i["verdict"] == "done" for i in r["injects"])
