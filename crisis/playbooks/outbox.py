"""The call-out's mail outbox: e-mail notification of the call-out.

Messages are written to `mail_messages` inside the caller's transaction and
delivered only after it commits, in a background thread (SMTP can be slow;
the TiB's screen must not wait for it). Each outcome is logged in the
incident's log as a `system` entry:

* CRISIS_MAIL_DRY_RUN=on (the default): nothing is sent; the log says what
  would have been sent to whom.
* Exercise incidents: mail goes only to addresses in
  CRISIS_EXERCISE_MAIL_ALLOWLIST (an entry "@domain" allows a whole domain);
  every other address is logged as suppressed. The subject starts "ÖVNING".
* Otherwise the message is sent through CRISIS_SMTP_HOST:CRISIS_SMTP_PORT
  from CRISIS_SMTP_FROM, after STARTTLS (CRISIS_SMTP_STARTTLS) and a login
  (CRISIS_SMTP_USERNAME/PASSWORD) when configured; a failure is logged in
  plain Swedish, never raised (the technical error stays in the outbox row).
"""

from __future__ import annotations

import base64
import logging
import smtplib
import ssl
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import sqlalchemy as sa
from flask import current_app

from crisis import record_sv
from crisis.db import utcnow, write_transaction
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.playbooks.delivery import Deliveries
from crisis.playbooks.models import CalloutEntry, MailMessage, MailState

_log = logging.getLogger("krisrum.mail")
EXERCISE_PREFIX = "ÖVNING"
SMTP_TIMEOUT = 15


def subject_for(incident: Incident, subject: str) -> str:
    if incident.is_exercise and not subject.startswith(EXERCISE_PREFIX):
        return f"{EXERCISE_PREFIX}: {subject}"
    return subject


def queue_locked(*, incident: Incident, messages: Iterable[tuple[str, str, str, int | None]]) -> list[MailMessage]:
    """Add (to, subject, body, callout_entry_id) messages to the outbox of a locked incident.

    They are delivered after the caller's transaction commits.
    """
    rows = []
    for to_addr, subject, body, entry_id in messages:
        row = MailMessage(
            incident_id=incident.id,
            callout_entry_id=entry_id,
            to_addr=to_addr.strip(),
            subject=subject_for(incident, subject)[:300],
            body=body,
            state=MailState.PENDING,
            created_at=utcnow(),
        )
        db.session.add(row)
        rows.append(row)
    if rows:
        db.session.flush()
        _deliveries.after_commit([r.id for r in rows])
    return rows


def queue_drill_locked(*, messages: Iterable[tuple[str, str, str, int]]) -> list[MailMessage]:
    """Add (to, subject, body, drill_entry_id) messages of a larmövning (no incident);
    delivered after the caller's transaction commits, the outcome kept in the row."""
    rows = []
    for to_addr, subject, body, drill_entry_id in messages:
        row = MailMessage(
            incident_id=None,
            drill_entry_id=drill_entry_id,
            to_addr=to_addr.strip(),
            subject=subject[:300],
            body=body,
            state=MailState.PENDING,
            created_at=utcnow(),
        )
        db.session.add(row)
        rows.append(row)
    if rows:
        db.session.flush()
        _deliveries.after_commit([r.id for r in rows])
    return rows


def wait_for_deliveries(timeout: float = 30) -> None:
    """Wait until every delivery started so far has finished (tests, shutdown)."""
    _deliveries.wait(timeout)


def _allowed(address: str, allowlist: list[str]) -> bool:
    address = address.strip().lower()
    domain = "@" + address.rsplit("@", 1)[-1]
    return any(entry == address or (entry.startswith("@") and entry == domain) for entry in allowlist)


