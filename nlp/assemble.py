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
5. **Place**: the finest place written nearest to the figure, else a village
   around it, else the country of the text — see :mod:`nlp.placechoice`.
6. **Actors**: perpetrators and targets by victim side — see :mod:`nlp.roles`.
7. **Date**: the first non-reporting date of the event's sentences (a period
   for aggregates); a month with no day gives none for a single event.

Everything here is rules over the components' output; cue lists are data in
``nlp/data/<lang>/claims_events.json`` and ``assemble_cues.json`` (compiled by
:mod:`nlp.eventcues`); see ``nlp/README.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc

from nlp.claims import KINDS, Claim, doc_text
from nlp.dates import DateMention, month_pattern
from nlp.docview import folded, place_spans, sentence_bounds
from nlp.eventcues import EventCues, cue_pattern, load_cues
from nlp.placechoice import (
    caption_ends,
    countries_in,
    in_caption,
    lead_place,
    location_fields,
    place_for,
    place_rank,
    refine_place,
    same_place,
    text_country,
    usable_place,
)
from nlp.places import Place
from nlp.result import DatePrecision, Evidence, Figure, Incident
from nlp.roles import actor_roles
from nlp.textnorm import fold_keep_length as fold
from settings import DEFAULT_FOCUS


@dataclass
class _Event:
    aggregate: bool
    place: Place | None
    place_rank: float  # see place_rank (0.5: a commune); 3 = only a reference point
    date: DateMention | None
    claims: list[Claim] = field(default_factory=list)
    country: str | None = None  # when only a country is written
    multi_country: bool = False  # "in Mali, Burkina Faso and Niger": no single country

    @property
    def sentences(self) -> list[tuple[int, int]]:
        return sorted({c.sentence for c in self.claims})


@lru_cache(maxsize=1)
def _month_re() -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){month_pattern()}")


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
        lo, hi = max(s_start, claim.start - 160), min(s_end, claim.end + 60)
        window = norm[lo:hi]
        near = [d for d in dates if lo <= d.start < hi]
        days = [d for d in near if d.precision == "day"]
        # "in two attacks in May and July": a month with no day spans more than one day.
        bare_month = any(
            not any(d.start <= lo + m.start() < d.end for d in days)
            for m in _month_re().finditer(window)
        )
        one_day = (
            bool(days)
            and not bare_month
            and not any(d.precision in ("month", "year") for d in near)
        )
        flags.append(
            bool(cues.aggregate.search(window))
            or (not one_day and bool(cues.aggregate_unless_one_day.search(window)))
            or any(d.period and s_start <= d.start < s_end for d in dates)
            or max(claim.min or 0, claim.max or 0) >= cues.aggregate_min_figure
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
    focus_countries: tuple[str, ...] = DEFAULT_FOCUS,
) -> list[Incident]:
    """Candidate incidents of one processed document (see the module docstring)."""
    claims: list[Claim] = list(doc._.claims or [])
    cues = load_cues(doc.lang_)
    if not claims:
        return _figureless_incidents(doc, cues, focus_countries)
    norm = folded(doc)
    claims = _others_of_the_same_force(claims)
    captions = caption_ends(norm)
    places = [sp for sp in place_spans(doc) if not in_caption(sp.start_char, captions)]
    dates = [d for d in dates if not in_caption(d.start, captions)]
    events: list[_Event] = []
    prev: Claim | None = None
    flags = _aggregate_flags(claims, norm, cues, dates)
    scenes: dict[int, tuple[Place | None, float]] = {}
    for claim, aggregate in zip(claims, flags, strict=True):
        s_start, s_end = claim.sentence
        place, rank = place_for(claim, places, norm, cues, aggregate)
        scenes[id(claim)] = (place, rank)
        when = _date_for(claim, dates)
        if _burial(claim, norm):
            place, rank, when = None, 4, None  # the burial's place and day, not the event's
        if prev is not None and prev.sentence != claim.sentence and not aggregate:
            # "On Sunday gunmen attacked Kobou. … 12 were killed": the scene and the
            # day written since the previous claim belong to this one.
            lead = _lead_in(doc, prev, claim)
            if place is None and lead is not None:
                place, rank = lead_place(lead, places, norm, cues)
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
                if not (new_cue or _another_figure(event, claim, norm, place, when)):
                    target = event
                    break
        if target is not None and found and _within_toll(target, claim):
            prev = claim
            continue  # a count of the bodies found: part of the toll, not another figure
        if target is None:
            target = _Event(aggregate, place, rank, when)
            target.multi_country = countries_in(claim.sentence, places) > 1
            events.append(target)
        else:
            if place is not None and (target.place is None or rank < target.place_rank):
                target.place, target.place_rank = place, rank
            if target.date is None and when is not None:
                target.date = when
        target.claims.append(claim)
        prev = claim

    events = _without_totals_split_by_village(events, scenes)
    country = text_country(doc, places, focus_countries)
    incidents: list[Incident] = []
    first_single = next((e for e in events if not e.aggregate), None)
    for idx, event in enumerate(events):
        others = frozenset(s for e in events if e is not event for s in e.sentences)
        refine_place(event, places, norm, cues, doc, first=event is first_single, others=others)
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


