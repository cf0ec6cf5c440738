"""A long catch-up reaches the screen whole, on the production server stack.

A screen that rejoins after 10,000 missed events gets them all, once and in
seq order, as one message per event and as batches. This burst fills the
socket's send buffer, which is where simple-websocket used to write partial
frames (the browser saw "Invalid UTF-8" and the replay stopped):
crisis/realtime/websocket.py makes every send whole.
"""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest
import sqlalchemy as sa

from tests.livehelpers import LiveServer, cookie_header

pytestmark = [pytest.mark.live, pytest.mark.slow]

N = 10_000


def _fill(server: LiveServer, incident: int) -> None:
    """Copy the incident's one real event N-1 times, gap-free (quick set-up)."""
    engine = sa.create_engine(server.db_url)
    with engine.begin() as conn:
        last = conn.execute(
            sa.text(
                "SELECT seq, type, at, actor, data, confidential FROM events "
                "WHERE incident_id = :i ORDER BY seq DESC LIMIT 1"
            ),
            {"i": incident},
        ).one()
        conn.execute(
            sa.text(
                "INSERT INTO events (incident_id, seq, type, at, actor, data, confidential) "
                "VALUES (:i, :seq, :type, :at, :actor, :data, :c)"
            ),
            [
                {
                    "i": incident,
                    "seq": last.seq + k,
                    "type": last.type,
                    "at": last.at,
                    "actor": last.actor,
                    "data": last.data,
                    "c": last.confidential,
                }
                for k in range(1, N - last.seq + 1)
            ],
        )
        conn.execute(sa.text("UPDATE incidents SET last_seq = :n WHERE id = :i"), {"n": N, "i": incident})
    engine.dispose()


async def _replay(url: str, cookie: str, incident: int, batch: bool) -> list[int]:
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(
            url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket",
            headers={"Cookie": cookie},
            max_msg_size=0,
        )
        try:
            assert (await ws.receive_str()).startswith("0")
            await ws.send_str("40")
            assert (await ws.receive_str()).startswith("40")
            await ws.send_str("421" + json.dumps(["join", {"incident": incident, "since": 0, "batch": batch}]))
            seqs: list[int] = []
            while len(seqs) < N:
                msg = await asyncio.wait_for(ws.receive(), 30)
                assert msg.type == aiohttp.WSMsgType.TEXT, (msg.type, msg.data, len(seqs))
                if msg.data == "2":
                    await ws.send_str("3")
                    continue
                if msg.data.startswith("431"):
                    ack = json.loads(msg.data[3:])[0]
                    assert ack["ok"] and ack["head"] == N and not ack["snapshot"], ack
                    continue
                assert msg.data.startswith("42"), msg.data[:80]
                name, payload = json.loads(msg.data[2:])
                if name == "events":
                    seqs.extend(item["seq"] for item in payload["items"])
                elif name in ("event", "skip"):
                    seqs.append(payload["seq"])
            return seqs
        finally:
            await ws.close()


def test_ten_thousand_missed_events_arrive_whole_and_in_order(tmp_path):
    server = LiveServer(tmp_path, env={"CRISIS_REPLAY_LIMIT": str(N + 10)}).start()
    try:
        inc = (
            server.api("duty_officer")
            .post(server.url + "/api/v1/incidents", json={"title": "Lång återuppspelning", "kind": "test"})
            .json()
        )
        server.api("staff").post(
            f"{server.url}/api/v1/incidents/{inc['id']}/log",
            json={"text": "En rad som i en riktig dagbok, med lite längd åt den."},
        ).raise_for_status()
        _fill(server, inc["id"])
        cookie = cookie_header(server.cookie_session("staff"))
        for batch in (True, False):
            seqs = asyncio.run(_replay(server.url, cookie, inc["id"], batch))
            assert seqs == list(range(1, N + 1)), f"batch={batch}: out of order or not once each"
    finally:
        server.stop()
