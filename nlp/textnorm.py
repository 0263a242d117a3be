"""Text folding: the one home of accent-, case- and punctuation-insensitive forms.

Every caller that compares or looks up text folds it here. The functions differ
on purpose, each for a contract its callers rely on; pick by that contract:

* ``fold`` / ``name_key`` / ``compact_key`` — lexicon keys: the places, actors,
  event-type and claims lexicons are built and queried with them, so that
  "TOMBOUCTOU", "Tombouctou", "Ségou" and "Segou", "l’armée" and "l'armée" all
  meet on one key. Spaces are collapsed, so offsets are lost.
* ``fold_keep_length`` — one output character per input character, so offsets
  into the folded text are offsets into the original (claims, dates, incident
  assembly, evaluation).
* ``fold_accents`` — crawl time (relevance pre-filter, duplicate hashes): Latin
  accents only, case kept, one table look-up per character; other scripts pass
  unchanged. Changing it changes stored duplicate hashes.
* ``fold_casefold`` / ``fold_place`` — comparisons of stored names (digest
  profiles, incident merging, reference matching, place variant keys):
  ``str.casefold``, the separators other than "-" kept as written.
* ``fold_keep_accents`` / ``unify_punctuation`` — number phrases ("une
  vingtaine"), where the accents are part of the vocabulary.

Standard library only: the crawl-time pipelines import it without spaCy.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Typographic apostrophes and quotes that stand for "'" in names ("N’Djamena",
# "l’armée", "Jama`at").
_APOSTROPHES = "\u2019\u2018\u02bc\u02bb\u0060\u00b4\u2032\u02b9"
# Hyphen and dash look-alikes used inside names ("Sobane‑Da", "nord–est").
_HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad"
_TRANSLATE = str.maketrans(
    {**{c: "'" for c in _APOSTROPHES}, **{c: "-" for c in _HYPHENS}, "œ": "oe", "æ": "ae"}
)
_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[\s'\-.]+")


def fold(s: str) -> str:
    """Lower-case ``s``, strip accents (NFKD) and normalise apostrophes, hyphens, spaces.

    >>> fold("  Ségou–Ville ")
    'segou-ville'
    >>> fold("l’ARMÉE")
    "l'armee"
    """
    s = s.lower().translate(_TRANSLATE)
    return _SPACES.sub(" ", strip_accents(s)).strip()


@lru_cache(maxsize=65536)
def name_key(s: str) -> str:
    """A lookup key for names: ``fold`` with hyphens, apostrophes, dots and spaces as one space.

    "Sobane-Da", "Sobane Da" and "SOBANE DA" share the key ``"sobane da"``.
    """
    return _SEPARATORS.sub(" ", fold(s)).strip()


def compact_key(s: str) -> str:
    """``name_key`` without separators: "Tin Zaouatene" and "Tinzaouatene" meet here."""
    return name_key(s).replace(" ", "")


def strip_accents(text: str) -> str:
    """``text`` decomposed (NFKD) without its combining marks; case and length may change."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# --------------------------------------------------------------------------- offsets kept


def _fold_char(ch: str) -> str:
    if ch in "’‘`´ʼ":
        return "'"
    if ch in "‐‑–—":
        return "-"
    kept = strip_accents(ch)
    low = kept.lower() if kept else ch.lower()
    return low if len(low) == 1 else ch


# Latin letters and punctuation are folded by one table lookup per character.
_KEEP_LENGTH_TABLE = {i: _fold_char(chr(i)) for i in range(0x250)} | {
    ord(c): _fold_char(c) for c in "’‘`´ʼ‐‑–—"
}


def fold_keep_length(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes — keeping one char per input char.

    Offsets into the folded text are offsets into the original (unlike ``fold``,
    which also collapses spaces for lexicon keys). Characters above U+024F other
    than the apostrophes and dashes pass unchanged, as does a character whose
    folded form would not be one character ("ß", "œ").

    >>> fold_keep_length("Tués à Ménaka – l’armée")
    "tues a menaka - l'armee"
    """
    return text.translate(_KEEP_LENGTH_TABLE)


# --------------------------------------------------------------------------- crawl time


@lru_cache(maxsize=1)
def _accents_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x0250):
        base = strip_accents(chr(code))
        if base and base != chr(code) and base.isascii():
            table[code] = base
    table.update({ord("’"): "'", ord("‘"): "'", ord("œ"): "oe", ord("Œ"): "OE"})
    table.update({ord("æ"): "ae", ord("Æ"): "AE", ord("ß"): "ss"})
    return table


def fold_accents(text: str) -> str:
    """``text`` with Latin accents removed and typographic apostrophes unified; case kept.

    ``str.translate`` with a table built once is ~20× faster than decomposing
    every character, and only touches Latin letters: other scripts pass
    unchanged (an Arabic page must not fold to an empty string and hash like
    every other one).

    >>> fold_accents("Tués à Ségou")
    'Tues a Segou'
    """
    return text.translate(_accents_table())


# --------------------------------------------------------------------------- stored names


def fold_casefold(text: str) -> str:
    """``str.casefold`` without accents, ends stripped; inner spaces and punctuation kept.

    >>> fold_casefold(" Mopti-Ségou ")
    'mopti-segou'
    """
    return strip_accents(text).casefold().strip()


def fold_place(name: str | None) -> str:
    """Case- and accent-insensitive form of a place name: ``fold_casefold``, "-" as a space.

    >>> fold_place("Tin-Zaouatène  Cercle")
    'tin zaouatene cercle'
    """
    if not name:
        return ""
    return " ".join(fold_casefold(name).replace("-", " ").split())


# --------------------------------------------------------------------------- accents kept

_PUNCTUATION = str.maketrans({"’": "'", "‘": "'", "‐": "-", "‑": "-", "–": "-", "\u00a0": " "})


def unify_punctuation(text: str) -> str:
    """Typographic apostrophes, hyphens and no-break spaces as ASCII; length kept."""
    return text.translate(_PUNCTUATION)


def fold_keep_accents(text: str) -> str:
    """``unify_punctuation``, lower case, spaces collapsed; accents kept ("une vingtaine")."""
    return _SPACES.sub(" ", unify_punctuation(text).lower()).strip()
