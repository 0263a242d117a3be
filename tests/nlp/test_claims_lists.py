"""Figures listed place by place after one verb, each with its own sub-count aside.
Sentences written for these tests; the villages are in the shipped gazetteer.
"""

from __future__ import annotations

from datetime import date

import pytest

from nlp.analyze import Analyzer


def tolls(analyzer: Analyzer, text: str, lang: str) -> list[tuple[int | None, str | None]]:
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))
    return [(i["killed"]["min"], i["location"]["name"]) for i in result["incidents"]]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Soldiers killed 44 people, including 20 children, in Nondin, and 179 people, "
         "including 36 children, in Soro."),
        ("fr", "Les soldats ont tué 44 personnes, dont 20 enfants, à Nondin, et 179 "
         "personnes, dont 36 enfants, à Soro."),
    ],
)  # fmt: skip
def test_a_figure_after_anothers_sub_count_is_still_coordinated_with_it(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    assert tolls(analyzer, text, lang) == [(44, "Nondin"), (179, "Soro")]


def test_the_nearby_village_after_a_figure_is_its_scene(analyzer: Analyzer) -> None:
    text = (
        "Soldiers killed 44 people in Nondin village, and 179 people in the nearby Soro "
        "village, of Thiou district."
    )
    assert tolls(analyzer, text, "en") == [(44, "Nondin"), (179, "Soro")]


def _sides(analyzer: Analyzer, text: str, lang: str) -> list[tuple[int | None, list[str], str]]:
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))
    return [(i["killed"]["min"], i["victims"], i["location"]["name"]) for i in result["incidents"]]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The raiders shot dead four herders at Nondin, another at Soro and two more "
         "in Thiou."),
        ("fr", "Les assaillants ont abattu quatre bergers à Nondin, un autre à Soro et deux de "
         "plus à Thiou."),
    ],
)  # fmt: skip
def test_another_in_a_list_is_one_more_victim_of_the_same_kind(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # "another at B": a figure of one; "two more in C": no noun, the herders' side.
    assert _sides(analyzer, text, lang) == [
        (4, ["civilians"], "Nondin"),
        (1, ["civilians"], "Soro"),
        (2, ["civilians"], "Thiou"),
    ]


def test_guard_another_before_a_noun_is_no_list_item(analyzer: Analyzer) -> None:
    # "another village": a place described, not a victim; the items name their own sides.
    text = (
        "Gunmen stormed Nondin, another village of the district, and killed five soldiers "
        "and 3 civilians."
    )
    assert [(k, v) for k, v, _ in _sides(analyzer, text, "en")] == [
        (5, ["soldiers"]),
        (3, ["civilians"]),
    ]
