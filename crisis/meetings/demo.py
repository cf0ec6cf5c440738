"""Demo data: a lägesbild (version 1) and a meeting rhythm (08:00, 12:00, 16:00) for the demo incident,
so the lägesbild page, the stabsorientering page and presenter mode show something at once.

Runs once inside `seed-demo` (seed hook, see init_app).
"""

from __future__ import annotations

import sqlalchemy as sa

from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.reports.demo import DEMO_INCIDENT_TITLE


def load_demo_meetings() -> None:
    from crisis.auth import service as users
    from crisis.meetings import service
    from crisis.situation import service as situation

    incident_id = db.session.scalar(
        sa.select(Incident.id).where(Incident.title == DEMO_INCIDENT_TITLE).order_by(Incident.id.desc()).limit(1)
    )
    writer = users.get_by_username(username="dagbok")
    if incident_id is None or writer is None:
        return
    situation.save(
        actor=writer,
        incident_id=incident_id,
        expected_version=0,
        sections={
            "handelse": "Stormen under natten har gett elavbrott i Skene och södra Kinna (exempeldata).",
            "omfattning": "Cirka 3 200 kunder enligt elnätsbolaget.",
            "konsekvenser": {
                "care": "Två särskilda boenden på reservkraft.",
                "water": "Vattenverket i Kinna går på reservkraft; bränsle för cirka 20 timmar.",
            },
            "resurser": "Reservkraftverk från tekniska förvaltningen, två i drift, ett i reserv.",
            "aktorer": "Elnätsbolaget, SÄRF, Länsstyrelsen Västra Götaland.",
            "kommunikation": "Information på marks.se och i sociala medier.",
            "prognos": "Ingen prognos från elnätsbolaget ännu; minst till i kväll.",
            "behov_av_beslut": "Ska en trygghetspunkt öppnas i Kinna i kväll?",
        },
    )
    service.set_rhythm(actor=writer, incident_id=incident_id, times=["08:00", "12:00", "16:00"])
