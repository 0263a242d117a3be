"""The casualty grammar on blank pipelines, with sentences written for these tests."""

from __future__ import annotations

from spacy.language import Language

from nlp.analyze import Analyzer
from nlp.claims import Claim


def claims(pipe: Language, text: str) -> list[Claim]:
    return list(pipe(text)._.claims)


def one(pipe: Language, text: str) -> Claim:
    found = claims(pipe, text)
    assert len(found) == 1, found
    return found[0]


def test_passive_with_qualifier_victims_and_span(blank_en: Language) -> None:
    text = "At least 14 villagers were killed when gunmen stormed the market."
    c = one(blank_en, text)
    assert (c.kind, c.min, c.max) == ("killed", 14, None)
    assert c.qualifier == "At least"
    assert c.victim_category == "civilians"
    assert text[c.start : c.end] == "At least 14 villagers were killed"


def test_active_verb_before_the_number(blank_en: Language) -> None:
    c = one(blank_en, "Militants killed nine soldiers near the base on Friday.")
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 9, 9, "soldiers")


def test_toll_nouns_and_idioms(blank_en: Language, blank_fr: Language) -> None:
    c = one(blank_en, "The death toll rose to 31 on Tuesday.")
    assert (c.kind, c.min, c.max) == ("killed", 31, 31)
    c = one(blank_fr, "L'attaque a coûté la vie à sept gendarmes.")
    assert (c.min, c.victim_category) == (7, "soldiers")
    c = one(blank_fr, "Douze soldats ont payé le sacrifice suprême.")
    assert (c.kind, c.min) == ("killed", 12)
    c = one(blank_fr, "Le bilan fait état de 33 morts.")
    assert (c.kind, c.min, c.max) == ("killed", 33, 33)
    c = one(blank_fr, "Vingt-deux assaillants ont été neutralisés par l'armée.")
    assert (c.kind, c.min, c.victim_category) == ("killed", 22, "militants")


def test_extermination_and_slaughter_are_killings(blank_en: Language, blank_fr: Language) -> None:
    text = "Soldiers are accused of exterminating at least 150 herders near Djibo."
    c = one(blank_en, text)
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 150, None, "civilians")
    assert text[c.start : c.end] == "exterminating at least 150 herders"
    c = one(blank_en, "Twenty herders were slaughtered near Djibo.")
    assert (c.kind, c.min, c.max) == ("killed", 20, 20)
    c = one(blank_fr, "Des habitants accusent l'armée d'avoir exterminé 40 bergers.")
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 40, 40, "civilians")


def test_quotation_marks_inside_a_trigger_phrase(blank_en: Language, blank_fr: Language) -> None:
    text = "Le communiqué fait état de la « neutralisation » de 35 terroristes."
    c = one(blank_fr, text)
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 35, 35, "militants")
    assert text[c.start : c.end] == "neutralisation » de 35 terroristes"
    c = one(blank_en, 'The army announced the "neutralisation" of 35 terrorists.')
    assert (c.kind, c.min, c.victim_category) == ("killed", 35, "militants")


def test_a_list_of_figures_after_one_verb_is_one_figure_per_item(
    blank_en: Language, blank_fr: Language
) -> None:
    found = claims(blank_en, "Gunmen killed 19 civilians, 20 soldiers and 3 militants.")
    assert [(c.kind, c.min, c.victim_category) for c in found] == [
        ("killed", 19, "civilians"),
        ("killed", 20, "soldiers"),
        ("killed", 3, "militants"),
    ]
    # counted per place, the items are not added up
    text = "Gunmen killed three people at Kodyel, two at Tawori and seven more in Gadabo."
    assert [c.min for c in claims(blank_en, text)] == [3, 2, 7]
    text = "Ils ont tué trois personnes à Kodyel, une autre à Tawori et sept autres à Gadabo."
    assert [c.min for c in claims(blank_fr, text)] == [3, 1, 7]


def test_guard_an_english_article_is_no_french_a(blank_en: Language) -> None:
    # "a" (the article) is not "à": four engineers and a driver are one figure of five
    text = "Four engineers, including a Malian, and a driver were abducted from their camp."
    [c] = claims(blank_en, text)
    assert (c.kind, c.min, c.max) == ("abducted", 5, 5)


def test_injured_and_abducted(blank_en: Language, blank_fr: Language) -> None:
    found = claims(blank_en, "Six people died and 17 others were wounded in the blast.")
    assert [(c.kind, c.min) for c in found] == [("killed", 6), ("injured", 17)]
    c = one(blank_en, "The gunmen kidnapped 23 passengers from the bus.")
    assert (c.kind, c.min, c.max) == ("abducted", 23, 23)
    c = one(blank_fr, "Une trentaine de femmes ont été enlevées près du puits.")
    assert (c.kind, c.min, c.max) == ("abducted", 30, 30)
    c = one(blank_en, "They held about 80 people hostage in the hotel.")
    assert (c.kind, c.min, c.max) == ("abducted", 80, 80)


