"""(100) Canonical URLs."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from pipelines.canonical import (
    CanonicalUrlPipeline,
    canonical_url,
    is_tracking_param,
    page_canonical_url,
    same_site,
)
from tests.crawl.recorded_pages import make_item, manifest, page_bytes


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "https://www.example.com/a/b?utm_source=rss&utm_medium=feed&id=7#comments",
            "https://www.example.com/a/b?id=7",
        ),
        ("HTTPS://WWW.Example.COM:443/Path/X", "https://www.example.com/Path/X"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        ("https://ex.fr/a?xtor=RSS-3&at_medium=custom7&at_campaign=x", "https://ex.fr/a"),
        ("https://ex.com/a?fbclid=abc&gclid=def&page=2&q=mali", "https://ex.com/a?page=2&q=mali"),
        ("https://ex.com/a?b=2&a=1", "https://ex.com/a?b=2&a=1"),  # order kept: may matter
        ("https://ex.com/a?empty=&utm_x=1", "https://ex.com/a?empty="),
    ],
)
def test_canonical_url(given: str, expected: str) -> None:
    assert canonical_url(given) == expected


def test_tracking_params_come_from_the_data_file() -> None:
    assert is_tracking_param("UTM_Campaign")
    assert is_tracking_param("at_custom1")
    assert not is_tracking_param("id")
    assert not is_tracking_param("attack")  # "at_*" needs the underscore


def test_page_link_canonical_same_site_wins() -> None:
    body = b'<html><head><link href="/world/story-1" rel="canonical"></head></html>'
    url = "https://www.example.com/amp/story-1?utm_source=x"
    assert page_canonical_url(url, body) == "https://www.example.com/world/story-1"


def test_og_url_when_there_is_no_link() -> None:
    body = b"<head><meta property='og:url' content='https://m.example.com/s/2?ref_src=tw'></head>"
    assert page_canonical_url("https://www.example.com/s/2", body) == "https://m.example.com/s/2"


def test_foreign_canonical_is_ignored() -> None:
    # A syndicated copy points at the wire's site: that is a duplicate, not our URL.
    body = b'<link rel="canonical" href="https://wire.example.org/original">'
    url = "https://paper.example.com/copy?utm_source=x"
    assert page_canonical_url(url, body) == "https://paper.example.com/copy"


def test_same_site_handles_second_level_domains() -> None:
    assert same_site("https://news.bbc.co.uk/x", "https://www.bbc.co.uk/y")
    assert not same_site("https://bbc.co.uk/x", "https://cnn.co.uk/x")


def test_recorded_pages_get_a_clean_same_site_url() -> None:
    pipeline = CanonicalUrlPipeline()
    for page in manifest():
        item = make_item(page["url"], page_bytes(page))
        pipeline.process_item(item)
        assert item.canonical_url is not None
        parts = urlsplit(item.canonical_url)
        assert parts.scheme in ("http", "https"), page["file"]
        assert same_site(item.canonical_url, page["url"]), (page["file"], item.canonical_url)
        assert not parts.fragment
        assert not any(is_tracking_param(k) for k, _ in parse_qsl(parts.query))
