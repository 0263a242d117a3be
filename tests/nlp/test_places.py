"""The civwatch_places component on blank English and French pipelines.

Every sentence here is written for these tests (no gold or press text). The
expected places are checked against geography by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

import nlp.places  # noqa: F401  (registers the civwatch_places factory)
from nlp.placechoice import same_place
from nlp.places import Place


def _pipeline(lang: str, focus: list[str] | None = None) -> Language:
    pipe = spacy.blank(lang)
    pipe.add_pipe("sentencizer")
    config = {"focus_countries": focus} if focus else {}
    pipe.add_pipe("civwatch_places", config=config)
    return pipe


@pytest.fixture(scope="module")
def en() -> Language:
    return _pipeline("en")


@pytest.fixture(scope="module")
def fr() -> Language:
    return _pipeline("fr")


def places(doc: Doc) -> dict[str, Place]:
    return {span.text: span._.place for span in doc.spans["places"]}


def test_accents_and_case(en: Language) -> None:
    doc = en("Shells hit TOMBOUCTOU on Monday; Timbuktu and Ségou were calm, Segou too.")
    found = places(doc)
    assert found["TOMBOUCTOU"].geonames_id == found["Timbuktu"].geonames_id == 2449067
    assert found["TOMBOUCTOU"].admin1 == "Tombouctou"
    assert found["Ségou"].country == found["Segou"].country == "ML"
    assert found["Ségou"].admin1 == found["Segou"].admin1 == "Ségou"
    assert found["Ségou"].precision == "point"


def test_overlay_place(en: Language) -> None:
    doc = en("Troops entered Moura at dawn and stayed for five days.")
    moura = places(doc)["Moura"]
    assert (moura.country, moura.admin1, moura.feature) == ("ML", "Mopti", "overlay")
    assert moura.geonames_id is None


def test_nationality_never_sets_location(en: Language) -> None:
    doc = en("Burkinabe peacekeepers were attacked in Kidal on Sunday.")
    found = places(doc)
    assert list(found) == ["Kidal"]
    assert (found["Kidal"].country, found["Kidal"].admin1) == ("ML", "Kidal")
    nationalities = [(s.text, s._.country) for s in doc.spans["nationalities"]]
    assert nationalities == [("Burkinabe", "BF")]


def test_french_nationalities_all_forms(fr: Language) -> None:
    doc = fr("Des soldats maliens, une patrouille nigérienne et l'armée burkinabè.")
    assert [s._.country for s in doc.spans["nationalities"]] == ["ML", "NE", "BF"]
    assert not doc.spans["places"]


def test_nigerian_counts_for_niger_when_only_niger_is_in_focus() -> None:
    text = "Nigerian soldiers were attacked on Sunday."
    for focus, country in ((["ML", "BF", "NE"], "NE"), (["NE", "NG"], "NG"), (["ML"], "NG")):
        doc = _pipeline("en", focus)(text)
        assert [s._.country for s in doc.spans["nationalities"]] == [country], focus


def test_ambiguous_name_resolved_by_focus(en: Language) -> None:
    text = "The convoy was ambushed near Torodi."
    assert places(_pipeline("en", ["NE"])(text))["Torodi"].country == "NE"
    assert places(_pipeline("en", ["BF"])(text))["Torodi"].country == "BF"


def test_ambiguous_name_resolved_by_co_mention(en: Language) -> None:
    # Default focus (ML, BF, NE): the Niger town wins next to Tillabéri.
    doc = en("The convoy left Tillabéri and was ambushed near Torodi.")
    assert places(doc)["Torodi"].country == "NE"
    assert places(doc)["Torodi"].admin1 == "Tillabéri"


def test_per_document_focus_countries(en: Language) -> None:
    doc = en.make_doc("The convoy was ambushed near Torodi.")
    doc._.focus_countries = ["BF"]
    for _, proc in en.pipeline:
        doc = proc(doc)
    assert places(doc)["Torodi"].country == "BF"


def test_unresolved_grammatical_place_is_kept(en: Language) -> None:
    doc = en("Gunmen burned the village of Zankorobougou-Dié and left.")
    place = places(doc)["Zankorobougou-Dié"]
    assert place.precision == "unresolved" and place.country is None


def test_unknown_names_listed_with_a_known_place(en: Language) -> None:
    doc = en("Herders were abducted in Djibo, Kwaltenga and Sorbilo.")
    found = places(doc)
    assert found["Djibo"].country == "BF"
    assert found["Kwaltenga"].precision == "unresolved"
    assert found["Sorbilo"].precision == "unresolved"


def test_unknown_name_before_village(en: Language) -> None:
    doc = en("Fighting spread to Wanzerbé-Kouka village on Friday.")
    assert places(doc)["Wanzerbé-Kouka"].precision == "unresolved"


def test_admin_regions_english(en: Language) -> None:
    doc = en("Clashes in the Mopti region spread to Seno province and Bankass cercle.")
    found = places(doc)
    assert (found["Mopti region"].precision, found["Mopti region"].admin1) == ("admin1", "Mopti")
    assert found["Seno province"].country == "BF"
    assert found["Seno province"].admin1 == "Sahel"
    assert found["Seno province"].precision == "admin2"
    assert found["Bankass cercle"].admin1 == "Mopti"


def test_admin_regions_french(fr: Language) -> None:
    doc = fr("L'embuscade s'est produite dans le cercle de Bankass, dans la région de Mopti.")
    found = places(doc)
    assert found["cercle de Bankass"].precision == "admin2"
    assert found["région de Mopti"].precision == "admin1"
    assert found["région de Mopti"].admin1 == "Mopti"


def test_descriptive_regions(en: Language, fr: Language) -> None:
    found = places(en("Violence has grown in central Mali and northern Burkina Faso."))
    assert found["central Mali"].country == "ML"
    assert found["central Mali"].precision == "region"
    assert found["northern Burkina Faso"].country == "BF"
    found = places(fr("Les combats ont repris dans le centre du Mali."))
    assert found["le centre du Mali"].country == "ML"
    found = places(fr("Un camp a été attaqué à Tillabéri, dans l'ouest du pays."))
    assert found["l'ouest du pays"].country == "NE"
    assert found["l'ouest du pays"].precision == "region"


def test_regions_of_two_directions_and_after_a_preposition(en: Language, fr: Language) -> None:
    found = places(en("Violence has grown in central and northern Mali."))
    assert found["central and northern Mali"].precision == "region"
    found = places(en("Gunmen attacked a camp in the north, the army of Mali said."))
    assert (found["the north"].precision, found["the north"].country) == ("region", "ML")
    found = places(fr("Une attaque à Gao. Les combats ont repris dans l'ouest."))
    assert (found["l'ouest"].precision, found["l'ouest"].country) == ("region", "ML")
    assert places(en("Gunmen attacked a camp near the north.")) == {}
    assert places(fr("Les combats ont repris vers le nord.")) == {}


def test_niger_river_is_not_the_country(en: Language, fr: Language) -> None:
    assert "Niger" not in places(en("Boats crossed the Niger River at Gao."))
    assert "Niger" not in places(fr("Les pirogues ont traversé le fleuve Niger."))
    assert places(en("Soldiers died in Niger."))["Niger"].country == "NE"


def test_common_words_and_names_are_not_places(en: Language, fr: Language) -> None:
    doc = en("Est and Nord are words. Mars is a month. Amadou Karma spoke to Colonel Bamba.")
    assert places(doc) == {}
    doc = fr("Sous la pression, Dans un communiqué, le Centre a réagi.")
    assert places(doc) == {}


def test_hostile_input(en: Language, fr: Language) -> None:
    assert places(en("")) == {}
    assert isinstance(places(en("\x00\x01\x02 Gao \x07\x1b")), dict)
    no_boundaries = " ".join(["gunmen attacked Gao and Kidal"] * 2000)
    doc = en(no_boundaries)
    assert len(doc.spans["places"]) == 4000
    german = "Bewaffnete griffen am Sonntag ein Dorf an und töteten viele Menschen."
    assert places(fr(german)) == {}
    # HTML passed as text: no crash; markup glued to words may hide a name.
    html = "<p>Attack in <b> Gao </b></p><script>var x = 1;</script>"
    assert places(en(html))["Gao"].country == "ML"


def test_works_on_fr_core_news_sm() -> None:
    if not spacy.util.is_package("fr_core_news_sm"):
        pytest.skip("fr_core_news_sm is not installed")
    pipe = spacy.load("fr_core_news_sm", exclude=["parser", "lemmatizer"])
    pipe.add_pipe("civwatch_places")
    doc = pipe("Des hommes armés ont attaqué Djibo, au nord du Burkina Faso.")
    found = places(doc)
    assert found["Djibo"].admin1 == "Sahel"
    assert found["nord du Burkina Faso"].country == "BF"


def test_main_country(en: Language, fr: Language) -> None:
    doc = en("Malian soldiers said the attack near the border with Burkina Faso killed five.")
    assert doc._.main_country == "ML"
    doc = fr("Des militaires nigériens ont été tués près de la frontière avec le Mali.")
    assert doc._.main_country == "NE"
    assert en("Nothing happened.")._.main_country is None


def test_text_about_elsewhere_has_no_sahel_hamlets(en: Language) -> None:
    # Several of these words are also names of GeoNames hamlets in the Sahel.
    doc = en(
        "Senator Ben Sasse met Prime Minister Modi in San Diego on Independence Day. "
        "Kobe fans gathered for a parade; Time magazine covered it."
    )
    found = places(doc)
    assert all(p.country in (None, "US") for p in found.values()), found
    assert "San Diego" in found and found["San Diego"].precision == "unresolved"


def test_curated_lower_case_regions(en: Language, fr: Language) -> None:
    found = places(en("Attacks rose in the Liptako-Gourma tri-border area last year."))
    assert found["tri-border area"].precision == "region"
    assert found["tri-border area"].country is None  # spans three countries
    found = places(fr("Les attaques se multiplient dans la zone des trois frontières."))
    assert found["zone des trois frontières"].precision == "region"


def test_settlement_apposition(en: Language, fr: Language) -> None:
    found = places(en("Gunmen raided Kalbouli, a village near the border, at night."))
    assert found["Kalbouli"].precision in ("unresolved", "point")
    found = places(fr("Des hommes armés ont attaqué Tinhamatene, une localité du nord."))
    assert "Tinhamatene" in found


def test_french_dative_person_is_not_a_place(fr: Language) -> None:
    doc = fr("Le ministre a rendu hommage à Moctar Wendé, puis il est reparti à Gao.")
    found = places(doc)
    assert "Moctar Wendé" not in found and "Moctar" not in found
    assert found["Gao"].country == "ML"


def test_french_area_of_a_region(fr: Language) -> None:
    found = places(fr("Les attaques se multiplient dans la région centrale du Sahel."))
    area = found["région centrale du Sahel"]
    assert area.precision == "region" and area.country is None  # across borders
    found = places(fr("Un convoi a sauté sur une mine dans la zone ouest du pays, près de Gao."))
    assert found["zone ouest du pays"].country == "ML"


def test_measure_script_on_a_small_gold_file(tmp_path: Path) -> None:
    from nlp.tools.measure_places import measure

    incident = {
        "location": {"name": "Djibo", "country": "BF", "admin1": "Sahel"},
        "perpetrators": ["suspected jihadists"],
        "targets": ["civilians"],
    }
    missed = {
        "location": {"name": "Kwarkwara", "country": "NE", "admin1": None},
        "perpetrators": ["Boko Haram"],
        "targets": [],
    }
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"id": "t-1", "lang": "en", "text": "Jihadists killed villagers in Djibo.",
                    "incidents": [incident]}) + "\n"
        + json.dumps({"id": "t-2", "lang": "fr", "text": "Rien à signaler aujourd'hui.",
                      "incidents": [missed]}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    report = measure(gold)
    assert report["location_exact_recall"] == 0.5
    assert report["country_recall"] == 0.5
    assert report["admin1_recall"] == 1.0
    assert report["perpetrator_recall"] == 0.5
    assert report["target_recall"] == 1.0


def test_sahel_region_is_burkina_only_when_the_text_says_so(en: Language) -> None:
    found = places(en("Militants attacked in Burkina Faso's Sahel region."))
    assert (found["Sahel region"].country, found["Sahel region"].admin1) == ("BF", "Sahel")
    found = places(en("Drought hit the Sahel region again."))
    assert found["Sahel region"].country is None
    assert found["Sahel region"].precision == "region"


def test_title_cased_headline(en: Language) -> None:
    found = places(en("Attack In Solhan Leaves 160 Dead, Government Says"))
    assert list(found) == ["Solhan"]
    assert found["Solhan"].country == "BF"


def test_hyphenated_names(en: Language) -> None:
    found = places(en("Gunmen burned the village of Zankorobougou-Dié and left."))
    assert found["Zankorobougou-Dié"].precision == "unresolved"
    found = places(en("Trucks were ambushed on the Mopti-Gao road."))
    assert found["Mopti"].admin1 == "Mopti" and found["Gao"].admin1 == "Gao"


def test_cue_phrases_with_a_hyphen_match_either_tokenisation(fr: Language) -> None:
    # The French tokenizer splits "lieu-dit" into three tokens and keeps "nord-est"
    # whole: a cue phrase written with a hyphen matches both ways.
    doc = fr("Douze personnes ont été tuées dans le lieu-dit Tinkoubaré, au nord-est de Gao.")
    found = places(doc)
    assert found["Tinkoubaré"].precision == "unresolved"
    doc = fr("Des hommes armés ont ciblé un campement à Inkoubé Tadiane, faisant cinq morts.")
    assert places(doc)["Inkoubé Tadiane"].precision == "unresolved"


def test_a_country_inside_a_broadcasters_name_is_no_place(fr: Language) -> None:
    found = places(fr("Selon Radio France Internationale, les combats ont repris au Mali."))
    assert sorted(found) == ["Mali"]


def test_a_road_named_after_a_place_is_that_place_written_again() -> None:
    def place(name: str, gid: int | None) -> Place:
        return Place(name, "BF", None, None, None, None, gid, "point", None, None)

    village = place("Pobé-Mengao", 2356001)
    assert same_place(village, place("Pobé-Mengao-Pételbongo", None))
    assert same_place(place("Djibo-Pobé-Mengao", None), village)
    # a name that only begins with the same letters is another place
    assert not same_place(village, place("Pobé-Mengaoré", None))
    assert not same_place(place("Djibo", 2361221), place("Arbinda", 2362344))


def test_a_named_forest_is_a_place(en: Language, fr: Language) -> None:
    # Operations are reported in forests the gazetteer does not hold: the forest word
    # makes the name a place, as "village of" does.
    assert (
        places(fr("Un ratissage a eu lieu dans la forêt de Tamboulga hier."))["Tamboulga"].precision
        == "unresolved"
    )
    assert "Koulbanga" in places(fr("Ils se cachaient dans la forêt classée de Koulbanga."))
    assert "Sanfolga" in places(en("The patrol swept the Sanfolga forest on Friday."))
    assert "Sanfolga" in places(en("The patrol swept the forest of Sanfolga on Friday."))


def test_an_area_of_a_country_is_the_area_not_an_area_named_after_the_country(
    en: Language,
) -> None:
    # "the Mopti region of Mali": Mopti region, in Mali; not a "region of Mali" (GeoNames
    # holds a Guinean prefecture called Mali) nor an unknown "region of Niger".
    found = places(en("Gunmen killed 12 villagers in the Mopti region of Mali on Monday."))
    assert (found["Mopti region"].country, found["Mopti region"].precision) == ("ML", "admin1")
    assert "region of Mali" not in found
    found = places(en("Gunmen killed 12 villagers in the Tillabéri region of Niger."))
    assert found["Tillabéri region"].country == "NE" and "region of Niger" not in found
    # guard: "the region of Mopti" is still the region
    assert places(en("Clashes spread in the region of Mopti."))["region of Mopti"].country == "ML"


def test_a_capital_written_by_its_country_is_that_capital(en: Language, fr: Language) -> None:
    # "la capitale nigérienne", "the Malian capital": the capital city, written so.
    found = places(fr("Des tirs ont visé une caserne dans la capitale nigérienne."))
    assert (found["capitale nigérienne"].country, found["capitale nigérienne"].lat) == (
        "NE",
        13.51366,
    )
    found = places(en("An attack in the Malian capital left 70 dead."))
    assert (found["Malian capital"].country, found["Malian capital"].geonames_id) == (
        "ML",
        2460596,
    )
    assert places(en("Soldiers in the Burkinabe capital were on alert."))["Burkinabe capital"]
