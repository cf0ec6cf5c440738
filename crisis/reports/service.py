"""Lägesrapporter: drafting, approving (fastställa), sending, acknowledging (the lifecycle).

The only writer of reports. A report is numbered 1..n per incident without
gaps (the number is taken under the incident's write lock and drafts are
never deleted), and at most one draft is open per incident. A draft is
prefilled from the incident: a snapshot of the lägesbild (site status per
category, decisions and actions in the log since the previous report, open
tasks, staffing, level) and the narrative carried forward from the previous
report. Approval freezes it for good (also in the database, see models);
a correction is a new report that `supersedes` the old one.

The snapshot of the lägesbild is taken by `snapshot`; the exports (WIS text,
CAP) are `export`; the API shape is `schemas.to_dict`.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crisis import geo, labels
from crisis.auth.models import User
from crisis.auth.permissions import Perm, check, has_perm
from crisis.db import utcnow, write_transaction
from crisis.enums import LogKind
from crisis.errors import Conflict, NotFound, ValidationError
from crisis.events import service as events
from crisis.events.models import Event
from crisis.extensions import db
from crisis.incidents import service as incidents
from crisis.incidents.models import Incident
from crisis.log import checkpoints, classify
from crisis.log import service as log
from crisis.parsing import aware_time
from crisis.reports import cap, history, prefill, rhythm, text
from crisis.reports.models import (
    CAP_CHOICE_FIELDS,
    CAP_TEXT_FIELDS,
    LST_OTHER_FIELDS,
    LST_SHORT_FIELDS,
    LST_TEXT_FIELDS,
    NARRATIVE_FIELDS,
    Report,
    ReportStatus,
)
from crisis.reports.schemas import to_dict
from crisis.reports.snapshot import take_snapshot
from crisis.search import service as search
from crisis.sites import sensitive

_log = logging.getLogger("krisrum.reports")

MAX_NARRATIVE = 20_000
MAX_CAP_TEXT = {"cap_headline": 300, "cap_description": 5000, "cap_instruction": 5000, "cap_area_desc": 300}
MAX_SHORT = 200
DEFAULT_INTERVAL = timedelta(hours=4)
REMINDER_LEAD = timedelta(minutes=15)
JOB_PREFIX = "report-due:"
JOB_FUNC = "crisis.reports.jobs:report_due"
CAP_CHOICES = {
    "cap_category": cap.CATEGORIES,
    "cap_urgency": cap.URGENCIES,
    "cap_severity": cap.SEVERITIES,
    "cap_certainty": cap.CERTAINTIES,
}
DEFAULT_CHANNEL = "WIS"
DEFAULT_RECIPIENT = "Länsstyrelsen"


def configured_recipient() -> str:
    """Who lägesrapporter go to: CRISIS_REPORT_RECIPIENT, e.g. "Länsstyrelsen i Västra Götalands län"."""
    return str(current_app.config.get("CRISIS_REPORT_RECIPIENT") or DEFAULT_RECIPIENT)


# --- serialising ---------------------------------------------------------------


def _superseded_map(incident_id: int) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Report.supersedes, Report.number).where(
            Report.incident_id == incident_id, Report.supersedes.is_not(None)
        )
    ).all()
    return {old: new for old, new in rows}


def report_dict(report: Report) -> dict[str, Any]:
    """`to_dict` with `superseded_by` filled in."""
    return to_dict(report, superseded_by=_superseded_map(report.incident_id).get(report.number))


# --- reading -----------------------------------------------------------------


def list_reports(*, viewer: User, incident_id: int) -> list[Report]:
    incidents.get(viewer=viewer, incident_id=incident_id)
    return list(
        db.session.scalars(sa.select(Report).where(Report.incident_id == incident_id).order_by(Report.number.desc()))
    )


def get(*, viewer: User, report_id: int) -> Report:
    check(viewer, Perm.READ)
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound(_l("Rapport %(id)s finns inte.", id=report_id))
    return report


def by_number(incident_id: int, number: int) -> Report | None:
    return db.session.scalar(sa.select(Report).where(Report.incident_id == incident_id, Report.number == number))


def previous_version(report: Report) -> Report | None:
    """The report this one corrects, or else the one before it."""
    number = report.supersedes or report.number - 1
    return by_number(report.incident_id, number) if number >= 1 else None


def changes(*, viewer: User, report_id: int) -> dict[str, Any]:
    """What changed since the previous version (field by field)."""
    report = get(viewer=viewer, report_id=report_id)
    prev = previous_version(report)
    return {
        "previous": prev.number if prev else None,
        "changes": history.diff_reports(to_dict(prev) if prev else None, to_dict(report)),
    }


def latest_issued(*, incident_id: int) -> Report | None:
    return db.session.scalar(
        sa.select(Report)
        .where(Report.incident_id == incident_id, Report.status != ReportStatus.DRAFT)
        .order_by(Report.number.desc())
        .limit(1)
    )


# --- validation ----------------------------------------------------------------


def _text_field(name: str, value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_l("%(field)s måste vara text.", field=name))
    text: str = value.replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise ValidationError(_l("%(field)s är längre än %(limit)s tecken.", field=name, limit=limit))
    return text


def validate_area(area: Any) -> dict[str, Any] | None:
    """A drawn warning area: a GeoJSON Polygon or MultiPolygon in WGS84 (None clears it)."""
    if area is None:
        return None
    if not isinstance(area, dict):
        raise ValidationError(_l("Området (area) ska vara en GeoJSON Polygon eller MultiPolygon."))
    if area.get("type") == "Feature":
        area = area.get("geometry") or {}
    if area.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError(_l("Området (area) ska vara en GeoJSON Polygon eller MultiPolygon."))
    try:
        too_big = len(json.dumps(area)) > 500_000
    except (TypeError, ValueError):
        raise ValidationError(_l("Området (area) ska vara en GeoJSON Polygon eller MultiPolygon.")) from None
    if too_big:
        raise ValidationError(_l("Området (area) är för stort (förenkla ritningen)."))
    try:
        rings = cap.geojson_to_cap_rings(area)
    except (ValueError, TypeError, IndexError, KeyError) as e:
        raise ValidationError(_l("Området (area) är ingen användbar polygon: %(error)s", error=e)) from None
    if not rings:
        raise ValidationError(_l("Området (area) har ingen polygon med minst tre olika punkter."))
    clean = {"type": area["type"], "coordinates": area["coordinates"]}
    if geo.polygon_problem(clean) is not None:
        raise ValidationError(
            _l(
                "Området (area) är ingen giltig polygon: kanten korsar sig själv eller ett hål ligger utanför "
                "området. Rita om området."
            )
        )
    # Stored and served wound as RFC 7946 wants (exterior counter-clockwise, holes clockwise).
    return dict(geo.rfc7946(clean))


# --- writing -------------------------------------------------------------------


def _default_next(now: datetime, incident: Incident | None = None) -> datetime:
    """The incident's next fixed report time (crisis.reports.rhythm), else now + 4 h rounded up to the quarter."""
    times: list[Any] = []
    if incident is not None and incident.report_times:
        try:
            times = rhythm.parse(incident.report_times)
        except ValueError:
            times = []
    return rhythm.next_at(now, times)


