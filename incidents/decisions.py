"""A reviewer's decisions on incidents, each one audited and optimistically locked:
confirm, reject, reopen, grade, edit, add a figure, merge, unmerge, split.

Every action takes the incident ``version`` the reviewer saw. If the incident
changed since (another reviewer, or the pipeline), nothing is changed and
:class:`StaleVersion` says who changed it and how, so the second reviewer can
look again and re-apply their decision: no decision is silently lost or
overwritten. Every change appends one row to the audit trail
(``storage.audit.record``) holding only the changed fields, before and after.

Merging: ``merge(A, into=B)`` sets A.status "merged" and A.merged_into = B and
moves nothing. B's figures are computed over the claims of B's *merge family*
(B plus every incident merged into B, transitively), so a merge is undone
exactly by :func:`unmerge` (A goes back to candidate with its own claims,
evidence and actors), and :func:`split` moves chosen claims or one article's
claims, evidence and actors out into a new incident.

The functions flush but never commit: the caller owns the transaction
(``with db.sessions.begin() as session``). They take typed values and know
nothing of the web: the review UI parses its forms (``review.editform``) and
calls them, and so can a command or the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from incidents import ledger
from storage import audit
from storage.models import (
    CLAIM_KINDS,
    EVENT_TYPES,
    GRADES,
    INCIDENT_CODING_FIELDS,
    INCIDENT_DATE_FIELDS,
    INCIDENT_PLACE_FIELDS,
    Claim,
    EvidenceMention,
    Incident,
    IncidentActor,
    Review,
    User,
    utcnow,
)

# Fields a reviewer may edit directly; editing one locks it against the pipeline.
PLACE_FIELDS = INCIDENT_PLACE_FIELDS
DATE_FIELDS = INCIDENT_DATE_FIELDS
OTHER_FIELDS = ("aggregate", "victims")
ACTOR_FIELDS = ("perpetrators", "targets")
CODING_FIELDS = INCIDENT_CODING_FIELDS
EDITABLE_FIELDS = PLACE_FIELDS + DATE_FIELDS + OTHER_FIELDS + ACTOR_FIELDS + CODING_FIELDS
FIGURE_FIELDS = tuple(f"{kind}_{end}" for kind in CLAIM_KINDS for end in ("min", "max"))
VICTIM_CATEGORIES = ("civilians", "women", "children", "soldiers", "militants", "peacekeepers")
OPEN_STATUSES = ("candidate", "confirmed")
NOTE_MAX = 2000


class ReviewerLike(Protocol):
    """Who acts: a ``User`` row or the web app's signed-in user."""

    @property
    def id(self) -> int: ...

    @property
    def username(self) -> str: ...


class ActionError(ValueError):
    """An action that cannot be done, with a message for the reviewer."""


class StaleVersion(ActionError):
    """The incident changed since the reviewer loaded it; nothing was changed."""

    def __init__(self, incident_id: int, seen: int | None, current: int | None, by: str) -> None:
        self.incident_id = incident_id
        self.seen = seen
        self.current = current
        super().__init__(
            f"Incident {incident_id} was changed {by} after you opened it "
            f"(version {seen} → {current}). Your change was NOT applied: "
            "check the current state below and apply it again if it still holds."
        )


@dataclass(frozen=True)
class ActionResult:
    """What an action did, for the flash message and the redirect."""

    incident_id: int
    message: str
    redirect_to: int | None = None


# --- helpers --------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """A value as stored in audit before/after (dates as ISO strings)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def _last_change(session: Session, incident_id: int) -> str:
    row = session.scalar(
        select(Review).where(Review.incident_id == incident_id).order_by(Review.id.desc()).limit(1)
    )
    if row is None:
        return "by someone else"
    who = "the pipeline"
    if row.user_id is not None:
        user = session.get(User, row.user_id)
        who = user.username if user is not None else f"user #{row.user_id}"
    return f"by {who} ({row.action.replace('_', ' ')})"