def test_vague_quantities(blank_en: Language, blank_fr: Language) -> None:
    c = one(blank_en, "Dozens of civilians were killed in the raid.")
    assert (c.min, c.max, c.vague) == (24, None, True)
    c = one(blank_fr, "Plusieurs dizaines de personnes ont été tuées.")
    assert (c.min, c.max, c.vague) == (24, None, True)
    c = one(blank_fr, "Des centaines de civils ont péri.")
    assert (c.min, c.max) == (200, None)
    c = one(blank_en, "Several herders were killed overnight.")
    assert (c.min, c.max) == (2, None)


def test_ranges(blank_en: Language, blank_fr: Language) -> None:
    c = one(blank_en, "Between 60 and 100 people were killed.")
    assert (c.min, c.max) == (60, 100)
    c = one(blank_fr, "Entre 8 et 11 soldats ont été tués.")
    assert (c.min, c.max) == (8, 11)


def test_sub_counts_stay_inside_the_parent(blank_en: Language, blank_fr: Language) -> None:
    found = claims(blank_en, "Gunmen killed 31 people, including 12 women and 9 children.")
    assert [(c.kind, c.min) for c in found] == [("killed", 31)]
    assert {"women", "children"} <= set(found[0].subcategories)
    found = claims(blank_fr, "Au moins 25 civils ont été tués, dont 8 enfants.")
    assert [(c.min, c.max) for c in found] == [(25, None)]
    assert "children" in found[0].subcategories


def test_coordinated_figures(blank_en: Language) -> None:
    found = claims(blank_en, "The strike killed 11 civilians and four fighters.")
    assert sorted((c.min, c.victim_category) for c in found) == [
        (4, "militants"),
        (11, "civilians"),
    ]
    # Same side, one verb: one figure of seven.
    found = claims(blank_en, "The drone killed three men and four boys.")
    assert [(c.min, c.max) for c in found] == [(7, 7)]
    found = claims(blank_en, "Nine soldiers and two civilians were killed.")
    assert sorted((c.min, c.victim_category) for c in found) == [(2, "civilians"), (9, "soldiers")]


def test_negation_gives_zero(blank_en: Language, blank_fr: Language) -> None:
    found = claims(blank_en, "The shelling caused no casualties, the mission said.")
    assert sorted((c.kind, c.min, c.max) for c in found) == [("injured", 0, 0), ("killed", 0, 0)]
    found = claims(blank_fr, "Les tirs ont visé le camp sans faire de victime.")
    assert {(c.kind, c.min) for c in found} == {("killed", 0), ("injured", 0)}
    found = claims(blank_fr, "La patrouille a riposté, sans faire état de blessés.")
    assert [(c.kind, c.min) for c in found] == [("injured", 0)]


def test_unknown_is_not_zero(blank_en: Language, blank_fr: Language) -> None:
    assert claims(blank_en, "The number of casualties is still unknown.") == []
    assert claims(blank_fr, "Aucun bilan n'a été fourni par l'armée.") == []


def test_combined_figure_is_an_upper_bound(blank_en: Language) -> None:
    found = claims(blank_en, "At least 40 people were killed or injured in the attack.")
    assert {(c.kind, c.min, c.max, c.combined) for c in found} == {
        ("killed", None, 40, True),
        ("injured", None, 40, True),
    }


def test_claimant_and_revision(blank_en: Language, blank_fr: Language) -> None:
    c = one(blank_en, "According to local sources, 18 traders were killed.")
    assert c.claimant == "local sources"
    c = one(blank_fr, "Onze civils ont été tués, selon des sources sécuritaires.")
    assert c.claimant == "des sources sécuritaires"
    c = one(blank_en, "The ministry had previously said that five soldiers were killed.")
    assert c.revised


def test_numbers_that_are_not_casualties(blank_en: Language, blank_fr: Language) -> None:
    for text in (
        "The 15-member council met on 12 June 2021 in New York.",
        "There were 136 attacks in the region in 2018.",
        "About 2,000 soldiers were deployed to the 14 villages.",
        "More than 300 fighters attacked the town at 5 a.m.",
        "Police arrested 25 suspects after the attack.",
        "Thirty soldiers were missing after the ambush.",
        "Some 4,500 people were displaced by the fighting.",
        "The rebels interviewed 40 victims and witnesses.",
        "The shares fell by 19% to C$3.32 on Thursday.",
        "A 24-year-old man was arrested.",
    ):
        assert claims(blank_en, text) == [], text
    for text in (
        "Les assaillants sont venus par centaines à bord de 30 motos.",
        "L'armée a procédé à 45 interpellations.",
        "Dix-neuf personnes sont portées disparues.",
        "Le village de 300 habitants a été encerclé vers 17 heures.",
    ):
        assert claims(blank_fr, text) == [], text


def test_figureless_killings(blank_en: Language, blank_fr: Language) -> None:
    c = one(blank_en, "It was a deadly ambush on the convoy.")
    assert (c.min, c.max, c.vague) == (1, None, True)
    c = one(blank_fr, "La mission condamne l'exécution des civils dans la localité.")
    assert (c.min, c.max) == (2, None)
    assert claims(blank_en, "It was among the deadliest raids of the past decade.") == []


