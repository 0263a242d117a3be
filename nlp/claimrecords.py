"""Claims from linked figures: victims, claimant, revisions, sums and splits by side.

Also the claims with no figure of their own: negations ("no casualties") and
killings without a count ("executions of civilians", "a deadly attack").
"""

from __future__ import annotations

import re
from dataclasses import asdict
from functools import lru_cache
from typing import Any, cast

from nlp.actorlexicon import load_actor_lexicon, load_state_allies
from nlp.claimgrammar import Grammar, load_cues
from nlp.claims import SIDE_OF, Claim, _Link
from nlp.countries import load_countries
from nlp.eventcues import assembly_cue_words
from nlp.numbers import Quantity
from nlp.result import ClaimKind, VictimCategory
from nlp.textnorm import fold_keep_length as fold

_CATEGORY_PRIORITY: tuple[VictimCategory, ...] = (
    "peacekeepers",
    "soldiers",
    "militants",
    "women",
    "children",
    "civilians",
)


def split_by_side(
    claims: list[Claim], subcounts: list[tuple[Quantity, str]], s_start: int
) -> list[Claim]:
    """A total the text splits into sides is coded per side only.

    "Twelve people, including eleven civilians and a gendarme, were killed": one
    claim of 11 civilians and one of 1 soldier. Only when the parts name two sides or
    more and add up to the total; a partial breakdown keeps the total.
    """
    if len(subcounts) < 2:
        return claims
    # The parent is the last figure before the parts ("8 tués, 85 blessés, dont 61
    # militaires et 24 civils": the 85), and its parts end at the next figure.
    first_part = s_start + subcounts[0][0].start
    parents = [
        c
        for c in claims
        if not c.vague
        and not c.combined
        and c.number_end is not None
        and c.number_end <= first_part
    ]
    if not parents:
        return claims
    parent = max(parents, key=lambda c: c.number_end or 0)
    later = [c.number_start for c in claims if (c.number_start or 0) > first_part]
    next_figure = min((n for n in later if n is not None), default=None)
    parts = [
        (q, cat)
        for q, cat in subcounts
        if s_start + q.start >= (parent.number_end or 0)
        and (next_figure is None or s_start + q.start < next_figure)
    ]
    if len(parts) < 2 or any(q.kind not in ("exact", "approx") for q, _ in parts):
        return claims
    by_side: dict[str, list[tuple[Quantity, str]]] = {}
    for q, cat in parts:
        by_side.setdefault(SIDE_OF.get(cat, "unknown"), []).append((q, cat))
    total = sum(q.value for q, _ in parts)
    if len(by_side) < 2 or "unknown" in by_side or total not in (parent.min, parent.max):
        return claims
    # Each side's claim keeps the total's figure as its own: the parts may come long
    # after it ("Twelve people were killed … in the Koro area: eleven civilians and a
    # gendarme"), and the scene is measured from the figure.
    split = []
    for side, items in by_side.items():
        value = sum(q.value for q, _ in items)
        cats = sorted({cat for _, cat in items})
        split.append(
            replace_claim(
                parent,
                min=value,
                max=value,
                qualifier=None,
                victim_category=side if side != "civilians" or len(cats) > 1 else cats[0],
                subcategories=tuple(c for c in cats if c not in (side, "civilians")),
            )
        )
    return [c for c in claims if c is not parent] + split


def _victims_words(text: str) -> str:
    """The victims as written, without the words around them ("de civils ont été" → "civils").

    What sits between a figure and its verb besides the victims: "de" of "une
    trentaine de civils", the auxiliaries of "ont été tués" / "have been killed".
    """
    cues = load_cues()
    text = re.sub(r"^\s*\(\s*\d+\s*\)", "", text)  # "six (06) morts"
    text = text.strip(" ,.;:\"'«»“”")
    text = cues.victim_tail.sub("", " " + text).strip()
    words = text.split(" ")
    if len(words) > 1 and fold(words[-1]) in cues.relative_subject:
        text = " ".join(words[:-1])  # "23 soldiers who died": the soldiers
    return cues.victim_lead.sub("", text).strip(" ,.;:\"'«»“”")


