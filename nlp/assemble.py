"""Incident assembly: claims, places, actors and dates grouped into candidate incidents.

:func:`assemble` turns one processed ``Doc`` into a list of :class:`Incident`:

1. **Events.** Claims are read in text order. A claim joins the latest event it
   is compatible with — same aggregate flag, no conflicting place, no
   conflicting date, no "new event" cue between the two ("another", "the next
   day", "il y a un an", "in March" with no day), and not a clearly different
   toll of the same side in another sentence with no account cue ("according
   to", "the toll") — otherwise it opens a new event. Headline and body
   restating one toll therefore stay one event, and background incidents
   become their own records. A claim whose sentence names no place takes the
   village introduced since the previous claim ("Gunmen attacked Kobou. … 12
   were killed").
2. **Sides.** Inside an event, claims are grouped per victim side (civilians,
   soldiers, militants, peacekeepers), as the gold conventions code separate
   figures per side. Two figures of one kind and side in one sentence are two
   victim groups (84 Wagner fighters and 47 Malian soldiers), unless equal.
3. **Figures.** Per kind, under the conservative-range policy of the gold set:
   superseded tolls ("initially", "précédemment") give way to a current one;
   vague quantities ("dozens", "several") count only when no figure is given
   (then the highest floor wins); min is the lowest reported minimum, max the
   highest closed figure unless an open-ended one is higher; an explicit
   negation gives 0 only when nothing else is reported; a combined "killed or
   injured" figure is an upper bound used only when nothing better exists.
4. **Aggregates** ("since January", "in six attacks", "depuis 2015", "au total",
   a period date) are flagged ``aggregate=True`` so they never count as
   single incidents.
5. **Place**: the finest place written nearest to the figure in its sentence
   (skipping datelines, photo captions, reference points such as "border
   with", "km from", press rooms and evacuation destinations, and nationality
   words), else a village up to two sentences around it, else the country of
   the text.
6. **Actors**: by victim side — civilians' perpetrators are the armed actors
   named in the event's sentences (not those describing the setting, "jihadist
   attacks"); an air strike's are the state force that struck; soldiers'
   targets are the state forces and their perpetrators the armed groups;
   militants' perpetrators are the state forces. Actors only named as sources
   ("according to MINUSMA") are skipped; the last resort looks within the
   paragraph, not the whole text.
7. **Date**: the first non-reporting date of the event's sentences (a period
   for aggregates); a month with no day gives none for a single event.

Everything here is rules over the components' output; cue lists are data in
``nlp/data/<lang>/claims_events.json``.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span

from nlp.claims import KINDS, Claim, doc_text, fold
from nlp.dates import DateMention

DATA = Path(__file__).resolve().parent / "data"
ARMY_OF = {
    "ML": "Malian Armed Forces (FAMa)",
    "BF": "Burkinabe Armed Forces",
    "NE": "Nigerien Armed Forces (FAN)",
}
STATE_TYPES = {"state_forces", "foreign_forces", "private_military_company"}
ARMED_TYPES = {"armed_group", "militia", "unknown"}
COUNTRY_NAMES = {"ML": "Mali", "BF": "Burkina Faso", "NE": "Niger"}


@dataclass(frozen=True)
class EventCues:
    """Compiled segmentation cues of one language."""

    aggregate: re.Pattern[str]
    new_event: re.Pattern[str]
    location_exclude: re.Pattern[str]
    agent_before: re.Pattern[str]
    agent_after: re.Pattern[str]
    attack_event: re.Pattern[str]


@lru_cache(maxsize=4)
def load_cues(lang: str) -> EventCues:
    """Load ``nlp/data/<lang>/claims_events.json`` (English for other languages)."""
    lang = lang if lang in ("en", "fr") else "en"
    spec = json.loads((DATA / lang / "claims_events.json").read_text(encoding="utf-8"))

    def words(key: str, anchor: str) -> re.Pattern[str]:
        alt = "|".join(re.escape(fold(w)) for w in sorted(spec[key], key=len, reverse=True))
        return re.compile(anchor.format(alt))

    return EventCues(
        aggregate=re.compile("|".join(spec["aggregate"])),
        new_event=re.compile("|".join(spec["new_event"])),
        location_exclude=words("location_exclude_before", r"(?:{})\s*(?:the\s+|la\s+|le\s+)?$"),
        agent_before=words(
            "agent_before", r"(?<![\w])(?:{})\s+(?:the\s+|les\s+|des\s+|la\s+|le\s+|l')?$"
        ),
        agent_after=words("agent_after", r"^\s*(?:\w+\s+){{0,2}}?(?:{})(?![\w])"),
        attack_event=words("attack_event", r"(?<![\w])(?:{})(?![\w])"),
    )


@dataclass
class Incident:
    """A candidate incident as ``analyze`` prints it (see DESIGN.md)."""

    killed: dict[str, int | None]
    injured: dict[str, int | None]
    abducted: dict[str, int | None]
    victims: list[str]
    location: dict[str, Any]
    perpetrators: list[str]
    targets: list[str]
    event_date: str | None
    event_date_end: str | None
    date_precision: str
    aggregate: bool
    confidence: float
    evidence: list[dict[str, Any]]
    claims: list[dict[str, Any]] = field(default_factory=list)

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
class _Event:
    aggregate: bool
    place: Any | None  # nlp.places.Place
    place_rank: int  # see _rank; 3 = only a reference point was written
    date: DateMention | None
    claims: list[Claim] = field(default_factory=list)
    country: str | None = None  # when only a country is written
    multi_country: bool = False  # "in Mali, Burkina Faso and Niger": no single country

    @property
    def sentences(self) -> list[tuple[int, int]]:
        return sorted({c.sentence for c in self.claims})


def _places(doc: Doc) -> list[Span]:
    return list(doc.spans["places"]) if "places" in doc.spans else []


def _actors(doc: Doc) -> list[Span]:
    if "actors" not in doc.spans or not Span.has_extension("actor"):
        return []
    return [s for s in doc.spans["actors"] if s._.actor is not None]


def _same_place(a: Any, b: Any) -> bool:
    if a.geonames_id is not None and a.geonames_id == b.geonames_id:
        return True
    return bool(fold(a.name) == fold(b.name))


def _is_specific(place: Any) -> bool:
    return place.precision not in ("country",)


def _aggregate_flags(
    claims: list[Claim], norm: str, cues: EventCues, dates: list[DateMention]
) -> list[bool]:
    """Whether each claim is a period total, from cues around it.

    The period is often written once (in a headline "Quarterly note: 312
    killed", or at the end of a long sentence): a claim restating the same
    figure as a total elsewhere in the text is that total too, so headline and
    body stay one aggregate.
    """
    flags = []
    for claim in claims:
        s_start, s_end = claim.sentence
        window = norm[max(s_start, claim.start - 160) : min(s_end, claim.end + 60)]
        flags.append(
            bool(cues.aggregate.search(window))
            or any(d.period and s_start <= d.start < s_end for d in dates)
        )
    totals = {(c.kind, c.min) for c, f in zip(claims, flags, strict=True) if f}
    return [
        f or (c.min is not None and (c.kind, c.min) in totals)
        for c, f in zip(claims, flags, strict=True)
    ]


def assemble(
    doc: Doc,
    dates: list[DateMention],
    published: date | None,
    focus_countries: tuple[str, ...] = ("ML", "BF", "NE"),
) -> list[Incident]:
    """Candidate incidents of one processed document (see the module docstring)."""
    claims: list[Claim] = list(doc._.claims or [])
    cues = load_cues(doc.lang_)
    if not claims:
        return _figureless_incidents(doc, cues, focus_countries)
    norm = _folded(doc)
    claims = _others_of_the_same_force(claims)
    captions = _caption_ends(norm)
    places = [sp for sp in _places(doc) if not _in_caption(sp.start_char, captions)]
    dates = [d for d in dates if not _in_caption(d.start, captions)]
    events: list[_Event] = []
    prev: Claim | None = None
    flags = _aggregate_flags(claims, norm, cues, dates)
    for claim, aggregate in zip(claims, flags, strict=True):
        s_start, s_end = claim.sentence
        place, rank = _place_for(claim, places, norm, cues, aggregate)
        when = _date_for(claim, dates)
        if prev is not None and prev.sentence != claim.sentence and not aggregate:
            # "On Sunday gunmen attacked Kobou. … 12 were killed": the scene and the
            # day written since the previous claim belong to this one.
            lead = _lead_in(doc, prev, claim)
            if place is None and lead is not None:
                place, rank = _lead_place(lead, places, norm, cues)
        cue_zone = norm[
            prev.end if prev and prev.sentence == claim.sentence else s_start : claim.end + 40
        ]
        cue_zone = cue_zone[: max(0, min(len(cue_zone), s_end - (claim.end + 40) + len(cue_zone)))]
        new_cue = prev is not None and bool(cues.new_event.search(cue_zone))
        found = _bodies_found(claim, norm)
        target = None
        if not new_cue or found:
            for event in reversed(events):
                if not _compatible(event, claim, aggregate, place, rank, when):
                    continue
                if found and _within_toll(event, claim):
                    target = event
                    break
                if not (new_cue or _another_figure(event, claim, norm, place)):
                    target = event
                    break
        if target is not None and found and _within_toll(target, claim):
            prev = claim
            continue  # a count of the bodies found: part of the toll, not another figure
        if target is None:
            target = _Event(aggregate, place, rank, when)
            target.multi_country = _countries_in(claim.sentence, places) > 1
            events.append(target)
        else:
            if place is not None and (target.place is None or rank < target.place_rank):
                target.place, target.place_rank = place, rank
            if target.date is None and when is not None:
                target.date = when
        target.claims.append(claim)
        prev = claim

    country = _text_country(doc, places, focus_countries)
    incidents: list[Incident] = []
    first_single = next((e for e in events if not e.aggregate), None)
    for idx, event in enumerate(events):
        others = frozenset(s for e in events if e is not event for s in e.sentences)
        _refine_place(event, places, norm, cues, doc, first=event is first_single, others=others)
        if event.place is not None and not event.aggregate and event.place_rank == 2:
            # A country alone names no scene for a single event; it still gives the country.
            event.country = event.place.country
            event.place = None
        if event.date is None and not event.aggregate:
            event.date = _neighbour_date(event, dates, first=idx == 0)
        fallback = None if event.multi_country else country
        for group in _side_groups(event.claims):
            incidents.append(_incident(doc, event, group, event.country or fallback, cues))
    return incidents


_OTHER = re.compile(r"\b(?:other|others|autres?)\b")


def _others_of_the_same_force(claims: list[Claim]) -> list[Claim]:
    """ "Five peacekeepers were killed … nine other soldiers were wounded": "other"
    soldiers are more of the force just counted, peacekeepers here, not the army."""
    out: list[Claim] = []
    for claim in claims:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.victim_category == "peacekeepers"
            and claim.victim_category == "soldiers"
            and _OTHER.search(fold(claim.victims_text))
        ):
            claim = replace(claim, victim_category="peacekeepers")
        out.append(claim)
    return out


# A photo credit ends a caption: "Soldiers in Tahoua, 20 October 2016 ©AFP",
# "… on 19 June, 2017. Photo: AFP", "Image: Reuters".
_CREDIT = re.compile(r"©|\bphoto\s*:|\bimage\s*:|\(photo\b|\bphoto (?:afp|reuters|ap)\b")
CAPTION_CHARS = 80


def _caption_ends(norm: str) -> list[int]:
    return [m.start() for m in _CREDIT.finditer(norm)]


def _in_caption(offset: int, ends: list[int]) -> bool:
    """Whether a place or date is written in the caption a photo credit closes.

    Places and dates in a caption describe the picture (often an older one), not the
    event reported.
    """
    i = bisect.bisect_left(ends, offset)
    return i < len(ends) and ends[i] - offset <= CAPTION_CHARS


def _lead_in(doc: Doc, prev: Claim, claim: Claim) -> tuple[int, int] | None:
    """The text of up to two whole sentences between the previous claim and this one."""
    sents = _sentence_bounds(doc)
    inside = [s for s in sents if s[0] >= prev.sentence[1] and s[1] <= claim.sentence[0]]
    if not inside:
        return None
    inside = inside[-2:]
    return (inside[0][0], inside[-1][1])


_NEAR_BEFORE = re.compile(
    r"(?:near|close to|outside|pres d[e']|non loin d[e']|a proximite d[e']|aux environs d[e'])"
    r"\s*(?:the\s+|la\s+|le\s+)?(?:town of\s+|city of\s+|ville de\s+)?$"
)


def _lead_place(
    lead: tuple[int, int], places: list[Span], norm: str, cues: EventCues
) -> tuple[Any | None, int]:
    """The village or town a lead-in introduces: the first one not written as a landmark.

    "Gunmen targeted Yaru village near Bandiagara town": the scene is written first,
    the landmark after "near".
    """
    a, b = lead
    found = [
        sp
        for sp in places
        if a <= sp.start_char < b and _usable(sp, norm, cues) and _rank(sp._.place) == 0
    ]
    if not found:
        return None, 4
    direct = [
        sp
        for sp in found
        if not _NEAR_BEFORE.search(norm[max(0, sp.start_char - 30) : sp.start_char])
    ]
    return (direct or found)[0]._.place, 0


def _countries_in(sentence: tuple[int, int], places: list[Span]) -> int:
    a, b = sentence
    return len(
        {
            span._.place.country
            for span in places
            if a <= span.start_char < b and span._.place is not None and _rank(span._.place) == 2
        }
    )


def _figureless_incidents(doc: Doc, cues: EventCues, focus: tuple[str, ...]) -> list[Incident]:
    """A named attack with no figure ("armed men attacked the Nampala camp"): counts null.

    Only for texts without any casualty claim, and only where a village or town is
    written in the same sentence as the attack, so background talk of "attacks"
    does not become incidents.
    """
    norm = _folded(doc)
    places = _places(doc)
    out: list[Incident] = []
    seen: set[str] = set()
    for s_start, s_end in _sentence_bounds(doc):
        hit = cues.attack_event.search(norm, s_start, s_end)
        if hit is None:
            continue
        spans = [
            sp
            for sp in places
            if s_start <= sp.start_char < s_end
            and _usable(sp, norm, cues)
            and _rank(sp._.place) == 0
        ]
        if not spans:
            continue
        span = min(spans, key=lambda sp: abs(sp.start_char - hit.start()))
        place = span._.place
        if fold(place.name) in seen or len(out) >= 3:
            continue
        seen.add(fold(place.name))
        anchor = Claim(
            kind="killed",
            min=None,
            max=None,
            qualifier=None,
            victims_text="",
            victim_category="unknown",
            claimant=None,
            start=hit.start(),
            end=hit.end(),
            sentence=(s_start, s_end),
        )
        perpetrators, _ = _roles(doc, [anchor], "unknown", place.country, cues)
        text = doc_text(doc)
        out.append(
            Incident(
                killed={"min": None, "max": None},
                injured={"min": None, "max": None},
                abducted={"min": None, "max": None},
                victims=["unknown"],
                location=_location(place, place.country),
                perpetrators=perpetrators,
                targets=[],
                event_date=None,
                event_date_end=None,
                date_precision="unknown",
                aggregate=False,
                confidence=0.3,
                evidence=[{"text": text[s_start:s_end], "start": s_start, "end": s_end}],
                claims=[],
            )
        )
    return out


def _location(place: Any | None, country: str | None) -> dict[str, Any]:
    return {
        "name": place.name if place is not None else None,
        "country": (place.country if place is not None and place.country else country),
        "admin1": place.admin1 if place is not None else None,
        "admin2": place.admin2 if place is not None else None,
        "lat": place.lat if place is not None else None,
        "lon": place.lon if place is not None else None,
        "geonames_id": place.geonames_id if place is not None else None,
        "precision": place.precision if place is not None else None,
    }


# Words that make a different figure another account of the same event rather than
# another event: "according to", "the toll", "as high as", "other sources".
_ACCOUNT = re.compile(
    r"\b(?:according to|selon|d'apres|sources?|toll|bilan|as high as|as many as|could be|"
    r"estimated?|estimates?|claim\w*|revendi\w*|affirm\w*|reported|rapport\w*|revised|revu|"
    r"initial\w*|provisional|provisoire|rose to|passe a|alourdi|at least|au moins|"
    r"officials?|officiel\w*|government|gouvernement|army|armee|witness\w*|temoins?|"
    r"residents?|habitants?|u\.n|united nations|onu|minusma|human rights watch|hrw|amnesty)\b"
)


def _another_figure(event: _Event, claim: Claim, norm: str, place: Any | None) -> bool:
    """A different toll for the same side, in another sentence, with nothing that makes
    it another account of the same event ("according to", "the toll rose to") and no
    place of its own shared with the event: another event ("… 3 killed at A. Elsewhere,
    20 were killed"), not a range of one event's figures.
    """
    if place is not None and event.place is not None and _same_place(place, event.place):
        return False
    if claim.vague or claim.revised or claim.update or claim.combined:
        return False
    same = [
        c
        for c in event.claims
        if c.kind == claim.kind and c.side == claim.side and not c.vague and not c.combined
    ]
    if not same or any(c.sentence == claim.sentence for c in same):
        return False
    value = claim.min if claim.min is not None else claim.max
    for c in same:
        other = c.min if c.min is not None else c.max
        if value is None or other is None or abs(value - other) <= 0.25 * max(value, other):
            return False  # the same toll restated, or "400" and "more than 400"
    if event.aggregate:
        # Period totals of different counts (a UN mission's, a monitoring group's) are
        # totals of different periods or areas: each is its own record.
        return True
    a, b = claim.sentence
    return not _ACCOUNT.search(norm, a, b)


# "the bodies of 11 people were found", "les corps de dix personnes ont été
# retrouvés": the discovery of victims of the event told around it, not an event.
_BODIES_FOUND = re.compile(
    r"\b(?:bodies|body|corpses?|remains|corps|cadavres?|depouilles?)\b[^.;]{0,80}?\b(?:found|"
    r"discovered|recovered|retrieved|retrouves?|retrouvees?|decouverts?|decouvertes?|"
    r"recuperes?)\b"
    r"|\b(?:found|discovered|recovered|retrouve|decouvert)\b[^.;]{0,20}?\b(?:the )?"
    r"(?:bodies|corpses|remains|corps|cadavres|depouilles)\b"
)


def _bodies_found(claim: Claim, norm: str) -> bool:
    a, b = claim.sentence
    return claim.kind == "killed" and bool(_BODIES_FOUND.search(norm, a, b))


def _within_toll(event: _Event, claim: Claim) -> bool:
    """The claim's figure is at most a toll the event already has for its side."""
    value = claim.min if claim.min is not None else claim.max
    tolls = [
        c.max if c.max is not None else c.min
        for c in event.claims
        if c.kind == claim.kind and c.side == claim.side and not c.vague
    ]
    return value is not None and any(t is not None and value <= t for t in tolls)


def _compatible(
    event: _Event,
    claim: Claim,
    aggregate: bool,
    place: Any | None,
    rank: int,
    when: DateMention | None,
) -> bool:
    if event.aggregate != aggregate:
        return False
    if place is not None and event.place is not None and not _same_place(place, event.place):
        if rank == 0 and event.place_rank == 0:
            return False
        # An unresolved village ("Yaru village") has no country yet: it does not clash.
        unresolved = "unresolved" in (place.precision, event.place.precision)
        if (
            rank < 3
            and event.place_rank < 3
            and not unresolved
            and place.country != event.place.country
        ):
            return False
    # Two dated mentions more than a day apart are two events, unless one is a month or
    # a year that holds the other ("lundi 18 novembre … en novembre").
    return not (
        when is not None
        and event.date is not None
        and when.date is not None
        and event.date.date is not None
        and abs((when.date - event.date.date).days) > 1
        and not _holds(when, event.date)
        and not _holds(event.date, when)
    )


def _holds(period: DateMention, day: DateMention) -> bool:
    """A month or year mention that contains a day's date."""
    if period.date is None or day.date is None or period.precision not in ("month", "year"):
        return False
    if period.precision == "year":
        return period.date.year == day.date.year
    return (period.date.year, period.date.month) == (day.date.year, day.date.month)


_POINTISH = ("point", "unresolved")
# How many sentences around a single event's claims are searched for its village:
# reports name the scene in the lead and give the toll one or two sentences later.
REFINE_REACH = 2
# An attribution holds within its paragraph: the last resort for a perpetrator is an
# armed actor named up to this many sentences from the figure, not anywhere in the text.
ROLE_REACH = 4
# What follows a dateline's city: "BAMAKO, Mali –", "Niamey, Niger, Dec 3 –",
# "BAMAKO, March 30 (Xinhua) --", "NIAMEY (Reuters) -", "Bamako :", "Ouagadougou/".
_DATELINE = re.compile(r"^(?:[\s,]*(?:[\w'., ]{0,40}?)?\s*(?:\(\w+\)\s*)?[-–—]{1,2}\s|\s?:\s|/)")
# A wire agency in brackets after a city ("Niamey (AFP)") marks a dateline even
# after a headline or a photo caption.
_AGENCY = re.compile(r"^,?\s*\((?:afp|ap|reuters|xinhua|anadolu|aa|apa|anp|aip|ats|efe|dpa)\)")


_ADMIN_WORDS = re.compile(
    r"^(?:the\s+)?(?:region|province|cercle|district|prefecture|departement|department|commune)\s+(?:of|de|du|d')"
    r"|\b(?:region|province|cercle|circle|prefecture|department|departement|district)$"
)


def _rank(place: Any) -> int:  # 3: a reference point, see _place_for
    """Lower is finer: villages and towns, then admin areas and regions, then countries."""
    if _ADMIN_WORDS.search(fold(place.name)) and not fold(place.name).startswith("commune"):
        return 1  # "region of Timbuktu", "Seno province": an area whatever the gazetteer says
    if place.precision in _POINTISH:
        return 0
    if place.precision == "country":
        return 2
    return 1


def _dateline(span: Span, norm: str) -> bool:
    """A dateline ("BAMAKO, Mali –", "NIAMEY (Reuters) -") says where the story was filed."""
    after = norm[span.end_char : span.end_char + 45]
    if span.start_char < 300 and _AGENCY.match(after):
        return True
    return span.start_char < 120 and bool(_DATELINE.match(after))


def _usable(span: Span, norm: str, cues: EventCues, aggregate: bool = False) -> bool:
    place = span._.place
    if place is None or _excluded_place(span, norm, cues, aggregate):
        return False
    return not _dateline(span, norm)


def _place_for(
    claim: Claim, places: list[Span], norm: str, cues: EventCues, aggregate: bool
) -> tuple[Any | None, int]:
    """The finest place of the claim's sentence, nearest to the claim."""
    s_start, s_end = claim.sentence
    best: tuple[tuple[float, int], Span] | None = None
    countries = {
        span._.place.country
        for span in places
        if s_start <= span.start_char < s_end
        and span._.place is not None
        and _rank(span._.place) == 2
    }
    for span in places:
        if len(countries) > 1 and span._.place is not None and _rank(span._.place) == 2:
            continue  # "Mali, Burkina Faso and Niger": no single country is the scene
        if (
            not (s_start <= span.start_char < s_end)
            or span._.place is None
            or _dateline(span, norm)
        ):
            continue
        # Measured from the figure itself: in "killed three people at A, another at B
        # and seven more in C" the verb's span covers A and B, the figure 7 is next to C.
        a = claim.number_start if claim.number_start is not None else claim.start
        b = claim.number_end if claim.number_end is not None else claim.end
        distance = (
            0
            if a <= span.start_char < b or _scene_after(norm[b : span.start_char])
            else min(abs(span.start_char - b), abs(a - span.end_char))
        )
        # A reference point ("120 km from Niamey") names the scene only when nothing else
        # does; a town a few kilometres off ("11 km south of Aguelhoc") is the nearest
        # place the report gives, finer than the region around it.
        rank = _rank(span._.place) if not _excluded_place(span, norm, cues, aggregate) else 3
        close = rank == 3 and not aggregate and _close_reference(span, norm)
        # A period total is counted at the scale of a country or region, not a town.
        order: float = 0.5 if close else ((2, 1, 0, 3)[rank] if aggregate else rank)
        key = (order, distance)
        if best is None or key < best[0]:
            best = (key, span)
    if best is None:
        return None, 4
    span = best[1]
    if best[0][0] == 0.5:
        return span._.place, 1  # not the scene itself: a village named nearby may refine it
    rank = _rank(span._.place) if not _excluded_place(span, norm, cues, aggregate) else 3
    return span._.place, rank


# "11 km south of", "à une quinzaine de km au nord de", "north of": a direction from a
# point, with the distance when one is given.
_DIRECTION_BEFORE = re.compile(
    r"(?:(?P<km>\d[\d,.]*)\s*(?:km|kilomet\w+|kms)\b[^,;.]{0,25}?|(?P<mi>\d[\d,.]*)\s*miles?\b"
    r"[^,;.]{0,25}?)?\b(?:(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of|from|of|"
    r"au\s+(?:nord|sud)(?:-(?:est|ouest))?\s+de|a\s+l'(?:est|ouest)\s+de|de)"
    r"\s*(?:the\s+|la\s+|le\s+|l')?(?:(?:town|city|village|ville|localite)\s+(?:of|de|d')\s*)?$"
)
CLOSE_KM = 50


def _close_reference(span: Span, norm: str) -> bool:
    """A direction from a point within ``CLOSE_KM`` ("11 km south of X", "north of X")."""
    m = _DIRECTION_BEFORE.search(norm[max(0, span.start_char - 60) : span.start_char])
    if m is None:
        return False
    if m.group("km") is None and m.group("mi") is None:
        # "north of X" with no distance; "from X" / "de X" alone are no direction.
        return bool(re.search(r"(?:north|south|east|west|nord|sud|est|ouest)", m.group(0)))
    raw = (m.group("km") or m.group("mi") or "0").replace(",", "").rstrip(".")
    try:
        km = float(raw) * (1.6 if m.group("mi") else 1.0)
    except ValueError:
        return False
    return km <= CLOSE_KM


# "seven more in Gadabo", "12 civilians were killed at Kobou": the figure's own
# clause names its scene right after it.
_SCENE_AFTER = re.compile(
    r"^[^,;:.()\d]{0,40}?\b(?:in|at|a|au|dans|near|pres de|pres d')\s+"
    r"(?:the\s+(?:village|town|locality)\s+of\s+|le\s+village\s+de\s+|la\s+localite\s+de\s+)?$"
)


def _scene_after(between: str) -> bool:
    return bool(_SCENE_AFTER.match(between))


_BORDER_AFTER = re.compile(r"^\W{0,3}(?:border|borders|frontier|frontiere|frontieres)\b")


def _excluded_place(span: Span, norm: str, cues: EventCues, aggregate: bool = False) -> bool:
    """A reference point: "border with X", "12 km from X", "near the X border", "maire de X"."""
    before = norm[max(0, span.start_char - 45) : span.start_char]
    after = norm[span.end_char : span.end_char + 15]
    return bool(
        cues.location_exclude.search(before)
        or _BORDER_AFTER.match(after)
        or (not aggregate and _country_as_subject(span, norm))
    )


_SUBJECT_VERB_AFTER = re.compile(
    r"\s+(?:a|ont|avait|avaient|annon\w*|affirm\w*|accus\w*|declar\w*|dement\w*|"
    r"condamn\w*|said|says|say|announced|announces|claimed|claims|reported|declared|"
    r"accused|denied|condemned|has|had|is|was|launched|sent|deployed)\b"
)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:in|at|of|from|to|into|across|throughout|au|aux|en|a|dans|du|de|des|vers|pour|"
    r"sur|par)\s+(?:the\s+|le\s+|la\s+|l')?$"
)


def _country_as_subject(span: Span, norm: str) -> bool:
    """ "la France annonçait", "Niger said": a country that acts is a government, not
    the scene of an event (a country after a preposition, "au Mali a été", stays a
    place; a period total keeps its country: "Mali has seen 71 executions")."""
    place = span._.place
    if place is None or place.precision != "country":
        return False
    before = norm[max(0, span.start_char - 20) : span.start_char]
    return bool(_SUBJECT_VERB_AFTER.match(norm, span.end_char)) and not (
        _PREPOSITION_BEFORE.search(before)
    )


def _sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """Sentence offsets, computed once per doc (``has_annotation`` walks every token)."""
    key = "civwatch_sentences"
    if key not in doc.user_data:
        if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
            doc.user_data[key] = [(s.start_char, s.end_char) for s in doc.sents]
        else:
            doc.user_data[key] = [(0, len(doc.text))]
    bounds: list[tuple[int, int]] = doc.user_data[key]
    return bounds


def _folded(doc: Doc) -> str:
    key = "civwatch_folded"
    if key not in doc.user_data:
        doc.user_data[key] = fold(doc_text(doc))
    folded: str = doc.user_data[key]
    return folded


# "the village of X", "le hameau de X": a settlement named as such.
_VILLAGE_BEFORE = re.compile(
    r"\b(?:village|hamlet|locality|settlement|villages|localite|hameau|hameau de culture|"
    r"campement)\s+(?:of|de|d')\s*$"
)


def _only_near(event: _Event, places: list[Span], norm: str) -> bool:
    """Every mention of the event's place in its sentences is "near X" / "près de X"."""
    spans = [
        s
        for s in places
        if s._.place is event.place and any(a <= s.start_char < b for a, b in event.sentences)
    ]
    return bool(spans) and all(
        _NEAR_BEFORE.search(norm[max(0, s.start_char - 40) : s.start_char]) for s in spans
    )


def _refine_place(
    event: _Event,
    places: list[Span],
    norm: str,
    cues: EventCues,
    doc: Doc,
    first: bool,
    others: frozenset[tuple[int, int]] = frozenset(),
) -> None:
    """Prefer a village or town named next to the claims over a region in their sentence,
    and a village named as the target ("the village of X") over a town the claim's
    sentence only places the attack near ("an attack near Boulsa")."""
    near = event.place is not None and event.place_rank == 0 and _only_near(event, places, norm)
    if event.place is not None and event.place_rank == 0 and not near:
        return
    if event.aggregate and event.place is not None and event.place_rank in (1, 2):
        return
    sents = _sentence_bounds(doc)
    own = set(event.sentences)
    idx = [i for i, s in enumerate(sents) if s in own]
    reach = 1 if event.aggregate else REFINE_REACH
    neighbours = sorted(
        {j for i in idx for j in range(i - reach, i + reach + 1) if 0 <= j < len(sents)} - set(idx)
    )
    candidates: list[tuple[tuple[int, float], Span]] = []
    for j in neighbours:
        a, b = sents[j]
        for span in places:
            if not a <= span.start_char < b or span._.place is None:
                continue
            distance = min(abs(j - i) for i in idx)
            if _usable(span, norm, cues, event.aggregate):
                candidates.append(((_rank(span._.place), distance), span))
            elif (
                not event.aggregate
                and _rank(span._.place) == 0
                and not _dateline(span, norm)
                and _close_reference(span, norm)
            ):
                # "11 km south of Aguelhoc": after the villages named as scenes.
                candidates.append(((0, distance + 0.5), span))
    if event.aggregate:
        # A period total is placed at the scale it is counted at: a country, else a region.
        pool = sorted(
            (c for c in candidates if c[0][0] in (1, 2)), key=lambda c: (-c[0][0], c[0][1])
        )
        if pool and (event.place is None or pool[0][0][0] == 2):
            span = pool[0][1]
            event.place, event.place_rank = span._.place, pool[0][0][0]
        return
    pool = [c for c in candidates if c[0][0] == 0]
    if near:
        # Only a village the event's own sentences lead to, not another event's scene
        # nor the lead-in of a later event ("… near Hombori. Gunmen attacked the village
        # of Kobou. … 12 were killed").
        own_end = max(b for _, b in event.sentences)
        pool = [
            c
            for c in pool
            if _VILLAGE_BEFORE.search(norm, 0, c[1].start_char)
            and not any(a <= c[1].start_char < b for a, b in others)
            and not (c[1].start_char > own_end and any(a > c[1].start_char for a, _ in others))
        ]
    if event.place is None and not pool and first:
        firsts = [s for s in places if _rank(s._.place) == 0 and _usable(s, norm, cues)]
        pool = [((0, 0), s) for s in firsts[:1]]
    if pool:
        best = min(pool, key=lambda c: (c[0], c[1].start_char))
        event.place, event.place_rank = best[1]._.place, best[0][0]


def _date_for(claim: Claim, dates: list[DateMention]) -> DateMention | None:
    s_start, s_end = claim.sentence
    inside = [d for d in dates if s_start <= d.start < s_end and not d.reporting]
    if not inside:
        return None
    return min(inside, key=lambda d: abs(d.start - claim.start))


def _neighbour_date(event: _Event, dates: list[DateMention], first: bool) -> DateMention | None:
    sents = event.sentences
    lo, hi = sents[0][0], sents[-1][1]
    near = [d for d in dates if not d.reporting and not d.period and lo - 400 <= d.start < hi + 300]
    near = [d for d in near if d.date is not None and d.precision in ("day", "week")]
    if near:
        return min(near, key=lambda d: abs(d.start - lo))
    return None


def _side_groups(claims: list[Claim]) -> list[list[Claim]]:
    known = [c for c in claims if c.side != "unknown"]
    groups: list[list[Claim]] = []
    for claim in claims:
        side = claim.side
        if side == "unknown" and known:
            # "47 dead and several injured", "Eleven others were wounded": an unnamed
            # figure belongs to the named side just before it (else just after it).
            side = _neighbour_side(claim, known)
        placed = False
        for group in groups:
            g_side = _group_side(group, known)
            if g_side != side:
                continue
            if claim.combined != all(c.combined for c in group):
                # "about 30 dead or seriously injured" is its own record beside exact tolls.
                continue
            clash = any(
                c.kind == claim.kind
                and c.sentence == claim.sentence
                and not c.vague
                and not claim.vague
                and not _overlap(c, claim)
                and c.min != 0
                and claim.min != 0
                and not claim.revised
                and not c.revised
                for c in group
            )
            if clash:
                continue
            group.append(claim)
            placed = True
            break
        if not placed:
            groups.append([claim])
    return groups


def _overlap(a: Claim, b: Claim) -> bool:
    """Two figures that can be one toll: "43" and "at least 43" (a headline run into
    its lead), not "43" and "12"."""
    if (a.min, a.max) == (b.min, b.max):
        return True
    return a.min is not None and a.min == b.min and (a.max is None or b.max is None)


def _neighbour_side(claim: Claim, known: list[Claim]) -> str:
    before = [k for k in known if k.start <= claim.start]
    if before:
        return max(before, key=lambda k: k.start).side
    return min(known, key=lambda k: k.start).side


def _group_side(group: list[Claim], known: list[Claim]) -> str:
    for c in group:
        if c.side != "unknown":
            return c.side
    if known:
        return _neighbour_side(group[0], known)
    return "unknown"


def _figures(claims: list[Claim], kind: str) -> dict[str, int | None]:
    mine = [c for c in claims if c.kind == kind]
    if not mine:
        return {"min": None, "max": None}
    positive = [c for c in mine if not (c.min == 0 and c.max == 0)]
    if not positive:
        return {"min": 0, "max": 0}
    plain = [c for c in positive if not c.combined]
    if plain:
        positive = plain
    updates = [c for c in positive if c.update and not c.vague]
    if updates:
        # "The toll was later raised to 41": what came before it is superseded.
        last = max(c.start for c in updates)
        positive = [c for c in positive if c.start >= last or c.update]
    current = [c for c in positive if not c.revised]
    if any(c.min is not None and not c.vague for c in current):
        positive = current
    numeric = [c for c in positive if not c.vague]
    superseded_only = bool(numeric) and all(c.revised for c in numeric)
    if not numeric:
        floor = max((c.min or 0) for c in positive)
        return {"min": floor or None, "max": None}
    mins = [c.min for c in numeric if c.min is not None]
    lo = min(mins) if mins else None
    # The highest figure decides max: closed -> its value, open-ended -> null.
    tops = [(c.max if c.max is not None else (c.min or 0), c.max is None) for c in numeric]
    top_value, top_open = max(tops, key=lambda t: (t[0], t[1]))
    # A superseded toll with no current one: the count has moved on, keep it as a floor.
    hi = None if top_open or superseded_only else top_value
    if lo is not None and hi is not None and hi < lo:
        hi = lo
    return {"min": lo, "max": hi}


def _text_country(doc: Doc, places: list[Span], focus: tuple[str, ...]) -> str | None:
    counts: dict[str, int] = {}
    for span in places:
        place = span._.place
        if place is not None and place.country:
            counts[place.country] = counts.get(place.country, 0) + (2 if _is_specific(place) else 1)
    if counts:
        return max(counts, key=lambda k: counts[k])
    if "nationalities" in doc.spans:
        for span in doc.spans["nationalities"]:
            iso = span._.country if Span.has_extension("country") else None
            if iso in focus:
                return str(iso)
    implied = _actor_countries()
    for span in _actors(doc):
        iso = implied.get(span._.actor.canonical)
        if iso in focus:
            return iso
    return None


@lru_cache(maxsize=1)
def _actor_countries() -> dict[str, str]:
    spec = json.loads((DATA / "claims_actor_countries.json").read_text(encoding="utf-8"))
    return {k: v for k, v in spec.items() if not k.startswith("_")}


def _incident(
    doc: Doc, event: _Event, group: list[Claim], country: str | None, cues: EventCues
) -> Incident:
    side = next((c.side for c in group if c.side != "unknown"), "unknown")
    victims: list[str] = []
    for c in group:
        for cat in (c.victim_category, *c.subcategories):
            if cat not in victims:
                victims.append(cat)
    if side != "unknown" and "unknown" in victims and len(victims) > 1:
        victims.remove("unknown")
    place = event.place
    location = _location(place, country)
    perpetrators, targets = _roles(doc, group, side, location["country"], cues)
    text = doc_text(doc)
    when = event.date
    event_date = event_end = None
    precision = "unknown"
    if when is not None and (event.aggregate or when.precision in ("day", "week")):
        event_date = when.date.isoformat() if when.date else None
        event_end = when.end_date.isoformat() if when.end_date else None
        precision = when.precision
    figures = {k: _figures(group, k) for k in KINDS}
    evidence = []
    seen: set[tuple[int, int]] = set()
    for c in group:
        if (c.start, c.end) not in seen:
            seen.add((c.start, c.end))
            evidence.append({"text": text[c.start : c.end], "start": c.start, "end": c.end})
    confidence = 0.45
    confidence += 0.15 if place is not None and place.precision not in ("unresolved",) else 0.0
    confidence += 0.1 if event_date else 0.0
    confidence += 0.1 if perpetrators else 0.0
    confidence += 0.1 if any(not c.vague for c in group) else 0.0
    confidence -= 0.15 if event.aggregate else 0.0
    confidence -= 0.1 if all(c.vague for c in group) else 0.0
    return Incident(
        killed=figures["killed"],
        injured=figures["injured"],
        abducted=figures["abducted"],
        victims=victims or ["unknown"],
        location=location,
        perpetrators=perpetrators,
        targets=targets,
        event_date=event_date,
        event_date_end=event_end,
        date_precision=precision,
        aggregate=event.aggregate,
        confidence=round(max(0.05, min(1.0, confidence)), 2),
        evidence=evidence,
        claims=[c.as_dict() for c in group],
    )


# The casualty sentence speaks of a strike from the air ("killed in the strike",
# "l'un des bombardements a touché").
_AIR_STRIKE = re.compile(
    r"\b(?:air ?strikes?|airstrikes?|drone strikes?|the strikes?|(?:aerial|air) (?:bombing|"
    r"bombardment|raid)s?|bombing|bombardments?|aircraft|drones?|helicopters?|frappes?|"
    r"bombardements?|aeronefs?|raids? aeriens?|helicopteres?)\b"
)
_GENERIC_RANK = {"unidentified gunmen": 0, "suspected jihadists": 1, "self-defence militias": 1}
_CLAIMANT_AFTER = re.compile(
    r"^\W{0,3}(?:\w+\W+){0,2}?(?:said|says|told|announced|reported|stated|claimed|"
    r"confirmed|added|a indique|ont indique|a annonce|ont annonce|a declare|ont declare|"
    r"a precise|affirme|rapporte|a confirme|ont confirme|fait etat|a communique|"
    r"a rapporte|ont rapporte|deplore|deplorent)\b"
)
_SOURCE_BEFORE = re.compile(
    r"(?:according to|selon|d'apres|quoted|cite par|citing|told|a declare a)\s+"
    r"(?:the\s+|la\s+|le\s+|l')?$"
)


# Inverted speech: "a indiqué pour sa part un membre des VDP", "said a member of the
# VDP": the actor is the speaker's affiliation.
_SPEAKER_OF_BEFORE = re.compile(
    r"(?:\b(?:a|ont) (?:indique|declare|precise|affirme|confie|explique|rapporte|ajoute|"
    r"souligne|temoigne)|\bsaid|\btold \w+|\badded)\b[^.;]{0,30}?\b(?:un|une|le|la|les|l'|a|an|the)"
    r"\s*(?:[\w-]+\s+){0,2}?(?:des|du|de la|de l'|de|of the|of)(?:\s+[\w'-]+){0,8}?\s*\(?\s*$"
)
_PASSIVE_AFTER = re.compile(r"^\W{0,3}(?:\w+\s+)?(?:was|were|been|is|are|a ete|ont ete|est|sont)\b")
# "in conflict with X", "contre X": X is the other side, not the perpetrator.
_OPPONENT_BEFORE = re.compile(
    r"(?:conflict with|fighting|fight against|battle with|against|war with|contre|"
    r"en guerre contre|lutte contre|combat contre)\s+(?:the\s+|les\s+|le\s+|la\s+|l')?$"
)
# "a flashpoint for jihadist attacks", "an area where extremists operate", "la menace
# terroriste": the actor describes the setting, it does not act in this event.
_SETTING_AFTER = re.compile(
    r"^\W{0,2}(?:attacks?|violence|insurgency|insurgencies|threat|activity|activities|presence|"
    r"strongholds?|bastions?|hotbed|conflict|crisis|unrest|bloodshed|terrorism|"
    r"operate|operating|are active|active|roam|"
    r"attaques?|violences?|insurrection|menace|activites?|presence|fiefs?|conflit|crise|"
    r"operent|sont actifs|actifs|terrorisme)\b"
)
_SETTING_BEFORE = re.compile(
    r"(?:controlled by|held by|controle par|controlee par|anti|counter|lutte anti)"
    r"\W{0,2}(?:the\s+|les\s+|des\s+)?$"
)
_CLAIMED_BEFORE = re.compile(
    r"(?:claimed by|revendique par|revendiquee par|revendiquees par|responsibility was claimed by)"
    r"\s+(?:the\s+|le\s+|la\s+|l')?$"
)
_CLAIMED_AFTER = re.compile(
    r"^\W{0,3}(?:\w+\s+){0,2}?(?:claimed responsibility|claimed the attack|a revendique|"
    r"ont revendique)\b"
)


@dataclass
class _ActorMention:
    canonical: str
    type: str
    start: int
    in_victims: bool
    claimant: bool
    agent: bool
    opponent: bool = False
    claimed: bool = False  # "claimed by JNIM": the group said it did it
    end: int = 0
    setting: bool = False  # "jihadist attacks", "where extremists operate": background


def _all_mentions(doc: Doc, cues: EventCues) -> list[_ActorMention]:
    """Every actor mention of the doc with its cues, computed once per doc."""
    key = "civwatch_actor_mentions"
    if key in doc.user_data:
        cached: list[_ActorMention] = doc.user_data[key]
        return cached
    norm = _folded(doc)
    claim_spans = sorted((c.number_start or c.start, c.end) for c in (doc._.claims or []))
    out: list[_ActorMention] = []
    for span in _actors(doc):
        actor = span._.actor
        if actor.type == "civilians":
            continue
        before = norm[max(0, span.start_char - 30) : span.start_char]
        after = norm[span.end_char : span.end_char + 40]
        i = bisect.bisect_right(claim_spans, (span.start_char, 1 << 62)) - 1
        in_victims = i >= 0 and claim_spans[i][0] <= span.start_char < claim_spans[i][1]
        passive = bool(_PASSIVE_AFTER.match(after))
        agent = bool(cues.agent_before.search(before)) or (
            not passive and bool(cues.agent_after.match(after))
        )
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.agent
            and re.fullmatch(
                r"[\w\s'-]{0,25}?(?:,|\band\b|\bet\b)\s*(?:the\s+|les\s+|des\s+)?",
                norm[prev.end : span.start_char],
            )
        ):
            agent = True  # "carried out by the army and Russian mercenaries"
        out.append(
            _ActorMention(
                canonical=actor.canonical,
                type=actor.type,
                start=span.start_char,
                in_victims=in_victims,
                claimant=bool(
                    _SOURCE_BEFORE.search(before)
                    or _CLAIMANT_AFTER.match(after)
                    or _SPEAKER_OF_BEFORE.search(
                        norm[max(0, span.start_char - 110) : span.start_char]
                    )
                ),
                agent=agent,
                opponent=bool(_OPPONENT_BEFORE.search(before)),
                claimed=bool(_CLAIMED_BEFORE.search(before) or _CLAIMED_AFTER.match(after)),
                end=span.end_char,
                setting=not agent
                and bool(_SETTING_AFTER.match(after) or _SETTING_BEFORE.search(before)),
            )
        )
    doc.user_data[key] = out
    return out


