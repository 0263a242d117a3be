"""The period a digest covers: a whole local day, or since the profile's last digest."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from digest.content import Period
from digest.profiles import Profile
from settings import Settings
from storage.models import Digest


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
