"""The actor register API (/api/v1/actors) and page (/actors), and the samverkan conferences
(/api/v1/incidents/{id}/samverkan, /api/v1/samverkan/{id}; page /incidents/{id}/samverkan)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from crisis import csvexport
from crisis.actors import files, samverkan, service
from crisis.actors.forms import ActionForm, ImportForm
from crisis.actors.kinds import KINDS
from crisis.actors.schemas import (
    ActorIn,
    ActorOut,
    ActorPatch,
    ActorsQuery,
    AgreementIn,
    AgreementOut,
    ConferenceFileOut,
    ConferenceIn,
    ConferenceOut,
    ConferencesQuery,
)
from crisis.api import operation
from crisis.api.schemas import Items
from crisis.archive.service import content_disposition
from crisis.auth.permissions import Perm, has_perm, require
from crisis.errors import ApiError, ValidationError
from crisis.incidents import service as incidents
from crisis.staffing import service as staffing
from crisis.web.forms import flash_imported


@operation(
    "/actors",
    "GET",
    summary="The actor register (aktörsregister) in Swedish order; ?inactive=true adds deactivated actors",
    tag="actors",
    query=ActorsQuery,
    response=Items[ActorOut],
    perm="read_confidential",
)
def list_actors(query: ActorsQuery) -> list[dict[str, Any]]:
    rows = service.list_actors(
        viewer=current_user, include_inactive=query.inactive, limit=query.limit, offset=query.offset
    )
    return [service.to_dict(a) for a in rows]


@operation(
    "/actors", "POST", summary="Add an actor", tag="actors", body=ActorIn, response=ActorOut, status=201, perm="admin"
)
def create_actor(body: ActorIn) -> dict[str, Any]:
    return service.to_dict(service.create(actor=current_user, data=body.model_dump()))


@operation(
    "/actors/<int:actor_id>", "GET", summary="One actor", tag="actors", response=ActorOut, perm="read_confidential"
)
def get_actor(actor_id: int) -> dict[str, Any]:
    return service.to_dict(service.get(viewer=current_user, actor_id=actor_id))


@operation(
    "/actors/<int:actor_id>",
    "PATCH",
    summary="Change an actor; active=false deactivates it (never deleted, old references stay)",
    tag="actors",
    body=ActorPatch,
    response=ActorOut,
    perm="admin",
)
def patch_actor(actor_id: int, body: ActorPatch) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    data = {k: v for k, v in changes.items() if v is not None}
    return service.to_dict(service.update(actor=current_user, actor_id=actor_id, data=data, expected_version=version))


@operation(
    "/incidents/<int:incident_id>/samverkan",
    "GET",
    summary="The samverkan conferences of an incident, newest first (paginated: limit, offset)",
    tag="samverkan",
    query=ConferencesQuery,
    response=Items[ConferenceOut],
    perm="read",
)
def list_conferences(incident_id: int, query: ConferencesQuery) -> list[dict[str, Any]]:
    rows = samverkan.list_conferences(
        viewer=current_user, incident_id=incident_id, limit=query.limit, offset=query.offset
    )
    return [samverkan.to_dict(c) for c in rows]


@operation(
    "/incidents/<int:incident_id>/samverkan",
    "POST",
    summary="Record a samverkanskonferens (one log entry; event meeting.updated with kind samverkan)",
    tag="samverkan",
    body=ConferenceIn,
    response=ConferenceOut,
    status=201,
    perm="write_log",
)
def record_conference(incident_id: int, body: ConferenceIn) -> dict[str, Any]:
    conf = samverkan.record(actor=current_user, incident_id=incident_id, **body.model_dump())
    return samverkan.to_dict(conf)


@operation(
    "/samverkan/<int:conference_id>",
    "GET",
    summary="One samverkan conference",
    tag="samverkan",
    response=ConferenceOut,
    perm="read",
)
def get_conference(conference_id: int) -> dict[str, Any]:
    return samverkan.to_dict(samverkan.get(viewer=current_user, conference_id=conference_id))


@operation(
    "/samverkan/<int:conference_id>/agreements",
    "POST",
    summary="An agreement of the conference becomes a decision (coordination) or a task, linked",
    tag="samverkan",
    body=AgreementIn,
    response=AgreementOut,
    status=201,
    perm="write_log",
)
def add_agreement(conference_id: int, body: AgreementIn) -> dict[str, Any]:
    return samverkan.add_agreement(actor=current_user, conference_id=conference_id, **body.model_dump())


def _upload() -> tuple[str, bytes]:
    """The uploaded file of a multipart request (field `file`), read up to one byte past the limit."""
    if request.mimetype != "multipart/form-data":
        raise ApiError(
            _l("Skicka filen som multipart/form-data i fältet file."), code="unsupported_media_type", status=415
        )
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError(_l("Välj en fil att bifoga (fältet file)."), code="missing_field")
    return upload.filename or "", upload.read(files.max_bytes() + 1)


@operation(
    "/samverkan/<int:conference_id>/files",
    "POST",
    summary="Attach a file to the conference, e.g. the samlad lägesbild (multipart/form-data, field `file`: "
    "PDF, PNG, JPEG, DOCX or ODT by content, at most CRISIS_ATTACHMENT_MAX_MB, 10 per conference; "
    "never replaced or deleted). One log entry; event meeting.updated with kind samverkan",
    tag="samverkan",
    response=ConferenceFileOut,
    status=201,
    perm="write_log",
    multipart={"file": "The file (PDF, PNG, JPEG, DOCX or ODT)"},
    errors={"413": "File too large", "415": "Not multipart/form-data"},
)
def attach_file(conference_id: int) -> dict[str, Any]:
    name, data = _upload()
    row = files.attach(actor=current_user, conference_id=conference_id, filename=name, data=data)
    return files.to_dict(row)


@operation(
    "/samverkan/<int:conference_id>/files",
    "GET",
    summary="The files attached to a conference (metadata, in the order attached)",
    tag="samverkan",
    response=Items[ConferenceFileOut],
    perm="read",
)
def list_files(conference_id: int) -> list[dict[str, Any]]:
    return [files.to_dict(r) for r in files.list_files(viewer=current_user, conference_id=conference_id)]


@operation(
    "/samverkan/files/<int:file_id>",
    "GET",
    summary="The bytes of an attached file, as an attachment with its stored type "
    "(Content-Security-Policy: sandbox, X-Content-Type-Options: nosniff)",
    tag="samverkan",
    response=bytes,
    perm="read",
    content_type=tuple(t.content_type for t in files.TYPES),
)
def download_file(file_id: int) -> Response:
    row = files.get_file(viewer=current_user, file_id=file_id)
    resp = Response(row.data, mimetype=row.content_type)
    resp.headers["Content-Disposition"] = content_disposition(row.filename)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    # A hostile PDF or image must never run in the app's origin, even if a browser renders it.
    resp.headers["Content-Security-Policy"] = "sandbox"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


# --- pages ----------------------------------------------------------------------

pages = Blueprint("actors", __name__)


def actor_names() -> list[str]:
    """Jinja global: active actors' names for the log form's counterpart suggestions."""
    return service.names(viewer=current_user)


def actor_choices() -> list[tuple[int, str]]:
    """Jinja global: (id, name) of the active actors for request and conference forms."""
    return service.choices(viewer=current_user)


def _form_values() -> dict[str, Any]:
    return {k: request.form.get(k, "") for k in service.FIELDS}


def _page(errors: list[str] | None = None, status: int = 200, values: dict[str, Any] | None = None) -> Any:
    rows = service.list_actors(viewer=current_user, include_inactive=True)
    return (
        render_template(
            "actors/register.html",
            actors=rows,
            kinds=KINDS,
            errors=errors or [],
            values=values or {},
            may_manage=has_perm(current_user, Perm.ADMIN),
            action_form=ActionForm(),
            import_form=ImportForm(),
        ),
        status,
    )


@pages.route("/actors")
@login_required
@require(Perm.READ_CONFIDENTIAL)
def register() -> Any:
    return _page()


@pages.route("/actors/new", methods=["POST"])
@login_required
@require(Perm.ADMIN)
def create() -> Any:
    values = _form_values()
    if not ActionForm().validate_on_submit():
        return _page([_("Formuläret har gått ut; ladda om sidan och försök igen.")], 400, values)
    try:
        row = service.create(actor=current_user, data=values)
    except ApiError as e:
        return _page([e.message], e.status, values)
    flash(_("%(name)s lades till i aktörsregistret.", name=row.name), "ok")
    return redirect(url_for("actors.register") + f"#actor-{row.id}")


@pages.route("/actors/<int:actor_id>/edit", methods=["GET", "POST"])
@login_required
@require(Perm.ADMIN)
def edit(actor_id: int) -> Any:
    row = service.get(viewer=current_user, actor_id=actor_id)
    errors: list[str] = []
    status = 200
    values: dict[str, Any] = service.to_dict(row)
    if request.method == "POST":
        values = {**_form_values(), "version": request.form.get("version", "")}
        if not ActionForm().validate_on_submit():
            errors = [_("Formuläret har gått ut; ladda om sidan och försök igen.")]
        else:
            try:
                version = int(values.pop("version") or 0) or None
                service.update(actor=current_user, actor_id=actor_id, data=values, expected_version=version)
            except ValueError:
                errors, status = [_("Formuläret har gått ut; ladda om sidan och försök igen.")], 400
            except ApiError as e:
                errors, status = [e.message], e.status
            else:
                flash(_("Ändringarna i %(name)s sparades.", name=row.name), "ok")
                return redirect(url_for("actors.register") + f"#actor-{row.id}")
    return (
        render_template(
            "actors/edit.html", actor=row, values=values, kinds=KINDS, errors=errors, action_form=ActionForm()
        ),
        (status if status != 200 else 400) if errors else 200,
    )


@pages.route("/actors/<int:actor_id>/active", methods=["POST"])
@login_required
@require(Perm.ADMIN)
def set_active(actor_id: int) -> Any:
    if ActionForm().validate_on_submit():
        active = request.form.get("active") == "1"
        try:
            row = service.update(actor=current_user, actor_id=actor_id, data={"active": active})
        except ApiError as e:
            flash(e.message, "error")
        else:
            if active:
                flash(_("%(name)s är aktiv igen.", name=row.name), "ok")
            else:
                flash(_("%(name)s är inaktiverad.", name=row.name), "ok")
    return redirect(url_for("actors.register"))


@pages.route("/actors/import", methods=["POST"])
@login_required
@require(Perm.ADMIN)
def import_file() -> Any:
    form = ImportForm()
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        return _page([_("Välj en fil att importera.")], 400)
    raw = upload.read(2_000_001)
    if len(raw) > 2_000_000:
        return _page([_("%(file)s är för stor (högst 2 MB).", file=upload.filename)], 413)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _page([_("%(file)s: filen är inte UTF-8-text.", file=upload.filename)], 422)
    try:
        result = service.import_csv(actor=current_user, filename=upload.filename, text=text)
    except ApiError as e:
        details = e.details if isinstance(e.details, list) else [e.message]
        return _page([_("Inget importerades.")] + [str(d) for d in details], e.status)
    flash_imported(upload.filename, result)
    return redirect(url_for("actors.register"))


@pages.route("/actors/export.csv")
@login_required
@require(Perm.READ_CONFIDENTIAL)
def export() -> Any:
    rows = service.export_rows(viewer=current_user)
    return csvexport.response("aktorer.csv", service.CSV_COLUMNS, rows)


# --- the samverkan page of an incident -------------------------------------------


def _ints(values: list[str]) -> list[int]:
    out = []
    for v in values:
        try:
            out.append(int(v))
        except ValueError:
            continue
    return out


def _local_time(value: str) -> str | None:
    """A datetime-local value ("2026-11-27T10:00") as ISO with the Stockholm offset."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value  # the service says what is wrong with it
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo("Europe/Stockholm"))
    return parsed.isoformat()


