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

The claim-by-claim rules of steps 1 and 4 (compatibility, another figure, aggregate
flags, totals split between villages) are in :mod:`nlp.eventrules`.

Everything here is rules over the components' output; cue lists are data in
``nlp/data/<lang>/claims_events.json`` and ``assemble_cues.json`` (compiled by
:mod:`nlp.eventcues`); see ``nlp/README.md``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date, timedelta

from spacy.tokens import Doc, Span

from nlp.claims import KINDS, Claim, doc_text
from nlp.dates import DateMention, days_after, month_parts_named, months_named
from nlp.docview import folded, place_spans, sentence_bounds
from nlp.eventcues import EventCues, cue_pattern, load_cues
from nlp.eventrules import (
    CIVILIAN_VENUE,
    REPORT,
    Event,
    aggregate_flags,
    another_account,
    another_blast,
    another_figure,
    bodies_found,
    burial,
    burial_day,
    compatible,
    day_within,
    finer_day,
    generic_people_beside_one_side,
    generic_totals_of_one_side,
    names_an_account,
    on_both_sides,
    others_of_the_same_force,
    still_searching,
    within_toll,
    without_totals_split_by_side,
    without_totals_split_by_village,
)
from nlp.placechoice import (
    bracketed_toll_place,
    caption_ends,
    countries_in,
    country_as_written,
    homonym_abroad,
    in_caption,
    lead_place,
    location_fields,
    place_for,
    place_rank,
    refine_place,
    text_country,
    usable_place,
)
from nlp.places import Place
from nlp.result import DatePrecision, Evidence, Figure, Incident
from nlp.roles import actor_roles, attacked_side
from nlp.textnorm import fold_keep_length as fold
from settings import DEFAULT_FOCUS


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
        return _figureless_incidents(doc, cues, dates)
    norm = folded(doc)
    claims = on_both_sides(others_of_the_same_force(claims), norm)
    claims = still_searching(claims, norm, sentence_bounds(doc))
    captions = caption_ends(norm)
    places = [sp for sp in place_spans(doc) if not in_caption(sp.start_char, captions)]
    dates = [d for d in dates if not in_caption(d.start, captions)]
    events: list[Event] = []
    prev: Claim | None = None
    flags = aggregate_flags(claims, norm, cues, dates, doc_text(doc))
    scenes: dict[int, tuple[Place | None, float]] = {}
    for claim, aggregate in zip(claims, flags, strict=True):
        s_start, s_end = claim.sentence
        place, rank = place_for(claim, places, norm, cues, aggregate)
        scenes[id(claim)] = (place, rank)
        when = _date_for(claim, dates, norm)
        aside = bracketed_toll_place(claim, places, norm)
        if aside is not None:
            # "Three months after Ogossagou (160 killed), …": that place's earlier event,
            # its day not written here; no other figure joins it.
            place, rank, when = aside, place_rank(aside), None
        if burial(claim, norm):
            place, rank, when = None, 4, None  # the burial's place and day, not the event's
        if place is None and (prev is None or prev.sentence != claim.sentence) and not aggregate:
            # "On Sunday gunmen attacked Kobou. … 12 were killed": the scene and the
            # day written since the previous claim (or the text's start) belong to this one.
            for lead in _lead_ins(doc, prev, claim, cues):
                place, rank = lead_place(lead, places, norm, cues)
                if place is not None:
                    if when is None and cues.attack_event.search(norm, *lead):
                        # "le samedi 13 juin, un convoi a subi une attaque entre Tessalit
                        # et Gao … Deux Casques bleus sont morts": the attack's day too
                        when = _day_within(lead, dates)
                    break
        cue_zone = norm[
            prev.end if prev and prev.sentence == claim.sentence else s_start : claim.end + 40
        ]
        cue_zone = cue_zone[: max(0, min(len(cue_zone), s_end - (claim.end + 40) + len(cue_zone)))]
        # (an updated toll, "deux jours après l'attaque, le bilan s'est alourdi à 160",
        # is always of an event told before)
        new_cue = prev is not None and not claim.update and bool(cues.new_event.search(cue_zone))
        if prev is not None and prev.sentence != claim.sentence:
            # "Meanwhile, soldiers clashed in Bamako. … many injured": the text has turned
            # to another event in a sentence between the previous figure and this one.
            # "This is not the first time …": a sentence between them recalls earlier events.
            new_cue = (
                new_cue
                or any(
                    cues.topic_switch.match(norm, a, b) or cues.recall.search(norm, a, b)
                    for a, b in sentence_bounds(doc)
                    if prev.sentence[1] <= a < s_start
                )
                or _attack_on_another_day(
                    next((e for e in reversed(events) if any(c is prev for c in e.claims)), None),
                    prev,
                    claim,
                    dates,
                    doc,
                    cues,
                )
            )
        # "Leur mort intervient cinq jours après celle de dix Casques bleus": an earlier
        # event recalled in passing, not another account of the previous figure's.
        # the months the figure's sentence names ("the July attack"): not another month's day
        months = (
            months_named(doc_text(doc), s_start, s_end, doc.lang_, dates) if when is None else set()
        )
        recall_at = _recalled(claim, claims, doc, cues)
        recalled = recall_at is not None or (
            # "In December 2019, terrorists attacked a camp, killing 70" (January 2020);
            # a figureless "summary executions in March 2022" may be the toll's own event
            not aggregate and not claim.vague and _before_report_month(when, published)
        )
        new_cue = new_cue or (prev is not None and recalled)
        if recall_at is not None and when is not None and when.start < recall_at:
            # "12 were killed on Monday, two weeks after 40 people were killed": Monday
            # is the day of the event told, not of the one recalled
            told = when
            when = _date_for(claim, [d for d in dates if d.start >= recall_at], norm)
            if when is None:
                # "On Friday, a bomber struck Gao, a day after attacks killed 49": the
                # day before the day told
                when = _days_before(told, norm, recall_at)
        if recall_at is not None and aside is None:
            # "… struck a camp in Gao, a day after attacks killed 49 civilians in the
            # north": Gao is the scene of the event told, not of the one recalled
            place, rank = place_for(
                claim, [sp for sp in places if sp.start_char >= recall_at], norm, cues, aggregate
            )
            if recall_at < s_start:
                # "… cinq jours après l'attaque qui a visé le détachement de Dablo, le
                # mardi 7 février. L'armée a fait état de neuf soldats tués": the scene
                # and the day the cue's sentence gives the recalled event
                lead = (recall_at, s_start)
                if place is None:
                    place, rank = lead_place(lead, places, norm, cues)
                if when is None:
                    when = _day_within(lead, dates)
            scenes[id(claim)] = (place, rank)
        found = bodies_found(claim, norm)
        target = None
        if aside is None and (not new_cue or found):
            # A figure of the previous figure's sentence tries that figure's event first
            # ("«Deux Casques bleus ont trouvé la mort» et plusieurs ont été blessés").
            ordered = sorted(
                reversed(events),
                key=lambda e: (
                    not (
                        prev is not None
                        and prev.sentence == claim.sentence
                        and any(c is prev for c in e.claims)
                    )
                ),
            )
            for event in ordered:
                if (
                    event.recalled
                    and all(c.sentence != claim.sentence for c in event.claims)
                    and not any(_overlap(c, claim) and not c.vague for c in event.claims)
                    and not _account_told_next(event, claim, doc)
                ):
                    # "… ten days after a major attack … It killed 38. … a soldier was
                    # killed": an event recalled in passing takes no later figure but
                    # its own toll told again
                    continue
                if event.aside or not compatible(event, claim, aggregate, place, rank, when):
                    continue
                if another_blast(event, claim, norm, place):
                    continue
                if (
                    months
                    and event.date is not None
                    and event.date.date is not None
                    and event.date.date.month not in months
                ):
                    continue  # "Tuesday's attack … as in the July attack, in which 17 …"
                if found and within_toll(event, claim):
                    target = event
                    break
                if not (new_cue or another_figure(event, claim, norm, place, when)):
                    target = event
                    break
        if target is not None and found and within_toll(target, claim):
            prev = claim
            continue  # a count of the bodies found: part of the toll, not another figure
        if target is None:
            target = Event(aggregate, place, rank, when, aside=aside is not None)
            target.multi_country = countries_in(claim.sentence, places, norm) > 1
            target.recalled = recalled
            events.append(target)
        else:
            if place is not None and (target.place is None or rank < target.place_rank):
                target.place, target.place_rank = place, rank
            if when is not None and (
                target.date is None
                or finer_day(target.date, when)
                or (target.date.date is None and when.date is not None)
            ):
                # "killed this week … on Thursday": the day; "since December … since
                # December 2023": the period its year resolves
                target.date = when
        target.claims.append(claim)
        prev = claim

    events = without_totals_split_by_side(without_totals_split_by_village(events, scenes))
    events = generic_people_beside_one_side(generic_totals_of_one_side(events))
    country = text_country(doc, places, focus_countries, cues)
    incidents: list[Incident] = []
    first_single = next((e for e in events if not e.aggregate), None)
    for idx, event in enumerate(events):
        others = frozenset(s for e in events if e is not event for s in e.sentences)
        refine_place(event, places, norm, cues, doc, first=event is first_single, others=others)
        if event.aggregate:
            same = _same_area_place(event, places, norm, cues)
            if same is not None:
                event.place, event.place_rank = same, 0
        if event.place is not None:
            event.place = homonym_abroad(
                event.place, places, norm, cues, _around(event, doc), focus_countries
            )
            event.place = _named_form(event, places, norm, cues)
        if event.place is not None and event.place.precision == "country" and event.place_rank >= 3:
            # "killed in an ambush near the border with Mali": a country named only as a
            # reference point is neither the scene nor the scene's country
            event.place = None
        if event.place is not None and not event.aggregate and event.place_rank == 2:
            # A country alone names no scene for a single event; it still gives the country.
            event.country = event.place.country
            event.place = None
        if not event.aggregate and not event.aside and not event.recalled:
            if event.date is None:
                event.date = _neighbour_date(event, dates, first=idx == 0, norm=norm, doc=doc)
            elif event.date.precision in ("month", "year"):
                # "attacked on Wednesday … the fifth attack on the same camp in 2021"
                day = _neighbour_date(event, dates, first=idx == 0, norm=norm, doc=doc)
                if day is not None and day_within(event.date, day):
                    event.date = day
        if event.date is None and event.aggregate:
            event.date = _period_before(event, dates, doc)
        if event.date is None and not event.aggregate:
            # "as in the July attack, in which 17 soldiers were killed" (a December
            # report): an earlier event told in passing, its day not written
            written = doc_text(doc)
            named = {
                m for a, b in event.sentences for m in months_named(written, a, b, doc.lang_, dates)
            }
            event.recalled = event.recalled or bool(
                named and published is not None and published.month not in named
            )
            # "The previous convoy, in early September, hit a mine" (a report of 27
            # September): a part of the report's month over well before it
            event.recalled = event.recalled or any(
                published is not None and _part_over(month, hi, published)
                for a, b in event.sentences
                for month, (_, hi) in month_parts_named(written, a, b).items()
            )
        elif not event.aggregate and _before_report_month(event.date, published):
            # "39 people were killed in an ambush … in 2019" (a 2022 report): a single
            # event dated only to a month or year before the report's is recalled
            event.recalled = True
        fallback = None if event.multi_country else country
        if (
            event.aggregate
            and event.place is None
            and (event.country or fallback)
            and REPORT.search(norm)
        ):
            # A report's period total placed nowhere else is counted in its country ("la
            # Mission des Nations unies au Mali a publié sa note trimestrielle … 317 civils
            # tués en trois mois").
            event.place = country_as_written(doc_text(doc), event.country or fallback or "")
            event.place_rank = 2
        # The sentences of earlier events told in passing: their actors are theirs.
        passing = frozenset(
            s for e in events if e is not event and (e.recalled or e.aside) for s in e.sentences
        )
        for group in _side_groups(event.claims, norm):
            record = _incident(doc, event, group, event.country or fallback, cues, passing)
            record.event = idx
            record.recalled = event.recalled or event.aside
            incidents.append(record)
    return incidents


