"""Number expressions in English and French news text, with their qualifiers.

:func:`find_quantities` scans a text and returns every number expression it
contains — digits ("1,200", "1 200", "1.200"), number words including compounds
("forty-two", "quatre-vingt-dix", "soixante-et-onze", "mille"), approximations
("une vingtaine", "a dozen"), vague quantities ("dozens", "des centaines",
"several") and ranges ("60 to 100", "entre 60 et 100") — as :class:`Quantity`
objects with character offsets, the qualifier as written ("at least",
"plus de", …) and the ``min``/``max`` the annotation conventions give it.

Numbers that are dates, years, times, ages, money, distances, percentages,
ordinals, citation markers or "15-member"-style compounds are still returned
(so callers can see them), but carry a ``blocked`` reason and must never become
casualty figures. The vocabulary lives in ``nlp/data/<lang>/claims_quantities.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from text_to_num import text2num

from nlp.result import QuantityKind
from nlp.textnorm import fold_keep_accents, unify_punctuation

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Quantity:
    """One number expression found in a text."""

    start: int
    end: int
    text: str
    value: int  # nominal value (the lower end of a range)
    min: int | None
    max: int | None
    qualifier: str | None  # as written: "at least", "plus de", "about", "dozens" …
    kind: QuantityKind
    blocked: str | None = None  # why this can never be a casualty figure
    article: bool = False  # "un"/"une"/"one"/"a": also an article or pronoun

    @property
    def weak_vague(self) -> bool:
        """A vague plural ("several", "plusieurs") rather than a magnitude ("dozens")."""
        return self.kind == "vague" and self.value <= 2


@dataclass(frozen=True)
class NumberLexicon:
    """Compiled number vocabulary of one language."""

    lang: str
    phrase_re: re.Pattern[str]  # approximations and vague quantities
    phrases: dict[str, tuple[int, QuantityKind]]  # folded phrase -> (value, kind)
    words_re: re.Pattern[str]
    digits_re: re.Pattern[str]
    qualifier_re: re.Pattern[str]
    qualifiers: dict[str, str]
    post_qualifier_re: re.Pattern[str]
    post_qualifiers: dict[str, str]
    range_re: re.Pattern[str]
    range_pair_re: re.Pattern[str]
    range_opener_re: re.Pattern[str]
    units: frozenset[str]
    currency_re: re.Pattern[str]
    age_re: re.Pattern[str]
    months: frozenset[str]
    count_after_month: frozenset[str]  # "people" in "May 20 people": 20 is a count
    article_numbers: frozenset[str]  # number words that are also articles or pronouns
    label_before: frozenset[str]  # words that make the next number a reference, of every language
    compound_re: re.Pattern[str]  # "-member", "-strong" after a number: a compound (all languages)


def _alternation(phrases: list[str]) -> str:
    ordered = sorted({unify_punctuation(p) for p in phrases}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


@lru_cache(maxsize=1)
def _label_words() -> frozenset[str]:
    """``label_before`` of every language's file: "article 5" is a label in an English text too."""
    return frozenset(
        word
        for path in sorted(DATA.glob("*/claims_quantities.json"))
        for word in json.loads(path.read_text(encoding="utf-8"))["label_before"]
    )


@lru_cache(maxsize=1)
def _compound_re() -> re.Pattern[str]:
    """``compound_after`` of every language's file after a hyphen ("a five-member team")."""
    words = [
        word
        for path in sorted(DATA.glob("*/claims_quantities.json"))
        for word in json.loads(path.read_text(encoding="utf-8"))["compound_after"]
    ]
    alternation = "|".join(re.escape(w) for w in dict.fromkeys(words))
    return re.compile(rf"^-\s*(?:{alternation})", re.IGNORECASE)


