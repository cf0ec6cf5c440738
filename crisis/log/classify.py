"""Classification of a log entry (pure: no Flask, no database).

An entry carries three related fields:

- `confidentiality`: the KLASSA confidentiality level, `K0` (public) to `K3`
  (serious harm). KLASSA level 4 (säkerhetsskydd) never belongs in Krisrum.
- `osl_ground`: the secrecy assessment, the paragraph of offentlighets- och
  sekretesslagen (2009:400) that makes the content secret. Chosen from
  `OSL_GROUNDS` in the form; any other ground may be written as free text.
- `classification`: the access flag the rest of Krisrum relies on
  (`confidential` hides an entry from observers, search, the wall and the
  public export). It is *derived* from the two above and kept for the API:

      K0 -> public     K1 -> internal     K2, K3 -> confidential
      an OSL ground (any level)            -> confidential

  A request may give any of the three. Missing ones are filled in from the
  others (`public` -> K0, `internal` -> K1, `confidential` -> K2; an OSL
  ground alone -> K2 and confidential); a combination that contradicts the
  table (e.g. K3 with `public`, or an OSL ground with `internal`) is refused.
  A confidential entry always needs its OSL ground.
"""

from __future__ import annotations

from typing import NamedTuple

LEVELS = ("K0", "K1", "K2", "K3")

# The secrecy grounds a kommun's crisis log most often needs (the form's list).
OSL_GROUNDS = (
    "18 kap. 13 § OSL",  # kommunens risk- och sårbarhetsanalys, krishantering
    "18 kap. 8 § OSL",  # säkerhets- och bevakningsåtgärder
    "15 kap. 2 § OSL",  # försvar, förhållande till annan stat
    "21 kap. 1 § OSL",  # hälsa och sexualliv
    "21 kap. 3 § OSL",  # skyddade personuppgifter
    "25 kap. 1 § OSL",  # hälso- och sjukvård
    "26 kap. 1 § OSL",  # socialtjänst
    "39 kap. 3 § OSL",  # personalärenden
)

LEVEL_OF = {"public": "K0", "internal": "K1", "confidential": "K2"}
CLASS_OF = {"K0": "public", "K1": "internal", "K2": "confidential", "K3": "confidential"}
RANK = {"K0": 0, "K1": 1, "K2": 2, "K3": 3}


class Resolved(NamedTuple):
    classification: str
    confidentiality: str
    osl_ground: str | None


class ClassificationError(ValueError):
    """The combination contradicts itself; `code` names which rule."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def resolve(classification: str | None, confidentiality: str | None, osl_ground: str | None) -> Resolved:
    """The three fields, completed and checked against each other (see the module docstring).

    Raises ClassificationError("unknown_level" | "level_mismatch" | "osl_not_confidential"
    | "osl_missing"); an unknown `classification` value is left to the caller.
    """
    osl = (osl_ground or "").strip() or None
    if confidentiality is not None and confidentiality not in RANK:
        raise ClassificationError("unknown_level")
    if classification is None:
        if confidentiality is not None:
            classification = CLASS_OF[confidentiality]
        else:
            classification = "confidential" if osl else "internal"
    if confidentiality is None:
        confidentiality = LEVEL_OF.get(classification, "K1")
    expected = CLASS_OF[confidentiality]
    if classification in LEVEL_OF and expected != classification:
        raise ClassificationError("level_mismatch")
    if osl and classification in LEVEL_OF and classification != "confidential":
        raise ClassificationError("osl_not_confidential")
    if classification == "confidential" and not osl:
        raise ClassificationError("osl_missing")
    return Resolved(classification, confidentiality, osl)


def level_lowered(original: str | None, requested: str) -> bool:
    """True when `requested` is a lower KLASSA level than `original` (None: not recorded, never lower)."""
    if original is None or original not in RANK or requested not in RANK:
        return False
    return RANK[requested] < RANK[original]


def ground_text(osl_ground: str | None) -> str:
    """What a public-records copy shows in place of secret content: "Sekretess enligt 18 kap. 13 § OSL"."""
    ground = (osl_ground or "").strip()
    if not ground:
        return "Sekretess enligt OSL"
    if "OSL" not in ground.upper().split() and "OSL" not in ground:
        ground = f"{ground} OSL"
    return f"Sekretess enligt {ground}"
