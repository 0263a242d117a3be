"""The civwatch_actors component on blank English and French pipelines.

Sentences are written for these tests. The canonical names expected are the
project's canonical list (the gold README's), checked by hand per alias.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

import nlp.actors as actors_module
import nlp.places  # noqa: F401  (registers the civwatch_places factory)
from nlp.actorlexicon import ACTOR_TYPES, load_actor_lexicon
from nlp.claims import Claim
from nlp.eventcues import load_cues
from nlp.roles import actor_roles, load_role_actors, load_state_allies

CANONICAL = {
    "Malian Armed Forces (FAMa)",
    "Burkinabe Armed Forces",
    "Nigerien Armed Forces (FAN)",
    "VDP",
    "Wagner Group",
    "French forces (Barkhane)",
    "US forces",
    "MINUSMA",
    "JNIM",
    "Islamic State Sahel (ISSP/ISGS)",
    "Ansarul Islam",
    "AQIM",
    "Al-Mourabitoun",
    "CMA/CSP (Azawad rebels)",
    "Dozo militia",
    "Fulani militia",
    "Koglweogo",
    "self-defence militias",
    "Boko Haram",
    "Islamic State",
    "armed bandits",
    "suspected jihadists",
    "unidentified gunmen",
    "civilians",
}


def _pipeline(lang: str, focus: list[str] | None = None) -> Language:
    pipe = spacy.blank(lang)
    pipe.add_pipe("sentencizer")
    config = {"focus_countries": focus} if focus else {}
    pipe.add_pipe("civwatch_places", config=config)
    pipe.add_pipe("civwatch_actors", config=config)
    return pipe


@pytest.fixture(scope="module")
def en() -> Language:
    return _pipeline("en")


@pytest.fixture(scope="module")
def fr() -> Language:
    return _pipeline("fr")


def actors(doc: Doc) -> dict[str, tuple[str, float]]:
    return {s.text: (s._.actor.canonical, s._.actor.confidence) for s in doc.spans["actors"]}


def names(doc: Doc) -> dict[str, str]:
    return {text: canonical for text, (canonical, _) in actors(doc).items()}


def test_lexicon_uses_only_canonical_names_and_types() -> None:
    path = Path(actors_module.__file__).parent / "data" / "actors.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        assert entry["type"] in ACTOR_TYPES
        if "canonical" in entry:
            assert entry["canonical"] in CANONICAL, entry["canonical"]
        assert entry["aliases"]["en"] or entry["aliases"]["fr"]
    lexicon = load_actor_lexicon()
    assert {e.canonical for e in lexicon.by_canonical.values()} == CANONICAL


@pytest.mark.parametrize(
    ("text", "alias", "canonical"),
    [
        ("The FAMa repelled the attack.", "FAMa", "Malian Armed Forces (FAMa)"),
        ("Malian troops entered the town.", "Malian troops", "Malian Armed Forces (FAMa)"),
        ("Wagner fighters arrived.", "Wagner fighters", "Wagner Group"),
        ("Men from Africa Corps patrolled.", "Africa Corps", "Wagner Group"),
        ("JNIM claimed the ambush.", "JNIM", "JNIM"),
        ("The Katiba Macina is active there.", "Katiba Macina", "JNIM"),
        ("ISGS fighters attacked.", "ISGS", "Islamic State Sahel (ISSP/ISGS)"),
        ("Ansaroul Islam was blamed.", "Ansaroul Islam", "Ansarul Islam"),
        ("Dan Na Ambassagou denied it.", "Dan Na Ambassagou", "Dozo militia"),
        ("Koglweogo members were seen.", "Koglweogo", "Koglweogo"),
        ("Armed bandits stole cattle.", "Armed bandits", "armed bandits"),
        ("Unidentified gunmen fired.", "Unidentified gunmen", "unidentified gunmen"),
        ("Suspected jihadists fled.", "Suspected jihadists", "suspected jihadists"),
        ("Villagers buried the dead.", "Villagers", "civilians"),
        ("The CSP-DPA took the base.", "CSP-DPA", "CMA/CSP (Azawad rebels)"),
        ("UN peacekeepers were hit.", "UN peacekeepers", "MINUSMA"),
        # Islamist rebels are jihadists, not the Azawad movements unnamed "rebels" are
        ("Islamist rebels held the north.", "Islamist rebels", "suspected jihadists"),
        ("Rebels held the north.", "Rebels", "CMA/CSP (Azawad rebels)"),
        # the group's name holds a place name: "Sahel province" is no place here
        (
            "The Islamic State in Sahel province claimed it.",
            "Islamic State in Sahel province",
            "Islamic State Sahel (ISSP/ISGS)",
        ),
        # MUJAO merged into Al-Mourabitoun in 2013: the group under its former name
        ("MUJAO claimed the car bomb.", "MUJAO", "Al-Mourabitoun"),
        (
            "The Movement for Oneness and Jihad in West Africa claimed it.",
            "Movement for Oneness and Jihad in West Africa",
            "Al-Mourabitoun",
        ),
    ],
)
def test_english_aliases(en: Language, text: str, alias: str, canonical: str) -> None:
    assert names(en(text))[alias] == canonical


@pytest.mark.parametrize(
    ("text", "alias", "canonical"),
    [
        (
            "Les Forces armées maliennes ont riposté.",
            "Forces armées maliennes",
            "Malian Armed Forces (FAMa)",
        ),
        ("L'armée burkinabè a repris le poste.", "armée burkinabè", "Burkinabe Armed Forces"),
        (
            "Les Forces armées nigériennes ont riposté.",
            "Forces armées nigériennes",
            "Nigerien Armed Forces (FAN)",
        ),
        (
            "Des Volontaires pour la défense de la patrie sont morts.",
            "Volontaires pour la défense de la patrie",
            "VDP",
        ),
        ("Les casques bleus ont riposté.", "casques bleus", "MINUSMA"),
        (
            "L'État islamique au Grand Sahara a revendiqué.",
            "État islamique au Grand Sahara",
            "Islamic State Sahel (ISSP/ISGS)",
        ),
        ("Des chasseurs dozos ont été accusés.", "chasseurs dozos", "Dozo militia"),
        (
            "Des individus armés non identifiés ont tiré.",
            "individus armés non identifiés",
            "unidentified gunmen",
        ),
        ("Des djihadistes présumés ont fui.", "djihadistes présumés", "suspected jihadists"),
        ("Des bandits armés ont volé du bétail.", "bandits armés", "armed bandits"),
        ("AQMI a revendiqué l'enlèvement.", "AQMI", "AQIM"),
        ("Des rebelles touareg ont pris le camp.", "rebelles touareg", "CMA/CSP (Azawad rebels)"),
        ("Les populations civiles ont fui.", "populations civiles", "civilians"),
        ("Les rebelles islamistes tenaient le nord.", "rebelles islamistes", "suspected jihadists"),
        (
            "Le Mouvement pour l'unicité et le jihad en Afrique de l'Ouest a revendiqué.",
            "Mouvement pour l'unicité et le jihad en Afrique de l'Ouest",
            "Al-Mourabitoun",
        ),
    ],
)
def test_french_aliases(fr: Language, text: str, alias: str, canonical: str) -> None:
    assert names(fr(text))[alias] == canonical


def test_accents_and_case_insensitive(fr: Language) -> None:
    assert names(fr("L'ARMEE BURKINABE a riposté."))["ARMEE BURKINABE"] == "Burkinabe Armed Forces"
    assert names(fr("Les djihadistes ont fui."))["djihadistes"] == "suspected jihadists"


def test_acronyms_need_capitals(en: Language) -> None:
    assert "FAN" in names(en("FAN units arrived."))
    assert names(en("A fan of the club was there.")) == {}


def test_a_long_acronym_may_be_written_as_a_name(fr: Language) -> None:
    # The French press writes long acronyms as names; short ones stay words ("Fan"),
    # and the acronym of a generic descriptor (HANI) is no name's match ("Hani").
    found = names(fr("Le Jnim et l'Eigs se disputent la zone, comme Aqmi avant eux."))
    assert found == {"Jnim": "JNIM", "Eigs": "Islamic State Sahel (ISSP/ISGS)", "Aqmi": "AQIM"}
    assert names(fr("Fan de lutte, Hani a raconté la soirée.")) == {}


def test_generic_army_follows_nationality(en: Language, fr: Language) -> None:
    assert (
        names(en("Nigerien gendarmes were killed."))["gendarmes"] == "Nigerien Armed Forces (FAN)"
    )
    assert names(fr("Des gendarmes nigériens ont été tués."))["gendarmes"] == (
        "Nigerien Armed Forces (FAN)"
    )
    assert names(fr("Les policiers du Niger ont riposté."))["policiers"] == (
        "Nigerien Armed Forces (FAN)"
    )
    for apostrophe in ("'", "’"):
        text = f"Mali{apostrophe}s soldiers and Burkina Faso{apostrophe}s gendarmes."
        assert names(en(text)) == {
            "soldiers": "Malian Armed Forces (FAMa)",
            "gendarmes": "Burkinabe Armed Forces",
        }, text


def test_generic_army_follows_single_focus_country() -> None:
    pipe = _pipeline("en", ["BF"])
    found = actors(pipe("Soldiers repelled the attack."))
    canonical, confidence = found["Soldiers"]
    assert canonical == "Burkinabe Armed Forces"
    assert confidence < 1


def test_generic_army_follows_document_places(en: Language) -> None:
    doc = en("Gunmen attacked the army camp in Djibo. Soldiers returned fire.")
    assert names(doc)["Soldiers"] == "Burkinabe Armed Forces"


def test_generic_army_without_any_country_is_left_out(en: Language) -> None:
    # Default focus has three countries and the text names none.
    assert "Soldiers" not in names(en("Soldiers returned fire."))


def test_foreign_force_descriptors_are_low_confidence(en: Language, fr: Language) -> None:
    for doc, alias in (
        (en("Russian instructors accompanied the patrol in Mopti."), "Russian instructors"),
        (
            en("White men speaking an unknown language were seen in Gao."),
            "White men speaking an unknown language",
        ),
        (en("Foreign military personnel were seen near Gao."), "Foreign military personnel"),
        (fr("Des instructeurs russes étaient présents à Gao."), "instructeurs russes"),
    ):
        canonical, confidence = actors(doc)[alias]
        assert canonical == "Wagner Group"
        assert confidence <= 0.6
    canonical, confidence = actors(en("Wagner mercenaries arrived in Gao."))["Wagner mercenaries"]
    assert confidence == 1.0


def test_peacekeepers_in_and_outside_mali(en: Language) -> None:
    canonical, confidence = actors(en("Chadian peacekeepers were attacked in Kidal."))[
        "peacekeepers"
    ]
    assert canonical == "MINUSMA" and confidence >= 0.9
    _, confidence = actors(_pipeline("en", ["NE"])("Peacekeepers left the base."))["Peacekeepers"]
    assert confidence <= 0.5


def test_islamic_state_resolution(en: Language) -> None:
    assert names(en("The Islamic State claimed the attack near Menaka."))["Islamic State"] == (
        "Islamic State Sahel (ISSP/ISGS)"
    )
    pipe = _pipeline("en", ["IQ"])
    assert names(pipe("The Islamic State claimed the bombing in Paris."))["Islamic State"] == (
        "Islamic State"
    )


def test_islamic_state_in_a_sentence_about_another_country_is_the_central_group(
    en: Language, fr: Language
) -> None:
    # A text about the Sahel recalls an attack in Europe: the group named there is the
    # Islamic State itself; named beside a Sahel place it stays the Sahel province.
    doc = en("Gunmen killed six soldiers near Menaka on Friday. It came days after "
             "Islamic State militants killed 40 people in Paris.")  # fmt: skip
    assert names(doc)["Islamic State militants"] == "Islamic State"
    doc = fr("Des hommes armés ont tué six soldats près de Ménaka vendredi. Quelques jours "
             "plus tôt, l'État islamique avait frappé à Paris.")  # fmt: skip
    assert names(doc)["État islamique"] == "Islamic State"
    doc = en("Islamic State militants killed six soldiers near Menaka, days after an "
             "attack in Paris.")  # fmt: skip
    assert names(doc)["Islamic State militants"] == "Islamic State Sahel (ISSP/ISGS)"


def test_actor_words_are_not_places(en: Language) -> None:
    doc = en("The Katiba Macina and Boko Haram were named.")
    assert not doc.spans["places"]


def test_hostile_input(en: Language, fr: Language) -> None:
    assert actors(en("")) == {}
    assert actors(en("\x00\x1b gunmen \x07")) == {"gunmen": ("unidentified gunmen", 1.0)}
    doc = en(" ".join(["jihadists attacked soldiers in Gao"] * 2000))
    assert len(doc.spans["actors"]) == 4000
    assert actors(fr("Bewaffnete griffen ein Dorf an.")) == {}


def test_bad_lexicon_line_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "actors.jsonl"
    bad.write_text('{"canonical": "X", "type": "aliens", "aliases": {"en": ["x"]}}\n')
    with pytest.raises(ValueError, match="unknown actor type"):
        load_actor_lexicon(str(bad))


def _lexicon_with(
    tmp_path: Path, edit: dict[str, dict[str, object]], extra: list[dict[str, object]]
) -> Path:
    """A copy of the project's lexicon with generic lines edited and lines added."""
    source = Path(actors_module.__file__).parent / "data" / "actors.jsonl"
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        row.update(edit.get(row.get("generic", ""), {}))
    path = tmp_path / "actors.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [*rows, *extra]), encoding="utf-8")
    return path


