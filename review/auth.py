"""Login, logout, the account page and the signed-in user.

Every page but the login page needs a user. Sessions live on the server
(``storage.websessions``): the cookie only names one, so logout, "sign out
everywhere", disabling a user, a role or password change end it at once, and it
ends by itself after the idle timeout or the absolute lifetime.
"""

from __future__ import annotations

import datetime as dt
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
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from review import appstate
from review.forms import has_control_characters
from review.security import CSRF_FIELD, USER_LOCK_MAX_MINUTES, check_csrf, lock_duration
from storage import seclog, websessions
from storage.models import User, utcnow
from storage.users import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    UserError,
    authenticate,
    get_user,
    normalize_username,
    set_password,
    spend_verify_time,
    verify_password,
)

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


def _policy() -> websessions.SessionPolicy:
    settings = appstate.settings()
    return websessions.SessionPolicy(
        lifetime=dt.timedelta(seconds=settings.session_lifetime),
        idle=dt.timedelta(seconds=settings.session_idle_timeout),
    )


def client_address() -> str:
    """The client's address (X-Forwarded-For only through trusted proxies, see
    :class:`review.security.TrustedProxies`)."""
    return (request.remote_addr or "unknown")[:64]


# Pages a user who must change their password may still reach.
PASSWORD_CHANGE_ENDPOINTS = frozenset(
    {"auth.account", "auth.change_password", "auth.logout", "auth.signout_everywhere", "static"}
)


def load_user() -> Response | None:
    """before_request: set ``g.user`` from the server-side session; state changes
    need a CSRF token; every page but the login page needs a user."""
    g.user = None
    endpoint = request.endpoint or ""
    if endpoint.startswith("api.") or request.path.startswith("/api/"):
        return None  # bearer tokens, checked by the API blueprint; no cookies there
    token = session.get("sid")
    must_change = False
    expired: int | None = None
    if isinstance(token, str) and token:
        with appstate.database().sessions.begin() as s:
            user, expired = websessions.resolve(s, token, _policy())
            if user is not None:
                g.user = CurrentUser(user.id, user.username, user.role)
                must_change = user.must_change_password
            elif expired is not None:
                seclog.record(s, seclog.SESSION_EXPIRED, user_id=expired, address=client_address())
        if g.user is None:
            csrf = session.get(CSRF_FIELD)
            session.clear()
            if expired is not None:
                # Kept so that a form posted after the timeout is told to sign in
                # again rather than that its CSRF token is wrong.
                session[CSRF_FIELD] = csrf
                flash("Your session expired: sign in again.", "info")
    elif "user_id" in session:
        session.clear()  # a cookie from before server-side sessions: sign in again
    check_csrf()
    if g.user is None and endpoint not in PUBLIC_ENDPOINTS:
        if request.method in ("GET", "HEAD"):
            return redirect(url_for("auth.login", next=_here()))
        abort(
            401, description="your session expired: sign in again" if expired else "sign in first"
        )
    if must_change and endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        if request.method in ("GET", "HEAD"):
            flash("An admin reset your password: choose a new one first.", "info")
            return redirect(url_for("auth.account"))
        abort(403, description="choose a new password first")
    return None


def _here() -> str:
    # Where to come back to after signing in; an over-long or odd path is not kept.
    here = request.full_path.rstrip("?")
    return here if len(here) <= NEXT_MAX else request.path[:NEXT_MAX]


F = TypeVar("F", bound=Callable[..., Any])