def test_a_bare_word_after_a_french_killing_noun_is_an_adjective(
    blank_en: Language, blank_fr: Language
) -> None:
    # "assassinats terroristes" are terrorist killings, not killings of terrorists: a
    # French victim noun takes a determiner ("des", "de") after the killing word.
    for text in (
        "Le parquet a ouvert une enquête pour assassinats terroristes.",
        "Les exécutions sommaires se sont multipliées dans la région.",
    ):
        assert claims(blank_fr, text) == [], text
    c = one(blank_fr, "Les jihadistes ont multiplié les assassinats de civils dans la région.")
    assert (c.min, c.max, c.victim_category, c.victims_text) == (2, None, "civilians", "civils")
    c = one(blank_fr, "Le rapport dénonce des exécutions de bergers peuls.")
    assert (c.min, c.victims_text) == (2, "bergers")
    # English puts the adjective first; a bare plural after the verb is the victims
    c = one(blank_en, "The militants executed villagers in front of the mosque.")
    assert (c.min, c.max, c.victim_category, c.victims_text) == (2, None, "civilians", "villagers")


def test_component_works_without_sentence_boundaries() -> None:
    import spacy

    pipe = spacy.blank("en")
    pipe.add_pipe("civwatch_claims")
    found = list(pipe("gunmen killed 12 villagers " * 400)._.claims)
    assert len(found) == 400
    assert all((c.kind, c.min) == ("killed", 12) for c in found)


def test_sub_count_between_the_number_and_its_verb(blank_fr: Language) -> None:
    c = one(blank_fr, "Au moins 21 civils, dont sept femmes, ont été tués dimanche.")
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 21, None, "civilians")
    assert "women" in c.subcategories


def test_negation_with_named_victims(blank_en: Language) -> None:
    found = claims(blank_en, "The army said no civilians were killed in the operation.")
    assert [(c.kind, c.min, c.max) for c in found] == [("killed", 0, 0)]


def test_contrasted_figure_is_not_a_claim(blank_en: Language) -> None:
    found = claims(blank_en, "Five groups of herders, rather than three, were kidnapped.")
    assert found == []


def test_second_verb_after_and_takes_its_own_figure(blank_en: Language) -> None:
    found = claims(
        blank_en, "The strikes killed more than 3,000 people and wounded about 9,000 others."
    )
    assert [(c.kind, c.min, c.max) for c in found] == [
        ("killed", 3001, None),
        ("injured", 9000, 9000),
    ]


def test_ages_compounds_and_places_are_not_victims(blank_en: Language) -> None:
    assert claims(blank_en, "A five-story building collapsed but nobody was hurt.") == []
    found = claims(blank_en, "Moussa, 19, was shot dead at the market.")
    assert all(19 not in (c.min, c.max) for c in found)
    found = claims(blank_en, "At least 16 protesters in 12 towns have been killed.")
    assert [(c.kind, c.min) for c in found] == [("killed", 16)]


def test_singular_victims_are_a_figure_of_one(blank_en: Language, blank_fr: Language) -> None:
    text = "A roadside bomb exploded near the convoy, killing a Malian soldier."
    c = one(blank_en, text)
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 1, 1, "soldiers")
    assert text[c.start : c.end] == "killing a Malian soldier"
    c = one(blank_en, "A French paratrooper has been killed in the north, officials said.")
    assert (c.min, c.max, c.victim_category) == (1, 1, "soldiers")
    c = one(blank_en, "Gunmen shot dead the mayor of a rural commune on Friday evening.")
    assert (c.min, c.max, c.victim_category) == (1, 1, "civilians")
    c = one(blank_en, "The driver is presumed dead after the ambush.")
    assert (c.min, c.max) == (1, 1)
    c = one(blank_fr, "Le chef du village a été assassiné mardi soir par des hommes armés.")
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 1, 1, "civilians")
    c = one(blank_fr, "L'imam de la mosquée a été tué devant chez lui.")
    assert (c.min, c.victim_category) == (1, "civilians")


def test_coordinated_single_people_add_up(blank_en: Language, blank_fr: Language) -> None:
    c = one(blank_en, "Unidentified gunmen killed an officer and a soldier at a checkpoint.")
    assert (c.min, c.max, c.victim_category) == (2, 2, "soldiers")
    c = one(blank_en, "The attackers killed a nurse and two other people.")
    assert (c.min, c.max, c.victim_category) == (3, 3, "civilians")
    found = claims(blank_fr, "Des hommes armés ont tué un gendarme et un civil jeudi.")
    assert [(c.min, c.victim_category) for c in found] == [(1, "soldiers"), (1, "civilians")]


def test_singular_nouns_that_modify_another_noun_are_no_figure(blank_en: Language) -> None:
    # "a soldier" names a person; "the gendarme school" and "a civilian convoy" do not.
    text = "Several students and soldiers died when attackers stormed the gendarme school."
    c = one(blank_en, text)
    assert (c.min, c.max, c.vague) == (2, None, True)
    found = claims(blank_en, "The soldier patrol was ambushed near the well.")
    assert found == []
    text = (
        "Jihadists said they had killed 63 fighters from a Russian mercenary group and 29 soldiers."
    )
    found = claims(blank_en, text)
    assert [(c.min, c.max) for c in found] == [(63, 63), (29, 29)]


