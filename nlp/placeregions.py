"""Descriptive regions: "central Mali", "le nord du Burkina", "l'ouest du pays", "in the north"."""

from __future__ import annotations

from spacy.tokens import Doc

from nlp.placecontext import PlaceContext
from nlp.places import PlaceMention


class RegionPhrases(PlaceContext):
    """Grows country mentions into regions by direction words ("central Mali")."""

    def _direction_mentions(
        self, doc: Doc, keys: list[str], mentions: list[PlaceMention]
    ) -> list[PlaceMention]:
        """Grow country mentions into descriptive regions and find "in the north"."""
        out: list[PlaceMention] = []
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
                if (
                    s > 1
                    and keys[s - 1] in self.direction_joiners
                    and keys[s - 2] in self.directions
                ):
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
            if not elided and i > 0 and keys[i - 1] in self.articles:
                start = i - 1
            j = i + 1
            if j < n and keys[j] in self.region_of:
                j += 1
                if j < n and keys[j] in self.articles:
                    j += 1
                target = by_start.get(j)
                if target is not None and target.kind == "country":
                    target.start = start
                    target.kind = "region"
                    target.direction = d
                elif j < n and keys[j] in self.country_refs:
                    out.append(PlaceMention(start, j + 1, "region", "", [], direction=d))
                continue
            if j < n and doc[j].text[:1].isupper():
                continue  # "in the West African country": the direction names a name's part
            has_article = elided or start < i
            prep = keys[start - 1] if start > 0 else ""
            if has_article and prep in self.region_in:
                out.append(PlaceMention(start, i + 1, "region", "", [], direction=d))
        out.extend(self._area_of(doc, keys, mentions))
        return out

    def _area_of(
        self, doc: Doc, keys: list[str], mentions: list[PlaceMention]
    ) -> list[PlaceMention]:
        """French areas: "la région centrale du Sahel", "la zone ouest du pays"."""
        out: list[PlaceMention] = []
        by_start = {m.start: m for m in mentions}
        n = len(doc)
        for i in range(n - 3):
            if keys[i] not in self.area_nouns:
                continue
            d = self.area_adjectives.get(keys[i + 1])
            if d is None or keys[i + 2] not in self.region_of:
                continue
            j = i + 3
            if j < n and keys[j] in self.articles:
                j += 1
            target = by_start.get(j)
            if target is not None and target.kind in ("country", "gaz", "region"):
                multi = any(e.feature == "region" and not e.country for e in target.candidates)
                iso = target.iso2 if target.kind != "gaz" else None
                if target.kind == "gaz" and not multi:
                    continue
                out.append(
                    PlaceMention(i, target.end, "region", "", [], iso2=iso, direction=d,
                             multi_country=multi)
                )  # fmt: skip
            elif j < n and keys[j] in self.country_refs:
                out.append(PlaceMention(i, j + 1, "region", "", [], direction=d))
        return out
