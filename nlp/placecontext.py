"""What the words around a name say: a place, a person, a river, a proper name.

:class:`PlaceContext` holds the cue tables of ``nlp/data/place_cues.json``
(read through the gazetteer) and the tests on a span's neighbours that the
other steps of the places component share. Each step is a subclass of it
(``nlp/placescan.py``, ``nlp/placephrases.py``, ``nlp/placeregions.py``,
``nlp/placeresolve.py``) and ``nlp/placecomponent.py`` puts them together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from spacy.tokens import Doc

from nlp.gazetteer import Gazetteer
from nlp.places import DEFAULT_FOCUS, PlaceMention
from nlp.textnorm import name_key

MAX_NAME_TOKENS = 8
MAX_UNKNOWN_NAME_TOKENS = 3


def _all_languages(words_by_lang: dict[str, list[str]]) -> set[str]:
    """The name keys of a per-language word list, the languages united."""
    return {name_key(w) for words in words_by_lang.values() for w in words}


def _token_keys(phrase: str) -> set[tuple[str, ...]]:
    """The keys of the tokens a phrase may be split into: a hyphenated word is one token
    ("nord-est" in French) or three, the hyphen's key empty ("lieu", "-", "dit")."""
    words = phrase.split()
    split: list[str] = []
    for word in words:
        for j, part in enumerate(word.split("-")):
            split.extend([""] * (j > 0) + [name_key(part)])
    return {tuple(name_key(w) for w in words), tuple(split)}


