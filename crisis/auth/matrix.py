"""The authorization matrix: ONE table saying, for every page endpoint, every API
operation and every Socket.IO event, which roles may use it.

A rule names the permission (crisis.auth.permissions.Perm) that opens the door;
which roles hold it comes from `ROLE_PERMS`, so the table cannot drift from the
roles. `PUBLIC` needs no login; `LOGIN` is any logged-in user (every role).

The table is enforced at the edge (`crisis.auth.gate`): a role the table refuses
gets 403 (API: JSON error; pages: the readable error page) before the request is
parsed. Services still check their own, finer rules (a TiB's level limit, own
tokens, the holder of a position): such entries are marked `conditional=True` with
a note, and may still refuse an allowed role for that object.

Adding a route: add one line here (tests/web/test_authz_matrix.py fails naming every
page endpoint, API operation or socket event that is not in the table). The README's
role table is rendered from `README_ROWS` (a test compares them).

Needs no app and no database (only the role and permission enums).
"""

from __future__ import annotations

from dataclasses import dataclass

from crisis.auth.permissions import ROLE_PERMS, Perm
from crisis.enums import Role


@dataclass(frozen=True)
class Rule:
    """Who may: holders of any of `perms`, plus the named `roles`; or anyone (public) or
    any logged-in user (login)."""

    perms: frozenset[Perm] = frozenset()
    roles: frozenset[Role] = frozenset()
    public: bool = False
    login: bool = False
    conditional: bool = False
    note: str = ""

    def allows(self, role: Role | None) -> bool:
        """Whether a user of `role` (None: not logged in) may pass."""
        if self.public:
            return True
        if role is None:
            return False
        if self.login or role in self.roles:
            return True
        return bool(self.perms & ROLE_PERMS.get(role, frozenset()))

    def allowed_roles(self) -> list[Role]:
        return [r for r in Role if self.allows(r)]


PUBLIC = Rule(public=True)
LOGIN = Rule(login=True)


def need(*perms: Perm, roles: tuple[Role, ...] = (), note: str = "") -> Rule:
    """Holders of any of `perms` (and the `roles` named). A `note` marks a finer
    rule the service adds for some objects (conditional)."""
    return Rule(perms=frozenset(perms), roles=frozenset(roles), conditional=bool(note), note=note)


READ = need(Perm.READ)
CONF = need(Perm.READ_CONFIDENTIAL)
WRITE = need(Perm.WRITE_LOG)
STAFFING = need(Perm.STAFFING)
CREATE = need(Perm.CREATE_INCIDENT)
LEAD = need(Perm.LEAD)
DECIDE = need(Perm.DECIDE)
EXERCISES = need(Perm.EXERCISES)
SITES = need(Perm.MANAGE_SITES)
ADMIN = need(Perm.ADMIN)
REPORT = need(Perm.REPORT)

# --- pages: endpoint -> rule (every method of the endpoint) -------------------------------

# Pages an app has only when configured so: OpenID Connect login (CRISIS_OIDC_ISSUER).
OPTIONAL_PAGES = frozenset({"oidc.start", "oidc.callback"})