@pages.route("/incidents/<int:incident_id>/samverkan", methods=["GET", "POST"])
@login_required
def samverkan_page(incident_id: int) -> Any:
    inc = incidents.get(viewer=current_user, incident_id=incident_id)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            errors, status = [_("Formuläret har gått ut; ladda om sidan och försök igen.")], 400
        else:
            form = request.form
            try:
                if form.get("action") == "agreement":
                    conf_id = int(form.get("conference", "0") or 0)
                    samverkan.add_agreement(
                        actor=current_user,
                        conference_id=conf_id,
                        text=form.get("text", ""),
                        to=form.get("to", ""),
                        decided_by=form.get("decided_by") or None,
                        mandate=form.get("mandate") or None,
                        reason=form.get("reason") or None,
                        position=form.get("position") or None,
                        due_at=_local_time(form.get("due_at", "")),
                        priority=form.get("priority") or "normal",
                    )
                    flash(_("Överenskommelsen är registrerad."), "ok")
                    return redirect(url_for("actors.samverkan_page", incident_id=incident_id) + f"#conf-{conf_id}")
                called = form.get("called_by", "")
                conf = samverkan.record(
                    actor=current_user,
                    incident_id=incident_id,
                    held_at=_local_time(form.get("held_at", "")),
                    called_by=int(called) if called.isdigit() else None,
                    participants=_ints(form.getlist("participants")),
                    participants_other=[
                        line.strip() for line in form.get("participants_other", "").splitlines() if line.strip()
                    ],
                    reported=form.get("reported", ""),
                    agreed=form.get("agreed", ""),
                    situation=form.get("situation", ""),
                    next_at=_local_time(form.get("next_at", "")),
                )
                label = "S-" + str(conf.number)
                flash(_("Samverkanskonferens %(label)s är registrerad i dagboken.", label=label), "ok")
                return redirect(url_for("actors.samverkan_page", incident_id=incident_id) + f"#conf-{conf.id}")
            except ValueError:
                errors, status = [_("Okänd samverkanskonferens.")], 422
            except ApiError as e:
                errors, status = [e.message], e.status
    rows = samverkan.list_conferences(viewer=current_user, incident_id=incident_id)
    return (
        render_template(
            "actors/samverkan.html",
            incident=inc,
            conferences=[samverkan.to_dict(c) for c in rows],
            files=files.files_by_conference(
                viewer=current_user, incident_id=incident_id, conference_ids=[c.id for c in rows]
            ),
            max_files=files.MAX_FILES,
            max_mb=files.max_bytes() // files.MB,
            actors=service.choices(viewer=current_user),
            positions=staffing.staffing_dict(incident_id=incident_id)["items"],
            errors=errors,
            form=request.form if errors else {},
            can_write=has_perm(current_user, Perm.WRITE_LOG) and inc.status.value != "closed",
            can_decide=has_perm(current_user, Perm.DECIDE),
            action_form=ActionForm(),
        ),
        status,
    )


