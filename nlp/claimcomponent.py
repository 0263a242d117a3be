"""The ``civwatch_claims`` spaCy component: sentences, then the steps of one sentence.

The factory is registered by ``nlp/claims.py``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Doc

from nlp.claimgrammar import Grammar, load_cues, load_grammar
from nlp.claimlinks import (
    WORD_RE,
    Word,
    clause_break,
    coordinated_links,
    find_triggers,
    is_count_of_things,
    is_subcount,
    link_after,
    link_before,
    link_toll_subject,
    with_singulars,
)
from nlp.claimrecords import (
    category_of,
    claimant_of,
    claims_from_link,
    figureless_claims,
    names_a_scene,
    negation_claims,
    replace_claim,
    side_after_a_list,
    split_by_side,
    sum_coordinated_same_side,
)
from nlp.claims import SIDE_OF, Claim, _Link, doc_text
from nlp.numbers import Quantity, find_quantities
from nlp.textnorm import fold_keep_length as fold


class ClaimsComponent:
    """Writes ``doc._.claims`` from the casualty grammar of one language."""

    def __init__(self, lang: str) -> None:
        self.grammar = load_grammar(lang)

    def __call__(self, doc: Doc) -> Doc:
        doc._.claims = extract_claims(doc, self.grammar)
        return doc


MAX_SENTENCE_CHARS = 1500


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    """Sentence offsets; run-on "sentences" are cut at spaces so the grammar stays linear."""
    text = doc_text(doc)
    try:
        bounds = [(s.start_char, s.end_char) for s in doc.sents]
    except ValueError:  # no sentence boundaries set (a pipeline without a sentencizer)
        bounds = [(0, len(text))]
    out: list[tuple[int, int]] = []
    for start, end in bounds:
        while end - start > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
            cut = cut if cut > start else start + MAX_SENTENCE_CHARS
            out.append((start, cut))
            start = cut
        out.append((start, end))
    doc.user_data["civwatch_sentences"] = out
    return out


def extract_claims(doc: Doc, grammar: Grammar) -> list[Claim]:
    """All casualty claims of ``doc`` in text order."""
    claims: list[Claim] = []
    text = doc_text(doc)
    norm = fold(text)
    for s_start, s_end in _sentences(doc):
        found = claims_in_sentence(text, s_start, s_end, grammar)
        claims.extend(_wounded_who_died(found, norm, s_start, s_end))
    return _later_deaths_added(claims, norm)


def _wounded_who_died(claims: list[Claim], norm: str, s_start: int, s_end: int) -> list[Claim]:
    """ "Par la suite, un des blessés a succombé à ses blessures", "One of the wounded
    later died of his injuries": one more dead (a later death, added to the toll told
    before it) and at least one wounded, not one person wounded."""
    cues = load_cues()
    m = cues.one_of_the_wounded.search(norm, s_start, s_end)
    death = cues.later_death.search(norm, m.end(), s_end) if m is not None else None
    if m is None or death is None:
        return claims
    kept = [c for c in claims if not (c.kind == "injured" and c.start < m.end() <= c.end + 1)]
    if any(c.kind == "killed" for c in kept):
        return claims
    sentence = (s_start, s_end)
    dead = Claim("killed", 1, 1, None, "", "unknown", None, m.start(), death.end(), sentence)
    wounded = replace(dead, kind="injured", max=None, end=m.end(), vague=True)
    return sorted([*kept, dead, wounded], key=lambda c: c.start)


# How far before a later death its toll may be told (about two sentences).
LATER_DEATH_REACH = 400


def _later_deaths_added(claims: list[Claim], norm: str) -> list[Claim]:
    """ "Eight people died … Another person later died of his wounds": the later death
    adds to the toll told just before it, 9 then, another account of the same toll."""
    cues = load_cues()
    out = list(claims)
    for i, claim in enumerate(out):
        if (
            claim.kind != "killed"
            or claim.min is None
            or not (
                cues.one_more.search(norm, claim.start, claim.end)
                or cues.one_of_the_wounded.match(norm, claim.start)
            )
            or not cues.later_death.search(norm, claim.start, claim.sentence[1])
        ):
            continue
        toll = next(
            (
                c
                for c in reversed(out[:i])
                if c.kind == "killed" and c.min is not None and not c.vague
            ),
            None,
        )
        if toll is None or toll.min is None or claim.start - toll.end > LATER_DEATH_REACH:
            continue
        top = None if toll.max is None or claim.max is None else toll.max + claim.max
        out[i] = replace(claim, min=toll.min + claim.min, max=top)
    return out


def claims_in_sentence(text: str, s_start: int, s_end: int, g: Grammar) -> list[Claim]:
    """Claims of one sentence ``text[s_start:s_end]`` (offsets are into ``text``)."""
    sent = text[s_start:s_end]
    if not sent.strip():
        return []
    norm = fold(sent)
    found = [q for q in find_quantities(sent, g.lang) if q.blocked is None]
    things = [q for q in found if is_count_of_things(norm, q, g)]
    quantities = [q for q in found if q not in things]
    quantities = with_singulars(sent, norm, quantities, g)
    quantities = _without_bracketed_repeats(norm, quantities)
    words: list[Word] = []
    if quantities:
        words = [Word(m.start(), m.end(), m.group(0)) for m in WORD_RE.finditer(norm)]
        triggers_after = find_triggers(norm, g.after)
        triggers_before = find_triggers(norm, g.before)
        stops = {m.start() for m in g.stop.finditer(norm)}
    else:  # only negations and figure-less killings are possible: skip the linking
        triggers_after, triggers_before, stops = [], [], set()
    # Sub-counts ("dont sept femmes") sit inside the parent's phrase: they must not
    # stop the parent's link to its trigger.
    # "including 12 women and 9 children": the whole list is inside the parent.
    is_sub: list[bool] = []
    last_sub: Quantity | None = None
    listed: set[int] = set()  # the items of a list of counted things' parts
    for q in quantities:
        chained = last_sub is not None and bool(
            re.fullmatch(
                rf"[^,.;:]{{0,25}}?(?:,|\b(?:{load_cues().and_alt})\b)\s*",
                norm[last_sub.end : q.start],
            )
        )
        sub = chained or is_subcount(norm, q, g)
        if sub and not chained and _parent_is_a_count_of_things(q, found, things):
            # "1,200 abuses, including 65 killings and 310 abductions": no toll holds
            # them, each is a figure of its own
            sub = False
            listed.add(q.start)
        if sub and _own_trigger_after_partitive(norm, q, g, triggers_after):
            sub = False  # "four of them were wounded": a figure of its own, not a part
        if (
            sub
            and not chained
            and _trigger_right_before(norm, q, triggers_before)
            and g.subcount_after.match(norm[q.end :])
            and (
                all(s or p.article for p, s in zip(quantities, is_sub, strict=False))
                or _another_kind_before(norm, q, triggers_before + triggers_after)
            )
        ):
            # "fired on soldiers, killing two of them": no toll before it; "took 170
            # hostages and killed 20 of them": the toll before is of another kind.
            sub = False
        is_sub.append(sub)
        last_sub = q if is_sub[-1] else last_sub
    # "Twelve people, eleven civilians and a gendarme, were killed": parts in apposition
    appositive, apposed_to = _appositive_parts(sent, norm, quantities, g)
    is_sub = [s or q.start in appositive for q, s in zip(quantities, is_sub, strict=True)]
    parts_from = _partitive_lead(norm, quantities, triggers_after)
    if parts_from is not None:
        # "Of the 22 people killed, 19 died in the strike and three of their wounds"
        is_sub = [s or q.start > parts_from for q, s in zip(quantities, is_sub, strict=True)]
    # "un employé d'une société minière a été enlevé": an article after "de"/"of" starts
    # a complement, no figure that would take the verb from the one before it.
    q_starts = {
        q.start
        for q, sub in zip(quantities, is_sub, strict=True)
        if not sub
        and not (q.article and load_cues().complement_of.search(norm, max(0, q.start - 4), q.start))
    }

    links: list[_Link] = []
    subcounts: list[tuple[Quantity, str]] = []
    for q, sub in zip(quantities, is_sub, strict=True):
        window = q.end + 25
        if q.article:
            # "une mine a tué 14 personnes": the victims after the verb are another
            # figure's; the article's noun comes before any trigger
            window = min([window] + [a for a, _, _ in triggers_before if a >= q.end])
        near_category = category_of(norm[q.end : window], g)
        if q.article and near_category == "unknown":
            # "a United Nations peacekeeper": the noun after two modifiers
            singular = g.singular.match(norm, q.start)
            if singular is not None:
                near_category = category_of(singular.group(0), g)
        if sub:
            # the part's own noun: "49 civilians and 15 soldiers" are two parts
            phrase = load_cues().phrase_end.split(norm[q.end : q.end + 40])[0]
            subcounts.append((q, category_of(phrase, g)))
            continue
        if g.increment_after.match(norm[q.end :]):
            continue
        if g.contrast_before.search(norm[max(0, q.start - 20) : q.start]):
            continue  # "three groups, rather than two, were kidnapped": the other figure
        if (
            q.article
            and near_category == "unknown"
            and not _trigger_next(norm, q, triggers_after)
            and not g.subcount_after.match(norm[q.end :])  # "injuring one of them"
            and not _OTHER_AFTER.match(norm, q.end)  # "et un autre a été blessé"
        ):
            # "un"/"une"/"one"/"a" is a figure only before a victim noun ("un Casque bleu")
            # or a casualty noun of its own ("un mort et sept blessés", "one injured").
            continue
        # "the bodies of seven herders, found … after they were abducted": a casualty
        # noun heading the figure ("bodies of", "les corps de") is its trigger, before
        # any casualty word further on.
        head = link_before(norm, words, q, triggers_before, g)
        if head is not None and g.heads_figure.fullmatch(
            norm, head.trigger_start, head.trigger_end
        ):
            links.append(head)
            continue
        link = link_after(
            norm, words, q, q_starts, triggers_after, stops, g, apposed_to.get(q.start, -1)
        )
        if (
            link is not None
            and clause_break(norm[q.end : link.trigger_start])
            and any(
                not norm[link.trigger_end : other.start].strip()
                for other in quantities
                if other.start >= link.trigger_end
            )
        ):
            # "executed three men, injured five others": the verb after the figure has
            # a figure of its own; this one's verb is before it.
            link = None
        if (
            link is not None
            and q.start in listed
            and clause_break(norm[q.end : link.trigger_start])
        ):
            # "1,556 abuses, including 65 executions, 73 cases of torture and 444
            # abductions": an item of the list takes only its own casualty word
            link = None
        if link is not None and q.article and clause_break(norm[q.end : link.trigger_start]):
            # "a village chief, and the hunt for more victims": one person is
            # linked only within its own clause ("a soldier was killed").
            link = None
        if (
            link is not None
            and q.article
            and load_cues().singular_speaks.search(norm, q.end, link.trigger_start)
        ):
            link = None  # "A local official spoke in terms of tens of dead": a speaker
        if link is None:
            link = link_before(norm, words, q, triggers_before, g)
        if link is None:
            link = link_toll_subject(norm, q, quantities, g)
        if link is not None:
            links.append(link)
            then = _killed_after_taking(norm, link, triggers_after, q_starts)
            if then is not None:
                links.append(then)
    # the items of a list of counted things' parts are not coordinated with each other
    coordinated = [q for q in quantities if q.start not in listed]
    links.extend(coordinated_links(norm, coordinated, links, subcounts, g))
    links.extend(_vague_shared(norm, quantities, links, triggers_after))
    links.sort(key=lambda lk: lk.quantity.start)

    claimant = claimant_of(sent, norm, g)
    claims: list[Claim] = []
    for link in links:
        claims.extend(claims_from_link(sent, norm, s_start, s_end, link, claimant, g, claims))
    claims = side_after_a_list(claims, norm, s_start, g)
    claims = sum_coordinated_same_side(claims, sent, s_start)
    claims = _upper_bounds(norm, s_start, quantities, is_sub, links, claims)
    split = split_by_side(claims, subcounts, s_start)
    if split is not claims:
        claims = split
    elif subcounts and claims:
        extra = tuple(sorted({c for _, c in subcounts if c not in ("unknown",)}))
        claims = [
            replace_claim(c, subcategories=tuple(sorted(set(c.subcategories) | set(extra))))
            if c.kind == "killed" or len(claims) == 1
            else c
            for c in claims
        ]
    claims.extend(negation_claims(sent, norm, s_start, s_end, claimant, g))
    claims.extend(figureless_claims(sent, norm, s_start, s_end, claims, claimant, g))
    return claims


# Between a total and its first part in apposition ("Twelve people, eleven …"): a comma
# after a few words; a colon may come later in the sentence ("… in Koro: eleven …").
_TO_FIRST_PART = re.compile(r"[^,:;.()]{0,80}?,\s*|[^;.()]{0,160}?:\s*")
# Between two parts: a few words, then a comma or a coordinator.
_PART_GAP = re.compile(rf"[^,:;.()\d]{{0,40}}?(?:,\s*|\s(?:{load_cues().coordinator_alt})\s+)")


def _appositive_parts(
    sent: str, norm: str, quantities: list[Quantity], g: Grammar
) -> tuple[set[int], dict[int, int]]:
    """ "Twelve people, eleven civilians and a gendarme, were killed", "quatorze
    personnes, treize civils et un VDP": figures in apposition to a total, a list closed
    by a coordinator whose figures name two sides or more and add up to it, are its
    parts (split by side like the parts after "including"): their starts, and where the
    apposition ends after the total's start (the link to its verb skips it). Not figures
    with a place of their own ("5 people in Kaya, 3 civilians in Bani and 2 …")."""
    for i, total in enumerate(quantities):
        if total.kind not in ("exact", "approx") or total.value < 2:
            continue
        if i + 1 >= len(quantities):
            break
        first = quantities[i + 1]
        if not _TO_FIRST_PART.fullmatch(norm, total.end, first.start):
            continue
        parts: list[Quantity] = []
        joins: list[str] = []  # what joins each part to the one before it
        at = first.start
        for q in quantities[i + 1 :]:
            if q.start != at or q.kind != "exact":
                break
            step = _PART_GAP.match(norm, q.end)
            # a figure with a place of its own: "3 civilians in Bani", "2 soldats à Dori"
            if names_a_scene(sent[q.end : step.end() if step else q.end + 40]):
                parts = []
                break
            parts.append(q)
            if step is None or (joins and "," not in joins[-1]):
                break  # the item after the coordinator ends the list
            joins.append(step.group(0))
            at = step.end()
        # the list is closed by a coordinator before its last part
        if len(parts) < 2 or "," in joins[len(parts) - 2]:
            continue
        if sum(q.value for q in parts) != total.value:
            continue
        sides = set()
        for q in parts:
            phrase = load_cues().phrase_end.split(norm[q.end : q.end + 40])[0]
            category = category_of(phrase, g)
            if q.article and category == "unknown":
                singular = g.singular.match(norm, q.start)
                category = category_of(singular.group(0), g) if singular else category
            sides.add(SIDE_OF.get(category, "unknown"))
        if len(sides) >= 2 and "unknown" not in sides:
            close = norm.find(",", parts[-1].end, parts[-1].end + 80)
            return {q.start for q in parts}, {total.start: close + 1 if close >= 0 else -1}
    return set(), {}


def _vague_shared(
    norm: str,
    quantities: list[Quantity],
    links: list[_Link],
    triggers: list[tuple[int, int, str]],
) -> list[_Link]:
    """ "de nombreux morts et blessés", "many dead and wounded": a vague figure counts
    both kinds joined after it (an exact figure, "20 dead and wounded", is left alone)."""
    out: list[_Link] = []
    for link in links:
        if link.quantity.kind != "vague" or link.combined_kinds or link.position != "after":
            continue
        m = _AND_AFTER.match(norm, link.trigger_end)
        if m is None:
            continue
        nxt = next((t for t in triggers if t[0] == m.end() and t[2] != link.kind), None)
        if nxt is None or any(link.trigger_end <= q.start < nxt[0] for q in quantities):
            continue
        out.append(replace(link, kind=nxt[2], trigger_start=nxt[0], trigger_end=nxt[1]))
    return out


_AND_AFTER = re.compile(rf"\s+(?:{load_cues().and_alt})\s+")
# "deux gendarmes ont été tués et un autre a été blessé": one more person.
_OTHER_AFTER = re.compile(rf"\s+(?:{load_cues().others.pattern})")


def _parent_is_a_count_of_things(
    q: Quantity, found: list[Quantity], things: list[Quantity]
) -> bool:
    """The figure written last before ``q`` counts things ("640 cases", "1,200 abuses")."""
    before = [p for p in found if p.end <= q.start]
    return bool(before) and before[-1] in things


def _partitive_lead(
    norm: str, quantities: list[Quantity], triggers: list[tuple[int, int, str]]
) -> int | None:
    """Where a toll that opens a breakdown ends: "Of the 22 people killed," / "Sur les
    22 personnes tuées," — a casualty word after the figure, then a comma."""
    for q in quantities:
        if not load_cues().partitive_lead.search(norm, max(0, q.start - 15), q.start):
            continue
        comma = norm.find(",", q.end)
        if comma != -1 and any(q.end <= a < comma for a, _, _ in triggers):
            return comma
    return None


