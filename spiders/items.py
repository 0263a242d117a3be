"""What the spiders hand to the pipelines: plain dataclasses (see STYLE.md).

``PageItem`` is a fetched page on its way to extraction and storage; the
spider fills the first group of fields, the pipelines fill the second.
The brief's interface names two fields ``status``; the HTTP one is
``http_status`` here (as in ``storage.models.Article``), so that ``item.status``
is the article status the pipelines set.
``ReferenceEventItem`` is one row of a human-coded dataset (ACLED, UCDP); it
passes through the article pipelines untouched and is upserted by the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

# The values of PageItem.status (a subset of storage.models.ARTICLE_STATUSES).
PAGE_STATUSES = ("new", "irrelevant", "foreign_language", "duplicate")
ReferenceDataset = Literal["acled", "ucdp"]


@dataclass(repr=False)
class PageItem:
    """A fetched page to extract and store."""

    # --- filled by the spider ------------------------------------------
    source_key: str
    url: str  # final URL after redirects (response.url)
    discovered_url: str  # as found in the feed / sitemap / listing / API
    http_status: int  # HTTP status of the final response (Article.http_status)
    body: bytes
    fetched_at: dt.datetime  # aware UTC
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    encoding: str | None = None  # Scrapy's detected encoding for text responses
    source_lang: str = "auto"
    source_countries: tuple[str, ...] = ()
    hint_title: str | None = None
    hint_published: dt.datetime | None = None
    hint_author: str | None = None
    # Body text given by an API (e.g. ReliefWeb ``body``): extraction uses it
    # instead of the HTML.
    hint_text: str | None = None

    # --- filled by the pipelines -----------------------------------------
    canonical_url: str | None = None
    title: str | None = None
    author: str | None = None
    text: str | None = None
    language: str | None = None
    published_at: dt.datetime | None = None
    content_hash: str | None = None
    near_dup_signature: bytes | None = None
    duplicate_of: int | None = None
    relevance_score: float | None = None
    relevance_reason: str | None = None
    # The article status, one of PAGE_STATUSES (the HTTP status is http_status).
    status: str = "new"
    status_reason: str | None = None

    def __repr__(self) -> str:
        # Scrapy logs items (e.g. "Dropped: …"); a 10 MB body must not go to the log.
        return (
            f"PageItem(source_key={self.source_key!r}, url={self.url!r}, "
            f"http_status={self.http_status}, status={self.status!r}, body={len(self.body)} bytes)"
        )


@dataclass
class ReferenceEventItem:
    """One ACLED / UCDP event, mirroring ``storage.models.ReferenceEvent``."""

    dataset: ReferenceDataset
    external_id: str
    event_date: dt.date
    source_key: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    country: str | None = None  # ISO alpha-2
    admin1: str | None = None
    admin2: str | None = None
    location: str | None = None
    lat: float | None = None
    lon: float | None = None
    actor1: str | None = None
    actor2: str | None = None
    fatalities: int | None = None
    fatalities_low: int | None = None
    fatalities_high: int | None = None
    notes: str | None = None
    source: str | None = None
