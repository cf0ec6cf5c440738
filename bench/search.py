"""Search cost: the Swedish full-text index vs a plain LIKE scan of the same data.

For each database (a fresh temporary SQLite file; PostgreSQL too when --pg URL
is given: its public schema is DROPPED and recreated, use a scratch database)
it fills two incidents with 10,000 and 100,000 log-like texts (Swedish words,
place names with å/ä/ö, seeded random) in the search index, then times, in the
same run, for each query:

- index: `crisis.search.service.search` (stems, MATCH / @@, the newest 1 000
  matches ranked by bm25 / ts_rank, counted, first page of 20, highlighting
  included) within the incident, and across all incidents ("all", as a
  leader's /search);
- like: `SELECT ... WHERE lower(text) LIKE '%word%' ORDER BY occurred_at DESC
  LIMIT 20` over the same rows (the first word only: the cheapest LIKE).

Reported: p50 and p95 in milliseconds per query and size, over --repeat runs;
also the p95 of the process's CPU time (on SQLite, which runs in-process, the
whole cost and much less disturbed by other load than the wall clock; on
PostgreSQL the Python side only), and the load average before and after.

    .venv/bin/python bench/search.py [--pg postgresql://postgres@127.0.0.1:5432/scratch] [--repeat 30]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from writes import make_app  # noqa: E402

SIZES = (10_000, 100_000)
# Trailing space: whole words; without: the last word is a prefix (typing as you go).
QUERIES = [
    "Örby ",
    "elavbrottet ",
    "vattenverk Fritsla ",
    "reservkraft ",
    "Öxabäck ",
    "Åsarna larm ",
    "trygghetspunkt ",
    "ström ",
    "Öxab",
    "saknasheltochhållet ",
]
PLACES = ["Örby", "Öxabäck", "Älekulla", "Åsarna", "Kinna", "Skene", "Fritsla", "Horred", "Hyssna", "Sätila"]
SUBJECTS = [
    "elavbrottet",
    "strömavbrott",
    "vattenverket",
    "reservkraften",
    "mobilmasten",
    "trygghetspunkten",
    "hemtjänsten",
    "räddningstjänsten",
    "Ellevio",
    "länsstyrelsen",
    "skolan",
    "vägen",
    "larmet",
]
VERBS = ["rapporterar", "bekräftar", "meddelar", "begär", "avvaktar", "kontrollerar", "informerar om", "åtgärdar"]
FILL = [
    "läget",
    "prognos",
    "bränsle",
    "timmar",
    "behov",
    "boende",
    "brukare",
    "personal",
    "kontakt",
    "beslut",
    "ansvar",
    "åtgärd",
    "väg",
    "översvämning",
    "ström",
    "vatten",
    "telefoni",
    "uppföljning",
    "stab",
    "samverkan",
]


def text(rng: random.Random) -> str:
    words = [rng.choice(FILL) for _ in range(rng.randint(4, 14))]
    return (
        f"{rng.choice(SUBJECTS).capitalize()} i {rng.choice(PLACES)}: {rng.choice(VERBS)} {' '.join(words)} "
        f"({rng.randint(1, 99)} st)."
    )


def fill(incident_id: int, n: int, rng: random.Random, sqlite: bool) -> None:
    from crisis.db import utcnow
    from crisis.extensions import db
    from crisis.search.models import SearchDoc, scope_tokens
    from crisis.search.text import terms

    now = utcnow()
    first = (db.session.scalar(sa.select(sa.func.max(SearchDoc.id))) or 0) + 1
    rows: list[dict[str, Any]] = []
    for i in range(n):
        t = text(rng)
        rows.append(
            dict(
                id=first + i,
                incident_id=incident_id,
                kind="log",
                ref_id=10_000_000 + first + i,
                number=i + 1,
                title="",
                text=t,
                terms=terms(t),
                classification="confidential" if i % 10 == 9 else "internal",
                osl_ground="OSL 26 kap. 1 §" if i % 10 == 9 else None,
                occurred_at=now - timedelta(seconds=36 * (n - i)),
            )
        )
        if len(rows) == 5000 or i == n - 1:
            db.session.execute(SearchDoc.__table__.insert(), rows)
            if sqlite:
                db.session.execute(
                    sa.text("INSERT INTO search_fts (rowid, terms, scope) VALUES (:id, :terms, :scope)"),
                    [
                        {
                            "id": r["id"],
                            "terms": r["terms"],
                            "scope": scope_tokens(incident_id, "log", r["classification"]),
                        }
                        for r in rows
                    ],
                )
            rows.clear()
    if not sqlite:  # explicit ids: move the sequence past them
        db.session.execute(
            sa.text("SELECT setval(pg_get_serial_sequence('search_docs', 'id'), (SELECT max(id) FROM search_docs))")
        )
    db.session.commit()


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return round(s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))], 2)


def bench_db(label: str, url: str, repeat: int) -> dict[str, Any]:
    from crisis.auth import service as users
    from crisis.extensions import db
    from crisis.incidents import service as incidents
    from crisis.search import service as search
    from crisis.search.models import SearchDoc

    app = make_app(url)
    out: dict[str, Any] = {"database": label, "repeat": repeat, "load_average_start": os.getloadavg(), "sizes": []}
    with app.app_context():
        db.create_all()
        sqlite = db.engine.dialect.name == "sqlite"
        leader = users.create(username="leader", password="correct-horse-1", role="leader")
        rng = random.Random(18)
        ids = {}
        for n in SIZES:
            inc = incidents.create(actor=leader, title=f"Bänk {n}", kind="elavbrott")
            t0 = time.perf_counter()
            fill(inc.id, n, rng, sqlite)
            ids[n] = (inc.id, round(time.perf_counter() - t0, 1))
        if not sqlite:
            db.session.commit()
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE search_docs")
        for n in SIZES:
            incident_id, fill_s = ids[n]
            size: dict[str, Any] = {"entries": n, "fill_seconds": fill_s, "queries": []}
            for q in QUERIES:
                word = q.split()[0].lower()
                all_ms = []
                like = (
                    sa.select(SearchDoc.id, SearchDoc.text)
                    .where(SearchDoc.incident_id == incident_id, sa.func.lower(SearchDoc.text).like(f"%{word}%"))
                    .order_by(SearchDoc.occurred_at.desc())
                    .limit(20)
                )
                idx_ms, like_ms, idx_cpu, like_cpu = [], [], [], []
                hits = 0
                for _ in range(repeat):
                    db.session.refresh(leader)  # the login lookup a request does, outside the timing
                    t0, c0 = time.perf_counter(), time.process_time()
                    page = search.search(viewer=leader, q=q, filters=search.Filters(incident_id=incident_id))
                    idx_ms.append((time.perf_counter() - t0) * 1000)
                    idx_cpu.append((time.process_time() - c0) * 1000)
                    hits = len(page.hits)
                    db.session.rollback()
                    db.session.refresh(leader)
                    t0 = time.perf_counter()
                    search.search(viewer=leader, q=q)
                    all_ms.append((time.perf_counter() - t0) * 1000)
                    db.session.rollback()
                    t0, c0 = time.perf_counter(), time.process_time()
                    db.session.execute(like).all()
                    like_ms.append((time.perf_counter() - t0) * 1000)
                    like_cpu.append((time.process_time() - c0) * 1000)
                    db.session.rollback()
                size["queries"].append(
                    {
                        "q": q,
                        "hits_on_page": hits,
                        "total": page.total,
                        "more_than_window": page.more,
                        "index_p50_ms": pct(idx_ms, 50),
                        "index_p95_ms": pct(idx_ms, 95),
                        "all_incidents_p95_ms": pct(all_ms, 95),
                        "index_cpu_p95_ms": pct(idx_cpu, 95),
                        "like_cpu_p95_ms": pct(like_cpu, 95),
                        "like_p50_ms": pct(like_ms, 50),
                        "like_p95_ms": pct(like_ms, 95),
                    }
                )
            size["index_p95_ms_max"] = max(x["index_p95_ms"] for x in size["queries"])
            size["like_p95_ms_max"] = max(x["like_p95_ms"] for x in size["queries"])
            size["index_cpu_p95_ms_max"] = max(x["index_cpu_p95_ms"] for x in size["queries"])
            size["like_cpu_p95_ms_max"] = max(x["like_cpu_p95_ms"] for x in size["queries"])
            size["all_incidents_p95_ms_max"] = max(x["all_incidents_p95_ms"] for x in size["queries"])
            size["index_p95_ms_median"] = statistics.median(x["index_p95_ms"] for x in size["queries"])
            size["like_p95_ms_median"] = statistics.median(x["like_p95_ms"] for x in size["queries"])
            out["sizes"].append(size)
        db.session.remove()
        db.engine.dispose()
    out["load_average_end"] = os.getloadavg()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default="", help="PostgreSQL URL of a scratch database (its schema is dropped)")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = ap.parse_args()
    results = []
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            results.append(bench_db("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.repeat))
    if args.pg:
        results.append(bench_db("postgresql", args.pg, args.repeat))
    print(json.dumps({"bench": "search", "results": results}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
