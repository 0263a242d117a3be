"""Read-side queries of the review UI and the JSON API: the queue and one incident.

The queue's order is the reviewer's priority: incidents with new evidence since
their review first, then civilian deaths, then confidence, then recency.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.orm import Session

from incidents import ledger
from incidents.decisions import family_claims, merge_family
from review import forms
from storage.models import (
    CLAIM_KINDS,
    INCIDENT_STATUSES,
    Article,
    Claim,
    EvidenceMention,
    Incident,
    IncidentActor,
    ReferenceEvent,
    Review,
    Source,
    User,
)

SelectT = TypeVar("SelectT", bound="Select[*tuple[Any, ...]]")

PAGE_SIZE = 50
# "not_checked": no reference data covers the incident (match_label NULL)
MATCH_LABELS = ("not_checked", "novel", "matches", "conflicts")
FILTER_NAMES = (
    "status",
    "country",
    "admin1",
    "actor",
    "source",
    "date_from",
    "date_to",
    "match",
    "kind",
)
# The queue's tabs: single events, and period totals ("aggregates"), which never
# sort among the events; "all" (the API's default) does not filter.
KINDS = ("events", "aggregates", "all")


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters, parsed from query-string values (bad values are dropped)."""

    status: str | None = "candidate"
    country: str | None = None
    admin1: str | None = None
    actor: str | None = None
    source: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    match: str | None = None
    kind: str = "all"
    errors: tuple[str, ...] = ()

    @classmethod
    def parse(cls, args: Mapping[str, str], default_kind: str = "all") -> QueueFilters:
        """Filters from a request's query string; an unusable value is reported, not fatal."""
        errors: list[str] = []

        def text(name: str, limit: int = 200) -> str | None:
            value = (args.get(name) or "").strip()
            return value[:limit] or None

        def date(name: str) -> dt.date | None:
            value = text(name, 10)
            if value is None:
                return None
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                errors.append(f"{name}: {value!r} is not a date (YYYY-MM-DD)")
                return None

        status: str | None = text("status", 16) if "status" in args else "candidate"
        if status == "all":
            status = None
        elif status is not None and status not in INCIDENT_STATUSES:
            errors.append(f"unknown status {status!r}")
            status = "candidate"
        match = text("match", 16)
        if match is not None and match not in MATCH_LABELS:
            errors.append(f"unknown match label {match!r}")
            match = None
        kind = text("kind", 16) or default_kind
        if kind not in KINDS:
            errors.append(f"unknown kind {kind!r}")
            kind = default_kind
        country = text("country", 2)
        return cls(
            status=status,
            country=country.upper() if country else None,
            admin1=text("admin1"),
            actor=text("actor"),
            source=text("source", 64),
            date_from=date("date_from"),
            date_to=date("date_to"),
            match=match,
            kind=kind,
            errors=tuple(errors),
        )

    def query_args(self, **overrides: Any) -> dict[str, str]:
        """The filters as query-string values (for links keeping the other filters)."""
        values: dict[str, Any] = {
            "status": self.status or "all",
            "country": self.country,
            "admin1": self.admin1,
            "actor": self.actor,
            "source": self.source,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "match": self.match,
            "kind": None if self.kind == "all" else self.kind,
        }
        values.update(overrides)
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def _apply(stmt: SelectT, f: QueueFilters, *, skip: str = "") -> SelectT:
    if f.status and "status" not in skip:
        stmt = stmt.where(Incident.status == f.status)
    if f.country and "country" not in skip:
        stmt = stmt.where(Incident.country == f.country)
    if f.admin1:
        stmt = stmt.where(Incident.admin1 == f.admin1)
    if f.date_from:
        stmt = stmt.where(Incident.event_date >= f.date_from)
    if f.date_to:
        stmt = stmt.where(Incident.event_date <= f.date_to)
    if f.match and "match" not in skip:
        if f.match == "not_checked":
            stmt = stmt.where(Incident.match_label.is_(None))
        else:
            stmt = stmt.where(Incident.match_label == f.match)
    if f.kind != "all" and "kind" not in skip:
        stmt = stmt.where(Incident.aggregate.is_(f.kind == "aggregates"))
    # IN (uncorrelated subquery) rather than EXISTS: the subquery runs once, instead
    # of once per incident row when the counts scan the whole table.
    if f.actor:
        stmt = stmt.where(
            Incident.id.in_(select(IncidentActor.incident_id).where(IncidentActor.actor == f.actor))
        )
    if f.source:
        stmt = stmt.where(
            Incident.id.in_(
                select(EvidenceMention.incident_id)
                .join(Article, Article.id == EvidenceMention.article_id)
                .join(Source, Source.id == Article.source_id)
                .where(Source.key == f.source)
            )
        )
    return stmt


