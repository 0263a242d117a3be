"""Figures read from the words around them: a lone "un mort", whose losses a
figure counts, brackets inside a victims' name, lists that mix states, and the
split of the last total before its parts. Sentences written for these tests."""

from __future__ import annotations

from spacy.language import Language

from nlp.analyze import Analyzer
from tests.nlp.test_claims import claims, one


def figures(pipe: Language, text: str) -> list[tuple[str, int | None, str]]:
    return [(c.kind, c.min, c.victim_category) for c in claims(pipe, text)]


def test_one_before_a_casualty_noun_is_a_figure(blank_en: Language, blank_fr: Language) -> None:
    # "un"/"one" counts before "mort"/"injured" as it does before a victim noun.
    text = "Au poste de Tinzaouaten, un mort et quatre blessés."
    found = claims(blank_fr, text)
    assert [(c.kind, c.min, c.max) for c in found] == [("killed", 1, 1), ("injured", 4, 4)]
    assert text[found[0].start : found[0].end] == "un mort"
    assert figures(blank_en, "The patrol reported one dead and two wounded.") == [
        ("killed", 1, "unknown"),
        ("injured", 2, "unknown"),
    ]


def test_one_as_a_pronoun_is_still_no_figure(blank_en: Language, blank_fr: Language) -> None:
    # Guard: without a casualty noun right after it, "un"/"one" is no count.
    assert claims(blank_fr, "Un des camions a sauté sur une mine près de Boni.") == []
    assert claims(blank_en, "One of the trucks struck a mine near Boni.") == []


def test_the_side_whose_losses_are_counted(blank_en: Language, blank_fr: Language) -> None:
    assert figures(blank_fr, "Du côté des FAMa, deux morts et neuf blessés.") == [
        ("killed", 2, "soldiers"),
        ("injured", 9, "soldiers"),
    ]
    assert figures(blank_fr, "Les pertes de l'armée se limitent à trois blessés.") == [
        ("injured", 3, "soldiers"),
    ]
    assert figures(blank_en, "Losses among the assailants were put at 14 dead.") == [
        ("killed", 14, "militants"),
    ]


def test_the_subject_of_a_loss_verb_owns_the_figure(blank_en: Language, blank_fr: Language) -> None:
    # "les FAMa déplorent 5 morts": the figure has no victim noun; the subject lost them.
    text = "Les Forces armées maliennes (FAMa) déplorent cinq morts et huit blessés."
    assert figures(blank_fr, text) == [
        ("killed", 5, "soldiers"),
        ("injured", 8, "soldiers"),
    ]
    assert figures(blank_fr, "De leur côté, les assaillants ont perdu douze morts.") == [
        ("killed", 12, "militants"),
    ]
    assert figures(
        blank_en, "The army also said that it suffered 6 fatalities and 9 injuries."
    ) == [("killed", 6, "soldiers"), ("injured", 9, "soldiers")]


def test_a_loss_verb_with_a_pronoun_subject_names_no_side(blank_fr: Language) -> None:
    # Guard: "Elle déplore" says nothing of who "elle" is.
    assert figures(blank_fr, "Elle déplore trois morts.") == [("killed", 3, "unknown")]


def test_a_side_that_lost_people_is_a_record_of_its_own(analyzer: Analyzer) -> None:
    text = (
        "The army said that its troops killed 40 of the assailants near Boni. "
        "The army also said that it suffered 7 fatalities in the fighting."
    )
    result = analyzer.analyze(text, lang="en")
    assert sorted(
        (i["killed"]["min"], i["killed"]["max"], i["victims"]) for i in result["incidents"]
    ) == [(7, 7, ["soldiers"]), (40, 40, ["militants"])]


def test_a_victim_noun_of_its_own_wins_over_the_owner(blank_fr: Language) -> None:
    # Guard: the owner only fills in a figure that names no victims itself.
    assert figures(blank_fr, "Côté armée, le bilan est de quatre civils tués.") == [
        ("killed", 4, "civilians"),
    ]


