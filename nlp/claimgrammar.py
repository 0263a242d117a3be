"""The casualty grammar, compiled from the lexicons in ``nlp/data/<lang>/``.

:func:`load_grammar` compiles one language's ``claims_lexicon.json``: forms are
folded (``nlp.textnorm.fold_keep_length``) and compiled into regular expressions; French
elided articles (``elided_articles`` of ``claims_cues.json``) match both ways ("de X" /
"d'X"). :func:`load_cues` builds the cue regexes of the claims steps from
``claims_cues.json``, the union of the English and French words (the text's language
can be misdetected).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from nlp.claims import KINDS
from nlp.result import VICTIM_CATEGORIES, VictimCategory
from nlp.textnorm import fold_keep_length as fold

DATA = Path(__file__).resolve().parent / "data"


def _forms_re(words: list[str], prefix: str, suffix: str) -> re.Pattern[str]:
    """``prefix(?:form|form…)suffix`` over the folded inflected forms of ``words``."""
    return re.compile(
        prefix + "(?:" + "|".join(_form_pattern(fold(w)) for w in words) + ")" + suffix
    )


def _form_pattern(form: str) -> str:
    """Regex of one folded form; elided articles match both ways ("de X" / "d'X"), and
    quotation marks may stand between its words (la « neutralisation » de)."""
    elidable = load_cues().elided
    words = form.split()
    parts = []
    for i, word in enumerate(words):
        last = i == len(words) - 1
        if word in elidable:
            parts.append(
                rf"(?:{word}(?![\w])|{elidable[word]})"
                if last
                else rf"(?:{word}{_QUOTED_SPACE}|{elidable[word]}\s*)"
            )
        elif word.endswith("'"):
            parts.append(re.escape(word) + r"\s*")
        elif last:
            parts.append(re.escape(word) + r"(?![\w])")
        else:
            parts.append(re.escape(word) + _QUOTED_SPACE)
    return "".join(parts)


def _phrase_re(forms: list[str]) -> re.Pattern[str]:
    ordered = sorted(set(forms), key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(_form_pattern(f) for f in ordered) + r")")


@dataclass(frozen=True)
class Grammar:
    """The compiled casualty grammar of one language."""

    lang: str
    after: dict[str, re.Pattern[str]]
    before: dict[str, re.Pattern[str]]
    heads_figure: re.Pattern[str]  # "the bodies of": the trigger of the figure it heads
    toll_subjects: re.Pattern[str]  # "the death toll", "le bilan": a toll as a subject
    toll_verb_end: re.Pattern[str]  # "rose to", "s'élève désormais à" right before a figure
    gap_before: frozenset[str]
    max_after: int
    max_after_extended: int
    max_before: int
    stop: re.Pattern[str]
    count_nouns: re.Pattern[str]
    increment_after: re.Pattern[str]
    contrast_before: re.Pattern[str]
    subcount_before: re.Pattern[str]
    subcount_after: re.Pattern[str]
    extend_before: frozenset[str]
    combined_joiners: frozenset[str]
    victims: dict[VictimCategory, re.Pattern[str]]
    peacekeeper_markers: re.Pattern[str]
    negations: list[tuple[re.Pattern[str], tuple[str, ...]]]
    negation_any: re.Pattern[str]
    negation_blockers: re.Pattern[str]
    claimant_before: re.Pattern[str]
    claimant_verbs: re.Pattern[str]
    revised_cues: re.Pattern[str]
    deadly: re.Pattern[str]
    plural_victims: re.Pattern[str]
    bare_plural_victims: bool  # "killed civilians"; French needs "tué des civils"
    plural_passive: dict[str, re.Pattern[str]]  # "civilians were killed", per kind
    passive_auxiliaries: re.Pattern[str]  # "were", "ont été": a passive runs on
    singular: re.Pattern[str]
    singular_group: re.Pattern[str]
    act_nouns: frozenset[str]  # "killings": after back_determiners they refer back
    back_determiners: frozenset[str]  # "the", "ces"


@lru_cache(maxsize=4)
def load_grammar(lang: str) -> Grammar:
    """Load and compile ``nlp/data/<lang>/claims_lexicon.json`` (English for unknown languages)."""
    lang = lang if lang in ("en", "fr") else "en"
    spec = json.loads((DATA / lang / "claims_lexicon.json").read_text(encoding="utf-8"))
    after: dict[str, list[str]] = {k: [] for k in KINDS}
    before: dict[str, list[str]] = {k: [] for k in KINDS}
    heads: list[str] = []
    for trig in spec["triggers"]:
        (after if trig["position"] == "after" else before)[trig["kind"]].extend(
            fold(f) for f in trig["forms"]
        )
        if trig.get("heads_figure"):
            heads.extend(fold(f) for f in trig["forms"])
    singular_nouns = spec.get("singular_victims", {})
    victims = {
        _victim_category(cat): _phrase_re([fold(w) for w in [*words, *singular_nouns.get(cat, [])]])
        for cat, words in spec["victims"].items()
    }
    not_plural = set(spec["plural_exceptions"])
    plural = [
        fold(w)
        for words in spec["victims"].values()
        for w in words
        if w.endswith(("s", "x")) and " " not in w and w not in not_plural
    ]
    deadly = (
        r"(?<![\w'])(?:"
        + "|".join(map(re.escape, spec["deadly_words"]))
        + r")\s+(?:\w+\s+){0,2}?(?:"
        + "|".join(map(re.escape, spec["deadly_nouns"]))
        + r")(?![\w])|(?<![\w'])(?:"
        + "|".join(map(re.escape, spec["deadly_nouns"]))
        + r")\s+(?:\w+\s+){0,1}?(?:"
        + "|".join(map(re.escape, spec["deadly_words"]))
        + r")(?![\w])"
    )
    return Grammar(
        lang=lang,
        after={k: _phrase_re(v) for k, v in after.items() if v},
        before={k: _phrase_re(v) for k, v in before.items() if v},
        heads_figure=_phrase_re(heads),
        toll_subjects=_phrase_re([fold(w) for w in spec["toll_subjects"]]),
        toll_verb_end=re.compile(
            r"(?<![\w'])(?:"
            + "|".join(_form_pattern(fold(w)) for w in sorted(spec["toll_verbs"], key=len)[::-1])
            + r")(?:\s+(?:"
            + "|".join(re.escape(fold(w)) for w in spec["gap_before"])
            + r"))*\s*$"
        ),
        gap_before=frozenset(fold(w) for w in spec["gap_before"]),
        max_after=int(spec["max_after"]),
        max_after_extended=int(spec["max_after_extended"]),
        max_before=int(spec["max_before"]),
        stop=_phrase_re([fold(w) for w in spec["stop"]]),
        count_nouns=_forms_re(spec["count_nouns"], r"^\s*(?:[\w-]+\s+){0,1}?", r"(?![\w])"),
        increment_after=_forms_re(spec["increment_after"], r"^\s*", r"(?![\w])"),
        contrast_before=_forms_re(spec["contrast_before"], r"(?<![\w'])", r"\s*$"),
        subcount_before=_forms_re(
            spec["subcount_before"], r"(?<![\w'])", r"\s*,?\s*(?:\w+\s+){0,1}$"
        ),
        subcount_after=_forms_re(spec["subcount_after"], r"^\s*", r"(?![\w])"),
        extend_before=frozenset(fold(w) for w in spec["extend_before"]),
        combined_joiners=frozenset(spec["combined_joiners"]),
        victims=victims,
        peacekeeper_markers=_phrase_re([fold(w) for w in spec["peacekeeper_markers"]]),
        negations=[(_phrase_re([fold(n["phrase"])]), tuple(n["kinds"])) for n in spec["negations"]],
        negation_any=_phrase_re([fold(n["phrase"]) for n in spec["negations"]]),
        negation_blockers=_phrase_re([fold(w) for w in spec["negation_blockers"]]),
        claimant_before=_phrase_re([fold(w) for w in spec["claimant_before"]]),
        claimant_verbs=_phrase_re([fold(w) for w in spec["claimant_verbs"]]),
        revised_cues=_phrase_re([fold(w) for w in spec["revised_cues"]]),
        deadly=re.compile(deadly),
        plural_victims=_phrase_re(plural),
        bare_plural_victims=bool(spec["bare_plural_victims"]),
        passive_auxiliaries=_phrase_re([fold(w) for w in spec["plural_passive"]]),
        plural_passive={
            kind: re.compile(
                r"(?<![\w'])(?P<victim>"
                + "|".join(
                    _form_pattern(w)
                    for w in sorted(set(plural) - set(spec["plural_passive_not"]), key=len)[::-1]
                )
                + r")\s+(?:"
                + "|".join(_form_pattern(fold(w)) for w in spec["plural_passive"])
                + r")\s+(?:"
                + "|".join(_form_pattern(f) for f in sorted(set(forms), key=len)[::-1])
                + ")"
            )
            for kind, forms in after.items()
            if forms
        },
        act_nouns=frozenset(fold(w) for w in spec["act_nouns"]),
        back_determiners=frozenset(fold(w) for w in spec["back_determiners"]),
        singular=_singular_re(spec),
        singular_group=re.compile(
            r"(?<![\w'])(?:"
            + "|".join(re.escape(fold(w)) for w in spec.get("singular_group_before", ()))
            + r")\s*$"
        ),
    )


def _victim_category(name: str) -> VictimCategory:
    """A category of the lexicon's ``victims``: one of :data:`nlp.result.VictimCategory`."""
    for category in VICTIM_CATEGORIES:
        if category == name:
            return category
    raise ValueError(f"claims_lexicon.json: unknown victim category {name!r}")


