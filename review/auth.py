"""Login, logout and the signed-in user; every page but the login page needs one."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from review import appstate
from review.security import check_csrf, lock_duration
from storage.models import User, utcnow
from storage.users import authenticate, get_user

bp = Blueprint("auth", __name__)

# Endpoints reachable without a browser session (the API has its own tokens).
PUBLIC_ENDPOINTS = frozenset({"auth.login", "static"})


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user, detached from any database session."""

    id: int
    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _password_epoch(user: User) -> str:
    # Sessions carry a fingerprint of the password hash: changing the password
    # (or rehashing it) signs every existing session out.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def load_user() -> Response | None:
    """before_request: set ``g.user``; pages need it, state changes need a CSRF token."""
    g.user = None
    endpoint = request.endpoint or ""
    if endpoint.startswith("api.") or request.path.startswith("/api/"):
        return None  # bearer tokens, checked by the API blueprint; no cookies there
    user_id = session.get("user_id")
    if isinstance(user_id, int):
        with appstate.database().sessions() as s:
            user = s.get(User, user_id)
            if user is not None and user.active and session.get("epoch") == _password_epoch(user):
                g.user = CurrentUser(user.id, user.username, user.role)
        if g.user is None:
            session.clear()
    check_csrf()
    if g.user is None and endpoint not in PUBLIC_ENDPOINTS:
        if request.method in ("GET", "HEAD"):
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(401, description="sign in first")
    return None


F = TypeVar("F", bound=Callable[..., Any])


def admin_required(view: F) -> F:
    """Views only admins may use (a reviewer gets 403)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if g.user is None or not g.user.is_admin:
            abort(403, description="only admins may do this")
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def safe_next(target: str | None, default: str = "/") -> str:
    """A same-site path to go back to, never another host."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Sign in; repeated failures lock the account and throttle the address."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next=next_url)
    username = (request.form.get("username") or "").strip()
    password = request.form.get("password") or ""
    address = request.remote_addr or "unknown"
    now = utcnow()
    throttle = appstate.throttle()
    if throttle.blocked(address, now):
        return render_template(
            "login.html",
            next=next_url,
            error="Too many failed sign-ins from your address. Wait 15 minutes and try again.",
        ), 429
    db = appstate.database()
    with db.sessions.begin() as s:
        known = get_user(s, username) if username else None
        if known is not None and known.locked_until is not None and known.locked_until > now:
            minutes = max(1, int((known.locked_until - now).total_seconds() // 60) + 1)
            throttle.failed(address, now)
            return render_template(
                "login.html",
                next=next_url,
                error=f"This account is locked after repeated failed sign-ins. "
                f"Try again in {minutes} minute{'s' if minutes != 1 else ''}.",
            ), 429
        user = authenticate(s, username, password) if username and password else None
        if user is None:
            throttle.failed(address, now)
            if known is not None:
                known.failed_logins = (known.failed_logins or 0) + 1
                duration = lock_duration(known.failed_logins)
                if duration is not None:
                    known.locked_until = now + duration
            return render_template(
                "login.html", next=next_url, error="Wrong username or password."
            ), 401
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        epoch = _password_epoch(user)
        user_id = user.id
    throttle.succeeded(address)
    # A fresh session on sign-in (no fixation of a pre-login session or token).
    session.clear()
    session.permanent = True
    session["user_id"] = user_id
    session["epoch"] = epoch
    return redirect(next_url)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Sign out (POST with the CSRF token, so no page can sign a reviewer out)."""
    session.clear()
    flash("Signed out.", "info")
    return redirect(url_for("auth.login"))
