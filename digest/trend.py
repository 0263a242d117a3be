"""The 30-day trend a digest ends with, and the source-health warnings it shows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from digest.content import LISTED_STATUSES, Period, SourceWarning, TrendDay
from digest.profiles import Profile
from storage.models import Incident, Source
from storage.sourcehealth import UNHEALTHY, source_health

TREND_DAYS = 30


def daily_trend(session: Session, profile: Profile, period: Period) -> list[TrendDay]:
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
