"""A commune holds the village named beside it; two actors joined as one subject are
both perpetrators. Sentences written for these tests (the places are real, the
events are not)."""

from __future__ import annotations

from nlp.analyze import Analyzer


def places_and_perps(
    analyzer: Analyzer, text: str, lang: str
) -> list[tuple[str | None, list[str]]]:
    result = analyzer.analyze(text, lang=lang)
    return [(i["location"]["name"], i["perpetrators"]) for i in result["incidents"]]


def test_the_village_wins_over_its_commune(analyzer: Analyzer) -> None:
    # Both names are gazetteer villages; "la commune de" makes the second an area.
    text = (
        "Des hommes armés ont attaqué dimanche le village de Tawori, dans la commune "
        "de Madjoari, tuant cinq civils."
    )
    assert places_and_perps(analyzer, text, "fr") == [("Tawori", ["unidentified gunmen"])]


def test_a_commune_in_the_toll_sentence_is_refined_by_the_village_of_the_lead(
    analyzer: Analyzer,
) -> None:
    text = (
        "Des hommes armés ont attaqué le village de Tawori. Un habitant de la commune "
        "de Madjoari a fait état de 12 morts."
    )
    assert [p for p, _ in places_and_perps(analyzer, text, "fr")] == ["Tawori"]


def test_a_commune_is_still_finer_than_a_region(analyzer: Analyzer) -> None:
    # Guard: with no village named, the commune is the place, not "central Mali".
    text = (
        "Gunmen killed four traders in central Mali on Tuesday. The attack took place "
        "in the commune of Dogofry."
    )
    assert [p for p, _ in places_and_perps(analyzer, text, "en")] == ["Dogofry"]


def test_two_actors_joined_before_the_verb_are_both_perpetrators(analyzer: Analyzer) -> None:
    text = (
        "Since May, Malian armed forces and the Wagner Group have killed at least "
        "32 civilians near Gao."
    )
    assert places_and_perps(analyzer, text, "en") == [
        ("Gao", ["Malian Armed Forces (FAMa)", "Wagner Group"])
    ]
    text = (
        "Vingt personnes auraient été exécutées par l'armée malienne et les "
        "auxiliaires du groupe Wagner à Diafarabé."
    )
    assert [perps for _, perps in places_and_perps(analyzer, text, "fr")] == [
        ["Malian Armed Forces (FAMa)", "Wagner Group"]
    ]


def test_a_setting_joined_by_a_comma_does_not_become_an_agent(analyzer: Analyzer) -> None:
    # Guard: "a flashpoint for jihadist attacks, when armed men raided": only the men act.
    text = (
        "Gunmen killed three people near Gao, a flashpoint for jihadist attacks, "
        "when armed men raided the market."
    )
    assert [perps for _, perps in places_and_perps(analyzer, text, "en")] == [
        ["unidentified gunmen"]
    ]


def perps(analyzer: Analyzer, text: str, lang: str) -> list[list[str]]:
    return [p for _, p in places_and_perps(analyzer, text, lang)]


def test_the_group_the_attackers_belong_to_replaces_generic_attackers(
    analyzer: Analyzer,
) -> None:
    text = (
        "Armed men, most likely members of the Support Group for Islam and Muslims, "
        "attacked the post at Kelbo, killing nine soldiers."
    )
    assert perps(analyzer, text, "en") == [["JNIM"]]
    text = (
        "Des hommes armés, soupçonnés d'être du Groupe de soutien à l'islam et aux "
        "musulmans, ont tué quatre gendarmes à Kelbo."
    )
    assert perps(analyzer, text, "fr") == [["JNIM"]]


def test_a_claim_by_a_described_group_and_a_blamed_group(analyzer: Analyzer) -> None:
    text = (
        "Des hommes armés ont tué six soldats à Kelbo. L'attaque a été revendiquée par "
        "l'organisation djihadiste Katibat Macina."
    )
    assert perps(analyzer, text, "fr") == [["JNIM"]]
    text = (
        "Gunmen killed 12 villagers in Tillia on Monday. The governor blamed the Islamic "
        "State in the Greater Sahara for the raid."
    )
    assert perps(analyzer, text, "en") == [["Islamic State Sahel (ISSP/ISGS)"]]


def test_membership_of_a_speaker_names_no_attacker(analyzer: Analyzer) -> None:
    # Guard: "said a member of …" names the speaker's group, not the attackers'.
    text = (
        "Gunmen killed five herders near Kelbo on Sunday, said a member of the "
        "Volunteers for the Defence of the Homeland."
    )
    assert perps(analyzer, text, "en") == [["unidentified gunmen"]]


def test_a_side_that_lost_people_is_not_their_attacker(analyzer: Analyzer) -> None:
    assert perps(analyzer, "The Burkinabe army has suffered 12 fatalities near Djibo.", "en") == [
        []
    ]
    assert perps(
        analyzer, "The VDP lost nine members in an ambush near Djibo on Sunday.", "en"
    ) == [[]]
