"""Demo data for exercises: one exercise scheduled for the coming week (seed hook, see init_app)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from crisis.db import utcnow

TZ = ZoneInfo("Europe/Stockholm")
DEMO_SCENARIO = "vinterelavbrott"
DEMO_TITLE = "Demo: stabsövning vinterelavbrott"


def next_tuesday_morning(now: datetime) -> datetime:
    """09:00 Stockholm time on the next Tuesday at least a day ahead."""
    local = now.astimezone(TZ)
    day = local.date() + timedelta(days=1)
    while day.weekday() != 1:
        day += timedelta(days=1)
    return datetime.combine(day, time(9, 0), tzinfo=TZ)


def load_demo_exercise() -> None:
    from crisis.auth import service as users
    from crisis.errors import ApiError
    from crisis.exercises import service

    planner = users.get_by_username(username="ovning")
    if planner is None:
        return
    try:
        service.schedule(
            actor=planner, scenario=DEMO_SCENARIO, start_at=next_tuesday_morning(utcnow()), speed=1, title=DEMO_TITLE
        )
    except ApiError:  # e.g. the scenario was removed from playbooks/exercises/
        return
