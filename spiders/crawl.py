"""Running one crawl: one Scrapy process, one crawler per source entry.

Builds the Scrapy settings from ``settings.py`` plus the per-run civwatch
values (user agent with contact, download limits, HTTP cache under the data
directory, the ``Settings`` object itself) and runs every source's spider in
one ``CrawlerProcess``. The Twisted reactor cannot restart, so this runs once
per process: the scheduler runs ``civwatch crawl`` as a subprocess.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings

from settings import Settings
from spiders.registry import SPIDERS
from spiders.sources import SourceEntry


class Shared:
    """An object put into Scrapy settings that every crawler must share.

    Each crawler deep-copies its settings; this wrapper survives the copy as
    itself (a database engine must not be copied).
    """

    def __init__(self, value: Any) -> None:
        self.value = value

    def __deepcopy__(self, memo: dict[int, Any]) -> Shared:
        return self

    def __copy__(self) -> Shared:
        return self


def civwatch_version() -> str:
    try:
        return importlib.metadata.version("civwatch")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - source checkout
        return "0"


def user_agent(settings: Settings) -> str:
    """``civwatch/<version> (+<contact>)``: identifiable, with a way to reach us."""
    return f"civwatch/{civwatch_version()} (+{settings.contact})"


def scrapy_settings(
    settings: Settings,
    *,
    since: dt.datetime | None = None,
    job_run_id: int | None = None,
    database: Any = None,
    overrides: dict[str, Any] | None = None,
) -> ScrapySettings:
    """Scrapy settings of one run: ``settings.py``'s defaults plus civwatch values."""
    result = ScrapySettings()
    result.setmodule("settings", priority="project")
    values: dict[str, Any] = {
        "CIVWATCH_SETTINGS": settings,
        "CIVWATCH_MIGRATE": False,  # the crawl command migrated once already
        # The CLI configured logging already; Scrapy must not add a root handler.
        "LOG_INSTALL_ROOT_HANDLER": False,
        "USER_AGENT": user_agent(settings),
        "DOWNLOAD_MAXSIZE": settings.download_maxsize,
        "DOWNLOAD_WARNSIZE": min(settings.download_maxsize, 4 * 1024 * 1024),
        "DOWNLOAD_TIMEOUT": settings.download_timeout,
        "HTTPCACHE_ENABLED": settings.http_cache,
        "HTTPCACHE_DIR": str(settings.data_dir / "httpcache"),
        # Close every source gracefully before the scheduler's hard limit on the
        # crawl subprocess, so its run is recorded ("ended early") and not lost.
        "CLOSESPIDER_TIMEOUT": max(60, int(settings.crawl_timeout * 0.9)),
        "CIVWATCH_EXTRACT_WORKERS": settings.extract_workers,
    }
    if since is not None:
        values["CIVWATCH_SINCE"] = since.isoformat()
    if job_run_id is not None:
        values["CIVWATCH_JOB_RUN_ID"] = job_run_id
    if database is not None:
        # One storage.Database for every crawler of the run (see crawling.middlewares).
        values["CIVWATCH_DATABASE"] = Shared(database)
    values.update(overrides or {})
    result.setdict(values, priority="cmdline")
    return result


@dataclass
class Progress:
    """Live counters across all crawlers of the run, for the progress display."""

    total_sources: int
    done: int = 0
    requests: int = 0
    items: int = 0
    dropped: int = 0
    # (source key, close reason) of sources that did not finish normally
    ended_early: list[tuple[str, str]] = field(default_factory=list)


def run_crawl(
    settings: Settings,
    entries: Sequence[SourceEntry],
    *,
    since: dt.datetime | None = None,
    job_run_id: int | None = None,
    database: Any = None,
    overrides: dict[str, Any] | None = None,
    on_source_done: Callable[[SourceEntry, Progress, str], None] | None = None,
) -> Progress:
    """Crawl ``entries`` in one process; blocks until every source has finished."""
    root_level = logging.root.level
    # Scrapy logs its banner while starting, before its loggers can be tuned.
    logging.disable(root_level - 1 if root_level > logging.DEBUG else logging.NOTSET)
    try:
        process = CrawlerProcess(
            scrapy_settings(
                settings,
                since=since,
                job_run_id=job_run_id,
                database=database,
                overrides=overrides,
            )
        )
    finally:
        logging.disable(logging.NOTSET)
    # Scrapy sets its own loggers to DEBUG; keep the level the CLI chose (-v).
    logging.getLogger("scrapy").setLevel(root_level)
    progress = Progress(total_sources=len(entries))
    for entry in entries:
        crawler = process.create_crawler(SPIDERS[entry.kind])
        _watch(crawler, entry, progress, on_source_done)
        process.crawl(crawler, entry=entry)
    process.start()
    return progress


def _watch(
    crawler: Any,
    entry: SourceEntry,
    progress: Progress,
    on_done: Callable[[SourceEntry, Progress, str], None] | None,
) -> None:
    # Closures rather than methods: each crawler reports for its own entry.
    def scheduled(**_: Any) -> None:
        progress.requests += 1

    def scraped(**_: Any) -> None:
        progress.items += 1

    def dropped(**_: Any) -> None:
        progress.dropped += 1

    def closed(reason: str, **_: Any) -> None:
        progress.done += 1
        if reason != "finished":
            progress.ended_early.append((entry.key, reason))
        if on_done is not None:
            on_done(entry, progress, reason)

    for handler, signal in (
        (scheduled, signals.request_reached_downloader),
        (scraped, signals.item_scraped),
        (dropped, signals.item_dropped),
        (closed, signals.spider_closed),
    ):
        crawler.signals.connect(handler, signal=signal, weak=False)


def select_entries(
    entries: Iterable[SourceEntry], keys: Sequence[str]
) -> tuple[list[SourceEntry], list[str]]:
    """The entries to crawl (enabled ones, or the named ones) and unknown keys."""
    entries = list(entries)
    if not keys:
        return [e for e in entries if e.enabled], []
    by_key = {e.key: e for e in entries}
    unknown = [k for k in keys if k not in by_key]
    return [by_key[k] for k in dict.fromkeys(keys) if k in by_key], unknown
