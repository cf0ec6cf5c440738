"""Replay: how long a reconnecting screen takes to receive N missed events.

Starts the production server stack (tests/livehelpers.py LiveServer, a
temporary SQLite database, CRISIS_REPLAY_LIMIT above N), writes one real log
entry through the API, then copies its event N-1 times straight into the
events table (same shape as real `log.appended` events, seq gap-free, the
incident's last_seq moved along) so that setting up is quick. A
python-socketio client (websocket) joins with since=0 and the time is taken
from sending `join` until the last seq has arrived; once with one message per
event (the default contract) and once with `batch: true`. Prints JSON:

    {"events", "modes": [{"mode", "messages", "ack_ms", "replay_s", "events_per_s", "complete_in_order"}]}

    .venv/bin/python bench/replay.py [--events 10000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import socketio
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.livehelpers import LiveServer  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000)
    args = ap.parse_args()
    n = args.events
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp), env={"CRISIS_REPLAY_LIMIT": str(n + 10)}).start()
        try:
            api = server.api("staff")
            inc = (
                server.api("duty_officer")
                .post(server.url + "/api/v1/incidents", json={"title": "Replay", "kind": "bench"})
                .json()
            )
            api.post(
                f"{server.url}/api/v1/incidents/{inc['id']}/log",
                json={"text": "En rad som den i en riktig dagbok, med lite längd åt den."},
            ).raise_for_status()
            engine = sa.create_engine(server.db_url)
            with engine.begin() as conn:
                last = conn.execute(
                    sa.text(
                        "SELECT seq, type, at, actor, data, confidential FROM events "
                        "WHERE incident_id = :i ORDER BY seq DESC LIMIT 1"
                    ),
                    {"i": inc["id"]},
                ).one()
                start = last.seq
                rows = [
                    {
                        "i": inc["id"],
                        "seq": start + k,
                        "type": last.type,
                        "at": last.at,
                        "actor": last.actor,
                        "data": last.data,
                        "c": last.confidential,
                    }
                    for k in range(1, n - start + 1)
                ]
                conn.execute(
                    sa.text(
                        "INSERT INTO events (incident_id, seq, type, at, actor, data, confidential) "
                        "VALUES (:i, :seq, :type, :at, :actor, :data, :c)"
                    ),
                    rows,
                )
                conn.execute(sa.text("UPDATE incidents SET last_seq = :n WHERE id = :i"), {"n": n, "i": inc["id"]})
            engine.dispose()

            session = server.cookie_session("staff")
            cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
            client = socketio.SimpleClient()
            client.connect(server.url, headers={"Cookie": cookie}, transports=["websocket"])
            out = {"bench": "replay", "events": n, "modes": []}
            for batched in (False, True):
                t0 = time.perf_counter()
                ack = client.call("join", {"incident": inc["id"], "since": 0, "batch": batched}, timeout=30)
                t_ack = time.perf_counter()
                seqs: list[int] = []
                messages = 0
                while len(seqs) < n:
                    name, payload = client.receive(timeout=30)
                    messages += 1
                    if name in ("event", "skip"):
                        seqs.append(payload["seq"])
                    elif name == "events":
                        seqs.extend(item["seq"] for item in payload["items"])
                t_end = time.perf_counter()
                out["modes"].append(
                    {
                        "mode": "batch" if batched else "one message per event",
                        "messages": messages,
                        "head": ack["head"],
                        "snapshot": ack["snapshot"],
                        "ack_ms": round((t_ack - t0) * 1000, 1),
                        "replay_s": round(t_end - t0, 3),
                        "events_per_s": round(n / (t_end - t0)),
                        "complete_in_order": seqs == list(range(1, n + 1)),
                    }
                )
            client.disconnect()
            print(json.dumps(out, indent=2))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
