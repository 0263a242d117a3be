"""The read-only JSON API, authenticated by per-user API tokens (``Authorization: Bearer``).

``GET /api/incidents`` takes the queue's filters (status defaults to all here)
plus ``page`` and ``per_page``; ``GET /api/incidents/<id>`` adds the claims,
actors and source articles.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, g, jsonify, request
from werkzeug.exceptions import HTTPException

from review import appstate, queries
from storage.models import CLAIM_KINDS, Claim, Incident, IncidentActor
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


def incident_record(incident: Incident, actors: list[IncidentActor]) -> dict[str, Any]:
    """The ``analyze`` fields of an incident plus id, status and review state."""
    record: dict[str, Any] = {"id": incident.id, "status": incident.status}
    for kind in CLAIM_KINDS:
        record[kind] = {
            "min": getattr(incident, f"{kind}_min"),
            "max": getattr(incident, f"{kind}_max"),
        }
    record.update(
        {
            "civilians_killed": incident.civilians_killed,
            "victims": list(incident.victims or []),
            "location": {
                "name": incident.place_name,
                "country": incident.country,
                "admin1": incident.admin1,
                "admin2": incident.admin2,
                "lat": incident.lat,
                "lon": incident.lon,
                "geonames_id": incident.geonames_id,
                "precision": incident.place_precision,
            },
            "perpetrators": _names(actors, "perpetrator"),
            "targets": _names(actors, "target"),
            "event_date": incident.event_date.isoformat() if incident.event_date else None,
            "event_date_end": (
                incident.event_date_end.isoformat() if incident.event_date_end else None
            ),
            "date_precision": incident.date_precision,
            "aggregate": incident.aggregate,
            "confidence": incident.confidence,
            "figures_policy": incident.figures_policy,
            "grade": incident.grade,
            "match_label": incident.match_label,
            "merged_into": incident.merged_into,
            "new_evidence": incident.new_evidence,
            "locked_fields": list(incident.locked_fields or []),
            "reviewed_at": incident.reviewed_at.isoformat() if incident.reviewed_at else None,
            "updated_at": incident.updated_at.isoformat() if incident.updated_at else None,
            "version": incident.version,
        }
    )
    return record


def _names(actors: list[IncidentActor], role: str) -> list[str]:
    out: list[str] = []
    for a in actors:
        if a.role == role and a.actor not in out:
            out.append(a.actor)
    return out


def _int_arg(name: str, default: int, lo: int, hi: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        abort(400, description=f"{name}: {raw!r} is not a whole number")
    if not lo <= value <= hi:
        abort(400, description=f"{name}: must be between {lo} and {hi}")
    return value


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
        result = queries.queue(s, filters, page, per_page)
        items = [incident_record(i, result.actors.get(i.id, [])) for i in result.rows]
        for item in items:
            item["n_sources"] = result.sources.get(item["id"], 0)
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
        record = incident_record(view.incident, view.actors)
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
        "kind": c.kind,
        "min": c.min,
        "max": c.max,
        "qualifier": c.qualifier,
        "victims_text": c.victims_text,
        "victim_category": c.victim_category,
        "claimant": c.claimant,
        "quote": c.quote,
        "article_id": c.article_id,
        "published_at": c.published_at.isoformat() if c.published_at else None,
        "origin": c.origin,
        "superseded": c.superseded,
    }


__all__ = ["bp", "error_response", "incident_record"]
