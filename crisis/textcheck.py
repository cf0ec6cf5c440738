"""Characters refused in what people write into the record.

A NUL byte is no text (PostgreSQL refuses it, exports and screens cut at it).
Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069)
reorder how a line is displayed, so a log entry or a title could read
differently from what it says: in a record that must be trusted, they are
refused with a clear message. Services call `check_text` on log text and titles.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from crisis.errors import ValidationError
from crisis.safejson import BIDI_CONTROLS


def check_text(value: str | None, field: str) -> None:
    """Raise ValidationError if `value` holds a NUL or a bidirectional control character."""
    if not value:
        return
    if "\x00" in value:
        raise ValidationError(
            _l("Fältet %(field)s innehåller ett NUL-tecken, som inte är tillåtet i text.", field=field)
        )
    hidden = next((ch for ch in value if ch in BIDI_CONTROLS), None)
    if hidden is not None:
        raise ValidationError(
            _l(
                "Fältet %(field)s innehåller ett osynligt tecken som vänder textriktningen (U+%(code)s); "
                "ta bort det och skriv texten som den ska läsas.",
                field=field,
                code=f"{ord(hidden):04X}",
            )
        )
