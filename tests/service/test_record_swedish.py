"""The record is kept in plain Swedish: no internal keys, configuration names or Python in it.

Log entries, task cards and reports are the legal record. Activating the
elavbrott spelbok (tasks, reminders, map categories, call-out mail), a
site status change, changing a task, a mail dry run and a mail failure must
all write texts a diarist would: names and labels, never keys.
"""

from __future__ import annotations

import re
import socket

import pytest
import sqlalchemy as sa

from crisis.extensions import db
from crisis.log.models import LogEntry
from crisis.playbooks import activation as playbooks
from crisis.playbooks import outbox, registry
from crisis.tasks import service as tasks
from crisis.tasks.models import Task
from tests.sitehelpers import feature, load

CATEGORY_KEYS = ("health", "care", "rescue", "water", "sewage", "power", "roads", "telecom", "school", "other")
STATE_KEYS = ("operational", "degraded", "down", "unknown", "at_risk")
REMINDER_KINDS = ("report", "meeting", "check", "handover")


def _forbidden(playbook_key: str = "elavbrott") -> re.Pattern[str]:
    """Keys a reader must never see: category, state and reminder-kind codes, the playbook's own
    position and reminder keys where they differ from the Swedish name, config names, 'playbook'."""
    pb = registry.get(playbook_key)

    def word_in(key: str, text: str) -> bool:  # keys that are plain Swedish words ("kommunikation") are fine
        return re.search(r"(?<![\w-])" + re.escape(key) + r"(?![\w-])", text.lower()) is not None

    position_keys = [p.key for p in pb.positions if not word_in(p.key, p.label)]
    reminder_keys = [r.key for r in pb.reminders if not word_in(r.key, r.text)]
    words = [*CATEGORY_KEYS, *STATE_KEYS, *REMINDER_KINDS, *position_keys, *reminder_keys]
    assert "vard-omsorg" in words and "va" in words  # the ones seen in the record before
    return re.compile(
        r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])"
        r"|CRISIS_|playbook|Playbook|Errno|Error\b|\(\d{3}, b'"
    )


def _texts(incident_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(LogEntry.text).where(LogEntry.incident_id == incident_id).order_by(LogEntry.number)
        )
    )


def _assert_plain(texts: list[str], pattern: re.Pattern[str]) -> None:
    bad = [(t, m.group(0)) for t in texts for m in [pattern.search(t)] if m]
    assert not bad, bad


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_activating_elavbrott_writes_a_plain_swedish_record(app, users):
    assert app.config["CRISIS_MAIL_DRY_RUN"] is True
    inc = playbooks.activate(
        actor=users["duty_officer"], playbook_key="elavbrott", title="Elavbrott Skene", context="", notify=True
    )
    outbox.wait_for_deliveries()
    texts = _texts(inc.id)
    _assert_plain(texts, _forbidden())

    summary = next(t for t in texts if t.startswith("Spelboken «Långvarigt elavbrott» aktiverad"))
    assert "Markeras på kartan: el, omsorg, vård, dricksvatten, avlopp och elektronisk kommunikation." in summary
    assert "stabsmöte var" in summary and "lägesrapport var" in summary
    # A task for a custom position names it by its label, not its key.
    assert any("funktion Vård och omsorg (förvaltningsrepresentant)" in t for t in texts if t.startswith("Ny uppgift"))
    dry_run = next(t for t in texts if t.startswith("Provläge för e-post"))
    assert "inget skickades" in dry_run

    # The task cards: their origin is a sentence too.
    origins = list(db.session.scalars(sa.select(Task.origin).where(Task.incident_id == inc.id).order_by(Task.id)))
    assert origins[0] == "Spelbokens nivåförslag (beslut krävs)"  # the level decision task comes first
    assert origins[6] == "Spelboken «Långvarigt elavbrott», uppgift 6"
    _assert_plain(origins, _forbidden())


def test_changing_a_task_position_and_priority_is_recorded_with_names(app, users):
    inc = playbooks.activate(actor=users["duty_officer"], playbook_key="elavbrott", title="Elavbrott", context="")
    task = db.session.scalars(sa.select(Task).where(Task.incident_id == inc.id, Task.position == "samverkan")).first()
    tasks.update(
        actor=users["staff"],
        task_id=task.id,
        expected_version=task.version,
        position="va",
        priority="low",
        status="doing",
    )
    (text,) = [t for t in _texts(inc.id) if t.startswith(f"Uppgift {task.id} ")]
    assert "funktion Samverkan -> VA-enheten (förvaltningsrepresentant)" in text
    assert "prioritet" in text and "låg" in text and "status att göra -> pågår" in text
    _assert_plain([text], _forbidden())