def admin_required(view: F) -> F:
    """Views only admins may use (a reviewer gets 403)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if g.user is None or not g.user.is_admin:
            abort(403, description="only admins may do this")
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


NEXT_MAX = 2048


def safe_next(target: str | None, default: str = "/") -> str:
    """A same-site path to go back to, never another host nor a broken header."""
    if not target or len(target) > NEXT_MAX or has_control_characters(target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


# One answer for every refused sign-in — wrong password, unknown, disabled or
# locked account — so that the answer says nothing about the account.
LOGIN_REFUSED = (
    "Wrong username or password. After repeated failures an account is locked for "
    f"up to {USER_LOCK_MAX_MINUTES} minutes."
)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Sign in; failures are counted per address and per account (see security.py)."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next=next_url)
    typed = (request.form.get("username") or "").strip()[:200]
    password = (request.form.get("password") or "")[:PASSWORD_MAX]
    account = normalize_username(typed) or typed.casefold()
    address = client_address()
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
        known = get_user(s, typed) if typed else None
        if known is not None and known.locked_until is not None and known.locked_until > now:
            # Answered exactly like an unknown account, after as long a hash check.
            spend_verify_time(password)
            seclog.record(
                s,
                seclog.LOGIN_REFUSED_LOCKED,
                user_id=known.id,
                username=known.username,
                address=address,
            )
            user = None
        else:
            user = authenticate(s, typed, password) if typed and password else None
            if user is None and not (typed and password):
                spend_verify_time(password)
            if user is None:
                _count_failure(s, known, typed, address, now)
        if user is None:
            if throttle.failed(address, now, account):
                seclog.record(s, seclog.ADDRESS_THROTTLED, address=address)
            refused = True
        else:
            refused = False
            user.failed_logins = 0
            user.locked_until = None
            user.last_login_at = now
            websessions.purge_expired(s, _policy(), now)
            token = websessions.start(s, user, address)
            seclog.record(
                s, seclog.LOGIN_OK, user_id=user.id, username=user.username, address=address
            )
    if refused:
        return render_template("login.html", next=next_url, error=LOGIN_REFUSED), 401
    throttle.succeeded(address, account)
    # A fresh session on sign-in (no fixation of a pre-login session or token).
    session.clear()
    session.permanent = True
    session["sid"] = token
    return redirect(next_url)


def _count_failure(
    s: Session, known: User | None, typed: str, address: str, now: dt.datetime
) -> None:
    if known is None:
        seclog.record(s, seclog.LOGIN_FAILED, username=typed, address=address)
        return
    known.failed_logins = (known.failed_logins or 0) + 1
    seclog.record(
        s,
        seclog.LOGIN_FAILED,
        user_id=known.id,
        username=known.username,
        address=address,
        detail={"failures": known.failed_logins},
    )
    duration = lock_duration(known.failed_logins)
    if duration is not None:
        known.locked_until = now + duration
        seclog.record(
            s,
            seclog.ACCOUNT_LOCKED,
            user_id=known.id,
            username=known.username,
            address=address,
            detail={"minutes": int(duration.total_seconds() // 60)},
        )


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Sign out (POST with the CSRF token, so no page can sign a reviewer out); the
    session ends on the server, so a copy of the cookie is void too."""
    token = session.get("sid")
    if isinstance(token, str) and token:
        with appstate.database().sessions.begin() as s:
            websessions.end(s, token)
            if g.user is not None:
                seclog.record(
                    s,
                    seclog.LOGOUT,
                    user_id=g.user.id,
                    username=g.user.username,
                    address=client_address(),
                )
    session.clear()
    flash("Signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account")
def account() -> str:
    """The signed-in user's page: change the password, sign out everywhere."""
    with appstate.database().sessions() as s:
        sessions = websessions.count(s, g.user.id)
    return render_template("account.html", sessions=sessions, password_min=PASSWORD_MIN)


@bp.route("/account/password", methods=["POST"])
def change_password() -> Response | tuple[str, int]:
    """Change one's own password: the current one is required (and throttled like a
    sign-in); every other session of the user ends."""
    current = (request.form.get("current_password") or "")[:PASSWORD_MAX]
    new = request.form.get("new_password") or ""
    repeat = request.form.get("new_password_again") or ""
    address = client_address()
    now = utcnow()
    throttle = appstate.throttle()
    if throttle.blocked(address, now):
        flash("Too many failed attempts from your address. Wait 15 minutes.", "error")
        return redirect(url_for("auth.account"))
    with appstate.database().sessions.begin() as s:
        user = s.get(User, g.user.id)
        if user is None or not verify_password(user.password_hash, current):
            if throttle.failed(address, now, g.user.username):
                seclog.record(s, seclog.ADDRESS_THROTTLED, address=address)
            seclog.record(
                s,
                seclog.LOGIN_FAILED,
                user_id=g.user.id,
                username=g.user.username,
                address=address,
                detail={"during": "password change"},
            )
            flash("The current password is wrong; nothing was changed.", "error")
            return redirect(url_for("auth.account"))
        if new != repeat:
            flash("The two new passwords differ; nothing was changed.", "error")
            return redirect(url_for("auth.account"))
        if new == current:
            flash("The new password is the same as the current one.", "error")
            return redirect(url_for("auth.account"))
        try:
            set_password(s, user, new)
        except UserError as exc:
            flash(f"{str(exc).capitalize()}; nothing was changed.", "error")
            return redirect(url_for("auth.account"))
        token = websessions.start(s, user, address)  # set_password ended every session
        seclog.record(
            s,
            seclog.PASSWORD_CHANGED,
            user_id=user.id,
            username=user.username,
            address=address,
        )
    throttle.succeeded(address, g.user.username)
    session.clear()
    session.permanent = True
    session["sid"] = token
    flash("Password changed. Your other sessions were signed out.", "ok")
    return redirect(url_for("auth.account"))


@bp.route("/account/signout-everywhere", methods=["POST"])
def signout_everywhere() -> Response:
    """End every session of the signed-in user, this one included."""
    with appstate.database().sessions.begin() as s:
        ended = websessions.end_all(s, g.user.id)
        seclog.record(
            s,
            seclog.LOGOUT_EVERYWHERE,
            user_id=g.user.id,
            username=g.user.username,
            address=client_address(),
            detail={"sessions": ended},
        )
    session.clear()
    flash(f"Signed out everywhere ({ended} session{'s' if ended != 1 else ''}).", "info")
    return redirect(url_for("auth.login"))
