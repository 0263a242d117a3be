"""Casualty claims: who was killed, injured or abducted, how many, according to whom.

The ``civwatch_claims`` spaCy component reads each sentence of a ``Doc`` and
writes ``doc._.claims``: a list of :class:`Claim`, one per casualty figure as
the text states it ("at least 21 civilians have been killed", "faisant au
moins huit morts", "the death toll rose to 79", "no casualties"). A claim keeps
the figure as a ``{min, max}`` range under the annotation conventions of the
gold set, the qualifier as written, the victims as named, the claimant when the
sentence gives one, and the character offsets of the quoted span.

The grammar is data (``nlp/data/<lang>/claims_lexicon.json``): trigger forms
that follow a number ("were killed", "morts") or precede it ("killed",
"la mort de"), the words that may sit between them, words that stop a link
("missing", "arrested", "who"), count nouns that make a number a non-casualty
("attacks", "villages"), sub-count cues ("including", "dont"), victim nouns,
negations and claimant cues. The component needs only sentence boundaries,
so it runs the same way on ``spacy.blank("en")`` and on ``fr_core_news_sm``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.numbers import Quantity, find_quantities

DATA = Path(__file__).resolve().parent / "data"
KINDS = ("killed", "injured", "abducted")
# Which side of a conflict a victim category belongs to (gold: one record per side).
SIDE_OF = {
    "civilians": "civilians",
    "women": "civilians",
    "children": "civilians",
    "unknown": "unknown",
    "soldiers": "soldiers",
    "militants": "militants",
    "peacekeepers": "peacekeepers",
}
_CATEGORY_PRIORITY = ("peacekeepers", "soldiers", "militants", "women", "children", "civilians")
_ELIDABLE = {"de": "d", "le": "l", "la": "l", "que": "qu", "se": "s", "ne": "n"}
_WORD_RE = re.compile(r"\w+(?:[-.]\w+)*\.?'?|'|[^\w\s]")
_HARD_STOP = {".", ";", ":", "!", "?", "(", ")", "[", "]"}
# A toll that replaces the earlier ones of the text ("the toll rose to 79",
# "le bilan est passé à 40").
_UPDATE_BEFORE = re.compile(
    r"\b(?:rose|risen|raised|climbed|increased|revised(?: up(?:wards?)?| down(?:wards?)?)?|"
    r"jumped|reached|passe|porte|alourdi|revu a la hausse|revu a la baisse|grimpe)\s+(?:to|a)\s*$"
)
_VICTIM_PHRASE_STOPS = {
    ",",
    "and",
    "et",
    "in",
    "on",
    "dans",
    "en",
    "near",
    "pres",
    "who",
    "qui",
    "lors",
    "during",
    "at",
    "par",
    "by",
    "with",
    "avec",
    "after",
    "apres",
    "since",
    "depuis",
}
_QUOTES = {'"', "«", "»", "“", "”", "'", "‘", "’"}

if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=None)


@dataclass(frozen=True)
class Claim:
    """One casualty figure as a text states it."""

    kind: str  # killed | injured | abducted
    min: int | None
    max: int | None
    qualifier: str | None  # as written ("at least", "une vingtaine", "dozens")
    victims_text: str  # the victims as the text names them
    victim_category: str  # civilians, women, children, soldiers, militants, peacekeepers, unknown
    claimant: str | None  # "the army", "des sources locales"
    start: int  # character offsets of the quoted span (number through trigger)
    end: int
    sentence: tuple[int, int]
    revised: bool = False  # a superseded figure ("initially 25", "précédemment")
    update: bool = False  # a new toll replacing earlier ones ("the toll rose to 79")
    vague: bool = False  # "dozens", "several", "deadly": a floor, not a count
    combined: bool = False  # "killed, injured or missing": an upper bound only
    number_start: int | None = None  # offsets of the number expression itself
    number_end: int | None = None
    subcategories: tuple[str, ...] = field(default_factory=tuple)  # "including 6 children"

    @property
    def side(self) -> str:
        """The conflict side of the victims (civilians, soldiers, militants, peacekeepers)."""
        return SIDE_OF.get(self.victim_category, "unknown")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (what ``analyze`` exposes under ``claims``)."""
        out = asdict(self)
        out["sentence"] = list(self.sentence)
        out["subcategories"] = list(self.subcategories)
        return out


