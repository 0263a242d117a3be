"""Web security of the review UI: CSRF tokens, login throttling, response headers.

Everything here is per-application state (kept on the Flask app), never
module-level, so two apps in one process (tests) do not share counters.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import secrets
import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

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
    """Failed sign-ins per client address within a sliding window.

    Each failure remembers which account it was for. A successful sign-in
    forgets only that account's failures from that address, so signing in to
    one's own account does not wipe the count of guesses at others. The
    per-account lock is kept in the database (``User.failed_logins`` /
    ``locked_until``) so it survives restarts; this in-memory part stops one
    address from guessing across many usernames.
    """

    max_failures: int = 10
    window: dt.timedelta = dt.timedelta(minutes=15)
    # Above this many addresses, ones with no recent failure are forgotten, so that
    # guesses from a whole IPv6 range cannot grow the table without end.
    max_addresses: int = 10_000
    _failures: dict[str, deque[tuple[dt.datetime, str]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def blocked(self, address: str, now: dt.datetime) -> bool:
        with self._lock:
            if address not in self._failures:
                return False
            return len(self._recent(address, now)) >= self.max_failures

    def failed(self, address: str, now: dt.datetime, account: str = "") -> bool:
        """Count a failure; True when this one makes the address blocked."""
        with self._lock:
            if len(self._failures) >= self.max_addresses:
                self._sweep(now)
            entries = self._recent(address, now)
            entries.append((now, account))
            return len(entries) == self.max_failures

    def _sweep(self, now: dt.datetime) -> None:
        for address in list(self._failures):
            if not self._recent(address, now):
                del self._failures[address]

    def succeeded(self, address: str, account: str = "") -> None:
        with self._lock:
            entries = self._failures.get(address)
            if not entries:
                return
            kept = deque(e for e in entries if e[1] != account)
            if kept:
                self._failures[address] = kept
            else:
                del self._failures[address]

    def _recent(self, address: str, now: dt.datetime) -> deque[tuple[dt.datetime, str]]:
        entries = self._failures.setdefault(address, deque())
        while entries and now - entries[0][0] > self.window:
            entries.popleft()
        return entries


# Per-user lockout: after USER_MAX_FAILURES wrong passwords in a row the account
# is locked for USER_LOCK_MINUTES, doubling each further failure, and never for
# longer than USER_LOCK_MAX_MINUTES: anyone who knows a username can lock it,
# so a lock must not hold a named admin out for long (the address throttle and
# argon2's cost are what slow guessing down).
USER_MAX_FAILURES = 5
USER_LOCK_MINUTES = 5
USER_LOCK_MAX_MINUTES = 15


def lock_duration(failed_logins: int) -> dt.timedelta | None:
    """How long an account is locked after ``failed_logins`` consecutive failures."""
    if failed_logins < USER_MAX_FAILURES:
        return None
    minutes = USER_LOCK_MINUTES * 2 ** min(failed_logins - USER_MAX_FAILURES, 10)
    return dt.timedelta(minutes=min(minutes, USER_LOCK_MAX_MINUTES))


class TrustedProxies:
    """WSGI middleware: the client's address from ``X-Forwarded-For``, believed only
    when the peer is one of the configured proxies (``CIVWATCH_TRUSTED_PROXIES``).

    Like werkzeug's ProxyFix, but ProxyFix trusts the header from whoever sends
    it. The header is read right to left, skipping addresses of trusted proxies:
    the first other address is the client (anything a client wrote further left
    is its own claim and ignored). Without trusted proxies nothing is changed.
    """

    def __init__(self, app: Any, trusted: Sequence[str]) -> None:
        self.app = app
        self.networks = [ipaddress.ip_network(t.strip(), strict=False) for t in trusted]

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.networks)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        peer = environ.get("REMOTE_ADDR") or ""
        if self.networks and self._trusted(peer):
            client = peer
            hops = environ.get("HTTP_X_FORWARDED_FOR", "").split(",")
            for hop in reversed([h.strip() for h in hops if h.strip()]):
                try:
                    ipaddress.ip_address(hop)
                except ValueError:
                    break  # garbage: stop at the last address a trusted proxy vouched for
                client = hop
                if not self._trusted(hop):
                    break
            environ["civwatch.proxy_peer"] = peer
            environ["REMOTE_ADDR"] = client
        return self.app(environ, start_response)
