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


def _kinds(analyzer: Analyzer, text: str, lang: str) -> list[tuple[int | None, int | None]]:
    result = analyzer.analyze(text, lang=lang)
    return [(i["killed"]["min"], i["abducted"]["min"]) for i in result["incidents"]]


def test_one_of_them_with_its_own_verb_is_a_figure_of_one(analyzer: Analyzer) -> None:
    # "one of them was killed": the partitive has a verb of its own behind its
    # auxiliaries, so it is a toll of one, not a part of the abduction count.
    for text, lang in (
        ("Four drivers were kidnapped on the road. One of them was later killed.", "en"),
        ("Quatre chauffeurs ont été enlevés. L'un d'eux a été tué par la suite.", "fr"),
        ("Quatre chauffeurs ont été enlevés. L'un d'entre eux avait été exécuté.", "fr"),
    ):
        assert _kinds(analyzer, text, lang) == [(1, 4)], text


def test_guard_one_of_them_without_a_verb_is_a_part(analyzer: Analyzer) -> None:
    # "… seven people, one of them a child": a part of the toll, not another figure.
    assert killed(analyzer, "Gunmen killed seven people, one of them a child.", "en") == [
        (7, ["civilians", "children"])
    ]


def test_a_toll_that_varies_between_two_figures_is_their_range(analyzer: Analyzer) -> None:
    # "the toll fluctuates from A to B", "le bilan varie de A à B": the toll verb takes
    # the range; a vague top leaves it open.
    for text, lang, want in (
        ("Sources say the death toll fluctuates from one hundred to several hundred.", "en",
         (100, None)),
        ("The death toll ranges from 40 to 60, local sources said.", "en", (40, 60)),
        ("Selon des sources locales, le bilan varie de 30 à 45 morts.", "fr", (30, 45)),
    ):  # fmt: skip
        [incident] = analyzer.analyze(text, lang=lang)["incidents"]
        assert (incident["killed"]["min"], incident["killed"]["max"]) == want, text


def test_its_men_are_on_the_side_of_the_group_named_before(analyzer: Analyzer) -> None:
    # "the army said 12 of its men": soldiers, not civilian "men".
    assert killed(analyzer, "The army said 12 of its men were killed near Gao.", "en") == [
        (12, ["soldiers"])
    ]
    assert killed(analyzer, "L'armée a indiqué que 12 de ses hommes ont été tués.", "fr") == [
        (12, ["soldiers"])
    ]
    # guard: villagers' men stay civilians
    assert killed(analyzer, "Villagers said 5 of their men were killed.", "en") == [
        (5, ["civilians"])
    ]
