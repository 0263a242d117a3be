"""The content of one digest: what is new and what changed for a profile and period.

Everything is read straight from the ORM models in a handful of bulk queries
(one per table, not one per incident), so a digest of thousands of incidents
builds in seconds. The result is plain dataclasses with no database attached;
``digest.render`` turns them into HTML, text, Markdown and JSON.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from digest.profiles import Profile, fold
from incidents.eventgroups import EventTotals, events_of
from incidents.ledger import spread
from settings import Settings
from storage import audit
from storage.models import (
    CLAIM_KINDS,
    Article,
    Claim,
    Digest,
    EvidenceMention,
    Incident,
    IncidentActor,
    ReferenceEvent,
    Review,
    Source,
    User,
)
from storage.sourcehealth import UNHEALTHY, source_health

LISTED_STATUSES = ("candidate", "confirmed")
FIGURE_FIELDS = (
    *(f"{k}_{b}" for k in CLAIM_KINDS for b in ("min", "max")),
    "civilians_killed",
)
PLACE_DATE_FIELDS = (
    "place_name",
    "country",
    "admin1",
    "admin2",
    "event_date",
    "event_date_end",
    "date_precision",
)
FIGURE_ACTIONS = (audit.PIPELINE_UPDATE, audit.CLAIM_ADD, audit.EDIT)
STATUS_ACTIONS = (audit.CONFIRM, audit.REJECT, audit.MERGE, audit.REOPEN, audit.SPLIT)
CHANGE_ACTIONS = (*FIGURE_ACTIONS, *STATUS_ACTIONS, audit.PIPELINE_NEW_EVIDENCE)
TREND_DAYS = 30
EVIDENCE_CHARS = 400
CHUNK = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's limits

T = TypeVar("T")


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

    kind: str  # figures | sources | status | edit
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


# --------------------------------------------------------------------------- period


def resolve_period(
    session: Session,
    profile: Profile,
    settings: Settings,
    *,
    day: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Period:
    """The period a digest covers.

    ``day`` given: that whole local day. Otherwise the period ends at the most
    recent ``profile.send_at`` (local time) and starts where the last sent or
    built digest of the profile ended (a failed one does not count, so its
    incidents come again in the next digest), or 24 hours earlier for the first
    digest. Running again before the next ``send_at`` gives the same period,
    which is what makes a digest go out once.
    """
    zone = ZoneInfo(settings.timezone)
    if day is not None:
        start_local = dt.datetime.combine(day, dt.time(0), zone)
        end_local = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone)
        return Period(
            start_local.astimezone(dt.UTC), end_local.astimezone(dt.UTC), day, settings.timezone
        )
    now = now or dt.datetime.now(dt.UTC)
    local_now = now.astimezone(zone)
    hour, minute = profile.send_time()
    end_local = dt.datetime.combine(local_now.date(), dt.time(hour, minute), zone)
    if end_local > local_now:
        end_local = dt.datetime.combine(
            local_now.date() - dt.timedelta(days=1), dt.time(hour, minute), zone
        )
    end = end_local.astimezone(dt.UTC)
    same = session.scalar(
        select(Digest.period_start)
        .where(Digest.profile == profile.name, Digest.period_end == end)
        .order_by(Digest.id.desc())
        .limit(1)
    )
    if same is not None:
        start = same
    else:
        # A digest covers its period only up to when it was made: a `--date`
        # digest of the current day sent at 10:00 says nothing of the afternoon.
        covered = [
            min(period_end, sent_at or created_at)
            for period_end, sent_at, created_at in session.execute(
                select(Digest.period_end, Digest.sent_at, Digest.created_at).where(
                    Digest.profile == profile.name,
                    Digest.status.in_(("sent", "built")),
                    Digest.period_start < end,
                )
            )
        ]
        last_end = max((c for c in covered if c < end), default=None)
        start = last_end if last_end is not None else end - dt.timedelta(hours=24)
    return Period(start, end, end_local.date(), settings.timezone)


# --------------------------------------------------------------------------- build


def build_digest(
    session: Session,
    settings: Settings,
    profile: Profile,
    period: Period,
    *,
    now: dt.datetime | None = None,
) -> DigestContent:
    """Collect the new incidents, changes, totals, trend and source warnings."""
    base_url = settings.base_url.rstrip("/")
    loader = _Loader(session, base_url)

    query = select(Incident).where(
        Incident.created_at >= period.start,
        Incident.created_at < period.end,
        Incident.status.in_(LISTED_STATUSES),
    )
    if profile.countries:
        query = query.where(Incident.country.in_(profile.countries))
    new_rows = [
        row
        for row in session.scalars(query.order_by(Incident.id))
        if profile.place_matches(row.country, row.admin1)
    ]
    new_entries = loader.entries(new_rows)
    event_of = {r.id: r.event_group for r in new_rows}
    event_totals = events_of(session, new_rows)
    for entry in new_entries:
        entry.event = event_totals.get(event_of.get(entry.id) or 0)
    new_entries = [
        e
        for e in new_entries
        if e.aggregate
        or profile.thresholds_met(
            e.best("killed"),
            e.civilians_killed,
            {a.actor_type for a in e.perpetrators + e.targets if a.actor_type},
        )
    ]
    events = [e for e in new_entries if not e.aggregate]
    aggregates = sorted(
        (e for e in new_entries if e.aggregate), key=lambda e: e.severity, reverse=True
    )
    groups = _group(events)

    changes = _changes(session, loader, profile, period, {e.id for e in new_entries})
    totals = Totals(
        new_incidents=len(events),
        unverified=sum(1 for e in events if e.status != "confirmed"),
        killed=sum(e.best("killed") or 0 for e in events),
        injured=sum(e.best("injured") or 0 for e in events),
        abducted=sum(e.best("abducted") or 0 for e in events),
        aggregates=len(aggregates),
        changed_incidents=len(changes),
        confirmed=_count_items(changes, audit.CONFIRM),
        rejected=_count_items(changes, audit.REJECT),
        merged=_count_items(changes, audit.MERGE),
        revised=sum(
            1
            for c in changes
            if any(
                i.kind == "figures" or (i.kind in ("merged_from", "split") and i.fields)
                for i in c.items
            )
        ),
    )
    return DigestContent(
        profile=profile,
        period=period,
        generated_at=now or dt.datetime.now(dt.UTC),
        base_url=base_url,
        groups=groups,
        aggregates=aggregates,
        changes=changes,
        totals=totals,
        trend=_trend(session, profile, period),
        warnings=source_warnings(session),
    )


def _count_items(changes: Sequence[ChangeEntry], action: str) -> int:
    return sum(1 for c in changes for i in c.items if i.action == action and i.kind == "status")


def _group(entries: Iterable[IncidentEntry]) -> list[PlaceGroup]:
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


def _chunks(items: Sequence[T]) -> Iterable[Sequence[T]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


class _Loader:
    """Bulk loading of everything an incident entry shows."""

    def __init__(self, session: Session, base_url: str) -> None:
        self.session = session
        self.base_url = base_url

    def _children(self, ids: Sequence[int]) -> dict[int, list[int]]:
        """incident id -> itself plus the incidents merged into it (transitively)."""
        family = {i: [i] for i in ids}
        owner = {i: i for i in ids}
        frontier = list(ids)
        while frontier:
            found: list[tuple[int, int]] = []
            for chunk in _chunks(frontier):
                found.extend(
                    (row.id, row.merged_into)
                    for row in self.session.execute(
                        select(Incident.id, Incident.merged_into).where(
                            Incident.merged_into.in_(chunk), Incident.status == "merged"
                        )
                    )
                )
            frontier = []
            for child, parent in found:
                if child in owner or parent is None:
                    continue
                owner[child] = owner[parent]
                family[owner[parent]].append(child)
                frontier.append(child)
        return family

    def entries(self, rows: Sequence[Incident]) -> list[IncidentEntry]:
        if not rows:
            return []
        family = self._children([r.id for r in rows])
        owner = {member: top for top, members in family.items() for member in members}
        all_ids = sorted(owner)

        claims: dict[int, list[Claim]] = defaultdict(list)
        actors: dict[int, list[IncidentActor]] = defaultdict(list)
        evidence: dict[int, list[tuple[EvidenceMention, int]]] = defaultdict(list)
        article_ids: dict[int, list[int]] = defaultdict(list)
        for chunk in _chunks(all_ids):
            for claim in self.session.scalars(
                select(Claim)
                .where(Claim.incident_id.in_(chunk), Claim.superseded.is_(False))
                .order_by(Claim.id)
            ):
                claims[owner[claim.incident_id]].append(claim)
                if claim.article_id is not None:
                    article_ids[owner[claim.incident_id]].append(claim.article_id)
            for actor in self.session.scalars(
                select(IncidentActor)
                .where(IncidentActor.incident_id.in_(chunk))
                .order_by(IncidentActor.id)
            ):
                actors[owner[actor.incident_id]].append(actor)
            for mention in self.session.scalars(
                select(EvidenceMention)
                .where(EvidenceMention.incident_id.in_(chunk))
                .order_by(EvidenceMention.id)
            ):
                # the incident's own sentences before those of merged-in reports
                rank = 0 if mention.incident_id == owner[mention.incident_id] else 1
                evidence[owner[mention.incident_id]].append((mention, rank))
                article_ids[owner[mention.incident_id]].append(mention.article_id)
        links = self.links({a for ids in article_ids.values() for a in ids})
        datasets = self._datasets({r.match_ref_id for r in rows if r.match_ref_id is not None})

        entries = []
        for row in rows:
            own_claims = claims.get(row.id, [])
            figures = []
            for kind in CLAIM_KINDS:
                lo, hi = getattr(row, f"{kind}_min"), getattr(row, f"{kind}_max")
                s = spread(own_claims, kind)
                if lo is None and hi is None and s.n_claims == 0:
                    continue
                figures.append(
                    Figure(kind, lo, hi, s.lowest, s.highest, s.n_claims, s.n_sources, s.claimants)
                )
            mentions = sorted(evidence.get(row.id, []), key=lambda m: (m[1], m[0].id))
            sentence = mentions[0][0].sentence.strip() if mentions else None
            if sentence and len(sentence) > EVIDENCE_CHARS:
                sentence = sentence[: EVIDENCE_CHARS - 1].rstrip() + "…"
            seen: list[int] = []
            for a in article_ids.get(row.id, []):
                if a not in seen:
                    seen.append(a)
            entries.append(
                IncidentEntry(
                    id=row.id,
                    url=f"{self.base_url}/incidents/{row.id}",
                    status=row.status,
                    event_date=row.event_date,
                    event_date_end=row.event_date_end,
                    date_precision=row.date_precision,
                    place=row.place_name,
                    country=row.country,
                    admin1=row.admin1,
                    admin2=row.admin2,
                    lat=row.lat,
                    lon=row.lon,
                    place_precision=row.place_precision,
                    perpetrators=_actors(actors.get(row.id, []), "perpetrator"),
                    targets=_actors(actors.get(row.id, []), "target"),
                    figures=figures,
                    victims=list(row.victims or []),
                    civilians_killed=row.civilians_killed,
                    aggregate=row.aggregate,
                    confidence=row.confidence,
                    match_label=row.match_label,
                    match_dataset=datasets.get(row.match_ref_id) if row.match_ref_id else None,
                    evidence=sentence,
                    sources=[links[a] for a in seen if a in links],
                    created_at=row.created_at,
                )
            )
        return entries

    def links(self, article_ids: Iterable[int]) -> dict[int, SourceLink]:
        ids = sorted(article_ids)
        out: dict[int, SourceLink] = {}
        for chunk in _chunks(ids):
            for art_id, url, title, source in self.session.execute(
                select(Article.id, Article.url, Article.title, Source.name)
                .outerjoin(Source, Source.id == Article.source_id)
                .where(Article.id.in_(chunk))
            ):
                out[art_id] = SourceLink(url=url, title=title, source=source)
        return out

    def _datasets(self, ref_ids: set[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for chunk in _chunks(sorted(ref_ids)):
            for ref_id, dataset in self.session.execute(
                select(ReferenceEvent.id, ReferenceEvent.dataset).where(
                    ReferenceEvent.id.in_(chunk)
                )
            ):
                out[ref_id] = dataset
        return out


def _actors(rows: Sequence[IncidentActor], role: str) -> list[Actor]:
    out: list[Actor] = []
    for r in rows:
        if r.role == role and all(a.name != r.actor for a in out):
            out.append(Actor(r.actor, r.actor_type))
    return out


# --------------------------------------------------------------------------- changes


def _changes(
    session: Session,
    loader: _Loader,
    profile: Profile,
    period: Period,
    exclude: set[int],
) -> list[ChangeEntry]:
    """Audit rows of the period, per incident, for incidents not listed as new."""
    rows = [
        r
        for r in session.scalars(
            select(Review)
            .where(
                Review.created_at >= period.start,
                Review.created_at < period.end,
                Review.action.in_(CHANGE_ACTIONS),
                Review.incident_id.is_not(None),
            )
            .order_by(Review.created_at, Review.id)
        )
        if r.incident_id not in exclude
    ]
    if not rows:
        return []
    incident_ids = sorted({r.incident_id for r in rows if r.incident_id is not None})
    incidents: dict[int, Incident] = {}
    for chunk in _chunks(incident_ids):
        for inc in session.scalars(select(Incident).where(Incident.id.in_(chunk))):
            if profile.place_matches(inc.country, inc.admin1):
                incidents[inc.id] = inc
    users = {
        uid: name
        for uid, name in session.execute(
            select(User.id, User.username).where(
                User.id.in_({r.user_id for r in rows if r.user_id is not None} or {-1})
            )
        )
    }
    new_article_ids = {a for r in rows for a in _article_ids(r.after)}
    links = loader.links(new_article_ids)

    items: dict[int, list[ChangeItem]] = defaultdict(list)
    for r in rows:
        if r.incident_id not in incidents:
            continue
        item = _change_item(r, users.get(r.user_id) if r.user_id else None, links)
        if item is not None:
            items[r.incident_id].append(item)
    entries_by_id = {e.id: e for e in loader.entries([incidents[i] for i in items])}
    changes = [ChangeEntry(entries_by_id[i], its) for i, its in items.items()]
    changes.sort(key=lambda c: c.items[0].at)
    return changes


def _article_ids(after: dict[str, Any]) -> list[int]:
    out: list[int] = []
    for key in ("article_id", "article_ids"):
        value = after.get(key)
        values = value if isinstance(value, list) else [value]
        out.extend(v for v in values if isinstance(v, int) and not isinstance(v, bool))
    return out


def _change_item(row: Review, user: str | None, links: dict[int, SourceLink]) -> ChangeItem | None:
    before, after = row.before or {}, row.after or {}

    def item(kind: str, **extra: Any) -> ChangeItem:
        return ChangeItem(kind, row.action, row.created_at, user, note=row.note, **extra)

    figures = [
        (name, before.get(name), after.get(name))
        for name in FIGURE_FIELDS
        if name in after and before.get(name) != after.get(name)
    ]
    # merge and split write a second row on the other incident: "B absorbed A",
    # "N was split out of A" — with the figures that moved because of it
    if row.action == audit.MERGE and _int(after.get("merged_from")) is not None:
        return item("merged_from", fields=figures, related=_int(after.get("merged_from")))
    if row.action == audit.SPLIT:
        other = _int(after.get("new_incident_id"))
        return item("split", fields=figures, related=other)
    if row.action in STATUS_ACTIONS:
        merged = after.get("merged_into") if row.action == audit.MERGE else None
        status = (
            [("status", before.get("status"), after.get("status"))]
            if "status" in before or "status" in after
            else []
        )
        return item(
            "status", fields=status, merged_into=merged if isinstance(merged, int) else None
        )
    if row.action == audit.PIPELINE_NEW_EVIDENCE:
        sources = [links[a] for a in _article_ids(after) if a in links]
        url = after.get("url")
        if isinstance(url, str) and not any(s.url == url for s in sources):
            title = after.get("title")
            sources.append(SourceLink(url, title if isinstance(title, str) else None, None))
        return item("sources", sources=sources)
    changed = [
        (name, before.get(name), after.get(name))
        for name in sorted(set(before) | set(after), key=_field_order)
        if before.get(name) != after.get(name)
    ]
    if any(name in FIGURE_FIELDS for name, _, _ in changed):
        return item("figures", fields=[c for c in changed if c[0] in FIGURE_FIELDS])
    if row.action == audit.EDIT and changed:
        return item("edit", fields=changed)
    # the pipeline re-placing or re-dating an incident matters; its confidence does not
    moved = [c for c in changed if c[0] in PLACE_DATE_FIELDS]
    if row.action == audit.PIPELINE_UPDATE and moved:
        return item("edit", fields=moved)
    return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _field_order(name: str) -> tuple[int, str]:
    return (FIGURE_FIELDS.index(name) if name in FIGURE_FIELDS else len(FIGURE_FIELDS), name)


# --------------------------------------------------------------------------- trend, health


def _trend(session: Session, profile: Profile, period: Period) -> list[TrendDay]:
    """Incidents and people killed per day over the 30 days ending with the period.

    Events are counted on their event date (their report date when the date is
    unknown); aggregates, rejected and merged incidents are left out so nothing
    is counted twice.
    """
    zone = ZoneInfo(period.timezone)
    last = (period.end - dt.timedelta(microseconds=1)).astimezone(zone).date()
    first = last - dt.timedelta(days=TREND_DAYS - 1)
    since = dt.datetime.combine(first, dt.time(0), zone).astimezone(dt.UTC)
    query = select(
        Incident.event_date,
        Incident.created_at,
        Incident.country,
        Incident.admin1,
        Incident.killed_min,
        Incident.killed_max,
    ).where(
        Incident.status.in_(LISTED_STATUSES),
        Incident.aggregate.is_(False),
        or_(
            and_(Incident.event_date >= first, Incident.event_date <= last),
            and_(Incident.event_date.is_(None), Incident.created_at >= since),
        ),
    )
    if profile.countries:
        query = query.where(Incident.country.in_(profile.countries))
    days = {first + dt.timedelta(days=i): [0, 0] for i in range(TREND_DAYS)}
    for event_date, created_at, country, admin1, kmin, kmax in session.execute(query):
        if not profile.place_matches(country, admin1):
            continue
        day = event_date or created_at.astimezone(zone).date()
        if day in days:
            days[day][0] += 1
            days[day][1] += kmin if kmin is not None else (kmax or 0)
    return [TrendDay(day, n, killed) for day, (n, killed) in sorted(days.items())]


def source_warnings(session: Session) -> list[SourceWarning]:
    """Enabled sources whose health is not ok (failing, or silent or failing for several runs)."""
    enabled = session.scalars(select(Source).where(Source.enabled.is_(True)).order_by(Source.key))
    rows = [s for s in enabled if source_health(s)[0] in UNHEALTHY]
    warnings = [
        SourceWarning(
            key=s.key,
            name=s.name,
            health=s.health,
            reason=s.health_reason,
            consecutive_failures=s.consecutive_failures,
            zero_article_runs=s.zero_article_runs,
            last_success_at=s.last_success_at,
        )
        for s in rows
    ]
    warnings.sort(key=lambda w: (w.health != "failing", w.key))
    return warnings
