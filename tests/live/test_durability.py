"""No acknowledged write is lost when the server is killed with SIGKILL.

Eight writers post log entries through the API to a real server (gunicorn,
gevent worker) while it is killed with SIGKILL; the server is started again
on the same database. Every entry whose POST was answered 201 must be there
with the number it was given, the numbers are gap-free, and the hash chain
verifies (`verify-log`). On SQLite, and on PostgreSQL when
CRISIS_TEST_DATABASE_URL is set. Writes that were in flight at the kill may
or may not be stored (the client never heard), but never twice and never
half: a retry with the same Idempotency-Key after the restart either returns
the stored entry or writes it once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests

from tests.conftest import PG_URL, _reset_pg
from tests.livehelpers import ROOT, LiveServer

pytestmark = [pytest.mark.live, pytest.mark.slow]

WRITERS = 8


def _writer(
    server: LiveServer,
    token: str,
    incident: int,
    wid: int,
    stop: threading.Event,
    acked: list[tuple[str, int]],
    unsure: list[tuple[str, str]],
) -> None:
    s = requests.Session()
    s.headers.update({"Authorization": "Bearer " + token, "Accept": "application/json"})
    i = 0
    while not stop.is_set():
        text = f"Skrivare {wid} post {i}"
        key = str(uuid.uuid4())
        try:
            r = s.post(
                f"{server.url}/api/v1/incidents/{incident}/log",
                json={"text": text},
                headers={"Idempotency-Key": key},
                timeout=10,
            )
        except requests.RequestException:
            unsure.append((text, key))  # in flight at the kill: the client never heard
            return
        if r.status_code == 201:
            acked.append((text, r.json()["number"]))
        else:
            unsure.append((text, key))
            return
        i += 1


def _whole_log(server: LiveServer, api: requests.Session, incident: int) -> dict[int, str]:
    """number -> text of every entry, walking the log's pages from the newest."""
    stored: dict[int, str] = {}
    before = None
    while True:
        params = {"limit": 500} | ({"before": before} if before else {})
        page = api.get(f"{server.url}/api/v1/incidents/{incident}/log", params=params).json()
        stored.update({e["number"]: e["text"] for e in page["items"]})
        before = page["next_before"]
        if before is None:
            return stored


def _verify_log(db_url: str, incident: int) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        CRISIS_DATABASE_URL=db_url,
        CRISIS_SECRET_KEY="live-test-secret-key-0123456789",
        CRISIS_SCHEDULER="off",
        CRISIS_MESSAGE_QUEUE="",
    )
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "verify-log", "--incident", str(incident)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_no_acknowledged_write_is_lost_on_sigkill(tmp_path, backend):
    if backend == "postgresql":
        if not PG_URL:
            pytest.skip("CRISIS_TEST_DATABASE_URL not set")
        _reset_pg(PG_URL)
    server = LiveServer(tmp_path, db_url=PG_URL if backend == "postgresql" else None).start()
    try:
        token = server.info["tokens"]["staff"]
        inc = (
            server.api("duty_officer")
            .post(server.url + "/api/v1/incidents", json={"title": "Strömavbrott", "kind": "test"})
            .json()
        )
        acked: list[tuple[str, int]] = []
        unsure: list[tuple[str, str]] = []
        stop = threading.Event()
        threads = [
            threading.Thread(target=_writer, args=(server, token, inc["id"], w, stop, acked, unsure))
            for w in range(WRITERS)
        ]
        for t in threads:
            t.start()
        deadline = time.time() + 60
        while len(acked) < 150 and time.time() < deadline:  # writes are flowing from all writers
            time.sleep(0.05)
        assert len(acked) >= 150, "the writers did not get going"
        assert server.proc is not None
        os.killpg(server.proc.pid, signal.SIGKILL)  # mid-write, no chance to clean up
        server.proc.wait(10)
        server.proc = None
        stop.set()
        for t in threads:
            t.join(15)
        assert not any(t.is_alive() for t in threads)

        server.restart()
        api = server.api("staff")
        stored = _whole_log(server, api, inc["id"])
        # Every acknowledged write is there, with the number it was given.
        missing = [(text, n) for text, n in acked if stored.get(n) != text]
        assert not missing, f"{len(missing)} acknowledged writes lost, e.g. {missing[:3]}"
        # Gap-free numbers, and nothing twice.
        assert sorted(stored) == list(range(1, len(stored) + 1))
        texts = [t for t in stored.values() if t.startswith("Skrivare")]
        assert len(texts) == len(set(texts))
        # A write that was in flight: retrying it with its key stores it at most once.
        for text, key in unsure:
            r = api.post(
                f"{server.url}/api/v1/incidents/{inc['id']}/log", json={"text": text}, headers={"Idempotency-Key": key}
            )
            assert r.status_code in (201, 409), r.text  # 409: stored, but its answer was lost in the kill
        again = [t for t in _whole_log(server, api, inc["id"]).values() if t.startswith("Skrivare")]
        assert len(again) == len(set(again)), "a retried in-flight write was stored twice"
        print(f"{backend}: {len(acked)} acknowledged writes, all kept; {len(unsure)} in flight at the kill")
    finally:
        server.stop()
    result = _verify_log(server.db_url, inc["id"])
    assert result.returncode == 0, result.stdout + result.stderr
