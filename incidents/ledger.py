"""The claims ledger: an incident's figures computed from its claims under a policy.

Reports disagree and the disagreement is the information, so every figure is
stored as a :class:`storage.models.Claim` and the incident's ``killed_min`` …
columns are derived from them here. Two policies:

``conservative`` (as ACLED codes conflicting sources, and as the gold set's
conventions do): ``min`` is the lowest claimed minimum, ``max`` the highest
claimed maximum, or null when any claim is open-ended ("at least 40").
``best`` is the lowest credible figure, i.e. ``min``.

``best`` (UCDP's low / best / high): ``min`` is the low estimate (lowest claimed
minimum), ``max`` the high estimate (the highest figure anyone stated, so an
open-ended "at least 500" still gives a high of 500) and ``best`` the median of
the claims' point values (``median_low``, so the best estimate is always a
figure somebody actually claimed).

A reviewer's claim (``origin == "reviewer"``) of a kind wins outright for that
kind: the most recent one is the figure, whatever the machine claims say.

Merged incidents: when A is merged into B (A.status "merged", A.merged_into =
B.id) A keeps its claims, and B's figures are computed over B's claims plus
those of every incident merged into it (transitively). Splitting A back out is
then just un-merging it; nothing has to be moved back.

Locked fields (``Incident.locked_fields``, set by reviewer edits) are never
changed here. A lock on ``killed`` (the figure as a whole) locks ``killed_min``
and ``killed_max``; a lock on ``victims`` locks the victim list.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, aliased

from storage.models import CLAIM_KINDS, Claim, Incident

POLICIES = ("conservative", "best")


class ClaimLike(Protocol):
    """The parts of a claim the ledger reads (a ``Claim`` row, or a test double)."""

    kind: str
    min: int | None
    max: int | None
    origin: str
    superseded: bool
    article_id: int | None
    claimant: str | None
    victim_category: str | None


@dataclass(frozen=True)
class FigureRange:
    """An incident's figure for one kind under one policy."""

    min: int | None
    max: int | None
    best: int | None


@dataclass(frozen=True)
class ClaimSpread:
    """How far the claims of one kind disagree, for the review UI and the digest."""

    lowest: int | None
    highest: int | None
    n_claims: int
    n_sources: int
    claimants: list[str]

    def describe(self) -> str:
        """E.g. ``claims: 19–22, 3 sources`` (empty when there is no claim)."""
        if self.n_claims == 0:
            return ""
        if self.lowest == self.highest:
            figures = f"{self.lowest}"
        else:
            figures = f"{self.lowest}–{self.highest}"
        noun = "source" if self.n_sources == 1 else "sources"
        return f"claims: {figures}, {self.n_sources} {noun}"


class PolicyError(ValueError):
    """An unknown figures policy name."""


def _live(claims: Iterable[ClaimLike], kind: str) -> list[ClaimLike]:
    return [c for c in claims if c.kind == kind and not c.superseded]


def _recency_key(claim: ClaimLike) -> tuple[Any, int]:
    created = getattr(claim, "created_at", None)
    return (created.timestamp() if created is not None else 0.0, getattr(claim, "id", 0) or 0)


def _point(claim: ClaimLike) -> int | None:
    """One number for a claim: the exact value, a range's midpoint, or its one bound."""
    if claim.min is not None and claim.max is not None:
        return (claim.min + claim.max) // 2
    return claim.min if claim.min is not None else claim.max


def figure(claims: Sequence[ClaimLike], kind: str, policy: str) -> FigureRange:
    """The figure of one kind from ``claims`` under ``policy``."""
    if policy not in POLICIES:
        raise PolicyError(f"unknown figures policy {policy!r} (expected one of {POLICIES})")
    live = _live(claims, kind)
    reviewer = [c for c in live if c.origin == "reviewer"]
    if reviewer:
        winner = max(reviewer, key=_recency_key)
        if policy == "best":
            return FigureRange(winner.min, winner.max, _point(winner))
        return FigureRange(winner.min, winner.max, winner.min)
    if not live:
        return FigureRange(None, None, None)
    minimums = [c.min for c in live if c.min is not None]
    low = min(minimums) if minimums else None
    if policy == "conservative":
        open_ended = any(c.max is None and c.min is not None for c in live)
        maximums = [c.max for c in live if c.max is not None]
        high = None if open_ended or not maximums else max(maximums)
        return FigureRange(low, high, low)
    stated = [v for c in live for v in (c.min, c.max) if v is not None]
    high = max(stated) if stated else None
    points = [p for p in (_point(c) for c in live) if p is not None]
    best = statistics.median_low(points) if points else None
    return FigureRange(low, high, best)


