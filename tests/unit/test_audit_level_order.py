"""The start page ranks levels by the order of the label table (data-level-order): it must be LEVEL_ORDER."""

from __future__ import annotations

from crisis.enums import LEVEL_ORDER


def test_level_labels_are_in_level_order():
    from crisis.web.template_helpers import labels

    assert list(labels.LEVELS) == [level.value for level in LEVEL_ORDER]
