"""Reference-event repository: ACLED / UCDP rows for "already known?" matching.

Upsert by ``(dataset, external_id)``: importing the same file or crawling the
same ACLED window twice stores nothing twice; a row the dataset revised (ACLED
recodes events) is updated in place. Functions take a ``Session`` and leave
committing to the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import ReferenceEvent

# Columns copied from an item (everything but the key and bookkeeping).
FIELDS = (
    "event_date",
    "event_type",
    "sub_event_type",
    "country",
    "admin1",
    "admin2",
    "location",
    "lat",
    "lon",
    "actor1",
    "actor2",
    "fatalities",
    "fatalities_low",
    "fatalities_high",
    "notes",
    "source",
)
_CHUNK = 400


class ReferenceLike(Protocol):
    """What an upsert needs (``spiders.items.ReferenceEventItem``)."""

    @property  # read-only, so an item whose dataset is a Literal satisfies it
    def dataset(self) -> str: ...

    external_id: str
    event_date: dt.date
    event_type: str | None
    sub_event_type: str | None
    country: str | None
    admin1: str | None
    admin2: str | None
    location: str | None
    lat: float | None
    lon: float | None
    actor1: str | None
    actor2: str | None
    fatalities: int | None
    fatalities_low: int | None
    fatalities_high: int | None
    notes: str | None
    source: str | None


@dataclass
class UpsertResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def upsert_event(session: Session, item: ReferenceLike) -> str:
    """Insert or update one event; returns "added", "updated" or "unchanged"."""
    result = upsert_events(session, [item])
    if result.added:
        return "added"
    return "updated" if result.updated else "unchanged"


def upsert_events(session: Session, items: Iterable[ReferenceLike]) -> UpsertResult:
    """Insert or update events, looked up in chunks (a CSV can hold 100,000 rows)."""
    result = UpsertResult()
    batch: list[ReferenceLike] = []
    for item in items:
        batch.append(item)
        if len(batch) >= _CHUNK:
            _upsert_chunk(session, batch, result)
            batch = []
    if batch:
        _upsert_chunk(session, batch, result)
    return result


def _upsert_chunk(session: Session, items: list[ReferenceLike], result: UpsertResult) -> None:
    by_dataset: dict[str, list[str]] = {}
    for item in items:
        by_dataset.setdefault(item.dataset, []).append(item.external_id)
    existing: dict[tuple[str, str], ReferenceEvent] = {}
    for dataset, ids in by_dataset.items():
        rows = session.scalars(
            select(ReferenceEvent).where(
                ReferenceEvent.dataset == dataset, ReferenceEvent.external_id.in_(ids)
            )
        )
        existing.update({(row.dataset, row.external_id): row for row in rows})
    for item in items:
        key = (item.dataset, item.external_id)
        row = existing.get(key)
        values = {name: getattr(item, name) for name in FIELDS}
        if row is None:
            row = ReferenceEvent(dataset=item.dataset, external_id=item.external_id, **values)
            session.add(row)
            existing[key] = row
            result.added += 1
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            result.updated += 1
        else:
            result.unchanged += 1
    session.flush()
