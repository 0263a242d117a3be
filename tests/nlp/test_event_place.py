"""Which place an event is given: the scene, not a dateline, a person or a press room.

The texts are written for these tests. Each place named in them is in the
shipped gazetteer (Guindo and Touré are also villages there, as many Sahel
surnames are), so a wrong choice is possible and the test means something.
"""

from __future__ import annotations

from datetime import date

import pytest

from nlp.analyze import Analyzer, _make_doc
from nlp.eventcues import load_cues
from nlp.pipeline import load_pipeline
from nlp.placechoice import usable_place
from nlp.textnorm import fold_keep_length as fold


def places(analyzer: Analyzer, text: str, lang: str = "en") -> list[str | None]:
    result = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))
    return [i["location"]["name"] for i in result["incidents"]]


def test_a_dateline_with_a_colon_is_not_the_scene(analyzer: Analyzer) -> None:
    text = (
        "Bamako: At least nine civilians were killed in an attack on the village of "
        "Ogossagou, local officials said."
    )
    assert places(analyzer, text) == ["Ogossagou"]


def test_a_dateline_with_country_and_date_is_not_the_scene(analyzer: Analyzer) -> None:
    text = (
        "Niamey, Niger, Dec 3 – Around 40 people were killed by gunmen in the village "
        "of Tchoma Bangou, the mayor said."
    )
    assert places(analyzer, text) == ["Tchoma Bangou"]


def test_a_wire_agency_after_a_caption_marks_a_dateline(analyzer: Analyzer) -> None:
    text = (
        "Soldiers on patrol, 12 March 2023 ©AFP Niamey (AFP) Four soldiers were "
        "killed on Wednesday near Hombori, the government said."
    )
    assert places(analyzer, text) == ["Hombori"]


def test_a_surname_after_a_speech_verb_or_title_is_a_person(analyzer: Analyzer) -> None:
    text = '"We counted 19 dead this morning in central Mali," Moulaye Guindo told Reuters.'
    assert places(analyzer, text) == ["central Mali"]
    text = "Twelve civilians were killed in central Mali, according to Colonel Touré."
    assert places(analyzer, text) == ["central Mali"]
    # the same names stay places where the text says so
    text = "Twelve civilians were killed in Guindo on Sunday."
    assert places(analyzer, text) == ["Guindo"]


def test_where_a_spokesman_spoke_is_not_the_scene(analyzer: Analyzer) -> None:
    text = (
        "Gunmen attacked the village of Kobou on Sunday. At least 12 civilians were "
        "killed, an army spokesman told reporters in Bamako."
    )
    assert places(analyzer, text) == ["Kobou"]


def test_where_a_source_was_reached_is_not_the_scene(analyzer: Analyzer) -> None:
    text = "Armed men shot dead six herders at Dinangourou, an official reached in Mopti said."
    assert places(analyzer, text) == ["Dinangourou"]
    text = "Six bergers ont été abattus mardi à Dinangourou, a affirmé un élu joint à Mopti."
    assert places(analyzer, text, "fr") == ["Dinangourou"]
    text = "Six bergers ont été abattus mardi à Sofara, selon des sources locales à Mopti."
    assert places(analyzer, text, "fr") == ["Sofara"]


def test_where_a_casualty_was_evacuated_to_is_not_the_scene(analyzer: Analyzer) -> None:
    text = (
        "Un véhicule de l'armée a sauté sur un engin explosif mardi près de Hombori. "
        "La déflagration a fait un mort, un soldat décédé après avoir été évacué jusqu'à "
        "Sévaré."
    )
    assert places(analyzer, text, "fr") == ["Hombori"]


def test_the_health_centre_the_wounded_were_taken_to_is_not_the_scene(
    analyzer: Analyzer,
) -> None:
    # A new sentence of wounded taken to a town's health centre stays with the attack.
    text = (
        "Vingt civils ont été tués dimanche dans l'attaque du village de Dougabougou. "
        "Une quinzaine de blessés ont été évacués vers le centre de santé de référence "
        "de Niono. Selon le gouvernement, le bilan est de 14 morts."
    )
    assert places(analyzer, text, "fr") == ["Dougabougou"]
    text = (
        "Twenty civilians were killed on Sunday in an attack on Dougabougou. About fifteen "
        "wounded were taken to the regional hospital in Ségou."
    )
    assert places(analyzer, text) == ["Dougabougou"]


