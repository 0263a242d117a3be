"""Language detection: one detector, for the crawl and for ``civwatch analyze``.

It counts frequent function words (``data/langid_stopwords.tsv``) and, for the
crawl, the script of the letters. It has two rules, because its two callers
need different answers from the same short text:

* the default rule (the crawl's language pipeline): any language of the word
  lists, or a non-Latin script; a text of fewer than ``MIN_WORDS`` words is left
  undecided (``None``) so the page's declaration and the source's language
  decide instead;
* ``en_or_fr=True`` (``civwatch analyze``, the NLP stage): English or French
  from as little as a sentence, ``None`` when the text reads as neither — there
  is nothing to fall back on there, and the NLP handles no other language.

Standard library only: the crawl-time pipelines import it without spaCy.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
# Words with one elision or inner apostrophe ("l'armée", "aujourd'hui").
_ELIDED_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_NON_LATIN_RE = re.compile(r"[^\x00-\u024f]")
# Words enough to trust the stopword counts over the page's declaration.
MIN_WORDS = 25
# Share of words that must be one language's function words.
MIN_RATIO = 0.12
SAMPLE_WORDS = 2000
# Characters read by the English-or-French rule.
EN_OR_FR_SAMPLE_CHARS = 20_000
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


@lru_cache(maxsize=2)
def stopwords(word_list: str = "any") -> dict[str, frozenset[str]]:
    """Function words by language of one list of the data file ("any" or "en_or_fr")."""
    text = (DATA / "langid_stopwords.tsv").read_text("utf-8")
    table: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, lang, words = line.split("\t", 2)
        if name == word_list:
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


def detect_language(text: str, *, en_or_fr: bool = False) -> tuple[str | None, float]:
    """(ISO 639-1 code or None, share of words that are its function words).

    ``en_or_fr=True`` applies ``civwatch analyze``'s rule (see the module docstring).
    """
    if en_or_fr:
        return _english_or_french(text)
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


def _english_or_french(text: str) -> tuple[str | None, float]:
    """ "en" or "fr" when at least two words and 12 % of them are one's function words."""
    words = [
        w.lower().replace("’", "'").split("'")[-1]
        for w in _ELIDED_WORD_RE.findall(text[:EN_OR_FR_SAMPLE_CHARS])
    ]
    if not words:
        return None, 0.0
    vocab = stopwords("en_or_fr")
    en = sum(w in vocab["en"] for w in words)
    fr = sum(w in vocab["fr"] for w in words)
    ratio = max(en, fr) / len(words)
    if max(en, fr) < max(2, MIN_RATIO * len(words)):
        return None, ratio
    return ("fr" if fr > en else "en"), ratio
