"""Display labels of the site register (lazy, translated per request), and the
strings the map and register scripts need (passed in a data- attribute)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from crisis import labels

# The tables live in crisis.labels (the one home of display labels).
CATEGORIES = labels.SITE_CATEGORIES
STATES = labels.SITE_STATES


def as_strings(table: Mapping[str, Any]) -> dict[str, str]:
    return {key: str(value) for key, value in table.items()}


def map_strings() -> dict[str, Any]:
    return {
        "categories": as_strings(CATEGORIES),
        "states": as_strings(STATES),
        "at_risk": _("I riskzon"),
        "at_risk_because": _("I riskzon på grund av"),
        "not_at_risk": _("Inga beroenden ur drift"),
        "on_backup": _("På reservkraft sedan %(time)s", time="{time}"),
        "fuel_left": _("Bränsle kvar: ca %(hours)s h (slut ca %(time)s)", hours="{hours}", time="{time}"),
        "fuel_unknown": _("Bränslemängd okänd"),
        "fuel_hidden": _("Drifttid på reservkraft visas inte för din roll"),
        "fuel_empty": _("Bränslet beräknas vara slut"),
        "hours": _("h"),
        "no_reports": _("Ingen rapport i denna händelse."),
        "no_log": _("Inga dagboksposter om verksamheten."),
        "none_attention": _("Inga verksamheter ur drift eller i riskzon."),
        "none_backup": _("Inga verksamheter på reservkraft."),
        "saved": _("Status sparad"),
        "show": _("Visa"),
        "styrel": _("Styrel %(n)s", n="{n}"),
        "no_styrel": _("Ingen Styrel-klass"),
        "styrel_hidden": _("Styrel-klass dold"),
        "hidden": _("Dold"),
        "depends_on": _("Beroende av"),
        "dependents": _("Dessa är beroende av den"),
        "address": _("Adress"),
        "owner": _("Ägare"),
        "contact": _("Kontakt"),
        "backup_power": _("Reservkraft"),
        "yes_hours": _("Ja, ca %(hours)s h bränsle", hours="{hours}"),
        "yes": _("Ja"),
        "no": _("Nej"),
        "reported_by": _("%(who)s kl. %(time)s", who="{who}", time="{time}"),
        "tiles_failed": _(
            "Bakgrundskartan kunde inte laddas (ingen internetanslutning?). "
            "Kommungränsen och verksamheterna visas ändå."
        ),
        "marker_label": _(
            "%(name)s, %(category)s: %(status)s", name="{name}", category="{category}", status="{status}"
        ),
        "boundary": _("Kommungräns"),
        "category": _("Kategori"),
        "history_heading": _("Statusrapporter i händelsen"),
        "log_heading": _("Dagboksposter om verksamheten"),
    }
