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

The page is parsed once. Trafilatura's own extractor runs first without its
fallbacks (``fast``); only when that gives little text, or text that is not
made of paragraphs, is the full comparison with readability and jusText run —
the cases where the fallbacks change the result. On the 44 recorded gold pages
the fast text equals the full run's on 40; three of the other four gave under
550 characters and get the full run, the fourth keeps 56 more characters.
With the metadata below, about a quarter less work than trafilatura's full run
with its own metadata.
Metadata is the part of trafilatura's that we use — title, author from
``<meta>`` and JSON-LD, and the date (htmldate) — read from the same tree, and
skipped altogether when the feed gave the title and the date.
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
from typing import Any

import lxml.html
from htmldate import find_date
from lxml.html import HtmlElement
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from trafilatura import bare_extraction
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title
from trafilatura.settings import Document, Extractor, set_date_params
from trafilatura.utils import load_html

from crawling import gctuning
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
# A fast extraction at least this long, made of paragraphs, is kept; a shorter
# one gets trafilatura's full comparison with its fallbacks. On the gold pages
# every fast result that the fallbacks changed was under 550 characters.
TRUST_FAST_CHARS = 1000


class BadEncoding(ValueError):
    """The body cannot be read as text in any plausible encoding."""


@dataclass(frozen=True)
class Extracted:
    """What trafilatura found in one page (picklable: crosses the process pool)."""

    text: str
    title: str | None
    author: str | None
    date: str | None  # YYYY-MM-DD as trafilatura gives it


@dataclass(frozen=True)
class Options:
    """trafilatura's settings for the fast and the full run; built once per process."""

    fast: Extractor
    full: Extractor
    date_params: dict[str, Any]


def build_options() -> Options:
    def extractor(fast: bool) -> Extractor:
        return Extractor(
            output_format="python", fast=fast, comments=False, tables=True, dedup=False
        )

    return Options(fast=extractor(True), full=extractor(False), date_params=set_date_params())


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
    # Judge each distinct character once, not every character of the text.
    control = [
        ord(ch) for ch in set(text) if ch not in "\n\t" and unicodedata.category(ch)[0] == "C"
    ]
    if control:
        text = text.translate(dict.fromkeys(control))
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


@dataclass(frozen=True)
class Metadata:
    title: str | None
    author: str | None
    date: str | None


def page_metadata(tree: HtmlElement, url: str, date_params: dict[str, Any]) -> Metadata:
    """Title, author and date as trafilatura's ``extract_metadata`` finds them.

    Only the parts we store: ``<meta>`` tags, then JSON-LD, then the title from
    the headings; the date from htmldate. Trafilatura's guess of an author from
    the page body (a copy of the whole tree per page, and on the gold pages as
    often a wrong phrase as a name) and its categories, tags, licence and site
    name are left out.
    """
    found = examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # a user name or a site name, as trafilatura judges
    try:
        found = extract_meta_json(tree, found)
    except Exception:  # trafilatura's JSON-LD reader fails on odd markup
        log.debug("JSON-LD metadata unreadable on %s", url, exc_info=True)
    if not found.title:
        found.title = extract_title(tree)
    try:
        found.date = find_date(tree, **{**date_params, "url": found.url or url})
    except Exception:  # htmldate on hostile markup
        log.debug("no date on %s", url, exc_info=True)
    found.clean_and_trim()
    return Metadata(title=found.title, author=found.author, date=found.date)


def _trusted(doc: Document, text: str) -> bool:
    """A fast result the fallbacks would not change: long, and made of paragraphs."""
    if len(text) < TRUST_FAST_CHARS or doc.body is None:
        return False
    paragraphs = doc.body.findall(".//p")
    return bool(paragraphs) and len(doc.body.findall(".//table")) <= len(paragraphs)


def _main_text(tree: HtmlElement, url: str, options: Extractor) -> tuple[Document, str] | None:
    # bare_extraction works on its own copy of a tree it is given.
    doc = bare_extraction(tree, url=url, options=options)
    if not isinstance(doc, Document) or not doc.text:
        return None
    return doc, clean_text(doc.text)


def extract_html(
    html: str, url: str, options: Options, *, with_metadata: bool = True
) -> Extracted | None:
    """Main text (and, when asked, metadata) of one page, or None when it has none.

    Never raises: a page that breaks the extractor is a page with no main text.
    """
    try:
        tree = load_html(html)
        if tree is None:
            return None
        meta = page_metadata(tree, url, options.date_params) if with_metadata else None
        found = _main_text(tree, url, options.fast)
        if found is None or not _trusted(*found):
            found = _main_text(tree, url, options.full) or found
    except Exception:  # trafilatura/lxml can fail in many ways on hostile markup
        log.warning("extraction failed on %s", url, exc_info=True)
        return None
    if found is None or len(found[1]) < MIN_TEXT_CHARS:
        return None
    return Extracted(
        text=found[1],
        title=meta.title if meta else None,
        author=meta.author if meta else None,
        date=meta.date if meta else None,
    )


def extract_page(
    body: bytes,
    headers: dict[str, str],
    encoding: str | None,
    url: str,
    options: Options,
    snapshot_dir: Path | None,
    *,
    with_metadata: bool = True,
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
    found = extract_html(html, url, options, with_metadata=with_metadata)
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
    if _WORKER_OPTIONS is None:
        _init_worker()
    assert _WORKER_OPTIONS is not None
    return extract_page(
        body, headers, encoding, url, _WORKER_OPTIONS, snapshot_dir, with_metadata=with_metadata
    )


_WORKER_OPTIONS: Options | None = None


def _init_worker() -> None:
    """Set up an extraction process: options built once, the collector tuned.

    As in the crawl process (crawling/gctuning.py): what is loaded now is
    frozen out of the collector's sight and young collections run less often.
    """
    global _WORKER_OPTIONS
    _WORKER_OPTIONS = build_options()
    gctuning.tune()


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
        self.options = build_options()
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
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("forkserver"),
                initializer=_init_worker,
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
            self.options,
            self.snapshot_dir,
            with_metadata=needs_metadata(item),
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