def load(session: Session, incident_id: int, version: int | None) -> Incident:
    """The incident, refusing a stale ``version`` (None skips the check: API/CLI use)."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise ActionError(f"Incident {incident_id} does not exist.")
    if version is not None and incident.version != version:
        raise StaleVersion(
            incident_id, version, incident.version, _last_change(session, incident_id)
        )
    return incident


def _touch(incident: Incident) -> None:
    # Any reviewer action bumps the version (SQLAlchemy's version_id_col), even one
    # that only adds rows elsewhere, so a concurrent form on the same incident is stale.
    incident.updated_at = utcnow()


def _flush(session: Session, incident: Incident, seen: int | None) -> None:
    incident_id = incident.id  # read now: after a failed flush the row cannot be loaded
    try:
        session.flush()
    except StaleDataError as exc:
        # Another transaction committed between our read and our write.
        raise StaleVersion(incident_id, seen, None, "by someone else at the same moment") from exc


def _note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ActionError(
            f"The reason or note is too long ({len(note):,} characters; at most {NOTE_MAX:,}). "
            "Nothing was saved; what you typed is kept in the form."
        )
    return note or None


def merge_family(session: Session, root_id: int) -> list[int]:
    """``root_id`` and every incident merged into it, transitively (the ledger's rule)."""
    return ledger.ledger_incident_ids(session, root_id)


def family_claims(
    session: Session, incident: Incident, family: list[int] | None = None
) -> list[Claim]:
    """Every claim of ``incident``'s merge family, superseded ones included (for display)."""
    ids = family if family is not None else merge_family(session, incident.id)
    return list(session.scalars(select(Claim).where(Claim.incident_id.in_(ids)).order_by(Claim.id)))


def refresh_figures(session: Session, incident: Incident, policy: str) -> dict[str, list[Any]]:
    """Recompute ``incident``'s figures with the ledger (the pipeline's own policy code).

    Returns the changed fields {field: [old, new]}.
    """
    session.flush()
    return ledger.refresh_incident(session, incident, policy)


def _audit(
    session: Session,
    incident: Incident,
    user: ReviewerLike | None,
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str | None = None,
) -> None:
    audit.record(
        session,
        incident_id=incident.id,
        user_id=user.id if user is not None else None,
        action=action,
        before={k: jsonable(v) for k, v in (before or {}).items()},
        after={k: jsonable(v) for k, v in (after or {}).items()},
        note=note,
    )


def _reviewed(incident: Incident, user: ReviewerLike) -> None:
    incident.reviewed_at = utcnow()
    incident.reviewed_by = user.id


# --- status ---------------------------------------------------------------------


def confirm(
    session: Session,
    incident_id: int,
    version: int | None,
    user: ReviewerLike,
    note: str | None = None,
) -> ActionResult:
    """Confirm a candidate (or a rejected incident the reviewer changed their mind on)."""
    incident = load(session, incident_id, version)
    note = _note(note)
    if incident.status == "merged":
        raise ActionError(
            f"Incident {incident_id} is merged into {incident.merged_into}: "
            "unmerge it first or confirm the incident it was merged into."
        )
    if incident.status == "confirmed":
        raise ActionError(f"Incident {incident_id} is already confirmed.")
    _set_status(session, incident, version, user, "confirmed", audit.CONFIRM, note)
    return ActionResult(incident.id, f"Incident {incident.id} confirmed.")


def _set_status(
    session: Session,
    incident: Incident,
    version: int | None,
    user: ReviewerLike,
    status: str,
    action: str,
    note: str | None,
) -> None:
    """Move ``incident`` to ``status`` (a reviewer's decision unless it is reopened),
    check the version the reviewer saw and write the audit row."""
    before = {"status": incident.status}
    incident.status = status
    if status != "candidate":
        _reviewed(incident, user)
    _touch(incident)
    _flush(session, incident, version)
    _audit(session, incident, user, action, before, {"status": status}, note)


def reject(
    session: Session, incident_id: int, version: int | None, user: ReviewerLike, reason: str
) -> ActionResult:
    """Reject an incident; the reason is required and kept in the audit note."""
    incident = load(session, incident_id, version)
    reason = _note(reason) or ""
    if not reason:
        raise ActionError("A reason is required to reject an incident.")
    if incident.status in ("rejected", "merged"):
        raise ActionError(f"Incident {incident_id} is already {incident.status}.")
    _set_status(session, incident, version, user, "rejected", audit.REJECT, reason)
    return ActionResult(incident.id, f"Incident {incident.id} rejected.")


def reopen(
    session: Session,
    incident_id: int,
    version: int | None,
    user: ReviewerLike,
    note: str | None = None,
    policy: str = "conservative",
) -> ActionResult:
    """Back to candidate; a merged incident is unmerged (see :func:`unmerge`)."""
    incident = load(session, incident_id, version)
    if incident.status == "merged":
        return unmerge(session, incident_id, version, user, note, policy)
    if incident.status == "candidate":
        raise ActionError(f"Incident {incident_id} is already a candidate.")
    _set_status(session, incident, version, user, "candidate", audit.REOPEN, _note(note))
    return ActionResult(incident.id, f"Incident {incident.id} is a candidate again.")


def grade(
    session: Session, incident_id: int, version: int | None, user: ReviewerLike, value: str | None
) -> ActionResult:
    """Grade the sourcing: single_source / corroborated / contested (or clear it)."""
    incident = load(session, incident_id, version)
    value = value or None
    if value is not None and value not in GRADES:
        raise ActionError(f"Unknown grade {value!r}: expected one of {', '.join(GRADES)}.")
    if incident.grade == value:
        raise ActionError("The grade is unchanged.")
    before = {"grade": incident.grade}
    incident.grade = value
    _touch(incident)
    _flush(session, incident, version)
    _audit(session, incident, user, audit.GRADE, before, {"grade": value})
    return ActionResult(incident.id, f"Incident {incident.id} graded {value or '(none)'}.")


def evidence_seen(
    session: Session, incident_id: int, version: int | None, user: ReviewerLike
) -> ActionResult:
    """Acknowledge the new evidence attached since the last review."""
    incident = load(session, incident_id, version)
    if not incident.new_evidence:
        raise ActionError("There is no unseen new evidence on this incident.")
    incident.new_evidence = False
    _touch(incident)
    _flush(session, incident, version)
    _audit(
        session,
        incident,
        user,
        audit.EVIDENCE_SEEN,
        {"new_evidence": True},
        {"new_evidence": False},
    )
    return ActionResult(incident.id, "New evidence marked as seen.")


# --- edits ----------------------------------------------------------------------


def _actor_names(incident: Incident, role: str) -> list[str]:
    names: list[str] = []
    for a in incident.actors:
        if a.role == role and a.actor not in names:
            names.append(a.actor)
    return names


def edit(
    session: Session,
    incident_id: int,
    version: int | None,
    user: ReviewerLike,
    changes: Mapping[str, Any],
    note: str | None = None,
    actor_types: Mapping[str, str] | None = None,
) -> ActionResult:
    """Change editable fields; changed fields are locked against the pipeline.

    ``changes`` holds typed values (see :func:`parse_edit_form`); fields equal to
    the current value are ignored. Actors are given as the full list of names
    per role (perpetrators, targets).
    """
    incident = load(session, incident_id, version)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ActionError(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in changes.items():
        if name in ACTOR_FIELDS:
            role = "perpetrator" if name == "perpetrators" else "target"
            current = _actor_names(incident, role)
            if current != value:
                before[name], after[name] = current, list(value)
            continue
        current = getattr(incident, name)
        if name == "victims":
            current = list(current or [])
        if current != value:
            before[name], after[name] = current, value
    if not after:
        raise ActionError("Nothing changed.")
    event_type = after.get("event_type", incident.event_type)
    sub_type = after.get("sub_event_type", incident.sub_event_type)
    if sub_type is not None and sub_type not in EVENT_TYPES.get(event_type or "", ()):
        raise ActionError(f"The sub-event type {sub_type!r} is not a kind of {event_type!r}.")
    start = after.get("event_date", incident.event_date)
    end = after.get("event_date_end", incident.event_date_end)
    if start is not None and end is not None and end < start:
        raise ActionError("The end date is before the start date.")
    for name, value in after.items():
        if name in ACTOR_FIELDS:
            role = "perpetrator" if name == "perpetrators" else "target"
            _replace_actors(session, incident, role, value, actor_types or {})
        else:
            setattr(incident, name, value)
    incident.locked_fields = sorted(set(incident.locked_fields or []) | set(after))
    _touch(incident)
    _flush(session, incident, version)
    _audit(session, incident, user, audit.EDIT, before, after, _note(note))
    return ActionResult(incident.id, f"Saved: {', '.join(after)}.")


def _replace_actors(
    session: Session,
    incident: Incident,
    role: str,
    names: Sequence[str],
    actor_types: Mapping[str, str],
) -> None:
    # Rows of actors the reviewer kept stay as they are (their article provenance
    # is useful); removed ones are deleted (the audit row keeps the old list).
    keep = set(names)
    present: set[str] = set()
    for row in list(incident.actors):
        if row.role != role:
            continue
        if row.actor in keep:
            present.add(row.actor)
        else:
            incident.actors.remove(row)
            session.delete(row)
    for name in names:
        if name not in present:
            row = IncidentActor(
                actor=name,
                actor_type=actor_types.get(name),
                role=role,
                origin="reviewer",
                confidence=1.0,
            )
            incident.actors.append(row)
            present.add(name)


def add_claim(
    session: Session,
    incident_id: int,
    version: int | None,
    user: ReviewerLike,
    *,
    kind: str,
    minimum: int | None,
    maximum: int | None,
    victims_text: str | None = None,
    victim_category: str | None = None,
    note: str | None = None,
    policy: str = "conservative",
) -> ActionResult:
    """Add a reviewer's figure as a claim (it wins for its kind) and recompute."""
    incident = load(session, incident_id, version)
    if incident.status == "merged":
        raise ActionError(
            f"Incident {incident_id} is merged into {incident.merged_into}: "
            "enter figures on that incident."
        )
    if kind not in CLAIM_KINDS:
        raise ActionError(f"Unknown figure {kind!r}: expected one of {', '.join(CLAIM_KINDS)}.")
    if minimum is None and maximum is None:
        raise ActionError("Enter a minimum, a maximum or both.")
    if minimum is not None and minimum < 0:
        raise ActionError("A figure cannot be negative.")
    if minimum is not None and maximum is not None and maximum < minimum:
        raise ActionError("The maximum is below the minimum.")
    victim_category = victim_category or None
    if victim_category is not None and victim_category not in VICTIM_CATEGORIES:
        raise ActionError(f"Unknown victim category {victim_category!r}.")
    note = _note(note)
    claim = Claim(
        incident_id=incident.id,
        kind=kind,
        min=minimum,
        max=maximum,
        qualifier="reviewer",
        victims_text=(victims_text or "").strip()[:300] or None,
        victim_category=victim_category,
        claimant=user.username,
        origin="reviewer",
        user_id=user.id,
        published_at=utcnow(),
    )
    session.add(claim)
    session.flush()
    changed = refresh_figures(session, incident, policy)
    _touch(incident)
    _flush(session, incident, version)
    before = {name: old for name, (old, _new) in changed.items()}
    after: dict[str, Any] = {name: new for name, (_old, new) in changed.items()}
    after["claim"] = {
        "id": claim.id,
        "kind": kind,
        "min": minimum,
        "max": maximum,
        "victims_text": claim.victims_text,
        "victim_category": victim_category,
    }
    _audit(session, incident, user, audit.CLAIM_ADD, before, after, note)
    shown = _range_text(minimum, maximum)
    return ActionResult(incident.id, f"Reviewer figure added: {kind} {shown}.")


def _range_text(lo: int | None, hi: int | None) -> str:
    if lo is not None and hi is not None:
        return str(lo) if lo == hi else f"{lo}–{hi}"
    if lo is not None:
        return f"at least {lo}"
    return f"at most {hi}"


# --- merge and split ------------------------------------------------------------


def merge(
    session: Session,
    incident_id: int,
    version: int | None,
    user: ReviewerLike,
    into_id: int,
    note: str | None = None,
    policy: str = "conservative",
) -> ActionResult:
    """Merge ``incident_id`` into ``into_id`` (see the module docstring)."""
    incident = load(session, incident_id, version)
    if into_id == incident_id:
        raise ActionError("An incident cannot be merged into itself.")
    target = session.get(Incident, into_id)
    if target is None:
        raise ActionError(f"Incident {into_id} does not exist.")
    if incident.status == "merged":
        raise ActionError(
            f"Incident {incident_id} is already merged into {incident.merged_into}: "
            "unmerge it first."
        )
    if target.status == "merged":
        raise ActionError(
            f"Incident {into_id} is itself merged into {target.merged_into}: "
            f"merge into {target.merged_into} instead."
        )
    if target.status == "rejected":
        raise ActionError(f"Incident {into_id} is rejected: reopen it before merging into it.")
    if into_id in merge_family(session, incident_id):
        raise ActionError(f"Incident {into_id} is merged into {incident_id}: that would be a loop.")
    note = _note(note)
    before = {"status": incident.status, "merged_into": incident.merged_into}
    incident.status = "merged"
    incident.merged_into = target.id
    _reviewed(incident, user)
    _touch(incident)
    _flush(session, incident, version)
    _audit(
        session,
        incident,
        user,
        audit.MERGE,
        before,
        {"status": "merged", "merged_into": target.id},
        note,
    )
    changed = refresh_figures(session, target, policy)
    if target.new_evidence is False and target.status == "confirmed":
        # A confirmed incident just gained sources: flag them for a second look.
        target.new_evidence = True
        changed["new_evidence"] = [False, True]
    _touch(target)
    _flush(session, target, None)
    t_before: dict[str, Any] = {name: old for name, (old, _new) in changed.items()}
    t_after: dict[str, Any] = {name: new for name, (_old, new) in changed.items()}
    t_after["merged_from"] = incident.id
    _audit(session, target, user, audit.MERGE, t_before, t_after, note)
    return ActionResult(
        incident.id, f"Incident {incident.id} merged into {target.id}.", redirect_to=target.id
    )


def unmerge(
    session: Session,
    incident_id: int,
    version: int | None,
    user: ReviewerLike,
    note: str | None = None,
    policy: str = "conservative",
) -> ActionResult:
    """Undo a merge: the incident is a candidate again with its own claims."""
    incident = load(session, incident_id, version)
    if incident.status != "merged" or incident.merged_into is None:
        raise ActionError(f"Incident {incident_id} is not merged.")
    target = session.get(Incident, incident.merged_into)
    note = _note(note)
    before = {"status": "merged", "merged_into": incident.merged_into}
    incident.status = "candidate"
    incident.merged_into = None
    _touch(incident)
    _flush(session, incident, version)
    _audit(
        session,
        incident,
        user,
        audit.REOPEN,
        before,
        {"status": "candidate", "merged_into": None},
        note,
    )
    if target is not None:
        changed = refresh_figures(session, target, policy)
        _touch(target)
        _flush(session, target, None)
        t_before = {name: old for name, (old, _new) in changed.items()}
        t_after: dict[str, Any] = {name: new for name, (_old, new) in changed.items()}
        t_after["new_incident_id"] = incident.id
        t_after["unmerged"] = True
        _audit(session, target, user, audit.SPLIT, t_before, t_after, note)
    return ActionResult(incident.id, f"Incident {incident.id} unmerged; it is a candidate again.")


def split(
    session: Session,
    incident_id: int,
    version: int | None,
    user: ReviewerLike,
    *,
    claim_ids: Iterable[int] = (),
    article_id: int | None = None,
    note: str | None = None,
    policy: str = "conservative",
) -> ActionResult:
    """Move claims (or everything one article contributed) out into a new incident.

    The new incident starts as a candidate with the place and date of the
    incident it came from; the reviewer corrects them there.
    """
    incident = load(session, incident_id, version)
    if incident.status == "merged":
        raise ActionError(
            f"Incident {incident_id} is merged into {incident.merged_into}: "
            "to take it out again, unmerge it."
        )
    family = merge_family(session, incident.id)
    wanted = {int(c) for c in claim_ids}
    claims: list[Claim] = []
    if wanted:
        claims = list(
            session.scalars(
                select(Claim).where(Claim.id.in_(wanted), Claim.incident_id.in_(family))
            )
        )
        if len(claims) != len(wanted):
            raise ActionError("Some of the chosen claims do not belong to this incident.")
    evidence: list[EvidenceMention] = []
    actors: list[IncidentActor] = []
    if article_id is not None:
        claims += list(
            session.scalars(
                select(Claim).where(
                    Claim.article_id == article_id,
                    Claim.incident_id.in_(family),
                    Claim.id.not_in(wanted or {-1}),
                )
            )
        )
        evidence = list(
            session.scalars(
                select(EvidenceMention).where(
                    EvidenceMention.article_id == article_id,
                    EvidenceMention.incident_id.in_(family),
                )
            )
        )
        actors = list(
            session.scalars(
                select(IncidentActor).where(
                    IncidentActor.article_id == article_id,
                    IncidentActor.incident_id.in_(family),
                )
            )
        )
        if not claims and not evidence and not actors:
            raise ActionError(f"Article {article_id} is not a source of this incident.")
    if not claims and not evidence:
        raise ActionError("Choose at least one claim or one article to split out.")
    copied = {name: getattr(incident, name) for name in PLACE_FIELDS + DATE_FIELDS}
    new = Incident(
        status="candidate",
        aggregate=incident.aggregate,
        confidence=incident.confidence,
        figures_policy=policy,
        victims=[],
        locked_fields=[],
        **copied,
    )
    session.add(new)
    session.flush()
    moved_from: dict[int, list[int]] = {}
    for claim in claims:
        moved_from.setdefault(claim.incident_id, []).append(claim.id)
        claim.incident_id = new.id
    for mention in evidence:
        mention.incident_id = new.id
    for actor in actors:
        actor.incident_id = new.id
    session.flush()
    session.expire(incident, ["claims", "actors", "evidence"])
    changed = refresh_figures(session, incident, policy)
    refresh_figures(session, new, policy)
    _touch(incident)
    _flush(session, incident, version)
    note = _note(note)
    details: dict[str, Any] = {
        "new_incident_id": new.id,
        "claim_ids": sorted(c.id for c in claims),
        "article_id": article_id,
        "evidence_ids": sorted(m.id for m in evidence),
        "actor_ids": sorted(a.id for a in actors),
    }
    before: dict[str, Any] = {name: old for name, (old, _new) in changed.items()}
    after: dict[str, Any] = {name: new_value for name, (_old, new_value) in changed.items()}
    after.update(details)
    _audit(session, incident, user, audit.SPLIT, before, after, note)
    _audit(
        session,
        new,
        user,
        audit.SPLIT,
        {"split_from": incident.id},
        {"status": "candidate", **details},
        note,
    )
    return ActionResult(
        incident.id,
        f"Split out into new incident {new.id}: edit its place and date there.",
        redirect_to=new.id,
    )
