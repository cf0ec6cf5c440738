"""Demo data for exercises: one exercise scheduled for the coming week and one held and evaluated
(one seed hook, see init_app)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from crisis.db import utcnow

TZ = ZoneInfo("Europe/Stockholm")
DEMO_SCENARIO = "vinterelavbrott"
DEMO_TITLE = "Demo: stabsövning vinterelavbrott"


def next_tuesday_morning(now: datetime) -> datetime:
    """09:00 Stockholm time on the next Tuesday at least a day ahead."""
    local = now.astimezone(TZ)
    day = local.date() + timedelta(days=1)
    while day.weekday() != 1:
        day += timedelta(days=1)
    return datetime.combine(day, time(9, 0), tzinfo=TZ)


def load_demo_exercise() -> None:
    from crisis.auth import service as users
    from crisis.errors import ApiError
    from crisis.exercises import service

    planner = users.get_by_username(username="ovning")
    if planner is None:
        return
    try:
        service.schedule(
            actor=planner, scenario=DEMO_SCENARIO, start_at=next_tuesday_morning(utcnow()), speed=1, title=DEMO_TITLE
        )
    except ApiError:  # e.g. the scenario was removed from playbooks/exercises/
        return
    load_demo_evaluation()


EVALUATED_TITLE = "Demo: utvärderad övning förorenat dricksvatten"


def load_demo_evaluation() -> None:
    """An exercise held and ended, with judged objectives and injects, hot wash, findings and a lesson."""
    from crisis.auth import service as users
    from crisis.errors import ApiError
    from crisis.exercises import evaluations, service
    from crisis.extensions import db

    planner = users.get_by_username(username="ovning")
    observer = users.get_by_username(username="observator")
    staff = users.get_by_username(username="stab")
    if planner is None:
        return
    try:
        ex = service.schedule(actor=planner, scenario="fororenat-vatten", speed=60, title=EVALUATED_TITLE)
        service.start(actor=planner, exercise_id=ex.id)
        for d in service.deliveries(ex.id):
            d.due_at = None  # the demo plays the first injects at once
        db.session.commit()
        for inject in ("provsvar", "uv-larm", "vardcentral"):
            service.deliver(ex.id, inject)
        service.end(actor=planner, exercise_id=ex.id)
        judge = dict(actor=planner, exercise_id=ex.id)
        evaluations.judge_objective(**judge, key="kokning", verdict="met", evidence="Beslut efter 48 minuter.")
        evaluations.judge_objective(
            **judge, key="na-alla", verdict="partly", evidence="SMS gick ut; invånare utan mobil nåddes inte."
        )
        evaluations.judge_objective(
            **judge, key="rykten", verdict="not_met", evidence="Ryktet om förskolan bemöttes först efter en timme."
        )
        evaluations.judge_inject(**judge, inject_id="provsvar", verdict="done", note="Omprov beställt direkt.")
        evaluations.judge_inject(
            **judge, inject_id="uv-larm", verdict="partly", note="Larmloggen begärdes men lästes sent."
        )
        for who, worked, did_not, why in (
            (staff, "Mötesrytmen och lägesbilden.", "Telefonerna räckte inte.", "Växeln kopplade allt till staben."),
            (
                observer,
                "Samverkan med Smittskydd.",
                "Budskapen till invånare utan mobil.",
                "Ingen plan för lapp i brevlåda.",
            ),
        ):
            if who is not None:
                evaluations.add_hot_wash(actor=who, exercise_id=ex.id, worked=worked, did_not_work=did_not, why=why)
        obs = evaluations.add_finding(
            **judge, kind="observation", text="Invånare utan mobilnummer i SMS-tjänsten fick ingen information."
        )
        con = evaluations.add_finding(
            **judge, kind="conclusion", text="Kommunen saknar en kanal till invånare utan mobil.", based_on=obs.id
        )
        rec = evaluations.add_finding(
            **judge,
            kind="recommendation",
            text="Ta fram rutin för information via brevlåda och anslag i berörda områden.",
            based_on=con.id,
            owner="Kommunikationschefen",
            deadline=(utcnow() + timedelta(days=90)).date().isoformat(),
        )
        evaluations.make_lesson(actor=planner, finding_id=rec.id)
    except ApiError:  # e.g. the scenario was removed from playbooks/exercises/
        db.session.rollback()
        return
