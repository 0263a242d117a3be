"""``feed`` and ``un_news`` sources: RSS/Atom feeds whose items are then fetched."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import scrapy
from scrapy.http import Response

from spiders.base import SourceSpider, looks_like_html
from spiders.discovery import NotXml, Parsed, parse_discovery


class FeedSpider(SourceSpider):
    """An RSS 0.9x/1.0/2.0 or Atom feed; items older than the window are not fetched."""

    name = "feed"

    def start_discovery(self) -> Iterable[scrapy.Request]:
        yield self.discovery_request(self.entry.url, self.parse_feed)

    def parse_feed(self, response: Response) -> Iterable[Any]:
        parsed = read_discovery(self, response)
        if parsed is None:
            return
        if parsed.kind != "feed":
            self.discovery_failed(f"not a feed ({parsed.kind})")
            return
        for link in parsed.links:
            if self.too_old(link.published):
                continue
            request = self.page_request(
                response.urljoin(link.url),
                title=link.title,
                published=link.published,
                author=link.author,
            )
            if request is not None:
                yield request


class UnNewsSpider(FeedSpider):
    """UN News by region or topic (an RSS feed of news.un.org, English or French).

    The entry URL is the feed, e.g.
    ``https://news.un.org/feed/subscribe/fr/news/region/africa/feed/rss.xml``.
    With ``lang: auto`` the language is taken from the feed path.
    """

    name = "un_news"
    extra_domains = ("news.un.org",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.entry.lang == "auto":
            match = re.search(r"/subscribe/(en|fr)/", self.entry.url)
            if match:
                self.feed_lang = match.group(1)
                return
        self.feed_lang = self.entry.lang

    def page_item(self, **kwargs: Any) -> Any:
        item = super().page_item(**kwargs)
        item.source_lang = self.feed_lang
        return item


def read_discovery(spider: SourceSpider, response: Response) -> Parsed | None:
    """Parse a feed or sitemap response, counting why it could not be read."""
    if looks_like_html(response):
        spider.discovery_failed("html instead of xml")
        return None
    try:
        parsed = parse_discovery(response.body)
    except NotXml:
        spider.discovery_failed("malformed xml")
        return None
    if parsed.recovered:
        # Readable in part: keep what was read, but let the source's health say so.
        spider.count("discovery_warning/malformed xml (recovered)")
    return parsed
