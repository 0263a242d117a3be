"""Crash recovery of the processing stage, with the real `civwatch process` command
and the real NLP: kill -9 in the middle of a batch then an immediate new run on
the same host, a worker of "another host" whose heartbeat stopped, SIGTERM at
random points, and a crash loop — each compared with an uninterrupted run on a
copy of the same database, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from incidents.process import Processor
from settings import Settings
from storage import Database
from storage.models import Article, Claim, EvidenceMention, Incident, JobRun
from tests.conftest import PG_ADMIN_URL
from tests.incidents.corpus import backlog
from tests.waiting import wait_until

REPO = Path(__file__).resolve().parents[2]


# -- helpers ------------------------------------------------------------------
def _env(url: str, tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVWATCH_")}
    env.update(CIVWATCH_DATABASE_URL=url, CIVWATCH_DATA_DIR=str(tmp), PYTHONPATH=str(REPO))
    env.update(extra)
    return env


def _start(url: str, tmp: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "process", *args],
        cwd=REPO,
        env=_env(url, tmp, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def _store_backlog(db: Database, events: int, noise: int) -> int:
    reports = backlog(events, noise=noise)
    with db.sessions.begin() as s:
        for r in reports:
            s.add(
                Article(
                    url=r.url,
                    canonical_url=r.url,
                    text=r.text,
                    language=r.lang,
                    status="new",
                    published_at=dt.datetime.combine(r.published, dt.time(12), tzinfo=dt.UTC),
                )
            )
    return len(reports)


def _count(db: Database, *where: Any) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(Article).where(*where)) or 0


def _done(db: Database) -> int:
    return _count(db, Article.nlp_version.is_not(None))


def _seed() -> int:
    """The random points of a run; CIVWATCH_TEST_SEED repeats a failed one."""
    return int(os.environ.get("CIVWATCH_TEST_SEED") or random.randrange(1 << 30))


def _job_of(db: Database, pid: int) -> JobRun | None:
    with db.sessions() as s:
        return s.scalars(select(JobRun).where(JobRun.job == "process", JobRun.pid == pid)).first()


def _kill_after(
    db: Database, proc: subprocess.Popen[str], done_before: int, at_least: int, sig: int
) -> None:
    """Send ``sig`` once the run has a job row and committed ``at_least`` articles."""
    wait_until(
        lambda: (
            proc.poll() is not None
            or (_job_of(db, proc.pid) is not None and _done(db) - done_before >= at_least)
        ),
        180,
        f"{at_least} articles committed",
        poll=0.01,
    )
    assert proc.poll() is None, proc.communicate()[1][-3000:]
    os.kill(proc.pid, sig)


def _finish(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-3000:]
    return out


@contextmanager
def _copy(db: Database, tmp_path: Path) -> Iterator[Database]:
    """A copy of ``db`` as it is now (SQLite backup API / PostgreSQL template)."""
    if db.engine.dialect.name == "sqlite":
        target = tmp_path / f"copy-{uuid.uuid4().hex[:6]}.sqlite3"
        source = sqlite3.connect(str(db.engine.url.database))
        dest = sqlite3.connect(str(target))
        with dest:
            source.backup(dest)
        source.close()
        dest.close()
        copy = Database.open(f"sqlite:///{target}", migrate=False)
        yield copy
        copy.close()
        return
    original = db.engine.url.database
    name = f"{original}_copy"
    db.engine.dispose()  # a template database must have no other connection
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{original}"'))
    copy = Database.open(_url(db).rsplit("/", 1)[0] + "/" + name, migrate=False)
    try:
        yield copy
    finally:
        copy.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def snapshot(db: Database) -> dict[str, Any]:
    """What processing produced, free of ids and times: every article's outcome and
    every incident with its fields, claims and evidence, keyed by article URLs."""
    with db.sessions() as s:
        urls: dict[int, str] = {i: u for i, u in s.execute(select(Article.id, Article.url))}
        articles = sorted(
            (a.url, a.status, a.status_reason, a.nlp_version, a.lease_owner)
            for a in s.scalars(select(Article))
        )
        incidents = []
        for inc in s.scalars(select(Incident)):
            evidence = sorted(
                (urls[e.article_id], e.sentence, e.start, e.end, e.origin)
                for e in s.scalars(
                    select(EvidenceMention).where(EvidenceMention.incident_id == inc.id)
                )
            )
            claims = sorted(
                (
                    urls.get(c.article_id or -1),
                    c.kind,
                    c.min,
                    c.max,
                    c.qualifier,
                    c.quote,
                    c.start,
                    c.end,
                    c.superseded,
                )
                for c in s.scalars(select(Claim).where(Claim.incident_id == inc.id))
            )
            fields = (
                inc.status,
                inc.event_date,
                inc.event_date_end,
                inc.place_name,
                inc.country,
                inc.admin1,
                inc.killed_min,
                inc.killed_max,
                inc.aggregate,
                round(inc.confidence, 6),
                inc.match_label,
            )
            incidents.append(repr((fields, evidence, claims)))
    return {"articles": articles, "incidents": sorted(incidents)}


def _check_exactly_once(db: Database, events: int) -> None:
    """Nothing lost, nothing twice: every article processed once, no lease left,
    one claim and one evidence sentence per incident report, one incident per event."""
    assert _count(db, Article.nlp_version.is_(None)) == 0
    assert _count(db, Article.lease_owner.is_not(None)) == 0
    with db.sessions() as s:
        per_article = s.execute(select(Claim.article_id, func.count()).group_by(Claim.article_id))
        assert all(n == 1 for _, n in per_article)
        assert s.scalar(select(func.count()).select_from(Claim)) == events * 3
        assert s.scalar(select(func.count()).select_from(EvidenceMention)) == events * 3
        assert s.scalar(select(func.count()).select_from(Incident)) == events


# -- kill -9, then a new run at once on the same host ----------------------------
@pytest.mark.slow
def test_kill_9_mid_batch_then_an_immediate_run_finishes_everything(
    db: Database, tmp_path: Path
) -> None:
    events = 12
    total = _store_backlog(db, events, noise=4)
    url = _url(db)
    with _copy(db, tmp_path) as twin:
        doomed = _start(url, tmp_path, "--batch-size", "10", "--worker-id", "doomed")
        _kill_after(db, doomed, 0, 1, signal.SIGKILL)
        doomed.communicate()
        killed_at = time.monotonic()
        assert doomed.returncode == -signal.SIGKILL
        processed = _done(db)
        stranded = _count(db, Article.lease_owner.like("%:doomed"), Article.nlp_version.is_(None))
        assert 0 < processed < total
        assert stranded > 0  # killed in the middle of a leased batch
        job = _job_of(db, doomed.pid)
        assert job is not None and job.status == "running"

        heir = _start(url, tmp_path, "--batch-size", "10")
        wait_until(lambda: _done(db) > processed, 180, "the backlog worked again", poll=0.01)
        recovered_in = time.monotonic() - killed_at
        out = _finish(heir)
        assert f"articles {total - processed}," in out, out
        assert f"reclaimed {stranded} articles from dead workers" in out, out
        assert ":doomed" in out
        _check_exactly_once(db, events)
        # the killed run: interrupted when last seen, with the counts it committed
        job = _job_of(db, doomed.pid)
        assert job is not None and job.status == "interrupted"
        assert job.finished_at == job.last_seen and "last seen" in (job.error or "")
        assert job.stats["articles"] == processed

        _finish(_start(_url(twin), tmp_path, "--batch-size", "10"))
        assert snapshot(db) == snapshot(twin)
    # same host: no lease expiry to wait for, only a start-up and the first article
    assert recovered_in < 60, recovered_in


# -- a worker of another host whose heartbeat stopped -----------------------------
FAR_WORKER = """
import sys
from incidents.process import Processor
from settings import Settings
from storage import Database