def test_a_kind_with_its_own_figure_is_not_a_combined_bound(blank_fr: Language) -> None:
    found = claims(blank_fr, "Sur le trimestre, 208 civils tués et 41 enlevés ou disparus.")
    assert [(c.kind, c.min, c.max, c.combined) for c in found] == [
        ("killed", 208, 208, False),
        ("abducted", 41, 41, False),
    ]


def test_killed_or_injured_stays_a_bound(blank_fr: Language) -> None:
    found = claims(blank_fr, "L'attaque a fait une trentaine de morts ou blessés graves.")
    assert [(c.kind, c.min, c.max, c.combined) for c in found] == [
        ("killed", None, 30, True),
        ("injured", None, 30, True),
    ]


def test_a_total_split_by_side_is_coded_per_side(blank_en: Language, blank_fr: Language) -> None:
    text = "Fifty-two people, including 38 villagers and 14 soldiers, were killed on Tuesday."
    found = claims(blank_en, text)
    assert [(c.min, c.max, c.victim_category) for c in found] == [
        (38, 38, "civilians"),
        (14, 14, "soldiers"),
    ]
    text = "Au moins neuf personnes, dont huit civils et un gendarme, ont été tuées."
    found = claims(blank_fr, text)
    assert [(c.min, c.max, c.victim_category) for c in found] == [
        (8, 8, "civilians"),
        (1, 1, "soldiers"),
    ]


def test_a_partial_or_one_sided_breakdown_keeps_the_total(blank_en: Language) -> None:
    c = one(blank_en, "Thirty people, including 12 soldiers, were killed in the raid.")
    assert (c.min, c.max) == (30, 30)
    c = one(blank_en, "At least 21 people, including 18 women and three children, were killed.")
    assert (c.min, c.max, c.victim_category, c.subcategories) == (
        21,
        None,
        "civilians",
        ("children", "women"),
    )


def test_victims_as_written_are_the_victim_words(blank_en: Language, blank_fr: Language) -> None:
    # not "de civils ont été": the article and the auxiliaries are not victims
    assert one(blank_fr, "Une trentaine de civils ont été tués.").victims_text == "civils"
    assert one(blank_fr, "Une vingtaine de personnes ont été tuées.").victims_text == "personnes"
    assert one(blank_en, "At least 20 people have been killed.").victims_text == "people"
    assert one(blank_fr, "L'attaque a fait une trentaine de morts.").victims_text == ""


def test_same_side_figures_of_one_verb_add_up_unless_forces_are_named(
    blank_en: Language, blank_fr: Language
) -> None:
    c = one(blank_fr, "Neuf soldats et trois supplétifs de l'armée ont été tués mardi.")
    assert (c.min, c.max, c.victim_category, c.victims_text) == (12, 12, "soldiers", "soldats")
    c = one(blank_en, "Five soldiers and two gendarmes were killed in the ambush.")
    assert (c.min, c.max) == (7, 7)
    text = "They killed 63 fighters of the Wagner group and 29 Malian soldiers."
    assert [(c.min, c.max) for c in claims(blank_en, text)] == [(63, 63), (29, 29)]


def test_a_single_person_of_a_company_is_a_figure_of_one(
    blank_en: Language, blank_fr: Language
) -> None:
    # "d'une société", "of a mining company": the article starts a complement, it does
    # not take the verb from the person before it.
    c = one(blank_fr, "Un employé d'une société minière a été enlevé le 15 janvier.")
    assert (c.kind, c.min, c.max, c.victim_category) == ("abducted", 1, 1, "civilians")
    c = one(blank_en, "An employee of a mining company was kidnapped near Djibo.")
    assert (c.kind, c.min, c.max, c.victim_category) == ("abducted", 1, 1, "civilians")
    c = one(blank_fr, "Mi-avril, un maître d'école a été kidnappé à Bafina.")
    assert (c.kind, c.min, c.victim_category) == ("abducted", 1, "civilians")


def test_a_vague_figure_counts_both_kinds_joined_after_it(
    blank_en: Language, blank_fr: Language
) -> None:
    found = claims(blank_fr, "L'attaque a fait de nombreux morts et blessés de part et d'autre.")
    assert sorted((c.kind, c.min, c.max, c.vague) for c in found) == [
        ("injured", 2, None, True),
        ("killed", 2, None, True),
    ]
    found = claims(blank_en, "The attack on the garrison left many dead and wounded.")
    assert sorted((c.kind, c.min, c.max) for c in found) == [
        ("injured", 2, None),
        ("killed", 2, None),
    ]
    # An exact figure is not shared that way: "20 dead and wounded" gives no vague claim.
    assert not [c for c in claims(blank_en, "The attack left 20 dead and wounded.") if c.vague]


def test_an_article_before_the_verb_takes_no_victims_from_after_it(
    blank_en: Language, blank_fr: Language
) -> None:
    # "Une mine" is no figure: "personnes" belongs to the 14 after the verb
    found = claims(blank_fr, "Une mine a tué 14 personnes près de Douentza.")
    assert [(c.kind, c.min, c.max, c.victims_text) for c in found] == [
        ("killed", 14, 14, "personnes")
    ]
    found = claims(blank_fr, "Une bombe artisanale a tué trois soldats.")
    assert [(c.kind, c.min, c.victims_text) for c in found] == [("killed", 3, "soldats")]
    # an article before its own victim noun is still a figure of one
    c = one(blank_fr, "Un Casque bleu a été tué mardi.")
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 1, 1, "peacekeepers")