def compute_figures(claims: Sequence[ClaimLike], policy: str) -> dict[str, FigureRange]:
    """Figures for killed / injured / abducted from ``claims`` under ``policy``.

    Superseded claims are ignored; a reviewer's claim of a kind wins for that kind.
    """
    return {kind: figure(claims, kind, policy) for kind in CLAIM_KINDS}


def spread(claims: Sequence[ClaimLike], kind: str) -> ClaimSpread:
    """The spread of the live claims of ``kind``: lowest and highest stated figure,
    how many claims and distinct sources (articles; reviewers count as one), and
    who claimed them, in first-seen order."""
    live = _live(claims, kind)
    stated = [v for c in live for v in (c.min, c.max) if v is not None]
    sources: set[object] = set()
    claimants: list[str] = []
    for c in live:
        sources.add(c.article_id if c.origin == "machine" else ("reviewer",))
        if c.claimant and c.claimant not in claimants:
            claimants.append(c.claimant)
    return ClaimSpread(
        lowest=min(stated) if stated else None,
        highest=max(stated) if stated else None,
        n_claims=len(live),
        n_sources=len(sources),
        claimants=claimants,
    )


def victim_categories(claims: Sequence[ClaimLike]) -> list[str]:
    """The distinct victim categories of the live claims, in first-seen order."""
    seen: list[str] = []
    for c in claims:
        if not c.superseded and c.victim_category and c.victim_category not in seen:
            seen.append(c.victim_category)
    return seen


@lru_cache(maxsize=1)
def _ledger_queries() -> tuple[Select[int], Select[Claim]]:
    """(ids, claims) of an incident's ledger — the incident (bound as ``ledger_root``)
    and every incident merged into it, transitively — one query each.

    A recursive CTE (UNION, not UNION ALL, so even a cycle would end), built once:
    constructing it costs more than running it.
    """
    tree = (
        select(Incident.id)
        .where(Incident.id == bindparam("ledger_root"))
        .cte("ledger", recursive=True)
    )
    child = aliased(Incident)
    tree = tree.union(
        select(child.id).where(child.merged_into == tree.c.id, child.status == "merged")
    )
    ids = select(tree.c.id)
    claims = (
        select(Claim)
        .where(Claim.incident_id.in_(select(tree.c.id)), Claim.superseded.is_(False))
        .order_by(Claim.id)
    )
    return ids, claims


def ledger_incident_ids(session: Session, incident_id: int) -> list[int]:
    """``incident_id`` and every incident merged into it, transitively."""
    found = set(session.scalars(_ledger_queries()[0], {"ledger_root": incident_id}))
    return [incident_id, *sorted(found - {incident_id})]


def ledger_claims(session: Session, incident: Incident) -> list[Claim]:
    """The claims an incident's figures are computed over (its own + merged-in ones)."""
    return list(session.scalars(_ledger_queries()[1], {"ledger_root": incident.id}))


def _locked(incident: Incident, field: str) -> bool:
    locked = set(incident.locked_fields or ())
    if field in locked:
        return True
    kind = field.rsplit("_", 1)[0]
    return kind in CLAIM_KINDS and kind in locked


def refresh_incident(session: Session, incident: Incident, policy: str) -> dict[str, list[Any]]:
    """Recompute ``incident``'s figure columns and victims from its ledger claims.

    Returns the changed fields as ``{field: [old, new]}`` (empty when nothing
    changed). Locked fields are left alone. Writes no audit row: the caller
    knows why the figures changed and records it.
    """
    claims = ledger_claims(session, incident)
    figures = compute_figures(claims, policy)
    wanted: dict[str, Any] = {}
    for kind, fig in figures.items():
        wanted[f"{kind}_min"] = fig.min
        wanted[f"{kind}_max"] = fig.max
    civilian_killed = [c for c in claims if c.victim_category == "civilians"]
    civ = figure(civilian_killed, "killed", policy)
    wanted["civilians_killed"] = civ.best
    wanted["victims"] = victim_categories(claims)
    wanted["figures_policy"] = policy
    changed: dict[str, list[Any]] = {}
    for field, new in wanted.items():
        if _locked(incident, field):
            continue
        old = getattr(incident, field)
        if old != new:
            changed[field] = [old, new]
            setattr(incident, field, new)
    return changed
