"""Demo data: a trygghetspunkt and a nödvattenplats, one published message naming the
trygghetspunkt, and a VMA request, so the communication page and the wall show something.

Runs once inside `seed-demo` (seed hook, see init_app).
"""

from __future__ import annotations

import sqlalchemy as sa

from crisis.extensions import db
from crisis.incidents.models import Incident
from crisis.reports.demo import DEMO_INCIDENT_TITLE


def load_demo_messages() -> None:
    from crisis.auth import service as users
    from crisis.messages import service
    from crisis.points import service as points

    incident_id = db.session.scalar(
        sa.select(Incident.id).where(Incident.title == DEMO_INCIDENT_TITLE).order_by(Incident.id.desc()).limit(1)
    )
    writer = users.get_by_username(username="dagbok")
    chef = users.get_by_username(username="chef")
    if incident_id is None or writer is None or chef is None:
        return
    tp = points.create(
        actor=writer,
        incident_id=incident_id,
        status="open",
        kind="trygghetspunkt",
        name="Kinnaborgs bibliotek",
        address="Kinnaborg, Kinna",
        lat=57.5106,
        lon=12.6942,
        hours="08–20",
        staffing="2 från kultur och fritid, 1 från räddningsvärnet",
        capacity=80,
        backup_power=True,
        rakel=True,
    )
    points.create(
        actor=writer,
        incident_id=incident_id,
        status="planned",
        kind="nodvatten",
        name="Skene torg",
        address="Skene torg",
        lat=57.4868,
        lon=12.6453,
        hours="Från 16:00",
        priority_count=3,
        priority_note="Tre hushåll med dialys i hemmet (exempeldata).",
    )
    m = service.create(
        actor=writer,
        incident_id=incident_id,
        channels=["web", "social_media", "service_points"],
        headline="Elavbrott i Skene och södra Kinna",
        body=(
            "Elnätsbolaget arbetar med att laga ledningarna efter stormen. Kommunen har öppnat en trygghetspunkt "
            "där du kan få information, ladda telefonen och få hjälp att larma (exempeldata)."
        ),
        instruction="Ring 112 vid nödläge. Ring 113 13 för information om läget.",
        point_ids=[tp.id],
    )
    service.approve(actor=chef, message_id=m.id)
    service.publish(actor=writer, message_id=m.id, channels=["web", "social_media"], where="marks.se")
    service.request_vma(
        actor=writer,
        incident_id=incident_id,
        authority="lansstyrelsen",
        text="Viktigt meddelande till allmänheten i Skene: elavbrott väntas pågå över natten (exempeldata).",
        area_desc="Skene och södra Kinna",
    )
