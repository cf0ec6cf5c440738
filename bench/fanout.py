"""Fan-out latency: N Socket.IO clients joined to one incident, a writer posts
M log entries through the API; latency from send to receipt at every client.

In the same run, the baseline: a bare python-socketio server on the same
stack (bench/baseline_server.py) broadcasting a message of the same size
with no app logic. Prints JSON with both and the ratio of their p95.

    .venv/bin/python bench/fanout.py [--clients 200 1000] [--messages 40]

Everything runs on 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

import aiohttp
import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.livehelpers import LiveServer, free_port  # noqa: E402

TEXT_SIZE = 200  # characters of log text, a typical entry


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"count": 0}
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {"count": len(values), "p50_ms": round(q[49], 2), "p95_ms": round(q[94], 2),
            "p99_ms": round(q[98], 2), "max_ms": round(max(values), 2)}


async def run_clients(url: str, n: int, headers: dict[str, str], join: dict[str, Any] | None,
                      send: Callable[[int], Awaitable[float]], messages: int) -> dict[str, Any]:
    """Connect n clients, then send `messages` messages; return latency stats in ms."""
    received: dict[int, dict[int, float]] = {}
    clients = []
    conn = aiohttp.TCPConnector(limit=0)
    http = aiohttp.ClientSession(connector=conn)

    async def make(i: int) -> None:
        c = socketio.AsyncClient(reconnection=False, http_session=http)

        @c.on("event")
        async def _on_event(ev: dict[str, Any]) -> None:
            marker = ev.get("data", {}).get("marker") if isinstance(ev.get("data"), dict) else None
            if marker is None:
                text = ev.get("data", {}).get("text", "")
                marker = int(text.split(":", 1)[0]) if text[:1].isdigit() else None
            if marker is not None:
                received.setdefault(marker, {})[i] = time.perf_counter()

        await c.connect(url, headers=headers, transports=["websocket"], wait_timeout=30)
        if join is not None:
            ack = await c.call("join", join, timeout=30)
            assert ack and ack.get("ok"), ack
        clients.append(c)

    t0 = time.perf_counter()
    for start in range(0, n, 50):  # connect in batches so the server's accept queue keeps up
        await asyncio.wait_for(asyncio.gather(*(make(i) for i in range(start, min(n, start + 50)))), 60)
    connect_s = time.perf_counter() - t0

    latencies: list[float] = []
    missing = 0
    for m in range(messages):
        sent = await send(m)
        deadline = time.perf_counter() + 10
        while len(received.get(m, {})) < n and time.perf_counter() < deadline:
            await asyncio.sleep(0.002)
        got = received.get(m, {})
        missing += n - len(got)
        latencies.extend((t - sent) * 1000 for t in got.values())
        await asyncio.sleep(0.05)
    await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)
    await http.close()
    stats = percentiles(latencies)
    stats.update(connect_seconds=round(connect_s, 2), missing=missing)
    return stats


def bench_app(n: int, messages: int, workdir: Path) -> dict[str, Any]:
    server = LiveServer(workdir, env={"KRISRUM_TEST_THREADS": str(n + 64),
                                      "CRISIS_LOGIN_RATE_LIMIT": "100000 per minute"}).start()
    try:
        api = server.api("staff")
        inc = server.api("duty_officer").post(server.url + "/api/v1/incidents",
                                              json={"title": "Bench", "kind": "bench"}).json()
        cookie_sess = server.cookie_session("observer")
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookie_sess.cookies.items())}
        url = f"{server.url}/api/v1/incidents/{inc['id']}/log"
        filler = "x" * TEXT_SIZE

        async def send(m: int) -> float:
            t = time.perf_counter()
            r = await asyncio.to_thread(api.post, url, json={"text": f"{m}:{filler}", "classification": "public"})
            r.raise_for_status()
            return t

        return asyncio.run(run_clients(server.url, n, headers, {"incident": inc["id"], "since": inc["last_seq"]},
                                       send, messages))
    finally:
        server.stop()


def bench_baseline(n: int, messages: int, payload_size: int) -> dict[str, Any]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "baseline_server.py"), str(port), str(n + 64)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(url + "/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        session = requests.Session()

        async def send(m: int) -> float:
            body = {"incident": 1, "seq": m, "type": "log.appended", "at": "", "actor": "bench",
                    "data": {"marker": m, "text": "x" * payload_size}}
            t = time.perf_counter()
            r = await asyncio.to_thread(session.post, url + "/trigger", json=body)
            r.raise_for_status()
            return t

        return asyncio.run(run_clients(url, n, {}, None, send, messages))
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--messages", type=int, default=40)
    args = parser.parse_args()
    # The app's event for a 200-character entry is about this many bytes on the wire;
    # the baseline pads its message to match.
    payload_size = TEXT_SIZE + 550
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.clients:
            app = bench_app(n, args.messages, Path(tmp) / f"app{n}")
            base = bench_baseline(n, args.messages, payload_size)
            ratio = round(app["p95_ms"] / base["p95_ms"], 2) if base.get("p95_ms") else None
            results.append({"clients": n, "messages": args.messages, "app": app, "baseline": base,
                            "p95_ratio": ratio, "target_ratio": 1.5,
                            "within_target": ratio is not None and ratio <= 1.5})
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    print(json.dumps({"benchmark": "fanout", "results": results}, indent=2))


if __name__ == "__main__":
    main()