@lru_cache(maxsize=4)
def load_lexicon(lang: str) -> NumberLexicon:
    """Load and compile the number vocabulary of ``lang`` ("en" or "fr")."""
    spec = json.loads((DATA / lang / "claims_quantities.json").read_text(encoding="utf-8"))
    dates = json.loads((DATA / "dates.json").read_text(encoding="utf-8"))
    phrases: dict[str, tuple[int, QuantityKind]] = {}
    for phrase, value in spec["approximate"].items():
        phrases[fold_keep_accents(phrase)] = (int(value), "approx")
    for phrase, value in spec["vague"].items():
        phrases[fold_keep_accents(phrase)] = (int(value), "vague")
    words = _alternation(spec["number_words"])
    connectors = _alternation(spec["connectors"])
    word_run = rf"(?:{words})(?:(?:\s*-\s*|\s+)(?:(?:{connectors})(?:\s*-\s*|\s+))?(?:{words}))*"
    quals = {fold_keep_accents(k): v for k, v in spec["qualifiers"].items()}
    posts = {fold_keep_accents(k): v for k, v in spec["post_qualifiers"].items()}
    flags = re.IGNORECASE
    return NumberLexicon(
        lang=lang,
        phrase_re=re.compile(rf"(?<![\w-])(?:{_alternation(list(phrases))})(?![\w-])", flags),
        phrases=phrases,
        words_re=re.compile(rf"(?<![\w-])(?:{word_run})(?![\w])", flags),
        # Thousands separators need exactly three digits after them, so "3.6" and
        # "2,1" stay decimals (and are blocked by the lookarounds).
        digits_re=re.compile(
            r"(?<![\w.,:/$€£\[+-])(\d{1,3}(?:(?:,|\.|[ \u00a0\u202f])\d{3})+|\d+)"
            r"(?![\w:]|[.,]\d|-\w)"
        ),
        qualifier_re=re.compile(rf"(?<![\w])({_alternation(list(quals))})\s*$", flags),
        qualifiers=quals,
        post_qualifier_re=re.compile(rf"^\s*({_alternation(list(posts))})(?![\w])", flags),
        post_qualifiers=posts,
        range_re=re.compile(rf"^\s*(?:{_alternation(spec['range_joiners'])})\s*$", flags),
        range_pair_re=re.compile(rf"^\s+(?:{_alternation(spec['range_pair_joiners'])})\s+$", flags),
        range_opener_re=re.compile(
            rf"(?<![\w])(?:{_alternation(spec['range_openers'])})\s+$", flags
        ),
        units=frozenset(fold_keep_accents(u) for u in spec["units"]),
        currency_re=re.compile(rf"(?:{_alternation(spec['currency_prefixes'])})\s*$", flags),
        age_re=re.compile(rf"(?<![\w])(?:{_alternation(spec['age_prefixes'])})\s+$", flags),
        months=frozenset(fold_keep_accents(m) for m in dates["months"]),
        count_after_month=frozenset(
            fold_keep_accents(w)
            for lang in ("en", "fr")
            for w in dates["count_after_month_day"][lang]
        ),
        article_numbers=frozenset(fold_keep_accents(w) for w in spec["article_numbers"]),
        label_before=_label_words(),
        compound_re=_compound_re(),
    )


_QUOTES_TO_SPACE = str.maketrans({c: " " for c in '“”«»"„‟'})
_NEXT_WORD = re.compile(r"^[ \u00a0]*([%+]|[\w'’.-]+)")
_PREV_WORD = re.compile(r"([\w'’.]+)[ \u00a0]*$")


def _word_value(run: str, lang: str) -> tuple[int, str] | None:
    """Value of a run of number words, shrinking it from the right until it parses."""
    tokens = re.split(r"(\s*-\s*|\s+)", run)
    for stop in range(len(tokens), 0, -2):
        candidate = "".join(tokens[:stop]).strip(" -")
        if not candidate:
            continue
        text = fold_keep_accents(candidate)
        if lang == "fr":
            text = text.replace("-et-", " et ")
        try:
            return int(text2num(text, lang)), candidate
        except (ValueError, IndexError, KeyError):
            continue
    return None


def _digit_value(raw: str) -> int:
    return int(re.sub(r"[^\d]", "", raw))


def find_quantities(text: str, lang: str) -> list[Quantity]:
    """Every number expression in ``text`` (English or French), in text order."""
    lex = load_lexicon(lang if lang in ("en", "fr") else "en")
    # Quotation marks inside a quantity ("a “significant number” of") do not change it;
    # blanking them keeps every offset valid.
    text = text.translate(_QUOTES_TO_SPACE)
    raw: list[tuple[int, int, int, QuantityKind, bool]] = []  # start, end, value, kind, article
    taken = bytearray(len(text) + 1)

    def claim_span(start: int, end: int) -> bool:
        if any(taken[start:end]):
            return False
        taken[start:end] = b"\x01" * (end - start)
        return True

    for m in lex.phrase_re.finditer(text):
        value, kind = lex.phrases[fold_keep_accents(m.group(0))]
        # "some 160": "some" qualifies the number, it is not a quantity itself.
        if kind == "vague" and re.match(r"\s+(?:\d|[^\W\d_])", text[m.end() : m.end() + 2]):
            follow = text[m.end() :]
            if lex.digits_re.match(follow.lstrip()) or lex.words_re.match(follow.lstrip()):
                continue
        if claim_span(m.start(), m.end()):
            raw.append((m.start(), m.end(), value, kind, False))
    for m in lex.words_re.finditer(text):
        parsed = _word_value(m.group(0), lang if lang in ("en", "fr") else "en")
        if parsed is None:
            continue
        value, matched = parsed
        end = m.start() + len(matched)
        if claim_span(m.start(), end):
            article = fold_keep_accents(matched) in lex.article_numbers
            raw.append((m.start(), end, value, "exact", article))
    for m in lex.digits_re.finditer(text):
        if claim_span(m.start(), m.end()):
            raw.append((m.start(), m.end(), _digit_value(m.group(1)), "exact", False))
    raw.sort()

    # Ranges: "60 to 100", "entre 60 et 100", "between 12 and 15", "four or five".
    merged: list[tuple[int, int, int, int | None, QuantityKind, bool]] = []
    i = 0
    while i < len(raw):
        start, end, value, kind, article = raw[i]
        if i + 1 < len(raw) and kind in ("exact", "approx"):
            n_start, n_end, n_value, n_kind, _ = raw[i + 1]
            between = text[end:n_start]
            opener = lex.range_opener_re.search(text[max(0, start - 12) : start])
            is_range = (
                n_kind == "exact"
                and n_value > value
                and (
                    bool(lex.range_re.match(between))
                    or (opener is not None and bool(lex.range_pair_re.match(between)))
                )
            )
            # "from one hundred to several hundred": a range open at its top
            open_top = (
                n_kind == "vague"
                and n_value > value
                and opener is not None
                and bool(lex.range_re.match(between) or lex.range_pair_re.match(between))
            )
            if is_range or open_top:
                r_start = start - len(opener.group(0)) if opener else start
                merged.append(
                    (r_start, n_end, value, None if open_top else n_value, "range", False)
                )
                i += 2
                continue
        merged.append((start, end, value, None, kind, article))
        i += 1

    out: list[Quantity] = []
    for start, end, value, upper, kind, article in merged:
        out.append(_qualify(text, lex, start, end, value, upper, kind, article))
    return out


