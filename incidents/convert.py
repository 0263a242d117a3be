"""From the NLP's typed result to what the processing stage stores.

One analysed incident (:class:`nlp.result.Incident`) becomes a
:class:`incidents.merge.Draft` (what merging compares), the column values of its
claims, and its evidence spans. Nothing here checks types: the NLP's result is
typed (results that arrive as JSON go through ``nlp.result.doc_result_from_dict``
first). What remains are the rules of storage: offsets must lie inside the
article's text, a range is stored low to high, text is cut to its column's size,
an unknown place precision is read from the finest field the location has.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from incidents import merge
from nlp.result import CLAIM_KINDS, Figure, Incident, Location, PlacePrecision


def draft_from_analysis(inc: Incident, *, published: dt.date | None = None) -> merge.Draft:
    """A ``Draft`` from one analysed incident; ``published``: the article's
    publication date (the window of an unknown date)."""
    loc = inc.location
    start, end = _day(inc.event_date), _day(inc.event_date_end)
    killed = _ordered(inc.killed.min, inc.killed.max)
    injured = _ordered(inc.injured.min, inc.injured.max)
    return merge.Draft(
        event_date=start,
        event_date_end=end if end != start else None,
        date_precision=inc.date_precision,
        place_name=loc.name or None,
        country=loc.country or None,
        admin1=loc.admin1 or None,
        admin2=loc.admin2 or None,
        lat=loc.lat,
        lon=loc.lon,
        geonames_id=loc.geonames_id,
        place_precision=loc.precision or place_precision(loc),
        perpetrators=list(inc.perpetrators),
        targets=list(inc.targets),
        killed_min=killed[0],
        killed_max=killed[1],
        injured_min=injured[0],
        injured_max=injured[1],
        victims=list(inc.victims),
        aggregate=inc.aggregate,
        confidence=inc.confidence,
        published=published,
        nlp_event=inc.event,
        recalled=inc.recalled,
    )


def _counted(lo: int | None, hi: int | None, figure: Figure) -> bool:
    """Whether the incident's own figure counts a claim of ``lo``–``hi``.

    The analyser sets a figure aside when it is vague beside an exact one ("heavy
    losses", "five killed"), a combined "killed or injured" beside a plain toll, or
    an earlier toll a later one raised; such a claim lies outside the incident's
    range. Stored as superseded, it stays evidence without lowering the ledger's
    figures below what the analyser found in the same text.
    """
    if figure.min is not None and lo is not None and lo < figure.min:
        return False
    return not (figure.max is not None and hi is not None and hi > figure.max)


def place_precision(loc: Location) -> PlacePrecision:
    """The precision of a location that names none: its finest known field."""
    if loc.lat is not None and loc.lon is not None:
        return "point"
    if loc.admin2:
        return "admin2"
    if loc.admin1:
        return "admin1"
    if loc.country:
        return "country"
    return "unresolved"


def claims_from_analysis(inc: Incident, text: str) -> list[dict[str, Any]]:
    """The claims of one analysed incident, as Claim column values.

    The analyzer's claims when it gives some; otherwise one claim per figure of
    the incident, spanning its first evidence sentence.
    """
    out: list[dict[str, Any]] = []
    if inc.claims:
        for c in inc.claims:
            lo, hi = _ordered(c.min, c.max)
            if lo is None and hi is None:
                continue
            span = span_in(text, c.start, c.end)
            out.append(
                {
                    "kind": c.kind,
                    "min": lo,
                    "max": hi,
                    "qualifier": clip(c.qualifier, 100),
                    "victims_text": clip(c.victims_text, 300),
                    "victim_category": clip(c.victim_category, 32),
                    "claimant": clip(c.claimant, 300),
                    "start": span[0] if span else None,
                    "end": span[1] if span else None,
                    "quote": text[span[0] : span[1]] if span else None,
                    # "initially 25": the NLP marks a figure the text itself revised;
                    # "heavy losses" beside "five killed": a figure it did not count
                    "superseded": c.revised or not _counted(lo, hi, getattr(inc, c.kind)),
                }
            )
        return out
    first = inc.evidence[0] if inc.evidence else None
    span = span_in(text, first.start, first.end) if first else None
    for kind in CLAIM_KINDS:
        figure: Figure = getattr(inc, kind)
        lo, hi = _ordered(figure.min, figure.max)
        if lo is None and hi is None:
            continue
        out.append(
            {
                "kind": kind,
                "min": lo,
                "max": hi,
                "qualifier": None,
                "victims_text": None,
                "victim_category": inc.victims[0] if len(inc.victims) == 1 else None,
                "claimant": None,
                "start": span[0] if span else None,
                "end": span[1] if span else None,
                "quote": text[span[0] : span[1]] if span else None,
            }
        )
    return out


def evidence_spans(inc: Incident, text: str) -> dict[tuple[int, int], str]:
    """``(start, end) -> sentence`` of the incident's evidence that lies inside ``text``."""
    spans: dict[tuple[int, int], str] = {}
    for ev in inc.evidence:
        span = span_in(text, ev.start, ev.end)
        if span is not None:
            spans.setdefault(span, text[span[0] : span[1]])
    return spans


def span_in(text: str, start: int | None, end: int | None) -> tuple[int, int] | None:
    """``(start, end)`` when it is a span of ``text``, else None."""
    if start is None or end is None or start < 0 or end < start or end > len(text):
        return None
    return start, end


def clip(value: str | None, limit: int) -> str | None:
    """``value`` cut to a column of ``limit`` characters; None for no text."""
    if value is None or value == "":
        return None
    return str(value)[:limit]


def _ordered(lo: int | None, hi: int | None) -> tuple[int | None, int | None]:
    # claims.min <= claims.max is a constraint of the table
    if lo is not None and hi is not None and lo > hi:
        return hi, lo
    return lo, hi


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
