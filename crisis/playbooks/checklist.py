"""The checklist a playbook leaves in an incident: read it, tick items off (and undo)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crisis.auth.models import User
from crisis.auth.permissions import Perm, check
from crisis.db import utcnow, write_transaction
from crisis.errors import NotFound
from crisis.events import service as events
from crisis.extensions import db
from crisis.incidents import service as incidents
from crisis.log import service as log
from crisis.playbooks.models import ChecklistItem
from crisis.playbooks.schemas import checklist_item_dict


def checklist_dict(*, incident_id: int) -> dict[str, Any]:
    items = db.session.scalars(
        sa.select(ChecklistItem)
        .where(ChecklistItem.incident_id == incident_id)
        .order_by(ChecklistItem.sort_order, ChecklistItem.id)
    )
    return {"incident": incident_id, "items": [checklist_item_dict(i) for i in items]}


def get_checklist(*, viewer: User, incident_id: int) -> dict[str, Any]:
    incidents.get(viewer=viewer, incident_id=incident_id)
    return checklist_dict(incident_id=incident_id)


def set_checklist_item(*, actor: User, incident_id: int, item_id: int, done: bool) -> dict[str, Any]:
    check(actor, Perm.WRITE_LOG)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        item = db.session.get(ChecklistItem, item_id, populate_existing=True)
        if item is None or item.incident_id != incident_id:
            raise NotFound(
                _l(
                    "Punkt %(item)s i checklistan finns inte i händelse %(incident)s.",
                    item=item_id,
                    incident=incident_id,
                )
            )
        if item.done == done:
            return checklist_dict(incident_id=incident_id)
        item.done = done
        if done:
            item.done_by, item.done_by_id, item.done_at = actor.display_name, actor.id, utcnow()
            text = f"Checklista: avbockad – {item.text}"
        else:
            item.done_by = item.done_by_id = item.done_at = None
            text = f"Checklista: avbockning ångrad – {item.text}"
        log.system_entry(incident=incident, actor=actor, text=text)
        data = checklist_dict(incident_id=incident_id)
        events.append_event(incident=incident, type="checklist.updated", actor=actor.username, data=data)
    return data
