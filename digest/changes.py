"""What changed in the period for incidents not listed as new, from the audit trail."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from digest.content import ChangeEntry, ChangeItem, ChangeKind, Period, SourceLink
from digest.entries import EntryLoader, chunks
from digest.profiles import Profile
from storage import audit
from storage.models import CLAIM_KINDS, Incident, Review, User

FIGURE_FIELDS = (
    *(f"{k}_{b}" for k in CLAIM_KINDS for b in ("min", "max")),
    "civilians_killed",
)
PLACE_DATE_FIELDS = (
    "place_name",
    "country",
    "admin1",
    "admin2",
    "event_date",
    "event_date_end",
    "date_precision",
)
FIGURE_ACTIONS = (audit.PIPELINE_UPDATE, audit.CLAIM_ADD, audit.EDIT)
STATUS_ACTIONS = (audit.CONFIRM, audit.REJECT, audit.MERGE, audit.REOPEN, audit.SPLIT)
CHANGE_ACTIONS = (*FIGURE_ACTIONS, *STATUS_ACTIONS, audit.PIPELINE_NEW_EVIDENCE)


def collect_changes(
    session: Session,
    loader: EntryLoader,
    profile: Profile,
    period: Period,
    exclude: set[int],
) -> list[ChangeEntry]:
    """Audit rows of the period, per incident, for incidents not listed as new."""
    rows = [
        r
        for r in session.scalars(
            select(Review)
            .where(
                Review.created_at >= period.start,
                Review.created_at < period.end,
                Review.action.in_(CHANGE_ACTIONS),
                Review.incident_id.is_not(None),
            )
            .order_by(Review.created_at, Review.id)
        )
        if r.incident_id not in exclude
    ]
    if not rows:
        return []
    incident_ids = sorted({r.incident_id for r in rows if r.incident_id is not None})
    incidents: dict[int, Incident] = {}
    for chunk in chunks(incident_ids):
        for inc in session.scalars(select(Incident).where(Incident.id.in_(chunk))):
            if profile.place_matches(inc.country, inc.admin1):
                incidents[inc.id] = inc
    users = {
        uid: name
        for uid, name in session.execute(
            select(User.id, User.username).where(
                User.id.in_({r.user_id for r in rows if r.user_id is not None} or {-1})
            )
        )
    }
    new_article_ids = {a for r in rows for a in _article_ids(r.after)}
    links = loader.links(new_article_ids)

    items: dict[int, list[ChangeItem]] = defaultdict(list)
    for r in rows:
        if r.incident_id not in incidents:
            continue
        item = _change_item(r, users.get(r.user_id) if r.user_id else None, links)
        if item is not None:
            items[r.incident_id].append(item)
    entries_by_id = {e.id: e for e in loader.entries([incidents[i] for i in items])}
    changes = [ChangeEntry(entries_by_id[i], its) for i, its in items.items()]
    changes.sort(key=lambda c: c.items[0].at)
    return changes


def _article_ids(after: dict[str, Any]) -> list[int]:
    out: list[int] = []
    for key in ("article_id", "article_ids"):
        value = after.get(key)
        values = value if isinstance(value, list) else [value]
        out.extend(v for v in values if isinstance(v, int) and not isinstance(v, bool))
    return out


def _change_item(row: Review, user: str | None, links: dict[int, SourceLink]) -> ChangeItem | None:
    before, after = row.before or {}, row.after or {}

    def item(kind: ChangeKind, **extra: Any) -> ChangeItem:
        return ChangeItem(kind, row.action, row.created_at, user, note=row.note, **extra)

    figures = [
        (name, before.get(name), after.get(name))
        for name in FIGURE_FIELDS
        if name in after and before.get(name) != after.get(name)
    ]
    # merge and split write a second row on the other incident: "B absorbed A",
    # "N was split out of A" — with the figures that moved because of it
    if row.action == audit.MERGE and _int(after.get("merged_from")) is not None:
        return item("merged_from", fields=figures, related=_int(after.get("merged_from")))
    if row.action == audit.SPLIT:
        other = _int(after.get("new_incident_id"))
        return item("split", fields=figures, related=other)
    if row.action in STATUS_ACTIONS:
        merged = after.get("merged_into") if row.action == audit.MERGE else None
        status = (
            [("status", before.get("status"), after.get("status"))]
            if "status" in before or "status" in after
            else []
        )
        return item(
            "status", fields=status, merged_into=merged if isinstance(merged, int) else None
        )
    if row.action == audit.PIPELINE_NEW_EVIDENCE:
        sources = [links[a] for a in _article_ids(after) if a in links]
        url = after.get("url")
        if isinstance(url, str) and not any(s.url == url for s in sources):
            title = after.get("title")
            sources.append(SourceLink(url, title if isinstance(title, str) else None, None))
        return item("sources", sources=sources)
    changed = [
        (name, before.get(name), after.get(name))
        for name in sorted(set(before) | set(after), key=_field_order)
        if before.get(name) != after.get(name)
    ]
    if any(name in FIGURE_FIELDS for name, _, _ in changed):
        return item("figures", fields=[c for c in changed if c[0] in FIGURE_FIELDS])
    if row.action == audit.EDIT and changed:
        return item("edit", fields=changed)
    # the pipeline re-placing or re-dating an incident matters; its confidence does not
    moved = [c for c in changed if c[0] in PLACE_DATE_FIELDS]
    if row.action == audit.PIPELINE_UPDATE and moved:
        return item("edit", fields=moved)
    return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _field_order(name: str) -> tuple[int, str]:
    return (FIGURE_FIELDS.index(name) if name in FIGURE_FIELDS else len(FIGURE_FIELDS), name)
