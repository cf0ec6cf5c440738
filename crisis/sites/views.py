"""Site register API and pages: `/api/v1/sites...`, `/sites`, `/incidents/{id}/map`.

Thin: every read and write goes through `crisis.sites.register` (the register)
or `crisis.sites.status` (a site's status in an incident).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crisis import safejson
from crisis.api import operation
from crisis.auth.permissions import Perm, has_perm, require
from crisis.errors import ApiError
from crisis.incidents import service as incidents
from crisis.sites import labels, sensitive
from crisis.sites import register as site_register
from crisis.sites import status as site_status
from crisis.sites.forms import ActionForm, ImportForm, SiteForm
from crisis.sites.models import Site
from crisis.sites.schemas import (
    HistoryOut,
    HistoryQuery,
    ImportIn,
    ImportOut,
    SiteCollection,
    SiteCreate,
    SiteFeature,
    SitePatch,
    SiteQuery,
    SitesQuery,
    SiteStatusOut,
    StatusIn,
    SummaryOut,
    site_values,
)
from crisis.web.forms import flash_imported

# --------------------------------------------------------------------------
# API


def _feature(site: Site, incident_id: int | None = None) -> dict[str, Any]:
    if incident_id is None:
        from crisis.sites.importer import to_feature

        return sensitive.feature_for(current_user, to_feature(site_values(site)))
    incidents.get(viewer=current_user, incident_id=incident_id)
    return sensitive.feature_for(
        current_user, site_status.situation(incident_id=incident_id, include_retired=True).feature(site)
    )


@operation(
    "/sites",
    "GET",
    summary="The site register as a GeoJSON FeatureCollection; ?incident=ID adds status and at_risk",
    tag="sites",
    query=SitesQuery,
    response=SiteCollection,
    perm="read",
)
def sites_list(query: SitesQuery) -> dict[str, Any]:
    return site_status.feature_collection(
        viewer=current_user, incident_id=query.incident, include_retired=query.include_retired
    )


@operation(
    "/sites",
    "POST",
    summary="Add a site to the register",
    tag="sites",
    body=SiteCreate,
    response=SiteFeature,
    status=201,
    perm="manage_sites",
)
def sites_create(body: SiteCreate) -> dict[str, Any]:
    data = body.register_data()
    site = site_register.create(actor=current_user, data=data)
    return _feature(site)


@operation(
    "/sites/import",
    "POST",
    summary="Import a GeoJSON or CSV site file (all or nothing, upsert by key)",
    tag="sites",
    body=ImportIn,
    response=ImportOut,
    perm="manage_sites",
)
def sites_import(body: ImportIn) -> dict[str, Any]:
    result = site_register.import_file(actor=current_user, filename=body.filename, text=body.content)
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}


@operation(
    "/sites/<site_id>",
    "GET",
    summary="One site (site_id: the numeric id or the key)",
    tag="sites",
    query=SiteQuery,
    response=SiteFeature,
    perm="read",
)
def sites_get(site_id: str, query: SiteQuery) -> dict[str, Any]:
    return _feature(site_register.get(viewer=current_user, site_id=site_id), query.incident)


@operation(
    "/sites/<site_id>",
    "PATCH",
    summary="Change a site's register fields (the key never changes)",
    tag="sites",
    body=SitePatch,
    response=SiteFeature,
    perm="manage_sites",
)
def sites_update(site_id: str, body: SitePatch) -> dict[str, Any]:
    return _feature(site_register.update(actor=current_user, site_id=site_id, data=body.register_data()))


@operation(
    "/sites/<site_id>/retire",
    "POST",
    summary="Retire a site (refused while others depend on it)",
    tag="sites",
    response=SiteFeature,
    perm="manage_sites",
)
def sites_retire(site_id: str) -> dict[str, Any]:
    return _feature(site_register.retire(actor=current_user, site_id=site_id))


@operation(
    "/sites/<site_id>/restore",
    "POST",
    summary="Bring a retired site back",
    tag="sites",
    response=SiteFeature,
    perm="manage_sites",
)
def sites_restore(site_id: str) -> dict[str, Any]:
    return _feature(site_register.restore(actor=current_user, site_id=site_id))


@operation(
    "/sites/<site_id>/history",
    "GET",
    summary="A site's status reports in an incident, the sites putting it at risk, and linked log entries "
    "(both lists newest first, paginated with limit/before and limit/log_before)",
    tag="sites",
    query=HistoryQuery,
    response=HistoryOut,
    perm="read",
)
def sites_history(site_id: str, query: HistoryQuery) -> dict[str, Any]:
    return site_status.history(
        viewer=current_user,
        incident_id=query.incident,
        site_id=site_id,
        limit=query.limit,
        before=query.before,
        log_before=query.log_before,
    )


@operation(
    "/incidents/<int:incident_id>/sites/<site_id>/status",
    "PUT",
    summary="Report a site's status (site_id: the numeric id or the key); writes a status log entry "
    "and broadcasts site.status",
    tag="sites",
    body=StatusIn,
    response=SiteStatusOut,
    perm="write_log",
)
def sites_set_status(incident_id: int, site_id: str, body: StatusIn) -> dict[str, Any]:
    return site_status.set_status(actor=current_user, incident_id=incident_id, site_id=site_id, **body.model_dump())


@operation(
    "/incidents/<int:incident_id>/sites/summary",
    "GET",
    summary="Per category: operational/degraded/down/unknown/at risk; sites needing attention by Styrel "
    "priority; fuel left on backup power",
    tag="sites",
    response=SummaryOut,
    perm="read",
)
def sites_summary(incident_id: int) -> dict[str, Any]:
    return site_status.get_summary(viewer=current_user, incident_id=incident_id)


# --------------------------------------------------------------------------
# Pages

pages = Blueprint("sites", __name__)


def _category_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in labels.CATEGORIES.items()]


def _styrel_choices() -> list[tuple[str, str]]:
    return [("", _("Ingen"))] + [(str(n), str(n)) for n in range(1, 9)]


def _site_form(site: Site | None = None) -> SiteForm:
    form = SiteForm() if request.method == "POST" else SiteForm(formdata=None)
    form.category.choices = _category_choices()
    form.styrel_priority.choices = _styrel_choices()
    if site is not None and request.method != "POST":
        form.key.data = site.key
        form.name.data = site.name
        form.category.data = site.category.value
        geometry = site.geometry or {}
        if geometry.get("type") == "Point":
            lon, lat = geometry["coordinates"][:2]
            form.lat.data, form.lon.data = f"{lat:g}", f"{lon:g}"
        else:
            form.geometry.data = json.dumps(geometry, ensure_ascii=False)
        form.address.data = site.address or ""
        form.owner.data = site.owner or ""
        form.contact.data = site.contact or ""
        form.backup_power.data = site.backup_power
        form.fuel_hours.data = "" if site.fuel_hours is None else f"{site.fuel_hours:g}"
        form.styrel_priority.data = "" if site.styrel_priority is None else str(site.styrel_priority)
        form.depends_on.data = ", ".join(site.depends_on or [])
    return form


def _number(text: str, what: str, errors: list[str]) -> float | None:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        errors.append(_("%(what)s måste vara ett tal, inte ”%(value)s”.", what=what, value=text.strip()[:40]))
        return None


def _form_data(form: SiteForm, errors: list[str]) -> dict[str, Any]:
    """The form's values in the service's shape; problems the service cannot
    word for a form user (coordinates as text, JSON syntax) go to `errors`."""
    data: dict[str, Any] = {
        "name": form.name.data or "",
        "category": form.category.data or "",
        "address": form.address.data or None,
        "owner": form.owner.data or None,
        "contact": form.contact.data or None,
        "backup_power": bool(form.backup_power.data),
        "fuel_hours": (form.fuel_hours.data or "").strip() or None,
        "styrel_priority": form.styrel_priority.data or None,
        "depends_on": [k.strip() for k in (form.depends_on.data or "").replace(";", ",").split(",") if k.strip()],
    }
    raw_geometry = (form.geometry.data or "").strip()
    lat_text, lon_text = (form.lat.data or "").strip(), (form.lon.data or "").strip()
    if raw_geometry:
        try:
            data["geometry"] = safejson.loads(raw_geometry)
        except safejson.UnsafeJSON:
            errors.append(_("Geometrin är för djupt nästlad eller har för stora tal."))
        except json.JSONDecodeError as e:
            errors.append(
                _(
                    "Geometrin är inte giltig JSON (rad %(line)s, kolumn %(col)s: %(msg)s).",
                    line=e.lineno,
                    col=e.colno,
                    msg=e.msg,
                )
            )
    elif lat_text or lon_text:
        if not (lat_text and lon_text):
            errors.append(_("Ange både latitud och longitud."))
        else:
            lat = _number(lat_text, _("Latitud"), errors)
            lon = _number(lon_text, _("Longitud"), errors)
            if lat is not None and lon is not None:
                data["geometry"] = {"type": "Point", "coordinates": [lon, lat]}
    else:
        errors.append(_("Ange latitud och longitud (eller en geometri för linjer och ytor)."))
    return data


def _errors_of(error: ApiError) -> list[str]:
    if isinstance(error.details, list) and all(isinstance(d, str) for d in error.details):
        return list(error.details)
    return [error.message]


def _register_page(form: SiteForm | None = None, errors: list[str] | None = None, status: int = 200) -> Any:
    may_manage = has_perm(current_user, Perm.MANAGE_SITES)
    if may_manage and form is None:
        form = _site_form()
    sites = site_register.list_sites(viewer=current_user, include_retired=may_manage)
    keys = {s.key: s for s in sites}
    dependents: dict[str, list[Site]] = {}
    for s in sites:
        for dep in s.depends_on or []:
            dependents.setdefault(dep, []).append(s)
    return render_template(
        "sites/register.html",
        sites=[s for s in sites if not s.retired],
        retired=[s for s in sites if s.retired],
        by_key=keys,
        dependents=dependents,
        form=form,
        errors=errors or [],
        import_form=ImportForm() if may_manage else None,
        action_form=ActionForm(),
        categories=labels.CATEGORIES,
        may_manage=may_manage,
        show_sensitive=sensitive.may_see(current_user),
    ), status


@pages.route("/sites")
@login_required
@require(Perm.READ)
def register() -> Any:
    return _register_page()


@pages.route("/sites/new", methods=["POST"])
@login_required
@require(Perm.MANAGE_SITES)
def create() -> Any:
    form = _site_form()
    if not form.validate_on_submit():
        return _register_page(form, _wtf_errors(form), 400)
    errors: list[str] = []
    data = _form_data(form, errors)
    data["key"] = (form.key.data or "").strip()
    if errors:
        return _register_page(form, errors, 422)
    try:
        site = site_register.create(actor=current_user, data=data)
    except ApiError as e:
        return _register_page(form, _errors_of(e), e.status)
    flash(_("%(name)s lades till i registret.", name=site.name), "ok")
    return redirect(url_for("sites.register") + f"#site-{site.id}")


def _wtf_errors(form: SiteForm) -> list[str]:
    return [f"{getattr(form, name).label.text}: {'; '.join(msgs)}" for name, msgs in form.errors.items()]


@pages.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@login_required
@require(Perm.MANAGE_SITES)
def edit(site_id: int) -> Any:
    site = site_register.get(viewer=current_user, site_id=site_id)
    form = _site_form(site)
    errors: list[str] = []
    if request.method == "POST":
        if not form.validate_on_submit():
            errors = _wtf_errors(form)
        else:
            data = _form_data(form, errors)
            if not errors:
                try:
                    site_register.update(actor=current_user, site_id=site.id, data=data)
                except ApiError as e:
                    errors = _errors_of(e)
                else:
                    flash(_("Ändringarna i %(name)s sparades.", name=site.name), "ok")
                    return redirect(url_for("sites.register") + f"#site-{site.id}")
    return render_template("sites/edit.html", site=site, form=form, errors=errors), (422 if errors else 200)


@pages.route("/sites/<int:site_id>/retire", methods=["POST"])
@login_required
@require(Perm.MANAGE_SITES)
def retire(site_id: int) -> Any:
    if ActionForm().validate_on_submit():
        try:
            site = site_register.retire(actor=current_user, site_id=site_id)
            flash(_("%(name)s är avregistrerad.", name=site.name), "ok")
        except ApiError as e:
            flash(e.message, "error")
    return redirect(url_for("sites.register"))


@pages.route("/sites/<int:site_id>/restore", methods=["POST"])
@login_required
@require(Perm.MANAGE_SITES)
def restore(site_id: int) -> Any:
    if ActionForm().validate_on_submit():
        try:
            site = site_register.restore(actor=current_user, site_id=site_id)
            flash(_("%(name)s är återställd i registret.", name=site.name), "ok")
        except ApiError as e:
            flash(e.message, "error")
    return redirect(url_for("sites.register"))


@pages.route("/sites/import", methods=["POST"])
@login_required
@require(Perm.MANAGE_SITES)
def import_file() -> Any:
    form = ImportForm()
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        return _register_page(errors=[_("Välj en fil att importera.")], status=400)
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return _register_page(errors=[_("%(file)s: filen är inte UTF-8-text.", file=upload.filename)], status=422)
    try:
        result = site_register.import_file(actor=current_user, filename=upload.filename, text=text)
    except ApiError as e:
        errors = [f"{upload.filename}: {m}" for m in _errors_of(e)]
        return _register_page(errors=[_("Inget importerades.")] + errors, status=e.status)
    flash_imported(upload.filename, result)
    return redirect(url_for("sites.register"))


@pages.route("/sites/export.geojson")
@login_required
@require(Perm.READ)
def export() -> Response:
    name = f"{current_app.config['CRISIS_KOMMUN']} – samhällsviktig verksamhet"
    collection = site_register.export_geojson(viewer=current_user, name=name)
    body = json.dumps(collection, ensure_ascii=False, indent=1)
    return Response(
        body,
        mimetype="application/geo+json",
        headers={"Content-Disposition": 'attachment; filename="verksamheter.geojson"'},
    )


@pages.route("/incidents/<int:incident_id>/map")
@login_required
@require(Perm.READ)
def incident_map(incident_id: int) -> Any:
    incident = incidents.get(viewer=current_user, incident_id=incident_id)
    boundary = url_for("static", filename=current_app.config["CRISIS_BOUNDARY"])
    return render_template(
        "sites/map.html",
        incident=incident,
        categories=labels.CATEGORIES,
        states=labels.STATES,
        strings=json.dumps(labels.map_strings(), ensure_ascii=False),
        boundary_url=boundary,
        tile_url=current_app.config["CRISIS_TILE_URL"],
        tile_attribution=current_app.config["CRISIS_TILE_ATTRIBUTION"],
    )
