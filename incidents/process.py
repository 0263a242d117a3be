"""The processing stage: stored articles → claims, actors, evidence and incidents.

A worker leases a batch of articles (``storage.workqueue.claim_batch``), runs
the NLP over the batch's texts at once (``nlp.pipe`` inside the analyzer), then
writes each article in its own transaction: the article's claims, actors and
evidence, the incidents they create or merge into, the refreshed figures, the
"already known?" label, and the article's ``nlp_version`` — and, in the same
transaction, the run's counts in its ``job_runs`` row, so an interrupted run's
stats are exactly what it committed.

The worker's identity is ``host:pid:name``. Its leases are short and renewed by
a heartbeat thread while the process lives (``storage.heartbeat``); a SIGKILL
loses at most the article in flight: a worker of the same host reclaims the
dead worker's articles when it starts (the PID is gone), one of another host
when the lease expires. An article the NLP fails on is stored ``failed`` with
the reason, never as processed, and retried by the next runs a bounded number
of times.

Re-processing (``reprocess=True``) replaces the machine-made rows of articles an
older NLP version processed. Reviewer-made claims and actors, statuses,
locked fields and merges are never touched; an incident the reviewer confirmed
or rejected that gets evidence from a new article is flagged ``new_evidence``
and audited, never silently re-opened.

This module is the run loop (leases, heartbeat, batches, one transaction per
article, interruptions). What one article's analysis becomes is in
``incidents.writer`` (the rows) and ``incidents.convert`` (the NLP's typed
result read as drafts and claims); the run's counts are ``incidents.stats``.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from incidents import matching
from incidents.stats import COMMITTED_COUNTS, ProcessStats, add_stats
from incidents.writer import ArticleWriter
from nlp.result import DocResult
from settings import Settings
from storage import Database, repo
from storage import workqueue as queue
from storage.heartbeat import Heartbeat, beat_interval, touch_job
from storage.models import Article, JobRun, ReferenceEvent, Source, utcnow

# Names other code imports from here.
__all__ = [
    "COMMITTED_COUNTS",
    "MAX_ATTEMPTS",
    "AnalyzerLike",
    "ProcessStats",
    "Processor",
    "default_worker_id",
]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


class AnalyzerLike(Protocol):
    """What the stage needs from ``nlp.analyze.Analyzer``."""

    def analyze_docs(
        self,
        items: Iterable[Any],
        batch_size: int = 16,
        focus_countries: Iterable[str] | None = None,
    ) -> Iterator[DocResult]: ...


def default_worker_id(name: str | None = None) -> str:
    """This process's identity in article leases: ``host:pid:name`` (a random name
    by default). Host and PID let a worker of the same host see that it is dead."""
    return f"{socket.gethostname()}:{os.getpid()}:{name or uuid.uuid4().hex[:6]}"


class Processor:
    """Runs the processing stage for one worker.

    ``analyzer`` defaults to ``nlp.analyze.Analyzer()`` (loaded on first use, once
    per process); ``nlp_version`` to ``nlp.NLP_VERSION``.
    """

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        analyzer: AnalyzerLike | None = None,
        nlp_version: str | None = None,
        worker_id: str | None = None,
        lease_seconds: float | None = None,
        progress: Callable[[ProcessStats, int], None] | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self._analyzer = analyzer
        self._nlp_version = nlp_version
        self.worker_id = worker_id or default_worker_id()
        self.lease_seconds = lease_seconds or settings.process_lease_seconds
        self.progress = progress
        self._focus: dict[int, list[str]] = {}
        self._writer: ArticleWriter | None = None
        self._job_id: int | None = None
        # a claim and a heartbeat's renewal never interleave (the claim reads back
        # its rows by their expiry)
        self._lease_lock = threading.Lock()
        # a stop asked for by a signal (see request_stop), and whether the run may
        # be cut at once (NLP only: no database work in flight)
        self._stop_signal: int | None = None
        self._interruptible = False

    @property
    def analyzer(self) -> AnalyzerLike:
        if self._analyzer is None:
            from nlp.analyze import Analyzer

            self._analyzer = Analyzer()
        return self._analyzer

    @property
    def nlp_version(self) -> str:
        if self._nlp_version is None:
            import nlp

            self._nlp_version = str(nlp.NLP_VERSION)
        return self._nlp_version

    @property
    def writer(self) -> ArticleWriter:
        """What writes each article's analysis (for this worker and NLP version)."""
        if self._writer is None:
            self._writer = ArticleWriter(self.settings, self.worker_id, self.nlp_version)
        return self._writer

    # -- the run -----------------------------------------------------------
    def request_stop(self, signum: int) -> None:
        """Stop the run (called by a SIGTERM handler): at once while the NLP runs,
        otherwise at the next article or claim, so no database work is cut in half
        (an exception raised mid-commit can leave a connection holding SQLite's
        write lock, or be swallowed when it lands in a garbage-collector callback).
        The run then ends like an interrupt: ``SystemExit(128 + signum)``."""
        self._stop_signal = signum
        if self._interruptible:
            raise SystemExit(128 + signum)

    def _check_stop(self) -> None:
        if self._stop_signal is not None:
            raise SystemExit(128 + self._stop_signal)

    def run(
        self, *, batch_size: int | None = None, limit: int | None = None, reprocess: bool = False
    ) -> ProcessStats:
        """Process leased batches until the queue is empty or ``limit`` articles are done.

        Records a ``job_runs`` row, kept alive by a heartbeat that also renews this
        worker's leases. First closes the rows of earlier runs whose process is
        gone and frees the articles of dead workers of this host. On any
        interruption (Ctrl-C, SIGTERM turned into ``SystemExit`` by the command, an
        error) the article in flight is rolled back, the rest of the batch is
        released for other workers, and the job is recorded as interrupted or
        failed with the counts it committed.
        """
        stats = ProcessStats()
        size = batch_size or self.settings.nlp_batch_size
        attempts = self.settings.nlp_max_attempts
        stale = dt.timedelta(seconds=self.settings.process_lease_seconds)
        taken = 0
        version = self.nlp_version
        writer = self.writer
        writer.left_behind.clear()
        writer.failed_here.clear()
        with self.db.sessions.begin() as session:
            repo.reap_gone_runs(session, stale)
            job = repo.start_job(session, "process", heartbeat=True)
            job.stats = stats.as_dict()  # a run killed before its first article says 0
            job_id = self._job_id = job.id
            self._reclaim(session, stats)
            pending = queue.pending_count(
                session, version, reprocess=reprocess, max_attempts=attempts
            )
            since = self._last_run_started(session, job_id)
        total = min(pending, limit) if limit is not None else pending
        status, error = "ok", None
        heartbeat = Heartbeat(
            self.db,
            beat_interval(self.lease_seconds),
            self._beat,
            name=f"lease-{self.worker_id}",
            lock=self._lease_lock,
        )
        try:
            with heartbeat:
                while limit is None or taken < limit:
                    self._check_stop()
                    want = size if limit is None else min(size, limit - taken)
                    with self._lease_lock, self.db.sessions.begin() as session:
                        # a worker of this host may have died while we ran
                        self._reclaim(session, stats)
                        ids = queue.claim_batch(
                            session,
                            self.worker_id,
                            want,
                            version,
                            reprocess=reprocess,
                            lease_seconds=self.lease_seconds,
                            # articles this run had to leave (a duplicate whose original
                            # is not processed yet) or failed on: the next run retries
                            exclude=writer.left_behind | writer.failed_here,
                            max_attempts=attempts,
                        )
                    if not ids:
                        break
                    taken += len(ids)
                    self.process_batch(ids, stats, reprocess=reprocess)
                    if self.progress is not None:
                        self.progress(stats, total)
                self._check_stop()
                self._rematch_if_references_changed(since, stats)
                with self.db.sessions() as session:
                    stats.held = queue.lease_holders(session, exclude=self.worker_id)
        except BaseException as exc:
            status = "failed" if isinstance(exc, Exception) else "interrupted"
            error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            self._job_id = None
            self._interruptible = False
            with self.db.sessions.begin() as session:
                queue.release_all(session, self.worker_id)
                job_row = session.get(JobRun, job_id)
                if job_row is not None:
                    stats.take_committed(job_row.stats or {})
                    repo.finish_job(session, job_row, status, stats.as_dict(), error)
        return stats

    def _beat(self, session: Session) -> None:
        """The heartbeat: this worker is alive, its leases run on."""
        queue.renew(session, self.worker_id, self.lease_seconds)
        if self._job_id is not None:
            touch_job(session, self._job_id)

    def _reclaim(self, session: Session, stats: ProcessStats) -> None:
        """Free the articles of dead workers of this host, counted in the job row
        in the same transaction."""
        freed = queue.reclaim_dead_workers(session)
        if not freed:
            return
        log.warning("reclaimed articles from dead workers: %s", freed)
        stats.reclaimed += sum(freed.values())
        stats.reclaimed_from = sorted({*stats.reclaimed_from, *freed})
        self._commit_counts(session, stats, ProcessStats())

    def _commit_counts(self, session: Session, stats: ProcessStats, local: ProcessStats) -> None:
        """Write ``stats`` + ``local`` to the job row inside the caller's transaction:
        the counts are committed with the articles they count."""
        if self._job_id is None:
            return
        merged = copy.deepcopy(stats)
        add_stats(merged, local)
        session.execute(
            update(JobRun)
            .where(JobRun.id == self._job_id)
            .values(stats=merged.as_dict(), last_seen=utcnow())
            .execution_options(synchronize_session=False)
        )

    @staticmethod
    def _last_run_started(session: Session, job_id: int) -> dt.datetime | None:
        """When the previous successful process run started (None: never)."""
        return session.scalar(
            select(func.max(JobRun.started_at)).where(
                JobRun.job == "process", JobRun.status == "ok", JobRun.id != job_id
            )
        )

    def _rematch_if_references_changed(
        self, since: dt.datetime | None, stats: ProcessStats
    ) -> None:
        """Re-label every incident when reference events were imported since the
        last successful run ("already known?" must follow ACLED/UCDP imports)."""
        with self.db.sessions.begin() as session:
            newest = session.scalar(select(func.max(ReferenceEvent.imported_at)))
            if newest is None or (since is not None and newest < since):
                return
            counts = matching.match_all(session, self.settings)
        stats.rematched = sum(counts.values())

    def process_batch(self, ids: Sequence[int], stats: ProcessStats, *, reprocess: bool) -> None:
        """Analyze the leased articles ``ids`` together, then store each one."""
        with self.db.sessions() as session:
            articles = list(
                session.scalars(
                    select(Article).where(Article.id.in_(list(ids))).order_by(Article.id)
                )
            )
            self._load_focus(session, articles)
            self.writer.have_references = (
                session.scalar(select(ReferenceEvent.id).limit(1)) is not None
            )
        to_analyze = [a for a in articles if a.status != "duplicate" and a.text.strip()]
        started = time.perf_counter()
        self._check_stop()
        self._interruptible = True  # no database work during the NLP: a stop may cut it
        try:
            results = self._analyze(to_analyze)
        finally:
            self._interruptible = False
        stats.nlp_seconds += time.perf_counter() - started
        started = time.perf_counter()
        for article in articles:
            self._check_stop()
            self.store(article.id, results.get(article.id), stats, reprocess=reprocess)
        stats.store_seconds += time.perf_counter() - started

    def _load_focus(self, session: Session, articles: Sequence[Article]) -> None:
        wanted = {a.source_id for a in articles if a.source_id is not None} - set(self._focus)
        if wanted:
            for sid, countries in session.execute(
                select(Source.id, Source.countries).where(Source.id.in_(wanted))
            ):
                self._focus[sid] = list(countries or ())

    def _focus_for(self, article: Article) -> list[str]:
        if article.source_id is not None and self._focus.get(article.source_id):
            return self._focus[article.source_id]
        return list(self.settings.focus_countries)

    def _analyze(self, articles: Sequence[Article]) -> dict[int, DocResult | Exception]:
        """The NLP's result per article; an exception object for one the NLP failed on.

        Articles are grouped by their source's focus countries (the analyzer takes
        them per call) and each group goes through ``nlp.pipe`` in one batch. If a
        batch fails, its articles are analysed one by one so one bad text only
        fails itself.
        """
        from nlp.analyze import AnalyzeInput

        groups: dict[tuple[str, ...], list[Article]] = {}
        for a in articles:
            groups.setdefault(tuple(self._focus_for(a)), []).append(a)
        results: dict[int, DocResult | Exception] = {}
        for focus, group in groups.items():
            inputs = [
                AnalyzeInput(
                    id=str(a.id),
                    text=a.text,
                    published=a.published_at.date() if a.published_at else None,
                    lang=a.language if a.language in ("en", "fr") else "auto",
                )
                for a in group
            ]
            try:
                outputs = list(
                    self.analyzer.analyze_docs(
                        inputs, batch_size=max(1, len(inputs)), focus_countries=focus
                    )
                )
                for a, out in zip(group, outputs, strict=True):
                    results[a.id] = out
                continue
            except Exception:
                log.exception("batch analysis failed; analysing one by one")
            for a, item in zip(group, inputs, strict=True):
                try:
                    results[a.id] = next(
                        self.analyzer.analyze_docs([item], batch_size=1, focus_countries=focus)
                    )
                except Exception as exc:  # one bad text must not stop the batch
                    log.warning("analysis of article %s failed: %s", a.id, exc)
                    results[a.id] = exc
        return results

    # -- one article, one transaction --------------------------------------
    def store(
        self,
        article_id: int,
        result: DocResult | Exception | None,
        stats: ProcessStats,
        *,
        reprocess: bool = False,
    ) -> None:
        """Store one leased article's analysis in its own transaction, retrying on a
        concurrent change; marks it failed (never crashes the run) if it cannot."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            local = ProcessStats()
            try:
                with self.db.sessions.begin() as session:
                    self.writer.write(session, article_id, result, local, reprocess=reprocess)
                    self._commit_counts(session, stats, local)
            except (StaleDataError, IntegrityError, OperationalError) as exc:
                # A reviewer saved the incident meanwhile (version check), or a
                # concurrent writer won a race: redo the article on fresh rows.
                log.info("article %s attempt %d: %s", article_id, attempt, exc)
                if attempt < MAX_ATTEMPTS:
                    continue
                self._mark_failed(article_id, f"could not store: {type(exc).__name__}", stats)
                return
            add_stats(stats, local)
            return

    def _mark_failed(self, article_id: int, reason: str, stats: ProcessStats) -> None:
        local = ProcessStats(failed=1)
        with self.db.sessions.begin() as session:
            article = queue.lock_leased_article(
                session, article_id, self.worker_id, self.nlp_version, reprocess=True
            )
            if article is None:
                return
            queue.fail_article(article, reason)
            self.writer.failed_here.add(article_id)
            self._commit_counts(session, stats, local)
        add_stats(stats, local)
