"""Joining an incident over the Socket.IO test client and waiting for the replay.

The server acknowledges `join` at once and sends the replay right after,
from a background task; `join` here returns the ack and every message
(`event` and `skip`) up to the ack's head, in the order received.
"""

from __future__ import annotations

import time
from typing import Any


def seq_messages(packets: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(p["name"], p["args"][0]) for p in packets if p["name"] in ("event", "skip")]


def join(
    client: Any, incident_id: int, since: int, timeout: float = 10.0
) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    ack = client.emit("join", {"incident": incident_id, "since": since}, callback=True)
    got: list[tuple[str, dict[str, Any]]] = []
    if not ack.get("ok") or ack["snapshot"]:
        return ack, got
    deadline = time.monotonic() + timeout
    while max([since] + [m["seq"] for _, m in got]) < ack["head"]:
        assert time.monotonic() < deadline, f"replay incomplete: {got[-3:]} of head {ack['head']}"
        got.extend(seq_messages(client.get_received()))
        time.sleep(0.005)
    return ack, got


def events(messages: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [m for name, m in messages if name == "event"]
