"""Gazetteer candidates: known names in the tokens, and the ones their context disproves.

Gazetteer names (GeoNames extract, curated overlay, country names) are matched
accent- and case-insensitively, longest first, written with a capital; names
that are also common words or first names need a place cue ("in", "à",
"village of", "… village"); stop-listed words never match alone. Nationality
words ("Burkinabe peacekeepers") are found here too: they never set a location
but count towards the country the text is about.
"""

from __future__ import annotations

from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span

from nlp.docview import token_views
from nlp.gazetteer import Entry
from nlp.placecontext import MAX_NAME_TOKENS, MAX_UNKNOWN_NAME_TOKENS, PlaceContext
from nlp.places import PlaceMention
from nlp.textnorm import name_key

_MAJOR_FEATURES = frozenset(
    {"P.PPLC", "P.PPLA", "P.PPLA2", "P.PPLA3", "A.ADM1", "A.ADM2", "A.PCLI"}
)


def _is_minor(entry: Entry) -> bool:
    """A GeoNames hamlet: no admin seat, under a thousand people."""
    if entry.source != "geonames":
        return False
    return entry.feature not in _MAJOR_FEATURES and entry.population < 1000


class GazetteerScan(PlaceContext):
    """Finds gazetteer names, countries and nationality words; filters them by context."""

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

        def view(written: str) -> tuple[str, str, int]:
            key = name_key(written)
            return written, key, self._token_kind(written, key)

        views = token_views(doc, self._key_cache, view)
        return [v[0] for v in views], [v[1] for v in views], [v[2] for v in views]

    # -- matching -----------------------------------------------------------

    def _scan(
        self, doc: Doc, keys: list[str], texts: list[str], kinds: list[int]
    ) -> tuple[list[PlaceMention], list[Span]]:
        gaz = self.gaz
        mentions: list[PlaceMention] = []
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
                    mentions.append(PlaceMention(i, end, "country", span_key, [], iso2=iso2))
            else:
                found = gaz.with_regions(span_key, gaz.lookup(span_key))
                mentions.append(PlaceMention(i, end, "gaz", span_key, found))
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
        # "Nigerian" is often written for Niger in Sahel reporting (place_cues.json).
        read_as = self.nationality_read_as.get(iso)
        if read_as is not None and read_as in focus and iso not in focus:
            iso = read_as
        span._.country = iso
        return span

    def _sahel_context(
        self, doc: Doc, mentions: list[PlaceMention], nationalities: list[Span]
    ) -> bool:
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
        self, doc: Doc, keys: list[str], starts: list[int], m: PlaceMention, cued: bool = False
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
        self, doc: Doc, keys: list[str], mentions: list[PlaceMention], nationalities: list[Span]
    ) -> list[PlaceMention]:
        gaz = self.gaz
        kept: list[PlaceMention] = []
        cued: set[int] = set()
        starts = _sentence_starts(doc)
        for m in mentions:
            prev = keys[m.start - 1] if m.start > 0 else ""
            if prev in self.not_place_before or self.not_place_after.starts(keys, m.end):
                continue  # "Radio France Internationale", "Katiba Macina"
            if m.kind != "gaz":
                kept.append(m)
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
