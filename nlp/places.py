"""Place mentions: gazetteer matching, descriptive regions and nationality words.

The ``civwatch_places`` component writes ``doc.spans["places"]`` (each span
with ``Span._.place``, a :class:`Place`) and ``doc.spans["nationalities"]``
(each with ``Span._.country``, ISO alpha-2). It works on ``spacy.blank("en")``,
``spacy.blank("fr")`` and ``fr_core_news_sm`` alike: it needs tokens only.

How a mention becomes a place:

* a gazetteer name (GeoNames extract, curated overlay, country names), matched
  accent- and case-insensitively, longest first, written with a capital;
* names that are also common words or first names need a place cue ("in",
  "à", "village of", "… village"); stop-listed words never match alone;
* cue phrases make admin areas ("la région de Mopti", "Seno province", "cercle
  de Bankass") and keep unknown places unresolved ("the village of X", "in X",
  "X village", and names listed with a known place: "Boukouma, X and Y");
* directions make descriptive regions ("central Mali", "le nord du Burkina",
  "l'ouest du pays", "in the north").

Nationality words ("Burkinabe peacekeepers") never set a location, but they
count, with the places, towards ``Doc._.main_country``: the country the text is
mostly about (the focus country when there is one; places written after "near",
"border" count less). Cue words
live in ``nlp/data/place_cues.json``; stop-lists beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from spacy.attrs import ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.gazetteer import Anchors, Entry, Gazetteer, load_gazetteer
from nlp.textnorm import name_key

DEFAULT_FOCUS = ("ML", "BF", "NE")
MAX_NAME_TOKENS = 8
MAX_UNKNOWN_NAME_TOKENS = 3
_KEY_CACHE_LIMIT = 500_000
_ARTICLES = frozenset({"l", "la", "le", "les", "the"})
_AREA_NOUNS = frozenset({"region", "zone", "partie", "part", "area"})
_OF = frozenset({"du", "de", "of", "d", "des"})
# Places after these words are a reference point, not where things happened.
_NEAR_WORDS = frozenset({"near", "pres", "border", "frontiere", "frontieres", "borders", "avec"})


@dataclass(frozen=True)
class Place:
    """A place mention resolved (or not) against the gazetteer."""

    name: str  # as written in the text
    country: str | None  # ISO alpha-2
    admin1: str | None  # pre-2023 first-level region
    admin2: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    precision: str  # "point" | "admin2" | "admin1" | "country" | "region" | "unresolved"
    feature: str | None  # GeoNames "P.PPL", "A.ADM1", … or "overlay"
    population: int | None


def _register_extensions() -> None:
    if not Doc.has_extension("focus_countries"):
        Doc.set_extension("focus_countries", default=None)
    if not Doc.has_extension("main_country"):
        Doc.set_extension("main_country", default=None)
    if not Span.has_extension("place"):
        Span.set_extension("place", default=None)
    if not Span.has_extension("country"):
        Span.set_extension("country", default=None)


_register_extensions()


def place_from_entry(entry: Entry, written: str, precision: str | None = None) -> Place:
    """A :class:`Place` for text ``written`` resolved to ``entry``."""
    return Place(
        name=written,
        country=entry.country,
        admin1=entry.admin1,
        admin2=entry.admin2,
        lat=entry.lat,
        lon=entry.lon,
        geonames_id=entry.geonames_id,
        precision=precision or entry.precision,
        feature=entry.feature,
        population=entry.population or None,
    )


def unresolved_place(written: str) -> Place:
    """A place kept as written, for the reviewer to resolve."""
    return Place(written, None, None, None, None, None, None, "unresolved", None, None)


_MAJOR_FEATURES = frozenset(
    {"P.PPLC", "P.PPLA", "P.PPLA2", "P.PPLA3", "A.ADM1", "A.ADM2", "A.PCLI"}
)


def _is_minor(entry: Entry) -> bool:
    """A GeoNames hamlet: no admin seat, under a thousand people."""
    if entry.source != "geonames":
        return False
    return entry.feature not in _MAJOR_FEATURES and entry.population < 1000


@dataclass
class _Mention:
    start: int
    end: int
    kind: str  # "gaz" | "country" | "admin" | "region" | "unresolved"
    key: str
    candidates: list[Entry]
    iso2: str | None = None
    direction: str | None = None
    place: Place | None = None
    multi_country: bool = False  # a region across borders ("the central Sahel")


class _CueSet:
    """Multi-word cue phrases over folded tokens, indexed by first and last word."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        self.by_last: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            cue = tuple(name_key(phrase).split(" "))
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


