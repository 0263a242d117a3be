"""Processing-stage throughput, worker scaling on PostgreSQL, and export at scale.

    .venv/bin/python bench/bench_process.py [--events 350] [--noise 50]
        [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--no-pg]
        [--export 100000] [--words 830] [--only nlp|pg|export]

1. Stores ``3 × events + noise`` synthetic articles (three outlets, English and
   French, per attack — ``tests/incidents/corpus.py`` — each padded with
   ordinary news paragraphs to ``--words``: by default 830, the median length
   of the 44 real news pages recorded in tests/fixtures/news_html as our
   extraction stage stores them; ``--words 0`` keeps the bare reports, ~60
   words, the worst case for the ratio: storage and merging cost about the same
   per article whatever its length, NLP grows with it) in a fresh SQLite database.
2. Bare NLP: ``Analyzer.analyze_docs`` over the same texts, same batch size,
   models already loaded. End to end: ``Processor.run`` over the stored
   articles (lease, NLP, claims/actors/evidence, merging, ledger, matching, one
   commit per article). Reports articles/s for both and their ratio.
3. PostgreSQL: the same backlog processed by one ``civwatch process`` worker,
   then (fresh database) by two concurrent workers (``Processor``, as in
   ``civwatch process``, in child processes). The workers load their models,
   then start together; the wall time from "go" to the last worker's exit is
   measured, so model loading is not counted. Scaling = two workers over one.
4. Export: ``--export`` incidents (each with two actors, one claim, one evidence
   sentence) bulk-inserted into SQLite, then ``civwatch export`` run in a fresh
   process for each format; time (including ~2–4 s of start-up) and the
   child's peak RSS (VmHWM), compared with a tenth as many incidents to show
   memory does not grow with the count.

Not a test: nothing is asserted. The machine is shared; expect ±20 %.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from incidents.process import Processor  # noqa: E402
from settings import DEFAULT_FOCUS, Settings  # noqa: E402
from storage import Database  # noqa: E402
from storage.models import (  # noqa: E402
    Article,
    Claim,
    EvidenceMention,
    Incident,
    IncidentActor,
)
from tests.incidents.corpus import backlog  # noqa: E402

# Ordinary paragraphs (no casualty figures) that bring a report to a typical
# news-article length; written for this benchmark.
FILLER = {
    "en": [
        "The region has seen repeated violence for several years, and humanitarian "
        "organisations say access to many rural areas remains difficult during the rainy "
        "season. Markets, schools and health centres have closed in a number of districts.",
        "Local leaders called on the authorities to reinforce security along the main roads "
        "and to support families who have left their villages. Aid groups said they were "
        "preparing to send food and medical supplies as soon as conditions allowed.",
        "Analysts note that armed groups have expanded their presence in the centre of the "
        "country, where disputes over land and water have long fuelled tensions between "
        "farming and herding communities.",
    ],
    "fr": [
        "La région connaît des violences répétées depuis plusieurs années et les "
        "organisations humanitaires estiment que l'accès à de nombreuses zones rurales reste "
        "difficile pendant la saison des pluies. Des marchés et des écoles ont fermé.",
        "Les responsables locaux ont appelé les autorités à renforcer la sécurité sur les "
        "axes routiers et à soutenir les familles qui ont quitté leurs villages. Les "
        "organisations d'aide préparent l'envoi de vivres et de médicaments.",
        "Selon des analystes, les groupes armés ont étendu leur présence dans le centre du "
        "pays, où les différends autour de la terre et de l'eau alimentent depuis longtemps "
        "les tensions entre agriculteurs et éleveurs.",
    ],
}


# Median words of the recorded real news pages' extracted text (see the docstring).
REAL_MEDIAN_WORDS = 830


def padded(report: str, lang: str, words: int) -> str:
    """``report`` followed by ordinary paragraphs until it has about ``words`` words."""
    parts = [report]
    count = len(report.split())
    filler = FILLER[lang]
    while count < words:
        paragraph = filler[(len(parts) - 1) % len(filler)]
        parts.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(parts)


def articles(events: int, noise: int, words: int = REAL_MEDIAN_WORDS) -> list[dict[str, object]]:
    rows = []
    for r in backlog(events, noise=noise):
        body = padded(r.text, r.lang, words)
        published = dt.datetime.combine(r.published, dt.time(12), tzinfo=dt.UTC)
        rows.append(
            {
                "url": r.url,
                "canonical_url": r.url,
                "text": body,
                "language": r.lang,
                "published_at": published,
                "status": "new",
            }
        )
    return rows


def store(db: Database, rows: list[dict[str, object]]) -> None:
    with db.sessions.begin() as s:
        s.execute(insert(Article), rows)


def bench_nlp_vs_e2e(events: int, noise: int, workdir: Path, batch: int, words: int) -> None:
    from nlp.analyze import AnalyzeInput, Analyzer

    rows = articles(events, noise, words)
    words = sum(len(str(r["text"]).split()) for r in rows)
    print(f"articles: {len(rows)} ({words / len(rows):.0f} words each on average)")
    analyzer = Analyzer()
    t = time.perf_counter()
    list(analyzer.analyze_docs([AnalyzeInput("w", "Warm-up text.", None, "en")]))
    list(analyzer.analyze_docs([AnalyzeInput("w", "Un texte.", None, "fr")]))
    print(f"model loading: {time.perf_counter() - t:.1f} s")
    settings = Settings.from_env({}, data_dir=workdir, nlp_batch_size=batch)
    inputs = [
        AnalyzeInput(
            str(i),
            str(r["text"]),
            r["published_at"].date(),  # type: ignore[attr-defined]
            str(r["language"]),
        )
        for i, r in enumerate(rows)
    ]
    t, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(inputs), batch):
        chunk = inputs[start : start + batch]
        list(analyzer.analyze_docs(chunk, batch_size=len(chunk), focus_countries=DEFAULT_FOCUS))
    bare, bare_cpu = time.perf_counter() - t, time.process_time() - cpu
    db = Database.open(f"sqlite:///{workdir / 'e2e.sqlite3'}")
    store(db, rows)
    t, cpu = time.perf_counter(), time.process_time()
    stats = Processor(db, settings, analyzer=analyzer).run(batch_size=batch)
    e2e, e2e_cpu = time.perf_counter() - t, time.process_time() - cpu
    with db.sessions() as s:
        incidents = s.scalar(select(func.count()).select_from(Incident))
    db.close()
    n = len(rows)
    print(f"bare NLP:          {n / bare:7.1f} articles/s ({bare:.1f} s)")
    print(
        f"end to end SQLite: {n / e2e:7.1f} articles/s ({e2e:.1f} s; "
        f"nlp {stats.nlp_seconds:.1f} s, "
        f"store+merge {stats.store_seconds:.1f} s) -> {incidents} incidents from {events} events"
    )
    print(f"ratio end-to-end / bare NLP (wall): {bare / e2e:.2f}x (target >= 0.8)")
    print(
        f"CPU time: bare {bare_cpu / n * 1000:.1f} ms/article, end to end "
        f"{e2e_cpu / n * 1000:.1f} ms/article -> ratio {bare_cpu / e2e_cpu:.2f}x "
        "(CPU time is steadier than wall time on a shared machine)"
    )


def _pg_db(admin_url: str) -> str:
    name = f"civwatch_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def _drop_pg(admin_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _child_env(url: str, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVWATCH_")}
    env.update(CIVWATCH_DATABASE_URL=url, CIVWATCH_DATA_DIR=str(workdir), PYTHONPATH=str(REPO))
    return env


def worker_child(worker_id: str, batch: int) -> None:
    """One processing worker: load the models, say "ready", wait for "go", run.

    The same ``Processor`` as ``civwatch process``; the barrier keeps model
    loading (start-up) out of the measured window.
    """
    import json

    from nlp.analyze import AnalyzeInput

    settings = Settings.from_env()
    db = Database.open(settings.db_url, migrate=False)
    processor = Processor(db, settings, worker_id=worker_id)
    for lang, sample in (("en", "Warm-up."), ("fr", "Un texte.")):
        list(processor.analyzer.analyze_docs([AnalyzeInput("w", sample, None, lang)]))
    print("ready", flush=True)
    sys.stdin.readline()
    t, cpu = time.perf_counter(), time.process_time()
    stats = processor.run(batch_size=batch)
    report = {
        "articles": stats.articles,
        "seconds": round(time.perf_counter() - t, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "nlp_seconds": round(stats.nlp_seconds, 2),
        "store_seconds": round(stats.store_seconds, 2),
        "merge_lock_wait_seconds": round(stats.lock_wait_seconds, 2),
    }
    print(json.dumps(report), flush=True)
    db.close()


def _workers(url: str, n: int, batch: int, workdir: Path) -> tuple[int, float, list[int]]:
    import json

    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", f"bench{i}", "--batch", str(batch)],
            cwd=REPO,
            env=_child_env(url, workdir),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(n)
    ]
    for p in procs:
        assert p.stdout is not None
        if p.stdout.readline().strip() != "ready":
            raise SystemExit("a worker failed to start")
    t = time.perf_counter()
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    per_worker = []
    for p in procs:
        out, _ = p.communicate()
        report = json.loads(out.strip().splitlines()[-1])
        print(f"    worker: {report}")
        per_worker.append(report["articles"])
    wall = time.perf_counter() - t
    return sum(per_worker), wall, per_worker


def bench_pg_scaling(
    admin_url: str, events: int, noise: int, workdir: Path, batch: int, words: int
) -> None:
    results = {}
    for n in (1, 2):
        url = _pg_db(admin_url)
        try:
            db = Database.open(url)
            store(db, articles(events, noise, words))
            db.close()
            done, wall, split = _workers(url, n, batch, workdir)
            results[n] = done / wall
            print(
                f"PostgreSQL, {n} worker(s): {done} articles in {wall:.1f} s "
                f"= {done / wall:.1f} articles/s (per worker: {split})"
            )
        finally:
            _drop_pg(admin_url, url)
    print(f"scaling 2 workers / 1 worker: {results[2] / results[1]:.2f}x (target >= 1.7)")


EVIDENCE = "Gunmen attacked the village, killing several people, officials said."


def fill_incidents(db: Database, n: int) -> None:
    """``n`` incidents with two actors, one claim and one evidence sentence each."""
    with db.sessions.begin() as s:
        s.execute(
            insert(Article),
            [
                {
                    "url": f"http://bench.test/{i}",
                    "canonical_url": f"http://bench.test/{i}",
                    "text": "x" * 200,
                    "status": "processed",
                }
                for i in range(100)
            ],
        )
        article_ids = list(s.scalars(select(Article.id)))
    step = 5000
    day0 = dt.date(2020, 1, 1)
    for start in range(0, n, step):
        with db.sessions.begin() as s:
            rows = []
            for i in range(start, min(n, start + step)):
                rows.append(
                    {
                        "id": i + 1,
                        "status": "candidate",
                        "event_date": day0 + dt.timedelta(days=i % 1500),
                        "date_precision": "day",
                        "place_name": f"Place {i % 700}",
                        "country": "ML",
                        "admin1": "Mopti",
                        "lat": 14.0 + (i % 100) / 100,
                        "lon": -3.5 + (i % 70) / 100,
                        "place_precision": "point",
                        "killed_min": i % 40,
                        "killed_max": i % 40 + 3,
                        "victims": ["civilians"],
                        "confidence": 0.7,
                        "locked_fields": [],
                        "match_label": "novel",
                        "figures_policy": "conservative",
                        "version": 1,
                    }
                )
            s.execute(insert(Incident), rows)
            ids = list(range(start + 1, min(n, start + step) + 1))
            s.execute(
                insert(IncidentActor),
                [
                    {"incident_id": j, "actor": a, "role": role, "origin": "machine"}
                    for j in ids
                    for a, role in (("JNIM", "perpetrator"), ("civilians", "target"))
                ],
            )
            s.execute(
                insert(Claim),
                [
                    {
                        "incident_id": j,
                        "article_id": article_ids[j % 100],
                        "kind": "killed",
                        "min": (j - 1) % 40,
                        "max": (j - 1) % 40 + 3,
                        "origin": "machine",
                        "claimant": 'local officials, "sources"',
                    }
                    for j in ids
                ],
            )
            s.execute(
                insert(EvidenceMention),
                [
                    {
                        "incident_id": j,
                        "article_id": article_ids[j % 100],
                        "sentence": EVIDENCE,
                        "start": 0,
                        "end": 70,
                        "origin": "machine",
                    }
                    for j in ids
                ],
            )


def export_child(fmt: str, out: str) -> None:
    """Run ``civwatch export`` in this fresh process and print its peak RSS.

    VmHWM is read from /proc because ``ru_maxrss`` survives exec and would
    report the (much larger) parent that spawned us.
    """
    from cli import main as civwatch

    civwatch(["export", "--format", fmt, "-o", out], standalone_mode=False)
    status = Path("/proc/self/status").read_text()
    hwm = next(line for line in status.splitlines() if line.startswith("VmHWM"))
    print(int(hwm.split()[1]) // 1024)


def _export(url: str, fmt: str, out: Path, workdir: Path) -> tuple[float, float]:
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--export-child", fmt, str(out)],
        cwd=REPO,
        env=_child_env(url, workdir),
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"export {fmt} failed: {done.stderr[-500:]}")
    return elapsed, float(done.stdout.strip().splitlines()[-1])


def bench_export(n: int, workdir: Path) -> None:
    for count in (n // 10, n):
        path = workdir / f"export-{count}.sqlite3"
        db = Database.open(f"sqlite:///{path}")
        t = time.perf_counter()
        fill_incidents(db, count)
        db.close()
        print(f"export: {count} incidents inserted in {time.perf_counter() - t:.1f} s")
        for fmt in ("csv", "json", "geojson"):
            out = workdir / f"out-{count}.{fmt}"
            elapsed, rss = _export(f"sqlite:///{path}", fmt, out, workdir)
            size = out.stat().st_size / 1e6
            print(
                f"  {fmt:8s} {elapsed:6.1f} s ({count / elapsed:8.0f} incidents/s), "
                f"max RSS {rss:6.0f} MB, file {size:.0f} MB"
            )
            out.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=350)
    parser.add_argument("--noise", type=int, default=50)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument(
        "--words",
        type=int,
        default=REAL_MEDIAN_WORDS,
        help="pad each report with ordinary paragraphs to about this many words",
    )
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--export", type=int, default=100_000)
    parser.add_argument("--only", choices=["nlp", "pg", "export"])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--export-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_child(args.worker, args.batch)
        return
    if args.export_child:
        export_child(*args.export_child)
        return
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if args.only in (None, "nlp"):
            bench_nlp_vs_e2e(args.events, args.noise, workdir, args.batch, args.words)
        if args.only in (None, "pg") and not args.no_pg:
            bench_pg_scaling(args.pg, args.events, args.noise, workdir, args.batch, args.words)
        if args.only in (None, "export"):
            bench_export(args.export, workdir)
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"benchmark process max RSS: {self_rss:.0f} MB")


if __name__ == "__main__":
    main()
