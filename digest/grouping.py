"""New incidents grouped by place, most severe first, an event's records side by side."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from digest.content import IncidentEntry, PlaceGroup
from digest.profiles import fold


def group_by_place(entries: Iterable[IncidentEntry]) -> list[PlaceGroup]:
    buckets: dict[tuple[str | None, str | None], list[IncidentEntry]] = defaultdict(list)
    for e in entries:
        buckets[(e.country, e.admin1)].append(e)
    groups = [
        PlaceGroup(
            country,
            admin1,
            _records_together(sorted(items, key=lambda e: e.severity, reverse=True)),
        )
        for (country, admin1), items in buckets.items()
    ]
    # most severe place first; unknown places last; then by name for a stable order
    groups.sort(
        key=lambda g: (
            g.country is None,
            -g.killed,
            -len(g.incidents),
            g.country or "",
            fold(g.admin1 or "~"),
        )
    )
    return groups


def _records_together(entries: list[IncidentEntry]) -> list[IncidentEntry]:
    """The records of one event (one per side) next to each other, where the first
    of them would be."""
    out: list[IncidentEntry] = []
    placed: set[int] = set()
    for e in entries:
        if e.id in placed:
            continue
        siblings = [e]
        if e.event is not None:
            ids = set(e.event.record_ids)
            siblings += [o for o in entries if o.id in ids and o.id != e.id]
        for s in siblings:
            placed.add(s.id)
            out.append(s)
    return out
