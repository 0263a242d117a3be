"""Linking the figures of a sentence to their casualty triggers.

A figure links to a trigger after it ("21 civilians were killed", "47 morts")
within ``max_after`` words, or before it ("killed 12", "la mort de 3") within
``max_before``; stop words, other figures and full stops break a link. Figures
coordinated with a linked one ("killed 19 civilians and three armed men") share
its trigger; sub-counts ("dont sept femmes") and counts of things ("four
attacks") are told apart here, and "a soldier" counts as a figure of one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlp.claimgrammar import Grammar, load_cues
from nlp.claimrecords import category_of
from nlp.claims import KINDS, _Link
from nlp.dates import calendar_word, weekday_opener
from nlp.numbers import Quantity

WORD_RE = re.compile(r"\w+(?:[-.]\w+)*\.?'?|'|[^\w\s]")
_HARD_STOP = {".", ";", ":", "!", "?", "(", ")", "[", "]"}
_QUOTES = {'"', "«", "»", "“", "”", "'", "‘", "’"}


@dataclass
class Word:
    start: int
    end: int
    text: str  # folded


def with_singulars(sent: str, norm: str, quantities: list[Quantity], g: Grammar) -> list[Quantity]:
    """Add a figure of one for each singular victim ("a soldier", "le maire", "l'imam").

    The determiner stands for the number, as "un" already does in "un soldat": the
    phrase is then linked to its trigger ("was killed", "killing …") like any figure.
    """
    taken = {q.start for q in quantities}
    spans = [(q.start, q.end) for q in quantities]
    extra = []
    for m in g.singular.finditer(norm):
        start, end = m.span("det")
        if start in taken or any(a <= start < b for a, b in spans):
            continue
        if g.singular_group.search(norm, max(0, start - 30), start):
            continue  # "two members of the VDP": the group, not one person
        extra.append(
            Quantity(
                start=start,
                end=end,
                text=sent[start:end],
                value=1,
                min=1,
                max=1,
                qualifier=None,
                kind="exact",
                article=True,
            )
        )
    # "killed three people at A, another at B and seven more in C": one more, in the list
    for m in load_cues().list_item_one.finditer(norm):
        start, end = m.span("det")
        if start not in taken and not any(a <= start < b for a, b in spans):
            extra.append(
                Quantity(start, end, sent[start:end], 1, 1, 1, qualifier=None, kind="exact")
            )
    # "a peacekeeper was killed and another injured": one more, before its casualty word
    for m in load_cues().one_before_trigger.finditer(norm):
        start, end = m.span("det")
        if start in taken or any(a <= start < b for a, b in spans):
            continue
        if any(p.match(norm, m.end()) for p in g.after.values()):
            extra.append(
                Quantity(start, end, sent[start:end], 1, 1, 1, qualifier=None, kind="exact")
            )
    if not extra:
        return quantities
    return sorted([*quantities, *extra], key=lambda q: q.start)


def clause_break(between: str) -> bool:
    return bool(load_cues().clause_break.search(without_place_asides(between)))


def without_place_asides(between: str) -> str:
    """``between`` with its place asides (", dans la province de Bam,") made one space."""
    return load_cues().place_aside.sub(" ", between)


def _place_asides(norm: str, start: int) -> list[range]:
    """Place asides after ``start``: words the distance skips (a verb inside one, "in an
    attack that wounded the chief", is another figure's)."""
    return [range(*m.span()) for m in load_cues().place_aside.finditer(norm, start, start + 160)]


def find_triggers(norm: str, patterns: dict[str, re.Pattern[str]]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for kind, pattern in patterns.items():
        found.extend((m.start(), m.end(), kind) for m in pattern.finditer(norm))
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    return found


def is_count_of_things(norm: str, q: Quantity, g: Grammar) -> bool:
    m = g.count_nouns.match(norm[q.end :])
    if not m:
        return False
    # "four civilians in the village" counts people; "two vehicle-borne bombs" does not.
    head = norm[q.end : q.end + m.end()].split()[:-1]
    if any(p.fullmatch(w) for w in head for p in g.victims.values()):
        return False
    # "71 cases of civilians summarily executed": the cases are people
    tail = norm[q.end + m.end() : q.end + m.end() + 30].split()
    return not (
        len(tail) > 1
        and load_cues().complement_of.search(f" {tail[0]} ")
        and any(p.fullmatch(tail[1]) for p in g.victims.values())
    )


def is_subcount(norm: str, q: Quantity, g: Grammar) -> bool:
    if g.subcount_after.match(norm[q.end :]):
        return True
    return bool(g.subcount_before.search(norm[max(0, q.start - 40) : q.start]))


def _word_index_at(words: list[Word], offset: int) -> int:
    for i, w in enumerate(words):
        if w.end > offset:
            return i
    return len(words)


def link_after(
    norm: str,
    words: list[Word],
    q: Quantity,
    q_starts: set[int],
    triggers: list[tuple[int, int, str]],
    stops: set[int],
    g: Grammar,
    apposition_end: int = -1,
) -> _Link | None:
    """The trigger after ``q``; an aside (", dont huit civils,"), a place aside or the
    figures in apposition to it (up to ``apposition_end``) do not count as distance."""
    first = _word_index_at(words, q.end)
    prev = [
        w.text
        for w in words[max(0, _word_index_at(words, q.start) - 2) : _word_index_at(words, q.start)]
    ]
    limit = g.max_after_extended if any(p in g.extend_before for p in prev) else g.max_after
    by_start: dict[int, tuple[int, str]] = {}
    for t_start, t_end, kind in triggers:
        by_start.setdefault(t_start, (t_end, kind))
    # ", dont huit civils et un gendarme,": an aside between the figure and its verb
    # does not count towards the distance.
    aside = load_cues().subcount_aside.match(norm, q.end)
    aside_end = max(aside.end() if aside else -1, apposition_end)
    # "Le chef du village de X, dans la province de Y, a été tué": so is a place aside.
    place_asides = _place_asides(norm, q.end)
    steps = -1
    skip_to = -1
    for i in range(first, len(words)):
        if i < skip_to:
            continue
        w = words[i]
        if any(w.start in span for span in place_asides):
            continue
        if (
            w.text == "("
            and (close := _short_parenthesis(words, i, q_starts)) is not None
            and (
                category_of(norm[q.end : w.start], g) != "unknown"
                or re.fullmatch(r"\s*\(\s*\d+\s*\)", norm[q.end : words[close].end]) is not None
            )
        ):
            # "Cinq Volontaires pour la Défense de la Patrie (VDP) ont perdu la vie": an
            # acronym or a gloss in brackets is part of the victims' name; "six (06)
            # morts" repeats the figure in digits.
            skip_to = close + 1
            continue
        if w.start >= aside_end:
            steps += 1
        if steps > limit:
            return None
        if w.start in by_start and w.start >= q.end:
            if (
                steps > 0
                and words[i - 1].text in load_cues().conjunctions
                and not g.passive_auxiliaries.search(norm, q.end, words[i - 1].start)
            ):
                # "killed 52,000 people and wounded 118,000": the verb after "and"
                # belongs to the next clause; "12 villagers were rounded up and
                # executed": a passive the figure is the subject of runs on.
                return None
            t_end, kind = by_start[w.start]
            if (
                i > first
                and words[i - 1].text in g.back_determiners
                and norm[w.start : t_end] in g.act_nouns
            ):
                return None  # "14 witnesses to the killings": they refer back, no count
            combined = _combined_after(norm, t_end, kind, g)
            return _Link(q, kind, w.start, t_end, "after", q.end, w.start, combined)
        if w.text in _HARD_STOP:
            return None
        if w.start in stops:
            if w.text in load_cues().relative_subject and _relative_verb(norm, w.end, by_start, g):
                continue  # "the 23 soldiers who died": the relative's verb is the figure's
            if _own_victim_noun(norm, q, w, g):
                continue  # "douze habitants ont été tués": the figure's own noun
            return None
        if w.start in q_starts and w.start >= q.end and w.start >= aside_end:
            return None
    return None


def _own_victim_noun(norm: str, q: Quantity, w: Word, g: Grammar) -> bool:
    """A stop word that is a victim noun right after the figure ("twelve inhabitants were
    killed", "une dizaine d'habitants"), unless the figure counts a place's people ("a
    town of 20,000 inhabitants", "une commune de 20 000 habitants")."""
    between = norm[q.end : w.start].strip()
    if between:
        # only a complement's "of", "de", "d'" may stand between: "une dizaine d'habitants"
        m = load_cues().complement_of.search(between if between.endswith("'") else between + " ")
        if m is None or m.start() != 0:
            return False
    if category_of(w.text, g) == "unknown":
        return False
    return not load_cues().population_of.search(norm, max(0, q.start - 30), q.start)


_ONE_AUXILIARY = re.compile(r"[\w']+")


def _relative_verb(norm: str, start: int, by_start: dict[int, tuple[int, str]], g: Grammar) -> bool:
    """A casualty verb right after a relative pronoun ending at ``start`` (past
    auxiliaries only), with no object of its own: "who died", "qui ont été tués", not
    "who killed three soldiers"; not an abduction ("who had been held hostage were
    freed" tells a release)."""
    verb = start
    while True:
        while verb < len(norm) and norm[verb].isspace():
            verb += 1
        if verb in by_start:
            break
        aux = _ONE_AUXILIARY.match(norm, verb)
        if aux is None or not load_cues().auxiliaries.fullmatch(aux.group(0)):
            return False
        verb = aux.end()
    if by_start[verb][1] == "abducted":
        return False  # "two gendarmes who had been held hostage were freed": a release
    # "who killed three soldiers", "who killed the mayor": an object of its own (a
    # figure, or a victim noun within three words) makes the relative's verb active.
    after = re.split(r"[,.;:]", norm[by_start[verb][0] : by_start[verb][0] + 40])[0].split()[:3]
    return not any(w[0].isdigit() for w in after) and category_of(" ".join(after), g) == "unknown"


def _short_parenthesis(words: list[Word], i: int, q_starts: set[int]) -> int | None:
    """Index of the ``)`` closing a bracket of at most four words and no figure at ``i``."""
    for j in range(i + 1, min(i + 6, len(words))):
        if words[j].text == ")":
            return j if j > i + 1 else None
        if words[j].start in q_starts or words[j].text in _HARD_STOP:
            return None
    return None


def _combined_after(norm: str, t_end: int, kind: str, g: Grammar) -> tuple[str, ...]:
    """ "killed, injured or missing", "dead or seriously injured": one figure, several kinds."""
    tail = norm[t_end : t_end + 40]
    m = re.match(r"^\s*(?:,\s*\w+\s*)*?,?\s*(\w+)\s+(?:\w+\s+)?(\w+)", tail)
    if not m:
        return ()
    # "317 tués et 73 enlevés ou disparus": the other kind has a figure of its own.
    cues = load_cues()
    tail = cues.and_others.split(tail)[0]
    joiner_seen = any(j in tail.split()[:4] for j in g.combined_joiners)
    if not joiner_seen:
        return ()
    kinds = {kind}
    for other, pattern in g.after.items():
        hit = pattern.search(tail[:30])
        if hit and other != kind:
            kinds.add(other)
    if len(kinds) == 1:
        # "killed or missing": still a bound, because some may be alive. "Abducted or
        # missing" (MINUSMA's "enlevés ou disparus") is the abduction count itself.
        if kind != "abducted" and cues.missing.search(tail[:30]):
            return (kind,)
        return ()
    return tuple(k for k in KINDS if k in kinds)


def link_before(
    norm: str,
    words: list[Word],
    q: Quantity,
    triggers: list[tuple[int, int, str]],
    g: Grammar,
) -> _Link | None:
    q_index = _word_index_at(words, q.start)
    gap = 0
    j = q_index - 1
    by_end: dict[int, tuple[int, str]] = {}
    for t_start, t_end, kind in triggers:
        if t_end <= q.start:
            by_end.setdefault(t_end, (t_start, kind))
    while j >= 0 and gap <= g.max_before:
        w = words[j]
        if w.end in by_end:
            t_start, kind = by_end[w.end]
            v_end = _victim_phrase_end(norm, words, q.end)
            return _Link(q, kind, t_start, w.end, "before", q.end, v_end)
        if w.text in _QUOTES:
            j -= 1
            continue
        if _date_word(words, j):
            # "le massacre le jeudi 2 juillet 2020 d'une trentaine de civils", "the killing
            # on Tuesday of 30": the day the act is dated by stands between it and its figure
            j -= 1
            continue
        if _norm_word(w.text) not in g.gap_before:
            return None
        j -= 1
        gap += 1
    return None


def _date_word(words: list[Word], j: int) -> bool:
    """``words[j]`` names a day: a weekday or a month, a day's or a year's digits next
    to one ("2 juillet 2020"), or a word opening a weekday before one ("on Tuesday")."""
    text = words[j].text
    if calendar_word(text):
        return True
    if weekday_opener(text):
        return j + 1 < len(words) and _date_word(words, j + 1)
    if not text.isdigit() or len(text) not in (1, 2, 4):
        return False
    return any(0 <= k < len(words) and calendar_word(words[k].text) for k in (j - 1, j + 1))


# How far before its verb a toll's subject may be named: "the death toll from the
# attack on the army camp in Mondoro" (characters).
TOLL_SUBJECT_REACH = 90


def link_toll_subject(
    norm: str, q: Quantity, quantities: list[Quantity], g: Grammar
) -> _Link | None:
    """ "The death toll from the attack in Mondoro rose to 23": a toll named as the
    subject of the verb right before the figure, its complement however long, within
    the clause and with no other figure between."""
    verb = g.toll_verb_end.search(norm, max(0, q.start - 40), q.start)
    if verb is None:
        return None
    lo = max(0, verb.start() - TOLL_SUBJECT_REACH)
    # the last toll named before the verb
    subject = max(
        g.toll_subjects.finditer(norm, lo, verb.start()), key=lambda m: m.start(), default=None
    )
    if subject is None:
        return None
    between = norm[subject.end() : verb.start()]
    if re.search(r"[.;:!?()]", between) or any(
        subject.end() <= o.start < verb.start() for o in quantities
    ):
        return None
    return _Link(q, "killed", subject.start(), subject.end(), "before", q.end, q.end)


def _norm_word(word: str) -> str:
    """The full form of an elided word ("d'" -> "de"), as the grammar lists it."""
    if word.endswith("'") and len(word) <= 3:
        return _full_forms().get(word, word)
    return word


@lru_cache(maxsize=1)
def _full_forms() -> dict[str, str]:
    """Elided form -> full form; the first full form listed wins ("l'" is "le", not "la")."""
    full: dict[str, str] = {}
    for word, elided in load_cues().elided.items():
        full.setdefault(elided, word)
    return full


def _victim_phrase_end(norm: str, words: list[Word], q_end: int) -> int:
    end = q_end
    for w in words[_word_index_at(words, q_end) :][:7]:
        if w.text in _HARD_STOP or w.text == "," or w.text in load_cues().victim_phrase_stops:
            break
        # "soldier." ends the sentence; "U.N." keeps its dots
        end = w.end - (w.text.endswith(".") and "." not in w.text[:-1])
    return end


def coordinated_links(
    norm: str,
    quantities: list[Quantity],
    links: list[_Link],
    subcounts: list[tuple[Quantity, str]],
    g: Grammar,
) -> list[_Link]:
    """ "killed 19 civilians and three armed men"; "16 volunteers and two civilians were killed"."""
    linked = {lk.quantity.start: lk for lk in links}
    sub = {q.start for q, _ in subcounts}
    coordinators = load_cues().coordinator_alt
    out: list[_Link] = []
    for i, q in enumerate(quantities):
        if q.start in linked or q.start in sub:
            continue
        another = q.article and bool(_ANOTHER.match(norm, q.end))
        if q.article and not another and category_of(norm[q.end : q.end + 25], g) == "unknown":
            continue  # "un"/"a" is a figure only before a victim noun (or "une autre")
        # "cinq humanitaires, dont un Tchadien, et un chauffeur", "killed 44 people,
        # including 20 children, in A, and 179 in B": past the sub-count
        prev = next((o for o in reversed(quantities[:i]) if o.start not in sub), None)
        nxt = next((o for o in quantities[i + 1 :] if o.start not in sub), None)
        prev_link = linked.get(prev.start) if prev is not None else None
        if (
            prev is not None
            and prev_link is not None
            and (
                prev_link.position == "before"
                # an item of the list after the verb ("killed 19 civilians, 20 soldiers")
                or (prev_link.position == "coordinated" and prev_link.trigger_end <= prev.start)
            )
        ):
            between = load_cues().subcount_inner.sub(" ", norm[prev.end : q.start])
            # "killed three people at A, two at B and seven more in C": a list's items
            # before its last are joined by commas
            in_list = (
                re.search(r",\s*$", between) is not None
                and nxt is not None
                and re.search(rf"\s(?:{coordinators})\s+$", norm[q.end : nxt.start]) is not None
                and nxt.start - q.end < 70
            )
            # ("ainsi qu'un chauffeur": an elided coordinator runs into the determiner)
            joined = re.search(rf"(?:^|\s|,)(?:{coordinators})(?:\s+|(?<='))$", between) is not None
            if (joined or in_list) and len(between) < 70:
                link = _coordinated(q, linked[prev.start], _victim_end_simple(norm, q.end))
                out.append(link)
                linked[q.start] = link  # the next item of the list follows this one
                continue
        if (
            prev is not None
            and prev.start in linked
            and linked[prev.start].position == "after"
            and linked[prev.start].trigger_end <= q.start
            and load_cues().elliptical_after.match(norm, q.end)
        ):
            # "ont fait 103 morts en 2021 et 72 en 2022": the casualty word is not repeated
            between = norm[linked[prev.start].trigger_end : q.start]
            if re.search(rf"\s(?:{coordinators})\s+$", between) and len(between) < 40:
                out.append(_coordinated(q, linked[prev.start], q.end))
                continue
        if nxt is not None and nxt.start in linked and linked[nxt.start].position == "after":
            asides = [
                range(*m.span())
                for m in load_cues().subcount_inner.finditer(norm, q.end, nxt.start)
            ]
            if any(
                q.end <= o.start < nxt.start and not any(o.start in a for a in asides)
                for o in quantities
            ):
                continue  # a figure outside the aside: "1,556 abuses, including 65 …, 73 …"
            between = load_cues().subcount_inner.sub(" ", norm[q.end : nxt.start])
            if g.stop.search(between):
                continue  # "quatre disparus et trois blessés": the first figure has its own state
            if re.search(rf"\s(?:{coordinators})\s+$", between) and len(between) < 70:
                link = _coordinated(q, linked[nxt.start], q.end + len(between))
                out.append(link)
                linked[q.start] = link
    # "Six aid workers, a local guide and a driver were killed": the items before the
    # last two of a list closed by a coordinator, right to left, take its verb.
    for i in reversed(range(len(quantities))):
        q = quantities[i]
        if q.start in linked or q.start in sub:
            continue
        nxt = next((o for o in quantities[i + 1 :] if o.start not in sub), None)
        nxt_link = linked.get(nxt.start) if nxt is not None else None
        if nxt is None or nxt_link is None or nxt_link.position != "coordinated":
            continue
        if nxt_link.trigger_start < nxt.start:
            continue  # the list follows its verb: the pass above joined it
        between = load_cues().subcount_inner.sub(" ", norm[q.end : nxt.start])
        if re.fullmatch(r"[^,.;:()]{0,50},\s*", between) and not g.stop.search(between):
            link = _coordinated(q, nxt_link, q.end + len(between.rstrip(", ")))
            out.append(link)
            linked[q.start] = link
    return out


# "trois personnes à A, une autre à B": "une autre" is one more
_ANOTHER = re.compile(r"\s+(?:autre|other)\b")


def _coordinated(q: Quantity, neighbour: _Link, victims_end: int) -> _Link:
    """``q`` linked to the trigger of the figure it is coordinated with."""
    return _Link(
        q,
        neighbour.kind,
        neighbour.trigger_start,
        neighbour.trigger_end,
        "coordinated",
        q.end,
        victims_end,
    )


def _victim_end_simple(norm: str, start: int) -> int:
    """The end of a coordinated figure's victims: a clause mark, or the coordinator or
    figure of the next item ("3 civilians in Bani and 2 soldiers": "civilians in Bani")."""
    m = re.match(r"[^,.;:()]{0,60}", norm[start:])
    end = start + (len(m.group(0)) if m else 0)
    nxt = re.search(rf"\s(?:{load_cues().coordinator_alt})\s|\d", norm[start:end])
    return start + nxt.start() if nxt else end
