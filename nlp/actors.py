"""Actor mentions: a lexicon of canonical actors with English and French aliases.

The ``civwatch_actors`` component writes ``doc.spans["actors"]``, each span with
``Span._.actor`` (an :class:`Actor`). Aliases (``nlp/data/actors.jsonl``) are
matched accent- and case-insensitively, longest first; aliases written in
capitals in the lexicon ("FAN", "CMA", "GAT") match only when capitalised in
the text, so "fan" and "gat" stay words; one of four letters or more also as a
name ("Jnim", "Aqmi", "Eigs"), as the French press writes them.

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

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.actorlexicon import (
    Actor,
    ActorLexicon,
    _Alias,
    load_actor_context,
    load_actor_lexicon,
)
from nlp.docview import token_views
from nlp.places import DEFAULT_FOCUS, register_extensions
from nlp.textnorm import name_key

MAX_ALIAS_TOKENS = 14


def _first_key(written: str) -> tuple[str, str]:
    return written, name_key(written).split(" ", 1)[0]


@dataclass
class _DocContext:
    focus: tuple[str, ...]
    countries: Counter[str]
    nationality_by_start: dict[int, str] = field(default_factory=dict)
    nationality_by_end: dict[int, str] = field(default_factory=dict)
    country_by_start: dict[int, str] = field(default_factory=dict)
    country_by_end: dict[int, str] = field(default_factory=dict)
    # sentence start token -> the countries of the places written in that sentence
    sentence_countries: dict[int, set[str]] = field(default_factory=dict)


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
        self.context = load_actor_context()
        # ORTH hash -> (text, first word of its name_key); see PlacesComponent._keys.
        self._key_cache: dict[int, tuple[str, str]] = {}

    def _first_keys(self, doc: Doc) -> tuple[list[str], list[str]]:
        """Token texts and the first word of their ``name_key``, without Token objects."""
        views = token_views(doc, self._key_cache, _first_key)
        return [text for text, _ in views], [first for _, first in views]

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
                if alias.acronym and not _written_as_acronym(
                    texts[i:j], named=alias.entry.type != "unknown"
                ):
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
            ctx.sentence_countries.setdefault(span.sent.start, set()).add(place.country)
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
        if j < n and doc[j].lower_ in self.context.country_of:
            j += 1
            if j < n and doc[j].lower_ in self.context.country_of_articles:
                j += 1
            iso = ctx.country_by_start.get(j)
            if iso:
                return iso
        # "Mali's soldiers", "Burkina Faso's gendarmes"
        if start >= 1 and doc[start - 1].lower_ in self.context.country_possessive:
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
        sahel = self.context.sahel_countries
        sahel_doc = bool(set(countries) & sahel) or (not countries and bool(set(focus) & sahel))
        # "Islamic State militants killed 129 people in Paris": a sentence whose places
        # are all outside the Sahel tells of the group there, whatever the text is about
        here = ctx.sentence_countries.get(doc[start].sent.start)
        sahel_here = sahel_doc and not (here and not here & sahel)
        if entry.generic is None:
            assert entry.canonical is not None
            if entry.sahel_only and not sahel_doc:
                return None
            return Actor(entry.canonical, entry.type, entry.confidence)
        if entry.generic != "army":
            for res in entry.resolves_to:
                if res.if_sahel_text and not sahel_here:
                    continue
                about = res.if_text_about
                if about and not (countries.get(about, 0) > 0 or tuple(focus) == (about,)):
                    continue
                return Actor(res.canonical, entry.type, res.confidence, if_claimed=res.if_claimed)
            return None
        # A generic army mention: the national army of the country it is written with.
        iso = self._adjacent_country(doc, ctx, start, end)
        confidence = entry.confidence
        by_context = iso is None
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
        return Actor(army.canonical, army.type, round(confidence, 2), by_context=by_context)

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


# An acronym of this many letters or more is no common word: the press writes it in
# capitals or as a name ("Jnim", "Aqmi", "Minusma"); a shorter one only in capitals,
# so "fan" and "Gat" stay words.
TITLE_CASE_ACRONYM = 4


def _written_as_acronym(tokens: Sequence[str], named: bool) -> bool:
    """Whether ``tokens`` write an acronym alias: in capitals, or as a name when long
    and ``named`` (a group's, not "HANI" for unidentified armed men: "Hani" is a name)."""
    if not any(c.islower() for t in tokens for c in t):
        return True
    if not named:
        return False
    letters = "".join(c for t in tokens for c in t if c.isalpha())
    return (
        len(tokens) == 1
        and len(letters) >= TITLE_CASE_ACRONYM
        and letters[0].isupper()
        and letters[1:].islower()
    )