def test_a_bracketed_acronym_is_part_of_the_victims(blank_fr: Language) -> None:
    text = "Sept Volontaires pour la défense de la patrie (VDP) ont perdu la vie à Sebba."
    found = claims(blank_fr, text)
    assert [(c.kind, c.min, c.victim_category) for c in found] == [("killed", 7, "soldiers")]
    assert text[found[0].start : found[0].end] == (
        "Sept Volontaires pour la défense de la patrie (VDP) ont perdu la vie"
    )


def test_a_bracket_after_a_non_victim_still_stops_the_link(blank_en: Language) -> None:
    # Guard: "3 Min Read (Reuters) - gunmen kidnapped …" is page furniture, not victims.
    found = claims(blank_en, "3 Min Read (Reuters) - Gunmen kidnapped a nurse.")
    assert [(c.kind, c.min) for c in found] == [("abducted", 1)]


def test_a_figure_repeated_in_brackets_is_one_figure(blank_fr: Language) -> None:
    text = "L'explosion a fait huit (08) morts et plusieurs blessés à Dori."
    found = claims(blank_fr, text)
    assert [(c.kind, c.min, c.max) for c in found] == [("killed", 8, 8), ("injured", 2, None)]


def test_a_figure_with_its_own_state_is_not_coordinated(blank_fr: Language) -> None:
    # "quatre disparus et trois blessés": the four are missing, not injured.
    text = "Le bilan provisoire est de six morts, quatre disparus et trois blessés."
    assert [(c.kind, c.min) for c in claims(blank_fr, text)] == [("killed", 6), ("injured", 3)]


def test_the_parts_split_the_last_total_before_them(blank_fr: Language) -> None:
    # Two totals in one sentence: the parts after "dont" split the second one.
    text = "L'assaut a fait 9 morts et 40 blessés, dont 31 soldats et 9 civils."
    found = claims(blank_fr, text)
    assert sorted((c.kind, c.min, c.victim_category) for c in found) == [
        ("injured", 9, "civilians"),
        ("injured", 31, "soldiers"),
        ("killed", 9, "unknown"),
    ]


def test_fallen_soldiers_are_killed(blank_en: Language) -> None:
    assert figures(blank_en, "The army buried its 12 fallen soldiers in Kaya.") == [
        ("killed", 12, "soldiers"),
    ]


def test_a_figure_of_thousands_is_a_period_total(analyzer: Analyzer) -> None:
    # No single attack in the region leaves a thousand dead: such a figure is a total
    # even when no "since" or "this year" says so.
    text = "Jihadist violence has killed more than 3,000 people in the Kaya area."
    result = analyzer.analyze(text, lang="en")
    assert [(i["killed"]["min"], i["aggregate"]) for i in result["incidents"]] == [(3001, True)]
    text = "Des groupes armés ont tué des milliers de civils dans la région de Mopti."
    result = analyzer.analyze(text, lang="fr")
    assert [i["aggregate"] for i in result["incidents"]] == [True]


def test_a_large_single_massacre_stays_an_event(analyzer: Analyzer) -> None:
    # Guard: hundreds killed in one village on one day is still one event.
    text = "Gunmen killed 160 villagers in Solhan on Friday night."
    result = analyzer.analyze(text, lang="en")
    assert [(i["killed"]["min"], i["aggregate"]) for i in result["incidents"]] == [(160, False)]


def test_a_part_with_a_verb_of_its_own_is_a_figure(blank_en: Language, blank_fr: Language) -> None:
    # "three of them were wounded" counts the wounded among the dead's group.
    assert figures(blank_en, "Eight soldiers died and three of them were wounded first.") == [
        ("killed", 8, "soldiers"),
        ("injured", 3, "soldiers"),
    ]
    assert figures(
        blank_fr, "Cinq gendarmes ont été tués et deux d'entre eux ont été blessés."
    ) == [
        ("killed", 5, "soldiers"),
        ("injured", 2, "soldiers"),
    ]


def test_a_part_without_a_verb_is_still_a_part(blank_en: Language) -> None:
    # Guard: "four of them officers" only says who the nine were.
    found = claims(blank_en, "Nine soldiers were killed, four of them officers.")
    assert [(c.kind, c.min) for c in found] == [("killed", 9)]