def process(ids: list[int]) -> dict[int, MailState]:
    """Decide and send (outside any transaction), then record and log (one transaction)."""
    cfg = current_app.config
    rows = list(
        db.session.scalars(
            sa.select(MailMessage)
            .where(MailMessage.id.in_(ids), MailMessage.state == MailState.PENDING)
            .order_by(MailMessage.id)
        )
    )
    db.session.commit()  # end the read transaction: no lock is held while talking SMTP
    if not rows:
        return {}
    incident_ids = {r.incident_id for r in rows if r.incident_id is not None}
    incidents = {i.id: i for i in db.session.scalars(sa.select(Incident).where(Incident.id.in_(incident_ids)))}
    outcome: dict[int, tuple[MailState, str | None]] = {}
    to_send: list[MailMessage] = []
    for row in rows:
        # A larmövning (no incident) reaches the real list: its text says LARMÖVNING.
        incident = incidents.get(row.incident_id) if row.incident_id is not None else None
        if (
            incident is not None
            and incident.is_exercise
            and not _allowed(row.to_addr, cfg["CRISIS_EXERCISE_MAIL_ALLOWLIST"])
        ):
            outcome[row.id] = (MailState.SUPPRESSED, None)
        elif cfg["CRISIS_MAIL_DRY_RUN"]:
            outcome[row.id] = (MailState.DRY_RUN, None)
        else:
            to_send.append(row)
    db.session.commit()
    if to_send:
        outcome.update(_send(to_send, cfg))

    by_incident: dict[int, list[MailMessage]] = {}
    drill_rows: list[MailMessage] = []
    for row in rows:
        if row.incident_id is None:
            drill_rows.append(row)
        else:
            by_incident.setdefault(row.incident_id, []).append(row)
    now = utcnow()
    if drill_rows:
        with write_transaction(db.session):
            for queued in drill_rows:
                msg = db.session.get(MailMessage, queued.id, populate_existing=True)
                if msg is not None and msg.state is MailState.PENDING:
                    msg.state, msg.error = outcome[msg.id]
                    msg.processed_at = now
    for incident_id, group in by_incident.items():
        with write_transaction(db.session):
            incident = events.lock_incident(incident_id=incident_id, allow_closed=True)
            done: list[tuple[MailMessage, MailState, str | None]] = []
            for queued in group:
                msg = db.session.get(MailMessage, queued.id, populate_existing=True)
                if msg is None or msg.state is not MailState.PENDING:
                    continue  # someone else recorded it already
                state, error = outcome[msg.id]
                msg.state, msg.error, msg.processed_at = state, error, now
                done.append((msg, state, error))
                if state in (MailState.SENT, MailState.DRY_RUN) and msg.callout_entry_id:
                    entry = db.session.get(CalloutEntry, msg.callout_entry_id)
                    if entry is not None and state is MailState.SENT:
                        entry.notified_at = now
            if not done:
                continue
            log.system_entry(incident=incident, actor=None, text=_log_text(done, cfg))
            if any(s is MailState.SENT for _r, s, _e in done):
                from crisis.playbooks import callout

                callout.callout_changed_locked(incident=incident, actor=None)
    return {r.id: outcome[r.id][0] for r in rows}


def _tls_context(cfg: dict[str, Any]) -> ssl.SSLContext:
    """Certificate and host name verified, as a browser would; a kommun's own
    CA may be given as CRISIS_SMTP_CA_FILE."""
    return ssl.create_default_context(cafile=cfg.get("CRISIS_SMTP_CA_FILE") or None)


