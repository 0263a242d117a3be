"""Crawl-time middlewares: politeness and incremental crawling.

* :class:`SeenUrlMiddleware` — an article URL already stored is not requested
  again; the database is asked before the request is made. Discovery requests
  (feeds, sitemaps, listings, APIs) are never skipped.
* :class:`SeenItemFilter` — the same for pages an API delivered with their text
  (no request is made for those, so the check happens on the item).
* :class:`ConditionalGetMiddleware` — ETag / Last-Modified of feeds and
  sitemaps, kept in ``<data_dir>/http_validators.json``; a 304 means "nothing
  new" and is counted, not an error. Validators are saved only when the crawl
  finished normally, so an interrupted run re-reads the feed next time.
* :class:`RetryAfterMiddleware` — Scrapy's retries with exponential backoff,
  honouring ``Retry-After`` on 429 and 503.
* Only http(s) URLs are requested at all.

Each component reads its configuration in ``from_crawler`` (civwatch
``Settings`` via ``settings.from_scrapy_settings``) and raises ``NotConfigured``
when switched off.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.spiders import Spider
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task

from settings import from_scrapy_settings
from spiders.base import PAGE, Skipped
from spiders.crawl import Shared
from spiders.items import PageItem
from storage import Database
from storage.articles import url_seen, urls_seen

logger = logging.getLogger(__name__)

VALIDATORS_FILE = "http_validators.json"


class CrawlDatabase:
    """The database as a crawl component uses it.

    ``civwatch crawl`` opens one ``Database`` for the whole run and hands it over
    in the ``CIVWATCH_DATABASE`` Scrapy setting, so twenty sources do not hold
    sixty connection pools; a bare ``scrapy crawl`` opens (and migrates) its own.
    ``close()`` only disposes of a database this object opened.
    """

    def __init__(self, crawler: Crawler) -> None:
        shared = crawler.settings.get("CIVWATCH_DATABASE")
        if isinstance(shared, Shared) and isinstance(shared.value, Database):
            self.db, self.owned = shared.value, False
        else:
            civwatch = from_scrapy_settings(crawler.settings)
            migrate = crawler.settings.getbool("CIVWATCH_MIGRATE", True)
            self.db, self.owned = Database.open(civwatch.db_url, migrate=migrate), True

    @property
    def sessions(self) -> Any:
        return self.db.sessions

    def close(self) -> None:
        if self.owned:
            self.db.close()


def open_database(crawler: Crawler) -> CrawlDatabase:
    """The crawl's database (shared when ``civwatch crawl`` provides one)."""
    return CrawlDatabase(crawler)


def _count(crawler: Crawler, key: str) -> None:
    assert crawler.stats is not None
    crawler.stats.inc_value(f"civwatch/{key}")


class SeenUrlMiddleware:
    """Downloader middleware: skip article pages whose URL is already stored."""

    def __init__(self, crawler: Crawler, db: CrawlDatabase) -> None:
        self.crawler = crawler
        self.db = db

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeenUrlMiddleware:
        if not crawler.settings.getbool("CIVWATCH_SKIP_SEEN", True):
            raise NotConfigured("CIVWATCH_SKIP_SEEN is off")
        middleware = cls(crawler, open_database(crawler))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_request(self, request: Request) -> None:
        if urlsplit(request.url).scheme.lower() not in ("http", "https"):
            raise Skipped("not http(s)")
        if request.meta.get("civwatch_role") != PAGE:
            return
        found = {request.url, request.meta.get("civwatch_discovered") or request.url}
        # A fragment is never sent to the server, and pages are stored without it.
        urls = found | {urldefrag(url).url for url in found}
        with self.db.sessions() as session:
            if urls_seen(session, urls):
                raise Skipped("already stored")

    def spider_closed(self, spider: Spider) -> None:
        self.db.close()


