"""The content of one digest: what is new and what changed for a profile and period.

``build_digest`` selects the new incidents of the period and puts the digest
together from the modules that each own one part of it:

* ``content.py`` — the dataclasses (no database objects inside);
* ``period.py`` — which period a digest covers (``resolve_period``);
* ``entries.py`` — incident entries loaded in bulk (one query per table);
* ``grouping.py`` — new incidents grouped by place, most severe first;
* ``changes.py`` — what changed for other incidents, from the audit trail;
* ``trend.py`` — the 30-day trend and the source-health warnings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from digest.changes import collect_changes
from digest.content import (
    LISTED_STATUSES,
    ChangeEntry,
    DigestContent,
    Figure,
    IncidentEntry,
    Period,
    Totals,
    TrendDay,
)
from digest.entries import EntryLoader
from digest.grouping import group_by_place
from digest.period import resolve_period
from digest.profiles import Profile
from digest.trend import daily_trend, source_warnings
from incidents.eventgroups import events_of
from settings import Settings
from storage import audit
from storage.models import Incident

# imported from here by render/picture tests and the digest benchmark
__all__ = [
    "DigestContent",
    "Figure",
    "IncidentEntry",
    "Period",
    "TrendDay",
    "build_digest",
    "resolve_period",
]


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
    loader = EntryLoader(session, base_url)

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
    groups = group_by_place(events)

    changes = collect_changes(session, loader, profile, period, {e.id for e in new_entries})
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
        trend=daily_trend(session, profile, period),
        warnings=source_warnings(session),
    )


def _count_items(changes: Sequence[ChangeEntry], action: str) -> int:
    return sum(1 for c in changes for i in c.items if i.action == action and i.kind == "status")