@pages.route("/incidents/<int:incident_id>/samverkan/<int:conference_id>/files", methods=["POST"])
@login_required
@require(Perm.WRITE_LOG)
def samverkan_file_upload(incident_id: int, conference_id: int) -> Any:
    """Attach a file (the samlad lägesbild) to a conference from the samverkan page."""
    conf = samverkan.get(viewer=current_user, conference_id=conference_id)
    if conf.incident_id != incident_id:
        return redirect(url_for("actors.samverkan_page", incident_id=conf.incident_id) + f"#conf-{conf.id}")
    target = url_for("actors.samverkan_page", incident_id=incident_id) + f"#conf-{conf.id}"
    upload = request.files.get("file")
    if not ActionForm().validate_on_submit():
        flash(_("Formuläret har gått ut; ladda om sidan och försök igen."), "error")
        return redirect(target)
    if upload is None or not upload.filename:
        flash(_("Välj en fil att bifoga."), "error")
        return redirect(target)
    try:
        row = files.attach(
            actor=current_user,
            conference_id=conf.id,
            filename=upload.filename,
            data=upload.read(files.max_bytes() + 1),
        )
    except ApiError as e:
        flash(_("%(file)s bifogades inte: %(error)s", file=upload.filename, error=e.message), "error")
        return redirect(target)
    flash(_("%(file)s är bifogad till S-%(number)s.", file=row.filename, number=conf.number), "ok")
    return redirect(target)
