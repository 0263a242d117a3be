"""Human-rights tallies and counted killings. Sentences written for these tests.

A count of abuses or violations is no toll: its break-down gives the figures ("820
violations, including 40 extrajudicial killings" is 40 killed), and a tally broken down
by kind is a report's period count. "52 killings" counts the killed; "witnesses to the
killings" refers back to them and counts nobody; "droits de l'homme" is no person.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from nlp.analyze import Analyzer


def records(analyzer: Analyzer, text: str, lang: str) -> list[tuple[Any, ...]]:
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))
    return [
        (i["killed"]["min"], i["injured"]["min"], i["abducted"]["min"], i["aggregate"])
        for i in result["incidents"]
    ]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The mission documented 820 human rights violations, including 40 "
         "extrajudicial killings, 12 cases of torture and 90 abductions."),
        ("fr", "La mission a documenté 820 violations des droits de l'homme, dont 40 "
         "exécutions extrajudiciaires et 90 enlèvements."),
    ],
)  # fmt: skip
def test_a_tally_of_violations_is_no_toll_its_break_down_is_a_period_count(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    assert records(analyzer, text, lang) == [(40, None, 90, True)]


def test_guard_a_count_of_abuses_after_an_event_leaves_it_one_event(
    analyzer: Analyzer,
) -> None:
    text = "Soldiers killed 12 civilians in Boni on Monday, one of 30 abuses the group documented."
    assert records(analyzer, text, "en") == [(12, None, None, False)]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "The report recorded 52 killings and 90 abductions in the Mopti region in "
         "March.", (52, None, 90)),
        ("en", "Police counted 17 murders in the town of Djibo in March.", (17, None, None)),
        ("fr", "La mission a recensé 35 assassinats dans la région de Mopti en mars.",
         (35, None, None)),
    ],
)  # fmt: skip
def test_counted_killings_are_the_killed(
    analyzer: Analyzer, lang: str, text: str, expected: tuple[Any, ...]
) -> None:
    # Never summed with the abductions beside them into one figure of either kind.
    assert [r[:3] for r in records(analyzer, text, lang)] == [expected]


def test_guard_witnesses_to_the_killings_are_no_toll(analyzer: Analyzer) -> None:
    text = (
        "Investigators interviewed 31 people by phone, including 12 witnesses to the "
        "killings, 4 activists and 2 doctors."
    )
    assert records(analyzer, text, "en") == []


def test_guard_a_figure_right_before_its_casualty_noun_still_counts(
    analyzer: Analyzer,
) -> None:
    text = "Gunmen killed 14 villagers in Kobou on Monday; the dead included the imam."
    assert [r[0] for r in records(analyzer, text, "en")] == [14]