def _pipeline_with(path: Path, focus: list[str]) -> Language:
    pipe = spacy.blank("en")
    pipe.add_pipe("sentencizer")
    pipe.add_pipe("civwatch_places", config={"focus_countries": focus})
    pipe.add_pipe("civwatch_actors", config={"focus_countries": focus, "lexicon_path": str(path)})
    return pipe


CHAD_ARMY = {
    "canonical": "Chadian Armed Forces",
    "type": "state_forces",
    "country": "TD",
    "army": True,
    "aliases": {"en": ["Chadian army"], "fr": ["armée tchadienne"]},
}


def test_national_armies_are_the_army_lines_of_the_lexicon() -> None:
    lexicon = load_actor_lexicon()
    path = Path(actors_module.__file__).parent / "data" / "actors.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    armies = {
        r["country"]: r["canonical"]
        for r in rows
        if r.get("army") and r["type"] == "state_forces" and "confidence" not in r
    }
    assert armies  # the Sahel armies at least
    for iso, canonical in armies.items():
        assert lexicon.national_army(iso) == canonical
    assert lexicon.national_army("FR") is None  # a foreign force is no national army
    assert lexicon.national_army(None) is None


def test_adding_a_countrys_army_is_one_lexicon_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _lexicon_with(tmp_path, {}, [CHAD_ARMY])
    lexicon = load_actor_lexicon(str(path))
    assert lexicon.national_army("TD") == "Chadian Armed Forces"
    found = actors(_pipeline_with(path, ["TD"])("Soldiers repelled the attack."))
    assert found["Soldiers"][0] == "Chadian Armed Forces"
    # The role rules fall back on the same table: soldiers killed, nobody named.
    monkeypatch.setattr("nlp.roles.load_actor_lexicon", lambda: lexicon)
    doc = spacy.blank("en")("Ten soldiers were killed.")
    claim = Claim(
        kind="killed",
        min=10,
        max=10,
        qualifier=None,
        victims_text="soldiers",
        victim_category="soldiers",
        claimant=None,
        start=0,
        end=24,
        sentence=(0, 25),
    )
    perpetrators, targets = actor_roles(doc, [claim], "soldiers", "TD", load_cues("en"))
    assert (perpetrators, targets) == ([], ["Chadian Armed Forces"])


