"""One event, several records: the totals of an event's records.

Merging keeps one record per victim side (civilians, soldiers, attackers,
peacekeepers) and links the records of one event by ``Incident.event_group``
(``incidents/merge.py``). The review UI, the digest and the exports show an
event's records together with the total and per-side figures computed here:
sums of the records' ranges, over the records that count (a rejected or
merged-away record does not).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Incident

SIDE_OF = {
    "civilians": "civilians",
    "women": "civilians",
    "children": "civilians",
    "soldiers": "soldiers",
    "militants": "attackers",
    "peacekeepers": "peacekeepers",
}
NOT_COUNTED = ("merged", "rejected")

Range = tuple[int | None, int | None]


def side_of(victims: Iterable[str]) -> str:
    """The victim side of one record ("unknown" when not one known side)."""
    sides = {SIDE_OF.get(v, "unknown") for v in victims}
    return sides.pop() if len(sides) == 1 else "unknown"


def total(ranges: Iterable[tuple[int | None, int | None]]) -> Range:
    """The sum of {min, max} ranges: an unknown minimum counts 0, an open or unknown
    maximum leaves the total open; (None, None) when no range is known."""
    items = list(ranges)
    if not items or all(lo is None and hi is None for lo, hi in items):
        return None, None
    low = sum(lo or 0 for lo, _ in items)
    highs = [hi for _, hi in items]
    return low, None if any(h is None for h in highs) else sum(h for h in highs if h is not None)


@dataclass(frozen=True)
class EventRecord:
    """One record of an event (a plain copy: digests serialise it)."""

    id: int
    status: str
    victims: list[str]
    side: str
    killed_min: int | None
    killed_max: int | None
    injured_min: int | None
    injured_max: int | None

    @classmethod
    def of(cls, r: Incident) -> EventRecord:
        victims = list(r.victims or ())
        return cls(
            r.id, r.status, victims, side_of(victims),
            r.killed_min, r.killed_max, r.injured_min, r.injured_max,
        )  # fmt: skip


@dataclass
class EventTotals:
    """The records of one event and their total and per-side figures."""

    group: int
    records: list[EventRecord]
    killed: Range = (None, None)
    injured: Range = (None, None)
    sides: dict[str, Range] = field(default_factory=dict)

    @property
    def record_ids(self) -> list[int]:
        return [r.id for r in self.records]

    @property
    def open_records(self) -> list[EventRecord]:
        """Records a reviewer can still confirm."""
        return [r for r in self.records if r.status in ("candidate", "rejected")]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (the exports' ``event``)."""
        return {
            "group": self.group,
            "records": self.record_ids,
            "killed": {"min": self.killed[0], "max": self.killed[1]},
            "injured": {"min": self.injured[0], "max": self.injured[1]},
            "killed_by_side": {
                k: {"min": v[0], "max": v[1]} for k, v in sorted(self.sides.items())
            },
        }


def summarise(group: int, records: Sequence[Incident]) -> EventTotals:
    """The totals of one event's records."""
    totals = EventTotals(group, [EventRecord.of(r) for r in sorted(records, key=lambda r: r.id)])
    counted = [r for r in totals.records if r.status not in NOT_COUNTED]
    totals.killed = total((r.killed_min, r.killed_max) for r in counted)
    totals.injured = total((r.injured_min, r.injured_max) for r in counted)
    for side in sorted({r.side for r in counted}):
        totals.sides[side] = total((r.killed_min, r.killed_max) for r in counted if r.side == side)
    return totals


def events_of(session: Session, incidents: Iterable[Incident]) -> dict[int, EventTotals]:
    """The events (two or more records) that ``incidents`` belong to, by group id;
    one query."""
    groups = {i.event_group for i in incidents if i.event_group is not None}
    if not groups:
        return {}
    members: dict[int, list[Incident]] = {}
    for r in session.scalars(select(Incident).where(Incident.event_group.in_(groups))):
        if r.event_group is not None:
            members.setdefault(r.event_group, []).append(r)
    return {g: summarise(g, rs) for g, rs in members.items() if len(rs) > 1}
