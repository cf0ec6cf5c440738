"""Marks kommun demo data: users for every role and one demo incident.

Loaded once; a second `make run` keeps whatever is in the database. The
demo passwords are random, written to instance/demo-logins.txt (readable
only by its owner) and printed at each start.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from crisis import registry
from crisis.auth import service as users
from crisis.auth.models import User
from crisis.extensions import db

DEMO_USERS = [
    # username, display name, role, phone
    ("admin", "Alva Admin", "admin", None),
    ("chef", "Karin Lindqvist (kommundirektör)", "leader", "0320-21 70 01"),
    ("stab", "Johan Berg (stabschef)", "staff", "0320-21 70 02"),
    ("dagbok", "Sara Nilsson (ledningsstöd)", "staff", "0320-21 70 03"),
    ("tib", "Erik Holm (TiB)", "duty_officer", "0320-21 70 00"),
    ("ovning", "Maria Ek (övningsledning)", "exercise_control", "0320-21 70 04"),
    ("observator", "Länsstyrelsen VG (observatör)", "observer", None),
    ("rapportor", "Lena Ek (Marks Vatten, rapportör)", "reporter", "0320-21 70 05"),
]


def _logins_file() -> Path:
    return Path(current_app.instance_path) / "demo-logins.txt"


def seed_demo() -> bool:
    """Create the demo data unless it exists. Returns True if it created anything."""
    if db.session.scalar(sa.select(User.id).where(User.username == "admin")) is not None:
        return False
    lines = []
    for username, name, role, phone in DEMO_USERS:
        password = f"{username}-{secrets.token_hex(4)}"
        users.create(username=username, password=password, role=role, display_name=name, phone=phone)
        lines.append(f"{username:<11} {password:<22} {role}")
    path = _logins_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.chmod(path, 0o600)
    _seed_demo_incident()
    # The domains' demo loaders (sites, reports, exercises, inbox), in DOMAINS order.
    for hook in registry.of().seed_hooks:
        hook()
    return True


def _seed_demo_incident() -> None:
    from crisis.decisions import service as decisions
    from crisis.incidents import service as incidents
    from crisis.log import service as log
    from crisis.staffing import service as staffing

    chef = users.get_by_username(username="chef")
    tib = users.get_by_username(username="tib")
    dagbok = users.get_by_username(username="dagbok")
    inc = incidents.create(
        actor=tib,
        title="Demo: elavbrott i Skene och Kinna",
        kind="elavbrott",
        level="monitoring",
        description="Exempeldata. Omfattande elavbrott efter storm; flera nätstationer ur drift.",
    )
    staffing.check_in(actor=tib, incident_id=inc.id, position="stabschef", user="stab")
    staffing.check_in(actor=dagbok, incident_id=inc.id, position="ledningsstod")
    staffing.check_in(actor=chef, incident_id=inc.id, position="krisledningschef")
    # The level above the TiB's is the krisledningschef's decision (B-1).
    decisions.record(
        actor=chef,
        incident_id=inc.id,
        type="level",
        level="reinforced",
        text="",
        decided_by=chef.display_name,
        mandate="",
        mandate_key="krisledningschef",
        reason="Flera nätstationer ur drift; hemtjänst och trygghetslarm berörs.",
    )
    log.append(
        actor=dagbok,
        incident_id=inc.id,
        kind="incoming",
        counterpart="Elnätsbolagets driftcentral",
        text="Elnätsbolaget bekräftar avbrott i Skene och södra Kinna, ca 3 200 kunder. Prognos okänd.",
    )
    log.append(
        actor=dagbok,
        incident_id=inc.id,
        kind="action",
        counterpart="Hemtjänsten Skene",
        text="Hemtjänsten kontaktad: inventerar brukare med trygghetslarm och hemsjukvårdsutrustning.",
    )


def print_logins(echo: Callable[[str], None]) -> None:
    path = _logins_file()
    if path.exists():
        echo("Demo logins (username, password, role):")
        for line in path.read_text(encoding="utf-8").splitlines():
            echo("  " + line)
