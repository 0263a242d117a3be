"""Admin pages: users (add, role, disable, unlock, tokens) and sources health."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from review import appstate
from review.auth import admin_required
from storage.models import ROLES, ApiToken, Source, User
from storage.users import UserError, add_user, create_api_token, revoke_api_token

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@admin_required
def users() -> str:
    """Users and their API tokens."""
    return _users_page(None)


def _users_page(new_token: str | None) -> str:
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
            flash(f"User {user.username} added ({user.role}).", "ok")
    except UserError as exc:
        flash(str(exc), "error")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/<change>", methods=["POST"])
@admin_required
def change(user_id: int, change: str) -> Response:
    """disable / enable / unlock / role (with ``role`` in the form)."""
    with appstate.database().sessions.begin() as s:
        user = s.get(User, user_id)
        if user is None:
            abort(404, description=f"user {user_id} does not exist")
        if user.id == g.user.id and change in ("disable", "role"):
            flash("You cannot disable yourself or change your own role.", "error")
            return redirect(url_for("admin.users"))
        if change == "disable":
            user.active = False
        elif change == "enable":
            user.active = True
        elif change == "unlock":
            user.failed_logins = 0
            user.locked_until = None
        elif change == "role":
            role = request.form.get("role", "")
            if role not in ROLES:
                flash(f"Unknown role {role!r}.", "error")
                return redirect(url_for("admin.users"))
            user.role = role
        else:
            abort(404, description=f"unknown change {change!r}")
        flash(f"User {user.username}: {change} done.", "ok")
    return redirect(url_for("admin.users"))


@bp.route("/tokens", methods=["POST"])
@admin_required
def create_token() -> Response | str:
    """Create an API token for a user and show it, once.

    The page is rendered directly instead of redirecting: the clear token must
    not travel through a cookie or a URL to reach the next page.
    """
    name = (request.form.get("name") or "").strip()[:100]
    username = request.form.get("username", "")
    if not name:
        flash("Give the token a name (what it is for).", "error")
        return redirect(url_for("admin.users"))
    with appstate.database().sessions.begin() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            flash(f"Unknown user {username!r}.", "error")
            return redirect(url_for("admin.users"))
        token = create_api_token(s, user, name)
    flash(f"API token {name!r} created for {username}: copy it now, it is not shown again.", "ok")
    return _users_page(token)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@admin_required
def revoke_token(token_id: int) -> Response:
    """Revoke an API token."""
    try:
        with appstate.database().sessions.begin() as s:
            revoke_api_token(s, token_id)
        flash(f"Token {token_id} revoked.", "ok")
    except UserError as exc:
        flash(str(exc), "error")
    return redirect(url_for("admin.users"))


@bp.route("/sources")
@admin_required
def sources() -> str:
    """Health of every configured source."""
    with appstate.database().sessions() as s:
        rows = list(s.scalars(select(Source).order_by(Source.health.desc(), Source.key)))
        return render_template("admin_sources.html", sources=rows)
