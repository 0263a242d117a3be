"""The audit trail: append-only rows of who did what to an incident.

Reviewers' actions and the pipeline's changes to existing incidents are both
recorded here (``user_id`` None for the pipeline), so the review UI shows one
history and the digest can report "what changed" from one place.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Review

# Reviewer actions
CONFIRM = "confirm"
REJECT = "reject"
REOPEN = "reopen"  # back to candidate
EDIT = "edit"  # any field; before/after hold the changed fields only
GRADE = "grade"
CLAIM_ADD = "claim_add"  # a reviewer's figure (a claim that wins)
MERGE = "merge"  # this incident merged into after["merged_into"]
SPLIT = "split"  # claims/articles moved out into after["new_incident_id"]
EVIDENCE_SEEN = "evidence_seen"  # "new evidence since review" acknowledged
# Pipeline actions (user_id is None)
PIPELINE_UPDATE = "pipeline_update"  # figures/place/date recomputed from new claims
PIPELINE_NEW_EVIDENCE = "pipeline_new_evidence"  # an article attached to a reviewed incident

ACTIONS = (
    CONFIRM,
    REJECT,
    REOPEN,
    EDIT,
    GRADE,
    CLAIM_ADD,
    MERGE,
    SPLIT,
    EVIDENCE_SEEN,
    PIPELINE_UPDATE,
    PIPELINE_NEW_EVIDENCE,
)


def record(
    session: Session,
    *,
    incident_id: int | None,
    user_id: int | None,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
) -> Review:
    """Append one audit row (JSON-serialisable before/after)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    row = Review(
        incident_id=incident_id,
        user_id=user_id,
        action=action,
        before=before or {},
        after=after or {},
        note=note,
    )
    session.add(row)
    session.flush()
    return row


def trail(session: Session, incident_id: int) -> list[Review]:
    """An incident's audit rows, oldest first."""
    return list(
        session.scalars(select(Review).where(Review.incident_id == incident_id).order_by(Review.id))
    )
