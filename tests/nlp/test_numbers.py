"""Number expressions: digits, words, approximations, ranges, qualifiers, non-casualty numbers."""

from __future__ import annotations

import re

import pytest

from nlp.numbers import find_quantities


def only(text: str, lang: str):
    found = [q for q in find_quantities(text, lang) if q.blocked is None]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("1,200 people", "en", 1200),
        ("1 200 personnes", "fr", 1200),
        ("1.200 personnes", "fr", 1200),
        ("forty-two soldiers", "en", 42),
        ("one hundred and five villagers", "en", 105),
        ("quatre-vingt-dix civils", "fr", 90),
        ("soixante-et-onze morts", "fr", 71),
        ("Vingt trois militaires", "fr", 23),
        ("Dix-sept soldats", "fr", 17),
        ("mille morts", "fr", 1000),
        ("trois mille personnes", "fr", 3000),
    ],
)
def test_values(text: str, lang: str, value: int) -> None:
    q = only(text, lang)
    assert q.value == value
    assert (q.min, q.max) == (value, value)


@pytest.mark.parametrize(
    ("text", "lang", "lo", "hi"),
    [
        ("at least 40 civilians", "en", 40, None),
        ("au moins 15 civils", "fr", 15, None),
        ("more than 100 people", "en", 101, None),
        ("plus de 20 civils", "fr", 21, None),
        ("plus d'une centaine de terroristes", "fr", 101, None),
        ("up to 600 people", "en", None, 600),
        ("nearly 300 individuals", "en", None, 300),
        ("près de 300 personnes", "fr", None, 300),
        ("about 30 militants", "en", 30, 30),
        ("environ 50 femmes", "fr", 50, 50),
        ("some 160 herders", "en", 160, 160),
        ("12 or more people", "en", 12, None),
        ("60 to 100 villagers", "en", 60, 100),
        ("between 12 and 15 civilians", "en", 12, 15),
        ("entre 60 et 100 civils", "fr", 60, 100),
        ("ten to twenty women", "en", 10, 20),
        # common misspellings of "at least" in wire copy
        ("aleast 30 peacekeepers", "en", 30, None),
        ("atleast 12 civilians", "en", 12, None),
    ],
)
def test_qualifiers_and_ranges(text: str, lang: str, lo: int | None, hi: int | None) -> None:
    q = only(text, lang)
    assert (q.min, q.max) == (lo, hi)


@pytest.mark.parametrize(
    ("text", "lang", "lo", "kind"),
    [
        ("dozens of people", "en", 24, "vague"),
        ("scores of civilians", "en", 40, "vague"),
        ("hundreds of soldiers", "en", 200, "vague"),
        ("several hundred civilians", "en", 200, "vague"),
        ("thousands of people", "en", 2000, "vague"),
        ("several people", "en", 2, "vague"),
        ("des dizaines de blessés", "fr", 24, "vague"),
        ("plusieurs dizaines de morts", "fr", 24, "vague"),
        ("des centaines de civils", "fr", 200, "vague"),
        ("des milliers de morts", "fr", 2000, "vague"),
        ("plusieurs villageois", "fr", 2, "vague"),
        ("une vingtaine de morts", "fr", 20, "approx"),
        ("une trentaine de civils", "fr", 30, "approx"),
        ("a dozen villagers", "en", 12, "approx"),
    ],
)
def test_vague_and_approximate(text: str, lang: str, lo: int, kind: str) -> None:
    q = only(text, lang)
    assert q.kind == kind
    assert q.min == lo
    assert q.max == (lo if kind == "approx" else None)


