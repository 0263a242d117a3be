"""Who did it, and when a second figure is the same toll: sentences written for the rules.

Each test names the mechanism it checks; the sentences are ours, shaped like the
reporting the rules must read (army and militia communiqués, inverted speech in
French, headlines run into their lead, bodies found after an attack).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nlp.analyze import Analyzer


def incidents(analyzer: Analyzer, text: str, lang: str) -> list[dict[str, Any]]:
    result = analyzer.analyze(text, lang=lang)
    return [i for i in result["incidents"] if not i["aggregate"]]


def test_army_auxiliaries_killed_beside_soldiers_are_not_the_perpetrators(
    analyzer: Analyzer,
) -> None:
    # VDP fight beside the army: when soldiers are the victims, a VDP named among
    # them is a victim or an ally, never the attacker.
    text = (
        "Eleven soldiers were killed on Monday in an attack on a convoy escorted by the "
        "army and the VDP near Gaskinde."
    )
    found = incidents(analyzer, text, "en")
    soldiers = [i for i in found if "soldiers" in i["victims"]]
    assert soldiers, found
    assert all("VDP" not in i["perpetrators"] for i in soldiers)


def test_an_army_that_reports_the_toll_is_its_source_not_its_perpetrator(
    analyzer: Analyzer,
) -> None:
    text = "L'armée malienne a fait état de 12 civils tués dans le village de Dialassagou."
    [incident] = incidents(analyzer, text, "fr")
    assert incident["killed"] == {"min": 12, "max": 12}
    assert "Malian Armed Forces (FAMa)" not in incident["perpetrators"]


def test_inverted_speech_makes_the_actor_the_speakers_affiliation(analyzer: Analyzer) -> None:
    # "…, a indiqué un membre des VDP": the VDP member gives the toll.
    text = (
        "Plusieurs individus armés ont attaqué le village de Kodyel mardi matin. "
        "Le bilan fait état de 12 morts, a indiqué pour sa part un membre des "
        "Volontaires pour la défense de la patrie (VDP) de la commune."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["killed"] == {"min": 12, "max": 12}
    assert incident["perpetrators"] == ["unidentified gunmen"]


def test_among_generic_descriptors_the_agent_of_the_attack_wins(analyzer: Analyzer) -> None:
    # The gunmen attacked; the "terrorists" are only feared to be present.
    text = (
        "Des hommes armés ont attaqué le village de Kodyel mardi matin. "
        "Le bilan est de 12 morts. "
        "Les habitants redoutaient la présence des terroristes dans la zone."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["perpetrators"] == ["unidentified gunmen"]


def test_bodies_found_after_an_attack_are_part_of_its_toll(analyzer: Analyzer) -> None:
    # A new-event cue ("the day before") describing the victims, and a smaller count
    # of the bodies found: one event, the toll unchanged.
    text = (
        "Gunmen killed 15 civilians in the village of Pobe-Mengao on Saturday, local "
        "sources said. The lifeless bodies of 11 people were found on Sunday morning, "
        "probably the bodies of those abducted the day before."
    )
    [incident] = incidents(analyzer, text, "en")
    assert incident["killed"] == {"min": 15, "max": 15}
    assert incident["location"]["name"] == "Pobe-Mengao"


def test_french_bodies_found_are_part_of_the_toll(analyzer: Analyzer) -> None:
    text = (
        "Au moins vingt civils ont été tués dimanche dans le village de Barga. "
        "Les corps de douze personnes ont été retrouvés lundi matin près du village."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["killed"] == {"min": 20, "max": None}


def test_a_hospital_is_where_the_wounded_went_not_the_scene(analyzer: Analyzer) -> None:
    text = (
        "Au moins 20 personnes ont été tuées dimanche dans le village de Barga. "
        "Six blessés ont été transférés au Centre hospitalier régional de Ouahigouya."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["location"]["name"] == "Barga"


def test_a_headline_run_into_its_lead_restates_one_toll(analyzer: Analyzer) -> None:
    # Extracted text often loses the headline's full stop: "43" and "au moins 43"
    # then share a sentence, and are still one toll.
    text = (
        "Burkina: 43 personnes tuées dans une attaque au Nord 0 Au moins 43 personnes "
        "ont été tuées dans une attaque perpétrée dans la nuit de dimanche à lundi par "
        "des assaillants, selon un communiqué du gouvernement."
    )
    found = incidents(analyzer, text, "fr")
    assert len(found) == 1, found
    assert found[0]["killed"]["min"] == 43


def test_two_different_tolls_in_one_sentence_stay_apart(analyzer: Analyzer) -> None:
    # The restatement rule needs the same number: 43 and 12 of one side in one
    # sentence are two figures (here: two villages).
    text = (
        "Au moins 43 personnes ont été tuées à Barga et 12 personnes ont été tuées "
        "à Diguila dimanche."
    )
    found = incidents(analyzer, text, "fr")
    killed = sorted(i["killed"]["min"] for i in found)
    assert killed == [12, 43]


def place_names(analyzer: Analyzer, text: str, lang: str) -> list[str | None]:
    return [i["location"]["name"] for i in incidents(analyzer, text, lang)]


def test_a_headline_place_glued_to_the_next_sentence_is_still_a_place(
    analyzer: Analyzer,
) -> None:
    # The headline lost its full stop: "Pobé-Mengao Nouvelle" is no longer name.
    text = (
        "Au moins 16 civils tués à Pobé-Mengao Nouvelle incursion meurtrière d'hommes "
        "armés dans la province du Soum."
    )
    assert place_names(analyzer, text, "fr") == ["Pobé-Mengao"]
    text = "Gunmen kill 12 civilians in Djibo The attack took place on Sunday."
    assert place_names(analyzer, text, "en") == ["Djibo"]


def test_a_capitalised_word_after_a_place_still_makes_a_longer_name(
    analyzer: Analyzer,
) -> None:
    # Guard: without a cue and before another capitalised word, "Gao Airport"-like
    # runs stay one name; a lone surname after a first name is no place.
    found = incidents(analyzer, "Twelve people were killed, Moussa Djibo Traore said.", "en")
    assert all(i["location"]["name"] != "Djibo" for i in found)


def test_a_village_named_as_the_target_beats_the_town_it_was_near(analyzer: Analyzer) -> None:
    text = (
        "Twenty civilians were killed during an attack near Boulsa on Friday. "
        "It was the village of Kogsablego that was the target of this new attack."
    )
    assert place_names(analyzer, text, "en") == ["Kogsablego"]


def test_near_a_town_with_no_village_named_stays_the_town(analyzer: Analyzer) -> None:
    text = "Twelve civilians were killed on Friday in an attack near Boulsa."
    assert place_names(analyzer, text, "en") == ["Boulsa"]


def test_another_events_village_is_not_taken_for_the_near_town(analyzer: Analyzer) -> None:
    text = (
        "On Aug. 4, militants killed 30 civilians in an attack near the town of Markoye. "
        "In Niger, gunmen killed 37 civilians in an Aug. 16 attack on the village of "
        "Banibangou."
    )
    assert place_names(analyzer, text, "en") == ["Markoye", "Banibangou"]


def test_a_previous_toll_is_superseded_and_a_destination_is_no_scene(
    analyzer: Analyzer,
) -> None:
    # "le précédent bilan" revises; "à destination de la ville de Djibo" is where the
    # convoy was going, not where it was attacked.
    text = (
        "Vingt-sept soldats ont été tués lors d'une attaque le 26 septembre à Gaskindé, "
        "selon un nouveau bilan. Le précédent bilan faisait état d'au moins onze soldats "
        "tués dans l'attaque d'un convoi à destination de la ville de Djibo."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["killed"] == {"min": 27, "max": 27}
    assert incident["location"]["name"] == "Gaskindé"


def test_other_soldiers_after_peacekeepers_are_more_peacekeepers(analyzer: Analyzer) -> None:
    text = (
        "Cinq Casques bleus burkinabè ont été tués jeudi dans une attaque près de "
        "Tombouctou. Neuf autres soldats burkinabè ont également été blessés, a indiqué "
        "une source de sécurité."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["victims"] == ["peacekeepers"]
    assert incident["killed"] == {"min": 5, "max": 5}
    assert incident["injured"] == {"min": 9, "max": 9}


def test_other_soldiers_after_soldiers_stay_soldiers(analyzer: Analyzer) -> None:
    # Guard: "other" only carries a force over when the earlier victims were one.
    text = (
        "Five soldiers were killed on Thursday in an attack near Boni. Nine other "
        "soldiers were wounded, the army said."
    )
    [incident] = incidents(analyzer, text, "en")
    assert incident["victims"] == ["soldiers"]
    assert incident["injured"] == {"min": 9, "max": 9}


def test_a_month_holds_the_day_of_the_same_event(analyzer: Analyzer) -> None:
    # "le 18 novembre" and "novembre" are one time: the restated toll stays one event.
    text = (
        "Lundi 18 novembre 2019, 24 soldats ont été tués dans une attaque à Tabankort. "
        "Cette attaque a coûté la vie à 24 soldats maliens, la plus lourde perte de "
        "novembre 2019, a indiqué l'armée."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["killed"] == {"min": 24, "max": 24}
    assert incident["event_date"] == "2019-11-18"


def test_a_country_that_acts_is_no_scene(analyzer: Analyzer) -> None:
    # "la France annonçait": France speaks; the soldiers died at Tabankort, in Mali.
    text = (
        "Lundi 18 novembre 2019, 24 soldats ont été tués dans une attaque à Tabankort. "
        "Cette attaque a coûté la vie à 24 soldats maliens alors même que la France "
        "annonçait de lourdes pertes infligées aux djihadistes."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["location"]["name"] == "Tabankort"
    assert incident["event_date"] == "2019-11-18"


def test_a_period_total_keeps_the_country_that_frames_it(analyzer: Analyzer) -> None:
    # Guard: the subject rule is for single events; a period total is counted at the
    # scale of the country named before it.
    text = (
        "Mali has since looked for other ways to acquire foreign help. Human Rights Watch "
        "documented at least 71 cases of civilians summarily executed by security forces "
        "from December 2021 to March 2022."
    )
    found = analyzer.analyze(text, lang="en")["incidents"]
    assert [(i["aggregate"], i["location"]["name"]) for i in found] == [(True, "Mali")]


def test_a_town_a_few_kilometres_off_beats_the_region(analyzer: Analyzer) -> None:
    # The nearest place the report gives: "11 km south of Aguelhoc", in its sentence
    # or the next one, rather than the region around it.
    text = "Two peacekeepers were killed 11 km south of Aguelhoc in the region of Kidal."
    assert place_names(analyzer, text, "en") == ["Aguelhoc"]
    text = (
        "One peacekeeper was killed on Sunday when his vehicle hit a mine. The attack "
        "occurred about 11 km (7 miles) south of Aguelhoc in the region of Kidal."
    )
    assert place_names(analyzer, text, "en") == ["Aguelhoc"]


def test_a_city_far_off_stays_a_reference(analyzer: Analyzer) -> None:
    # Guard: 200 km from the capital is not at the capital.
    text = (
        "Twelve soldiers were killed on Sunday in an attack on a camp in the Koulikoro "
        "region, about 200 kilometres north of Bamako."
    )
    assert place_names(analyzer, text, "en") != ["Bamako"]


def test_earlier_this_month_is_another_time(analyzer: Analyzer) -> None:
    # Guard of the month rule: a relative month ("earlier this month") is not the
    # month that holds the main event's day; the earlier mine keeps its own record.
    text = (
        "A UN military vehicle struck a land mine Sunday in the Kidal region, killing a "
        "Chadian soldier and wounding four other peacekeepers, a spokesman said. The "
        "region has been the scene of earlier mine explosions, including one that killed "
        "four UN peacekeepers and wounded 14 others earlier this month."
    )
    result = analyzer.analyze(text, lang="en", published=date(2014, 9, 15))
    killed = {(i["killed"]["min"], i["event_date"]) for i in result["incidents"]}
    assert (4, None) in killed
    assert (4, "2014-09-14") not in killed
