"""The demo's larmövningar: two held during the past year, so the page and the yearly
follow-up have something to show."""

from __future__ import annotations

from datetime import timedelta

from crisis.db import utcnow


def load_demo_drills() -> None:
    from crisis.auth import service as users
    from crisis.drills import service
    from crisis.errors import ApiError

    planner = users.get_by_username(username="ovning")
    if planner is None:
        return
    now = utcnow().replace(second=0, microsecond=0)
    try:
        service.record_held(
            actor=planner,
            playbook_key="elavbrott",
            started_at=now - timedelta(days=200, hours=3),
            ack_seconds=[95, 240, 60, None, 610, 180],
            title="Larmövning vår: elavbrott",
        )
        service.record_held(
            actor=planner,
            playbook_key="storm",
            started_at=now - timedelta(days=40, hours=5),
            ack_seconds=[45, 130, 300, 75],
            title="Larmövning höst: storm",
        )
    except ApiError:  # e.g. the playbook was removed
        return
