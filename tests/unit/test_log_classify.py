"""The KLASSA level, the OSL ground and the access flag complete and check each other (crisis.log.classify)."""

from __future__ import annotations

import pytest

from crisis.log import classify, hashing


@pytest.mark.parametrize(
    ("cls", "level", "osl", "expected"),
    [
        (None, None, None, ("internal", "K1", None)),
        ("public", None, None, ("public", "K0", None)),
        (None, "K3", "18 kap. 8 § OSL", ("confidential", "K3", "18 kap. 8 § OSL")),
        (None, None, "26 kap. 1 § OSL", ("confidential", "K2", "26 kap. 1 § OSL")),
        ("confidential", "K3", " 21 kap. 3 § OSL ", ("confidential", "K3", "21 kap. 3 § OSL")),
        (None, "K0", None, ("public", "K0", None)),
    ],
)
def test_resolve_completes_the_fields(cls, level, osl, expected):
    assert tuple(classify.resolve(cls, level, osl)) == expected


@pytest.mark.parametrize(
    ("cls", "level", "osl", "code"),
    [
        ("public", "K3", None, "level_mismatch"),
        ("confidential", "K1", "18 kap. 13 § OSL", "level_mismatch"),
        ("internal", None, "18 kap. 13 § OSL", "osl_not_confidential"),
        (None, "K2", None, "osl_missing"),
        (None, "K4", None, "unknown_level"),
    ],
)
def test_resolve_refuses_contradictions(cls, level, osl, code):
    with pytest.raises(classify.ClassificationError) as e:
        classify.resolve(cls, level, osl)
    assert e.value.code == code


def test_ground_text_names_the_paragraph():
    assert classify.ground_text("18 kap. 13 § OSL") == "Sekretess enligt 18 kap. 13 § OSL"
    assert classify.ground_text("25 kap. 1 §") == "Sekretess enligt 25 kap. 1 § OSL"
    assert classify.ground_text("OSL 18 kap. 13 §") == "Sekretess enligt OSL 18 kap. 13 §"


def test_level_lowered():
    assert classify.level_lowered("K3", "K2") and not classify.level_lowered("K2", "K3")
    assert not classify.level_lowered(None, "K0")


def test_the_level_is_hashed_only_when_recorded():
    base = {f: None for f in hashing.HASHED_FIELDS}
    # An entry from before levels were recorded hashes as it always did ...
    assert hashing.canonical(base) == hashing.canonical({**base, "confidentiality": None})
    # ... and a recorded level is part of the record: changing it breaks the hash.
    assert hashing.entry_hash(hashing.GENESIS, {**base, "confidentiality": "K2"}) != hashing.entry_hash(
        hashing.GENESIS, {**base, "confidentiality": "K3"}
    )
