"""Which claims of a text tell one event: the rules :func:`nlp.assemble.assemble` applies
claim by claim.

* :func:`aggregate_flags` — whether each claim is a period total ("since January", "in
  two attacks in May and July", a period date), its restatements included;
* :func:`compatible` — whether a claim may join an open event (same aggregate flag, no
  conflicting place or date);
* :func:`another_figure` — a clearly different toll in another sentence with nothing
  making it another account of the same event: another event;
* :func:`without_totals_split_by_village` — a toll the next sentences split exactly
  between villages is coded per village;
* bodies found after an attack (:func:`bodies_found`, :func:`within_toll`), "other"
  soldiers counted after peacekeepers (:func:`others_of_the_same_force`) and burials
  (:func:`burial`).

Cue words: ``nlp/data/<lang>/claims_events.json`` and ``assemble_cues.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from nlp.claims import Claim
from nlp.dates import DateMention, month_pattern
from nlp.eventcues import EventCues, cue_pattern
from nlp.placechoice import BURIAL_BEFORE, same_place
from nlp.places import Place
from nlp.result import VictimCategory
from nlp.roles import LAID_BOMB
from nlp.textnorm import fold_keep_length as fold


@dataclass
class Event:
    aggregate: bool
    place: Place | None
    place_rank: float  # see place_rank (0.5: a commune); 3 = only a reference point
    date: DateMention | None
    claims: list[Claim] = field(default_factory=list)
    country: str | None = None  # when only a country is written
    multi_country: bool = False  # "in Mali, Burkina Faso and Niger": no single country
    aside: bool = False  # "after Ogossagou (160 killed)": a recalled toll no figure joins
    # "The announcement comes ten days after a major attack … It killed 38": an earlier
    # event told in passing (no day or scene borrowed from the story told after it)
    recalled: bool = False

    @property
    def sentences(self) -> list[tuple[int, int]]:
        return sorted({c.sentence for c in self.claims})


# A month name as written ("in May and July"): a time longer than one day.
_MONTH = re.compile(rf"(?<![\w]){month_pattern()}")


# "le 23 mai", "on 3 March": a day written, resolved or not (no year known).
_DAY_WRITTEN = re.compile(
    rf"\b\d{{1,2}}(?:er|st|nd|rd|th)?\s+{month_pattern()}|{month_pattern()}\s+\d{{1,2}}\b"
)


def _names_a_day(date: DateMention) -> bool:
    """A date of one day, even one whose year the text does not give."""
    return date.precision == "day" or (
        date.precision == "unknown" and bool(_DAY_WRITTEN.search(fold(date.text)))
    )


def aggregate_flags(
    claims: list[Claim], norm: str, cues: EventCues, dates: list[DateMention], text: str
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
        days = [d for d in near if _names_a_day(d)]
        # "in two attacks in May and July": a month with no day spans more than one day.
        bare_month = any(
            not any(d.start <= lo + m.start() < d.end for d in days)
            for m in _MONTH.finditer(window)
        )
        # "qui a frappé le 23 mai … à Agadez …, faisant au total 36 morts": a day written
        # earlier in the claim's own sentence dates the total too.
        before = [
            d for d in dates if s_start <= d.start < lo and _names_a_day(d) and not d.reporting
        ]
        one_day = (
            bool(days or before)
            and not bare_month
            and not any(d.precision in ("month", "year") for d in near)
        )
        flags.append(
            _period_cue(cues.aggregate, norm, text, lo, hi, after=claim.end)
            or (not one_day and bool(cues.aggregate_unless_one_day.search(window)))
            or any(
                d.period
                and s_start <= d.start < s_end
                and not _compares(norm, d.start)
                and not (d.start >= claim.end and _SETTING_CLAUSE.search(norm, claim.end, d.start))
                for d in dates
            )
            or max(claim.min or 0, claim.max or 0) >= cues.aggregate_min_figure
        )
    if REPORT.search(norm):
        for i, claim in enumerate(claims):
            # "its quarterly note for the period from 1 April to 30 June 2022. It records
            # 317 civilians killed": a report's figure right after its period, with no
            # day of its own, counts that period.
            s_start, s_end = claim.sentence
            flags[i] = flags[i] or (
                any(
                    d.period
                    and s_start - REPORT_PERIOD_GAP <= d.end <= s_start
                    and not _compares(norm, d.start)
                    for d in dates
                )
                and not any(s_start <= d.start < s_end and _names_a_day(d) for d in dates)
                and not any(s_start - REPORT_PERIOD_GAP <= c.start < s_start for c in claims)
            )
    for i in range(1, len(claims)):
        prev, claim = claims[i - 1], claims[i]
        # "317 civilians killed, 73 kidnapped and 77 injured": the figures of one list
        # share the period written before its first figure.
        if (
            flags[i - 1]
            and not flags[i]
            and prev.sentence == claim.sentence
            and _LIST_GAP.fullmatch(norm, prev.end, claim.number_start or claim.start)
        ):
            flags[i] = True
    for i in range(len(claims) - 1, 0, -1):
        prev, claim = claims[i - 1], claims[i]
        # "ont fait 287 morts, 38 blessés, 67 personnes enlevées … en trois mois": the
        # period written after the list's last figure is its first figures' too, unless
        # a day of their own is written before them
        if (
            flags[i]
            and not flags[i - 1]
            and prev.sentence == claim.sentence
            and _LIST_GAP.fullmatch(norm, prev.end, claim.number_start or claim.start)
            and not any(
                d.precision == "day" and prev.sentence[0] <= d.start < prev.end for d in dates
            )
        ):
            flags[i - 1] = True
    totals = {(c.kind, c.min) for c, f in zip(claims, flags, strict=True) if f}
    return [
        f or (c.min is not None and (c.kind, c.min) in totals)
        for c, f in zip(claims, flags, strict=True)
    ]


# "its quarterly note", "le rapport": the text reports on a report.
REPORT = cue_pattern(r"\b{report_nouns}\b")
# How far before a report's figure the period it counts may end (about a sentence).
REPORT_PERIOD_GAP = 250


# "tombés dans une embuscade en 2017": one event, dated by its year only.
_SINGLE_EVENT = cue_pattern(r"\b{single_event}\b")
_YEAR = re.compile(r"\d{4}")


# How far past the window a period cue that begins inside it may run ("… in the first
# two months of 2023").
CUE_OVERHANG = 30


def _period_cue(
    pattern: re.Pattern[str], norm: str, text: str, lo: int, hi: int, after: int = -1
) -> bool:
    """A period cue in ``norm[lo:hi]``, but not "depuis" before a name: "Depuis Dacca,
    l'armée a annoncé" is "from Dhaka" (``text`` as written tells a name by its capital;
    ``norm`` keeps its offsets); nor a year after the figure (``after``) that dates one
    event named between them ("tués dans une embuscade en 2017"); nor the period of a
    superlative ("the deadliest attack this year")."""
    for m in pattern.finditer(norm, lo, hi + CUE_OVERHANG):
        if m.start() >= hi:
            break  # a cue must begin within the window; it may end past it
        if _compares(norm, m.start()):
            continue  # "one of the deadliest attacks in the area this year": a comparison
        if (
            0 <= after <= m.start()
            and _YEAR.search(m.group(0))
            and _SINGLE_EVENT.search(norm, after, m.start())
        ):
            continue
        if 0 <= after <= m.start() and _SETTING_CLAUSE.search(norm, after, m.start()):
            continue  # "killed nine in Gaskinde, where groups have attacked since 2015"
        if _RUNNING_OF_ONE_ATTACK.match(norm, m.start()):
            continue  # "79 bodies so far after an attack": that attack's provisional toll
        if _ADVERB_SINCE.search(norm, max(0, m.start() - 20), m.end()):
            continue  # "troops killed 15 and have since retaken the camp": "after that"
        name = _FROM_NAME.match(norm, m.start())
        if name is None or not text[name.start(1)].isupper() or _MONTH.match(name.group(1)):
            return True
    return False


# "have since retaken the camp", "a depuis repris": the since word is an adverb ("after
# that"), not the start of a period.
_ADVERB_SINCE = cue_pattern(r"\b{auxiliaries}\s+(?:not\s+|pas\s+)?{since_words}$")

# ", where armed groups have been attacking since 2015", ", où … depuis 2015": a clause
# about the scene or the actors, whose period is not the figure's.
_SETTING_CLAUSE = cue_pattern(r",\s*{setting_clause}\b")


# "recovered 79 bodies so far after an attack", "12 tués à ce jour dans l'attaque": a
# running count of one attack, not a period total.
_RUNNING_OF_ONE_ATTACK = cue_pattern(r"{running_toll}\s+(?:[\w']+\s+){0,2}?{one_attack}\b")


# "one of the deadliest attacks on civilians in the area this year", "l'une des attaques
# les plus meurtrières de l'année": a superlative, then its comparison's period.
_SUPERLATIVE_BEFORE = cue_pattern(r"\b{superlatives}\b[^.;:,\d]{0,60}$")


def _compares(norm: str, start: int) -> bool:
    """A superlative's comparison ends at ``start``: the period there is not a figure's."""
    return bool(_SUPERLATIVE_BEFORE.search(norm, max(0, start - 70), start))


# "depuis" before a capitalised word: a place or a person the news comes from (the
# words are matched on the folded text, the capital on the text as written).
_FROM_NAME = cue_pattern(r"{news_from}\s+([\w'-]+)")


# Between two figures of one list: a comma or "and" and a few words, no clause break.
_LIST_GAP = cue_pattern(r"[^.;:()]{0,60}?(?:,|\b{and_join}\b)\s*")


def _toll(claim: Claim) -> int | None:
    """The figure a toll is compared by: its minimum, else its maximum ("up to 70")."""
    return claim.min if claim.min is not None else claim.max


def without_totals_split_by_village(
    events: list[Event], scenes: dict[int, tuple[Place | None, float]]
) -> list[Event]:
    """ "About 100 people were killed in attacks on two villages … up to 70 dead in A and
    30 in B": a toll the next sentences split exactly between villages (each figure with
    a village of its own) is coded per village only, as a total split by side is."""
    claims = sorted((c for e in events for c in e.claims), key=lambda c: c.start)
    totals: set[int] = set()
    sides: dict[int, VictimCategory] = {}  # a part that names no victims: the total's
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


# "40 people", "12 personnes": victims named only as people.
_GENERIC_VICTIMS = cue_pattern(r"\s*{generic_victims}\s*")


def generic_totals_of_one_side(events: list[Event]) -> list[Event]:
    """ "Gunmen killed 40 people and injured 33 others … the attack claimed the lives of
    six soldiers and 34 volunteers": a toll of people that the event's later figures
    restate, equal, for one side only is that side's toll (with the figures of its
    sentence that took its victims, "33 others"), not a second side's."""
    for event in events:
        if event.aggregate:
            continue
        for i in range(len(event.claims)):
            total = event.claims[i]
            value = _toll(total)
            if (
                value is None
                or total.vague
                or total.side != "civilians"
                or not _GENERIC_VICTIMS.fullmatch(fold(total.victims_text))
            ):
                continue
            later = [
                c
                for c in event.claims
                if c.start > total.end and c.kind == total.kind and _toll(c) == value
            ]
            sides = {c.victim_category for c in later}
            if len(sides) != 1 or any(c.side in ("civilians", "unknown") for c in later):
                continue
            category = sides.pop()
            event.claims = [
                replace(c, victim_category=category)
                if c is total
                or (
                    c.sentence == total.sentence
                    and c.start > total.end
                    and c.victim_category == total.victim_category
                    and c.kind != total.kind
                )
                else c
                for c in event.claims
            ]
    return events


