"""Server-side browser sessions of the review UI.

The signed cookie carries a random token; the server keeps its SHA-256 in
``web_sessions``. A session is valid while its row exists, its user is active,
it is younger than the absolute lifetime and was used within the idle timeout.
Ending a session deletes its row, so a copy of the cookie is worth nothing
afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.models import User, WebSession, utcnow

# last_seen_at is written at most this often: the idle timeout is coarse anyway,
# and a write on every page view would cost every reviewer a commit per click.
TOUCH_EVERY = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lives: ``lifetime`` from sign-in, ``idle`` since last use."""

    lifetime: dt.timedelta
    idle: dt.timedelta


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user: User, address: str | None) -> str:
    """A new session for ``user``; returns the clear token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            id=_digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            address=(address or "")[:64] or None,
        )
    )
    return token


@dataclass(frozen=True)
class SessionUser:
    """The user a valid session belongs to (plain values, no ORM row)."""

    id: int
    username: str
    role: str
    must_change_password: bool


def resolve(
    session: Session, token: str, policy: SessionPolicy, now: dt.datetime | None = None
) -> tuple[SessionUser | None, int | None]:
    """The active user of the session ``token``, and the user id of a session that
    has just expired (idle timeout or lifetime; it is deleted).

    One indexed read per request (columns, not ORM rows: this runs on every
    page); ``last_seen_at`` is written now and then.
    """
    now = now or utcnow()
    digest = _digest(token)
    found = session.execute(
        select(
            WebSession.created_at,
            WebSession.last_seen_at,
            User.id,
            User.username,
            User.role,
            User.active,
            User.must_change_password,
        )
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.id == digest)
    ).first()
    if found is None:
        return None, None
    created, seen, user_id, username, role, active, must_change = found
    if now - created > policy.lifetime or now - seen > policy.idle:
        session.execute(delete(WebSession).where(WebSession.id == digest))
        return None, user_id
    if not active:
        session.execute(delete(WebSession).where(WebSession.id == digest))
        return None, None
    if now - seen > TOUCH_EVERY:
        session.execute(update(WebSession).where(WebSession.id == digest).values(last_seen_at=now))
    return SessionUser(user_id, username, role, bool(must_change)), None


def end(session: Session, token: str) -> None:
    """End one session (logout)."""
    session.execute(delete(WebSession).where(WebSession.id == _digest(token)))


def end_all(session: Session, user_id: int, *, keep_token: str | None = None) -> int:
    """End every session of a user (but ``keep_token``'s); returns how many ended."""
    stmt = delete(WebSession).where(WebSession.user_id == user_id)
    if keep_token is not None:
        stmt = stmt.where(WebSession.id != _digest(keep_token))
    result = session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


def count(session: Session, user_id: int) -> int:
    """How many sessions a user has (expired ones included until they are used)."""
    return len(session.scalars(select(WebSession.id).where(WebSession.user_id == user_id)).all())


def purge_expired(session: Session, policy: SessionPolicy, now: dt.datetime | None = None) -> int:
    """Delete sessions past their lifetime or idle timeout; returns how many."""
    now = now or utcnow()
    result = session.execute(
        delete(WebSession).where(
            (WebSession.created_at < now - policy.lifetime)
            | (WebSession.last_seen_at < now - policy.idle)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