def _singular_re(spec: dict[str, Any]) -> re.Pattern[str]:
    """A determiner, up to two modifiers and a noun naming one person ("a Malian soldier")."""
    dets = "|".join(re.escape(fold(d)) for d in sorted(spec["singular_determiners"], key=len)[::-1])
    # "the mayor and his driver", "six aid workers, their guide", "ainsi que leur
    # chauffeur": a possessive right after a conjunction, a coordinator or a comma (each
    # lookbehind of its own, fixed width)
    joiners = [*_cue_words("conjunctions"), *_cue_words("coordinators")]
    after_and = "|".join(
        [rf"(?<=\b{re.escape(w)} )" for w in joiners if not w.endswith("'")] + [r"(?<=, )"]
    )
    possessives = "|".join(re.escape(fold(d)) for d in spec.get("possessive_determiners", ()))
    if possessives:
        dets = rf"{dets}|(?:{after_and})(?:{possessives})"
    nouns = [fold(w) for words in spec["singular_victims"].values() for w in words]
    noun_alt = "|".join(_form_pattern(n) for n in sorted(set(nouns), key=len, reverse=True))
    not_before = "|".join(re.escape(fold(w)) for w in spec["singular_not_before"])
    function = f"(?:{load_cues().singular_function_words})"
    # "ainsi qu'un chauffeur", "lorsqu'un soldat": a determiner after an elided "que"
    return re.compile(
        rf"(?:(?<![\w'])|(?<=qu'))(?P<det>{dets})(?:(?<=')|\s+)"
        rf"(?:(?!{function}\s)[\w.-]+\s+){{0,2}}?(?:{noun_alt})"
        rf"(?!\s*(?:{not_before})(?![\w]))"
    )