# An index matching this order, e.g. (SQLite; PostgreSQL adds NULLS LAST to event_date)
#   CREATE INDEX ix_incidents_queue ON incidents (status, new_evidence DESC,
#     coalesce(civilians_killed, killed_min, 0) DESC, confidence DESC, event_date DESC, id DESC)
# turns the queue page into an index walk; the expression must stay textually identical
# (a literal 0, not a bound parameter) for SQLite to use it.
QUEUE_DEATHS = func.coalesce(Incident.civilians_killed, Incident.killed_min, literal_column("0"))


def priority_order(dialect: str = "sqlite") -> list[Any]:
    """ORDER BY of the queue (new evidence, civilian deaths, confidence, recency)."""
    # SQLite sorts NULLs first ascending, so last descending, already; saying
    # NULLS LAST there would stop it from using an index on this order.
    recency = Incident.event_date.desc()
    if dialect != "sqlite":
        recency = recency.nulls_last()
    return [
        Incident.new_evidence.desc(),
        QUEUE_DEATHS.desc(),
        Incident.confidence.desc(),
        recency,
        Incident.id.desc(),
    ]


@dataclass
class QueuePage:
    """One page of the queue with the counts the filter bar shows."""

    rows: list[Incident]
    total: int
    page: int
    pages: int
    status_counts: dict[str, int]
    match_counts: dict[str, int]
    countries: list[tuple[str, int]]
    kind_counts: dict[str, int] = field(default_factory=dict)
    actors: dict[int, list[IncidentActor]] = field(default_factory=dict)
    sources: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class FilterCounts:
    """The total and the counts the filter bar shows for one set of filters."""

    total: int
    status_counts: dict[str, int]
    match_counts: dict[str, int]
    countries: list[tuple[str, int]]
    kind_counts: dict[str, int] = field(default_factory=dict)


@dataclass
class CountsCache:
    """Filter-bar counts per filter set, valid while the data version is unchanged.

    The version is (highest incident id, highest audit row id): every change to an
    incident by a reviewer or the pipeline appends an audit row, and new incidents
    raise the id, so a cached count is never served after a recorded change. The
    time limit covers changes made without an audit row (e.g. by hand in SQL).
    """

    ttl: dt.timedelta = dt.timedelta(seconds=60)
    max_entries: int = 256
    _entries: dict[tuple[Any, ...], tuple[dt.datetime, FilterCounts]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: tuple[Any, ...]) -> FilterCounts | None:
        with self._lock:
            hit = self._entries.get(key)
            if hit is None or dt.datetime.now(dt.UTC) - hit[0] > self.ttl:
                return None
            return hit[1]

    def put(self, key: tuple[Any, ...], counts: FilterCounts) -> None:
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (dt.datetime.now(dt.UTC), counts)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def data_version(session: Session) -> tuple[int, int]:
    """(max incident id, max audit row id): both primary-key look-ups, O(1)."""
    top_incident = session.scalar(select(func.max(Incident.id))) or 0
    top_review = session.scalar(select(func.max(Review.id))) or 0
    return int(top_incident), int(top_review)


