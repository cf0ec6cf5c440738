"""Playbooks: validated YAML templates that start an incident (see playbooks/README.md).

The loader and validation are pure (no Flask, no database); `init_app`
registers the Flask side (services, views) and imports it only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crisis.playbooks.loader import (
    Contact,
    InvalidPlaybook,
    LoadResult,
    Playbook,
    PlaybookError,
    Position,
    Reminder,
    ReminderKind,
    Substitute,
    TaskTemplate,
    load_playbook,
    load_playbooks,
)

if TYPE_CHECKING:
    from flask import Flask

__all__ = [
    "Contact",
    "InvalidPlaybook",
    "LoadResult",
    "Playbook",
    "PlaybookError",
    "Position",
    "Reminder",
    "ReminderKind",
    "Substitute",
    "TaskTemplate",
    "load_playbook",
    "load_playbooks",
]


def init_app(app: Flask) -> None:
    """Load the playbooks (broken ones are reported, the app keeps running), the
    playbook and call-out pages, the API routes, the "start" menu, and the
    close hook that stops an incident's reminders, their recovery (and the call-out's
    acknowledgement check) at scheduler start, the acknowledgement link and the SMS
    reply webhook, and `validate-playbooks`."""
    from flask_babel import lazy_gettext as _l

    from crisis import registry as app_registry
    from crisis.auth.permissions import Perm
    from crisis.playbooks import cli, registry, reminders, views

    reg = app_registry.of(app)
    registry.reload(app)
    app.register_blueprint(views.pages)
    app.register_blueprint(views.ack_pages)  # /ack/<token>: the acknowledgement link, no login
    reg.add_nav("playbooks.index", _l("Spelböcker"), Perm.READ)
    reg.add_incident_nav("playbooks.callout_page", _l("Larmning"))
    app.jinja_env.globals.update(start_playbooks=views.start_playbooks)
    reg.on_close(reminders.stop_reminders_locked)
    reg.on_scheduler_start("crisis.playbooks.jobs:recover")  # recurring reminders lost in downtime
    app.cli.add_command(cli.validate_playbooks)
