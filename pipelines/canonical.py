"""Canonical URLs: one address per article, whatever link led to it.

``canonical_url`` is also what the seen-URL middleware compares against, so it
deliberately keeps the URL as published (query order, path case) and removes
only what never names a different page: tracking parameters, fragments, the
default port, upper-case host names. A page's own ``<link rel="canonical">`` or
``og:url`` wins when it points into the same site (a foreign canonical is how
syndicated copies point at the original — that is the duplicate stage's job).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from scrapy.crawler import Crawler

from spiders.items import PageItem

# Enough of the page to see its <head>; canonical links sit there.
HEAD_BYTES = 200_000
_LINK_RE = re.compile(rb"<link\b[^>]*>", re.IGNORECASE)
_META_RE = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_ATTR_RE = re.compile(rb"""([a-zA-Z:_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
# Second-level labels under which registrations happen one level deeper (bbc.co.uk).
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu", "gouv", "or", "ne", "go"}


@lru_cache(maxsize=1)
def _tracking_rules() -> tuple[frozenset[str], tuple[str, ...]]:
    text = resources.files("pipelines").joinpath("data/tracking_params.txt").read_text("utf-8")
    exact: set[str] = set()
    prefixes: list[str] = []
    for line in text.splitlines():
        name = line.strip().lower()
        if not name or name.startswith("#"):
            continue
        if name.endswith("*"):
            prefixes.append(name[:-1])
        else:
            exact.add(name)
    return frozenset(exact), tuple(prefixes)


def is_tracking_param(name: str) -> bool:
    exact, prefixes = _tracking_rules()
    lowered = name.lower()
    return lowered in exact or lowered.startswith(prefixes)


def canonical_url(url: str) -> str:
    """``url`` without tracking parameters, fragment, default port; host lower-cased."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    port = parts.port
    netloc = host
    if port is not None and not (
        (scheme == "http" and port == 80) or (scheme == "https" and port == 443)
    ):
        netloc = f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not is_tracking_param(k)]
        if len(kept) != len(pairs):
            query = urlencode(kept, doseq=True)
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def site_of(host: str) -> str:
    """The registrable part of a host name, approximately (news.bbc.co.uk → bbc.co.uk)."""
    labels = host.lower().rstrip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def same_site(a: str, b: str) -> bool:
    return site_of(urlsplit(a).hostname or "") == site_of(urlsplit(b).hostname or "")


def _attrs(tag: bytes) -> dict[bytes, bytes]:
    return {
        m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or b"").strip()
        for m in _ATTR_RE.finditer(tag)
    }


def declared_canonical(body: bytes) -> str | None:
    """The href of ``<link rel="canonical">``, else the ``og:url`` content, as written."""
    head = body[:HEAD_BYTES]
    for match in _LINK_RE.finditer(head):
        attrs = _attrs(match.group(0))
        if b"canonical" in attrs.get(b"rel", b"").lower().split() and attrs.get(b"href"):
            return attrs[b"href"].decode("utf-8", "replace")
    for match in _META_RE.finditer(head):
        attrs = _attrs(match.group(0))
        if attrs.get(b"property", b"").lower() == b"og:url" and attrs.get(b"content"):
            return attrs[b"content"].decode("utf-8", "replace")
    return None


def page_canonical_url(url: str, body: bytes) -> str:
    """The canonical URL of a fetched page at ``url`` (the final URL after redirects)."""
    declared = declared_canonical(body)
    if declared:
        absolute = urljoin(url, declared.replace("&amp;", "&"))
        if urlsplit(absolute).scheme in ("http", "https") and same_site(absolute, url):
            return canonical_url(absolute)
    return canonical_url(url)


class CanonicalUrlPipeline:
    """(100) Sets ``item.canonical_url``."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CanonicalUrlPipeline:
        return cls()

    def process_item(self, item: object) -> object:
        if isinstance(item, PageItem):
            item.canonical_url = page_canonical_url(item.url, item.body)
        return item