ACTIVE_LEVELS = {"reinforced", "staff"}  # förstärkningsläge and stabsläge: the central krisledning is activated


def _prefill_lst(report: Report, incident: Incident, previous: Report | None, actor: User) -> None:
    """What Länsstyrelsen asks for beyond the narrative: carried forward, the facts Krisrum knows, the providers'."""
    now = utcnow()
    for f in LST_TEXT_FIELDS:
        setattr(report, f, getattr(previous, f) if previous else "")
    report.kontaktperson = report.kontaktperson or actor.display_name
    report.kontakt_telefon = report.kontakt_telefon or (actor.phone or "")
    report.period_fran = (previous.period_till or previous.approved_at) if previous else incident.created_at
    report.period_till = now
    report.krisledning_aktiverad = incident.level.value in ACTIVE_LEVELS
    report.kln_aktiverad = bool(incident.kln_active)
    report.vma_begard = bool(previous.vma_begard) if previous else False
    report.vma_begard_at = previous.vma_begard_at if previous else None
    report.klassning = previous.klassning if previous else "K1"
    report.osl_grund = previous.osl_grund if previous else None
    known = prefill.collect(incident=incident, since=previous.approved_at if previous else None)
    for key, value in known.items():
        if key in ("vma_begard",):
            report.vma_begard = bool(value)
        elif key == "vma_begard_at":
            report.vma_begard_at = value if isinstance(value, datetime) else report.vma_begard_at
        elif key in LST_TEXT_FIELDS or key in NARRATIVE_FIELDS:
            setattr(report, key, str(value)[: LST_SHORT_FIELDS.get(key, MAX_NARRATIVE)])