def test_a_group_word_before_an_attack_noun_is_no_victim(blank_en: Language) -> None:
    # "a terrorist ambush" names the attack, not one terrorist killed.
    assert figures(blank_en, "Seven gendarmes were killed in a terrorist ambush near Gao.") == [
        ("killed", 7, "soldiers"),
    ]
    assert figures(blank_en, "A terrorist was killed near Gao.") == [("killed", 1, "militants")]


def test_a_later_figure_without_a_verb_is_the_upper_bound(
    blank_en: Language, blank_fr: Language
) -> None:
    c = one(blank_en, "At least 40 villagers were killed, and possibly as many as 70, on Sunday.")
    assert (c.kind, c.min, c.max) == ("killed", 40, 70)
    c = one(blank_fr, "Au moins 12 civils ont été tués, voire 20 selon un élu.")
    assert (c.kind, c.min, c.max) == ("killed", 12, 20)


def test_a_figure_of_its_own_after_a_comma_is_not_a_bound(blank_en: Language) -> None:
    # Guard: "and 20 were wounded" has its own verb.
    found = claims(blank_en, "At least 40 villagers were killed, and 20 were wounded.")
    assert [(c.kind, c.min, c.max) for c in found] == [("killed", 40, None), ("injured", 20, 20)]


def test_lives_counted_after_a_figure_are_deaths(blank_en: Language) -> None:
    c = one(blank_en, "Raids in the region have claimed more than 300 lives this year.")
    assert (c.kind, c.min, c.max) == ("killed", 301, None)


def test_a_news_agency_tally_is_a_period_total(analyzer: Analyzer) -> None:
    text = "The volunteers have suffered more than 150 fatalities, according to an AFP tally."
    result = analyzer.analyze(text, lang="en")
    assert [(i["killed"]["min"], i["aggregate"]) for i in result["incidents"]] == [(151, True)]
    text = "Les volontaires ont perdu plus de 150 hommes, selon un décompte de l'AFP."
    result = analyzer.analyze(text, lang="fr")
    assert [(i["killed"]["min"], i["aggregate"]) for i in result["incidents"]] == [(151, True)]


def test_a_toll_without_victims_far_from_a_side_figure_is_another_record(
    analyzer: Analyzer,
) -> None:
    # "35 dead" names no side: in another sentence, far from the soldiers' 12 and with
    # nothing making it another account of their toll, it is not their range 12–35.
    for lang, text in (
        (
            "en",
            "Twelve soldiers were killed when militants stormed the camp. "
            "The assault on the weekly market left 35 dead.",
        ),
        (
            "fr",
            "Douze soldats ont été tués lors de l'attaque du camp. "
            "L'assaut contre le marché a fait 35 morts.",
        ),
    ):
        result = analyzer.analyze(text, lang=lang)
        # (the dead of an assault on a market are civilians, though "35 dead" names no
        # side: CIVILIAN_VENUE in nlp/eventrules.py)
        assert sorted(
            (i["killed"]["min"], i["killed"]["max"], i["victims"]) for i in result["incidents"]
        ) == [(12, 12, ["soldiers"]), (35, 35, ["civilians"])], lang


def test_another_account_of_a_side_toll_stays_its_range(analyzer: Analyzer) -> None:
    # Guard: "according to" makes the later figure another source's count of the same dead.
    text = (
        "Twelve soldiers were killed when militants stormed the camp. "
        "According to a local official, 19 died."
    )
    result = analyzer.analyze(text, lang="en")
    assert [(i["killed"]["min"], i["killed"]["max"]) for i in result["incidents"]] == [(12, 19)]


def test_a_side_figure_far_from_an_earlier_toll_without_victims_is_another_record(
    analyzer: Analyzer,
) -> None:
    text = (
        "The raid on the weekly market left 35 dead. "
        "Twelve soldiers were killed when militants stormed the camp."
    )
    result = analyzer.analyze(text, lang="en")
    assert sorted(
        (i["killed"]["min"], i["killed"]["max"], i["victims"]) for i in result["incidents"]
    ) == [(12, 12, ["soldiers"]), (35, 35, ["civilians"])]


