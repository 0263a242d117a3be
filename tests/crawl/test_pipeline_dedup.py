"""(400) Exact and near duplicates (SQLite; the cross-run warm-up also on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.canonical import CanonicalUrlPipeline
from pipelines.dedup import DuplicatePipeline, content_hash, normalise, signature
from pipelines.extraction import ExtractionPipeline
from pipelines.store import StorePipeline
from spiders.items import PageItem
from storage import Database
from tests.crawl.recorded_pages import entry, extracted, make_item, manifest, page_bytes

WIRE = "scrapinghub_aljazeera.com_7916ecca96"


class Chain:
    """Duplicates (400) then store (600) against one database, like a crawl run."""

    def __init__(self, url: str, snapshots: Path) -> None:
        self.dedup = DuplicatePipeline(url)
        self.store = StorePipeline(url, snapshots)
        self.dedup.open_spider()
        self.store.open_spider()

    def run(self, item: PageItem) -> PageItem:
        self.dedup.process_item(item)
        self.store.process_item(item)
        return item

    def close(self) -> None:
        self.dedup.close_spider()
        self.store.close_spider()


def url_of(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


@pytest.fixture
def db_url(sqlite_db: Database) -> str:
    # PostgreSQL creation costs ~2 s a test; the warm-up test below runs on both.
    return url_of(sqlite_db)


@pytest.fixture
def chain(db_url: str, tmp_path: Path) -> Iterator[Chain]:
    c = Chain(db_url, tmp_path / "snapshots")
    yield c
    c.close()


def copy_of(item: PageItem, url: str, text: str | None = None) -> PageItem:
    return make_item(url, item.body, text=text or item.text, canonical_url=url, title=item.title)


def test_normalised_hash_ignores_case_accents_punctuation_spacing() -> None:
    assert normalise("Trois  civils TUÉS, dimanche.") == "trois civils tues dimanche"
    assert content_hash("Trois civils tués.\n\nDimanche") == content_hash(
        "trois civils TUES dimanche"
    )
    assert content_hash("Trois civils tués") != content_hash("Quatre civils tués")


def test_exact_copy_on_another_site_points_at_the_original(chain: Chain) -> None:
    original = chain.run(extracted(entry(WIRE)))
    assert original.status == "new" and original.duplicate_of is None
    stored_id = chain.dedup._resolve(f"url:{original.canonical_url}")
    copy = copy_of(original, "https://other.example.com/copy", text=(original.text or "").upper())
    chain.run(copy)
    assert copy.status == "duplicate"
    assert copy.duplicate_of == stored_id
    assert copy.status_reason == f"exact copy of article {stored_id}"


def test_same_article_in_a_different_page_wrapper_is_a_duplicate(chain: Chain) -> None:
    page = entry(WIRE)
    html = page_bytes(page).decode("utf-8")
    # Another outlet's chrome: different header, navigation and footer around the story.
    rewrapped = re.sub(
        r"<body[^>]*>",
        '<body><header><nav><a href="/">Other Daily</a> <a href="/africa">Africa</a> '
        '<a href="/sport">Sport</a></nav></header>',
        html,
        count=1,
    ).replace("</body>", "<footer>© Other Daily, all rights reserved.</footer></body>")
    first = chain.run(extracted(page))
    second = make_item("https://other.example.com/story", rewrapped.encode())
    CanonicalUrlPipeline().process_item(second)
    ExtractionPipeline(10**7).extract_item(second)
    chain.run(second)
    assert second.status == "duplicate", second.status_reason
    assert first.status == "new"


def test_near_copy_with_standfirst_and_signoff(chain: Chain) -> None:
    original = chain.run(extracted(entry(WIRE)))
    text = (
        "OTHER DAILY — Our correspondent adds context for readers of this edition.\n"
        + (original.text or "")
        + "\nAdditional reporting by the Other Daily newsroom. Follow us for updates."
    )
    copy = chain.run(copy_of(original, "https://other.example.com/near", text=text))
    assert copy.status == "duplicate"
    assert copy.status_reason is not None and copy.status_reason.startswith("near copy (")
    assert copy.content_hash != original.content_hash


def test_different_articles_are_not_duplicates(chain: Chain) -> None:
    for page in manifest()[:12]:
        item = chain.run(extracted(page))
        assert item.status != "duplicate", (page["file"], item.status_reason)
        assert item.near_dup_signature is not None


def test_the_index_is_warmed_from_the_database_on_the_next_run(db_url: str, tmp_path: Path) -> None:
    first_run = Chain(db_url, tmp_path / "s")
    recent = extracted(entry(WIRE))
    recent.fetched_at = dt.datetime.now(dt.UTC)  # the warm-up reads recent articles
    original = first_run.run(recent)
    first_run.close()
    second_run = Chain(db_url, tmp_path / "s")
    try:
        assert len(second_run.dedup.index) == 1
        text = "Editor's note: republished with permission.\n" + (original.text or "")
        copy = second_run.run(copy_of(original, "https://other.example.com/later", text=text))
    finally:
        second_run.close()
    assert copy.status == "duplicate"
    assert copy.duplicate_of is not None


def test_a_match_on_a_page_that_was_never_stored_is_not_a_duplicate(chain: Chain) -> None:
    ghost = extracted(entry(WIRE))
    chain.dedup.process_item(ghost)  # indexed, but the store never saw it
    copy = chain.run(copy_of(ghost, "https://other.example.com/real"))
    assert copy.status == "new"
    assert copy.duplicate_of is None


def test_short_texts_get_no_near_duplicate_signature() -> None:
    assert signature(normalise("Three people were hurt in a minor road accident.")) is None
