"""Forms of the register page. They carry the CSRF token and the raw values;
the service validates (by the importer's rules), so the page and the API
give the same answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional


class SiteForm(FlaskForm):
    key = StringField(
        _l("Nyckel"),
        validators=[Optional(), Length(max=64)],
        description=_l("Unik, t.ex. water-kinna-vv: små bokstäver a-z, siffror, - _ ."),
    )
    name = StringField(_l("Namn"), validators=[Optional(), Length(max=200)])
    # The service checks the values (with the same messages as the importer and the API).
    category = SelectField(_l("Kategori"), choices=[], validate_choice=False)
    lat = StringField(_l("Latitud"), validators=[Optional(), Length(max=40)], description=_l("t.ex. 57,5098"))
    lon = StringField(_l("Longitud"), validators=[Optional(), Length(max=40)], description=_l("t.ex. 12,6934"))
    geometry = TextAreaField(
        _l("Geometri (GeoJSON)"),
        validators=[Optional(), Length(max=200_000)],
        description=_l("Bara för linjer och ytor; lämna tomt för en punkt."),
    )
    address = StringField(_l("Adress"), validators=[Optional(), Length(max=500)])
    owner = StringField(_l("Ägare"), validators=[Optional(), Length(max=500)])
    contact = StringField(_l("Kontakt"), validators=[Optional(), Length(max=500)])
    backup_power = BooleanField(_l("Har reservkraft"))
    fuel_hours = StringField(_l("Bränsle för reservkraft (timmar)"), validators=[Optional(), Length(max=20)])
    styrel_priority = SelectField(_l("Styrel-prioritetsklass"), choices=[], validate_choice=False)
    depends_on = StringField(
        _l("Beroende av (nycklar)"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Nycklarna till verksamheter den behöver, åtskilda med komma."),
    )


class ImportForm(FlaskForm):
    file = FileField(_l("Fil (GeoJSON eller CSV)"))


class ActionForm(FlaskForm):
    """Only the CSRF token: retire and restore buttons."""
