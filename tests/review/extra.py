"""Data the reviewer-workbench tests add on top of ``seed``: a headline restating
its lead's figure, an approximate figure, a claim whose victims came out as "de",
a quarterly period total and a stored page snapshot. Texts written for these tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from storage.articles import write_snapshot
from storage.models import Article, Claim, Incident
from tests.factory import Rows

HEADLINE_TEXT = (
    "At least 20 dead in an attack in Ménaka. At least 20 people were killed on Monday "
    "when armed men attacked a market in Ménaka, local sources said."
)
FR_TEXT = (
    "L'attaque a fait une trentaine de morts à Boni, selon des sources locales. "
    "Le village avait déjà été visé en janvier."
)
SNAPSHOT_HTML = (
    b"<html><head><title>Boni</title></head><body><script>document.title='pwned'</script>"
    b"<h1>L'attaque de Boni</h1></body></html>"
)


@dataclass
class Extra:
    boni: int
    menaka_market: int
    quarterly: int
    article_headline: int
    article_boni: int
    headline_claims: tuple[int, int]
    approx_claim: int


def add_extra(session: Session, data_dir: Path) -> Extra:
    rows = Rows(session)
    src = rows.source("sahel_fr", "Sahel (FR)", "http://127.0.0.1/s", lang="fr")
    published = dt.datetime(2024, 5, 14, 8, 0, tzinfo=dt.UTC)
    snap = write_snapshot(data_dir / "snapshots", SNAPSHOT_HTML)

    def article(n: int, text: str, lang: str, **kw: object) -> Article:
        return rows.article(
            f"http://127.0.0.1/s/{n}.html",
            source=src,
            title=f"article {n}",
            text=text,
            language=lang,
            published_at=published,
            status="processed",
            **kw,
        )

    a_head = article(1, HEADLINE_TEXT, "en")
    a_boni = article(
        2, FR_TEXT, "fr", snapshot_sha256=snap.sha256, snapshot_path=snap.relpath, http_status=200
    )

    def incident(**kw: object) -> Incident:
        values: dict[str, object] = {
            "status": "candidate",
            "date_precision": "day",
            "place_precision": "point",
            "country": "ML",
            "locked_fields": [],
            "victims": [],
        }
        return rows.incident(**{**values, **kw})

    menaka_market = incident(
        event_date=dt.date(2024, 5, 13), place_name="Ménaka", lat=15.92, lon=2.4,
        killed_min=20, confidence=0.5,
    )  # fmt: skip
    boni = incident(
        event_date=dt.date(2024, 5, 12), place_name="Boni", lat=15.05, lon=-1.9,
        killed_min=30, killed_max=30, confidence=0.5,
    )  # fmt: skip
    # a UN quarterly total: the biggest figure of all, and not one event
    quarterly = incident(
        event_date=dt.date(2024, 1, 1), event_date_end=dt.date(2024, 3, 31), date_precision="month",
        place_name="Mopti", place_precision="admin1", killed_min=248, killed_max=248,
        civilians_killed=248, aggregate=True, confidence=0.9,
    )  # fmt: skip

    def claim(
        inc: Incident, art: Article, quote: str, lo: int, hi: int | None = None, **kw: object
    ) -> Claim:
        return rows.quoted_claim(inc, art, "killed", quote, lo, hi, published_at=published, **kw)

    head = claim(
        menaka_market, a_head, "At least 20 dead", 20, qualifier="At least",
        victims_text="", victim_category="unknown",
    )  # fmt: skip
    lead = claim(
        menaka_market, a_head, "At least 20 people were killed", 20, qualifier="At least",
        victims_text="people", victim_category="civilians",
    )  # fmt: skip
    approx = claim(
        boni, a_boni, "une trentaine de morts", 30, 30, qualifier="une trentaine",
        victims_text="de", victim_category="unknown", claimant="sources locales",
    )  # fmt: skip
    return Extra(
        boni=boni.id,
        menaka_market=menaka_market.id,
        quarterly=quarterly.id,
        article_headline=a_head.id,
        article_boni=a_boni.id,
        headline_claims=(head.id, lead.id),
        approx_claim=approx.id,
    )