def _prefill(report: Report, incident: Incident, snap: dict[str, Any], previous: Report | None, kommun: str) -> None:
    """The draft's narrative: carried forward, plus the log and the site status since the last report."""
    report.handelse = (previous.handelse if previous else "") or incident.description or incident.title
    report.konsekvenser = (previous.konsekvenser if previous else "") or "\n".join(text.site_lines(snap))
    report.vidtagna_atgarder = "\n".join(text.log_lines(snap["actions"]))
    report.beslut = "\n".join(text.log_lines(snap["decisions"], decision=True))
    for f in ("behov", "prognos", "kommunikation"):
        setattr(report, f, getattr(previous, f) if previous else "")
    report.nasta_rapport = _default_next(utcnow(), incident)
    report.cap_headline = (previous.cap_headline if previous else "") or incident.title
    report.cap_area_desc = (previous.cap_area_desc if previous else "") or kommun
    if previous is not None:
        for f in ("cap_description", "cap_instruction", *CAP_CHOICE_FIELDS):
            setattr(report, f, getattr(previous, f))
        report.area = previous.area
    _prefill_from_situation(report, incident, snap)


def _prefill_from_situation(report: Report, incident: Incident, snap: dict[str, Any]) -> None:
    """The staff's current lägesbild, where it says something, over what was carried forward.

    Händelse and omfattning -> händelse; konsekvenser per sektor -> konsekvenser
    (followed by the site register's lines); prognos and kommunikation as they are. The
    internal sections (resurser, aktörer, behov av beslut) stay out of the
    outbound report; the draft is edited before it is approved.
    """
    from crisis.situation import sections as situation_sections
    from crisis.situation import service as situation

    current = situation.current_sections(incident_id=incident.id)
    if current is None:
        return
    handelse = "\n\n".join(t for t in (current["handelse"], current["omfattning"]) if t)
    if handelse:
        report.handelse = handelse
    lines = situation_sections.consequence_lines(current["konsekvenser"])
    if lines:
        report.konsekvenser = "\n".join(lines + text.site_lines(snap))
    for f in ("prognos", "kommunikation"):
        if current[f]:
            setattr(report, f, current[f])


