"""Validation of the small values every domain's service takes from outside: a
choice from an enum and a point in time. One home, so that every API and page
answers the same mistake with the same message and code."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l

from crisis import labels
from crisis.errors import ValidationError
from crisis.textcheck import check_text

E = TypeVar("E", bound=StrEnum)

# The example shown when a time cannot be read: Swedish winter time, with its offset.
TIME_EXAMPLE = "2026-11-24T16:00:00+01:00"
# Times outside these years are typing mistakes (and would overflow some databases).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def enum_value(enum_cls: type[E], value: Any, field: str) -> E:
    """`value` as a member of `enum_cls`; an unknown value names the field (by its label,
    crisis.labels.FIELDS) and the allowed values."""
    try:
        return enum_cls(value)
    except ValueError:
        raise ValidationError(
            _l(
                'Okänt värde "%(value)s" för %(field)s; välj ett av: %(allowed)s.',
                value=value,
                field=labels.field(field),
                allowed=", ".join(m.value for m in enum_cls),
            )
        ) from None


def aware_time(value: Any, field: Any, *, code: str = "bad_time") -> datetime | None:
    """An aware datetime from a datetime or ISO 8601 text with an offset ("Z" too); None or "" is none.

    `field` is what the message calls the value (a field name or a translated label).
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                _l(
                    '%(field)s: "%(value)s" kan inte läsas; ange ISO 8601 med tidszon, t.ex. %(example)s.',
                    field=field,
                    value=value,
                    example=TIME_EXAMPLE,
                ),
                code=code,
            ) from None
    if not isinstance(value, datetime):
        raise ValidationError(_l("%(field)s måste vara datum och tid.", field=field), code=code)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            _l("%(field)s behöver en tidszon (t.ex. %(example)s).", field=field, example=TIME_EXAMPLE), code=code
        )
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(_l("%(field)s ligger utanför tillåtet intervall.", field=field), code=code)
    return value


def day_value(value: Any, field: str, *, required: bool = False) -> date | None:
    """A calendar date from outside (a `date` or "YYYY-MM-DD"; None for None or "" unless
    `required`), in the years the app knows (FIRST_YEAR..LAST_YEAR)."""
    shown = labels.field(field)
    if value is None or value == "":
        if required:
            raise ValidationError(_l("%(field)s saknas.", field=shown), code="missing_field")
        return None
    if isinstance(value, datetime):
        raise ValidationError(_l('%(field)s: "%(value)s" är inget datum (ÅÅÅÅ-MM-DD).', field=shown, value=value))
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(
                _l('%(field)s: "%(value)s" är inget datum (ÅÅÅÅ-MM-DD).', field=shown, value=value)
            ) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(
            _l("%(field)s: året ska vara %(first)s–%(last)s.", field=shown, first=FIRST_YEAR, last=LAST_YEAR)
        )
    return day


def text_value(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    """Stripped text from outside ("" for None or blank), at most `limit` characters, with no
    NUL or hidden text-direction character (crisis.textcheck). `required` refuses the empty."""
    shown = labels.field(field)  # the field's display name, translated (else the name as given)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_l("%(field)s måste vara text.", field=shown))
    text = value.strip()
    if required and not text:
        raise ValidationError(_l("%(field)s saknas.", field=shown), code="missing_field")
    if len(text) > limit:
        raise ValidationError(_l("%(field)s är längre än %(limit)s tecken.", field=shown, limit=limit))
    check_text(text, shown)
    return text
