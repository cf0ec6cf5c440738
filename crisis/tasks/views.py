"""The task API (/api/v1) and the board page (/incidents/{id}/tasks)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from crisis.api import operation
from crisis.api.schemas import Items
from crisis.auth.permissions import Perm, has_perm
from crisis.errors import ValidationError
from crisis.incidents import service as incidents
from crisis.staffing import service as staffing
from crisis.tasks import labels, service
from crisis.tasks.schemas import TaskChangeOut, TaskHandOverIn, TaskIn, TaskOut, TaskPatch, TaskQuery


@operation(
    "/incidents/<int:incident_id>/tasks",
    "GET",
    summary="The tasks of an incident (filters: mine, my_position, overdue, status, origin_log_number)",
    tag="tasks",
    query=TaskQuery,
    response=Items[TaskOut],
    perm="read",
)
def list_tasks(incident_id: int, query: TaskQuery) -> list[dict[str, Any]]:
    tasks = service.list_tasks(viewer=current_user, incident_id=incident_id, **query.model_dump())
    return [service.to_dict(t) for t in tasks]


@operation(
    "/incidents/<int:incident_id>/tasks",
    "POST",
    summary="Create a task (with origin_log_number: make a log entry a task)",
    tag="tasks",
    body=TaskIn,
    response=TaskOut,
    status=201,
    perm="write_log",
)
def create_task(incident_id: int, body: TaskIn) -> dict[str, Any]:
    data = body.model_dump()
    if data["origin_log_number"] is not None:
        number = data.pop("origin_log_number")
        task = service.create_from_log(actor=current_user, incident_id=incident_id, number=number, **data)
    else:
        if not (data.get("title") or "").strip():
            raise ValidationError(_l("Rubriken är tom."))
        task = service.create(actor=current_user, incident_id=incident_id, **data)
    return service.to_dict(task)


@operation("/tasks/<int:task_id>", "GET", summary="One task", tag="tasks", response=TaskOut, perm="read")
def get_task(task_id: int) -> dict[str, Any]:
    return service.to_dict(service.get(viewer=current_user, task_id=task_id))


@operation(
    "/tasks/<int:task_id>",
    "PATCH",
    summary="Change a task; send the version you saw (409 if someone changed it since)",
    tag="tasks",
    body=TaskPatch,
    response=TaskOut,
    perm="write_log",
)
def patch_task(task_id: int, body: TaskPatch) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    incident_id = changes.pop("incident", None)
    for field in ("title", "status", "priority"):
        if field in changes and changes[field] is None:
            raise ValidationError(_l("%(field)s får inte vara null.", field=field))
    task = service.update(
        actor=current_user, task_id=task_id, expected_version=version, incident_id=incident_id, **changes
    )
    return service.to_dict(task)


@operation(
    "/tasks/<int:task_id>/hand-over",
    "POST",
    summary="Hand an open task over to the line organisation (stand-down): it becomes done, "
    "with a log entry naming who took it over",
    tag="tasks",
    body=TaskHandOverIn,
    response=TaskOut,
    perm="write_log",
)
def hand_over_task(task_id: int, body: TaskHandOverIn) -> dict[str, Any]:
    return service.to_dict(
        service.hand_over_to_line(actor=current_user, task_id=task_id, expected_version=body.version, to=body.to)
    )


@operation(
    "/tasks/<int:task_id>/history",
    "GET",
    summary="Who changed what on a task, and when",
    tag="tasks",
    response=Items[TaskChangeOut],
    perm="read",
)
def task_history(task_id: int) -> list[dict[str, Any]]:
    return [service.change_dict(c) for c in service.history(viewer=current_user, task_id=task_id)]


# --- page -----------------------------------------------------------------------

pages = Blueprint("tasks", __name__)


def _board_strings() -> dict[str, str]:
    """What the board says when it cannot show the truth: the list is missing, not empty."""
    from flask_babel import gettext as _

    return {
        "load_failed": _(
            "Uppgifterna kunde inte hämtas (%(why)s). Tavlan nedan är inte komplett – ladda om sidan.", why="{why}"
        ),
        "count_unknown": _("Antal uppgifter okänt"),
        "no_connection": _("ingen anslutning till servern"),
        "server_error": _("serverfel %(status)s", status="{status}"),
        # Plain arrows scroll; a move is written to the log, so it takes Shift.
        "keyboard_hint": _("Skift + pil vänster/höger flyttar kortet till föregående eller nästa kolumn"),
    }


@pages.route("/incidents/<int:incident_id>/tasks")
@login_required
def board(incident_id: int) -> Any:
    inc = incidents.get(viewer=current_user, incident_id=incident_id)
    staff = staffing.staffing_dict(incident_id=incident_id)
    return render_template(
        "tasks/board.html",
        incident=inc,
        staffing=staff,
        my_positions=staffing.held_positions(user=current_user, incident_id=incident_id),
        position_labels={p["key"]: p["label"] for p in staff["items"]},
        assignee_options=[{"username": u.username, "name": u.display_name} for u in service.assignable_users()],
        statuses=labels.STATUSES,
        priorities=labels.PRIORITIES,
        task_strings=dict(labels.js_strings(), **_board_strings()),
        can_write=has_perm(current_user, Perm.WRITE_LOG) and inc.status.value != "closed",
    )
