"""Demo data: the first lägesrapport of the demo incident, approved and sent,
so the reports page, the exports and the wall show one at once.

Runs once inside `seed-demo` (seed hook, see init_app), after the site
register's hook (so the snapshot has the demo site statuses).
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from crisis.db import utcnow
from crisis.extensions import db
from crisis.incidents.models import Incident

DEMO_INCIDENT_TITLE = "Demo: elavbrott i Skene och Kinna"


def load_demo_report() -> None:
    from crisis.auth import service as users
    from crisis.reports import service

    incident_id = db.session.scalar(
        sa.select(Incident.id).where(Incident.title == DEMO_INCIDENT_TITLE).order_by(Incident.id.desc()).limit(1)
    )
    writer = users.get_by_username(username="dagbok")
    chef = users.get_by_username(username="chef")
    if incident_id is None or writer is None or chef is None:
        return
    # Länsstyrelsen asked for reports at 08:00 and 14:00 (exempeldata).
    service.set_rhythm(actor=writer, incident_id=incident_id, times=["08:00", "14:00"])
    report = service.create(actor=writer, incident_id=incident_id)
    service.update(
        actor=writer,
        report_id=report.id,
        fields={
            "handelse": "Stormen under natten har gett omfattande elavbrott i Skene och södra Kinna "
            "(exempeldata). Cirka 3 200 kunder berörs enligt elnätsbolaget.",
            "behov": "Inga behov av stöd från länsstyrelsen just nu. Bevakar behov av reservkraft till "
            "särskilda boenden.",
            "prognos": "Elnätsbolaget lämnar ingen prognos ännu. Vi räknar med att avbrottet varar minst till i kväll.",
            "kommunikation": "Information på marks.se och i sociala medier. Presskontakt via kommunikationsfunktionen.",
            "omfattning": "Cirka 3 200 elkunder, varav omkring 7 000 invånare (exempeldata).",
            "sarbara_grupper": "Brukare med hemtjänst och trygghetslarm i Skene; två särskilda boenden på reservkraft.",
            "samverkan": "Elnätsbolaget, Räddningstjänsten Sjuhärad, Länsstyrelsen (samverkanskonferens kl. 10).",
            "trygghetspunkter": "Skene bibliotek öppen 08-20.",
            "osakerheter": "När strömmen kommer tillbaka; bränsletillgång till reservkraften efter i morgon.",
            "cap_headline": "Elavbrott i Skene och Kinna",
            "cap_description": "Stora delar av Skene och södra Kinna saknar ström efter stormen (exempeldata).",
            "cap_instruction": "Håll dig informerad via marks.se. Ring 112 vid nödläge.",
            "nasta_rapport": utcnow().replace(second=0, microsecond=0) + timedelta(hours=4),
        },
    )
    service.approve(actor=chef, report_id=report.id)
    service.send(actor=writer, report_id=report.id, channel="WIS")
