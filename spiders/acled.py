"""``acled_api`` sources: ACLED events for the entry's countries, as reference events.

ACLED's current API: an OAuth password grant at ``<base>/oauth/token``
(``client_id=acled``) gives an access and a refresh token; events are read
from ``<base>/api/acled/read`` with ``Authorization: Bearer``. A 401 on a read
refreshes the token once (``grant_type=refresh_token``). The entry URL gives
``<base>`` (``https://acleddata.com``, or with a path prefix). Missing credentials: the source is
skipped with one message, the run goes on. Rows become ``ReferenceEventItem``s
for "already known?" matching, not articles.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode, urlsplit

import scrapy
from scrapy.http import FormRequest, Response

from spiders.base import DISCOVERY, SourceSpider
from spiders.countries import name_of
from spiders.reference_rows import BadRow, acled_event

logger = logging.getLogger(__name__)

PAGE_SIZE = 5000
DEFAULT_MAX_PAGES = 5
TOKEN_ERRORS = [400, 401, 403]


class AcledApiSpider(SourceSpider):
    """ACLED events in the crawl window, one paginated read per country."""

    name = "acled_api"
    extra_domains = ("acleddata.com",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parts = urlsplit(self.entry.url)
        # The entry URL is ACLED's base (https://acleddata.com), optionally with
        # a path prefix (a proxy, a test server) or the read endpoint itself.
        path = parts.path.rstrip("/").removesuffix("/api/acled/read")
        self.base = f"{parts.scheme}://{parts.netloc}{path}"
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self.refreshed = False
        self.page_size = int(self.entry.options.get("page_size") or PAGE_SIZE)

    def start_discovery(self) -> Iterable[scrapy.Request]:
        if not (self.civwatch.acled_username and self.civwatch.acled_password):
            logger.warning(
                "ACLED credentials not set (CIVWATCH_ACLED_USERNAME/PASSWORD): "
                "acled_api source %s skipped",
                self.entry.key,
            )
            self.count("not_configured")
            return
        yield self.token_request(
            {
                "username": self.civwatch.acled_username,
                "password": self.civwatch.acled_password,
                "grant_type": "password",
                "client_id": "acled",
            },
            then=None,
        )

    def token_request(self, form: dict[str, str], then: scrapy.Request | None) -> scrapy.Request:
        return FormRequest(
            f"{self.base}/oauth/token",
            formdata=form,
            callback=self.parse_token,
            **self._with_credentials(handle_httpstatus_list=TOKEN_ERRORS, civwatch_then=then),
        )

    def _with_credentials(self, **meta: Any) -> dict[str, Any]:
        """Options of a request that carries credentials (a password, a token).

        Never replayed from the cache, never skipped as already seen.
        """
        return {
            "errback": self.on_error,
            "dont_filter": True,
            "meta": {"civwatch_role": DISCOVERY, **meta, "dont_cache": True},
        }

    def parse_token(self, response: Response) -> Iterable[scrapy.Request]:
        try:
            document = json.loads(response.body) if response.status == 200 else {}
        except ValueError:
            document = {}
        token = document.get("access_token") if isinstance(document, dict) else None
        if not token:
            # Never log the response body: it may echo what was sent.
            self.discovery_failed(f"acled token error (http {response.status})")
            return
        self.access_token = str(token)
        self.refresh_token = document.get("refresh_token") or self.refresh_token
        retry = response.meta.get("civwatch_then")
        if retry is not None:
            yield self.read_request(retry.meta["civwatch_country"], retry.meta["civwatch_page"])
            return
        countries = self.entry.countries or self.civwatch.focus_countries
        for code in countries:
            name = name_of(code)
            if name is None:
                self.count(f"skipped/unknown country {code}")
                continue
            yield self.read_request(name, 1)

    def read_request(self, country: str, page: int) -> scrapy.Request:
        today = dt.datetime.now(dt.UTC).date()
        query = {
            "_format": "json",
            "country": country,
            "event_date": f"{self.since.date().isoformat()}|{today.isoformat()}",
            "event_date_where": "BETWEEN",
            "limit": str(self.page_size),
            "page": str(page),
        }
        return scrapy.Request(
            f"{self.base}/api/acled/read?{urlencode(query)}",
            headers={"Authorization": f"Bearer {self.access_token}"},
            callback=self.parse_read,
            **self._with_credentials(
                civwatch_country=country, civwatch_page=page, handle_httpstatus_list=[401]
            ),
        )

    def parse_read(self, response: Response) -> Iterable[Any]:
        if response.status == 401:
            if self.refreshed or not self.refresh_token:
                self.discovery_failed("acled token error (expired, refresh failed)")
                return
            self.refreshed = True
            yield self.token_request(
                {
                    "refresh_token": self.refresh_token,
                    "grant_type": "refresh_token",
                    "client_id": "acled",
                },
                then=response.request,
            )
            return
        read = self.api_rows(response)
        if read is None:
            return
        document, rows = read
        if document.get("success") is False or not isinstance(rows, list):
            self.discovery_failed("acled api error")
            return
        for row in rows:
            try:
                item = acled_event(row, source_key=self.entry.key)
            except BadRow as exc:
                self.count(f"failed/bad acled row: {exc}".split(" '")[0])
                continue
            self.count("discovered")
            yield item
        page = response.meta["civwatch_page"]
        max_pages = int(self.entry.options.get("max_pages") or DEFAULT_MAX_PAGES)
        if len(rows) >= self.page_size and page < max_pages:
            yield self.read_request(response.meta["civwatch_country"], page + 1)
