"""Web security of the review UI: CSRF tokens, login throttling, response headers.

Everything here is per-application state (kept on the Flask app), never
module-level, so two apps in one process (tests) do not share counters.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import threading
from collections import deque
from dataclasses import dataclass, field

from flask import Response, abort, request, session

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Everything is served from our own origin: no inline script, no third-party
# tiles or fonts. SVG maps use presentation attributes, not style attributes.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def csrf_token() -> str:
    """The CSRF token bound to the current session (created on first use)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def check_csrf() -> None:
    """Abort with 400 unless a state-changing request carries the session's token."""
    if request.method in SAFE_METHODS:
        return
    expected = session.get(CSRF_FIELD)
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not isinstance(expected, str) or not expected or not hmac.compare_digest(expected, sent):
        abort(400, description="missing or wrong CSRF token: reload the page and try again")


def set_security_headers(response: Response) -> Response:
    """Add CSP, framing, sniffing and referrer headers to every response."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.endpoint != "static":
        # Pages show unpublished review data: keep them out of shared caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@dataclass
class LoginThrottle:
    """Failed logins per client address within a sliding window.

    Per-user lockout is kept in the database (``User.failed_logins`` /
    ``locked_until``) so it survives restarts; this in-memory part stops one
    address from guessing across many usernames.
    """

    max_failures: int = 10
    window: dt.timedelta = dt.timedelta(minutes=15)
    _failures: dict[str, deque[dt.datetime]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def blocked(self, address: str, now: dt.datetime) -> bool:
        with self._lock:
            return len(self._recent(address, now)) >= self.max_failures

    def failed(self, address: str, now: dt.datetime) -> None:
        with self._lock:
            self._recent(address, now).append(now)

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._failures.pop(address, None)

    def _recent(self, address: str, now: dt.datetime) -> deque[dt.datetime]:
        entries = self._failures.setdefault(address, deque())
        while entries and now - entries[0] > self.window:
            entries.popleft()
        return entries


# Per-user lockout: after USER_MAX_FAILURES wrong passwords in a row the account
# is locked for USER_LOCK_MINUTES, doubling each further failure (capped).
USER_MAX_FAILURES = 5
USER_LOCK_MINUTES = 5
USER_LOCK_MAX_MINUTES = 24 * 60


def lock_duration(failed_logins: int) -> dt.timedelta | None:
    """How long an account is locked after ``failed_logins`` consecutive failures."""
    if failed_logins < USER_MAX_FAILURES:
        return None
    minutes = USER_LOCK_MINUTES * 2 ** min(failed_logins - USER_MAX_FAILURES, 10)
    return dt.timedelta(minutes=min(minutes, USER_LOCK_MAX_MINUTES))
