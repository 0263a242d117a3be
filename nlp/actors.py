"""Actor mentions: a lexicon of canonical actors with English and French aliases.

The ``civwatch_actors`` component writes ``doc.spans["actors"]``, each span with
``Span._.actor`` (an :class:`Actor`). Aliases (``nlp/data/actors.jsonl``) are
matched accent- and case-insensitively, longest first; aliases written in
capitals in the lexicon ("FAN", "CMA", "GAT") match only when capitalised in
the text, so "fan" and "gat" stay words.

Generic mentions are resolved from context:

* ``army`` ("soldiers", "l'armée", "FDS"): a nationality word or country next to
  the mention ("Malian soldiers", "soldats nigériens", "l'armée du Niger"), else
  the single focus country, else the country most places of the document are in;
* other generic kinds (``peacekeepers``, ``islamic_state``) by the ``resolves_to``
  list of their lexicon line: the first resolution whose condition holds
  (``if_sahel_text``, ``if_text_about``) gives the actor — MINUSMA when the
  document is about Mali, the Sahel province of the Islamic State in Sahel texts.

The armies are lexicon lines too (``"army": true`` with a ``country``):
:meth:`ActorLexicon.national_army` is what the assembly's role rules fall back on.

Run it after ``civwatch_places``: it reads ``doc.spans["nationalities"]`` and
``doc.spans["places"]`` (and works, with less context, without them).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.places import DEFAULT_FOCUS, register_extensions
from nlp.textnorm import name_key

DATA_DIR = Path(__file__).resolve().parent / "data"
_OF = frozenset({"of", "du", "de", "d'", "d’", "des"})
SAHEL = frozenset({"ML", "BF", "NE"})
MAX_ALIAS_TOKENS = 14
_KEY_CACHE_LIMIT = 500_000
ACTOR_TYPES = frozenset(
    {
        "state_forces",
        "foreign_forces",
        "private_military_company",
        "armed_group",
        "militia",
        "peacekeepers",
        "civilians",
        "unknown",
    }
)


@dataclass(frozen=True)
class Actor:
    """A canonical actor; ``confidence`` < 1 marks a hypothesis or a generic resolution."""

    canonical: str
    type: str
    confidence: float


@dataclass(frozen=True)
class Resolution:
    """One reading of a generic mention: the actor, if its condition holds."""

    canonical: str
    confidence: float
    if_sahel_text: bool = False  # the text is about the Sahel (see sahel_only)
    if_text_about: str | None = None  # a place of the text is in this country, or it
    # is the only focus country


@dataclass(frozen=True)
class LexiconEntry:
    """One line of ``actors.jsonl``: a canonical actor or a generic mention kind."""

    canonical: str | None
    type: str
    confidence: float
    generic: str | None
    country: str | None
    army: bool
    sahel_only: bool = False  # a hypothesis only worth making in texts about the Sahel
    resolves_to: tuple[Resolution, ...] = ()  # generic kinds other than "army"


@dataclass(frozen=True)
class _Alias:
    entry: LexiconEntry
    acronym: bool  # match only when written in capitals


@dataclass
class _DocContext:
    focus: tuple[str, ...]
    countries: Counter[str]
    nationality_by_start: dict[int, str] = field(default_factory=dict)
    nationality_by_end: dict[int, str] = field(default_factory=dict)
    country_by_start: dict[int, str] = field(default_factory=dict)
    country_by_end: dict[int, str] = field(default_factory=dict)


@dataclass
class ActorLexicon:
    """Alias index of the actor lexicon. Build with :func:`load_actor_lexicon`."""

    aliases: dict[str, _Alias]
    prefixes: frozenset[str]
    armies: dict[str, LexiconEntry]  # ISO2 -> the army-like entry of that country
    by_canonical: dict[str, LexiconEntry]

    def national_army(self, iso: str | None) -> str | None:
        """The canonical name of a country's own armed forces, if the lexicon has them.

        Only ``state_forces`` lines count: a foreign force or a private military
        company marked ``army`` is no country's national army.
        """
        entry = self.armies.get(iso) if iso else None
        if entry is None or entry.type != "state_forces":
            return None
        return entry.canonical


def _is_acronym(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return bool(letters) and len(alias) <= 6 and all(c.isupper() for c in letters)


@lru_cache(maxsize=4)
def load_actor_lexicon(path: str = "") -> ActorLexicon:
    """Load (once per process and path) the actor lexicon; raises ValueError on a bad line."""
    source = Path(path) if path else DATA_DIR / "actors.jsonl"
    aliases: dict[str, _Alias] = {}
    armies: dict[str, LexiconEntry] = {}
    by_canonical: dict[str, LexiconEntry] = {}
    with source.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            raw = json.loads(line)
            if raw.get("type") not in ACTOR_TYPES:
                raise ValueError(f"{source}:{lineno}: unknown actor type {raw.get('type')!r}")
            if not raw.get("canonical") and not raw.get("generic"):
                raise ValueError(f"{source}:{lineno}: needs 'canonical' or 'generic'")
            entry = LexiconEntry(
                canonical=raw.get("canonical"),
                type=raw["type"],
                confidence=float(raw.get("confidence", 1.0)),
                generic=raw.get("generic"),
                country=raw.get("country"),
                army=bool(raw.get("army")),
                sahel_only=bool(raw.get("sahel_only")),
                resolves_to=_resolutions(raw, f"{source}:{lineno}"),
            )
            if entry.army and entry.country and entry.confidence == 1.0:
                armies[entry.country] = entry
            if entry.canonical and entry.canonical not in by_canonical:
                by_canonical[entry.canonical] = entry
            for alias in (*raw["aliases"].get("en", ()), *raw["aliases"].get("fr", ())):
                key = name_key(alias)
                acronym = _is_acronym(alias)
                previous = aliases.get(key)
                # A specific actor beats a generic reading of the same words.
                if previous is None or (previous.entry.generic and not entry.generic):
                    aliases[key] = _Alias(entry, acronym)
    prefixes: set[str] = set()
    for key in aliases:
        words = key.split(" ")
        for i in range(1, len(words) + 1):
            prefixes.add(" ".join(words[:i]))
    return ActorLexicon(aliases, frozenset(prefixes), armies, by_canonical)


_RESOLUTION_KEYS = frozenset({"canonical", "confidence", "if_sahel_text", "if_text_about"})


def _resolutions(raw: dict[str, object], where: str) -> tuple[Resolution, ...]:
    """The ``resolves_to`` list of a generic line; "army" resolves by nationality instead."""
    items = raw.get("resolves_to")
    if raw.get("generic") in (None, "army"):
        if items is not None:
            raise ValueError(f"{where}: 'resolves_to' is only for generic kinds other than army")
        return ()
    if not isinstance(items, list) or not items:
        raise ValueError(f"{where}: generic {raw.get('generic')!r} needs a 'resolves_to' list")
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("canonical"), str):
            raise ValueError(f"{where}: each resolution needs a 'canonical' name")
        unknown = set(item) - _RESOLUTION_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown resolution fields {sorted(unknown)}")
        out.append(
            Resolution(
                canonical=item["canonical"],
                confidence=float(item.get("confidence", 1.0)),
                if_sahel_text=bool(item.get("if_sahel_text")),
                if_text_about=item.get("if_text_about"),
            )
        )
    return tuple(out)


def _register_actor_extension() -> None:
    register_extensions()
    if not Span.has_extension("actor"):
        Span.set_extension("actor", default=None)


_register_actor_extension()


class ActorsComponent:
    """spaCy component: see the module docstring."""

    def __init__(
        self, lexicon: ActorLexicon, focus_countries: Sequence[str] = DEFAULT_FOCUS
    ) -> None:
        self.lex = lexicon
        self.focus = tuple(focus_countries)
        # ORTH hash -> (text, first word of its name_key); see PlacesComponent._keys.
        self._key_cache: dict[int, tuple[str, str]] = {}

    def _first_keys(self, doc: Doc) -> tuple[list[str], list[str]]:
        """Token texts and the first word of their ``name_key``, without Token objects."""
        cache = self._key_cache
        if len(cache) > _KEY_CACHE_LIMIT:
            cache.clear()
        strings = doc.vocab.strings
        texts: list[str] = []
        firsts: list[str] = []
        for orth in doc.to_array(ORTH).tolist():
            hit = cache.get(orth)
            if hit is None:
                written = strings[orth]
                hit = cache[orth] = (written, name_key(written).split(" ", 1)[0])
            texts.append(hit[0])
            firsts.append(hit[1])
        return texts, firsts

    def _matches(self, doc: Doc) -> list[tuple[int, int, _Alias]]:
        lex = self.lex
        out: list[tuple[int, int, _Alias]] = []
        texts, firsts = self._first_keys(doc)
        n = len(doc)
        i = 0
        while i < n:
            if not firsts[i] or firsts[i] not in lex.prefixes:
                i += 1
                continue
            best: tuple[int, _Alias] | None = None
            for j in range(i + 1, min(n, i + MAX_ALIAS_TOKENS) + 1):
                # Spaces stand for any separator in name_key (see places._scan).
                key = name_key(" ".join(texts[i:j]))
                if key not in lex.prefixes:
                    break
                alias = lex.aliases.get(key)
                if alias is None or not texts[j - 1][-1:].isalnum():
                    continue
                if alias.acronym and any(c.islower() for t in texts[i:j] for c in t):
                    continue
                best = (j, alias)
            if best is None:
                i += 1
                continue
            out.append((i, best[0], best[1]))
            i = best[0]
        return out

    def _context(self, doc: Doc) -> _DocContext:
        """Focus, place countries and token-indexed country mentions, once per doc."""
        focus = tuple(doc._.focus_countries or self.focus)
        countries: Counter[str] = Counter()
        ctx = _DocContext(focus, countries)
        for span in doc.spans.get("places", []):
            place = span._.place
            if place is None or not place.country:
                continue
            countries[place.country] += 1
            if place.precision == "country":
                ctx.country_by_start[span.start] = place.country
                ctx.country_by_end[span.end] = place.country
        for span in doc.spans.get("nationalities", []):
            ctx.nationality_by_start[span.start] = span._.country
            ctx.nationality_by_end[span.end] = span._.country
        return ctx

    def _adjacent_country(self, doc: Doc, ctx: _DocContext, start: int, end: int) -> str | None:
        """Nationality word or country right before or after tokens start..end."""
        n = len(doc)
        # "Malian gendarmes", "the Malian gendarmes"
        iso = ctx.nationality_by_end.get(start)
        if iso:
            return iso
        # "gendarmes nigériens", "soldats burkinabè"
        iso = ctx.nationality_by_start.get(end)
        if iso:
            return iso
        # "policiers du Niger", "soldiers of Mali", "l'armée de l'Etat du Mali"
        j = end
        if j < n and doc[j].lower_ in _OF:
            j += 1
            if j < n and doc[j].lower_ in ("the", "la", "l'", "l’"):
                j += 1
            iso = ctx.country_by_start.get(j)
            if iso:
                return iso
        # "Mali's soldiers", "Burkina Faso's gendarmes"
        if start >= 1 and doc[start - 1].lower_ in ("'s", "’s"):
            iso = ctx.country_by_end.get(start - 1)
            if iso:
                return iso
        return ctx.country_by_end.get(start)

    def _resolve(
        self, doc: Doc, start: int, end: int, alias: _Alias, ctx: _DocContext
    ) -> Actor | None:
        entry = alias.entry
        lex = self.lex
        focus, countries = ctx.focus, ctx.countries
        sahel_doc = bool(set(countries) & SAHEL) or (not countries and bool(set(focus) & SAHEL))
        if entry.generic is None:
            assert entry.canonical is not None
            if entry.sahel_only and not sahel_doc:
                return None
            return Actor(entry.canonical, entry.type, entry.confidence)
        if entry.generic != "army":
            for res in entry.resolves_to:
                if res.if_sahel_text and not sahel_doc:
                    continue
                about = res.if_text_about
                if about and not (countries.get(about, 0) > 0 or tuple(focus) == (about,)):
                    continue
                return Actor(res.canonical, entry.type, res.confidence)
            return None
        # A generic army mention: the national army of the country it is written with.
        iso = self._adjacent_country(doc, ctx, start, end)
        confidence = entry.confidence
        if iso is None:
            # Unqualified "soldiers": the army of the one focus country, or of
            # the focus country the text is most about. Never a foreign force:
            # "the military" of a text about Ukraine is not Wagner.
            confidence -= 0.2
            if len(focus) == 1:
                iso = focus[0]
            else:
                ranked = [c for c, _ in countries.most_common() if c in focus]
                iso = ranked[0] if ranked else None
            army = lex.armies.get(iso) if iso else None
            if army is None or army.type != "state_forces":
                return None
        army = lex.armies.get(iso) if iso else None
        if army is None or army.canonical is None:
            return None
        # Russian "soldiers" are an unnamed-force hypothesis, not a named PMC,
        # and only in the Sahel.
        if army.type == "private_military_company":
            if not sahel_doc:
                return None
            confidence = min(confidence, 0.5)
        return Actor(army.canonical, army.type, round(confidence, 2))

    def __call__(self, doc: Doc) -> Doc:
        ctx = self._context(doc)
        spans: list[Span] = []
        for start, end, alias in self._matches(doc):
            actor = self._resolve(doc, start, end, alias, ctx)
            if actor is None:
                continue
            span = Span(doc, start, end, label="ACTOR")
            span._.actor = actor
            spans.append(span)
        doc.spans["actors"] = spans
        if spans and "places" in doc.spans:
            doc.spans["places"] = _drop_places_inside(doc.spans["places"], spans)
        return doc


def _drop_places_inside(places: Iterable[Span], actors: Sequence[Span]) -> list[Span]:
    """Places that are only words of an actor's name ("Katiba Macina", "Boko Haram") go.

    Countries stay: "the UN mission in Mali" still says where.
    """
    covered: set[int] = set()
    for span in actors:
        covered.update(range(span.start, span.end))
    kept = []
    for span in places:
        place = span._.place
        inside = all(i in covered for i in range(span.start, span.end))
        if inside and place is not None and place.precision != "country":
            continue
        kept.append(span)
    return kept


@Language.factory(
    "civwatch_actors",
    default_config={"focus_countries": list(DEFAULT_FOCUS), "lexicon_path": ""},
)
def make_actors_component(
    nlp: Language, name: str, focus_countries: list[str], lexicon_path: str
) -> ActorsComponent:
    """Build the actors component (lexicon loaded once per process and path)."""
    return ActorsComponent(load_actor_lexicon(lexicon_path), focus_countries)
