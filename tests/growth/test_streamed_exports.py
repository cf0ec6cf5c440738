"""Exports of a long log stream at constant memory, and still say the right things.

A 10,000-entry incident is filled fast (tests/bulklog.py, a valid hash chain).
Each export is consumed chunk by chunk under tracemalloc; the peak of Python
allocations while the whole response is produced must stay under a bound that
holding the export (or the list of its rows) in memory exceeds several times.
"""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests import bulklog
from tests.conftest import isolated

N = 10_000
PEAK_BOUND = 6 * 1024 * 1024  # bytes; measured flat at ~2 MB (CSV, print) and ~5 MB (archive) for 2k-20k entries;
# holding the rows as a list costs 20 MB at 10k, an archive never drained 8.6 MB


@pytest.fixture
def long_incident(app, incident):
    bulklog.fill(incident.id, N, confidential_every=10, decision_every=50)
    return incident


def _consume(client: FlaskClient, path: str, sink: Callable[[bytes], None]) -> tuple[int, int, Any]:
    """GET `path` unbuffered and read it chunk by chunk: (status, peak bytes allocated, headers)."""

    def run() -> tuple[int, int, Any]:
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            resp = FlaskClient.open(client, path, buffered=False)
            for chunk in resp.response:
                sink(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))
            resp.close()
            return resp.status_code, tracemalloc.get_traced_memory()[1], resp.headers
        finally:
            tracemalloc.stop()

    return isolated(run)


class _Counter:
    """Keeps only what the assertions need, so the test itself holds no copy."""

    def __init__(self, keep: bool = False) -> None:
        self.size = 0
        self.chunks = 0
        self.keep = keep
        self.parts: list[bytes] = []

    def __call__(self, data: bytes) -> None:
        self.size += len(data)
        self.chunks += 1
        if self.keep:
            self.parts.append(data)


def test_log_csv_streams_at_constant_memory_and_keeps_observers_out(login, long_incident):
    staff = _Counter()
    status, peak, headers = _consume(login("staff"), f"/incidents/{long_incident.id}/log.csv", staff)
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert staff.size > N * 250 and staff.chunks > 50  # really streamed in pieces
    assert peak < PEAK_BOUND, f"peak {peak / 1e6:.1f} MB while streaming {staff.size / 1e6:.1f} MB"

    observer = _Counter(keep=True)
    _consume(login("observer"), f"/incidents/{long_incident.id}/log.csv", observer)
    text = b"".join(observer.parts).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 1 + N - N // 10  # the opening entry and every non-confidential one
    assert all(r["classification"] != "confidential" for r in rows)
    assert "OSL 21 kap" not in text


def test_masked_csv_for_an_observer_masks_every_confidential_entry(login, long_incident):
    got = _Counter(keep=True)
    _consume(login("observer"), f"/incidents/{long_incident.id}/log.csv?masked=1", got)
    rows = list(csv.DictReader(io.StringIO(b"".join(got.parts).decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + N
    confidential = [r for r in rows if r["classification"] == "confidential"]
    assert len(confidential) == N // 10
    assert all(r["text"].startswith("Sekretess enligt ") for r in confidential)


def test_print_page_streams_at_constant_memory_and_verifies_the_chain(login, long_incident):
    got = _Counter(keep=False)
    tail: list[bytes] = []

    def sink(data: bytes) -> None:
        got(data)
        tail[:] = [data]

    status, peak, _ = _consume(login("observer"), f"/incidents/{long_incident.id}/log/print", sink)
    assert status == 200 and got.size > N * 150 and got.chunks > 50
    assert peak < PEAK_BOUND, f"peak {peak / 1e6:.1f} MB while streaming {got.size / 1e6:.1f} MB"
    end = tail[0].decode("utf-8")
    assert "Hashkedjan är verifierad." in end and "</html>" in end


def test_archive_streams_at_constant_memory_and_verifies(app, login, long_incident, tmp_path):
    path = tmp_path / "arkiv.zip"
    with path.open("wb") as f:
        status, peak, headers = _consume(login("leader"), f"/api/v1/incidents/{long_incident.id}/archive", f.write)
    assert status == 200 and headers["Content-Type"] == "application/zip"
    assert peak < PEAK_BOUND, f"peak {peak / 1e6:.1f} MB for a {path.stat().st_size / 1e6:.1f} MB archive"
    res = app.test_cli_runner().invoke(args=["verify-archive", str(path)])
    assert res.exit_code == 0, res.output
    assert f"{N + 1} log entries" in res.output
    with zipfile.ZipFile(path) as zf:
        man = json.loads(zf.read("manifest.json"))
        events = json.loads(zf.read("events.json"))
        decisions = json.loads(zf.read("decisions.json"))
    assert man["log"]["entries"] == N + 1
    assert len(events) >= N and len(decisions) == N // 50
