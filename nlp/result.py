"""The NLP's typed result: what :meth:`nlp.analyze.Analyzer.analyze_docs` yields.

:class:`DocResult` is one text's outcome (its ``status`` a named value, never a
free string) with its :class:`Incident` records. Code inside the project reads
these attributes; only the JSON outputs (``civwatch analyze``, ``civwatch eval``)
turn them into dicts, with :meth:`DocResult.as_dict` — the DESIGN.md contract.
:func:`doc_result_from_dict` is the one way back, for results that arrive as
JSON (a file written by ``analyze --jsonl``, hand-written test inputs).

The vocabularies of the NLP's records (kinds, precisions, sources) are named
here too, so that a ``Literal`` says what a comment used to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

# -- vocabularies --------------------------------------------------------------
DocStatus = Literal["ok", "empty", "unsupported_language", "error"]
"""``ok`` analysed; ``empty`` no text; ``unsupported_language`` neither English nor
French; ``error`` a component failed on this text (``DocResult.error`` says how)."""
ClaimKind = Literal["killed", "injured", "abducted"]
DatePrecision = Literal["day", "week", "month", "year", "unknown"]
PlacePrecision = Literal["point", "admin2", "admin1", "country", "region", "unresolved"]
# Internal records of the components (nlp.claims, nlp.numbers, nlp.places, nlp.gazetteer).
LinkPosition = Literal["after", "before", "coordinated"]  # trigger relative to the number
QuantityKind = Literal["exact", "approx", "vague", "range"]
MentionKind = Literal["gaz", "country", "admin", "region", "unresolved"]
GazetteerSource = Literal["geonames", "overlay", "country"]

CLAIM_KINDS: tuple[ClaimKind, ...] = get_args(ClaimKind)
DATE_PRECISIONS: tuple[DatePrecision, ...] = get_args(DatePrecision)
PLACE_PRECISIONS: tuple[PlacePrecision, ...] = get_args(PlacePrecision)
DOC_STATUSES: tuple[DocStatus, ...] = get_args(DocStatus)


# Keys of ``Incident.location`` (None when unknown); ``precision`` is a PlacePrecision
# or None when no place was found.
LOCATION_KEYS = ("name", "country", "admin1", "admin2", "lat", "lon", "geonames_id", "precision")
# Keys of each ``Incident.claims`` entry: ``nlp.claims.Claim.as_dict``.
CLAIM_KEYS = (
    "kind",
    "min",
    "max",
    "qualifier",
    "victims_text",
    "victim_category",
    "claimant",
    "start",
    "end",
    "sentence",
    "revised",
    "update",
    "vague",
    "combined",
    "number_start",
    "number_end",
    "subcategories",
)


@dataclass
class Incident:
    """A candidate incident as ``analyze`` prints it (see DESIGN.md)."""

    killed: dict[str, int | None]  # {"min", "max"}: "at least 40" is 40, None
    injured: dict[str, int | None]
    abducted: dict[str, int | None]
    victims: list[str]
    location: dict[str, Any]  # LOCATION_KEYS
    perpetrators: list[str]
    targets: list[str]
    event_date: str | None  # ISO date
    event_date_end: str | None
    date_precision: str  # a DatePrecision
    aggregate: bool
    confidence: float
    evidence: list[dict[str, Any]]  # {"text", "start", "end"}
    claims: list[dict[str, Any]] = field(default_factory=list)  # CLAIM_KEYS

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, keys in DESIGN.md order."""
        return {
            "killed": self.killed,
            "injured": self.injured,
            "abducted": self.abducted,
            "victims": self.victims,
            "location": self.location,
            "perpetrators": self.perpetrators,
            "targets": self.targets,
            "event_date": self.event_date,
            "event_date_end": self.event_date_end,
            "date_precision": self.date_precision,
            "aggregate": self.aggregate,
            "confidence": self.confidence,
            "evidence": self.evidence,
            "claims": self.claims,
        }


@dataclass
class DocResult:
    """One text's analysis: ``{"id", "lang", "status", "incidents"}`` and, when they
    apply, ``input`` ("html-detected": HTML given as text was extracted first) and
    ``error`` (why a component failed, with ``status="error"``)."""

    id: str
    lang: str  # "en", "fr" or "other"
    status: DocStatus = "ok"
    incidents: list[Incident] = field(default_factory=list)
    input: Literal["html-detected"] | None = None
    error: str | None = None

    def as_dict(self, *, with_id: bool = True) -> dict[str, Any]:
        """The JSON line of ``analyze --jsonl`` (without ``id``: the ``analyze`` object)."""
        out: dict[str, Any] = {"id": self.id} if with_id else {}
        out["lang"] = self.lang
        out["status"] = self.status
        if self.input is not None:
            out["input"] = self.input
        out["incidents"] = [incident.as_dict() for incident in self.incidents]
        if self.error is not None:
            out["error"] = self.error
        return out


