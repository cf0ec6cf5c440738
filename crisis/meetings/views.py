"""The meetings API (/api/v1/incidents/{id}/meetings, /api/v1/meetings/{id}/...) and pages
(/incidents/{id}/meetings: plan and run; /meetings/{id}/present: presenter mode on the wall;
/meetings/{id}/protocol: the printable protocol)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from crisis.api import operation
from crisis.api.schemas import Items
from crisis.auth.permissions import Perm, has_perm
from crisis.decisions import schemas as decision_schemas
from crisis.decisions import service as decisions
from crisis.decisions.schemas import DecisionOut
from crisis.incidents import service as incidents
from crisis.meetings import agenda, service
from crisis.meetings.schemas import (
    AdvanceIn,
    EndIn,
    MeetingDecisionIn,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    MeetingsQuery,
    MeetingTaskIn,
    RhythmIn,
    RhythmOut,
)
from crisis.situation.sections import SECTOR_LABELS, SECTORS
from crisis.staffing import service as staffing
from crisis.tasks import service as tasks
from crisis.tasks.schemas import TaskOut


@operation(
    "/incidents/<int:incident_id>/meetings",
    "GET",
    summary="The stabsorienteringar of an incident, newest first (paginated: limit, offset)",
    tag="meetings",
    query=MeetingsQuery,
    response=Items[MeetingOut],
    perm="read",
)
def list_meetings(incident_id: int, query: MeetingsQuery) -> list[dict[str, Any]]:
    rows = service.list_meetings(viewer=current_user, incident_id=incident_id, limit=query.limit, offset=query.offset)
    return [service.to_dict(m) for m in rows]


@operation(
    "/incidents/<int:incident_id>/meetings",
    "POST",
    summary="Plan a stabsorientering",
    tag="meetings",
    body=MeetingIn,
    response=MeetingOut,
    status=201,
    perm="write_log",
)
def plan_meeting(incident_id: int, body: MeetingIn) -> dict[str, Any]:
    return service.to_dict(service.plan(actor=current_user, incident_id=incident_id, **body.model_dump()))


@operation(
    "/incidents/<int:incident_id>/meetings/rhythm",
    "GET",
    summary="The incident's meeting rhythm (clock times, Europe/Stockholm) and the next times",
    tag="meetings",
    response=RhythmOut,
    perm="read",
)
def get_rhythm(incident_id: int) -> dict[str, Any]:
    return service.get_rhythm(viewer=current_user, incident_id=incident_id)


@operation(
    "/incidents/<int:incident_id>/meetings/rhythm",
    "PUT",
    summary="Set the meeting rhythm: times, or every_hours from start; plans the next meeting if none is planned",
    tag="meetings",
    body=RhythmIn,
    response=RhythmOut,
    perm="write_log",
)
def put_rhythm(incident_id: int, body: RhythmIn) -> dict[str, Any]:
    return service.set_rhythm(actor=current_user, incident_id=incident_id, **body.model_dump())


@operation("/meetings/<int:meeting_id>", "GET", summary="One meeting", tag="meetings", response=MeetingOut, perm="read")
def get_meeting(meeting_id: int) -> dict[str, Any]:
    return service.to_dict(service.get(viewer=current_user, meeting_id=meeting_id))


@operation(
    "/meetings/<int:meeting_id>",
    "PATCH",
    summary="Change chair, attendees, notes per agenda item, or (while planned) the time",
    tag="meetings",
    body=MeetingPatch,
    response=MeetingOut,
    perm="write_log",
)
def patch_meeting(meeting_id: int, body: MeetingPatch) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    meeting = service.update(actor=current_user, meeting_id=meeting_id, expected_version=version, **changes)
    return service.to_dict(meeting)


@operation(
    "/meetings/<int:meeting_id>/start",
    "POST",
    summary="Start a planned meeting",
    tag="meetings",
    response=MeetingOut,
    perm="write_log",
)
def start_meeting(meeting_id: int) -> dict[str, Any]:
    return service.to_dict(service.start(actor=current_user, meeting_id=meeting_id))


@operation(
    "/meetings/<int:meeting_id>/advance",
    "POST",
    summary="Move the current agenda item (to an index, or step +1/-1): every presenter screen follows",
    tag="meetings",
    body=AdvanceIn,
    response=MeetingOut,
    perm="write_log",
)
def advance_meeting(meeting_id: int, body: AdvanceIn) -> dict[str, Any]:
    return service.to_dict(service.advance(actor=current_user, meeting_id=meeting_id, to=body.to, step=body.step))


@operation(
    "/meetings/<int:meeting_id>/end",
    "POST",
    summary="End the meeting: its protocol becomes one log entry; the next meeting is planned",
    tag="meetings",
    body=EndIn,
    response=MeetingOut,
    perm="write_log",
)
def end_meeting(meeting_id: int, body: EndIn) -> dict[str, Any]:
    return service.to_dict(service.end(actor=current_user, meeting_id=meeting_id, next_at=body.next_at))


@operation(
    "/meetings/<int:meeting_id>/tasks",
    "POST",
    summary="Capture a task in the running meeting (onto the task board, origin meeting:{id})",
    tag="meetings",
    body=MeetingTaskIn,
    response=TaskOut,
    status=201,
    perm="write_log",
)
def meeting_task(meeting_id: int, body: MeetingTaskIn) -> dict[str, Any]:
    return tasks.to_dict(service.capture_task(actor=current_user, meeting_id=meeting_id, **body.model_dump()))


@operation(
    "/meetings/<int:meeting_id>/decisions",
    "POST",
    summary="Capture a decision in the running meeting (into the decision register with meeting_id, and the log)",
    tag="meetings",
    body=MeetingDecisionIn,
    response=DecisionOut,
    status=201,
    perm="decide",
)
def meeting_decision(meeting_id: int, body: MeetingDecisionIn) -> dict[str, Any]:
    fields = body.model_dump(exclude_none=True)
    decision = service.capture_decision(actor=current_user, meeting_id=meeting_id, **fields)
    return decision_schemas.to_dict(decision)


# --- pages ----------------------------------------------------------------------


def _agenda_labels() -> dict[str, str]:
    """The agenda items' names in the page's language (the API and events carry the Swedish ones)."""
    return {k: str(agenda.AGENDA_LABELS[k]) for k in agenda.AGENDA}


def next_meeting_of(incident_id: int) -> dict[str, Any] | None:
    """For the workspace: the running meeting, else the next planned one (number, status, time)."""
    meeting = service.next_meeting(incident_id=incident_id)
    if meeting is None:
        return None
    return {"id": meeting.id, "number": meeting.number, "status": meeting.status.value, "at": meeting.scheduled_at}


def decision_types() -> list[tuple[str, Any]]:
    """The decision register's types (code, label) for the capture form; none for who may not decide."""
    from crisis import labels

    if not has_perm(current_user, Perm.DECIDE):
        return []
    return [(k, labels.DECISION_TYPES[k]) for k in labels.DECISION_TYPES if k != "level"]


