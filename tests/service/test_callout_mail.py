"""E-mail of the call-out: against a local SMTP server (aiosmtpd), the dry run,
the exercise allowlist, a failing server, and never for a rolled-back change."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from crisis.db import write_transaction
from crisis.extensions import db
from crisis.log.models import LogEntry
from crisis.playbooks import activation, outbox
from crisis.playbooks.models import CalloutEntry, MailMessage

ELAVBROTT_EMAILS = ["kommundirektor@marks-kommun.example", "beredskap@marks-kommun.example"]


class _Collect:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    handler = _Collect()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        CRISIS_SMTP_HOST="127.0.0.1",
        CRISIS_SMTP_PORT=port,
        CRISIS_SMTP_FROM="krisrum@mark.example",
        CRISIS_MAIL_DRY_RUN=False,
    )
    yield handler
    controller.stop()


def _subject(raw: bytes) -> str:
    return str(make_header(decode_header(message_from_bytes(raw)["Subject"])))


def _mail_log(incident_id: int) -> list[str]:
    db.session.rollback()
    return list(
        db.session.scalars(
            sa.select(LogEntry.text)
            .where(
                LogEntry.incident_id == incident_id,
                LogEntry.kind == "system",
                sa.or_(LogEntry.text.like("%e-post%"), LogEntry.text.like("%E-post%")),
            )
            .order_by(LogEntry.number)
        )
    )


def _states(incident_id: int) -> dict[str, str]:
    db.session.rollback()
    return {
        m.to_addr: m.state.value
        for m in db.session.scalars(sa.select(MailMessage).where(MailMessage.incident_id == incident_id))
    }


def test_dry_run_is_the_default_and_is_logged(app, users):
    assert app.config["CRISIS_MAIL_DRY_RUN"] is True
    inc = activation.activate(
        actor=users["duty_officer"], playbook_key="elavbrott", title="Elavbrott Skene", context="", notify=True
    )
    outbox.wait_for_deliveries()
    assert _states(inc.id) == {a: "dry_run" for a in ELAVBROTT_EMAILS}
    (text,) = _mail_log(inc.id)
    assert text.startswith("Provläge för e-post: inget skickades.")
    assert ", ".join(ELAVBROTT_EMAILS) in text and "«Larmning: Elavbrott Skene»" in text
    assert "CRISIS_" not in text


def test_sent_through_smtp_after_commit(app, users, smtp):
    inc = activation.activate(
        actor=users["duty_officer"],
        playbook_key="elavbrott",
        title="Elavbrott Skene",
        context="Elnätsbolaget: 3 200 kunder utan ström",
        notify=True,
    )
    outbox.wait_for_deliveries()
    assert sorted(rcpt for _f, rcpts, _c in smtp.messages for rcpt in rcpts) == sorted(ELAVBROTT_EMAILS)
    sender, _rcpts, raw = smtp.messages[0]
    assert sender == "krisrum@mark.example"
    assert _subject(raw) == "Larmning: Elavbrott Skene"
    body = message_from_bytes(raw).get_payload(decode=True).decode("utf-8")
    assert (
        "Elavbrott Skene" in body
        and "Elnätsbolaget: 3 200 kunder utan ström" in body
        and "Duty_Officer Testsson" in body
    )
    assert _states(inc.id) == {a: "sent" for a in ELAVBROTT_EMAILS}
    (text,) = _mail_log(inc.id)
    assert text.startswith("E-post om larmningen skickad till " + ", ".join(ELAVBROTT_EMAILS))
    notified = db.session.scalars(
        sa.select(CalloutEntry).where(CalloutEntry.incident_id == inc.id, CalloutEntry.email.is_not(None))
    ).all()
    assert notified and all(e.notified_at is not None for e in notified)


def test_exercise_mail_only_to_the_allowlist_and_marked_ovning(app, users, smtp):
    app.config["CRISIS_EXERCISE_MAIL_ALLOWLIST"] = ["beredskap@marks-kommun.example"]
    with write_transaction(db.session):
        inc = activation.activate_locked(
            actor=users["exercise_control"],
            playbook_key="elavbrott",
            title="Övning elavbrott",
            context="",
            mode="exercise",
            notify=True,
        )
    outbox.wait_for_deliveries()
    assert [r for _f, rcpts, _c in smtp.messages for r in rcpts] == ["beredskap@marks-kommun.example"]
    raw = smtp.messages[0][2]
    assert _subject(raw) == "ÖVNING: Larmning: Övning elavbrott"
    assert message_from_bytes(raw).get_payload(decode=True).decode("utf-8").startswith("ÖVNING ÖVNING ÖVNING")
    assert _states(inc.id) == {
        "kommundirektor@marks-kommun.example": "suppressed",
        "beredskap@marks-kommun.example": "sent",
    }
    (text,) = _mail_log(inc.id)
    assert "ÖVNING: e-post till kommundirektor@marks-kommun.example skickades inte" in text
    assert "skickad till beredskap@marks-kommun.example" in text


def test_exercise_allowlist_by_domain(app, users, smtp):
    app.config["CRISIS_EXERCISE_MAIL_ALLOWLIST"] = ["@marks-kommun.example"]
    with write_transaction(db.session):
        inc = activation.activate_locked(
            actor=users["leader"], playbook_key="elavbrott", title="Övning", context="", mode="exercise", notify=True
        )
    outbox.wait_for_deliveries()
    assert set(_states(inc.id).values()) == {"sent"}


def test_a_server_that_does_not_answer_is_logged(app, users):
    app.config.update(CRISIS_SMTP_HOST="127.0.0.1", CRISIS_SMTP_PORT=_free_port(), CRISIS_MAIL_DRY_RUN=False)
    inc = activation.activate(
        actor=users["duty_officer"], playbook_key="elavbrott", title="Elavbrott", context="", notify=True
    )
    outbox.wait_for_deliveries()
    assert set(_states(inc.id).values()) == {"failed"}
    (text,) = _mail_log(inc.id)
    assert text.startswith("E-post kunde inte skickas till kommundirektor@marks-kommun.example")
    assert text.endswith("(e-postservern gick inte att nå). Ring i stället."), text
    assert "Error" not in text and "[Errno" not in text and "(" in text  # a sentence, not a Python tuple


def test_never_sent_for_a_rolled_back_change(app, users, smtp):
    with pytest.raises(RuntimeError):
        with write_transaction(db.session):
            activation.activate_locked(
                actor=users["duty_officer"], playbook_key="elavbrott", title="Elavbrott", context="", notify=True
            )
            raise RuntimeError("a later step failed")
    outbox.wait_for_deliveries()
    assert smtp.messages == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailMessage)) == 0


def test_notify_later_from_the_callout_api(app, users, login, smtp):
    inc = activation.activate(actor=users["duty_officer"], playbook_key="elavbrott", title="Elavbrott", context="")
    outbox.wait_for_deliveries()
    assert smtp.messages == []
    url = f"/api/v1/incidents/{inc.id}/callout"
    entries = login("duty_officer").get(url).get_json()["items"]
    kd = next(e for e in entries if e["email"] == "kommundirektor@marks-kommun.example")
    no_mail = next(e for e in entries if not e["email"])
    assert login("duty_officer").post(url, json={"action": "notify", "entries": [no_mail["id"]]}).status_code == 422
    resp = login("duty_officer").post(url, json={"action": "notify", "entries": [kd["id"]]})
    assert resp.status_code == 200
    outbox.wait_for_deliveries()
    assert [r for _f, rcpts, _c in smtp.messages for r in rcpts] == ["kommundirektor@marks-kommun.example"]
