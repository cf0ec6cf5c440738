"""Demo data of the site register: the Marks kommun example sites, and a few
status reports in the demo incident so the map shows a cascade at once.

Runs once inside `seed-demo` (seed hook, see init_app). The sites are
fictitious example data (see static/geo/PROVENANCE.md).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from crisis.extensions import db
from crisis.incidents.models import Incident

DEMO_FILE = Path(__file__).resolve().parent / "data" / "marks_demo_sites.geojson"
DEMO_INCIDENT_TITLE = "Demo: elavbrott i Skene och Kinna"

# (site key, status, note, on backup power)
DEMO_REPORTS = [
    ("power-skene-fs", "down", "Elnätsbolaget: fördelningsstationen ur drift efter stormen. Prognos okänd.", None),
    ("power-kinna-fs", "degraded", "Elnätsbolaget: södra Kinna utan ström, norra delen matas om.", None),
    ("health-skene-lasarett", "operational", "Lasarettet går på egen reservkraft; akuten öppen.", True),
    ("sewage-skene-arv", "degraded", "Reningsverket på reservkraft, reducerad rening.", True),
    ("telecom-skene-mast", "operational", "Masten går på batteri/reservkraft.", True),
    ("care-kinna-sabo-viska", "operational", "Reservkraftverket startat, verksamheten fungerar.", True),
]


def load_demo_sites() -> None:
    from crisis.auth import service as users
    from crisis.sites import register
    from crisis.sites import status as site_status

    register.import_file(actor=None, filename=DEMO_FILE.name, text=DEMO_FILE.read_text(encoding="utf-8"))
    incident_id = db.session.scalar(
        sa.select(Incident.id).where(Incident.title == DEMO_INCIDENT_TITLE).order_by(Incident.id.desc()).limit(1)
    )
    reporter = users.get_by_username(username="dagbok")
    if incident_id is None or reporter is None:
        return
    for key, status, note, backup in DEMO_REPORTS:
        site_status.set_status(
            actor=reporter, incident_id=incident_id, site_id=key, status=status, note=note, on_backup_power=backup
        )