def create(*, actor: User, incident_id: int, supersedes: int | None = None) -> Report:
    """A new draft, prefilled; `supersedes` makes it a correction of that (approved) report."""
    check(actor, Perm.WRITE_LOG)
    kommun = current_app.config.get("CRISIS_KOMMUN", "")
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        draft = db.session.scalar(
            sa.select(Report.number).where(Report.incident_id == incident_id, Report.status == ReportStatus.DRAFT)
        )
        if draft is not None:
            raise Conflict(
                _l("Rapport %(number)s är fortfarande ett utkast; gör klart eller använd den först.", number=draft),
                code="draft_exists",
            )
        last = db.session.scalar(sa.select(sa.func.max(Report.number)).where(Report.incident_id == incident_id)) or 0
        if supersedes is not None:
            old = by_number(incident_id, supersedes)
            if old is None:
                raise ValidationError(
                    _l("Det finns ingen rapport %(number)s i händelsen att rätta.", number=supersedes)
                )
            if old.is_draft:
                raise Conflict(
                    _l("Rapport %(number)s är ett utkast; redigera den i stället för att rätta den.", number=supersedes)
                )
            later = _superseded_map(incident_id).get(supersedes)
            if later is not None:
                raise Conflict(
                    _l(
                        "Rapport %(number)s är redan rättad av rapport %(later)s; rätta den i stället.",
                        number=supersedes,
                        later=later,
                    ),
                    code="already_superseded",
                )
            since_log = int((old.snapshot or {}).get("since_log") or 0)
            previous_no = (old.snapshot or {}).get("previous_report")
            carry: Report | None = old
        else:
            prev = latest_issued(incident_id=incident_id)
            since_log = int((prev.snapshot or {}).get("log_head") or 0) if prev else 0
            previous_no = prev.number if prev else None
            carry = prev
        snap = take_snapshot(incident=incident, since_log=since_log, previous=previous_no)
        now = utcnow()
        report = Report(
            incident_id=incident_id,
            number=last + 1,
            status=ReportStatus.DRAFT,
            version=1,
            supersedes=supersedes,
            created_at=now,
            created_by_id=actor.id,
            created_by=actor.display_name,
            updated_at=now,
            updated_by=actor.display_name,
            snapshot=snap,
        )
        _prefill(report, incident, snap, carry, kommun)
        _prefill_lst(report, incident, carry, actor)
        if supersedes is not None:
            for f in NARRATIVE_FIELDS + ("nasta_rapport",) + LST_TEXT_FIELDS + LST_OTHER_FIELDS:
                setattr(report, f, getattr(carry, f))
        db.session.add(report)
        db.session.flush()
        what = f"rättelse av lägesrapport {supersedes}" if supersedes else "utkast"
        log.system_entry(incident=incident, actor=actor, text=f"Lägesrapport {report.number} påbörjad ({what}).")
    return report


UPDATABLE = (
    set(NARRATIVE_FIELDS)
    | set(CAP_TEXT_FIELDS)
    | set(CAP_CHOICE_FIELDS)
    | set(LST_TEXT_FIELDS)
    | set(LST_OTHER_FIELDS)
    | {"nasta_rapport", "area"}
)
_TIME_FIELDS = {"nasta_rapport", "period_fran", "period_till", "vma_begard_at"}
_OPTIONAL_BOOLS = {"krisledning_aktiverad", "kln_aktiverad"}


def _clean_lst(f: str, v: Any) -> Any:
    """One of Länsstyrelsen's fields, validated (see LST_TEXT_FIELDS, LST_OTHER_FIELDS)."""
    if f in LST_TEXT_FIELDS:
        return _text_field(f, v, LST_SHORT_FIELDS.get(f, MAX_NARRATIVE))
    if f in _OPTIONAL_BOOLS:
        if v is not None and not isinstance(v, bool):
            raise ValidationError(_l("%(field)s ska vara ja, nej eller tomt.", field=f))
        return v
    if f == "vma_begard":
        if v is not None and not isinstance(v, bool):
            raise ValidationError(_l("%(field)s ska vara ja eller nej.", field=f))
        return bool(v)
    if f == "klassning":
        if v not in classify.LEVELS:
            raise ValidationError(_l("Klassningen ska vara en av: %(allowed)s.", allowed=", ".join(classify.LEVELS)))
        return v
    if f == "osl_grund":
        return _text_field(f, v, MAX_SHORT) or None
    return v


