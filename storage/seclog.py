"""The security log: append-only rows of sign-ins, failures, lockouts, account,
role, token and password changes, and exports.

Incidents have their audit trail (``storage.audit``); this is the same for
everything around them. Rows are never changed or deleted (``models`` refuses
it at flush time). Admins read it in the review UI; ``civwatch status`` prints a
summary of the last day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import SecurityEvent, utcnow

LOGIN_OK = "login_ok"
LOGIN_FAILED = "login_failed"  # wrong password, unknown or disabled account
LOGIN_REFUSED_LOCKED = "login_locked"  # a try on a locked account (answered as a failure)
ACCOUNT_LOCKED = "account_locked"  # a lock started after repeated failures
ADDRESS_THROTTLED = "address_throttled"  # too many failures from one address
LOGOUT = "logout"
LOGOUT_EVERYWHERE = "logout_everywhere"
SESSION_EXPIRED = "session_expired"  # idle timeout or absolute lifetime reached
USER_ADDED = "user_added"
USER_DISABLED = "user_disabled"
USER_ENABLED = "user_enabled"
USER_UNLOCKED = "user_unlocked"
ROLE_CHANGED = "role_changed"
SESSIONS_ENDED = "sessions_ended"  # an admin signed a user out everywhere
PASSWORD_CHANGED = "password_changed"  # by the user (current password given)
PASSWORD_SET = "password_set"  # by an operator (civwatch user passwd)
PASSWORD_RESET = "password_reset"  # by an admin: a one-time password, change required
TOKEN_CREATED = "token_created"
TOKEN_REVOKED = "token_revoked"
EXPORT = "export"

FAILURES = (LOGIN_FAILED, LOGIN_REFUSED_LOCKED)
# account, role, password and token changes (the admin page shows the last one)
CHANGES = (
    USER_ADDED,
    USER_DISABLED,
    USER_ENABLED,
    USER_UNLOCKED,
    ROLE_CHANGED,
    SESSIONS_ENDED,
    PASSWORD_CHANGED,
    PASSWORD_SET,
    PASSWORD_RESET,
    TOKEN_CREATED,
    TOKEN_REVOKED,
)
EVENTS = (
    LOGIN_OK,
    *FAILURES,
    ACCOUNT_LOCKED,
    ADDRESS_THROTTLED,
    LOGOUT,
    LOGOUT_EVERYWHERE,
    SESSION_EXPIRED,
    *CHANGES,
    EXPORT,
)


def record(
    session: Session,
    event: str,
    *,
    user_id: int | None = None,
    username: str | None = None,
    actor_id: int | None = None,
    address: str | None = None,
    detail: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Append one row (flushes nothing: the caller's transaction commits it)."""
    if event not in EVENTS:
        raise ValueError(f"unknown security event {event!r}")
    row = SecurityEvent(
        event=event,
        user_id=user_id,
        # typed usernames are untrusted: keep them short and printable in the log
        username=_printable(username, 64),
        actor_id=actor_id,
        address=_printable(address, 64),
        detail=detail or {},
    )
    session.add(row)
    return row


def _printable(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    return "".join(c if c.isprintable() else "?" for c in value[:limit])


def recent(session: Session, limit: int = 200, before_id: int | None = None) -> list[SecurityEvent]:
    """The newest rows first (``before_id`` pages back)."""
    stmt = select(SecurityEvent).order_by(SecurityEvent.id.desc()).limit(limit)
    if before_id is not None:
        stmt = stmt.where(SecurityEvent.id < before_id)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class Summary:
    """Counts of the log since a time, for ``civwatch status`` and the admin page."""

    since: dt.datetime
    counts: dict[str, int]
    last_change: SecurityEvent | None

    def line(self) -> str:
        c = self.counts
        failures = sum(c.get(e, 0) for e in FAILURES)
        changes = sum(c.get(e, 0) for e in CHANGES)
        return (
            f"{c.get(LOGIN_OK, 0)} sign-ins, {failures} failed, "
            f"{c.get(ACCOUNT_LOCKED, 0)} account locks, "
            f"{c.get(ADDRESS_THROTTLED, 0)} address throttles, "
            f"{changes} account/token changes, {c.get(EXPORT, 0)} exports"
        )


def summary(session: Session, hours: int = 24) -> Summary:
    """What happened in the last ``hours``."""
    since = utcnow() - dt.timedelta(hours=hours)
    rows = session.execute(
        select(SecurityEvent.event, func.count())
        .where(SecurityEvent.created_at >= since)
        .group_by(SecurityEvent.event)
    ).all()
    last_change = session.scalar(
        select(SecurityEvent)
        .where(SecurityEvent.event.in_(CHANGES))
        .order_by(SecurityEvent.id.desc())
        .limit(1)
    )
    return Summary(since, {event: int(n) for event, n in rows}, last_change)
