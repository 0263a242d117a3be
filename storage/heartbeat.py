"""A background heartbeat: proof that a worker is alive, written to the database.

A processing worker renews its article leases and its job run's ``last_seen``
with it; a crawl marks its job run. The beat runs in a thread of its own, so a
long NLP batch or a slow page does not let the lease lapse while the process
lives, and it stops with the process: after a ``kill -9`` nothing renews, and
the lease ends at its expiry (or at once, for a worker of the same host whose
PID is gone, see ``storage.workqueue.reclaim_dead_workers``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.models import JobRun, utcnow

if TYPE_CHECKING:
    from storage import Database

log = logging.getLogger(__name__)


def beat_interval(lease_seconds: float) -> float:
    """Seconds between beats for a lease of ``lease_seconds``: a few beats per lease,
    at most 5 s apart, so a lease is renewed several times before it could lapse."""
    return max(0.5, min(5.0, lease_seconds / 4))


def touch_job(session: Session, job_id: int) -> None:
    """Record that the process of job run ``job_id`` is alive now."""
    session.execute(
        update(JobRun)
        .where(JobRun.id == job_id)
        .values(last_seen=utcnow())
        .execution_options(synchronize_session=False)
    )


class Heartbeat:
    """Calls ``beat(session)`` in its own transaction every ``interval`` seconds.

    Used as a context manager around the work. ``lock`` (optional) is held during
    each beat, for callers whose own statements must not interleave with it.
    A failed beat (database briefly away) is logged and tried again next time.
    """

    def __init__(
        self,
        db: Database,
        interval: float,
        beat: Callable[[Session], None],
        *,
        name: str = "heartbeat",
        lock: threading.Lock | None = None,
    ) -> None:
        self.db = db
        self.interval = interval
        self.beat = beat
        self.lock = lock or threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                with self.lock, self.db.sessions.begin() as session:
                    self.beat(session)
            except Exception:  # an outage must not kill the thread: the next beat retries
                log.exception("heartbeat failed")

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(self.interval + 30)
