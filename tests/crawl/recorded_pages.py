"""Recorded real pages for the pipeline tests, and items built from them (a support
module: no tests here).

The pages are the gzipped subset in tests/fixtures/news_html (manifest.json
gives each page's original URL, language, upstream gold and our topic label).
Extraction of all of them is done once per test session and shared.
"""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from scrapy.exceptions import DropItem

from pipelines.canonical import CanonicalUrlPipeline
from pipelines.extraction import ExtractionPipeline
from spiders.items import PageItem
from tests.conftest import SHARED

NEWS_HTML = Path(__file__).resolve().parents[1] / "fixtures" / "news_html"
GOLD_DEV = SHARED / "eval" / "gold_dev.jsonl"
FETCHED = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)


@lru_cache(maxsize=1)
def manifest() -> tuple[dict[str, Any], ...]:
    data = json.loads((NEWS_HTML / "manifest.json").read_text(encoding="utf-8"))
    return tuple(data["pages"])


def entry(stem: str) -> dict[str, Any]:
    return next(p for p in manifest() if p["file"] == f"{stem}.html.gz")


def page_bytes(page: dict[str, Any]) -> bytes:
    return gzip.decompress((NEWS_HTML / page["file"]).read_bytes())


def make_item(
    url: str,
    body: bytes,
    content_type: str | None = "text/html; charset=utf-8",
    **fields: Any,
) -> PageItem:
    headers = {"content-type": content_type} if content_type is not None else {}
    headers.update(fields.pop("headers", {}))
    return PageItem(
        source_key=fields.pop("source_key", "test"),
        url=url,
        discovered_url=fields.pop("discovered_url", url),
        http_status=fields.pop("http_status", 200),
        body=body,
        fetched_at=fields.pop("fetched_at", FETCHED),
        headers=headers,
        **fields,
    )


def fixture_item(stem: str) -> PageItem:
    page = entry(stem)
    return make_item(page["url"], page_bytes(page))


@lru_cache(maxsize=1)
def _extracted() -> dict[str, PageItem | str]:
    canonical = CanonicalUrlPipeline()
    extraction = ExtractionPipeline(max_bytes=10 * 1024 * 1024)
    out: dict[str, PageItem | str] = {}
    for page in manifest():
        item = make_item(page["url"], page_bytes(page))
        canonical.process_item(item)
        try:
            out[page["file"]] = extraction.extract_item(item)
        except DropItem as exc:
            out[page["file"]] = str(exc)
    return out


def extracted(page: dict[str, Any]) -> PageItem:
    """The page after canonical URL and extraction (a fresh copy); fails if dropped."""
    result = _extracted()[page["file"]]
    assert isinstance(result, PageItem), f"{page['file']} dropped: {result}"
    return copy.deepcopy(result)
