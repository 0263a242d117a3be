"""Parsing discovery documents: RSS/Atom feeds and XML sitemaps. No I/O here.

Feeds: RSS 0.9x/2.0 (``<item>``), RSS 1.0/RDF (namespaced ``<item>``) and
Atom (``<entry>``). Sitemaps: ``<sitemapindex>`` and ``<urlset>``, including the
Google News extension (``news:publication_date``, ``news:title``) and gzipped
files. The XML parser never resolves entities or reaches the network. A
document that is not well-formed is parsed again in lxml's recover mode; the
result says so, so the source can be flagged without losing what was readable.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import io
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

GZIP_MAGIC = b"\x1f\x8b"
# An RSS/RDF/Atom feed, a sitemap index (of sitemaps) or a sitemap (of pages).
DiscoveryKind = Literal["feed", "sitemapindex", "urlset"]


class NotXml(ValueError):
    """The document cannot be read as XML at all."""


@dataclass
class Link:
    """An article found in a feed or sitemap, with what the document says of it."""

    url: str
    title: str | None = None
    published: dt.datetime | None = None
    author: str | None = None


@dataclass
class Parsed:
    kind: DiscoveryKind
    links: list[Link] = field(default_factory=list)
    recovered: bool = False  # the XML was malformed and read in recover mode


def parse_date(value: str | None) -> dt.datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, sitemaps) as aware UTC; None when unreadable."""
    if not value:
        return None
    text = value.strip()
    if not text:
        return None
    parsed: dt.datetime | None
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is None:
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _root(body: bytes) -> tuple[etree._Element, bool]:
    if body[:2] == GZIP_MAGIC:
        try:
            body = gzip.GzipFile(fileobj=io.BytesIO(body)).read()
        except (OSError, EOFError) as exc:
            raise NotXml(f"bad gzip: {exc}") from exc
    strict = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(body, strict), False
    except etree.XMLSyntaxError:
        pass
    lenient = etree.XMLParser(
        resolve_entities=False, no_network=True, recover=True, huge_tree=False
    )
    try:
        root = etree.fromstring(body, lenient)
    except etree.XMLSyntaxError as exc:
        raise NotXml(str(exc)) from exc
    if root is None:
        raise NotXml("no XML element found")
    return root, True


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _child_text(element: etree._Element, *names: str) -> str | None:
    """The text of the first child named ``names[0]``, else ``names[1]``, …"""
    for name in names:
        for child in element:
            if _local(child) == name and child.text and child.text.strip():
                return child.text.strip()
    return None


def parse_discovery(body: bytes) -> Parsed:
    """Read a feed or sitemap; raises :class:`NotXml` when nothing can be read."""
    root, recovered = _root(body)
    name = _local(root)
    if name == "urlset":
        return Parsed("urlset", _sitemap_links(root), recovered)
    if name == "sitemapindex":
        return Parsed("sitemapindex", _sitemap_links(root), recovered)
    if name in ("rss", "rdf", "feed", "channel"):
        return Parsed("feed", _feed_links(root), recovered)
    raise NotXml(f"unexpected root element <{name}>")


def _feed_links(root: etree._Element) -> list[Link]:
    links: list[Link] = []
    for element in root.iter():
        kind = _local(element)
        if kind not in ("item", "entry"):
            continue
        url = _item_url(element) if kind == "item" else _entry_url(element)
        if not url:
            continue
        links.append(
            Link(
                url=url,
                title=_child_text(element, "title"),
                published=parse_date(
                    _child_text(element, "pubdate", "published", "date", "updated", "issued")
                ),
                author=_author(element),
            )
        )
    return links


def _item_url(item: etree._Element) -> str | None:
    link = _child_text(item, "link")
    if link:
        return link
    # RSS 2.0: a <guid> is the permalink unless isPermaLink="false".
    for child in item:
        if _local(child) == "guid" and child.text and child.get("isPermaLink", "true") != "false":
            return child.text.strip()
    about = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
    return about.strip() if about else None


def _entry_url(entry: etree._Element) -> str | None:
    fallback = None
    for child in entry:
        if _local(child) != "link":
            continue
        href = child.get("href")
        if not href:
            continue
        rel = child.get("rel", "alternate")
        if rel == "alternate":
            return href.strip()
        fallback = fallback or href.strip()
    return fallback


def _author(element: etree._Element) -> str | None:
    for child in element:
        name = _local(child)
        if name == "creator" and child.text and child.text.strip():
            return child.text.strip()
        if name == "author":
            nested = _child_text(child, "name")
            if nested:
                return nested
            if child.text and child.text.strip():
                return child.text.strip()
    return None


def _sitemap_links(root: etree._Element) -> list[Link]:
    links: list[Link] = []
    for element in root:
        if _local(element) not in ("url", "sitemap"):
            continue
        loc = _child_text(element, "loc")
        if not loc:
            continue
        published = parse_date(_child_text(element, "lastmod"))
        title = None
        for child in element:
            if _local(child) == "news":
                published = parse_date(_child_text(child, "publication_date")) or published
                title = _child_text(child, "title")
        links.append(Link(url=loc, title=title, published=published))
    return links