def _check_lst(report: Report) -> None:
    """The fields against each other, as they will be saved."""
    if report.period_fran and report.period_till and report.period_fran > report.period_till:
        raise ValidationError(_l("Rapportperiodens början ligger efter dess slut."), code="period_order")
    secret = classify.RANK.get(report.klassning or "K1", 1) >= 2
    if secret and not report.osl_grund:
        raise ValidationError(
            _l('En rapport klassad K2 eller K3 behöver sin grund i OSL (t.ex. "18 kap. 13 § OSL").'),
            code="classification_osl_missing",
        )
    if report.osl_grund and not secret:
        raise ValidationError(
            _l("En rapport med sekretessgrund i OSL klassas K2 eller K3."), code="classification_osl_not_confidential"
        )


def update(
    *,
    actor: User,
    report_id: int,
    fields: dict[str, Any],
    expected_version: int | None = None,
    refresh_snapshot: bool = False,
) -> Report:
    """Edit a draft (PATCH semantics). Anything else is refused with 409: it never changes."""
    check(actor, Perm.WRITE_LOG)
    unknown = set(fields) - UPDATABLE
    if unknown:
        raise ValidationError(_l("Okända fält: %(fields)s.", fields=", ".join(sorted(unknown))))
    clean: dict[str, Any] = {}
    for f, v in fields.items():
        if f in NARRATIVE_FIELDS:
            clean[f] = _text_field(f, v, MAX_NARRATIVE)
        elif f in CAP_TEXT_FIELDS:
            clean[f] = _text_field(f, v, MAX_CAP_TEXT[f])
        elif f in CAP_CHOICE_FIELDS:
            if v not in CAP_CHOICES[f]:
                raise ValidationError(
                    _l("%(field)s ska vara en av: %(allowed)s.", field=f, allowed=", ".join(sorted(CAP_CHOICES[f])))
                )
            clean[f] = v
        elif f in _TIME_FIELDS:
            clean[f] = aware_time(v, f, code="validation_error")
        elif f in LST_TEXT_FIELDS or f in LST_OTHER_FIELDS:
            clean[f] = _clean_lst(f, v)
        elif f == "area":
            clean[f] = validate_area(v)
    get(viewer=actor, report_id=report_id)
    with write_transaction(db.session):
        incident, report = _locked_report(report_id)
        _require_draft(report)
        if expected_version is not None and expected_version != report.version:
            raise Conflict(
                _l(
                    "Rapport %(number)s har ändrats av %(who)s under tiden (version %(version)s); ladda om och ändra igen.",
                    number=report.number,
                    who=report.updated_by,
                    version=report.version,
                ),
                code="stale_version",
                details={"version": report.version, "updated_by": report.updated_by},
            )
        changed = False
        for f, v in clean.items():
            if getattr(report, f) != v:
                setattr(report, f, v)
                changed = True
        _check_lst(report)
        if refresh_snapshot:
            snap = report.snapshot or {}
            report.snapshot = take_snapshot(
                incident=incident, since_log=int(snap.get("since_log") or 0), previous=snap.get("previous_report")
            )
            changed = True
        if changed:
            report.version += 1
            report.updated_at = utcnow()
            report.updated_by = actor.display_name
    return report


def _require_draft(report: Report) -> None:
    if not report.is_draft:
        raise Conflict(
            _l(
                "Rapport %(number)s är %(status)s; en fastställd rapport ändras aldrig. Skriv en rättelse (en ny rapport som ersätter den).",
                number=report.number,
                status=labels.REPORT_STATUSES[report.status.value],
            ),
            code="report_frozen",
        )


def _locked_report(report_id: int) -> tuple[Incident, Report]:
    incident_id = db.session.scalar(sa.select(Report.incident_id).where(Report.id == report_id))
    if incident_id is None:
        raise NotFound(_l("Rapport %(id)s finns inte.", id=report_id))
    incident = events.lock_incident(incident_id=incident_id, allow_closed=True)
    report = db.session.get(Report, report_id, populate_existing=True)
    if report is None:
        raise NotFound(_l("Rapport %(id)s finns inte.", id=report_id))
    return incident, report


def _announce(incident: Incident, actor: User, report: Report) -> None:
    events.append_event(
        incident=incident,
        type="report.issued",
        actor=actor.username,
        # Every screen gets it: without the sites' Styrel class and fuel (crisis.sites.sensitive).
        data=sensitive.strip_report(
            to_dict(
                report, exercise=incident.is_exercise, superseded_by=_superseded_map(incident.id).get(report.number)
            )
        ),
    )


