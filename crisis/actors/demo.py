"""Demo data: a realistic actor register for Marks kommun, and one resource request and one samverkan
conference in the demo incident, so /actors, the workspace's requests panel, the wall and the samverkan
page show something after `make run`.

The phone numbers are EXAMPLES ("0320-xx xx xx (exempel)" style, or the
organisations' public switchboard numbers), never private numbers; the
Rakel talk groups are fictitious. Runs once inside `seed-demo`.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from crisis.actors.models import Actor
from crisis.extensions import db

EX = " (exempel)"

DEMO_ACTORS: list[dict[str, str]] = [
    {
        "name": "Länsstyrelsen i Västra Götalands län, TiB",
        "kind": "county",
        "phone": "010-224 40 00 (växel), TiB via SOS Alarm" + EX,
        "email": "vastragotaland@lansstyrelsen.se",
        "rakel": "LST O VG SAMV 1" + EX,
        "alternative": "WIS: Länsstyrelsen VG, yta samhällsstörning",
        "notes": "Geografiskt områdesansvar i länet; lägesrapporter enligt förordning 2006:637 2 §.",
    },
    {
        "name": "Räddningstjänsten Sjuhärad, räddningschef i beredskap (RCB)",
        "kind": "rescue",
        "phone": "033-17 29 00 (växel)" + EX,
        "email": "",
        "rakel": "RSG SJUH RCB" + EX,
        "alternative": "Via SOS Alarm 112 vid akut behov",
        "notes": "RCB dygnet runt; beslutar om räddningsinsats.",
    },
    {
        "name": "Polisen, LPO Borås",
        "kind": "police",
        "phone": "114 14",
        "email": "",
        "rakel": "POL VG SAMV" + EX,
        "alternative": "Via RCB eller Länsstyrelsens TiB",
        "notes": "",
    },
    {
        "name": "Region Västra Götaland, TiB",
        "kind": "region",
        "phone": "010-441 00 00 (växel)" + EX,
        "email": "",
        "rakel": "RVG TIB" + EX,
        "alternative": "Via SOS Alarm",
        "notes": "Hälso- och sjukvård; särskild sjukvårdsledning.",
    },
    {
        "name": "Elnätsbolaget (nätägare i Mark)",
        "kind": "power",
        "phone": "0320-xx xx xx" + EX,
        "email": "driftcentral@example.se",
        "rakel": "",
        "alternative": "Driftcentralens jourtelefon",
        "notes": "Prioriteringslistor enligt Styrel.",
    },
    {
        "name": "Teleoperatören (fast och mobilt)",
        "kind": "telecom",
        "phone": "0320-xx xx xx" + EX,
        "email": "storning@example.se",
        "rakel": "",
        "alternative": "",
        "notes": "",
    },
    {
        "name": "Trafikverket, trafikledning Väst",
        "kind": "roads",
        "phone": "0771-921 921",
        "email": "",
        "rakel": "",
        "alternative": "",
        "notes": "Statliga vägar (väg 41, 156).",
    },
    {
        "name": "Borås stad",
        "kind": "neighbour",
        "phone": "033-35 70 00 (växel)",
        "email": "",
        "rakel": "BORAS KRISL" + EX,
        "alternative": "",
        "notes": "Grannkommun.",
    },
    {
        "name": "Svenljunga kommun",
        "kind": "neighbour",
        "phone": "0325-xx xx xx" + EX,
        "email": "",
        "rakel": "",
        "alternative": "",
        "notes": "Grannkommun.",
    },
    {
        "name": "Kungsbacka kommun",
        "kind": "neighbour",
        "phone": "0300-xx xx xx" + EX,
        "email": "",
        "rakel": "",
        "alternative": "",
        "notes": "Grannkommun (Hallands län).",
    },
    {
        "name": "VAKA, nationell vattenkatastrofgrupp",
        "kind": "water",
        "phone": "Via SOS Alarm",
        "email": "",
        "rakel": "",
        "alternative": "Begäran via Livsmedelsverket",
        "notes": "Nödvattentankar och expertstöd vid dricksvattenstörning.",
    },
    {
        "name": "Marks Bostads AB",
        "kind": "municipal_company",
        "phone": "0320-xx xx xx" + EX,
        "email": "",
        "rakel": "",
        "alternative": "Jour via kommunens växel",
        "notes": "Kommunalt bostadsbolag.",
    },
    {
        "name": "Frivilliga resursgruppen (FRG) Mark",
        "kind": "voluntary",
        "phone": "0320-xx xx xx" + EX,
        "email": "",
        "rakel": "",
        "alternative": "",
        "notes": "Förstärkning vid trygghetspunkter.",
    },
]


def load_demo_actors() -> None:
    from crisis.actors import samverkan
    from crisis.auth import service as users
    from crisis.db import utcnow, write_transaction
    from crisis.incidents.models import Incident
    from crisis.reports.demo import DEMO_INCIDENT_TITLE
    from crisis.requests import service as requests

    if db.session.scalar(sa.select(sa.func.count()).select_from(Actor)):
        return
    with write_transaction(db.session):
        now = utcnow()
        for values in DEMO_ACTORS:
            db.session.add(Actor(**values, active=True, created_at=now, updated_at=now, version=1))
    incident_id = db.session.scalar(
        sa.select(Incident.id).where(Incident.title == DEMO_INCIDENT_TITLE).order_by(Incident.id.desc()).limit(1)
    )
    writer = users.get_by_username(username="dagbok")
    if incident_id is None or writer is None:
        return
    lst = db.session.scalar(sa.select(Actor.id).where(Actor.kind == "county"))
    rcb = db.session.scalar(sa.select(Actor.id).where(Actor.kind == "rescue"))
    power = db.session.scalar(sa.select(Actor.id).where(Actor.kind == "power"))
    requests.create(
        actor=writer,
        incident_id=incident_id,
        kind="request",
        what="mobila reservkraftverk",
        quantity=2,
        unit="st",
        purpose="Reservkraft till särskilt boende i Skene (exempeldata).",
        priority="urgent",
        to_actor=lst,
    )
    samverkan.record(
        actor=writer,
        incident_id=incident_id,
        held_at=(now - timedelta(hours=1)).isoformat(),
        called_by=lst,
        participants=[i for i in (lst, rcb, power) if i is not None],
        participants_other=["Borås stad (exempel)"],
        reported="Elavbrott i Skene och södra Kinna; två särskilda boenden på reservkraft (exempeldata).",
        agreed="Länsstyrelsen samordnar förfrågan om mobila reservkraftverk.",
        situation="Cirka 3 200 kunder utan el i länets södra del (exempeldata).",
        next_at=(now + timedelta(hours=3)).isoformat(),
    )
