"""The common part of every civwatch spider: one spider instance per source entry.

A spider is built from a sources-file entry, either by ``civwatch crawl``
(``entry=SourceEntry``) or by ``scrapy crawl <kind> -a source=KEY`` (the entry
is looked up in the configured sources file). It declares what to discover and
how; fetching goes through Scrapy, so robots.txt, throttling, retries, the
seen-URL skip and the test server all apply.

Outcomes are counted in the crawler's stats under ``civwatch/…`` keys that the
source-health extension (``crawling.health``) turns into a ``SourceRun`` row:

* ``civwatch/discovered`` — article links (or API rows) found;
* ``civwatch/skipped/<reason>`` — not fetched on purpose (already stored, not
  modified, older than the window, not http(s), offsite…);
* ``civwatch/failed/<reason>`` — an article page that could not be fetched;
* ``civwatch/discovery_failed/<reason>`` — the feed/sitemap/listing/API itself
  failed (this is what makes a source unhealthy);
* ``civwatch/not_configured`` — the source was skipped for missing settings.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure

from settings import Settings, from_scrapy_settings
from spiders.items import PageItem
from spiders.sources import SourceEntry, load_sources

logger = logging.getLogger(__name__)

# Request roles (request.meta["civwatch_role"]).
DISCOVERY = "discovery"  # a feed, sitemap, listing page or API page
PAGE = "page"  # an article page to extract

KEPT_HEADERS = ("content-type", "last-modified", "etag", "content-language", "date")
# A leading label that names a service rather than the site (api.reliefweb.int
# serves reports that live on reliefweb.int).
SERVICE_LABELS = ("www", "api", "feeds", "feed", "rss")


class Skipped(IgnoreRequest):
    """A request deliberately not made (already stored, not modified, …).

    Raised by civwatch's downloader middlewares; ``reason`` is counted under
    ``civwatch/skipped/<reason>`` by the spider's errback.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_since(value: str | dt.date | dt.datetime | None) -> dt.datetime | None:
    """``--since`` / ``-a since=`` as an aware UTC datetime (None when not given)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    parsed = dt.datetime.fromisoformat(str(value).strip())
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def domains_for(url: str) -> list[str]:
    """The domains a source's pages may live on, from its URL."""
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        return []
    domains = [host]
    try:
        ipaddress.ip_address(host)
        return domains
    except ValueError:
        pass
    first, _, rest = host.partition(".")
    if first in SERVICE_LABELS and "." in rest:
        domains.append(rest)
    return domains


