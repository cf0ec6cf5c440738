"""Fan-out latency and API latency under load, against a bare server of the same async model.

Krisrum (production stack: gunicorn, one gevent worker per process) with N
WebSocket clients joined to one incident; a writer posts M log entries
through the API; latency from send to receipt at every client. In the same
run, the baseline: a bare python-socketio server (bench/baseline_server.py,
gevent, same transport) broadcasting a message of the same size. Scenarios:

  * fan-out with each of --clients on one process (default 200 1000 5000);
  * fan-out with --redis-clients (1000) split over two processes sharing a
    Redis message queue (--redis URL; skipped without one), baseline: two
    bare servers sharing a python-socketio RedisManager;
  * API read latency (GET the incident's log) with --api-sockets (2000)
    sockets connected, and with none, on one process.

Clients are minimal asyncio WebSocket clients (tests/livehelpers.RawSocket),
spread over several client processes so that the client side is not the
bottleneck; on a 2-core machine clients and server share the cores.
Writes JSON to bench/results/fanout-<time>.json and prints it.

    .venv/bin/python bench/fanout.py [--clients 200 1000 5000] [--messages 40]
        [--redis redis://127.0.0.1:6379/1] [--redis-clients 1000] [--api-sockets 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.livehelpers import LiveServer, RawSocket, cookie_header, free_port  # noqa: E402

TEXT_SIZE = 200  # characters of log text, a typical entry
PAYLOAD_SIZE = TEXT_SIZE + 550  # the app's event for such an entry is about this many bytes; the baseline pads to it
TARGET_RATIO = 1.2
TARGET_P95_MS_AT_1000 = 60
TARGET_API_P95_MS = 100


def percentiles(values: list[float]) -> dict[str, Any]:
    if len(values) < 2:
        return {"count": len(values)}
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "count": len(values),
        "p50_ms": round(q[49], 2),
        "p95_ms": round(q[94], 2),
        "p99_ms": round(q[98], 2),
        "max_ms": round(max(values), 2),
    }


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total, pids = 0, [pid]
    while pids:
        p = pids.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    pids.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, StopIteration):
            continue
    return round(total / 1024, 1)


# --- client processes ---------------------------------------------------------


def client_worker(url: str, n: int, cookie: str, join: str) -> None:
    """Subprocess: open n sockets, print READY, record events until a line on stdin, print them as JSON."""
    import aiohttp

    async def main() -> None:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            sockets: list[RawSocket] = []

            async def one() -> None:
                s = RawSocket()
                if await s.connect(http, url, cookie, timeout=120):
                    sockets.append(s)
                    if join:
                        ack = await s.call("join", json.loads(join), timeout=120)
                        assert ack.get("ok"), ack

            for start in range(0, n, 50):
                await asyncio.gather(*(one() for _ in range(start, min(n, start + 50))), return_exceptions=True)
            print(f"READY {len(sockets)}", flush=True)
            await asyncio.to_thread(sys.stdin.readline)
            out = []
            for s in sockets:
                for ev, t in zip(s.events, s.received_at, strict=True):
                    data = ev.get("data") or {}
                    marker = data.get("marker")
                    if marker is None and str(data.get("text", "")).split(":", 1)[0].isdigit():
                        marker = int(data["text"].split(":", 1)[0])
                    if marker is not None:
                        out.append((marker, t))
            await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
            print(json.dumps(out), flush=True)

    asyncio.run(main())


class Clients:
    """n clients spread over client processes (and over the given server URLs)."""

    def __init__(self, urls: list[str], n: int, cookie: str = "", join: dict[str, Any] | None = None) -> None:
        k = max(2, min(4, n // 500))
        per = [n // k + (1 if i < n % k else 0) for i in range(k)]
        t0 = time.monotonic()
        self.procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    urls[i % len(urls)],
                    str(c),
                    cookie,
                    json.dumps(join) if join else "",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for i, c in enumerate(per)
        ]
        self.connected = 0
        for p in self.procs:
            line = p.stdout.readline()  # type: ignore[union-attr]
            if not line.startswith("READY"):
                raise RuntimeError(f"client process failed: {line!r}")
            self.connected += int(line.split()[1])
        self.connect_seconds = round(time.monotonic() - t0, 2)

    def collect(self) -> list[tuple[int, float]]:
        out: list[tuple[int, float]] = []
        for p in self.procs:
            p.stdin.write("STOP\n")  # type: ignore[union-attr]
            p.stdin.flush()  # type: ignore[union-attr]
        for p in self.procs:
            out.extend(tuple(x) for x in json.loads(p.stdout.readline()))  # type: ignore[union-attr,misc]
            p.wait(60)
        return out


def fanout(
    urls: list[str],
    n: int,
    messages: int,
    send: Callable[[int], float],
    cookie: str = "",
    join: dict[str, Any] | None = None,
    server_pids: list[int] | None = None,
) -> dict[str, Any]:
    clients = Clients(urls, n, cookie, join)
    sent: dict[int, float] = {}
    for m in range(messages):
        sent[m] = send(m)
        time.sleep(0.5)
    time.sleep(3)
    rss = sum(rss_mb(pid) for pid in server_pids or [])
    got = clients.collect()
    latencies = [(t - sent[m]) * 1000 for m, t in got if m in sent]
    stats = percentiles(latencies)
    stats.update(
        clients=n,
        connected=clients.connected,
        connect_seconds=clients.connect_seconds,
        missing=n * messages - len(latencies),
        server_rss_mb=rss,
    )
    return stats


# --- servers ------------------------------------------------------------------


class App:
    """One or more Krisrum processes on one database (and Redis if given), an incident, a writer."""

    def __init__(self, workdir: Path, n: int, processes: int = 1, redis: str = "") -> None:
        env = {
            "CRISIS_LOGIN_RATE_LIMIT": "100000 per minute",
            "CRISIS_MAX_SOCKETS": str(n + 100),
            "CRISIS_WORKER_CONNECTIONS": str(n + 1100),
            "CRISIS_MESSAGE_QUEUE": redis,
        }
        db_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        self.servers = [LiveServer(workdir, db_url=db_url, env=env).start()]
        for _ in range(processes - 1):
            s = LiveServer(workdir, db_url=db_url, env=env, setup=False).start()
            s.info = self.servers[0].info
            self.servers.append(s)
        first = self.servers[0]
        self.inc = (
            first.api("duty_officer")
            .post(first.url + "/api/v1/incidents", json={"title": "Bench", "kind": "bench"})
            .json()
        )
        self.cookie = cookie_header(first.cookie_session("observer"))
        self.writer = first.api("staff")
        self.log_url = f"{first.url}/api/v1/incidents/{self.inc['id']}/log"
        self.join = {"incident": self.inc["id"], "since": self.inc["last_seq"]}
        self.post_ms: list[float] = []

    def send(self, m: int) -> float:
        t = time.monotonic()
        r = self.writer.post(self.log_url, json={"text": f"{m}:" + "x" * TEXT_SIZE, "classification": "public"})
        r.raise_for_status()
        self.post_ms.append((time.monotonic() - t) * 1000)
        return t

    def run(self, n: int, messages: int) -> dict[str, Any]:
        out = fanout(
            [s.url for s in self.servers],
            n,
            messages,
            self.send,
            self.cookie,
            self.join,
            [s.proc.pid for s in self.servers if s.proc],
        )
        # The writer's POST round trip (the write itself, before any fan-out).
        out["post"] = percentiles(self.post_ms)
        return out

    def stop(self) -> None:
        for s in reversed(self.servers):
            s.stop()


class Baseline:
    def __init__(self, n: int, processes: int = 1, redis: str = "") -> None:
        self.procs, self.urls = [], []
        for _ in range(processes):
            port = free_port()
            args = [sys.executable, str(ROOT / "bench" / "baseline_server.py"), str(port), str(n + 1100)]
            self.procs.append(
                subprocess.Popen(
                    args + ([redis] if redis else []),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
            self.urls.append(f"http://127.0.0.1:{port}")
        for url in self.urls:
            for _ in range(200):
                try:
                    if requests.get(url + "/healthz", timeout=1).ok:
                        break
                except requests.RequestException:
                    time.sleep(0.1)
        self.http = requests.Session()
        self.post_ms: list[float] = []

    def send(self, m: int) -> float:
        body = {
            "incident": 1,
            "seq": m,
            "type": "log.appended",
            "at": "",
            "actor": "bench",
            "data": {"marker": m, "text": "x" * PAYLOAD_SIZE},
        }
        t = time.monotonic()
        self.http.post(self.urls[0] + "/trigger", json=body).raise_for_status()
        self.post_ms.append((time.monotonic() - t) * 1000)
        return t

    def run(self, n: int, messages: int) -> dict[str, Any]:
        out = fanout(self.urls, n, messages, self.send, server_pids=[p.pid for p in self.procs])
        out["post"] = percentiles(self.post_ms)
        return out

    def stop(self) -> None:
        for p in self.procs:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(15)


def compare(app: dict[str, Any], base: dict[str, Any], target_p95_ms: float | None = None) -> dict[str, Any]:
    ratio = round(app["p95_ms"] / base["p95_ms"], 2) if app.get("p95_ms") and base.get("p95_ms") else None
    out = {
        "app": app,
        "baseline": base,
        "p95_ratio": ratio,
        "target_ratio": TARGET_RATIO,
        "within_ratio": ratio is not None and ratio <= TARGET_RATIO,
    }
    if target_p95_ms is not None:
        out.update(target_p95_ms=target_p95_ms, within_p95=bool(app.get("p95_ms")) and app["p95_ms"] < target_p95_ms)
    return out


def api_under_sockets(workdir: Path, sockets: int, requests_n: int = 200) -> dict[str, Any]:
    app = App(workdir, sockets)
    try:
        for m in range(20):
            app.send(m)
        reader = app.servers[0].api("observer")

        def measure() -> dict[str, Any]:
            times = []
            for _ in range(requests_n):
                t = time.monotonic()
                reader.get(app.log_url).raise_for_status()
                times.append((time.monotonic() - t) * 1000)
                time.sleep(0.02)
            return percentiles(times)

        idle = measure()
        clients = Clients([app.servers[0].url], sockets, app.cookie, app.join)
        loaded = measure()
        rss = rss_mb(app.servers[0].proc.pid)  # type: ignore[union-attr]
        clients.collect()
        return {
            "sockets": sockets,
            "connected": clients.connected,
            "connect_seconds": clients.connect_seconds,
            "no_sockets": idle,
            "with_sockets": loaded,
            "server_rss_mb": rss,
            "target_p95_ms": TARGET_API_P95_MS,
            "within_target": bool(loaded.get("p95_ms")) and loaded["p95_ms"] < TARGET_API_P95_MS,
        }
    finally:
        app.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, nargs="*", default=[200, 1000, 5000])
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument(
        "--redis",
        default=os.environ.get("CRISIS_TEST_REDIS_URL", ""),
        help="Redis URL for the two-process scenario (default: CRISIS_TEST_REDIS_URL; none = skip)",
    )
    parser.add_argument("--redis-clients", type=int, default=1000)
    parser.add_argument("--api-sockets", type=int, default=2000, help="0 = skip the API scenario")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "benchmark": "fanout",
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpus": os.cpu_count(),
        "messages": args.messages,
        "one_process": [],
        "two_processes_redis": None,
        "api_read": None,
    }

    def report(key: str, item: Any) -> None:
        print(json.dumps({key: item}), file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        for n in args.clients:
            app = App(Path(tmp) / f"app{n}", n)
            try:
                a = app.run(n, args.messages)
            finally:
                app.stop()
            base = Baseline(n)
            try:
                b = base.run(n, args.messages)
            finally:
                base.stop()
            item = {"clients": n, **compare(a, b, TARGET_P95_MS_AT_1000 if n == 1000 else None)}
            results["one_process"].append(item)
            report("one_process", item)
        if args.redis and args.redis_clients:
            n = args.redis_clients
            app = App(Path(tmp) / "redis", n, processes=2, redis=args.redis)
            try:
                a = app.run(n, args.messages)
            finally:
                app.stop()
            base = Baseline(n, processes=2, redis=args.redis)
            try:
                b = base.run(n, args.messages)
            finally:
                base.stop()
            results["two_processes_redis"] = {"clients": n, **compare(a, b)}
            report("two_processes_redis", results["two_processes_redis"])
        if args.api_sockets:
            results["api_read"] = api_under_sockets(Path(tmp) / "api", args.api_sockets)
            report("api_read", results["api_read"])
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / time.strftime("fanout-%Y%m%d-%H%M%S.json")
    path.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    print(f"written to {path}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        client_worker(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        main()