def approve(*, actor: User, report_id: int, expected_version: int | None = None) -> Report:
    """Fastställ: the report is frozen from now on and announced (`report.issued`)."""
    check(actor, Perm.LEAD)
    with write_transaction(db.session):
        incident, report = _locked_report(report_id)
        _require_draft(report)
        if expected_version is not None and expected_version != report.version:
            raise Conflict(
                _l(
                    "Rapport %(number)s har ändrats sedan du läste den (nu version %(version)s); läs den igen innan du fastställer.",
                    number=report.number,
                    version=report.version,
                ),
                code="stale_version",
                details={"version": report.version},
            )
        if not report.handelse.strip():
            raise ValidationError(_l("En rapport behöver åtminstone avsnittet Händelse innan den fastställs."))
        # An approved report must always be able to produce its CAP message:
        # check it now, before the report is frozen, and say what is missing.
        from crisis.reports import export

        missing, other = export.cap_problems(report, incident)
        if missing or other:
            names = ", ".join(_(export.CAP_FIELD_LABELS[f]) for f in missing)
            if missing:
                message = _(
                    "Rapporten kan inte fastställas: varningen till allmänheten (CAP) saknar %(fields)s. "
                    "Fyll i det under Information till allmänheten och försök igen.",
                    fields=names,
                )
            else:
                message = _(
                    "Rapporten kan inte fastställas: varningen till allmänheten (CAP) blir inte giltig (%(reasons)s).",
                    reasons="; ".join(other[:3]),
                )
            raise ValidationError(message, code="cap_incomplete", details={"missing": missing, "errors": other})
        if report.supersedes is not None:
            later = _superseded_map(incident.id).get(report.supersedes)
            if later is not None and later != report.number:
                raise Conflict(
                    _l(
                        "Rapport %(number)s är redan rättad av rapport %(later)s.",
                        number=report.supersedes,
                        later=later,
                    )
                )
        now = utcnow()
        actor_id, actor_name = actor.id, actor.display_name  # read before writing: no autoflush in between
        extra = f" Ersätter lägesrapport {report.supersedes}." if report.supersedes else ""
        nxt = f" Nästa rapport {text.local_time(report.nasta_rapport)}." if report.nasta_rapport else ""
        log.system_entry(
            incident=incident,
            actor=actor,
            text=f"Lägesrapport {report.number} fastställd av {actor_name}.{extra}{nxt}",
        )
        # The chain head including the approval entry, signed (crisis.log.checkpoints): the
        # frozen report carries it, so a later rewrite of the log is caught against it.
        signed = checkpoints.write_locked(incident=incident, source="report")
        if signed is not None:
            report.snapshot = {**(report.snapshot or {}), "checkpoint": signed}
        report.approved_at = now
        report.approved_by_id = actor_id
        report.approved_by = actor_name
        report.status = ReportStatus.APPROVED  # last: from here on the database guard holds
        _announce(incident, actor, report)
        # Issued reports are part of the record (drafts still change): searchable from now on.
        search.index_locked(
            kind="report",
            incident=incident,
            ref_id=report.id,
            number=report.number,
            title=f"Lägesrapport {report.number}",
            text="\n".join(getattr(report, f) for f in NARRATIVE_FIELDS if getattr(report, f)),
            occurred_at=now,
        )
        _queue_reminder(incident.id, report.nasta_rapport)
    return report


