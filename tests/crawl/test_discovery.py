"""Feed and sitemap parsing on recorded real documents and hand-made edge cases.

Expected counts and values below were read from the fixture files by hand
(e.g. `grep -c '<item>'`), not from the parser's output.
"""

from __future__ import annotations

import datetime as dt
import gzip

import pytest

from spiders.base import domains_for, host_allowed, parse_since
from spiders.discovery import NotXml, parse_date, parse_discovery
from tests.crawl.crawlkit import fixture

UTC = dt.UTC


def test_rss2_guardian_items_titles_dates_authors() -> None:
    parsed = parse_discovery(fixture("feeds/guardian_us_rss_2018-01.xml"))
    assert parsed.kind == "feed" and not parsed.recovered
    assert len(parsed.links) == 55
    urls = [link.url for link in parsed.links]
    assert (
        "https://www.theguardian.com/us-news/2018/jan/31/"
        "donald-trump-state-of-the-union-address-unity-discord" in urls
    )
    # The channel's own <link> elements are not items.
    assert "https://www.theguardian.com/us" not in urls
    first = parsed.links[0]
    # Lines 18-40 of the file: the first <item>'s pubDate and dc:creator (the
    # earlier pubDate 20:15:15 belongs to the channel).
    assert first.published == dt.datetime(2018, 1, 31, 7, 26, 5, tzinfo=UTC)
    assert first.author == "David Smith in Washington"
    assert all(link.title for link in parsed.links)


def test_rss2_french_feed_with_offsets_and_fragments() -> None:
    parsed = parse_discovery(fixture("feeds/humanite_fr_rss_2019.xml"))
    assert len(parsed.links) == 10
    first = parsed.links[0]
    assert first.url.endswith("-645745#xtor=RSS-1")
    assert first.title is not None and first.title.startswith("Emploi des handicapés")
    # "Sat, 23 Nov 2019 19:07:16 +0100" is the channel date; items carry their own.
    assert parsed.links[0].published is not None
    assert parsed.links[0].published.tzinfo is not None


def test_atom_heise_prefers_published_and_alternate_link() -> None:
    parsed = parse_discovery(fixture("feeds/heise_atom.xml"))
    assert parsed.kind == "feed"
    assert len(parsed.links) == 15
    first = parsed.links[0]
    assert first.url == (
        "http://www.heise.de/developer/meldung/"
        "Java-Anwendungsserver-Red-Hat-gibt-WildFly-10-frei-3088438.html"
        "?wt_mc=rss.developer.beitrag.atom"
    )
    # <published>2016-02-01T17:22:00+01:00</published>, not <updated>.
    assert first.published == dt.datetime(2016, 2, 1, 16, 22, tzinfo=UTC)
    assert first.title == "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei"


def test_un_news_feed() -> None:
    parsed = parse_discovery(fixture("feeds/un_news_region_europe_rss_2022-04.xml"))
    assert len(parsed.links) == 30
    assert parsed.links[0].url == "https://news.un.org/feed/view/en/story/2022/04/1115242"


def test_rss1_rdf_feed() -> None:
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://example.org/"><title>x</title><link>http://example.org/</link></channel>
  <item rdf:about="http://example.org/a1"><title>One</title><link>http://example.org/a1</link>
    <dc:date>2024-02-03T10:00:00Z</dc:date><dc:creator>A. Writer</dc:creator></item>
  <item rdf:about="http://example.org/a2"><title>Two</title></item>