# "It was the same area where IS killed 50 soldiers in two attacks": the area of the
# place named just before.
_SAME_AREA = cue_pattern(r"\b{same_area}\b")


def _same_area_place(event: Event, places: list[Span], norm: str, cues: EventCues) -> Place | None:
    """A period total told in "the same area" as the place named right before it (in
    its sentence before the cue, or in the sentence before): that place."""
    first = min(event.claims, key=lambda c: c.start)
    a, _ = first.sentence
    cue = _SAME_AREA.search(norm, a, first.end)
    if cue is None:
        return None
    before = [
        sp
        for sp in places
        if sp.end_char <= cue.start()
        and a - SAME_AREA_REACH <= sp.start_char
        and place_rank(sp._.place) == 0
        and usable_place(sp, norm, cues)
    ]
    return before[-1]._.place if before else None


# How far before the sentence of "the same area" the place it refers to may be named.
SAME_AREA_REACH = 250


def _before_report_month(when: DateMention | None, published: date | None) -> bool:
    """A date of a month or a year only ("in December 2019", "in 2019") that ended
    before the report's month began."""
    return (
        when is not None
        and when.precision in ("month", "year")
        and when.end_date is not None
        and published is not None
        and when.end_date < published.replace(day=1)
    )


# A report up to a week after a part of a month may still tell it as news.
PART_REPORT_LAG = timedelta(days=7)