db = Database.open(sys.argv[1], migrate=False)
lease = float(sys.argv[2])
worker = Processor(db, Settings.from_env(), worker_id="far-host:4242:w", lease_seconds=lease)
worker.run(batch_size=8)
"""


@pytest.fixture(scope="module")
def analyzer() -> Iterator[object]:
    from nlp.analyze import Analyzer

    yield Analyzer()


@pytest.mark.slow
def test_another_hosts_dead_worker_is_taken_after_the_expiry_not_before(
    db: Database, settings: Settings, tmp_path: Path, analyzer: object
) -> None:
    events, lease = 4, 12.0
    _store_backlog(db, events, noise=2)
    url = _url(db)
    far = subprocess.Popen(
        [sys.executable, "-c", FAR_WORKER, url, str(lease)],
        cwd=REPO,
        env=_env(url, tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until(
        lambda: far.poll() is not None or _done(db) >= 1, 180, "the far worker's first", poll=0.01
    )
    os.kill(far.pid, signal.SIGKILL)
    far.communicate()
    with db.sessions() as s:
        held = {
            i: until
            for i, until in s.execute(
                select(Article.id, Article.lease_expires).where(
                    Article.lease_owner == "far-host:4242:w", Article.nlp_version.is_(None)
                )
            )
        }
    assert held, "killed in the middle of its batch"
    expiry = max(v for v in held.values() if v is not None)

    def worker() -> Processor:
        return Processor(db, settings, analyzer=analyzer)  # type: ignore[arg-type]

    first = worker().run()
    if dt.datetime.now(dt.UTC) < expiry:  # ended before the expiry: it left them
        assert [(h.owner, h.articles) for h in first.held] == [("far-host:4242:w", len(held))]
        assert "leased by other workers: " in first.summary()
        assert _count(db, Article.id.in_(held), Article.nlp_version.is_not(None)) == 0
    wait_until(
        lambda: (
            worker().run() is not None
            and _count(db, Article.id.in_(held), Article.nlp_version.is_(None)) == 0
        ),
        lease + 120,
        "the far worker's articles",
        poll=0.01,
    )
    with db.sessions() as s:
        taken = {
            i: at
            for i, at in s.execute(
                select(Article.id, Article.processed_at).where(Article.id.in_(held))
            )
        }
    for article_id, processed_at in taken.items():
        lease_end = held[article_id]
        assert processed_at is not None and lease_end is not None
        assert processed_at >= lease_end  # not before
    _check_exactly_once(db, events)


# -- SIGTERM at random points: the stats are what was committed -------------------
@pytest.mark.slow
def test_sigterm_at_random_points_stats_equal_committed_rows(db: Database, tmp_path: Path) -> None:
    seed = _seed()
    rng = random.Random(seed)
    _store_backlog(db, 70, noise=0)
    url = _url(db)
    for round_ in range(30):
        before = _done(db)
        proc = _start(url, tmp_path, "--batch-size", "6", "--quiet")
        _kill_after(db, proc, before, rng.randint(0, 4), signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
        context = (seed, round_, err[-2000:])
        assert proc.returncode == 128 + signal.SIGTERM, context
        job = _job_of(db, proc.pid)
        assert job is not None and job.status == "interrupted", context
        assert job.stats["articles"] == _done(db) - before, context
        assert _count(db, Article.lease_owner.is_not(None)) == 0, context  # released


# -- a crash loop: kill -9 five times at random points ----------------------------
@pytest.mark.slow
def test_crash_loop_loses_nothing_and_does_nothing_twice(db: Database, tmp_path: Path) -> None:
    seed = _seed()
    rng = random.Random(seed)
    events = 12
    total = _store_backlog(db, events, noise=4)
    url = _url(db)
    with _copy(db, tmp_path) as twin:
        for _ in range(5):
            proc = _start(url, tmp_path, "--batch-size", "6", "--quiet")
            _kill_after(db, proc, _done(db), rng.randint(0, 5), signal.SIGKILL)
            proc.communicate()
        assert _done(db) < total, seed
        _finish(_start(url, tmp_path, "--batch-size", "6", "--quiet"))
        _check_exactly_once(db, events)
        with db.sessions() as s:
            runs = list(s.scalars(select(JobRun).where(JobRun.job == "process")))
        assert [r.status for r in runs] == ["interrupted"] * 5 + ["ok"], seed
        # every article counted once, by the run that committed it
        assert sum(r.stats["articles"] for r in runs) == total, (seed, [r.stats for r in runs])
        _finish(_start(_url(twin), tmp_path, "--batch-size", "6", "--quiet"))
        assert snapshot(db) == snapshot(twin), seed
