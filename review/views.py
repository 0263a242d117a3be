"""The reviewer's pages: the queue, the incident page, actions, look-ups and exports."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from incidents import decisions
from incidents import export as exporter
from review import appstate, claimview, editform, events, forms, queries
from review.auth import client_address, safe_next
from review.lookups import build_map, place_choice
from storage import seclog
from storage.articles import read_snapshot
from storage.models import (
    CLAIM_KINDS,
    DATE_PRECISIONS,
    DEATH_SIDES,
    EVENT_TYPES,
    GRADES,
    PLACE_PRECISIONS,
    Article,
)

bp = Blueprint("views", __name__)


def _page_arg() -> int:
    try:
        return forms.whole_number(request.args.get("page"), "page", lo=1) or 1
    except forms.FormError:
        return 1


@bp.route("/")
@bp.route("/queue")
def queue() -> str:
    """The prioritised, filterable queue."""
    filters = queries.QueueFilters.parse(request.args, default_kind="events")
    for error in filters.errors:
        flash(f"Filter ignored: {error}.", "error")
    with appstate.database().sessions() as s:
        page = queries.queue(s, filters, _page_arg(), cache=appstate.counts_cache())
        back: dict[str, Any] = filters.query_args(page=page.page)
        return render_template(
            "queue.html",
            page=page,
            filters=filters,
            statuses=("candidate", "confirmed", "rejected", "merged"),
            match_labels=queries.MATCH_LABELS,
            # rebuilt from the parsed filters: rows link back with it, and the raw
            # query string (any length, any junk) must not be repeated in every row
            here=url_for("views.queue", **back),
            event_groups=events.events_of(s, page.rows),
        )


@bp.route("/incidents/<int:incident_id>")
def incident(incident_id: int) -> str:
    """Everything about one incident, with its actions."""
    lookups = appstate.lookups()
    with appstate.database().sessions() as s:
        view = queries.incident_view(s, incident_id)
        if view is None:
            abort(404, description=f"incident {incident_id} does not exist")
        merge_query = request.args.get("merge_q", "")
        candidates = queries.merge_candidates(s, view.incident, merge_query)
        map_view = build_map(s, view.incident, lookups)
        place_q = request.args.get("place_q", "")[:100].strip()
        place_results = lookups.search_places(place_q, view.incident.country) if place_q else []
        return render_template(
            "incident.html",
            v=view,
            i=view.incident,
            kinds=CLAIM_KINDS,
            grades=GRADES,
            place_precisions=PLACE_PRECISIONS,
            date_precisions=DATE_PRECISIONS,
            victim_categories=decisions.VICTIM_CATEGORIES,
            segments=queries.highlight_segments,
            table=claimview.group_claims(view.claims),
            runs=claimview.article_runs,
            claim_value=claimview.claim_value,
            victims_display=claimview.victims_display,
            event_types=EVENT_TYPES,
            death_sides=DEATH_SIDES,
            note_max=decisions.NOTE_MAX,
            notes_max=editform.NOTES_MAX,
            merge_candidates=candidates,
            merge_query=merge_query,
            event=events.events_of(s, [view.incident]).get(view.incident.event_group or 0),
            merge_whys=events.merge_explanations(s, incident_id),
            map=map_view,
            place_q=place_q,
            place_results=place_results,
            place_error=lookups.gazetteer_error if place_q else None,
            actor_lexicon=sorted(lookups.actors().items()),
            back=safe_next(request.args.get("back"), url_for("views.queue")),
        )


def _version() -> int | None:
    try:
        version = forms.whole_number(request.form.get("version"), "version", hi=forms.MAX_ID)
    except forms.FormError:
        version = None
    if version is None:
        abort(400, description="the form has no incident version: reload the page")
    return version


def _int_list(name: str) -> list[int]:
    out = []
    for raw in request.form.getlist(name):
        value = forms.record_id(raw)
        if value is not None:
            out.append(value)
    return out


def _optional_int(name: str) -> int | None:
    try:
        return forms.whole_number(request.form.get(name), name, hi=forms.MAX_FIGURE)
    except forms.FormError as exc:
        raise decisions.ActionError(str(exc)) from None


def _do_confirm(s: Session, iid: int, v: int | None) -> decisions.ActionResult:
    return decisions.confirm(s, iid, v, g.user, request.form.get("note"))


def _do_reject(s: Session, iid: int, v: int | None) -> decisions.ActionResult:
    return decisions.reject(s, iid, v, g.user, request.form.get("reason") or "")


def _do_reopen(s: Session, iid: int, v: int | None) -> decisions.ActionResult:
    policy = appstate.settings().figures_policy
    return decisions.reopen(s, iid, v, g.user, request.form.get("note"), policy)


def _do_grade(s: Session, iid: int, v: int | None) -> decisions.ActionResult:
    return decisions.grade(s, iid, v, g.user, request.form.get("grade"))


def _do_seen(s: Session, iid: int, v: int | None) -> decisions.ActionResult:
    return decisions.evidence_seen(s, iid, v, g.user)


def _do_edit(s: Session, iid: int, v: int | None) -> decisions.ActionResult:
    changes = editform.parse_edit_form(request.form)
    return decisions.edit(
        s,
        iid,
        v,
        g.user,
        changes,
        request.form.get("note"),
        actor_types=appstate.lookups().actors(),
    )


def _do_code(s: Session, iid: int, v: int | None) -> decisions.ActionResult:
    changes = editform.parse_edit_form(
        {k: request.form[k] for k in decisions.CODING_FIELDS if k in request.form}
    )
    return decisions.edit(s, iid, v, g.user, changes, request.form.get("note"))


def _do_claim(s: Session, iid: int, v: int | None) -> decisions.ActionResult:
    return decisions.add_claim(
        s,
        iid,
        v,
        g.user,
        kind=request.form.get("kind", ""),
        minimum=_optional_int("min"),
        maximum=_optional_int("max"),
        victims_text=request.form.get("victims_text"),
        victim_category=request.form.get("victim_category"),
        note=request.form.get("note"),
        policy=appstate.settings().figures_policy,
    )


def _do_merge(s: Session, iid: int, v: int | None) -> decisions.ActionResult:
    into = forms.record_id(request.form.get("into"))
    if into is None:
        raise decisions.ActionError("Give the number of the incident to merge into.")
    return decisions.merge(
        s, iid, v, g.user, into, request.form.get("note"), appstate.settings().figures_policy
    )


def _do_split(s: Session, iid: int, v: int | None) -> decisions.ActionResult:
    article = forms.record_id(request.form.get("article_id"))
    return decisions.split(
        s,
        iid,
        v,
        g.user,
        claim_ids=_int_list("claim_id"),
        article_id=article,
        note=request.form.get("note"),
        policy=appstate.settings().figures_policy,
    )


ACTIONS: dict[str, Callable[[Session, int, int | None], decisions.ActionResult]] = {
    "confirm": _do_confirm,
    "reject": _do_reject,
    "reopen": _do_reopen,
    "grade": _do_grade,
    "seen": _do_seen,
    "edit": _do_edit,
    "code": _do_code,
    "claim": _do_claim,
    "merge": _do_merge,
    "split": _do_split,
}


@bp.route("/incidents/<int:incident_id>/<action>", methods=["POST"])
def act(incident_id: int, action: str) -> WerkzeugResponse:
    """Apply one reviewer action (POST + CSRF), then redirect (PRG)."""
    handler = ACTIONS.get(action)
    if handler is None:
        abort(404, description=f"unknown action {action!r}")
    version = _version()
    page = url_for("views.incident", incident_id=incident_id)
    try:
        with appstate.database().sessions.begin() as s:
            result = handler(s, incident_id, version)
    except decisions.StaleVersion as exc:
        flash(str(exc), "stale")
        kept = _kept_input(action)
        if kept:
            flash(f"What you entered: {kept}", "stale")
        return redirect(page)
    except decisions.ActionError as exc:
        flash(str(exc), "error")
        return redirect(safe_next(request.form.get("next"), page) if action == "confirm" else page)
    flash(result.message, "ok")
    # Tells the page script that this form's typed text was saved: its draft can go.
    flash(draft_key(incident_id, action), "done")
    target = request.form.get("next")
    if result.redirect_to is not None and result.redirect_to != incident_id and not target:
        return redirect(url_for("views.incident", incident_id=result.redirect_to))
    return redirect(safe_next(target, url_for("views.incident", incident_id=result.incident_id)))


def draft_key(incident_id: int, action: str) -> str:
    """The browser-side draft key of an action's form (see static/app.js)."""
    return f"incident-{incident_id}-{action}"


