"""The TiB inbox live: only CREATE_INCIDENT may join; reports arrive after commit, never on rollback;
call-out and checklist events reach the incident room (the call-out never reaches observers)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from crisis.db import utcnow, write_transaction
from crisis.errors import ValidationError
from crisis.extensions import db
from crisis.inbox import service as inbox
from crisis.playbooks import activation, callout, checklist
from crisis.realtime import bus
from crisis.scheduler import runner


def _named(client, name):
    return [p["args"][0] for p in client.get_received() if p["name"] == name]


def _report(user, what="Strömavbrott i Horred"):
    return inbox.report(
        actor=user,
        what=what,
        contact="Fastighetsjouren 0320-00 06 06",
        organisation="Fastighetsförvaltningen",
        where="Horreds skola",
    )


@pytest.mark.parametrize(
    "role,ok",
    [
        ("duty_officer", True),
        ("leader", True),
        ("admin", True),
        ("staff", False),
        ("exercise_control", False),
        ("observer", False),
    ],
)
def test_only_the_tib_may_join_the_inbox(socket_client, role, ok):
    ack = socket_client(role).emit("join_inbox", {}, callback=True)
    assert ack["ok"] is ok
    if not ok:
        assert ack["error"] == "forbidden"


def test_reports_and_assessments_arrive_live_after_commit(socket_client, users):
    tib = socket_client("duty_officer")
    staff = socket_client("staff")
    assert tib.emit("join_inbox", {}, callback=True)["ok"]
    assert not staff.emit("join_inbox", {}, callback=True)["ok"]

    d = _report(users["staff"])
    (live,) = _named(tib, "deviation")
    assert live["id"] == d.id and live["status"] == "new" and live["what"] == "Strömavbrott i Horred"
    assert [s["action"] for s in live["history"]] == ["reported"]
    assert _named(staff, "deviation") == []

    inbox.dismiss(actor=users["duty_officer"], deviation_id=d.id, reason="Planerat underhåll")
    (live,) = _named(tib, "deviation")
    assert live["status"] == "dismissed" and live["history"][-1]["text"] == "Planerat underhåll"


def test_nothing_is_broadcast_on_rollback(socket_client, users):
    tib = socket_client("duty_officer")
    tib.emit("join_inbox", {}, callback=True)
    with pytest.raises(ValidationError):
        inbox.report(actor=users["staff"], what="", contact="x", organisation="y")
    with pytest.raises(RuntimeError):
        with write_transaction(db.session):
            bus.inbox_after_commit("deviation", {"id": 999})
            raise RuntimeError("rolled back")
    assert _named(tib, "deviation") == []
    _report(users["staff"])  # the next commit does not carry the rolled-back one
    assert [d["id"] for d in _named(tib, "deviation")] != [999]


def test_a_monitored_report_resurfaces_live_when_its_follow_up_time_comes(app, socket_client, users):
    tib = socket_client("duty_officer")
    tib.emit("join_inbox", {}, callback=True)
    d = _report(users["staff"])
    try:
        runner.start_background(app)
        inbox.monitor(actor=users["duty_officer"], deviation_id=d.id, follow_up_at=utcnow() + timedelta(seconds=1.5))
        deadline = time.monotonic() + 10
        seen = []
        while time.monotonic() < deadline:
            seen += _named(tib, "deviation")
            if any(x["history"][-1]["action"] == "follow_up_due" for x in seen):
                break
            time.sleep(0.1)
        assert [x["history"][-1]["action"] for x in seen] == ["reported", "monitoring", "follow_up_due"]
        assert seen[-1]["follow_up_due"] is True
    finally:
        runner.shutdown()


def test_callout_and_checklist_events_in_the_incident_room(socket_client, users):
    inc = activation.activate(actor=users["duty_officer"], playbook_key="storm", title="Storm", context="")
    staff = socket_client("staff")
    observer = socket_client("observer")
    for c in (staff, observer):
        c.emit("join", {"incident": inc.id, "since": inc.last_seq}, callback=True)
        c.get_received()
    entry = callout.get_callout(viewer=users["staff"], incident_id=inc.id)["items"][0]
    callout.mark_callout(actor=users["staff"], incident_id=inc.id, entry_id=entry["id"], state="reached")
    item = checklist.get_checklist(viewer=users["staff"], incident_id=inc.id)["items"][0]
    checklist.set_checklist_item(actor=users["staff"], incident_id=inc.id, item_id=item["id"], done=True)

    staff_types = [e["type"] for e in _named(staff, "event")]
    assert staff_types == ["log.appended", "callout.updated", "log.appended", "checklist.updated"]
    observer_events = _named(observer, "event")
    assert [e["type"] for e in observer_events] == ["log.appended", "log.appended", "checklist.updated"]
    assert observer_events[-1]["data"]["items"][0]["done"] is True
