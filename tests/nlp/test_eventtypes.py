"""ACLED event type suggestions from trigger lexicons, on sentences written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.eventtypes import load_rules, suggest_event_type, suggest_for_sentences
from storage.models import EVENT_TYPES

VAC = "Violence against civilians"
ERV = "Explosions/Remote violence"

CASES = [
    (
        "en",
        "A drone strike hit a wedding party near Tin Zaouatene, killing eight.",
        ERV,
        "Air/drone strike",
    ),
    (
        "en",
        "Three soldiers died when their vehicle struck a landmine outside Boni.",
        ERV,
        "Remote explosive/landmine/IED",
    ),
    (
        "en",
        "An IED exploded under a bus on the road to Douentza.",
        ERV,
        "Remote explosive/landmine/IED",
    ),
    (
        "en",
        "Mortar shells fell on the camp of Ber overnight.",
        ERV,
        "Shelling/artillery/missile attack",
    ),
    (
        "en",
        "Gunmen kidnapped twelve traders on the Gao road on Monday.",
        VAC,
        "Abduction/forced disappearance",
    ),
    (
        "en",
        "Heavy clashes between the army and JNIM fighters left 14 dead near Dioura.",
        "Battles",
        "Armed clash",
    ),
    ("en", "Armed men stormed the village of Ogossagou and killed 19 civilians.", VAC, "Attack"),
    (
        "en",
        "Hundreds of protesters gathered in Bamako to demand the release of a journalist.",
        "Protests",
        "Peaceful protest",
    ),
    (
        "fr",
        "Une frappe de drone a tué huit personnes lors d'un mariage près de Tinzaouatène.",
        ERV,
        "Air/drone strike",
    ),
    (
        "fr",
        "Deux civils ont été tués par un engin explosif improvisé sur l'axe Boni-Douentza.",
        ERV,
        "Remote explosive/landmine/IED",
    ),
    (
        "fr",
        "Des tirs d'obus se sont abattus sur le camp de Ber dans la nuit.",
        ERV,
        "Shelling/artillery/missile attack",
    ),
    (
        "fr",
        "Douze commerçants ont été enlevés lundi sur la route de Gao.",
        VAC,
        "Abduction/forced disappearance",
    ),
    (
        "fr",
        "De violents affrontements ont opposé l'armée aux jihadistes près de Dioura.",
        "Battles",
        "Armed clash",
    ),
    ("fr", "Des hommes armés ont attaqué le village d'Ogossagou, tuant 19 civils.", VAC, "Attack"),
    (
        "fr",
        "Des centaines de manifestants se sont rassemblés à Bamako.",
        "Protests",
        "Peaceful protest",
    ),
]


@pytest.mark.parametrize(("lang", "sentence", "event_type", "sub_event_type"), CASES)
def test_suggestions_on_written_sentences(
    lang: str, sentence: str, event_type: str, sub_event_type: str
) -> None:
    found = suggest_event_type(sentence, lang)
    assert found is not None, sentence
    assert (found.event_type, found.sub_event_type) == (event_type, sub_event_type), found.trigger


def test_specific_means_win_over_the_generic_attack() -> None:
    # "attacked" and "killed" are VAC triggers, but the drone says how: remote violence.
    found = suggest_for_sentences(
        ["Armed men attacked the market.", "A drone then killed four people who fled."], "en"
    )
    assert found is not None and found.sub_event_type == "Air/drone strike"


def test_no_trigger_no_suggestion_and_words_are_whole() -> None:
    assert suggest_event_type("The minister visited Gao on Tuesday.", "en") is None
    assert suggest_event_type("", "fr") is None
    # "marché" (market) and "mineurs" (minors) are not protests or landmines
    assert suggest_event_type("Le marché de Gao a rouvert pour les mineurs.", "fr") is None
    # "March" the month is not a protest march, "shelter" not shelling
    assert suggest_event_type("In March the shelter reopened.", "en") is None


def test_accents_and_case_are_ignored() -> None:
    found = suggest_event_type("DES AFFRONTEMENTS A DIOURA", "fr")
    assert found is not None and found.event_type == "Battles"
    found = suggest_event_type("ils ont été ENLEVÉS", "fr")
    assert found is not None and found.sub_event_type == "Abduction/forced disappearance"


def test_every_rule_names_an_acled_type_and_sub_type() -> None:
    for lang in ("en", "fr"):
        for rule in load_rules(lang):
            assert rule.sub_event_type in EVENT_TYPES[rule.event_type], rule


def test_a_rule_without_triggers_is_refused(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    bad = {"rules": [{"event_type": "Battles", "sub_event_type": "Armed clash", "triggers": []}]}
    (tmp_path / "en" / "event_types.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ValueError, match="rule 1"):
        load_rules("en", str(tmp_path))