def test_succumbing_to_wounds_is_a_death(blank_fr: Language) -> None:
    c = one(blank_fr, "Trois soldats ont succombé à leurs blessures à l'hôpital de Gao.")
    assert (c.kind, c.min, c.max, c.victims_text) == ("killed", 3, 3, "soldats")
    c = one(blank_fr, "Un civil a succombé des suites de ses blessures.")
    assert (c.kind, c.min, c.max) == ("killed", 1, 1)


def test_the_figures_after_a_toll_that_opens_a_breakdown_are_its_parts(
    blank_en: Language, blank_fr: Language
) -> None:
    found = claims(
        blank_en,
        "Of the 22 people killed, 19 died in the strike while three others died of their "
        "wounds on the way to hospital.",
    )
    assert [(c.kind, c.min, c.max) for c in found] == [("killed", 22, 22)]
    found = claims(
        blank_fr,
        "Sur les 22 personnes tuées, 19 l'ont été par la frappe et les trois autres ont "
        "succombé à leurs blessures.",
    )
    assert [(c.kind, c.min, c.max) for c in found] == [("killed", 22, 22)]
    # a count that is no toll opens no breakdown: the 53 killed is the toll
    found = claims(blank_en, "Of the 120 gendarmes deployed, at least 53 were killed.")
    assert [(c.kind, c.min, c.max) for c in found] == [("killed", 53, None)]


def test_a_superseded_toll_may_open_a_long_clause(blank_en: Language, blank_fr: Language) -> None:
    found = claims(
        blank_fr,
        "Un précédent bilan communiqué par une source locale faisait état d'au moins 12 "
        "soldats tués.",
    )
    assert [(c.min, c.revised) for c in found] == [(12, True)]
    found = claims(
        blank_fr,
        "Cette attaque avait été rapportée dans un premier temps par une ONG qui parlait "
        "de deux morts.",
    )
    assert [(c.min, c.revised) for c in found] == [(2, True)]
    found = claims(
        blank_en,
        "Initial reports from residents of the area spoke of at least nine people killed.",
    )
    assert [(c.min, c.revised) for c in found] == [(9, True)]
    # another figure between the cue and the toll: the cue is that figure's
    found = claims(
        blank_en,
        "The initial toll of 12 dead was revised, and the army now says 19 soldiers were killed.",
    )
    assert [(c.min, c.revised) for c in found] == [(12, True), (19, False)]


def test_a_count_of_cases_holds_no_toll_its_parts_are_tolls(
    blank_en: Language, blank_fr: Language
) -> None:
    found = claims(
        blank_en,
        "The mission recorded 640 cases in the previous quarter, including 310 civilians "
        "killed, 95 abducted and 120 injured.",
    )
    assert sorted((c.kind, c.min) for c in found) == [
        ("abducted", 95),
        ("injured", 120),
        ("killed", 310),
    ]
    found = claims(
        blank_fr,
        "La mission a documenté 450 atteintes, dont 106 meurtres et exécutions sommaires "
        "et 181 enlèvements.",
    )
    assert sorted((c.kind, c.min) for c in found) == [("abducted", 181), ("killed", 106)]
    # cases of people are people
    found = claims(blank_en, "Researchers documented 71 cases of civilians summarily executed.")
    assert [(c.kind, c.min, c.victim_category) for c in found] == [("killed", 71, "civilians")]
    found = claims(blank_fr, "La mission a documenté 45 cas de civils exécutés.")
    assert [(c.kind, c.min, c.victim_category) for c in found] == [("killed", 45, "civilians")]


def test_victims_among_the_injured_are_a_part_of_the_toll(
    blank_en: Language, blank_fr: Language
) -> None:
    found = claims(
        blank_fr, "Deux femmes et deux enfants faisaient partie des blessés, selon la mission."
    )
    assert [(c.kind, c.min, c.max, c.vague) for c in found] == [
        ("injured", 2, None, True),
        ("injured", 2, None, True),
    ]
    found = claims(blank_en, "Two women were among the injured.")
    assert [(c.kind, c.min, c.max, c.vague) for c in found] == [("injured", 2, None, True)]
    # the toll itself stays exact
    found = claims(blank_en, "Two women were injured.")
    assert [(c.kind, c.min, c.max, c.vague) for c in found] == [("injured", 2, 2, False)]


def test_a_part_among_the_injured_does_not_lower_the_toll(analyzer: Analyzer) -> None:
    text = (
        "L'attentat a fait 24 blessés, selon le ministre. La mission a précisé que deux "
        "femmes et deux enfants faisaient partie des blessés."
    )
    result = analyzer.analyze(text, lang="fr")
    assert [(i["injured"]["min"], i["injured"]["max"]) for i in result["incidents"]] == [(24, 24)]


def test_a_figure_that_does_not_repeat_the_casualty_word_shares_the_one_before(
    blank_fr: Language,
) -> None:
    found = claims(
        blank_fr, "Les mines ont fait 103 morts en 2021 et 72 en 2022, selon le rapport."
    )
    assert [(c.kind, c.min) for c in found] == [("killed", 103), ("killed", 72)]
    found = claims(blank_fr, "Les assaillants ont fait 12 morts à Gao et 3 à Kidal.")
    assert [(c.kind, c.min) for c in found] == [("killed", 12), ("killed", 3)]
    # a figure with a state of its own is not a death
    found = claims(blank_fr, "L'attaque a fait 10 morts et 3 disparus.")
    assert [(c.kind, c.min) for c in found] == [("killed", 10)]