def _names_a_force(victims: str) -> bool:
    """A capitalised word among the victims: a named force or nationality ("Wagner"),
    not the army's own auxiliaries ("12 militaires et 4 VDP" are one side's toll) nor a
    country whose army it is ("auxiliaries of the army of Burkina Faso")."""
    for pattern in (_ally_names(), _country_names()):
        for m in pattern.finditer(fold(victims)):
            victims = victims[: m.start()] + " " * (m.end() - m.start()) + victims[m.end() :]
    words = victims.split()
    # "4 VDP tombés près de Djibo": the place after the victims names no force
    stops = load_cues().victim_phrase_stops
    cut = next((i for i, w in enumerate(words) if fold(w) in stops), len(words))
    words = words[:cut]
    return any(w[:1].isupper() for w in words[1:]) or (
        bool(words) and words[0][:1].isupper() and len(words) > 1
    )


@lru_cache(maxsize=1)
def _country_names() -> re.Pattern[str]:
    """The folded country names of ``countries.tsv`` after "of"/"de" ("army of Mali"):
    the words of ``victims_country_of`` in ``claims_cues.json``."""
    names = {fold(n) for c in load_countries() for n in c.names}
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    lead = load_cues().victims_country_lead
    return re.compile(rf"{lead}(?:{alternation})(?![\w])")


def _nationalities(victims: str) -> frozenset[str]:
    """The countries whose nationality words the victims carry ("soldats nigériens")."""
    table = _demonym_countries()
    return frozenset(table[w] for w in fold(victims).split() if w in table)


@lru_cache(maxsize=1)
def _demonym_countries() -> dict[str, str]:
    """Folded nationality word -> ISO code, from ``countries.tsv``."""
    return {fold(w): c.iso2 for c in load_countries() for w in c.nationality_words}


@lru_cache(maxsize=1)
def _ally_names() -> re.Pattern[str]:
    """The folded names of the army's auxiliaries (``state_allies`` of
    ``actor_roles.json`` and their aliases in ``actors.jsonl``), longest first."""
    allies = load_state_allies()
    lexicon = load_actor_lexicon()
    names = {fold(a) for a in allies} | {
        alias for alias, found in lexicon.aliases.items() if found.entry.canonical in allies
    }
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{alternation})(?![\w])")


def replace_claim(claim: Claim, **changes: Any) -> Claim:
    data = asdict(claim)
    data.update(changes)
    data["sentence"] = tuple(data["sentence"])
    data["subcategories"] = tuple(data["subcategories"])
    return Claim(**data)


def category_of(victims_norm: str, g: Grammar) -> VictimCategory:
    found = {cat for cat, pattern in g.victims.items() if pattern.search(victims_norm)}
    if "soldiers" in found and g.peacekeeper_markers.search(victims_norm):
        found.add("peacekeepers")
    for cat in _CATEGORY_PRIORITY:
        if cat in found:
            return cat
    return "unknown"


def last_category(text: str, g: Grammar) -> VictimCategory:
    """The category of the last victim noun of ``text`` ("gunmen fired on a group of
    soldiers" -> soldiers), "unknown" when it names none."""
    best: tuple[int, VictimCategory] | None = None
    for cat, pattern in g.victims.items():
        for m in pattern.finditer(text):
            if best is None or m.start() > best[0]:
                best = (m.start(), cat)
    if best is None:
        return "unknown"
    # "soldiers of the UN mission": category_of reads the peacekeeper markers after it
    return category_of(text[best[0] :], g) if best[1] == "soldiers" else best[1]


# How far before a figure a cue of a superseded toll ("initially", "un précédent bilan")
# is looked for.
REVISED_REACH = 90


