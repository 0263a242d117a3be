"""Who acted: the subject of the killing, however its phrase is built. Sentences written
for the rules.

A descriptor ("fighters", "combattants") that heads a named group's phrase is that group;
an adverb inside a French compound verb does not hide the verb; the victims listed after
the verb are not a second subject; "an attack" after an actor is a noun, not its verb.
"""

from __future__ import annotations

from typing import Any

import pytest

from nlp.analyze import Analyzer
from nlp.eventcues import load_cues
from nlp.textnorm import fold_keep_length as fold

FAMA = "Malian Armed Forces (FAMa)"
WAGNER = "Wagner Group"


def incidents(analyzer: Analyzer, text: str, lang: str) -> list[dict[str, Any]]:
    result = analyzer.analyze(text, lang=lang)
    return [i for i in result["incidents"] if not i["aggregate"]]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # name, a word, descriptor: "Wagner Group foreign fighters" is Wagner.
        ("en", "Wagner Group foreign fighters and Malian soldiers killed 18 herders near "
         "Diafarabé on Tuesday."),
        # descriptor, a word, "du", name: "combattants étrangers du groupe Wagner".
        ("fr", "Des soldats maliens et des combattants étrangers du groupe Wagner ont "
         "sommairement exécuté 15 villageois à Nampala lundi."),
    ],
)  # fmt: skip
def test_a_descriptor_heading_a_named_groups_phrase_is_that_group(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    [incident] = incidents(analyzer, text, lang)
    assert sorted(incident["perpetrators"]) == [FAMA, WAGNER]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Malian troops and Wagner Group fighters executed at least 15 villagers in "
         "Nampala on Monday."),
        ("fr", "L'armée malienne et les paramilitaires du groupe Wagner ont délibérément tué "
         "au moins 20 civils à Diafarabé."),
        # "membres du JNIM" still names the attackers' group after the descriptor.
        ("fr", "Des hommes armés, probablement des terroristes membres du JNIM, ont tué huit "
         "civils à Sollé dimanche."),
        ("en", "Fighters of the Islamic State in the Greater Sahara killed 11 civilians in "
         "Inatès on Friday."),
    ],
)  # fmt: skip
def test_guard_named_subjects_keep_their_names(analyzer: Analyzer, lang: str, text: str) -> None:
    # Guard: phrases the lexicon or the claimed-by cue already read.
    [incident] = incidents(analyzer, text, lang)
    expected = {
        "Nampala": [FAMA, WAGNER],
        "Diafarabé": [FAMA, WAGNER],
        "Sollé": ["JNIM"],
        "Inatès": ["Islamic State Sahel (ISSP/ISGS)"],
    }[incident["location"]["name"]]
    assert sorted(incident["perpetrators"]) == expected


def test_victims_listed_after_the_verb_are_not_a_second_subject(analyzer: Analyzer) -> None:
    # "Gunmen killed nine traders, two soldiers and a militiaman": the soldiers and the
    # militiaman are killed, not killers beside the gunmen.
    text = (
        "Gunmen killed nine traders, two soldiers and a militiaman in an attack on the "
        "market of Tin-Akoff."
    )
    found = incidents(analyzer, text, "en")
    civilians = [i for i in found if i["victims"] == ["civilians"]]
    assert [i["killed"] for i in civilians] == [{"min": 9, "max": 9}]
    assert civilians[0]["perpetrators"] == ["unidentified gunmen"]


