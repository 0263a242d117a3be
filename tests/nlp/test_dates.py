"""Event dates resolved against the publication date (sentences written for these tests)."""

from __future__ import annotations

from datetime import date

import pytest

from nlp.analyze import Analyzer
from nlp.dates import DateMention, find_dates

WED = date(2024, 7, 3)  # a Wednesday


def dates(text: str, published: date | None, lang: str = "en") -> list[DateMention]:
    return find_dates(text, lang, published)


def first(text: str, published: date | None, lang: str = "en") -> DateMention:
    found = dates(text, published, lang)
    assert found, text
    return found[0]


def test_weekday_resolves_to_the_latest_one_not_after_publication() -> None:
    d = first("The attack took place on Monday in the village.", WED)
    assert (d.date, d.precision) == (date(2024, 7, 1), "day")
    d = first("Une attaque a eu lieu dimanche dernier.", WED, "fr")
    assert d.date == date(2024, 6, 30)
    d = first("Gunmen struck on Wednesday night.", WED)
    assert d.date == WED  # the publication day itself


def test_weekday_without_publication_date_is_null() -> None:
    d = first("The attack took place on Monday.", None)
    assert d.date is None and d.precision == "unknown"


def test_explicit_dates_and_ranges() -> None:
    d = first("Soldiers raided the village on 14 February 2021.", None)
    assert (d.date, d.end_date) == (date(2021, 2, 14), None)
    d = first("The massacre lasted from March 27-31, 2022.", None)
    assert (d.date, d.end_date) == (date(2022, 3, 27), date(2022, 3, 31))
    d = first("Les 4 et 5 mai 2023, des hommes armés ont attaqué.", None, "fr")
    assert (d.date, d.end_date) == (date(2023, 5, 4), date(2023, 5, 5))
    d = first("It happened between 2 and 4 October 2020 near the river.", None)
    assert (d.date, d.end_date) == (date(2020, 10, 2), date(2020, 10, 4))
    d = first("It happened on June 10, 2019 at dawn.", None)
    assert d.date == date(2019, 6, 10)


def test_day_and_month_without_year_needs_the_publication_date() -> None:
    assert first("L'attaque du 27 mars a fait des morts.", None, "fr").date is None
    d = first("L'attaque du 27 mars a fait des morts.", date(2022, 4, 2), "fr")
    assert d.date == date(2022, 3, 27)
    # A December date read in January belongs to the previous year.
    assert first("on 30 December", date(2021, 1, 5)).date == date(2020, 12, 30)


def test_night_of_saturday_to_sunday() -> None:
    d = first("dans la nuit de samedi à dimanche, un camp a été attaqué", date(2022, 7, 4), "fr")
    assert (d.date, d.end_date) == (date(2022, 7, 2), date(2022, 7, 3))


def test_relative_days_weeks_months() -> None:
    assert first("Gunmen killed five people yesterday.", WED).date == date(2024, 7, 2)
    d = first("Several attacks happened last week.", WED)
    assert (d.date, d.end_date, d.precision) == (date(2024, 6, 24), date(2024, 6, 30), "week")
    d = first("Clashes broke out earlier this month.", WED)
    assert (d.date, d.end_date, d.precision) == (date(2024, 7, 1), WED, "month")
    assert first("Gunmen killed five people yesterday.", None).date is None


def test_periods_are_flagged() -> None:
    d = first("in the second half of last year", date(2022, 3, 25))
    assert (d.date, d.end_date, d.period) == (date(2021, 7, 1), date(2021, 12, 31), True)
    d = first("from December 2021 to March 2022", None)
    assert (d.date, d.end_date, d.period) == (date(2021, 12, 1), date(2022, 3, 31), True)
    d = first("depuis 2015, les violences ont fait des milliers de morts", date(2019, 8, 28), "fr")
    assert (d.date, d.end_date, d.period) == (None, date(2019, 8, 28), True)
    d = first("in the first quarter of 2023", None)
    assert (d.date, d.end_date) == (date(2023, 1, 1), date(2023, 3, 31))


