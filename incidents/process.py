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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from incidents import coding, ledger, matching, merge
from settings import Settings
from storage import Database, audit, repo
from storage import workqueue as queue
from storage.heartbeat import Heartbeat, beat_interval, touch_job
from storage.models import (
    DATE_PRECISIONS,
    INCIDENT_DATE_FIELDS,
    INCIDENT_PLACE_FIELDS,
    PLACE_PRECISIONS,
    Article,
    Claim,
    EvidenceMention,
    Incident,
    IncidentActor,
    JobRun,
    ReferenceEvent,
    Source,
    utcnow,
)

log = logging.getLogger(__name__)

REVIEWED = ("confirmed", "rejected")
PLACE_FIELDS = INCIDENT_PLACE_FIELDS
DATE_FIELDS = INCIDENT_DATE_FIELDS
# Reviewer edits lock whole groups under these names as well as single columns.
LOCK_GROUPS = {
    "place": PLACE_FIELDS,
    "location": PLACE_FIELDS,
    "date": DATE_FIELDS,
}
PLACE_RANK = {p: i for i, p in enumerate(reversed(PLACE_PRECISIONS))}  # unresolved 0 … point 5
MAX_ATTEMPTS = 3


class AnalyzerLike(Protocol):
    """What the stage needs from ``nlp.analyze.Analyzer``."""

    def analyze_docs(
        self,
        items: Iterable[Any],
        batch_size: int = 16,
        focus_countries: Iterable[str] | None = None,
    ) -> Iterator[dict[str, Any]]: ...


@dataclass
class ProcessStats:
    """What one run did (printed as the summary and stored in the job run)."""

    articles: int = 0
    claims: int = 0
    new_incidents: int = 0
    merged: int = 0
    evidence_only: int = 0
    reviewed_flagged: int = 0
    failed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    rematched: int = 0
    nlp_seconds: float = 0.0
    store_seconds: float = 0.0
    lock_wait_seconds: float = 0.0
    # leases: articles freed from dead workers of this host, and those other
    # workers still held when this run ended (owner, articles, until)
    reclaimed: int = 0
    reclaimed_from: list[str] = field(default_factory=list)
    held: list[queue.Holder] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "claims": self.claims,
            "new_incidents": self.new_incidents,
            "merged": self.merged,
            "evidence_only": self.evidence_only,
            "reviewed_flagged": self.reviewed_flagged,
            "failed": self.failed,
            "rematched": self.rematched,
            "skipped": dict(self.skipped),
            "nlp_seconds": round(self.nlp_seconds, 3),
            "store_seconds": round(self.store_seconds, 3),
            "lock_wait_seconds": round(self.lock_wait_seconds, 3),
            "reclaimed": self.reclaimed,
            "reclaimed_from": list(self.reclaimed_from),
            "held_by_others": [
                {"owner": h.owner, "articles": h.articles, "until": h.until.isoformat()}
                for h in self.held
            ],
        }

    def take_committed(self, committed: Mapping[str, Any]) -> None:
        """Adopt the counts committed in the job row (they were written in the same
        transactions as the articles; the in-memory ones may lag by the article an
        interruption landed on between its commit and the next line)."""
        for key in COMMITTED_COUNTS:
            if key in committed:
                setattr(self, key, committed[key])
        if "skipped" in committed:
            self.skipped = Counter(committed["skipped"])
        if "reclaimed_from" in committed:
            self.reclaimed_from = list(committed["reclaimed_from"])

    def summary(self) -> str:
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items())) or "none"
        reclaimed = (
            f"; reclaimed {self.reclaimed} articles from dead workers "
            f"({', '.join(self.reclaimed_from)})"
            if self.reclaimed
            else ""
        )
        held = (
            "; leased by other workers: " + "; ".join(h.describe() for h in self.held)
            if self.held
            else ""
        )
        return (
            f"articles {self.articles}, claims {self.claims}, new incidents "
            f"{self.new_incidents}, merged {self.merged}, evidence only {self.evidence_only}, "
            f"reviewed incidents with new evidence {self.reviewed_flagged}, "
            f"failed {self.failed}; skipped: {skipped}"
            + (f"; re-matched {self.rematched} incidents" if self.rematched else "")
            + reclaimed
            + held
        )


