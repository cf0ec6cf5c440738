"""Demo data for the TiB inbox: two deviation reports (seed hook, see init_app).

One new report waiting for the TiB's assessment, one under monitoring with
a follow-up time later today. The demo passwords are in instance/demo-logins.txt.
"""

from __future__ import annotations

from datetime import timedelta

from crisis.auth import service as users
from crisis.db import utcnow
from crisis.inbox import service


def load_demo_deviations() -> None:
    stab = users.get_by_username(username="stab")
    tib = users.get_by_username(username="tib")
    if stab is None or tib is None:
        return
    service.report(
        actor=stab,
        organisation="Samhällsbyggnadsförvaltningen, VA-enheten",
        what="Tryckfall i vattenledningsnätet i norra Fritsla efter en ledningsläcka; flera hushåll har lågt tryck.",
        where="Fritsla, norra delen",
        since=utcnow() - timedelta(minutes=40),
        services="Dricksvatten; äldreboende i området",
        contact="VA-jouren (exempel), 0320-00 05 05",
    )
    watched = service.report(
        actor=stab,
        organisation="Fastighetsförvaltningen",
        what="Reservkraftverket vid ett särskilt boende i Skene startade inte vid veckans provkörning.",
        where="Skene",
        since=utcnow() - timedelta(hours=3),
        services="Särskilt boende (vid elavbrott)",
        contact="Fastighetsjouren (exempel), 0320-00 06 06",
    )
    service.monitor(
        actor=tib,
        deviation_id=watched.id,
        follow_up_at=utcnow() + timedelta(hours=4),
        note="Servicetekniker på plats i eftermiddag; följ upp att provkörningen görs om.",
    )