def test_generic_resolutions_are_lexicon_data(tmp_path: Path) -> None:
    minusca = [
        {"canonical": "MINUSCA", "confidence": 0.9, "if_text_about": "CF"},
        {"canonical": "UN peacekeepers", "confidence": 0.5},
    ]
    path = _lexicon_with(tmp_path, {"peacekeepers": {"resolves_to": minusca}}, [])
    text = "Peacekeepers left the base."
    assert actors(_pipeline_with(path, ["CF"])(text))["Peacekeepers"] == ("MINUSCA", 0.9)
    assert actors(_pipeline_with(path, ["NE"])(text))["Peacekeepers"] == ("UN peacekeepers", 0.5)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"generic": "peacekeepers", "type": "peacekeepers"}, "needs a 'resolves_to'"),
        (
            {"generic": "army", "type": "state_forces", "resolves_to": [{"canonical": "X"}]},
            "only for generic kinds other than army",
        ),
        (
            {"generic": "x", "type": "armed_group", "resolves_to": [{"canonical": "X", "if": 1}]},
            "unknown resolution fields",
        ),
        ({"generic": "x", "type": "armed_group", "resolves_to": [{}]}, "needs a 'canonical'"),
    ],
)
def test_bad_generic_resolution_is_a_clear_error(
    tmp_path: Path, line: dict[str, object], message: str
) -> None:
    bad = tmp_path / "actors.jsonl"
    bad.write_text(json.dumps({**line, "aliases": {"en": ["x"]}}) + "\n")
    with pytest.raises(ValueError, match=message):
        load_actor_lexicon(str(bad))


def test_actors_the_role_rules_name_are_in_the_lexicon() -> None:
    ranks, defaults = load_role_actors()
    assert set(ranks) | set(defaults.values()) | load_state_allies() <= CANONICAL
    assert set(defaults) <= {"civilians", "soldiers", "militants", "peacekeepers"}


def test_a_vague_rank_outside_zero_and_one_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "actor_roles.json"
    bad.write_text(json.dumps({"vague_rank": {"unidentified gunmen": 2}, "default_target": {}}))
    with pytest.raises(ValueError, match="0 or 1"):
        load_role_actors(bad)
