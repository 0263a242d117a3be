"""Extension: fewer, cheaper garbage collections during a crawl.

A crawl process holds a large, long-lived heap (Scrapy, Twisted, lxml,
trafilatura, SQLAlchemy) and allocates many short-lived objects per page.
With CPython's default thresholds a full collection walks that whole heap
every few pages: ~1 ms per page in bench/bench_crawl.py. When the engine
starts, what exists is moved out of the collector's sight (``gc.freeze``) and
young collections run less often; cycles are still collected. The previous
state is restored when the engine stops (tests run several crawls in one
process).
"""

from __future__ import annotations

import gc

from scrapy import signals
from scrapy.crawler import Crawler

# Allocations between young collections (CPython's default is 700).
GEN0_THRESHOLD = 50_000


def tune() -> tuple[int, int, int]:
    """Freeze what is loaded and make young collections rarer; the old thresholds."""
    saved = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(GEN0_THRESHOLD, saved[1], saved[2])
    return saved


class CollectorTuning:
    def __init__(self) -> None:
        self.saved: tuple[int, int, int] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CollectorTuning:
        extension = cls()
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        self.saved = tune()

    def engine_stopped(self) -> None:
        if self.saved is not None:
            gc.set_threshold(*self.saved)
            gc.unfreeze()
            self.saved = None
