"""Reports: the API under /api/v1 (registered on import) and the pages/exports blueprint."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from crisis import labels
from crisis.api import operation
from crisis.api.schemas import Items
from crisis.auth.permissions import Perm, has_perm
from crisis.incidents import service as incidents
from crisis.log.classify import OSL_GROUNDS
from crisis.reports import export, service, text
from crisis.reports.models import CAP_CHOICE_FIELDS, CAP_TEXT_FIELDS, LST_TEXT_FIELDS, NARRATIVE_FIELDS
from crisis.reports.schemas import (
    AcknowledgeIn,
    ApproveIn,
    ReportCreate,
    ReportOut,
    ReportPatch,
    ReportRhythmIn,
    ReportRhythmOut,
    SendIn,
    to_dict,
)
from crisis.sites import sensitive

# --- API -----------------------------------------------------------------------


@operation(
    "/incidents/<int:incident_id>/reports",
    "GET",
    summary="The incident's lägesrapporter, newest first",
    tag="reports",
    response=Items[ReportOut],
    perm="read",
)
def list_reports(incident_id: int) -> list[dict[str, Any]]:
    reports = service.list_reports(viewer=current_user, incident_id=incident_id)
    superseded = {r.supersedes: r.number for r in reports if r.supersedes}
    return [sensitive.report_for(current_user, to_dict(r, superseded_by=superseded.get(r.number))) for r in reports]


@operation(
    "/incidents/<int:incident_id>/reports",
    "POST",
    summary="Start a draft prefilled from the incident (or a correction with `supersedes`)",
    tag="reports",
    body=ReportCreate,
    response=ReportOut,
    status=201,
    perm="write_log",
)
def create_report(incident_id: int, body: ReportCreate) -> dict[str, Any]:
    report = service.create(actor=current_user, incident_id=incident_id, supersedes=body.supersedes)
    return sensitive.report_for(current_user, service.report_dict(report))


def _one(report: Any) -> dict[str, Any]:
    d = sensitive.report_for(current_user, service.report_dict(report))
    d.update(service.changes(viewer=current_user, report_id=report.id))
    return d


@operation(
    "/reports/<int:report_id>",
    "GET",
    summary="One report, with what changed since the previous version",
    tag="reports",
    response=ReportOut,
    perm="read",
)
def get_report(report_id: int) -> dict[str, Any]:
    return _one(service.get(viewer=current_user, report_id=report_id))


@operation(
    "/reports/<int:report_id>",
    "PATCH",
    summary="Edit a draft (409 once approved: it never changes)",
    tag="reports",
    body=ReportPatch,
    response=ReportOut,
    perm="write_log",
)
def patch_report(report_id: int, body: ReportPatch) -> dict[str, Any]:
    fields = body.model_dump(exclude_unset=True)
    version = fields.pop("version", None)
    refresh = fields.pop("refresh_snapshot", False)
    report = service.update(
        actor=current_user, report_id=report_id, fields=fields, expected_version=version, refresh_snapshot=refresh
    )
    return _one(report)


@operation(
    "/reports/<int:report_id>/approve",
    "POST",
    summary="Fastställ: freeze the report and announce it (report.issued)",
    tag="reports",
    body=ApproveIn,
    response=ReportOut,
    perm="lead",
)
def approve_report(report_id: int, body: ApproveIn) -> dict[str, Any]:
    return _one(service.approve(actor=current_user, report_id=report_id, expected_version=body.version))


@operation(
    "/reports/<int:report_id>/send",
    "POST",
    summary="Record that the approved report was sent (when, channel, recipient)",
    tag="reports",
    body=SendIn,
    response=ReportOut,
    perm="write_log",
)
def send_report(report_id: int, body: SendIn) -> dict[str, Any]:
    return _one(
        service.send(
            actor=current_user,
            report_id=report_id,
            channel=body.channel,
            recipient=body.recipient,
            sent_at=body.sent_at,
        )
    )


@operation(
    "/reports/<int:report_id>/acknowledge",
    "POST",
    summary="Record the recipient's receipt (kvittens)",
    tag="reports",
    body=AcknowledgeIn,
    response=ReportOut,
    perm="write_log",
)
def acknowledge_report(report_id: int, body: AcknowledgeIn) -> dict[str, Any]:
    return _one(
        service.acknowledge(
            actor=current_user,
            report_id=report_id,
            acknowledged_by=body.acknowledged_by,
            acknowledged_at=body.acknowledged_at,
        )
    )


@operation(
    "/reports/<int:report_id>/cap.xml",
    "GET",
    summary="The report's public information as OASIS CAP 1.2 (validated; Exercise for exercises)",
    tag="reports",
    response=str,
    perm="read",
    content_type="application/xml",
)
def report_cap(report_id: int) -> Response:
    report, xml = export.cap_xml(viewer=current_user, report_id=report_id)
    prefix = "OVNING-" if report.snapshot.get("incident", {}).get("mode") == "exercise" else ""
    return Response(
        xml,
        mimetype="application/xml",
        headers={"Content-Disposition": f'inline; filename="{prefix}cap-{report.incident_id}-{report.number}.xml"'},
    )


@operation(
    "/incidents/<int:incident_id>/report-rhythm",
    "GET",
    summary="The fixed clock times lägesrapporter are due at (set by Länsstyrelsen)",
    tag="reports",
    response=ReportRhythmOut,
    perm="read",
)
def get_report_rhythm(incident_id: int) -> dict[str, Any]:
    return service.get_rhythm(viewer=current_user, incident_id=incident_id)


@operation(
    "/incidents/<int:incident_id>/report-rhythm",
    "PUT",
    summary="Set the fixed clock times lägesrapporter are due at ([] = every 4 hours)",
    tag="reports",
    body=ReportRhythmIn,
    response=ReportRhythmOut,
    perm="write_log",
)
def put_report_rhythm(incident_id: int, body: ReportRhythmIn) -> dict[str, Any]:
    return service.set_rhythm(actor=current_user, incident_id=incident_id, times=body.times)


# --- pages and exports ----------------------------------------------------------

pages = Blueprint("reports", __name__)

FIELD_LABELS = {
    "handelse": _l("Händelse"),
    "konsekvenser": _l("Konsekvenser"),
    "vidtagna_atgarder": _l("Vidtagna åtgärder"),
    "beslut": _l("Beslut"),
    "behov": _l("Behov (resurser i prioritetsordning)"),
    "prognos": _l("Prognos"),
    "kommunikation": _l("Kommunikation"),
    "nasta_rapport": _l("Nästa rapport"),
    "kontaktperson": _l("Kontaktperson"),
    "kontakt_telefon": _l("Telefon till kontaktpersonen"),
    "period_fran": _l("Rapporten avser tiden från"),
    "period_till": _l("till"),
    "krisledning_aktiverad": _l("Central krisledning aktiverad"),
    "kln_aktiverad": _l("Krisledningsnämnden i funktion"),
    "omfattning": _l("Omfattning (antal berörda)"),
    "sarbara_grupper": _l("Sårbara grupper"),
    "samverkan": _l("Samverkan (med vilka)"),
    "trygghetspunkter": _l("Öppna trygghetspunkter"),
    "vma_begard": _l("VMA begärt"),
    "vma_begard_at": _l("VMA begärt när"),
    "osakerheter": _l("Osäkerheter"),
    "klassning": _l("Rapportens klassning (KLASSA)"),
    "osl_grund": _l("Sekretessgrund (OSL)"),
    "cap_headline": _l("Rubrik till allmänheten"),
    "cap_description": _l("Information till allmänheten"),
    "cap_instruction": _l("Råd till allmänheten"),
    "cap_area_desc": _l("Område (beskrivning)"),
    "cap_category": _l("Kategori (CAP)"),
    "cap_urgency": _l("Brådska (CAP)"),
    "cap_severity": _l("Allvarlighet (CAP)"),
    "cap_certainty": _l("Visshet (CAP)"),
    "area": _l("Varningsområde"),
    "level": _l("Nivå"),
    "sites": _l("Samhällsviktig verksamhet"),
    "site": _l("Verksamhet"),
    "tasks.open_count": _l("Öppna uppgifter"),
    "tasks.overdue_count": _l("Försenade uppgifter"),
    "staffing": _l("Bemanning"),
}
FIELD_HINTS = {
    "handelse": _l("Vad har hänt, var och när. Krävs för att fastställa."),
    "konsekvenser": _l("För invånare och samhällsviktig verksamhet, per område."),
    "vidtagna_atgarder": _l("Förifyllt från dagbokens åtgärder sedan förra rapporten."),
    "beslut": _l("Förifyllt från dagbokens beslut sedan förra rapporten."),
    "behov": _l("Stöd och resurser som behövs, t.ex. från länsstyrelsen."),
    "prognos": _l("Hur läget väntas utvecklas."),
    "kommunikation": _l("Vad som kommunicerats till allmänheten och media, och vad som planeras."),
}
# The tables live in crisis.labels (the one home of display labels).
STATUS_LABELS = labels.REPORT_STATUSES
SITE_STATE_LABELS = labels.SITE_STATES_IN_TEXT
CATEGORY_LABELS = labels.SITE_CATEGORIES
TASK_STATUS_LABELS = labels.TASK_STATUSES
STRINGS = {
    "report_n": _l("Lägesrapport {n}"),
    "supersedes": _l("Rättelse: ersätter lägesrapport {n}."),
    "superseded_by": _l("Ersatt av lägesrapport {n} (rättelse). Denna version gäller inte längre."),
    "created": _l("Upprättad {time} av {who}"),
    "approved": _l("Fastställd {time} av {who}"),
    "sent": _l("Skickad {time} till {to} via {channel} ({who})"),
    "acknowledged": _l("Kvitterad {time} av {who}"),
    "next_report": _l("Nästa rapport"),
    "none": _l("–"),
    "nobody": _l("Ingen"),
    "saved": _l("Sparat {time}"),
    "unsaved": _l("Osparade ändringar"),
    "discard": _l("Utkastet har osparade ändringar. Lämna det ändå?"),
    "discard_title": _l("Lämna utkastet?"),
    "discard_button": _l("Lämna utan att spara"),
    "saving": _l("Sparar…"),
    "confirm_approve": _l(
        "Fastställa lägesrapport {n}? Den kan aldrig ändras efteråt; en rättelse blir en ny rapport."
    ),
    "approve_title": _l("Fastställa lägesrapport {n}?"),
    "approve_button": _l("Fastställ"),
    "changed_elsewhere": _l(
        "Utkastet har ändrats av {who}. Dina osparade ändringar finns kvar; spara för att se om de krockar, eller ladda om sidan."
    ),
    "level": _l("Nivå"),
    "sites": _l("Samhällsviktig verksamhet"),
    "sites_unavailable": _l("Inget verksamhetsregister."),
    "attention": _l("Ur drift, begränsad eller i riskzon"),
    "backup": _l("På reservkraft"),
    "fuel_left": _l("bränsle ca {h} h"),
    "decisions": _l("Beslut i dagboken sedan förra rapporten"),
    "actions": _l("Åtgärder i dagboken sedan förra rapporten"),
    "open_tasks": _l("Öppna uppgifter ({n}, varav {m} försenade)"),
    "overdue": _l("Försenad"),
    "due": _l("klar senast {time}"),
    "staffing": _l("Bemanning"),
    "category": _l("Område"),
    "taken_at": _l("Lägesbild per {time}"),
    "since_report": _l("Dagbok från och med post {n}"),
    "no_changes": _l("Inga ändringar."),
    "first_report": _l("Första rapporten: inget att jämföra med."),
    "compared_with": _l("Jämfört med lägesrapport {n}."),
    "added": _l("tillagt"),
    "removed": _l("borttaget"),
    "changed": _l("ändrat"),
    "area_drawn": _l("Ritat område används i CAP."),
    "area_kommun": _l("Kommungränsen används som område i CAP."),
    "nothing": _l("Inget."),
    "yes": _l("Ja"),
    "no": _l("Nej"),
    "lst_heading": _l("Uppgifter till länsstyrelsen"),
}
CAP_CHOICE_LABELS = {
    "cap_category": {
        "Infra": _l("Infrastruktur"),
        "Safety": _l("Allmän säkerhet"),
        "Health": _l("Hälsa"),
        "Met": _l("Väder"),
        "Env": _l("Miljö"),
        "Fire": _l("Brand"),
        "Rescue": _l("Räddning"),
        "Transport": _l("Transport"),
        "Security": _l("Säkerhet"),
        "Geo": _l("Geofysiskt"),
        "CBRNE": _l("CBRNE"),
        "Other": _l("Övrigt"),
    },
    "cap_urgency": {
        "Immediate": _l("Omedelbart"),
        "Expected": _l("Inom kort"),
        "Future": _l("Senare"),
        "Past": _l("Passerad"),
        "Unknown": _l("Okänt"),
    },
    "cap_severity": {
        "Extreme": _l("Extrem"),
        "Severe": _l("Allvarlig"),
        "Moderate": _l("Måttlig"),
        "Minor": _l("Liten"),
        "Unknown": _l("Okänd"),
    },
    "cap_certainty": {
        "Observed": _l("Bekräftad"),
        "Likely": _l("Trolig"),
        "Possible": _l("Möjlig"),
        "Unlikely": _l("Osannolik"),
        "Unknown": _l("Okänd"),
    },
}


def labels_json() -> str:
    """Labels for reports.js (read from a data- attribute)."""

    def s(table: dict[str, Any]) -> dict[str, str]:
        return {k: str(v) for k, v in table.items()}

    return json.dumps(
        {
            "fields": s(FIELD_LABELS),
            "statuses": s(STATUS_LABELS),
            "site_states": s(SITE_STATE_LABELS),
            "categories": s(CATEGORY_LABELS),
            "task_statuses": s(TASK_STATUS_LABELS),
            "strings": s(STRINGS),
        },
        ensure_ascii=False,
    )


def _template_context() -> dict[str, Any]:
    return dict(
        FIELD_LABELS=FIELD_LABELS,
        FIELD_HINTS=FIELD_HINTS,
        STATUS_LABELS=STATUS_LABELS,
        SITE_STATE_LABELS=SITE_STATE_LABELS,
        CATEGORY_LABELS=CATEGORY_LABELS,
        TASK_STATUS_LABELS=TASK_STATUS_LABELS,
        CAP_CHOICE_LABELS=CAP_CHOICE_LABELS,
        NARRATIVE_FIELDS=NARRATIVE_FIELDS,
        LST_TEXT_FIELDS=LST_TEXT_FIELDS,
        report_recipient=service.configured_recipient(),
        osl_grounds=OSL_GROUNDS,
        CAP_TEXT_FIELDS=CAP_TEXT_FIELDS,
        CAP_CHOICE_FIELDS=CAP_CHOICE_FIELDS,
        local_time=text.local_time,
        site_detail_lines=text.site_detail_lines,
    )


@pages.route("/incidents/<int:incident_id>/reports")
@login_required
def reports_page(incident_id: int) -> Any:
    inc = incidents.get(viewer=current_user, incident_id=incident_id)
    return render_template(
        "reports/reports.html",
        incident=inc,
        labels_json=labels_json(),
        can_write=has_perm(current_user, Perm.WRITE_LOG),
        can_lead=has_perm(current_user, Perm.LEAD),
        **_template_context(),
    )


@pages.route("/reports/<int:report_id>/print")
@login_required
def report_print(report_id: int) -> Any:
    report = service.get(viewer=current_user, report_id=report_id)
    inc = incidents.get(viewer=current_user, incident_id=report.incident_id)
    data = sensitive.report_for(current_user, service.report_dict(report))
    data.update(service.changes(viewer=current_user, report_id=report_id))
    return render_template("reports/print.html", incident=inc, report=data, **_template_context())


@pages.route("/reports/<int:report_id>/cap.xml")
@login_required
def report_cap_page(report_id: int) -> Response:
    """The CAP link on the reports page: the XML, or (when the report cannot
    make one) a readable Swedish page from the error handler, never raw JSON."""
    report, xml = export.cap_xml(viewer=current_user, report_id=report_id)
    prefix = "OVNING-" if report.snapshot.get("incident", {}).get("mode") == "exercise" else ""
    return Response(
        xml,
        mimetype="application/xml",
        headers={"Content-Disposition": f'inline; filename="{prefix}cap-{report.incident_id}-{report.number}.xml"'},
    )


@pages.route("/reports/<int:report_id>/wis.txt")
@login_required
def report_wis(report_id: int) -> Response:
    report, body = export.wis_text(viewer=current_user, report_id=report_id)
    prefix = "OVNING-" if report.snapshot.get("incident", {}).get("mode") == "exercise" else ""
    disposition = "attachment" if request.args.get("download") == "1" else "inline"
    return Response(
        body,
        mimetype="text/plain; charset=utf-8",
        headers={
            "Content-Disposition": f'{disposition}; filename="{prefix}lagesrapport-{report.incident_id}-{report.number}.txt"'
        },
    )


@pages.route("/reports/<int:report_id>/report.json")
@login_required
def report_json(report_id: int) -> Response:
    report = service.get(viewer=current_user, report_id=report_id)
    data = sensitive.report_for(current_user, service.report_dict(report))
    data.update(service.changes(viewer=current_user, report_id=report_id))
    prefix = "OVNING-" if data["exercise"] else ""
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{prefix}lagesrapport-{report.incident_id}-{report.number}.json"'
        },
    )