def test_where_the_wounded_were_taken_is_never_the_scene(analyzer: Analyzer) -> None:
    # Even when the text names no other place for the toll.
    text = (
        "The raid left 40 wounded, some of whom were flown to Niamey and to Ouallam, a "
        "local official said."
    )
    assert places(analyzer, text) == [None]
    text = "Une dizaine de blessés ont été évacués vers le centre de santé de Djibo."
    assert places(analyzer, text, "fr") == [None]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Gunmen attacked a police post in Gorgadji on Thursday, killing 9 gendarmes. The "
         "police then withdrew to the regional capital, Dori, and two days later the gunmen "
         "came back and killed dozens of civilians."),
        ("fr", "Des hommes armés ont attaqué jeudi un poste de gendarmerie à Gorgadji, tuant 9 "
         "gendarmes. Les gendarmes se sont ensuite repliés sur Dori, et deux jours plus tard "
         "les assaillants sont revenus tuer des dizaines de civils."),
    ],
)  # fmt: skip
def test_where_a_force_withdrew_to_is_not_the_next_attacks_scene(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # Dori is where the police went; the civilians were killed back at the post.
    assert places(analyzer, text, lang) == ["Gorgadji", "Gorgadji"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Gunmen killed 12 villagers in Tillia on Friday. They raided the village of "
         "Bakorate in the Tillia department at dawn."),
        ("fr", "Des hommes armés ont tué douze villageois à Tillia vendredi. Ils ont attaqué le "
         "village de Bakorate, dans le département de Tillia, à l'aube."),
    ],
)  # fmt: skip
def test_a_village_written_inside_the_events_town_is_finer(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # Bakorate lies in the area named after Tillia, where the toll was placed.
    assert places(analyzer, text, lang) == ["Bakorate"]


def test_guard_a_village_outside_the_events_area_or_an_origin_is_not_finer(
    analyzer: Analyzer,
) -> None:
    text = (
        "Gunmen killed 12 villagers in Tillia on Friday. They came from the village of "
        "Bakorate in the Tillia department."
    )
    assert places(analyzer, text) == ["Tillia"]
    text = (
        "Gunmen killed 12 villagers in Tillia on Friday. Others raided the village of "
        "Bakorate in the Tahoua region."
    )
    assert places(analyzer, text) == ["Tillia"]


def test_the_village_named_two_sentences_before_the_toll(analyzer: Analyzer) -> None:
    text = (
        "The convoy left Sévaré on Saturday. Gunmen on motorcycles attacked the "
        "village of Kobou on Sunday evening. They "
        "burned the market and the granaries before leaving. At least 12 civilians were "
        "killed, local officials said."
    )
    assert places(analyzer, text) == ["Kobou"]


def test_a_place_and_date_in_a_photo_caption_are_not_the_event(analyzer: Analyzer) -> None:
    text = (
        "Soldiers on patrol in Tahoua, 20 October 2016 ©AFP Four soldiers were killed "
        "and eight wounded on Wednesday in an ambush near Tongo Tongo, the government said."
    )
    result = analyzer.analyze(text, lang="en", published=date(2017, 10, 6))
    assert [i["location"]["name"] for i in result["incidents"]] == ["Tongo Tongo"]
    assert [i["event_date"] for i in result["incidents"]] == ["2017-10-04"]


def test_a_later_toll_takes_the_scene_written_since_the_last_figure(analyzer: Analyzer) -> None:
    # The earlier event keeps Hombori; the toll after "attacked Kobou" is a new event.
    text = (
        "On 2 May, five soldiers were killed near Hombori. On Sunday, gunmen on "
        "motorcycles attacked the village of Kobou near Bandiagara. They burned the market "
        "before leaving. At least 12 civilians were killed, local officials said."
    )
    result = analyzer.analyze(text, lang="en", published=date(2024, 5, 10))
    found = [(i["location"]["name"], i["killed"]["min"]) for i in result["incidents"]]
    assert found == [("Hombori", 5), ("Kobou", 12)]


def test_each_figure_of_a_list_takes_the_place_written_after_it(analyzer: Analyzer) -> None:
    text = (
        "The gunmen killed three people at Zibane-Koira Zeno and seven more in Gadabo, "
        "officials said."
    )
    found = [
        (i["location"]["name"], i["killed"]["min"])
        for i in analyzer.analyze(text, lang="en")["incidents"]
    ]
    assert found == [("Zibane-Koira Zeno", 3), ("Gadabo", 7)]


def test_an_actor_describing_the_setting_is_not_the_perpetrator(analyzer: Analyzer) -> None:
    text = (
        "Nine people were killed on Monday in northern Burkina Faso, a hotspot of "
        "jihadist raids, after armed men on motorcycles stormed two villages."
    )
    result = analyzer.analyze(text, lang="en")
    assert [i["perpetrators"] for i in result["incidents"]] == [["unidentified gunmen"]]


def test_a_different_toll_without_an_account_cue_is_another_event(analyzer: Analyzer) -> None:
    # Two tolls of one side in two sentences: another event, unless the second is
    # another account of the first ("according to …"), which makes a range.
    text = (
        "Three civilians were killed by gunmen in Kobou on Sunday. Twenty villagers died "
        "when their bus hit a mine on the road."
    )
    found = [i["killed"] for i in analyzer.analyze(text, lang="en")["incidents"]]
    assert found == [{"min": 3, "max": 3}, {"min": 20, "max": 20}]
    text = (
        "Three civilians were killed by gunmen in Kobou on Sunday. According to local "
        "sources, twenty villagers died in the raid."
    )
    found = [i["killed"] for i in analyzer.analyze(text, lang="en")["incidents"]]
    assert found == [{"min": 3, "max": 20}]


def test_the_state_that_struck_from_the_air_is_the_perpetrator(analyzer: Analyzer) -> None:
    # JNIM is named in the paragraph (it accuses the army); the strike is the army's.
    text = (
        "The Malian army said it had carried out air strikes against terrorist hideouts "
        "near Kobou. Residents said one strike hit a wedding. Six civilians were killed in "
        "the strike. JNIM, whose fighters roam the area, accused the army of a massacre."
    )
    result = analyzer.analyze(text, lang="en")
    assert [i["perpetrators"] for i in result["incidents"]] == [["Malian Armed Forces (FAMa)"]]
    text = (
        "L'armée burkinabè a multiplié les frappes aériennes près de Djibo. Selon des "
        "habitants, huit civils ont été tués dans la frappe. Des combattants d'Ansarul "
        "Islam avaient quitté la zone."
    )
    result = analyzer.analyze(text, lang="fr")
    assert [i["perpetrators"] for i in result["incidents"]] == [["Burkinabe Armed Forces"]]


def test_period_totals_of_two_counts_are_two_aggregates(analyzer: Analyzer) -> None:
    text = (
        "Since January, at least 456 civilians have been killed in the Mopti region, "
        "according to the UN mission. A monitoring group reported 612 civilians killed "
        "since the start of the year."
    )
    found = [
        (i["killed"]["min"], i["killed"]["max"], i["aggregate"])
        for i in analyzer.analyze(text, lang="en")["incidents"]
    ]
    assert found == [(456, None, True), (612, 612, True)]


def test_an_area_named_after_its_chief_town_gives_its_country(analyzer: Analyzer) -> None:
    text = "At least 30 people were killed in a Dogon village of the Bankass Circle on Sunday."
    found = [
        (i["location"]["name"], i["location"]["country"])
        for i in analyzer.analyze(text, lang="en")["incidents"]
    ]
    assert found == [("Bankass Circle", "ML")]


def test_the_agent_named_with_an_elided_article_is_the_perpetrator(analyzer: Analyzer) -> None:
    # "par l'armée française": the agent of the killing, though the Malian army is
    # named earlier in the paragraph
    text = (
        "Le rapport cite les groupes jihadistes et les forces armées maliennes. Selon le "
        "rapport, 50 civils ont été tués par l'armée française lors d'une frappe aérienne."
    )
    result = analyzer.analyze(text, lang="fr")
    assert [i["perpetrators"] for i in result["incidents"]] == [["French forces (Barkhane)"]]


def test_a_different_toll_opens_another_event_in_french_too(analyzer: Analyzer) -> None:
    # the article "un" is no account cue (the UN is "l'ONU" in French)
    text = (
        "Trois civils ont été tués par des hommes armés à Kobou dimanche. Vingt villageois "
        "sont morts quand un engin explosif a frappé leur car sur la route."
    )
    found = [i["killed"] for i in analyzer.analyze(text, lang="fr")["incidents"]]
    assert found == [{"min": 3, "max": 3}, {"min": 20, "max": 20}]


def test_a_line_giving_only_a_place_and_a_date_is_a_caption(analyzer: Analyzer) -> None:
    # A photo caption without a credit: its place and date are the picture's.
    text = (
        "Des hommes armés ont tué neuf personnes dans le village de Tawori. "
        "Vue d'un marché à Djibo (Burkina Faso), le 3 mars 2021. "
        "Les assaillants ont fui vers la frontière."
    )
    result = analyzer.analyze(text, lang="fr")
    assert [(i["location"]["name"], i["event_date"]) for i in result["incidents"]] == [
        ("Tawori", None)
    ]


def test_a_sentence_with_a_verb_before_the_place_is_not_a_caption(analyzer: Analyzer) -> None:
    # Guard: the same shape with an event told in full keeps its place and date.
    text = (
        "Gunmen attacked the market of a village in Djibo (Burkina Faso) on "
        "3 March 2021, killing nine."
    )
    result = analyzer.analyze(text, lang="en")
    assert [(i["location"]["name"], i["event_date"]) for i in result["incidents"]] == [
        ("Djibo", "2021-03-03")
    ]


def test_the_burial_of_the_dead_gives_no_place_or_day(analyzer: Analyzer) -> None:
    text = (
        "Quatorze soldats ont été tués le 3 mars 2021 dans une embuscade près de Tawori. "
        "Les corps des quatorze soldats ont été inhumés le 6 mars 2021 à Fada N'Gourma."
    )
    result = analyzer.analyze(text, lang="fr")
    assert [(i["location"]["name"], i["event_date"]) for i in result["incidents"]] == [
        ("Tawori", "2021-03-03")
    ]
    text = (
        "Fourteen soldiers were killed on 3 March 2021 in an ambush near Tawori. The "
        "funerals of the 14 soldiers killed were held in Fada N'Gourma on 6 March 2021."
    )
    result = analyzer.analyze(text, lang="en")
    assert [(i["location"]["name"], i["event_date"]) for i in result["incidents"]] == [
        ("Tawori", "2021-03-03")
    ]


def test_an_attack_on_a_burial_keeps_its_place_and_day(analyzer: Analyzer) -> None:
    # Guard: a strike on a funeral is the event itself.
    text = "A drone strike on a burial in Djibo on 6 March 2021 killed 11 civilians."
    result = analyzer.analyze(text, lang="en")
    assert [(i["location"]["name"], i["event_date"]) for i in result["incidents"]] == [
        ("Djibo", "2021-03-06")
    ]


def test_a_second_destination_joined_by_and_is_a_destination_too(analyzer: Analyzer) -> None:
    text = (
        "Gunmen attacked Tawori on Sunday. Seventy-five wounded were evacuated to Niamey "
        "and to Ouallam."
    )
    assert places(analyzer, text) == ["Tawori"]
    text = (
        "Des hommes armés ont attaqué Tawori. Trente blessés ont été évacués vers Niamey "
        "et vers Ouallam."
    )
    assert places(analyzer, text, "fr") == ["Tawori"]


def test_a_town_named_after_a_destination_cue_is_still_a_destination(analyzer: Analyzer) -> None:
    text = (
        "Des hommes armés ont attaqué Tawori dimanche. Neuf blessés ont été transférés "
        "vers la ville voisine de Fada N'Gourma."
    )
    assert places(analyzer, text, "fr") == ["Tawori"]
    text = (
        "Gunmen attacked Tawori on Sunday. Nine wounded were evacuated to the town of "
        "Fada N'Gourma."
    )
    assert places(analyzer, text) == ["Tawori"]


def test_a_recalled_event_takes_no_village_from_the_main_story_after_it(
    analyzer: Analyzer,
) -> None:
    # The mine of early May is recalled between two sentences of Monday's attack: the
    # village named two sentences after it is where Monday's attackers waited.
    for lang, text in (
        (
            "en",
            "Gunmen attacked a supply convoy on Monday, killing 11 soldiers. Early in May, "
            "a mine on the same road had left 35 dead. The trucks attacked on Monday "
            "carried food. The attackers had waited at Gaskindé.",
        ),
        (
            "fr",
            "Des hommes armés ont attaqué un convoi de ravitaillement lundi, tuant 11 soldats. "
            "Début mai, une mine sur la même route avait fait 35 morts. Les camions attaqués "
            "lundi transportaient des vivres. Les assaillants attendaient à Gaskindé.",
        ),
    ):
        found = {
            i["killed"]["min"]: i["location"]["name"]
            for i in analyzer.analyze(text, lang=lang)["incidents"]
        }
        assert found == {11: "Gaskindé", 35: None}, lang


def test_a_recalled_event_keeps_the_village_written_in_its_own_sentence(
    analyzer: Analyzer,
) -> None:
    # Guard: the narrower reach only concerns villages of neighbouring sentences.
    text = (
        "A mine on the road to Djibo killed 11 soldiers on Monday. Early in May, 35 people "
        "had died in an attack on the market of Gaskindé. It was the worst attack of the year."
    )
    found = {
        i["killed"]["min"]: i["location"]["name"]
        for i in analyzer.analyze(text, lang="en")["incidents"]
    }
    assert found == {11: "Djibo", 35: "Gaskindé"}


def test_where_the_dead_were_buried_is_not_the_scene(analyzer: Analyzer) -> None:
    for lang, text in (
        (
            "en",
            "Gunmen killed 27 soldiers in an ambush. "
            "The soldiers were buried on Saturday in Ouagadougou.",
        ),
        (
            "fr",
            "Des hommes armés ont tué 27 soldats dans une embuscade. Les corps des soldats ont "
            "été enterrés le 8 octobre à Ouagadougou.",
        ),
    ):
        found = analyzer.analyze(text, lang=lang)["incidents"]
        assert [(i["killed"]["min"], i["location"]["name"]) for i in found] == [(27, None)], lang


def test_a_scene_named_before_a_funeral_stays_the_scene(analyzer: Analyzer) -> None:
    # Guard: only a place written after the burial words is the burial's.
    text = "Gunmen killed 27 soldiers in Ouagadougou on Friday. Their funerals were held on Sunday."
    found = analyzer.analyze(text, lang="en")["incidents"]
    assert [i["location"]["name"] for i in found] == ["Ouagadougou"]
    # Guard: a funeral attacked "in Kobou" is the event itself, not a burial after it.
    text = "Gunmen attacked a funeral in Kobou, in the Mopti region, killing 12 mourners."
    found = analyzer.analyze(text, lang="en")["incidents"]
    assert [i["location"]["name"] for i in found] == ["Kobou"]


def test_a_distance_in_words_from_a_village_makes_it_the_nearest_place(
    analyzer: Analyzer,
) -> None:
    # "a dozen kilometres south of Arbinda" is as close as "12 km south of Arbinda".
    for lang, text in (
        (
            "en",
            "Gunmen abducted 30 women in northern Burkina Faso. "
            "About 20 were seized a dozen kilometres south of Arbinda on Thursday.",
        ),
        (
            "fr",
            "Des hommes armés ont enlevé 30 femmes dans le nord du Burkina Faso. Une vingtaine "
            "ont été enlevées à une quinzaine de kilomètres au sud de Arbinda jeudi.",
        ),
    ):
        found = analyzer.analyze(text, lang=lang)["incidents"]
        assert {i["location"]["name"] for i in found} == {"Arbinda"}, lang


def test_a_village_far_off_in_words_does_not_refine_the_region(analyzer: Analyzer) -> None:
    # Guard: "two hundred kilometres south of Arbinda" is a reference point, not the scene.
    text = (
        "Gunmen abducted 30 women in northern Burkina Faso. "
        "About 20 were seized some two hundred kilometres south of Arbinda on Thursday."
    )
    found = analyzer.analyze(text, lang="en")["incidents"]
    thirty = [i for i in found if 30 in (i["abducted"]["min"], i["abducted"]["max"])]
    assert [i["location"]["name"] for i in thirty] == ["northern Burkina Faso"]


def test_the_outskirts_of_a_city_make_a_village_named_next_the_scene(analyzer: Analyzer) -> None:
    # "on the outskirts of Niamey" is a landmark like "near Niamey": the village the next
    # sentence names as the target is the scene.
    for lang, text in (
        (
            "en",
            "Three civilians were killed on Thursday in an attack on a police post on the "
            "outskirts of Niamey. The attackers targeted the post in the village of Torodi, "
            "15 km from the capital.",
        ),
        (
            "fr",
            "Trois civils ont été tués jeudi dans une attaque contre un poste de police à la "
            "périphérie de Niamey. Les assaillants ont visé le poste du village de Torodi, à "
            "15 km de la capitale.",
        ),
    ):
        found = analyzer.analyze(text, lang=lang)["incidents"]
        assert [i["location"]["name"] for i in found] == ["Torodi"], lang


def test_a_city_named_as_the_scene_is_not_refined_by_a_village_of_origin(
    analyzer: Analyzer,
) -> None:
    # Guard: "in Niamey" is the scene; the attackers' village of origin does not replace it.
    text = (
        "Three civilians were killed on Thursday in an attack on a police post in Niamey. "
        "The attackers came from the village of Torodi, 15 km from the capital."
    )
    found = analyzer.analyze(text, lang="en")["incidents"]
    assert [i["location"]["name"] for i in found] == ["Niamey"]


def test_a_toll_in_brackets_after_a_place_is_that_places_own_event(analyzer: Analyzer) -> None:
    # "Five months after Ogossagou (132 killed)": an aside recalling that place's
    # event. Its toll stays there, undated; the village attacked now keeps its own.
    text = (
        "Cinq mois après Ogossagou (132 tués), le village de Bodio a de nouveau été "
        "attaqué dimanche. Au moins 12 villageois ont été tués."
    )
    result = analyzer.analyze(text, lang="fr", published=date(2024, 5, 10))
    found = [
        (i["location"]["name"], i["killed"]["min"], i["event_date"]) for i in result["incidents"]
    ]
    assert found == [("Ogossagou", 132, None), ("Bodio", 12, "2024-05-05")]
    text = (
        "Three months after the massacre in Solhan (at least 132 dead), gunmen attacked "
        "the village of Seytenga on Sunday, killing 40 people."
    )
    assert places(analyzer, text) == ["Solhan", "Seytenga"]


def test_guard_a_bracket_without_a_toll_after_a_place_keeps_the_scene(
    analyzer: Analyzer,
) -> None:
    text = "Gunmen attacked the village of Seytenga (Seno province) on Sunday, killing 40 people."
    assert places(analyzer, text) == ["Seytenga"]


def test_the_town_of_a_person_from_nearby_is_not_the_scene(analyzer: Analyzer) -> None:
    # "the mayor of the nearby town of Bankass": he speaks for a neighbouring town; the
    # scene is the village in the district written before.
    text = (
        "The attack took place on Thursday in a village in the Bankass Circle, said the "
        "mayor of the nearby town of Bankass. Armed men burst into the village at night. "
        "They chased those who fled into the bush. We counted 19 dead, he added."
    )
    assert places(analyzer, text) == ["Bankass Circle"]


def test_a_district_named_around_the_toll_when_no_village_is(analyzer: Analyzer) -> None:
    text = (
        "Gunmen raided a hamlet of the Bankass Circle on Sunday night. Nineteen people "
        "were killed, a local official said."
    )
    assert places(analyzer, text) == ["Bankass Circle"]


def test_guard_a_period_totals_region_is_not_given_to_an_unplaced_event(
    analyzer: Analyzer,
) -> None:
    # The region counts the total of months; the strike of one day names no place.
    text = (
        "Soldiers and their allies killed at least 40 civilians in the Mopti region "
        "between January and March, a rights group said. A drone strike on a wedding "
        "killed seven guests on 16 February, the group said."
    )
    result = analyzer.analyze(text, lang="en", published=date(2024, 5, 10))
    single = [i for i in result["incidents"] if not i["aggregate"]]
    assert single and all(i["location"]["name"] != "Mopti region" for i in single)


def test_the_place_victims_were_taken_from_is_the_scene(analyzer: Analyzer) -> None:
    # "kidnapped … from the town of Dakoro": where they were taken; "from" alone names
    # an origin ("soldiers from Tahoua"), and "came from" stays one.
    text = (
        "Gunmen kidnapped six people, including four aid workers, from the town of Dakoro "
        "in central Niger overnight, their employers said."
    )
    assert places(analyzer, text) == ["Dakoro"]
    text = "Gunmen abducted a teacher who came from Dori in a village of the Seno province."
    assert places(analyzer, text) == ["Seno province"]
    assert places(analyzer, "Three soldiers from Tahoua were killed near Ayorou on Sunday.") == [
        "Ayorou"
    ]


def test_an_archive_stamp_is_no_period(analyzer: Analyzer) -> None:
    # "October 15, 2012 / 9:03 AM / in 5 years": a news archive's stamp, not "over five
    # years"; the kidnapping is one event at its town.
    text = (
        "Gunmen kidnap six in Niger October 15, 2012 / 9:03 AM / in 5 years NIAMEY "
        "(Reuters) - Gunmen kidnapped six people from the town of Dakoro in central Niger "
        "overnight, officials said on Monday."
    )
    result = analyzer.analyze(text, lang="en", published=date(2012, 10, 15))
    assert [(i["aggregate"], i["location"]["name"]) for i in result["incidents"]] == [
        (False, "Dakoro")
    ]


def test_a_country_that_acts_is_not_the_scene_beside_the_country_that_is(
    analyzer: Analyzer,
) -> None:
    # "since France launched an operation in Mali": France acts, Mali is where.
    text = "Six French soldiers have been killed since France launched an operation in Mali."
    result = analyzer.analyze(text, lang="en", published=date(2013, 11, 2))
    assert [(i["location"]["name"], i["location"]["country"]) for i in result["incidents"]] == [
        ("Mali", "ML")
    ]


def test_the_victims_own_post_names_the_scene(analyzer: Analyzer) -> None:
    # "chief of the village of X" is a reference point when he speaks; when he is the
    # victim, his village is where he was killed, finer than the province beside it.
    text = (
        "Le chef du village de Koumbri, dans la province du Yatenga, a été tué dans "
        "la nuit de mardi à mercredi par des individus armés."
    )
    assert places(analyzer, text, "fr") == ["Koumbri"]
    text = "The chief of Koumbri village, in Yatenga province, was shot dead on Tuesday."
    assert places(analyzer, text) == ["Koumbri"]


def test_guard_a_chief_who_speaks_is_still_no_scene(analyzer: Analyzer) -> None:
    text = "Two soldiers were killed near Ouahigouya, the chief of Koumbri village said."
    assert places(analyzer, text) == ["Ouahigouya"]


def test_the_country_backing_an_actor_is_not_the_scene(analyzer: Analyzer) -> None:
    text = (
        "Les forces armées maliennes et le groupe Wagner, soutenu par la Russie, ont tué au "
        "moins 20 civils dans des villages du nord du Mali depuis le mois de mai."
    )
    assert places(analyzer, text, "fr") == ["nord du Mali"]
    text = (
        "Malian soldiers and the Wagner Group, backed by Russia, have killed at least 20 "
        "civilians in villages of northern Mali since May."
    )
    assert places(analyzer, text) == ["northern Mali"]


def test_a_commune_named_between_two_tolls_does_not_replace_the_village(
    analyzer: Analyzer,
) -> None:
    # The second toll's lead-in names the commune whose officials came to the scene:
    # coarser than the village the text opened on.
    text = (
        "Le village de Kobou, commune de Dioungani, a reçu la visite d'hommes armés "
        "vendredi. Le village a subi une attaque qui a fait une trentaine de morts. Samedi, "
        "toute l'administration de la commune de Dioungani était sur place. Le bilan est "
        "passé à 41 morts."
    )
    assert places(analyzer, text, "fr") == ["Kobou"]


def test_an_unknown_name_an_attack_verb_governs_is_the_scene(analyzer: Analyzer) -> None:
    # "ont attaqué X": X, not in the gazetteer, is kept as written (unresolved).
    text = "Des individus armés ont attaqué Tinkoubaré et tué sept personnes vendredi."
    assert places(analyzer, text, "fr") == ["Tinkoubaré"]
    assert places(analyzer, "Gunmen raided Tinkoubaré on Friday and killed seven people.") == [
        "Tinkoubaré"
    ]


def test_guard_a_force_an_attack_verb_governs_is_no_place(analyzer: Analyzer) -> None:
    text = "Les terroristes ont attaqué Barkhane et tué deux soldats près de Ménaka."
    assert places(analyzer, text, "fr") == ["Ménaka"]


def test_a_place_at_the_height_of_which_a_blast_happened_is_the_scene(
    analyzer: Analyzer,
) -> None:
    # "à hauteur de X": where on the road; the road's ends are landmarks.
    text = (
        "Douze militaires ont perdu la vie dans l'explosion d'un engin à hauteur de "
        "Tinkoubaré, sur l'axe Bourzanga-Djibo, mardi."
    )
    assert places(analyzer, text, "fr") == ["Tinkoubaré"]


def test_where_a_casualty_died_of_his_wounds_is_not_the_scene(analyzer: Analyzer) -> None:
    # The mine went off near Tessit; Gao is where the wounded soldier was flown and
    # died. Tessit and Gao are both in the gazetteer.
    text = (
        "An army patrol hit a mine on Tuesday near the town of Tessit. The blast killed "
        "a sergeant, who died after being flown to Gao. The army said the sergeant died "
        "of his wounds in Gao on Wednesday."
    )
    assert places(analyzer, text) == ["Tessit"]
    text = (
        "Une patrouille de l'armée a sauté sur une mine mardi près de la ville de Tessit. "
        "L'explosion a fait un mort, un sergent décédé après son évacuation vers Gao. "
        "L'armée confirme que le sergent est décédé mercredi des suites de ses blessures "
        "à Gao."
    )
    assert places(analyzer, text, "fr") == ["Tessit"]


def test_the_ends_of_a_convoys_route_are_not_the_scene_of_its_ambush(
    analyzer: Analyzer,
) -> None:
    text = (
        "A group of soldiers travelling between Douna and Seytenga fell into an ambush on "
        "the outskirts of the village of Kelbo on Monday. Twelve soldiers were killed."
    )
    assert places(analyzer, text) == ["Kelbo"]
    text = (
        "Un convoi de l'armée qui circulait entre Douna et Seytenga est tombé dans une "
        "embuscade aux abords du village de Kelbo lundi. Douze soldats ont été tués."
    )
    assert places(analyzer, text, "fr") == ["Kelbo"]
    # with no verb of travel, "between A and B" is where the attack was (the end
    # nearer the figure is kept)
    text = "Gunmen attacked an army unit between Douna and Seytenga, killing six soldiers."
    assert places(analyzer, text) == ["Seytenga"]


def test_a_court_or_a_summit_names_its_seat_not_the_scene(analyzer: Analyzer) -> None:
    # Paris and Ouagadougou are in the gazetteer; the prosecutors and the summit sit
    # there, the attack was in Kaya.
    text = (
        "Gunmen opened fire on Wednesday outside a hotel in Kaya used by foreign workers. "
        "Prosecutors in Paris opened a terrorism inquiry. The official toll is five dead."
    )
    assert places(analyzer, text) == ["Kaya"]
    text = (
        "Des hommes armés ont ouvert le feu mercredi devant un hôtel de Kaya fréquenté par "
        "des expatriés. Le parquet de Paris a ouvert une enquête. Le bilan officiel fait "
        "état de cinq morts."
    )
    assert places(analyzer, text, "fr") == ["Kaya"]
    text = (
        "A la veille d'un sommet à Ouagadougou, l'armée a annoncé la mort de douze civils "
        "tués par des terroristes dans le nord du pays."
    )
    assert places(analyzer, text, "fr") == ["le nord du pays"]


def test_a_later_event_takes_the_place_of_the_attack_told_three_sentences_up(
    analyzer: Analyzer,
) -> None:
    text = (
        "Gunmen killed 15 people in Banibangou on Monday. The spokesman said the UN camp "
        "in Aguelhok, in the Kidal region, was attacked on Wednesday. Rockets landed near "
        "the camp. The peacekeepers repelled the assault. Three peacekeepers and two "
        "civilians were injured."
    )
    assert places(analyzer, text) == ["Banibangou", "Aguelhok", "Aguelhok"]
    text = (
        "Des hommes armés ont tué 15 personnes lundi à Banibangou. Le camp de l'ONU à "
        "Aguelhok, dans la région de Kidal, a été attaqué mercredi. Des obus sont tombés "
        "près du camp. Les Casques bleus ont repoussé l'assaut. Trois Casques bleus ont "
        "été blessés."
    )
    assert places(analyzer, text, "fr") == ["Banibangou", "Aguelhok"]


def test_the_country_of_an_unknown_village_is_not_a_border_named_as_reference(
    analyzer: Analyzer,
) -> None:
    # "Tinkarat" is in no gazetteer; Mali is only the border the post lies near,
    # Niger is where the government speaks.
    text = (
        "Gunmen attacked the village of Tinkarat, about 15 km from the border with Mali, "
        "killing 12 soldiers. The President of Niger declared three days of mourning."
    )
    result = analyzer.analyze(text, lang="en", published=date(2024, 5, 10))
    assert [(i["location"]["name"], i["location"]["country"]) for i in result["incidents"]] == [
        ("Tinkarat", "NE")
    ]


def test_a_country_named_only_as_a_border_is_not_the_scenes_country(analyzer: Analyzer) -> None:
    text = (
        "Niger said 23 of its soldiers were killed in an ambush near the border with "
        "Mali on Tuesday."
    )
    result = analyzer.analyze(text, lang="en", published=date(2024, 5, 10))
    assert [(i["location"]["name"], i["location"]["country"]) for i in result["incidents"]] == [
        (None, "NE")
    ]


def test_a_village_known_only_abroad_takes_the_country_of_the_places_around_it(
    analyzer: Analyzer,
) -> None:
    # The shipped gazetteer knows a Dembo in Burkina Faso only; the text puts this one
    # in central Mali, beside Bankass.
    text = (
        "Au moins 26 personnes ont été tuées dans un village de la région centrale du Mali. "
        "Les assaillants ont attaqué le village de Dembo, a déclaré le maire de Bankass, "
        "où se trouve Dembo."
    )
    result = analyzer.analyze(text, lang="fr", published=date(2024, 5, 10))
    assert [(i["location"]["name"], i["location"]["country"]) for i in result["incidents"]] == [
        ("Dembo", "ML")
    ]
    # guard: a village in the country the text names keeps its entry
    text = (
        "Gunmen attacked a convoy near the Boungou mine in eastern Burkina Faso, killing "
        "37 people, the governor said from Bamako."
    )
    result = analyzer.analyze(text, lang="en", published=date(2024, 5, 10))
    assert [(i["location"]["name"], i["location"]["country"]) for i in result["incidents"]] == [
        ("Boungou", "BF")
    ]


def test_a_town_beside_an_event_abroad_is_not_recast_into_that_country(
    analyzer: Analyzer,
) -> None:
    # Only a country the text watches takes a namesake in: a Sahel town recalled after
    # an attack in Europe stays where the gazetteer puts it.
    text = (
        "The siege came a week after gunmen killed 90 people in Paris. In June, "
        "militants stormed a guesthouse in Sévaré, where 11 people were killed."
    )
    result = analyzer.analyze(text, lang="en", published=date(2024, 5, 10))
    places = {(i["location"]["name"], i["location"]["country"]) for i in result["incidents"]}
    assert places == {("Paris", "FR"), ("Sévaré", "ML")}


def test_a_point_the_scene_lies_far_from_is_never_the_scene(analyzer: Analyzer) -> None:
    # 120 km from the capital is another district: the capital is no place of the event,
    # not even as a last resort; the country still holds.
    for lang, text, country in [
        ("en", "Gunmen killed 12 villagers in two villages 120 kilometres north of the "
         "capital Niamey.", "NE"),
        ("fr", "Des hommes armés ont tué 12 villageois dans deux hameaux situés à 120 "
         "kilomètres au nord de la capitale Niamey.", "NE"),
    ]:  # fmt: skip
        [incident] = analyzer.analyze(text, lang=lang)["incidents"]
        assert (incident["location"]["name"], incident["location"]["country"]) == (None, country)


def test_guard_a_point_a_few_kilometres_off_is_the_nearest_place_given(
    analyzer: Analyzer,
) -> None:
    text = "Gunmen killed 12 villagers in a hamlet about 11 km south of Aguelhoc."
    [incident] = analyzer.analyze(text, lang="en")["incidents"]
    assert incident["location"]["name"] == "Aguelhoc"


def test_a_line_closed_by_its_pictures_date_and_credit_is_a_caption(analyzer: Analyzer) -> None:
    text = (
        "Soldiers train with a drone during an exercise in Ouallam, Niger, April 18, 2018. "
        "Jane Doe, REUTERS. Seventy soldiers died on Tuesday when militants stormed an army "
        "camp in Niger, not far from the border with Mali, the ministry said."
    )
    [incident] = analyzer.analyze(text, lang="en", published=date(2019, 12, 11))["incidents"]
    # not the picture's town; the country of the camp, not the border's other side
    assert (incident["location"]["name"], incident["location"]["country"]) == (None, "NE")
    assert incident["event_date"] == "2019-12-10"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Four soldiers wounded near Ouahigouya were evacuated to Mali, or to France for "
         "two of them."),
        ("fr", "Quatre soldats blessés près de Ouahigouya ont été évacués vers le Mali, ou vers "
         "la France pour deux d'entre eux."),
    ],
)  # fmt: skip
def test_guard_a_place_coordinated_by_or_with_a_reference_point_is_one_too(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    [incident] = analyzer.analyze(text, lang=lang)["incidents"]
    assert (incident["location"]["name"], incident["location"]["country"]) == ("Ouahigouya", "BF")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Seventy soldiers were killed in an attack on a camp in Niger near the border "
         "with Mali."),
        ("fr", "Soixante-dix soldats ont été tués dans l'attaque d'un camp au Niger, près de la "
         "frontière avec le Mali."),
    ],
)  # fmt: skip
def test_a_country_named_as_a_border_is_not_a_second_scene_country(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    [incident] = analyzer.analyze(text, lang=lang)["incidents"]
    assert incident["location"]["country"] == "NE"


def test_a_country_that_holds_a_view_is_no_scene_country(analyzer: Analyzer) -> None:
    # Bounty is not in the gazetteer: only the text could give its country, and France
    # here is a government that holds a view, not where the village is.
    text = (
        "Une frappe aérienne de la force Barkhane a tué 19 civils dans le village de Bounty ; "
        "la France estime avoir visé des jihadistes."
    )
    [incident] = analyzer.analyze(text, lang="fr")["incidents"]
    assert (incident["location"]["name"], incident["location"]["country"]) == ("Bounty", None)


def test_a_direction_inside_a_name_is_no_region(analyzer: Analyzer) -> None:
    text = "Gunmen killed 40 people, the worst toll this year in the West African country."
    [incident] = analyzer.analyze(text, lang="en")["incidents"]
    assert incident["location"]["name"] is None
    # guard: "in the west" alone is a part of the country
    [incident] = analyzer.analyze("Gunmen killed 40 people in the west.", lang="en")["incidents"]
    assert incident["location"]["name"] == "the west"


def test_countries_named_only_as_borders_leave_the_texts_country(analyzer: Analyzer) -> None:
    # Gnangdin is not in the gazetteer: its country comes from the text, and Ghana and
    # Togo are only the borders it lies near
    text = (
        "Le Burkina Faso est une nouvelle fois endeuillé. Cinq soldats ont été tués dans une "
        "embuscade près de Gnangdin, non loin des frontières avec le Ghana et le Togo."
    )
    [incident] = analyzer.analyze(text, lang="fr")["incidents"]
    assert incident["location"]["country"] == "BF"


@pytest.mark.parametrize(
    ("lang", "text", "agg"),
    [
        ("en", "The prime minister of Niger said 30 soldiers had been killed in Mali since "
         "2020.", True),
        ("fr", "Le président de la République du Sénégal a salué la mémoire des 12 casques "
         "bleus tués au Mali depuis 2013.", True),
    ],
)  # fmt: skip
def test_a_country_people_come_from_or_an_office_governs_is_no_scene_country(
    analyzer: Analyzer, lang: str, text: str, agg: bool
) -> None:
    # Niger and Senegal are what a prime minister and a president govern: Mali stays the
    # only country of the scene (a period total is placed in it).
    [incident] = analyzer.analyze(text, lang=lang, published=date(2024, 5, 10))["incidents"]
    assert incident["aggregate"] is agg
    assert incident["location"]["country"] == "ML"
    assert incident["location"]["name"] == ("Mali" if agg else None)


def test_guard_where_the_attackers_rode_off_to_leaves_the_village_its_country(
    analyzer: Analyzer,
) -> None:
    # Only Mali is written as a country; it is where the gunmen rode off to, and the
    # village is in Niger.
    text = (
        "Gunmen on motorbikes killed nine farmers in the village of Tchoma Bangou and then "
        "rode off towards Mali."
    )
    [incident] = analyzer.analyze(text, lang="en", published=date(2024, 5, 10))["incidents"]
    assert (incident["location"]["name"], incident["location"]["country"]) == (
        "Tchoma Bangou",
        "NE",
    )


def test_a_place_the_attackers_rode_off_towards_is_a_reference_point() -> None:
    # "sped off towards Mali": where the attackers went, never the scene's country.
    pipe = load_pipeline("en")
    text = "Twenty people were killed by armed men who sped off towards Mali."
    doc = pipe(_make_doc(pipe, text))
    [mali] = [sp for sp in doc.spans["places"] if sp.text == "Mali"]
    assert not usable_place(mali, fold(text), load_cues("en"))
    text = "Twenty people were killed by armed men in Mali."
    doc = pipe(_make_doc(pipe, text))
    [mali] = [sp for sp in doc.spans["places"] if sp.text == "Mali"]
    assert usable_place(mali, fold(text), load_cues("en"))


def test_the_capital_where_a_junta_is_in_power_is_not_the_scene(analyzer: Analyzer) -> None:
    text = (
        "Gunmen shot dozens of villagers digging a trench in Barsalogho. The villagers had "
        "been told to dig by the junta in power in Ouagadougou. The toll ranges from 80 to "
        "several hundred, sources said."
    )
    [incident] = analyzer.analyze(text, lang="en", published=date(2024, 8, 28))["incidents"]
    assert (incident["killed"]["min"], incident["location"]["name"]) == (80, "Barsalogho")


def test_a_capital_written_two_ways_keeps_its_name(analyzer: Analyzer) -> None:
    # "the Malian capital … in Bamako": one place; the name the report also writes.
    text = (
        "An attack in the Malian capital left more than 70 people dead. A security source "
        "said 77 people had been killed in Tuesday's attacks in Bamako."
    )
    [incident] = analyzer.analyze(text, lang="en", published=date(2024, 9, 20))["incidents"]
    assert (incident["location"]["name"], incident["location"]["country"]) == ("Bamako", "ML")
    # with no other writing, the phrase is the place as written
    text = "Une attaque dans la capitale nigérienne a fait deux morts parmi les gendarmes."
    [incident] = analyzer.analyze(text, lang="fr", published=date(2024, 9, 20))["incidents"]
    assert (incident["location"]["name"], incident["location"]["country"]) == (
        "capitale nigérienne",
        "NE",
    )


@pytest.mark.parametrize(
    ("lang", "text", "area"),
    [
        ("en", "The attack brought to 450 the number of people slain in Niger's Tillabéri "
         "region this year.", "Tillabéri region"),
        ("en", "At least 300 civilians have been killed in the Mopti region of Mali since "
         "January.", "Mopti region"),
        ("fr", "Au moins 300 civils ont été tués dans la région de Mopti, au Mali, depuis "
         "janvier.", "région de Mopti"),
    ],
)  # fmt: skip
def test_a_period_total_in_an_area_of_a_country_is_counted_in_the_area(
    analyzer: Analyzer, lang: str, text: str, area: str
) -> None:
    # The country written with the area only says where the area is.
    [incident] = analyzer.analyze(text, lang=lang, published=date(2024, 9, 20))["incidents"]
    assert incident["aggregate"] is True
    assert incident["location"]["name"] == area


def test_guard_a_period_total_of_a_country_stays_the_countrys(analyzer: Analyzer) -> None:
    text = "Jihadists have killed more than 1,600 people in Niger over the last two years."
    [incident] = analyzer.analyze(text, lang="en", published=date(2024, 9, 20))["incidents"]
    assert (incident["aggregate"], incident["location"]["name"]) == (True, "Niger")
