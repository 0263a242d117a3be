"""Admin pages: users (add, role, disable, unlock, sign out, password reset, tokens),
the security log and sources health. Every change is written to the security log."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from review import appstate, forms
from review.auth import admin_required, client_address
from storage import seclog, websessions
from storage.models import ROLES, ApiToken, Source, User
from storage.users import (
    UserError,
    add_user,
    create_api_token,
    get_user,
    revoke_api_token,
    set_password,
    unlock,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@admin_required
def users() -> str:
    """Users and their API tokens."""
    return _users_page(None)


def _users_page(new_token: str | None, one_time: tuple[str, str] | None = None) -> str:
    with appstate.database().sessions() as s:
        rows = list(s.scalars(select(User).order_by(User.username)))
        tokens = list(s.scalars(select(ApiToken).order_by(ApiToken.id)))
        names = {u.id: u.username for u in rows}
        return render_template(
            "admin_users.html",
            users=rows,
            tokens=tokens,
            names=names,
            roles=ROLES,
            new_token=new_token,
            one_time=one_time,
        )


@bp.route("/users", methods=["POST"])
@admin_required
def add() -> Response:
    """Create a user."""
    try:
        with appstate.database().sessions.begin() as s:
            user = add_user(
                s,
                request.form.get("username", ""),
                request.form.get("password", ""),
                request.form.get("role", "reviewer"),
            )
            _log(s, seclog.USER_ADDED, user, {"role": user.role})
            flash(f"User {user.username} added ({user.role}).", "ok")
    except UserError as exc:
        flash(str(exc), "error")
    return redirect(url_for("admin.users"))


def _log(s: Session, event: str, user: User, detail: dict[str, Any] | None = None) -> None:
    seclog.record(
        s,
        event,
        user_id=user.id,
        username=user.username,
        actor_id=g.user.id,
        address=client_address(),
        detail=detail,
    )


@bp.route("/users/<int:user_id>/<change>", methods=["POST"])
@admin_required
def change(user_id: int, change: str) -> Response | str:
    """disable / enable / unlock / signout / reset / role (with ``role`` in the form).

    Disabling, a role change and "signout" end every session of the user at once;
    "reset" sets a one-time password, shown once, that must be changed at sign-in.
    """
    one_time: str | None = None
    with appstate.database().sessions.begin() as s:
        user = s.get(User, user_id)
        if user is None:
            abort(404, description=f"user {user_id} does not exist")
        if user.id == g.user.id and change in ("disable", "role", "reset"):
            flash(
                "You cannot disable yourself, change your own role or reset your own "
                "password here (use your account page).",
                "error",
            )
            return redirect(url_for("admin.users"))
        if change == "disable":
            user.active = False
            ended = websessions.end_all(s, user.id)
            _log(s, seclog.USER_DISABLED, user, {"sessions_ended": ended})
        elif change == "enable":
            user.active = True
            _log(s, seclog.USER_ENABLED, user)
        elif change == "unlock":
            unlock(user)
            _log(s, seclog.USER_UNLOCKED, user)
        elif change == "signout":
            ended = websessions.end_all(s, user.id)
            _log(s, seclog.SESSIONS_ENDED, user, {"sessions_ended": ended})
        elif change == "reset":
            one_time = secrets.token_urlsafe(12)
            set_password(s, user, one_time, must_change=True)
            _log(s, seclog.PASSWORD_RESET, user)
        elif change == "role":
            role = request.form.get("role", "")
            if role not in ROLES:
                flash(f"Unknown role {role!r}.", "error")
                return redirect(url_for("admin.users"))
            if role != user.role:
                before, user.role = user.role, role
                ended = websessions.end_all(s, user.id)
                _log(
                    s,
                    seclog.ROLE_CHANGED,
                    user,
                    {"from": before, "to": role, "sessions_ended": ended},
                )
        else:
            abort(404, description=f"unknown change {change!r}")
        username = user.username
    if one_time is not None:
        flash(
            f"Password of {username} reset: give them the one-time password below; "
            "they must choose a new one when they sign in.",
            "ok",
        )
        # Rendered, not redirected: the clear password must not travel in a cookie.
        return _users_page(None, one_time=(username, one_time))
    flash(f"User {username}: {change} done.", "ok")
    return redirect(url_for("admin.users"))


@bp.route("/tokens", methods=["POST"])
@admin_required
def create_token() -> Response | str:
    """Create an API token for an active user and show it, once.

    The page is rendered directly instead of redirecting: the clear token must
    not travel through a cookie or a URL to reach the next page.
    """
    name = (request.form.get("name") or "").strip()[:100]
    username = request.form.get("username", "")
    if not name:
        flash("Give the token a name (what it is for).", "error")
        return redirect(url_for("admin.users"))
    try:
        with appstate.database().sessions.begin() as s:
            user = get_user(s, username)
            if user is None:
                flash(f"Unknown user {username[:80]!r}.", "error")
                return redirect(url_for("admin.users"))
            token = create_api_token(s, user, name)
            _log(s, seclog.TOKEN_CREATED, user, {"name": name})
            username = user.username
    except UserError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.users"))
    flash(f"API token {name!r} created for {username}: copy it now, it is not shown again.", "ok")
    return _users_page(token)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@admin_required
def revoke_token(token_id: int) -> Response:
    """Revoke an API token."""
    try:
        with appstate.database().sessions.begin() as s:
            revoke_api_token(s, token_id)
            row = s.get(ApiToken, token_id)
            owner = s.get(User, row.user_id) if row is not None else None
            if owner is not None and row is not None:
                _log(s, seclog.TOKEN_REVOKED, owner, {"token_id": token_id, "name": row.name})
        flash(f"Token {token_id} revoked.", "ok")
    except UserError as exc:
        flash(str(exc), "error")
    return redirect(url_for("admin.users"))


SECURITY_PAGE = 200


@bp.route("/security")
@admin_required
def security_log() -> str:
    """The security log, newest first (``before`` pages back)."""
    before = forms.record_id(request.args.get("before"))
    with appstate.database().sessions() as s:
        rows = seclog.recent(s, SECURITY_PAGE, before)
        names = {u.id: u.username for u in s.scalars(select(User))}
        return render_template(
            "admin_security.html",
            rows=rows,
            names=names,
            summary=seclog.summary(s),
            older=rows[-1].id if len(rows) == SECURITY_PAGE else None,
        )


@bp.route("/sources")
@admin_required
def sources() -> str:
    """Health of every configured source."""
    with appstate.database().sessions() as s:
        rows = list(s.scalars(select(Source).order_by(Source.health.desc(), Source.key)))
        return render_template("admin_sources.html", sources=rows)