def _mentions(
    doc: Doc, norm: str, sentences: list[tuple[int, int]], cues: EventCues
) -> list[_ActorMention]:
    return [m for m in _all_mentions(doc, cues) if any(a <= m.start < b for a, b in sentences)]


def _dedupe(names: list[str]) -> list[str]:
    """Drop generic descriptors ("unidentified gunmen") when a more specific actor is named."""
    out: list[str] = []
    for n in names:
        if n not in out:
            out.append(n)
    best = max((_GENERIC_RANK.get(n, 2) for n in out), default=0)
    return [n for n in out if _GENERIC_RANK.get(n, 2) >= best or _GENERIC_RANK.get(n, 2) == 2]


def _roles(
    doc: Doc, group: list[Claim], side: str, country: str | None, cues: EventCues
) -> tuple[list[str], list[str]]:
    """Perpetrators and targets from the actors named around the group's claims."""
    norm = _folded(doc)
    own = sorted({c.sentence for c in group})
    sents = _sentence_bounds(doc)
    idx = [i for i, s in enumerate(sents) if s in own]
    near = [
        sents[j]
        for j in sorted({j for i in idx for j in (i - 1, i + 1)} - set(idx))
        if 0 <= j < len(sents)
    ]
    first_claim = min(c.start for c in group)

    def armed(
        ms: list[_ActorMention], allow_claimant: bool = False, ally: bool = True
    ) -> list[str]:
        # Among generic descriptors, the agent of an attack verb ("des individus
        # armés ont attaqué") over those merely named around it ("des terroristes").
        cands = [m for m in ms if m.type not in STATE_TYPES]
        if all(m.canonical in _GENERIC_RANK for m in cands) and any(m.agent for m in cands):
            ms = [m for m in cands if m.agent]
        return [
            m.canonical
            for m in ms
            if m.type not in STATE_TYPES
            and (ally or m.canonical != "VDP")
            and m.type != "peacekeepers"
            and not m.in_victims
            and not m.opponent
            and not m.setting
            and (allow_claimant or not m.claimant)
        ]

    def state(
        ms: list[_ActorMention], agents_only: bool, allow_claimant: bool = False
    ) -> list[str]:
        return [
            m.canonical
            for m in ms
            if m.type in STATE_TYPES
            and not m.in_victims
            and not m.opponent
            and (allow_claimant or not m.claimant)
            and (not agents_only or m.agent)
        ]

    mine = _mentions(doc, norm, own, cues)
    around = _mentions(doc, norm, near, cues)
    paragraph = [
        sents[j]
        for j in sorted({j for i in idx for j in range(i - ROLE_REACH, i + ROLE_REACH + 1)})
        if 0 <= j < len(sents)
    ]
    in_paragraph = _mentions(doc, norm, paragraph, cues)
    army = [ARMY_OF[country]] if country in ARMY_OF else []
    strike = any(_AIR_STRIKE.search(norm, a, b) for a, b in own)
    if strike and side in ("civilians", "unknown"):
        # Only a state (or a foreign force) strikes from the air: the armed groups named
        # around an air strike accuse, hide or are the intended target.
        nearest_first = sorted(
            [m for m in in_paragraph if m.start < first_claim], key=lambda m: -m.start
        ) + [m for m in in_paragraph if m.start >= first_claim]
        strikers = state(mine, agents_only=True) or state(
            nearest_first, agents_only=False, allow_claimant=True
        )
        perps = strikers[:1] or army
        targets = ["civilians"] if side == "civilians" else []
    elif side in ("civilians", "unknown"):
        perps = armed(mine) + state(mine, agents_only=True)
        if not perps:
            before_claim = [m for m in mine if m.start < first_claim]
            perps = state(before_claim, agents_only=False)
        if not perps:
            perps = armed(around) + state(around, agents_only=True)
        if not perps:
            perps = armed(in_paragraph)[:1]
        targets = ["civilians"] if side == "civilians" else []
    elif side == "soldiers":
        perps = (
            armed(mine, ally=False)
            or armed(around, ally=False)
            or armed(in_paragraph, ally=False)[:1]
        )
        victims = [
            m.canonical for m in mine if m.in_victims and m.type in STATE_TYPES | {"militia"}
        ]
        targets = victims or state(mine, agents_only=False, allow_claimant=True) or army
    elif side == "militants":
        perps = (
            state(mine, agents_only=False, allow_claimant=True)
            or state(around, False, True)
            or army
        )
        targets = [m.canonical for m in mine if m.in_victims and m.type not in STATE_TYPES]
        # "assailants" alone is generic: a group named around it says who they were.
        targets = _dedupe(targets + armed(mine) + armed(around)) or ["suspected jihadists"]
    else:  # peacekeepers
        perps = armed(mine) or armed(around)
        targets = [m.canonical for m in mine if m.type == "peacekeepers"] or ["MINUSMA"]
    perps = _dedupe(perps)
    if side != "militants" and perps and all(p in _GENERIC_RANK for p in perps):
        # "suspected jihadists" in the sentence, "claimed by JNIM" elsewhere in the paragraph.
        claimed = {m.canonical for m in in_paragraph if m.claimed and m.type not in STATE_TYPES}
        if len(claimed) == 1:
            perps = sorted(claimed)
    return perps, _dedupe(targets)