def test_reporting_dates_are_flagged() -> None:
    found = dates("Officials said Tuesday that the attack took place on Monday.", WED)
    assert [(d.text, d.reporting) for d in found] == [("Tuesday", True), ("on Monday", False)]
    found = dates("a annoncé jeudi soir le ministère", WED, "fr")
    assert found[0].reporting


def test_the_day_a_claim_of_the_attack_names_after_it_is_the_claims() -> None:
    pub = date(2023, 3, 22)
    text = "The militia, which claimed the raid on Tuesday, named no toll."
    assert [d.reporting for d in dates(text, pub)] == [True]
    text = "Le groupe, qui a revendiqué l'attaque mardi, ne donne aucun bilan."
    assert [d.reporting for d in dates(text, pub, "fr")] == [True]
    text = "L'embuscade, revendiquée le 21 mars par le groupe, visait un convoi."
    assert [d.reporting for d in dates(text, pub, "fr")] == [True]
    # a casualty verb's day is the event's
    assert [d.reporting for d in dates("The raid on Tuesday killed nine.", pub)] == [False]


def test_month_and_year_has_month_precision() -> None:
    d = first("In March 2025, more people fled.", None)
    assert (d.date, d.end_date, d.precision) == (date(2025, 3, 1), date(2025, 3, 31), "month")


def test_a_period_between_two_days_with_the_year_written_once() -> None:
    q1, q2 = (date(2022, 1, 1), date(2022, 3, 31)), (date(2023, 2, 1), date(2023, 4, 30))
    for text, lang, (start, end) in (
        ("Between 1 January and 31 March 2022, 543 civilians were killed.", "en", q1),
        ("From January 1 to March 31, 2022, 543 civilians were killed.", "en", q1),
        ("Entre le 1er février 2023 et le 30 avril 2023, 412 civils ont été tués.", "fr", q2),
        ("Du 1er janvier au 31 mars 2022, 543 civils ont été tués.", "fr", q1),
    ):
        d = first(text, WED, lang)
        assert (d.date, d.end_date, d.period) == (start, end, True), text
    # the first day's year is the one before when its month comes later
    d = first("between 1 December and 31 March 2022", WED)
    assert (d.date, d.end_date) == (date(2021, 12, 1), date(2022, 3, 31))


def test_a_period_of_whole_months_with_the_year_written_once() -> None:
    q1 = (date(2023, 1, 1), date(2023, 3, 31))
    for text, lang in (
        ("Between January and March 2023, 212 civilians were killed.", "en"),
        ("From January to March 2023, 212 civilians were killed.", "en"),
        ("Entre janvier et mars 2023, 212 civils ont été tués.", "fr"),
        ("De janvier à mars 2023, 212 civils ont été tués.", "fr"),
        ("In January-March 2023, 212 civilians were killed.", "en"),
    ):
        d = first(text, WED, lang)
        assert (d.date, d.end_date, d.precision, d.period) == (*q1, "month", True), text
    # the first month's year is the one before when it comes later in the year
    d = first("between November and February 2023", WED)
    assert (d.date, d.end_date) == (date(2022, 11, 1), date(2023, 2, 28))


def test_since_a_month_is_a_period_from_its_first_day() -> None:
    d = first("Some 300 people have been killed since March.", WED)
    assert (d.date, d.end_date, d.period) == (date(2024, 3, 1), WED, True)
    d = first("Plus de 300 morts depuis le mois de mars.", WED, "fr")
    assert (d.date, d.period) == (date(2024, 3, 1), True)
    d = first("Over 300 killed since September.", WED)  # the last September before July
    assert d.date == date(2023, 9, 1)


def test_a_year_a_total_covers_is_that_whole_year() -> None:
    d = first("Roadside bombs killed 61 people in 2020, the report says.", None)
    assert (d.date, d.end_date, d.precision) == (date(2020, 1, 1), date(2020, 12, 31), "year")
    d = first("Les engins explosifs ont fait 48 morts en 2018.", None, "fr")
    assert (d.date, d.end_date) == (date(2018, 1, 1), date(2018, 12, 31))


def test_a_year_something_began_is_not_a_covered_year() -> None:
    # Guard: "deployed in 2014" starts a count, it is not the year counted.
    assert dates("The mission, deployed in 2014, has lost 170 soldiers.", None) == []
    assert (
        dates("Depuis son déploiement en 2014, la mission a perdu 170 soldats.", None, "fr") == []
    )