PAGES: dict[str, Rule] = {
    "static": PUBLIC,
    "openapi": PUBLIC,
    "web.healthz": PUBLIC,
    "web.service_worker": PUBLIC,  # the offline service worker script (crisis/web/offline.py)
    "web.set_language": PUBLIC,
    "auth.login": PUBLIC,
    "oidc.start": PUBLIC,  # login with the kommun's identity provider (see OPTIONAL_PAGES)
    "oidc.callback": PUBLIC,
    "auth.logout": LOGIN,
    "auth.account": LOGIN,
    "auth.logout_everywhere": LOGIN,
    "web.index": Rule(login=True, note="a reporter is sent on to the report form"),
    "printmarks.print_marks": LOGIN,
    "auth.admin_users": ADMIN,
    "auth.admin_users_create": ADMIN,
    "auth.admin_users_update": ADMIN,
    "auth.admin_users_logout_everywhere": ADMIN,
    "auth.admin_tokens_create": ADMIN,
    "auth.admin_tokens_revoke": ADMIN,
    "inbox.inbox": CREATE,
    "inbox.new": REPORT,
    "web.create_incident": CREATE,
    "web.incident": READ,
    "web.log_print": READ,
    "web.log_csv": READ,
    "wall.wall": READ,
    "tasks.board": READ,
    "timeline.timeline": READ,
    "sites.incident_map": READ,
    "sites.register": READ,
    "sites.export": READ,
    "sites.create": SITES,
    "sites.edit": SITES,
    "sites.retire": SITES,
    "sites.restore": SITES,
    "sites.import_file": SITES,
    "situation.page": CONF,
    "decisions.register": READ,
    "decisions.print_protocol": READ,
    "meetings.page": READ,
    "meetings.present": READ,
    "meetings.protocol": READ,
    "reports.reports_page": READ,
    "reports.report_print": READ,
    "reports.report_json": READ,
    "reports.report_wis": READ,
    "reports.report_cap_page": READ,
    "playbooks.index": READ,
    "playbooks.reload": ADMIN,
    "playbooks.choose": CREATE,
    "playbooks.details": CREATE,
    "playbooks.confirm": CREATE,
    "playbooks.go": CREATE,
    "playbooks.callout_page": READ,
    # The acknowledgement link of a call-out: the unguessable token is the credential.
    "ack.ack_page": Rule(public=True, note="the token in the link; records only that person's acknowledgement"),
    "drills.index": CONF,
    "drills.start": EXERCISES,
    "drills.detail": CONF,
    "exercises.index": READ,
    "exercises.schedule": EXERCISES,
    "exercises.control": READ,
    "exercises.evaluation_page": READ,
    "exercises.evaluation_csv": READ,
    "exercises.evaluation_json": READ,
    "evaluations.exercise_hot_wash": READ,
    "evaluations.incident_hot_wash": READ,
    "evaluations.incident_evaluation": need(Perm.READ, note="evaluators; everyone once the incident stands down"),
    "evaluations.finding_lesson": need(Perm.EXERCISES, Perm.LEAD),
    "evaluations.exercise_review_form": need(Perm.EXERCISES, Perm.LEAD, roles=(Role.OBSERVER,)),
    "evaluations.incident_review_form": need(Perm.EXERCISES, Perm.LEAD, roles=(Role.OBSERVER,)),
    "lessons.index": READ,
    "lessons.change_status": WRITE,
    "readiness.page": READ,
    "training.page": READ,
    "training.add_activity": LEAD,
    "training.activity_status": LEAD,
    "training.add_record": LEAD,
    "training.set_roster": LEAD,
    "rsa.page": CONF,
    "rsa.print_marks": CONF,
    "rsa.add_risk": LEAD,
    "rsa.add_measure": LEAD,
    "rsa.measure_status": LEAD,
    "followup.current": READ,
    "followup.page": READ,
    "followup.csv": READ,
    "followup.print_marks": READ,
    "search.search_page": READ,
    "search.search_export": need(Perm.READ, note="without an incident: lead (all incidents)"),
    # crisis communication (messages, VMA) and service points
    "communication.page": READ,
    # actor register, samverkan conferences
    "actors.register": CONF,
    "actors.export": CONF,
    "actors.create": ADMIN,
    "actors.edit": ADMIN,
    "actors.set_active": ADMIN,
    "actors.import_file": ADMIN,
    "actors.samverkan_page": need(Perm.READ, note="recording a conference (POST): write_log"),
    "actors.samverkan_file_upload": WRITE,
    # read audit of confidential entries
    "log.admin_reads": ADMIN,
    # sambandsplan and reservpärm (paper fallback)
    "samband.page": need(Perm.READ, note="changing the plan (POST): write_log"),
    "binder.incident_binder": need(Perm.READ, note="phone numbers, actors and the lägesbild: read_confidential"),
    "binder.kommun_binder": need(Perm.READ, note="phone numbers and actors: read_confidential"),
}

# --- API operations: "METHOD /api/v1/path/{param}" (as in /api/openapi.json) -> rule ---------

