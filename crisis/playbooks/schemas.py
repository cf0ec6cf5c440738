"""Request and response schemas of the playbooks API, and the serialisers that build
the `*Out` shapes (`playbook_dict`, `callout_entry_dict`, `checklist_item_dict`)."""

from __future__ import annotations

from typing import Any, Literal

import pydantic

from crisis.api.schemas import Strict
from crisis.playbooks.loader import Playbook
from crisis.playbooks.models import CalloutEntry, ChecklistItem, SmsMessage


class PlaybookPositionOut(pydantic.BaseModel):
    key: str
    label: str


class SubstituteOut(pydantic.BaseModel):
    name: str
    phone: str
    email: str | None


class ContactOut(pydantic.BaseModel):
    name: str
    role: str
    phone: str
    email: str | None
    substitute: SubstituteOut | None


class TaskTemplateOut(pydantic.BaseModel):
    title: str
    description: str
    position: str
    due_in_minutes: int
    priority: Literal["high", "normal", "low"]


class ReminderOut(pydantic.BaseModel):
    key: str
    kind: str
    text: str
    every_minutes: int
    first_in_minutes: int
    position: str | None


class PlaybookOut(pydantic.BaseModel):
    key: str
    title: str
    kind: str
    description: str
    default_level: str
    positions: list[PlaybookPositionOut]
    callout: list[ContactOut] = pydantic.Field(description="Empty for roles that may not read confidential data")
    callout_count: int
    tasks: list[TaskTemplateOut]
    checklist: list[str]
    first_log: str
    reminders: list[ReminderOut]
    highlight_categories: list[str]


class PlaybookList(pydantic.BaseModel):
    items: list[PlaybookOut]
    errors: list[str] | None = pydantic.Field(
        None, description="Admins only: every broken playbook or scenario file as `file:line: message`"
    )
    loaded_at: str | None = None


class ActivateIn(Strict):
    title: str = pydantic.Field(min_length=1, max_length=200, description="The incident's title")
    context: str = pydantic.Field("", max_length=1000, description="One line: what is known now")
    deviation: int | None = pydantic.Field(None, ge=1, description="Attach this deviation report")
    notify: bool = pydantic.Field(False, description="E-mail the call-out list (after commit; dry run by default)")


class SmsOut(pydantic.BaseModel):
    state: Literal["pending", "sent", "failed", "suppressed"]
    attempts: int
    error: str | None
    at: str | None


class CalloutEntryOut(pydantic.BaseModel):
    id: int
    name: str
    role: str
    phone: str
    email: str | None
    state: Literal["pending", "reached", "not_reached", "declined"]
    note: str | None
    updated_by: str | None
    updated_at: str | None
    notified_at: str | None
    sent_at: str | None = pydantic.Field(description="When the call-out (with its acknowledgement link) went out")
    ack_at: str | None = pydantic.Field(description="When the person acknowledged (link or SMS reply)")
    ack_via: Literal["link", "sms"] | None
    overdue: bool = pydantic.Field(description="Not acknowledged within CRISIS_CALLOUT_ACK_MINUTES")
    overdue_at: str | None
    substitute: SubstituteOut | None = pydantic.Field(description="The ersättare from the playbook")
    substitute_of: int | None = pydantic.Field(description="This entry is the ersättare of that entry")
    substitute_called_at: str | None
    sms: SmsOut | None = pydantic.Field(description="The latest SMS to this person (None: no SMS)")


class CalloutOut(pydantic.BaseModel):
    incident: int
    items: list[CalloutEntryOut]
    counts: dict[str, int]
    acknowledged: int
    ack_minutes: int = pydantic.Field(description="CRISIS_CALLOUT_ACK_MINUTES")
    sms_enabled: bool = pydantic.Field(description="Whether an SMS gateway is configured")


class CalloutIn(Strict):
    action: Literal["mark", "add", "notify", "substitute"] = "mark"
    entry: int | None = pydantic.Field(None, ge=1, description="mark, substitute: the entry's id")
    state: Literal["pending", "reached", "not_reached", "declined"] | None = None
    note: str | None = pydantic.Field(None, max_length=500)
    entries: list[int] | None = pydantic.Field(None, description="notify: only these entries (default: all)")
    name: str | None = pydantic.Field(None, max_length=200, description="add: who")
    role: str | None = pydantic.Field(None, max_length=300)
    phone: str | None = pydantic.Field(None, max_length=64)
    email: str | None = pydantic.Field(None, max_length=254)