def test_a_site_status_change_is_recorded_with_names(app, users, incident):
    from crisis.sites import status as sites

    load(feature("sub", name="Ställverk Kinna"), feature("vc", ["sub"], category="health", name="Kinna vårdcentral"))
    sites.set_status(actor=users["staff"], incident_id=incident.id, site_id="sub", status="down")
    sites.set_status(actor=users["staff"], incident_id=incident.id, site_id="vc", status="unknown")
    texts = [t for t in _texts(incident.id) if t.startswith(("Ställverk", "Kinna"))]
    assert (
        texts[0].startswith("Ställverk Kinna: ur drift.") and "I riskzon genom beroende: Kinna vårdcentral" in texts[0]
    )
    assert texts[1] == "Kinna vårdcentral: okänd status."
    _assert_plain(texts, _forbidden())


def test_a_mail_failure_is_a_readable_sentence(app, users):
    app.config.update(CRISIS_SMTP_HOST="127.0.0.1", CRISIS_SMTP_PORT=_free_port(), CRISIS_MAIL_DRY_RUN=False)
    inc = playbooks.activate(
        actor=users["duty_officer"], playbook_key="elavbrott", title="Elavbrott", context="", notify=True
    )
    outbox.wait_for_deliveries()
    (text,) = [t for t in _texts(inc.id) if t.startswith("E-post")]
    assert text == (
        "E-post kunde inte skickas till kommundirektor@marks-kommun.example och "
        "beredskap@marks-kommun.example (e-postservern gick inte att nå). Ring i stället."
    )
    # The technical reason stays in the outbox for IT.
    from crisis.playbooks.models import MailMessage

    errors = list(db.session.scalars(sa.select(MailMessage.error).where(MailMessage.incident_id == inc.id)))
    assert errors and all(e and "Error" in e for e in errors)


def test_no_mail_server_configured_is_said_without_the_setting_name(app, users):
    app.config.update(CRISIS_SMTP_HOST="", CRISIS_MAIL_DRY_RUN=False)
    inc = playbooks.activate(
        actor=users["duty_officer"], playbook_key="elavbrott", title="Elavbrott", context="", notify=True
    )
    outbox.wait_for_deliveries()
    (text,) = [t for t in _texts(inc.id) if t.startswith("E-post")]
    assert "(ingen e-postserver är inställd)" in text
    _assert_plain([text], _forbidden())


@pytest.mark.parametrize(
    "error, reason",
    [
        ("SMTPRecipientsRefused: {'a@b': (550, b'no such user')}", "tog inte emot adressen"),
        ("ConnectionRefusedError: [Errno 111] Connection refused", "gick inte att nå"),
        ("TimeoutError: timed out", "svarade inte i tid"),
        ("SMTPDataError: (554, b'rejected')", "avvisade meddelandet"),
    ],
)
def test_mail_failure_reasons(error, reason):
    from crisis import record_sv

    text = record_sv.mail_failed([("a@b.example", error)])
    assert reason in text and "Error" not in text and "b'" not in text


def test_an_exercise_names_positions_before_and_after_it_starts(app, users):
    from datetime import timedelta

    from crisis.db import utcnow
    from crisis.exercises import service as exercises

    control = users["exercise_control"]
    ex = exercises.schedule(actor=control, scenario="vinterelavbrott", start_at=utcnow() + timedelta(hours=1))
    before = exercises.position_labels(ex)
    assert before["va"] == "VA-enheten (förvaltningsrepresentant)"  # was shown as "Till: va"
    assert before["vard-omsorg"] == "Vård och omsorg (förvaltningsrepresentant)"
    ex = exercises.start(actor=control, exercise_id=ex.id)
    assert exercises.position_labels(ex)["va"] == "VA-enheten (förvaltningsrepresentant)"
    texts = _texts(ex.incident_id)
    started = next(t for t in texts if t.startswith("ÖVNING startad"))
    assert "vinterelavbrott" not in started and "scenariot «" in started
    _assert_plain(texts, _forbidden())