API: dict[str, Rule] = {
    "POST /api/v1/auth/login": PUBLIC,
    "GET /api/v1/auth/me": LOGIN,
    "GET /api/v1/tokens": LOGIN,
    "POST /api/v1/tokens": Rule(login=True, conditional=True, note="`user` (another user's token): admins only"),
    "DELETE /api/v1/tokens/{token_id}": Rule(login=True, conditional=True, note="own tokens; admins any"),
    "GET /api/v1/incidents": READ,
    "POST /api/v1/incidents": CREATE,
    "GET /api/v1/incidents/{incident_id}": READ,
    "PATCH /api/v1/incidents/{incident_id}": need(
        Perm.WRITE_LOG, note="level: decide (a TiB up to CRISIS_TIB_MAX_LEVEL); close: lead"
    ),
    "GET /api/v1/incidents/{incident_id}/log": READ,
    "POST /api/v1/incidents/{incident_id}/log": WRITE,
    "POST /api/v1/incidents/{incident_id}/log/{n}/correction": WRITE,
    "GET /api/v1/incidents/{incident_id}/events": READ,
    "GET /api/v1/incidents/{incident_id}/staffing": READ,
    "POST /api/v1/incidents/{incident_id}/staffing": STAFFING,
    "GET /api/v1/incidents/{incident_id}/staffing/{position}/handover": need(
        Perm.STAFFING, note="the holder of the position"
    ),
    "POST /api/v1/incidents/{incident_id}/staffing/{position}/handover": need(
        Perm.STAFFING, note="the holder of the position"
    ),
    "POST /api/v1/handovers/{handover_id}/acknowledge": need(
        Perm.STAFFING, note="the new holder of the position, or lead"
    ),
    "GET /api/v1/sites": READ,
    "POST /api/v1/sites": SITES,
    "POST /api/v1/sites/import": SITES,
    "GET /api/v1/sites/{site_id}": READ,
    "PATCH /api/v1/sites/{site_id}": SITES,
    "POST /api/v1/sites/{site_id}/retire": SITES,
    "POST /api/v1/sites/{site_id}/restore": SITES,
    "GET /api/v1/sites/{site_id}/history": READ,
    "PUT /api/v1/incidents/{incident_id}/sites/{site_id}/status": WRITE,
    "GET /api/v1/incidents/{incident_id}/sites/summary": READ,
    "GET /api/v1/incidents/{incident_id}/decisions": READ,
    "POST /api/v1/incidents/{incident_id}/decisions": need(
        Perm.DECIDE, note="a level decision: a TiB only up to CRISIS_TIB_MAX_LEVEL"
    ),
    "GET /api/v1/decisions/{decision_id}": READ,
    "PATCH /api/v1/decisions/{decision_id}": DECIDE,
    "GET /api/v1/incidents/{incident_id}/tasks": READ,
    "POST /api/v1/incidents/{incident_id}/tasks": WRITE,
    "GET /api/v1/tasks/{task_id}": READ,
    "PATCH /api/v1/tasks/{task_id}": WRITE,
    "POST /api/v1/tasks/{task_id}/hand-over": WRITE,
    "GET /api/v1/tasks/{task_id}/history": READ,
    "GET /api/v1/incidents/{incident_id}/reports": READ,
    "POST /api/v1/incidents/{incident_id}/reports": WRITE,
    "GET /api/v1/reports/{report_id}": READ,
    "PATCH /api/v1/reports/{report_id}": WRITE,
    "POST /api/v1/reports/{report_id}/approve": LEAD,
    "POST /api/v1/reports/{report_id}/send": WRITE,
    "POST /api/v1/reports/{report_id}/acknowledge": WRITE,
    "GET /api/v1/reports/{report_id}/cap.xml": READ,
    "GET /api/v1/incidents/{incident_id}/situation": CONF,
    "PUT /api/v1/incidents/{incident_id}/situation": WRITE,
    "GET /api/v1/incidents/{incident_id}/samband": READ,
    "PUT /api/v1/incidents/{incident_id}/samband": WRITE,
    "GET /api/v1/incidents/{incident_id}/situation/versions": CONF,
    "GET /api/v1/incidents/{incident_id}/situation/versions/{version}": CONF,
    "GET /api/v1/incidents/{incident_id}/meetings": READ,
    "POST /api/v1/incidents/{incident_id}/meetings": WRITE,
    "GET /api/v1/incidents/{incident_id}/meetings/rhythm": READ,
    "PUT /api/v1/incidents/{incident_id}/meetings/rhythm": WRITE,
    "GET /api/v1/meetings/{meeting_id}": READ,
    "PATCH /api/v1/meetings/{meeting_id}": WRITE,
    "POST /api/v1/meetings/{meeting_id}/start": WRITE,
    "POST /api/v1/meetings/{meeting_id}/advance": WRITE,
    "POST /api/v1/meetings/{meeting_id}/end": WRITE,
    "POST /api/v1/meetings/{meeting_id}/tasks": WRITE,
    "POST /api/v1/meetings/{meeting_id}/decisions": DECIDE,
    "GET /api/v1/incidents/{incident_id}/timeline": READ,
    "GET /api/v1/incidents/{incident_id}/archive": need(Perm.LEAD),
    "GET /api/v1/lessons": READ,
    "POST /api/v1/lessons": WRITE,
    "GET /api/v1/lessons/{lesson_id}": READ,
    "PATCH /api/v1/lessons/{lesson_id}": need(Perm.WRITE_LOG, note="lead, or the lesson's creator"),
    "GET /api/v1/readiness": READ,
    "PUT /api/v1/readiness": LEAD,
    "GET /api/v1/training/activities": READ,
    "POST /api/v1/training/activities": LEAD,
    "PATCH /api/v1/training/activities/{activity_id}": LEAD,
    "GET /api/v1/training/records": READ,
    "POST /api/v1/training/records": LEAD,
    "GET /api/v1/training/qualified": READ,
    "GET /api/v1/roster": READ,
    "PUT /api/v1/roster": LEAD,
    "GET /api/v1/rsa/risks": CONF,
    "POST /api/v1/rsa/risks": LEAD,
    "GET /api/v1/rsa/risks/{risk_id}": CONF,
    "PATCH /api/v1/rsa/risks/{risk_id}": LEAD,
    "POST /api/v1/rsa/risks/{risk_id}/measures": LEAD,
    "PATCH /api/v1/rsa/measures/{measure_id}": LEAD,
    "GET /api/v1/followup/{year}": READ,
    "GET /api/v1/search": need(Perm.READ, note="without `incident`: lead (all incidents)"),
    "GET /api/v1/scenarios": READ,
    "GET /api/v1/exercises": READ,
    "POST /api/v1/exercises": EXERCISES,
    "GET /api/v1/exercises/{exercise_id}": READ,
    "POST /api/v1/exercises/{exercise_id}/start": EXERCISES,
    "POST /api/v1/exercises/{exercise_id}/pause": EXERCISES,
    "POST /api/v1/exercises/{exercise_id}/resume": EXERCISES,
    "POST /api/v1/exercises/{exercise_id}/end": EXERCISES,
    "POST /api/v1/exercises/{exercise_id}/stop": need(Perm.EXERCISES, Perm.LEAD),
    "POST /api/v1/exercises/{exercise_id}/speed": EXERCISES,
    "POST /api/v1/exercises/{exercise_id}/injects": EXERCISES,
    "GET /api/v1/exercises/{exercise_id}/observations": need(
        Perm.READ, note="exercise control and observers; the others once the exercise is over"
    ),
    "POST /api/v1/exercises/{exercise_id}/observations": need(Perm.EXERCISES, roles=(Role.OBSERVER,)),
    "GET /api/v1/exercises/{exercise_id}/evaluation": READ,
    "GET /api/v1/exercises/{exercise_id}/review": need(Perm.READ, note="evaluators; everyone once it is over"),
    "PUT /api/v1/exercises/{exercise_id}/review/objectives/{key}": need(
        Perm.EXERCISES, Perm.LEAD, roles=(Role.OBSERVER,)
    ),
    "PUT /api/v1/exercises/{exercise_id}/review/injects/{inject_id}": need(
        Perm.EXERCISES, Perm.LEAD, roles=(Role.OBSERVER,)
    ),
    "POST /api/v1/exercises/{exercise_id}/review/hot-wash": need(Perm.READ, note="once the exercise is over"),
    "POST /api/v1/exercises/{exercise_id}/review/findings": need(Perm.EXERCISES, Perm.LEAD, roles=(Role.OBSERVER,)),
    "GET /api/v1/incidents/{incident_id}/review": need(Perm.READ, note="evaluators; everyone once it stands down"),
    "PUT /api/v1/incidents/{incident_id}/review/objectives/{key}": need(
        Perm.EXERCISES, Perm.LEAD, roles=(Role.OBSERVER,)
    ),
    "POST /api/v1/incidents/{incident_id}/review/questions": need(Perm.EXERCISES, Perm.LEAD, roles=(Role.OBSERVER,)),
    "POST /api/v1/incidents/{incident_id}/review/hot-wash": need(Perm.READ, note="once the incident stands down"),
    "POST /api/v1/incidents/{incident_id}/review/findings": need(Perm.EXERCISES, Perm.LEAD, roles=(Role.OBSERVER,)),
    "POST /api/v1/findings/{finding_id}/lesson": need(Perm.EXERCISES, Perm.LEAD),
    "GET /api/v1/playbooks": READ,
    "GET /api/v1/playbooks/{key}": READ,
    "POST /api/v1/playbooks/{key}/activate": CREATE,
    "GET /api/v1/incidents/{incident_id}/callout": CONF,
    "POST /api/v1/incidents/{incident_id}/callout": need(Perm.WRITE_LOG, note="notify and substitute: create_incident"),
    "POST /api/v1/sms/inbound": Rule(public=True, note="the SMS gateway, with CRISIS_SMS_INBOUND_SECRET"),
    "GET /api/v1/drills": CONF,
    "POST /api/v1/drills": EXERCISES,
    "GET /api/v1/drills/{drill_id}": CONF,
    "GET /api/v1/incidents/{incident_id}/checklist": READ,
    "POST /api/v1/incidents/{incident_id}/checklist": WRITE,
    "GET /api/v1/deviations": need(Perm.REPORT, Perm.CREATE_INCIDENT, note="a reporter sees only their own"),
    "POST /api/v1/deviations": REPORT,
    "GET /api/v1/deviations/{deviation_id}": need(
        Perm.REPORT, Perm.CREATE_INCIDENT, note="a reporter sees only their own"
    ),
    "POST /api/v1/deviations/{deviation_id}/assess": CREATE,
    # crisis communication: messages to the public, VMA requests, CAP; service points
    "GET /api/v1/incidents/{incident_id}/messages": READ,
    "POST /api/v1/incidents/{incident_id}/messages": WRITE,
    "GET /api/v1/incidents/{incident_id}/messages/latest": READ,
    "GET /api/v1/messages/{message_id}": READ,
    "PATCH /api/v1/messages/{message_id}": WRITE,
    "POST /api/v1/messages/{message_id}/approve": need(
        Perm.READ, note="only the roles in CRISIS_MESSAGE_APPROVER_ROLES (leader, admin), not one's own"
    ),
    "POST /api/v1/messages/{message_id}/publish": WRITE,
    "GET /api/v1/messages/{message_id}/cap.xml": Rule(
        public=True, conditional=True, note="anyone for a message in the public CAP feed; otherwise read"
    ),
    "GET /api/v1/cap/feed.atom": Rule(
        public=True, conditional=True, note="public unless CRISIS_CAP_FEED_PUBLIC=off (then read)"
    ),
    "GET /api/v1/incidents/{incident_id}/vma": READ,
    "POST /api/v1/incidents/{incident_id}/vma": WRITE,
    "PATCH /api/v1/vma/{vma_id}": WRITE,
    "GET /api/v1/incidents/{incident_id}/points": READ,
    "POST /api/v1/incidents/{incident_id}/points": WRITE,
    "GET /api/v1/points/{point_id}": READ,
    "PATCH /api/v1/points/{point_id}": WRITE,
    # actor register, samverkan conferences, resource requests
    "GET /api/v1/actors": CONF,
    "POST /api/v1/actors": ADMIN,
    "GET /api/v1/actors/{actor_id}": CONF,
    "PATCH /api/v1/actors/{actor_id}": ADMIN,
    "GET /api/v1/incidents/{incident_id}/samverkan": READ,
    "POST /api/v1/incidents/{incident_id}/samverkan": WRITE,
    "GET /api/v1/samverkan/{conference_id}": READ,
    "POST /api/v1/samverkan/{conference_id}/agreements": need(
        Perm.WRITE_LOG, note="an agreement as a decision: decide"
    ),
    "GET /api/v1/samverkan/{conference_id}/files": READ,
    "POST /api/v1/samverkan/{conference_id}/files": WRITE,
    "GET /api/v1/samverkan/files/{file_id}": READ,
    "GET /api/v1/incidents/{incident_id}/requests": READ,
    "POST /api/v1/incidents/{incident_id}/requests": WRITE,
    "GET /api/v1/requests/{request_id}": READ,
    "PATCH /api/v1/requests/{request_id}": WRITE,
    # read audit; the lägesrapport's fixed clock times
    "GET /api/v1/reads": ADMIN,
    "GET /api/v1/incidents/{incident_id}/report-rhythm": READ,
    "PUT /api/v1/incidents/{incident_id}/report-rhythm": WRITE,
}