def host_allowed(url: str, domains: list[str]) -> bool:
    """True when the URL's host is one of ``domains`` or a subdomain (ports ignored)."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def _is_local(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def failure_reason(failure: Failure) -> str:
    """A short stable name for why a request failed."""
    exc = failure.value
    if isinstance(exc, Skipped):
        return exc.reason
    if isinstance(exc, HttpError):
        return f"http {exc.response.status}"
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        if "robots.txt" in message:
            return "robots.txt disallowed"
        if "redirect" in message:  # a loop, or more hops than REDIRECT_MAX_TIMES
            return "redirect loop"
        if "offsite" in message:
            return "offsite"
        # Keep reasons few and stable: no URLs or sizes in the counter's name.
        return message.split(":", 1)[0][:60] or "ignored"
    if isinstance(exc, TimeoutError | TCPTimedOutError | DownloadTimeoutError):
        return "timeout"
    if isinstance(exc, DownloadCancelledError):
        return "too large"  # Scrapy cancels a download over DOWNLOAD_MAXSIZE
    if isinstance(exc, ConnectionRefusedError | DNSLookupError | DownloadConnectionRefusedError):
        return "connection error"
    return type(exc).__name__


class SourceSpider(scrapy.Spider):
    """Base of the civwatch spiders; subclasses set ``name`` (= the kind)."""

    # No ``name`` here, so ``scrapy list`` shows only the real kinds.
    # Domains always allowed for this kind when its entry uses the default URL.
    extra_domains: ClassVar[tuple[str, ...]] = ()

    entry: SourceEntry
    civwatch: Settings
    since: dt.datetime

    def __init__(
        self,
        *args: Any,
        entry: SourceEntry | None = None,
        civwatch: Settings | None = None,
        since: str | dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if entry is None or civwatch is None:
            raise ValueError("a civwatch spider needs a source entry (-a source=KEY)")
        self.entry = entry
        self.civwatch = civwatch
        window = dt.datetime.now(dt.UTC) - dt.timedelta(days=civwatch.crawl_window_days)
        explicit = parse_since(since)
        self.since = explicit if explicit is not None else window
        self.requested: set[str] = set()
        domains = domains_for(entry.url)
        domains += [str(d) for d in entry.options.get("allowed_domains", [])]
        if not _is_local(entry.url):
            # A source pointed at a local/test server must never leave it.
            domains += list(self.extra_domains)
        self.allowed_domains = list(dict.fromkeys(domains))

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourceSpider:
        civwatch = from_scrapy_settings(crawler.settings)
        entry = kwargs.pop("entry", None)
        key = kwargs.pop("source", None)
        if entry is None:
            if not key:
                raise ValueError(f"spider {cls.name!r} needs -a source=KEY")
            sources = load_sources(civwatch.sources)
            entry = sources.get(key)
            if entry is None:
                raise ValueError(f"no source {key!r} in {sources.path}")
        if entry.kind != cls.name:
            raise ValueError(f"source {entry.key!r} is a {entry.kind!r} source, not {cls.name!r}")
        kwargs.setdefault("since", crawler.settings.get("CIVWATCH_SINCE"))
        spider = super().from_crawler(crawler, *args, entry=entry, civwatch=civwatch, **kwargs)
        assert isinstance(spider, SourceSpider)
        return spider

    # --- counting -----------------------------------------------------------
    def count(self, key: str, value: int = 1) -> None:
        """Add to a ``civwatch/<key>`` stat of this crawl."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"civwatch/{key}", value)

    def discovery_failed(self, reason: str) -> None:
        self.count(f"discovery_failed/{reason}")
        logger.warning("%s: %s (%s)", self.entry.key, reason, self.entry.url)

    def api_rows(self, response: Response) -> tuple[Any, Any] | None:
        """The JSON document of an API answer and its ``data`` member.

        None, counted as a discovery failure, for an HTML page or a malformed answer.
        """
        if looks_like_html(response):
            self.discovery_failed("html instead of json")
            return None
        try:
            document = json.loads(response.body)
            return document, document["data"]
        except (ValueError, KeyError, TypeError):
            self.discovery_failed("malformed api response")
            return None

    def too_old(self, when: dt.datetime | None) -> bool:
        """True (and counted) when a dated item is older than the crawl window."""
        if when is not None and when < self.since:
            self.count("skipped/older than window")
            return True
        return False

    # --- requests -----------------------------------------------------------
    def discovery_request(
        self,
        url: str,
        callback: Any,
        *,
        conditional: bool = True,
        meta: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> scrapy.Request:
        """A request for a feed / sitemap / listing / API page (never skipped as seen)."""
        full_meta = {"civwatch_role": DISCOVERY, "civwatch_conditional": conditional}
        full_meta.update(meta or {})
        return scrapy.Request(
            url, callback=callback, errback=self.on_error, meta=full_meta, **kwargs
        )

    def page_request(
        self,
        url: str,
        *,
        title: str | None = None,
        published: dt.datetime | None = None,
        author: str | None = None,
        text: str | None = None,
    ) -> scrapy.Request | None:
        """A request for an article page, or None (counted) when it must not be followed."""
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            self.count("skipped/not http(s)")
            return None
        if self.allowed_domains and not host_allowed(url, self.allowed_domains):
            # Scrapy's offsite filter would drop it too, but without telling us.
            self.count("skipped/offsite")
            return None
        if url in self.requested:
            self.count("skipped/listed twice")
            return None
        self.requested.add(url)
        self.count("discovered")
        hints = {"title": title, "published": published, "author": author, "text": text}
        return scrapy.Request(
            url,
            callback=self.parse_page,
            errback=self.on_error,
            meta={"civwatch_role": PAGE, "civwatch_discovered": url, "civwatch_hints": hints},
        )

    def parse_page(self, response: Response) -> Iterable[PageItem]:
        """Any fetched article page becomes a PageItem; the pipelines judge it."""
        hints = response.meta.get("civwatch_hints", {})
        yield self.page_item(
            url=response.url,
            discovered_url=response.meta.get("civwatch_discovered", response.url),
            http_status=response.status,
            body=response.body,
            headers=response_headers(response),
            encoding=response.encoding if isinstance(response, TextResponse) else None,
            hints=hints,
        )

    def page_item(
        self,
        *,
        url: str,
        discovered_url: str,
        http_status: int,
        body: bytes,
        headers: dict[str, str],
        encoding: str | None,
        hints: dict[str, Any],
    ) -> PageItem:
        return PageItem(
            source_key=self.entry.key,
            url=url,
            discovered_url=discovered_url,
            http_status=http_status,
            body=body,
            fetched_at=dt.datetime.now(dt.UTC),
            headers=headers,
            encoding=encoding,
            source_lang=self.entry.lang,
            source_countries=self.entry.countries or self.civwatch.focus_countries,
            hint_title=hints.get("title"),
            hint_published=hints.get("published"),
            hint_author=hints.get("author"),
            hint_text=hints.get("text"),
        )

    def on_error(self, failure: Failure) -> None:
        """Count a failed or skipped request under its reason; never raise."""
        request = getattr(failure, "request", None)
        meta = request.meta if request is not None else {}
        reason = failure_reason(failure)
        if isinstance(failure.value, Skipped) or reason in ("offsite", "robots.txt disallowed"):
            self.count(f"skipped/{reason}")
            return
        if meta.get("civwatch_role") == DISCOVERY:
            self.discovery_failed(reason)
        else:
            self.count(f"failed/{reason}")
            logger.info("%s: page failed (%s): %s", self.entry.key, reason, request)

    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_discovery():
            yield request

    def start_discovery(self) -> Iterable[scrapy.Request]:
        """The first requests of this source (subclasses)."""
        raise NotImplementedError


def response_headers(response: Response) -> dict[str, str]:
    """The headers the pipelines use, with lower-cased names."""
    headers: dict[str, str] = {}
    for name in KEPT_HEADERS:
        value = response.headers.get(name)
        if value is not None:
            headers[name] = value.decode("latin-1")
    return headers


def looks_like_html(response: Response) -> bool:
    """True when a response meant to be XML or JSON is in fact an HTML page."""
    ctype = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    head = response.body[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<rss", b"<feed", b"<urlset", b"<sitemapindex", b"{", b"[")):
        return False
    return "html" in ctype or head.startswith((b"<!doctype html", b"<html"))
