"""Which spider crawls which kind of source (spider name = kind)."""

from __future__ import annotations

from spiders.acled import AcledApiSpider
from spiders.base import SourceSpider
from spiders.feed import FeedSpider, UnNewsSpider
from spiders.listing import AcledPagesSpider, ListingSpider
from spiders.reliefweb import ReliefWebSpider
from spiders.sitemap import SitemapSpider

SPIDERS: dict[str, type[SourceSpider]] = {
    cls.name: cls
    for cls in (
        FeedSpider,
        UnNewsSpider,
        SitemapSpider,
        ListingSpider,
        AcledPagesSpider,
        ReliefWebSpider,
        AcledApiSpider,
    )
}