def mandates() -> list[str]:
    """Suggested mandates (the kommun's delegationsordning) for the capture form."""
    return [m.label for m in decisions.mandates()]


pages = Blueprint("meetings", __name__)


@pages.route("/incidents/<int:incident_id>/meetings")
@login_required
def page(incident_id: int) -> Any:
    inc = incidents.get(viewer=current_user, incident_id=incident_id)
    rows = service.list_meetings(viewer=current_user, incident_id=incident_id)
    return render_template(
        "meetings/meetings.html",
        incident=inc,
        meetings=[service.to_dict(m) for m in rows],
        rhythm=service.get_rhythm(viewer=current_user, incident_id=incident_id),
        agenda=[(k, agenda.AGENDA_LABELS[k]) for k in agenda.AGENDA],
        agenda_labels=_agenda_labels(),
        positions=staffing.staffing_dict(incident_id=incident_id)["items"],
        decision_types=decision_types(),
        mandates=mandates(),
        can_write=has_perm(current_user, Perm.WRITE_LOG) and inc.status.value == "active",
    )


@pages.route("/meetings/<int:meeting_id>/present")
@login_required
def present(meeting_id: int) -> Any:
    meeting = service.get(viewer=current_user, meeting_id=meeting_id)
    inc = incidents.get(viewer=current_user, incident_id=meeting.incident_id)
    return render_template(
        "meetings/present.html",
        incident=inc,
        meeting=service.to_dict(meeting),
        can_drive=has_perm(current_user, Perm.WRITE_LOG),
        can_read_situation=has_perm(current_user, Perm.READ_CONFIDENTIAL),
        sector_labels={k: str(SECTOR_LABELS[k]) for k in SECTORS},
        agenda_labels=_agenda_labels(),
    )


@pages.route("/meetings/<int:meeting_id>/protocol")
@login_required
def protocol(meeting_id: int) -> Any:
    meeting = service.get(viewer=current_user, meeting_id=meeting_id)
    inc = incidents.get(viewer=current_user, incident_id=meeting.incident_id)
    return render_template(
        "meetings/protocol.html", incident=inc, meeting=service.to_dict(meeting), agenda_labels=_agenda_labels()
    )
