"""Names introduced by cue phrases, known to the gazetteer or not.

Cue phrases make admin areas ("la région de Mopti", "Seno province", "cercle
de Bankass") and keep unknown places unresolved ("the village of X", "in X",
"X village", and names listed with a known place: "Boukouma, X and Y").
"""

from __future__ import annotations

from spacy.tokens import Doc

from nlp.placecontext import MAX_UNKNOWN_NAME_TOKENS, PlaceContext
from nlp.places import PlaceMention
from nlp.textnorm import name_key


class CuedPlaces(PlaceContext):
    """Finds admin areas, settlements and unknown places by the phrases around them."""

    def _named_after_cue(
        self, doc: Doc, keys: list[str], name_start: int
    ) -> tuple[int, int] | None:
        """The name (core_start, end) after a cue, skipping an article ("de l'Est")."""
        core = name_start
        if core < len(doc) and keys[core] in self.articles and not doc[core].text[:1].isupper():
            core += 1
        end = self._capital_run(doc, keys, core)
        if end == core:
            # Cue words open stop-listed admin names too: "région de l'Est".
            if core < len(doc) and doc[core].text[:1].isupper() and doc[core].is_alpha:
                end = core + 1
            else:
                return None
        return core, end

    def _cue_mentions(self, doc: Doc, keys: list[str]) -> list[PlaceMention]:
        """Admin areas and settlements introduced by cue phrases, known or not."""
        out: list[PlaceMention] = []
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
                        out.append(PlaceMention(core_start, end, "gaz", core, found))
                    elif keys[end - 1] in self._after_openers:
                        pass  # "village of the Bankass Circle": the area, read below
                    elif self._unknown_name_ok(doc, keys, core_start, end):
                        out.append(PlaceMention(core_start, end, "unresolved", core, []))
                    break
                if core in gaz.countries:
                    # "the Mopti region of Mali": the country the area named before is
                    # in, not an area called Mali (the area is read with its name below)
                    break
                level = 1 if kind == "admin1" else 2
                found = gaz.admin_lookup(core, level) or gaz.admin_lookup(core, 3 - level)
                regions = [e for e in gaz.lookup(core) if e.feature == "region"]
                if found:
                    out.append(PlaceMention(i, end, "admin", core, [*found, *regions]))
                elif gaz.lookup(core):
                    out.append(PlaceMention(i, end, "admin", core, gaz.lookup(core)))
                elif self._unknown_name_ok(doc, keys, core_start, end):
                    out.append(PlaceMention(i, end, "unresolved", core, []))
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
                        out.append(PlaceMention(start, i, "gaz", core, found))
                    elif self._unknown_name_ok(doc, keys, start, start + 1) or start < i - 1:
                        out.append(PlaceMention(start, i, "unresolved", core, []))
                    break
                level = 1 if kind == "admin1" else 2
                for s in range(start, i):
                    core = name_key(doc[s:i].text)
                    found = gaz.admin_lookup(core, level) or gaz.admin_lookup(core, 3 - level)
                    if found:
                        regions = [e for e in gaz.lookup(core) if e.feature == "region"]
                        out.append(PlaceMention(s, i + clen, "admin", core, [*found, *regions]))
                        break
                else:
                    # "the Bankass Circle": an area named after its chief town, which the
                    # gazetteer knows as a town: it still gives the country and region.
                    core = name_key(doc[start:i].text)
                    if gaz.lookup(core):
                        out.append(PlaceMention(start, i + clen, "admin", core, gaz.lookup(core)))
                break
        return out

    def _locative_mentions(
        self, doc: Doc, keys: list[str], taken: list[bool]
    ) -> list[PlaceMention]:
        """Unknown capitalised names right after a strong locative ("in X", "à X")."""
        cues = self.strong.get(doc.lang_)
        if cues is None:
            return []
        out: list[PlaceMention] = []
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
            out.append(PlaceMention(start, end, "unresolved", name_key(doc[start:end].text), []))
        return out

    def _coordinated_mentions(
        self, doc: Doc, keys: list[str], mentions: list[PlaceMention]
    ) -> list[PlaceMention]:
        """Unknown names listed with a settlement: "Boukouma, Wourougoudou and Trignien"."""
        taken = [False] * len(doc)
        for m in mentions:
            for k in range(m.start, m.end):
                taken[k] = True
        out: list[PlaceMention] = []
        frontier = [m for m in mentions if m.kind in ("gaz", "unresolved")]
        n = len(doc)
        while frontier:
            m = frontier.pop()
            # to the right: ", X" / "and X" / "et X" / ", and X"
            j = m.end
            if j < n and doc[j].text in self.coordination:
                j += 1
                if j < n and doc[j].text in self.conjunctions and doc[j - 1].text == ",":
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
            if j > 0 and doc[j].text in self.coordination:
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
