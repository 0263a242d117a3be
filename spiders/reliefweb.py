"""``reliefweb`` sources: reports from the ReliefWeb API (v2) for the entry's countries.

The entry URL is the API endpoint (``https://api.reliefweb.int/v2/reports``);
ReliefWeb requires a pre-approved ``appname`` (``CIVWATCH_RELIEFWEB_APPNAME``).
The report body from the API is used as the article text when present;
otherwise the report page is fetched.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import JsonRequest, Response

from spiders.base import DISCOVERY, SourceSpider
from spiders.countries import iso3
from spiders.discovery import parse_date

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
DEFAULT_MAX_PAGES = 3
FIELDS = [
    "title",
    "body",
    "date.original",
    "date.created",
    "url_alias",
    "url",
    "source.name",
    "language.code",
]


class ReliefWebSpider(SourceSpider):
    """ReliefWeb reports, newest first, paginated with offset/limit."""

    name = "reliefweb"
    extra_domains = ("reliefweb.int",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page_size = int(self.entry.options.get("page_size") or PAGE_SIZE)

    def start_discovery(self) -> Iterable[scrapy.Request]:
        if not self.civwatch.reliefweb_appname:
            logger.warning(
                "ReliefWeb appname not set (CIVWATCH_RELIEFWEB_APPNAME): "
                "reliefweb source %s skipped",
                self.entry.key,
            )
            self.count("not_configured")
            return
        yield self.api_request(0)

    def api_request(self, offset: int) -> scrapy.Request:
        countries = self.entry.countries or self.civwatch.focus_countries
        codes = sorted({c.lower() for c in (iso3(cc) for cc in countries) if c})
        conditions: list[dict[str, Any]] = [
            {"field": "date.created", "value": {"from": self.since.isoformat()}}
        ]
        if codes:
            conditions.append({"field": "country.iso3", "value": codes, "operator": "OR"})
        payload = {
            "filter": {"operator": "AND", "conditions": conditions},
            "fields": {"include": FIELDS},
            "sort": ["date.created:desc"],
            "limit": self.page_size,
            "offset": offset,
        }
        url = f"{self.entry.url}?{urlencode({'appname': self.civwatch.reliefweb_appname})}"
        return JsonRequest(
            url,
            data=payload,
            callback=self.parse_api,
            errback=self.on_error,
            dont_filter=True,
            meta={"civwatch_role": DISCOVERY, "civwatch_offset": offset},
        )

    def parse_api(self, response: Response) -> Iterable[Any]:
        read = self.api_rows(response)
        if read is None:
            return
        document, rows = read
        try:
            total = int(document.get("totalCount", 0))
        except (ValueError, TypeError):
            self.discovery_failed("malformed api response")
            return
        offset = response.meta.get("civwatch_offset", 0)
        for row in rows:
            yield from self.report(response, row)
        next_offset = offset + len(rows)
        pages_done = next_offset // self.page_size
        max_pages = int(self.entry.options.get("max_pages") or DEFAULT_MAX_PAGES)
        if rows and next_offset < total and pages_done < max_pages:
            yield self.api_request(next_offset)

    def report(self, response: Response, row: Any) -> Iterable[Any]:
        fields = row.get("fields", {}) if isinstance(row, dict) else {}
        url = fields.get("url_alias") or fields.get("url")
        if not isinstance(url, str) or not url:
            self.count("skipped/api row without url")
            return
        dates = fields.get("date") or {}
        published = parse_date(dates.get("original") or dates.get("created"))
        if self.too_old(published):
            return
        sources = fields.get("source") or []
        author = ", ".join(s["name"] for s in sources if isinstance(s, dict) and s.get("name"))
        body = fields.get("body")
        if isinstance(body, str) and body.strip():
            self.count("discovered")
            hints = {"title": fields.get("title"), "published": published, "text": body}
            hints["author"] = author or None
            item = self.page_item(
                url=url,
                discovered_url=url,
                http_status=response.status,
                # The API record is what was fetched: kept as the evidence snapshot.
                body=json.dumps(row, ensure_ascii=False).encode("utf-8"),
                headers={"content-type": "application/json"},
                encoding="utf-8",
                hints=hints,
            )
            languages = [
                lang.get("code") for lang in fields.get("language") or [] if isinstance(lang, dict)
            ]
            if self.entry.lang == "auto" and len(languages) == 1 and languages[0] in ("en", "fr"):
                # ReliefWeb says which language the report is in; trust it over "auto".
                item.source_lang = str(languages[0])
            yield item
            return
        request = self.page_request(
            url, title=fields.get("title"), published=published, author=author or None
        )
        if request is not None:
            yield request