class ChecklistItemOut(pydantic.BaseModel):
    id: int
    text: str
    done: bool
    done_by: str | None
    done_at: str | None


class ChecklistOut(pydantic.BaseModel):
    incident: int
    items: list[ChecklistItemOut]


class ChecklistIn(Strict):
    item: int = pydantic.Field(ge=1)
    done: bool


# --- serialising ----------------------------------------------------------------------


def playbook_dict(pb: Playbook, *, with_contacts: bool = True) -> dict[str, Any]:
    return {
        "key": pb.key,
        "title": pb.title,
        "kind": pb.kind,
        "description": pb.description,
        "default_level": pb.default_level.value,
        "positions": [{"key": p.key, "label": p.label} for p in pb.positions],
        "callout": (
            [
                {
                    "name": c.name,
                    "role": c.role,
                    "phone": c.phone,
                    "email": c.email,
                    "substitute": (
                        {"name": c.substitute.name, "phone": c.substitute.phone, "email": c.substitute.email}
                        if c.substitute
                        else None
                    ),
                }
                for c in pb.callout
            ]
            if with_contacts
            else []
        ),
        "callout_count": len(pb.callout),
        "tasks": [
            {
                "title": t.title,
                "description": t.description,
                "position": t.position,
                "due_in_minutes": t.due_in_minutes,
                "priority": t.priority.value,
            }
            for t in pb.tasks
        ],
        "checklist": list(pb.checklist),
        "first_log": pb.first_log,
        "reminders": [
            {
                "key": r.key,
                "kind": r.kind.value,
                "text": r.text,
                "every_minutes": r.every_minutes,
                "first_in_minutes": r.first_after_minutes,
                "position": r.position,
            }
            for r in pb.reminders
        ],
        "highlight_categories": [c.value for c in pb.highlight_categories],
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def callout_entry_dict(entry: CalloutEntry, *, sms: SmsMessage | None = None) -> dict[str, Any]:
    substitute = (
        {"name": entry.substitute_name, "phone": entry.substitute_phone or "", "email": entry.substitute_email}
        if entry.substitute_name
        else None
    )
    return {
        "id": entry.id,
        "name": entry.name,
        "role": entry.role,
        "phone": entry.phone,
        "email": entry.email,
        "state": entry.state.value,
        "note": entry.note,
        "updated_by": entry.updated_by,
        "updated_at": entry.updated_at.isoformat() if entry.updated_at else None,
        "notified_at": entry.notified_at.isoformat() if entry.notified_at else None,
        "sent_at": _iso(entry.sent_at),
        "ack_at": _iso(entry.ack_at),
        "ack_via": entry.ack_via.value if entry.ack_via else None,
        "overdue": entry.overdue_at is not None and entry.ack_at is None,
        "overdue_at": _iso(entry.overdue_at),
        "substitute": substitute,
        "substitute_of": entry.substitute_of_id,
        "substitute_called_at": _iso(entry.substitute_called_at),
        "sms": (
            {"state": sms.state.value, "attempts": sms.attempts, "error": sms.error, "at": _iso(sms.processed_at)}
            if sms is not None
            else None
        ),
    }


def checklist_item_dict(item: ChecklistItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "text": item.text,
        "done": item.done,
        "done_by": item.done_by,
        "done_at": item.done_at.isoformat() if item.done_at else None,
    }


class SmsInboundIn(pydantic.BaseModel):
    """What the gateway posts for a received SMS (an adapter maps the provider's shape to this)."""

    model_config = pydantic.ConfigDict(extra="ignore", populate_by_name=True)

    from_: str = pydantic.Field(alias="from", min_length=1, max_length=40, description="The sender's number")
    text: str = pydantic.Field(max_length=2000, description='The message, e.g. "OK 4711"')


class SmsInboundOut(pydantic.BaseModel):
    acknowledged: bool = pydantic.Field(description="Whether the reply acknowledged a call-out")
    first: bool = pydantic.Field(description="False when it had been acknowledged before")
