"""Source health: what one crawl run did for one source, and whether it is healthy.

A Scrapy extension (one per crawler = one per source). It counts requests,
responses by status and items by outcome from Scrapy's signals, reads the
spiders' ``civwatch/…`` stats (see ``spiders.base``) at the end, writes one
``SourceRun`` row and updates the ``Source`` health columns with the verdict of
``storage.sourcehealth.source_health`` (where the rules are written down).

For ``acled_api`` sources "new" counts the reference events stored.
``dropped`` holds every other outcome by reason: items dropped by a pipeline,
pages that failed to download, and ``skipped: …`` requests not made on purpose.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.spiders import Spider
from sqlalchemy import select

from crawling.middlewares import CrawlDatabase, open_database
from spiders.items import PageItem, ReferenceEventItem
from storage.models import Source, SourceRun
from storage.sourcehealth import source_health

logger = logging.getLogger(__name__)

# Pipeline drops that are not failures: the store found the page already there
# (e.g. a new URL redirecting to a stored one).
NOT_FAILURES = ("already stored",)


@dataclass
class RunTally:
    """Counters of one source's run (also what ``civwatch crawl`` summarises)."""

    key: str
    requests: int = 0
    responses: Counter[str] = field(default_factory=Counter)
    new: int = 0
    duplicate: int = 0
    irrelevant: int = 0
    failed: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    discovered: int = 0
    not_modified: int = 0
    discovery_failures: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    not_configured: bool = False

    def read_stats(self, stats: dict[str, Any]) -> None:
        """Fold the spiders' ``civwatch/…`` counters into the tally."""
        for key, value in stats.items():
            if not key.startswith("civwatch/"):
                continue
            parts = key.split("/", 2)
            kind = parts[1]
            reason = parts[2] if len(parts) > 2 else ""
            if not isinstance(value, int):
                continue
            count = value
            if kind == "discovered":
                self.discovered += count
            elif kind == "not_configured":
                self.not_configured = True
            elif kind == "skipped":
                self.dropped[f"skipped: {reason}"] += count
                if reason == "not modified":
                    self.not_modified += count
            elif kind == "failed":
                self.failed += count
                self.dropped[reason] += count
            elif kind == "discovery_failed":
                self.discovery_failures[reason] += count
            elif kind == "discovery_warning":
                self.warnings[reason] += count


def judge(tally: RunTally, source: Source) -> tuple[str, str | None]:
    """The source's health after this run: (health, reason)."""
    return source_health(source, tally)


class SourceHealth:
    """Extension: one ``SourceRun`` per crawler and the source's health columns."""

    def __init__(self, crawler: Crawler, db: CrawlDatabase) -> None:
        self.crawler = crawler
        self.db = db
        self.tally: RunTally | None = None
        self.started = dt.datetime.now(dt.UTC)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceHealth:
        if not crawler.settings.getbool("CIVWATCH_SOURCE_HEALTH", True):
            raise NotConfigured("CIVWATCH_SOURCE_HEALTH is off")
        extension = cls(crawler, open_database(crawler))
        connect = crawler.signals.connect
        connect(extension.spider_opened, signal=signals.spider_opened)
        # Requests actually sent: past every downloader middleware, so a URL
        # skipped as already stored is not counted (robots.txt and retries are).
        connect(extension.request_reached, signal=signals.request_reached_downloader)
        # response_downloaded, not response_received: it also sees what the
        # middlewares consume (a 304, a redirect hop, a retried 500, robots.txt).
        connect(extension.response_downloaded, signal=signals.response_downloaded)
        connect(extension.item_scraped, signal=signals.item_scraped)
        connect(extension.item_dropped, signal=signals.item_dropped)
        connect(extension.spider_error, signal=signals.spider_error)
        connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        entry = getattr(spider, "entry", None)
        self.tally = RunTally(key=entry.key if entry is not None else spider.name)
        self.started = dt.datetime.now(dt.UTC)

    def request_reached(self, request: Request, spider: Spider) -> None:
        if self.tally is not None:
            self.tally.requests += 1

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        if self.tally is not None:
            self.tally.responses[str(response.status)] += 1

    def item_scraped(self, item: Any, response: Response | None, spider: Spider) -> None:
        if self.tally is None:
            return
        if isinstance(item, ReferenceEventItem):
            self.tally.new += 1
        elif isinstance(item, PageItem):
            if item.status == "duplicate":
                self.tally.duplicate += 1
            elif item.status in ("irrelevant", "foreign_language"):
                self.tally.irrelevant += 1
            else:
                self.tally.new += 1

    def item_dropped(
        self, item: Any, response: Response | None, exception: Exception, spider: Spider
    ) -> None:
        if self.tally is None:
            return
        reason = str(exception) or type(exception).__name__
        if reason in NOT_FAILURES:
            # Distinct from the seen-URL skip, which happens before any fetch.
            self.tally.dropped[f"fetched but {reason}"] += 1
            return
        self.tally.failed += 1
        self.tally.dropped[reason] += 1

    def spider_error(self, failure: Any, response: Response, spider: Spider) -> None:
        if self.tally is not None:
            self.tally.errors.append(f"{type(failure.value).__name__}: {failure.value}")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        tally = self.tally
        if tally is None:
            return
        assert self.crawler.stats is not None
        tally.read_stats(self.crawler.stats.get_stats())
        if reason != "finished":
            tally.errors.append(f"crawl ended early: {reason}")
        job_run_id = self.crawler.settings.getint("CIVWATCH_JOB_RUN_ID", 0) or None
        try:
            with self.db.sessions.begin() as session:
                record_run(session, spider, tally, self.started, job_run_id)
        finally:
            self.db.close()


def record_run(
    session: Any, spider: Spider, tally: RunTally, started: dt.datetime, job_run_id: int | None
) -> SourceRun:
    """Write the ``SourceRun`` and update the source's health (one transaction)."""
    source = session.scalars(select(Source).where(Source.key == tally.key)).one_or_none()
    if source is None:
        # A bare `scrapy crawl` of a source never synced: register it.
        entry = spider.entry  # type: ignore[attr-defined]
        source = Source(
            key=entry.key,
            name=entry.name,
            kind=entry.kind,
            url=entry.url,
            lang=entry.lang,
            countries=list(entry.countries),
            options=dict(entry.options),
            enabled=entry.enabled,
            consecutive_failures=0,
            zero_article_runs=0,
        )
        session.add(source)
        session.flush()
    now = dt.datetime.now(dt.UTC)
    errors = [f"{r} ×{n}" for r, n in sorted(tally.discovery_failures.items())] + tally.errors
    run = SourceRun(
        source_id=source.id,
        job_run_id=job_run_id,
        started_at=started,
        finished_at=now,
        requests=tally.requests,
        responses_by_status=dict(tally.responses),
        articles_new=tally.new,
        articles_duplicate=tally.duplicate,
        articles_irrelevant=tally.irrelevant,
        articles_failed=tally.failed,
        dropped=dict(tally.dropped),
        error="; ".join(errors) or None,
    )
    session.add(run)
    source.last_run_at = now
    if tally.not_configured:
        pass
    elif tally.discovery_failures:
        source.consecutive_failures = (source.consecutive_failures or 0) + 1
    else:
        source.consecutive_failures = 0
        source.last_success_at = now
        if tally.discovered == 0 and tally.not_modified == 0:
            source.zero_article_runs = (source.zero_article_runs or 0) + 1
        else:
            source.zero_article_runs = 0
    source.health, source.health_reason = judge(tally, source)
    if source.health != "ok":
        logger.warning("source %s: %s — %s", source.key, source.health, source.health_reason)
    return run