# --- Socket.IO events (default namespace) ----------------------------------------------------

SOCKET: dict[str, Rule] = {
    "connect": LOGIN,  # a session cookie, an Authorization header or the auth payload {token}
    "join": READ,  # an observer joins the restricted audience (confidential events as skips)
    "join_inbox": CREATE,
    "leave": LOGIN,
}


def api_key(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def for_page(endpoint: str | None) -> Rule | None:
    return PAGES.get(endpoint or "")


def for_api(method: str, path: str) -> Rule | None:
    return API.get(api_key(method, path))


# --- the README's role table, rendered from the permissions --------------------------------

README_ROLES: tuple[Role, ...] = (
    Role.REPORTER,
    Role.OBSERVER,
    Role.STAFF,
    Role.EXERCISE_CONTROL,
    Role.DUTY_OFFICER,
    Role.LEADER,
    Role.ADMIN,
)

README_ROWS: tuple[tuple[str, Rule, dict[Role, str]], ...] = (
    (
        "report deviations to the TiB inbox (`/inbox/new`, `POST /deviations`), follow own reports",
        REPORT,
        {},
    ),
    ("read incidents, log, map, tasks, sites, search", READ, {Role.OBSERVER: "yes (no confidential entries)"}),
    ("write log entries, corrections, tasks, site status; check in/out", WRITE, {}),
    ("open incidents, activate playbooks, TiB inbox", CREATE, {}),
    ("record decisions (a level only up to `CRISIS_TIB_MAX_LEVEL`)", DECIDE, {}),
    ("level decisions above the TiB limit, close incidents, approve reports", LEAD, {}),
    ("draft and publish messages to the public, request VMA, run service points", WRITE, {}),
    (
        "approve messages to the public (`CRISIS_MESSAGE_APPROVER_ROLES`, by default leader and admin; not one's own)",
        LEAD,
        {},
    ),
    ("read the actor register (contact routes, Rakel talk groups)", CONF, {}),
    ("resource requests, samverkan conferences, agreements as tasks", WRITE, {}),
    ("sites' Styrel class and reservkraft hours (the default of `CRISIS_SITE_SENSITIVE_ROLES`)", WRITE, {}),
    ("schedule and run exercises", EXERCISES, {}),
    ("users, other users' API tokens, site register, actor register, read audit (`/admin/reads`)", ADMIN, {}),
    ("own API tokens (`/api/v1/tokens`), own account", LOGIN, {}),
)


def readme_table() -> str:
    """The markdown table of README.md's "What the roles may do" (tests compare the two)."""
    head = "| | " + " | ".join(r.value for r in README_ROLES) + " |"
    sep = "| --- |" + " --- |" * len(README_ROLES)
    lines = [head, sep]
    for text, rule, special in README_ROWS:
        cells = [special.get(r, "yes") if rule.allows(r) else "" for r in README_ROLES]
        lines.append(f"| {text} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