class PlacesComponent:
    """spaCy component: see the module docstring."""

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
        self.admin1_before = _CueSet(cues["admin1_before"])
        self.admin1_after = _CueSet(cues["admin1_after"])
        self.admin2_before = _CueSet(cues["admin2_before"])
        self.admin2_after = _CueSet(cues["admin2_after"])
        self.settle_before = _CueSet(cues["settlement_before"])
        self.settle_after = _CueSet(cues["settlement_after"])
        self.locative = _CueSet(cues["locative_before"])
        self.strong = {lang: _CueSet(p) for lang, p in cues["locative_strong"].items()}
        self.not_place_before = {name_key(w) for w in cues.get("not_place_before", [])}
        self.not_place_after = _CueSet(cues.get("not_place_after", []))
        self.person_before = _CueSet(cues.get("person_before", []))
        self.person_after = _CueSet(cues.get("person_after", []))
        self.directions: dict[str, str] = {}
        for table in cast(dict[str, dict[str, str]], cues["directions"]).values():
            self.directions.update({name_key(k): v for k, v in table.items()})
        self.direction_nouns = {name_key(w) for w in cues["direction_nouns"]}
        self.area_adjectives = {
            name_key(k): v for k, v in cast(dict[str, str], cues["area_adjectives"]).items()
        }
        self.river_after = _CueSet(cues["river_after"])
        self.river_before = _CueSet(cues["river_before"])
        self.country_refs = {name_key(w) for w in ("pays", "country")}
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

    # -- matching -----------------------------------------------------------

    def _scan(
        self, doc: Doc, keys: list[str], texts: list[str], kinds: list[int]
    ) -> tuple[list[_Mention], list[Span]]:
        gaz = self.gaz
        mentions: list[_Mention] = []
        nationalities: list[Span] = []
        n = len(doc)
        i = 0
        while i < n:
            kind = kinds[i]
            if kind == 0:
                i += 1
                continue
            key = keys[i]
            if kind == 1:
                nationalities.append(self._nationality(doc, i, i + 1, gaz.nationalities[key]))
                i += 1
                continue
            if kind == 2:
                end = self._lowercase_name(texts, i)
                if end:
                    mentions.append(self._mention_for(doc, i, end))
                    i = end
                    continue
                i += 1
                continue
            best: tuple[int, str] | None = None
            for j in range(i + 1, min(n, i + MAX_NAME_TOKENS) + 1):
                if not texts[j - 1][-1:].isalnum():
                    # "Mali." must not swallow the full stop: keys ignore dots.
                    continue
                # name_key folds spaces, hyphens and apostrophes alike, so the
                # tokens joined by spaces give the key of the written span
                # (Doc.text would rebuild the whole text at every call).
                span_key = name_key(" ".join(texts[i:j]))
                if (
                    span_key in gaz.nationalities
                    or span_key in gaz.countries
                    or span_key in gaz.by_key
                    or span_key.replace(" ", "") in gaz.by_compact
                ):
                    best = (j, span_key)
                if span_key not in gaz.prefixes and j > i + 1:
                    break
            if best is None:
                i += 1
                continue
            end, span_key = best
            joined = end + 1 < n and texts[end] == "-" and texts[end + 1][:1].isupper()
            # "Mopti-Gao road", "Menaka-Niger border": two known towns, kept apart.
            second_known = joined and (
                keys[end + 1] in gaz.countries
                or any(not _is_minor(e) for e in gaz.by_key.get(keys[end + 1], ()))
            )
            second_known = second_known and (
                span_key in gaz.countries
                or any(not _is_minor(e) for e in gaz.by_key.get(span_key, ()))
            )
            if joined and not second_known:
                # A known name inside a longer hyphenated one ("Kou" in
                # "Sobale-Kou") is not that place: keep the whole name.
                whole = self._capital_run(doc, keys, i, limit=MAX_UNKNOWN_NAME_TOKENS + 1)
                if whole > end + 1:
                    mentions.append(self._mention_for(doc, i, whole))
                    i = whole
                    continue
            iso = gaz.nationalities.get(span_key)
            if iso is not None:
                nationalities.append(self._nationality(doc, i, end, iso))
            elif span_key in gaz.countries:
                if not self._is_river(keys, i, end):
                    iso2 = gaz.countries[span_key]
                    mentions.append(_Mention(i, end, "country", span_key, [], iso2=iso2))
            else:
                found = gaz.with_regions(span_key, gaz.lookup(span_key))
                mentions.append(_Mention(i, end, "gaz", span_key, found))
            i = end
        return mentions, nationalities

    def _lowercase_name(self, texts: list[str], start: int) -> int:
        """End of the longest curated lower-case name ("tri-border area") at ``start``, or 0."""
        best = 0
        for j in range(start + 1, min(len(texts), start + MAX_NAME_TOKENS) + 1):
            key = name_key(" ".join(texts[start:j]))
            if key in self.gaz.lowercase_keys and texts[j - 1][-1:].isalnum():
                best = j
            if key not in self.gaz.prefixes:
                break
        return best

    def _nationality(self, doc: Doc, start: int, end: int, iso: str) -> Span:
        span = Span(doc, start, end, label="NATIONALITY")
        focus = set(self._focus(doc))
        # "Nigerian" is often written for Niger in Sahel reporting.
        if iso == "NG" and "NE" in focus and "NG" not in focus:
            iso = "NE"
        span._.country = iso
        return span

    def _sahel_context(self, doc: Doc, mentions: list[_Mention], nationalities: list[Span]) -> bool:
        """Does the text name a focus country, its people, or one of its towns?"""
        focus = set(self._focus(doc))
        if any(m.iso2 in focus for m in mentions if m.kind == "country"):
            return True
        if any(span._.country in focus for span in nationalities):
            return True
        return any(
            e.country in focus and not _is_minor(e)
            for m in mentions
            if m.kind == "gaz"
            for e in m.candidates
        )

    def _part_of_longer_name(
        self, doc: Doc, keys: list[str], starts: list[int], m: _Mention, cued: bool = False
    ) -> bool:
        """Is the match glued to other capitalised words ("San Diego", "Minister Modi")?

        Not when the next capitalised word starts a new sentence whose full stop
        was lost (a headline run into its lead: "tués à Pobé-Mengao Nouvelle
        incursion …", "in Djibo The attack …"): a function word ("Le", "The"), or,
        after a place cue, a word followed by a lower-case content word ("San Diego
        on" stays one name).
        """
        gaz = self.gaz
        if doc[m.start].text[:1].islower():
            return False  # curated lower-case names ("tri-border area")
        if _title_case_around(doc, starts, m.start):
            return False  # "Attack In Solhan Leaves 160 Dead": every word has a capital
        if m.end < len(doc):
            nxt = doc[m.end]
            known = (
                keys[m.end] in gaz.countries
                or self.admin1_after.starts(keys, m.end)
                or self.admin2_after.starts(keys, m.end)
                or self.settle_after.starts(keys, m.end)
            )
            restart = nxt.is_stop or (
                cued
                and m.end + 1 < len(doc)
                and doc[m.end + 1].is_lower
                and doc[m.end + 1].is_alpha
                and not doc[m.end + 1].is_stop
            )
            if nxt.text[:1].isupper() and nxt.is_alpha and not known and not restart:
                return True
        if m.start > 0:
            prev = doc[m.start - 1]
            known = keys[m.start - 1] in gaz.nationalities
            initial = _sentence_initial(doc, starts, m.start - 1)
            if prev.text[:1].isupper() and prev.is_alpha and not initial and not known:
                return True
        return False

    def _filter(
        self, doc: Doc, keys: list[str], mentions: list[_Mention], nationalities: list[Span]
    ) -> list[_Mention]:
        gaz = self.gaz
        kept: list[_Mention] = []
        cued: set[int] = set()
        starts = _sentence_starts(doc)
        for m in mentions:
            if m.kind != "gaz":
                kept.append(m)
                continue
            prev = keys[m.start - 1] if m.start > 0 else ""
            if prev in self.not_place_before or self.not_place_after.starts(keys, m.end):
                continue
            # A capitalised word right after a first name is a surname.
            if prev in gaz.first_names and doc[m.start - 1].text[:1].isupper():
                continue
            cue = self._has_place_cue(keys, m.start, m.end)
            if m.key in gaz.needs_context and not cue:
                continue
            if not cue and self._person_context(doc, keys, m.start, m.end):
                continue
            if self._part_of_longer_name(doc, keys, starts, m, cued=bool(cue)):
                continue
            if cue:
                cued.add(m.start)
            # Sentence-initial capitals prove nothing: drop names that are also
            # ordinary words of the text's language.
            single = m.end - m.start == 1
            initial = _sentence_initial(doc, starts, m.start)
            if not cue and single and initial and doc[m.start].is_stop:
                continue
            kept.append(m)
        # A hamlet's name written alone is too often an ordinary word or a
        # name; in a text about the focus countries it is worth keeping.
        if self._sahel_context(doc, kept, nationalities):
            return kept
        return [
            m
            for m in kept
            if m.kind != "gaz" or m.start in cued or not all(_is_minor(e) for e in m.candidates)
        ]

    def _named_after_cue(
        self, doc: Doc, keys: list[str], name_start: int
    ) -> tuple[int, int] | None:
        """The name (core_start, end) after a cue, skipping an article ("de l'Est")."""
        core = name_start
        if core < len(doc) and keys[core] in _ARTICLES and not doc[core].text[:1].isupper():
            core += 1
        end = self._capital_run(doc, keys, core)
        if end == core:
            # Cue words open stop-listed admin names too: "région de l'Est".
            if core < len(doc) and doc[core].text[:1].isupper() and doc[core].is_alpha:
                end = core + 1
            else:
                return None
        return core, end

    def _cue_mentions(self, doc: Doc, keys: list[str]) -> list[_Mention]:
        """Admin areas and settlements introduced by cue phrases, known or not."""
        out: list[_Mention] = []
        n = len(doc)
        gaz = self.gaz
        openers = self._before_openers
        for i in range(n):
            if keys[i] not in openers:
                continue
            for cues, kind in (
                (self.admin1_before, "admin1"),
                (self.admin2_before, "admin2"),
                (self.settle_before, "settle"),
            ):
                clen = cues.starts(keys, i)
                if not clen:
                    continue
                named = self._named_after_cue(doc, keys, i + clen)
                if named is None:
                    continue
                core_start, end = named
                core = name_key(doc[core_start:end].text)
                if kind == "settle":
                    found = gaz.lookup(core)
                    if found:
                        out.append(_Mention(core_start, end, "gaz", core, found))
                    elif keys[end - 1] in self._after_openers:
                        pass  # "village of the Bankass Circle": the area, read below
                    elif self._unknown_name_ok(doc, keys, core_start, end):
                        out.append(_Mention(core_start, end, "unresolved", core, []))
                    break
                level = 1 if kind == "admin1" else 2
                found = gaz.admin_lookup(core, level) or gaz.admin_lookup(core, 3 - level)
                regions = [e for e in gaz.lookup(core) if e.feature == "region"]
                if found:
                    out.append(_Mention(i, end, "admin", core, [*found, *regions]))
                elif gaz.lookup(core):
                    out.append(_Mention(i, end, "admin", core, gaz.lookup(core)))
                elif self._unknown_name_ok(doc, keys, core_start, end):
                    out.append(_Mention(i, end, "unresolved", core, []))
                break
        # "Seno province", "the Mopti region", "Djiguibombo village"
        closers = self._after_openers
        for i in range(1, n):
            if keys[i] not in closers:
                continue
            for cues, kind in (
                (self.admin1_after, "admin1"),
                (self.admin2_after, "admin2"),
                (self.settle_after, "settle"),
            ):
                clen = cues.starts(keys, i)
                if not clen or not self._is_name_token(doc, keys, i - 1):
                    continue
                start = i - 1
                while start > 0 and i - start < MAX_UNKNOWN_NAME_TOKENS:
                    if self._is_name_token(doc, keys, start - 1):
                        start -= 1
                    elif (
                        start > 1
                        and doc[start - 1].text == "-"
                        and doc[start - 2].text[:1].isupper()
                        and doc[start - 2].is_alpha
                    ):
                        start -= 2  # "Wanzerbé-Kouka village"
                    else:
                        break
                if kind == "settle":
                    core = name_key(doc[start:i].text)
                    found = gaz.lookup(core)
                    if found:
                        out.append(_Mention(start, i, "gaz", core, found))
                    elif self._unknown_name_ok(doc, keys, start, start + 1) or start < i - 1:
                        out.append(_Mention(start, i, "unresolved", core, []))
                    break
                level = 1 if kind == "admin1" else 2
                for s in range(start, i):
                    core = name_key(doc[s:i].text)
                    found = gaz.admin_lookup(core, level) or gaz.admin_lookup(core, 3 - level)
                    if found:
                        regions = [e for e in gaz.lookup(core) if e.feature == "region"]
                        out.append(_Mention(s, i + clen, "admin", core, [*found, *regions]))
                        break
                else:
                    # "the Bankass Circle": an area named after its chief town, which the
                    # gazetteer knows as a town: it still gives the country and region.
                    core = name_key(doc[start:i].text)
                    if gaz.lookup(core):
                        out.append(_Mention(start, i + clen, "admin", core, gaz.lookup(core)))
                break
        return out

    def _locative_mentions(self, doc: Doc, keys: list[str], taken: list[bool]) -> list[_Mention]:
        """Unknown capitalised names right after a strong locative ("in X", "à X")."""
        cues = self.strong.get(doc.lang_)
        if cues is None:
            return []
        out: list[_Mention] = []
        n = len(doc)
        for i in range(n):
            if keys[i] not in cues.by_first:
                continue
            clen = cues.starts(keys, i)
            if not clen:
                continue
            start = i + clen
            if start >= n or taken[start] or not self._is_name_token(doc, keys, start):
                continue
            end = self._capital_run(doc, keys, start)
            # French "à" is also the dative: two capitalised words after it are
            # more often a person ("rendre hommage à Moctar Ouane") than an
            # unknown village; hyphenated names stay.
            words = sum(1 for k in range(start, end) if doc[k].is_alpha)
            too_long = words > 1 and keys[i] == "a"
            if end == start or too_long or not self._unknown_name_ok(doc, keys, start, end):
                continue
            if any(taken[k] for k in range(start, end)):
                continue
            out.append(_Mention(start, end, "unresolved", name_key(doc[start:end].text), []))
        return out

    def _coordinated_mentions(
        self, doc: Doc, keys: list[str], mentions: list[_Mention]
    ) -> list[_Mention]:
        """Unknown names listed with a settlement: "Boukouma, Wourougoudou and Trignien"."""
        taken = [False] * len(doc)
        for m in mentions:
            for k in range(m.start, m.end):
                taken[k] = True
        out: list[_Mention] = []
        frontier = [m for m in mentions if m.kind in ("gaz", "unresolved")]
        n = len(doc)
        while frontier:
            m = frontier.pop()
            # to the right: ", X" / "and X" / "et X" / ", and X"
            j = m.end
            if j < n and doc[j].text in (",", "and", "et"):
                j += 1
                if j < n and doc[j].text in ("and", "et") and doc[j - 1].text == ",":
                    j += 1
                if j < n and not taken[j] and self._is_name_token(doc, keys, j):
                    end = self._capital_run(doc, keys, j)
                    if self._unknown_name_ok(doc, keys, j, end):
                        new = self._mention_for(doc, j, end)
                        out.append(new)
                        frontier.append(new)
                        for k in range(j, end):
                            taken[k] = True
            # to the left: "X, Boukouma" / "X and Boukouma"
            j = m.start - 1
            if j > 0 and doc[j].text in (",", "and", "et"):
                end = j
                start = end
                while start > 0 and end - start < MAX_UNKNOWN_NAME_TOKENS:
                    if taken[start - 1] or not self._is_name_token(doc, keys, start - 1):
                        break
                    start -= 1
                cue_before = start > 0 and (
                    self.locative.ends(keys, start) or self.settle_before.ends(keys, start)
                )
                if start < end and cue_before:
                    new = self._mention_for(doc, start, end)
                    out.append(new)
                    frontier.append(new)
                    for k in range(start, end):
                        taken[k] = True
        return out

    def _mention_for(self, doc: Doc, start: int, end: int) -> _Mention:
        key = name_key(doc[start:end].text)
        found = self.gaz.lookup(key)
        return _Mention(start, end, "gaz" if found else "unresolved", key, found)

    def _direction_mentions(
        self, doc: Doc, keys: list[str], mentions: list[_Mention]
    ) -> list[_Mention]:
        """Grow country mentions into descriptive regions and find "in the north"."""
        out: list[_Mention] = []
        by_start = {m.start: m for m in mentions if m.kind == "country"}
        n = len(doc)
        for m in mentions:
            if m.kind != "country":
                continue
            # "central Mali", "central and northern Mali"
            s = m.start
            dirs: list[str] = []
            while s > 0 and keys[s - 1] in self.directions:
                dirs.append(self.directions[keys[s - 1]])
                s -= 1
                if s > 1 and keys[s - 1] in ("and", "et") and keys[s - 2] in self.directions:
                    s -= 1
            if dirs:
                m.start = s
                m.kind = "region"
                m.direction = dirs[0] if len(dirs) == 1 else None
        # "le centre du Mali", "the north of Burkina Faso", "l'ouest du pays",
        # "the north of the country", "dans l'ouest", "in the north"
        for i in range(n):
            key = keys[i]
            elided = key[:2] == "l " and key[2:] in self.direction_nouns
            if elided:
                key = key[2:]
            if key not in self.direction_nouns:
                continue
            d = self.directions[key]
            start = i
            if not elided and i > 0 and keys[i - 1] in _ARTICLES:
                start = i - 1
            j = i + 1
            if j < n and keys[j] in _OF:
                j += 1
                if j < n and keys[j] in _ARTICLES:
                    j += 1
                target = by_start.get(j)
                if target is not None and target.kind == "country":
                    target.start = start
                    target.kind = "region"
                    target.direction = d
                elif j < n and keys[j] in self.country_refs:
                    out.append(_Mention(start, j + 1, "region", "", [], direction=d))
                continue
            has_article = elided or start < i
            prep = keys[start - 1] if start > 0 else ""
            if has_article and prep in ("dans", "in"):
                out.append(_Mention(start, i + 1, "region", "", [], direction=d))
        out.extend(self._area_of(doc, keys, mentions))
        return out

    def _area_of(self, doc: Doc, keys: list[str], mentions: list[_Mention]) -> list[_Mention]:
        """French areas: "la région centrale du Sahel", "la zone ouest du pays"."""
        out: list[_Mention] = []
        by_start = {m.start: m for m in mentions}
        n = len(doc)
        for i in range(n - 3):
            if keys[i] not in _AREA_NOUNS:
                continue
            d = self.area_adjectives.get(keys[i + 1])
            if d is None or keys[i + 2] not in _OF:
                continue
            j = i + 3
            if j < n and keys[j] in _ARTICLES:
                j += 1
            target = by_start.get(j)
            if target is not None and target.kind in ("country", "gaz", "region"):
                multi = any(e.feature == "region" and not e.country for e in target.candidates)
                iso = target.iso2 if target.kind != "gaz" else None
                if target.kind == "gaz" and not multi:
                    continue
                out.append(
                    _Mention(i, target.end, "region", "", [], iso2=iso, direction=d,
                             multi_country=multi)
                )  # fmt: skip
            elif j < n and keys[j] in self.country_refs:
                out.append(_Mention(i, j + 1, "region", "", [], direction=d))
        return out

    # -- resolution ---------------------------------------------------------

    def _doc_countries(
        self, doc: Doc, keys: list[str], mentions: list[_Mention], nationalities: list[Span]
    ) -> dict[str, float]:
        """Countries the document is about: places (reference points count less), nationalities."""
        votes: dict[str, float] = {}
        for m in mentions:
            iso = m.iso2
            if not iso:
                continue
            before = set(keys[max(0, m.start - 3) : m.start])
            votes[iso] = votes.get(iso, 0.0) + (0.3 if before & _NEAR_WORDS else 1.0)
        for span in nationalities:
            votes[span._.country] = votes.get(span._.country, 0.0) + 1.0
        return votes

    def _resolve(
        self, doc: Doc, keys: list[str], mentions: list[_Mention], nationalities: list[Span]
    ) -> None:
        gaz = self.gaz
        focus = self._focus(doc)
        anchors: list[Entry] = []
        for m in mentions:
            if m.candidates and len({(e.country, e.admin1) for e in m.candidates}) == 1:
                anchors.append(m.candidates[0])
                if m.iso2 is None and m.candidates[0].country:
                    m.iso2 = m.candidates[0].country
        countries = self._doc_countries(doc, keys, mentions, nationalities)
        prepared = Anchors.of(anchors)
        for m in mentions:
            written = doc[m.start : m.end].text
            if m.kind == "country" and m.iso2:
                m.place = place_from_entry(gaz.country_entry(m.iso2, written), written)
            elif m.kind in ("gaz", "admin") and m.candidates:
                entry = gaz.choose(m.candidates, m.key, focus, countries, prepared)
                place = place_from_entry(entry, written)
                if entry.feature == "A.ADM1":
                    place = replace(place, admin1=entry.admin1 or entry.name, admin2=None)
                m.place = place
            elif m.kind == "unresolved":
                m.place = unresolved_place(written)
        for m in mentions:
            if m.place is not None and m.place.country and m.iso2 is None:
                m.iso2 = m.place.country
        votes = self._doc_countries(doc, keys, mentions, nationalities)
        doc_country: str | None = None
        if len(focus) == 1:
            doc_country = focus[0]
        elif votes:
            doc_country = max(votes, key=lambda iso: votes[iso])
        doc._.main_country = doc_country
        for m in mentions:
            if m.kind != "region" or m.place is not None:
                continue
            iso = None if m.multi_country else m.iso2 or doc_country
            admin1 = gaz.region_hints.get((iso, m.direction)) if iso and m.direction else None
            m.place = Place(
                name=doc[m.start : m.end].text,
                country=iso,
                admin1=admin1,
                admin2=None,
                lat=None,
                lon=None,
                geonames_id=None,
                precision="region",
                feature="region",
                population=None,
            )

    # -- component ----------------------------------------------------------

    def _token_kind(self, written: str, key: str) -> int:
        """What a token can start: 0 nothing, 1 a nationality word, 2 a lower-case
        curated name, 3 a capitalised name (gazetteer, country, nationality)."""
        gaz = self.gaz
        if not key or not written[:1].isalpha():
            return 0
        if written[:1].isupper() or not self.require_capital:
            return 3 if key.split(" ", 1)[0] in gaz.prefixes else 0
        if key in gaz.nationalities:
            return 1
        return 2 if key in gaz.lowercase_firsts else 0

    def _keys(self, doc: Doc) -> tuple[list[str], list[str], list[int]]:
        """Token texts, their ``name_key``s and kinds, without building Token objects."""
        cache = self._key_cache
        if len(cache) > _KEY_CACHE_LIMIT:
            cache.clear()
        strings = doc.vocab.strings
        texts: list[str] = []
        keys: list[str] = []
        kinds: list[int] = []
        for orth in doc.to_array(ORTH).tolist():
            hit = cache.get(orth)
            if hit is None:
                written = strings[orth]
                key = name_key(written)
                hit = cache[orth] = (written, key, self._token_kind(written, key))
            texts.append(hit[0])
            keys.append(hit[1])
            kinds.append(hit[2])
        return texts, keys, kinds

    def __call__(self, doc: Doc) -> Doc:
        texts, keys, kinds = self._keys(doc)
        mentions, nationalities = self._scan(doc, keys, texts, kinds)
        mentions = self._filter(doc, keys, mentions, nationalities)
        mentions = _merge(mentions, self._cue_mentions(doc, keys))
        taken = self._taken(len(doc), mentions)
        mentions = _merge(mentions, self._locative_mentions(doc, keys, taken))
        mentions = _merge(mentions, self._coordinated_mentions(doc, keys, mentions))
        mentions = _merge(mentions, self._direction_mentions(doc, keys, mentions))
        self._resolve(doc, keys, mentions, nationalities)
        spans: list[Span] = []
        for m in mentions:
            if m.place is None:
                continue
            span = Span(doc, m.start, m.end, label="PLACE")
            span._.place = m.place
            spans.append(span)
        doc.spans["places"] = spans
        doc.spans["nationalities"] = nationalities
        return doc

    @staticmethod
    def _taken(n: int, mentions: list[_Mention]) -> list[bool]:
        taken = [False] * n
        for m in mentions:
            for k in range(m.start, m.end):
                taken[k] = True
        return taken


