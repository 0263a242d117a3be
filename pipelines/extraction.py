"""(200) Main text and metadata with trafilatura.

The page bytes are decoded here, not by trusting the first declaration we see:
a body that is valid UTF-8 with non-ASCII bytes is UTF-8 whatever the header
says (legacy 8-bit text is almost never valid UTF-8), otherwise the declared
charset (HTTP header, then ``<meta>``) is used when it decodes, else cp1252.
Pages that are not HTML, are too large, or give no main text are dropped with
a short reason; trafilatura's own failures never escape as exceptions.

Decoding, extraction and the gzip snapshot of a page that will be stored run
together (``extract_page``), in this process or in a process pool
(``CIVWATCH_EXTRACT_WORKERS`` > 0 in the Scrapy settings) so the second core
works while the reactor keeps fetching.
"""

from __future__ import annotations

import asyncio
import codecs
import datetime as dt
import logging
import multiprocessing
import re
import unicodedata
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from trafilatura import bare_extraction
from trafilatura.settings import Document, Extractor

from settings import from_scrapy_settings
from spiders.items import PageItem
from storage.articles import write_snapshot

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
# Content types that may still carry HTML when a server mislabels it.
SNIFF_TYPES = ("", "text/plain", "application/octet-stream", "binary/octet-stream")
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")
_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.+-]+)""", re.IGNORECASE
)
_HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_:.+-]+)", re.IGNORECASE)
_HTML_LANG_RE = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})", re.IGNORECASE)
_HTML_HINT_RE = re.compile(rb"<(?:!doctype\s+html|html|head|body|p|div|article)\b", re.IGNORECASE)
_TAG_RE = re.compile(r"<[a-zA-Z/!][^>]*>")
_BLOCK_END_RE = re.compile(r"</(?:p|div|li|h[1-6]|tr|blockquote|section)\s*>|<br\s*/?>", re.I)
# Fewer characters than this is a teaser or an error page, not an article.
MIN_TEXT_CHARS = 200


class BadEncoding(ValueError):
    """The body cannot be read as text in any plausible encoding."""


@dataclass(frozen=True)
class Extracted:
    """What trafilatura found in one page (picklable: crosses the process pool)."""

    text: str
    title: str | None
    author: str | None
    date: str | None  # YYYY-MM-DD as trafilatura gives it


def build_options(with_metadata: bool = True) -> Extractor:
    """An extraction options object; a process builds each kind once.

    Without metadata the main text is the same (checked on the gold pages) for
    ~40 % less work: used when the feed already gave the title and the date.
    """
    return Extractor(
        output_format="python",
        with_metadata=with_metadata,
        comments=False,
        tables=True,
        dedup=False,
    )


def needs_metadata(item: PageItem) -> bool:
    """Whether trafilatura must find title/author/date (the feed did not give them)."""
    return not (item.hint_title and item.hint_published)


def content_type_of(headers: dict[str, str]) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def looks_like_html(body: bytes, content_type: str) -> bool:
    """HTML by its declared type, or sniffed when the type is missing or generic."""
    if body.lstrip()[:8].startswith(_BINARY_MAGIC):
        return False
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # NUL bytes are normal in UTF-16; judge the decoded start instead.
        body = (
            body[2:4098]
            .decode("utf-16-le" if body[:2] == codecs.BOM_UTF16_LE else "utf-16-be", "replace")
            .encode("utf-8")
        )
    if content_type in HTML_TYPES:
        return b"\x00" not in body[:4096]
    if content_type in SNIFF_TYPES:
        head = body[:4096]
        return b"\x00" not in head and _HTML_HINT_RE.search(head) is not None
    return False


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def declared_encoding(body: bytes, headers: dict[str, str]) -> str | None:
    match = _HEADER_CHARSET_RE.search(headers.get("content-type", ""))
    codec = _codec(match.group(1)) if match else None
    if codec:
        return codec
    meta = _META_CHARSET_RE.search(body[:8192])
    return _codec(meta.group(1).decode("ascii", "replace")) if meta else None


def decode_body(body: bytes, headers: dict[str, str], detected: str | None = None) -> str:
    """The page as text; see the module docstring for the order of evidence."""
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", "replace")
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[2:].decode(name, "replace")
    if not body.isascii():
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            pass
    for candidate in (declared_encoding(body, headers), _codec(detected)):
        # A declared UTF-8 that failed to decode above is wrong; try the others.
        if candidate and candidate != "utf-8":
            try:
                text = body.decode(candidate)
            except (UnicodeDecodeError, LookupError):
                continue
            if candidate.startswith("utf-16") and text.count("\x00") > len(text) // 100:
                continue
            return text
    text = body.decode("cp1252", "replace")
    if text.count("\ufffd") > max(20, len(text) // 50):
        raise BadEncoding("undecodable body")
    return text


def declared_language(body: bytes, headers: dict[str, str]) -> str | None:
    match = _HTML_LANG_RE.search(body[:8192])
    if match:
        return match.group(1).decode("ascii").lower()
    header = headers.get("content-language", "").split(",")[0].strip()[:2].lower()
    return header or None


def clean_text(text: str) -> str:
    """NFC, no control characters, paragraphs separated by one blank line."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def text_from_hint(hint: str) -> str:
    """An API body (plain, Markdown or HTML) as plain text."""
    if _TAG_RE.search(hint):
        hint = _BLOCK_END_RE.sub(lambda m: m.group(0) + "\n", hint)
        try:
            hint = lxml.html.fromstring(hint).text_content()
        except (ValueError, lxml.etree.ParserError):
            hint = _TAG_RE.sub(" ", hint)
    return clean_text(hint)


