"""Explicit registration: each domain's init_app, walked in crisis.domains.DOMAINS order,
with everything it registers kept on the app (two apps share nothing)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tests.conftest import make_app


def test_menus_follow_the_order_of_domains(app: Any) -> None:
    from crisis import registry

    reg = registry.of(app)
    assert [e.endpoint for e in reg.nav] == [
        "auth.admin_users",
        "log.admin_reads",
        "sites.register",
        "actors.register",
        "lessons.index",
        "readiness.page",
        "search.search_page",
        "exercises.index",
        "playbooks.index",
        "training.page",
        "rsa.page",
        "followup.current",
        "inbox.inbox",
        "inbox.new",
    ]
    assert [e.endpoint for e in reg.incident_nav] == [
        "sites.incident_map",
        "decisions.register",
        "tasks.board",
        "reports.reports_page",
        "situation.page",
        "meetings.page",
        "communication.page",
        "actors.samverkan_page",
        "wall.wall",
        "timeline.timeline",
        "playbooks.callout_page",
        "samband.page",
    ]
    # Every registered entry is a real page.
    for entry in reg.nav + reg.incident_nav:
        assert entry.endpoint in app.view_functions


def test_hooks_and_commands_come_from_the_domains(app: Any) -> None:
    from crisis import registry
    from crisis.actors.demo import load_demo_actors
    from crisis.drills.demo import load_demo_drills
    from crisis.exercises.demo import load_demo_exercise
    from crisis.followup.demo import load_demo_history
    from crisis.inbox.demo import load_demo_deviations
    from crisis.meetings.demo import load_demo_meetings
    from crisis.messages.demo import load_demo_messages
    from crisis.reports.demo import load_demo_report
    from crisis.rsa.demo import load_demo_rsa
    from crisis.sites.demo import load_demo_sites
    from crisis.training.demo import load_demo_training

    reg = registry.of(app)
    # The reports' demo needs the sites' demo first.
    assert reg.seed_hooks == [
        load_demo_sites,
        load_demo_report,
        load_demo_meetings,
        load_demo_messages,
        load_demo_actors,
        load_demo_exercise,
        load_demo_drills,
        load_demo_training,
        load_demo_rsa,
        load_demo_history,
        load_demo_deviations,
    ]
    assert reg.startup_jobs == [
        "crisis.tasks.jobs:recover",
        "crisis.reports.jobs:recover",
        "crisis.exercises.jobs:recover",
        "crisis.playbooks.jobs:recover",
    ]
    assert [h.__qualname__ for h in reg.close_hooks] == ["stop_reminders_locked"]
    assert {
        "init-db",
        "seed-demo",
        "create-user",
        "verify-log",
        "backup",
        "scheduler",
        "import-sites",
        "validate-playbooks",
        "verify-archive",
    } <= set(app.cli.commands)


def test_two_apps_do_not_share_registrations(tmp_path: Any) -> None:
    from crisis import registry

    one = make_app(tmp_path / "one")
    two = make_app(tmp_path / "two")
    assert registry.of(one) is not registry.of(two)
    registry.of(one).add_nav("web.index", "Extra")
    assert "web.index" not in [e.endpoint for e in registry.of(two).nav]
    assert len(registry.of(one).seed_hooks) == len(registry.of(two).seed_hooks) == 11
    assert sorted(r.rule for r in one.url_map.iter_rules()) == sorted(r.rule for r in two.url_map.iter_rules())


def test_a_second_registration_is_refused(app: Any) -> None:
    import pytest

    from crisis import registry

    with pytest.raises(ValueError):
        registry.of(app).add_nav("sites.register", "Igen")
    with pytest.raises(ValueError):
        registry.of(app).on_scheduler_start("not-a-path")


def test_seed_demo_runs_every_domain_hook_once(app: Any) -> None:
    from crisis import seed
    from crisis.exercises.models import Exercise
    from crisis.extensions import db
    from crisis.inbox.models import Deviation
    from crisis.reports.models import Report
    from crisis.sites.models import Site

    assert seed.seed_demo() is True
    counts = {
        m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (Site, Report, Exercise, Deviation)
    }
    # Exercises: one coming, one held and evaluated.
    assert counts["Report"] == 1 and counts["Exercise"] == 2 and counts["Deviation"] == 2
    assert counts["Site"] > 0
    from crisis.actors.models import Actor, Conference
    from crisis.requests.models import ResourceRequest

    demo = {
        m: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Actor, Conference, ResourceRequest)
    }
    assert demo[Actor] >= 10 and demo[Conference] == 1 and demo[ResourceRequest] == 1
    assert seed.seed_demo() is False  # once only
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deviation)) == 2


def test_closing_exists_once_and_runs_the_close_hooks_for_incidents_and_exercises(
    app: Any, users: Any, incident: Any
) -> None:
    from crisis import registry
    from crisis.enums import IncidentStatus, LogKind
    from crisis.events.models import Event
    from crisis.exercises import service as exercises
    from crisis.extensions import db
    from crisis.incidents import service as incidents
    from crisis.log.models import LogEntry

    closed: list[tuple[int, str]] = []
    registry.of(app).on_close(lambda *, incident, actor: closed.append((incident.id, actor.username)))

    incidents.update(
        actor=users["leader"],
        incident_id=incident.id,
        title="Elavbrott i Kinna och Skene",
        status="closed",
        decided_by="Karin",
        mandate="Krisledningsnämnden",
        reason="Återställt",
    )
    assert closed == [(incident.id, users["leader"].username)]
    # One decision entry, one incident.updated event carrying every change.
    decisions = db.session.scalars(
        sa.select(LogEntry).where(LogEntry.incident_id == incident.id, LogEntry.kind == LogKind.DECISION)
    ).all()
    assert [d.text for d in decisions] == ["Beslut: händelsen avslutas. Motivering: Återställt"]
    updates = db.session.scalars(
        sa.select(Event).where(Event.incident_id == incident.id, Event.type == "incident.updated").order_by(Event.seq)
    ).all()
    assert len(updates) == 2  # opened, then title and close together
    assert updates[-1].data["status"] == "closed" and updates[-1].data["title"] == "Elavbrott i Kinna och Skene"

    control = users["exercise_control"]
    ex = exercises.schedule(actor=control, scenario="vinterelavbrott")
    ex = exercises.start(actor=control, exercise_id=ex.id)
    exercises.end(actor=control, exercise_id=ex.id)
    assert closed[-1] == (ex.incident_id, control.username) and len(closed) == 2
    assert db.session.get(type(incident), ex.incident_id).status is IncidentStatus.CLOSED