def test_two_sources_counting_one_event_give_its_range(analyzer: Analyzer) -> None:
    # "a local official said 12 … a rebel spokesman said 20": two accounts, one record.
    text = (
        "A local official said 12 civilians died when a drone struck the market. "
        "A spokesman for the rebels said 20 people died."
    )
    result = analyzer.analyze(text, lang="en")
    assert [(i["killed"]["min"], i["killed"]["max"]) for i in result["incidents"]] == [(12, 20)]


def test_a_second_source_dating_its_own_figure_tells_another_event(analyzer: Analyzer) -> None:
    # Guard: a figure with a day of its own is not a second account of the first toll.
    text = (
        "A local official said 12 civilians died when a drone struck the market. "
        "A spokesman for the rebels said 20 people died in a raid on Sunday."
    )
    result = analyzer.analyze(text, lang="en")
    assert sorted(i["killed"]["min"] for i in result["incidents"]) == [12, 20]


def test_a_singular_victim_after_two_modifiers(blank_en: Language) -> None:
    # "a United Nations peacekeeper": the noun comes after two capitalised modifiers.
    text = "A United Nations peacekeeper was killed and two others wounded near Ber."
    found = claims(blank_en, text)
    assert [(c.kind, c.min, c.victim_category) for c in found] == [
        ("killed", 1, "peacekeepers"),
        ("injured", 2, "peacekeepers"),
    ]
    assert text[found[0].start : found[0].end] == "A United Nations peacekeeper was killed"


def test_the_side_written_after_a_list_of_figures(blank_en: Language, blank_fr: Language) -> None:
    # "10 morts, 7 blessés et 3 disparus pour les civils": the side closes the list.
    text = (
        "Le bilan est de 12 morts et 9 blessés pour les militaires, "
        "et de 4 morts, 6 blessés et 2 disparus parmi les civils."
    )
    assert figures(blank_fr, text) == [
        ("killed", 12, "soldiers"),
        ("injured", 9, "soldiers"),
        ("killed", 4, "civilians"),
        ("injured", 6, "civilians"),
    ]
    text = "The toll was 12 dead and 9 wounded for the army and 4 dead for the civilians."
    assert figures(blank_en, text) == [
        ("killed", 12, "soldiers"),
        ("injured", 9, "soldiers"),
        ("killed", 4, "civilians"),
    ]


def test_a_figure_naming_its_victims_keeps_them_before_a_list_side(blank_fr: Language) -> None:
    # Guard: only figures with no victims of their own take the side after the list.
    assert figures(blank_fr, "Quatre soldats tués et deux blessés parmi les civils.") == [
        ("killed", 4, "soldiers"),
        ("injured", 2, "civilians"),
    ]


def test_a_partitive_right_after_its_trigger_counts_the_group_named_before(
    blank_en: Language, blank_fr: Language
) -> None:
    # "fired on a group of soldiers, killing two of them": no toll before it to be part
    # of; the figure counts the group the sentence named before the trigger.
    assert figures(blank_en, "Gunmen fired on a group of soldiers, killing two of them.") == [
        ("killed", 2, "soldiers")
    ]
    assert figures(blank_en, "Gunmen fired on a group of soldiers, injuring one of them.") == [
        ("injured", 1, "soldiers")
    ]
    text = "Des hommes armés ont tiré sur un groupe de soldats, blessant l'un d'eux."
    assert figures(blank_fr, text) == [("injured", 1, "soldiers")]
    text = "Des hommes armés ont tiré sur un groupe de soldats, tuant deux d'entre eux."
    assert figures(blank_fr, text) == [("killed", 2, "soldiers")]


def test_a_partitive_after_a_toll_stays_its_sub_count(blank_en: Language) -> None:
    # Guard: after a toll, "two of them" is part of it, not another figure.
    found = claims(blank_en, "Twelve villagers were killed, two of them children.")
    assert [(c.kind, c.min) for c in found] == [("killed", 12)]