def send(
    *,
    actor: User,
    report_id: int,
    channel: str | None = None,
    recipient: str | None = None,
    sent_at: datetime | None = None,
) -> Report:
    """Record that the approved report was sent: when, how, to whom."""
    check(actor, Perm.WRITE_LOG)
    channel_v = _text_field("channel", channel, 100) or DEFAULT_CHANNEL
    recipient_v = _text_field("recipient", recipient, MAX_SHORT) or configured_recipient()
    sent_v = aware_time(sent_at, "sent_at", code="validation_error") if sent_at is not None else None
    with write_transaction(db.session):
        incident, report = _locked_report(report_id)
        if report.status is not ReportStatus.APPROVED:
            if report.is_draft:
                raise Conflict(
                    _l(
                        "Rapport %(number)s är ett utkast; den måste fastställas innan den skickas.",
                        number=report.number,
                    ),
                    code="not_approved",
                )
            raise Conflict(
                _l(
                    "Rapport %(number)s har redan status %(status)s.",
                    number=report.number,
                    status=labels.REPORT_STATUSES[report.status.value],
                ),
                code="already_sent",
            )
        now = utcnow()
        sent_v = sent_v or now
        if sent_v > now + timedelta(minutes=5):
            raise ValidationError(_l("Tiden då rapporten skickades (sent_at) ligger i framtiden."))
        if report.approved_at is not None and sent_v < report.approved_at - timedelta(minutes=1):
            raise ValidationError(_l("Tiden då rapporten skickades (sent_at) ligger före fastställandet."))
        actor_name = actor.display_name
        report.sent_at = sent_v
        report.sent_by = actor_name
        report.sent_channel = channel_v
        report.sent_recipient = recipient_v
        report.status = ReportStatus.SENT
        log.write_entry(
            incident=incident,
            actor=actor,
            kind=LogKind.OUTGOING,
            counterpart=recipient_v,
            text=f"Lägesrapport {report.number} skickad till {recipient_v} via {channel_v} "
            f"{text.local_time(sent_v, '%H:%M')}.",
            occurred_at=sent_v,
        )
        _announce(incident, actor, report)
        # Issued reports are part of the record (drafts still change): searchable from now on.
        search.index_locked(
            kind="report",
            incident=incident,
            ref_id=report.id,
            number=report.number,
            title=f"Lägesrapport {report.number}",
            text="\n".join(getattr(report, f) for f in NARRATIVE_FIELDS if getattr(report, f)),
            occurred_at=now,
        )
        _queue_reminder(incident.id, report.nasta_rapport)
    return report


def acknowledge(
    *, actor: User, report_id: int, acknowledged_by: str | None = None, acknowledged_at: datetime | None = None
) -> Report:
    """Record the recipient's receipt (kvittens) of a sent report."""
    check(actor, Perm.WRITE_LOG)
    who = _text_field("acknowledged_by", acknowledged_by, MAX_SHORT)
    at_v = (
        aware_time(acknowledged_at, "acknowledged_at", code="validation_error") if acknowledged_at is not None else None
    )
    with write_transaction(db.session):
        incident, report = _locked_report(report_id)
        if report.status is not ReportStatus.SENT:
            if report.status is ReportStatus.ACKNOWLEDGED:
                raise Conflict(
                    _l("Rapport %(number)s är redan kvitterad.", number=report.number), code="already_acknowledged"
                )
            raise Conflict(_l("Rapport %(number)s har inte skickats ännu.", number=report.number), code="not_sent")
        now = utcnow()
        at_v = at_v or now
        if at_v > now + timedelta(minutes=5):
            raise ValidationError(_l("Kvitteringstiden (acknowledged_at) ligger i framtiden."))
        if report.sent_at is not None and at_v < report.sent_at - timedelta(minutes=1):
            raise ValidationError(_l("Kvitteringstiden (acknowledged_at) ligger före tiden då rapporten skickades."))
        who = who or report.sent_recipient or configured_recipient()
        actor_name = actor.display_name
        report.acknowledged_at = at_v
        report.acknowledged_by = who
        report.acknowledged_recorded_by = actor_name
        report.status = ReportStatus.ACKNOWLEDGED
        log.write_entry(
            incident=incident,
            actor=actor,
            kind=LogKind.INCOMING,
            counterpart=who,
            text=f"Kvittens: lägesrapport {report.number} mottagen av {who}.",
            occurred_at=at_v,
        )
        _announce(incident, actor, report)
    return report


