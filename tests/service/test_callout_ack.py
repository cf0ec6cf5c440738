"""Call-out acknowledgement (link and SMS reply), the SMS gateway against a local receiver,
and the escalation to the ersättare after CRISIS_CALLOUT_ACK_MINUTES (time driven through
the job function, never by sleeping)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis.db import utcnow
from crisis.events.models import Event
from crisis.extensions import db
from crisis.log.models import LogEntry
from crisis.playbooks import activation, jobs, outbox, sms
from crisis.playbooks.models import AckToken, CalloutEntry, MailMessage, SmsMessage
from crisis.scheduler import runner
from tests.smsgateway import Receiver

SECRET = "inbound-secret-for-tests-0123456789"
KOMMUNDIREKTOR = "Kommundirektör (exempel)"
KD_NUMBER = "+46320000101"


@pytest.fixture
def gateway(app):
    with Receiver() as rec:
        app.config.update(
            CRISIS_SMS_GATEWAY_URL=rec.url,
            CRISIS_SMS_GATEWAY_TOKEN="gw-token",
            CRISIS_SMS_SENDER="Krisrum Mark",
            CRISIS_SMS_INBOUND_SECRET=SECRET,
            CRISIS_SMS_RETRIES=2,
            CRISIS_SMS_RETRY_SECONDS=0,
        )
        yield rec


def _activate(users, title="Elavbrott Skene"):
    inc = activation.activate(
        actor=users["duty_officer"], playbook_key="elavbrott", title=title, context="", notify=True
    )
    outbox.wait_for_deliveries()
    sms.wait_for_deliveries()
    db.session.rollback()
    return inc


def _entry(incident_id, name=KOMMUNDIREKTOR):
    db.session.rollback()
    return db.session.scalar(
        sa.select(CalloutEntry).where(CalloutEntry.incident_id == incident_id, CalloutEntry.name == name)
    )


def _token_from_mail(entry_id):
    body = db.session.scalar(sa.select(MailMessage.body).where(MailMessage.callout_entry_id == entry_id))
    return re.search(r"/ack/([A-Za-z0-9_-]+)", body).group(1)


def _system_log(incident_id, like):
    db.session.rollback()
    return list(
        db.session.scalars(
            sa.select(LogEntry.text)
            .where(LogEntry.incident_id == incident_id, LogEntry.kind == "system", LogEntry.text.like(like))
            .order_by(LogEntry.number)
        )
    )


# --- acknowledgement by link ---------------------------------------------------------------


def test_link_acknowledges_once_without_login_and_shows_nothing_else(app, users):
    inc = _activate(users)
    kd = _entry(inc.id)
    assert kd.sent_at is not None and kd.ack_at is None
    token = _token_from_mail(kd.id)
    # Only the hash is stored.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AckToken).where(AckToken.token_hash == token)) == 0

    client = app.test_client()  # not logged in
    page = client.get(f"/ack/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="ack-confirm"' in html
    for secret in ("Elavbrott Skene", KOMMUNDIREKTOR, "0320", "kommundirektor@"):
        assert secret not in html
    assert _entry(inc.id).ack_at is None, "showing the page records nothing (mail scanners follow links)"

    done = client.post(f"/ack/{token}")
    assert done.status_code == 200
    assert "Tack! Din kvittens är registrerad" in done.get_data(as_text=True)
    kd = _entry(inc.id)
    first_at = kd.ack_at
    assert first_at is not None and kd.ack_via.value == "link"
    assert _system_log(inc.id, "Larmningen kvitterad%") == [
        "Larmningen kvitterad av Kommundirektör (exempel) (Krisledningschef, beslutar om stabsläge) med länken."
    ]

    again = client.post(f"/ack/{token}")
    assert again.status_code == 200 and "Du har redan kvitterat" in again.get_data(as_text=True)
    assert _entry(inc.id).ack_at == first_at
    assert len(_system_log(inc.id, "Larmningen kvitterad%")) == 1

    last = db.session.scalar(sa.select(Event).where(Event.incident_id == inc.id).order_by(Event.seq.desc()).limit(1))
    assert last.type == "callout.updated" and last.confidential


def test_expired_and_unknown_links_get_the_same_answer_and_record_nothing(app, users):
    inc = _activate(users)
    other = _entry(inc.id, "Beredskapssamordnare (exempel)")
    token = _token_from_mail(other.id)
    db.session.execute(
        sa.update(AckToken)
        .where(AckToken.callout_entry_id == other.id)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    client = app.test_client()
    answers = []
    for t in (token, "x" * 43, "short"):
        for method in (client.get, client.post):
            resp = method(f"/ack/{t}")
            assert resp.status_code == 404, (t, resp.status_code)
            html = resp.get_data(as_text=True)
            assert "Länken är ogiltig eller har gått ut" in html
            assert "Beredskapssamordnare" not in html and "Elavbrott" not in html
            answers.append(html.split('id="ack-invalid"')[1][:200])
    assert len(set(answers)) == 1, "an expired link is not told apart from an unknown one"
    assert _entry(inc.id, "Beredskapssamordnare (exempel)").ack_at is None
    assert _system_log(inc.id, "Larmningen kvitterad%") == []


def test_links_in_the_callout_use_the_public_address(app, users, gateway):
    """The TiB may work at an internal address; the mail and SMS carry CRISIS_PUBLIC_URL."""
    app.config["CRISIS_PUBLIC_URL"] = "https://krisrum.mark.se/kris"
    inc = _activate(users)
    kd = _entry(inc.id)
    body = db.session.scalar(sa.select(MailMessage.body).where(MailMessage.callout_entry_id == kd.id))
    token = re.search(r"https://krisrum\.mark\.se/kris/ack/([A-Za-z0-9_-]+)", body).group(1)
    assert f"Krisrum: https://krisrum.mark.se/kris/incidents/{inc.id}" in body
    texts = [m["text"] for m in gateway.sent() if m["to"] == KD_NUMBER]
    assert texts and f"https://krisrum.mark.se/kris/ack/{token}" in texts[0]
    assert app.test_client().get(f"/ack/{token}").status_code == 200  # the same token works

    from crisis.playbooks import ack

    with app.test_request_context("/", base_url="http://10.0.0.5:5000"):
        assert ack.public_url_for("ack.ack_page", token="t") == "https://krisrum.mark.se/kris/ack/t"
        app.config["CRISIS_PUBLIC_URL"] = ""
        assert ack.public_url_for("ack.ack_page", token="t") == "http://10.0.0.5:5000/ack/t"


def test_refused_links_are_rate_limited_per_address_and_working_ones_never(app, users):
    """Defence in depth on a page without a login: refused tries (unknown or expired links) count per
    client address; opening and using a working link does not."""
    app.config["CRISIS_REFUSED_RATE_LIMIT"] = "3 per minute"
    inc = _activate(users)
    token = _token_from_mail(_entry(inc.id).id)
    client = app.test_client()
    for _ in range(5):
        assert client.get(f"/ack/{token}").status_code == 200  # a working link: never counted
    assert [client.get(f"/ack/{'x' * 43}").status_code for _ in range(3)] == [404, 404, 404]
    limited = client.post(f"/ack/{'y' * 43}")
    assert limited.status_code == 429
    assert "För många försök" in limited.get_data(as_text=True)
    other = app.test_client()  # another address is not affected
    assert other.post(f"/ack/{token}", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert _entry(inc.id).ack_at is not None


# --- the SMS gateway ---------------------------------------------------------------------------


def test_sms_goes_to_the_gateway_as_documented(app, users, gateway):
    inc = _activate(users)
    reqs = gateway.requests
    numbers = sorted(r["json"]["to"] for r in reqs)
    # Every one on the elavbrott list has a phone number.
    entries = db.session.scalars(sa.select(CalloutEntry).where(CalloutEntry.incident_id == inc.id)).all()
    assert numbers == sorted(sms.e164(e.phone) for e in entries)
    first = next(r for r in reqs if r["json"]["to"] == KD_NUMBER)
    assert first["authorization"] == "Bearer gw-token"
    assert first["content_type"] == "application/json"
    assert set(first["json"]) == {"to", "from", "text"}
    assert first["json"]["from"] == "Krisrum Mark"
    assert "Elavbrott Skene" in first["json"]["text"]
    assert re.search(r"svara OK \d{4} eller på /ack/[A-Za-z0-9_-]+", first["json"]["text"])
    states = db.session.scalars(sa.select(SmsMessage.state).where(SmsMessage.incident_id == inc.id)).all()
    assert states and all(s.value == "sent" for s in states)
    (text,) = _system_log(inc.id, "SMS%")
    assert text.startswith("SMS om larmningen skickat till Kommundirektör (exempel),")
    assert "+46" not in text, "the log names people, not their numbers"


def test_gateway_500_is_retried_and_a_final_failure_is_visible(app, users, gateway, login):
    gateway.statuses[:] = [500] * 3 + [500, 200]  # KD: three 500s (fails); the next: one 500, then 200
    app.config["CRISIS_SMS_RETRIES"] = 2
    inc = activation.activate(
        actor=users["duty_officer"], playbook_key="storm", title="Storm Gudrun", context="", notify=False
    )
    client = login("duty_officer")
    kd = _entry(inc.id)
    resp = client.post(f"/api/v1/incidents/{inc.id}/callout", json={"action": "notify", "entries": [kd.id]})
    assert resp.status_code == 200, resp.get_json()
    sms.wait_for_deliveries()
    assert len(gateway.requests) == 3, "one try and two retries"
    row = db.session.scalar(sa.select(SmsMessage).where(SmsMessage.callout_entry_id == kd.id))
    db.session.refresh(row)
    assert (row.state.value, row.attempts, row.error) == ("failed", 3, "HTTP 500")
    panel = client.get(f"/api/v1/incidents/{inc.id}/callout").get_json()
    item = next(i for i in panel["items"] if i["id"] == kd.id)
    assert item["sms"] == {"state": "failed", "attempts": 3, "error": "HTTP 500", "at": item["sms"]["at"]}
    assert panel["sms_enabled"] is True
    (text,) = _system_log(inc.id, "SMS till%")
    assert text == f"SMS till {KOMMUNDIREKTOR} kunde inte skickas efter 3 försök (HTTP 500). Ring personen i stället."

    other = _entry(inc.id, "Beredskapssamordnare (exempel)")
    client.post(f"/api/v1/incidents/{inc.id}/callout", json={"action": "notify", "entries": [other.id]})
    sms.wait_for_deliveries()
    row = db.session.scalar(sa.select(SmsMessage).where(SmsMessage.callout_entry_id == other.id))
    db.session.refresh(row)
    assert (row.state.value, row.attempts, row.error) == ("sent", 2, None)


def test_without_a_gateway_sms_is_off_and_the_panel_says_so(app, users, login):
    assert not app.config["CRISIS_SMS_GATEWAY_URL"]
    inc = _activate(users)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SmsMessage)) == 0
    client = login("staff")
    assert client.get(f"/api/v1/incidents/{inc.id}/callout").get_json()["sms_enabled"] is False
    assert 'id="callout-sms-off"' in client.get(f"/incidents/{inc.id}/callout").get_data(as_text=True)


# --- acknowledgement by SMS reply --------------------------------------------------------------------


def _code_for(gateway, number):
    text = next(r["json"]["text"] for r in gateway.requests if r["json"]["to"] == number)
    return re.search(r"OK (\d{4})", text).group(1)


def test_sms_reply_acknowledges_with_the_shared_secret(app, users, gateway):
    inc = _activate(users)
    code = _code_for(gateway, KD_NUMBER)
    wrong = f"{(int(code) - 1000 + 1) % 9000 + 1000}"
    client = app.test_client()
    url = "/api/v1/sms/inbound"
    auth = {"Authorization": f"Bearer {SECRET}"}

    assert client.post(url, json={"from": KD_NUMBER, "text": f"OK {code}"}).status_code == 401
    bad = client.post(url, json={"from": KD_NUMBER, "text": f"OK {code}"}, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "unauthorized"
    assert _entry(inc.id).ack_at is None

    miss = client.post(url, json={"from": KD_NUMBER, "text": f"OK {wrong}"}, headers=auth)
    assert miss.status_code == 200 and miss.get_json() == {"acknowledged": False, "first": False}
    other = client.post(url, json={"from": "+46701234567", "text": f"OK {code}"}, headers=auth)
    assert other.get_json()["acknowledged"] is False, "the code only works from the number it was sent to"
    assert _entry(inc.id).ack_at is None

    # The number as the operator writes it (0046...), the code anywhere in the text.
    ok = client.post(url, json={"from": "0046320000101", "text": f"ok {code} kommer"}, headers=auth)
    assert ok.status_code == 200 and ok.get_json() == {"acknowledged": True, "first": True}
    kd = _entry(inc.id)
    assert kd.ack_at is not None and kd.ack_via.value == "sms"
    assert _system_log(inc.id, "Larmningen kvitterad%") == [
        "Larmningen kvitterad av Kommundirektör (exempel) (Krisledningschef, beslutar om stabsläge) med SMS."
    ]
    again = client.post(url, json={"from": KD_NUMBER, "text": f"OK {code}"}, headers=auth)
    assert again.get_json() == {"acknowledged": True, "first": False}


def test_wrong_gateway_secrets_are_rate_limited_and_replies_never(app, users, gateway):
    app.config["CRISIS_REFUSED_RATE_LIMIT"] = "2 per minute"
    _activate(users)
    client = app.test_client()
    url = "/api/v1/sms/inbound"
    auth = {"Authorization": f"Bearer {SECRET}"}
    for _ in range(4):  # a burst of real replies from the gateway: all answered
        assert client.post(url, json={"from": "+46701234567", "text": "OK 1234"}, headers=auth).status_code == 200
    bad = {"Authorization": "Bearer guess"}
    codes = [client.post(url, json={"from": KD_NUMBER, "text": "OK 1"}, headers=bad).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    limited = client.post(url, json={"from": KD_NUMBER, "text": "OK 1"}, headers=auth)
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "rate_limited"


def test_sms_inbound_is_off_without_a_secret(app):
    resp = app.test_client().post("/api/v1/sms/inbound", json={"from": KD_NUMBER, "text": "OK 1234"})
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "sms_inbound_off"


# --- escalation to the ersättare ---------------------------------------------------------------------


def _age(incident_id, minutes):
    """Pretend the call-out went out `minutes` ago."""
    db.session.rollback()
    for e in db.session.scalars(
        sa.select(CalloutEntry).where(CalloutEntry.incident_id == incident_id, CalloutEntry.sent_at.is_not(None))
    ):
        e.sent_at = e.sent_at - timedelta(minutes=minutes)
    db.session.commit()


def test_not_acknowledged_after_n_minutes_proposes_the_substitute(app, users, login):
    app.config["CRISIS_CALLOUT_ACK_MINUTES"] = 10
    inc = _activate(users)
    assert f"callout-ack:{inc.id}" in runner.job_ids("callout-ack:")
    client = login("duty_officer")
    # The beredskapssamordnare acknowledges in time.
    bs = _entry(inc.id, "Beredskapssamordnare (exempel)")
    assert app.test_client().post(f"/ack/{_token_from_mail(bs.id)}").status_code == 200

    _age(inc.id, 9)
    jobs.callout_ack_due(inc.id)
    assert not any(i["overdue"] for i in client.get(f"/api/v1/incidents/{inc.id}/callout").get_json()["items"])

    seq_before = db.session.scalar(sa.select(sa.func.max(Event.seq)).where(Event.incident_id == inc.id))
    _age(inc.id, 2)
    jobs.callout_ack_due(inc.id)
    panel = client.get(f"/api/v1/incidents/{inc.id}/callout").get_json()
    by_name = {i["name"]: i for i in panel["items"]}
    kd = by_name[KOMMUNDIREKTOR]
    assert kd["overdue"] is True
    assert kd["substitute"] == {
        "name": "Biträdande kommundirektör (exempel)",
        "phone": "0320-00 01 21",
        "email": "bitr.kommundirektor@marks-kommun.example",
    }
    assert by_name["Beredskapssamordnare (exempel)"]["overdue"] is False
    assert by_name["Kommunikationschef (exempel)"]["overdue"] is True
    (text,) = _system_log(inc.id, "Ej kvitterat%")
    assert text.startswith("Ej kvitterat efter 10 minuter: Kommundirektör (exempel), Kommunikationschef (exempel)")
    assert "Föreslagen ersättare för Kommundirektör (exempel): Biträdande kommundirektör (exempel)." in text
    # The room hears it even with nobody's page open.
    types = db.session.scalars(sa.select(Event.type).where(Event.incident_id == inc.id, Event.seq > seq_before)).all()
    assert "callout.updated" in types

    jobs.callout_ack_due(inc.id)  # again: nothing new
    assert len(_system_log(inc.id, "Ej kvitterat%")) == 1

    # One click calls out the ersättare (the TiB may; staff may not).
    assert (
        login("staff").post(f"/api/v1/incidents/{inc.id}/callout", json={"action": "substitute", "entry": kd["id"]})
    ).status_code == 403
    resp = client.post(f"/api/v1/incidents/{inc.id}/callout", json={"action": "substitute", "entry": kd["id"]})
    assert resp.status_code == 200, resp.get_json()
    items = resp.get_json()["items"]
    sub = next(i for i in items if i["substitute_of"] == kd["id"])
    assert sub["name"] == "Biträdande kommundirektör (exempel)" and sub["sent_at"] is not None
    assert next(i for i in items if i["id"] == kd["id"])["substitute_called_at"] is not None
    assert _system_log(inc.id, "Ersättaren%") == [
        "Ersättaren Biträdande kommundirektör (exempel) larmas i stället för Kommundirektör (exempel), "
        "som inte har kvitterat."
    ]
    outbox.wait_for_deliveries()
    assert db.session.scalar(sa.select(MailMessage.body).where(MailMessage.callout_entry_id == sub["id"]))
    twice = client.post(f"/api/v1/incidents/{inc.id}/callout", json={"action": "substitute", "entry": kd["id"]})
    assert twice.status_code == 409
    no_sub = by_name["Kommunikationschef (exempel)"]["id"]
    none = client.post(f"/api/v1/incidents/{inc.id}/callout", json={"action": "substitute", "entry": no_sub})
    assert none.status_code == 422 and none.get_json()["error"]["code"] == "no_substitute"


def test_recovery_raises_what_came_due_while_no_scheduler_ran(app, users):
    app.config["CRISIS_CALLOUT_ACK_MINUTES"] = 10
    inc = _activate(users)
    runner.remove(f"callout-ack:{inc.id}")
    _age(inc.id, 11)
    jobs.recover()
    assert _system_log(inc.id, "Ej kvitterat%"), "the lost job's work is done at start-up"
    assert _entry(inc.id).overdue_at is not None


def test_an_exercise_incident_texts_only_the_allowlisted_numbers(app, users, gateway):
    from crisis.db import write_transaction

    app.config["CRISIS_EXERCISE_SMS_ALLOWLIST"] = ["0320-00 01 02"]
    with write_transaction(db.session):
        inc = activation.activate_locked(
            actor=users["exercise_control"],
            playbook_key="elavbrott",
            title="Övning elavbrott",
            context="",
            mode="exercise",
            notify=True,
        )
    sms.wait_for_deliveries()
    assert [r["json"]["to"] for r in gateway.requests] == ["+46320000102"]
    assert gateway.requests[0]["json"]["text"].startswith("ÖVNING Larm från Krisrum")
    states = {
        m.to_number: m.state.value
        for m in db.session.scalars(sa.select(SmsMessage).where(SmsMessage.incident_id == inc.id))
    }
    assert states.pop("+46320000102") == "sent"
    assert states and set(states.values()) == {"suppressed"}
    (text,) = _system_log(inc.id, "ÖVNING: SMS%")
    assert text.startswith("ÖVNING: SMS till Kommundirektör (exempel), ") and "+46" not in text


def test_a_late_acknowledgement_after_close_is_kept_but_not_logged(app, users):
    from crisis.db import write_transaction
    from crisis.events import service as events
    from crisis.incidents import service as incidents

    inc = _activate(users)
    token = _token_from_mail(_entry(inc.id).id)
    with write_transaction(db.session):
        incidents.close_locked(
            incident=events.lock_incident(incident_id=inc.id), actor=users["leader"], text="Avslutad."
        )
    count = db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry).where(LogEntry.incident_id == inc.id))
    resp = app.test_client().post(f"/ack/{token}")
    assert resp.status_code == 200 and "Tack!" in resp.get_data(as_text=True)
    assert _entry(inc.id).ack_at is not None
    after = db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry).where(LogEntry.incident_id == inc.id))
    assert after == count
    _age(inc.id, 60)
    jobs.callout_ack_due(inc.id)  # the escalation job of a closed incident does nothing
    assert _system_log(inc.id, "Ej kvitterat%") == []