class SeenItemFilter(BaseSpiderMiddleware):
    """Spider middleware: drop API-delivered pages (``hint_text``) already stored."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        if not crawler.settings.getbool("CIVWATCH_SKIP_SEEN", True):
            raise NotConfigured("CIVWATCH_SKIP_SEEN is off")
        self.db = open_database(crawler)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def get_processed_item(self, item: Any, response: Response | None) -> Any:
        if isinstance(item, PageItem) and item.hint_text is not None:
            with self.db.sessions() as session:
                if url_seen(session, item.url):
                    _count(self.crawler, "skipped/already stored")
                    return None
        return item

    def spider_closed(self, spider: Spider) -> None:
        self.db.close()


class RedirectLoopMiddleware:
    """Downloader middleware: a redirect back to a URL of the same chain is a loop.

    Placed after Scrapy's RedirectMiddleware (600) so that it sees a 3xx first.
    Without it the duplicate filter drops the looping request silently and the
    page is never counted; with it the request fails as ``redirect loop``.
    """

    def process_response(self, request: Request, response: Response) -> Response:
        raw = response.headers.get("Location")
        if not 300 <= response.status < 400 or not raw:
            return response
        location = raw.decode("latin-1")
        target = urldefrag(response.urljoin(location)).url
        chain = {urldefrag(u).url for u in [*request.meta.get("redirect_urls", []), request.url]}
        if target in chain:
            raise IgnoreRequest(f"redirect loop back to {target}")
        return response


class ConditionalGetMiddleware:
    """Downloader middleware: conditional GET for feeds and sitemaps."""

    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path
        self.known = load_validators(path)
        self.fresh: dict[str, dict[str, str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        if not crawler.settings.getbool("CIVWATCH_CONDITIONAL_GET", True):
            raise NotConfigured("CIVWATCH_CONDITIONAL_GET is off")
        civwatch = from_scrapy_settings(crawler.settings)
        middleware = cls(crawler, Path(civwatch.data_dir) / VALIDATORS_FILE)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_request(self, request: Request) -> None:
        if not request.meta.get("civwatch_conditional") or request.method != "GET":
            return
        known = self.known.get(request.url)
        if not known:
            return
        if known.get("etag"):
            request.headers.setdefault("If-None-Match", known["etag"])
        if known.get("last_modified"):
            request.headers.setdefault("If-Modified-Since", known["last_modified"])

    def process_response(self, request: Request, response: Response) -> Response:
        if not request.meta.get("civwatch_conditional"):
            return response
        if response.status == 304:
            raise Skipped("not modified")
        if response.status == 200:
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
            if etag or modified:
                self.fresh[request.url] = {
                    "etag": etag.decode("latin-1") if etag else "",
                    "last_modified": modified.decode("latin-1") if modified else "",
                }
        return response

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if reason != "finished" or not self.fresh:
            return
        # Re-read before writing: other sources of the same run share the file.
        merged = load_validators(self.path)
        merged.update(self.fresh)
        save_validators(self.path, merged)


def load_validators(path: Path) -> dict[str, dict[str, str]]:
    """The stored validators; an unreadable file counts as empty (it is a cache)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_validators(path: Path, validators: dict[str, dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".validators-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(validators, handle, indent=1, sort_keys=True)
    os.replace(tmp, path)


def retry_after_seconds(value: bytes | str | None, now: dt.datetime | None = None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date); None when absent/bad."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retry middleware with backoff and ``Retry-After``.

    Waits ``CIVWATCH_RETRY_BACKOFF`` × 2^attempt seconds before a retry, or what
    ``Retry-After`` asks on 429/503. A wait longer than
    ``CIVWATCH_RETRY_AFTER_MAX`` is not honoured by retrying now: the request
    gives up (counted as ``rate limited``) and the next run tries again.
    The wait does not hold a download slot; other requests go on.
    """

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("CIVWATCH_RETRY_BACKOFF", 2.0)
        self.max_wait = settings.getfloat("CIVWATCH_RETRY_AFTER_MAX", 120.0)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        attempt = request.meta.get("retry_times", 0)
        wait = self.backoff * (2**attempt)
        if response.status in (429, 503):
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            if asked is not None:
                if asked > self.max_wait:
                    _count(self.crawler, "skipped/rate limited")
                    logger.warning(
                        "%s asks to wait %.0f s (over %.0f s): not retried this run",
                        request.url,
                        asked,
                        self.max_wait,
                    )
                    return response
                wait = asked
        retry = self._retry(request, f"http {response.status}")
        if retry is None:
            return response
        await self._sleep(wait)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        attempt = request.meta.get("retry_times", 0)
        retry = self._retry(request, exception)
        if retry is not None:
            await self._sleep(self.backoff * (2**attempt))
        return retry

    async def _sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        # Imported here: importing the reactor at module level would install
        # Twisted's default one before Scrapy installs the configured reactor.
        from twisted.internet import reactor

        await maybe_deferred_to_future(task.deferLater(reactor, seconds, lambda: None))