@pytest.mark.parametrize(
    ("lang", "after", "verb"),
    [
        ("en", " in an attack near Djibo", False),
        ("en", " during the raid on Kouni", False),
        ("en", " attacked a patrol", True),
        ("en", " reportedly raided the village", True),
        ("en", " have reportedly killed 12", True),
        ("fr", " ont illégalement tué 12 civils", True),
        ("fr", " ont tué 12 civils", True),
        ("fr", " ont sommairement exécuté 15 villageois", True),
    ],
)
def test_an_agent_verb_after_an_article_is_a_noun_and_an_adverb_does_not_hide_it(
    lang: str, after: str, verb: bool
) -> None:
    assert bool(load_cues(lang).agent_after.match(fold(after))) is verb


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Jihadists killed 12 soldiers near Boni in central Mali on Monday, the Malian "
         "army said. A day earlier, a bomb hit a bus near Douentza in Mali, killing five "
         "passengers. In neighbouring Burkina Faso, government troops killed 20 militants "
         "near Djibo on Tuesday."),
        ("fr", "Des jihadistes ont tué 12 soldats près de Boni, dans le centre du Mali, lundi, "
         "selon l'armée malienne. La veille, une mine a frappé un car près de Douentza, au "
         "Mali, tuant cinq passagers. Au Burkina Faso voisin, les soldats ont tué 20 "
         "terroristes près de Djibo mardi."),
    ],
)  # fmt: skip
def test_unqualified_soldiers_are_the_army_of_the_incidents_country(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # The text is mostly about Mali; the soldiers who killed militants near Djibo are
    # Burkina Faso's, the country of their incident.
    found = incidents(analyzer, text, lang)
    [djibo] = [i for i in found if i["location"]["name"] == "Djibo"]
    assert djibo["perpetrators"] == ["Burkinabe Armed Forces"]


def test_a_french_verb_struck_is_not_an_air_strike(analyzer: Analyzer) -> None:
    # "a frappé" (struck) folds to the noun "frappe": only "la/une/des frappe(s)" is
    # a strike from the air, whose perpetrator would be a state force.
    text = (
        "Jeudi, des hommes armés ont attaqué une position de l'armée près de Tessit. "
        "Le lendemain, une mine a frappé un car près de Tessit, tuant sept passagers."
    )
    found = incidents(analyzer, text, "fr")
    [bus] = [i for i in found if i["killed"] == {"min": 7, "max": 7}]
    assert bus["perpetrators"] == ["unidentified gunmen"]


def test_the_air_strike_told_in_the_sentence_before_the_toll(analyzer: Analyzer) -> None:
    # The strike is told first, its dead in the next sentence; a group that accuses the
    # army afterwards is not the perpetrator.
    text = (
        "The army carried out a drone strike on Sunday on a gathering near Tessit. "
        "Eleven civilians died, according to residents. JNIM, which is active in the "
        "area, accused the army of killing innocent people."
    )
    [incident] = incidents(analyzer, text, "en")
    assert incident["perpetrators"] == ["Malian Armed Forces (FAMa)"]
    text = (
        "Une frappe aérienne a visé dimanche un rassemblement près de Tessit. Onze civils "
        "ont été tués, selon des habitants. Le JNIM, actif dans la zone, accuse l'armée."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["perpetrators"] == ["Malian Armed Forces (FAMa)"]


def test_guard_a_french_strike_noun_is_still_an_air_strike(analyzer: Analyzer) -> None:
    text = (
        "Des jihadistes circulaient près de Tessit. Une frappe de drone a tué neuf civils "
        "lors d'un mariage à Tessit samedi."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["perpetrators"] == ["Malian Armed Forces (FAMa)"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Les forces armées maliennes et le groupe Wagner, soutenu par la Russie, ont "
         "tué au moins 20 civils, dont sept lors d'une frappe de drone, lundi près de Nampala."),
        ("en", "Malian soldiers and the Wagner Group, backed by Russia, killed at least 20 "
         "civilians, seven of them in a drone strike, near Nampala on Monday."),
    ],
)  # fmt: skip
def test_the_verb_after_an_aside_makes_both_subjects_agents(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # ", soutenu par la Russie," stands between the subjects and "ont tué": both are the
    # agents, so both carried out the drone strike (only agents count for one).
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == ["Malian Armed Forces (FAMa)", "Wagner Group"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The bombing of the army camp in Gao was a terrorist attack: a suicide bomber "
         "drove a car bomb into the camp, killing at least forty people."),
        ("fr", "Le bombardement du camp de Gao était une attaque terroriste : un kamikaze a "
         "fait exploser un véhicule piégé dans le camp, tuant au moins quarante personnes."),
    ],
)  # fmt: skip
def test_a_bomb_set_off_on_the_ground_is_no_air_strike(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # "bombing" is a strike from the air only without a car bomb or a suicide bomber
    # beside it: the army whose camp was hit is not the perpetrator.
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == ["suspected jihadists"]


@pytest.mark.parametrize(
    ("lang", "text", "perpetrators"),
    [
        ("en", "A group of armed militants attacked a military camp used by the Malian army "
         "near Nampala, killing at least twelve and injuring more than twenty.",
         ["suspected jihadists"]),
        ("fr", "Des terroristes ont attaqué un convoi escorté par l'armée malienne près de "
         "Boni, tuant sept civils.", ["suspected jihadists"]),
    ],
)  # fmt: skip
def test_by_after_a_participle_of_holding_names_no_attacker(
    analyzer: Analyzer, lang: str, text: str, perpetrators: list[str]
) -> None:
    # "a camp used by the army", "un convoi escorté par l'armée": the army holds or
    # protects what was attacked; "by" makes it no agent.
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == perpetrators


def test_the_agent_of_a_passive_is_not_the_speaker_after_it(analyzer: Analyzer) -> None:
    # "… by armed men, witnesses said": the witnesses speak, the armed men attacked.
    text = (
        "At least nine civilians were killed and two others wounded during a raid on a "
        "village near Bankass by armed men, witnesses said."
    )
    [incident] = incidents(analyzer, text, "en")
    assert incident["perpetrators"] == ["unidentified gunmen"]


def test_a_group_that_claimed_the_attack_is_not_the_speaker_after_it(analyzer: Analyzer) -> None:
    # "claimed by JNIM, the army said": the army speaks; JNIM claimed the ambush.
    text = "Twelve soldiers were killed near Boni in an ambush claimed by JNIM, the army said."
    [incident] = incidents(analyzer, text, "en")
    assert incident["perpetrators"] == ["JNIM"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Des jihadistes ont attaqué Djibo le mois dernier. Un car a sauté sur un engin "
         "explosif mardi près de Djibo, faisant douze morts parmi les passagers."),
        ("en", "Jihadists attacked Djibo last month. A bus hit a landmine on Tuesday near "
         "Djibo, killing twelve passengers."),
    ],
)  # fmt: skip
def test_who_laid_a_mine_is_not_said_by_the_jihadists_named_around_it(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == []


def test_guard_the_agent_of_a_mine_attack_is_kept(analyzer: Analyzer) -> None:
    text = "Suspected jihadists planted a mine that killed twelve passengers near Djibo on Tuesday."
    [incident] = incidents(analyzer, text, "en")
    assert incident["perpetrators"] == ["suspected jihadists"]


def test_guard_a_mine_the_text_blames_on_a_group_keeps_it(analyzer: Analyzer) -> None:
    text = (
        "Un car a sauté sur un engin explosif mardi près de Djibo, faisant douze morts. "
        "Selon les observateurs, l'attaque serait le fait des groupes jihadistes."
    )
    [incident] = incidents(analyzer, text, "fr")
    assert incident["perpetrators"] == ["suspected jihadists"]


def test_russian_auxiliaries_of_the_army_are_wagner_not_the_vdp(analyzer: Analyzer) -> None:
    # "supplétifs" alone are the army's local auxiliaries (VDP); "supplétifs russes" are
    # the Russian paramilitaries fighting beside it.
    text = "Les FAMa et leurs supplétifs russes ont tué six civils mardi au marché de Hombori."
    [incident] = incidents(analyzer, text, "fr")
    assert incident["perpetrators"] == ["Malian Armed Forces (FAMa)", "Wagner Group"]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Five traders were killed by gunmen believed to be jihadists on Friday in "
         "Boulsa.", ["suspected jihadists"]),
        ("fr", "Six personnes ont été tuées par des hommes armés présentés comme des "
         "jihadistes vendredi soir à Maytagou.", ["suspected jihadists"]),
        ("fr", "Trois bergers ont été tués par des individus armés soupçonnés d'être des "
         "terroristes près de Djibo.", ["suspected jihadists"]),
    ],
)  # fmt: skip
def test_a_descriptor_said_to_be_a_more_telling_actor_is_that_actor(
    analyzer: Analyzer, lang: str, text: str, expected: list[str]
) -> None:
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == expected


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Five traders were killed on Friday in Boulsa by unidentified gunmen thought "
         "to be members of JNIM.", ["JNIM"]),
        ("fr", "Trois commerçants ont été tués jeudi à Boulsa par des individus armés se "
         "réclamant de l'État islamique.", ["Islamic State Sahel (ISSP/ISGS)"]),
    ],
)  # fmt: skip
def test_guard_a_group_named_after_a_descriptor_is_the_perpetrator(
    analyzer: Analyzer, lang: str, text: str, expected: list[str]
) -> None:
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Jihadists raided three hamlets near Tillia on Sunday. They torched the "
         "granaries and the wells. At least 40 people are confirmed dead. The attackers "
         "opened fire on herders at the wells."),
        ("fr", "Des jihadistes ont attaqué trois hameaux près de Tillia dimanche. Ils ont "
         "incendié les greniers. Au moins 40 personnes ont été tuées. Les assaillants ont "
         "tiré sur des bergers près des puits."),
    ],
)  # fmt: skip
def test_the_attackers_told_after_the_toll_are_the_jihadists_named_before_it(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == ["suspected jihadists"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # the gunmen are the subject of the toll's own sentence: they stay gunmen
        ("en", "Jihadists have raided villages near Tillia for months. On Sunday gunmen "
         "killed 40 people in Intazayene."),
        ("en", "Five traders were killed on Friday in Boulsa by gunmen. The army said "
         "jihadists were behind it."),
    ],
)  # fmt: skip
def test_guard_gunmen_of_the_tolls_own_sentence_stay_gunmen(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == ["unidentified gunmen"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Fighting went on between rival groups, with IS Sahel fighters reportedly "
         "killing at least a dozen JNIM members near Tin-Akoff last week."),
        ("fr", "Des combattants de l'EIGS ont tué une dizaine de membres du JNIM près de "
         "Tin-Akoff la semaine dernière."),
    ],
)  # fmt: skip
def test_a_rival_group_that_killed_another_groups_members_is_the_perpetrator(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    result = analyzer.analyze(text, lang=lang)
    [incident] = result["incidents"]
    assert incident["victims"] == ["militants"]
    assert incident["perpetrators"] == ["Islamic State Sahel (ISSP/ISGS)"]
    assert incident["targets"] == ["JNIM"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Jihadists attacked an army post in Djibo; soldiers killed 12 of the attackers."),
        ("fr", "Des terroristes ont attaqué le poste de Djibo, la riposte de l'armée a permis "
         "de neutraliser douze assaillants."),
    ],
)  # fmt: skip
def test_guard_attackers_killed_in_their_own_attack_were_killed_by_the_army(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == ["Burkinabe Armed Forces"]


@pytest.mark.parametrize(
    ("lang", "text", "group"),
    [
        ("en", "JNIM claimed the attack in Kobou, which killed 29 soldiers.", "JNIM"),
        ("en", "The Islamic State group on Saturday claimed an attack on the army base in "
         "Kobou, which killed 29 soldiers.", "Islamic State Sahel (ISSP/ISGS)"),
        ("en", "An attack in Kobou killed 29 soldiers. The Islamic State group claimed "
         "responsibility.", "Islamic State Sahel (ISSP/ISGS)"),
        ("fr", "Le JNIM a revendiqué l'attaque de Kobou, qui a fait 29 morts parmi les "
         "soldats.", "JNIM"),
    ],
)  # fmt: skip
def test_the_group_that_claims_the_attack_is_its_perpetrator_not_a_source(
    analyzer: Analyzer, lang: str, text: str, group: str
) -> None:
    found = incidents(analyzer, text, lang)
    assert [(i["killed"]["min"], i["perpetrators"]) for i in found] == [(29, [group])]


def test_a_strike_named_by_a_demonstrative_is_still_an_air_strike(analyzer: Analyzer) -> None:
    # "One of those strikes": the air strikes of the sentence before; its dead are the
    # army's, not those of the group that accuses it in the next sentence.
    text = (
        "The air force said it had carried out air strikes on hideouts east of Bankass. "
        "One of those strikes, on Tuesday, hit a baptism at Tiguila. Seven civilians were "
        "killed, residents said. JNIM accused the army of massacring villagers."
    )
    [incident] = incidents(analyzer, text, "en")
    assert incident["perpetrators"] == ["Malian Armed Forces (FAMa)"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Forty people were killed on Monday in an attack claimed by al-Qaeda on an "
         "army post near Boni."),
        ("en", "Al Qaeda claimed the ambush that killed 12 soldiers near Boni on Monday."),
        ("fr", "Au moins vingt civils ont été tués lundi dans une attaque revendiquée par "
         "Al-Qaïda près de Djibo."),
    ],
)  # fmt: skip
def test_al_qaeda_claiming_a_sahel_attack_is_its_sahel_branch(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # Al-Qaeda's branch in the Sahel is JNIM (GSIM): the group a claim there names.
    assert [i["perpetrators"] for i in incidents(analyzer, text, lang)] == [["JNIM"]]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # A tie that describes the area, not who attacked.
        ("en", "Gunmen killed nine soldiers on Monday near Boni, where armed groups linked "
         "to al-Qaeda have been escalating attacks.", ["unidentified gunmen"]),
        ("fr", "Des hommes armés ont tué douze villageois jeudi près de Téra, une zone "
         "frappée par des groupes affiliés à Al-Qaïda.", ["unidentified gunmen"]),
        # Outside the Sahel al-Qaeda is no group of this schema.
        ("en", "Al Qaeda claimed the bombing that killed 12 people in Aden on Monday.", []),
    ],
)  # fmt: skip
def test_guard_al_qaeda_as_a_background_tie_or_abroad_is_no_sahel_perpetrator(
    analyzer: Analyzer, lang: str, text: str, expected: list[str]
) -> None:
    assert [i["perpetrators"] for i in incidents(analyzer, text, lang)] == [expected]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # "ont procédé à un massacre": the subject carried it out; "et l'armée": an
        # elided article after "et" still joins the two subjects.
        ("fr", "Le groupe Wagner et l'armée malienne ont procédé à un nouveau massacre dans "
         "le centre du Mali dimanche. Selon RFI, 14 bergers ont été exécutés dans le "
         "cercle de Niono."),
        ("fr", "Le groupe Wagner et l'armée malienne ont tué 14 bergers dimanche dans le "
         "cercle de Niono."),
        ("en", "Wagner fighters and the Malian army committed a massacre on Sunday. According "
         "to RFI, 14 herders were executed in the Niono circle."),
    ],
)  # fmt: skip
def test_both_subjects_of_a_massacre_carried_out_are_its_perpetrators(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    found = incidents(analyzer, text, lang)
    assert [sorted(i["perpetrators"]) for i in found] == [[FAMA, WAGNER]]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "An attack on a police school in Bamako left more than 70 people dead, one of "
         "the heaviest tolls suffered by the security forces in years. Officials said the "
         "school was hit at dawn. The attack was claimed by JNIM."),
        ("fr", "L'attaque contre une école de gendarmerie à Bamako a fait plus de 70 morts, "
         "l'une des plus lourdes pertes subies par l'armée depuis des années. Les autorités "
         "disent que l'école a été frappée à l'aube. Elle a été revendiquée par le JNIM."),
    ],
)  # fmt: skip
def test_the_group_that_claimed_it_over_a_force_that_suffered_the_toll(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # "suffered by the army" names who lost people, not an attacker; the group that
    # claimed the attack two sentences on did it.
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == ["JNIM"]


def test_guard_a_force_named_before_civilians_killed_with_no_claim_is_their_killer(
    analyzer: Analyzer,
) -> None:
    text = (
        "Malian soldiers entered Sokoura on Monday and 20 civilians were found dead, "
        "residents said. The army denied any abuse."
    )
    [incident] = incidents(analyzer, text, "en")
    assert incident["perpetrators"] == ["Malian Armed Forces (FAMa)"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "A peacekeeper was killed by unidentified assailants in Timbuktu on Saturday. "
         "A separate incident in Tessalit left three peacekeepers injured."),
        ("fr", "Un casque bleu a été tué par des hommes armés à Tombouctou samedi. Dans une "
         "autre attaque, trois casques bleus ont été blessés à Tessalit."),
    ],
)  # fmt: skip
def test_a_separate_incident_does_not_borrow_the_other_events_attackers(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # The gunmen are the Timbuktu attack's; nobody is named for Tessalit.
    timbuktu = {"en": "Timbuktu", "fr": "Tombouctou"}[lang]
    assert [
        (i["location"]["name"], i["perpetrators"]) for i in incidents(analyzer, text, lang)
    ] == [
        (timbuktu, ["unidentified gunmen"]),
        ("Tessalit", []),
    ]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The siege came a week after Islamic State gunmen killed 90 people in "
         "Paris. In June, the Islamists stormed a guesthouse in Sévaré, where 11 people "
         "were killed."),
        ("fr", "L'attaque survient une semaine après la mort de 90 personnes tuées à "
         "Paris par des hommes de l'État islamique. En juin, les islamistes ont pris "
         "d'assaut un hôtel à Sévaré, où 11 personnes ont été tuées."),
    ],
)  # fmt: skip
def test_the_islamists_do_not_refer_back_to_a_group_acting_in_another_country(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    # "the Islamists" refers back to a group named before it, but not to the one of a
    # sentence whose places are all abroad: that group acted there.
    sevare = [i for i in incidents(analyzer, text, lang) if i["location"]["country"] == "ML"]
    assert [i["perpetrators"] for i in sevare] == [["suspected jihadists"]]


def test_guard_the_islamists_refer_back_to_a_group_named_in_the_same_country(
    analyzer: Analyzer,
) -> None:
    text = (
        "Katiba Macina fighters attacked the town of Kati on Monday. In one of those "
        "incidents, the extremists attacked a police base, killing three officers."
    )
    [incident] = incidents(analyzer, text, "en")
    assert incident["perpetrators"] == ["JNIM"]


@pytest.mark.parametrize(
    ("lang", "text", "group"),
    [
        # the group says it did it
        ("en", "Gunmen shot dead nine guests at a hotel in Sévaré on Friday. "
         "Al-Mourabitoun claimed that it carried out the raid.", "Al-Mourabitoun"),
        ("en", "Gunmen shot dead nine guests at a hotel in Sévaré on Friday. "
         "Al-Mourabitoun took responsibility for the raid.", "Al-Mourabitoun"),
        ("en", "Gunmen shot dead nine guests at a hotel in Sévaré on Friday. "
         "Al-Mourabitoun said its fighters stormed the hotel.", "Al-Mourabitoun"),
        ("fr", "Des hommes armés ont abattu neuf clients d'un hôtel à Sévaré vendredi. "
         "Al-Mourabitoun a affirmé avoir mené l'assaut.", "Al-Mourabitoun"),
        ("fr", "Des hommes armés ont abattu neuf clients d'un hôtel à Sévaré vendredi. "
         "Le groupe Al-Mourabitoun a dit être à l'origine de l'assaut.", "Al-Mourabitoun"),
        # the attack was carried out by it
        ("en", "A terrorist drove a truck bomb into the army camp in Gao, killing at least 40 "
         "soldiers. The bombing was carried out by al-Mourabitoun, a spokesman said.",
         "Al-Mourabitoun"),
        ("fr", "Un terroriste a fait exploser un camion piégé dans le camp militaire de Gao, "
         "tuant au moins 40 soldats. L'attentat a été perpétré par Al-Mourabitoun.",
         "Al-Mourabitoun"),
        ("fr", "Des hommes armés ont tendu une embuscade à une patrouille près de Gao, tuant "
         "au moins 40 soldats. L'opération a été menée par Al-Mourabitoun.", "Al-Mourabitoun"),
        # hedged: attributions follow the text, hedged ones too
        ("en", "Gunmen killed 14 herders near Yoro on Friday. JNIM is suspected of being behind "
         "the attack.", "JNIM"),
        ("en", "Gunmen killed 14 herders near Yoro on Friday. JNIM was blamed for the attack.",
         "JNIM"),
        ("fr", "Des hommes armés ont tué 14 éleveurs près de Yoro vendredi. Le JNIM est "
         "soupçonné d'être derrière l'attaque.", "JNIM"),
        ("fr", "Des hommes armés ont tué 14 éleveurs près de Yoro vendredi. L'attaque serait "
         "l'œuvre du JNIM.", "JNIM"),
    ],
)  # fmt: skip
def test_the_group_a_text_says_carried_out_the_attack_replaces_a_generic_attacker(
    analyzer: Analyzer, lang: str, text: str, group: str
) -> None:
    # The toll's own sentence names only a generic attacker (gunmen, a terrorist); a
    # later sentence says which group did it, claims it, or is suspected of it.
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == [group]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # an air strike: the nearest state named and every force blamed beside it
        ("en", "Residents said nine civilians were killed in Sunday's drone strikes near Anefis. "
         "A rebel spokesman blamed the army and the Russian mercenaries who fight with it."),
        ("fr", "Neuf civils ont été tués dimanche par une frappe de drone près d'Anefis, selon "
         "des habitants. La frappe a été attribuée à l'armée et aux mercenaires russes par "
         "un porte-parole rebelle."),
        # no attacker in the toll's sentence: the forces blamed, not those who blame
        ("en", "A local official said 14 civilians were killed near Anefis on Tuesday. The "
         "rebels blamed the army and Wagner."),
        ("fr", "Quatorze civils ont été tués mardi près d'Anefis, selon un élu local. Les "
         "rebelles ont accusé l'armée et Wagner."),
    ],
)  # fmt: skip
def test_the_forces_blamed_together_for_civilian_deaths_are_all_their_perpetrators(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    [incident] = incidents(analyzer, text, lang)
    assert sorted(incident["perpetrators"]) == [FAMA, WAGNER]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Attackers killed two peacekeepers on Friday near Ber, an area where extremists "
         "continue to operate, the mission said."),
        ("fr", "Des assaillants ont tué deux casques bleus vendredi près de Ber, une zone où des "
         "jihadistes continuent de sévir, selon la mission."),
    ],
)  # fmt: skip
def test_the_groups_that_still_operate_in_the_area_are_its_setting_not_the_attackers(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    [incident] = incidents(analyzer, text, lang)
    assert incident["perpetrators"] == ["unidentified gunmen"]
