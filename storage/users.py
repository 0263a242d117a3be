"""Users and API tokens: creation, password hashing (argon2id), lookup."""

from __future__ import annotations

import functools
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import ROLES, ApiToken, User, utcnow

USERNAME_MAX = 64
PASSWORD_MIN = 10


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


def add_user(session: Session, username: str, password: str, role: str = "reviewer") -> User:
    """Create a user; refuses duplicates, unknown roles and short passwords."""
    username = username.strip()
    if not username or len(username) > USERNAME_MAX or not username.isprintable():
        raise UserError(f"invalid username {username!r}")
    if role not in ROLES:
        raise UserError(f"unknown role {role!r} (expected one of {', '.join(ROLES)})")
    if len(password) < PASSWORD_MIN:
        raise UserError(f"password too short: at least {PASSWORD_MIN} characters")
    if get_user(session, username) is not None:
        raise UserError(f"user {username!r} already exists")
    user = User(username=username, password_hash=hash_password(password), role=role, active=True)
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def set_active(session: Session, username: str, active: bool) -> User:
    user = get_user(session, username)
    if user is None:
        raise UserError(f"unknown user {username!r}")
    user.active = active
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


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(session: Session, user: User, name: str) -> str:
    """Create a token for ``user``; the clear token is returned once and never stored."""
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