def _part_over(month: int, last_day: int, published: date) -> bool:
    """Whether the part of ``month`` ending on ``last_day`` ended more than
    ``PART_REPORT_LAG`` before ``published`` (the month of the latest such year)."""
    year = published.year if month <= published.month else published.year - 1
    end = date(year, month, min(last_day, calendar.monthrange(year, month)[1]))
    return end + PART_REPORT_LAG < published


def _attack_on_another_day(
    event: Event | None,
    prev: Claim,
    claim: Claim,
    dates: list[DateMention],
    doc: Doc,
    cues: EventCues,
) -> bool:
    """ "Gunmen killed 15 villagers on Monday. On Wednesday, the UN camp in Aguelhok was
    attacked … three peacekeepers were wounded": a sentence between the two figures
    tells an attack on another day than the previous event's."""
    if event is None or event.date is None or event.date.date is None:
        return False
    day = event.date.date
    between = [
        d
        for d in dates
        if prev.sentence[1] <= d.start < claim.sentence[0]
        and d.date is not None
        and d.precision == "day"
        and not (d.reporting or d.period)
        and abs((d.date - day).days) > 1
    ]
    if not between:
        return False
    norm = folded(doc)
    return any(
        cues.attack_event.search(norm, a, b) and any(a <= d.start < b for d in between)
        for a, b in sentence_bounds(doc)
        if prev.sentence[1] <= a < claim.sentence[0]
    )


