"""Write cost: a log append through the service layer vs a bare INSERT into the same table.

For each database (a fresh temporary SQLite file; PostgreSQL when --pg URL is
given: its public schema is DROPPED and recreated, use a scratch database)
and each writer count (threads, each with its own session), it measures in
the same run:

- service: `crisis.log.service.append` (lock, number, chain hash, position,
  event, one commit) into one incident, as the API does it;
- bare: one `INSERT INTO log_entries ... ; COMMIT` per row through
  SQLAlchemy Core on the same engine, into a second incident (numbers from a
  shared counter, no lock, no chain, no event): the floor for a durable
  single-row write on that database.

Bare and service runs alternate for --rounds rounds; reported are the best
round of each (entries/s), `ratio` = best service time / best bare time,
`ratio_median` over the paired rounds, and the process CPU time per entry.
Also the statements one service append issues (counted on the engine; the
user is loaded before, as a request's login lookup does it). The check afterwards: numbers gap-free and
the chain verifies.

    .venv/bin/python bench/writes.py [--pg postgresql://postgres@127.0.0.1:5432/scratch]
        [--writers 1,4,16] [--per-writer 200]
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_app(url: str) -> Any:
    from crisis import create_app

    if url.startswith("postgresql"):
        import crisis.models  # noqa: F401

        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
    return create_app(
        {
            "CRISIS_TESTING": "on",
            "CRISIS_DATABASE_URL": url,
            "CRISIS_SCHEDULER": "off",
            "CRISIS_MESSAGE_QUEUE": "",
            # Not TESTING: that adds the response-model checks of the test suite.
            "TESTING": False,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 20, "max_overflow": 10},
        }
    )


def run_threads(n: int, target: Any) -> float:
    barrier = threading.Barrier(n + 1)
    errors: list[BaseException] = []

    def wrap(i: int) -> None:
        try:
            target(i, barrier)
        except BaseException as e:  # reported below
            errors.append(e)
            barrier.abort()

    threads = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if errors:
        raise errors[0]
    return elapsed


def bench_db(label: str, url: str, writer_counts: list[int], per_writer: int, rounds: int) -> dict[str, Any]:
    from crisis.auth import service as users
    from crisis.auth.models import User
    from crisis.db import utcnow
    from crisis.extensions import db
    from crisis.incidents import service as incidents
    from crisis.log import service as log
    from crisis.log.models import LogEntry

    app = make_app(url)
    out: dict[str, Any] = {"database": label, "per_writer": per_writer, "runs": []}
    with app.app_context():
        db.create_all()
        duty = users.create(username="tib", password="correct-horse-1", role="duty_officer")
        writer_ids = [
            users.create(username=f"w{i}", password="correct-horse-1", role="staff").id
            for i in range(max(writer_counts))
        ]
        inc_service = incidents.create(actor=duty, title="Service", kind="bench").id
        inc_bare = incidents.create(actor=duty, title="Bare", kind="bench").id
        db.session.commit()
        engine = db.engine

        # Statements per service append (after a warm-up), counted on the engine.
        count = [0]

        def counter(*_a: Any, **_k: Any) -> None:
            count[0] += 1

        user = db.session.get(User, writer_ids[0])
        db.session.expunge(user)
        log.append(actor=user, incident_id=inc_service, text="warm-up")
        sa.event.listen(engine, "before_cursor_execute", counter)
        sa.event.listen(engine, "commit", counter)
        log.append(actor=user, incident_id=inc_service, text="counted")
        sa.event.remove(engine, "before_cursor_execute", counter)
        sa.event.remove(engine, "commit", counter)
        out["statements_per_append"] = count[0]
        db.session.remove()

        table = LogEntry.__table__
        numbers = itertools.count(1_000_000)  # clear of the opening system entry
        lock = threading.Lock()

        def bare(i: int, barrier: threading.Barrier) -> None:
            with engine.connect() as conn:
                barrier.wait()
                for n in range(per_writer):
                    with lock:
                        number = next(numbers)
                    now = utcnow()
                    conn.execute(
                        table.insert().values(
                            incident_id=inc_bare,
                            number=number,
                            kind="info",
                            text=f"bare {i} {n}",
                            occurred_at=now,
                            recorded_at=now,
                            author_id=None,
                            author="bench",
                            classification="internal",
                            prev_hash="0" * 64,
                            hash="0" * 64,
                        )
                    )
                    conn.commit()

        def service(i: int, barrier: threading.Barrier) -> None:
            with app.app_context():
                user = db.session.get(User, writer_ids[i])
                # Loaded once and detached, as a request has it after its login
                # lookup: the commits below do not expire it, so what is timed is
                # the service's own work (a request adds one SELECT for the user).
                db.session.expunge(user)
                db.session.commit()
                barrier.wait()
                for n in range(per_writer):
                    log.append(actor=user, incident_id=inc_service, text=f"service {i} {n}")
                db.session.remove()

        for writers in writer_counts:
            total = writers * per_writer
            # Alternating rounds; the best of each (the machine may be shared).
            bare_t, service_t, bare_cpu, service_cpu = [], [], [], []
            for _ in range(rounds):
                c0 = time.process_time()
                bare_t.append(run_threads(writers, bare))
                c1 = time.process_time()
                service_t.append(run_threads(writers, service))
                c2 = time.process_time()
                bare_cpu.append(c1 - c0)
                service_cpu.append(c2 - c1)
            out["runs"].append(
                {
                    "writers": writers,
                    "entries_per_round": total,
                    "rounds": rounds,
                    "bare_per_s": round(total / min(bare_t), 1),
                    "service_per_s": round(total / min(service_t), 1),
                    "ratio": round(min(service_t) / min(bare_t), 2),
                    "ratio_median": round(statistics.median(s / b for s, b in zip(service_t, bare_t, strict=True)), 2),
                    "cpu_ms_per_entry": {
                        "bare": round(min(bare_cpu) / total * 1000, 3),
                        "service": round(min(service_cpu) / total * 1000, 3),
                    },
                }
            )
        problem = log.verify_chain(incident_id=inc_service)
        nums = list(
            db.session.scalars(
                sa.select(LogEntry.number).where(LogEntry.incident_id == inc_service).order_by(LogEntry.number)
            )
        )
        out["gap_free"] = nums == list(range(1, len(nums) + 1))
        out["chain_ok"] = problem is None
        db.session.remove()
        db.engine.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default="", help="a scratch PostgreSQL database (its schema is dropped)")
    ap.add_argument("--writers", default="1,4,16")
    ap.add_argument("--per-writer", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--skip-sqlite", action="store_true")
    args = ap.parse_args()
    counts = [int(x) for x in args.writers.split(",")]
    results = []
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            results.append(bench_db("sqlite", f"sqlite:///{tmp}/bench.sqlite3", counts, args.per_writer, args.rounds))
    if args.pg:
        results.append(bench_db("postgresql", args.pg, counts, args.per_writer, args.rounds))
    print(json.dumps({"bench": "writes", "results": results}, indent=2))


if __name__ == "__main__":
    main()
