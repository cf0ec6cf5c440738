"""The shared vocabulary of the domain (DESIGN.md, "Domain").

Pure module: no Flask, no database. Every value here is part of the API
contract; user-facing labels are translated in the templates and the
JavaScript through the translation layer, not here.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    STAFF = "staff"
    DUTY_OFFICER = "duty_officer"
    EXERCISE_CONTROL = "exercise_control"
    OBSERVER = "observer"
    REPORTER = "reporter"  # förvaltningar and bolag: report deviations, follow their own


class Mode(StrEnum):
    REAL = "real"
    EXERCISE = "exercise"


class Level(StrEnum):
    NORMAL = "normal"
    MONITORING = "monitoring"
    REINFORCED = "reinforced"
    STAFF = "staff"


# Ordered from lowest to highest; used for "the kommun-wide level" and the TiB limit.
# Extraordinär händelse (KLN) and höjd beredskap are not levels of an incident.
LEVEL_ORDER: tuple[Level, ...] = (Level.NORMAL, Level.MONITORING, Level.REINFORCED, Level.STAFF)


class DecisionType(StrEnum):
    DIRECTION = "direction"  # inriktningsbeslut
    COORDINATION = "coordination"  # samordningsbeslut / överenskommelse i samverkan
    PRIORITY = "priority"  # prioriteringsbeslut
    RESOURCE = "resource"  # resursbeslut
    DELEGATION = "delegation"  # delegationsbeslut
    LEVEL = "level"  # nivåbeslut
    KLN = "kln"  # beslut om krisledningsnämnden
    STAND_DOWN = "stand_down"  # avvecklingsbeslut
    OTHER = "other"


class DecisionStatus(StrEnum):
    IN_FORCE = "in_force"  # gäller
    SUPERSEDED = "superseded"  # ersatt
    REVOKED = "revoked"  # upphävt
    DONE = "done"  # genomfört


class Readiness(StrEnum):
    """The kommun's beredskapsläge: the government's decision, not an incident's level."""

    PEACE = "peace"
    HEIGHTENED = "heightened"  # skärpt beredskap
    HIGHEST = "highest"  # högsta beredskap


class IncidentStatus(StrEnum):
    ACTIVE = "active"
    STANDING_DOWN = "standing_down"  # avveckling: decided, open tasks being closed or handed over
    CLOSED = "closed"


# Statuses of an incident that is still open (the staff works in it).
OPEN_INCIDENT_STATUSES: tuple[IncidentStatus, ...] = (IncidentStatus.ACTIVE, IncidentStatus.STANDING_DOWN)


class LogKind(StrEnum):
    INFO = "info"
    DECISION = "decision"
    ACTION = "action"
    INCOMING = "incoming"
    OUTGOING = "outgoing"
    STATUS = "status"
    SYSTEM = "system"


# Kinds a person may write by hand; `system` entries are written by the app.
USER_LOG_KINDS: tuple[LogKind, ...] = tuple(k for k in LogKind if k is not LogKind.SYSTEM)


class Classification(StrEnum):
    PUBLIC = "public"  # KLASSA 0
    INTERNAL = "internal"  # KLASSA 1
    CONFIDENTIAL = "confidential"  # KLASSA 2-3, carries an OSL ground


class TaskStatus(StrEnum):
    TODO = "todo"
    DOING = "doing"
    BLOCKED = "blocked"
    DONE = "done"
    CANCELLED = "cancelled"


OPEN_TASK_STATUSES: tuple[TaskStatus, ...] = (TaskStatus.TODO, TaskStatus.DOING, TaskStatus.BLOCKED)


class Priority(StrEnum):
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class SiteCategory(StrEnum):
    HEALTH = "health"
    CARE = "care"
    RESCUE = "rescue"
    WATER = "water"
    SEWAGE = "sewage"
    POWER = "power"
    ROADS = "roads"
    TELECOM = "telecom"
    SCHOOL = "school"
    OTHER = "other"


class SiteState(StrEnum):
    OPERATIONAL = "operational"
    DEGRADED = "degraded"
    DOWN = "down"
    UNKNOWN = "unknown"


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    ENDED = "ended"


FAILING_SITE_STATES: frozenset[SiteState] = frozenset({SiteState.DEGRADED, SiteState.DOWN})


# Standard staff positions (stabsfunktioner). Keys are stable identifiers used
# by playbooks and the API; labels are Swedish source strings for the
# translation layer.
STANDARD_POSITIONS: dict[str, str] = {
    "krisledningschef": "Krisledningschef",
    "stabschef": "Stabschef",
    "ledningsstod": "Ledningsstöd/dagbok",
    "analys": "Analys/lägesbild",
    "planering": "Planering",
    "kommunikation": "Kommunikation",
    "samverkan": "Samverkan",
    "resurs": "Resurs/logistik",
    "personal": "Personal",
    "samband": "Samband",
}