def generic_people_beside_one_side(events: list[Event]) -> list[Event]:
    """ "One soldier was killed in the attack and six people were wounded": people of no
    named side, counted after a force's own figure of another kind of the same event (in
    its sentence or a later one: "11 soldiers were killed … Some 28 people were
    wounded"), are of unknown side beside that force's, not a civilians' record of their
    own (unless the event names civilians among its victims)."""
    armed = ("soldiers", "peacekeepers")
    for event in events:
        if event.aggregate or any(
            c.side == "civilians" and not _GENERIC_VICTIMS.fullmatch(fold(c.victims_text))
            for c in event.claims
        ):
            continue
        event.claims = [
            replace(c, victim_category="unknown")
            if c.side == "civilians"
            and _GENERIC_VICTIMS.fullmatch(fold(c.victims_text))
            and any(o.side in armed and o.end <= c.start and o.kind != c.kind for o in event.claims)
            else c
            for c in event.claims
        ]
    return events


def without_totals_split_by_side(events: list[Event]) -> list[Event]:
    """ "At least 14 people, including an auxiliary, were killed … gunmen killed 13
    civilians … an auxiliary was also killed": a toll the event's later figures split
    exactly between victim sides (one figure per side, two sides or more) is coded per
    side only, as a total split by side in one sentence is. No total is invented: only
    one the text wrote and then split is dropped."""
    for event in events:
        if event.aggregate:
            continue
        drop: set[int] = set()
        for total in event.claims:
            value = _toll(total)
            if value is None or total.vague or total.combined:
                continue
            parts: dict[str, int] = {}
            for c in event.claims:
                toll = _toll(c)
                if (
                    c.start < total.end
                    or c.kind != total.kind
                    or c.vague
                    or c.combined
                    or toll is None
                    or c.side == "unknown"
                ):
                    continue
                parts.setdefault(c.side, toll)  # each side's first figure after the total
            if len(parts) >= 2 and sum(parts.values()) == value:
                drop.add(id(total))
        if drop:
            event.claims = [c for c in event.claims if id(c) not in drop]
    return events


