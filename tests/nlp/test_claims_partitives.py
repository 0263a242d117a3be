"""Claims grammar added for unseen reporting: partitive groups, 'eliminated'."""

from __future__ import annotations

from nlp.analyze import Analyzer


def killed(analyzer: Analyzer, text: str, lang: str) -> list[tuple[int | None, list[str]]]:
    result = analyzer.analyze(text, lang=lang)
    return [(i["killed"]["min"], i["victims"]) for i in result["incidents"]]


def test_members_of_a_named_force_are_counted_not_taken_as_one(analyzer: Analyzer) -> None:
    # "the VDP" alone would be one volunteer; "two members of the VDP" are two.
    assert killed(analyzer, "Two members of the VDP were also killed.", "en") == [(2, ["soldiers"])]
    assert killed(analyzer, "Trois éléments des VDP ont été tués lundi.", "fr") == [
        (3, ["soldiers"])
    ]


def test_a_single_volunteer_is_still_one(analyzer: Analyzer) -> None:
    # Guard: the partitive rule leaves "a volunteer" / "un VDP" alone.
    assert killed(analyzer, "A volunteer was killed on Monday near Kaya.", "en") == [
        (1, ["soldiers"])
    ]


def test_eliminated_militants_are_killed(analyzer: Analyzer) -> None:
    assert killed(analyzer, "Some 25 terrorists were eliminated.", "en") == [(25, ["militants"])]
    assert killed(analyzer, "Une quinzaine de terroristes ont été éliminés.", "fr") == [
        (15, ["militants"])
    ]
