"""Imports every model module so the metadata (and Alembic) sees every table."""

from crisis.actors.models import Actor, Conference  # noqa: F401
from crisis.api.idempotency import IdempotencyKey  # noqa: F401
from crisis.auth.models import ApiToken, FailedLogin, User, UserSession  # noqa: F401
from crisis.decisions.models import Decision  # noqa: F401
from crisis.drills.models import Drill, DrillEntry  # noqa: F401
from crisis.events.models import Event  # noqa: F401
from crisis.exercises.models import Exercise, InjectDelivery, Observation  # noqa: F401
from crisis.inbox.models import Deviation, DeviationStep  # noqa: F401
from crisis.incidents.models import Incident  # noqa: F401
from crisis.lessons.models import Lesson, LessonChange  # noqa: F401
from crisis.log.models import ConfidentialRead, LogCheckpoint, LogEntry  # noqa: F401
from crisis.meetings.models import Meeting, MeetingRhythm  # noqa: F401
from crisis.messages.models import Message, VmaRequest  # noqa: F401
from crisis.playbooks.models import (  # noqa: F401
    AckToken,
    CalloutEntry,
    ChecklistItem,
    IncidentReminder,
    MailMessage,
    PlaybookActivation,
    SmsMessage,
)
from crisis.points.models import ServicePoint  # noqa: F401
from crisis.readiness.models import ReadinessChange  # noqa: F401
from crisis.reports.models import Report  # noqa: F401
from crisis.requests.models import ResourceRequest, ResourceRequestChange  # noqa: F401
from crisis.rsa.models import RsaMeasure, RsaRisk  # noqa: F401
from crisis.search.models import SearchDoc  # noqa: F401
from crisis.sites.models import Site, SiteStatus  # noqa: F401
from crisis.situation.models import SituationVersion  # noqa: F401
from crisis.staffing.models import Assignment, Handover, Position  # noqa: F401
from crisis.tasks.models import Task, TaskChange  # noqa: F401
from crisis.training.models import RosterEntry, TrainingActivity, TrainingRecord  # noqa: F401
