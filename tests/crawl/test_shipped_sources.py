"""Every entry of the shipped sources.yaml builds its spider and a sane first request.

No network: only the spiders' declarations are exercised (allowed domains,
first requests, API payloads), so a typo in sources.yaml or a kind the code
does not handle fails here rather than on a server at night.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import scrapy
from scrapy.crawler import Crawler
from scrapy.statscollectors import MemoryStatsCollector

from settings import DEFAULT_SOURCES, Settings
from spiders.base import SourceSpider, host_allowed
from spiders.crawl import scrapy_settings, user_agent
from spiders.registry import SPIDERS
from spiders.sources import SourceEntry, load_sources

SHIPPED = load_sources(DEFAULT_SOURCES)


def _spider(entry: SourceEntry, settings: Settings) -> SourceSpider:
    crawler = Crawler(SPIDERS[entry.kind], scrapy_settings(settings))
    crawler.stats = MemoryStatsCollector(crawler)  # set by the engine in a real crawl
    spider = SPIDERS[entry.kind].from_crawler(crawler, entry=entry)
    crawler.spider = spider
    return spider


def test_the_shipped_file_is_clean() -> None:
    assert SHIPPED.errors == []
    assert {e.kind for e in SHIPPED.entries} <= set(SPIDERS)


@pytest.mark.parametrize("entry", SHIPPED.entries, ids=lambda e: e.key)
def test_each_entry_yields_an_allowed_first_request(entry: SourceEntry, tmp_path: Path) -> None:
    settings = Settings.from_env(
        {},
        data_dir=tmp_path,
        reliefweb_appname="civwatch-check",
        acled_username="someone@example.invalid",
        acled_password="not-a-real-password",
    )
    spider = _spider(entry, settings)
    requests = list(spider.start_discovery())
    assert len(requests) == 1
    request = requests[0]
    assert isinstance(request, scrapy.Request)
    assert urlsplit(request.url).scheme == "https" or entry.options.get("unverified")
    assert host_allowed(request.url, spider.allowed_domains)
    assert request.errback is not None  # failures are counted, never raised
    if entry.kind == "reliefweb":
        assert parse_qs(urlsplit(request.url).query)["appname"] == ["civwatch-check"]
        payload = json.loads(request.body)
        assert payload["sort"] == ["date.created:desc"]
        iso3 = {
            c["field"]: c["value"] for c in payload["filter"]["conditions"] if "iso3" in c["field"]
        }
        assert iso3 == {
            "country.iso3": [{"ML": "mli", "BF": "bfa", "NE": "ner"}[entry.countries[0]]]
        }
    if entry.kind == "acled_api":
        assert request.url == "https://acleddata.com/oauth/token"
        assert request.method == "POST"
        assert "acleddata.com" in spider.allowed_domains


@pytest.mark.parametrize("kind", ["reliefweb", "acled_api"])
def test_api_sources_without_credentials_yield_nothing(kind: str, tmp_path: Path) -> None:
    entry = next(e for e in SHIPPED.entries if e.kind == kind)
    spider = _spider(entry, Settings.from_env({}, data_dir=tmp_path))
    assert list(spider.start_discovery()) == []
    assert spider.crawler.stats is not None
    assert spider.crawler.stats.get_value("civwatch/not_configured") == 1


def test_user_agent_identifies_us(tmp_path: Path) -> None:
    settings = Settings.from_env({}, data_dir=tmp_path, contact="mailto:ops@example.invalid")
    assert user_agent(settings).startswith("civwatch/")
    assert user_agent(settings).endswith("(+mailto:ops@example.invalid)")
    scrapy = scrapy_settings(settings)
    assert scrapy.getbool("ROBOTSTXT_OBEY")
    assert scrapy.getbool("AUTOTHROTTLE_ENABLED")
    assert scrapy.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 4
    assert scrapy.getint("DOWNLOAD_MAXSIZE") == settings.download_maxsize
    assert scrapy["HTTPCACHE_DIR"] == str(tmp_path / "httpcache")
    # Sources close (and record their run) before the scheduler kills the crawl.
    assert 0 < scrapy.getint("CLOSESPIDER_TIMEOUT") < settings.crawl_timeout
    assert 429 in scrapy.getlist("RETRY_HTTP_CODES") or "429" in scrapy.getlist("RETRY_HTTP_CODES")
    assert scrapy.getint("CIVWATCH_EXTRACT_WORKERS") == 0  # extraction in the crawl process
    pooled = Settings.from_env({"CIVWATCH_EXTRACT_WORKERS": "2"}, data_dir=tmp_path)
    assert scrapy_settings(pooled).getint("CIVWATCH_EXTRACT_WORKERS") == 2
