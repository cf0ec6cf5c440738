"""The sambandsplan page's form: one textarea per section, one row per line, fields separated by "|"."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm

from crisis.samband.plan import MAX_ROWS

# section -> the fields of a line, in order
COLUMNS: dict[str, tuple[str, ...]] = {
    "rakel": ("name", "use"),
    "phones": ("label", "number"),
    "satellite": ("label", "number"),
    "runners": ("name", "route", "phone"),
    "meeting_points": ("name", "address", "reserve"),
}
FIELDS = (*COLUMNS, "notes")
RESERVE_WORDS = {"reserv", "reserve", "ja", "yes"}


class ActionForm(FlaskForm):
    """Only the CSRF token: the page reads its fields itself."""


class FormError(ValueError):
    """A line of the form that cannot be read (the message is for the user)."""


def field_labels() -> list[tuple[str, str, str]]:
    """(field, label, hint) for the page."""
    return [
        ("rakel", _("Rakel-talgrupper"), _("En per rad: talgrupp | användning")),
        ("phones", _("Telefonnummer (växel, reserv)"), _("En per rad: benämning | nummer")),
        ("satellite", _("Satellittelefoner"), _("En per rad: benämning | nummer")),
        ("runners", _("Ordonnanser"), _("En per rad: namn | sträcka | telefon")),
        ("meeting_points", _("Mötesplatser"), _('En per rad: plats | adress | "reserv" för reservplats')),
        ("notes", _("Anteckningar"), _("Fri text, t.ex. när och var staben möts vid avbrott")),
    ]


def to_texts(plan: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for section, cols in COLUMNS.items():
        lines = []
        for row in plan.get(section) or []:
            values = []
            for c in cols:
                v = row.get(c)
                if c == "reserve":
                    v = "reserv" if v else None
                values.append(v or "")
            lines.append(" | ".join(values).rstrip(" |"))
        out[section] = "\n".join(lines)
    out["notes"] = plan.get("notes") or ""
    return out


def from_texts(texts: dict[str, str]) -> dict[str, Any]:
    """The plan the texts describe (validated by the service); FormError names the line that is wrong."""
    plan: dict[str, Any] = {}
    labels = {f: label for f, label, _hint in field_labels()}
    for section, cols in COLUMNS.items():
        rows = []
        for n, line in enumerate((texts.get(section) or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) > len(cols):
                raise FormError(
                    _(
                        "%(section)s, rad %(n)s: högst %(count)s fält åtskilda med |.",
                        section=labels[section],
                        n=n,
                        count=len(cols),
                    )
                )
            row: dict[str, Any] = {}
            for c, v in zip(cols, parts, strict=False):
                if c == "reserve":
                    row[c] = v.lower() in RESERVE_WORDS
                elif v:
                    row[c] = v
            if "number" in cols and not row.get("number"):
                raise FormError(_("%(section)s, rad %(n)s: numret saknas.", section=labels[section], n=n))
            if not row.get(cols[0]):
                raise FormError(_("%(section)s, rad %(n)s: första fältet är tomt.", section=labels[section], n=n))
            rows.append(row)
        if len(rows) > MAX_ROWS:
            raise FormError(_("%(section)s: högst %(max)s rader.", section=labels[section], max=MAX_ROWS))
        plan[section] = rows
    notes = (texts.get("notes") or "").strip()
    plan["notes"] = notes or None
    return plan