def test_a_singular_victim_named_with_of_the_before_its_verb(blank_en: Language) -> None:
    # "the chief of the village was killed" as "le chef du village a été tué".
    found = claims(blank_en, "The chief of the village was killed by gunmen overnight.")
    assert [(c.kind, c.min, c.victim_category) for c in found] == [("killed", 1, "civilians")]
    found = claims(blank_en, "The mayor of the commune was abducted on Monday.")
    assert [(c.kind, c.min) for c in found] == [("abducted", 1)]


def test_people_of_no_side_named_with_one_verb_are_one_toll(
    blank_en: Language, blank_fr: Language
) -> None:
    # Two groups of people of no known side, subjects (or objects) of one verb: one
    # toll of five, as "douze soldats et quatre supplétifs" is one toll of a side.
    for pipe, text in (
        (blank_en, "Two Turkish engineers and three Malian drivers were kidnapped near Kati."),
        (blank_en, "Gunmen kidnapped two Turkish engineers and three Malian drivers near Kati."),
        (blank_fr, "Deux ingénieurs turcs et trois chauffeurs maliens ont été enlevés à Kati."),
    ):
        assert [(c.kind, c.min, c.max) for c in claims(pipe, text)] == [("abducted", 5, 5)], text


def test_guard_figures_of_no_side_with_verbs_of_their_own_stay_apart(
    blank_en: Language,
) -> None:
    text = "Two drivers were kidnapped near Kati and three traders were killed in Kolokani."
    assert [(c.kind, c.min) for c in claims(blank_en, text)] == [("abducted", 2), ("killed", 3)]


def test_an_infinitive_or_a_noun_of_killing_before_the_figure(
    blank_en: Language, blank_fr: Language
) -> None:
    # "a permis de neutraliser douze terroristes", "the neutralisation of 40 terrorists":
    # army communiqués count the dead with an infinitive or a noun before the figure.
    for pipe, text, span in (
        (blank_fr, "L'opération a permis de neutraliser douze terroristes près de Djibo.",
         "neutraliser douze terroristes"),
        (blank_fr, "Les volontaires ont réussi à abattre neuf terroristes près de Djibo.",
         "abattre neuf terroristes"),
        (blank_fr, "L'armée a pu éliminer onze terroristes près de Djibo.",
         "éliminer onze terroristes"),
        (blank_fr, "L'armée a annoncé la neutralisation de 40 terroristes près de Djibo.",
         "neutralisation de 40 terroristes"),
        (blank_en, "The army announced the neutralisation of 40 terrorists near Djibo.",
         "neutralisation of 40 terrorists"),
        (blank_en, "The operation allowed troops to neutralize twelve terrorists near Djibo.",
         "neutralize twelve terrorists"),
    ):  # fmt: skip
        [claim] = claims(pipe, text)
        assert (claim.kind, claim.victim_category) == ("killed", "militants"), text
        assert text[claim.start : claim.end] == span


def test_an_apposition_naming_every_victim_gives_their_side(
    blank_en: Language, blank_fr: Language
) -> None:
    # "five people, all volunteers": the people are the volunteers.
    assert figures(blank_en, "Five people, all volunteers, were killed near Djibo.") == [
        ("killed", 5, "soldiers")
    ]
    assert figures(blank_fr, "Cinq personnes, tous des VDP, ont été tuées près de Djibo.") == [
        ("killed", 5, "soldiers")
    ]
    # Guard: a sub-count names some of them, not all.
    assert figures(blank_en, "Five people, including two soldiers, were killed near Djibo.")[0] == (
        "killed",
        5,
        "civilians",
    )


def test_one_more_of_the_same_side_after_as_well_as_joins_the_toll(blank_fr: Language) -> None:
    # "15 blessés pour les militaires, ainsi qu'un supplétif blessé": 16 of one side.
    text = (
        "L'armée annonce 12 morts et 15 blessés pour les militaires, ainsi qu'un "
        "supplétif blessé, à Boni."
    )
    assert figures(blank_fr, text) == [("killed", 12, "soldiers"), ("injured", 16, "soldiers")]


