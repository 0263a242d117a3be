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
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

# -- vocabularies --------------------------------------------------------------
DocStatus = Literal["ok", "empty", "unsupported_language", "error"]
"""``ok`` analysed; ``empty`` no text; ``unsupported_language`` neither English nor
French; ``error`` a component failed on this text (``DocResult.error`` says how)."""
ClaimKind = Literal["killed", "injured", "abducted"]
VictimCategory = Literal[
    "civilians", "women", "children", "soldiers", "militants", "peacekeepers", "unknown"
]
"""Whom a figure counts: the categories of ``victims`` in ``claims_lexicon.json``, or
``unknown`` when the text names none of them."""
DocLang = Literal["en", "fr", "other"]
"""The language a text was analysed in; ``other`` is neither (``unsupported_language``)."""
DatePrecision = Literal["day", "week", "month", "year", "unknown"]
PlacePrecision = Literal["point", "admin2", "admin1", "country", "region", "unresolved"]
# Internal records of the components (nlp.claims, nlp.numbers, nlp.places, nlp.gazetteer).
LinkPosition = Literal["after", "before", "coordinated"]  # trigger relative to the number
QuantityKind = Literal["exact", "approx", "vague", "range"]
MentionKind = Literal["gaz", "country", "admin", "region", "unresolved"]
GazetteerSource = Literal["geonames", "overlay", "country"]

CLAIM_KINDS: tuple[ClaimKind, ...] = get_args(ClaimKind)
VICTIM_CATEGORIES: tuple[VictimCategory, ...] = get_args(VictimCategory)
DOC_LANGS: tuple[DocLang, ...] = get_args(DocLang)
DATE_PRECISIONS: tuple[DatePrecision, ...] = get_args(DatePrecision)
PLACE_PRECISIONS: tuple[PlacePrecision, ...] = get_args(PlacePrecision)
DOC_STATUSES: tuple[DocStatus, ...] = get_args(DocStatus)


@dataclass
class Location:
    """Where an incident happened, each field None when unknown; ``precision`` is
    None when no place was found."""

    name: str | None = None
    country: str | None = None  # ISO2
    admin1: str | None = None
    admin2: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    precision: PlacePrecision | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: the fields in order (DESIGN.md's ``location``)."""
        return asdict(self)


@dataclass
class Evidence:
    """A span of the text that supports an incident, with its character offsets."""

    text: str
    start: int | None
    end: int | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"text", "start", "end"}``."""
        return {"text": self.text, "start": self.start, "end": self.end}

    def shift(self, offset: int) -> None:
        """Offsets into a text that starts ``offset`` characters earlier."""
        self.start = _shifted(self.start, offset)
        self.end = _shifted(self.end, offset)


@dataclass
class ClaimRecord:
    """One casualty figure of an incident as ``analyze`` prints it: the fields of
    :class:`nlp.claims.Claim` without its spaCy side."""

    kind: ClaimKind
    min: int | None
    max: int | None
    qualifier: str | None  # as written ("at least", "une vingtaine", "dozens")
    victims_text: str | None  # the victims as the text names them
    victim_category: VictimCategory | None
    claimant: str | None  # "the army", "des sources locales"
    start: int | None  # character offsets of the quoted span (number through trigger)
    end: int | None
    sentence: tuple[int, int] | None  # offsets of the sentence it was read from
    revised: bool = False  # a superseded figure ("initially 25")
    update: bool = False  # a new toll replacing earlier ones ("the toll rose to 79")
    vague: bool = False  # "dozens", "several": a floor, not a count
    combined: bool = False  # "killed, injured or missing": an upper bound only
    number_start: int | None = None  # offsets of the number expression itself
    number_end: int | None = None
    subcategories: list[str] = field(default_factory=list)  # "including 6 children"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: the fields in order, ``sentence`` as a list."""
        out = asdict(self)
        out["sentence"] = list(self.sentence) if self.sentence is not None else None
        return out

    def shift(self, offset: int) -> None:
        """Offsets into a text that starts ``offset`` characters earlier."""
        self.start = _shifted(self.start, offset)
        self.end = _shifted(self.end, offset)
        self.number_start = _shifted(self.number_start, offset)
        self.number_end = _shifted(self.number_end, offset)
        if self.sentence is not None:
            self.sentence = (self.sentence[0] + offset, self.sentence[1] + offset)


def _shifted(value: int | None, offset: int) -> int | None:
    return value + offset if value is not None else None


@dataclass
class Figure:
    """A casualty figure as a range: "at least 40" is ``Figure(40, None)``."""

    min: int | None = None
    max: int | None = None

    def as_dict(self) -> dict[str, int | None]:
        """JSON-ready form: ``{"min", "max"}``."""
        return {"min": self.min, "max": self.max}


