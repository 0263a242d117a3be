"""(300) Language detection and the foreign-language flag."""

from __future__ import annotations

from pipelines.language import LanguagePipeline, detect_language
from tests.crawl.recorded_pages import extracted, make_item, manifest


def test_every_recorded_page_gets_its_language() -> None:
    wrong = []
    for page in manifest():
        lang, _ = detect_language(extracted(page).text or "")
        if lang != page["lang"]:
            wrong.append((page["file"], lang))
    assert wrong == []


def test_german_page_is_stored_but_flagged() -> None:
    page = next(p for p in manifest() if p["lang"] == "de")
    item = extracted(page)
    LanguagePipeline(("en", "fr")).process_item(item)
    assert item.language == "de"
    assert item.status == "foreign_language"
    assert item.status_reason == "language de"


def test_configured_languages_pass() -> None:
    for lang in ("en", "fr"):
        page = next(p for p in manifest() if p["lang"] == lang)
        item = extracted(page)
        LanguagePipeline(("en", "fr")).process_item(item)
        assert (item.language, item.status) == (lang, "new")


def test_other_scripts() -> None:
    assert detect_language("Поступило сообщение о нападении на деревню в регионе")[0] == "ru"
    assert detect_language("أفادت مصادر محلية بوقوع هجوم على قرية في المنطقة")[0] == "ar"


def test_short_text_falls_back_to_declaration_then_source() -> None:
    pipeline = LanguagePipeline(("en", "fr"))
    declared = make_item("http://127.0.0.1/a", b"", text="Bref.", language="fr", source_lang="en")
    pipeline.process_item(declared)
    assert declared.language == "fr"
    undeclared = make_item("http://127.0.0.1/b", b"", text="Bref.", source_lang="en")
    pipeline.process_item(undeclared)
    assert undeclared.language == "en"
    unknown = make_item("http://127.0.0.1/c", b"", text="Bref.", source_lang="auto")
    pipeline.process_item(unknown)
    assert unknown.language is None and unknown.status == "new"  # NLP decides