def test_the_armys_auxiliaries_are_counted_with_its_soldiers(
    blank_en: Language, blank_fr: Language
) -> None:
    # The VDP fight beside the army: "12 militaires et 4 VDP" is one side's toll of 16,
    # whatever place follows the victims' names.
    assert figures(
        blank_fr, "Le bilan fait état de 12 militaires et 4 VDP tombés près de Djibo."
    ) == [("killed", 16, "soldiers")]
    text = "Ten soldiers and six Volunteers for the Defence of the Homeland were killed near Djibo."
    assert figures(blank_en, text) == [("killed", 16, "soldiers")]
    # Guard: a force of its own stays apart from the army's soldiers.
    text = "Twelve soldiers and four Wagner fighters were killed near Djibo on Monday."
    assert figures(blank_en, text) == [("killed", 12, "soldiers"), ("killed", 4, "soldiers")]


def test_a_verb_with_a_figure_of_its_own_is_not_the_verb_of_the_figure_before(
    blank_en: Language,
) -> None:
    # "executed three men, injured five others": three killed, five injured.
    for text in (
        "On Monday, soldiers summarily executed three men, injured five other men and beat "
        "several women in Boni.",
        "Soldiers killed three men, injured five others and burned houses in Boni.",
    ):
        assert [(k, n) for k, n, _ in figures(blank_en, text)] == [
            ("killed", 3),
            ("injured", 5),
        ], text
    # Guard: a figure before its own verb keeps it.
    assert [(k, n) for k, n, _ in figures(blank_en, "Twelve killed, 5 injured in Boni.")] == [
        ("killed", 12),
        ("injured", 5),
    ]


def test_abductions_counted_as_a_noun(blank_en: Language) -> None:
    text = "The mission documented 484 deaths, 385 injuries and 383 abductions in central Mali."
    assert [(k, n) for k, n, _ in figures(blank_en, text)] == [
        ("killed", 484),
        ("injured", 385),
        ("abducted", 383),
    ]
    assert [(k, n) for k, n, _ in figures(blank_en, "Gunmen carried out 12 kidnappings.")] == [
        ("abducted", 12)
    ]


def test_a_place_aside_between_the_victims_and_their_verb(
    blank_en: Language, blank_fr: Language
) -> None:
    # ", dans la province de Bam," sits between the victim and "a été tué": not a clause
    # break, and not counted towards the distance.
    text = "Le chef du village de Koro, dans la province de Bam (centre-nord), a été tué mardi."
    found = claims(blank_fr, text)
    assert [(c.kind, c.min, c.max, c.victims_text) for c in found] == [
        ("killed", 1, 1, "chef du village de Koro")
    ]
    text = "Two soldiers from the garrison of Koro, a small town in Bam province, were shot dead."
    assert figures(blank_en, text) == [("killed", 2, "soldiers")]


def test_a_verb_inside_the_aside_is_another_figures(blank_en: Language) -> None:
    # "wounded the chief" is the chief's; the three civilians were abducted.
    text = "Three civilians, in an attack that wounded the chief, were abducted near Boni."
    assert [(c.kind, c.min) for c in claims(blank_en, text)] == [("abducted", 3), ("injured", 1)]


def test_the_victims_phrase_ends_where_a_while_clause_begins(
    blank_en: Language, blank_fr: Language
) -> None:
    text = "Le raid a coûté la vie à 19 militaires maliens alors que la France annonçait un départ."
    assert [c.victims_text for c in claims(blank_fr, text)] == ["militaires maliens"]
    text = "The raid killed 19 Malian soldiers while France announced a withdrawal."
    assert [c.victims_text for c in claims(blank_en, text)] == ["Malian soldiers"]


def test_a_toll_among_a_side_counts_that_sides_losses(
    blank_en: Language, blank_fr: Language
) -> None:
    # "the toll among the soldiers is 17 dead": the dead are soldiers, even with the
    # quote closing after "toll".
    text = 'The ministry said the "provisional toll" among the soldiers is 17 dead and 20 wounded.'
    assert figures(blank_en, text) == [("killed", 17, "soldiers"), ("injured", 20, "soldiers")]
    text = "Le bilan parmi les civils est de trois morts et cinq blessés."
    assert figures(blank_fr, text) == [("killed", 3, "civilians"), ("injured", 5, "civilians")]