def _toll(claim: Claim) -> int | None:
    return claim.min if claim.min is not None else claim.max


def _without_totals_split_by_village(
    events: list[_Event], scenes: dict[int, tuple[Place | None, float]]
) -> list[_Event]:
    """ "About 100 people were killed in attacks on two villages … up to 70 dead in A and
    30 in B": a toll the next sentences split exactly between villages (each figure with
    a village of its own) is coded per village only, as a total split by side is."""
    claims = sorted((c for e in events for c in e.claims), key=lambda c: c.start)
    totals: set[int] = set()
    sides: dict[int, str] = {}  # a part that names no victims: the total's
    for event in events:
        if event.aggregate:
            continue
        for total in event.claims:
            value = _toll(total)
            own = scenes.get(id(total), (None, 4.0))
            if value is None or total.vague or (own[0] is not None and own[1] == 0):
                continue
            parts = [
                c
                for c in claims
                if c.start >= total.end
                and c.kind == total.kind
                and c.sentence[0] - total.sentence[1] <= 400
                and not c.vague
            ]
            villages: list[Place] = []
            used: list[Claim] = []
            running = 0
            for part in parts:
                place, rank = scenes.get(id(part), (None, 4.0))
                toll = _toll(part)
                if place is None or rank != 0 or toll is None:
                    break
                if any(same_place(place, v) for v in villages):
                    break
                villages.append(place)
                used.append(part)
                running += toll
                if running >= value:
                    break
            if len(villages) >= 2 and running == value:
                totals.add(id(total))
                sides.update((id(c), total.victim_category) for c in used if c.side == "unknown")
    if not totals:
        return events
    for event in events:
        event.claims = [
            replace(c, victim_category=sides[id(c)]) if id(c) in sides else c
            for c in event.claims
            if id(c) not in totals
        ]
    return [e for e in events if e.claims]


def _lead_in(doc: Doc, prev: Claim, claim: Claim) -> tuple[int, int] | None:
    """The text of up to two whole sentences between the previous claim and this one."""
    sents = sentence_bounds(doc)
    inside = [s for s in sents if s[0] >= prev.sentence[1] and s[1] <= claim.sentence[0]]
    if not inside:
        return None
    inside = inside[-2:]
    return (inside[0][0], inside[-1][1])