def _killed_after_taking(
    norm: str, link: _Link, triggers: list[tuple[int, int, str]], q_starts: set[int]
) -> _Link | None:
    """ "12 villagers were abducted and later killed": the abduction's figure counts the
    dead too (the same people, a second kind); not when the killing has a figure of its
    own ("took 170 hostages and killed 20 of them")."""
    if link.kind != "abducted" or link.position != "after" or link.combined_kinds:
        return None
    m = load_cues().then_killed.match(norm, link.trigger_end)
    if m is None:
        return None
    for t_start, t_end, kind in triggers:
        if t_start == m.end() and kind == "killed":
            own = _SPACES.match(norm, t_end)
            if own is not None and own.end() in q_starts:
                return None
            return replace(link, kind="killed", trigger_start=t_start, trigger_end=t_end)
    return None


_SPACES = re.compile(r"\s*")


def _trigger_next(norm: str, q: Quantity, triggers: list[tuple[int, int, str]]) -> bool:
    """The word right after ``q`` starts a trigger that follows figures ("un mort")."""
    gap = re.match(r"\s+", norm[q.end :])
    nxt = q.end + (gap.end() if gap else 0)
    return bool(gap) and any(start == nxt for start, _, _ in triggers)


def _without_bracketed_repeats(norm: str, quantities: list[Quantity]) -> list[Quantity]:
    """ "six (06) morts": the figure repeated in digits is one figure."""
    out: list[Quantity] = []
    for q in quantities:
        prev = out[-1] if out else None
        if (
            prev is not None
            and q.value == prev.value
            and re.fullmatch(r"\s*\(\s*", norm[prev.end : q.start])
            and norm[q.end : q.end + 1] == ")"
        ):
            continue
        out.append(q)
    return out


