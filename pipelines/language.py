"""(300) Language: a cheap stopword-ratio detector (``nlp.langid``) over the extracted text.

Pages in a language civwatch does not analyse are still stored (nothing is
lost), with status ``foreign_language`` so the NLP stage skips them. The
page's own declaration (``<html lang>``) is the fallback for short texts, then
the source's configured language.
"""

from __future__ import annotations

from scrapy.crawler import Crawler

from nlp.langid import detect_language
from settings import from_scrapy_settings
from spiders.items import PageItem

__all__ = ["LanguagePipeline", "detect_language"]


class LanguagePipeline:
    """(300) Sets ``item.language``; flags languages outside ``Settings.languages``."""

    def __init__(self, languages: tuple[str, ...]) -> None:
        self.languages = languages

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LanguagePipeline:
        return cls(from_scrapy_settings(crawler.settings).languages)

    def process_item(self, item: object) -> object:
        if not isinstance(item, PageItem):
            return item
        detected, _ = detect_language(f"{item.title or ''}\n{item.text or ''}")
        fallback = item.source_lang if item.source_lang != "auto" else None
        item.language = detected or item.language or fallback
        if item.language and item.language not in self.languages:
            item.status = "foreign_language"
            item.status_reason = f"language {item.language}"
        return item
