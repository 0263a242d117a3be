"""Event dates in English and French text, resolved against the publication date.

:func:`find_dates` returns every date expression of a text as a
:class:`DateMention` with character offsets, a resolved start and end date
(``None`` when the text does not allow it) and a precision (``day``, ``week``,
``month``, ``year`` or ``unknown``):

* explicit dates and ranges — "13 février 2020", "June 10, 2019",
  "between 27 and 31 March 2022", "March 10 and 11, 2025", "les 11 et 12
  décembre 2018", "from December 2021 to March 2022" (month precision: first and
  last day of the months);
* day-month without a year — "le 27 mars", "Jan. 3" — resolved only with a
  publication date (the latest such date not after it), otherwise ``None``;
* weekdays and relative days — "on Sunday", "Monday night", "dimanche dernier",
  "dans la nuit de samedi à dimanche", "yesterday", "last week", "earlier this
  month" — resolved against the publication date only (``None`` without it);
* periods — "the second half of last year", "the first quarter", "this year",
  "since January", "depuis 2015", "en 2019" — flagged with ``period=True``.

A mention glued to a reporting verb ("said Monday", "a annoncé jeudi soir") is
flagged ``reporting=True``: it dates the statement, not the event. A month with
no day gives no date (the gold conventions). Vocabulary — the calendar names, the
words of every rule and the anchor words where patterns are tried — is
``nlp/data/dates.json``; the code keeps the patterns' shape (digits, day, month and
year groups, punctuation, and the ordinal endings of a day number).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from nlp.result import DatePrecision
from nlp.textnorm import fold_keep_length as fold

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class DateMention:
    """One date expression and what it resolves to."""

    start: int
    end: int
    text: str
    date: dt.date | None
    end_date: dt.date | None
    precision: DatePrecision
    reporting: bool = False  # dates a statement ("said Monday"), not the event
    period: bool = False  # a period total's span ("since 2015", "first quarter")


@dataclass(frozen=True)
class _Vocab:
    months: dict[str, int]
    weekdays: dict[str, int]
    month_re: str
    weekday_re: str
    relative_days: dict[str, int]
    relative_weeks: dict[str, int]
    relative_weekends: dict[str, int]
    relative_months: dict[str, int]
    past_days: dict[str, int]
    reporting_re: re.Pattern[str]
    anchor_words: list[str]  # besides digits and calendar names: where patterns are tried
    weekday_before_re: str  # "on", "ce" before a weekday
    weekday_after_re: str  # "night", "dernier" after a weekday
    glued_after_re: re.Pattern[str]  # what after a date makes it a statement's
    year_origin_re: re.Pattern[str]  # "established in 2013": a start, not a covered year
    year_words: dict[str, int]  # "last year" -> -1, from the publication year
    year_words_re: str
    half_ordinals: dict[str, int]  # "premier" -> 1 (January to June)
    half_ordinals_re: str
    half_nouns_re: str  # "half", "semestre"
    quarter_ordinals: dict[str, int]  # "third" -> 3
    quarter_ordinals_re: str
    year_nouns_re: str  # "l'année" in "premier trimestre de l'année 2022"
    last_quarter_re: str  # "dernier" in "au dernier trimestre 2022"
    quarter_nouns_re: str  # "quarter", "trimestre"
    quarter_year_re: str  # the year words a quarter may name
    since_re: str  # "since", "depuis"
    beginning_of_re: str  # "the beginning of", "le debut de"
    year_start_re: str  # "january", "l'annee" after a since word
    since_origin_re: str  # "emergence", "debut": "since the emergence of … in 2012"
    range_openers_re: str  # "between", "du" before a range of two full dates
    range_joiners_re: str  # "and", "au" between them
    articles_re: str  # "le" before a day ("le 27 mars")
    day_suffixes_re: str  # "st", "er" glued to a day's number ("May 1st", "le 1er mars")
    day_alone_before_re: str  # "on the" before "13th" with no month
    day_range_openers_re: str  # "between", "allant du" before two days of different months
    day_range_joiners_re: str  # "and", "au" between them, or between two weekdays
    day_range_openers_en_re: str  # the English ones: only English writes the month first
    day_range_joiners_en_re: str
    day_list_openers_re: str  # "between", "les" before two days of one month
    day_list_joiners_re: str  # "and", "et" between them
    day_list_openers_en_re: str  # the English ones, for the month-first form
    day_list_joiners_en_re: str
    day_month_after_re: str  # "dernier" after "le 27 mars"
    count_after_month_day_re: str  # "people" in "Last May 20 people were killed"
    date_in_re: str  # "in", "en" before "March 2025"
    night_of_re: str  # "dans la nuit" (de samedi a dimanche)
    night_from_re: str  # "de", "du" before its first weekday
    night_to_re: str  # "a", "au" before the next one
    weekday_range_before_re: str  # "on" before "Thursday and Friday"
    period_of_re: str  # "of", "de" between "first half" and its year
    month_nouns_re: str  # "mois" in "depuis le mois de mars"
    month_of_re: str  # "de", "d'" before that month
    since_origin_articles_re: str  # "the" in "since the emergence of … in 2012"
    year_in_re: str  # "in", "au cours de l'annee" before a year a total covers
    year_to_date_re: str  # "so far this year", "cette annee", not after a month name
    days_ago_re: str  # "N days ago", "il y a N jours": one group (the number) each
    first_months_re: str  # "first N months of", "N premiers mois de": one group each
    days_after: re.Pattern[str]  # "N days after", "N jours apres": a group (N) each
    days_ago_led: frozenset[int]  # its groups with words before the number ("il y a")
    small_numbers: dict[str, int]  # "three" -> 3, the numbers of days_ago
    reporting_before_re: re.Pattern[str]  # a reporting verb right before a date ("said on")
    responsibility_after_re: re.Pattern[str]  # "On July 30, JNIM claimed responsibility"
    claimed_before_re: re.Pattern[str]  # "which claimed the attack on Tuesday"
    responsibility_not_after_re: re.Pattern[str]  # "killed" between: the event's date
    previous_day: dict[str, int]  # "the previous day" -> -1: from the day written before
    previous_day_re: re.Pattern[str]


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _words(
    spec: dict[str, dict[str, list[str]]], key: str, langs: tuple[str, ...] = ("en", "fr")
) -> str:
    """The English then French words of ``key`` (folded) as a regex alternation, in the
    order of the file (an earlier alternative is tried first)."""
    return "|".join(re.escape(fold(w)) for lang in langs for w in spec[key][lang])


def _phrases(
    spec: dict[str, dict[str, list[str]]], key: str, langs: tuple[str, ...] = ("en", "fr")
) -> str:
    """As :func:`_words`, a space matching any run of spaces."""
    return _words(spec, key, langs).replace(r"\ ", r"\s+")


def _numbered(spec: dict[str, dict[str, dict[str, int]]], key: str) -> dict[str, int]:
    """The English then French words of ``key`` (folded) with their numbers."""
    return {fold(w): int(n) for lang in ("en", "fr") for w, n in spec[key][lang].items()}


def _before(spec: dict[str, dict[str, list[str]]], key: str) -> str:
    """As :func:`_words`, each word followed by spaces, or by nothing when it ends
    elided ("d'avril")."""
    return "|".join(
        re.escape(fold(w)) + ("" if w.endswith("'") else r"\s+")
        for lang in ("en", "fr")
        for w in spec[key][lang]
    )


def _year_to_date(spec: dict[str, dict[str, list[str]]], months: dict[str, int]) -> str:
    """The year_to_date phrases of each language, after its optional year_to_date_before
    words; never right after a month name ("March this year" is a month)."""
    not_after_month = "".join(f"(?<!{re.escape(m)} )" for m in months if "." not in m)
    alternatives = []
    for lang in ("en", "fr"):
        if not spec["year_to_date"][lang]:
            continue
        before = _words(spec, "year_to_date_before", (lang,))
        opener = rf"(?:(?:{before}) )?" if before else ""
        alternatives.append(
            rf"{opener}{not_after_month}(?:{_words(spec, 'year_to_date', (lang,))})"
        )
    return "|".join(alternatives)


def _n_phrases(spec: dict[str, dict[str, list[str]]], key: str) -> tuple[str, frozenset[int]]:
    """The phrases of ``key`` (days_ago, first_months_of, days_after) as one alternation,
    the number (N) the only group of each; and the groups of the phrases with words
    before the number."""
    alternatives: list[str] = []
    led: set[int] = set()
    for lang in ("en", "fr"):
        for phrase in spec[key][lang]:
            before, after = (part.strip() for part in phrase.split("N"))
            # Words before N: one space between them, as the rule always read them.
            head = rf"{re.escape(fold(before))}\s+" if before else ""
            tail = rf"\s+{re.escape(fold(after))}".replace(r"\ ", r"\s+") if after else ""
            alternatives.append(rf"{head}(\w+){tail}")
            if before:
                led.add(len(alternatives))
    return "|".join(alternatives), frozenset(led)


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    spec = json.loads((DATA / "dates.json").read_text(encoding="utf-8"))
    months = {fold(k): int(v) for k, v in spec["months"].items()}
    weekdays = {fold(k): int(v) for k, v in spec["weekdays"].items()}
    reporting_re = re.compile(
        r"(?<![\w])(?:" + _alt([fold(v) for v in spec["reporting_verbs"]]) + r")(?![\w])"
    )
    days_ago_re, days_ago_led = _n_phrases(spec, "days_ago")
    return _Vocab(
        months=months,
        weekdays=weekdays,
        month_re=rf"(?:{_alt(list(months))})(?:\.|(?![\w]))",
        weekday_re=rf"(?:{_alt(list(weekdays))})(?![\w])",
        relative_days={fold(k): int(v) for k, v in spec["relative_days"].items()},
        relative_weeks={fold(k): int(v) for k, v in spec["relative_weeks"].items()},
        relative_weekends={fold(k): int(v) for k, v in spec["relative_weekends"].items()},
        relative_months={fold(k): int(v) for k, v in spec["relative_months"].items()},
        past_days={
            fold(k): int(n) for lang in ("en", "fr") for k, n in spec["past_days"][lang].items()
        },
        reporting_re=reporting_re,
        anchor_words=[fold(w) for lang in ("en", "fr") for w in spec["anchor_words"][lang]],
        weekday_before_re=_words(spec, "weekday_before"),
        weekday_after_re=_words(spec, "weekday_after"),
        glued_after_re=re.compile(
            rf"^[\s,]*(?:(?:{_words(spec, 'statement_after')})\s|\(|"
            rf"\w+\s+(?:{_words(spec, 'reported_after')}))"
        ),
        year_origin_re=re.compile(rf"(?<![\w])(?:{_words(spec, 'year_of_origin_before')})(?![\w])"),
        year_words=_numbered(spec, "year_words"),
        year_words_re=_words(spec, "year_words"),
        half_ordinals=_numbered(spec, "half_ordinals"),
        half_ordinals_re=_words(spec, "half_ordinals"),
        half_nouns_re=_words(spec, "half_nouns"),
        quarter_ordinals=_numbered(spec, "quarter_ordinals"),
        quarter_ordinals_re=_words(spec, "quarter_ordinals"),
        year_nouns_re=_words(spec, "year_nouns"),
        last_quarter_re=_words(spec, "last_quarter_words"),
        quarter_nouns_re=_words(spec, "quarter_nouns"),
        quarter_year_re=_words(spec, "quarter_year_words"),
        since_re=_words(spec, "since"),
        beginning_of_re=_phrases(spec, "beginning_of"),
        year_start_re=_words(spec, "year_start"),
        since_origin_re=_words(spec, "since_origin_nouns"),
        range_openers_re=_words(spec, "date_range_openers"),
        range_joiners_re=_words(spec, "date_range_joiners"),
        articles_re=_words(spec, "articles"),
        day_suffixes_re=_words(spec, "day_ordinal_suffixes"),
        day_alone_before_re=_phrases(spec, "day_alone_before", ("en",)),
        day_range_openers_re=_words(spec, "day_range_openers"),
        day_range_joiners_re=_words(spec, "day_range_joiners"),
        day_range_openers_en_re=_words(spec, "day_range_openers", ("en",)),
        day_range_joiners_en_re=_words(spec, "day_range_joiners", ("en",)),
        day_list_openers_re=_phrases(spec, "day_list_openers"),
        day_list_joiners_re=_words(spec, "day_list_joiners"),
        day_list_openers_en_re=_phrases(spec, "day_list_openers", ("en",)),
        day_list_joiners_en_re=_words(spec, "day_list_joiners", ("en",)),
        day_month_after_re=_words(spec, "day_month_after"),
        count_after_month_day_re=_words(spec, "count_after_month_day"),
        date_in_re=_words(spec, "date_in"),
        night_of_re=_phrases(spec, "night_of"),
        night_from_re=_words(spec, "night_from"),
        night_to_re=_words(spec, "night_to"),
        weekday_range_before_re=_words(spec, "weekday_range_before"),
        period_of_re=_words(spec, "period_of"),
        month_nouns_re=_words(spec, "month_nouns"),
        month_of_re=_before(spec, "month_of"),
        since_origin_articles_re=_words(spec, "since_origin_articles"),
        year_in_re=_words(spec, "year_in"),
        year_to_date_re=_year_to_date(spec, months),
        days_ago_re=days_ago_re,
        first_months_re=_n_phrases(spec, "first_months_of")[0],
        days_after=re.compile(rf"(?<![\w])(?:{_n_phrases(spec, 'days_after')[0]})(?![\w])"),
        days_ago_led=days_ago_led,
        small_numbers=_numbered(spec, "small_numbers"),
        reporting_before_re=re.compile(
            reporting_re.pattern + rf"[\s,]*(?:(?:{_words(spec, 'reporting_date_before')})\s+)?$"
        ),
        claimed_before_re=re.compile(
            rf"\b(?:{_phrases(spec, 'claimed_before')})"
            rf"[\s,]*(?:(?:{_words(spec, 'reporting_date_before')})\s+)?$"
        ),
        responsibility_after_re=re.compile(
            rf"[^.;:]{{0,80}}?\b(?:{_phrases(spec, 'responsibility_after')})\b"
        ),
        responsibility_not_after_re=re.compile(
            rf"\b(?:{_words(spec, 'responsibility_not_after')})\b"
        ),
        previous_day=_numbered(spec, "relative_to_previous_day"),
        previous_day_re=re.compile(
            rf"(?<![\w])(?:{_phrases(spec, 'relative_to_previous_day')})(?![\w])"
        ),
    )


def month_pattern() -> str:
    """Regex of a month name, folded ("novembre", "nov."), as :func:`find_dates` reads it."""
    return _vocab().month_re


def calendar_word(word: str) -> bool:
    """A folded word that is a month or a weekday name ("juillet", "tuesday", "nov.")."""
    v = _vocab()
    return word in v.months or word in v.weekdays or word.rstrip(".") in v.months


@lru_cache(maxsize=1)
def _weekday_opener_re() -> re.Pattern[str]:
    return re.compile(rf"(?:{_vocab().weekday_before_re})")


def weekday_opener(word: str) -> bool:
    """A folded word that may open a weekday mention ("on", "last", "ce")."""
    return _weekday_opener_re().fullmatch(word) is not None


def months_named(
    text: str, start: int, end: int, lang: str, dates: Iterable[DateMention] = ()
) -> set[int]:
    """The months named alone in ``text[start:end]`` ("the July attack", "en juillet"),
    not inside a day of ``dates`` ("vendredi 7 octobre"); in English only a capitalised
    name counts ("may", "march" are words too)."""
    names = _vocab().months
    spans = [(d.start, d.end) for d in dates if d.precision in ("day", "week")]
    found: set[int] = set()
    for m in re.finditer(rf"(?<![\w]){_vocab().month_re}", fold(text[start:end])):
        if any(a <= start + m.start() < b for a, b in spans):
            continue
        token = m.group(0).rstrip(".")
        # a lower-case French name, not an abbreviation ("dix-sept" holds "sept")
        whole = not any(k != token and k.startswith(token) for k in names)
        if text[start + m.start()].isupper() or (lang == "fr" and whole):
            found.add(_month(m.group(0)))
    return found


@lru_cache(maxsize=1)
def _month_parts() -> tuple[re.Pattern[str], dict[str, tuple[int, int]]]:
    spec = json.loads((DATA / "dates.json").read_text(encoding="utf-8"))["month_parts"]
    parts = {
        fold(phrase): (int(lo), int(hi))
        for lang in ("en", "fr")
        for phrase, (lo, hi) in spec[lang].items()
    }
    pattern = re.compile(
        rf"(?<![\w])({_alt(list(parts))})\s*(?:of\s+|du\s+|de\s+|d')?({_vocab().month_re})"
    )
    return pattern, parts


def month_parts_named(text: str, start: int, end: int) -> dict[int, tuple[int, int]]:
    """The months named in ``text[start:end]`` with a part of them before ("in early
    September", "fin août"): month -> the first and last day of that part."""
    pattern, parts = _month_parts()
    return {_month(m.group(2)): parts[m.group(1)] for m in pattern.finditer(fold(text[start:end]))}


def _month(token: str) -> int:
    return _vocab().months[token.rstrip(".").lower()]


def _day_alone(day: int, published: date | None) -> tuple[date | None, None, DatePrecision]:
    """The latest ``day`` of a month on or before ``published`` ("on the 13th")."""
    if published is None:
        return None, None, "unknown"
    year, month = published.year, published.month
    if day > published.day:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    found = _safe_date(year, month, day)
    return found, None, "day" if found else "unknown"


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_for(month: int, day: int, published: date | None) -> int | None:
    """The year of a day-month with no year: the latest one not after publication."""
    if published is None:
        return None
    candidate = _safe_date(published.year, month, day)
    if candidate is None:
        return None
    return published.year if candidate <= published + timedelta(days=1) else published.year - 1


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@lru_cache(maxsize=1)
def _anchor_re() -> re.Pattern[str]:
    v = _vocab()
    words = [
        *v.months,
        *v.weekdays,
        *v.relative_days,
        *v.relative_weeks,
        *v.relative_weekends,
        *v.relative_months,
        *v.past_days,
    ]
    return re.compile(r"\d|(?<![\w])(?:" + _alt([*words, *v.anchor_words]) + r")(?![\w])")


def _windows(norm: str, margin: int = 90) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for m in _anchor_re().finditer(norm):
        a, b = max(0, m.start() - margin), min(len(norm), m.end() + margin)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def find_dates(text: str, lang: str, published: date | None) -> list[DateMention]:
    """Every date expression of ``text`` in text order (overlaps resolved longest-first)."""
    v = _vocab()
    norm = fold(text)
    M = v.month_re
    W = v.weekday_re
    D = rf"(\d{{1,2}})(?:{v.day_suffixes_re})?"
    Y = r"(\d{4})"
    found: list[DateMention] = []
    taken = bytearray(len(text) + 1)
    windows = _windows(norm)

    def scan(pattern: str) -> Iterator[re.Match[str]]:
        # Only around anchors (digits, month and weekday names, period words): most
        # sentences hold no date, and the patterns are costly to try everywhere.
        compiled = _compile(pattern)
        for a, b in windows:
            yield from compiled.finditer(norm, a, b)

    def add(m: re.Match[str], mention: DateMention) -> None:
        if any(taken[m.start() : m.end()]):
            return
        taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        found.append(mention)

    def mention(
        m: re.Match[str], d1: date | None, d2: date | None, precision: DatePrecision, **kw: bool
    ) -> DateMention:
        return DateMention(m.start(), m.end(), text[m.start() : m.end()], d1, d2, precision, **kw)

    def days(
        m: re.Match[str], month_g: int, first_g: int, last_g: int | None, year_g: int
    ) -> DateMention:
        """A day or a range of days of one month; with no year, the year the day last fell."""
        month = _month(m.group(month_g))
        first = int(m.group(first_g))
        year = int(m.group(year_g)) if m.group(year_g) else _year_for(month, first, published)
        d1 = _safe_date(year, month, first) if year else None
        d2 = None
        if year and last_g is not None:
            d2 = _safe_date(year, month, int(m.group(last_g)))
        return mention(m, d1, d2, "day" if d1 else "unknown")

    # Full-date ranges: "between 3 August 2021 and 4 June 2022", "from December 2021 to March 2022".
    full = rf"(?:{D}\s+)?({M})\s+{Y}"
    for m in scan(
        rf"(?<![\w])(?:(?:{v.range_openers_re})\s+)?{full}"
        rf"\s+(?:{v.range_joiners_re})\s+{full}"
    ):
        d1 = _full_date(m.group(1), m.group(2), m.group(3), start=True)
        d2 = _full_date(m.group(4), m.group(5), m.group(6), start=False)
        prec: DatePrecision = "day" if m.group(1) and m.group(4) else "month"
        add(m, mention(m, d1, d2, prec, period=True))
    # Month ranges, the year written once at the end: "between January and March 2023",
    # "de janvier à mars 2023", "March-May 2022" (a first month later in the year than
    # the last is of the year before: "between November and February 2023").
    for m in scan(
        rf"(?<![\w])(?:(?:{v.day_range_openers_re})\s+({M})\s+(?:{v.day_range_joiners_re}|-|–)"
        rf"|({M})\s*[-–])\s*({M}),?\s+{Y}"
    ):
        opening, closing = _month(m.group(1) or m.group(2)), _month(m.group(3))
        upto = int(m.group(4))
        d1 = date(upto - 1 if opening > closing else upto, opening, 1)
        add(m, mention(m, d1, _month_end(upto, closing), "month", period=True))
    # Periods between two days of different months, the year written once at the end:
    # "between 1 January and 31 March 2022", "du 1er avril au 30 juin 2022",
    # "entre le 1er février 2023 et le 30 avril 2023", "from April 1 to June 30, 2022".
    article = rf"(?:(?:{v.articles_re})\s+)?"
    for m in scan(
        rf"(?<![\w])(?:{v.day_range_openers_re})\s+{article}{D}\s+({M})(?:\s+{Y})?"
        rf"\s+(?:{v.day_range_joiners_re}|-|–)\s+{article}{D}\s+({M}),?\s+{Y}"
    ):
        add(m, _period(m, text, (1, 2, 3), (4, 5, 6)))
    for m in scan(
        rf"(?<![\w])(?:{v.day_range_openers_en_re})\s+({M})\s+{D}(?:,?\s+{Y})?"
        rf"\s+(?:{v.day_range_joiners_en_re}|-|–)\s+({M})\s+{D},?\s+{Y}"
    ):
        add(m, _period(m, text, (2, 1, 3), (5, 4, 6)))
    # Day ranges: "27 and 31 March 2022", "27-31 March", "les 11 et 12 décembre 2018".
    for m in scan(
        rf"(?<![\w])(?:(?:{v.day_list_openers_re})\s+)?{D}\s*(?:-|–|{v.day_list_joiners_re})\s*"
        rf"{D}\s+({M})(?:,?\s+{Y})?"
    ):
        add(m, days(m, month_g=3, first_g=1, last_g=2, year_g=4))
    # "March 27-31, 2022", "March 10 and 11, 2025".
    for m in scan(
        rf"(?:(?:{v.day_list_openers_en_re})\s+)?({M})\s+{D}\s*"
        rf"(?:-|–|{v.day_list_joiners_en_re})\s*{D}(?:,?\s+{Y})?"
    ):
        add(m, days(m, month_g=1, first_g=2, last_g=3, year_g=4))
    # Single day: optional weekday, "13 février 2020", "le 27 mars", "June 10, 2019", "Jan. 3".
    for m in scan(
        rf"(?<![\w])(?:(?:{W}),?\s+)?{article}{D}\s+({M})(?:\s+{Y})?"
        rf"(?:\s+(?:{v.day_month_after_re}))?"
    ):
        add(m, days(m, month_g=2, first_g=1, last_g=None, year_g=3))
    # "Last May 20 people were killed": the number counts people, the month is the date.
    count = rf"(?!\s+(?:{v.count_after_month_day_re})(?![\w]))"
    for m in scan(rf"(?<![\w])(?:(?:{W}),?\s+)?({M})\s+{D}(?!\d){count}(?:,?\s+{Y})?"):
        add(m, days(m, month_g=1, first_g=2, last_g=None, year_g=3))
    # "since January 2022", "depuis janvier 2022": from the first of that month.
    for m in scan(
        rf"(?:{v.since_re})\s+(?:(?:{v.beginning_of_re})\s+)?"
        rf"(?:(?:(?:{v.articles_re})\s+)?(?:(?:{v.month_nouns_re})\s+)?"
        rf"(?:{v.month_of_re})?)?({M})\s+(\d{{4}})(?!\d)"
    ):
        d1 = date(int(m.group(2)), _month(m.group(1)), 1)
        add(m, mention(m, d1, published, "month", period=True))
    # Month and year: "March 2025", "décembre 2018" (month precision, a span).
    year: int | None  # here always written; below, read from a word that may name none
    for m in scan(rf"(?<![\w])(?:(?:{v.date_in_re})\s+)?({M})\s+{Y}"):
        month, year = _month(m.group(1)), int(m.group(2))
        add(m, mention(m, date(year, month, 1), _month_end(year, month), "month"))
    # "dans la nuit de samedi à dimanche" (French words only: "the night of Saturday to
    # Sunday" is read as two weekdays).
    for m in scan(
        rf"(?:{v.night_of_re})\s+(?:{v.night_from_re})\s+({W})\s+(?:{v.night_to_re})\s+({W})"
    ):
        d1 = _weekday(v.weekdays[m.group(1)], published, m, norm)
        d2 = d1 + timedelta(days=1) if d1 else None
        add(m, mention(m, d1, d2, "day" if d1 else "unknown"))
    # Two weekdays: "Thursday and Friday", "samedi et dimanche".
    for m in scan(
        rf"(?<![\w])(?:(?:{v.weekday_range_before_re})\s+)?({W})"
        rf"\s+(?:{v.day_range_joiners_re}|-)\s+({W})"
    ):
        d1 = _weekday(v.weekdays[m.group(1)], published, m, norm)
        d2 = _weekday(v.weekdays[m.group(2)], published, m, norm)
        if d1 and d2 and d2 < d1:
            d1 -= timedelta(days=7)
        add(m, mention(m, d1, d2, "day" if d1 else "unknown"))
    # Weekdays: "on Sunday", "Monday night", "dimanche dernier", "ce mardi".
    for m in scan(
        rf"(?<![\w])(?:(?:{v.weekday_before_re})\s+)?({W})"
        rf"(?:\s+(?:{v.weekday_after_re}))?(?![\w])"
    ):
        d1 = _weekday(v.weekdays[m.group(1)], published, m, norm)
        add(m, mention(m, d1, None, "day" if d1 else "unknown"))
    # Periods of a year: "the second half of last year", "first quarter of 2022", "this year".
    for m in scan(
        rf"({v.half_ordinals_re})\s+({v.half_nouns_re})\s+(?:(?:{v.period_of_re})\s+)?"
        rf"({v.year_words_re}|(?:(?:{v.year_nouns_re})\s+)?\d{{4}})"
    ):
        year = _year_word(m.group(3), published)
        if year:
            first = v.half_ordinals[m.group(1)] == 1
            d1 = date(year, 1 if first else 7, 1)
            d2 = date(year, 6, 30) if first else date(year, 12, 31)
            add(m, mention(m, d1, d2, "month", period=True))
    for m in scan(
        rf"({v.quarter_ordinals_re})\s+"
        rf"(?:{v.quarter_nouns_re})\s*(?:(?:{v.period_of_re})\s+)?"
        rf"({v.quarter_year_re}|(?:(?:{v.year_nouns_re})\s+)?\d{{4}})?"
    ):
        q = v.quarter_ordinals[m.group(1)]
        year = _year_word(m.group(2), published)  # no year written: this year
        if year:
            d1 = date(year, 3 * q - 2, 1)
            add(m, mention(m, d1, _month_end(year, 3 * q), "month", period=True))
    # "the last quarter of 2022", "au dernier trimestre 2022": October to December.
    for m in scan(
        rf"\b(?:{v.last_quarter_re})\s+(?:{v.quarter_nouns_re})\s*(?:(?:{v.period_of_re})\s+)?"
        rf"(?:(?:{v.year_nouns_re})\s+)?(\d{{4}})(?!\d)"
    ):
        year = int(m.group(1))
        add(m, mention(m, date(year, 10, 1), date(year, 12, 31), "month", period=True))
    for m in scan(
        rf"(?:{v.since_re})\s+(?:(?:{v.beginning_of_re})\s+)?"
        rf"(?:{v.year_start_re})"
    ):
        d1 = date(published.year, 1, 1) if published else None
        add(m, mention(m, d1, published, "month" if d1 else "unknown", period=True))
    # "since March", "depuis le mois de mars": from the first of that month, the last
    # such month on or before publication.
    for m in scan(
        rf"(?:{v.since_re})\s+(?:(?:{v.beginning_of_re})\s+)?"
        rf"(?:(?:(?:{v.articles_re})\s+)?(?:(?:{v.month_nouns_re})\s+)?"
        rf"(?:{v.month_of_re})?)?({M})(?![\w])(?!\s+\d)"
    ):
        month = _month(m.group(1))
        d1 = None
        if published:
            year = published.year - (month > published.month)
            d1 = date(year, month, 1)
        add(m, mention(m, d1, published, "month" if d1 else "unknown", period=True))
    for m in scan(
        rf"(?:{v.since_re})\s+(?:(?:(?:{v.since_origin_articles_re})\s+)?"
        rf"(?:{v.since_origin_re})\s+[^.,;]{{0,40}}?\s+)?(?:(?:{v.date_in_re})\s+)?(\d{{4}})"
    ):
        add(m, mention(m, None, published, "year", period=True))
    # A whole year: "died in 2019", "ont fait 103 morts en 2021" — a period total's span
    # (a single event's date needs a day, so it never takes this one).
    for m in scan(rf"(?<![\w'])(?:{v.year_in_re})\s+((?:19|20)\d\d)(?![\w])"):
        if v.year_origin_re.search(norm, max(0, m.start() - 50), m.start()):
            continue
        year = int(m.group(1))
        add(m, mention(m, date(year, 1, 1), date(year, 12, 31), "year"))
    # ("depuis le début de l'année" is taken by the since rule above.)
    for m in scan(v.year_to_date_re):
        d1 = date(published.year, 1, 1) if published else None
        add(m, mention(m, d1, published, "month" if d1 else "unknown", period=True))
    # Relative days and weeks.
    for phrase, offset in v.relative_days.items():
        for m in scan(rf"(?<![\w]){re.escape(phrase)}(?![\w])"):
            d1 = published + timedelta(days=offset) if published else None
            add(m, mention(m, d1, None, "day" if d1 else "unknown"))
    for phrase, offset in v.relative_weeks.items():
        for m in scan(rf"(?<![\w]){re.escape(phrase)}(?![\w])"):
            if published is None:
                add(m, mention(m, None, None, "unknown"))
                continue
            monday = published - timedelta(days=published.weekday()) + timedelta(weeks=offset)
            add(m, mention(m, monday, monday + timedelta(days=6), "week"))
    # "on the 13th" with no month: the latest 13th on or before publication
    for m in scan(
        rf"(?<![\w])(?:{v.day_alone_before_re})\s+(\d{{1,2}})(?:{v.day_suffixes_re})(?![\w])"
        rf"(?!\s+(?:of\s+)?(?:{M}))"
    ):
        add(m, mention(m, *_day_alone(int(m.group(1)), published)))
    for phrase, span in v.past_days.items():
        # "over the past week": the days up to publication, not a calendar week
        for m in scan(rf"(?<![\w]){re.escape(phrase)}(?![\w])"):
            if published is None:
                add(m, mention(m, None, None, "unknown"))
                continue
            add(m, mention(m, published - timedelta(days=span), published, "week"))
    for phrase, offset in v.relative_weekends.items():
        # "over the weekend": the latest Saturday and Sunday on or before publication.
        for m in scan(rf"(?<![\w]){re.escape(phrase)}(?![\w])"):
            if published is None:
                add(m, mention(m, None, None, "unknown"))
                continue
            saturday = published - timedelta(days=(published.weekday() - 5) % 7 - 7 * offset)
            sunday = min(saturday + timedelta(days=1), published)
            add(m, mention(m, saturday, sunday, "week"))
    for phrase, offset in v.relative_months.items():
        for m in scan(rf"(?<![\w]){re.escape(phrase)}(?![\w])"):
            if published is None:
                add(m, mention(m, None, None, "unknown"))
                continue
            month_start = (
                (published.replace(day=1) - timedelta(days=1)).replace(day=1)
                if offset
                else published.replace(day=1)
            )
            last = _month_end(month_start.year, month_start.month) if offset else published
            add(m, mention(m, month_start, last, "month"))
    # "the first two months of 2023", "les trois premiers mois de 2022".
    for m in scan(rf"(?<![\w])(?:{v.first_months_re})\s+(\d{{4}})(?!\d)"):
        groups = [g for g in m.groups() if g is not None]
        n, year = _small_number(groups[0]), int(groups[-1])
        if n is not None and 1 <= n <= 12:
            add(m, mention(m, date(year, 1, 1), _month_end(year, n), "month", period=True))
    # "three days ago", "il y a trois jours".
    for m in scan(v.days_ago_re):
        n = _small_number(m.group(m.lastindex or 0))
        if (n is not None and published is not None) or m.lastindex in v.days_ago_led:
            d1 = published - timedelta(days=n) if (published and n is not None) else None
            add(m, mention(m, d1, None, "day" if d1 else "unknown"))

    found.sort(key=lambda d: d.start)
    found = _from_previous_day(found, text, norm, taken)
    marked = [_mark_reporting(d, norm) for d in found]
    return marked if published else _anchor_weekdays(marked)


# How far back "the previous day" / "la veille" looks for the day it counts from.
DAY_BEFORE_REACH = 250


def _from_previous_day(
    found: list[DateMention], text: str, norm: str, taken: bytearray
) -> list[DateMention]:
    """ "On Saturday the group claimed the attack, which killed 49 soldiers the previous
    day": a day counted from the nearest single day written before it."""
    v = _vocab()
    added: list[DateMention] = []
    for m in v.previous_day_re.finditer(norm):
        if any(taken[m.start() : m.end()]):
            continue
        days = [
            d
            for d in found
            if m.start() - DAY_BEFORE_REACH <= d.end <= m.start()
            and d.date is not None
            and d.precision == "day"
            and d.end_date is None
            and not d.period
        ]
        base = days[-1].date if days else None
        if base is None:
            continue
        day = base + timedelta(days=v.previous_day[re.sub(r"\s+", " ", m.group(0))])
        added.append(DateMention(m.start(), m.end(), text[m.start() : m.end()], day, None, "day"))
    return sorted(found + added, key=lambda d: d.start) if added else found


def _anchor_weekdays(found: list[DateMention]) -> list[DateMention]:
    """An undated page's weekday ("vendredi") is the day of the one full date of that
    weekday the text writes ("Ce vendredi 8 avril 2022"), none when it writes two."""
    v = _vocab()
    days = {
        d.date
        for d in found
        if d.date is not None and d.precision == "day" and d.end_date is None
        if not (d.reporting or d.period)
    }
    out: list[DateMention] = []
    for d in found:
        named = {v.weekdays[w] for w in re.findall(rf"(?<![\w]){v.weekday_re}", fold(d.text))}
        if d.date is None and d.precision == "unknown" and len(named) == 1:
            same = [day for day in days if day.weekday() in named]
            if len(same) == 1:
                d = DateMention(d.start, d.end, d.text, same[0], None, "day", d.reporting, d.period)
        out.append(d)
    return out


def days_after(norm: str, start: int, end: int) -> int | None:
    """The N of the first "N days after" / "N jours après" in ``norm[start:end]`` (folded
    text), or None."""
    m = _vocab().days_after.search(norm, start, end)
    if m is None:
        return None
    return _small_number(next((g for g in m.groups() if g is not None), None))


def _small_number(word: str | None) -> int | None:
    if word is None:
        return None
    if word.isdigit():
        return int(word)
    return _vocab().small_numbers.get(word)


def _year_word(word: str | None, published: date | None) -> int | None:
    if word is not None and word[-4:].isdigit():
        return int(word[-4:])  # "2022", "l'annee 2022"
    if published is None:
        return None
    return published.year + _vocab().year_words.get(word or "", 0)


def _period(
    m: re.Match[str], text: str, first: tuple[int, int, int], last: tuple[int, int, int]
) -> DateMention:
    """A period from two written days (groups: day, month, year); the first day's year
    defaults to the last one's, or the year before when its month comes later."""
    d1_day, d1_month, d1_year = (m.group(i) for i in first)
    d2_day, d2_month, d2_year = (m.group(i) for i in last)
    end_year = int(d2_year)
    month1, month2 = _month(d1_month), _month(d2_month)
    start_year = int(d1_year) if d1_year else end_year - (month1 > month2)
    d1 = _safe_date(start_year, month1, int(d1_day))
    d2 = _safe_date(end_year, month2, int(d2_day))
    return DateMention(m.start(), m.end(), text[m.start() : m.end()], d1, d2, "day", period=True)


def _full_date(day: str | None, month_token: str, year: str, *, start: bool) -> date | None:
    month, y = _month(month_token), int(year)
    if day:
        return _safe_date(y, month, int(day))
    return date(y, month, 1) if start else _month_end(y, month)


def _weekday(target: int, published: date | None, m: re.Match[str], norm: str) -> date | None:
    """The latest such weekday on or before publication ("dimanche dernier", "on Monday")."""
    if published is None:
        return None
    back = (published.weekday() - target) % 7
    return published - timedelta(days=back)


def _mark_reporting(d: DateMention, norm: str) -> DateMention:
    v = _vocab()
    before = norm[max(0, d.start - 25) : d.start]
    after = norm[d.end : d.end + 25]
    glued_before = v.reporting_before_re.search(before) or v.claimed_before_re.search(
        norm, max(0, d.start - 50), d.start
    )
    if re.match(r"^,?\s*\d{1,2}[:.h]\d{2}\b", after):
        return DateMention(d.start, d.end, d.text, d.date, d.end_date, d.precision, True, d.period)
    glued_after = v.glued_after_re.match(after)
    if glued_before or (glued_after and d.precision in ("day", "unknown") and "(" in after[:3]):
        return DateMention(d.start, d.end, d.text, d.date, d.end_date, d.precision, True, d.period)
    claim = v.responsibility_after_re.match(norm, d.end)
    if claim is not None and not v.responsibility_not_after_re.search(claim.group(0)):
        # "On July 30, JNIM claimed responsibility for an ambush": the claim's day
        return DateMention(d.start, d.end, d.text, d.date, d.end_date, d.precision, True, d.period)
    return d