def _recalled(claim: Claim, claims: list[Claim], doc: Doc, cues: EventCues) -> int | None:
    """ "The announcement comes ten days after a major attack … It killed 38 people",
    "nine days after gunmen killed 44 people": the figure's event is recalled, the cue
    written since the start of the sentence before it and no other figure between.
    Where the cue starts, or None."""
    sents = sentence_bounds(doc)
    i = sents.index(claim.sentence) if claim.sentence in sents else 0
    start = sents[max(0, i - 1)][0]
    figure = claim.number_start if claim.number_start is not None else claim.start
    norm = folded(doc)
    for m in cues.recalled_lead.finditer(norm, start, figure + 1):  # "after 33 people"
        if m.end() > figure:
            continue
        between = [c for c in claims if m.end() <= (c.number_start or c.start) < figure]
        # "a day after attacks killed 49 civilians and 15 soldiers": the figures of one
        # list share the cue before its first
        if not between or (
            all(c.sentence == claim.sentence for c in between)
            and _LIST_JOIN.fullmatch(norm, between[-1].end, figure) is not None
        ):
            return m.start()
    return None


def _named_form(event: Event, places: list[Span], norm: str, cues: EventCues) -> Place | None:
    """The event's place as its own name when its sentences also write it so: "an attack
    in the Malian capital … 77 killed in Bamako" is at Bamako (one gazetteer entry
    written two ways, the proper name kept)."""
    place = event.place
    if place is None or place.geonames_id is None or _proper_name(place.name):
        return place
    return next(
        (
            sp._.place
            for sp in places
            if sp._.place is not None
            and sp._.place.geonames_id == place.geonames_id
            and _proper_name(sp._.place.name)
            and any(a <= sp.start_char < b for a, b in event.sentences)
            and usable_place(sp, norm, cues)
        ),
        place,
    )


