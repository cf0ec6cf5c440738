"""Growth: do the incident's screens stay flat as its log grows?

For incidents of 1,000, 10,000 and 100,000 log entries (a temporary SQLite
database each, filled fast by `tests/bulklog.py`: a valid hash chain, one
`log.appended` event per entry, 100 entries an hour, every 10th confidential)
it measures, as a logged-in leader through the Flask test client (in process,
no network), the time and the bytes of:

- workspace: GET /incidents/{id} and the log API's default page
  (GET /api/v1/incidents/{id}/log with no parameters, whatever it returns),
- timeline: GET /incidents/{id}/timeline (renders the latest hour) and the
  timeline feed's first page (GET /api/v1/incidents/{id}/timeline),
- events: GET /api/v1/incidents/{id}/events (default page, since=0).

Each request runs once to warm up, then `--repeat` times; the median time is reported. Prints JSON
and writes it to bench/results/growth-<timestamp>.json.

    .venv/bin/python bench/growth.py [--sizes 1000 10000 100000] [--repeat 3]

Seeding 100,000 entries takes about a minute on the 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "correct-horse-1"


def make_app(workdir: Path) -> Any:
    from crisis import create_app

    return create_app(
        {
            "CRISIS_DATABASE_URL": f"sqlite:///{workdir / 'growth.sqlite3'}",
            "CRISIS_SCHEDULER": "off",
            "CRISIS_ASSETS": "local",
            "CRISIS_MESSAGE_QUEUE": "",
            "CRISIS_LOGIN_RATE_LIMIT": "1000 per minute",
            "CRISIS_TESTING": "on",
            "WTF_CSRF_ENABLED": False,
        }
    )


def seed(app: Any, n: int) -> tuple[int, float]:
    """A new incident with `n` entries besides its opening one; (incident id, seconds)."""
    from crisis.auth import service as auth
    from crisis.extensions import db
    from crisis.incidents import service as incidents
    from tests import bulklog

    with app.app_context():
        db.create_all()
        leader = auth.create(username="leader", password=PASSWORD, role="leader", display_name="Lena Ledare")
        incident = incidents.create(actor=leader, title="Storm Gudrun", kind="storm")
        started = time.perf_counter()
        bulklog.fill(incident.id, n)
        return incident.id, time.perf_counter() - started


def measure(get: Callable[[], Any], repeat: int) -> dict[str, Any]:
    get().get_data()  # warm-up: template compilation, first queries
    times, size, status = [], 0, 0
    for _ in range(repeat):
        t = time.perf_counter()
        resp = get()
        body = resp.get_data()
        times.append(time.perf_counter() - t)
        size, status = len(body), resp.status_code
    return {
        "status": status,
        "bytes": size,
        "ms": round(statistics.median(times) * 1000, 1),
        "ms_all": [round(x * 1000, 1) for x in times],
    }


def run_size(n: int, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="krisrum-growth-") as tmp:
        app = make_app(Path(tmp))
        incident_id, seed_s = seed(app, n)
        client = app.test_client()
        r = client.post("/api/v1/auth/login", json={"username": "leader", "password": PASSWORD})
        assert r.status_code == 200, r.get_json()
        api = f"/api/v1/incidents/{incident_id}"
        out: dict[str, Any] = {"entries": n + 1, "seed_s": round(seed_s, 1)}
        out["workspace_page"] = measure(lambda: client.get(f"/incidents/{incident_id}"), repeat)
        out["log_api_default"] = measure(lambda: client.get(f"{api}/log"), repeat)
        out["timeline_page"] = measure(lambda: client.get(f"/incidents/{incident_id}/timeline"), repeat)
        out["timeline_first_hour"] = measure(lambda: client.get(f"{api}/timeline"), repeat)
        out["events_default"] = measure(lambda: client.get(f"{api}/events"), repeat)
        for key in ("workspace_page", "log_api_default", "timeline_page", "timeline_first_hour", "events_default"):
            assert out[key]["status"] == 200, (key, out[key])
        out["workspace_total"] = {
            k: round(out["workspace_page"][k] + out["log_api_default"][k], 1) for k in ("bytes", "ms")
        }
        out["timeline_total"] = {
            k: round(out["timeline_page"][k] + out["timeline_first_hour"][k], 1) for k in ("bytes", "ms")
        }
        with app.app_context():
            from crisis.extensions import db

            db.session.remove()
            db.engine.dispose()
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = {
        "bench": "growth",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "repeat": args.repeat,
        "sizes": [],
    }
    for n in args.sizes:
        res = run_size(n, args.repeat)
        print(json.dumps(res), file=sys.stderr, flush=True)
        results["sizes"].append(res)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"growth-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))
    print(f"written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