def test_each_year_of_an_elliptical_pair_dates_its_own_figure(analyzer: Analyzer) -> None:
    result = analyzer.analyze(
        "Les mines ont fait 103 morts en 2021 et 72 en 2022, selon le rapport.", lang="fr"
    )
    assert [(i["killed"]["min"], i["event_date"]) for i in result["incidents"]] == [
        (103, "2021-01-01"),
        (72, "2022-01-01"),
    ]


def test_a_count_of_bodies_is_a_killing(blank_en: Language, blank_fr: Language) -> None:
    # The noun heading the figure is its trigger, before a casualty word further on.
    text = "The bodies of nine fishermen were found on Friday, three days after they were abducted."
    c = one(blank_en, text)
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 9, 9, "civilians")
    assert text[c.start : c.end] == "The bodies of nine fishermen were found"
    c = one(blank_en, "Farmers recovered the corpses of 14 men near the well.")
    assert (c.kind, c.min, c.max) == ("killed", 14, 14)
    text = "Les corps sans vie de six commerçants ont été retrouvés après leur enlèvement."
    c = one(blank_fr, text)
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 6, 6, "civilians")
    assert text[c.start : c.end] == "Les corps sans vie de six commerçants ont été retrouvés"
    c = one(blank_fr, "Le corps d'un chauffeur a été découvert au bord de la route.")
    assert (c.kind, c.min, c.victim_category) == ("killed", 1, "civilians")
    # bodies with no figure are no count: "among the bound bodies, some still alive"
    assert claims(blank_fr, "La vidéo montre des corps de femmes ligotés, certains vivants.") == []


def test_shooting_dead_and_gunning_down(blank_en: Language) -> None:
    text = "Raiders burst into the cattle market, shooting dead 11 herders."
    c = one(blank_en, text)
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 11, 11, "civilians")
    assert text[c.start : c.end] == "shooting dead 11 herders"
    c = one(blank_en, "The gang drove through the hamlet, gunning down seven farmers.")
    assert (c.kind, c.min, c.max) == ("killed", 7, 7)


def test_a_manner_adverb_between_the_verb_and_its_figure(
    blank_en: Language, blank_fr: Language
) -> None:
    text = "Le rapport accuse la milice d'avoir exécuté sommairement au moins 23 bergers."
    c = one(blank_fr, text)
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 23, None, "civilians")
    assert text[c.start : c.end] == "exécuté sommairement au moins 23 bergers"
    c = one(blank_fr, "Les assaillants ont abattu froidement quatre gardiens.")
    assert (c.kind, c.min, c.max) == ("killed", 4, 4)
    c = one(blank_en, "The militia executed summarily 16 herders in the camp.")
    assert (c.kind, c.min, c.max) == ("killed", 16, 16)


def test_a_possessive_after_a_conjunction_names_one_more_person(
    blank_en: Language, blank_fr: Language
) -> None:
    c = one(blank_en, "Gunmen shot dead the headmaster and his nephew near the school.")
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 2, 2, "civilians")
    c = one(blank_fr, "Le marabout et son neveu ont été enlevés mardi soir.")
    assert (c.kind, c.min, c.max) == ("abducted", 2, 2)
    c = one(blank_en, "A herder and his wife were abducted on the road.")
    assert (c.min, c.max, c.victim_category, c.subcategories) == (2, 2, "civilians", ("women",))
    # alone, a possessive's noun may be one of a toll told elsewhere
    text = "The militia admitted losses, including the death of their leader."
    assert claims(blank_en, text) == []


def test_a_list_closed_by_a_coordinator_is_one_toll(blank_en: Language, blank_fr: Language) -> None:
    text = "Five engineers, a nurse and a driver were killed on the road to Kidal."
    c = one(blank_en, text)
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 7, 7, "civilians")
    c = one(blank_fr, "Quatre orpailleurs, leur guide et leur chauffeur ont été tués lundi.")
    assert (c.kind, c.min, c.max) == ("killed", 6, 6)
    # items counted per place stay apart
    found = claims(blank_en, "Gunmen killed four people at Tibi, two at Kera and five in Bani.")
    assert [(c.min, c.max) for c in found] == [(4, 4), (2, 2), (5, 5)]


def test_a_toll_rising_from_one_figure_to_another_is_the_new_one(
    blank_en: Language, blank_fr: Language
) -> None:
    c = one(blank_fr, "Le bilan de l'embuscade est passé de 9 à 14 morts, selon l'armée.")
    assert (c.kind, c.min, c.max, c.update) == ("killed", 14, 14, True)
    c = one(blank_en, "The toll of the ambush has risen from 9 to 14 dead.")
    assert (c.kind, c.min, c.max, c.update) == ("killed", 14, 14, True)
    # a range of estimates with no update verb stays a range
    c = one(blank_en, "The ambush killed from 9 to 14 soldiers.")
    assert (c.min, c.max) == (9, 14)


