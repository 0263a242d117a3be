"""A scene first placed in an area: which side of a border the area lies on, and the
village the report names further on. Sentences written for these tests; the places
are in the shipped gazetteer (Bossey Bangou in Niger's Tillabéri region).
"""

from __future__ import annotations

from datetime import date

import pytest

from nlp.analyze import Analyzer


def located(analyzer: Analyzer, text: str, lang: str) -> list[tuple[str | None, str | None]]:
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))
    return [(i["location"]["name"], i["location"]["country"]) for i in result["incidents"]]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "About ten aid workers were abducted by gunmen in southwestern Niger border "
         "area with Burkina Faso.", ("southwestern Niger", "NE")),
        ("en", "Two gendarmes were killed by gunmen in northern Mali border region with "
         "Niger on Sunday.", ("northern Mali", "ML")),
    ],
)  # fmt: skip
def test_an_area_along_a_border_lies_in_the_country_named_before_it(
    analyzer: Analyzer, lang: str, text: str, expected: tuple[str, str]
) -> None:
    assert located(analyzer, text, lang) == [expected]


def test_guard_a_country_whose_border_is_the_landmark_is_not_the_scene(
    analyzer: Analyzer,
) -> None:
    text = "Gunmen killed four herders in western Niger near the Mali border area on Monday."
    assert located(analyzer, text, "en") == [("western Niger", "NE")]
    text = (
        "Une dizaine d'humanitaires ont été enlevés par des hommes armés dans le "
        "sud-ouest du Niger, zone frontalière avec le Burkina Faso."
    )
    assert located(analyzer, text, "fr") == [("le sud-ouest du Niger", "NE")]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "About ten aid workers were abducted by gunmen in southwestern Niger on "
         "Tuesday. The army confirmed it on Wednesday. The workers belong to a local "
         "charity. Its director said the gunmen drove into the village of Bossey Bangou "
         "and forced the workers onto their motorbikes."),
        ("fr", "Une dizaine d'humanitaires ont été enlevés par des hommes armés mardi dans "
         "le sud-ouest du Niger. L'armée l'a confirmé mercredi. Ils travaillent pour une "
         "association locale. Son directeur a raconté que les hommes armés sont entrés "
         "dans le village de Bossey Bangou et ont emmené les humanitaires."),
    ],
)  # fmt: skip
def test_the_village_named_further_on_is_the_scene_of_an_event_placed_in_a_region(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    assert located(analyzer, text, lang) == [("Bossey Bangou", "NE")]


def test_guard_a_village_named_for_another_event_does_not_move_the_first(
    analyzer: Analyzer,
) -> None:
    text = (
        "About ten aid workers were abducted by gunmen in southwestern Niger on Tuesday. "
        "The army confirmed it on Wednesday. The workers belong to a local charity. "
        "Last month, three farmers were killed in the village of Bossey Bangou."
    )
    assert located(analyzer, text, "en")[0] == ("southwestern Niger", "NE")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Cinq VDP ont été tués jeudi dans une embuscade dans la zone de Gnangdin, "
         "dans l'est du Burkina Faso."),
        ("en", "Five volunteers were killed on Thursday in the Gnangdin area of eastern "
         "Burkina Faso."),
    ],
)  # fmt: skip
def test_a_name_the_gazetteer_lacks_written_as_an_area_is_the_scene(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # "la zone de X", "the X area": X is a locality the gazetteer does not hold.
    assert located(analyzer, text, lang)[0][0] == "Gnangdin"


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Six contractors were killed in an attack in central Mali, a statement said. "
         "They were travelling in a convoy in the Segou region on Thursday.",
         ("Segou region", "ML")),
        ("fr", "Quatre gendarmes ont été tués dans l'est du Burkina Faso, selon l'armée. "
         "Leur patrouille circulait dans la province de la Gnagna lundi.",
         ("province de la Gnagna", "BF")),
    ],
)  # fmt: skip
def test_a_region_named_next_to_the_toll_is_finer_than_one_described_by_a_direction(
    analyzer: Analyzer, lang: str, text: str, expected: tuple[str, str]
) -> None:
    assert located(analyzer, text, lang) == [expected]


def test_guard_a_region_of_another_country_does_not_replace_the_described_one(
    analyzer: Analyzer,
) -> None:
    text = (
        "Six soldiers were killed in an attack in central Mali, the army said. The "
        "convoy had left the Tillaberi region of Niger a week earlier."
    )
    assert located(analyzer, text, "en") == [("central Mali", "ML")]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "According to our correspondent in Bamako, the attack was not claimed. At least "
         "5 soldiers were killed in the assault on the camp."),
        ("fr", "Selon notre correspondant à Bamako, l'attaque n'a pas été revendiquée. Au moins "
         "5 militaires ont été tués dans l'assaut du camp."),
    ],
)  # fmt: skip
def test_a_reporters_base_is_not_the_scene(analyzer: Analyzer, lang: str, text: str) -> None:
    assert located(analyzer, text, lang) == [(None, "ML")]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The correspondent of Radio France in Bamako said the attack was not claimed. "
         "At least 5 soldiers were killed in the assault on the camp."),
        ("fr", "Selon le correspondant de BBC Afrique à Bamako, l'attaque n'a pas été "
         "revendiquée. Au moins 5 militaires ont été tués dans l'assaut du camp."),
    ],
)  # fmt: skip
def test_a_reporters_base_after_the_outlets_name_is_not_the_scene(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # The outlet's name stands between the correspondent and the base.
    assert located(analyzer, text, lang) == [(None, "ML")]


def test_guard_the_scene_beside_a_reporters_base_stays(analyzer: Analyzer) -> None:
    text = "Au moins 5 militaires ont été tués à Nampala, selon le correspondant de RFI à Bamako."
    assert located(analyzer, text, "fr") == [("Nampala", "ML")]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "This week the United Nations mission in Mali (MINUSMA) published its "
         "quarterly note covering April to June. It counts 500 incidents. According to the "
         "note, in three months 280 civilians were killed and 60 abducted."),
        ("fr", "Cette semaine la Mission des Nations unies au Mali (Minusma) a publié sa note "
         "trimestrielle sur la période d'avril à juin. On compte 500 incidents. Selon elle, "
         "en trois mois, 280 civils ont été tués et 60 enlevés."),
    ],
)  # fmt: skip
def test_a_reports_period_total_placed_nowhere_else_is_counted_in_its_country(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # The mission's name gives the country the report counts in.
    assert located(analyzer, text, lang) == [("Mali", "ML")]


def test_lost_trucks_are_no_toll_and_a_total_of_no_report_keeps_no_place(
    analyzer: Analyzer,
) -> None:
    # No report: the mission's losses since 2013 are placed nowhere; its lost trucks
    # are vehicles, no toll.
    text = (
        "This week the United Nations mission in Mali (MINUSMA) lost two trucks on a road. "
        "Nobody was hurt. Since 2013, 180 of its peacekeepers have died, officials said."
    )
    assert located(analyzer, text, "en") == [(None, "ML")]
