"""Demo data for the training plan, record and TiB roster (seed hook, see init_app).

Dates are relative to today: last year's and this year's activities (held,
cancelled, planned), training records for the demo users, and a roster for the
coming twelve weeks with two gaps to show: one week without a stabschef, and one
week whose stabschef is not trained for it.
"""

from __future__ import annotations

from datetime import date, timedelta

DEMO_WEEKS = 12
GAP_WEEK = 5  # the sixth coming week has no stabschef
UNTRAINED_WEEK = 8  # the ninth coming week's stabschef (dagbok) is not trained for it


def _on(year: int, month: int, day: int) -> date:
    return date(year, month, day)


def load_demo_training() -> None:
    from crisis.auth import service as users
    from crisis.training import service

    admin = users.get_by_username(username="admin")
    if admin is None:
        return
    today = service.today()
    y = today.year
    plan = [
        # title, kind, functions, planned, status
        ("Stabsutbildning grund", "training", ["stabschef", "ledningsstod", "analys"], _on(y - 1, 3, 12), "held"),
        (
            "Stabsövning: storm och elavbrott",
            "exercise",
            ["krisledningschef", "stabschef", "kommunikation"],
            _on(y - 1, 10, 8),
            "held",
        ),
        ("TiB-utbildning", "training", ["tib"], _on(y, 4, 15), "held"),
        (
            "Samverkansövning dricksvatten med Borås Energi och Vatten",
            "exercise",
            ["stabschef", "samverkan"],
            _on(y, 9, 23),
            "cancelled",
        ),
        (
            "Stabsövning: långvarigt elavbrott",
            "exercise",
            ["krisledningschef", "stabschef", "ledningsstod"],
            _on(y, 5, 20),
            "held",
        ),
        (
            "Krisledningsnämnden: utbildning i LEH",
            "training",
            ["krisledningschef"],
            today + timedelta(days=20),
            "planned",
        ),
        (
            "Ledningsövning: IT-angrepp",
            "exercise",
            ["stabschef", "kommunikation", "samband"],
            _on(y + 1, 3, 10),
            "planned",
        ),
    ]
    made = {}
    for title, kind, functions, planned_on, status in plan:
        if status == "held" and planned_on > today:  # early in the year: not held yet
            status = "planned"
        made[title] = service.create_activity(
            actor=admin, title=title, kind=kind, functions=functions, planned_on=planned_on, status=status
        )
    records = [
        ("stab", "stabschef", "Stabsutbildning grund"),
        ("dagbok", "ledningsstod", "Stabsutbildning grund"),
        ("stab", "stabschef", "Stabsövning: storm och elavbrott"),
        ("chef", "krisledningschef", "Stabsövning: storm och elavbrott"),
        ("tib", "tib", "TiB-utbildning"),
        ("chef", "tib", "TiB-utbildning"),
        ("chef", "stabschef", "Stabsövning: långvarigt elavbrott"),
        ("dagbok", "ledningsstod", "Stabsövning: långvarigt elavbrott"),
    ]
    for username, function, title in records:
        if made[title].status.value != "held":
            continue
        service.add_record(actor=admin, user=username, function=function, activity_id=made[title].id)
    monday = today - timedelta(days=today.weekday())
    for i in range(DEMO_WEEKS):
        y_w = service.iso_week(monday + timedelta(weeks=i))
        service.set_roster(actor=admin, year=y_w[0], week=y_w[1], function="tib", user="tib" if i % 4 else "chef")
        if i == GAP_WEEK:
            continue
        service.set_roster(
            actor=admin,
            year=y_w[0],
            week=y_w[1],
            function="stabschef",
            user="dagbok" if i == UNTRAINED_WEEK else "stab",
        )
