"""The call-out's SMS outbox: text messages through a configurable HTTP gateway.

Off unless CRISIS_SMS_GATEWAY_URL is set. Messages are written to
`sms_messages` inside the caller's transaction and sent only after it commits,
in a background thread (a gateway can be slow or down; no request waits for
it). Each message is one JSON POST to the gateway::

    POST CRISIS_SMS_GATEWAY_URL
    Authorization: Bearer CRISIS_SMS_GATEWAY_TOKEN
    Content-Type: application/json

    {"to": "+46701234567", "from": CRISIS_SMS_SENDER, "text": "..."}

Any 2xx answer is success. A timeout, a network error, 429 or a 5xx is retried
CRISIS_SMS_RETRIES times, waiting CRISIS_SMS_RETRY_SECONDS and doubling the wait
each time; any other answer fails at once. The outcome is kept in the row (the
call-out panel shows a failure) and logged in the incident's log in plain Swedish.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import current_app

from crisis.db import utcnow, write_transaction
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.log import service as log
from crisis.playbooks.delivery import Deliveries
from crisis.playbooks.models import SmsMessage, SmsState

_log = logging.getLogger("krisrum.sms")
COUNTRY_CODE = "46"


def enabled() -> bool:
    return bool(current_app.config.get("CRISIS_SMS_GATEWAY_URL"))


def phone_key(phone: str | None) -> str:
    """The number as digits with the country code first ("0320-00 01 01" -> "46320000101");
    "" when there is none. The same for a number from the list and from the gateway."""
    raw = (phone or "").strip()
    digits = "".join(ch for ch in raw if ch.isdigit())
    if not digits:
        return ""
    if raw.startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0"):
        return COUNTRY_CODE + digits[1:]
    return digits


def e164(phone: str | None) -> str:
    key = phone_key(phone)
    return "+" + key if key else ""


def queue_locked(
    *, incident: Incident | None, messages: Iterable[tuple[str, str, int | None, int | None]]
) -> list[SmsMessage]:
    """Add (phone, text, callout_entry_id, drill_entry_id) messages; sent after the commit.
    Nothing when SMS is off or a number is missing."""
    if not enabled():
        return []
    allowed = {phone_key(n) for n in current_app.config.get("CRISIS_EXERCISE_SMS_ALLOWLIST", [])}
    rows: list[SmsMessage] = []
    suppressed: list[SmsMessage] = []
    now = utcnow()
    for phone, text, entry_id, drill_entry_id in messages:
        to = e164(phone)
        if not to:
            continue
        # An exercise incident's call-out reaches only the allowlisted numbers (a larmövning,
        # crisis.drills, is meant to reach the real list and has no incident).
        held_back = incident is not None and incident.is_exercise and phone_key(phone) not in allowed
        row = SmsMessage(
            incident_id=incident.id if incident is not None else None,
            callout_entry_id=entry_id,
            drill_entry_id=drill_entry_id,
            to_number=to[:32],
            text=text,
            state=SmsState.SUPPRESSED if held_back else SmsState.PENDING,
            attempts=0,
            created_at=now,
            processed_at=now if held_back else None,
        )
        db.session.add(row)
        (suppressed if held_back else rows).append(row)
    if suppressed and incident is not None:
        db.session.flush()
        who = ", ".join(_names(suppressed).get(m.callout_entry_id or 0) or "mottagaren" for m in suppressed)
        log.system_entry(
            incident=incident, actor=None, text=f"ÖVNING: SMS till {who} skickades inte (inte på listan för övningar)."
        )
    if rows:
        db.session.flush()
        _deliveries.after_commit([r.id for r in rows])
    return rows


def wait_for_deliveries(timeout: float = 60) -> None:
    """Wait until every delivery started so far has finished (tests, shutdown)."""
    _deliveries.wait(timeout)


class _Retry(Exception):
    """The gateway may answer better later (timeout, network, 429, 5xx)."""


def _post(cfg: dict[str, Any], row: SmsMessage) -> None:
    """One POST to the gateway; returns on 2xx, raises _Retry or ValueError (final)."""
    payload = json.dumps({"to": row.to_number, "from": cfg["CRISIS_SMS_SENDER"], "text": row.text}).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "Krisrum"}
    if cfg.get("CRISIS_SMS_GATEWAY_TOKEN"):
        headers["Authorization"] = "Bearer " + cfg["CRISIS_SMS_GATEWAY_TOKEN"]
    req = urllib.request.Request(cfg["CRISIS_SMS_GATEWAY_URL"], data=payload, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=cfg["CRISIS_SMS_TIMEOUT"]) as resp:  # noqa: S310 (configured URL)
            resp.read(4096)
    except urllib.error.HTTPError as e:
        if e.code == 429 or e.code >= 500:
            raise _Retry(f"HTTP {e.code}") from None
        raise ValueError(f"HTTP {e.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        raise _Retry(f"{type(e).__name__}: {getattr(e, 'reason', e)}") from None


def send_one(cfg: dict[str, Any], row: SmsMessage) -> tuple[SmsState, int, str | None]:
    """Send with retries and backoff: (state, attempts, error)."""
    retries, wait = cfg["CRISIS_SMS_RETRIES"], float(cfg["CRISIS_SMS_RETRY_SECONDS"])
    attempts, error = 0, None
    while True:
        attempts += 1
        try:
            _post(cfg, row)
            return SmsState.SENT, attempts, None
        except ValueError as e:
            return SmsState.FAILED, attempts, str(e)[:500]
        except _Retry as e:
            error = str(e)[:500]
        if attempts > retries:
            return SmsState.FAILED, attempts, error
        _log.warning("SMS %s to %s: %s; retry in %.0f s", row.id, row.to_number, error, wait)
        time.sleep(wait)
        wait *= 2


def process(ids: list[int]) -> dict[int, SmsState]:
    """Send (outside any transaction), then record and log (one transaction per incident)."""
    cfg = dict(current_app.config)
    rows = list(
        db.session.scalars(
            sa.select(SmsMessage)
            .where(SmsMessage.id.in_(ids), SmsMessage.state == SmsState.PENDING)
            .order_by(SmsMessage.id)
        )
    )
    db.session.commit()  # no lock is held while talking to the gateway
    if not rows:
        return {}
    outcome = {row.id: send_one(cfg, row) for row in rows}
    now = utcnow()
    groups: dict[int | None, list[int]] = {}
    for row in rows:
        groups.setdefault(row.incident_id, []).append(row.id)
    for incident_id, group in groups.items():
        with write_transaction(db.session):
            incident = (
                events.lock_incident(incident_id=incident_id, allow_closed=True) if incident_id is not None else None
            )
            done = []
            for row_id in group:
                msg = db.session.get(SmsMessage, row_id, populate_existing=True)
                if msg is None or msg.state is not SmsState.PENDING:
                    continue
                msg.state, msg.attempts, msg.error = outcome[row_id]
                msg.processed_at = now
                done.append(msg)
            if incident is None or not done:
                continue
            log.system_entry(incident=incident, actor=None, text=_log_text(done, _names(done)))
            from crisis.playbooks import callout

            callout.callout_changed_locked(incident=incident, actor=None)
    return {row_id: outcome[row_id][0] for row_id in outcome}


def _names(done: list[SmsMessage]) -> dict[int, str]:
    """Who each message went to, by name: the log names people, never their numbers
    (the call-out list is confidential; the log is read by observers too)."""
    from crisis.playbooks.models import CalloutEntry

    ids = {m.callout_entry_id for m in done if m.callout_entry_id}
    if not ids:
        return {}
    return {e.id: e.name for e in db.session.scalars(sa.select(CalloutEntry).where(CalloutEntry.id.in_(ids)))}


def _log_text(done: list[SmsMessage], names: dict[int, str]) -> str:
    def who(m: SmsMessage) -> str:
        return names.get(m.callout_entry_id or 0) or "mottagaren"

    sent = [who(m) for m in done if m.state is SmsState.SENT]
    failed = [m for m in done if m.state is SmsState.FAILED]
    lines = []
    if sent:
        lines.append(f"SMS om larmningen skickat till {', '.join(sent)}.")
    for m in failed:
        lines.append(
            f"SMS till {who(m)} kunde inte skickas efter {m.attempts} försök ({m.error}). Ring personen i stället."
        )
    return "\n".join(lines)


_deliveries = Deliveries("krisrum-sms", process, _log)