@dataclass(frozen=True)
class Cues:
    """Cue regexes of the claims steps; the words are in ``nlp/data/<lang>/claims_cues.json``."""

    update_before: re.Pattern[str]  # "the toll rose to" right before a figure
    update_verb_end: re.Pattern[str]  # "the toll rose" right before "from 16 to 23"
    update_from: re.Pattern[str]  # "from" opening that range: old toll, new toll
    subcount_head: re.Pattern[str]  # where the head of a victims phrase ends
    subcount_aside: re.Pattern[str]  # ", dont huit civils," between a figure and its verb
    subcount_inner: re.Pattern[str]  # the aside itself, wherever it is
    complement_of: re.Pattern[str]  # "d'"/"of" right before an article: a complement
    partitive_lead: re.Pattern[str]  # "of the" / "sur les" right before a toll: its parts follow
    among_the: re.Pattern[str]  # "were among the" (injured): a part of the toll, not the toll
    elliptical_after: re.Pattern[str]  # "et 72 en 2022": a figure's complement, no casualty word
    list_item_one: re.Pattern[str]  # ", another at B": one more victim, an item of a list
    population_of: re.Pattern[str]  # "a town of" before a figure: a place's people
    one_before_trigger: re.Pattern[str]  # "and another injured": one more victim
    own_people: re.Pattern[str]  # "its men", "ses hommes": the people of the group before
    elliptical_item: re.Pattern[str]  # "(seven) more in C": a list item with no noun
    victims_after_trigger: re.Pattern[str]  # "huit morts parmi les soldats"
    victims_after_list: re.Pattern[str]  # ", 7 blessés et 3 disparus pour les civils"
    victims_owner: re.Pattern[str]  # "Côté FAMa," "les pertes de l'armée": whose losses
    victims_owner_verb: re.Pattern[str]  # "les FAMa déplorent": the subject (group 1) lost them
    apposition_all: re.Pattern[str]  # ", all volunteers": the noun (group 1) names every victim
    place_aside: re.Pattern[str]  # ", dans la province de Bam," between the victims and their verb
    upper_bound_join: re.Pattern[str]  # ", and possibly" before "as many as 165"
    conjunctions: frozenset[str]  # "and", "et"
    and_alt: str  # regex alternation of the conjunctions
    coordinator_alt: str  # conjunctions and "as well as", "ainsi que"
    clause_break: re.Pattern[str]  # a comma, "and", "or", "but" between two words
    phrase_end: re.Pattern[str]  # where a part's own noun phrase ends ("49 civilians and …")
    others: re.Pattern[str]  # "others", "autres"
    later_death: re.Pattern[str]  # "later died of his wounds": a death after the toll
    relative_subject: frozenset[str]  # "who", "qui": see claims_cues.json
    singular_speaks: re.Pattern[str]  # "an official spoke of … dead": a speaker, no victim
    one_more: re.Pattern[str]  # "another", "une autre" opening a figure of one more
    then_killed: re.Pattern[str]  # "abducted [and later] killed": one figure, both kinds
    one_of_the_wounded: re.Pattern[str]  # "un des blessés a succombé": one more dead
    and_others: re.Pattern[str]  # where the kinds after a trigger end: a digit, "and others"
    missing: re.Pattern[str]  # "killed or missing": an upper bound
    figureless_victim: re.Pattern[str]  # "executions of civilians": the victim word
    figureless_determiner_end: re.Pattern[str]  # a killing form ending "de": "assassinats de"
    everyone: re.Pattern[str]  # "tout le monde", "all those"
    not_deadly_before: re.Pattern[str]  # "one of the deadliest"
    victim_lead: re.Pattern[str]  # "de" of "de civils" (text as written)
    victim_tail: re.Pattern[str]  # "ont été" of "civils ont été" (text as written)
    auxiliaries: re.Pattern[str]  # the same words, folded, at a position: "was", "a ete"
    claimant_relative: re.Pattern[str]  # "which", "qui" after a claimant (as written)
    claimant_end: re.Pattern[str]  # punctuation, "that", "que" before a claimant (as written)
    singular_function_words: str  # an alternation, used inside the singular-victim regex
    victim_phrase_stops: frozenset[str]  # "in", "dans": where the victims after a figure end
    elided: dict[str, str]  # "de" -> "d'": the elided form of each elidable word
    victims_country_lead: str  # "of ", "of the ", "du ": a regex part right before a country