def claims_from_link(
    sent: str,
    norm: str,
    s_start: int,
    s_end: int,
    link: _Link,
    claimant: str | None,
    g: Grammar,
    previous: list[Claim],
) -> list[Claim]:
    q = link.quantity
    v_start, v_end = link.victims_start, max(link.victims_start, link.victims_end)
    # "21 civils, dont sept femmes, ont été tués": the victims are the head, before
    # a comma or a sub-count cue; the sub-count only adds categories.
    cues = load_cues()
    head = cues.subcount_head.search(norm[v_start:v_end])
    if head is not None:
        v_end = v_start + head.start()
    victims_norm = norm[v_start:v_end]
    if link.position == "after":
        # "faisant huit morts parmi les soldats": the victims follow the trigger.
        tail = norm[link.trigger_end : link.trigger_end + 40]
        m = cues.victims_after_trigger.match(tail)
        if m:
            victims_norm += " " + m.group(0)
        elif not victims_norm.strip():
            # "thirty-five dead civilians": the trigger is an adjective before its noun.
            m = re.match(r"^\s*(?:\w+\s+)?\w+", tail)
            victims_norm += " " + (m.group(0) if m else "")
    victims_text = _victims_words(sent[v_start:v_end])
    category = category_of(victims_norm, g)
    apposition = cues.apposition_all.match(norm, v_end)
    if apposition is not None and category_of(apposition.group(1), g) != "unknown":
        category = category_of(apposition.group(1), g)  # "five people, all volunteers"
    if (
        category == "unknown"
        and previous
        and (
            cues.others.search(victims_norm)
            or g.subcount_after.match(norm[q.end :])
            # "killed three soldiers in A, another in B and two more in C": an item of
            # the list with no noun of its own repeats the noun of the item before
            or (link.position == "coordinated" and cues.elliptical_item.match(norm, q.end))
        )
    ):
        # "two others", "four of them": the victims of the figure before
        category = previous[-1].victim_category
    if category in ("civilians", "unknown") and cues.own_people.match(victims_norm):
        # "the army said 12 of its men were killed": the people of the group named before
        owner = last_category(norm[max(0, q.start - 120) : q.start], g)
        if owner not in ("unknown", "civilians"):
            category = owner
    if category == "unknown":
        # "Côté FAMa, un mort": the figure counts the losses of the side named before it.
        owners = list(cues.victims_owner.finditer(norm, 0, q.start))
        if owners:
            category = category_of(owners[-1].group(1), g)
    if category == "unknown" and g.subcount_after.match(norm[q.end :]) and not previous:
        # "fired on a group of soldiers, killing two of them": the group named before
        # (after a figure, "took 170 hostages and killed 20 of them", that figure's).
        lead = min(q.start, link.trigger_start)
        category = last_category(norm[max(0, lead - 120) : lead], g)
    if category == "unknown":
        # "les FAMa déplorent 07 morts", "the army suffered 10 fatalities": the subject's own.
        lost = cues.victims_owner_verb.search(norm, max(0, q.start - 120), q.start)
        if lost is not None:
            category = category_of(lost.group(1), g)
    span_start = min(q.start, link.trigger_start)
    span_end = max(q.end, link.trigger_end, v_end)
    # "Un précédent bilan communiqué par une source locale faisait état d'au moins 12
    # soldats tués": the cue may open a long clause, but no other figure stands between.
    since = max([max(0, q.start - REVISED_REACH)] + [c.end - s_start for c in previous])
    revised = bool(g.revised_cues.search(norm[min(since, q.start) : q.start])) or bool(
        g.revised_cues.search(norm[q.end : link.trigger_start])
    )
    update = bool(cues.update_before.search(norm[max(0, q.start - 30) : q.start]))
    lo, hi = q.min, q.max
    if (
        q.kind == "range"
        and q.max is not None
        and cues.update_from.match(norm, q.start)
        and cues.update_verb_end.search(norm[max(0, q.start - 30) : q.start])
    ):
        # "le bilan est passé de 16 à 23 morts": the old toll, then the current one
        lo, hi, update = q.max, q.max, True
    kinds: tuple[str, ...] = (link.kind,)
    combined = False
    # "deux femmes et deux enfants faisaient partie des blessés": at least that many,
    # a part of the toll told elsewhere, not the toll
    part = link.position in ("after", "coordinated") and bool(
        cues.among_the.search(norm, q.end, link.trigger_start)
    )
    if part:
        hi = None
    if link.combined_kinds:
        kinds = link.combined_kinds
        lo, hi = None, (q.max if q.max is not None else q.value)
        combined = True
    out = []
    for kind in kinds:
        out.append(
            Claim(
                kind=cast(ClaimKind, kind),  # a kind of the lexicon
                min=lo,
                max=hi,
                qualifier=q.qualifier,
                victims_text=victims_text,
                victim_category=category,
                claimant=claimant,
                start=s_start + span_start,
                end=s_start + span_end,
                sentence=(s_start, s_end),
                revised=revised,
                vague=q.kind == "vague" or part,
                combined=combined,
                number_start=s_start + q.start,
                number_end=s_start + q.end,
                update=update,
            )
        )
    return out