</rdf:RDF>"""
    parsed = parse_discovery(body)
    assert [link.url for link in parsed.links] == ["http://example.org/a1", "http://example.org/a2"]
    assert parsed.links[0].published == dt.datetime(2024, 2, 3, 10, tzinfo=UTC)
    assert parsed.links[0].author == "A. Writer"


def test_rss091_guid_permalink_rules() -> None:
    body = b"""<rss version="0.91"><channel><title>t</title>
      <item><title>a</title><guid>http://example.org/p1</guid></item>
      <item><title>b</title><guid isPermaLink="false">tag:example.org,2024:2</guid></item>
    </channel></rss>"""
    parsed = parse_discovery(body)
    assert [link.url for link in parsed.links] == ["http://example.org/p1"]


def test_google_news_sitemap_titles_and_publication_dates() -> None:
    parsed = parse_discovery(fixture("feeds/nytimes_news_sitemap_excerpt_2020-05.xml"))
    assert parsed.kind == "urlset"
    assert len(parsed.links) == 6
    first = parsed.links[0]
    # The recorded <loc> has a trailing space.
    assert (
        first.url
        == "https://www.nytimes.com/interactive/2020/05/11/magazine/quarantine-insanity.html"
    )
    assert first.published == dt.datetime(2020, 5, 11, 9, 0, 1, tzinfo=UTC)
    assert first.title == (
        "Quarantine Was Driving Me Crazy — So I Decided to Lose My Mind on Purpose"
    )


def test_plain_sitemap_and_gzip() -> None:
    raw = fixture("feeds/sitemaps_org_sitemap.xml")
    for body in (raw, gzip.compress(raw)):
        parsed = parse_discovery(body)
        assert parsed.kind == "urlset"
        assert len(parsed.links) == 84
        assert parsed.links[0].url == "https://www.sitemaps.org/"


def test_sitemap_index() -> None:
    body = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>http://example.org/s1.xml.gz</loc><lastmod>2024-01-02</lastmod></sitemap>
      <sitemap><loc>http://example.org/s2.xml</loc></sitemap></sitemapindex>"""
    parsed = parse_discovery(body)
    assert parsed.kind == "sitemapindex"
    assert [link.url for link in parsed.links] == [
        "http://example.org/s1.xml.gz",
        "http://example.org/s2.xml",
    ]
    assert parsed.links[0].published == dt.datetime(2024, 1, 2, tzinfo=UTC)
    assert parsed.links[1].published is None


def test_malformed_xml_is_recovered_and_flagged() -> None:
    body = b"""<rss><channel><item><title>ok & broken</title><link>http://example.org/1</link>
      </item><item><title>two</title><link>http://example.org/2</link></item>"""
    parsed = parse_discovery(body)
    assert parsed.recovered
    assert "http://example.org/1" in [link.url for link in parsed.links]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\x00\x01\x02 binary",
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        b"\x1f\x8bnot really gzip",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    ],
)
def test_unreadable_documents_raise_not_xml(body: bytes) -> None:
    with pytest.raises(NotXml):
        parse_discovery(body)


def test_parse_date_formats() -> None:
    assert parse_date("Wed, 31 Jan 2018 20:15:15 GMT") == dt.datetime(
        2018, 1, 31, 20, 15, 15, tzinfo=UTC
    )
    assert parse_date("2016-02-01T17:22:00+01:00") == dt.datetime(2016, 2, 1, 16, 22, tzinfo=UTC)
    assert parse_date("2020-05-11T09:00:01Z") == dt.datetime(2020, 5, 11, 9, 0, 1, tzinfo=UTC)
    assert parse_date("2024-01-02") == dt.datetime(2024, 1, 2, tzinfo=UTC)
    assert parse_date("yesterday-ish") is None
    assert parse_date("") is None


def test_domains_for_and_since() -> None:
    assert domains_for("https://api.reliefweb.int/v2/reports") == [
        "api.reliefweb.int",
        "reliefweb.int",
    ]
    assert domains_for("https://www.passblue.com/feed/") == ["www.passblue.com", "passblue.com"]
    assert domains_for("http://127.0.0.1:8080/feed.xml") == ["127.0.0.1"]
    assert parse_since("2024-03-01") == dt.datetime(2024, 3, 1, tzinfo=UTC)
    assert parse_since(None) is None
    with pytest.raises(ValueError):
        parse_since("March")


def test_host_allowed_ignores_ports_and_allows_subdomains() -> None:
    assert host_allowed("http://127.0.0.1:8080/a", ["127.0.0.1"])
    assert host_allowed("https://news.un.org/x", ["un.org"])
    assert not host_allowed("https://evilun.org/x", ["un.org"])
    assert not host_allowed("http://offsite.example.invalid/a", ["127.0.0.1"])
