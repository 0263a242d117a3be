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
    text = "Les forces armées maliennes ont fait état de 12 villageois tués à Dinangourou."
    [incident] = incidents(analyzer, text, "fr")
    assert incident["killed"] == {"min": 12, "max": 12}
    assert "Malian Armed Forces (FAMa)" not in incident["perpetrators"]


def test_inverted_speech_makes_the_actor_the_speakers_affiliation(analyzer: Analyzer) -> None:
    # "…, a indiqué un membre des VDP": the VDP member gives the toll.
    text = (
        "Des hommes armés ont fait irruption lundi dans le village de Kodyel. "
        "On compte 12 morts, a indiqué pour sa part un responsable des "
        "Volontaires pour la défense de la patrie (VDP) joint par téléphone."
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
        "Armed men shot dead 15 civilians at Pobe-Mengao on Saturday, residents said. "
        "On Sunday villagers found the lifeless bodies of 11 people, probably the bodies of "
        "villagers taken away the day before."
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


def test_guard_bodies_found_on_a_road_named_after_the_village_are_in_its_toll(
    analyzer: Analyzer,
) -> None:
    # "l'axe Nassoumbou-Djibo" runs from the village of the toll: the same scene.
    text = (
        "Au moins 14 civils ont été tués samedi à Nassoumbou par des hommes armés. "
        "Dimanche, les corps d'une dizaine de personnes ont été retrouvés sur l'axe "
        "Nassoumbou-Djibo, selon un élu."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["killed"] == {"min": 14, "max": None}
    assert incident["location"]["name"] == "Nassoumbou"
    text = (
        "At least 14 civilians were killed on Saturday in Nassoumbou. On Sunday the bodies "
        "of eight people were found on the Nassoumbou-Djibo road, an official said."
    )
    [incident] = incidents(analyzer, text, "en")
    assert incident["killed"] == {"min": 14, "max": None}


def test_another_source_in_the_same_sentence_gives_the_range_of_one_toll(
    analyzer: Analyzer,
) -> None:
    text = (
        "Herders said 35 people died in the raid on Pissila on Sunday; the ministry put "
        "the toll at 22, and a local radio said the toll could be as high as 40."
    )
    [incident] = incidents(analyzer, text, "en")
    assert incident["killed"] == {"min": 22, "max": 40}
    text = (
        "Des éleveurs parlent de 35 morts dimanche à Pissila ; selon le ministère, le "
        "bilan est de 22 morts."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["killed"] == {"min": 22, "max": 35}


def test_the_day_the_attack_was_claimed_is_not_its_day(analyzer: Analyzer) -> None:
    # The group's own count, told with the day it claimed the attack: the same event.
    text = (
        "Militants killed 14 soldiers in Tamou on Sunday. The group, which claimed the "
        "attack on Tuesday, put the toll at more than 40."
    )
    result = analyzer.analyze(text, lang="en", published=date(2023, 3, 22))
    [incident] = result["incidents"]
    assert incident["killed"] == {"min": 14, "max": None}
    assert incident["event_date"] == "2023-03-19"


def test_the_deadliest_attack_this_year_is_one_event_not_a_period(analyzer: Analyzer) -> None:
    text = (
        "Gunmen stormed Pissila on Sunday, killing 19 traders, in one of the deadliest "
        "raids in the province this year, officials said."
    )
    result = analyzer.analyze(text, lang="en", published=date(2023, 3, 22))
    [incident] = result["incidents"]
    assert (incident["aggregate"], incident["event_date"]) == (False, "2023-03-19")
    text = (
        "Dix-neuf commerçants ont été tués dimanche à Pissila, l'attaque la plus "
        "meurtrière depuis le début de l'année."
    )
    [incident] = analyzer.analyze(text, lang="fr", published=date(2023, 3, 22))["incidents"]
    assert incident["aggregate"] is False


def test_a_hospital_is_where_the_wounded_went_not_the_scene(analyzer: Analyzer) -> None:
    text = (
        "Au moins 20 personnes ont été tuées dimanche dans le village de Barga. "
        "Quatre blessés sont soignés au Centre hospitalier régional de Dori."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["location"]["name"] == "Barga"


def test_a_headline_run_into_its_lead_restates_one_toll(analyzer: Analyzer) -> None:
    # Extracted text often loses the headline's full stop: "27" and "au moins 27"
    # then share a sentence, and are still one toll.
    text = (
        "Niger : 27 civils tués dans une attaque dans l'Ouest 0 Au moins 27 civils ont "
        "été tués dans la nuit de samedi à dimanche par des hommes armés, selon le "
        "ministère."
    )
    found = incidents(analyzer, text, "fr")
    assert len(found) == 1, found
    assert found[0]["killed"]["min"] == 27


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
    # The headline lost its full stop: "Pobé-Mengao Nouvelle" is no longer one name.
    text = "Neuf civils tués à Pobé-Mengao Nouvelle attaque contre des villageois du Soum dimanche."
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
        "Eight civilians died in an assault near Boulsa on Tuesday. Officials said "
        "the village of Kogsablego was the one targeted."
    )
    assert place_names(analyzer, text, "en") == ["Kogsablego"]


def test_near_a_town_with_no_village_named_stays_the_town(analyzer: Analyzer) -> None:
    text = "Twelve civilians were killed on Friday in an attack near Boulsa."
    assert place_names(analyzer, text, "en") == ["Boulsa"]


def test_another_events_village_is_not_taken_for_the_near_town(analyzer: Analyzer) -> None:
    text = (
        "On May 2, militants killed 12 civilians in a raid close to the town of Markoye. "
        "In Niger, gunmen killed 21 civilians in a May 9 raid on the village of "
        "Banibangou."
    )
    assert place_names(analyzer, text, "en") == ["Markoye", "Banibangou"]


def test_a_previous_toll_is_superseded_and_a_destination_is_no_scene(
    analyzer: Analyzer,
) -> None:
    # "le précédent bilan" revises; "à destination de la ville de Djibo" is where the
    # convoy was going, not where it was attacked.
    text = (
        "Un nouveau bilan fait état de 31 soldats tués le 3 mai à Gaskindé. Le précédent "
        "bilan donnait au moins dix soldats tués lors de l'attaque d'une colonne à "
        "destination de la ville de Djibo."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["killed"] == {"min": 31, "max": 31}
    assert incident["location"]["name"] == "Gaskindé"


def test_other_soldiers_after_peacekeepers_are_more_peacekeepers(analyzer: Analyzer) -> None:
    text = (
        "Trois Casques bleus tchadiens ont péri mardi quand leur convoi a été attaqué "
        "près de Kidal. Six autres soldats tchadiens ont aussi été blessés, selon la "
        "mission."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["victims"] == ["peacekeepers"]
    assert incident["killed"] == {"min": 3, "max": 3}
    assert incident["injured"] == {"min": 6, "max": 6}


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
        "Mardi 12 mars 2019, 19 militaires ont été tués lors d'une attaque à Tabankort. "
        "Ce raid a coûté la vie à 19 militaires maliens, la plus lourde perte de mars "
        "2019, selon l'état-major."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["killed"] == {"min": 19, "max": 19}
    assert incident["event_date"] == "2019-03-12"


def test_a_country_that_acts_is_no_scene(analyzer: Analyzer) -> None:
    # "la France annonçait": France speaks; the soldiers died at Tabankort, in Mali.
    text = (
        "Mardi 12 mars 2019, 19 militaires ont été tués lors d'une attaque à Tabankort. "
        "Ce raid a coûté la vie à 19 militaires maliens alors que la France annonçait "
        "une opération contre les djihadistes."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["location"]["name"] == "Tabankort"
    assert incident["event_date"] == "2019-03-12"


def test_a_period_total_keeps_the_country_that_frames_it(analyzer: Analyzer) -> None:
    # Guard: the subject rule is for single events; a period total is counted at the
    # scale of the country named before it.
    text = (
        "Niger has turned to new partners since the coup. Amnesty International counted "
        "at least 54 civilians summarily executed by security forces from January to "
        "June 2024."
    )
    found = analyzer.analyze(text, lang="en")["incidents"]
    assert [(i["aggregate"], i["location"]["name"]) for i in found] == [(True, "Niger")]


def test_a_town_a_few_kilometres_off_beats_the_region(analyzer: Analyzer) -> None:
    # The nearest place the report gives: "14 km north of Tessalit", in its sentence
    # or the next one, rather than the region around it.
    text = "Two peacekeepers died 14 km north of Tessalit in the Kidal region on Friday."
    assert place_names(analyzer, text, "en") == ["Tessalit"]
    text = (
        "One peacekeeper died on Friday when his truck struck a mine. The blast happened "
        "some 14 km (9 miles) north of Tessalit in the region of Kidal."
    )
    assert place_names(analyzer, text, "en") == ["Tessalit"]


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
        "A peacekeeping truck hit a mine on Sunday in the Gao region, killing a Guinean "
        "soldier and injuring three other peacekeepers, the mission said. The area has "
        "seen earlier blasts, among them one that killed two UN peacekeepers and injured "
        "nine others earlier this month."
    )
    result = analyzer.analyze(text, lang="en", published=date(2014, 9, 15))
    killed = {(i["killed"]["min"], i["event_date"]) for i in result["incidents"]}
    assert (2, None) in killed
    assert (2, "2014-09-14") not in killed


def test_an_army_named_as_the_target_of_victims_of_no_side_is_not_their_killer(
    analyzer: Analyzer,
) -> None:
    # "a camp of the Malian army … killing at least 17": the army is where the attack
    # struck; the victims' side is not written, so the army is not made the perpetrator.
    for lang, text in (
        (
            "en",
            "A camp of the Malian army near Ségou came under attack on Monday, "
            "killing at least 17.",
        ),
        (
            "fr",
            "Un camp de l'armée malienne près de Ségou a été attaqué lundi, "
            "faisant au moins 17 morts.",
        ),
    ):
        found = incidents(analyzer, text, lang)
        assert [(i["killed"]["min"], i["perpetrators"]) for i in found] == [(17, [])], lang


def test_an_army_named_before_civilian_victims_stays_their_perpetrator(
    analyzer: Analyzer,
) -> None:
    # Guard: with civilians as the victims, the state force of the sentence is kept.
    text = "The Malian army entered the village of Kobou on Monday; 20 civilians were killed."
    found = incidents(analyzer, text, "en")
    assert [i["perpetrators"] for i in found] == [["Malian Armed Forces (FAMa)"]]


def test_a_day_inside_this_week_is_the_same_event_and_its_date(analyzer: Analyzer) -> None:
    # "killed this week" in the lead, "on Thursday" in the body: one event, on the day.
    text = (
        "Five volunteers fighting beside the army were killed in an attack this week in "
        "the east of Burkina Faso, officials said on Saturday. The five volunteers were "
        "killed on Thursday when their post near Gnangdin was attacked."
    )
    result = analyzer.analyze(text, lang="en", published=date(2025, 1, 4))
    found = [i for i in result["incidents"] if not i["aggregate"]]
    assert [(i["killed"], i["event_date"], i["event_date_end"]) for i in found] == [
        ({"min": 5, "max": 5}, "2025-01-02", None)
    ]
