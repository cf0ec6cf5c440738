"""The TiB inbox: report, list, dismiss, monitor (with a follow-up job), activate with the report attached."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from crisis.auth import service as auth
from crisis.db import utcnow
from crisis.extensions import db
from crisis.inbox import jobs, service
from crisis.inbox.models import Deviation
from crisis.log.models import LogEntry
from crisis.scheduler import runner

REPORT = {
    "what": "Tryckfall i vattenledningsnätet, flera kunder saknar vatten",
    "where": "Fritsla, norra delen",
    "since": "2026-01-10T05:40:00+01:00",
    "services": "Dricksvatten; äldreboendet Fritslagården",
    "contact": "Driftingenjör VA, 0320-00 05 05",
    "organisation": "Samhällsbyggnadsförvaltningen",
}


@pytest.fixture(autouse=True)
def _fixed_since(monkeypatch):
    # The report's `since` must be within a year of now.
    REPORT["since"] = (utcnow() - timedelta(hours=1)).isoformat()


def _report(client, **over):
    return client.post("/api/v1/deviations", json={**REPORT, **over})


def test_any_writer_reports_and_the_tib_sees_it(app, login):
    resp = _report(login("staff"))
    assert resp.status_code == 201, resp.get_json()
    d = resp.get_json()
    assert d["status"] == "new" and d["reported_by"] == "Staff Testsson" and d["incident"] is None
    assert d["organisation"] == REPORT["organisation"] and d["where"] == REPORT["where"]
    assert [s["action"] for s in d["history"]] == ["reported"]
    tib_view = login("duty_officer").get("/api/v1/deviations").get_json()["items"]
    assert [x["id"] for x in tib_view] == [d["id"]]
    assert login("duty_officer").get(f"/api/v1/deviations/{d['id']}").get_json()["what"] == REPORT["what"]


def test_an_integration_reports_with_a_bearer_token(app, users):
    _tok, token = auth.create_token(user_id=users["staff"].id, name="driftlarm VA")
    resp = app.test_client().post("/api/v1/deviations", json=REPORT, headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 201, resp.get_json()


def test_reporters_see_only_their_own_and_observers_nothing(app, login):
    _report(login("staff"))
    _report(login("exercise_control"), what="Larm från ventilationen i stadshuset")
    staff_items = login("staff").get("/api/v1/deviations").get_json()["items"]
    assert [d["what"] for d in staff_items] == [REPORT["what"]]
    other = login("exercise_control").get("/api/v1/deviations").get_json()["items"][0]
    assert login("staff").get(f"/api/v1/deviations/{other['id']}").status_code == 404
    assert len(login("leader").get("/api/v1/deviations").get_json()["items"]) == 2
    observer = login("observer")
    assert observer.get("/api/v1/deviations").status_code == 403
    assert _report(observer).status_code == 403


@pytest.mark.parametrize(
    "over,status",
    [
        ({"what": ""}, 422),
        ({"contact": ""}, 422),
        ({"organisation": ""}, 422),
        ({"since": "2026-01-10T05:40:00"}, 422),  # no time zone
        ({"since": (datetime.now(UTC) + timedelta(hours=2)).isoformat()}, 422),
        ({"since": "2020-01-01T00:00:00+00:00"}, 422),
        ({"what": "x" * 2001}, 422),
        ({"severity": "high"}, 422),
    ],
)
def test_bad_reports_store_nothing(app, login, over, status):
    assert _report(login("staff"), **over).status_code == status
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deviation)) == 0


def test_dismiss_with_a_reason(app, login):
    d = _report(login("staff")).get_json()
    url = f"/api/v1/deviations/{d['id']}/assess"
    assert login("staff").post(url, json={"action": "dismiss", "reason": "x"}).status_code == 403
    tib = login("duty_officer")
    assert tib.post(url, json={"action": "dismiss"}).status_code == 422
    resp = tib.post(url, json={"action": "dismiss", "reason": "Planerat arbete, kunderna informerade"})
    assert resp.status_code == 200
    out = resp.get_json()
    assert out["status"] == "dismissed"
    assert out["history"][-1]["action"] == "dismissed"
    assert out["history"][-1]["text"] == "Planerat arbete, kunderna informerade"
    assert out["history"][-1]["actor"] == "Duty_Officer Testsson"
    again = tib.post(url, json={"action": "dismiss", "reason": "igen"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "deviation_closed"
    assert tib.post("/api/v1/playbooks/storm/activate", json={"title": "x", "deviation": d["id"]}).status_code == 409


def test_monitor_until_a_follow_up_time_that_resurfaces_it(app, login):
    d = _report(login("staff")).get_json()
    url = f"/api/v1/deviations/{d['id']}/assess"
    tib = login("duty_officer")
    past = (utcnow() - timedelta(minutes=1)).isoformat()
    far = (utcnow() + timedelta(days=31)).isoformat()
    assert tib.post(url, json={"action": "monitor", "follow_up_at": past}).status_code == 422
    assert tib.post(url, json={"action": "monitor", "follow_up_at": far}).status_code == 422
    assert tib.post(url, json={"action": "monitor"}).status_code == 422
    when = utcnow() + timedelta(hours=2)
    resp = tib.post(url, json={"action": "monitor", "follow_up_at": when.isoformat(), "note": "Följ trycket"})
    assert resp.status_code == 200
    out = resp.get_json()
    assert out["status"] == "monitoring" and not out["follow_up_due"]
    assert out["history"][-1]["action"] == "monitoring" and "Följ trycket" in out["history"][-1]["text"]
    assert runner.job_ids("deviation-followup:") == [f"deviation-followup:{d['id']}"]

    stored = db.session.get(Deviation, d["id"])
    due_iso = stored.follow_up_at.isoformat()
    assert service.follow_up_due(deviation_id=d["id"], due_at=due_iso) is False  # not yet
    # A stale job (the TiB moved the time since) does nothing.
    assert service.follow_up_due(deviation_id=d["id"], due_at=(when - timedelta(hours=1)).isoformat()) is False

    # The follow-up time comes: the job re-surfaces the report, once.
    stored.follow_up_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    due_iso = db.session.get(Deviation, d["id"]).follow_up_at.isoformat()
    jobs.follow_up(d["id"], due_iso)
    assert service.follow_up_due(deviation_id=d["id"], due_at=due_iso) is False  # once only
    db.session.expire_all()
    steps = db.session.get(Deviation, d["id"]).steps
    assert [s.action for s in steps] == ["reported", "monitoring", "follow_up_due"]
    assert steps[-1].actor == "Krisrum" and "bedöm rapporten igen" in steps[-1].text
    assert tib.get(f"/api/v1/deviations/{d['id']}").get_json()["follow_up_due"] is True
    assert service.open_count() == {"new": 0, "follow_up_due": 1}


def test_activate_a_playbook_with_the_report_attached(app, login):
    d = _report(login("staff")).get_json()
    tib = login("duty_officer")
    tib.post(
        f"/api/v1/deviations/{d['id']}/assess",
        json={"action": "monitor", "follow_up_at": (utcnow() + timedelta(hours=1)).isoformat()},
    )
    resp = tib.post(
        "/api/v1/playbooks/dricksvatten/activate",
        json={"title": "Vattenavbrott Fritsla", "context": "Tryckfall, orsak okänd", "deviation": d["id"]},
    )
    assert resp.status_code == 201, resp.get_json()
    inc = resp.get_json()

    out = tib.get(f"/api/v1/deviations/{d['id']}").get_json()
    assert out["status"] == "activated" and out["incident"] == inc["id"] and out["follow_up_at"] is None
    assert [s["action"] for s in out["history"]] == ["reported", "monitoring", "activated"]
    assert runner.job_ids("deviation-followup:") == []

    entries = list(
        db.session.scalars(sa.select(LogEntry).where(LogEntry.incident_id == inc["id"]).order_by(LogEntry.number))
    )
    incoming = [e for e in entries if e.kind.value == "incoming"]
    assert len(incoming) == 1
    e = incoming[0]
    assert e.text.startswith(f"Avvikelserapport {d['id']} från Samhällsbyggnadsförvaltningen: {REPORT['what']}")
    assert "Var: Fritsla, norra delen" in e.text and "Berörda verksamheter: Dricksvatten" in e.text
    assert e.counterpart == "Samhällsbyggnadsförvaltningen (Driftingenjör VA, 0320-00 05 05)"
    assert e.occurred_at.isoformat() == d["reported_at"]
    attached = [x for x in entries if x.text.startswith(f"Avvikelserapport {d['id']} bifogad")]
    assert len(attached) == 1 and "bevakning" in attached[0].text and "rapporterad" in attached[0].text

    again = tib.post("/api/v1/playbooks/storm/activate", json={"title": "Storm", "deviation": d["id"]})
    assert again.status_code == 409
    assert (
        tib.post(f"/api/v1/deviations/{d['id']}/assess", json={"action": "dismiss", "reason": "x"}).status_code == 409
    )


def test_a_failed_activation_leaves_the_report_untouched(app, login):
    d = _report(login("staff")).get_json()
    tib = login("duty_officer")
    assert tib.post("/api/v1/playbooks/storm/activate", json={"title": " ", "deviation": d["id"]}).status_code == 422
    out = tib.get(f"/api/v1/deviations/{d['id']}").get_json()
    assert out["status"] == "new" and [s["action"] for s in out["history"]] == ["reported"]


def test_status_filter(app, login):
    a = _report(login("staff")).get_json()
    _report(login("staff"), what="Annat")
    tib = login("duty_officer")
    tib.post(f"/api/v1/deviations/{a['id']}/assess", json={"action": "dismiss", "reason": "Inget"})
    assert [x["id"] for x in tib.get("/api/v1/deviations?status=dismissed").get_json()["items"]] == [a["id"]]
    assert len(tib.get("/api/v1/deviations?status=new").get_json()["items"]) == 1
    assert tib.get("/api/v1/deviations?status=nonsense").status_code == 422


def test_lost_follow_up_jobs_are_recovered(app, login):
    from crisis.playbooks import jobs as playbook_jobs

    a = _report(login("staff")).get_json()
    b = _report(login("staff"), what="Annat").get_json()
    tib = login("duty_officer")
    for d in (a, b):
        tib.post(
            f"/api/v1/deviations/{d['id']}/assess",
            json={"action": "monitor", "follow_up_at": (utcnow() + timedelta(hours=1)).isoformat()},
        )
        runner.remove(f"deviation-followup:{d['id']}")
    stored = db.session.get(Deviation, a["id"])
    stored.follow_up_at = utcnow() - timedelta(minutes=5)  # passed while the job was missing
    db.session.commit()
    playbook_jobs.recover()
    db.session.expire_all()
    assert [s.action for s in db.session.get(Deviation, a["id"]).steps][-1] == "follow_up_due"
    assert [s.action for s in db.session.get(Deviation, b["id"]).steps][-1] == "monitoring"
    assert runner.job_ids("deviation-followup:") == [f"deviation-followup:{b['id']}"]


def test_demo_seed_puts_two_reports_in_the_inbox(app):
    from crisis import registry
    from crisis.inbox.demo import load_demo_deviations

    assert load_demo_deviations in registry.of(app).seed_hooks
    auth.create(username="stab", password="correct-horse-1", role="staff", display_name="Johan Berg")
    auth.create(username="tib", password="correct-horse-1", role="duty_officer", display_name="Erik Holm")
    load_demo_deviations()
    statuses = sorted(d.status.value for d in db.session.scalars(sa.select(Deviation)))
    assert statuses == ["monitoring", "new"]
    assert runner.job_ids("deviation-followup:")
