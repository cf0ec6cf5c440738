"""Inject timing: how far from its scheduled time each exercise inject reaches a connected client.

Starts a real server (subprocess, production stack: gunicorn with the
scheduler inside, a temporary SQLite database) with a playbook directory that
holds a generated scenario of N injects at small offsets, logs in as exercise
control through the API, schedules and starts the exercise at a high speed,
connects a python-socketio client (session cookie from the login) joined to
the exercise incident, and for every `inject.delivered` event measures
arrival time minus the inject's `due_at`. Prints JSON:

    {"count", "expected", "p50_ms", "p95_ms", "max_ms", "all_within_1s", ...}

    .venv/bin/python bench/inject_timing.py [--injects 30] [--speed 60]

Everything runs on 127.0.0.1 and stops by itself (well under a minute).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.livehelpers import LiveServer  # noqa: E402

LEAD_MINUTES = 2.0  # scenario minutes before the first inject: time to connect and join


def scenario_yaml(n: int, step_minutes: float) -> str:
    lines = [
        "title: Mätövning inspel",
        "playbook: elavbrott",
        f"duration_minutes: {int(LEAD_MINUTES + n * step_minutes) + 1}",
        "injects:",
    ]
    for i in range(n):
        lines += [
            f"  - id: matning-{i:03d}",
            f"    offset_minutes: {round(LEAD_MINUTES + i * step_minutes, 4)}",
            "    sender: Motspel (spelad)",
            "    channel: phone",
            f"    text: Mätinspel {i}.",
            "    target_position: samverkan",
            "    expected_action: Ingen.",
        ]
    return "\n".join(lines) + "\n"


def playbook_dir(workdir: Path, n: int, step_minutes: float) -> Path:
    books = workdir / "playbooks"
    (books / "exercises").mkdir(parents=True)
    for f in (ROOT / "playbooks").glob("*.yaml"):
        shutil.copy(f, books / f.name)
    (books / "exercises" / "matning.yaml").write_text(scenario_yaml(n, step_minutes), encoding="utf-8")
    return books


def percentile(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def run(n: int, speed: float, step_minutes: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="krisrum-bench-") as tmp:
        workdir = Path(tmp)
        books = playbook_dir(workdir, n, step_minutes)
        server = LiveServer(workdir, env={"CRISIS_SCHEDULER": "on", "CRISIS_PLAYBOOK_DIR": str(books)})
        server.start()
        client = socketio.SimpleClient()
        try:
            rest = server.api("exercise_control")  # bearer token for the API calls
            api = server.url + "/api/v1"
            later = datetime.fromtimestamp(time.time() + 3600).astimezone().isoformat()
            ex = rest.post(api + "/exercises", json={"scenario": "matning", "speed": speed, "start_at": later})
            ex.raise_for_status()
            started = rest.post(f"{api}/exercises/{ex.json()['id']}/start")  # "start now"
            started.raise_for_status()
            incident_id = started.json()["incident"]
            head = rest.get(f"{api}/incidents/{incident_id}").json()["last_seq"]

            http = server.cookie_session("exercise_control")  # the socket uses the session cookie
            cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
            client.connect(server.url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10)
            ack = client.call("join", {"incident": incident_id, "since": head}, timeout=10)
            if not ack or not ack.get("ok"):
                raise RuntimeError(f"join refused: {ack}")
            lateness_ms: dict[str, float] = {}
            last_offset = LEAD_MINUTES + (n - 1) * step_minutes
            deadline = time.time() + last_offset * 60 / speed + 15
            while len(lateness_ms) < n and time.time() < deadline:
                try:
                    message = client.receive(timeout=max(0.1, deadline - time.time()))
                except socketio.exceptions.TimeoutError:
                    break
                arrived = time.time()
                if message[0] != "event" or message[1].get("type") != "inject.delivered":
                    continue
                data = message[1]["data"]
                due = datetime.fromisoformat(data["due_at"]).timestamp()
                lateness_ms[data["inject"]] = (arrived - due) * 1000.0
        finally:
            if client.connected:
                client.disconnect()
            server.stop()

    values = sorted(lateness_ms.values())
    result: dict[str, Any] = {
        "count": len(values),
        "expected": n,
        "speed": speed,
        "spacing_s": round(step_minutes * 60 / speed, 3),
    }
    if values:
        result.update(
            {
                "p50_ms": round(percentile(values, 50), 1),
                "p95_ms": round(percentile(values, 95), 1),
                "max_ms": round(values[-1], 1),
                "min_ms": round(values[0], 1),
            }
        )
    result["all_within_1s"] = len(values) == n and all(abs(v) <= 1000.0 for v in values)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--injects", type=int, default=30)
    parser.add_argument("--speed", type=float, default=60.0, help="scenario minutes per real minute (max 600)")
    parser.add_argument("--step", type=float, default=0.1, help="scenario minutes between injects")
    args = parser.parse_args()
    started = time.time()
    result = run(args.injects, args.speed, args.step)
    result["wall_s"] = round(time.time() - started, 1)
    print(json.dumps(result))
    sys.exit(0 if result["all_within_1s"] else 1)


if __name__ == "__main__":
    main()
