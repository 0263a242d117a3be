"""Incident entries of a digest, loaded in bulk: one query per table, not one per incident.

An entry shows the incident with the claims, actors, evidence and sources of
the incidents merged into it, so a digest of thousands of incidents builds in
seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from digest.content import Actor, Figure, IncidentEntry, SourceLink
from incidents.ledger import spread
from storage.models import (
    CLAIM_KINDS,
    Article,
    Claim,
    EvidenceMention,
    Incident,
    IncidentActor,
    ReferenceEvent,
    Source,
)

EVIDENCE_CHARS = 400
CHUNK = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's limits

T = TypeVar("T")


def chunks(items: Sequence[T]) -> Iterable[Sequence[T]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


class EntryLoader:
    """Bulk loading of everything an incident entry shows."""

    def __init__(self, session: Session, base_url: str) -> None:
        self.session = session
        self.base_url = base_url

    def _children(self, ids: Sequence[int]) -> dict[int, list[int]]:
        """incident id -> itself plus the incidents merged into it (transitively)."""
        family = {i: [i] for i in ids}
        owner = {i: i for i in ids}
        frontier = list(ids)
        while frontier:
            found: list[tuple[int, int]] = []
            for chunk in chunks(frontier):
                found.extend(
                    (row.id, row.merged_into)
                    for row in self.session.execute(
                        select(Incident.id, Incident.merged_into).where(
                            Incident.merged_into.in_(chunk), Incident.status == "merged"
                        )
                    )
                )
            frontier = []
            for child, parent in found:
                if child in owner or parent is None:
                    continue
                owner[child] = owner[parent]
                family[owner[parent]].append(child)
                frontier.append(child)
        return family

    def entries(self, rows: Sequence[Incident]) -> list[IncidentEntry]:
        if not rows:
            return []
        family = self._children([r.id for r in rows])
        owner = {member: top for top, members in family.items() for member in members}
        all_ids = sorted(owner)

        claims: dict[int, list[Claim]] = defaultdict(list)
        actors: dict[int, list[IncidentActor]] = defaultdict(list)
        evidence: dict[int, list[tuple[EvidenceMention, int]]] = defaultdict(list)
        article_ids: dict[int, list[int]] = defaultdict(list)
        for chunk in chunks(all_ids):
            for claim in self.session.scalars(
                select(Claim)
                .where(Claim.incident_id.in_(chunk), Claim.superseded.is_(False))
                .order_by(Claim.id)
            ):
                claims[owner[claim.incident_id]].append(claim)
                if claim.article_id is not None:
                    article_ids[owner[claim.incident_id]].append(claim.article_id)
            for actor in self.session.scalars(
                select(IncidentActor)
                .where(IncidentActor.incident_id.in_(chunk))
                .order_by(IncidentActor.id)
            ):
                actors[owner[actor.incident_id]].append(actor)
            for mention in self.session.scalars(
                select(EvidenceMention)
                .where(EvidenceMention.incident_id.in_(chunk))
                .order_by(EvidenceMention.id)
            ):
                # the incident's own sentences before those of merged-in reports
                rank = 0 if mention.incident_id == owner[mention.incident_id] else 1
                evidence[owner[mention.incident_id]].append((mention, rank))
                article_ids[owner[mention.incident_id]].append(mention.article_id)
        links = self.links({a for ids in article_ids.values() for a in ids})
        datasets = self._datasets({r.match_ref_id for r in rows if r.match_ref_id is not None})

        entries = []
        for row in rows:
            own_claims = claims.get(row.id, [])
            figures = []
            for kind in CLAIM_KINDS:
                lo, hi = getattr(row, f"{kind}_min"), getattr(row, f"{kind}_max")
                s = spread(own_claims, kind)
                if lo is None and hi is None and s.n_claims == 0:
                    continue
                figures.append(
                    Figure(kind, lo, hi, s.lowest, s.highest, s.n_claims, s.n_sources, s.claimants)
                )
            mentions = sorted(evidence.get(row.id, []), key=lambda m: (m[1], m[0].id))
            sentence = mentions[0][0].sentence.strip() if mentions else None
            if sentence and len(sentence) > EVIDENCE_CHARS:
                sentence = sentence[: EVIDENCE_CHARS - 1].rstrip() + "…"
            seen: list[int] = []
            for a in article_ids.get(row.id, []):
                if a not in seen:
                    seen.append(a)
            entries.append(
                IncidentEntry(
                    id=row.id,
                    url=f"{self.base_url}/incidents/{row.id}",
                    status=row.status,
                    event_date=row.event_date,
                    event_date_end=row.event_date_end,
                    date_precision=row.date_precision,
                    place=row.place_name,
                    country=row.country,
                    admin1=row.admin1,
                    admin2=row.admin2,
                    lat=row.lat,
                    lon=row.lon,
                    place_precision=row.place_precision,
                    perpetrators=_actors(actors.get(row.id, []), "perpetrator"),
                    targets=_actors(actors.get(row.id, []), "target"),
                    figures=figures,
                    victims=list(row.victims or []),
                    civilians_killed=row.civilians_killed,
                    aggregate=row.aggregate,
                    confidence=row.confidence,
                    match_label=row.match_label,
                    match_dataset=datasets.get(row.match_ref_id) if row.match_ref_id else None,
                    evidence=sentence,
                    sources=[links[a] for a in seen if a in links],
                    created_at=row.created_at,
                )
            )
        return entries

    def links(self, article_ids: Iterable[int]) -> dict[int, SourceLink]:
        ids = sorted(article_ids)
        out: dict[int, SourceLink] = {}
        for chunk in chunks(ids):
            for art_id, url, title, source in self.session.execute(
                select(Article.id, Article.url, Article.title, Source.name)
                .outerjoin(Source, Source.id == Article.source_id)
                .where(Article.id.in_(chunk))
            ):
                out[art_id] = SourceLink(url=url, title=title, source=source)
        return out

    def _datasets(self, ref_ids: set[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for chunk in chunks(sorted(ref_ids)):
            for ref_id, dataset in self.session.execute(
                select(ReferenceEvent.id, ReferenceEvent.dataset).where(
                    ReferenceEvent.id.in_(chunk)
                )
            ):
                out[ref_id] = dataset
        return out


def _actors(rows: Sequence[IncidentActor], role: str) -> list[Actor]:
    out: list[Actor] = []
    for r in rows:
        if r.role == role and all(a.name != r.actor for a in out):
            out.append(Actor(r.actor, r.actor_type))
    return out