# Counts a run commits with the articles they count (ProcessStats.take_committed).
COMMITTED_COUNTS = (
    "articles",
    "claims",
    "new_incidents",
    "merged",
    "evidence_only",
    "reviewed_flagged",
    "failed",
    "reclaimed",
)


def default_worker_id(name: str | None = None) -> str:
    """This process's identity in article leases: ``host:pid:name`` (a random name
    by default). Host and PID let a worker of the same host see that it is dead."""
    return f"{socket.gethostname()}:{os.getpid()}:{name or uuid.uuid4().hex[:6]}"


def locked(incident: Incident, column: str) -> bool:
    """Whether a reviewer edit locked ``column`` (directly or through its group)."""
    names = set(incident.locked_fields or ())
    if column in names:
        return True
    return any(column in LOCK_GROUPS.get(name, ()) for name in names)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if value >= 0 else None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _range(value: Any) -> tuple[int | None, int | None]:
    if not isinstance(value, Mapping):
        return None, None
    lo, hi = _int(value.get("min")), _int(value.get("max"))
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    return lo, hi


def draft_from_analysis(inc: Mapping[str, Any], *, published: dt.date | None = None) -> merge.Draft:
    """A ``Draft`` from one incident of the analyze dict (tolerant of missing keys);
    ``published``: the article's publication date (the window of an unknown date)."""
    loc = inc.get("location") or {}
    if not isinstance(loc, Mapping):
        loc = {}
    start, end = _date(inc.get("event_date")), _date(inc.get("event_date_end"))
    precision = inc.get("date_precision") or loc.get("date_precision")
    if precision not in DATE_PRECISIONS:
        if start is None:
            precision = "unknown"
        elif end is not None and (end - start).days > 7:
            precision = "month"
        else:
            precision = "day"
    place_precision = loc.get("precision")
    lat, lon = _float(loc.get("lat")), _float(loc.get("lon"))
    if place_precision not in PLACE_PRECISIONS:
        if lat is not None and lon is not None:
            place_precision = "point"
        elif loc.get("admin2"):
            place_precision = "admin2"
        elif loc.get("admin1"):
            place_precision = "admin1"
        elif loc.get("country"):
            place_precision = "country"
        else:
            place_precision = "unresolved"
    killed = _range(inc.get("killed"))
    country = loc.get("country")
    return merge.Draft(
        event_date=start,
        event_date_end=end if end != start else None,
        date_precision=precision,
        place_name=(loc.get("name") or None),
        country=country.upper()[:2] if isinstance(country, str) and country else None,
        admin1=loc.get("admin1") or None,
        admin2=loc.get("admin2") or None,
        lat=lat,
        lon=lon,
        geonames_id=_int(loc.get("geonames_id")),
        place_precision=place_precision,
        perpetrators=[str(a) for a in inc.get("perpetrators") or () if a],
        targets=[str(a) for a in inc.get("targets") or () if a],
        killed_min=killed[0],
        killed_max=killed[1],
        victims=[str(v) for v in inc.get("victims") or () if v],
        aggregate=bool(inc.get("aggregate")),
        confidence=_float(inc.get("confidence")) or 0.0,
        published=published,
    )


def _span(value: Mapping[str, Any], text_len: int) -> tuple[int, int] | None:
    start, end = _int(value.get("start")), _int(value.get("end"))
    if start is None or end is None or end < start or end > text_len:
        return None
    return start, end


