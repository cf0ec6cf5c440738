"""Forms of the actor register page: they carry the CSRF token; the service validates the values."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField


class ImportForm(FlaskForm):
    file = FileField(_l("Fil (CSV)"))


class ActionForm(FlaskForm):
    """Only the CSRF token: the add, edit, deactivate and samverkan forms read their fields themselves."""