# Words that make a different figure another account of the same event rather than
# another event: "according to", "the toll", "as high as", "other sources".
_ACCOUNT = cue_pattern(r"\b{account}\b")
# "revendiquée par le JNIM", "claimed responsibility": who did it, not whose count it is.
_RESPONSIBILITY = cue_pattern(r"\b(?:{claimed_before}|{claimed_after})\b")


def another_figure(
    event: Event, claim: Claim, norm: str, place: Place | None, when: DateMention | None
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
    value = _toll(claim)
    for c in same:
        other = _toll(c)
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
    return not names_an_account(norm[a:b])


def another_account(first: Claim, later: Claim, norm: str) -> bool:
    """ "The UN said about 200 were killed; the group put the toll at 300": a cue of
    another account ("toll", "according to", "as high as") between two figures of one
    sentence makes the later one another source's count of the same dead."""
    start, end = first.end, later.number_start or later.start
    return start < end and (
        names_an_account(norm[start:end]) or bool(_CONTRAST_ACCOUNT.search(norm, start, end))
    )


# "… put the losses at 18, while the group, which claimed the attack, said its fighters
# had killed more than 30": another source's count, set against the first.
_CONTRAST_ACCOUNT = cue_pattern(r"\b{account_contrasts}\b[^.;]{0,160}?\b{account_verbs}\b")


def names_an_account(text: str) -> bool:
    """A cue of another account in ``text``, not counting a claim of responsibility."""
    return bool(_ACCOUNT.search(_RESPONSIBILITY.sub(_blank, text)))


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))


