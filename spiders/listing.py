"""``listing`` and ``acled_pages`` sources: index pages whose links are articles."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse

from spiders.base import SourceSpider, host_allowed, looks_like_html
from spiders.sitemap import sitemap_requests

DEFAULT_MAX_PAGES = 3


class ListingSpider(SourceSpider):
    """An index page: links matching ``link_pattern`` are articles; links matching
    ``next_pattern`` lead to the next index page, up to ``max_pages`` pages."""

    name = "listing"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = self.entry.options
        self.link_re = re.compile(options.get("link_pattern") or self.default_link_pattern())
        next_pattern = options.get("next_pattern")
        self.next_re = re.compile(next_pattern) if next_pattern else None
        self.max_pages = int(options.get("max_pages") or DEFAULT_MAX_PAGES)

    def default_link_pattern(self) -> str:
        raise ValueError("a listing source needs link_pattern")

    def start_discovery(self) -> Iterable[scrapy.Request]:
        yield self.discovery_request(
            self.entry.url, self.parse_listing, conditional=False, meta={"civwatch_page_no": 1}
        )

    def parse_listing(self, response: Response) -> Iterable[Any]:
        if not isinstance(response, TextResponse) or not looks_like_html(response):
            self.discovery_failed("listing is not html")
            return
        page_no = response.meta.get("civwatch_page_no", 1)
        next_url = None
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            if self.link_re.search(url):
                request = self.page_request(url)
                if request is not None:
                    yield request
            elif next_url is None and self.next_re is not None and self.next_re.search(url):
                next_url = url
        if next_url and not host_allowed(next_url, self.allowed_domains):
            self.count("skipped/offsite")
        elif next_url and page_no < self.max_pages:
            yield self.discovery_request(
                next_url,
                self.parse_listing,
                conditional=False,
                meta={"civwatch_page_no": page_no + 1},
            )


class AcledPagesSpider(ListingSpider):
    """ACLED's analysis and regional-overview pages, from a listing page or a sitemap.

    The entry URL is either a sitemap (``…sitemap….xml[.gz]``) or an index page;
    articles are dated paths such as ``/2024/05/10/regional-overview-africa…/``
    unless the entry gives its own ``link_pattern``.
    """

    name = "acled_pages"
    extra_domains = ("acleddata.com",)

    def default_link_pattern(self) -> str:
        return r"/\d{4}/\d{2}/\d{2}/[^/?#]+/?$"

    def start_discovery(self) -> Iterable[scrapy.Request]:
        if re.search(r"sitemap[^/]*\.xml(\.gz)?$", self.entry.url):
            yield self.discovery_request(self.entry.url, self.parse_sitemap)
        else:
            yield from super().start_discovery()

    def parse_sitemap(self, response: Response) -> Iterable[Any]:
        yield from sitemap_requests(self, response, self.parse_sitemap)
