"""Larmövning: a test call-out of a playbook's list without an incident, acknowledged by
link and SMS reply, with each person's time to acknowledge and the summary."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from crisis.drills import service as drills
from crisis.drills.models import Drill, DrillEntry
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.playbooks import outbox, sms
from crisis.playbooks.models import MailMessage
from tests.smsgateway import Receiver

SECRET = "inbound-secret-for-tests-0123456789"


def _backdate(drill_id: int, seconds_by_name: dict[str, int]) -> None:
    """Pretend the messages went out that many seconds ago (per person)."""
    db.session.rollback()
    for e in db.session.scalars(sa.select(DrillEntry).where(DrillEntry.drill_id == drill_id)):
        if e.name in seconds_by_name:
            e.sent_at = e.sent_at - timedelta(seconds=seconds_by_name[e.name])
    db.session.commit()


def test_a_drill_measures_the_time_to_acknowledge(app, users, login):
    with Receiver() as gateway:
        app.config.update(
            CRISIS_SMS_GATEWAY_URL=gateway.url, CRISIS_SMS_INBOUND_SECRET=SECRET, CRISIS_SMS_RETRY_SECONDS=0
        )
        control = login("exercise_control")
        assert login("staff").post("/api/v1/drills", json={"playbook": "elavbrott"}).status_code == 403
        resp = control.post("/api/v1/drills", json={"playbook": "elavbrott"})
        assert resp.status_code == 201, resp.get_json()
        drill = resp.get_json()
        outbox.wait_for_deliveries()
        sms.wait_for_deliveries()
        assert drill["title"] == f"Larmövning: {drill['playbook_title']}"
        names = [p["name"] for p in drill["people"]]
        assert len(names) >= 3 and drill["summary"]["acknowledged"] == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Incident)) == 0, "no incident is created"

        texts = {r["json"]["to"]: r["json"]["text"] for r in gateway.requests}
        assert len(texts) == len(names)
        assert all(t.startswith("LARMÖVNING – kvittera: svara OK ") for t in texts.values())

        first, second = names[0], names[1]
        _backdate(drill["id"], {first: 95, second: 300})
        # The first acknowledges by the link in the e-mail, the second by SMS reply.
        first_entry = next(p for p in drill["people"] if p["name"] == first)
        body = db.session.scalar(sa.select(MailMessage.body).where(MailMessage.drill_entry_id == first_entry["id"]))
        assert body.startswith("LARMÖVNING")
        token = re.search(r"/ack/([A-Za-z0-9_-]+)", body).group(1)
        assert app.test_client().post(f"/ack/{token}").status_code == 200
        second_entry = next(p for p in drill["people"] if p["name"] == second)
        number = sms.e164(second_entry["phone"])
        code = re.search(r"OK (\d{4})", texts[number]).group(1)
        reply = app.test_client().post(
            "/api/v1/sms/inbound",
            json={"from": number, "text": f"OK {code}"},
            headers={"Authorization": f"Bearer {SECRET}"},
        )
        assert reply.get_json() == {"acknowledged": True, "first": True}

    got = control.get(f"/api/v1/drills/{drill['id']}").get_json()
    people = {p["name"]: p for p in got["people"]}
    assert people[first]["ack_via"] == "link" and people[second]["ack_via"] == "sms"
    # Measured from the database times: at least the back-dated wait (generous upper bound).
    assert 95 <= people[first]["seconds"] < 95 + 120
    assert 300 <= people[second]["seconds"] < 300 + 120
    assert all(people[n]["seconds"] is None for n in names[2:])
    summary = got["summary"]
    assert summary["acknowledged"] == 2 and summary["total"] == len(names)
    assert summary["slowest"]["name"] == second
    assert summary["median_seconds"] == (people[first]["seconds"] + people[second]["seconds"]) // 2
    assert summary["not_acknowledged"] == names[2:]
    assert {p["sms"] for p in got["people"]} == {"sent"}
    assert {p["mail"] for p in got["people"] if p["email"]} == {"dry_run"}

    listed = control.get("/api/v1/drills").get_json()
    assert [d["id"] for d in listed["items"]] == [drill["id"]] and listed["more"] is False
    assert login("observer").get("/api/v1/drills").status_code == 403

    page = control.get("/exercises/drills").get_data(as_text=True)
    assert drill["title"] in page and 'id="drill-start-form"' in page
    detail = control.get(f"/exercises/drills/{drill['id']}").get_data(as_text=True)
    assert first in detail and "Ej kvitterat" in detail
    assert control.get("/exercises/drills/999999").status_code == 404


def test_start_from_the_page_and_bad_input(app, users, login):
    control = login("exercise_control")
    resp = control.post("/exercises/drills", data={"playbook": "storm", "title": "Höstens larmövning"})
    assert resp.status_code == 302
    outbox.wait_for_deliveries()
    drill = db.session.scalar(sa.select(Drill))
    assert drill.title == "Höstens larmövning" and drill.playbook_key == "storm"
    assert resp.headers["Location"].endswith(f"/exercises/drills/{drill.id}")
    unknown = control.post("/api/v1/drills", json={"playbook": "finns-inte"})
    assert unknown.status_code == 404
    assert control.post("/api/v1/drills", json={}).status_code == 422


def test_drills_in_year_for_the_yearly_follow_up(app, users):
    a = drills.start(actor=users["exercise_control"], playbook_key="elavbrott")
    b = drills.start(actor=users["exercise_control"], playbook_key="storm")
    outbox.wait_for_deliveries()  # the dry-run mail is recorded by a background thread
    db.session.get(Drill, a.id).started_at = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    db.session.get(Drill, b.id).started_at = datetime(2026, 2, 1, 10, 0, tzinfo=UTC)
    entry = db.session.scalars(sa.select(DrillEntry).where(DrillEntry.drill_id == b.id)).first()
    entry.ack_at = entry.sent_at + timedelta(seconds=40)
    db.session.commit()
    (only,) = drills.drills_in_year(2026)
    assert only["id"] == b.id and only["started_at"] == datetime(2026, 2, 1, 10, 0, tzinfo=UTC)
    assert only["acknowledged"] == 1 and only["median_seconds"] == 40
    assert only["not_acknowledged"] == only["total"] - 1
    assert [d["id"] for d in drills.drills_in_year(2025)] == [a.id]
    assert drills.drills_in_year(2024) == []
    # The year is the Swedish calendar year: 00:30 on New Year's Day in Sweden is 23:30 UTC
    # the day before, and belongs to the new year.
    db.session.get(Drill, a.id).started_at = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)
    db.session.commit()
    assert [d["id"] for d in drills.drills_in_year(2025)] == [a.id]
    assert drills.drills_in_year(2024) == []


def test_the_demo_has_two_past_drills(app):
    from crisis.auth import service as users
    from crisis.db import utcnow
    from crisis.drills import demo

    users.create(username="ovning", password="correct-horse-1", role="exercise_control", display_name="Maria Ek")
    demo.load_demo_drills()
    now = utcnow()
    held = drills.drills_in_year(now.year) + drills.drills_in_year(now.year - 1)
    recent = [d for d in held if d["started_at"] > now - timedelta(days=365)]
    assert len(recent) == 2
    spring = next(d for d in recent if d["title"] == "Larmövning vår: elavbrott")
    assert spring["acknowledged"] == 5 and spring["not_acknowledged"] == 1 and spring["median_seconds"] == 180