def _qualify(
    text: str,
    lex: NumberLexicon,
    start: int,
    end: int,
    value: int,
    upper: int | None,
    kind: QuantityKind,
    article: bool,
) -> Quantity:
    before = unify_punctuation(text[max(0, start - 40) : start])
    qualifier: str | None = None
    q_type: str | None = None
    q_start = start
    if kind != "range":
        qm = lex.qualifier_re.search(before)
        if qm:
            qualifier = text[start - len(before) + qm.start(1) : start].strip()
            q_type = lex.qualifiers.get(fold_keep_accents(qm.group(1)))
            q_start = start - len(before) + qm.start(1)
    pm = lex.post_qualifier_re.match(text[end : end + 12])
    post_type = None
    if pm and kind in ("exact", "approx"):
        post_type = lex.post_qualifiers.get(fold_keep_accents(pm.group(1)))
        qualifier = (qualifier + " … " if qualifier else "") + pm.group(1)
    lo: int | None
    hi: int | None
    if kind == "range":
        lo, hi = value, upper
    elif kind == "vague":
        lo, hi = value, None
        qualifier = text[start:end] if qualifier is None else f"{qualifier} {text[start:end]}"
    else:
        lo, hi = value, value
        if kind == "approx" and qualifier is None:
            qualifier = text[start:end]
        if q_type == "min" or post_type == "min":
            hi = None
        elif q_type == "gt":
            lo, hi = value + 1, None
        elif q_type == "max":
            lo, hi = None, value
    blocked = _blocked_reason(text, lex, start, end, value, kind)
    return Quantity(
        start=q_start if q_type else start,
        end=end,
        text=text[q_start if q_type else start : end],
        value=value,
        min=lo,
        max=hi,
        qualifier=qualifier,
        kind=kind,
        blocked=blocked,
        article=article,
    )


def _blocked_reason(
    text: str, lex: NumberLexicon, start: int, end: int, value: int, kind: str
) -> str | None:
    after = unify_punctuation(text[end : end + 30])
    before = unify_punctuation(text[max(0, start - 30) : start])
    nxt_m = _NEXT_WORD.match(after)
    nxt = nxt_m.group(1).lower().rstrip(".,") if nxt_m else ""
    prv_m = _PREV_WORD.search(before)
    prv = prv_m.group(1).lower().rstrip(".") if prv_m else ""
    raw = text[start:end]
    if before.rstrip().endswith("[") and after.lstrip().startswith("]"):
        return "citation"
    if lex.compound_re.match(after):
        return "compound"
    if re.match(r"^-[^\W\d_]", after):
        return "compound"  # "a five-story building", "the 60-strong force"
    if re.search(r"\b[A-Z][\w'’-]+,\s*$", before) and re.match(r"^\s*,", after):
        return "age"  # "Amadou, 19, was shot": an age in apposition
    if lex.currency_re.search(before):
        return "money"
    if lex.age_re.search(before):
        return "age"
    if nxt in lex.months or (prv in lex.months and nxt not in lex.count_after_month):
        return "date"
    if re.fullmatch(r"1[89]\d\d|20\d\d", raw.strip()) and kind == "exact":
        return "year"
    if nxt in lex.units or nxt.rstrip("s") in lex.units:
        return "unit"
    if re.match(r"^\s*(?:h\d\d|:\d)", after):
        return "time"
    if prv in lex.label_before:
        return "label"
    return None