def claims_from_analysis(inc: Mapping[str, Any], text: str) -> list[dict[str, Any]]:
    """The claims of one analyzed incident, as Claim column values.

    The analyzer's ``claims`` list when it gives one; otherwise one claim per
    figure of the incident, spanning its first evidence sentence.
    """
    out: list[dict[str, Any]] = []
    raw = inc.get("claims")
    if isinstance(raw, list) and raw:
        for c in raw:
            if not isinstance(c, Mapping) or c.get("kind") not in ("killed", "injured", "abducted"):
                continue
            lo, hi = _range(c)
            if lo is None and hi is None:
                continue
            span = _span(c, len(text))
            out.append(
                {
                    "kind": c["kind"],
                    "min": lo,
                    "max": hi,
                    "qualifier": _short(c.get("qualifier"), 100),
                    "victims_text": _short(c.get("victims_text"), 300),
                    "victim_category": _short(c.get("victim_category"), 32),
                    "claimant": _short(c.get("claimant"), 300),
                    "start": span[0] if span else None,
                    "end": span[1] if span else None,
                    "quote": text[span[0] : span[1]] if span else None,
                    # "initially 25": the NLP marks a figure the text itself revised
                    "superseded": bool(c.get("revised")),
                }
            )
        return out
    evidence = [e for e in inc.get("evidence") or () if isinstance(e, Mapping)]
    span = _span(evidence[0], len(text)) if evidence else None
    victims = [v for v in inc.get("victims") or () if isinstance(v, str)]
    for kind in ("killed", "injured", "abducted"):
        lo, hi = _range(inc.get(kind))
        if lo is None and hi is None:
            continue
        out.append(
            {
                "kind": kind,
                "min": lo,
                "max": hi,
                "qualifier": None,
                "victims_text": None,
                "victim_category": victims[0] if len(victims) == 1 else None,
                "claimant": None,
                "start": span[0] if span else None,
                "end": span[1] if span else None,
                "quote": text[span[0] : span[1]] if span else None,
            }
        )
    return out