def _triggers_right_before(
    norm: str, q: Quantity, triggers: list[tuple[int, int, str]]
) -> list[tuple[int, str]]:
    """(end, kind) of the triggers ending right before ``q`` ("killing two", "blessant l'un")."""
    return [
        (end, kind)
        for _, end, kind in triggers
        if end <= q.start and re.fullmatch(r"\s*(?:l')?", norm[end : q.start]) is not None
    ]


def _trigger_right_before(norm: str, q: Quantity, triggers: list[tuple[int, int, str]]) -> bool:
    return bool(_triggers_right_before(norm, q, triggers))


def _another_kind_before(norm: str, q: Quantity, triggers: list[tuple[int, int, str]]) -> bool:
    """The trigger right before ``q`` is of a kind no earlier trigger of the sentence has."""
    right = _triggers_right_before(norm, q, triggers)
    if not right:
        return False
    end, kind = max(right)
    earlier = {k for _, e, k in triggers if e < end}
    return bool(earlier) and kind not in earlier


def _own_trigger_after_partitive(
    norm: str, q: Quantity, g: Grammar, triggers: list[tuple[int, int, str]]
) -> bool:
    """ "four of them were wounded", "one of them was killed", "l'un d'eux a été tué":
    the partitive is followed by a trigger of its own (after its auxiliaries)."""
    m = g.subcount_after.match(norm[q.end :])
    if not m:
        return False
    rest = q.end + m.end()
    gap = load_cues().auxiliaries.match(norm, rest)
    nxt = gap.end() if gap else rest
    return any(rest <= start <= nxt for start, _, _ in triggers)


def _upper_bounds(
    norm: str,
    s_start: int,
    quantities: list[Quantity],
    is_sub: list[bool],
    links: list[_Link],
    claims: list[Claim],
) -> list[Claim]:
    """ "At least 100 were killed, and possibly as many as 165": the later figure, with no
    trigger of its own, is the upper bound of the claim it follows."""
    linked = {lk.quantity.start for lk in links}
    join = load_cues().upper_bound_join
    for q, sub in zip(quantities, is_sub, strict=True):
        if sub or q.start in linked:
            continue
        before = [c for c in claims if c.end - s_start <= q.start and not c.combined]
        if not before:
            continue
        prev = max(before, key=lambda c: c.end)
        upper = q.max if q.max is not None else q.value
        if not join.fullmatch(norm, prev.end - s_start, q.start) or upper <= (prev.min or 0):
            continue
        claims = [replace_claim(c, max=upper) if c is prev else c for c in claims]
    return claims