def test_animals_and_granaries_are_counted_things_not_victims(
    blank_en: Language, blank_fr: Language
) -> None:
    text = "Douze villageois ont été tués, 84 greniers brûlés et 80 caprins calcinés."
    assert figures(blank_fr, text) == [("killed", 12, "civilians")]
    text = "The gunmen killed nine villagers and 40 goats, and burned 30 huts."
    assert figures(blank_en, text) == [("killed", 9, "civilians")]


def test_a_long_name_of_the_victims_still_reaches_its_verb(
    blank_en: Language, blank_fr: Language
) -> None:
    # Eleven words between the figure and its verb: a mission's full name.
    text = (
        "Four peacekeepers from the UN Multidimensional Integrated Stabilization Mission "
        "in Mali were wounded near Boni."
    )
    assert figures(blank_en, text) == [("injured", 4, "peacekeepers")]
    text = (
        "Quatre Casques bleus de la Mission multidimensionnelle intégrée des Nations "
        "unies ont été blessés près de Boni."
    )
    assert figures(blank_fr, text) == [("injured", 4, "peacekeepers")]


def test_aid_workers_and_other_trades_are_civilians(blank_en: Language, blank_fr: Language) -> None:
    assert figures(blank_en, "Gunmen kidnapped four aid workers near Dakoro.") == [
        ("abducted", 4, "civilians")
    ]
    assert figures(blank_fr, "Trois chauffeurs de camion ont été enlevés près de Téra.") == [
        ("abducted", 3, "civilians")
    ]


def test_a_sub_count_aside_does_not_part_two_coordinated_figures(
    blank_en: Language, blank_fr: Language
) -> None:
    # "five aid workers, including a Chadian, and a driver": six people, one verb.
    text = "Five aid workers, including two Chadians, and a driver were kidnapped on Sunday."
    assert figures(blank_en, text) == [("abducted", 6, "civilians")]
    text = "Cinq humanitaires, dont un Tchadien, et un chauffeur nigérien ont été enlevés."
    assert figures(blank_fr, text) == [("abducted", 6, "civilians")]


def test_guard_a_list_of_counted_things_after_the_aside_is_not_coordinated(
    blank_en: Language,
) -> None:
    text = (
        "The report listed 1,556 abuses, including 65 executions, 73 cases of torture, "
        "and 444 abductions."
    )
    assert [(c.kind, c.min) for c in claims(blank_en, text)] == [("abducted", 444)]


def test_guard_objects_counted_per_place_are_not_summed(blank_fr: Language) -> None:
    text = "Des hommes armés ont tué trois civils à Koro et deux civils à Dioungani."
    assert [(c.kind, c.min) for c in claims(blank_fr, text)] == [("killed", 3), ("killed", 2)]


def test_killed_of_them_after_a_figure_of_another_kind_is_a_figure(
    blank_en: Language, blank_fr: Language
) -> None:
    # "took 170 hostages and killed 20 of them": 20 killed, of the hostages (no side).
    text = "Gunmen took 40 hostages at the hotel and killed 12 of them on Friday."
    assert figures(blank_en, text) == [("abducted", 40, "unknown"), ("killed", 12, "unknown")]
    text = "Les assaillants ont enlevé 40 femmes et tué cinq d'entre elles."
    assert figures(blank_fr, text) == [("abducted", 40, "women"), ("killed", 5, "women")]


def test_guard_of_them_after_a_toll_of_the_same_kind_is_a_part(blank_en: Language) -> None:
    text = "Gunmen killed 30 people on Friday, killing 12 of them in the mosque."
    assert figures(blank_en, text) == [("killed", 30, "civilians")]


def test_a_killing_noun_before_its_victims_is_a_trigger(
    blank_en: Language, blank_fr: Language
) -> None:
    text = "La région est en deuil après la tuerie de dix-sept villageois à Bodio."
    assert figures(blank_fr, text) == [("killed", 17, "civilians")]
    text = "He blamed the group for the weekend murder of the mayor of Koutougou."
    assert figures(blank_en, text) == [("killed", 1, "civilians")]
    text = "The region mourns after the massacre of seventeen villagers in Bodio."
    assert figures(blank_en, text) == [("killed", 17, "civilians")]