def extract_html(html: str, url: str, options: Extractor) -> Extracted | None:
    """Main text and metadata of one page, or None when it has none.

    Never raises: a page that breaks the extractor is a page with no main text.
    """
    try:
        doc = bare_extraction(html, url=url, options=options)
    except Exception:  # trafilatura/lxml can fail in many ways on hostile markup
        log.warning("extraction failed on %s", url, exc_info=True)
        return None
    if not isinstance(doc, Document) or not doc.text:
        return None
    text = clean_text(doc.text)
    if len(text) < MIN_TEXT_CHARS:
        return None
    return Extracted(text=text, title=doc.title, author=doc.author, date=doc.date)


def extract_page(
    body: bytes,
    headers: dict[str, str],
    encoding: str | None,
    url: str,
    options: Extractor,
    snapshot_dir: Path | None,
) -> Extracted | str:
    """Decode, extract and keep the page as evidence; the result or a drop reason.

    Everything CPU-heavy of the stage, in one picklable call, so that it can run
    in a worker process. The snapshot is written only for a page that will be
    stored; the store stage finds it by its hash and does not write it again.
    """
    try:
        html = decode_body(body, headers, encoding)
    except BadEncoding:
        return "bad encoding"
    found = extract_html(html, url, options)
    if found is None:
        return "no main text"
    if snapshot_dir is not None:
        write_snapshot(snapshot_dir, body)
    return found


def _extract_in_worker(
    body: bytes,
    headers: dict[str, str],
    encoding: str | None,
    url: str,
    snapshot_dir: Path | None,
    with_metadata: bool,
) -> Extracted | str:
    options = _worker_options(with_metadata)
    return extract_page(body, headers, encoding, url, options, snapshot_dir)


_WORKER_OPTIONS: dict[bool, Extractor] = {}


def _worker_options(with_metadata: bool) -> Extractor:
    # Built once per worker process: options objects are not shared across processes.
    if with_metadata not in _WORKER_OPTIONS:
        _WORKER_OPTIONS[with_metadata] = build_options(with_metadata)
    return _WORKER_OPTIONS[with_metadata]


def parse_date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


class ExtractionPipeline:
    """(200) Fills title, author, text, published_at and the declared language."""

    def __init__(self, max_bytes: int, workers: int = 0, snapshot_dir: Path | None = None) -> None:
        self.max_bytes = max_bytes
        self.workers = workers
        # Where the store keeps page snapshots; written here, next to the CPU work.
        self.snapshot_dir = snapshot_dir
        self.options = {True: build_options(True), False: build_options(False)}
        self.pool: Executor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        settings = from_scrapy_settings(crawler.settings)
        workers = crawler.settings.getint("CIVWATCH_EXTRACT_WORKERS", 0)
        return cls(
            max_bytes=settings.download_maxsize,
            workers=workers,
            snapshot_dir=settings.data_dir / "snapshots",
        )

    def open_spider(self) -> None:
        if self.workers > 0:
            # forkserver: workers start from a clean single-threaded process, not
            # a fork of the reactor with its threads and locks.
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("forkserver")
            )

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def prepare(self, item: PageItem) -> bool:
        """Cheap checks before extraction; False when ``hint_text`` is used instead."""
        if item.hint_text and item.hint_text.strip():
            return False
        if len(item.body) > self.max_bytes:
            raise DropItem("too large")
        if not looks_like_html(item.body, content_type_of(item.headers)):
            raise DropItem("not html")
        return True

    def finish(self, item: PageItem, found: Extracted | str) -> PageItem:
        if isinstance(found, str):
            raise DropItem(found)
        item.text = found.text
        item.title = item.hint_title or found.title
        item.author = item.hint_author or found.author
        item.published_at = item.hint_published or parse_date(found.date)
        item.language = declared_language(item.body, item.headers)
        return item

    def from_hint(self, item: PageItem) -> PageItem:
        text = text_from_hint(item.hint_text or "")
        if len(text) < MIN_TEXT_CHARS // 2:
            raise DropItem("no main text")
        item.text = text
        item.title = item.hint_title
        item.author = item.hint_author
        item.published_at = item.hint_published
        return item

    def extract_item(self, item: PageItem) -> PageItem:
        """The whole stage in this process (what ``process_item`` does without a pool)."""
        if not self.prepare(item):
            return self.from_hint(item)
        found = extract_page(
            item.body,
            item.headers,
            item.encoding,
            item.url,
            self.options[needs_metadata(item)],
            self.snapshot_dir,
        )
        return self.finish(item, found)

    async def process_item(self, item: object) -> object:
        if not isinstance(item, PageItem):
            return item
        if self.pool is None:
            return self.extract_item(item)
        if not self.prepare(item):
            return self.from_hint(item)
        future = self.pool.submit(
            _extract_in_worker,
            item.body,
            item.headers,
            item.encoding,
            item.url,
            self.snapshot_dir,
            needs_metadata(item),
        )
        return self.finish(item, await asyncio.wrap_future(future))