def _open(cfg: dict[str, Any]) -> smtplib.SMTP:
    """A connection ready to send: STARTTLS and login as configured.

    Raises _MailSetupError (a code the record turns into Swedish, see
    crisis.record_sv) or an smtplib/OS error. The password is sent only over
    an encrypted connection.
    """
    username, password = cfg.get("CRISIS_SMTP_USERNAME") or "", cfg.get("CRISIS_SMTP_PASSWORD") or ""
    starttls = bool(cfg.get("CRISIS_SMTP_STARTTLS"))
    if username and not starttls:
        raise _MailSetupError("smtp_login_needs_tls: CRISIS_SMTP_USERNAME is set but CRISIS_SMTP_STARTTLS is off")
    smtp = smtplib.SMTP(cfg["CRISIS_SMTP_HOST"], cfg["CRISIS_SMTP_PORT"], timeout=SMTP_TIMEOUT)
    try:
        smtp.ehlo()
        if starttls:
            if not smtp.has_extn("starttls"):
                raise _MailSetupError("smtp_starttls_unsupported: the server does not offer STARTTLS")
            try:
                smtp.starttls(context=_tls_context(cfg))
            except ssl.SSLError as e:
                raise _MailSetupError(f"smtp_tls_failed: {type(e).__name__}: {e}") from None
            smtp.ehlo()
        if username:
            try:
                _login(smtp, username, password)
            except smtplib.SMTPAuthenticationError as e:
                raise _MailSetupError(f"smtp_auth_failed: {e.smtp_code} {e.smtp_error!r}") from None
            except smtplib.SMTPNotSupportedError:
                raise _MailSetupError("smtp_auth_unsupported: the server offers no login (AUTH)") from None
    except BaseException:
        smtp.close()
        raise
    return smtp


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    """smtplib's login, which encodes the credentials as ASCII and so cannot
    send a password with å, ä or ö. Such credentials go as UTF-8 (RFC 4616
    for PLAIN; LOGIN servers take the same bytes) by the same two commands."""
    if username.isascii() and password.isascii():
        smtp.login(username, password)
        return
    offered = (smtp.esmtp_features.get("auth") or "").upper().split()

    def b64(text: str) -> str:
        return base64.b64encode(text.encode("utf-8")).decode("ascii")

    if "PLAIN" in offered:
        code, reply = smtp.docmd("AUTH", "PLAIN " + b64(f"\0{username}\0{password}"))
    elif "LOGIN" in offered:
        code, reply = smtp.docmd("AUTH", "LOGIN " + b64(username))
        if code == 334:
            code, reply = smtp.docmd(b64(password))
    else:
        raise smtplib.SMTPNotSupportedError("no PLAIN or LOGIN authentication offered")
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, reply)


class _MailSetupError(Exception):
    """The connection could not be made ready; the text starts with a code."""


def _send(rows: list[MailMessage], cfg: dict[str, Any]) -> dict[int, tuple[MailState, str | None]]:
    host, sender = cfg["CRISIS_SMTP_HOST"], cfg["CRISIS_SMTP_FROM"]
    if not host:
        return {r.id: (MailState.FAILED, "no_smtp_host: CRISIS_SMTP_HOST is not set") for r in rows}
    out: dict[int, tuple[MailState, str | None]] = {}
    try:
        with _open(cfg) as smtp:
            for row in rows:
                msg = EmailMessage()
                msg["From"] = sender
                msg["To"] = row.to_addr
                msg["Subject"] = row.subject
                msg["Date"] = format_datetime(utcnow())
                msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] if "@" in sender else None)
                msg.set_content(row.body)
                try:
                    smtp.send_message(msg)
                    out[row.id] = (MailState.SENT, None)
                except smtplib.SMTPException as e:
                    out[row.id] = (MailState.FAILED, f"{type(e).__name__}: {e}"[:500])
    except _MailSetupError as e:
        for row in rows:
            out.setdefault(row.id, (MailState.FAILED, str(e)[:500]))
    except (OSError, smtplib.SMTPException) as e:
        for row in rows:
            out.setdefault(row.id, (MailState.FAILED, f"{type(e).__name__}: {e}"[:500]))
    return out


def _log_text(done: list[tuple[MailMessage, MailState, str | None]], cfg: dict[str, Any]) -> str:
    def addrs(state: MailState) -> list[MailMessage]:
        return [r for r, s, _e in done if s is state]

    # The texts are the record's (crisis.record_sv): readable Swedish, no
    # configuration names; the technical error stays in the outbox row.
    subject = done[0][0].subject
    lines = []
    if addrs(MailState.SENT):
        lines.append(record_sv.mail_sent([r.to_addr for r in addrs(MailState.SENT)], subject))
    if addrs(MailState.DRY_RUN):
        lines.append(record_sv.mail_dry_run([r.to_addr for r in addrs(MailState.DRY_RUN)], subject))
    if addrs(MailState.SUPPRESSED):
        lines.append(record_sv.mail_suppressed([r.to_addr for r in addrs(MailState.SUPPRESSED)]))
    failed = [(r.to_addr, e) for r, s, e in done if s is MailState.FAILED]
    if failed:
        lines.append(record_sv.mail_failed(failed))
    return "\n".join(lines)


_deliveries = Deliveries("krisrum-mail", process, _log)
