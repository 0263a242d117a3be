"""The review web workbench: reviewers confirm, correct, merge or reject candidates.

Built by :func:`create_app` from a :class:`settings.Settings` (and optionally an
open :class:`storage.Database`); served by ``civwatch serve`` with waitress.
Server-rendered Flask + Jinja2 with one small script of our own for keyboard
shortcuts; no third-party front-end code, no build step.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from review.forms import IdConverter
from review.lookups import Lookups
from review.queries import CountsCache
from review.security import LoginThrottle, TrustedProxies, csrf_token, set_security_headers
from settings import Settings
from storage import Database


class ReviewConfigError(RuntimeError):
    """The app cannot be built from these settings (one clear line)."""


def create_app(settings: Settings, db: Database | None = None) -> Flask:
    """Build the review app; opens (and migrates) the settings' database unless given one."""
    if not settings.secret_key:
        raise ReviewConfigError(
            "CIVWATCH_SECRET_KEY is not set: the review UI needs it to sign sessions "
            "(e.g. export CIVWATCH_SECRET_KEY=\"$(python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))')\")"
        )
    if len(settings.secret_key) < 16:
        raise ReviewConfigError("CIVWATCH_SECRET_KEY is too short: use at least 16 characters")
    app = Flask(__name__)
    # Ids in paths: ASCII digits up to 2^63-1, so a huge or Unicode "number" is a 404.
    app.url_map.converters["int"] = IdConverter
    # The client's address from X-Forwarded-For, only through the configured proxies.
    app.wsgi_app = TrustedProxies(app.wsgi_app, settings.trusted_proxies)  # type: ignore[method-assign]
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="civwatch_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
        # The cookie's own expiry; the server-side session decides (storage/websessions.py).
        PERMANENT_SESSION_LIFETIME=dt.timedelta(seconds=settings.session_lifetime),
        MAX_CONTENT_LENGTH=256 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.extensions["civwatch"] = {
        "settings": settings,
        "db": db if db is not None else Database.open(settings.db_url),
        "throttle": LoginThrottle(),
        "lookups": Lookups(),
        "counts": CountsCache(),
    }

    from review import admin, api, auth, events, views

    app.register_blueprint(auth.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(events.bp)
    app.before_request(auth.load_user)
    app.after_request(set_security_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.filters["figrange"] = _range_filter
    app.jinja_env.filters["safe_url"] = _safe_url
    app.jinja_env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response | tuple[Any, int]:
        if request.path.startswith("/api/"):
            return api.error_response(exc)
        return render_template("error.html", error=exc, back_to=_form_page()), exc.code or 500

    return app


def _form_page() -> str | None:
    """The incident page a refused form was posted from (its typed text is kept there)."""
    if request.method != "POST":
        return None
    parts = request.path.strip("/").split("/")
    if len(parts) == 3 and parts[0] == "incidents" and parts[1].isascii() and parts[1].isdigit():
        return f"/incidents/{int(parts[1])}"
    return None


def warm_up(app: Flask) -> threading.Thread:
    """Load the gazetteer in the background so the first place search is not slow."""
    lookups: Lookups = app.extensions["civwatch"]["lookups"]
    thread = threading.Thread(target=lookups.gazetteer, name="civwatch-warm-up", daemon=True)
    thread.start()
    return thread


def _safe_url(url: str | None) -> str:
    """``url`` if it is an http(s) link, else "" (crawled URLs are untrusted)."""
    if not url:
        return ""
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip() if scheme in ("http", "https") else ""


def _range_filter(lo: int | None, hi: int | None) -> str:
    """A figure range as a reviewer reads it: 22, 19–22, at least 40, unknown."""
    if lo is None and hi is None:
        return "–"
    if lo is not None and hi is not None:
        return str(lo) if lo == hi else f"{lo}–{hi}"
    if lo is not None:
        return f"≥{lo}"
    return f"≤{hi}"


__all__ = ["ReviewConfigError", "create_app", "warm_up"]