def test_a_death_toll_subject_with_a_long_complement(
    blank_en: Language, blank_fr: Language
) -> None:
    text = (
        "The death toll from Thursday's ambush on the convoy near Gossi rose to 31, officials said."
    )
    c = one(blank_en, text)
    assert (c.kind, c.min, c.max) == ("killed", 31, 31)
    assert (
        text[c.start : c.end]
        == "death toll from Thursday's ambush on the convoy near Gossi rose to 31"
    )
    text = "Le bilan de l'embuscade de jeudi contre le convoi près de Gossi s'élève désormais à 31."
    c = one(blank_fr, text)
    assert (c.kind, c.min, c.max) == ("killed", 31, 31)
    # a count of something else is no death toll, nor a toll in another clause
    assert claims(blank_en, "The number of displaced people rose to 2,000.") == []
    text = "The toll was not given. In Gossi, the number of families rose to 31."
    assert claims(blank_en, text) == []


def test_parts_in_apposition_to_a_total_split_it_by_side(
    blank_en: Language, blank_fr: Language
) -> None:
    found = claims(blank_en, "Nine people, eight herders and a gendarme, were killed at dawn.")
    assert sorted((c.min, c.max, c.victim_category) for c in found) == [
        (1, 1, "soldiers"),
        (8, 8, "civilians"),
    ]
    text = (
        "Au moins dix personnes, neuf villageois et un volontaire pour la défense de la "
        "patrie (VDP), ont été tuées lundi."
    )
    found = claims(blank_fr, text)
    assert sorted((c.min, c.victim_category) for c in found) == [(1, "soldiers"), (9, "civilians")]
    # after a colon, however far
    text = (
        "Ten people died when raiders set fire to the market of the village, north of "
        "the river: nine traders and a policeman, the prefect said."
    )
    found = claims(blank_en, text)
    assert sorted((c.min, c.victim_category) for c in found) == [(1, "soldiers"), (9, "civilians")]
    # parts that do not add up, or figures with places of their own, are no apposition
    found = claims(
        blank_en, "Gunmen killed 6 people in Tibi, 4 herders in Kera and 2 police in Bani."
    )
    assert [(c.min, c.victim_category) for c in found] == [
        (6, "civilians"),
        (4, "civilians"),
        (2, "soldiers"),
    ]


def test_a_plural_victim_noun_with_no_figure_is_at_least_two(
    blank_en: Language, blank_fr: Language
) -> None:
    text = "Herders were killed near the wells on Friday, residents said."
    c = one(blank_en, text)
    assert (c.kind, c.min, c.max, c.vague, c.victim_category) == (
        "killed",
        2,
        None,
        True,
        "civilians",
    )
    assert text[c.start : c.end] == "Herders were killed"
    c = one(blank_fr, "Des commerçants ont été enlevés sur la route de Gao.")
    assert (c.kind, c.min, c.max, c.vague) == ("abducted", 2, None, True)
    # "the victims" are a toll told already; a figure counts them itself
    assert claims(blank_en, "The victims were killed in a raid on the market.") == []
    c = one(blank_en, "Nine herders were killed near the wells.")
    assert (c.min, c.max, c.vague) == (9, 9, False)


def test_a_day_between_an_act_and_its_figure(blank_en: Language, blank_fr: Language) -> None:
    # The day the act is dated by stands between the noun and its "of N" / "de N".
    text = "Une patrouille est partie après le massacre le mardi 3 mars 2020 de 30 bergers."
    c = one(blank_fr, text)
    assert (c.kind, c.min, c.victim_category) == ("killed", 30, "civilians")
    assert text[c.start : c.end] == "massacre le mardi 3 mars 2020 de 30 bergers"
    text = "A patrol left after the killing on Tuesday of 30 herders near Sokoura."
    c = one(blank_en, text)
    assert (c.kind, c.min, c.victim_category) == ("killed", 30, "civilians")
    assert text[c.start : c.end] == "killing on Tuesday of 30 herders"


def test_guard_a_day_does_not_join_an_act_to_a_far_figure(blank_fr: Language) -> None:
    # Only date words are skipped: other words between still count against the reach.
    text = "Le massacre de mardi a choqué tout le pays et ses 30 millions d'habitants."
    assert [c.min for c in claims(blank_fr, text) if c.kind == "killed"] == []


def test_people_hospitalised_or_being_treated_are_injured(
    blank_en: Language, blank_fr: Language
) -> None:
    c = one(blank_en, "Five villagers were hospitalised after the raid on Sokoura.")
    assert (c.kind, c.min, c.max, c.victim_category) == ("injured", 5, 5, "civilians")
    c = one(blank_fr, "Cinq villageois ont été hospitalisés après le raid sur Sokoura.")
    assert (c.kind, c.min, c.max, c.victim_category) == ("injured", 5, 5, "civilians")
    found = claims(blank_en, "Some villagers were being treated for gunshot wounds.")
    assert [(c.kind, c.min, c.max) for c in found] == [("injured", 2, None)]