def _kept_input(action: str) -> str:
    # A refused decision is shown back to the reviewer so that nothing typed is lost.
    fields = {
        "reject": ["reason"],
        "edit": [*decisions.EDITABLE_FIELDS, "note"],
        "code": [*decisions.CODING_FIELDS, "note"],
        "claim": ["kind", "min", "max", "victims_text", "victim_category", "note"],
        "merge": ["into", "note"],
        "grade": ["grade"],
        "confirm": ["note"],
        "reopen": ["note"],
        "split": ["claim_id", "article_id", "note"],
    }.get(action, [])
    parts = [action]
    for name in fields:
        value = ", ".join(v for v in request.form.getlist(name) if v.strip())
        if value:
            parts.append(f"{name}={value[:300]}")
    return "; ".join(parts) if len(parts) > 1 else f"{action}"


@bp.route("/places")
def places() -> Response:
    """Gazetteer search for the place editor (JSON, for the signed-in reviewer)."""
    query = request.args.get("q", "")[:100]
    country = (request.args.get("country") or "").upper()[:2] or None
    lookups = appstate.lookups()
    found = lookups.search_places(query, country)
    return jsonify(
        {
            "query": query,
            "error": lookups.gazetteer_error,
            "places": [place_choice(p) for p in found],
        }
    )