# --- the reminder before the next report -------------------------------------------


def _queue_reminder(incident_id: int, due: datetime | None) -> None:
    """After commit: the reminder before the next report (a failure is logged; the approval stands)."""
    if due is None:
        return
    from crisis.scheduler import runner

    runner.schedule_once_after_commit(
        job_id=f"{JOB_PREFIX}{incident_id}",
        run_at=max(due - REMINDER_LEAD, utcnow()),
        func_path=JOB_FUNC,
        args=(incident_id,),
    )


def remind_due(*, incident_id: int, now: datetime | None = None) -> bool:
    """Announce that the next report is due soon, once per (report, due time). Returns whether it fired."""
    now = now or utcnow()
    with write_transaction(db.session):
        incident = db.session.get(Incident, incident_id)
        if incident is None or incident.status.value != "active":
            return False
        incident = events.lock_incident(incident_id=incident_id)
        latest = latest_issued(incident_id=incident_id)
        if latest is None or latest.nasta_rapport is None:
            return False
        due = latest.nasta_rapport
        if now < due - REMINDER_LEAD - timedelta(seconds=5):
            return False  # rescheduled for later; this run is early
        key = {"kind": "report_due", "report": latest.number, "due": due.isoformat()}
        fired = db.session.scalars(
            sa.select(Event.data).where(Event.incident_id == incident_id, Event.type == "reminder.due")
        )
        if any(isinstance(d, dict) and all(d.get(k) == v for k, v in key.items()) for d in fired):
            return False
        log.system_entry(
            incident=incident,
            actor=None,
            text=f"Påminnelse: nästa lägesrapport ska vara klar {text.local_time(due, '%H:%M')} "
            f"(efter lägesrapport {latest.number}).",
        )
        events.append_event(
            incident=incident,
            type="reminder.due",
            actor=None,
            data=dict(key, text=f"Nästa lägesrapport {text.local_time(due, '%H:%M')}", incident=incident_id),
        )
    return True


def may_approve(user: User) -> bool:
    return has_perm(user, Perm.LEAD)


# --- the report rhythm --------------------------------------------------------------


def rhythm_dict(incident: Incident) -> dict[str, Any]:
    times = rhythm.parse(incident.report_times) if incident.report_times else []
    return {
        "incident": incident.id,
        "times": [t.strftime("%H:%M") for t in times],
        "next_at": _default_next(utcnow(), incident).isoformat(),
    }


def get_rhythm(*, viewer: User, incident_id: int) -> dict[str, Any]:
    return rhythm_dict(incidents.get(viewer=viewer, incident_id=incident_id))


def set_rhythm(*, actor: User, incident_id: int, times: list[str]) -> dict[str, Any]:
    """The fixed clock times Länsstyrelsen asked for (e.g. 08:00, 14:00); none = every 4 hours.

    Each new draft's "next report" is then the first of them after now.
    """
    check(actor, Perm.WRITE_LOG)
    try:
        parsed = rhythm.parse(times)
    except ValueError:
        raise ValidationError(
            _l(
                "Rapporttiderna ska vara klockslag som 08:00 (högst %(n)s stycken).",
                n=rhythm.MAX_TIMES,
            ),
            code="bad_times",
        ) from None
    value = rhythm.stored(parsed)
    with write_transaction(db.session):
        incident = events.lock_incident(incident_id=incident_id)
        if incident.report_times != value:
            incident.report_times = value
            said = (
                f"Lägesrapporter ska lämnas klockan {', '.join(t.strftime('%H:%M') for t in parsed)}."
                if parsed
                else "Fasta rapporttider borttagna; nästa lägesrapport föreslås fyra timmar efter den förra."
            )
            log.system_entry(incident=incident, actor=actor, text=said)
            events.append_event(
                incident=incident, type="incident.updated", actor=actor.username, data=incident.to_dict()
            )
        result = rhythm_dict(incident)
    return result
