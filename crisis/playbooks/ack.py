"""Acknowledgement (kvittens) of a call-out, by link or by SMS reply.

Each person called out gets a token: a random link `/ack/<token>` (only the
token's SHA-256 is stored) and a four-digit code for an SMS reply "OK 4711"
from the same phone number. The link works without login, records nothing but
"kvitterat" for that person and call-out, and reveals nothing else. A token
expires after CRISIS_ACK_LINK_DAYS. Acknowledging twice keeps the first time.

The same tokens serve incidents' call-out lists and larmövningar (crisis.drills).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for

from crisis.db import utcnow, write_transaction
from crisis.extensions import db
from crisis.playbooks.models import AckToken, AckVia
from crisis.playbooks.sms import phone_key

_CODE_RE = re.compile(r"(?<!\d)(\d{4})(?!\d)")
# Token text as sent in links: URL-safe base64 of 32 random bytes.
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def new_token_locked(
    *, phone: str, callout_entry_id: int | None = None, drill_entry_id: int | None = None
) -> tuple[str, str]:
    """A token for one person in the caller's transaction: (token for the link, SMS code).

    The code is unique among the unexpired tokens of the same phone number, so
    a reply "OK 4711" names exactly one call-out.
    """
    now = utcnow()
    key = phone_key(phone)
    taken = set(
        db.session.scalars(sa.select(AckToken.code).where(AckToken.phone == key, AckToken.expires_at > now))
        if key
        else []
    )
    code = f"{secrets.randbelow(9000) + 1000}"
    while code in taken:
        code = f"{secrets.randbelow(9000) + 1000}"
    token = secrets.token_urlsafe(32)
    db.session.add(
        AckToken(
            token_hash=_hash(token),
            code=code,
            phone=key,
            callout_entry_id=callout_entry_id,
            drill_entry_id=drill_entry_id,
            created_at=now,
            expires_at=now + timedelta(days=current_app.config["CRISIS_ACK_LINK_DAYS"]),
        )
    )
    db.session.flush()
    return token, code


def public_url_for(endpoint: str, **values: object) -> str:
    """A link for people outside the crisis room (call-out mail and SMS): under CRISIS_PUBLIC_URL
    when set, else at the address the sender's request came to; "" with neither."""
    base = current_app.config.get("CRISIS_PUBLIC_URL") or ""
    if base:
        # The app's own path; the configured base carries the scheme, host and any prefix.
        return base + current_app.url_map.bind("localhost").build(endpoint, values)
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    return ""


def ack_url(token: str) -> str:
    return public_url_for("ack.ack_page", token=token) or f"/ack/{token}"


def _valid(token: str) -> AckToken | None:
    if not _TOKEN_RE.match(token or ""):
        return None
    row = db.session.scalar(sa.select(AckToken).where(AckToken.token_hash == _hash(token)))
    if row is None or row.expires_at <= utcnow():
        return None
    return row


def token_is_valid(*, token: str) -> bool:
    """Whether the link still works (the page shows the button only then)."""
    ok = _valid(token) is not None
    db.session.rollback()
    return ok


@dataclass(frozen=True)
class Acknowledged:
    at: datetime
    first: bool  # False: acknowledged before (the first time is kept)


def acknowledge_link(*, token: str) -> Acknowledged | None:
    """Record the acknowledgement of a link; None for an unknown or expired token."""
    with write_transaction(db.session):
        row = _valid(token)
        if row is None:
            return None
        return _record(row, AckVia.LINK)


def acknowledge_sms(*, sender: str, text: str) -> Acknowledged | None:
    """An SMS reply from `sender`: the four-digit code in it names the call-out.
    None when nothing matches (unknown number, no or wrong code, expired)."""
    key = phone_key(sender)
    codes = _CODE_RE.findall(text or "")
    if not key or not codes:
        return None
    with write_transaction(db.session):
        row = db.session.scalar(
            sa.select(AckToken)
            .where(AckToken.phone == key, AckToken.code.in_(codes), AckToken.expires_at > utcnow())
            .order_by(AckToken.id.desc())
            .limit(1)
        )
        if row is None:
            return None
        return _record(row, AckVia.SMS)


def _record(row: AckToken, via: AckVia) -> Acknowledged:
    if row.callout_entry_id is not None:
        from crisis.playbooks import callout

        at, first = callout.acknowledge_locked(entry_id=row.callout_entry_id, via=via)
    else:
        from crisis.drills import service as drills

        at, first = drills.acknowledge_locked(entry_id=row.drill_entry_id or 0, via=via)
    return Acknowledged(at=at, first=first)