def side_after_a_list(claims: list[Claim], norm: str, s_start: int, g: Grammar) -> list[Claim]:
    """ "10 morts, 7 blessés et 3 disparus pour les civils": a figure with no victims of
    its own, first of a list of figures joined by commas or "et"/"and", counts the
    side written after the list."""
    cues = load_cues()
    out = []
    for claim in claims:
        if claim.victim_category == "unknown" and not claim.victims_text.strip():
            m = cues.victims_after_list.match(norm, claim.end - s_start)
            if m is not None and (category := category_of(m.group(1), g)) != "unknown":
                claim = replace_claim(claim, victim_category=category)
        out.append(claim)
    return out


@lru_cache(maxsize=1)
def _scene_words() -> frozenset[str]:
    """The first words of ``scene_after`` (assemble_cues.json): "in", "à", "près", in
    lower case with their accents (folded, the French "à" would be the English "a")."""
    return frozenset(w.lower().split()[0] for w in assembly_cue_words()["scene_after"])


def _two_nationalities(a: str, b: str) -> bool:
    first, second = _nationalities(a), _nationalities(b)
    return bool(first) and bool(second) and first != second


_ASIDE = re.compile(r"\s[\u2013\u2014-]\s[^\u2013\u2014]{1,80}?\s[\u2013\u2014-]\s|\([^()]{1,80}\)")


def _place_between(sent: str, prev: Claim, claim: Claim, s_start: int) -> bool:
    """A word that opens a scene ("in", "à", "near") between two figures."""
    assert prev.number_end is not None and claim.number_start is not None
    between = sent[prev.number_end - s_start : claim.number_start - s_start]
    # "five aid workers — four from Niger and one from Chad — as well as a driver": an
    # aside between dashes or brackets tells who they are, not where
    return names_a_scene(_ASIDE.sub(" ", between))


def names_a_scene(text: str) -> bool:
    """A word that opens a scene ("in", "à", "near") in ``text`` as written."""
    return any(w in _scene_words() for w in text.lower().split())