def another_blast(event: Event, claim: Claim, norm: str, place: Place | None) -> bool:
    """ "Five police officers were killed on Sunday in an attack in the north … Two women
    were killed on Sunday when their cart hit a land mine in the department of X": a
    mine's blast told in a sentence of its own, with a place of its own, killing another
    side than the event's named victims, none of whose sentences tells a mine: another
    event."""
    if claim.vague or claim.side == "unknown" or place is None:
        return False
    if not LAID_BOMB.search(norm, *claim.sentence):
        return False
    return any(c.side != "unknown" for c in event.claims) and not any(
        c.sentence == claim.sentence or c.side == claim.side or LAID_BOMB.search(norm, *c.sentence)
        for c in event.claims
    )


def compatible(
    event: Event,
    claim: Claim,
    aggregate: bool,
    place: Place | None,
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
    if (
        aggregate
        and when is not None
        and event.date is not None
        and when.period
        and event.date.period
        and (when.date, when.end_date) != (event.date.date, event.date.end_date)
        and "unknown" not in (when.precision, event.date.precision)
    ):
        # "since January, 456 civilians … an insurgency since 2012 that has killed
        # thousands": totals of two periods ("since December", its year unknown, may be
        # the "since December 2023" written elsewhere)
        return False
    # Two dated mentions more than a day apart are two events, unless one is a month or
    # a year that holds the other ("lundi 18 novembre … en novembre"). A day later may
    # still be the event's (a night's attack, deaths the next day); a day told after
    # the event's and before it ("mardi" … "Lundi, deux gendarmes") is an earlier event.
    if when is None or event.date is None or when.date is None or event.date.date is None:
        return True
    if _holds(when, event.date) or _holds(event.date, when):
        return True
    if when.precision == "day" and event.date.precision == "day" and when.date < event.date.date:
        return _days_apart(when, event.date) == 0
    return abs((when.date - event.date.date).days) <= 1


def _days_apart(a: DateMention, b: DateMention) -> int:
    """Days between two days' spans (0 when they overlap: "la nuit de mardi à mercredi"
    holds Wednesday's morning)."""
    assert a.date is not None and b.date is not None
    a_end, b_end = a.end_date or a.date, b.end_date or b.date
    if a_end < b.date:
        return (b.date - a_end).days
    if b_end < a.date:
        return (a.date - b_end).days
    return 0


def _holds(period: DateMention, day: DateMention) -> bool:
    """A named month or year ("novembre 2019", "in 2019") that contains a day's date; a
    relative one ("earlier this month", "last month") tells of another time. A week
    ("this week") holds the days of its range ("killed this week … on Thursday")."""
    if period.date is None or day.date is None:
        return False
    if period.precision == "week" and period.end_date is not None:
        return period.date <= day.date <= period.end_date
    if period.precision not in ("month", "year"):
        return False
    if not _NAMED_PERIOD.search(fold(period.text)):
        return False
    if period.precision == "year":
        return period.date.year == day.date.year
    return (period.date.year, period.date.month) == (day.date.year, day.date.month)


def finer_day(week: DateMention, day: DateMention) -> bool:
    """``day`` is a day inside the range of ``week`` ("this week" … "on Thursday")."""
    return week.precision == "week" and day.precision == "day" and _holds(week, day)


def day_within(period: DateMention, day: DateMention) -> bool:
    """``day`` is a day inside the named month or year, or the week, ``period``: "the camp
    was attacked on Wednesday … the fifth attack on the camp in 2021"."""
    return day.precision == "day" and _holds(period, day)


_NAMED_PERIOD = re.compile(rf"\b(?:{month_pattern()}|\d{{4}})")


# "the bodies of 11 people were found", "les corps de dix personnes ont été retrouvés":
# the discovery of victims of the event told around it, not an event.
_BODIES_FOUND = cue_pattern(
    r"\b{bodies}\b[^.;]{0,80}?\b{found}\b|\b{found}\b[^.;]{0,20}?\b{bodies}\b"
)


def bodies_found(claim: Claim, norm: str) -> bool:
    a, b = claim.sentence
    return claim.kind == "killed" and bool(_BODIES_FOUND.search(norm, a, b))


def within_toll(event: Event, claim: Claim) -> bool:
    """The claim's figure is at most a toll the event already has for its side."""
    value = _toll(claim)
    tolls = [
        c.max if c.max is not None else c.min
        for c in event.claims
        if c.kind == claim.kind and c.side == claim.side and not c.vague
    ]
    return value is not None and any(t is not None and value <= t for t in tolls)


_OTHER = cue_pattern(r"\b{other}\b")

# "ont fait irruption au marché hebdomadaire … des morts", "gunmen attacked a wedding …
# many dead": the dead of a raid on a place where civilians gather are civilians,
# though the toll names no side.
CIVILIAN_VENUE = cue_pattern(r"\b{civilian_venues}\b")


# "… and the search for bodies is ongoing", "les recherches se poursuivent"
_SEARCH_ONGOING = cue_pattern(r"\b{search_nouns}\b[^.;:!?]{0,30}?\b{ongoing_words}\b")


def still_searching(
    claims: list[Claim], norm: str, sentences: list[tuple[int, int]]
) -> list[Claim]:
    """ "This morning we counted 19 dead and the search for bodies is ongoing": a count
    of the dead while the search goes on (said after it in its sentence or in the next
    one) is a floor, not the final toll."""
    out: list[Claim] = []
    for claim in claims:
        b = claim.sentence[1]
        nxt = next((s for s in sentences if s[0] >= b), (b, b))
        if (
            claim.kind == "killed"
            and not claim.vague
            and claim.min is not None
            and claim.max == claim.min
            and (_SEARCH_ONGOING.search(norm, claim.end, b) or _SEARCH_ONGOING.search(norm, *nxt))
        ):
            claim = replace(claim, max=None)
        out.append(claim)
    return out


# "de nombreux morts et blessés de part et d'autre", "many dead on both sides"
_BOTH_SIDES = cue_pattern(r"[^.;:]{0,40}?\b{both_sides}\b")


def on_both_sides(claims: list[Claim], norm: str) -> list[Claim]:
    """ "… une garnison de l'armée, faisant de nombreux morts et blessés de part et
    d'autre … Au moins cinq soldats ont été tués": a toll of no named side said to fall
    on both sides, in a text that counts soldiers, is one toll for the force and one for
    its attackers."""
    if not any(c.side == "soldiers" for c in claims):
        return claims
    out: list[Claim] = []
    for claim in claims:
        if (
            claim.side == "unknown"
            and not claim.victims_text
            and _BOTH_SIDES.match(norm, claim.end)
        ):
            out.append(replace(claim, victim_category="soldiers"))
            out.append(replace(claim, victim_category="militants"))
        else:
            out.append(claim)
    return out


def others_of_the_same_force(claims: list[Claim]) -> list[Claim]:
    """ "Five peacekeepers were killed … nine other soldiers were wounded": "other"
    soldiers are more of the force just counted, peacekeepers here, not the army; and
    "killing a Chadian soldier and wounding four other peacekeepers": the soldier of
    the same sentence was one of them (a peacekeeper is the finer name of both)."""
    out: list[Claim] = []
    for claim in claims:
        prev = out[-1] if out else None
        if (
            prev is not None
            and {prev.victim_category, claim.victim_category} == {"soldiers", "peacekeepers"}
            and _OTHER.search(fold(claim.victims_text))
        ):
            if prev.sentence == claim.sentence:
                out[-1] = replace(prev, victim_category="peacekeepers")
            claim = replace(claim, victim_category="peacekeepers")
        out.append(claim)
    return out


# "les obsèques de vingt-sept soldats", "27 militaires … sont enterrés le 8 octobre à
# Ouagadougou": a figure of the dead being buried.
_FUNERAL_OF = cue_pattern(r"\b{funeral_nouns}\s+{funeral_of}\s+{funeral_of_articles}?[^,.;]{0,15}$")
_BURIED_AFTER = cue_pattern(r"^[^.;]{0,40}?\b{buried_after}\b")


def burial(claim: Claim, norm: str) -> bool:
    start = claim.number_start if claim.number_start is not None else claim.start
    return bool(
        _FUNERAL_OF.search(norm, max(0, start - 60), start)
        or _BURIED_AFTER.match(norm, claim.end, min(len(norm), claim.end + 60))
    )


def burial_day(date: DateMention, norm: str) -> bool:
    """The day of a burial, written after its verb ("sont enterrés le 8 octobre", "were
    buried on 8 October"): not the day of the event (the same cue as a burial's place)."""
    return bool(BURIAL_BEFORE.search(norm, max(0, date.start - 70), date.start))
