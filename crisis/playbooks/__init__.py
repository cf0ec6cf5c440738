"""Playbooks: validated YAML templates that start an incident (see playbooks/README.md).

Pure package: no Flask, no database.
"""

from crisis.playbooks.loader import (
    Contact,
    InvalidPlaybook,
    LoadResult,
    Playbook,
    PlaybookError,
    Position,
    Reminder,
    ReminderKind,
    TaskTemplate,
    load_playbook,
    load_playbooks,
)

__all__ = [
    "Contact",
    "InvalidPlaybook",
    "LoadResult",
    "Playbook",
    "PlaybookError",
    "Position",
    "Reminder",
    "ReminderKind",
    "TaskTemplate",
    "load_playbook",
    "load_playbooks",
]
