"""Building articles and analysis results for the incidents tests.

The analysis dicts follow the ``analyze`` contract of DESIGN.md; they stand for
what the NLP returned, so the storage and merging logic can be tested on
inputs whose right answer is known by construction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from storage import Database, workqueue
from tests.factory import Rows

# Two real towns of Mopti region, 66 km apart (as in the shipped GeoNames extract).
BANDIAGARA = {
    "name": "Bandiagara",
    "country": "ML",
    "admin1": "Mopti",
    "admin2": "Bandiagara",
    "lat": 14.35005,
    "lon": -3.61038,
    "geonames_id": 2460489,
    "precision": "point",
}
KORO = {
    "name": "Koro",
    "country": "ML",
    "admin1": "Mopti",
    "admin2": "Koro",
    "lat": 14.064,
    "lon": -3.07539,
    "geonames_id": 2454674,
    "precision": "point",
}


def add_article(
    db: Database,
    text: str,
    *,
    url: str,
    published: dt.date | None = None,
    status: str = "new",
    duplicate_of: int | None = None,
    language: str = "en",
) -> int:
    published_at = dt.datetime.combine(published, dt.time(12), tzinfo=dt.UTC) if published else None
    with db.sessions.begin() as s:
        article = Rows(s).article(
            url,
            text=text,
            language=language,
            status=status,
            duplicate_of=duplicate_of,
            published_at=published_at,
        )
        return article.id


def lease(db: Database, owner: str, version: str, *, reprocess: bool = False) -> list[int]:
    with db.sessions.begin() as s:
        return workqueue.claim_batch(s, owner, 1000, version, reprocess=reprocess)


def incident(
    text: str,
    phrase: str,
    *,
    killed: tuple[int | None, int | None] = (None, None),
    injured: tuple[int | None, int | None] = (None, None),
    location: dict[str, Any] | None = None,
    date: str | None = None,
    perpetrators: list[str] | None = None,
    victims: list[str] | None = None,
    aggregate: bool = False,
    claimant: str | None = None,
    date_end: str | None = None,
) -> dict[str, Any]:
    """One analyze incident whose evidence is ``phrase`` (must occur in ``text``)."""
    start = text.index(phrase)
    end = start + len(phrase)
    claims = []
    for kind, (lo, hi) in (("killed", killed), ("injured", injured)):
        if lo is not None or hi is not None:
            claims.append(
                {
                    "kind": kind,
                    "min": lo,
                    "max": hi,
                    "claimant": claimant,
                    "victim_category": victims[0] if victims else None,
                    "start": start,
                    "end": end,
                }
            )
    return {
        "killed": {"min": killed[0], "max": killed[1]},
        "injured": {"min": injured[0], "max": injured[1]},
        "abducted": {"min": None, "max": None},
        "victims": victims or [],
        "location": location
        or {"name": None, "country": None, "admin1": None, "lat": None, "lon": None},
        "perpetrators": perpetrators or [],
        "targets": [],
        "event_date": date,
        "event_date_end": date_end,
        "aggregate": aggregate,
        "confidence": 0.8,
        "evidence": [{"text": phrase, "start": start, "end": end}],
        "claims": claims,
    }
