"""(400) Exact and near duplicates: the same story under several URLs.

Exact copies share the sha256 of their normalised text. Near copies —
syndicated wire stories with another outlet's standfirst or sign-off — are
found with MinHash over word shingles and an LSH index (datasketch). A
duplicate is still stored (its URL is a source of the story), with
``duplicate_of`` pointing at the first stored original and status "duplicate".

The index holds originals only; it is warmed at open from the signatures
stored in the last ``WARM_DAYS`` days, and new originals are added as they
pass. Their article id is known only after the store stage, so new entries are
keyed by canonical URL and resolved to an id when they match.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zlib

import numpy as np
from datasketch import MinHash, MinHashLSH
from scrapy.crawler import Crawler
from sqlalchemy import select

from nlp.textnorm import fold_accents
from settings import from_scrapy_settings
from spiders.items import PageItem
from storage import Database
from storage.articles import find_by_hash, recent_signatures
from storage.models import Article

NUM_PERM = 128
# Stored signatures are only comparable under the same hashing scheme and seed.
SCHEME = "affine32"
SEED = 1
# CRC-32 of each shingle: stable across processes (stored signatures must stay
# comparable) and ten times cheaper than datasketch's default SHA-1.
HASHFUNC = zlib.crc32
THRESHOLD = 0.8
SHINGLE = 5
# Texts shorter than this (in shingles) are too short for a near-duplicate
# verdict: two short notices share most of their words by chance.
MIN_SHINGLES = 30
WARM_DAYS = 30
_WORD_RE = re.compile(r"\w+", re.UNICODE)


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form used for hashing."""
    return " ".join(_WORD_RE.findall(fold_accents(text.casefold())))


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def shingles(normalised: str, size: int = SHINGLE) -> set[bytes]:
    words = normalised.split()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def signature(normalised: str) -> MinHash | None:
    """MinHash of the text's word shingles, or None when the text is too short."""
    grams = shingles(normalised)
    if len(grams) < MIN_SHINGLES:
        return None
    mh = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=HASHFUNC)
    mh.update_batch(list(grams))
    return mh


def to_bytes(mh: MinHash) -> bytes:
    return np.asarray(mh.hashvalues, dtype="<u4").tobytes()


def from_bytes(raw: bytes) -> MinHash | None:
    values = np.frombuffer(raw, dtype="<u4")
    if len(values) != NUM_PERM:
        return None  # stored with other parameters; not comparable
    return MinHash(
        num_perm=NUM_PERM,
        seed=SEED,
        scheme=SCHEME,
        hashfunc=HASHFUNC,
        hashvalues=values.astype(np.uint32),
    )


class NearDuplicateIndex:
    """An LSH index of originals keyed by ``id:<article id>`` or ``url:<canonical url>``."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.signatures: dict[str, MinHash] = {}

    def add(self, key: str, mh: MinHash) -> None:
        if key not in self.signatures:
            self.lsh.insert(key, mh)
            self.signatures[key] = mh

    def remove(self, key: str) -> None:
        if self.signatures.pop(key, None) is not None:
            self.lsh.remove(key)

    def matches(self, mh: MinHash) -> list[tuple[float, str]]:
        """(estimated Jaccard, key) of indexed texts at or above the threshold, best first."""
        found = []
        for key in self.lsh.query(mh):
            score = mh.jaccard(self.signatures[key])
            if score >= self.threshold:
                found.append((score, key))
        return sorted(found, reverse=True)

    def __len__(self) -> int:
        return len(self.signatures)


class DuplicatePipeline:
    """(400) Sets content_hash, near_dup_signature and, for copies, duplicate_of."""

    def __init__(self, db_url: str, warm_days: int = WARM_DAYS, *, migrate: bool = True) -> None:
        self.db_url = db_url
        self.migrate = migrate
        self.warm_days = warm_days
        self.db: Database | None = None
        self.index = NearDuplicateIndex()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DuplicatePipeline:
        # `civwatch crawl` migrates once before the crawl and says so.
        migrate = crawler.settings.getbool("CIVWATCH_MIGRATE", True)
        return cls(from_scrapy_settings(crawler.settings).db_url, migrate=migrate)

    def open_spider(self) -> None:
        self.db = Database.open(self.db_url, migrate=self.migrate)
        since = dt.datetime.now(dt.UTC) - dt.timedelta(days=self.warm_days)
        with self.db.sessions.begin() as session:
            for article_id, raw in recent_signatures(session, since):
                mh = from_bytes(raw)
                if mh is not None:
                    self.index.add(f"id:{article_id}", mh)

    def close_spider(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def _resolve(self, key: str) -> int | None:
        """The article id behind an index key; None when that page was never stored."""
        kind, _, value = key.partition(":")
        if kind == "id":
            return int(value)
        assert self.db is not None
        with self.db.sessions.begin() as session:
            found = session.scalar(select(Article.id).where(Article.canonical_url == value))
        if found is None:
            self.index.remove(key)
        else:
            # Re-key so later matches need no look-up.
            mh = self.index.signatures[key]
            self.index.remove(key)
            self.index.add(f"id:{found}", mh)
        return found

    def process_item(self, item: object) -> object:
        if not isinstance(item, PageItem) or not item.text:
            return item
        assert self.db is not None, "open_spider was not called"
        normalised = normalise(f"{item.text}")
        item.content_hash = hashlib.sha256(normalised.encode("utf-8")).hexdigest()
        with self.db.sessions() as session:
            exact = find_by_hash(session, item.content_hash)
        if exact is not None:
            return self._mark(item, exact, "exact copy")
        mh = signature(normalised)
        if mh is None:
            return item
        item.near_dup_signature = to_bytes(mh)
        for score, key in self.index.matches(mh):
            original = self._resolve(key)
            if original is not None:
                return self._mark(item, original, f"near copy ({score:.2f})")
        self.index.add(f"url:{item.canonical_url or item.url}", mh)
        return item

    @staticmethod
    def _mark(item: PageItem, original: int, how: str) -> PageItem:
        item.duplicate_of = original
        item.status = "duplicate"
        item.status_reason = f"{how} of article {original}"
        return item
