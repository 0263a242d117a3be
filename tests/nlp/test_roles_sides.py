"""Which side an actor named near a figure is on. Sentences written for the rules.

The group the victims were said to belong to is not their killer; the "by" phrase of
one figure is not the agent of another figure of the sentence; the army's auxiliaries
named around civilians' deaths kill them only as agents, and named with militants'
deaths they fought them; attackers who fell in the soldiers' fight were their attackers.
"""

from __future__ import annotations

from typing import Any

import pytest

from nlp.analyze import Analyzer

FAB = "Burkinabe Armed Forces"
DOZO = "Dozo militia"
JIHADISTS = "suspected jihadists"
GUNMEN = "unidentified gunmen"


def incidents(analyzer: Analyzer, text: str, lang: str) -> list[dict[str, Any]]:
    result = analyzer.analyze(text, lang=lang)
    return [i for i in result["incidents"] if not i["aggregate"]]


def by_victims(found: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["victims"][0]: i for i in found}


@pytest.mark.parametrize(
    ("lang", "text", "killers"),
    [
        ("en", "Jihadists shot dead eight villagers in Macina whom they suspected of belonging "
         "to a Dozo militia.", [JIHADISTS]),
        ("fr", "Au moins six civils ont été tués à Dioura, les jihadistes les soupçonnant "
         "d'appartenir aux chasseurs dozos.", [JIHADISTS]),
        # the apposition after the victims' supposed side is that side too
        ("fr", "Des jihadistes ont abattu neuf hommes à Dioura, les accusant d'appartenir aux "
         "donzos, chasseurs traditionnels de la région.", [JIHADISTS]),
        ("en", "Gunmen executed 14 herders near Niono whom they accused of collaborating with "
         "Dozo hunters.", [GUNMEN]),
    ],
)  # fmt: skip
def test_the_side_the_victims_were_said_to_be_on_is_not_their_killer(
    analyzer: Analyzer, lang: str, text: str, killers: list[str]
) -> None:
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == killers


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Eight civilians were killed in Macina by fighters of a Dozo militia."),
        ("fr", "Huit civils ont été tués à Macina par des chasseurs dozos."),
    ],
)  # fmt: skip
def test_guard_a_militia_that_killed_is_still_the_perpetrator(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == [DOZO]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Vingt terroristes neutralisés par l'armée et neuf civils tués lundi à Dori."),
        ("en", "Twenty militants were neutralised by the army and nine civilians were killed "
         "on Monday in Dori."),
    ],
)  # fmt: skip
def test_the_by_phrase_of_one_figure_is_not_the_agent_of_another(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    found = by_victims(incidents(analyzer, text, lang))
    assert found["militants"]["perpetrators"] == [FAB]
    assert found["civilians"]["perpetrators"] == []


def test_the_agent_of_an_earlier_attack_recalled_in_the_sentence_is_not_borrowed(
    analyzer: Analyzer,
) -> None:
    text = (
        "At least 15 people were killed on Monday in Banibangou, less than two weeks after "
        "33 people were killed by jihadists."
    )
    found = analyzer.analyze(text, lang="en")["incidents"]
    [fifteen] = [i for i in found if i["killed"]["min"] == 15]
    [earlier] = [i for i in found if i["killed"]["min"] == 33]
    assert fifteen["perpetrators"] == []
    assert earlier["perpetrators"] == [JIHADISTS]


def test_guard_the_by_phrase_of_the_figure_itself_names_its_agent(analyzer: Analyzer) -> None:
    [incident] = incidents(analyzer, "Nine civilians were killed by jihadists in Dori.", "en")
    assert incident["perpetrators"] == [JIHADISTS]


def test_auxiliaries_named_around_civilians_deaths_kill_them_only_as_agents(
    analyzer: Analyzer,
) -> None:
    text = (
        "Des individus armés sont entrés à l'aube dans le village de Kodyel. Le bilan fait "
        "état de douze civils tués et de nombreux blessés. Les VDP présents sur place ont "
        "réussi à abattre sept terroristes."
    )
    found = by_victims(incidents(analyzer, text, "fr"))
    assert found["civilians"]["perpetrators"] == [GUNMEN]
    # named with the militants' deaths, the auxiliaries fought them
    assert found["militants"]["perpetrators"] == ["VDP"]


def test_guard_auxiliaries_who_killed_civilians_in_the_sentence_are_their_killers(
    analyzer: Analyzer,
) -> None:
    text = (
        "Militiamen of the Volunteers for the Defence of the Homeland executed at least 40 "
        "herders near Solenzo."
    )
    [incident] = incidents(analyzer, text, "en")
    assert incident["perpetrators"] == ["VDP"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Five police officers were killed on Sunday in Gorom-Gorom, and about 15 "
         "attackers were killed in the ensuing fight."),
        ("fr", "Quatre gendarmes ont été tués dimanche à Gorom-Gorom et une dizaine "
         "d'assaillants ont été tués lors de la riposte."),
    ],
)  # fmt: skip
def test_attackers_who_fell_in_the_soldiers_fight_were_their_attackers(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    found = by_victims(incidents(analyzer, text, lang))
    assert found["soldiers"]["perpetrators"] == [GUNMEN]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Fifteen villagers were killed in Banibangou on Monday. The area has for years "
         "been the scene of bloody attacks by jihadist groups linked to Al-Qaeda and the "
         "Islamic State group."),
        ("fr", "Quinze villageois ont été tués à Banibangou lundi. La zone est depuis des "
         "années le théâtre d'attaques sanglantes menées par des groupes jihadistes liés à "
         "Al-Qaïda et au groupe État islamique."),
    ],
)  # fmt: skip
def test_the_agents_of_attacks_in_the_plural_and_their_allies_are_the_background(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Fifteen villagers were killed in Banibangou on Monday. Residents blamed the two "
         "attacks by the Islamic State group this month."),
        ("fr", "Quinze villageois ont été tués à Banibangou lundi. Les habitants accusent les "
         "deux attaques de l'État islamique ce mois-ci."),
    ],
)  # fmt: skip
def test_guard_attacks_counted_or_pointed_at_keep_their_agent(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == ["Islamic State Sahel (ISSP/ISGS)"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "After a suicide attack on a military camp in Gao, more than 80 people were "
         "killed on Wednesday, a hospital source said."),
        ("fr", "Lors d'une attaque suicide contre un camp militaire à Gao, plus de 80 personnes "
         "ont été tuées mercredi, selon une source hospitalière."),
    ],
)  # fmt: skip
def test_an_army_named_by_its_camp_is_the_target_not_the_killer(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Malian soldiers and Wagner Group fighters killed dozens of civilians near "
         "Mopti since December. Military drone strikes on a wedding in Douentza on February "
         "16 killed at least 14 civilians."),
        ("fr", "Des soldats maliens et des combattants du groupe Wagner ont tué des dizaines de "
         "civils près de Mopti depuis décembre. Des frappes de drones militaires contre un "
         "mariage à Douentza le 16 février ont tué au moins 14 civils."),
    ],
)  # fmt: skip
def test_military_drones_are_the_army_not_the_nearest_force_named(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    found = analyzer.analyze(text, lang=lang)["incidents"]
    [strike] = [i for i in found if i["killed"]["min"] == 14]
    assert strike["perpetrators"] == ["Malian Armed Forces (FAMa)"]


def test_an_is_attack_is_the_islamic_states(analyzer: Analyzer) -> None:
    text = "On the same day, an IS attack on the army near Menaka left 33 soldiers dead."
    [incident] = incidents(analyzer, text, "en")
    assert incident["perpetrators"] == ["Islamic State Sahel (ISSP/ISGS)"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "On Friday, fighters of the Katiba Macina group attacked the barracks in Kati. "
         "The next day, the extremists attacked a police post in Kolokani, and two soldiers "
         "were killed."),
        ("fr", "Vendredi, des combattants de la Katiba Macina ont attaqué la caserne de Kati. "
         "Le lendemain, les jihadistes ont attaqué un poste de police à Kolokani et deux "
         "soldats ont été tués."),
    ],
)  # fmt: skip
def test_a_descriptor_with_the_definite_article_refers_back_to_the_group(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == ["JNIM"]


def test_guard_a_descriptor_without_article_stays_a_descriptor(analyzer: Analyzer) -> None:
    text = (
        "On Friday, fighters of the Katiba Macina group attacked the barracks in Kati. The "
        "next day, jihadists attacked a police post in Kolokani, and two soldiers were killed."
    )
    [incident] = incidents(analyzer, text, "en")
    assert incident["perpetrators"] == [JIHADISTS]


def test_military_forces_in_french_are_the_army(analyzer: Analyzer) -> None:
    text = "Quarante civils ont été exécutés par des forces militaires près de Djibo, au Burkina."
    [incident] = incidents(analyzer, text, "fr")
    assert incident["perpetrators"] == [FAB]
