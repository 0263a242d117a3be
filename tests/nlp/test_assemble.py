"""Incident assembly rules: the figure policy, victim sides and event splitting.

Claims are built by hand here, so each rule of the annotation conventions is
checked on its own; the end-to-end behaviour is in test_analyze.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import spacy

import nlp.claims  # noqa: F401  (registers civwatch_claims)
from nlp.analyze import Analyzer
from nlp.assemble import _figures, _side_groups, assemble
from nlp.claims import Claim
from nlp.dates import find_dates
from nlp.result import ClaimKind, Figure, VictimCategory


def claim(
    lo: int | None,
    hi: int | None,
    kind: ClaimKind = "killed",
    category: VictimCategory = "civilians",
    start: int = 0,
    sentence: tuple[int, int] = (0, 100),
    revised: bool = False,
    vague: bool = False,
    combined: bool = False,
    update: bool = False,
) -> Claim:
    return Claim(
        kind=kind,
        min=lo,
        max=hi,
        qualifier=None,
        victims_text="",
        victim_category=category,
        claimant=None,
        start=start,
        end=start + 5,
        sentence=sentence,
        revised=revised,
        vague=vague,
        combined=combined,
        update=update,
    )


def test_conflicting_sources_lowest_min_highest_closed_max() -> None:
    # "at least 15" vs "about 20": 15..20
    assert _figures([claim(15, None), claim(20, 20, start=200)], "killed") == Figure(15, 20)
    # "more than 20" vs "about 20": the open-ended figure is the highest -> max null
    assert _figures([claim(21, None), claim(20, 20, start=200)], "killed") == Figure(20, None)
    # "at least 200" vs "nearly 300": 200..300
    assert _figures([claim(200, None), claim(None, 300, start=200)], "killed") == Figure(200, 300)


def test_vague_figures_only_count_without_a_number() -> None:
    assert _figures([claim(24, None, vague=True), claim(40, 40, start=200)], "killed") == Figure(
        40, 40
    )
    assert _figures([claim(2, None, vague=True), claim(24, None, vague=True)], "killed") == Figure(
        24, None
    )


def test_revised_and_updated_tolls() -> None:
    # "initially 25" is superseded by a current figure ...
    assert _figures([claim(25, 25, revised=True), claim(31, 31, start=200)], "killed") == Figure(
        31, 31
    )
    # ... and alone it is only a floor.
    assert _figures([claim(3, 3, revised=True)], "killed") == Figure(3, None)
    # "the toll rose to 79" replaces what came before it.
    assert _figures([claim(50, None), claim(79, 79, start=300, update=True)], "killed") == Figure(
        79, 79
    )


def test_negation_and_combined_figures() -> None:
    assert _figures([claim(0, 0)], "killed") == Figure(0, 0)
    assert _figures([claim(0, 0), claim(3, 3, start=200)], "killed") == Figure(3, 3)
    assert _figures([claim(None, 30, combined=True)], "killed") == Figure(None, 30)
    assert _figures([claim(None, 30, combined=True), claim(5, 5)], "killed") == Figure(5, 5)
    assert _figures([claim(5, 5)], "injured") == Figure(None, None)


def test_sides_and_groups() -> None:
    civ = claim(19, 19, category="civilians", start=10)
    mil = claim(3, 3, category="militants", start=40)
    unnamed = claim(4, 4, kind="injured", category="unknown", start=120, sentence=(100, 200))
    blank = " " * 200
    groups = _side_groups([civ, mil, unnamed], blank)
    # The unnamed injured figure follows the side named just before it.
    assert [[c.min for c in g] for g in groups] == [[19], [3, 4]]
    # Two different figures of one kind and side in one sentence are two victim groups.
    a = claim(84, 84, category="soldiers", start=5)
    b = claim(47, 47, category="soldiers", start=60)
    assert len(_side_groups([a, b], blank)) == 2
    # The same figure restated in one sentence stays one.
    assert len(_side_groups([a, claim(84, 84, category="soldiers", start=90)], blank)) == 1
    # Another account of the count between them ("the army put the toll at") makes the
    # two figures one toll's range.
    norm = blank[:10] + "; the army put the toll at".ljust(50) + blank[60:]
    assert len(_side_groups([a, b], norm)) == 1


def test_assemble_on_a_blank_pipeline_without_places_or_actors() -> None:
    pipe = spacy.blank("en")
    pipe.add_pipe("sentencizer")
    pipe.add_pipe("civwatch_claims")
    text = (
        "Gunmen killed 7 herders on Monday. In total, 120 civilians have been killed "
        "in the area since January."
    )
    doc = pipe(text)
    published = date(2024, 5, 8)
    incidents = assemble(doc, find_dates(text, "en", published), published)
    assert [(i.killed.min, i.aggregate) for i in incidents] == [(7, False), (120, True)]
    single, total = incidents
    assert single.event_date == "2024-05-06"
    assert (total.event_date, total.event_date_end) == ("2024-01-01", "2024-05-08")
    assert single.location.name is None
    assert all(text[e.start : e.end] == e.text for i in incidents for e in i.evidence)


def test_headline_restating_a_period_total_joins_it() -> None:
    # The period is written only in the body; the headline figure restates the
    # body's total, so the two are one aggregate, not a single event plus a total.
    pipe = spacy.blank("en")
    pipe.add_pipe("sentencizer")
    pipe.add_pipe("civwatch_claims")
    text = (
        "Report: 86 civilians killed in the region.\n"
        "At least 86 civilians were killed and 40 injured in the region between January "
        "and June, the human rights office wrote."
    )
    doc = pipe(text)
    published = date(2024, 7, 15)
    incidents = assemble(doc, find_dates(text, "en", published), published)
    assert [(i.killed.min, i.killed.max, i.aggregate) for i in incidents] == [(86, None, True)]
    assert incidents[0].injured == Figure(40, 40)


def test_period_cues_of_years_and_months_make_an_aggregate(analyzer: Analyzer) -> None:
    for text, lang in (
        (
            "Over the past two years, jihadist groups in Burkina Faso have caused more than 1 600 "
            "deaths.",
            "en",
        ),
        ("Ces attaques ont fait plus de 1 600 morts au Niger en deux ans.", "fr"),
    ):
        found = analyzer.analyze(text, lang=lang)["incidents"]
        assert [(i["killed"]["min"], i["aggregate"]) for i in found] == [(1601, True)], text


def _aggregate_flags_of(analyzer: Analyzer, text: str, lang: str) -> list[tuple[int | None, bool]]:
    found = analyzer.analyze(text, lang=lang, published=date(2023, 9, 8))["incidents"]
    return [(i["killed"]["min"], i["aggregate"]) for i in found]


def test_attacks_of_one_day_are_one_event_not_a_period_total(analyzer: Analyzer) -> None:
    # A joint toll of two attacks dated to one day is one coordinated event; so is the
    # toll of "the two incidents" the text has just told.
    for text, lang in (
        ("Forty people were killed yesterday in two attacks on a boat and a camp.", "en"),
        ("Quarante personnes ont été tuées hier dans deux attaques près de Gao.", "fr"),
        (
            "Two mines exploded under a convoy near Djibo. "
            "The toll of the two incidents is 15 soldiers killed.",
            "en",
        ),
    ):
        assert [flag for _, flag in _aggregate_flags_of(analyzer, text, lang)] == [False], text


def test_attacks_of_several_months_or_undated_stay_a_period_total(analyzer: Analyzer) -> None:
    # Guard: months named ("in May and July") or no day at all: a total of several events.
    for text, lang in (
        ("Jihadists killed nearly 50 soldiers in two attacks in May and July.", "en"),
        ("Les djihadistes ont tué 50 soldats dans deux attaques en mai et juillet.", "fr"),
        ("Jihadists killed 50 soldiers in two attacks, the army said.", "en"),
    ):
        assert [flag for _, flag in _aggregate_flags_of(analyzer, text, lang)] == [True], text


def test_a_day_written_early_in_a_long_sentence_dates_its_total(analyzer: Analyzer) -> None:
    # "au total" after a long description of one coordinated attack: the day written at
    # the start of the sentence dates it, with or without a year the text resolves.
    text = (
        "Le double attentat qui a visé le 12 mars la caserne de la gendarmerie de Tessit, "
        "à l'est de la ville, puis le poste de douane installé sur la route nationale, "
        "à une dizaine de kilomètres plus au sud de la localité, a fait au total 18 morts."
    )
    assert text.index("au total") - text.index("12 mars") > 160
    for published in (date(2023, 9, 8), None):
        found = analyzer.analyze(text, lang="fr", published=published)["incidents"]
        assert [(i["killed"]["min"], i["aggregate"]) for i in found] == [(18, False)], published


def test_a_count_as_of_a_calendar_day_is_a_running_total(analyzer: Analyzer) -> None:
    # "as of 30 June" / "à la date du 30 juin": a count up to that day, not that day's.
    for text, lang in (
        ("As of 30 June, 212 civilians had been killed in the region, the mission said.", "en"),
        ("As of June 30, 212 civilians had been killed in the region, the mission said.", "en"),
        ("À la date du 30 juin, 212 civils avaient été tués dans la région.", "fr"),
    ):
        assert _aggregate_flags_of(analyzer, text, lang) == [(212, True)], text
    # Guard: a toll "as of" an hour or a weekday is one event's latest count.
    text = "As of Tuesday evening, 12 villagers had been killed in the attack on Dinangourou."
    assert _aggregate_flags_of(analyzer, text, "en") == [(12, False)]


def _tolls(analyzer: Analyzer, text: str, lang: str) -> list[tuple[Any, ...]]:
    found = analyzer.analyze(text, lang=lang)["incidents"]
    return sorted(
        (i["killed"]["min"], i["killed"]["max"], i["location"]["name"], i["victims"]) for i in found
    )


def test_a_toll_split_exactly_between_villages_is_coded_per_village(analyzer: Analyzer) -> None:
    # 45 + 15 = 60: the total of the first sentence is the two villages' tolls together.
    for lang, text in (
        (
            "en",
            "About 60 people were killed when gunmen attacked two villages on Saturday. "
            "The mayor said there were 45 dead in Boni and 15 dead in Hombori.",
        ),
        (
            "fr",
            "Une soixantaine de personnes ont été tuées samedi dans l'attaque de deux villages. "
            "Le maire a précisé qu'il y avait 45 morts à Boni et 15 morts à Hombori.",
        ),
    ):
        assert _tolls(analyzer, text, lang) == [
            (15, 15, "Hombori", ["civilians"]),
            (45, 45, "Boni", ["civilians"]),
        ], lang


def test_village_tolls_that_do_not_add_up_leave_the_total(analyzer: Analyzer) -> None:
    # Guard: 45 + 10 is not 60; the arithmetic never invents or removes a total.
    text = (
        "About 60 people were killed when gunmen attacked two villages on Saturday. "
        "The mayor said there were 45 dead in Boni and 10 dead in Hombori."
    )
    assert 60 in {t[1] for t in _tolls(analyzer, text, "en")}


def test_a_sentence_opening_on_meanwhile_turns_to_another_event(analyzer: Analyzer) -> None:
    # "Meanwhile, soldiers exchanged fire in Kati": the figure after it is told in Kati,
    # the nearest lead-in sentence's town, not in the earlier one's (Gao).
    for lang, text in (
        (
            "en",
            "A suicide bomber blew himself up on Friday, wounding two soldiers. Gao is the "
            "largest city of the north. Meanwhile, soldiers exchanged fire in Kati. "
            "The clashes left many injured.",
        ),
        (
            "fr",
            "Un kamikaze s'est fait exploser vendredi, blessant deux soldats. Gao est la plus "
            "grande ville du nord. Par ailleurs, des soldats ont échangé des tirs à Kati. "
            "Les affrontements ont fait plusieurs blessés.",
        ),
    ):
        found = analyzer.analyze(text, lang=lang)["incidents"]
        assert {
            (i["injured"]["min"], i["injured"]["max"], i["location"]["name"]) for i in found
        } == {(2, 2, "Gao"), (2, None, "Kati")}, lang


def test_meanwhile_inside_the_figures_sentence_keeps_one_event(analyzer: Analyzer) -> None:
    # Guard: "Meanwhile, the army said the attackers also wounded five soldiers" adds to
    # the same attack; only a lead-in sentence opening on it turns to another event.
    text = (
        "Gunmen attacked a patrol near Hombori on Monday, killing three soldiers. The patrol "
        "was escorting trucks. Meanwhile, the army said the attackers also wounded five soldiers."
    )
    found = analyzer.analyze(text, lang="en")["incidents"]
    assert [(i["killed"]["min"], i["injured"]["min"]) for i in found] == [(3, 5)]


def _records(analyzer: Analyzer, text: str, lang: str) -> list[tuple[Any, ...]]:
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))
    return [
        (i["killed"]["min"], i["injured"]["min"], i["abducted"]["min"], i["aggregate"])
        for i in result["incidents"]
    ]


def test_the_figures_of_one_list_share_the_period_written_before_it(analyzer: Analyzer) -> None:
    # "During this period": a period total, every figure of its list with it, even the
    # last one far from the cue.
    text = (
        "During this period, the United Nations mission in Mali documented a long series "
        "of abuses committed against the civilian population by all the parties (317 "
        "civilians killed, 73 abducted and 77 injured), its report said."
    )
    assert _records(analyzer, text, "en") == [(317, 77, 73, True)]


def test_depuis_before_a_name_is_where_the_news_comes_from(analyzer: Analyzer) -> None:
    # "Depuis Dacca": from Dhaka, no period; "depuis janvier" is one.
    text = (
        "Trois Casques bleus ont été tués dimanche près d'Anefis. Depuis Dacca, l'armée "
        "bangladaise a fait état pour sa part de trois morts et quatre blessés."
    )
    assert _records(analyzer, text, "fr") == [(3, 4, None, False)]
    text = "Depuis janvier, au moins 120 civils ont été tués dans la région de Mopti."
    assert _records(analyzer, text, "fr") == [(120, None, None, True)]


def test_the_day_of_a_burial_is_not_the_day_of_the_event(analyzer: Analyzer) -> None:
    # The attack is dated in the first sentence; "enterrés le 8 octobre" is the burial.
    text = (
        "Le 12 septembre 2022, une patrouille est tombée dans une embuscade près de Djibo. "
        "Un convoi de vivres suivait la patrouille. L'armée annonce un bilan de 14 morts "
        "parmi les militaires. Les corps des 14 militaires tués sont enterrés le 8 octobre "
        "à Ouagadougou."
    )
    result = analyzer.analyze(text, lang="fr", published=date(2022, 9, 13))
    assert [i["event_date"] for i in result["incidents"] if not i["aggregate"]] == ["2022-09-12"]


def test_two_days_named_in_two_sentences_are_two_events(analyzer: Analyzer) -> None:
    # "mardi" and "lundi" are a day apart: a night's span holds the next morning, but
    # Monday is before Tuesday night, so the ambush is an event of its own.
    text = (
        "Le chef du village de Koumbri a été tué dans la nuit de mardi à mercredi par "
        "des individus armés. Lundi, deux gendarmes ont été tués dans une embuscade dans "
        "le nord du pays."
    )
    result = analyzer.analyze(text, lang="fr", published=date(2019, 6, 27))
    assert [
        (i["killed"]["min"], i["event_date"], i["location"]["name"]) for i in result["incidents"]
    ] == [
        (1, "2019-06-25", "Koumbri"),
        (2, "2019-06-24", "le nord du pays"),
    ]


def test_guard_a_night_and_its_morning_are_one_event(analyzer: Analyzer) -> None:
    text = (
        "Gunmen attacked Koumbri on Tuesday night, killing four villagers. On Wednesday, "
        "two wounded villagers died in hospital."
    )
    result = analyzer.analyze(text, lang="en", published=date(2019, 6, 27))
    assert len([i for i in result["incidents"] if not i["aggregate"]]) == 1


def _by_side(analyzer: Analyzer, text: str, lang: str) -> list[tuple[Any, ...]]:
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))
    return [(i["killed"]["min"], i["killed"]["max"], i["victims"]) for i in result["incidents"]]


def _killed_ranges(analyzer: Analyzer, text: str, lang: str) -> list[tuple[Any, ...]]:
    """The killed range of each record."""
    return [(lo, hi) for lo, hi, _ in _by_side(analyzer, text, lang)]


def _killed_injured(analyzer: Analyzer, text: str, lang: str) -> list[tuple[Any, ...]]:
    """The killed and injured minimums and the victims of each record."""
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))
    return [(i["killed"]["min"], i["injured"]["min"], i["victims"]) for i in result["incidents"]]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "A UN truck hit a mine on Monday near Tessalit, killing a Guinean soldier and "
         "wounding three other peacekeepers, the mission said."),
        ("fr", "Un soldat guinéen a été tué et trois autres casques bleus blessés lundi "
         "lorsque leur camion a sauté sur une mine près de Tessalit."),
    ],
)  # fmt: skip
def test_a_soldier_then_other_peacekeepers_are_one_side(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # "three other peacekeepers": the soldier killed was a peacekeeper too, one record.
    assert _killed_injured(analyzer, text, lang) == [(1, 3, ["peacekeepers"])]


def test_guard_a_soldier_then_peacekeepers_with_no_other_are_two_sides(
    analyzer: Analyzer,
) -> None:
    text = "Gunmen killed a Malian soldier and wounded three peacekeepers near Tessalit."
    assert _killed_injured(analyzer, text, "en") == [
        (1, None, ["soldiers"]),
        (None, 3, ["peacekeepers"]),
    ]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Seven people died and five were injured on Monday near Markoye, the governor "
         "said. A nurse said another villager later died of his wounds."),
        ("fr", "Sept personnes sont mortes et cinq ont été blessées lundi près de Markoye, "
         "selon le gouverneur. Une infirmière a indiqué qu'une autre personne est décédée "
         "plus tard des suites de ses blessures."),
    ],
)  # fmt: skip
def test_a_later_death_adds_to_the_toll_told_before_it(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # 7 by the governor, 8 with the later death: two accounts of one toll, not 1-7.
    assert _killed_ranges(analyzer, text, lang) == [(7, 8)]


def test_guard_another_victim_in_another_attack_is_no_later_death(analyzer: Analyzer) -> None:
    text = (
        "Seven people died on Monday near Markoye. On Friday, another villager was killed "
        "by gunmen in Dori."
    )
    assert sorted(_killed_ranges(analyzer, text, "en")) == [(1, 1), (7, 7)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Gunmen attacked the army camp in Kati on Monday. One soldier was killed in "
         "the attack and six people were wounded."),
        ("fr", "Des hommes armés ont attaqué le camp de Kati lundi. Un soldat a été tué et "
         "six personnes ont été blessées."),
    ],
)  # fmt: skip
def test_people_wounded_beside_a_soldiers_toll_are_of_no_side_of_their_own(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # Who the six are is not said: one record, the soldier's, not a civilians' beside it.
    assert _killed_injured(analyzer, text, lang) == [(1, 6, ["soldiers"])]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The army says nine soldiers were killed when gunmen ambushed a supply convoy "
         "near Kaya. Some 30 people, including 12 soldiers, were wounded."),
        ("fr", "Neuf soldats ont été tués dans l'embuscade tendue à un convoi près de Kaya. "
         "Une trentaine de personnes ont été blessées, selon l'armée."),
    ],
)  # fmt: skip
def test_people_wounded_after_a_soldiers_toll_in_a_later_sentence_are_of_no_side(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # The soldiers' toll in one sentence, the people wounded in the next: one record.
    assert _killed_injured(analyzer, text, lang) == [(9, 30, ["soldiers"])]


def test_guard_civilians_wounded_beside_a_soldiers_toll_are_their_own_side(
    analyzer: Analyzer,
) -> None:
    text = "Gunmen attacked Kati on Monday. One soldier was killed and six civilians were wounded."
    assert [r[:2] for r in _killed_injured(analyzer, text, "en")] == [(1, None), (None, 6)]
    text = "One soldier was killed in Kati on Monday. Six civilians were wounded in the attack."
    assert [r[:2] for r in _killed_injured(analyzer, text, "en")] == [(1, None), (None, 6)]


def test_a_floor_and_a_ceiling_in_one_sentence_are_one_range(analyzer: Analyzer) -> None:
    # A headline run into its lead: "over 80" and "as many as 95" bound one toll.
    text = (
        "Over 80 Killed in Attack in Northern Burkina Faso During an overnight attack on "
        "May 4, gunmen killed as many as 95 people, including 9 children, in the village "
        "of Seytenga in the Seno province."
    )
    assert _killed_ranges(analyzer, text, "en") == [(81, 95)]


def test_guard_a_floor_above_a_ceiling_is_no_range(analyzer: Analyzer) -> None:
    text = (
        "Gunmen killed more than 40 people in Seytenga on Monday and up to 12 people in "
        "Dori on Friday."
    )
    assert _killed_ranges(analyzer, text, "en") == [(41, None), (None, 12)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "La Minusma a publié sa note trimestrielle pour la période allant du 1er avril "
         "au 30 juin 2022. Elle recense 600 incidents. Selon elle, en trois mois, 317 civils "
         "ont été tués."),
        ("en", "The mission published its quarterly note for the period from 1 April to 30 "
         "June 2022. It lists 600 incidents. In three months, 317 civilians were killed."),
    ],
)  # fmt: skip
def test_a_period_total_takes_the_period_written_before_it(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # "in three months": the quarter the report covers, written two sentences before.
    result = analyzer.analyze(text, lang=lang, published=date(2022, 9, 5))
    found = [
        (i["killed"]["min"], i["aggregate"], i["event_date"], i["event_date_end"])
        for i in result["incidents"]
    ]
    assert found == [(317, True, "2022-04-01", "2022-06-30")]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "La Minusma a publié son rapport trimestriel sur la période du 1er janvier au 31 "
         "mars 2021. Elle y recense 106 meurtres. Les abus ont augmenté de 11% "
         "comparativement au trimestre précédent (378 abus documentés et 96 civils morts)."),
        ("en", "The mission published its quarterly report on the period from 1 January to 31 "
         "March 2021. It records 106 killings. Abuses rose by 11% compared to the previous "
         "quarter (378 abuses documented and 96 civilians killed)."),
    ],
)  # fmt: skip
def test_a_reports_figures_count_its_quarter_and_the_previous_quarter_is_the_one_before(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    result = analyzer.analyze(text, lang=lang, published=date(2021, 4, 20))
    found = [
        (i["killed"]["min"], i["aggregate"], i["event_date"], i["event_date_end"])
        for i in result["incidents"]
    ]
    assert found == [
        (106, True, "2021-01-01", "2021-03-31"),
        (96, True, "2020-10-01", "2020-12-31"),
    ]


def test_guard_a_single_event_after_a_period_keeps_its_own_day(analyzer: Analyzer) -> None:
    text = (
        "The mission published its note for the period from 1 April to 30 June 2022. On "
        "Monday, gunmen killed 12 villagers near Boni."
    )
    result = analyzer.analyze(text, lang="en", published=date(2022, 9, 7))
    found = [(i["killed"]["min"], i["aggregate"], i["event_date"]) for i in result["incidents"]]
    assert found == [(12, False, "2022-09-05")]


def test_a_total_the_next_sentences_split_by_side_is_coded_per_side(analyzer: Analyzer) -> None:
    # 14 = 13 civilians + 1 auxiliary: the total is not a third figure for civilians.
    text = (
        "Au moins quatorze personnes, dont un supplétif de l'armée, ont été tuées vendredi "
        "dans l'attaque du village de Kobou. Des hommes armés ont attaqué Kobou et tué "
        "treize civils. Un supplétif de l'armée a également été tué."
    )
    expected = [(13, 13, ["civilians"]), (1, 1, ["soldiers"])]
    assert _by_side(analyzer, text, "fr") == expected
    text = (
        "At least fourteen people, including an army auxiliary, were killed on Friday in "
        "an attack on the village of Kobou. Gunmen killed thirteen civilians there. An "
        "army auxiliary was also killed."
    )
    assert _by_side(analyzer, text, "en") == expected


def test_guard_parts_that_do_not_add_up_leave_the_total(analyzer: Analyzer) -> None:
    # 20 ≠ 13 + 1: nothing says the total was split, so it is not dropped.
    text = (
        "At least twenty people were killed on Friday in an attack on the village of Kobou. "
        "Gunmen killed thirteen civilians there. An army auxiliary was also killed."
    )
    assert 20 in [killed for killed, *_ in _records(analyzer, text, "en")]


def test_a_claim_of_responsibility_is_no_other_account_of_the_toll(analyzer: Analyzer) -> None:
    # "revendiquée par le JNIM" says who did it: the ten are not another count of the two.
    text = (
        "Deux Casques bleus ont péri hier dans l'explosion d'une mine dans le centre du pays. "
        "Leur mort intervient cinq jours après celle de dix Casques bleus tchadiens, tués "
        "le 20 janvier à Aguelhok, dans une attaque revendiquée par le JNIM."
    )
    # No publication date: the two days cannot part them, only the wording can.
    result = analyzer.analyze(text, lang="fr")
    assert [(i["killed"]["min"], i["killed"]["max"]) for i in result["incidents"]] == [
        (2, 2),
        (10, 10),
    ]


def test_an_unknown_place_spelt_two_ways_is_one_scene(analyzer: Analyzer) -> None:
    # "Tinkoubaré" then "Tinkuobaré": one village the gazetteer does not know, two
    # letters swapped in the second mention; the two tolls are two accounts of it.
    text = (
        "Un car a sauté sur un engin explosif près de Tinkoubaré mardi, faisant douze "
        "morts. Selon l'armée, quatorze passagers ont péri dans la localité de Tinkuobaré."
    )
    assert _by_side(analyzer, text, "fr") == [(12, 14, ["civilians"])]


def test_a_year_that_dates_one_named_event_is_no_period(analyzer: Analyzer) -> None:
    # "dans une embuscade en 2017": one ambush of 2017, not a total over the year.
    text = "Cinq soldats nigériens étaient tombés dans une embuscade en 2017 près de Tongo Tongo."
    assert _records(analyzer, text, "fr") == [(5, None, None, False)]
    text = "Four soldiers were killed in an ambush in 2017 near Tongo Tongo."
    assert _records(analyzer, text, "en") == [(4, None, None, False)]


def test_a_running_count_of_one_attack_is_its_provisional_toll(analyzer: Analyzer) -> None:
    # "so far after an attack": the count of that attack to date, one event whose later
    # accounts give its range, not a period total beside it.
    text = (
        "Rescuers in Niger have found 40 bodies so far after an attack in the Tillaberi "
        "region on Sunday, officials said. At least 55 people were killed, and perhaps as "
        "many as 70, in the attack, local sources said."
    )
    assert _killed_ranges(analyzer, text, "en") == [(40, 70)]
    text = "Douze soldats ont été tués à ce jour dans l'embuscade près de Tongo Tongo."
    assert _records(analyzer, text, "fr") == [(12, None, None, False)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Gunmen killed nine soldiers on Monday in the commune of Gaskinde, where armed "
         "groups have been escalating attacks since 2015."),
        ("fr", "Des hommes armés ont tué neuf soldats lundi dans la commune de Gaskindé, où "
         "les groupes armés multiplient les attaques depuis 2015."),
    ],
)  # fmt: skip
def test_a_period_in_a_clause_about_the_scene_is_not_the_figures(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # "since 2015" belongs to the armed groups' campaign the clause describes.
    assert _records(analyzer, text, lang) == [(9, None, None, False)]


def test_guard_a_period_before_a_setting_clause_is_still_the_figures(
    analyzer: Analyzer,
) -> None:
    text = "Gunmen have killed 300 civilians in the region since January, where the army is absent."
    assert _records(analyzer, text, "en") == [(300, None, None, True)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Jihadists overran an army post in Boni on Monday. The army said its troops "
         "killed 11 attackers and have since retaken the post."),
        ("fr", "Des jihadistes ont pris lundi un poste de l'armée à Boni. L'armée a indiqué "
         "avoir tué 11 assaillants et a depuis repris le poste."),
    ],
)  # fmt: skip
def test_since_after_an_auxiliary_is_an_adverb_not_a_period(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # "have since retaken", "a depuis repris": "after that"; the riposte's toll stays the
    # event's, at its place.
    found = analyzer.analyze(text, lang=lang, published=date(2021, 5, 12))["incidents"]
    assert [(i["killed"]["min"], i["aggregate"], i["location"]["name"]) for i in found] == [
        (11, False, "Boni")
    ]


def test_guard_since_before_its_origin_after_an_auxiliary_is_a_period(
    analyzer: Analyzer,
) -> None:
    text = "Jihadists have since January killed 300 civilians in the region, the UN said."
    assert _records(analyzer, text, "en") == [(300, None, None, True)]
    text = "Les jihadistes ont depuis janvier tué 300 civils dans la région."
    assert _records(analyzer, text, "fr") == [(300, None, None, True)]


def test_a_superlatives_period_is_not_a_reports_period(analyzer: Analyzer) -> None:
    # A news report ("the report says") whose figure follows a comparison "the deadliest
    # … this year": that year is no period the figure counts.
    text = (
        "Jihadists attacked two army camps in Boulkessy on Monday, killing 25 soldiers, a "
        "report says. The defence minister said dozens of missing soldiers had been found "
        "alive in the bush and were making their way back to the base on foot, and that "
        "search teams were still out. The attacks were among the deadliest on the army this "
        "year. The government said its troops killed 15 militants."
    )
    assert text.index("15 militants") - text.index("25 soldiers") > 250
    found = analyzer.analyze(text, lang="en", published=date(2019, 10, 3))["incidents"]
    assert sorted((i["killed"]["min"], i["aggregate"]) for i in found) == [
        (15, False),
        (25, False),
    ]


def test_guard_a_running_count_of_many_attacks_is_a_period(analyzer: Analyzer) -> None:
    text = "Jihadists have killed 300 people so far in attacks across the Tillaberi region."
    assert _records(analyzer, text, "en") == [(300, None, None, True)]
    text = "Au moins 250 personnes ont été tuées à ce jour dans la région de Tillabéri."
    assert _records(analyzer, text, "fr") == [(250, None, None, True)]


def test_guard_a_year_with_no_single_event_is_a_period(analyzer: Analyzer) -> None:
    text = "Les violences ont fait 103 morts en 2021 dans la région de Tillabéri."
    assert _records(analyzer, text, "fr") == [(103, None, None, True)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "On 3 May, gunmen raided the market of Tera, with a toll of 40 dead. On the "
         "same day, an ambush on an army convoy in the same area left 20 soldiers dead."),
        ("fr", "Le 3 mai, des hommes armés ont attaqué le marché de Téra, faisant 40 morts. "
         "Le même jour, une embuscade contre un convoi de l'armée dans la même zone a fait "
         "20 morts parmi les soldats."),
    ],
)  # fmt: skip
def test_a_toll_told_on_the_same_day_is_another_event(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # Same day, same area: still two attacks, not a range 20–40 of one.
    assert sorted(_killed_ranges(analyzer, text, lang)) == [(20, 20), (40, 40)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Gunmen attacked an army patrol near Tera on Friday. In the fighting, 30 "
         "militants were killed, the army said. On Saturday the army raided a hideout near "
         "Gotheye and killed 9 militants, the army said."),
        ("fr", "Des hommes armés ont attaqué une patrouille près de Téra vendredi. Au cours "
         "des combats, 30 terroristes ont été neutralisés, selon l'armée. Samedi, l'armée a "
         "mené un raid près de Gothèye et neutralisé 9 terroristes, selon l'armée."),
    ],
)  # fmt: skip
def test_the_first_toll_takes_the_scene_told_before_it(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # 30 near Téra and 9 near Gothèye: two scenes, not a range 9–30 of one.
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 12))
    assert [(i["killed"]["min"], i["location"]["name"]) for i in result["incidents"]] == [
        (30, "Téra" if lang == "fr" else "Tera"),
        (9, "Gothèye" if lang == "fr" else "Gotheye"),
    ]


def test_during_the_fighting_is_no_period(analyzer: Analyzer) -> None:
    # "au cours des combats": during one fight; "au cours des trois dernières années":
    # over a period.
    text = "Au cours des combats, 30 terroristes ont été neutralisés près de Téra vendredi."
    assert _records(analyzer, text, "fr") == [(30, None, None, False)]
    text = (
        "Au cours des trois dernières années, 300 civils ont été tués dans la région de Tillabéri."
    )
    assert _records(analyzer, text, "fr") == [(300, None, None, True)]
    text = "Au cours du mois de mars, 45 civils ont été tués dans la région de Mopti."
    assert _records(analyzer, text, "fr") == [(45, None, None, True)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Gunmen killed 14 villagers in Kobou, officials said. This is not the first "
         "time the village has been targeted. According to residents, 20 people were killed "
         "there, officials said."),
        ("fr", "Des hommes armés ont tué 14 villageois à Kobou, selon des responsables locaux. "
         "Ce n'est pas la première fois que le village est visé. Selon des habitants, 20 "
         "personnes y avaient été tuées."),
        ("en", "Gunmen killed 14 villagers in Kobou, officials said. It is the second attack "
         "on the village in a year. According to residents, 20 people were killed "
         "there, officials said."),
    ],
)  # fmt: skip
def test_a_toll_after_a_recall_of_earlier_attacks_is_another_event(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    assert _killed_ranges(analyzer, text, lang) == [
        (14, 14),
        (20, 20),
    ]


def test_guard_a_second_account_of_one_toll_is_its_range(analyzer: Analyzer) -> None:
    text = (
        "Gunmen killed 14 villagers in Kobou, officials said. The army sent troops to the "
        "village. According to residents, 20 people were killed there, officials said."
    )
    assert _killed_ranges(analyzer, text, "en") == [(14, 20)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Gunmen killed 9 civilians at the market of Boulkessi, residents said. In a "
         "separate attack, 4 soldiers were killed near Boulkessi, the army said."),
        ("en", "Gunmen killed 9 civilians at the market of Boulkessi, residents said. Four "
         "soldiers were killed near Boulkessi in an unrelated incident, the army said."),
    ],
)  # fmt: skip
def test_a_toll_whose_own_sentence_turns_to_another_attack_is_another_event(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))
    assert [(i["killed"]["min"], i["event"]) for i in result["incidents"]] == [(9, 0), (4, 1)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Gunmen killed 15 villagers in Kobou on Monday, officials said. On Wednesday, "
         "gunmen attacked a UN convoy. Three peacekeepers were wounded, the mission said."),
        ("fr", "Des hommes armés ont tué 15 villageois à Kobou lundi, selon des responsables. "
         "Mercredi, des hommes armés ont attaqué un convoi de l'ONU. Trois Casques bleus ont "
         "été blessés, selon la mission."),
    ],
)  # fmt: skip
def test_an_attack_told_on_another_day_between_two_tolls_parts_them(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # The wounded peacekeepers' sentence names no place and no day: only the attack told
    # before it, on Wednesday, parts them from Monday's toll in Kobou.
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))
    assert [(i["killed"]["min"], i["injured"]["min"], i["event"]) for i in result["incidents"]] == [
        (15, None, 0),
        (None, 3, 1),
    ]


def test_guard_an_attack_told_on_the_same_day_keeps_one_event(analyzer: Analyzer) -> None:
    text = (
        "Gunmen killed 12 civilians in Kobou on Sunday, officials said. The attackers "
        "stormed the village on Sunday night. Three soldiers were also killed."
    )
    result = analyzer.analyze(text, lang="en", published=date(2024, 5, 10))
    assert [(i["killed"]["min"], i["victims"], i["event"]) for i in result["incidents"]] == [
        (12, ["civilians"], 0),
        (3, ["soldiers"], 0),
    ]


@pytest.mark.parametrize(
    ("lang", "text", "scene"),
    [
        ("en", "The announcement comes ten days after a major attack in the east of the "
         "country on a mining convoy. It killed 38 people. On Friday, gunmen attacked a patrol "
         "near Tera. A soldier was killed, the army said.", "the east of the country"),
        ("fr", "L'annonce intervient dix jours après une attaque majeure dans l'est du pays "
         "contre un convoi minier, qui avait fait 38 morts. Vendredi, des hommes armés ont "
         "attaqué une patrouille près de Téra. Un soldat a été tué, selon l'armée.",
         "l'est du pays"),
    ],
)  # fmt: skip
def test_an_event_recalled_in_passing_keeps_its_own_scene_and_no_borrowed_day(
    analyzer: Analyzer, lang: str, text: str, scene: str
) -> None:
    # The 38 dead are of an attack ten days earlier: not Friday's, not near Téra, and
    # not one event with the soldier killed there.
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 12))
    found = [
        (i["killed"]["min"], i["location"]["name"], i["event_date"]) for i in result["incidents"]
    ]
    assert found[0] == (38, scene, None)
    assert found[1][:2] == (1, "Téra" if lang == "fr" else "Tera")
    assert [i["event"] for i in result["incidents"]] == [0, 1]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Deux Casques bleus ont péri hier dans l'explosion d'une mine près de Douentza, "
         "selon la Minusma. Leur mort intervient cinq jours après celle de dix Casques bleus "
         "tchadiens, tués à Aguelhok dans une attaque contre la Minusma. « Deux Casques bleus "
         "ont trouvé la mort » et plusieurs ont été blessés, a ajouté la Minusma."),
        ("en", "Two peacekeepers died yesterday when their convoy hit a mine near Douentza, the "
         "UN mission said. Their deaths come five days after those of ten Chadian "
         "peacekeepers killed in Aguelhok in an attack on the UN mission. Two peacekeepers "
         "died and several were wounded, the mission added."),
    ],
)  # fmt: skip
def test_a_toll_recalled_in_the_same_breath_is_its_own_event(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # The ten of Aguelhok are no other count of the two of Douentza; the wounded told
    # with the two, in the last sentence, are of Douentza too.
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))
    found = [
        (i["killed"]["min"], i["killed"]["max"], i["injured"]["min"], i["location"]["name"])
        for i in result["incidents"]
    ]
    assert found == [(2, 2, 2, "Douentza"), (10, 10, None, "Aguelhok")]


def test_a_toll_after_weeks_after_is_an_earlier_event(analyzer: Analyzer) -> None:
    text = (
        "Gunmen killed 14 villagers in Kobou on Sunday, officials said. The attack came two "
        "weeks after 20 people were killed in Kobou, officials said."
    )
    assert _killed_ranges(analyzer, text, "en") == [
        (14, 14),
        (20, 20),
    ]


def test_guard_days_after_the_attack_is_the_same_events_time(analyzer: Analyzer) -> None:
    text = (
        "Gunmen killed 14 villagers in Kobou on Sunday, officials said. Weeks after the "
        "attack, residents said 20 people had been killed in Kobou."
    )
    assert _killed_ranges(analyzer, text, "en") == [(14, 20)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Gunmen burst into the weekly market of Kobou and opened fire. Residents "
         "counted 14 dead."),
        ("fr", "Des hommes armés ont fait irruption au marché hebdomadaire de Kobou et ont "
         "ouvert le feu. Les habitants ont compté 14 morts."),
        ("en", "Gunmen attacked a wedding in the village of Kobou on Saturday. At least 12 "
         "were killed."),
    ],
)  # fmt: skip
def test_the_dead_of_a_raid_on_a_market_or_a_wedding_are_civilians(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))
    assert [i["victims"] for i in result["incidents"]] == [["civilians"]]


def test_guard_a_toll_of_no_side_at_an_army_camp_names_none(analyzer: Analyzer) -> None:
    text = "Gunmen attacked the army camp of Kobou on Saturday. At least 12 were killed."
    result = analyzer.analyze(text, lang="en", published=date(2024, 5, 10))
    assert [i["victims"] for i in result["incidents"]] == [["unknown"]]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Tuesday's attack struck a base in the town of Inates, killing 71 soldiers. "
         "An expert said the attackers used the same tactics as in the July attack, in "
         "which at least 17 soldiers were killed."),
        ("fr", "L'attaque de mardi a visé une base de la ville d'Inates, tuant 71 soldats. "
         "Selon un expert, les assaillants ont agi comme lors de l'attaque de juillet, qui "
         "avait tué au moins 17 soldats."),
    ],
)  # fmt: skip
def test_an_attack_of_another_month_is_an_earlier_event_not_the_days_news(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # published on Wednesday 11 December: Tuesday is the 10th; July is not December
    result = analyzer.analyze(text, lang=lang, published=date(2019, 12, 11))
    assert [
        (i["killed"]["min"], i["event_date"], i["event"], i["recalled"])
        for i in result["incidents"]
    ] == [(71, "2019-12-10", 0, False), (17, None, 1, True)]


def test_a_figure_after_a_recall_cue_is_marked_recalled(analyzer: Analyzer) -> None:
    text = (
        "At least 12 people were killed on Monday in an attack on the village of Kobou, "
        "less than two weeks after 40 people were killed by jihadists."
    )
    result = analyzer.analyze(text, lang="en", published=date(2024, 7, 3))
    assert [(i["killed"]["min"], i["recalled"]) for i in result["incidents"]] == [
        (12, False),
        (40, True),
    ]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "An ambush on the road to the Boungou mine killed 39 miners in 2019."),
        ("fr", "Des hommes armés avaient tué 17 orpailleurs lors d'une attaque près de Kodyel en "
         "2020."),
    ],
)  # fmt: skip
def test_a_single_event_dated_only_to_an_earlier_month_or_year_is_recalled(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    result = analyzer.analyze(text, lang=lang, published=date(2022, 8, 27))
    assert [(i["event_date"], i["recalled"]) for i in result["incidents"]] == [(None, True)]


def test_guard_an_event_of_the_reports_own_month_is_news(analyzer: Analyzer) -> None:
    text = "Gunmen killed 12 people in Kodyel in August, residents said."
    result = analyzer.analyze(text, lang="en", published=date(2022, 8, 27))
    assert [(i["event_date"], i["recalled"]) for i in result["incidents"]] == [(None, False)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Mardi, dix-sept militaires ont péri près de Tongo Tongo, où quatre soldats "
         "américains avaient été tués dans une embuscade en 2017."),
        ("en", "On Tuesday seventeen troops died near Tongo Tongo, where an ambush had killed "
         "four US soldiers in 2017."),
    ],
)  # fmt: skip
def test_a_date_of_the_figures_own_clause_beats_a_nearer_one_across_a_comma(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # published on Thursday 16 May 2019: Tuesday is the 14th
    result = analyzer.analyze(text, lang=lang, published=date(2019, 5, 16))
    assert [(i["killed"]["min"], i["event_date"], i["recalled"]) for i in result["incidents"]] == [
        (17, "2019-05-14", False),
        (4, None, True),
    ]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Les violences dans le centre ont fait 287 morts, 38 blessés, 67 personnes "
         "enlevées et plus de 5000 déplacés en trois mois, indique un rapport de l'ONU."),
        ("en", "Violence in the centre left 287 dead, 38 injured and 67 people abducted "
         "over the past three months, a UN report said."),
    ],
)  # fmt: skip
def test_a_period_written_after_a_list_of_figures_is_the_whole_lists(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))
    assert [
        (i["killed"]["min"], i["injured"]["min"], i["abducted"]["min"], i["aggregate"])
        for i in result["incidents"]
    ] == [(287, 38, 67, True)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Last week, gunmen attacked a military post in Chinegodar, killing 89 soldiers. "
         "Back in December 2019, jihadists had stormed a base at Inates, leaving at least 70 "
         "soldiers dead."),
        ("fr", "La semaine dernière, des hommes armés ont attaqué un poste militaire à "
         "Chinegodar, tuant 89 soldats. En décembre 2019, des jihadistes avaient pris "
         "d'assaut une base à Inates, faisant au moins 70 morts parmi les soldats."),
    ],
)  # fmt: skip
def test_a_toll_dated_to_a_month_before_the_reports_is_an_earlier_event(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    result = analyzer.analyze(text, lang=lang, published=date(2020, 1, 15))
    assert sorted(
        (i["killed"]["min"], i["killed"]["max"], i["recalled"]) for i in result["incidents"]
    ) == [(70, None, True), (89, 89, False)]


def test_guard_figureless_killings_of_an_earlier_month_stay_with_the_toll(
    analyzer: Analyzer,
) -> None:
    text = (
        "L'ONU accuse l'armée et ses alliés étrangers d'avoir massacré 500 personnes à Moura ; "
        "son rapport décrit des exécutions sommaires commises en mars 2022."
    )
    result = analyzer.analyze(text, lang="fr", published=date(2023, 5, 13))
    assert [i["killed"]["min"] for i in result["incidents"]] == [500]


def test_totals_of_two_periods_are_two_aggregates(analyzer: Analyzer) -> None:
    text = (
        "Since March, at least 212 civilians have been killed in the Ségou region, the UN "
        "said. The conflict, which began in 2012, has killed thousands of people since 2015."
    )
    result = analyzer.analyze(text, lang="en", published=date(2024, 5, 10))
    assert sorted(
        (i["killed"]["min"], i["killed"]["max"], i["aggregate"]) for i in result["incidents"]
    ) == [(212, None, True), (2000, None, True)]


def test_a_period_cue_may_run_past_the_window_it_begins_in(analyzer: Analyzer) -> None:
    text = (
        "A research group counted 245 deaths across the Ségou and Mopti regions in the "
        "first three months of 2024."
    )
    [incident] = analyzer.analyze(text, lang="en", published=date(2024, 5, 10))["incidents"]
    assert (incident["killed"]["min"], incident["aggregate"]) == (245, True)
    text = (
        "Un centre de recherche a compté 245 morts dans les régions de Ségou et de Mopti "
        "au cours des trois premiers mois de 2024."
    )
    [incident] = analyzer.analyze(text, lang="fr", published=date(2024, 5, 10))["incidents"]
    assert (incident["killed"]["min"], incident["aggregate"]) == (245, True)


def test_one_of_the_most_deadly_attacks_is_a_comparison_not_a_killing(
    analyzer: Analyzer,
) -> None:
    text = (
        "Vingt villageois ont été tués à Kodyel. C'est l'une des plus meurtrières attaques "
        "de la région depuis cinq ans."
    )
    result = analyzer.analyze(text, lang="fr", published=date(2024, 5, 10))
    assert [(i["killed"]["min"], i["aggregate"]) for i in result["incidents"]] == [(20, False)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Gunmen killed 25 people and wounded 12 others in an attack on a post near "
         "Titao on Monday. The attack claimed the lives of four gendarmes and 21 "
         "volunteers, the army said."),
        ("fr", "Des hommes armés ont tué 25 personnes et blessé 12 autres lundi lors de "
         "l'attaque d'un poste près de Titao. L'attaque a coûté la vie à quatre gendarmes "
         "et 21 volontaires, selon l'armée."),
    ],
)  # fmt: skip
def test_people_a_later_sentence_names_as_one_side_are_that_side(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # 25 "people" = 4 gendarmes + 21 volunteers, all security forces: one record of
    # that side, the 12 wounded "others" with it (not a civilian record beside it).
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))
    assert [
        (i["killed"]["min"], i["injured"]["min"], i["victims"]) for i in result["incidents"]
    ] == [(25, 12, ["soldiers"])]


def test_guard_people_restated_by_two_sides_stay_split(analyzer: Analyzer) -> None:
    # 25 people = 4 soldiers + 21 civilians: a total split by side, coded per side.
    text = (
        "Gunmen killed 25 people in an attack near Titao on Monday. The attack claimed the "
        "lives of four soldiers and 21 civilians, the army said."
    )
    assert _by_side(analyzer, text, "en") == [(4, 4, ["soldiers"]), (21, 21, ["civilians"])]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The army said 9 soldiers were killed at the Boni post on Sunday. A local "
         "official put the toll at 14 dead, while the group, which claimed the raid, said "
         "its men had killed 40 soldiers."),
        ("fr", "L'armée a annoncé la mort de 9 soldats au poste de Boni dimanche. Un élu "
         "local parle de 14 soldats tués, tandis que le groupe, qui a revendiqué le raid, a "
         "dit que ses hommes avaient tué 40 soldats."),
    ],
)  # fmt: skip
def test_a_count_set_against_another_by_while_is_another_account(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # "…, while the group … said 40": three sources' counts of one event's dead, one
    # record from the lowest to the highest.
    assert _killed_ranges(analyzer, text, lang) == [(9, 40)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Douze civils ont été tués samedi à Bourzanga. Le drame de Bourzanga survient "
         "quatre jours après l'attaque qui a visé le poste militaire de Kelbo, le mardi 7 mai. "
         "L'armée a "
         "fait état de six soldats tués. Le groupe a pour sa part affirmé avoir tué « plus "
         "de vingt soldats »."),
        ("en", "Twelve civilians were killed on Saturday in Bourzanga. The Bourzanga killings "
         "came four days after the attack on the army post in Kelbo on Tuesday, May 7. The "
         "army said six soldiers "
         "were killed. The group, for its part, claimed to have killed more than 20 soldiers."),
    ],
)  # fmt: skip
def test_an_attack_recalled_in_a_sentence_of_its_own_keeps_its_place_day_and_accounts(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # The recalled attack's scene and day are in the cue's sentence (which names the
    # village of the event told first); its toll in the next, and the group's own count
    # right after that is another account of it.
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 13))
    assert [
        (i["killed"]["min"], i["killed"]["max"], i["location"]["name"], i["event_date"])
        for i in result["incidents"]
    ] == [(12, 12, "Bourzanga", "2024-05-11"), (6, None, "Kelbo", "2024-05-07")]


def test_where_a_witness_took_refuge_is_not_the_scene(analyzer: Analyzer) -> None:
    text = (
        "Des hommes armés ont attaqué un village dimanche, a raconté un habitant qui a "
        "trouvé refuge à Kaya. Un VDP a été tué."
    )
    [incident] = analyzer.analyze(text, lang="fr", published=date(2024, 5, 13))["incidents"]
    assert incident["location"]["name"] is None


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Armed bandits kidnapped 20 herders near Farako last week. Three days later, a "
         "jihadist attack killed at least six villagers in Farako."),
        ("fr", "Des bandits armés ont enlevé une vingtaine de bergers près de Farako la semaine "
         "dernière. Trois jours après l'enlèvement, une attaque terroriste a fait au moins six "
         "morts à Farako."),
    ],
)  # fmt: skip
def test_days_later_tells_another_event_with_its_own_attackers(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # "Three days later": the attack is not the abduction; each keeps its own actor.
    found = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))["incidents"]
    assert [(i["abducted"]["min"], i["killed"]["min"], i["perpetrators"]) for i in found] == [
        (20, None, ["armed bandits"]),
        (None, 6, ["suspected jihadists"]),
    ]


def test_guard_a_toll_updated_days_later_stays_the_events(analyzer: Analyzer) -> None:
    # "Deux jours après l'attaque, le bilan s'est alourdi": the same event's new toll.
    for text, lang in (
        ("Des hommes armés ont tué 100 civils samedi à Farako. Deux jours après l'attaque, le "
         "bilan s'est alourdi à 160 morts.", "fr"),
        ("Gunmen killed 100 civilians on Saturday in Farako. Three days later, the death toll "
         "rose to 160.", "en"),
    ):  # fmt: skip
        found = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))["incidents"]
        assert [(i["killed"]["min"], i["killed"]["max"]) for i in found] == [(160, 160)], text


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "French forces carried out an air strike on the village of Sokoura on Sunday, "
         "residents said."),
        ("fr", "L'aviation française a mené dimanche une frappe aérienne sur le village de "
         "Sokoura, selon des habitants."),
    ],
)  # fmt: skip
def test_an_air_strike_with_no_figure_is_an_incident_with_null_counts(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # A strike on a named village with no toll: the reviewer still gets its record.
    [incident] = analyzer.analyze(text, lang=lang)["incidents"]
    assert (incident["killed"], incident["location"]["name"]) == (
        {"min": None, "max": None},
        "Sokoura",
    )
    assert incident["perpetrators"] == ["French forces (Barkhane)"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Five police officers were killed on Sunday in an attack in the north of the "
         "country, the ministry said. The news agency also reported that two women were "
         "killed on Sunday when their cart hit a land mine in the department of Titao."),
        ("fr", "Cinq policiers ont été tués dimanche dans une attaque dans le nord du pays, a "
         "indiqué le ministère. Deux femmes ont aussi été tuées dimanche quand leur charrette "
         "a sauté sur une mine dans le département de Titao."),
    ],
)  # fmt: skip
def test_a_mine_blast_told_apart_with_its_own_place_is_another_event(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # The police died in an attack; the women on a mine elsewhere: two events.
    found = analyzer.analyze(text, lang=lang, published=date(2021, 11, 1))["incidents"]
    north, titao = {"en": ("the north of the country", "department of Titao"),
                    "fr": ("le nord du pays", "département de Titao")}[lang]  # fmt: skip
    assert [(i["event"], i["killed"]["min"], i["location"]["name"]) for i in found] == [
        (0, 5, north),
        (1, 2, titao),
    ]


def test_guard_a_mine_that_struck_the_events_own_convoy_stays_one_event(
    analyzer: Analyzer,
) -> None:
    # The same side (soldiers) on both sentences: the mine is the attack's.
    text = (
        "Gunmen attacked an army convoy near Titao on Sunday, killing four soldiers. Two "
        "more soldiers were killed when their truck hit a land mine near Titao."
    )
    found = analyzer.analyze(text, lang="en", published=date(2021, 11, 1))["incidents"]
    assert len({i["event"] for i in found}) == 1


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Gunmen raided the village of Sokoura on Sunday. \"This morning we counted 19 "
         "dead and the search (for bodies) is ongoing,\" the mayor said."),
        ("fr", "Des hommes armés ont attaqué dimanche le village de Sokoura. Le maire a compté "
         "19 morts. Les recherches se poursuivent."),
    ],
)  # fmt: skip
def test_a_count_of_the_dead_while_the_search_goes_on_is_a_floor(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # More bodies may be found: 19 at least, no upper bound.
    assert _killed_ranges(analyzer, text, lang) == [(19, None)]


def test_guard_a_search_for_the_attackers_leaves_the_toll_exact(analyzer: Analyzer) -> None:
    # "search" and "ongoing" in different clauses, or a search said before the count.
    text = (
        "The search for the attackers began at dawn. Gunmen killed 19 villagers in "
        "Sokoura on Sunday, and an investigation is ongoing."
    )
    assert _killed_ranges(analyzer, text, "en") == [(19, 19)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Militants attacked a base in the western Niger town of Inates on Tuesday, "
         "killing 20 soldiers. It was the same area where Islamic State killed 50 soldiers "
         "in two attacks in May and July."),
        ("fr", "Des jihadistes ont attaqué mardi la base d'Inates, dans l'ouest du Niger, "
         "tuant 20 soldats. C'est dans la même zone que l'EI avait tué 50 soldats en deux "
         "attaques en mai et juillet."),
    ],
)  # fmt: skip
def test_a_period_total_in_the_same_area_is_placed_where_the_text_just_was(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # "the same area" refers back to Inates, not to the region around it.
    found = analyzer.analyze(text, lang=lang, published=date(2019, 12, 12))["incidents"]
    assert [(i["killed"]["min"], i["aggregate"], i["location"]["name"]) for i in found] == [
        (20, False, "Inates"),
        (50, True, "Inates"),
    ]


def test_guard_a_period_total_with_no_area_named_back_keeps_its_region(
    analyzer: Analyzer,
) -> None:
    text = (
        "Militants attacked a base in the western Niger town of Inates on Tuesday, killing "
        "20 soldiers. Islamic State killed 50 soldiers in western Niger in two attacks in "
        "May and July."
    )
    found = analyzer.analyze(text, lang="en", published=date(2019, 12, 12))["incidents"]
    assert [(i["aggregate"], i["location"]["name"]) for i in found] == [
        (False, "Inates"),
        (True, "western Niger"),
    ]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The attack on the army post in Nampala on Monday left many dead and wounded "
         "on both sides, officials said. At least five soldiers were killed."),
        ("fr", "Une attaque a visé lundi une garnison de l'armée à Nampala, faisant de nombreux "
         "morts et blessés de part et d'autre, selon les autorités. Au moins cinq soldats ont "
         "été tués."),
    ],
)  # fmt: skip
def test_a_toll_on_both_sides_is_the_forces_and_its_attackers(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # The soldiers' record takes the five; the attackers get their own vague toll.
    found = analyzer.analyze(text, lang=lang)["incidents"]
    assert [
        (i["victims"], i["killed"]["min"], i["killed"]["max"], i["injured"]["min"]) for i in found
    ] == [(["soldiers"], 5, None, 2), (["militants"], 2, None, 2)]


def test_guard_a_toll_on_both_sides_with_no_force_counted_stays_one(
    analyzer: Analyzer,
) -> None:
    # Two communities clash: no soldiers counted, nothing to split into.
    text = "Clashes between herders and farmers near Sokoura left many dead on both sides."
    found = analyzer.analyze(text, lang="en")["incidents"]
    assert [(i["killed"]["min"], i["victims"]) for i in found] == [(2, ["unknown"])]


@pytest.mark.parametrize(
    ("lang", "text", "victims", "day"),
    [
        ("en", "Insurgents staged a dawn attack targeting a police academy in Ségou on "
         "Monday. The army pushed the attackers back.", ["soldiers"], "2024-09-16"),
        ("fr", "Des hommes armés ont attaqué lundi le camp militaire de Boulkessi, a indiqué "
         "un élu local.", ["soldiers"], "2024-09-16"),
        ("en", "Gunmen attacked a wedding in the village of Sadia on Sunday, residents said.",
         ["civilians"], "2024-09-15"),
        # guard: nothing says who was struck
        ("fr", "Des hommes armés ont attaqué lundi le village de Sadia, selon des habitants.",
         ["unknown"], "2024-09-16"),
    ],
)  # fmt: skip
def test_an_attack_told_without_a_figure_has_the_side_struck_and_its_day(
    analyzer: Analyzer, lang: str, text: str, victims: list[str], day: str
) -> None:
    # No toll anywhere: one record with counts null, the side its sentence says was
    # attacked (a force's camp or unit, a civilian venue) and the weekday resolved.
    result = analyzer.analyze(text, lang=lang, published=date(2024, 9, 17))
    [incident] = result["incidents"]
    assert incident["killed"] == {"min": None, "max": None}
    assert (incident["victims"], incident["event_date"]) == (victims, day)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Cinq militaires ont été tués lundi près de Boni. Par la suite, un des blessés "
         "a succombé à ses blessures."),
        ("en", "Five soldiers were killed near Boni on Monday. One of the wounded later died of "
         "his injuries."),
    ],
)  # fmt: skip
def test_one_of_the_wounded_who_died_later_is_one_more_dead_and_says_some_were_wounded(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # Five, then six with the later death (two accounts of one toll, as for "another
    # villager later died"); the wounded are at least one, not one.
    [incident] = analyzer.analyze(text, lang=lang)["incidents"]
    assert incident["killed"] == {"min": 5, "max": 6}
    assert incident["injured"] == {"min": 1, "max": None}
