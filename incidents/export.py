"""Exports of incidents: JSON, CSV (ACLED-like columns) and GeoJSON, streamed.

Incidents are read in keyset pages (``id > last ORDER BY id LIMIT n``) with
their actors, evidence, claims and sources loaded per page, and written as
they come, so exporting 100,000 incidents runs in bounded memory on SQLite and
PostgreSQL alike.

Filters: ``status`` (default: every status except ``merged`` — a merged
incident is a duplicate of another and would double-count), ``since`` (the
event date, or when the incident has no date, its creation day).

The record of one incident (``incident_record``) is the ``analyze`` incident
(killed/injured/abducted ranges, victims, location, perpetrators, targets,
dates, aggregate, confidence, evidence) plus ``id``, ``status``, ``sources``
(article URLs), the reference-match label and the claims behind the figures,
and the coding a reviewer checks: ACLED ``event_type`` / ``sub_event_type``,
deaths per side with a best estimate, notes. The match label of an incident no
imported reference data covers reads ``not checked``, never ``novel``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import IO, Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from incidents.eventgroups import EventTotals, events_of
from incidents.matching import match_label_text
from storage.models import (
    DEATH_SIDES,
    Article,
    Claim,
    EvidenceMention,
    Incident,
    IncidentActor,
    ReferenceEvent,
    Source,
)

PAGE = 1000
FORMATS = ("json", "csv", "geojson")
# ACLED's time_precision / geo_precision codes (1 = most precise).
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
GEO_PRECISION = {"point": 1, "admin2": 2, "admin1": 3, "country": 3, "region": 3}

CSV_COLUMNS = [
    # ACLED's names, where the column has an ACLED equivalent
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "iso",
    "country",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
    # civwatch's own
    "id",
    "status",
    "event_date_end",
    "date_precision",
    "place_precision",
    "geonames_id",
    "killed_min",
    "killed_max",
    "injured_min",
    "injured_max",
    "abducted_min",
    "abducted_max",
    "civilians_killed",
    *(f"deaths_{side}" for side in DEATH_SIDES),
    "deaths_best",
    "reviewer_notes",
    "victims",
    "aggregate",
    "confidence",
    "grade",
    "match_label",
    "match_score",
    "new_evidence",
    "source_urls",
    # one event, several records (one per victim side): the group and its totals
    "event_group",
    "event_records",
    "event_killed_min",
    "event_killed_max",
]


class ExportError(ValueError):
    """Bad export arguments (unknown format or status)."""


@dataclass
class Related:
    """What an incident's record needs beyond its own row."""

    actors: list[IncidentActor] = field(default_factory=list)
    evidence: list[tuple[EvidenceMention, str]] = field(default_factory=list)
    claims: list[tuple[Claim, str | None]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    ref: ReferenceEvent | None = None
    event: EventTotals | None = None


def load_related(session: Session, incidents: Sequence[Incident]) -> dict[int, Related]:
    """Actors, evidence (with article URLs), claims, sources and reference rows of
    ``incidents``, in a handful of queries."""
    ids = [i.id for i in incidents]
    out = {i: Related() for i in ids}
    if not ids:
        return out
    for actor in session.scalars(
        select(IncidentActor).where(IncidentActor.incident_id.in_(ids)).order_by(IncidentActor.id)
    ):
        out[actor.incident_id].actors.append(actor)
    rows = session.execute(
        select(EvidenceMention, Article.url, Source.name)
        .join(Article, Article.id == EvidenceMention.article_id)
        .outerjoin(Source, Source.id == Article.source_id)
        .where(EvidenceMention.incident_id.in_(ids))
        .order_by(EvidenceMention.incident_id, EvidenceMention.id)
    )
    for mention, url, outlet in rows:
        rel = out[mention.incident_id]
        rel.evidence.append((mention, url))
        if url not in rel.sources:
            rel.sources.append(url)
        if outlet and outlet not in rel.outlets:
            rel.outlets.append(outlet)
    for claim, url in session.execute(
        select(Claim, Article.url)
        .outerjoin(Article, Article.id == Claim.article_id)
        .where(Claim.incident_id.in_(ids))
        .order_by(Claim.id)
    ):
        out[claim.incident_id].claims.append((claim, url))
    ref_ids = {i.match_ref_id for i in incidents if i.match_ref_id is not None}
    if ref_ids:
        refs = {
            r.id: r
            for r in session.scalars(select(ReferenceEvent).where(ReferenceEvent.id.in_(ref_ids)))
        }
        for incident in incidents:
            if incident.match_ref_id is not None:
                out[incident.id].ref = refs.get(incident.match_ref_id)
    events = events_of(session, incidents)
    for incident in incidents:
        if incident.event_group is not None:
            out[incident.id].event = events.get(incident.event_group)
    return out


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def claim_figure(c: Claim) -> dict[str, Any]:
    """A claim's figure as its claimant stated it (the export's and the JSON API's fields)."""
    return {
        "kind": c.kind,
        "min": c.min,
        "max": c.max,
        "qualifier": c.qualifier,
        "victims_text": c.victims_text,
        "victim_category": c.victim_category,
        "claimant": c.claimant,
    }


def _names(actors: Sequence[IncidentActor], role: str) -> list[str]:
    # reviewer-made actors first: a reviewer's correction is what analysts want
    ordered = sorted(
        (a for a in actors if a.role == role), key=lambda a: (a.origin != "reviewer", a.id)
    )
    return list(dict.fromkeys(a.actor for a in ordered))


def incident_record(
    incident: Incident, related: Related | None = None, *, session: Session | None = None
) -> dict[str, Any]:
    """One incident as a JSON-ready dict (the analyze fields + id, status, sources,
    match). Pass ``related`` (from :func:`load_related`) or a ``session`` to load it."""
    if related is None:
        related = load_related(session, [incident])[incident.id] if session else Related()
    ref = related.ref
    return {
        "id": incident.id,
        "status": incident.status,
        "merged_into": incident.merged_into,
        "event_date": _iso(incident.event_date),
        "event_date_end": _iso(incident.event_date_end),
        "date_precision": incident.date_precision,
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
        "killed": {"min": incident.killed_min, "max": incident.killed_max},
        "injured": {"min": incident.injured_min, "max": incident.injured_max},
        "abducted": {"min": incident.abducted_min, "max": incident.abducted_max},
        "civilians_killed": incident.civilians_killed,
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "deaths": {
            **{side: getattr(incident, f"deaths_{side}") for side in DEATH_SIDES},
            "best": incident.deaths_best,
        },
        "notes": incident.notes,
        "victims": list(incident.victims or ()),
        "perpetrators": _names(related.actors, "perpetrator"),
        "targets": _names(related.actors, "target"),
        "aggregate": bool(incident.aggregate),
        "confidence": incident.confidence,
        "grade": incident.grade,
        "figures_policy": incident.figures_policy,
        "event_group": incident.event_group,
        "event": related.event.as_dict() if related.event is not None else None,
        "evidence": [
            {
                "text": m.sentence,
                "start": m.start,
                "end": m.end,
                "article_id": m.article_id,
                "url": url,
                "similarity": m.similarity,
            }
            for m, url in related.evidence
        ],
        "claims": [
            {
                **claim_figure(c),
                "origin": c.origin,
                "superseded": c.superseded,
                "incident_id": c.incident_id,
                "article_id": c.article_id,
                "url": url,
                "published_at": _iso(c.published_at),
            }
            for c, url in related.claims
        ],
        "sources": list(related.sources),
        "match": {
            "label": incident.match_label,
            "text": match_label_text(incident.match_label, ref),
            "dataset": ref.dataset if ref else None,
            "external_id": ref.external_id if ref else None,
            "score": incident.match_score,
        },
        "new_evidence": bool(incident.new_evidence),
        "created_at": _iso(incident.created_at),
        "updated_at": _iso(incident.updated_at),
    }


def iter_incidents(
    session: Session,
    *,
    status: str | None = None,
    since: dt.date | None = None,
    page: int = PAGE,
    with_coordinates: bool = False,
) -> Iterator[tuple[Incident, Related]]:
    """Incidents in id order with their related rows, one page in memory at a time."""
    conditions: list[Any] = []
    if status is None:
        conditions.append(Incident.status != "merged")
    elif status != "all":
        conditions.append(Incident.status == status)
    if since is not None:
        start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
        conditions.append(
            or_(
                Incident.event_date >= since,
                and_(Incident.event_date.is_(None), Incident.created_at >= start),
            )
        )
    if with_coordinates:
        conditions.extend([Incident.lat.is_not(None), Incident.lon.is_not(None)])
    last = 0
    while True:
        rows = list(
            session.scalars(
                select(Incident)
                .where(Incident.id > last, *conditions)
                .order_by(Incident.id)
                .limit(page)
            )
        )
        if not rows:
            return
        related = load_related(session, rows)
        for incident in rows:
            yield incident, related[incident.id]
        last = rows[-1].id
        # Drop the page from the identity map: memory stays bounded.
        session.expunge_all()


def check_args(fmt: str, status: str | None) -> None:
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (expected json, csv or geojson)")
    allowed = ("candidate", "confirmed", "rejected", "merged", "all")
    if status is not None and status not in allowed:
        raise ExportError(f"unknown status {status!r} (expected one of {', '.join(allowed)})")


def write_json(
    session: Session, out: IO[str], status: str | None = None, since: dt.date | None = None
) -> int:
    """A JSON array of incident records, streamed to ``out``; returns the count."""
    n = 0
    out.write("[")
    for incident, related in iter_incidents(session, status=status, since=since):
        out.write(",\n" if n else "\n")
        out.write(json.dumps(incident_record(incident, related), ensure_ascii=False))
        n += 1
    out.write("\n]\n")
    return n


@cache
def country_name(iso2: str) -> str:
    """The country's English name as ACLED writes it (pycountry's common name)."""
    import pycountry

    entry = pycountry.countries.get(alpha_2=iso2)
    if entry is None:
        return iso2
    return str(getattr(entry, "common_name", None) or entry.name)


@cache
def iso_numeric(iso2: str) -> str:
    import pycountry

    entry = pycountry.countries.get(alpha_2=iso2)
    return str(int(entry.numeric)) if entry is not None else ""


def _blank(value: Any) -> Any:
    return "" if value is None else value


def csv_row(incident: Incident, related: Related) -> dict[str, Any]:
    """One CSV row (ACLED column names where there is an equivalent)."""
    perpetrators = _names(related.actors, "perpetrator")
    targets = _names(related.actors, "target")
    notes = related.evidence[0][0].sentence if related.evidence else ""
    event = related.event
    country = incident.country or ""
    return {
        "event_id_cnty": f"CW{incident.id}",
        "event_date": _blank(_iso(incident.event_date)),
        "year": incident.event_date.year if incident.event_date else "",
        "time_precision": TIME_PRECISION.get(incident.date_precision, ""),
        "event_type": _blank(incident.event_type),
        "sub_event_type": _blank(incident.sub_event_type),
        "actor1": perpetrators[0] if perpetrators else "",
        "assoc_actor_1": "; ".join(perpetrators[1:]),
        "actor2": targets[0] if targets else "",
        "assoc_actor_2": "; ".join(targets[1:]),
        "iso": iso_numeric(country) if country else "",
        "country": country_name(country) if country else "",
        "admin1": _blank(incident.admin1),
        "admin2": _blank(incident.admin2),
        "location": _blank(incident.place_name),
        "latitude": _blank(incident.lat),
        "longitude": _blank(incident.lon),
        "geo_precision": GEO_PRECISION.get(incident.place_precision, ""),
        "source": "; ".join(related.outlets),
        "notes": " ".join(notes.split()),
        # ACLED codes the lowest credible figure, as the conservative policy does
        "fatalities": _blank(incident.killed_min),
        "id": incident.id,
        "status": incident.status,
        "event_date_end": _blank(_iso(incident.event_date_end)),
        "date_precision": incident.date_precision,
        "place_precision": incident.place_precision,
        "geonames_id": _blank(incident.geonames_id),
        "killed_min": _blank(incident.killed_min),
        "killed_max": _blank(incident.killed_max),
        "injured_min": _blank(incident.injured_min),
        "injured_max": _blank(incident.injured_max),
        "abducted_min": _blank(incident.abducted_min),
        "abducted_max": _blank(incident.abducted_max),
        "civilians_killed": _blank(incident.civilians_killed),
        **{f"deaths_{side}": _blank(getattr(incident, f"deaths_{side}")) for side in DEATH_SIDES},
        "deaths_best": _blank(incident.deaths_best),
        "reviewer_notes": " ".join((incident.notes or "").split()),
        "victims": "; ".join(incident.victims or ()),
        "aggregate": "true" if incident.aggregate else "false",
        "confidence": incident.confidence,
        "grade": _blank(incident.grade),
        "match_label": match_label_text(incident.match_label, related.ref),
        "match_score": _blank(incident.match_score),
        "new_evidence": "true" if incident.new_evidence else "false",
        "source_urls": " ".join(related.sources),
        "event_group": _blank(incident.event_group),
        "event_records": " ".join(str(r.id) for r in event.records) if event else "",
        "event_killed_min": event.killed[0] if event else "",
        "event_killed_max": _blank(event.killed[1]) if event else "",
    }


# A spreadsheet runs a cell beginning with one of these as a formula (OWASP, "CSV
# injection"); place names, actors and notes come from crawled text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value: Any) -> Any:
    """``value`` with a leading apostrophe if it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(
    session: Session, out: IO[str], status: str | None = None, since: dt.date | None = None
) -> int:
    """CSV with a header row, streamed to ``out`` (open it with ``newline=""``).

    Text cells that would start a formula are neutralised (:func:`inert_cell`)."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    n = 0
    for incident, related in iter_incidents(session, status=status, since=since):
        writer.writerow({k: inert_cell(v) for k, v in csv_row(incident, related).items()})
        n += 1
    return n


def write_geojson(
    session: Session, out: IO[str], status: str | None = None, since: dt.date | None = None
) -> int:
    """A GeoJSON FeatureCollection of the incidents with a resolved point."""
    n = 0
    out.write('{"type": "FeatureCollection", "features": [')
    for incident, related in iter_incidents(
        session, status=status, since=since, with_coordinates=True
    ):
        record = incident_record(incident, related)
        feature = {
            "type": "Feature",
            "id": incident.id,
            "geometry": {"type": "Point", "coordinates": [incident.lon, incident.lat]},
            "properties": record,
        }
        out.write(",\n" if n else "\n")
        out.write(json.dumps(feature, ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n


WRITERS = {"json": write_json, "csv": write_csv, "geojson": write_geojson}
