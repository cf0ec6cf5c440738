"""A socket `join` with a huge or non-integer `since`/`incident` gets an error ack, never an
unhandled exception; a bug in a handler is logged with its traceback and acknowledged."""

from __future__ import annotations

import logging

import pytest


@pytest.mark.parametrize(
    "data",
    [
        {"since": 10**30},
        {"since": 2**63},
        {"since": "9" * 5000},
        {"since": 1.5},
        {"since": [1]},
        {"since": "١٢"},  # Arabic-Indic digits: str.isdigit() says yes, int() would accept them
        {"incident": 10**30, "since": 0},
        {"incident": "9" * 30, "since": 0},
    ],
)
def test_join_with_a_hostile_number_is_an_error_ack(socket_client, incident, data):
    client = socket_client("staff")
    ack = client.emit("join", {"incident": incident.id, **data}, callback=True)
    assert ack["ok"] is False
    assert "integer" in ack["error"] or ack["error"] == "no such incident"
    assert client.is_connected()
    # The socket still works afterwards.
    assert client.emit("join", {"incident": incident.id, "since": 0}, callback=True)["ok"] is True


def test_a_bug_in_a_handler_is_logged_and_acknowledged(socket_client, incident, caplog, monkeypatch):
    from crisis.realtime import handlers

    def broken(*args, **kwargs):
        raise RuntimeError("socket bug under test")

    client = socket_client("staff")
    monkeypatch.setattr(handlers, "has_perm", broken)
    with caplog.at_level(logging.ERROR):
        ack = client.emit("join", {"incident": incident.id, "since": 0}, callback=True)
    assert ack == {"ok": False, "error": "internal error"}
    assert "socket bug under test" in caplog.text and "Traceback" in caplog.text