def filter_counts(session: Session, f: QueueFilters) -> FilterCounts:
    """Total and per-filter counts; each count ignores its own filter, so a menu
    entry shows how many incidents choosing it would give."""
    # One grouped scan for all of them; status, match, country and kind are applied here.
    groups = session.execute(
        _apply(
            select(
                Incident.status,
                Incident.match_label,
                Incident.country,
                Incident.aggregate,
                func.count(Incident.id),
            ),
            f,
            skip="status+match+country+kind",
        ).group_by(Incident.status, Incident.match_label, Incident.country, Incident.aggregate)
    ).all()
    status_counts: dict[str, int] = {}
    match_counts: dict[str, int] = {}
    country_counts: dict[str, int] = {}
    kind_counts: dict[str, int] = {"events": 0, "aggregates": 0}
    total = 0
    for status, label, country, aggregate, n in groups:
        key = str(label or "not_checked")
        kind = "aggregates" if aggregate else "events"
        ok_status = not f.status or status == f.status
        ok_match = not f.match or key == f.match
        ok_country = not f.country or country == f.country
        ok_kind = f.kind == "all" or kind == f.kind
        if ok_match and ok_country and ok_kind:
            status_counts[str(status)] = status_counts.get(str(status), 0) + int(n)
        if ok_status and ok_country and ok_kind:
            match_counts[key] = match_counts.get(key, 0) + int(n)
        if ok_status and ok_match and ok_kind and country is not None:
            country_counts[str(country)] = country_counts.get(str(country), 0) + int(n)
        if ok_status and ok_match and ok_country:
            kind_counts[kind] += int(n)
            if ok_kind:
                total += int(n)
    countries = sorted(country_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return FilterCounts(total, status_counts, match_counts, countries, kind_counts)


def queue(
    session: Session,
    f: QueueFilters,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    cache: CountsCache | None = None,
) -> QueuePage:
    """The filtered, prioritised queue page ``page`` (1-based) and per-filter counts."""
    counts: FilterCounts | None = None
    key: tuple[Any, ...] = ()
    if cache is not None:
        key = (*sorted(f.query_args().items()), data_version(session))
        counts = cache.get(key)
    if counts is None:
        counts = filter_counts(session, f)
        if cache is not None:
            cache.put(key, counts)
    total = counts.total
    status_counts, match_counts = counts.status_counts, counts.match_counts
    countries = counts.countries
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    rows = list(
        session.scalars(
            _apply(select(Incident), f)
            .order_by(*priority_order(session.get_bind().dialect.name))
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
        if total
        else []
    )
    ids = [r.id for r in rows]
    actors: dict[int, list[IncidentActor]] = {}
    sources: dict[int, int] = {}
    if ids:
        for actor in session.scalars(
            select(IncidentActor)
            .where(IncidentActor.incident_id.in_(ids))
            .order_by(IncidentActor.id)
        ):
            listed = actors.setdefault(actor.incident_id, [])
            if all(a.actor != actor.actor or a.role != actor.role for a in listed):
                listed.append(actor)
        for incident_id, n in session.execute(
            select(
                EvidenceMention.incident_id, func.count(func.distinct(EvidenceMention.article_id))
            )
            .where(EvidenceMention.incident_id.in_(ids))
            .group_by(EvidenceMention.incident_id)
        ):
            sources[int(incident_id)] = int(n)
    return QueuePage(
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        status_counts=status_counts,
        match_counts=match_counts,
        countries=countries,
        kind_counts=counts.kind_counts,
        actors=actors,
        sources=sources,
    )


# --- one incident ---------------------------------------------------------------


@dataclass
class ArticleView:
    """A source article of an incident with the spans to highlight in its text."""

    article: Article
    source_name: str | None
    spans: list[tuple[int, int, str]]  # (start, end, label) within article.text
    claim_ids: list[int]
    incident_ids: list[int]  # which family members it supports


@dataclass
class IncidentView:
    """Everything the incident page shows."""

    incident: Incident
    claims: list[Claim]
    spreads: dict[str, ledger.ClaimSpread]
    articles: list[ArticleView]
    actors: list[IncidentActor]
    reference: ReferenceEvent | None
    trail: list[tuple[Review, str]]
    merged_children: list[Incident]
    merged_parent: Incident | None
    users: dict[int, str]


def incident_view(session: Session, incident_id: int) -> IncidentView | None:
    """The incident with its family's claims, articles, actors, reference row and audit."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        return None
    family = merge_family(session, incident.id)
    claims = family_claims(session, incident, family)
    spreads = {kind: ledger.spread(claims, kind) for kind in CLAIM_KINDS}
    mentions = list(
        session.scalars(
            select(EvidenceMention)
            .where(EvidenceMention.incident_id.in_(family))
            .order_by(EvidenceMention.id)
        )
    )
    article_ids: list[int] = []
    for m in mentions:
        if m.article_id not in article_ids:
            article_ids.append(m.article_id)
    for c in claims:
        if c.article_id is not None and c.article_id not in article_ids:
            article_ids.append(c.article_id)
    articles: dict[int, Article] = {}
    if article_ids:
        for a in session.scalars(select(Article).where(Article.id.in_(article_ids))):
            articles[a.id] = a
    source_names: dict[int, str] = {}
    source_ids = {a.source_id for a in articles.values() if a.source_id is not None}
    if source_ids:
        for s in session.scalars(select(Source).where(Source.id.in_(source_ids))):
            source_names[s.id] = s.name
    views: list[ArticleView] = []
    for aid in article_ids:
        article = articles.get(aid)
        if article is None:
            continue
        spans: list[tuple[int, int, str]] = []
        inc_ids: list[int] = []
        for m in mentions:
            if m.article_id == aid:
                spans.append((m.start, m.end, "evidence"))
                if m.incident_id not in inc_ids:
                    inc_ids.append(m.incident_id)
        claim_ids = []
        for c in claims:
            if c.article_id == aid:
                claim_ids.append(c.id)
                if c.start is not None and c.end is not None:
                    spans.append((c.start, c.end, f"claim-{c.id}"))
                if c.incident_id not in inc_ids:
                    inc_ids.append(c.incident_id)
        views.append(
            ArticleView(
                article=article,
                source_name=source_names.get(article.source_id or -1),
                spans=spans,
                claim_ids=claim_ids,
                incident_ids=inc_ids,
            )
        )
    actors = list(
        session.scalars(
            select(IncidentActor)
            .where(IncidentActor.incident_id.in_(family))
            .order_by(IncidentActor.role, IncidentActor.id)
        )
    )
    reference = (
        session.get(ReferenceEvent, incident.match_ref_id) if incident.match_ref_id else None
    )
    reviews = list(
        session.scalars(
            select(Review).where(Review.incident_id == incident.id).order_by(Review.id.desc())
        )
    )
    user_ids = {r.user_id for r in reviews if r.user_id is not None}
    user_ids |= {c.user_id for c in claims if c.user_id is not None}
    if incident.reviewed_by:
        user_ids.add(incident.reviewed_by)
    users: dict[int, str] = {}
    if user_ids:
        for u in session.scalars(select(User).where(User.id.in_(user_ids))):
            users[u.id] = u.username
    trail = [
        (r, users.get(r.user_id, f"user #{r.user_id}") if r.user_id else "pipeline")
        for r in reviews
    ]
    children = [
        i
        for i in session.scalars(select(Incident).where(Incident.merged_into == incident.id))
        if i.status == "merged"
    ]
    parent = session.get(Incident, incident.merged_into) if incident.merged_into else None
    return IncidentView(
        incident=incident,
        claims=claims,
        spreads=spreads,
        articles=views,
        actors=actors,
        reference=reference,
        trail=trail,
        merged_children=children,
        merged_parent=parent,
        users=users,
    )


def highlight_segments(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """Split ``text`` into (segment, label) pairs, label "" outside any span.

    Overlapping spans are flattened (the earlier one wins where they overlap);
    spans outside the text are clipped, so bad offsets never break the page.
    """
    n = len(text)
    clean = sorted((max(0, min(s, n)), max(0, min(e, n)), label) for s, e, label in spans if e > s)
    out: list[tuple[str, str]] = []
    pos = 0
    for start, end, label in clean:
        if end <= pos:
            continue
        start = max(start, pos)
        if start > pos:
            out.append((text[pos:start], ""))
        out.append((text[start:end], label))
        pos = end
    if pos < n:
        out.append((text[pos:], ""))
    return out


def merge_candidates(
    session: Session, incident: Incident, query: str = "", limit: int = 20
) -> list[Incident]:
    """Incidents to merge ``incident`` into: same country and near in date, or matching
    ``query`` (an id, or words of the place name)."""
    stmt = select(Incident).where(
        Incident.id != incident.id, Incident.status.in_(("candidate", "confirmed"))
    )
    query = query.strip()
    if query.lstrip("#").isdigit():
        # an id, bounded ('²' or 2^64 would fail in int() or in the driver; 0 finds none)
        stmt = stmt.where(Incident.id == (forms.record_id(query) or 0))
    elif query:
        stmt = stmt.where(func.lower(Incident.place_name).contains(query.lower()))
        if incident.event_date is not None:
            stmt = stmt.order_by(
                func.abs(Incident.event_date - incident.event_date)
                if session.get_bind().dialect.name == "postgresql"
                else func.abs(
                    func.julianday(Incident.event_date) - func.julianday(incident.event_date)
                )
            )
    else:
        if incident.country:
            stmt = stmt.where(Incident.country == incident.country)
        if incident.event_date is not None:
            # clamped: a stored 0001-01-01 must not overflow the window
            stmt = stmt.where(
                Incident.event_date.between(*forms.date_window(incident.event_date, 14))
            )
        if incident.admin1:
            stmt = stmt.order_by((Incident.admin1 == incident.admin1).desc())
    stmt = stmt.order_by(Incident.event_date.desc().nulls_last(), Incident.id.desc()).limit(limit)
    return list(session.scalars(stmt))
