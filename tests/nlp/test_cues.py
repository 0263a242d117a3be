"""Cue regexes built from the cue-word data files (claims_cues.json, dates.json).

Every sentence here is written for these tests. Each regex is checked on
English and French text it must match and text it must not; the regexes are
the union of both languages, as the text's language can be misdetected.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nlp.claimgrammar import load_cues
from nlp.textnorm import fold_keep_length as fold

DATA = Path(__file__).resolve().parents[2] / "nlp" / "data"


def _finds(pattern: re.Pattern[str], text: str, *, folded: bool = True) -> bool:
    return pattern.search(fold(text) if folded else text) is not None


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_claims_cue_list_says_what_it_does(lang: str) -> None:
    spec = json.loads((DATA / lang / "claims_cues.json").read_text(encoding="utf-8"))
    assert spec["_comment"]
    other = json.loads((DATA / ("fr" if lang == "en" else "en") / "claims_cues.json").read_text())
    assert set(spec) == set(other)
    for key, entry in spec.items():
        if key == "_comment":
            continue
        assert entry["_comment"].strip(), key
        assert isinstance(entry["words"], list), key


# (regex field, text, expected) — texts are folded unless the cue reads the text as written.
CASES = [
    ("update_before", "The death toll rose to ", True),
    ("update_before", "the toll was revised upwards to ", True),
    ("update_before", "Le bilan est passé à ", True),
    ("update_before", "le bilan a été revu à la hausse à ", True),
    ("update_before", "The toll rose sharply and reached ", False),
    ("update_before", "Le bilan fait état de ", False),
    ("subcount_head", "civilians including women", True),
    ("subcount_head", "civils dont sept femmes", True),
    ("subcount_head", "civils parmi lesquels des enfants", True),
    ("subcount_head", "civilians in the market", False),
    ("subcount_head", "civils dans le marché", False),
    ("subcount_aside", " people, including eight civilians, were killed", True),
    ("subcount_aside", " personnes, dont huit civils, ont été tuées", True),
    ("subcount_aside", " personnes, parmi eux des enfants, ont été tuées", True),
    ("subcount_aside", " people were killed, officials said", False),
    ("subcount_aside", " personnes, selon des sources locales, ont été tuées", False),
    ("victims_after_trigger", " among the soldiers", True),
    ("victims_after_trigger", " parmi les soldats", True),
    ("victims_after_trigger", " chez les civils", True),
    ("victims_after_trigger", " in the village", False),
    ("victims_after_trigger", " dans le village", False),
    ("victims_owner", "du cote des fama, deux morts", True),
    ("victims_owner", "les pertes de l'armee sont de", True),
    ("victims_owner", "losses among the assailants were", True),
    ("victims_owner", "the coast road", False),
    ("victims_owner", "a cote du marche", False),  # "à côté de": beside
    ("upper_bound_join", ", and possibly ", True),
    ("upper_bound_join", ", voire ", True),
    ("upper_bound_join", ", and ", False),
    ("apposition_all", ", all volunteers", True),
    ("apposition_all", ", tous des vdp", True),
    ("apposition_all", ", including two soldiers", False),
    ("apposition_all", " all volunteers", False),
    ("others", "two others", True),
    ("others", "trois autres", True),
    ("others", "otherwise wounded", False),
    ("others", "autrefois", False),
    ("and_others", " and two others were hurt", True),
    ("and_others", " et deux autres blessés", True),
    ("and_others", " or injured", False),
    ("and_others", " ou blessés", False),
    ("missing", "killed or missing", True),
    ("missing", "tués ou portés disparus", True),
    ("missing", "tués ou disparu", True),
    ("missing", "killed or injured", False),
    ("missing", "tués ou blessés", False),
    ("everyone", " everyone in the village", True),
    ("everyone", " tout le monde au marché", True),
    ("everyone", " toutes celles qui", True),
    ("everyone", " every house", False),
    ("everyone", " tous les civils", False),
    ("not_deadly_before", "one of the ", True),
    ("not_deadly_before", "l'une des ", True),
    ("not_deadly_before", "un des ", True),
    ("not_deadly_before", "a ", False),
    ("not_deadly_before", "une ", False),
    ("complement_of", "un employe d'", True),
    ("complement_of", "an employee of ", True),
    ("complement_of", "le chef de ", True),
    ("complement_of", "il y a ", False),
    ("complement_of", "killed ", False),
    ("partitive_lead", "Of the ", True),
    ("partitive_lead", "il indique que sur les ", True),
    ("partitive_lead", "parmi les ", True),
    ("partitive_lead", "the bodies of ", False),
    ("partitive_lead", "les ", False),
    ("among_the", " women were among the ", True),
    ("among_the", " femmes faisaient partie des ", True),
    ("among_the", " figurent parmi les ", True),
    ("among_the", " people were ", False),
    ("among_the", " ont ete ", False),
    ("elliptical_after", " en 2022", True),
    ("elliptical_after", " a Kidal", True),
    ("elliptical_after", " in 2022", True),
    ("elliptical_after", " disparus", False),
    ("elliptical_after", " soldiers", False),
]


@pytest.mark.parametrize(("field", "text", "expected"), CASES)
def test_claims_cue_on_folded_text(field: str, text: str, expected: bool) -> None:
    assert _finds(getattr(load_cues(), field), text) is expected


def test_figureless_victim_skips_a_determiner() -> None:
    cues = load_cues()
    for text, word in [
        (" of civilians", "civilians"),
        (" all the villagers", "villagers"),
        (" des civils", "civils"),
        (" tous les habitants", "habitants"),
        (" civilians", "civilians"),
    ]:
        m = cues.figureless_victim.match(fold(text))
        assert m is not None and m.group("victim") == word, text
    # "a" and "un" are not among the determiners: the next word is not reached.
    for text in (" a civilian", " un civil"):
        m = cues.figureless_victim.match(fold(text))
        assert m is not None and m.group("victim") in ("a", "un")


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("de civils ont été", "civils"),
        ("d’enfants auraient", "enfants"),
        ("de soldats ont tous", "soldats"),
        ("the villagers have been", "villagers"),
        ("civilians were reportedly", "civilians"),
        ("Soldiers Were", "Soldiers"),
        ("women and children", "women and children"),
        ("femmes et enfants", "femmes et enfants"),
    ],
)
def test_victim_lead_and_tail_read_the_text_as_written(written: str, words: str) -> None:
    from nlp.claimrecords import _victims_words

    assert _victims_words(written) == words


def test_victim_lead_and_tail_on_their_own() -> None:
    cues = load_cues()
    assert cues.victim_lead.match("de civils")
    assert cues.victim_lead.match("The villagers")
    assert not cues.victim_lead.match("civils")
    assert not cues.victim_lead.match("others")
    assert cues.victim_tail.search(" civils ont  tous")
    assert cues.victim_tail.search(" villagers have been")
    assert not cues.victim_tail.search(" civils armés")
    assert not cues.victim_tail.search(" villagers in Mopti")


def test_claimant_words_read_the_text_as_written() -> None:
    cues = load_cues()
    assert cues.claimant_relative.split("the army, which denied it")[0] == "the army, "
    assert cues.claimant_relative.split("l'armée qui a démenti")[0] == "l'armée "
    assert cues.claimant_relative.split("local sources in Gao") == ["local sources in Gao"]
    assert cues.claimant_relative.split("des sources locales à Gao") == [
        "des sources locales à Gao"
    ]
    assert cues.claimant_end.split("Officials told reporters that the army")[-1] == " the army"
    assert cues.claimant_end.split("On a appris qu'un responsable")[-1] == "un responsable"
    assert cues.claimant_end.split("Selon un élu local") == ["Selon un élu local"]
    assert cues.claimant_end.split("According to local officials") == [
        "According to local officials"
    ]


def test_singular_function_words_keep_a_noun_phrase_apart() -> None:
    function = re.compile(f"(?:{load_cues().singular_function_words})\\s")
    for word in ("of ", "was ", "de ", "est "):
        assert function.fullmatch(word), word
    for word in ("local ", "malien ", "young ", "jeune "):
        assert not function.fullmatch(word), word


# What the word lists moved from code to data by issue 15 held in code. When a word is
# added or removed on purpose, change the record here in the same commit.
MOVED_CLAIMS_CUES = {
    "victim_phrase_stops": {
        "and", "et", "in", "on", "dans", "en", "near", "pres", "who", "qui", "lors", "during",
        "at", "par", "by", "with", "avec", "after", "apres", "since", "depuis",
        "while", "whereas", "alors", "tandis",  # session 8: "alors que la France …"
    },
    "elided_articles": {"de", "le", "la", "que", "se", "ne"},
    "victims_country_of": {"of", "de", "du"},
    "victims_country_articles": {"the"},
}  # fmt: skip


def test_claims_cue_lists_moved_from_code_hold_what_the_code_had() -> None:
    cues = load_cues()
    assert cues.victim_phrase_stops == MOVED_CLAIMS_CUES["victim_phrase_stops"]
    assert set(cues.elided) == MOVED_CLAIMS_CUES["elided_articles"]
    assert cues.elided["que"] == "qu'" and cues.elided["la"] == "l'"
    specs = [
        json.loads((DATA / lang / "claims_cues.json").read_text(encoding="utf-8"))
        for lang in ("en", "fr")
    ]
    for key in ("victims_country_of", "victims_country_articles"):
        words = {word for spec in specs for word in spec[key]["words"]}
        assert words == MOVED_CLAIMS_CUES[key], key
    # the country lead as the code wrote it, before a country's name
    old = re.compile(r"(?<=\b(?:of|de|du) )(?:the )?mali\b")
    new = re.compile(cues.victims_country_lead + r"mali\b")
    texts = ["army of mali", "of the mali", "armee du mali", "de mali", "the mali", "xof mali"]
    for text in [*texts, "of  mali", "des mali", "de la mali"]:
        assert [m.span() for m in old.finditer(text)] == [m.span() for m in new.finditer(text)]


@pytest.mark.parametrize(
    ("elided", "full"), [("d'", "de"), ("l'", "le"), ("qu'", "que"), ("s'", "se"), ("n'", "ne")]
)
def test_an_elided_word_counts_as_its_first_full_form(elided: str, full: str) -> None:
    from nlp.claimlinks import _norm_word

    assert _norm_word(elided) == full


def test_a_victims_phrase_ends_at_a_stop_word() -> None:
    from nlp.claimlinks import WORD_RE, Word, _victim_phrase_end

    for text, victims in [
        ("killed 12 civilians in the market", "12 civilians"),
        ("tué 12 civils dans le marché", "12 civils"),
        ("killed 12 civilians, officials said", "12 civilians"),
    ]:
        norm = fold(text)
        words = [Word(m.start(), m.end(), m.group(0)) for m in WORD_RE.finditer(norm)]
        q_end = norm.index("12") + 2
        assert norm[norm.index("12") : _victim_phrase_end(norm, words, q_end)] == victims


def test_place_and_actor_lists_moved_from_code_hold_what_the_code_had() -> None:
    from nlp.actorlexicon import load_actor_context
    from nlp.gazetteer import load_gazetteer
    from nlp.placecontext import PlaceContext

    places = PlaceContext(load_gazetteer())
    assert places.country_refs == {"pays", "country"}
    assert places.area_nouns == {"region", "zone", "partie", "part", "area"}
    assert places.region_of == {"du", "de", "of", "d", "des"}
    assert places.reference_before == {
        "near", "pres", "border", "frontiere", "frontieres", "borders", "avec"
    }  # fmt: skip
    assert places.articles == {"l", "la", "le", "les", "the"}
    assert places.direction_joiners == {"and", "et"}
    assert places.region_in == {"dans", "in"}
    assert places.nationality_read_as == {"NG": "NE"}
    actors = load_actor_context()
    assert actors.sahel_countries == {"ML", "BF", "NE"}
    assert actors.country_of == {"of", "du", "de", "d'", "d’", "des"}
    assert actors.country_of_articles == {"the", "la", "l'", "l’"}
    assert actors.country_possessive == {"'s", "’s"}
    spec = json.loads((DATA / "actor_context.json").read_text(encoding="utf-8"))
    assert set(spec["_comment"]) - {"_about"} == {k for k in spec if not k.startswith("_")}
    cues = json.loads((DATA / "place_cues.json").read_text(encoding="utf-8"))
    for key in (
        "country_reference",
        "area_nouns",
        "region_of",
        "reference_before",
        "articles",
        "direction_joiners",
        "region_in",
        "admin1_affixes",
        "admin2_affixes",
        "nationality_read_as",
    ):
        assert cues["_comment"][key].strip(), key


def test_every_new_dates_list_says_what_it_does() -> None:
    spec = json.loads((DATA / "dates.json").read_text(encoding="utf-8"))
    for key in (
        "anchor_words",
        "weekday_before",
        "weekday_after",
        "statement_after",
        "year_of_origin_before",
        "year_words",
        "half_ordinals",
        "half_nouns",
        "quarter_ordinals",
        "quarter_nouns",
        "quarter_year_words",
        "since",
        "beginning_of",
        "year_start",
        "since_origin_nouns",
        "date_range_openers",
        "date_range_joiners",
        "day_range_openers",
        "day_range_joiners",
        "day_list_openers",
        "day_list_joiners",
        "date_in",
        "day_ordinal_suffixes",
        "period_of",
        "relative_to_previous_day",
        "month_parts",
        "past_days",
        "year_in",
        "year_to_date",
        "days_ago",
        "small_numbers",
        "reporting_date_before",
        "claimed_before",
        "count_after_month_day",
        "year_nouns",
        "first_months_of",
        "last_quarter_words",
        "days_after",
    ):
        assert spec[key]["_comment"].strip(), key
        assert spec[key]["en"] and spec[key]["fr"], key
    # Rules read in one language only so far ("le 27 mars dernier", "on Thursday and Friday").
    for key in (
        "reported_after",
        "day_alone_before",
        "articles",
        "day_month_after",
        "night_of",
        "night_from",
        "night_to",
        "weekday_range_before",
        "month_nouns",
        "month_of",
        "since_origin_articles",
        "year_to_date_before",
    ):
        assert spec[key]["_comment"].strip(), key
        assert spec[key]["en"] or spec[key]["fr"], key
    for lang in ("en", "fr"):
        assert all(phrase.count("N") == 1 for phrase in spec["days_ago"][lang])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Attacks have risen since the coup.", True),
        ("Three days ago gunmen came.", True),
        ("Les attaques se multiplient depuis le coup d'État.", True),
        ("Il y a trois jours, des hommes armés sont venus.", True),
        ("Gunmen attacked the village.", False),
        ("Des hommes armés ont attaqué le village.", False),
    ],
)
def test_date_anchor_words(text: str, expected: bool) -> None:
    from nlp.dates import _anchor_re, _vocab

    keywords = re.compile(
        r"(?<![\w])(?:" + "|".join(map(re.escape, _vocab().anchor_words)) + r")(?![\w])"
    )
    assert bool(keywords.search(fold(text))) is expected
    assert bool(_anchor_re().search(fold(text))) is expected


@pytest.mark.parametrize(
    ("text", "published", "mention"),
    [
        ("Gunmen attacked on Sunday night.", "2024-03-14", "on Sunday night"),
        ("It happened last Monday morning.", "2024-03-14", "last Monday morning"),
        ("L'attaque a eu lieu dimanche dernier.", "2024-03-14", "dimanche dernier"),
        ("Ce mardi après-midi, le village a été attaqué.", "2024-03-14", "Ce mardi après-midi"),
        ("Gunmen attacked Sunday in Mopti.", "2024-03-14", "Sunday"),
        ("Le village a été attaqué mardi à Gao.", "2024-03-14", "mardi"),
    ],
)
def test_weekday_words_before_and_after(text: str, published: str, mention: str) -> None:
    import datetime as dt

    from nlp.dates import find_dates

    found = find_dates(text, "en", dt.date.fromisoformat(published))
    assert [d.text for d in found] == [mention]


def test_statement_words_after_a_date() -> None:
    from nlp.dates import _vocab

    glued = _vocab().glued_after_re
    assert glued.match(" that five soldiers died")
    assert glued.match(", que cinq soldats sont morts")
    assert glued.match(" (AFP) reported")
    assert not glued.match(" in Mopti, where five soldiers died")
    assert not glued.match(" à Gao, où cinq soldats sont morts")