# -- from JSON -----------------------------------------------------------------
def doc_result_from_dict(data: Mapping[str, Any]) -> DocResult:
    """A :class:`DocResult` from its JSON form, tolerant of what older or
    hand-written results lack or get wrong: missing keys take their defaults,
    values of the wrong type are dropped, an unknown status reads as ``ok``."""
    status = data.get("status", "ok")
    error = data.get("error")
    return DocResult(
        id=str(data.get("id", "")),
        lang=str(data.get("lang") or "other"),
        status=status if status in DOC_STATUSES else "ok",
        incidents=[
            incident_from_dict(i) for i in data.get("incidents") or () if isinstance(i, Mapping)
        ],
        input="html-detected" if data.get("input") == "html-detected" else None,
        error=str(error) if error is not None else None,
    )


def incident_from_dict(data: Mapping[str, Any]) -> Incident:
    """An :class:`Incident` from its JSON form (see :func:`doc_result_from_dict`).

    A missing ``date_precision`` is read from the dates: none → unknown, a span of
    more than a week → month, else day."""
    loc = data.get("location")
    loc = loc if isinstance(loc, Mapping) else {}
    start, end = _iso(data.get("event_date")), _iso(data.get("event_date_end"))
    precision = data.get("date_precision") or loc.get("date_precision")
    if precision not in DATE_PRECISIONS:
        if start is None:
            precision = "unknown"
        elif end is not None and (end - start).days > 7:
            precision = "month"
        else:
            precision = "day"
    country = loc.get("country")
    location = {
        "name": _text(loc.get("name")),
        "country": country.upper()[:2] if isinstance(country, str) and country else None,
        "admin1": _text(loc.get("admin1")),
        "admin2": _text(loc.get("admin2")),
        "lat": _float(loc.get("lat")),
        "lon": _float(loc.get("lon")),
        "geonames_id": _count(loc.get("geonames_id")),
        "precision": loc.get("precision") if loc.get("precision") in PLACE_PRECISIONS else None,
    }
    return Incident(
        killed=_figure(data.get("killed")),
        injured=_figure(data.get("injured")),
        abducted=_figure(data.get("abducted")),
        victims=_names(data.get("victims")),
        location=location,
        perpetrators=_names(data.get("perpetrators")),
        targets=_names(data.get("targets")),
        event_date=start.isoformat() if start else None,
        event_date_end=end.isoformat() if end else None,
        date_precision=precision,
        aggregate=bool(data.get("aggregate")),
        confidence=_float(data.get("confidence")) or 0.0,
        evidence=[
            {"text": str(e.get("text") or ""), "start": e.get("start"), "end": e.get("end")}
            for e in data.get("evidence") or ()
            if isinstance(e, Mapping)
        ],
        claims=[
            _claim(c)
            for c in data.get("claims") or ()
            if isinstance(c, Mapping) and c.get("kind") in CLAIM_KINDS
        ],
    )


def _claim(data: Mapping[str, Any]) -> dict[str, Any]:
    out = {key: data.get(key) for key in CLAIM_KEYS}
    figure = _figure(data)
    out["min"], out["max"] = figure["min"], figure["max"]
    for key in ("start", "end", "number_start", "number_end"):
        out[key] = _count(out[key])
    for key in ("qualifier", "victims_text", "victim_category", "claimant"):
        out[key] = _text(out[key])
    for key in ("revised", "update", "vague", "combined"):
        out[key] = bool(out[key])
    sentence = data.get("sentence")
    out["sentence"] = list(sentence) if isinstance(sentence, list | tuple) else None
    out["subcategories"] = list(data.get("subcategories") or ())
    return out


def _iso(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if value >= 0 else None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _names(value: Any) -> list[str]:
    return [str(v) for v in value or () if v] if isinstance(value, list | tuple) else []


def _figure(value: Any) -> dict[str, int | None]:
    if not isinstance(value, Mapping):
        return {"min": None, "max": None}
    lo, hi = _count(value.get("min")), _count(value.get("max"))
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    return {"min": lo, "max": hi}
