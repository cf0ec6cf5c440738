"""Krisledningsnämnden (KLN) in function: the effect of a decision of type `kln`.

LEH (lag 2006:544) 2 kap. 3 §: krisledningsnämnden träder i funktion when its
ordförande (or, if the ordförande cannot, the vice ordförande) finds that an
extraordinary event (extraordinär händelse) exists; the nämnd may then take
over the beslutanderätt of other nämnder as far as the event requires (2 kap. 4 §), and
2 kap. 5 § ends its activity. Under höjd beredskap kommunstyrelsen leads
instead, so KLN does not enter into function then.

`prepare` validates a kln decision before anything is written (called by
`record_locked`), `apply_locked` sets the incident's KLN fields after the
decision is recorded and appends `incident.updated`. Both run inside the
caller's write transaction with the incident locked.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l

from crisis import record_sv
from crisis.auth.models import User
from crisis.db import utcnow
from crisis.decisions.mandates import Mandate
from crisis.decisions.models import Decision
from crisis.enums import Readiness
from crisis.errors import Conflict, Forbidden, ValidationError
from crisis.events import service as events
from crisis.incidents.models import Incident

# The mandates under which KLN enters into function (and stands down).
CHAIR_MANDATES: frozenset[str] = frozenset({"kln_ordforande", "kln_vice_ordforande"})
# A takeover of beslutanderätt may also be decided by the nämnd itself once it is in function.
TAKEOVER_MANDATES: frozenset[str] = CHAIR_MANDATES | {"krisledningsnamnden"}
MAX_SCOPE = 200


class KlnAction(StrEnum):
    ACTIVATE = "activate"  # träder i funktion
    STAND_DOWN = "stand_down"  # verksamheten upphör
    TAKEOVER = "takeover"  # övertagande av beslutanderätt


def _readiness_heightened() -> bool:
    from crisis.readiness import service as readiness

    row = readiness.current_state()
    return row is not None and row.readiness is not Readiness.PEACE


def prepare(
    *, incident: Incident, mandate: Mandate | None, payload: dict[str, Any], text: str | None
) -> tuple[dict[str, Any], str]:
    """Validate a kln decision; return its data and the decision text (the fixed finding first).

    Raises before anything is written: Forbidden without the chair's mandate,
    Conflict under höjd beredskap or when the action does not fit KLN's state.
    """
    try:
        action = KlnAction(str(payload.get("action")))
    except ValueError:
        raise ValidationError(
            _l(
                "Ett beslut om krisledningsnämnden behöver data.action: %(allowed)s.",
                allowed=", ".join(a.value for a in KlnAction),
            ),
            code="kln_action_required",
        ) from None
    allowed = TAKEOVER_MANDATES if action is KlnAction.TAKEOVER else CHAIR_MANDATES
    if mandate is None or mandate.key not in allowed:
        raise Forbidden(
            _l(
                "Krisledningsnämnden träder i funktion bara genom beslut av dess ordförande eller vice ordförande "
                "(LEH 2 kap. 3 §): välj mandatet kln_ordforande eller kln_vice_ordforande."
            ),
            code="kln_mandate_required",
        )
    if action is not KlnAction.STAND_DOWN and _readiness_heightened():
        raise Conflict(
            _l("Under höjd beredskap leder kommunstyrelsen; krisledningsnämnden träder inte i funktion."),
            code="heightened_readiness",
        )
    scope = payload.get("scope")
    scope_v = scope.strip() if isinstance(scope, str) else ""
    if len(scope_v) > MAX_SCOPE:
        raise ValidationError(_l("data.scope är längre än %(limit)s tecken.", limit=MAX_SCOPE))
    if action is KlnAction.ACTIVATE:
        if incident.kln_active:
            raise Conflict(_l("Krisledningsnämnden är redan i funktion för händelsen."), code="kln_active")
        fixed = record_sv.kln_activated()
    elif action is KlnAction.TAKEOVER:
        if not incident.kln_active:
            raise Conflict(
                _l("Krisledningsnämnden är inte i funktion; den kan inte ta över beslutanderätt."),
                code="kln_not_active",
            )
        if not scope_v:
            raise ValidationError(
                _l("Ange vilken nämnds verksamhetsområde beslutanderätten tas över för (data.scope)."),
                code="kln_scope_required",
            )
        fixed = record_sv.kln_takeover(scope_v)
    else:
        if not incident.kln_active:
            raise Conflict(_l("Krisledningsnämnden är inte i funktion."), code="kln_not_active")
        fixed = record_sv.kln_stood_down()
    data: dict[str, Any] = {"action": action.value}
    if scope_v:
        data["scope"] = scope_v
    own = (text or "").strip()
    return data, f"{fixed} {own}" if own else fixed


def apply_locked(*, incident: Incident, actor: User, decision: Decision) -> None:
    """Set KLN's state on the incident as the recorded decision says, and tell the screens."""
    action = KlnAction(str((decision.data or {}).get("action")))
    if action is KlnAction.ACTIVATE:
        incident.kln_active = True
        incident.kln_since = utcnow()
        incident.extraordinary = True
    elif action is KlnAction.STAND_DOWN:
        incident.kln_active = False
        incident.kln_since = None
        incident.extraordinary = False
    else:
        return  # a takeover changes the register and the log, not the incident's state
    events.append_event(incident=incident, type="incident.updated", actor=actor.username, data=incident.to_dict())