def test_soldiers_of_two_nationalities_are_two_tolls(
    blank_en: Language, blank_fr: Language
) -> None:
    text = "Quatre soldats américains et cinq soldats nigériens ont été tués dans une embuscade."
    assert figures(blank_fr, text) == [("killed", 4, "soldiers"), ("killed", 5, "soldiers")]
    text = "Four American soldiers and five Nigerien soldiers were killed in an ambush."
    assert figures(blank_en, text) == [("killed", 4, "soldiers"), ("killed", 5, "soldiers")]


def test_the_army_a_country_name_qualifies_is_the_same_side(
    blank_en: Language, blank_fr: Language
) -> None:
    # "auxiliaries of the army of Burkina Faso" fight beside its soldiers: one toll.
    text = "Seventeen soldiers and thirty-six auxiliaries of the army of Burkina Faso were killed."
    assert figures(blank_en, text) == [("killed", 53, "soldiers")]
    text = "Douze soldats maliens et quatre VDP ont été tués près de Boni."
    assert figures(blank_fr, text) == [("killed", 16, "soldiers")]


def test_soldiers_who_fell_were_killed(blank_fr: Language) -> None:
    # "tombés" of soldiers is their death; shells that fell count nothing.
    text = "Quinze militaires sont tombés et un autre est blessé, selon l'armée."
    assert figures(blank_fr, text) == [("killed", 15, "soldiers"), ("injured", 1, "soldiers")]
    assert claims(blank_fr, "Seize obus sont tombés en dehors du camp de Tessalit.") == []


def test_one_other_after_a_toll_is_one_more_person(blank_en: Language, blank_fr: Language) -> None:
    text = "Deux gendarmes ont été tués et un autre a été blessé dans une embuscade."
    assert figures(blank_fr, text) == [("killed", 2, "soldiers"), ("injured", 1, "soldiers")]
    text = "One soldier was killed and one other wounded near Boni."
    assert figures(blank_en, text) == [("killed", 1, "soldiers"), ("injured", 1, "soldiers")]
    assert claims(blank_fr, "Un autre convoi a été attaqué près de Boni.") == []


def test_the_verb_of_a_relative_clause_after_a_figure_is_its_verb(
    blank_en: Language, blank_fr: Language
) -> None:
    # "the 23 soldiers who died": the relative's subject is the figure.
    text = "Besides the 12 soldiers who were killed, 9 were wounded."
    found = claims(blank_en, text)
    assert [(c.kind, c.min, c.victims_text) for c in found] == [
        ("killed", 12, "soldiers"),
        ("injured", 9, ""),
    ]
    assert text[found[0].start : found[0].end] == "12 soldiers who were killed"
    assert figures(blank_fr, "Outre les 12 soldats qui ont été tués, 9 ont été blessés.") == [
        ("killed", 12, "soldiers"),
        ("injured", 9, "unknown"),
    ]
    assert figures(blank_en, "The 30 villagers who died were buried on Monday.") == [
        ("killed", 30, "civilians")
    ]


def test_guard_a_relative_verb_with_its_own_object_or_a_release_is_not_the_figures(
    blank_en: Language,
) -> None:
    # The attackers killed the soldiers; the gendarmes held hostage were freed.
    assert figures(blank_en, "Some 12 attackers who killed 3 soldiers fled.") == [
        ("killed", 3, "soldiers")
    ]
    assert figures(blank_en, "Two gendarmes who had been held hostage were freed.") == []


def test_one_person_who_speaks_of_the_dead_is_not_one_of_them(
    blank_en: Language, blank_fr: Language
) -> None:
    # "tens of dead" are counted like "dozens" (des dizaines): a floor of 24.
    assert figures(blank_en, "A local official spoke in terms of tens of dead.") == [
        ("killed", 24, "unknown")
    ]
    assert figures(blank_fr, "Un élu local parle de dizaines de morts.") == [
        ("killed", 24, "unknown")
    ]


def test_guard_one_person_killed_beside_a_speaker_is_still_one(blank_en: Language) -> None:
    assert figures(blank_en, "A soldier was killed on Monday, the army said.") == [
        ("killed", 1, "soldiers")
    ]