def sum_coordinated_same_side(claims: list[Claim], sent: str, s_start: int) -> list[Claim]:
    """ "five men and two boys" killed by one verb is one figure of seven; "six aid
    workers, a guide and a driver", a list closed by a coordinator, eight."""
    out: list[Claim] = []

    def joined(a: Claim, b: Claim, comma: bool) -> bool:
        if a.number_end is None or b.number_start is None or b.number_start < a.number_end:
            return False
        join = (
            rf"(?:,?\s(?:{load_cues().coordinator_alt})|,)"
            if comma
            else (rf",?\s(?:{load_cues().coordinator_alt})")
        )
        between = fold(sent[a.number_end - s_start : b.number_start - s_start])
        return bool(
            re.fullmatch(
                rf"\s*[\w\s'-]{{0,30}}?{join}\s*",
                load_cues().subcount_inner.sub(" ", between),
            )
        )

    for i, claim in enumerate(claims):
        prev = out[-1] if out else None
        # an item of a list joined by a comma: the list is closed by a coordinator
        closed = any(
            joined(a, b, comma=False)
            for a, b in zip(claims[i:], claims[i + 1 :], strict=False)
            if a.kind == b.kind == claim.kind
        )
        if (
            prev is not None
            and prev.kind == claim.kind
            and prev.side == claim.side
            and not prev.vague
            and not claim.vague
            and prev.number_end is not None
            and claim.number_start is not None
            # "killed three at A, two at B and seven in C": counted per place
            and not _place_between(sent, prev, claim, s_start)
            # "12 soldats et 4 supplétifs", "15 blessés pour les militaires, ainsi qu'un
            # supplétif blessé"
            # "five aid workers, including a Chadian, and a driver": the aside set apart
            and joined(prev, claim, comma=closed)
            and (
                (prev.side == "civilians" and prev.victim_category != claim.victim_category)
                # "two engineers and three drivers were kidnapped": the subjects, or the
                # objects, of one verb (objects counted per place are set apart above)
                or (
                    prev.side == "civilians"
                    and (prev.end == claim.end or prev.start == claim.start)
                )
                # "douze soldats et quatre supplétifs": one side, one toll; named forces
                # ("84 Wagner fighters and 47 Malian soldiers") stay apart
                or (
                    prev.side in ("soldiers", "peacekeepers", "militants")
                    and not _names_a_force(prev.victims_text)
                    and not _names_a_force(claim.victims_text)
                    # "quatre soldats américains et cinq soldats nigériens": two armies
                    and not _two_nationalities(prev.victims_text, claim.victims_text)
                )
                # "two Turkish engineers and three Malian drivers were kidnapped": people
                # of no known side, the subjects (or objects) of one verb
                or (prev.side == "unknown" and (prev.end == claim.end or prev.start == claim.start))
                # "an officer and a soldier", "a nurse and two other people": one of
                # them is a single person, so the other figure counts other people
                or prev.min == prev.max == 1
                or claim.min == claim.max == 1
            )
        ):
            lo = None if prev.min is None or claim.min is None else prev.min + claim.min
            hi = None if prev.max is None or claim.max is None else prev.max + claim.max
            side_category = "civilians" if prev.side == "civilians" else prev.victim_category
            cats = tuple(sorted({prev.victim_category, claim.victim_category} - {side_category}))
            out[-1] = replace_claim(
                prev,
                min=lo,
                max=hi,
                end=max(prev.end, claim.end),
                victim_category=side_category,
                subcategories=tuple(sorted(set(prev.subcategories) | set(cats))),
                number_end=claim.number_end,
            )
            continue
        out.append(claim)
    return out


def claimant_of(sent: str, norm: str, g: Grammar) -> str | None:
    cues = load_cues()
    m = g.claimant_before.search(norm)
    if m:
        tail = sent[m.end() :]
        cut = re.match(r"\s*([^,.;:()«»\"“”]{2,80})", tail)
        if cut:
            return " ".join(cut.group(1).split()[:8]) or None
    m = g.claimant_verbs.search(norm)
    if m:
        before = sent[: m.start()]
        after = sent[m.end() :]
        if before.rstrip().endswith((",", "»", "”", '"')) or not before.strip():
            cut = re.match(r"\s*([^,.;:()«»\"“”]{2,80})", after)
            if not cut:
                return None
            head = cues.claimant_relative.split(cut.group(1))[0]
            return " ".join(head.split()[:8]) or None
        head = cues.claimant_end.split(before)[-1].strip()
        words = head.split()
        return " ".join(words[-6:]) if words else None
    return None


