"""Place mentions: the :class:`Place` record, its spaCy extensions and factory.

The ``civwatch_places`` component writes ``doc.spans["places"]`` (each span
with ``Span._.place``, a :class:`Place`) and ``doc.spans["nationalities"]``
(each with ``Span._.country``, ISO alpha-2). It works on ``spacy.blank("en")``,
``spacy.blank("fr")`` and ``fr_core_news_sm`` alike: it needs tokens only.
Importing this module registers the factory; the component is built from:

* ``nlp/placecomponent.py`` — the component: the steps in order;
* ``nlp/placecontext.py`` — the cue tables of ``nlp/data/place_cues.json`` and
  what the words around a name say (a place, a person, a river, a proper name);
* ``nlp/placescan.py`` — gazetteer candidates: names of the gazetteer,
  countries and nationality words in the tokens, and the ones their context
  disproves;
* ``nlp/placephrases.py`` — names introduced by cue phrases, known or not
  ("la région de Mopti", "X village", "in X", "Boukouma, X and Y");
* ``nlp/placeregions.py`` — descriptive regions from directions ("central
  Mali", "le nord du Burkina", "l'ouest du pays", "in the north");
* ``nlp/placeresolve.py`` — choosing each mention's gazetteer entry and the
  country the text is mostly about (``Doc._.main_country``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.gazetteer import Entry, load_gazetteer
from nlp.result import MentionKind, PlacePrecision
from settings import DEFAULT_FOCUS

if TYPE_CHECKING:
    from nlp.placecomponent import PlacesComponent


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
    precision: PlacePrecision
    feature: str | None  # GeoNames "P.PPL", "A.ADM1", … or "overlay"
    population: int | None


def register_extensions() -> None:
    """Declare the ``Doc`` and ``Span`` extensions the places and actors components write."""
    if not Doc.has_extension("focus_countries"):
        Doc.set_extension("focus_countries", default=None)
    if not Doc.has_extension("main_country"):
        Doc.set_extension("main_country", default=None)
    if not Span.has_extension("place"):
        Span.set_extension("place", default=None)
    if not Span.has_extension("country"):
        Span.set_extension("country", default=None)


register_extensions()


def place_from_entry(entry: Entry, written: str, precision: PlacePrecision | None = None) -> Place:
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
class PlaceMention:
    """A candidate place of the component's steps: tokens ``start``-``end``, what kind
    of name it is, its ``name_key`` and gazetteer candidates; ``place`` once resolved."""

    start: int
    end: int
    kind: MentionKind
    key: str
    candidates: list[Entry]
    iso2: str | None = None
    direction: str | None = None
    place: Place | None = None
    multi_country: bool = False  # a region across borders ("the central Sahel")


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
    # Imported here: the component's modules build on this module's records.
    from nlp.placecomponent import PlacesComponent

    return PlacesComponent(load_gazetteer(data_dir), focus_countries, require_capital)
