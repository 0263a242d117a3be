"""Resolution: each mention's gazetteer entry and the country the text is mostly about.

The country is the focus country when there is one, otherwise the one most
places and nationality words name (places written after "near", "border"
count less); regions with no country of their own take it.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Span

from nlp.gazetteer import Anchors, Entry
from nlp.placecontext import PlaceContext
from nlp.places import Place, PlaceMention, place_from_entry, unresolved_place


class Resolution(PlaceContext):
    """Chooses the gazetteer entry of each mention and sets ``Doc._.main_country``."""

    def _doc_countries(
        self, doc: Doc, keys: list[str], mentions: list[PlaceMention], nationalities: list[Span]
    ) -> dict[str, float]:
        """Countries the document is about: places (reference points count less), nationalities."""
        votes: dict[str, float] = {}
        for m in mentions:
            iso = m.iso2
            if not iso:
                continue
            before = set(keys[max(0, m.start - 3) : m.start])
            votes[iso] = votes.get(iso, 0.0) + (0.3 if before & self.reference_before else 1.0)
        for span in nationalities:
            votes[span._.country] = votes.get(span._.country, 0.0) + 1.0
        return votes

    def _resolve(
        self, doc: Doc, keys: list[str], mentions: list[PlaceMention], nationalities: list[Span]
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
