from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from crisis.enums import Role

ROLE_CHOICES = [(r.value, r.value) for r in Role]


class LoginForm(FlaskForm):
    username = StringField(_l("Användarnamn"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Lösenord"), validators=[DataRequired(), Length(max=256)])


class UserCreateForm(FlaskForm):
    username = StringField(_l("Användarnamn"), validators=[DataRequired(), Length(min=2, max=64)])
    display_name = StringField(_l("Namn"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Roll"), choices=ROLE_CHOICES)
    password = PasswordField(_l("Lösenord"), validators=[DataRequired(), Length(min=8, max=256)])
    phone = StringField(_l("Telefon"), validators=[Optional(), Length(max=64)])
    email = StringField(_l("E-post"), validators=[Optional(), Length(max=254)])


class UserUpdateForm(FlaskForm):
    role = SelectField(_l("Roll"), choices=ROLE_CHOICES)
    active = BooleanField(_l("Aktiv"))
    password = PasswordField(_l("Nytt lösenord"), validators=[Optional(), Length(min=8, max=256)])


class TokenForm(FlaskForm):
    name = StringField(_l("Namn på token"), validators=[DataRequired(), Length(max=100)])


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for POST buttons (logout, revoke)."""
