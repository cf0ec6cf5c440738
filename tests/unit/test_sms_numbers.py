"""Phone numbers as the SMS gateway and the reply matching see them."""

from __future__ import annotations

import pytest

from crisis.playbooks.sms import e164, phone_key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("0320-00 01 01", "46320000101"),
        ("+46 320 00 01 01", "46320000101"),
        ("0046320000101", "46320000101"),
        ("070-123 45 67", "46701234567"),
        ("+47 22 00 00 00", "4722000000"),
        ("", ""),
        (None, ""),
        ("abc", ""),
    ],
)
def test_phone_key(raw, key):
    assert phone_key(raw) == key
    assert e164(raw) == ("+" + key if key else "")