EXPORT_FORMATS = {
    "json": ("application/json", "write_json"),
    "csv": ("text/csv; charset=utf-8", "write_csv"),
    "geojson": ("application/geo+json", "write_geojson"),
}


@bp.route("/export.<fmt>")
def export(fmt: str) -> Response:
    """Download incidents in one of the incidents stage's export formats."""
    if fmt not in EXPORT_FORMATS:
        abort(404, description=f"unknown export format {fmt!r}")
    mimetype, writer_name = EXPORT_FORMATS[fmt]
    writer: Callable[..., Any] = getattr(exporter, writer_name)
    status = request.args.get("status") or None
    if status is not None and status not in ("candidate", "confirmed", "rejected", "merged", "all"):
        abort(400, description=f"unknown status {status!r}")
    since_raw = request.args.get("since") or ""
    since: dt.date | None = None
    if since_raw:
        try:
            since = dt.date.fromisoformat(since_raw)
        except ValueError:
            abort(400, description=f"since: {since_raw!r} is not a date (YYYY-MM-DD)")
    db = appstate.database()

    # Written to a spooled file first: a database error then gives a clean error
    # response instead of a truncated download that looks complete.
    spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by generate()
        max_size=8 * 1024 * 1024, mode="w+", encoding="utf-8", newline=""
    )
    with db.sessions() as s:
        count = writer(s, spool, status=status, since=since)
    spool.seek(0)
    with db.sessions.begin() as s:
        seclog.record(
            s,
            seclog.EXPORT,
            user_id=g.user.id,
            username=g.user.username,
            address=client_address(),
            detail={"format": fmt, "status": status or "all", "since": since_raw, "rows": count},
        )

    def generate() -> Any:
        with spool:
            while chunk := spool.read(64 * 1024):
                yield chunk

    stamp = dt.date.today().isoformat()
    name = f"civwatch-incidents-{status or 'all'}-{stamp}.{fmt}"
    return Response(
        generate(),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/articles/<int:article_id>/snapshot")
def snapshot(article_id: int) -> Response:
    """The stored page as fetched, as plain text: never rendered as HTML from our origin."""
    snapshot_dir = (appstate.settings().data_dir / "snapshots").resolve()
    with appstate.database().sessions() as s:
        article = s.get(Article, article_id)
        if article is None or not article.snapshot_path:
            abort(404, description=f"article {article_id} has no stored snapshot")
        if not (snapshot_dir / article.snapshot_path).resolve().is_relative_to(snapshot_dir):
            abort(404, description=f"article {article_id} has no stored snapshot")
        try:
            body = read_snapshot(snapshot_dir, article)
        except OSError:
            abort(404, description=f"the snapshot file of article {article_id} is missing")
        except ValueError as exc:
            abort(409, description=str(exc))
    try:
        body.decode("utf-8")
        content_type = "text/plain; charset=utf-8"
    except UnicodeDecodeError:
        content_type = "text/plain"  # another encoding: the reader's browser picks one
    disposition = "attachment" if request.args.get("download") else "inline"
    return Response(
        body,
        content_type=content_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="article-{article_id}.html.txt"',
            # text/plain + nosniff already stop rendering; the sandbox keeps even a
            # browser that ignored them from running anything as our origin.
            "Content-Security-Policy": "sandbox; default-src 'none'",
        },
    )


@bp.route("/help")
def help_page() -> str:
    """The keyboard shortcuts (also shown by pressing ?)."""
    return render_template("help.html")