def test_another_before_its_casualty_word_is_one_more(blank_en: Language) -> None:
    text = "A peacekeeper was killed and another injured when gunmen fired on the convoy."
    assert [(c.kind, c.min, c.max) for c in claims(blank_en, text)] == [
        ("killed", 1, 1),
        ("injured", 1, 1),
    ]
    text = "Two soldiers were killed and another was wounded near Gao."
    assert [(c.kind, c.min, c.max) for c in claims(blank_en, text)] == [
        ("killed", 2, 2),
        ("injured", 1, 1),
    ]


def test_guard_another_before_an_event_or_a_figure_is_no_victim(blank_en: Language) -> None:
    text = "Two soldiers were killed and another attack hit Gao."
    assert [(c.kind, c.min) for c in claims(blank_en, text)] == [("killed", 2)]
    text = "Two soldiers were killed and another 20 were wounded near Gao."
    assert [(c.kind, c.min) for c in claims(blank_en, text)] == [("killed", 2), ("injured", 20)]


def test_inhabitants_right_after_their_figure_are_its_victims(
    blank_en: Language, blank_fr: Language
) -> None:
    c = one(blank_fr, "Douze habitants ont été tués dans l'attaque de Sokoura.")
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 12, 12, "civilians")
    c = one(blank_fr, "Une dizaine d'habitants ont été tués dans l'attaque de Sokoura.")
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 10, 10, "civilians")
    c = one(blank_en, "Twelve inhabitants were killed in the attack on Sokoura.")
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 12, 12, "civilians")


def test_guard_a_places_population_is_no_toll(blank_en: Language, blank_fr: Language) -> None:
    text = "Sokoura, a town of 20,000 inhabitants, was attacked and 12 people were killed."
    assert [(c.kind, c.min) for c in claims(blank_en, text)] == [("killed", 12)]
    text = "Sokoura, une commune de 20 000 habitants où des hommes armés ont tué 12 civils."
    assert [(c.kind, c.min) for c in claims(blank_fr, text)] == [("killed", 12)]


def test_the_people_said_to_have_killed_are_not_the_dead(
    blank_en: Language, blank_fr: Language
) -> None:
    # "accused of having killed", "accusés d'avoir tué": the figure counts the accused;
    # the dead are only the vague plural after the verb.
    for pipe, text, victims in (
        (blank_en, "Three soldiers suspected of having executed herders near Diafarabé were "
         "arrested.", "herders"),
        (blank_fr, "Trois soldats accusés d'avoir tué des bergers près de Diafarabé ont été "
         "arrêtés.", "des bergers"),
    ):  # fmt: skip
        c = one(pipe, text)
        assert (c.kind, c.min, c.max, c.victims_text) == ("killed", 2, None, victims), text
    # guard: a passive infinitive still counts its figure's own dead
    c = one(blank_fr, "Trois soldats semblent avoir été tués près de Diafarabé.")
    assert (c.min, c.victim_category) == (3, "soldiers")
    c = one(blank_en, "Three soldiers are believed to have been killed near Diafarabé.")
    assert (c.min, c.victim_category) == (3, "soldiers")


def test_a_passive_with_two_participles_joined_by_and_counts_the_figure(
    blank_en: Language,
) -> None:
    text = "Eleven herders were rounded up and executed near Sofara on Monday."
    c = one(blank_en, text)
    assert (c.kind, c.min, c.max, c.victim_category) == ("killed", 11, 11, "civilians")
    assert text[c.start : c.end] == "Eleven herders were rounded up and executed"
    # guard: after an active verb's object, the verb after "and" is the next clause's
    found = claims(blank_en, "Gunmen killed 31 herders and wounded 9 near Sofara.")
    assert [(c.kind, c.min) for c in found] == [("killed", 31), ("injured", 9)]


def test_people_abducted_and_then_killed_count_in_both_kinds(
    blank_en: Language, blank_fr: Language
) -> None:
    for pipe, text in (
        (blank_en, "Nine traders were abducted and later killed near Léré on Friday."),
        (blank_fr, "Neuf commerçants ont été enlevés puis exécutés près de Léré vendredi."),
    ):
        found = claims(pipe, text)
        assert sorted((c.kind, c.min, c.max) for c in found) == [
            ("abducted", 9, 9),
            ("killed", 9, 9),
        ], text
    # guard: a killing with a figure of its own counts that figure only
    found = claims(blank_en, "The gunmen took 40 hostages and killed 6 of them in Léré.")
    assert sorted((c.kind, c.min) for c in found) == [("abducted", 40), ("killed", 6)]


def test_one_more_person_after_ainsi_que_is_added(blank_fr: Language) -> None:
    # "ainsi qu'un chauffeur", "ainsi que leur guide": the elided coordinator runs into
    # the determiner, and a possessive after it names one person too
    for text in (
        "Des hommes armés ont enlevé quatre enseignants ainsi qu'un chauffeur près de Tillia.",
        "Des hommes armés ont enlevé quatre enseignants ainsi que leur chauffeur près de Tillia.",
    ):
        found = claims(blank_fr, text)
        assert [(c.kind, c.min, c.max) for c in found] == [("abducted", 5, 5)], text
    # "qu'un" after a reporting verb is the figure of one it always was
    c = one(blank_fr, "L'armée a indiqué qu'un soldat a été tué près de Tillia.")
    assert (c.kind, c.min, c.victim_category) == ("killed", 1, "soldiers")