def test_a_total_for_a_year_is_dated_to_that_year(analyzer: Analyzer) -> None:
    result = analyzer.analyze(
        "Jihadist violence killed 2,400 people across Niger in 2021.", lang="en"
    )
    assert [
        (i["aggregate"], i["event_date"], i["event_date_end"]) for i in result["incidents"]
    ] == [(True, "2021-01-01", "2021-12-31")]


def test_the_weekend_is_the_latest_saturday_and_sunday() -> None:
    # Said on a Monday, a Wednesday or the Sunday itself: the same two days.
    for published in (date(2024, 7, 1), date(2024, 7, 3), date(2024, 6, 30)):
        d = first("Gunmen killed nine herders over the weekend near Dori.", published)
        assert (d.date, d.end_date, d.precision) == (date(2024, 6, 29), date(2024, 6, 30), "week")
    d = first(
        "Des hommes armés ont tué neuf éleveurs ce week-end près de Dori.", date(2024, 6, 29), "fr"
    )
    assert (d.date, d.end_date) == (date(2024, 6, 29), date(2024, 6, 29))


def test_the_day_a_group_claimed_the_attack_is_the_claims() -> None:
    # "On Monday, JNIM claimed responsibility for the ambush": Monday dates the claim.
    d = first("On Monday, the JNIM group claimed responsibility for the ambush near Boni.", WED)
    assert d.reporting
    d = first("Lundi, l'État islamique a revendiqué l'embuscade près de Boni.", WED, "fr")
    assert d.reporting


def test_guard_a_day_whose_clause_tells_the_attack_stays_the_events() -> None:
    d = first("On Monday gunmen killed five soldiers, and JNIM claimed responsibility.", WED)
    assert not d.reporting
    text = "Le camp a été ciblé, ce lundi, par le JNIM, qui a revendiqué l'attaque."
    assert not first(text, WED, "fr").reporting


def test_an_undated_pages_weekday_is_the_day_of_that_weekday_the_text_writes() -> None:
    # No publication date: "vendredi" alone cannot be placed, but the communiqué writes
    # the one Friday it means.
    text = (
        "Douze soldats ont été tués vendredi dans le nord du pays. « Ce vendredi 8 avril "
        "2022, une attaque a visé le détachement de Kobou », précise le communiqué."
    )
    assert (first(text, None, "fr").date, first(text, None, "fr").precision) == (
        date(2022, 4, 8),
        "day",
    )
    text = (
        "A Canadian geologist was kidnapped on Tuesday at a mining site. He was abducted "
        "on January 15, 2019, officials said."
    )
    assert first(text, None).date == date(2019, 1, 15)


def test_guard_a_weekday_stays_unknown_when_the_text_writes_none_or_two_of_it() -> None:
    text = "Four soldiers were killed on Tuesday. The army said on 17 January 2019 it was over."
    assert first(text, None).date is None  # 17 January 2019 was a Thursday
    text = (
        "Four soldiers were killed on Tuesday. Attacks on 15 January 2019 and on "
        "22 January 2019 had already killed ten."
    )
    assert first(text, None).date is None  # two Tuesdays written: which one is unknown
    # With a publication date the weekday is the latest before it, as always.
    text = "Four soldiers were killed on Tuesday. Attacks on 15 January 2019 killed ten."
    assert first(text, WED).date == date(2024, 7, 2)


def test_the_previous_day_counts_from_the_day_written_before_it() -> None:
    text = (
        "The group on Saturday claimed the raid on the army post, which the army said "
        "killed 29 soldiers the previous day."
    )
    found = dates(text, WED)
    assert [(d.text, d.date) for d in found] == [
        ("on Saturday", date(2024, 6, 29)),
        ("the previous day", date(2024, 6, 28)),
    ]
    text = "Le groupe a revendiqué samedi l'attaque du poste, qui a fait 29 morts la veille."
    assert [d.date for d in dates(text, WED, "fr")] == [date(2024, 6, 29), date(2024, 6, 28)]
    text = "Des drones ont frappé un mariage le 16 février, puis des funérailles le lendemain."
    assert [d.date for d in dates(text, WED, "fr")] == [date(2024, 2, 16), date(2024, 2, 17)]
    # with no day written before it, "the day before" is not read at all
    assert dates("Gunmen killed nine herders the day before.", WED) == []