def _figureless_incidents(doc: Doc, cues: EventCues, focus: tuple[str, ...]) -> list[Incident]:
    """A named attack with no figure ("armed men attacked the Nampala camp"): counts null.

    Only for texts without any casualty claim, and only where a village or town is
    written in the same sentence as the attack, so background talk of "attacks"
    does not become incidents.
    """
    norm = folded(doc)
    places = place_spans(doc)
    out: list[Incident] = []
    seen: set[str] = set()
    for s_start, s_end in sentence_bounds(doc):
        hit = cues.attack_event.search(norm, s_start, s_end)
        if hit is None:
            continue
        spans = [
            sp
            for sp in places
            if s_start <= sp.start_char < s_end
            and usable_place(sp, norm, cues)
            and place_rank(sp._.place) == 0
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
        perpetrators, _ = actor_roles(doc, [anchor], "unknown", place.country, cues)
        text = doc_text(doc)
        out.append(
            Incident(
                killed=Figure(),
                injured=Figure(),
                abducted=Figure(),
                victims=["unknown"],
                location=location_fields(place, place.country),
                perpetrators=perpetrators,
                targets=[],
                event_date=None,
                event_date_end=None,
                date_precision="unknown",
                aggregate=False,
                confidence=0.3,
                evidence=[Evidence(text[s_start:s_end], s_start, s_end)],
                claims=[],
            )
        )
    return out


# Words that make a different figure another account of the same event rather than
# another event: "according to", "the toll", "as high as", "other sources".
_ACCOUNT = cue_pattern(r"\b{account}\b")


def _another_figure(
    event: _Event, claim: Claim, norm: str, place: Any | None, when: DateMention | None
) -> bool:
    """A different toll for the same side, in another sentence, with nothing that makes
    it another account of the same event ("according to", "the toll rose to") and no
    place of its own shared with the event: another event ("… 3 killed at A. Elsewhere,
    20 were killed"), not a range of one event's figures. A toll that names no side
    ("35 dead") is compared with the tolls of every side, and every toll with it.
    """
    if place is not None and event.place is not None and same_place(place, event.place):
        return False
    if claim.vague or claim.revised or claim.update or claim.combined:
        return False
    same = [
        c
        for c in event.claims
        if c.kind == claim.kind
        and (c.side == claim.side or "unknown" in (c.side, claim.side))
        and not c.vague
        and not c.combined
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
    if (
        when is None
        and claim.claimant is not None
        and any(c.claimant is not None and c.claimant != claim.claimant for c in same)
    ):
        # "a local official said 12 … a rebel spokesman said 20": another source's count
        # (a figure dated on its own, "two wounded yesterday", is another event's).
        return False
    a, b = claim.sentence
    return not _ACCOUNT.search(norm, a, b)


def _compatible(
    event: _Event,
    claim: Claim,
    aggregate: bool,
    place: Any | None,
    rank: float,
    when: DateMention | None,
) -> bool:
    if event.aggregate != aggregate:
        return False
    if place is not None and event.place is not None and not same_place(place, event.place):
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
    """A named month or year ("novembre 2019", "in 2019") that contains a day's date; a
    relative one ("earlier this month", "last month") tells of another time."""
    if period.date is None or day.date is None or period.precision not in ("month", "year"):
        return False
    if not _NAMED_PERIOD.search(fold(period.text)):
        return False
    if period.precision == "year":
        return period.date.year == day.date.year
    return (period.date.year, period.date.month) == (day.date.year, day.date.month)


_NAMED_PERIOD = re.compile(rf"\b(?:{month_pattern()}|\d{{4}})")


# "the bodies of 11 people were found", "les corps de dix personnes ont été retrouvés":
# the discovery of victims of the event told around it, not an event.
_BODIES_FOUND = cue_pattern(
    r"\b{bodies}\b[^.;]{0,80}?\b{found}\b|\b{found}\b[^.;]{0,20}?\b{bodies}\b"
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


_OTHER = cue_pattern(r"\b{other}\b")


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


# "les obsèques de vingt-sept soldats", "27 militaires … sont enterrés le 8 octobre à
# Ouagadougou": a figure of the dead being buried.
_FUNERAL_OF = cue_pattern(r"\b{funeral_nouns}\s+{funeral_of}\s+(?:the\s+|les\s+)?[^,.;]{0,15}$")
_BURIED_AFTER = cue_pattern(r"^[^.;]{0,40}?\b{buried_after}\b")


def _burial(claim: Claim, norm: str) -> bool:
    start = claim.number_start if claim.number_start is not None else claim.start
    return bool(
        _FUNERAL_OF.search(norm, max(0, start - 60), start)
        or _BURIED_AFTER.match(norm, claim.end, min(len(norm), claim.end + 60))
    )


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


def _figures(claims: list[Claim], kind: str) -> Figure:
    mine = [c for c in claims if c.kind == kind]
    if not mine:
        return Figure(None, None)
    positive = [c for c in mine if not (c.min == 0 and c.max == 0)]
    if not positive:
        return Figure(0, 0)
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
        return Figure(floor or None, None)
    mins = [c.min for c in numeric if c.min is not None]
    lo = min(mins) if mins else None
    # The highest figure decides max: closed -> its value, open-ended -> null.
    tops = [(c.max if c.max is not None else (c.min or 0), c.max is None) for c in numeric]
    top_value, top_open = max(tops, key=lambda t: (t[0], t[1]))
    # A superseded toll with no current one: the count has moved on, keep it as a floor.
    hi = None if top_open or superseded_only else top_value
    if lo is not None and hi is not None and hi < lo:
        hi = lo
    return Figure(lo, hi)


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
    location = location_fields(place, country)
    perpetrators, targets = actor_roles(doc, group, side, location.country, cues)
    text = doc_text(doc)
    when = event.date
    event_date = event_end = None
    precision: DatePrecision = "unknown"
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
            evidence.append(Evidence(text[c.start : c.end], c.start, c.end))
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
        claims=[c.as_record() for c in group],
    )