_SENTENCE_END = frozenset({".", "!", "?", "…", ":", ";", "\n", "\n\n"})


def _sentence_starts(doc: Doc) -> list[int]:
    """Per token: 1 when a pipe marked it as a sentence start, else 0 or -1."""
    return [int(v) for v in doc.to_array(SENT_START).tolist()]


def _sentence_initial(doc: Doc, starts: list[int], i: int) -> bool:
    """Does token ``i`` open a sentence?

    ``Token.is_sent_start`` scans the whole document at each read (to learn
    whether boundaries are set), which made long texts quadratic; the flags
    read once per document and the previous token are enough here.
    """
    if i == 0 or starts[i] == 1:
        return True
    return starts[i] == 0 and doc[i - 1].text in _SENTENCE_END


def _title_case_around(doc: Doc, starts: list[int], i: int, width: int = 4) -> bool:
    """Is token ``i`` inside a title-cased headline ("Gunmen Kill 20 In Mopti Village")?

    Told by a capitalised function word that does not open a sentence, among
    words that are nearly all capitalised.
    """
    lo, hi = max(0, i - width), min(len(doc), i + width + 1)
    words = [k for k in range(lo, hi) if doc[k].is_alpha]
    if len(words) < 4:
        return False
    capitalised = [k for k in words if doc[k].text[:1].isupper()]
    if len(capitalised) < 0.75 * len(words):
        return False
    return any(
        doc[k].is_stop and len(doc[k].text) > 1 and not _sentence_initial(doc, starts, k)
        for k in capitalised
    )


def _merge(base: list[_Mention], extra: list[_Mention]) -> list[_Mention]:
    """Union of mentions, the longer of two overlapping ones winning."""
    items = sorted([*extra, *base], key=lambda m: (-(m.end - m.start), m.start))
    chosen: list[_Mention] = []
    used: set[int] = set()
    for m in items:
        rng = set(range(m.start, m.end))
        if rng & used:
            continue
        used |= rng
        chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


@Language.factory(
    "civwatch_places",
    default_config={
        "focus_countries": list(DEFAULT_FOCUS),
        "data_dir": "",
        "require_capital": True,
    },
)
def make_places_component(
    nlp: Language,
    name: str,
    focus_countries: list[str],
    data_dir: str,
    require_capital: bool,
) -> PlacesComponent:
    """Build the places component (gazetteer loaded once per process and directory)."""
    return PlacesComponent(load_gazetteer(data_dir), focus_countries, require_capital)
