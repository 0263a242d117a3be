"""(300) Language: a cheap stopword-ratio detector over the extracted text.

Pages in a language civwatch does not analyse are still stored (nothing is
lost), with status ``foreign_language`` so the NLP stage skips them. The
page's own declaration (``<html lang>``) is the fallback for short texts, then
the source's configured language.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from importlib import resources

from scrapy.crawler import Crawler

from settings import from_scrapy_settings
from spiders.items import PageItem

_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
_NON_LATIN_RE = re.compile(r"[^\x00-\u024f]")
# Words enough to trust the stopword counts over the page's declaration.
MIN_WORDS = 25
# Share of words that must be one language's function words.
MIN_RATIO = 0.12
SAMPLE_WORDS = 2000
# Scripts that identify a language family on their own (Unicode name prefixes).
_SCRIPTS = {
    "ARABIC": "ar",
    "CYRILLIC": "ru",
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "GREEK": "el",
    "HEBREW": "he",
    "DEVANAGARI": "hi",
    "THAI": "th",
    "ETHIOPIC": "am",
}


@lru_cache(maxsize=1)
def stopwords() -> dict[str, frozenset[str]]:
    text = resources.files("pipelines").joinpath("data/stopwords.tsv").read_text("utf-8")
    table: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lang, words = line.split("\t", 1)
        table[lang.strip()] = frozenset(words.split())
    return table


def _script_language(letters: str) -> str | None:
    sample = letters[:5000]
    # Latin (with accents) below U+0250 needs no Unicode name look-up.
    others = _NON_LATIN_RE.findall(sample)
    if len(others) <= len(sample) // 2:
        return None
    counts: Counter[str] = Counter()
    for ch in others:
        name = unicodedata.name(ch, "")
        counts[next((s for s in _SCRIPTS if name.startswith(s)), "OTHER")] += 1
    script, n = counts.most_common(1)[0]
    if script != "OTHER" and n > len(sample) // 2:
        return _SCRIPTS[script]
    return None


def detect_language(text: str) -> tuple[str | None, float]:
    """(ISO 639-1 code or None, share of words that are its function words)."""
    words = _WORD_RE.findall(text[: SAMPLE_WORDS * 12].lower())[:SAMPLE_WORDS]
    by_script = _script_language("".join(words))
    if by_script:
        return by_script, 1.0
    if len(words) < MIN_WORDS:
        return None, 0.0
    counts = Counter(words)
    scores = {
        lang: sum(n for w, n in counts.items() if w in vocab) / len(words)
        for lang, vocab in stopwords().items()
    }
    lang, ratio = max(scores.items(), key=lambda kv: kv[1])
    if ratio < MIN_RATIO:
        return None, ratio
    return lang, ratio


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
