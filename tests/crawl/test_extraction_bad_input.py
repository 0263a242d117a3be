"""The extraction stage on broken, hostile or unusual input: a named outcome, never a crash."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem

from pipelines.extraction import ExtractionPipeline, decode_body, needs_metadata
from spiders.items import PageItem
from tests.crawl.recorded_pages import entry, fixture_item, make_item, page_bytes

FRENCH = "fundus_fr_LeFigaro_2024_11_22"
MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|â€")


@pytest.fixture
def pipeline() -> ExtractionPipeline:
    return ExtractionPipeline(max_bytes=10 * 1024 * 1024)


def drop_reason(pipeline: ExtractionPipeline, item: PageItem) -> str:
    with pytest.raises(DropItem) as caught:
        pipeline.extract_item(item)
    return str(caught.value)


def reference_text(pipeline: ExtractionPipeline) -> str:
    text = pipeline.extract_item(fixture_item(FRENCH)).text
    assert text and "échouer" in text  # the page's own wording, accents intact
    return text


def test_utf8_page_served_with_a_wrong_latin1_header(pipeline: ExtractionPipeline) -> None:
    page = entry(FRENCH)
    item = make_item(page["url"], page_bytes(page), "text/html; charset=ISO-8859-1")
    item.encoding = "cp1252"  # what Scrapy would have believed from the header
    text = pipeline.extract_item(item).text or ""
    assert text == reference_text(pipeline)
    assert not MOJIBAKE.search(text)


def test_cp1252_page_declared_utf8(pipeline: ExtractionPipeline) -> None:
    page = entry(FRENCH)
    html = page_bytes(page).decode("utf-8")
    legacy = html.encode("cp1252", errors="xmlcharrefreplace")
    item = make_item(page["url"], legacy, "text/html; charset=utf-8")
    text = pipeline.extract_item(item).text or ""
    assert "échouer" in text
    assert "\ufffd" not in text and not MOJIBAKE.search(text)


def test_cp1252_page_with_no_charset_anywhere(pipeline: ExtractionPipeline) -> None:
    page = entry(FRENCH)
    html = re.sub(r"<meta[^>]*charset[^>]*>", "", page_bytes(page).decode("utf-8"), flags=re.I)
    item = make_item(page["url"], html.encode("cp1252", errors="xmlcharrefreplace"), "text/html")
    assert "échouer" in (pipeline.extract_item(item).text or "")


def test_utf16_page_with_bom(pipeline: ExtractionPipeline) -> None:
    page = entry(FRENCH)
    body = page_bytes(page).decode("utf-8").encode("utf-16")  # BOM + UTF-16
    item = make_item(page["url"], body, "text/html")
    assert "échouer" in (pipeline.extract_item(item).text or "")


def test_decode_body_order_of_evidence() -> None:
    # Checked by hand: "é" is C3 A9 in UTF-8 and E9 in latin-1/cp1252.
    assert decode_body(b"caf\xc3\xa9", {"content-type": "text/html; charset=latin-1"}) == "café"
    assert decode_body(b"caf\xe9", {"content-type": "text/html; charset=utf-8"}) == "café"
    assert decode_body(b"caf\xe9", {}) == "café"
    assert decode_body(b'<meta charset="koi8-r">\xc4\xc1', {}).endswith("да")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text/html"),  # an image that lies
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", None),  # a zip, no type at all
        (json.dumps({"error": "not found"}).encode(), "application/json"),
        (bytes(range(256)) * 64, "text/html"),  # binary noise with NUL bytes
        (b"Just some words, no markup at all.", "text/plain"),
    ],
)
def test_non_html_is_dropped_as_not_html(
    pipeline: ExtractionPipeline, body: bytes, content_type: str | None
) -> None:
    item = make_item("http://127.0.0.1/file", body, content_type)
    assert drop_reason(pipeline, item) == "not html"


def test_undecodable_bytes_are_dropped_as_bad_encoding(pipeline: ExtractionPipeline) -> None:
    # 0x81 and 0x8D are unassigned in cp1252 and invalid as UTF-8 lead bytes.
    body = b"<html><body><p>" + b"\x81\x8d" * 3000 + b"</p></body></html>"
    item = make_item("http://127.0.0.1/garbled", body, "text/html")
    assert drop_reason(pipeline, item) == "bad encoding"


def test_snapshot_written_with_the_extraction_only_for_kept_pages(tmp_path: Path) -> None:
    pipeline = ExtractionPipeline(max_bytes=10 * 1024 * 1024, snapshot_dir=tmp_path)
    item = pipeline.extract_item(fixture_item(FRENCH))
    digest = hashlib.sha256(item.body).hexdigest()
    written = tmp_path / digest[:2] / f"{digest}.html.gz"
    assert gzip.decompress(written.read_bytes()) == item.body
    with pytest.raises(DropItem):
        pipeline.extract_item(make_item("http://127.0.0.1/e", b"<html><body></body></html>"))
    assert [p.name for p in tmp_path.rglob("*.gz")] == [written.name]


def test_html_sniffed_when_the_server_says_octet_stream(pipeline: ExtractionPipeline) -> None:
    page = entry(FRENCH)
    item = make_item(page["url"], page_bytes(page), "application/octet-stream")
    assert "échouer" in (pipeline.extract_item(item).text or "")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html><head><title>Error</title></head><body></body></html>",
        b"<html><body><h1>503 Service Unavailable</h1><p>Try again later.</p></body></html>",
        b"<html><body><nav><a href='/'>Home</a><a href='/a'>About</a></nav></body></html>",
    ],
)
def test_page_without_main_text_is_dropped(pipeline: ExtractionPipeline, body: bytes) -> None:
    item = make_item("http://127.0.0.1/empty", body, "text/html")
    assert drop_reason(pipeline, item) == "no main text"


def test_a_20_mb_page_is_dropped_as_too_large(pipeline: ExtractionPipeline) -> None:
    filler = b"<p>" + b"word " * 200 + b"</p>\n"
    body = b"<html><body>" + filler * (20 * 1024 * 1024 // len(filler) + 1) + b"</body></html>"
    assert len(body) > 20 * 1024 * 1024
    item = make_item("http://127.0.0.1/huge", body, "text/html")
    assert drop_reason(pipeline, item) == "too large"


def test_truncated_and_malformed_markup_still_extracts(pipeline: ExtractionPipeline) -> None:
    page = entry(FRENCH)
    html = page_bytes(page)
    start = html.find(b"<article")
    assert start > 0
    broken = html[: start + (len(html) - start) // 2] + b"<div <p class=>\x00</scr"
    item = make_item(page["url"], broken, "text/html")
    result = pipeline.extract_item(item)
    assert result.text and "échouer" in result.text


def test_api_body_text_is_used_instead_of_the_html(pipeline: ExtractionPipeline) -> None:
    published = dt.datetime(2024, 3, 4, 10, 0, tzinfo=dt.UTC)
    hint = (
        "<p>Invented report body for the test: the humanitarian situation in the region "
        "was described by the agency in its weekly update.</p><p>Access to several districts "
        "remained difficult because of insecurity on the main roads, the update said.</p>"
    )
    item = make_item(
        "http://127.0.0.1/report/1",
        b'{"data": []}',
        "application/json",
        hint_text=hint,
        hint_title="Weekly update",
        hint_published=published,
    )
    result = pipeline.extract_item(item)
    assert result.title == "Weekly update"
    assert result.published_at == published
    assert result.text and result.text.startswith("Invented report body")
    assert "<p>" not in result.text
    assert "\n" in result.text  # paragraphs kept apart


def test_feed_metadata_wins_over_the_page_guess(pipeline: ExtractionPipeline) -> None:
    item = fixture_item(FRENCH)
    item.hint_published = dt.datetime(2024, 11, 22, 6, 22, tzinfo=dt.UTC)
    item.hint_title = "Title from the feed"
    result = pipeline.extract_item(item)
    assert result.published_at == item.hint_published
    assert result.title == "Title from the feed"


def test_feed_title_and_date_skip_metadata_extraction_with_the_same_text(
    pipeline: ExtractionPipeline,
) -> None:
    hinted = fixture_item(FRENCH)
    hinted.hint_title = "Title from the feed"
    hinted.hint_published = dt.datetime(2024, 11, 22, 6, 22, tzinfo=dt.UTC)
    hinted.hint_author = "Feed Author"
    assert not needs_metadata(hinted)
    result = pipeline.extract_item(hinted)
    assert result.text == reference_text(pipeline)
    assert (result.title, result.author) == ("Title from the feed", "Feed Author")
    assert needs_metadata(fixture_item(FRENCH))


def test_page_metadata_when_the_feed_gave_none(pipeline: ExtractionPipeline) -> None:
    result = pipeline.extract_item(fixture_item(FRENCH))
    gold = entry(FRENCH)["gold"]
    assert result.title == gold["title"]
    assert result.published_at is not None
    assert result.published_at.date().isoformat() == gold["publishing_date"][:10]
    assert result.author == gold["authors"][0]
    assert result.language == "fr"  # <html lang> as a first guess; stage 300 checks it


def test_process_pool_gives_the_same_result(pipeline: ExtractionPipeline, tmp_path: Path) -> None:
    pooled = ExtractionPipeline(max_bytes=10 * 1024 * 1024, workers=1, snapshot_dir=tmp_path)
    pooled.open_spider()
    try:
        result = asyncio.run(pooled.process_item(fixture_item(FRENCH)))
        with pytest.raises(DropItem, match="not html"):
            asyncio.run(pooled.process_item(make_item("http://127.0.0.1/x", b"%PDF-1.4", None)))
    finally:
        pooled.close_spider()
    assert isinstance(result, PageItem)
    assert result.text == reference_text(pipeline)
    assert len(list(tmp_path.rglob("*.html.gz"))) == 1  # the worker kept the page


def test_items_that_are_not_pages_pass_through(pipeline: ExtractionPipeline) -> None:
    other = {"kind": "not a page"}
    assert asyncio.run(pipeline.process_item(other)) is other
