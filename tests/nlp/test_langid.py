"""The language detector's two rules: the crawl's (any language, 25 words) and analyze's."""

from __future__ import annotations

from nlp.langid import MIN_WORDS, detect_language

SHORT_EN = "Gunmen killed twelve people in the village of Bankass on Sunday."


def test_short_text_is_left_to_the_declaration_at_crawl_time() -> None:
    assert len(SHORT_EN.split()) < MIN_WORDS
    assert detect_language(SHORT_EN) == (None, 0.0)


def test_analyze_rule_decides_english_or_french_from_a_sentence() -> None:
    assert detect_language(SHORT_EN, en_or_fr=True)[0] == "en"
    french = "Des hommes armés ont tué douze civils dans le village de Bankass selon l'armée."
    assert detect_language(french, en_or_fr=True)[0] == "fr"
    german = "Bewaffnete Männer haben das Dorf angegriffen und viele getötet."
    assert detect_language(german, en_or_fr=True)[0] is None


def test_crawl_rule_names_other_languages() -> None:
    german = " ".join(
        ["Die Männer sind in das Dorf gekommen und haben auf die Leute geschossen."] * 3
    )
    assert detect_language(german)[0] == "de"
