"""The content of one digest as plain dataclasses, with no database objects inside.

``digest.build`` fills them from the database; ``digest.render`` and
``digest.pictures`` turn them into HTML, text, Markdown, JSON and PNG.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from digest.profiles import Profile
from incidents.eventgroups import EventTotals

# the statuses whose incidents a digest lists and counts
LISTED_STATUSES = ("candidate", "confirmed")
# What an audit row changed, as the digest shows it; "merged_from" and "split" are
# the rows merge and split write on the other incident.
ChangeKind = Literal["figures", "sources", "status", "edit", "merged_from", "split"]


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, and the local day the digest is named after."""

    start: dt.datetime
    end: dt.datetime
    day: dt.date
    timezone: str


@dataclass
class SourceLink:
    url: str
    title: str | None
    source: str | None


@dataclass
class Actor:
    name: str
    actor_type: str | None


@dataclass
class Figure:
    """One kind of figure of an incident and how far its claims disagree."""

    kind: str
    min: int | None
    max: int | None
    claims_low: int | None
    claims_high: int | None
    n_claims: int
    n_sources: int
    claimants: list[str]


@dataclass
class IncidentEntry:
    id: int
    url: str
    status: str
    event_date: dt.date | None
    event_date_end: dt.date | None
    date_precision: str
    place: str | None
    country: str | None
    admin1: str | None
    admin2: str | None
    lat: float | None
    lon: float | None
    place_precision: str
    perpetrators: list[Actor]
    targets: list[Actor]
    figures: list[Figure]
    victims: list[str]
    civilians_killed: int | None
    aggregate: bool
    confidence: float
    match_label: str | None
    match_dataset: str | None
    evidence: str | None
    sources: list[SourceLink]
    created_at: dt.datetime
    # one event, several records (one per victim side): the event's records and totals
    event: EventTotals | None = None

    def figure(self, kind: str) -> Figure | None:
        return next((f for f in self.figures if f.kind == kind), None)

    def best(self, kind: str) -> int | None:
        """The lowest credible figure of ``kind`` (its min, else its max)."""
        f = self.figure(kind)
        if f is None:
            return None
        return f.min if f.min is not None else f.max

    @property
    def severity(self) -> tuple[int, int, float]:
        killed = self.best("killed") or 0
        hurt = (self.best("injured") or 0) + (self.best("abducted") or 0)
        return (killed, hurt, self.confidence)


@dataclass
class PlaceGroup:
    country: str | None
    admin1: str | None
    incidents: list[IncidentEntry]

    @property
    def killed(self) -> int:
        return sum(i.best("killed") or 0 for i in self.incidents)


@dataclass
class ChangeItem:
    """One audit row, reduced to what a monitor reads."""

    kind: ChangeKind
    action: str
    at: dt.datetime
    by: str | None  # username; None for the pipeline
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)  # (name, old, new)
    note: str | None = None
    sources: list[SourceLink] = field(default_factory=list)
    merged_into: int | None = None
    related: int | None = None  # the other incident of a merge or split


@dataclass
class ChangeEntry:
    incident: IncidentEntry
    items: list[ChangeItem]


@dataclass
class Totals:
    new_incidents: int = 0
    # of the new incidents, those no reviewer confirmed: their figures are machine totals
    unverified: int = 0
    killed: int = 0
    injured: int = 0
    abducted: int = 0
    aggregates: int = 0
    changed_incidents: int = 0
    confirmed: int = 0
    rejected: int = 0
    merged: int = 0
    revised: int = 0


@dataclass
class TrendDay:
    day: dt.date
    incidents: int
    killed: int


@dataclass
class SourceWarning:
    key: str
    name: str
    health: str
    reason: str | None
    consecutive_failures: int
    zero_article_runs: int
    last_success_at: dt.datetime | None


@dataclass
class DigestContent:
    """Everything one digest shows; no database objects inside."""

    profile: Profile
    period: Period
    generated_at: dt.datetime
    base_url: str
    groups: list[PlaceGroup]
    aggregates: list[IncidentEntry]
    changes: list[ChangeEntry]
    totals: Totals
    trend: list[TrendDay]
    warnings: list[SourceWarning]

    @property
    def incidents(self) -> list[IncidentEntry]:
        """The new incidents in display order (aggregates last)."""
        return [i for g in self.groups for i in g.incidents] + self.aggregates

    @property
    def incident_ids(self) -> list[int]:
        return [i.id for i in self.incidents]

    @property
    def is_empty(self) -> bool:
        """Nothing new and nothing changed (warnings alone do not count)."""
        return not self.incidents and not self.changes
