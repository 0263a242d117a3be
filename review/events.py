"""One event, several records: the records of one attack (one per victim side)
shown and confirmed together, and why merging attached each report.

Merging (``incidents/merge.py``) keeps one record per victim side — civilians,
soldiers, attackers, peacekeepers — and links the records of one event by
``Incident.event_group``. This module gives the queue, the incident page (the
``_event_group.html`` / ``_event_badge.html`` partials) and the digest the
event's total and per-side figures, and lets a reviewer confirm the whole event
at once (``POST /events/<group>/confirm``); each record keeps its own actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, g, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from incidents import decisions, eventgroups
from review import appstate
from review.auth import safe_next
from storage.models import Article, EvidenceMention, Incident

bp = Blueprint("events", __name__)

# The event's records and totals (queue badge, incident page): incidents/eventgroups.py
events_of = eventgroups.events_of


@dataclass(frozen=True)
class MergeWhy:
    """Why merging attached one article's report to this incident."""

    article_id: int
    url: str
    why: dict[str, Any]


def merge_explanations(session: Session, incident_id: int) -> list[MergeWhy]:
    """The stored explanations of the merges into ``incident_id``, one per article."""
    rows = session.execute(
        select(EvidenceMention.article_id, Article.url, EvidenceMention.merge_why)
        .join(Article, Article.id == EvidenceMention.article_id)
        .where(EvidenceMention.incident_id == incident_id, EvidenceMention.merge_why.is_not(None))
        .order_by(EvidenceMention.id)
    )
    seen: dict[int, MergeWhy] = {}
    for article_id, url, why in rows:
        if isinstance(why, dict) and article_id not in seen:
            seen[article_id] = MergeWhy(article_id, url, why)
    return list(seen.values())


@bp.route("/events/<int:group>/confirm", methods=["POST"])
def confirm_event(group: int) -> WerkzeugResponse:
    """Confirm every open record of one event (each audited as its own confirmation)."""
    back = safe_next(request.form.get("next"), url_for("views.queue"))
    note = request.form.get("note") or "confirmed with its event"
    done: list[int] = []
    with appstate.database().sessions.begin() as s:
        records = list(
            s.scalars(select(Incident).where(Incident.event_group == group).order_by(Incident.id))
        )
        for record in records:
            if record.status not in ("candidate", "rejected"):
                continue
            decisions.confirm(s, record.id, None, g.user, note)
            done.append(record.id)
    if not records:
        flash(f"Event {group} does not exist.", "error")
    elif done:
        flash(f"Event {group}: confirmed {', '.join(f'#{i}' for i in done)}.", "ok")
    else:
        flash(f"Event {group}: every record is already decided.", "ok")
    return redirect(back)