def test_an_event_counted_from_its_claim_day_is_dated_the_day_before(analyzer: Analyzer) -> None:
    result = analyzer.analyze(
        "The Islamic State group on Saturday claimed an attack on the army base in Kobou, "
        "which the army said killed 29 soldiers the previous day.",
        lang="en",
        published=WED,
    )
    assert [i["event_date"] for i in result["incidents"]] == ["2024-06-28"]


def test_a_year_around_the_events_day_does_not_hide_the_day(analyzer: Analyzer) -> None:
    # "in 2024" belongs to "the fifth attack … in 2024"; Wednesday, two sentences up,
    # is the day of this attack.
    result = analyzer.analyze(
        "The army camp in Kobou was attacked on Wednesday. Rockets landed near the camp. "
        "Three soldiers and two civilians were injured in what was the fifth attack on "
        "the same camp in 2024.",
        lang="en",
        published=date(2024, 7, 5),
    )
    assert [i["event_date"] for i in result["incidents"]] == ["2024-07-03", "2024-07-03"]


def test_a_recalled_event_does_not_take_the_day_of_the_event_told(analyzer: Analyzer) -> None:
    result = analyzer.analyze(
        "At least 12 people were killed on Monday in an attack on the village of Kobou, "
        "less than two weeks after 40 people were killed by jihadists.",
        lang="en",
        published=WED,
    )
    assert [(i["killed"]["min"], i["event_date"]) for i in result["incidents"]] == [
        (12, "2024-07-01"),
        (40, None),
    ]


def test_the_day_of_the_lead_in_that_places_a_toll_is_its_day(analyzer: Analyzer) -> None:
    # The lead-in names the scene and the day; a long statement stands between it
    # and the toll.
    text = (
        "Le samedi 13 juin 2020, un convoi de la mission de l'ONU a été pris dans une "
        "embuscade près de Tessalit. Dans un long communiqué, le secrétaire général a "
        "rappelé que la mission continuera de soutenir le peuple et le gouvernement du "
        "Mali dans leur quête de paix et de stabilité, que les Casques bleus restent "
        "déterminés à protéger les civils partout où ils le peuvent, que la coopération "
        "avec les autorités de transition se poursuivra dans les prochaines semaines et "
        "que de nouveaux renforts seront déployés dans la région dès que possible, avant "
        "de remercier les pays contributeurs de troupes pour leur engagement constant. "
        "Deux Casques bleus sont morts."
    )
    result = analyzer.analyze(text, lang="fr", published=date(2020, 6, 16))
    assert [(i["location"]["name"], i["event_date"]) for i in result["incidents"]] == [
        ("Tessalit", "2020-06-13")
    ]


def test_guard_an_ambush_told_before_its_toll_gives_it_its_day(analyzer: Analyzer) -> None:
    text = (
        "The insurgency took a turn for the worse on Sunday with a disastrous ambush of "
        "army troops near the village of Kobou. Of the 64 soldiers in the convoy, about "
        "20 returned, while 24 are believed killed."
    )
    result = analyzer.analyze(text, lang="en", published=date(2020, 6, 19))
    assert [(i["location"]["name"], i["event_date"]) for i in result["incidents"]] == [
        ("Kobou", "2020-06-14")
    ]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The convoy was ambushed near Gaskindé on Monday, September 26, and eleven "
         "soldiers were killed. The previous convoy, in early September, ran over a mine: "
         "35 dead."),
        ("fr", "Le convoi est tombé dans une embuscade près de Gaskindé le lundi 26 septembre, "
         "et onze soldats ont été tués. Début septembre, le convoi précédent avait roulé sur "
         "une mine : 35 morts."),
    ],
)  # fmt: skip
def test_a_part_of_a_month_keeps_a_later_day_of_it_away(
    analyzer: Analyzer, lang: str, text: str
) -> None:
    result = analyzer.analyze(text, lang=lang, published=date(2022, 9, 28))
    # and the mine of early September, over weeks before the report, is recalled
    assert [(i["killed"]["min"], i["event_date"], i["recalled"]) for i in result["incidents"]] == [
        (11, "2022-09-26", False),
        (35, None, True),
    ]


