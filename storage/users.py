"""Users and API tokens: creation, password hashing (argon2id), lookup.

Usernames are NFKC-normalised and case-folded, then limited to ASCII letters,
digits, ``.``, ``_`` and ``-`` (starting with a letter or digit). That one rule
makes ``Bob`` and ``bob`` (and full-width ``Ｂｏｂ``) the same account and
refuses look-alikes from other scripts (a Cyrillic ``о`` in ``bоb``) without a
confusables table: nothing outside ASCII is allowed at all.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import websessions
from storage.models import ROLES, ApiToken, User, utcnow

USERNAME_MAX = 64
PASSWORD_MIN = 10
PASSWORD_MAX = 1024  # argon2 hashes anything, but a megabyte password is an attack
USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
USERNAME_RULE = (
    "usernames are 1–64 characters: a–z, 0–9, '.', '_' and '-', "
    "starting with a letter or digit (upper case is folded to lower case)"
)


class UserError(ValueError):
    """A user operation that cannot be done (one clear line)."""


def _hasher() -> PasswordHasher:
    # argon2-cffi's defaults follow RFC 9106's low-memory profile.
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalize_username(raw: str) -> str | None:
    """The canonical form of a username (NFKC, case-folded), or None if not allowed."""
    folded = unicodedata.normalize("NFKC", raw).casefold().strip()
    return folded if USERNAME_RE.fullmatch(folded) else None


def check_password(password: str) -> None:
    """Refuse passwords that are too short or absurdly long."""
    if len(password) < PASSWORD_MIN:
        raise UserError(f"password too short: at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise UserError(f"password too long: at most {PASSWORD_MAX} characters")


def add_user(session: Session, username: str, password: str, role: str = "reviewer") -> User:
    """Create a user; refuses duplicates (after folding), look-alikes, unknown roles and
    short passwords."""
    name = normalize_username(username)
    if name is None:
        raise UserError(f"invalid username {username.strip()[:80]!r}: {USERNAME_RULE}")
    if role not in ROLES:
        raise UserError(f"unknown role {role!r} (expected one of {', '.join(ROLES)})")
    check_password(password)
    if get_user(session, name) is not None:
        raise UserError(f"user {name!r} already exists")
    user = User(username=name, password_hash=hash_password(password), role=role, active=True)
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, username: str) -> User | None:
    """The user of a typed name: by its folded form, or by its exact spelling for a
    name stored before folding was introduced (migration 0005 left those that
    would have collided as they were)."""
    if not username or len(username) > 4 * USERNAME_MAX:
        return None
    names = {username, normalize_username(username) or username}
    rows = list(session.scalars(select(User).where(User.username.in_(names))))
    for row in rows:
        if row.username == username:
            return row
    return rows[0] if rows else None


def set_password(session: Session, user: User, password: str, *, must_change: bool = False) -> None:
    """Set a new password; every session of the user ends, a lock is lifted."""
    check_password(password)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.must_change_password = must_change
    user.failed_logins = 0
    user.locked_until = None
    websessions.end_all(session, user.id)


def unlock(user: User) -> None:
    """Lift a sign-in lock and forget the failures that caused it."""
    user.failed_logins = 0
    user.locked_until = None


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def set_active(session: Session, username: str, active: bool) -> User:
    user = get_user(session, username)
    if user is None:
        raise UserError(f"unknown user {username!r}")
    user.active = active
    if not active:
        websessions.end_all(session, user.id)
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user whose password matches, else None (no hint which part was wrong)."""
    user = get_user(session, username)
    if user is None or not user.active:
        # Spend the same time as a real check so timing does not reveal usernames.
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def spend_verify_time(password: str) -> None:
    """Verify ``password`` against a dummy hash: answering a locked or unknown account
    takes as long as checking a real one, so timing tells nothing."""
    verify_password(_dummy_hash(), password)


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(session: Session, user: User, name: str) -> str:
    """Create a token for ``user``; the clear token is returned once and never stored."""
    if not user.active:
        raise UserError(f"user {user.username!r} is disabled: no token for a disabled user")
    token = "cw_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, token_hash=_token_digest(token)))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = utcnow()
    return user


def revoke_api_token(session: Session, token_id: int) -> None:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise UserError(f"unknown token id {token_id}")
    row.revoked_at = utcnow()
