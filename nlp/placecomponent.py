"""The ``civwatch_places`` spaCy component: the steps of place finding, in order.

Gazetteer candidates (``nlp/placescan.py``), names introduced by cue phrases
(``nlp/placephrases.py``), descriptive regions (``nlp/placeregions.py``), then
resolution (``nlp/placeresolve.py``); overlapping mentions keep the longer.
The factory is registered by ``nlp/places.py``.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from nlp.placephrases import CuedPlaces
from nlp.placeregions import RegionPhrases
from nlp.placeresolve import Resolution
from nlp.places import PlaceMention
from nlp.placescan import GazetteerScan


class PlacesComponent(GazetteerScan, CuedPlaces, RegionPhrases, Resolution):
    """spaCy component: see the module docstrings of ``nlp/places.py`` and its steps."""

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
    def _taken(n: int, mentions: list[PlaceMention]) -> list[bool]:
        taken = [False] * n
        for m in mentions:
            for k in range(m.start, m.end):
                taken[k] = True
        return taken


def _merge(base: list[PlaceMention], extra: list[PlaceMention]) -> list[PlaceMention]:
    """Union of mentions, the longer of two overlapping ones winning."""
    items = sorted([*extra, *base], key=lambda m: (-(m.end - m.start), m.start))
    chosen: list[PlaceMention] = []
    used: set[int] = set()
    for m in items:
        rng = set(range(m.start, m.end))
        if rng & used:
            continue
        used |= rng
        chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)
