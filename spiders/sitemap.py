"""``sitemap`` sources: a sitemap index or urlset (plain, Google News, gzipped)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import scrapy
from scrapy.http import Response

from spiders.base import SourceSpider, host_allowed
from spiders.feed import read_discovery

# A sitemap index can nest; a cycle or a huge index must not run away.
MAX_SITEMAP_DEPTH = 3


class SitemapSpider(SourceSpider):
    """Follows a sitemap index down to its urlsets; fetches recent pages."""

    name = "sitemap"

    def start_discovery(self) -> Iterable[scrapy.Request]:
        yield self.discovery_request(self.entry.url, self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Iterable[Any]:
        yield from sitemap_requests(self, response, self.parse_sitemap)


def sitemap_requests(
    spider: SourceSpider, response: Response, callback: Callable[[Response], Any]
) -> Iterable[Any]:
    """The requests a sitemap response leads to (child sitemaps or pages)."""
    parsed = read_discovery(spider, response)
    if parsed is None:
        return
    if parsed.kind == "feed":
        spider.discovery_failed("not a sitemap (feed)")
        return
    depth = response.meta.get("civwatch_sitemap_depth", 0)
    for link in parsed.links:
        if spider.too_old(link.published):
            continue
        url = response.urljoin(link.url)
        if parsed.kind == "sitemapindex":
            if not host_allowed(url, spider.allowed_domains):
                spider.count("skipped/offsite")
                continue
            if depth + 1 >= MAX_SITEMAP_DEPTH:
                spider.count("skipped/sitemap too deep")
                continue
            yield spider.discovery_request(
                url,
                callback,
                meta={"civwatch_sitemap_depth": depth + 1},
            )
        else:
            request = spider.page_request(url, title=link.title, published=link.published)
            if request is not None:
                yield request