def _short(value: Any, limit: int) -> str | None:
    if value is None or value == "":
        return None
    return str(value)[:limit]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _root(session: Session, incident: Incident) -> Incident:
    seen = {incident.id}
    while incident.status == "merged" and incident.merged_into is not None:
        parent: Incident | None = session.get(Incident, incident.merged_into)
        if parent is None or parent.id in seen:
            break
        seen.add(parent.id)
        incident = parent
    return incident


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
        self._have_references = True
        self._left_behind: set[int] = set()
        self._failed_here: set[int] = set()
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
        self._left_behind = set()
        self._failed_here = set()
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
                            exclude=self._left_behind | self._failed_here,
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
        _add(merged, local)
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
            self._have_references = session.scalar(select(ReferenceEvent.id).limit(1)) is not None
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

    def _analyze(self, articles: Sequence[Article]) -> dict[int, dict[str, Any] | Exception]:
        """The analyze dict per article; an exception object for one the NLP failed on.

        Articles are grouped by their source's focus countries (the analyzer takes
        them per call) and each group goes through ``nlp.pipe`` in one batch. If a
        batch fails, its articles are analysed one by one so one bad text only
        fails itself.
        """
        from nlp.analyze import AnalyzeInput

        groups: dict[tuple[str, ...], list[Article]] = {}
        for a in articles:
            groups.setdefault(tuple(self._focus_for(a)), []).append(a)
        results: dict[int, dict[str, Any] | Exception] = {}
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
        result: dict[str, Any] | Exception | None,
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
                    self.store_article(session, article_id, result, local, reprocess=reprocess)
                    self._commit_counts(session, stats, local)
            except (StaleDataError, IntegrityError, OperationalError) as exc:
                # A reviewer saved the incident meanwhile (version check), or a
                # concurrent writer won a race: redo the article on fresh rows.
                log.info("article %s attempt %d: %s", article_id, attempt, exc)
                if attempt < MAX_ATTEMPTS:
                    continue
                self._mark_failed(article_id, f"could not store: {type(exc).__name__}", stats)
                return
            _add(stats, local)
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
            self._failed_here.add(article_id)
            self._commit_counts(session, stats, local)
        _add(stats, local)

    def store_article(
        self,
        session: Session,
        article_id: int,
        result: Mapping[str, Any] | Exception | None,
        stats: ProcessStats,
        *,
        reprocess: bool,
    ) -> None:
        """Write one article's analysis (inside the caller's transaction)."""
        version = self.nlp_version
        article = queue.lock_leased_article(
            session, article_id, self.worker_id, version, reprocess=reprocess
        )
        if article is None:
            stats.skipped["lease_lost_or_done"] += 1
            return
        failure = _failure(result)
        if failure is not None and article.status != "duplicate" and article.text.strip():
            # Never written as processed: the next runs retry it (a re-processed
            # article keeps what its older NLP version found meanwhile).
            queue.fail_article(article, failure)
            self._failed_here.add(article.id)
            log.warning("article %s failed: %s", article.id, failure)
            stats.failed += 1
            return
        prior: set[int] = set()
        if article.nlp_version is not None:
            prior = queue.remove_machine_content(session, article.id)
            session.expire_all()
        if article.status == "duplicate":
            self._store_duplicate(session, article, stats, prior)
            return
        if not article.text.strip():
            self._settle(session, article, prior, set(), set(), stats)
            queue.finish_article(article, version, status="processed", reason="no text")
            stats.skipped["no_text"] += 1
            stats.articles += 1
            return
        analysis: Mapping[str, Any] = result if isinstance(result, Mapping) else {}
        outcome = analysis.get("status", "ok")
        if outcome != "ok":
            # "empty", "unsupported_language": a named outcome, not an error
            self._settle(session, article, prior, set(), set(), stats)
            status = "foreign_language" if outcome == "unsupported_language" else "processed"
            queue.finish_article(article, version, status=status, reason=f"nlp: {outcome}")
            stats.skipped[str(outcome)] += 1
            stats.articles += 1
            return
        incidents_in = [i for i in analysis.get("incidents") or () if isinstance(i, Mapping)]
        published = article.published_at.date() if article.published_at else None
        drafts = [(inc, draft_from_analysis(inc, published=published)) for inc in incidents_in]
        waited = time.perf_counter()
        queue.advisory_lock(session, merge.lock_keys((d for _, d in drafts), self.settings))
        stats.lock_wait_seconds += time.perf_counter() - waited
        touched: set[int] = set()
        created: set[int] = set()
        prior_roots = {
            _root(session, inc).id: inc.id
            for inc in (session.get(Incident, i) for i in prior)
            if inc is not None
        }
        for inc, draft in drafts:
            found = self._prior_match(session, draft, prior - touched)
            if found is None:
                found = merge.best_match(
                    session, draft, self.settings, exclude=touched, prefer=set(prior_roots)
                )
            score: float | None = None
            if found is None:
                target = self._create(session, draft)
                created.add(target.id)
                stats.new_incidents += 1
            else:
                target, score = found
                # Re-processing puts an article back where a reviewer's merge left it.
                previous = prior_roots.get(target.id)
                if previous is not None and previous != target.id and previous not in touched:
                    target = session.get(Incident, previous) or target
                if target.id not in prior:
                    stats.merged += 1
                self._fill_missing(session, target, draft, audit_changes=target.id not in created)
            touched.add(target.id)
            stats.claims += self._attach(session, target, article, inc, draft, score)
        self._settle(session, article, prior, touched, created, stats)
        if not drafts:
            stats.skipped["no_incident"] += 1
        queue.finish_article(article, version, status="processed", reason=None)
        stats.articles += 1

    def _prior_match(
        self, session: Session, draft: merge.Draft, prior: set[int]
    ) -> tuple[Incident, float] | None:
        """On re-processing, the incident this article fed before (even one a
        reviewer merged away) when the new reading is still compatible with it:
        the article goes back where the reviewer's decisions left it."""
        best: tuple[Incident, float] | None = None
        for iid in sorted(prior):
            incident = session.get(Incident, iid)
            if incident is None:
                continue
            result = merge.score(draft, draft.perpetrators, incident, (), self.settings)
            if result.score is None or result.score < merge.MERGE_THRESHOLD - 0.2:
                continue
            if best is None or result.score > best[1]:
                best = (incident, result.score)
        return best

    def _create(self, session: Session, draft: merge.Draft) -> Incident:
        incident = Incident(
            status="candidate",
            event_date=draft.event_date,
            event_date_end=draft.event_date_end,
            date_precision=draft.date_precision,
            place_name=_short(draft.place_name, 300),
            country=draft.country,
            admin1=_short(draft.admin1, 200),
            admin2=_short(draft.admin2, 200),
            lat=draft.lat,
            lon=draft.lon,
            geonames_id=draft.geonames_id,
            place_precision=draft.place_precision,
            event_group=draft.event_group,
            aggregate=draft.aggregate,
            confidence=draft.confidence,
            figures_policy=self.settings.figures_policy,
            victims=[],
            locked_fields=[],
        )
        session.add(incident)
        session.flush()
        return incident

    def _fill_missing(
        self, session: Session, incident: Incident, draft: merge.Draft, *, audit_changes: bool
    ) -> None:
        """Improve an existing incident from a new report: a finer place, a known
        date, a higher confidence — never over a reviewer's locked field."""
        changes: dict[str, list[Any]] = {}

        def put(column: str, value: Any) -> None:
            if locked(incident, column) or getattr(incident, column) == value:
                return
            changes[column] = [getattr(incident, column), value]
            setattr(incident, column, value)

        finer = PLACE_RANK.get(draft.place_precision, 0) > PLACE_RANK.get(
            incident.place_precision, 0
        )
        if finer and not any(locked(incident, c) for c in PLACE_FIELDS):
            for column in PLACE_FIELDS:
                value = getattr(draft, column)
                if value is not None:
                    put(column, value)
        dated = incident.event_date is None and draft.event_date is not None
        if dated and not any(locked(incident, c) for c in DATE_FIELDS):
            for column in DATE_FIELDS:
                put(column, getattr(draft, column))
        if draft.confidence > (incident.confidence or 0.0):
            put("confidence", draft.confidence)
        if changes and audit_changes:
            audit.record(
                session,
                incident_id=incident.id,
                user_id=None,
                action=audit.PIPELINE_UPDATE,
                before={k: _jsonable(v[0]) for k, v in changes.items()},
                after={k: _jsonable(v[1]) for k, v in changes.items()},
                note="place/date/confidence from a new report",
            )

    def _attach(
        self,
        session: Session,
        incident: Incident,
        article: Article,
        inc: Mapping[str, Any],
        draft: merge.Draft,
        score: float | None,
    ) -> int:
        text = article.text
        published = article.published_at
        claims = claims_from_analysis(inc, text)
        claim_rows = [
            {
                "incident_id": incident.id,
                "article_id": article.id,
                "published_at": published,
                "origin": "machine",
                "nlp_version": self.nlp_version,
                "merge_score": score,
                **values,
            }
            for values in claims
        ]
        # The evidence sentences: where the actors' text as written and the event type come from.
        sentences = coding.evidence_sentences(inc, text)
        actor_rows = [
            {
                "incident_id": incident.id,
                "article_id": article.id,
                "actor": name[:200],
                "role": role,
                "origin": "machine",
                **coding.actor_columns(name, sentences),
            }
            for role, names in (("perpetrator", draft.perpetrators), ("target", draft.targets))
            if not (locked(incident, "actors") or locked(incident, f"{role}s"))
            for name in dict.fromkeys(names)
        ]
        if incident.event_type is None and not (
            locked(incident, "event_type") or locked(incident, "sub_event_type")
        ):
            suggested = coding.event_type_for(sentences, article.language)
            if suggested is not None:
                incident.event_type, incident.sub_event_type = suggested
        spans: dict[tuple[int, int], str] = {}
        for ev in inc.get("evidence") or ():
            if isinstance(ev, Mapping):
                span = _span(ev, len(text))
                if span is not None:
                    spans.setdefault(span, text[span[0] : span[1]])
        if not spans:
            # Evidence is why an incident exists: fall back to the claims' spans.
            for values in claims:
                if values["start"] is not None:
                    spans.setdefault((values["start"], values["end"]), values["quote"] or "")
        if not spans:
            spans[(0, min(len(text), 300))] = text[:300]
        evidence_rows = [
            {
                "incident_id": incident.id,
                "article_id": article.id,
                "sentence": sentence,
                "start": start,
                "end": end,
                "similarity": score,
                "merge_why": draft.merge_why,
                "origin": "machine",
            }
            for (start, end), sentence in spans.items()
        ]
        # Bulk INSERTs: several times cheaper than the unit of work for rows
        # nothing else in this transaction holds as objects.
        for model, rows in (
            (Claim, claim_rows),
            (IncidentActor, actor_rows),
            (EvidenceMention, evidence_rows),
        ):
            if rows:
                session.execute(insert(model), rows)
        return len(claims)

    def _settle(
        self,
        session: Session,
        article: Article,
        prior: set[int],
        touched: set[int],
        created: set[int],
        stats: ProcessStats,
    ) -> None:
        """Refresh figures, flags, audit rows and reference matches of every incident
        this article touched (or, on re-processing, left)."""
        policy = self.settings.figures_policy
        for iid in sorted(prior | touched):
            incident = session.get(Incident, iid)
            if incident is None:
                continue
            if (
                iid in prior
                and iid not in touched
                and queue.is_untouched_and_empty(session, incident)
            ):
                session.delete(incident)
                session.flush()
                continue
            ledger_root = _root(session, incident)
            for target in dict.fromkeys([incident, ledger_root]):
                changes = ledger.refresh_incident(session, target, policy)
                if changes and target.id not in created:
                    audit.record(
                        session,
                        incident_id=target.id,
                        user_id=None,
                        action=audit.PIPELINE_UPDATE,
                        before={k: _jsonable(v[0]) for k, v in changes.items()},
                        after={k: _jsonable(v[1]) for k, v in changes.items()},
                        note=f"figures recomputed after article {article.id}",
                    )
            if iid in touched and iid not in prior and ledger_root.status in REVIEWED:
                if not ledger_root.new_evidence:
                    ledger_root.new_evidence = True
                audit.record(
                    session,
                    incident_id=ledger_root.id,
                    user_id=None,
                    action=audit.PIPELINE_NEW_EVIDENCE,
                    before={},
                    after={"article_id": article.id, "url": article.url, "new_evidence": True},
                    note="new evidence since review",
                )
                stats.reviewed_flagged += 1
            if ledger_root.status != "merged":
                if self._have_references:
                    matching.match_incident(session, ledger_root, self.settings)
                elif ledger_root.match_label is not None:
                    # nothing imported to compare with: not checked (NULL), never "novel"
                    ledger_root.match_label = None
                    ledger_root.match_ref_id = None
                    ledger_root.match_score = None
        session.flush()

    def _store_duplicate(
        self, session: Session, article: Article, stats: ProcessStats, prior: set[int]
    ) -> None:
        """A (near-)duplicate adds evidence to its original's incidents, never new ones."""
        original = session.get(Article, article.duplicate_of) if article.duplicate_of else None
        if original is not None and original.nlp_version is None:
            # Its original waits in the queue (maybe leased by another worker):
            # leave this one for a later run rather than guess.
            article.lease_owner = None
            article.lease_expires = None
            self._left_behind.add(article.id)
            stats.skipped["original_not_processed"] += 1
            return
        touched: set[int] = set()
        if original is not None:
            mentions = session.scalars(
                select(EvidenceMention).where(
                    EvidenceMention.article_id == original.id,
                    EvidenceMention.origin == "machine",
                )
            )
            for mention in list(mentions):
                at = article.text.find(mention.sentence) if mention.sentence else -1
                if at < 0:
                    continue
                incident = _root(session, mention.incident)
                exists = session.scalar(
                    select(EvidenceMention.id).where(
                        EvidenceMention.incident_id == incident.id,
                        EvidenceMention.article_id == article.id,
                        EvidenceMention.start == at,
                        EvidenceMention.end == at + len(mention.sentence),
                    )
                )
                if exists is None:
                    session.add(
                        EvidenceMention(
                            incident_id=incident.id,
                            article_id=article.id,
                            sentence=mention.sentence,
                            start=at,
                            end=at + len(mention.sentence),
                            similarity=1.0,
                            origin="machine",
                        )
                    )
                    session.flush()
                touched.add(incident.id)
        for iid in prior - touched:
            left = session.get(Incident, iid)
            if left is not None:
                ledger.refresh_incident(session, left, self.settings.figures_policy)
        reason = f"duplicate of {article.duplicate_of}" if article.duplicate_of else "duplicate"
        queue.finish_article(article, self.nlp_version, status="duplicate", reason=reason)
        stats.evidence_only += 1
        stats.articles += 1


def _failure(result: Mapping[str, Any] | Exception | None) -> str | None:
    """Why an analysis result is a failure (the reason stored), or None."""
    if result is None:
        return "not analysed"
    if isinstance(result, Exception):
        return f"analysis failed: {type(result).__name__}: {result}"
    if result.get("status") == "error":
        return f"nlp error: {result.get('error') or 'unknown'}"
    return None


def _add(total: ProcessStats, part: ProcessStats) -> None:
    total.articles += part.articles
    total.claims += part.claims
    total.new_incidents += part.new_incidents
    total.merged += part.merged
    total.evidence_only += part.evidence_only
    total.reviewed_flagged += part.reviewed_flagged
    total.failed += part.failed
    total.skipped.update(part.skipped)
    total.lock_wait_seconds += part.lock_wait_seconds
    total.reclaimed += part.reclaimed
