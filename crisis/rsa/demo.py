"""Demo data for the RSA register (seed hook): Marks kommun's main risks, some measures done."""

from __future__ import annotations

from datetime import date


def load_demo_rsa() -> None:
    from crisis.auth import service as users
    from crisis.errors import ApiError
    from crisis.playbooks import registry
    from crisis.rsa import service
    from crisis.training import service as training

    admin = users.get_by_username(username="admin")
    if admin is None:
        return
    known = set(registry.catalog().playbooks)
    y = training.today().year

    def pb(*keys: str) -> list[str]:
        return [k for k in keys if k in known]  # a playbook removed from playbooks/ is not linked

    risks = [
        # title, likelihood, consequence, shortcomings, playbooks, scenarios, measures (text, owner, due, done_on)
        (
            "Långvarigt elavbrott",
            3,
            5,
            "Reservkraft saknas på två äldreboenden; trygghetslarm utan batteribackup.",
            pb("elavbrott", "storm"),
            ["vinterelavbrott", "kln-langvarigt-elavbrott"],
            [
                ("Reservkraft till Kinnaborg och Solgården", "Fastighetschef", date(y, 6, 30), date(y, 5, 28)),
                ("Rutin för manuell tillsyn av brukare med trygghetslarm", "Äldreomsorgen", date(y + 1, 3, 31), None),
            ],
        ),
        (
            "Dammbrott i Viskan",
            1,
            5,
            "Utrymningsplan för Skene centrum inte övad.",
            pb("oversvamning"),
            ["dammbrott-viskan-seminarium"],
            [
                ("Öva utrymning Skene centrum med räddningstjänsten", "Säkerhetssamordnare", date(y + 1, 9, 30), None),
            ],
        ),
        ("Skogsbrand", 3, 3, "", pb("brand-olycka"), [], []),
        (
            "Värmebölja",
            4,
            3,
            "Inga kylda lokaler utsedda för äldre.",
            [],
            [],
            [
                ("Utse kylda lokaler i Kinna och Skene", "Socialförvaltningen", date(y, 5, 31), date(y, 5, 15)),
            ],
        ),
        ("Pandemi", 2, 4, "", pb("pandemi"), [], []),
        (
            "IT-angrepp mot kommunens system",
            4,
            4,
            "Ingen reservrutin för utbetalningar.",
            pb("it-angrepp"),
            [],
            [
                (
                    "Reservrutin för utbetalningar av försörjningsstöd",
                    "Ekonomichef",
                    date(y - 1, 12, 31),
                    date(y - 1, 12, 10),
                ),
            ],
        ),
        (
            "Dricksvattenförorening",
            2,
            5,
            "",
            pb("dricksvatten"),
            ["fororenat-vatten"],
            [
                ("Nödvattenplan uppdaterad", "Marks Vatten", date(y, 3, 31), None),
            ],
        ),
    ]
    for title, likelihood, consequence, shortcomings, playbooks, scenarios, measures in risks:
        try:
            risk = service.create(
                actor=admin,
                title=title,
                likelihood=likelihood,
                consequence=consequence,
                shortcomings=shortcomings,
                playbooks=playbooks,
                scenarios=scenarios,
            )
        except ApiError:  # an exercise scenario removed from playbooks/exercises/
            risk = service.create(
                actor=admin,
                title=title,
                likelihood=likelihood,
                consequence=consequence,
                shortcomings=shortcomings,
                playbooks=playbooks,
            )
        for text, owner, due, done_on in measures:
            m = service.add_measure(actor=admin, risk_id=risk.id, text=text, owner=owner, due=due)
            if done_on is not None and done_on <= training.today():
                service.set_measure_status(actor=admin, measure_id=m.id, status="done", done_on=done_on)