def _proper_name(written: str) -> bool:
    """ "Bamako", "Tin Zaouaten": every word capitalised (not "the Malian capital")."""
    return all(w[:1].isupper() for w in written.split())


def _day_within(span: tuple[int, int], dates: list[DateMention]) -> DateMention | None:
    """The first day written in ``span`` that dates an event (not a statement's day,
    not a period)."""
    return next(
        (
            d
            for d in dates
            if span[0] <= d.start < span[1]
            and d.precision == "day"
            and not (d.reporting or d.period)
        ),
        None,
    )


def _account_told_next(event: Event, claim: Claim, doc: Doc) -> bool:
    """ "… neuf soldats tués, selon l'armée. Le JNIM a de son côté affirmé avoir tué plus
    de trente soldats": in the sentence right after a recalled event's figures, another
    source's count of the same side's dead (an account cue before the figure)."""
    sents = sentence_bounds(doc)
    last = max(c.sentence for c in event.claims)
    if last not in sents or claim.sentence not in sents:
        return False
    if sents.index(claim.sentence) != sents.index(last) + 1:
        return False
    if not any(c.kind == claim.kind and c.side == claim.side for c in event.claims):
        return False
    figure = claim.number_start if claim.number_start is not None else claim.start
    return names_an_account(folded(doc)[claim.sentence[0] : figure])


def _days_before(told: DateMention, norm: str, recall_at: int) -> DateMention | None:
    """The day of an event recalled as "N days after" it, counted back from the day of
    the event told (a day written, not a statement's); None for any other cue."""
    days = days_after(norm, max(0, recall_at - 12), recall_at + 20)
    if days is None or told.date is None or told.precision != "day" or told.reporting:
        return None
    if not 0 < days <= 31:
        return None
    return DateMention(recall_at, recall_at, "", told.date - timedelta(days=days), None, "day")


# Between two figures of one list: "… 49 civilians and 15 soldiers", "… 12 morts, 8 blessés"
_LIST_JOIN = cue_pattern(r"\s*(?:,|\b{and_join}\b)\s*(?:,\s*)?")


def _lead_ins(doc: Doc, prev: Claim | None, claim: Claim, cues: EventCues) -> list[tuple[int, int]]:
    """Up to two whole sentences between the previous claim and this one, the nearest
    first: "Gao is a big city. Meanwhile, soldiers clashed in Bamako. … many injured"
    is told in Bamako. Then, further up but still after the previous claim, the nearest
    sentence that tells an attack: "The camp in Aguelhok was attacked on Wednesday.
    Rockets landed near it. The peacekeepers repelled the assault. Three were injured"."""
    sents = sentence_bounds(doc)
    after = prev.sentence[1] if prev is not None else 0
    inside = [s for s in sents if s[0] >= after and s[1] <= claim.sentence[0]]
    norm = folded(doc)
    told = [s for s in inside[:-2] if cues.attack_event.search(norm, *s)]
    return inside[-2:][::-1] + told[-1:]


