"""Time and peak memory to build a digest with 2,000 new incidents and 500 changes.

    .venv/bin/python bench/bench_digest.py [--incidents 2000] [--changes 500] [--db URL]

Fills a fresh SQLite database (or the given empty database URL) with synthetic
incidents spread over Mali, Burkina Faso and Niger — each with three claims, two
actors, two evidence sentences and their articles — plus older incidents with
audit rows in the period, then times each stage of one digest run (build from
the database, pictures, rendering, writing the files) and reports peak Python
memory (tracemalloc) and the process's maximum resident set size.
Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from digest.build import DigestContent, build_digest, resolve_period
from digest.job import picture_words, pictures, write_files
from digest.pictures import Outlines
from digest.profiles import Profile
from digest.render import country_names, render
from settings import Settings
from storage import Database
from storage.models import (
    Article,
    Claim,
    EvidenceMention,
    Incident,
    IncidentActor,
    Review,
    Source,
)

NOW = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
START = dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.UTC)
PLACES = [
    ("ML", "Mopti", 14.5, -4.2),
    ("ML", "Ségou", 13.4, -6.3),
    ("ML", "Gao", 16.3, -0.1),
    ("ML", "Tombouctou", 16.8, -3.0),
    ("BF", "Sahel", 14.1, -0.5),
    ("BF", "Centre-Nord", 13.2, -1.1),
    ("NE", "Tillabéri", 14.2, 1.5),
    ("NE", "Diffa", 13.3, 12.6),
]
ACTORS = [
    ("JNIM", "armed_group"),
    ("Islamic State Sahel Province", "armed_group"),
    ("Malian Armed Forces", "state_forces"),
    ("Africa Corps", "foreign_forces"),
    ("Dozo militia", "militia"),
]


def fill(db: Database, n_new: int, n_changes: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with db.sessions.begin() as session:
        sources = [
            Source(key=f"src{i}", name=f"Source {i}", kind="feed", url=f"https://s{i}.test/")
            for i in range(20)
        ]
        sources[0].health, sources[0].consecutive_failures = "failing", 5
        session.add_all(sources)
        session.flush()
        article_no = 0

        def incident(created: dt.datetime, status: str = "candidate") -> Incident:
            nonlocal article_no
            country, admin1, lat, lon = rng.choice(PLACES)
            killed = rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 35])
            inc = Incident(
                created_at=created,
                updated_at=created,
                status=status,
                event_date=(created - dt.timedelta(days=rng.randint(0, 3))).date(),
                date_precision="day",
                place_name=f"Village {rng.randint(1, 5000)}",
                country=country,
                admin1=admin1,
                lat=lat + rng.uniform(-1, 1),
                lon=lon + rng.uniform(-1, 1),
                place_precision="point",
                killed_min=killed,
                killed_max=killed + rng.choice([0, 0, 2]),
                confidence=rng.random(),
                match_label=rng.choice([None, "novel", "matches"]),
            )
            session.add(inc)
            session.flush()
            arts = []
            for _ in range(2):
                article_no += 1
                url = f"https://news.test/a{article_no}"
                art = Article(
                    source_id=rng.choice(sources).id,
                    url=url,
                    canonical_url=url,
                    title=f"Report {article_no}",
                    status="processed",
                )
                session.add(art)
                arts.append(art)
            session.flush()
            for k in range(3):
                session.add(
                    Claim(
                        incident_id=inc.id,
                        article_id=arts[k % 2].id,
                        kind="killed",
                        min=killed + k,
                        max=killed + k,
                        claimant=f"claimant {k}",
                        victim_category="civilians",
                    )
                )
            for role in ("perpetrator", "target"):
                name, kind = rng.choice(ACTORS)
                session.add(
                    IncidentActor(incident_id=inc.id, actor=name, actor_type=kind, role=role)
                )
            for art in arts:
                sentence = f"Gunmen attacked a village, killing {killed} people, a report said."
                session.add(
                    EvidenceMention(
                        incident_id=inc.id,
                        article_id=art.id,
                        sentence=sentence,
                        start=0,
                        end=len(sentence),
                    )
                )
            return inc

        for i in range(n_new):
            incident(START + dt.timedelta(seconds=i * 86400 / n_new))
        for i in range(n_changes):
            old = incident(START - dt.timedelta(days=rng.randint(1, 25)))
            at = START + dt.timedelta(seconds=i * 86400 / n_changes)
            action = rng.choice(["pipeline_update", "confirm", "pipeline_new_evidence", "reject"])
            before: dict[str, object] = {}
            after: dict[str, object] = {}
            if action == "pipeline_update":
                before = {"killed_min": 1, "killed_max": 1}
                after = {"killed_min": old.killed_min, "killed_max": old.killed_max}
            elif action in ("confirm", "reject"):
                before, after = {"status": "candidate"}, {"status": action + "ed"}
            else:
                after = {"article_id": 1}
            session.add(
                Review(incident_id=old.id, action=action, before=before, after=after, created_at=at)
            )


def one_run(db: Database, settings: Settings, out: Path) -> tuple[dict[str, float], DigestContent]:
    """One digest build, stage by stage (what ``digest.job.run_digest`` does, minus SMTP)."""
    profile = Profile()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    with db.sessions() as session:
        period = resolve_period(session, profile, settings, now=NOW)
        content = build_digest(session, settings, profile, period, now=NOW)
    timings["build (database)"] = time.perf_counter() - t
    t = time.perf_counter()
    images = pictures(content, Outlines.load(), picture_words("en"))
    timings["pictures (map + trend)"] = time.perf_counter() - t
    t = time.perf_counter()
    rendered = render(content, images={k: True for k in images}, names=country_names())
    timings["render (html/text/md/json)"] = time.perf_counter() - t
    t = time.perf_counter()
    write_files(out, rendered, images)
    timings["write files"] = time.perf_counter() - t
    return timings, content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=2000)
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--db", help="an empty database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        db = Database.open(url)
        t0 = time.perf_counter()
        fill(db, args.incidents, args.changes)
        print(f"filled {args.incidents} new + {args.changes} changed incidents "
              f"in {time.perf_counter() - t0:.1f} s ({db.engine.dialect.name})")  # fmt: skip
        settings = Settings.from_env({}, data_dir=Path(tmp) / "data")
        out = Path(tmp) / "out"
        # first pass timed as is; second pass under tracemalloc (which slows
        # allocation-heavy code 2-3x) for the peak Python memory only
        timings, content = one_run(db, settings, out)
        tracemalloc.start()
        one_run(db, settings, out)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.close()
        print(f"digest: {content.totals.new_incidents} new incidents in {len(content.groups)} "
              f"places, {len(content.changes)} changed incidents")  # fmt: skip
        for name, seconds in timings.items():
            print(f"  {name:<28} {seconds:6.2f} s")
        print(f"  {'total':<28} {sum(timings.values()):6.2f} s")
        sizes = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
        print("  files: " + ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in sizes.items()))
        print(f"peak Python memory (tracemalloc): {peak / 2**20:.0f} MiB")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"max resident set size of the process: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