def test_guard_a_part_of_the_month_just_over_may_be_news(analyzer: Analyzer) -> None:
    text = "In early September, gunmen killed 12 herders near Djibo, residents said."
    result = analyzer.analyze(text, lang="en", published=date(2022, 9, 12))
    assert [(i["event_date"], i["recalled"]) for i in result["incidents"]] == [(None, False)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Some 20 herders have been killed near Djibo over the past week."),
        ("fr", "Une vingtaine de bergers ont été tués au cours de la semaine écoulée près de "
         "Djibo."),
    ],
)  # fmt: skip
def test_the_past_week_is_the_seven_days_up_to_publication(lang: str, text: str) -> None:
    # published on Thursday 27 June 2019: not the calendar week before (17–23 June)
    [found] = dates(text, date(2019, 6, 27), lang)
    assert (found.date, found.end_date, found.precision) == (
        date(2019, 6, 20),
        date(2019, 6, 27),
        "week",
    )


def test_a_day_with_no_month_is_the_latest_such_day_before_publication() -> None:
    text = "A patrol was ambushed on the 13th and two peacekeepers died."
    [found] = dates(text, date(2020, 6, 19))
    assert (found.text, found.date, found.precision) == ("on the 13th", date(2020, 6, 13), "day")
    # a day after the publication day falls in the month before
    [found] = dates("The convoy was attacked on the 23rd.", date(2020, 6, 19))
    assert found.date == date(2020, 5, 23)
    # and with no publication date, no day
    [found] = dates(text, None)
    assert (found.date, found.precision) == (None, "unknown")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Last May 20 people were shot dead in the same three hamlets.", "en"),
        ("In June 14 soldiers died when their lorry struck a mine.", "en"),
        ("En juin 14 militaires étaient morts sur une mine.", "fr"),
    ],
)
def test_a_number_after_a_month_that_counts_people_is_no_day(
    analyzer: Analyzer, text: str, lang: str
) -> None:
    # "May 20 people": 20 counts people; the month alone dates the event (no day).
    assert all(d.precision != "day" for d in dates(text, WED, lang)), text
    found = analyzer.analyze(text, lang=lang, published=WED)["incidents"]
    assert [(i["killed"]["min"], i["event_date"]) for i in found] == [
        (int("".join(c for c in text if c.isdigit())), None)
    ], text


def test_guard_a_day_after_a_month_stays_a_day(analyzer: Analyzer) -> None:
    # A verb or an actor after the number leaves it the day of the month.
    for text, day, killed in (
        ("An air strike on Sunday, Jan. 3 killed 19 civilians near the village.", "2024-01-03", 19),
        ("On May 20 gunmen killed 12 people in the market.", "2024-05-20", 12),
    ):
        [found] = analyzer.analyze(text, lang="en", published=WED)["incidents"]
        assert (found["event_date"], found["killed"]["min"]) == (day, killed), text


@pytest.mark.parametrize(
    ("text", "lang", "first", "last"),
    [
        ("Over the first quarter of the year 2022, 90 civilians died.", "en",
         "2022-01-01", "2022-03-31"),
        ("Au deuxième trimestre de l'année 2023, 80 civils sont morts.", "fr",
         "2023-04-01", "2023-06-30"),
        ("In the second half of the year 2021, 60 soldiers died.", "en",
         "2021-07-01", "2021-12-31"),
    ],
)  # fmt: skip
def test_a_quarter_of_the_year_written_with_its_noun_is_dated(
    text: str, lang: str, first: str, last: str
) -> None:
    # "de l'année 2022", "of the year 2022": the noun between the quarter and its year
    [found] = [d for d in dates(text, None, lang) if d.period]
    assert (str(found.date), str(found.end_date), found.precision) == (first, last, "month")


