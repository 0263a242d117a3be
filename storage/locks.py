"""Named leases in the ``locks`` table: one holder at a time, across processes and hosts.

A lease has an owner string and an expiry. Acquiring is a single conditional
statement (an ``UPDATE … WHERE expired OR mine``, else an ``INSERT`` that the
primary key refuses when someone else got there first), so it is atomic on
SQLite and on PostgreSQL without table locks. A holder renews its lease while
it works; a holder that died stops renewing and the lease expires.

A holder on *this* host whose process is gone (``kill -9``) is recognised from
its owner string (``host:pid:nonce``) and its lease taken over at once, so a
restarted scheduler does not wait for the expiry.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from storage.models import Lock, utcnow


def make_owner() -> str:
    """An owner id unique to this process: ``host:pid:nonce``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed process whose parent died too may stay a zombie when nothing
    # reaps orphans (containers without an init): it is gone all the same.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (not Linux): trust kill()
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def owner_is_dead_local(owner: str) -> bool:
    """True when ``owner`` names a process on this host that no longer exists."""
    parts = owner.split(":")
    if len(parts) < 3 or parts[0] != socket.gethostname():
        return False
    try:
        pid = int(parts[1])
    except ValueError:
        return False
    return pid != os.getpid() and not _pid_alive(pid)


@dataclass(frozen=True)
class LockInfo:
    name: str
    owner: str
    acquired_at: dt.datetime
    expires_at: dt.datetime


class LeaseLock:
    """A named lease on ``engine`` held by ``owner`` for ``ttl`` seconds at a time."""

    def __init__(self, engine: Engine, name: str, owner: str, ttl: float = 60.0) -> None:
        self.engine = engine
        self.name = name
        self.owner = owner
        self.ttl = ttl

    def acquire(self) -> bool:
        """Take the lease if it is free, expired, already ours or its local holder died."""
        now = utcnow()
        expires = now + dt.timedelta(seconds=self.ttl)
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(Lock)
                .where(
                    Lock.name == self.name,
                    (Lock.expires_at < now) | (Lock.owner == self.owner),
                )
                .values(owner=self.owner, acquired_at=now, expires_at=expires)
            ).rowcount
        if taken:
            return True
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(Lock).values(
                        name=self.name, owner=self.owner, acquired_at=now, expires_at=expires
                    )
                )
            return True
        except IntegrityError:
            pass
        holder = self.holder()
        if holder is not None and owner_is_dead_local(holder.owner):
            # Compare-and-swap on the dead owner so two restarted processes cannot both win.
            with self.engine.begin() as conn:
                taken = conn.execute(
                    update(Lock)
                    .where(Lock.name == self.name, Lock.owner == holder.owner)
                    .values(owner=self.owner, acquired_at=now, expires_at=expires)
                ).rowcount
            return bool(taken)
        return False

    def renew(self) -> bool:
        """Extend our lease; False when it was lost (expired and taken by someone else)."""
        expires = utcnow() + dt.timedelta(seconds=self.ttl)
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    update(Lock)
                    .where(Lock.name == self.name, Lock.owner == self.owner)
                    .values(expires_at=expires)
                ).rowcount
            )

    def release(self) -> None:
        """Give the lease up (a no-op when we no longer hold it)."""
        with self.engine.begin() as conn:
            conn.execute(delete(Lock).where(Lock.name == self.name, Lock.owner == self.owner))

    def holder(self) -> LockInfo | None:
        """Who holds the lease now (possibly expired), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(Lock).where(Lock.name == self.name)).first()
        if row is None:
            return None
        return LockInfo(row.name, row.owner, row.acquired_at, row.expires_at)


def all_locks(engine: Engine) -> list[LockInfo]:
    """Every lease row, for status displays."""
    with engine.connect() as conn:
        rows = conn.execute(select(Lock).order_by(Lock.name)).all()
    return [LockInfo(r.name, r.owner, r.acquired_at, r.expires_at) for r in rows]