def _figureless_incidents(doc: Doc, cues: EventCues, dates: list[DateMention]) -> list[Incident]:
    """A named attack with no figure ("armed men attacked the Nampala camp"): counts null.

    Only for texts without any casualty claim, and only where a village or town is
    written in the same sentence as the attack, so background talk of "attacks"
    does not become incidents. The victims are the side the sentence says was struck
    (a civilian venue, a state force's camp or unit), else unknown; the day is the
    sentence's, as for a toll.
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
        struck = (
            "civilians"
            if CIVILIAN_VENUE.search(norm, s_start, s_end)
            else attacked_side(doc, (s_start, s_end), cues)
        )
        perpetrators, _ = actor_roles(doc, [anchor], struck or "unknown", place.country, cues)
        when = _date_for(anchor, dates, norm)
        if when is not None and (when.precision not in ("day", "week") or when.date is None):
            when = None
        text = doc_text(doc)
        out.append(
            Incident(
                killed=Figure(),
                injured=Figure(),
                abducted=Figure(),
                victims=[struck or "unknown"],
                location=location_fields(place, place.country),
                perpetrators=perpetrators,
                targets=["civilians"] if struck == "civilians" else [],
                event_date=when.date.isoformat() if when and when.date else None,
                event_date_end=when.end_date.isoformat() if when and when.end_date else None,
                date_precision=when.precision if when else "unknown",
                aggregate=False,
                confidence=0.3,
                evidence=[Evidence(text[s_start:s_end], s_start, s_end)],
                claims=[],
                event=len(out),
            )
        )
    return out


_CLAUSE_BREAK = re.compile(r"[,;:]\s|\s[\u2013\u2014-]\s|[()]")
_RELATIVE_OPENING = cue_pattern(r"{relative_openings}\b")


def _date_for(claim: Claim, dates: list[DateMention], norm: str) -> DateMention | None:
    s_start, s_end = claim.sentence
    inside = [
        d
        for d in dates
        if s_start <= d.start < s_end and not d.reporting and not burial_day(d, norm)
    ]
    if not inside:
        return None
    # from the figure itself: "103 morts en 2021 et 72 en 2022" (72 shares the verb)
    at = claim.number_start if claim.number_start is not None else claim.start
    # "tués mardi près de Tongo Tongo, où quatre soldats étaient tombés en 2017": a
    # relative clause of place or time tells its own event, dated within the clause
    lo = max((m.end() for m in _CLAUSE_BREAK.finditer(norm, s_start, at)), default=s_start)
    if _RELATIVE_OPENING.match(norm, lo):
        brk = _CLAUSE_BREAK.search(norm, at, s_end)
        hi = brk.start() if brk is not None else s_end
        inside = [d for d in inside if lo <= d.start < hi] or inside
    return min(inside, key=lambda d: abs(d.start - at))


def _neighbour_date(
    event: Event, dates: list[DateMention], first: bool, norm: str, doc: Doc
) -> DateMention | None:
    sents = event.sentences
    lo, hi = sents[0][0], sents[-1][1]
    near = [d for d in dates if not d.reporting and not d.period and lo - 400 <= d.start < hi + 300]
    near = [d for d in near if not burial_day(d, norm)]  # "enterrés le 8 octobre"
    near = [d for d in near if d.date is not None and d.precision in ("day", "week")]
    named = {m for a, b in sents for m in months_named(doc_text(doc), a, b, doc.lang_, dates)}
    if named:
        # "as in the July attack, in which 17 soldiers were killed": not a day of December
        near = [d for d in near if d.date is not None and d.date.month in named]
    parts = {m: p for a, b in sents for m, p in month_parts_named(doc_text(doc), a, b).items()}
    # "in early September … 35 dead": not "Monday, September 26"
    near = [
        d
        for d in near
        if d.date is not None
        and (
            d.date.month not in parts
            or parts[d.date.month][0] <= d.date.day <= parts[d.date.month][1]
        )
    ]
    if near:
        return min(near, key=lambda d: abs(d.start - lo))
    return None


# How many sentences before a period total its period may be written.
PERIOD_REACH = 2


def _period_before(event: Event, dates: list[DateMention], doc: Doc) -> DateMention | None:
    """The period written in the sentence before a period total that gives none of its
    own ("its quarterly note for the period from 1 April to 30 June 2022. In three
    months, 317 civilians were killed")."""
    sents = sentence_bounds(doc)
    first = min(a for a, _ in event.sentences)
    i = next((k for k, (a, _) in enumerate(sents) if a == first), 0)
    previous = any(_PREVIOUS_QUARTER.search(folded(doc), a, b) for a, b in event.sentences)
    # The quarter a report covers is written in its lead, however far before.
    lo = 0 if previous else max(0, i - PERIOD_REACH)
    for a, b in reversed(sents[lo:i]):
        spans = [d for d in dates if d.period and a <= d.start < b and d.date and d.end_date]
        if len(spans) != 1:
            if spans:
                return None
            continue
        if not previous:
            return spans[0]
        # "compared to the previous quarter": the quarter before the report's
        return _quarter_before(spans[0])
    return None


# "compared to the previous quarter", "comparativement au trimestre précédent"
_PREVIOUS_QUARTER = cue_pattern(r"\b{previous_quarter}\b")


def _quarter_before(period: DateMention) -> DateMention | None:
    """The three months before a period of three whole months, else None."""
    start, end = period.date, period.end_date
    if start is None or end is None or start.day != 1:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months != 3 or end.day != calendar.monthrange(end.year, end.month)[1]:
        return None
    first = start.month - 3
    year = start.year + (first - 1) // 12
    first_month = (first - 1) % 12 + 1
    return replace(period, date=date(year, first_month, 1), end_date=start - timedelta(days=1))


def _side_groups(claims: list[Claim], norm: str) -> list[list[Claim]]:
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
                and not another_account(c, claim, norm)
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
    its lead), "over 100" and "as many as 132", not "43" and "12"."""
    if (a.min, a.max) == (b.min, b.max):
        return True
    # "Over 100 killed … killed as many as 132 people": a floor and a ceiling, one range.
    floor, ceiling = (a, b) if b.min is None else (b, a)
    if floor.max is None and ceiling.min is None and floor.min is not None:
        return ceiling.max is not None and floor.min <= ceiling.max
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


def _around(event: Event, doc: Doc) -> tuple[int, int]:
    """From the sentence before the event's first to the one after its last."""
    sents = sentence_bounds(doc)
    first = min(a for a, _ in event.sentences)
    last = max(b for _, b in event.sentences)
    i = next((k for k, (a, _) in enumerate(sents) if a == first), 0)
    j = next((k for k, (_, b) in enumerate(sents) if b == last), len(sents) - 1)
    return sents[max(0, i - 1)][0], sents[min(len(sents) - 1, j + 1)][1]


def _at_civilian_venue(doc: Doc, event: Event) -> bool:
    """A place where civilians gather (a market, a wedding, a mosque) is named in the
    event's sentences or the one before them."""
    start = _around(event, doc)[0]
    end = max(b for _, b in event.sentences)
    return bool(CIVILIAN_VENUE.search(folded(doc), start, end))


def _incident(
    doc: Doc,
    event: Event,
    group: list[Claim],
    country: str | None,
    cues: EventCues,
    passing: frozenset[tuple[int, int]] = frozenset(),
) -> Incident:
    side = next((c.side for c in group if c.side != "unknown"), "unknown")
    victims: list[str] = []
    for c in group:
        for cat in (c.victim_category, *c.subcategories):
            if cat not in victims:
                victims.append(cat)
    if side != "unknown" and "unknown" in victims and len(victims) > 1:
        victims.remove("unknown")
    if victims == ["unknown"] and _at_civilian_venue(doc, event):
        victims, side = ["civilians"], "civilians"
    place = event.place
    location = location_fields(place, country)
    perpetrators, targets = actor_roles(doc, group, side, location.country, cues, passing)
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
