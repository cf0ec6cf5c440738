"""`/print/marks.css`: the running head and foot of every printed page.

Printed pages (the log, a lägesrapport, an exercise evaluation) carry on every
sheet the incident, its classification marking, ÖVNING for an exercise and
"sida N av M". CSS paged media margin boxes (@page @top-left …) do that, but
their text must be a CSS string, and the strict CSP (style-src 'self') allows
no inline style: so this small stylesheet is made per incident and marking.
Every user text is escaped as CSS string escapes ("\\HHHHHH "), so nothing in a
title can end the string.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crisis.errors import ValidationError
from crisis.exercises import service as exercises
from crisis.incidents import service as incidents
from crisis.safejson import int64
from crisis.timefmt import TZ, fmt_datetime

pages = Blueprint("printmarks", __name__)

MARKINGS = ("internal", "confidential", "masked")


def css_string(text: str) -> str:
    """A CSS string literal: letters, digits and spaces as they are, everything else as a hex escape."""
    out = []
    for ch in text:
        if ch.isalnum() or ch == " ":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):06X} ")  # the space ends the escape (and is eaten by it)
    return '"' + "".join(out) + '"'


def _marking_text(marking: str) -> str:
    if marking == "confidential":
        return _("SEKRETESS (OSL)")
    if marking == "masked":
        return _("UTLÄMNANDEEXEMPLAR – MASKERAT")
    return _("INTERN")


def marks_css(*, head: str, marking: str, exercise: bool, printed: str | None = None) -> str:
    ovning = _("ÖVNING")
    page = [css_string(_("Sida") + " "), "counter(page)", css_string(" " + _("av") + " "), "counter(pages)"]
    lines = [
        "@page {",
        "  size: A4;",
        "  margin: 2.2cm 1.5cm 2cm;",
        f"  @top-left {{ content: {css_string(head)}; font: 9pt sans-serif; color: #000; vertical-align: bottom; }}",
        f"  @top-right {{ content: {css_string(_marking_text(marking))}; font: bold 9pt sans-serif; color: #000;"
        " vertical-align: bottom; }",
        f"  @bottom-right {{ content: {' '.join(page)}; font: 9pt sans-serif; color: #000; }}",
    ]
    if printed:
        lines.append(
            f"  @bottom-center {{ content: {css_string(_('Utskriven') + ' ' + printed)}; font: 9pt sans-serif;"
            " color: #000; }"
        )
    if exercise:
        lines.append(
            f"  @top-center {{ content: {css_string(ovning)}; font: 900 16pt sans-serif; color: #000;"
            " letter-spacing: .3em; vertical-align: bottom; }"
        )
        lines.append(
            f"  @bottom-left {{ content: {css_string(ovning + ' – ' + ovning)}; font: 900 12pt sans-serif;"
            " color: #000; letter-spacing: .2em; }"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


@pages.route("/print/marks.css")
@login_required
def print_marks() -> Any:
    marking = request.args.get("marking", "internal")
    if marking not in MARKINGS:
        raise ValidationError(_("Okänd märkning."))
    try:
        incident_id = int64(request.args["incident"]) if "incident" in request.args else None
        exercise_id = int64(request.args["exercise"]) if "exercise" in request.args else None
    except ValueError:
        raise ValidationError(_("Ogiltigt nummer.")) from None
    # ?printed=1: the print time on every sheet too (the reservpärm, which is kept on paper).
    printed = fmt_datetime(datetime.now(TZ)) if request.args.get("printed") == "1" else None
    if incident_id is not None:
        inc = incidents.get(viewer=current_user, incident_id=incident_id)
        head = f"{_('Händelse')} {inc.id}: {inc.title}"
        exercise = inc.is_exercise
    elif exercise_id is not None:
        ex = exercises.get(viewer=current_user, exercise_id=exercise_id)
        head = f"{_('Övning')} {ex.id}: {ex.title}"
        exercise = True
    elif request.args.get("scope") == "kommun":  # the kommun-wide reservpärm, no incident
        head = f"{_('Reservpärm')}, {current_app.config.get('CRISIS_KOMMUN', '')}"
        exercise = False
    else:
        raise ValidationError(_("Ange händelse eller övning."))
    body = marks_css(head=head, marking=marking, exercise=exercise, printed=printed)
    return Response(body, mimetype="text/css", headers={"Cache-Control": "private, no-store"})