def doc_text(doc: Doc) -> str:
    """``doc.text``, memoised in ``doc.user_data`` (spaCy rebuilds it from tokens each time)."""
    key = "civwatch_text"
    if key not in doc.user_data:
        doc.user_data[key] = doc.text
    text: str = doc.user_data[key]
    return text


def _fold_char(ch: str) -> str:
    if ch in "’‘`´ʼ":
        return "'"
    if ch in "‐‑–—":
        return "-"
    kept = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    low = kept.lower() if kept else ch.lower()
    return low if len(low) == 1 else ch


# Latin letters and punctuation are folded by one table lookup per character.
_FOLD_TABLE = {i: _fold_char(chr(i)) for i in range(0x250)} | {
    ord(c): _fold_char(c) for c in "’‘`´ʼ‐‑–—"
}


def fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes — keeping one char per input char.

    Offsets into the folded text are offsets into the original (unlike
    ``nlp.textnorm.fold``, which also collapses spaces for lexicon keys).
    """
    return text.translate(_FOLD_TABLE)


def _forms_re(words: list[str], prefix: str, suffix: str) -> re.Pattern[str]:
    """``prefix(?:form|form…)suffix`` over the folded inflected forms of ``words``."""
    return re.compile(
        prefix + "(?:" + "|".join(_form_pattern(fold(w)) for w in words) + ")" + suffix
    )


def _form_pattern(form: str) -> str:
    """Regex of one folded form; elided articles match both ways ("de X" / "d'X")."""
    words = form.split()
    parts = []
    for i, word in enumerate(words):
        last = i == len(words) - 1
        if word in _ELIDABLE:
            parts.append(
                rf"(?:{word}(?![\w])|{_ELIDABLE[word]}')"
                if last
                else rf"(?:{word}\s+|{_ELIDABLE[word]}'\s*)"
            )
        elif word.endswith("'"):
            parts.append(re.escape(word) + r"\s*")
        elif last:
            parts.append(re.escape(word) + r"(?![\w])")
        else:
            parts.append(re.escape(word) + r"\s+")
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
    victims: dict[str, re.Pattern[str]]
    peacekeeper_markers: re.Pattern[str]
    negations: list[tuple[re.Pattern[str], tuple[str, ...]]]
    negation_any: re.Pattern[str]
    negation_blockers: re.Pattern[str]
    claimant_before: re.Pattern[str]
    claimant_verbs: re.Pattern[str]
    revised_cues: re.Pattern[str]
    deadly: re.Pattern[str]
    plural_victims: re.Pattern[str]
    singular: re.Pattern[str]
    singular_group: re.Pattern[str]


@lru_cache(maxsize=4)
def load_grammar(lang: str) -> Grammar:
    """Load and compile ``nlp/data/<lang>/claims_lexicon.json`` (English for unknown languages)."""
    lang = lang if lang in ("en", "fr") else "en"
    spec = json.loads((DATA / lang / "claims_lexicon.json").read_text(encoding="utf-8"))
    after: dict[str, list[str]] = {k: [] for k in KINDS}
    before: dict[str, list[str]] = {k: [] for k in KINDS}
    for trig in spec["triggers"]:
        (after if trig["position"] == "after" else before)[trig["kind"]].extend(
            fold(f) for f in trig["forms"]
        )
    singular_nouns = spec.get("singular_victims", {})
    victims = {
        cat: _phrase_re([fold(w) for w in [*words, *singular_nouns.get(cat, [])]])
        for cat, words in spec["victims"].items()
    }
    plural = [
        fold(w)
        for words in spec["victims"].values()
        for w in words
        if w.endswith(("s", "x")) and " " not in w and w not in ("others", "autres", "corps")
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
        singular=_singular_re(spec),
        singular_group=re.compile(
            r"(?<![\w'])(?:"
            + "|".join(re.escape(fold(w)) for w in spec.get("singular_group_before", ()))
            + r")\s*$"
        ),
    )


def _singular_re(spec: dict[str, Any]) -> re.Pattern[str]:
    """A determiner, up to two modifiers and a noun naming one person ("a Malian soldier")."""
    dets = "|".join(re.escape(fold(d)) for d in sorted(spec["singular_determiners"], key=len)[::-1])
    nouns = [fold(w) for words in spec["singular_victims"].values() for w in words]
    noun_alt = "|".join(_form_pattern(n) for n in sorted(set(nouns), key=len, reverse=True))
    not_before = "|".join(re.escape(fold(w)) for w in spec["singular_not_before"])
    function = r"(?:of|on|in|at|and|or|to|by|was|were|is|has|de|du|des|et|au|en|par|a|est)"
    return re.compile(
        rf"(?<![\w'])(?P<det>{dets})(?:(?<=')|\s+)"
        rf"(?:(?!{function}\s)[\w.-]+\s+){{0,2}}?(?:{noun_alt})"
        rf"(?!\s*(?:{not_before})(?![\w]))"
    )


@dataclass
class _Word:
    start: int
    end: int
    text: str  # folded


@dataclass
class _Link:
    quantity: Quantity
    kind: str
    trigger_start: int
    trigger_end: int
    position: str  # "after" | "before" | "coordinated"
    victims_start: int
    victims_end: int
    combined_kinds: tuple[str, ...] = ()


@Language.factory(
    "civwatch_claims",
    default_config={"lang": ""},
)
def make_claims_component(nlp: Language, name: str, lang: str) -> ClaimsComponent:
    """Factory of the casualty-claims component (``lang`` defaults to the pipeline's)."""
    return ClaimsComponent(lang or nlp.lang or "en")


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
    for s_start, s_end in _sentences(doc):
        claims.extend(claims_in_sentence(text, s_start, s_end, grammar))
    return claims


def claims_in_sentence(text: str, s_start: int, s_end: int, g: Grammar) -> list[Claim]:
    """Claims of one sentence ``text[s_start:s_end]`` (offsets are into ``text``)."""
    sent = text[s_start:s_end]
    if not sent.strip():
        return []
    norm = fold(sent)
    quantities = [q for q in find_quantities(sent, g.lang) if q.blocked is None]
    quantities = [q for q in quantities if not _is_count_of_things(norm, q, g)]
    quantities = _with_singulars(sent, norm, quantities, g)
    words: list[_Word] = []
    if quantities:
        words = [_Word(m.start(), m.end(), m.group(0)) for m in _WORD_RE.finditer(norm)]
        triggers_after = _find_triggers(norm, g.after)
        triggers_before = _find_triggers(norm, g.before)
        stops = {m.start() for m in g.stop.finditer(norm)}
    else:  # only negations and figure-less killings are possible: skip the linking
        triggers_after, triggers_before, stops = [], [], set()
    # Sub-counts ("dont sept femmes") sit inside the parent's phrase: they must not
    # stop the parent's link to its trigger.
    # "including 12 women and 9 children": the whole list is inside the parent.
    is_sub: list[bool] = []
    last_sub: Quantity | None = None
    for q in quantities:
        chained = last_sub is not None and bool(
            re.fullmatch(r"[^,.;:]{0,25}?(?:,|\band\b|\bet\b)\s*", norm[last_sub.end : q.start])
        )
        is_sub.append(chained or _is_subcount(norm, q, g))
        last_sub = q if is_sub[-1] else last_sub
    q_starts = {q.start for q, sub in zip(quantities, is_sub, strict=True) if not sub}

    links: list[_Link] = []
    subcounts: list[tuple[Quantity, str]] = []
    for q, sub in zip(quantities, is_sub, strict=True):
        near_category = _category(norm[q.end : q.end + 25], g)
        if sub:
            # the part's own noun: "49 civilians and 15 soldiers" are two parts
            phrase = re.split(r",|;|\band\b|\bet\b|\bor\b|\bou\b", norm[q.end : q.end + 40])[0]
            subcounts.append((q, _category(phrase, g)))
            continue
        if g.increment_after.match(norm[q.end :]):
            continue
        if g.contrast_before.search(norm[max(0, q.start - 20) : q.start]):
            continue  # "three groups, rather than two, were kidnapped": the other figure
        if q.article and near_category == "unknown":
            # "un"/"une"/"one"/"a" is a figure only before a victim noun ("un Casque bleu").
            continue
        link = _link_after(norm, words, q, q_starts, triggers_after, stops, g)
        if link is not None and q.article and _clause_break(norm[q.end : link.trigger_start]):
            # "a local official, and the search for more bodies": one person is
            # linked only within its own clause ("a soldier was killed").
            link = None
        if link is None:
            link = _link_before(norm, words, q, triggers_before, g)
        if link is not None:
            links.append(link)
    links.extend(_coordinated(norm, quantities, links, subcounts, g))
    links.sort(key=lambda lk: lk.quantity.start)

    claimant = _claimant(sent, norm, g)
    claims: list[Claim] = []
    for link in links:
        claims.extend(_claims_from_link(sent, norm, s_start, s_end, link, claimant, g, claims))
    claims = _sum_coordinated_same_side(claims, sent, s_start)
    split = _split_by_side(claims, subcounts, s_start)
    if split is not claims:
        claims = split
    elif subcounts and claims:
        extra = tuple(sorted({c for _, c in subcounts if c not in ("unknown",)}))
        claims = [
            _replace(c, subcategories=tuple(sorted(set(c.subcategories) | set(extra))))
            if c.kind == "killed" or len(claims) == 1
            else c
            for c in claims
        ]
    claims.extend(_negations(sent, norm, s_start, s_end, claimant, g))
    claims.extend(_figureless(sent, norm, s_start, s_end, claims, claimant, g))
    return claims


def _with_singulars(sent: str, norm: str, quantities: list[Quantity], g: Grammar) -> list[Quantity]:
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
    if not extra:
        return quantities
    return sorted([*quantities, *extra], key=lambda q: q.start)


def _split_by_side(
    claims: list[Claim], subcounts: list[tuple[Quantity, str]], s_start: int
) -> list[Claim]:
    """A total the text splits into sides is coded per side only.

    "Twelve people, including eleven civilians and a gendarme, were killed": one
    claim of 11 civilians and one of 1 soldier. Only when the parts name two sides or
    more and add up to the total; a partial breakdown keeps the total.
    """
    parents = [c for c in claims if not c.vague and not c.combined and c.number_end is not None]
    if len(parents) != 1 or len(subcounts) < 2:
        return claims
    parent = parents[0]
    parts = [(q, cat) for q, cat in subcounts if s_start + q.start >= (parent.number_end or 0)]
    if len(parts) < 2 or any(q.kind not in ("exact", "approx") for q, _ in parts):
        return claims
    by_side: dict[str, list[tuple[Quantity, str]]] = {}
    for q, cat in parts:
        by_side.setdefault(SIDE_OF.get(cat, "unknown"), []).append((q, cat))
    total = sum(q.value for q, _ in parts)
    if len(by_side) < 2 or "unknown" in by_side or total not in (parent.min, parent.max):
        return claims
    split = []
    for side, items in by_side.items():
        value = sum(q.value for q, _ in items)
        cats = sorted({cat for _, cat in items})
        split.append(
            _replace(
                parent,
                min=value,
                max=value,
                qualifier=None,
                victim_category=side if side != "civilians" or len(cats) > 1 else cats[0],
                subcategories=tuple(c for c in cats if c not in (side, "civilians")),
                number_start=s_start + items[0][0].start,
                number_end=s_start + items[-1][0].end,
            )
        )
    return [c for c in claims if c is not parent] + split


# What sits between a figure and its verb besides the victims: "de" of "une
# trentaine de civils", the auxiliaries of "ont été tués" / "have been killed".
_VICTIM_LEAD = re.compile(r"^(?:de|d'|d’|des|of|the)\s*", re.IGNORECASE)
_VICTIM_TAIL = re.compile(
    r"\s+(?:(?:ont|a|avaient|avait|sont|est|auraient|aurait|ont\s+tous|have|has|had|were|was|"
    r"are|is|been|being|ete|été|reportedly|also|all|and|et)\b\s*)+$",
    re.IGNORECASE,
)


def _victims_words(text: str) -> str:
    """The victims as written, without the words around them ("de civils ont été" → "civils")."""
    text = text.strip(" ,.;:\"'«»“”")
    text = _VICTIM_TAIL.sub("", " " + text).strip()
    return _VICTIM_LEAD.sub("", text).strip(" ,.;:\"'«»“”")


def _names_a_force(victims: str) -> bool:
    """A capitalised word among the victims: a named force or nationality ("Wagner")."""
    return any(w[:1].isupper() for w in victims.split()[1:]) or (
        bool(victims) and victims[:1].isupper() and len(victims.split()) > 1
    )


def _clause_break(between: str) -> bool:
    return bool(re.search(r"[,;]|\b(?:and|et|or|ou|but|mais)\b", between))


def _replace(claim: Claim, **changes: Any) -> Claim:
    data = asdict(claim)
    data.update(changes)
    data["sentence"] = tuple(data["sentence"])
    data["subcategories"] = tuple(data["subcategories"])
    return Claim(**data)


def _find_triggers(norm: str, patterns: dict[str, re.Pattern[str]]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for kind, pattern in patterns.items():
        found.extend((m.start(), m.end(), kind) for m in pattern.finditer(norm))
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    return found


def _is_count_of_things(norm: str, q: Quantity, g: Grammar) -> bool:
    m = g.count_nouns.match(norm[q.end :])
    if not m:
        return False
    # "four civilians in the village" counts people; "two vehicle-borne bombs" does not.
    head = norm[q.end : q.end + m.end()].split()[:-1]
    return not any(p.fullmatch(w) for w in head for p in g.victims.values())


def _is_subcount(norm: str, q: Quantity, g: Grammar) -> bool:
    if g.subcount_after.match(norm[q.end :]):
        return True
    return bool(g.subcount_before.search(norm[max(0, q.start - 40) : q.start]))


def _word_index_at(words: list[_Word], offset: int) -> int:
    for i, w in enumerate(words):
        if w.end > offset:
            return i
    return len(words)


def _link_after(
    norm: str,
    words: list[_Word],
    q: Quantity,
    q_starts: set[int],
    triggers: list[tuple[int, int, str]],
    stops: set[int],
    g: Grammar,
) -> _Link | None:
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
    aside = _SUBCOUNT_ASIDE.match(norm, q.end)
    aside_end = aside.end() if aside else -1
    steps = -1
    for i in range(first, len(words)):
        w = words[i]
        if w.start >= aside_end:
            steps += 1
        if steps > limit:
            return None
        if w.start in by_start and w.start >= q.end:
            if steps > 0 and words[i - 1].text in ("and", "et"):
                # "killed 52,000 people and wounded 118,000": the verb after "and"
                # belongs to the next clause.
                return None
            t_end, kind = by_start[w.start]
            combined = _combined_after(norm, t_end, kind, g)
            return _Link(q, kind, w.start, t_end, "after", q.end, w.start, combined)
        if w.text in _HARD_STOP:
            return None
        if w.start in stops:
            return None
        if w.start in q_starts and w.start >= q.end and w.start >= aside_end:
            return None
    return None


_SUBCOUNT_ASIDE = re.compile(
    r"[^,.;:()]{0,40}?,\s*(?:dont|including|among them|parmi lesquels|parmi lesquelles|"
    r"parmi eux|notamment)\b[^,.;:()]{1,80},"
)


def _combined_after(norm: str, t_end: int, kind: str, g: Grammar) -> tuple[str, ...]:
    """ "killed, injured or missing", "dead or seriously injured": one figure, several kinds."""
    tail = norm[t_end : t_end + 40]
    m = re.match(r"^\s*(?:,\s*\w+\s*)*?,?\s*(\w+)\s+(?:\w+\s+)?(\w+)", tail)
    if not m:
        return ()
    # "317 tués et 73 enlevés ou disparus": the other kind has a figure of its own.
    tail = re.split(r"\d|\b(?:and|et)\s+(?:\w+\s+)?(?:others?|autres?)\b", tail)[0]
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
        if kind != "abducted" and re.search(
            r"\b(?:missing|disparus?|portes disparus)\b", tail[:30]
        ):
            return (kind,)
        return ()
    return tuple(k for k in KINDS if k in kinds)


def _link_before(
    norm: str,
    words: list[_Word],
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
        if _norm_word(w.text) not in g.gap_before:
            return None
        j -= 1
        gap += 1
    return None


def _norm_word(word: str) -> str:
    if word.endswith("'") and len(word) <= 3:
        return {"d'": "de", "l'": "le", "qu'": "que", "s'": "se", "n'": "ne"}.get(word, word)
    return word


def _victim_phrase_end(norm: str, words: list[_Word], q_end: int) -> int:
    end = q_end
    for w in words[_word_index_at(words, q_end) :][:7]:
        if w.text in _HARD_STOP or w.text in _VICTIM_PHRASE_STOPS:
            break
        # "soldier." ends the sentence; "U.N." keeps its dots
        end = w.end - (w.text.endswith(".") and "." not in w.text[:-1])
    return end


def _coordinated(
    norm: str,
    quantities: list[Quantity],
    links: list[_Link],
    subcounts: list[tuple[Quantity, str]],
    g: Grammar,
) -> list[_Link]:
    """ "killed 19 civilians and three armed men"; "16 volunteers and two civilians were killed"."""
    linked = {lk.quantity.start: lk for lk in links}
    sub = {q.start for q, _ in subcounts}
    out: list[_Link] = []
    for i, q in enumerate(quantities):
        if q.start in linked or q.start in sub:
            continue
        if q.article and _category(norm[q.end : q.end + 25], g) == "unknown":
            continue  # "un"/"a" is a figure only before a victim noun
        prev = quantities[i - 1] if i > 0 else None
        nxt = quantities[i + 1] if i + 1 < len(quantities) else None
        if prev is not None and prev.start in linked and linked[prev.start].position == "before":
            between = norm[prev.end : q.start]
            if (
                re.search(r"(?:^|\s|,)(?:and|et|as well as|ainsi que)\s+$", between)
                and len(between) < 70
            ):
                lk = linked[prev.start]
                out.append(
                    _Link(
                        q,
                        lk.kind,
                        lk.trigger_start,
                        lk.trigger_end,
                        "coordinated",
                        q.end,
                        _victim_end_simple(norm, q.end),
                    )
                )
                continue
        if nxt is not None and nxt.start in linked and linked[nxt.start].position == "after":
            between = norm[q.end : nxt.start]
            if re.search(r"\s(?:and|et|as well as|ainsi que)\s+$", between) and len(between) < 70:
                lk = linked[nxt.start]
                out.append(
                    _Link(
                        q,
                        lk.kind,
                        lk.trigger_start,
                        lk.trigger_end,
                        "coordinated",
                        q.end,
                        q.end + len(between),
                    )
                )
    return out


def _victim_end_simple(norm: str, start: int) -> int:
    m = re.match(r"[^,.;:()]{0,60}", norm[start:])
    return start + (len(m.group(0)) if m else 0)


def _category(victims_norm: str, g: Grammar) -> str:
    found = {cat for cat, pattern in g.victims.items() if pattern.search(victims_norm)}
    if "soldiers" in found and g.peacekeeper_markers.search(victims_norm):
        found.add("peacekeepers")
    for cat in _CATEGORY_PRIORITY:
        if cat in found:
            return cat
    return "unknown"


def _claims_from_link(
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
    head = re.search(
        r",|\b(?:dont|including|among them|notamment|parmi lesquels)\b", norm[v_start:v_end]
    )
    if head is not None:
        v_end = v_start + head.start()
    victims_norm = norm[v_start:v_end]
    if link.position == "after":
        # "faisant huit morts parmi les soldats": the victims follow the trigger.
        tail = norm[link.trigger_end : link.trigger_end + 40]
        m = re.match(r"^\s*(?:parmi|among|chez)\s+[^,.;]{1,35}", tail)
        if m:
            victims_norm += " " + m.group(0)
        elif not victims_norm.strip():
            # "thirty-five dead civilians": the trigger is an adjective before its noun.
            m = re.match(r"^\s*(?:\w+\s+)?\w+", tail)
            victims_norm += " " + (m.group(0) if m else "")
    victims_text = _victims_words(sent[v_start:v_end])
    category = _category(victims_norm, g)
    if category == "unknown" and re.search(r"\b(?:others?|autres?)\b", victims_norm) and previous:
        category = previous[-1].victim_category
    span_start = min(q.start, link.trigger_start)
    span_end = max(q.end, link.trigger_end, v_end)
    revised = bool(g.revised_cues.search(norm[max(0, q.start - 45) : q.start])) or bool(
        g.revised_cues.search(norm[q.end : link.trigger_start])
    )
    update = bool(_UPDATE_BEFORE.search(norm[max(0, q.start - 30) : q.start]))
    lo, hi = q.min, q.max
    kinds: tuple[str, ...] = (link.kind,)
    combined = False
    if link.combined_kinds:
        kinds = link.combined_kinds
        lo, hi = None, (q.max if q.max is not None else q.value)
        combined = True
    out = []
    for kind in kinds:
        out.append(
            Claim(
                kind=kind,
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
                vague=q.kind == "vague",
                combined=combined,
                number_start=s_start + q.start,
                number_end=s_start + q.end,
                update=update,
            )
        )
    return out


def _sum_coordinated_same_side(claims: list[Claim], sent: str, s_start: int) -> list[Claim]:
    """ "five men and two boys" killed by one verb is one figure of seven."""
    out: list[Claim] = []
    for claim in claims:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == claim.kind
            and prev.side == claim.side
            and not prev.vague
            and not claim.vague
            and prev.number_end is not None
            and claim.number_start is not None
            and re.fullmatch(
                r"\s*[\w\s'-]{0,30}?\s(?:and|et)\s*",
                sent[prev.number_end - s_start : claim.number_start - s_start],
            )
            and (
                (prev.side == "civilians" and prev.victim_category != claim.victim_category)
                # "douze soldats et quatre supplétifs": one side, one toll; named forces
                # ("84 Wagner fighters and 47 Malian soldiers") stay apart
                or (
                    prev.side in ("soldiers", "peacekeepers", "militants")
                    and not _names_a_force(prev.victims_text)
                    and not _names_a_force(claim.victims_text)
                )
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
            out[-1] = _replace(
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


def _claimant(sent: str, norm: str, g: Grammar) -> str | None:
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
            head = re.split(r"\b(?:qui|que|who|which|that)\b", cut.group(1))[0]
            return " ".join(head.split()[:8]) or None
        head = re.split(r"[,;:«»\"“”]|\b(?:that|que|qu')\b", before)[-1].strip()
        words = head.split()
        return " ".join(words[-6:]) if words else None
    return None


def _negations(
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
                out.append(
                    Claim(
                        kind=kind,
                        min=0,
                        max=0,
                        qualifier=sent[m.start() : m.end()],
                        victims_text="",
                        victim_category="unknown",
                        claimant=claimant,
                        start=s_start + m.start(),
                        end=s_start + m.end(),
                        sentence=(s_start, s_end),
                    )
                )
    return out


def _figureless(
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
    out: list[Claim] = []
    before = g.before.get("killed")
    if before is not None:
        for m in before.finditer(norm):
            tail = norm[m.end() : m.end() + 40]
            v = re.match(r"^\s*(?:(?:des|les|de|of|the|all the|tous les)\s+)?(\w+)", tail)
            everyone = re.match(
                r"^\s*(?:tous ceux|toutes celles|tout le monde|all those|everyone)\b", tail
            )
            victim = everyone or (v if v and g.plural_victims.fullmatch(v.group(1)) else None)
            if victim is not None:
                end = m.end() + victim.end()
                out.append(
                    Claim(
                        kind="killed",
                        min=2,
                        max=None,
                        qualifier=None,
                        victims_text=sent[m.end() : end].strip(),
                        victim_category="civilians" if everyone else _category(victim.group(0), g),
                        claimant=claimant,
                        start=s_start + m.start(),
                        end=s_start + end,
                        sentence=(s_start, s_end),
                        vague=True,
                    )
                )
                return out
    for m in g.deadly.finditer(norm):
        if re.search(
            r"(?:deadliest|one of the|l'une des|un des)\s*$",
            norm[max(0, m.start() - 15) : m.start()],
        ):
            continue
        out.append(
            Claim(
                kind="killed",
                min=1,
                max=None,
                qualifier=sent[m.start() : m.end()],
                victims_text="",
                victim_category="unknown",
                claimant=claimant,
                start=s_start + m.start(),
                end=s_start + m.end(),
                sentence=(s_start, s_end),
                vague=True,
            )
        )
        break
    return out