class CueSet:
    """Multi-word cue phrases over folded tokens, indexed by first and last word."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        self.by_last: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            for cue in _token_keys(phrase):
                self.by_first.setdefault(cue[0], []).append(cue)
                self.by_last.setdefault(cue[-1], []).append(cue)
        for table in (self.by_first, self.by_last):
            for cues in table.values():
                cues.sort(key=len, reverse=True)

    def starts(self, keys: list[str], start: int) -> int:
        """Length of the longest cue starting at token ``start``, or 0."""
        if start >= len(keys):
            return 0
        for cue in self.by_first.get(keys[start], ()):
            if tuple(keys[start : start + len(cue)]) == cue:
                return len(cue)
        return 0

    def ends(self, keys: list[str], end: int) -> int:
        """Length of the longest cue ending just before token ``end``, or 0."""
        if end <= 0:
            return 0
        for cue in self.by_last.get(keys[end - 1], ()):
            n = len(cue)
            if end - n >= 0 and tuple(keys[end - n : end]) == cue:
                return n
        return 0


class PlaceContext:
    """Cue tables and the context tests shared by the steps of the places component."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        focus_countries: Sequence[str] = DEFAULT_FOCUS,
        require_capital: bool = True,
    ) -> None:
        self.gaz = gazetteer
        self.focus = tuple(focus_countries)
        self.require_capital = require_capital
        cues = cast(dict[str, Any], gazetteer.cues)
        self.admin1_before = CueSet(cues["admin1_before"])
        self.admin1_after = CueSet(cues["admin1_after"])
        self.admin2_before = CueSet(cues["admin2_before"])
        self.admin2_after = CueSet(cues["admin2_after"])
        self.settle_before = CueSet(cues["settlement_before"])
        self.settle_after = CueSet(cues["settlement_after"])
        self.locative = CueSet(cues["locative_before"])
        self.strong = {lang: CueSet(p) for lang, p in cues["locative_strong"].items()}
        self.not_place_before = {name_key(w) for w in cues.get("not_place_before", [])}
        self.not_place_after = CueSet(cues.get("not_place_after", []))
        self.person_before = CueSet(cues.get("person_before", []))
        self.person_after = CueSet(cues.get("person_after", []))
        self.directions: dict[str, str] = {}
        for table in cast(dict[str, dict[str, str]], cues["directions"]).values():
            self.directions.update({name_key(k): v for k, v in table.items()})
        self.direction_nouns = {name_key(w) for w in cues["direction_nouns"]}
        self.area_adjectives = {
            name_key(k): v for k, v in cast(dict[str, str], cues["area_adjectives"]).items()
        }
        self.river_after = CueSet(cues["river_after"])
        self.river_before = CueSet(cues["river_before"])
        self.country_refs = {name_key(w) for w in cues["country_reference"]}
        self.area_nouns = {name_key(w) for w in cues["area_nouns"]}
        self.region_of = {name_key(w) for w in cues["region_of"]}
        self.reference_before = {name_key(w) for w in cues["reference_before"]}
        self.articles = _all_languages(cues["articles"])
        self.direction_joiners = _all_languages(cues["direction_joiners"])
        # tokens that list names ("Boukouma, Wourougoudou and Trignien")
        self.coordination = frozenset(cues["coordination"])
        self.conjunctions = frozenset(w for w in self.coordination if w.isalpha())
        self.region_in = _all_languages(cues["region_in"])
        # "Nigerian" written for Niger: ISO of a nationality word -> the country it counts for
        self.nationality_read_as = dict(cast(dict[str, str], cues["nationality_read_as"]))
        self._before_openers = {
            *self.admin1_before.by_first,
            *self.admin2_before.by_first,
            *self.settle_before.by_first,
        }
        self._after_openers = {
            *self.admin1_after.by_first,
            *self.admin2_after.by_first,
            *self.settle_after.by_first,
        }
        # ORTH hash -> (text, name_key, kind): token texts repeat, folding them
        # once per process keeps the component far faster than the tokenizer.
        self._key_cache: dict[int, tuple[str, str, int]] = {}

    # -- helpers ------------------------------------------------------------

    def _focus(self, doc: Doc) -> tuple[str, ...]:
        focus = doc._.focus_countries
        return tuple(focus) if focus else self.focus

    def _is_name_token(self, doc: Doc, keys: list[str], i: int) -> bool:
        text = doc[i].text
        return (
            text[:1].isupper()
            and not any(ch.isdigit() or ch in "[]()" for ch in text)
            and keys[i] not in self.gaz.stop_keys
            and keys[i] not in self.gaz.nationalities
            and keys[i] not in self.gaz.countries
        )

    def _capital_run(
        self, doc: Doc, keys: list[str], start: int, limit: int = MAX_UNKNOWN_NAME_TOKENS
    ) -> int:
        """End of a run of capitalised tokens (names may be hyphen-joined) from ``start``."""
        end = start
        n = len(doc)
        words = 0
        while end < n and words < limit:
            if self._is_name_token(doc, keys, end):
                end += 1
                words += 1
                continue
            joins = doc[end].text in ("-", "'", "’") and end > start and end + 1 < n
            # After a hyphen any capitalised word belongs to the name
            # ("Zankorobougou-Dié", "Ogossagou-Peul"), even a stop-listed one.
            if joins and doc[end + 1].text[:1].isupper() and doc[end + 1].is_alpha:
                end += 2
                words += 1
                continue
            break
        return end

    def _has_place_cue(self, keys: list[str], start: int, end: int) -> bool:
        return bool(
            self.locative.ends(keys, start)
            or self.settle_before.ends(keys, start)
            or self.admin1_before.ends(keys, start)
            or self.admin2_before.ends(keys, start)
            or self.settle_after.starts(keys, end)
            or self.admin2_after.starts(keys, end)
            or self.admin1_after.starts(keys, end)
        )

    def _person_context(self, doc: Doc, keys: list[str], start: int, end: int) -> bool:
        """A title before ("Colonel [Amadou] X") or a speech verb after ("X told"): a person."""
        if self.person_after.starts(keys, end):
            return True
        if self.person_before.ends(keys, start):
            return True
        given = start > 1 and doc[start - 1].text[:1].isupper() and doc[start - 1].is_alpha
        return given and bool(self.person_before.ends(keys, start - 1))

    def _is_river(self, keys: list[str], start: int, end: int) -> bool:
        return bool(self.river_after.starts(keys, end) or self.river_before.ends(keys, start))

    def _unknown_name_ok(self, doc: Doc, keys: list[str], start: int, end: int) -> bool:
        """May tokens start..end be kept as an unresolved place name?"""
        gaz = self.gaz
        first = doc[start].text
        if first.isupper() and len(first) <= 6:
            return False  # acronyms: organisations, not places
        if any(keys[k] in gaz.first_names for k in range(start, end)):
            return False
        # A capitalised word right after the name makes it part of a longer
        # proper name ("Olivier Salgado", "Radio France", "Al-Qaïda").
        n = len(doc)
        if end < n and doc[end].text[:1].isupper() and doc[end].is_alpha:
            return False
        glued = end + 1 < n and doc[end].text in ("-", "'", "’")
        return not (glued and doc[end + 1].text[:1].isupper())

    def _mention_for(self, doc: Doc, start: int, end: int) -> PlaceMention:
        key = name_key(doc[start:end].text)
        found = self.gaz.lookup(key)
        return PlaceMention(start, end, "gaz" if found else "unresolved", key, found)