@dataclass
class Incident:
    """A candidate incident as ``analyze`` prints it (see DESIGN.md)."""

    killed: Figure
    injured: Figure
    abducted: Figure
    victims: list[str]
    location: Location
    perpetrators: list[str]
    targets: list[str]
    event_date: str | None  # ISO date
    event_date_end: str | None
    date_precision: DatePrecision
    aggregate: bool
    confidence: float
    evidence: list[Evidence]
    claims: list[ClaimRecord] = field(default_factory=list)
    # which event of the text the record belongs to: the records of one event (one per
    # victim side) share it; records of different events never do
    event: int = 0
    # the record's event is an earlier one the text recalls in passing ("two weeks
    # after 33 people were killed", "after Ogossagou (160 killed)"), not the news
    recalled: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, keys in DESIGN.md order."""
        return {
            "killed": self.killed.as_dict(),
            "injured": self.injured.as_dict(),
            "abducted": self.abducted.as_dict(),
            "victims": self.victims,
            "location": self.location.as_dict(),
            "perpetrators": self.perpetrators,
            "targets": self.targets,
            "event_date": self.event_date,
            "event_date_end": self.event_date_end,
            "date_precision": self.date_precision,
            "aggregate": self.aggregate,
            "confidence": self.confidence,
            "evidence": [e.as_dict() for e in self.evidence],
            "claims": [c.as_dict() for c in self.claims],
            "event": self.event,
            "recalled": self.recalled,
        }


@dataclass
class DocResult:
    """One text's analysis: ``{"id", "lang", "status", "incidents"}`` and, when they
    apply, ``input`` ("html-detected": HTML given as text was extracted first) and
    ``error`` (why a component failed, with ``status="error"``)."""

    id: str
    lang: DocLang
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
    values of the wrong type are dropped, an unknown status reads as ``ok``, an
    unknown language as ``other`` and an unknown victim category as none."""
    status = data.get("status", "ok")
    lang = data.get("lang")
    error = data.get("error")
    return DocResult(
        id=str(data.get("id", "")),
        lang=lang if lang in DOC_LANGS else "other",
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
    written = data.get("date_precision") or loc.get("date_precision")
    precision: DatePrecision
    if written in DATE_PRECISIONS:
        precision = written
    else:
        if start is None:
            precision = "unknown"
        elif end is not None and (end - start).days > 7:
            precision = "month"
        else:
            precision = "day"
    claims = [_claim(c) for c in data.get("claims") or () if isinstance(c, Mapping)]
    country = loc.get("country")
    place_precision = loc.get("precision")
    location = Location(
        name=_text(loc.get("name")),
        country=country.upper()[:2] if isinstance(country, str) and country else None,
        admin1=_text(loc.get("admin1")),
        admin2=_text(loc.get("admin2")),
        lat=_float(loc.get("lat")),
        lon=_float(loc.get("lon")),
        geonames_id=_count(loc.get("geonames_id")),
        precision=place_precision if place_precision in PLACE_PRECISIONS else None,
    )
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
            Evidence(str(e.get("text") or ""), _count(e.get("start")), _count(e.get("end")))
            for e in data.get("evidence") or ()
            if isinstance(e, Mapping)
        ],
        claims=[c for c in claims if c is not None],
        event=_count(data.get("event")) or 0,
        recalled=data.get("recalled") is True,
    )


def _claim(data: Mapping[str, Any]) -> ClaimRecord | None:
    kind = next((k for k in CLAIM_KINDS if k == data.get("kind")), None)
    if kind is None:
        return None
    figure = _figure(data)
    category = data.get("victim_category")
    return ClaimRecord(
        kind=kind,
        min=figure.min,
        max=figure.max,
        qualifier=_text(data.get("qualifier")),
        victims_text=_text(data.get("victims_text")),
        victim_category=category if category in VICTIM_CATEGORIES else None,
        claimant=_text(data.get("claimant")),
        start=_count(data.get("start")),
        end=_count(data.get("end")),
        sentence=_span(data.get("sentence")),
        revised=bool(data.get("revised")),
        update=bool(data.get("update")),
        vague=bool(data.get("vague")),
        combined=bool(data.get("combined")),
        number_start=_count(data.get("number_start")),
        number_end=_count(data.get("number_end")),
        subcategories=[str(s) for s in data.get("subcategories") or ()],
    )


def _span(value: Any) -> tuple[int, int] | None:
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    start, end = _count(value[0]), _count(value[1])
    return (start, end) if start is not None and end is not None else None


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


def _figure(value: Any) -> Figure:
    if not isinstance(value, Mapping):
        return Figure()
    lo, hi = _count(value.get("min")), _count(value.get("max"))
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    return Figure(lo, hi)
