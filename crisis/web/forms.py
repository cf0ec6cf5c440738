from __future__ import annotations

from typing import Protocol

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crisis import labels


class IncidentForm(FlaskForm):
    title = StringField(_l("Rubrik"), validators=[DataRequired(), Length(max=200)])
    kind = StringField(
        _l("Typ av händelse"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("t.ex. elavbrott, dricksvatten, storm"),
    )
    # Opening needs no decision up to bevakningsläge; a higher level is a decision in the register.
    level = SelectField(
        _l("Nivå"),
        choices=[(k, v) for k, v in labels.LEVELS.items() if k in ("normal", "monitoring")],
        default="monitoring",
        description=_l("Högre nivå är ett beslut: registreras i beslutsförteckningen."),
    )
    mode = SelectField(_l("Skarp händelse eller övning"), choices=list(labels.MODES.items()), default="real")
    description = TextAreaField(_l("Beskrivning"), validators=[Optional(), Length(max=5000)])


class ImportOutcome(Protocol):
    """What a register's CSV/GeoJSON import reports (sites, actors): the names per outcome."""

    created: list[str]
    updated: list[str]
    unchanged: list[str]


def flash_imported(filename: str | None, result: ImportOutcome) -> None:
    """The one-line Swedish summary shown after an import from the register page."""
    flash(
        _(
            "%(file)s importerad: %(new)s nya, %(updated)s ändrade, %(same)s oförändrade.",
            file=filename,
            new=len(result.created),
            updated=len(result.updated),
            same=len(result.unchanged),
        ),
        "ok",
    )
