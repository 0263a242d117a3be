"""The read-only JSON API, authenticated by per-user API tokens (``Authorization: Bearer``).

``GET /api/incidents`` takes the queue's filters (status defaults to all here)
plus ``page`` and ``per_page``; ``GET /api/incidents/<id>`` adds the claims,
actors and source articles.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, g, jsonify, request
from werkzeug.exceptions import HTTPException

from incidents import export
from review import appstate, forms, queries
from storage.models import Claim, Incident
from storage.users import user_for_token

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_PER_PAGE = 500


def error_response(exc: HTTPException) -> tuple[Response, int]:
    """API errors as JSON with the HTTP status."""
    code = exc.code or 500
    response = jsonify({"error": exc.name, "detail": exc.description})
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="civwatch"'
    return response, code


@bp.before_request
def require_token() -> None:
    """Every API call needs a valid, unrevoked token of an active user."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401, description="an API token is required: Authorization: Bearer <token>")
    with appstate.database().sessions.begin() as s:
        user = user_for_token(s, token.strip())
        if user is None:
            abort(401, description="the API token is unknown or revoked")
        g.api_user = user.username
    if request.method not in ("GET", "HEAD"):
        abort(405, description="the API is read-only")


def api_record(incident: Incident, related: export.Related) -> dict[str, Any]:
    """The export's incident record (same shape as ``civwatch export --format json``)
    plus the review state a client needs to follow changes."""
    record = export.incident_record(incident, related)
    record.update(
        {
            "version": incident.version,
            "locked_fields": list(incident.locked_fields or []),
            "reviewed_at": incident.reviewed_at.isoformat() if incident.reviewed_at else None,
            "url": f"/incidents/{incident.id}",
        }
    )
    return record


def _int_arg(name: str, default: int, lo: int, hi: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = forms.whole_number(raw, name, lo=lo, hi=hi)  # ASCII digits, bounded
    except forms.FormError as exc:
        abort(400, description=str(exc))
    return default if value is None else value


@bp.route("/incidents")
def list_incidents() -> Response:
    """Incidents matching the queue's filters, in queue order, paginated."""
    args = dict(request.args)
    args.setdefault("status", "all")
    filters = queries.QueueFilters.parse(args)
    if filters.errors:
        abort(400, description="; ".join(filters.errors))
    page = _int_arg("page", 1, 1, 10_000_000)
    per_page = _int_arg("per_page", 100, 1, MAX_PER_PAGE)
    with appstate.database().sessions() as s:
        result = queries.queue(s, filters, page, per_page, cache=appstate.counts_cache())
        related = export.load_related(s, result.rows)
        items = [api_record(i, related[i.id]) for i in result.rows]
        return jsonify(
            {
                "total": result.total,
                "page": result.page,
                "pages": result.pages,
                "per_page": per_page,
                "filters": filters.query_args(),
                "incidents": items,
            }
        )


@bp.route("/incidents/<int:incident_id>")
def get_incident(incident_id: int) -> Response:
    """One incident with its claims (its merge family's), actors and source articles."""
    with appstate.database().sessions() as s:
        view = queries.incident_view(s, incident_id)
        if view is None:
            abort(404, description=f"incident {incident_id} does not exist")
        record = api_record(view.incident, export.load_related(s, [view.incident])[incident_id])
        # The merge family's claims: the ones the figures are computed over.
        record["claims"] = [_claim(c) for c in view.claims]
        record["actors"] = [
            {
                "actor": a.actor,
                "type": a.actor_type,
                "role": a.role,
                "as_written": a.as_written,
                "origin": a.origin,
                "article_id": a.article_id,
            }
            for a in view.actors
        ]
        record["sources"] = [
            {
                "article_id": av.article.id,
                "url": av.article.url,
                "title": av.article.title,
                "source": av.source_name,
                "language": av.article.language,
                "published_at": (
                    av.article.published_at.isoformat() if av.article.published_at else None
                ),
            }
            for av in view.articles
        ]
        record["merged_from"] = [c.id for c in view.merged_children]
        if view.reference is not None:
            ref = view.reference
            record["reference"] = {
                "dataset": ref.dataset,
                "external_id": ref.external_id,
                "event_date": ref.event_date.isoformat(),
                "location": ref.location,
                "fatalities": ref.fatalities,
            }
        return jsonify(record)


def _claim(c: Claim) -> dict[str, Any]:
    return {
        "id": c.id,
        "incident_id": c.incident_id,
        **export.claim_figure(c),
        "quote": c.quote,
        "article_id": c.article_id,
        "published_at": c.published_at.isoformat() if c.published_at else None,
        "origin": c.origin,
        "superseded": c.superseded,
    }


__all__ = ["api_record", "bp", "error_response"]
