"""The sources loader: good entries load, each bad one is reported with line and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from settings import DEFAULT_SOURCES
from spiders.sources import SourcesFileError, load_sources, parse_sources

GOOD = """\
sources:
  - key: passblue
    name: PassBlue
    kind: feed
    url: https://www.passblue.com/feed/
    lang: en
    countries: [ML]
  - key: local_listing
    name: A listing
    kind: listing
    url: http://127.0.0.1:8000/news/
    link_pattern: /news/\\d+
    max_pages: 3
    enabled: false
"""


def test_good_file_loads_every_field() -> None:
    result = parse_sources(GOOD)
    assert result.errors == []
    first, second = result.entries
    assert (first.key, first.kind, first.lang, first.countries) == (
        "passblue",
        "feed",
        "en",
        ("ML",),
    )
    assert first.enabled is True and first.line == 2
    assert second.enabled is False
    assert second.options == {"link_pattern": r"/news/\d+", "max_pages": 3}
    assert second.line == 8


BAD = """\
sources:
  - key: ok_one
    kind: feed
    url: https://example.org/feed
  - key: weird
    kind: carrier_pigeon
    url: https://example.org/
  - key: nourl
    kind: feed
  - key: ok_one
    kind: sitemap
    url: https://example.org/sitemap.xml
  - key: Bad-Key
    kind: feed
    url: https://example.org/feed2
  - key: ftp_one
    kind: feed
    url: ftp://example.org/feed
  - key: typo
    kind: listing
    url: https://example.org/list
    link_patern: /x
  - key: countries_bad
    kind: feed
    url: https://example.org/f3
    countries: [Mali]
  - key: flag_bad
    kind: feed
    url: https://example.org/f4
    enabled: "yes"
"""


def test_bad_entries_are_reported_with_line_and_reason() -> None:
    result = parse_sources(BAD)
    assert [e.key for e in result.entries] == ["ok_one"]
    messages = [str(e) for e in result.errors]
    assert messages == [
        "line 5 (weird): unknown kind 'carrier_pigeon' (expected one of feed, sitemap, listing, "
        "un_news, reliefweb, acled_api, acled_pages)",
        "line 8 (nourl): missing 'url'",
        "line 10 (ok_one): duplicate key, first used at line 2",
        "line 13 (Bad-Key): key 'Bad-Key' must match [a-z0-9_]+",
        "line 16 (ftp_one): url 'ftp://example.org/feed' is not an http(s) address",
        "line 19 (typo): unknown field 'link_patern'",
        "line 23 (countries_bad): countries must be a list of ISO alpha-2 codes such as [ML, BF]",
        "line 27 (flag_bad): enabled must be true or false, not 'yes'",
    ]


def test_listing_needs_a_link_pattern() -> None:
    result = parse_sources("sources:\n  - {key: l, kind: listing, url: 'https://x.org/'}\n")
    assert [str(e) for e in result.errors] == ["line 2 (l): a listing source needs link_pattern"]


def test_bad_regex_is_reported() -> None:
    text = "sources:\n  - {key: l, kind: listing, url: 'https://x.org/', link_pattern: '('}\n"
    (error,) = parse_sources(text).errors
    assert "link_pattern is not a valid regular expression" in error.reason


def test_malformed_yaml_is_refused_whole_with_its_line() -> None:
    with pytest.raises(SourcesFileError, match=r"not valid YAML at line 4"):
        parse_sources("sources:\n  - key: a\n    kind: [feed\n    url: x\n")


@pytest.mark.parametrize("text", ["", "just a string", "sources: {a: 1}", "- key: a"])
def test_file_without_a_sources_list_is_refused(text: str) -> None:
    with pytest.raises(SourcesFileError, match="expected a top-level 'sources:' list"):
        parse_sources(text)


def test_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourcesFileError, match="cannot read sources file"):
        load_sources(tmp_path / "missing.yaml")
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SourcesFileError, match="cannot read sources file"):
        load_sources(binary)


def test_shipped_default_sources_file_is_valid() -> None:
    result = load_sources(DEFAULT_SOURCES)
    assert result.errors == []
    kinds = {e.kind for e in result.entries}
    # The default watch covers every kind of source the crawler knows.
    assert kinds == {
        "feed",
        "sitemap",
        "listing",
        "un_news",
        "reliefweb",
        "acled_api",
        "acled_pages",
    }
    langs = {e.lang for e in result.entries}
    assert {"en", "fr"} <= langs
    assert all(set(e.countries) <= {"ML", "BF", "NE", "TD", "MR", "SN"} for e in result.entries)