@pytest.mark.parametrize(
    ("lang", "text", "day"),
    [
        ("en", "On Tuesday, gunmen raided a market in Djibo, a day after attacks blamed on "
         "jihadists killed 21 civilians and 6 soldiers in the east of the country.",
         "2024-07-01"),
        ("en", "On Tuesday, gunmen raided a market in Djibo, three days after ambushes killed "
         "21 civilians and 6 soldiers in the east of the country.", "2024-06-29"),
        ("fr", "Mardi, des hommes armés ont attaqué le marché de Djibo, deux jours après des "
         "attaques qui ont tué 21 civils et 6 soldats dans l'est du pays.", "2024-06-30"),
    ],
)  # fmt: skip
def test_an_event_recalled_days_before_the_one_told_has_its_own_day_and_place(
    analyzer: Analyzer, lang: str, text: str, day: str
) -> None:
    # Every figure of the list after the cue is the recalled event's: its day counted
    # back from Tuesday 2 July, its place written after the cue, not the market's town.
    found = analyzer.analyze(text, lang=lang, published=WED)["incidents"]
    east = "the east of the country" if lang == "en" else "l'est du pays"
    assert [(i["killed"]["min"], i["event_date"], i["location"]["name"]) for i in found] == [
        (21, day, east),
        (6, day, east),
    ]


@pytest.mark.parametrize(
    ("text", "lang", "last"),
    [
        ("The monitor counted 210 deaths in the first three months of 2021.", "en", "2021-03-31"),
        ("On a compté 210 morts les deux premiers mois de l'année 2024.", "fr", "2024-02-29"),
        ("Over the first 5 months of 2022, 300 civilians died.", "en", "2022-05-31"),
    ],
)  # fmt: skip
def test_the_first_months_of_a_year_are_a_period(text: str, lang: str, last: str) -> None:
    # A count of months from January: a period total's own span, to the month's end.
    [found] = [d for d in dates(text, None, lang) if d.period]
    assert (str(found.date)[5:], str(found.end_date), found.precision) == ("01-01", last, "month")


@pytest.mark.parametrize(
    ("text", "lang", "first", "last"),
    [
        ("At least 300 civilians have died since March 2021.", "en", "2021-03-01", "2024-07-03"),
        ("Au moins 300 civils sont morts depuis janvier 2022.", "fr", "2022-01-01", "2024-07-03"),
        ("Plus de 90 soldats tués depuis le début du mois de juin.", "fr", "2024-06-01",
         "2024-07-03"),
        ("The group counted 512 deaths in the last quarter of 2023.", "en", "2023-10-01",
         "2023-12-31"),
        ("Le groupe a compté 512 morts au dernier trimestre 2023.", "fr", "2023-10-01",
         "2023-12-31"),
    ],
)  # fmt: skip
def test_periods_from_a_month_of_a_year_and_the_last_quarter(
    text: str, lang: str, first: str, last: str
) -> None:
    # A period total's span: "since March 2021" runs to publication, not only March.
    [found] = [d for d in dates(text, WED, lang) if d.period]
    assert (str(found.date), str(found.end_date)) == (first, last)


def test_guard_last_quarter_without_a_year_is_no_date() -> None:
    # "last quarter" alone is the quarter before the present one, not October-December.
    assert [
        d for d in dates("Deaths rose in the last quarter, the UN said.", WED) if d.period
    ] == []


def test_a_total_since_a_month_whose_year_comes_later_is_one_total(analyzer: Analyzer) -> None:
    # "since December" (an undated page: year unknown) and "since December 2023" are one
    # period; its start is the one the year resolves.
    text = (
        "Since December, soldiers have killed dozens of civilians in central Mali. The "
        "soldiers have killed dozens of civilians there since December 2023, the group said."
    )
    found = analyzer.analyze(text, lang="en", published=None)["incidents"]
    assert [(i["killed"]["min"], i["aggregate"], i["event_date"]) for i in found] == [
        (24, True, "2023-12-01")
    ]


def test_a_day_ago_is_the_day_before_publication() -> None:
    # "a" is one in a days_ago phrase, as "one" is ("a day ago", "a day after").
    [found] = dates("The convoy was attacked a day ago, officials said.", WED)
    assert (found.date, found.precision) == (date(2024, 7, 2), "day")
