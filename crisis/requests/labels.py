"""Resource request vocabulary (pure): statuses, lifecycle, priorities, kinds, and their Swedish words."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

STATUSES = ("requested", "confirmed", "delivered", "returned", "declined")
OPEN = frozenset({"requested", "confirmed"})
# The lifecycle: requested -> confirmed -> delivered -> returned, or declined (from requested/confirmed).
TRANSITIONS: dict[str, frozenset[str]] = {
    "requested": frozenset({"confirmed", "declined"}),
    "confirmed": frozenset({"delivered", "declined"}),
    "delivered": frozenset({"returned"}),
    "returned": frozenset(),
    "declined": frozenset(),
}
PRIORITIES = ("urgent", "high", "normal")  # most urgent first
KINDS = ("request", "offer")

# Plain Swedish for the log (the record is Swedish whatever the reader's language).
STATUS_SV = {
    "requested": "begärd",
    "confirmed": "bekräftad",
    "delivered": "levererad",
    "returned": "återlämnad",
    "declined": "avböjd",
}
PRIORITY_SV = {"urgent": "akut", "high": "hög", "normal": "normal"}

# For pages (translated where shown).
STATUS_LABELS: dict[str, Any] = {
    "requested": _l("Begärd"),
    "confirmed": _l("Bekräftad"),
    "delivered": _l("Levererad"),
    "returned": _l("Återlämnad"),
    "declined": _l("Avböjd"),
}
PRIORITY_LABELS: dict[str, Any] = {"urgent": _l("Akut"), "high": _l("Hög"), "normal": _l("Normal")}
KIND_LABELS: dict[str, Any] = {"request": _l("Begäran om stöd"), "offer": _l("Erbjudande")}