def _cue_words(key: str, *, as_written: bool = False) -> list[str]:
    """English then French words of ``key``, folded unless matched on the text as written."""
    words: list[str] = []
    for lang in ("en", "fr"):
        spec = json.loads((DATA / lang / "claims_cues.json").read_text(encoding="utf-8"))
        for word in spec[key]["words"]:
            form = word if as_written else fold(word)
            if form not in words:
                words.append(form)
    return words


def _cue_alt(key: str, *, as_written: bool = False, space: str = " ") -> str:
    """The words of ``key`` as a regex alternation; ``space`` joins the words of a form."""
    return "|".join(
        space.join(re.escape(part) for part in word.split(" "))
        for word in _cue_words(key, as_written=as_written)
    )


_QUOTED_SPACE = r"[\s\"“”«»]+"


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """Build the cue regexes from both languages' ``claims_cues.json``."""
    others = _cue_alt("others")
    tail = _cue_alt("victim_tail", as_written=True, space=r"\s+")
    elliptical = _cue_alt("elliptical_after")
    spaces = r"\s+"
    return Cues(
        update_before=re.compile(
            rf"\b(?:{_cue_alt('update_verbs')})\s+(?:{_cue_alt('update_to')})\s*$"
        ),
        update_verb_end=re.compile(rf"\b(?:{_cue_alt('update_verbs')})\s*$"),
        later_death=re.compile(rf"\b(?:{_cue_alt('later_death', space=spaces)})\b"),
        one_more=re.compile(rf"\b(?:{_cue_alt('one_more')})\b"),
        then_killed=re.compile(
            r"\s+(?:"
            + "|".join(re.escape(w) for w in sorted(_cue_words("then_killed"), key=len)[::-1])
            + r")\s+"
        ),
        one_of_the_wounded=re.compile(rf"(?<![\w'])(?:{_cue_alt('one_of_the_wounded')})\b"),
        relative_subject=frozenset(_cue_words("relative_subject")),
        singular_speaks=re.compile(rf"\b(?:{_cue_alt('singular_speaks', space=spaces)})\b"),
        update_from=re.compile(rf"(?:{_cue_alt('update_from')})\b"),
        subcount_head=re.compile(rf",|\b(?:{_cue_alt('subcount_head')})\b"),
        subcount_aside=re.compile(
            rf"[^,.;:()]{{0,40}}?,\s*(?:{_cue_alt('subcount_aside')})\b[^,.;:()]{{1,80}},"
        ),
        complement_of=re.compile(
            "(?:"
            + "|".join(
                rf"\b{re.escape(w)}" + ("" if w.endswith("'") else r"\s+")
                for w in _cue_words("complement_of")
            )
            + ")$"
        ),
        partitive_lead=re.compile(rf"\b(?:{_cue_alt('partitive_lead')})\s+$"),
        among_the=re.compile(rf"\b(?:{_cue_alt('among_the')})\s*$"),
        elliptical_after=re.compile(rf"\s+(?:{elliptical})\s"),
        own_people=re.compile(rf"^\s*(?:(?:of|de)\s+)?(?:{_cue_alt('own_people')})\b"),
        elliptical_item=re.compile(
            rf"(?:\s+(?:{_cue_alt('more_after_figure')}))?\s+(?:{elliptical})\s"
        ),
        population_of=re.compile(rf"(?<![\w'])(?:{_cue_alt('population_of')})\s*$"),
        list_item_one=re.compile(
            rf",\s*(?P<det>{_cue_alt('list_item_one') or '(?!)'})(?=\s+(?:{elliptical})\s)"
        ),
        one_before_trigger=re.compile(
            rf"(?:\b(?:{_cue_alt('conjunctions')})|,)\s+"
            rf"(?P<det>{_cue_alt('one_before_trigger') or '(?!)'})\s+"
            rf"(?:(?:{_cue_alt('one_before_trigger_aux') or '(?!)'})\s+)?"
        ),
        subcount_inner=re.compile(rf",\s*(?:{_cue_alt('subcount_aside')})\b[^,.;:()]{{1,80}},"),
        victims_after_trigger=re.compile(
            rf"^\s*(?:{_cue_alt('victims_after_trigger')})\s+[^,.;]{{1,35}}"
        ),
        victims_after_list=re.compile(
            rf"(?:\s*(?:,|\b(?:{_cue_alt('conjunctions')})\b)\s*[\w'-]+\s+[\w'-]+){{1,3}}"
            rf"\s*,?\s+(?:{_cue_alt('victims_after_trigger')})\s+([^,.;]{{1,35}})"
        ),
        victims_owner=re.compile(
            # a quote may close after the noun: 'the "non-final toll" among the soldiers'
            rf"(?<!\w)(?<!\ba )(?:{_cue_alt('victims_owner_before', space=_QUOTED_SPACE)})"
            rf"\s+([^,.;:]{{1,40}})"
        ),
        victims_owner_verb=re.compile(
            rf"([^,.;:«»\"“”]{{1,60}}?)[\s«\"“]+(?:{_cue_alt('victims_owner_verbs')})"
            rf"[\s«\"“]+(?:[\w'-]+[\s,]+){{0,6}}?$"
        ),
        apposition_all=re.compile(rf"\s*,\s*(?:{_cue_alt('apposition_all')})\s+([^,.;:]{{1,30}})"),
        place_aside=re.compile(
            rf",\s*(?:{_cue_alt('place_aside_heads')}|{_cue_alt('place_aside_preps')})"
            rf"(?:(?<=')|\s)(?:[^,.;:()]|\([^(),.;:]{{1,30}}\)){{1,60}},"
        ),
        conjunctions=frozenset(_cue_words("conjunctions")),
        and_alt=_cue_alt("conjunctions"),
        coordinator_alt=f"{_cue_alt('conjunctions')}|{_cue_alt('coordinators')}",
        clause_break=re.compile(
            rf"[,;]|\b(?:{_cue_alt('conjunctions')}|{_cue_alt('alternatives')}|"
            rf"{_cue_alt('contrasts')})\b"
        ),
        phrase_end=re.compile(
            rf",|;|\b(?:{_cue_alt('conjunctions')})\b|\b(?:{_cue_alt('alternatives')})\b"
        ),
        upper_bound_join=re.compile(rf"\s*,?\s*(?:{_cue_alt('upper_bound_join')})\s*"),
        others=re.compile(rf"\b(?:{others})\b"),
        and_others=re.compile(rf"\d|\b(?:{_cue_alt('conjunctions')})\s+(?:\w+\s+)?(?:{others})\b"),
        missing=re.compile(rf"\b(?:{_cue_alt('missing')})\b"),
        figureless_victim=re.compile(
            rf"^\s*(?:(?P<det>{_cue_alt('figureless_determiners')})\s+)?(?P<victim>\w+)"
        ),
        figureless_determiner_end=re.compile(
            rf"(?<![\w'])(?:{_cue_alt('figureless_determiners')})$"
        ),
        everyone=re.compile(rf"^\s*(?:{_cue_alt('everyone')})\b"),
        not_deadly_before=re.compile(rf"(?:{_cue_alt('not_deadly_before')})\s*$"),
        victim_lead=re.compile(
            rf"^(?:{_cue_alt('victim_lead', as_written=True)})\s*", re.IGNORECASE
        ),
        victim_tail=re.compile(rf"\s+(?:(?:{tail})\b\s*)+$", re.IGNORECASE),
        auxiliaries=re.compile(rf"(?:\s*\b(?:{_cue_alt('victim_tail')})\b)*\s*"),
        claimant_relative=re.compile(rf"\b(?:{_cue_alt('claimant_relative', as_written=True)})\b"),
        claimant_end=re.compile(
            rf"[,;:«»\"“”]|\b(?:{_cue_alt('claimant_complementizer', as_written=True)})\b"
        ),
        singular_function_words=_cue_alt("singular_function_words"),
        victim_phrase_stops=frozenset(_cue_words("victim_phrase_stops")),
        elided={word: word[:-1] + "'" for word in _cue_words("elided_articles")},
        victims_country_lead=_country_lead(),
    )


def _country_lead() -> str:
    """The words of ``victims_country_of`` as lookbehinds (one per word: the words need
    not be of one length), then an optional word of ``victims_country_articles``; one
    space after each."""
    before = "|".join(rf"(?<=\b{re.escape(w)} )" for w in _cue_words("victims_country_of"))
    articles = _cue_alt("victims_country_articles")
    return rf"(?:{before})" + (rf"(?:(?:{articles}) )?" if articles else "")
