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
  de Bankass") and keep unknown places unresolved ("the village of X");
* directions make descriptive regions ("central Mali", "le nord du Burkina",
  "l'ouest du pays", "in the north").

Nationality words ("Burkinabe peacekeepers") never set a location.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.gazetteer import Entry, Gazetteer, load_gazetteer
from nlp.textnorm import name_key

DEFAULT_FOCUS = ("ML", "BF", "NE")
MAX_NAME_TOKENS = 8


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


@dataclass
class _Mention:
    start: int
    end: int
    kind: str  # "gaz" | "country" | "admin1" | "admin2" | "region" | "unresolved"
    key: str
    candidates: list[Entry]
    iso2: str | None = None
    direction: str | None = None
    place: Place | None = None


def _admin_kind(found: Sequence[Entry]) -> str:
    return "admin1" if found[0].feature == "A.ADM1" else "admin2"


def _cue_tuples(phrases: Sequence[str]) -> list[tuple[str, ...]]:
    out = [tuple(name_key(p).split(" ")) for p in phrases]
    return sorted(out, key=len, reverse=True)


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
        self.admin1_before = _cue_tuples(cues["admin1_before"])
        self.admin1_after = _cue_tuples(cues["admin1_after"])
        self.admin2_before = _cue_tuples(cues["admin2_before"])
        self.admin2_after = _cue_tuples(cues["admin2_after"])
        self.settle_before = _cue_tuples(cues["settlement_before"])
        self.settle_after = _cue_tuples(cues["settlement_after"])
        self.locative = _cue_tuples(cues["locative_before"])
        self.not_place_before = {name_key(w) for w in cues.get("not_place_before", [])}
        self.directions: dict[str, str] = {}
        for table in cast(dict[str, dict[str, str]], cues["directions"]).values():
            self.directions.update({name_key(k): v for k, v in table.items()})
        self.river_after = _cue_tuples(cues["river_after"])
        self.river_before = _cue_tuples(cues["river_before"])

    # -- helpers over folded tokens ----------------------------------------

    @staticmethod
    def _ends_with(keys: list[str], end: int, cues: list[tuple[str, ...]]) -> int:
        """Length of the cue ending just before token ``end``, or 0."""
        for cue in cues:
            n = len(cue)
            if end - n >= 0 and tuple(keys[end - n : end]) == cue:
                return n
        return 0

    @staticmethod
    def _starts_with(keys: list[str], start: int, cues: list[tuple[str, ...]]) -> int:
        for cue in cues:
            n = len(cue)
            if tuple(keys[start : start + n]) == cue:
                return n
        return 0

    def _capital_run(self, doc: Doc, keys: list[str], start: int, limit: int = 4) -> int:
        """End of a run of capitalised tokens (names may be hyphen-joined) from ``start``."""
        end = start
        n = len(doc)
        while end < n and end - start < limit:
            tok = doc[end]
            if (tok.text[:1].isupper() and keys[end] not in self.gaz.stop_keys) or (
                tok.text in ("-", "'")
                and end > start
                and end + 1 < n
                and doc[end + 1].text[:1].isupper()
            ):
                end += 1
            else:
                break
        while end > start and doc[end - 1].text in ("-", "'"):
            end -= 1
        return end

    # -- matching -----------------------------------------------------------

    def _scan(self, doc: Doc, keys: list[str]) -> tuple[list[_Mention], list[Span]]:
        gaz = self.gaz
        text = doc.text
        mentions: list[_Mention] = []
        nationalities: list[Span] = []
        n = len(doc)
        i = 0
        while i < n:
            tok = doc[i]
            key = keys[i]
            if not key or not tok.text[:1].isalpha():
                i += 1
                continue
            capital = tok.text[:1].isupper() or not self.require_capital
            if not capital:
                iso = gaz.nationalities.get(key)
                if iso is not None:
                    nationalities.append(self._nationality(doc, i, i + 1, iso))
                i += 1
                continue
            if key.split(" ", 1)[0] not in gaz.prefixes:
                i += 1
                continue
            best: tuple[int, str] | None = None
            start_char = tok.idx
            for j in range(i + 1, min(n, i + MAX_NAME_TOKENS) + 1):
                last = doc[j - 1]
                if not last.text[-1:].isalnum():
                    # "Mali." must not swallow the full stop: keys ignore dots.
                    continue
                span_key = name_key(text[start_char : last.idx + len(last.text)])
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
            iso = gaz.nationalities.get(span_key)
            if iso is not None:
                nationalities.append(self._nationality(doc, i, end, iso))
            elif span_key in gaz.countries:
                if not self._is_river(keys, i, end):
                    mentions.append(
                        _Mention(i, end, "country", span_key, [], iso2=gaz.countries[span_key])
                    )
            else:
                mentions.append(_Mention(i, end, "gaz", span_key, gaz.lookup(span_key)))
            i = end
        return mentions, nationalities

    def _nationality(self, doc: Doc, start: int, end: int, iso: str) -> Span:
        span = Span(doc, start, end, label="NATIONALITY")
        focus = set(self._focus(doc))
        # "Nigerian" is often written for Niger in Sahel reporting.
        if iso == "NG" and "NE" in focus and "NG" not in focus:
            iso = "NE"
        span._.country = iso
        return span

    def _is_river(self, keys: list[str], start: int, end: int) -> bool:
        return bool(
            self._starts_with(keys, end, self.river_after)
            or self._ends_with(keys, start, self.river_before)
        )

    def _focus(self, doc: Doc) -> Sequence[str]:
        focus = doc._.focus_countries
        return tuple(focus) if focus else self.focus

    def _has_place_cue(self, keys: list[str], start: int, end: int) -> bool:
        return bool(
            self._ends_with(keys, start, self.locative)
            or self._ends_with(keys, start, self.settle_before)
            or self._ends_with(keys, start, self.admin1_before)
            or self._ends_with(keys, start, self.admin2_before)
            or self._starts_with(keys, end, self.settle_after)
            or self._starts_with(keys, end, self.admin2_after)
            or self._starts_with(keys, end, self.admin1_after)
        )

    def _filter(self, doc: Doc, keys: list[str], mentions: list[_Mention]) -> list[_Mention]:
        gaz = self.gaz
        kept: list[_Mention] = []
        for m in mentions:
            if m.kind != "gaz":
                kept.append(m)
                continue
            prev = keys[m.start - 1] if m.start > 0 else ""
            if prev in self.not_place_before:
                continue
            prev_tok = doc[m.start - 1] if m.start > 0 else None
            # A capitalised word right after a first name or title is a surname.
            if prev_tok is not None and prev_tok.text[:1].isupper() and prev in gaz.first_names:
                continue
            cue = self._has_place_cue(keys, m.start, m.end)
            if m.key in gaz.needs_context and not cue:
                continue
            # Sentence-initial capitals prove nothing: drop names that are also
            # ordinary words of the text's language.
            single = m.end - m.start == 1
            if not cue and single and doc[m.start].is_sent_start and doc[m.start].is_stop:
                continue
            kept.append(m)
        return kept

    def _cue_mentions(self, doc: Doc, keys: list[str], taken: list[bool]) -> list[_Mention]:
        """Admin areas and unresolved places introduced by cue phrases."""
        out: list[_Mention] = []
        n = len(doc)
        gaz = self.gaz
        for i in range(n):
            for cues, kind in (
                (self.admin1_before, "admin1"),
                (self.admin2_before, "admin2"),
                (self.settle_before, "settle"),
            ):
                clen = self._starts_with(keys, i, cues)
                if not clen:
                    continue
                name_start = i + clen
                if name_start >= n or (taken[name_start] and kind == "settle"):
                    continue
                name_end = self._capital_run(doc, keys, name_start)
                if name_end == name_start:
                    # "la région de l'Est": an elided article before the name.
                    if name_start < n and keys[name_start] in ("l", "la", "le", "les", "the"):
                        name_end = self._capital_run(doc, keys, name_start + 1)
                        if name_end == name_start + 1:
                            continue
                    else:
                        continue
                core_start = name_start
                if keys[core_start] in ("l", "la", "le", "les", "the"):
                    core_start += 1
                core = name_key(doc[core_start:name_end].text)
                cue_start = i
                if kind in ("admin1", "admin2"):
                    level = 1 if kind == "admin1" else 2
                    found = gaz.admin_lookup(core, level) or gaz.admin_lookup(core, 3 - level)
                    if found:
                        out.append(_Mention(cue_start, name_end, _admin_kind(found), core, found))
                        break
                found = gaz.lookup(core)
                if found:
                    k = "gaz" if kind == "settle" else kind
                    out.append(_Mention(name_start if kind == "settle" else cue_start,
                                        name_end, k, core, found))  # fmt: skip
                elif kind == "settle":
                    out.append(_Mention(name_start, name_end, "unresolved", core, []))
                else:
                    out.append(_Mention(cue_start, name_end, "unresolved", core, []))
                break
        # "Seno province", "the Mopti region", "Bankass cercle"
        for i in range(1, n):
            for cues, level in ((self.admin1_after, 1), (self.admin2_after, 2)):
                clen = self._starts_with(keys, i, cues)
                if not clen or not doc[i - 1].text[:1].isupper():
                    continue
                start = i - 1
                while start > 0 and doc[start - 1].text[:1].isupper() and i - start < 3:
                    start -= 1
                for s in range(start, i):
                    core = name_key(doc[s:i].text)
                    found = gaz.admin_lookup(core, level) or gaz.admin_lookup(core, 3 - level)
                    if found:
                        out.append(_Mention(s, i + clen, _admin_kind(found), core, found))
                        break
                break
        return out

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
            # English: "central Mali", "central and northern Mali"
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
        # French / English "le centre du Mali", "the north of Burkina Faso",
        # "l'ouest du pays", "the north of the country"
        for i in range(n):
            d = self.directions.get(keys[i])
            if d is None or (not doc[i].is_lower and not doc[i].is_title):
                continue
            j = i + 1
            if j < n and keys[j] in ("du", "de", "of", "d"):
                j += 1
                if j < n and keys[j] in ("la", "l", "the"):
                    j += 1
                start = i
                if i > 0 and keys[i - 1] in ("le", "l", "the"):
                    start = i - 1
                target = by_start.get(j)
                if target is not None and target.kind == "country":
                    target.start = start
                    target.kind = "region"
                    target.direction = d
                elif j < n and keys[j] in ("pays", "country"):
                    out.append(_Mention(start, j + 1, "region", "", [], direction=d))
            elif i > 1 and keys[i - 1] in ("le", "l", "the") and keys[i - 2] in ("dans", "in"):
                if j < n and keys[j] in ("du", "de", "of", "d"):
                    continue
                out.append(_Mention(i - 1, i + 1, "region", "", [], direction=d))
        return out

    # -- resolution ---------------------------------------------------------

    def _resolve(self, doc: Doc, mentions: list[_Mention]) -> None:
        gaz = self.gaz
        focus = self._focus(doc)
        countries: Counter[str] = Counter()
        for m in mentions:
            if m.iso2:
                countries[m.iso2] += 1
        anchors: list[Entry] = []
        for m in mentions:
            if m.candidates and len({(e.country, e.admin1) for e in m.candidates}) == 1:
                anchors.append(m.candidates[0])
                if m.candidates[0].country:
                    countries[m.candidates[0].country] += 1
        for m in mentions:
            written = doc[m.start : m.end].text
            if m.kind == "country" and m.iso2:
                m.place = place_from_entry(gaz.country_entry(m.iso2, written), written)
            elif m.kind in ("gaz", "admin1", "admin2") and m.candidates:
                entry = gaz.choose(m.candidates, m.key, focus, countries, anchors)
                precision = m.kind if m.kind in ("admin1", "admin2") else None
                place = place_from_entry(entry, written, precision)
                if m.kind == "admin1":
                    place = Place(**{**place.__dict__, "admin1": entry.admin1 or entry.name,
                                     "admin2": None})  # fmt: skip
                m.place = place
            elif m.kind == "unresolved":
                m.place = unresolved_place(written)
        resolved_countries = Counter(
            m.place.country for m in mentions if m.place is not None and m.place.country
        )
        doc_country: str | None = None
        if len(focus) == 1:
            doc_country = focus[0]
        elif resolved_countries:
            doc_country = resolved_countries.most_common(1)[0][0]
        for m in mentions:
            if m.kind != "region":
                continue
            written = doc[m.start : m.end].text
            iso = m.iso2 or doc_country
            admin1 = gaz.region_hints.get((iso, m.direction)) if iso and m.direction else None
            m.place = Place(
                name=written,
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

    def __call__(self, doc: Doc) -> Doc:
        keys = [name_key(t.text) for t in doc]
        mentions, nationalities = self._scan(doc, keys)
        mentions = self._filter(doc, keys, mentions)
        taken = [False] * len(doc)
        for m in mentions:
            for k in range(m.start, m.end):
                taken[k] = True
        cue_mentions = self._cue_mentions(doc, keys, taken)
        mentions = self._merge(mentions, cue_mentions)
        mentions = self._merge(mentions, self._direction_mentions(doc, keys, mentions))
        self._resolve(doc, mentions)
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
    def _merge(base: list[_Mention], extra: list[_Mention]) -> list[_Mention]:
        """Union preferring the longer of overlapping mentions (cue phrases win ties)."""
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