def negation_claims(
    sent: str, norm: str, s_start: int, s_end: int, claimant: str | None, g: Grammar
) -> list[Claim]:
    if not g.negation_any.search(norm) or g.negation_blockers.search(norm):
        return []
    out: list[Claim] = []
    seen: set[str] = set()
    for pattern, kinds in g.negations:
        for m in pattern.finditer(norm):
            for kind in kinds:
                if kind in seen:
                    continue
                seen.add(kind)
                sentence = (s_start, s_end)
                out.append(_phrase_claim(cast(ClaimKind, kind), 0, 0, sent, m, sentence, claimant))
    return out


def _phrase_claim(
    kind: ClaimKind,
    low: int,
    high: int | None,
    sent: str,
    m: re.Match[str],
    sentence: tuple[int, int],
    claimant: str | None,
    *,
    vague: bool = False,
) -> Claim:
    """A claim whose figure is a phrase of the sentence ("no one was hurt", "a deadly attack")."""
    return Claim(
        kind=kind,
        min=low,
        max=high,
        qualifier=sent[m.start() : m.end()],
        victims_text="",
        victim_category="unknown",
        claimant=claimant,
        start=sentence[0] + m.start(),
        end=sentence[0] + m.end(),
        sentence=sentence,
        vague=vague,
    )


def figureless_claims(
    sent: str,
    norm: str,
    s_start: int,
    s_end: int,
    claims: list[Claim],
    claimant: str | None,
    g: Grammar,
) -> list[Claim]:
    """Killings with no figure: "executions of civilians" (2 or more), "a deadly attack" (1)."""
    if any(c.kind == "killed" for c in claims):
        return []
    cues = load_cues()
    out: list[Claim] = []
    before = g.before.get("killed")
    if before is not None:
        for m in before.finditer(norm):
            if g.heads_figure.fullmatch(m.group(0)):
                continue  # "des corps de femmes ligotés et parfois sans vie": no count
            tail = norm[m.end() : m.end() + 40]
            v = cues.figureless_victim.match(tail)
            everyone = cues.everyone.match(tail)
            if (
                v is not None
                and v.group("det") is None
                and not g.bare_plural_victims
                and not cues.figureless_determiner_end.search(m.group(0))
            ):
                v = None  # "assassinats terroristes": an adjective, not the victims
            plural = v is not None and g.plural_victims.fullmatch(v.group("victim"))
            victim = everyone or (v if plural else None)
            if victim is not None:
                end = m.end() + victim.end()
                out.append(
                    Claim(
                        kind="killed",
                        min=2,
                        max=None,
                        qualifier=None,
                        victims_text=sent[m.end() : end].strip(),
                        victim_category="civilians"
                        if everyone
                        else category_of(victim.group(0), g),
                        claimant=claimant,
                        start=s_start + m.start(),
                        end=s_start + end,
                        sentence=(s_start, s_end),
                        vague=True,
                    )
                )
                return out
    # "des civils ont été tués": a plural victim noun with no figure, then its verb
    for kind, pattern in g.plural_passive.items():
        if any(c.kind == kind for c in claims):
            continue
        p = pattern.search(norm)
        if p is not None:
            out.append(
                Claim(
                    kind=cast(ClaimKind, kind),
                    min=2,
                    max=None,
                    qualifier=None,
                    victims_text=sent[p.start("victim") : p.end("victim")],
                    victim_category=category_of(p.group("victim"), g),
                    claimant=claimant,
                    start=s_start + p.start(),
                    end=s_start + p.end(),
                    sentence=(s_start, s_end),
                    vague=True,
                )
            )
    if any(c.kind == "killed" for c in out):
        return out
    for m in g.deadly.finditer(norm):
        if cues.not_deadly_before.search(norm[max(0, m.start() - 15) : m.start()]):
            continue
        sentence = (s_start, s_end)
        out.append(_phrase_claim("killed", 1, None, sent, m, sentence, claimant, vague=True))
        break
    return out
