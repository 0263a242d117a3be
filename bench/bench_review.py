"""Benchmark: review UI server time with many incidents (SQLite and PostgreSQL).

Fills a fresh database with N synthetic incidents (default 50,000; each with
claims, an actor, evidence sentences and articles, bulk-inserted), signs a
reviewer in, and times the queue page (default view, a filtered view, a deep
page) and the incident page over R requests each through the WSGI app (Flask's
test client: the server's time, without network). Prints median and p95 in ms.

    .venv/bin/python bench/bench_review.py [--backend sqlite|postgresql|both]
        [--incidents 50000] [--requests 100] [--json FILE]

PostgreSQL: a throw-away database on CIVWATCH_BENCH_PG_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres), dropped afterwards.
Target (issue 6): p95 < 150 ms on this machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, insert, text

from review import create_app
from settings import Settings
from storage import Database
from storage.models import (
    Article,
    Claim,
    EvidenceMention,
    Incident,
    IncidentActor,
    Source,
)
from storage.users import add_user

PG_ADMIN = os.environ.get(
    "CIVWATCH_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "benchmark password"
PLACES = [
    # (name, country, admin1, lat, lon) — spread over the Sahel
    ("Bankass", "ML", "Mopti", 14.08, -3.52),
    ("Djenné", "ML", "Mopti", 13.91, -4.55),
    ("Ménaka", "ML", "Ménaka", 15.92, 2.40),
    ("Gao", "ML", "Gao", 16.27, -0.04),
    ("Ségou", "ML", "Ségou", 13.43, -6.26),
    ("Djibo", "BF", "Sahel", 14.10, -1.63),
    ("Kaya", "BF", "Centre-Nord", 13.09, -1.08),
    ("Fada N'Gourma", "BF", "Est", 12.06, 0.36),
    ("Tillabéri", "NE", "Tillabéri", 14.21, 1.45),
    ("Diffa", "NE", "Diffa", 13.32, 12.61),
]
ACTORS = ["JNIM", "ISSP", "FAMa", "Dan Na Ambassagou", "Unidentified armed group", "VDP"]
SENTENCE = "Gunmen attacked {place} on {day}, killing {n} people, local sources said. "


def fill(db: Database, n_incidents: int, seed: int = 6) -> None:
    """Bulk-insert ``n_incidents`` incidents with their claims, actors and evidence."""
    rng = random.Random(seed)
    start = dt.date(2023, 1, 1)
    with db.sessions.begin() as s:
        add_user(s, "bench", PASSWORD, "reviewer")
        sources = [
            Source(key=f"src{i}", name=f"Source {i}", kind="feed", url=f"http://127.0.0.1/{i}")
            for i in range(20)
        ]
        s.add_all(sources)
        s.flush()
        source_ids = [src.id for src in sources]
    batch = 5000
    article_id = 0
    claim_id = 0
    for first in range(1, n_incidents + 1, batch):
        ids = range(first, min(first + batch, n_incidents + 1))
        incidents, articles, claims, actors, mentions = [], [], [], [], []
        for iid in ids:
            name, cc, admin1, lat, lon = rng.choice(PLACES)
            day = start + dt.timedelta(days=rng.randrange(0, 900))
            killed = rng.choice([None, 0, 1, 2, 3, 5, 8, 12, 20, 40])
            status = rng.choices(["candidate", "confirmed", "rejected"], weights=[70, 20, 10])[0]
            incidents.append(
                {
                    "id": iid,
                    "status": status,
                    "event_date": day,
                    "date_precision": "day",
                    "place_name": name,
                    "country": cc,
                    "admin1": admin1,
                    "lat": lat + rng.uniform(-0.5, 0.5),
                    "lon": lon + rng.uniform(-0.5, 0.5),
                    "place_precision": "point",
                    "killed_min": killed,
                    "killed_max": killed,
                    "civilians_killed": killed if rng.random() < 0.5 else None,
                    "victims": ["civilians"],
                    "confidence": round(rng.random(), 3),
                    "match_label": rng.choice([None, "novel", "matches", "conflicts"]),
                    "new_evidence": rng.random() < 0.02,
                    "locked_fields": [],
                    "figures_policy": "conservative",
                    "version": 1,
                }
            )
            for _ in range(rng.choice([1, 1, 2, 3])):
                article_id += 1
                body = "".join(
                    SENTENCE.format(place=name, day=day.isoformat(), n=killed or 0)
                    for _ in range(12)
                )
                quote_end = len(SENTENCE.format(place=name, day=day.isoformat(), n=killed or 0))
                articles.append(
                    {
                        "id": article_id,
                        "source_id": rng.choice(source_ids),
                        "url": f"http://127.0.0.1/a/{article_id}",
                        "canonical_url": f"http://127.0.0.1/a/{article_id}",
                        "title": f"Attack near {name}",
                        "text": body,
                        "language": "en",
                        "status": "processed",
                    }
                )
                claim_id += 1
                claims.append(
                    {
                        "id": claim_id,
                        "incident_id": iid,
                        "article_id": article_id,
                        "kind": "killed",
                        "min": killed,
                        "max": killed,
                        "quote": body[: quote_end - 1],
                        "start": 0,
                        "end": quote_end - 1,
                        "claimant": "local sources",
                        "origin": "machine",
                        "superseded": False,
                    }
                )
                mentions.append(
                    {
                        "incident_id": iid,
                        "article_id": article_id,
                        "sentence": body[: quote_end - 1],
                        "start": 0,
                        "end": quote_end - 1,
                        "origin": "machine",
                    }
                )
            actors.append(
                {
                    "incident_id": iid,
                    "actor": rng.choice(ACTORS),
                    "role": "perpetrator",
                    "origin": "machine",
                    "confidence": 1.0,
                }
            )
        with db.sessions.begin() as s:
            s.execute(insert(Incident), incidents)
            s.execute(insert(Article), articles)
            s.execute(insert(Claim), claims)
            s.execute(insert(EvidenceMention), mentions)
            s.execute(insert(IncidentActor), actors)
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            for table in (
                "incidents",
                "articles",
                "claims",
                "evidence_mentions",
                "incident_actors",
            ):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            conn.execute(text("ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def _time(call: Callable[[], Any], n: int) -> list[float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return {"median_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def measure(db: Database, n_incidents: int, n_requests: int) -> dict[str, dict[str, float]]:
    settings = Settings.from_env({}, data_dir=Path(tempfile.mkdtemp()), secret_key=uuid.uuid4().hex)
    app = create_app(settings, db)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    response = client.post(
        "/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert response.status_code == 302, "bench login failed"
    rng = random.Random(1)

    def get(url: str) -> None:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)

    counts_cache = app.extensions["civwatch"]["counts"]

    def cold(url: str) -> None:
        # As right after any change: the cached filter-bar counts are recomputed.
        counts_cache.clear()
        get(url)

    views: dict[str, Callable[[], None]] = {
        "queue (default)": lambda: get("/queue"),
        "queue (default, counts recomputed)": lambda: cold("/queue"),
        "queue (country+actor filter, recomputed)": lambda: cold("/queue?country=ML&actor=JNIM"),
        "queue (page 20, recomputed)": lambda: cold("/queue?page=20"),
        "incident page": lambda: get(f"/incidents/{rng.randrange(1, n_incidents + 1)}"),
    }
    results = {}
    for name, call in views.items():
        _time(call, 3)  # warm caches, as a running server would be
        results[name] = _summary(_time(call, n_requests))
    return results


@contextmanager
def sqlite_db(n: int) -> Iterator[Database]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(f"sqlite:///{tmp}/bench.sqlite3")
        t0 = time.perf_counter()
        fill(db, n)
        print(f"sqlite: {n} incidents inserted in {time.perf_counter() - t0:.1f} s")
        try:
            yield db
        finally:
            db.close()


@contextmanager
def postgres_db(n: int) -> Iterator[Database]:
    name = f"civwatch_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database.open(PG_ADMIN.rsplit("/", 1)[0] + "/" + name)
    try:
        t0 = time.perf_counter()
        fill(db, n)
        print(f"postgresql: {n} incidents inserted in {time.perf_counter() - t0:.1f} s")
        yield db
    finally:
        db.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--incidents", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    report: dict[str, Any] = {
        "incidents": args.incidents,
        "requests": args.requests,
        "load_average_at_start": os.getloadavg(),
    }
    print(f"load average at start: {os.getloadavg()}")
    for backend in backends:
        opener = sqlite_db if backend == "sqlite" else postgres_db
        with opener(args.incidents) as db:
            results = measure(db, args.incidents, args.requests)
        report[backend] = results
        for view, figures in results.items():
            flag = "ok" if figures["p95_ms"] < 150 else "OVER TARGET"
            print(
                f"{backend:<10} {view:<42} median {figures['median_ms']:>7.1f} ms"
                f"   p95 {figures['p95_ms']:>7.1f} ms   {flag}"
            )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
