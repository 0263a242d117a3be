"""The contracts that make the folds of nlp.textnorm differ (each has callers relying on it)."""

from __future__ import annotations

import pytest

from nlp import textnorm

SAMPLES = [
    "Tués à Ménaka – l’armée",
    "  Ségou–Ville\u00a0 ",
    "Œuvre, Straße, N’Djamena",
    "القوات المسلحة",
    "Tin-Zaouatène  Cercle",
    "",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_fold_keep_length_keeps_offsets(text: str) -> None:
    folded = textnorm.fold_keep_length(text)
    assert len(folded) == len(text)


def test_fold_keep_length_folds_accents_case_and_apostrophes() -> None:
    assert textnorm.fold_keep_length("Tués à Ménaka – l’ARMÉE") == "tues a menaka - l'armee"


def test_fold_accents_keeps_case_and_other_scripts() -> None:
    assert textnorm.fold_accents("Tués à Ségou") == "Tues a Segou"
    assert textnorm.fold_accents("Œuvre ß") == "OEuvre ss"
    arabic = "القوات المسلحة"
    assert textnorm.fold_accents(arabic) == arabic


def test_lexicon_fold_and_keys_collapse_separators() -> None:
    assert textnorm.fold("  Ségou–Ville ") == "segou-ville"
    assert textnorm.name_key("Sobane‑Da") == textnorm.name_key("SOBANE DA") == "sobane da"
    assert textnorm.compact_key("Tin Zaouatene") == textnorm.compact_key("Tinzaouatene")


def test_stored_name_folds() -> None:
    assert textnorm.fold_casefold(" Mopti-Ségou ") == "mopti-segou"
    assert textnorm.fold_casefold("Straße") == "strasse"
    assert textnorm.fold_place("Tin-Zaouatène  Cercle") == "tin zaouatene cercle"
    assert textnorm.fold_place(None) == ""


def test_fold_keep_accents_is_for_number_phrases() -> None:
    assert textnorm.fold_keep_accents("Une  Vingtaine\u00a0d’hommes") == "une vingtaine d'hommes"
    assert textnorm.unify_punctuation("l’an‑dernier") == "l'an-dernier"
