"""Jinja globals and filters: times in Europe/Stockholm, labels, assets, i18n for JS."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Flask, current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from crisis import labels, registry
from crisis.assets import ASSETS
from crisis.auth.permissions import Perm, has_perm
from crisis.timefmt import TZ, fmt_datetime, fmt_time, local  # noqa: F401  (re-exported for templates and views)


def asset_tags(*names: str) -> Markup:
    """<script>/<link> tags for vendor assets: local, or CDN with SRI and a local fallback."""
    cdn = current_app.config["CRISIS_ASSETS"] == "cdn"
    out = []
    for name in names:
        a = ASSETS[name]
        local_url = url_for("static", filename=a.local)
        if a.kind == "css":
            if cdn:
                out.append(
                    f'<link rel="stylesheet" href="{escape(a.cdn)}" integrity="{a.integrity}" '
                    f'crossorigin="anonymous" data-fallback="{escape(local_url)}">'
                )
            else:
                out.append(f'<link rel="stylesheet" href="{escape(local_url)}">')
        elif cdn:
            out.append(f'<script src="{escape(a.cdn)}" integrity="{a.integrity}" crossorigin="anonymous"></script>')
            out.append(
                f'<script src="{url_for("static", filename="js/fallback.js")}" '
                f'data-global="{a.global_name}" data-src="{escape(local_url)}"></script>'
            )
        else:
            out.append(f'<script src="{escape(local_url)}"></script>')
    return Markup("\n".join(out))


# Strings the JavaScript needs, translated on the server (msgids are Swedish).
def js_strings() -> dict[str, Any]:
    return {
        "offline_since": _("Ingen anslutning sedan %(time)s", time="{time}"),
        "online": _("Ansluten"),
        "reconnecting": _("Återansluter…"),
        "corrected_by": _("Rättad av post %(n)s", n="{n}"),
        "corrects": _("Rättar post %(n)s", n="{n}"),
        "from_paper": _(
            "Från papper (verklig tid %(time)s, införd %(recorded)s)", time="{time}", recorded="{recorded}"
        ),
        "correct": _("Rätta"),
        "saved": _("Sparad"),
        "error": _("Fel"),
        "http_error": _("Servern svarade med fel %(status)s. Försök igen om en stund.", status="{status}"),
        "live_failed": _("Kunde inte ansluta för direktuppdatering; ladda om sidan."),
        "confidential": _("Sekretess"),
        "nobody": _("Ingen"),
        "check_in": _("Checka in"),
        "check_out": _("Checka ut"),
        "handover_prompt": _("Överlämningsanteckning till nästa person (valfri):"),
        "correction_prompt": _("Rättad text för post %(n)s:", n="{n}"),
        "reload_needed": _("Många händelser missades – laddar om sidan."),
        "exercise_stop": _("ÖVNINGSSTOPP"),
        "exercise_stop_text": _("Övningen är avbruten. Avbryt all övningsverksamhet och invänta besked."),
        "exercise_stop_close": _("Jag har uppfattat"),
        "make_task": _("Gör till uppgift"),
        "task_link": _("Uppgift %(id)s: %(title)s", id="{id}", title="{title}"),
        # static/js/offline.js: logout with log entries not yet sent
        "unsent_logout_title": _("Logga ut med poster som inte har skickats?"),
        "unsent_logout_text": _(
            "%(n)s dagboksposter på den här enheten har inte skickats till servern. Loggar du ut nu "
            "raderas de från enheten och går förlorade. Avbryt och vänta tills anslutningen är tillbaka "
            "om de ska sparas.",
            n="{n}",
        ),
        "unsent_logout_confirm": _("Logga ut och radera dem"),
        # K.confirmDialog (static/js/dialog.js)
        "dialog_cancel": _("Avbryt"),
        "dialog_confirm": _("Bekräfta"),
        "dialog_reason": _("Motivering"),
        "dialog_reason_required": _("Ange en motivering."),
        "levels": labels.as_strings(labels.LEVELS),
        "kinds": labels.as_strings(labels.LOG_KINDS),
        "classifications": labels.as_strings(labels.CLASSIFICATIONS),
    }


def nav_items() -> list[tuple[str, Any]]:
    """Main menu (registered by the domains, crisis.registry): entries whose
    endpoint exists and whose permission the user has."""
    rules = current_app.view_functions
    return [(e.endpoint, e.label) for e in registry.of().nav if e.endpoint in rules and has_perm(current_user, e.perm)]


def incident_nav_items() -> list[tuple[str, Any]]:
    """Sub-navigation of an incident (endpoints taking incident_id)."""
    rules = current_app.view_functions
    return [
        (e.endpoint, e.label)
        for e in registry.of().incident_nav
        if e.endpoint in rules and has_perm(current_user, e.perm)
    ]


def iso_local(value: str | None) -> str:
    return fmt_datetime(datetime.fromisoformat(value)) if value else ""


def register(app: Flask) -> None:
    app.jinja_env.filters["hhmm"] = fmt_time
    app.jinja_env.filters["datetime"] = fmt_datetime
    app.jinja_env.filters["iso_local"] = iso_local
    app.jinja_env.globals.update(
        asset_tags=asset_tags,
        labels=labels,
        Perm=Perm,
        can=lambda perm: has_perm(current_user, perm),
        current_locale=lambda: str(get_locale()),
        # Put in a data- attribute (HTML-escaped by Jinja), read with JSON.parse.
        js_strings_json=lambda: json.dumps(js_strings(), ensure_ascii=False),
        kommun=lambda: current_app.config["CRISIS_KOMMUN"],
        nav_items=nav_items,
        incident_nav_items=incident_nav_items,
        now_local=lambda: fmt_datetime(datetime.now(TZ)),
    )