@pytest.mark.parametrize(
    ("text", "lang", "reason"),
    [
        ("on 27 March 2022", "en", "date"),
        ("le 13 février", "fr", "date"),
        ("since 2015", "en", "year"),
        ("by about 19% since", "en", "unit"),
        ("about 514 km from the capital", "en", "unit"),
        ("closing at C$3.32 a share", "en", None),
        ("aged 22", "en", "age"),
        ("the 15-member council", "en", "compound"),
        ("vers 17 heures", "fr", "unit"),
        ("at 5:40 a.m.", "en", None),
        ("a nearly seven-year-old insurgency", "en", "compound"),
    ],
)
def test_non_casualty_numbers_are_blocked(text: str, lang: str, reason: str | None) -> None:
    quantities = find_quantities(text, lang)
    # Either blocked with the expected reason, or not read as a number at all.
    assert all(q.blocked is not None for q in quantities)
    if reason is not None and quantities:
        assert any(q.blocked == reason for q in quantities)


def test_decimals_ordinals_labels_and_citations_are_not_numbers() -> None:
    for text in (
        "3.6 km",
        "the 60th session",
        "the G5 Sahel force",
        "killed.[2][3]",
        "the N1 road",
    ):
        assert [q for q in find_quantities(text, "en") if q.blocked is None] == [], text


def test_offsets_point_into_the_text() -> None:
    text = "Officials said at least 21 civilians died."
    q = only(text, "en")
    assert text[q.start : q.end] == "at least 21"
    assert q.qualifier == "at least"


@pytest.mark.parametrize(
    ("text", "lang", "article"),
    [
        ("One injured", "en", True),
        ("one hundred villagers", "en", False),
        ("two soldiers", "en", False),
        ("Un mort et sept blessés", "fr", True),
        ("une femme", "fr", True),
        ("vingt et un civils", "fr", False),
    ],
)
def test_number_words_that_are_also_articles(text: str, lang: str, article: bool) -> None:
    assert find_quantities(text, lang)[0].article is article


def test_article_numbers_moved_from_code_hold_what_the_code_had() -> None:
    from nlp.numbers import load_lexicon

    assert load_lexicon("en").article_numbers == {"one", "a"}
    assert load_lexicon("fr").article_numbers == {"un", "une"}


def test_compound_words_moved_from_code_hold_what_the_code_had() -> None:
    from nlp.numbers import load_lexicon

    for lang in ("en", "fr"):
        pattern = load_lexicon(lang).compound_re
        assert pattern.pattern == r"^-\s*(?:member|year|strong|day|hour|km|man|men|fold)"
        assert pattern.flags & re.IGNORECASE
    assert find_quantities("a five-member team", "en")[0].blocked == "compound"
    assert find_quantities("a sixty-Strong force", "en")[0].blocked == "compound"


@pytest.mark.parametrize(
    ("text", "lang", "lo", "hi"),
    [
        # a count of dozens is a number, not "two" before a noun
        ("two dozen people", "en", 24, 24),
        ("nearly two dozen people", "en", None, 24),
        ("half a dozen soldiers", "en", 6, 6),
        ("une demi-douzaine de soldats", "fr", 6, 6),
        ("deux douzaines de civils", "fr", 24, 24),
        # an elided qualifier qualifies as its full form does ("près de" / "près d'une")
        ("près d'une vingtaine de blessés", "fr", None, 20),
        ("près de vingt blessés", "fr", None, 20),
        ("pas moins d'une trentaine de morts", "fr", 30, None),
    ],
)
def test_dozens_and_elided_qualifiers(text: str, lang: str, lo: int | None, hi: int | None) -> None:
    q = only(text, lang)
    assert (q.min, q.max) == (lo, hi)


@pytest.mark.parametrize(
    ("text", "lang", "lo"),
    [
        ("the toll runs from one hundred to several hundred", "en", 100),
        ("between 50 and hundreds of victims", "en", 50),
        ("le bilan va de cent à plusieurs centaines de morts", "fr", 100),
    ],
)
def test_a_range_up_to_a_vague_figure_is_open_at_its_top(text: str, lang: str, lo: int) -> None:
    # "from one hundred to several hundred": at least the lower figure, no upper bound.
    [q] = find_quantities(text, lang)
    assert (q.min, q.max, q.kind) == (lo, None, "range")
