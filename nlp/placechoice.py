"""Place choice: which place, and which country, a candidate incident is given.

For each claim :func:`place_for` takes the finest place written nearest to the figure
in its sentence, skipping datelines ("BAMAKO, Mali –"), photo captions (closed by a
credit, "©AFP"), reference points ("border with", "km from", press rooms and
evacuation destinations) and nationality words; :func:`lead_place` takes the village
a lead-in sentence introduces; :func:`refine_place` prefers a village up to two
sentences around an event's claims over a region in their sentence (a country or a
region for period totals; for a later event, one sentence after it);
:func:`text_country` is the country of the whole text when an event names none;
:func:`place_rank` orders places from villages to countries.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import fuzz
from spacy.tokens import Doc, Span

from nlp.claimgrammar import load_cues as claim_cues
from nlp.claims import Claim
from nlp.countries import load_countries
from nlp.docview import actor_spans, folded, sentence_bounds
from nlp.eventcues import EventCues, cue_pattern, load_cues
from nlp.gazetteer import load_gazetteer
from nlp.numbers import find_quantities
from nlp.places import Place, place_from_entry, unresolved_place
from nlp.result import Location
from nlp.roles import HOLDER_BY
from nlp.textnorm import fold_keep_length as fold

if TYPE_CHECKING:
    from nlp.eventrules import Event

DATA = Path(__file__).resolve().parent / "data"


TYPO_RATIO = 85  # as the evaluation's name match (nlp/evaluate.py)


def same_place(a: Place, b: Place) -> bool:
    """One place written twice: the same GeoNames id, or the same folded name (or a
    road named after it, "Pobé-Mengao-Pételbongo"), or a name the gazetteer does not
    know spelt nearly as the other ("Namisguia" beside
    "Namsiguia": two letters swapped in one report)."""
    if a.geonames_id is not None and a.geonames_id == b.geonames_id:
        return True
    fa, fb = fold(a.name), fold(b.name)
    if fa == fb:
        return True
    if any(
        long.startswith(short + "-") or long.endswith("-" + short)
        for long, short in ((fa, fb), (fb, fa))
    ):
        return True  # "l'axe Pobé-Mengao-Pételbongo" runs from Pobé-Mengao
    unresolved = "unresolved" in (a.precision, b.precision)
    return unresolved and fuzz.ratio(fold(a.name), fold(b.name)) >= TYPO_RATIO


def _is_specific(place: Place) -> bool:
    return place.precision not in ("country",)


# A photo credit ends a caption: "Soldiers in Tahoua, 20 October 2016 ©AFP",
# "… on 19 June, 2017. Photo: AFP", "Image: Reuters".
_CREDIT = cue_pattern(
    r"©|\b{credit_labels}\s*:|\({credit_nouns}\b|\b{credit_nouns} {credit_agencies}\b"
)
CAPTION_CHARS = 80
# A line closed by its picture's date and the photographer's credit: "Nigerien commandos
# … in Ouallam, Niger, April 18, 2018. Aaron Ross, REUTERS" — the whole sentence is the
# caption.
_DATED_CREDIT = cue_pattern(
    r"\b(?:19|20)\d\d\.\s+(?:[\w'-]+\s+){1,3}?[\w'-]+,\s+{credit_agencies}\b"
)


# A caption without a credit: a short line that only says where and when, with the
# country in brackets — "Scène d'attaque à Kati (Mali), le 22 juillet 2022.",
# "Soldiers on patrol in Gao (Mali), 3 March 2019."
_PLACE_DATE_LINE = cue_pattern(
    r"(?:^|[.!?]\s+)(?:[^\s.!?\d]+\s+){1,3}?{caption_place_before}\s+"
    r"(?:(?!{caption_name_stops}\b)[\w'-]+[ -]?){1,3}?\s*"
    r"\([\w ]{3,20}\),?\s*(?:{caption_date_before}\s+)?[\w ,]{3,25}?(?:19|20)\d\d\s*(?=\.)"
)


def caption_ends(norm: str) -> list[tuple[int, int]]:
    """The photo captions of the folded text as ``(start, end)``: the ``CAPTION_CHARS``
    before each credit, each line closed by a date and a photographer's credit, and each
    line that only gives a place (with its country) and a date."""
    spans = [(max(0, m.start() - CAPTION_CHARS), m.start()) for m in _CREDIT.finditer(norm)]
    for m in _DATED_CREDIT.finditer(norm):
        line_start = max(norm.rfind(". ", 0, m.start()), norm.rfind("\n", 0, m.start()))
        spans.append((line_start + 1, m.end()))
    for m in _PLACE_DATE_LINE.finditer(norm):
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip(".!? "))
        spans.append((start, m.end()))
    return sorted(spans)


def in_caption(offset: int, spans: list[tuple[int, int]]) -> bool:
    """Whether a place or date is written in a photo caption.

    Places and dates in a caption describe the picture (often an older one), not the
    event reported.
    """
    return any(a <= offset <= b for a, b in spans)


# "near Bandiagara", "près de la ville de Mopti": a landmark, not the scene.
_NEAR_BEFORE = cue_pattern(
    r"{near_before}\s*{near_before_articles}?(?:{near_before_settlement}\s+)?$"
)


def lead_place(
    lead: tuple[int, int], places: list[Span], norm: str, cues: EventCues
) -> tuple[Place | None, float]:
    """The village or town a lead-in introduces: the first one not written as a landmark.

    "Gunmen targeted Yaru village near Bandiagara town": the scene is written first,
    the landmark after "near". A commune ("l'administration de la commune de X") is
    coarser than a village named elsewhere: it ranks as a commune does in ``place_for``.
    """
    a, b = lead
    found = [
        sp
        for sp in places
        if a <= sp.start_char < b and usable_place(sp, norm, cues) and place_rank(sp._.place) == 0
    ]
    if not found:
        return None, 4
    direct = [
        sp
        for sp in found
        if not _NEAR_BEFORE.search(norm[max(0, sp.start_char - 30) : sp.start_char])
    ]
    villages = [sp for sp in direct or found if not written_as_area(sp, norm)]
    if not villages:
        return (direct or found)[0]._.place, 0.5
    return villages[0]._.place, 0


def countries_in(sentence: tuple[int, int], places: list[Span], norm: str) -> int:
    """How many countries are written, as countries, in the sentence ("near the borders
    with Ghana and Togo" names none: both are reference points)."""
    return len(
        {span._.place.country for span in _country_spans(sentence, places, norm, references=False)}
    )


# "three peacekeepers from Senegal", "le président de la République de la France": where
# people come from, what an office governs.
_ORIGIN_BEFORE = cue_pattern(r"\b{country_origin_before}\s+{location_exclude_articles}?$")


def _country_spans(
    sentence: tuple[int, int], places: list[Span], norm: str, references: bool = True
) -> list[Span]:
    """The countries written in the sentence as places: "since France launched an
    operation in Mali" names Mali; a country that acts or a reference point ("near the
    border with Mali") counts only when no other is written (a period total's "Mali has
    seen 71 executions")."""
    a, b = sentence
    spans = [
        span
        for span in places
        if a <= span.start_char < b and span._.place is not None and place_rank(span._.place) == 2
    ]
    # "in Niger near the border with Mali": Mali is a reference point (either language's
    # cues: an English report quotes French sources)
    scenes = [
        span
        for span in spans
        if not _country_as_subject(span, norm)
        and not _ORIGIN_BEFORE.search(norm, max(0, span.start_char - 40), span.start_char)
        and not any(_excluded_place(span, norm, load_cues(lang)) for lang in ("en", "fr"))
    ]
    if not references:
        return scenes
    return scenes or [span for span in spans if not _country_as_subject(span, norm)] or spans


def location_fields(place: Place | None, country: str | None) -> Location:
    """The ``location`` of an incident; ``country`` when no place is given."""
    if place is None:
        return Location(country=country)
    return Location(
        name=place.name,
        country=place.country or country,
        admin1=place.admin1,
        admin2=place.admin2,
        lat=place.lat,
        lon=place.lon,
        geonames_id=place.geonames_id,
        precision=place.precision,
    )


_POINTISH = ("point", "unresolved")
# How many sentences around a single event's claims are searched for its village:
# reports name the scene in the lead and give the toll one or two sentences later.
REFINE_REACH = 2
# What follows a dateline's city: "BAMAKO, Mali –", "Niamey, Niger, Dec 3 –",
# "BAMAKO, March 30 (Xinhua) --", "NIAMEY (Reuters) -", "Bamako :", "Ouagadougou/".
_DATELINE = re.compile(r"^(?:[\s,]*(?:[\w'., ]{0,40}?)?\s*(?:\(\w+\)\s*)?[-–—]{1,2}\s|\s?:\s|/)")
# A wire agency in brackets after a city ("Niamey (AFP)") marks a dateline even
# after a headline or a photo caption.
_AGENCY = cue_pattern(r"^,?\s*\({dateline_agencies}\)")


_ADMIN_WORDS = cue_pattern(
    r"^{admin_area_articles}?{admin_area_before_name}\s+{admin_area_of}"
    r"|\b{admin_area_after_name}$"
)


# "commune de Boni": a municipality is the town it is named after.
_MUNICIPALITY = cue_pattern(r"{municipality_nouns}")


def place_rank(place: Place) -> int:  # 3: a reference point, see place_for
    """Lower is finer: villages and towns, then admin areas and regions, then countries."""
    name = fold(place.name)
    if _ADMIN_WORDS.search(name) and not _MUNICIPALITY.match(name):
        return 1  # "region of Timbuktu", "Seno province": an area whatever the gazetteer says
    if place.precision in _POINTISH:
        return 0
    if place.precision == "country":
        return 2
    return 1


# "dans la commune de Foutouri", "the province of Seno", "in the Bankass Circle": a name
# written as an area contains the villages named beside it, whatever the gazetteer holds.
_AREA_BEFORE = cue_pattern(
    r"\b{admin_area_before_name}\s+(?:[\w-]+\s+)?{admin_area_of}\s*{admin_area_of_articles}?$"
)
_AREA_AFTER = cue_pattern(r"^\s+{admin_area_after_name}\b")


def written_as_area(span: Span, norm: str) -> bool:
    """A village-like name written as an area ("la commune de Foutouri")."""
    return place_rank(span._.place) == 0 and bool(
        _AREA_BEFORE.search(norm, max(0, span.start_char - 40), span.start_char)
        or _AREA_AFTER.match(norm, span.end_char)
    )


def _dateline(span: Span, norm: str) -> bool:
    """A dateline ("BAMAKO, Mali –", "NIAMEY (Reuters) -") says where the story was filed."""
    after = norm[span.end_char : span.end_char + 45]
    if span.start_char < 300 and _AGENCY.match(after):
        return True
    return span.start_char < 120 and bool(_DATELINE.match(after))


def usable_place(span: Span, norm: str, cues: EventCues, aggregate: bool = False) -> bool:
    """A resolved place that is neither a reference point (a far one not even for a
    single event's last resort), a dateline, a correspondent's base nor the place of a
    toll in brackets ("after Ogossagou (160 killed)": that place's own, earlier event)."""
    place = span._.place
    if place is None or _excluded_place(span, norm, cues, aggregate):
        return False
    if not aggregate and _far_reference(span, norm):
        return False  # "120 km north of Niamey"
    return (
        not _dateline(span, norm)
        and not _correspondent_base(span, norm)
        and not _BRACKETED_TOLL_AFTER.match(norm, span.end_char)
    )


# Between a country and an area of it written together: "Niger's Tillabéri region",
# "the Mopti region of Mali", "la région de Tillabéri au Niger".
_AREA_COUNTRY_GAP = cue_pattern(
    r"^(?:'s\s+|\s*,?\s+{place_prepositions}\s+{location_exclude_articles}?|\s*,\s*)$"
)


def _holds_its_area(country: Span, places: list[Span], norm: str) -> bool:
    """A country written right before or after an area of its own."""
    iso = country._.place.country
    for sp in places:
        if sp._.place is None or place_rank(sp._.place) != 1 or sp._.place.country != iso:
            continue
        if sp.end_char <= country.start_char:
            gap = norm[sp.end_char : country.start_char]
        elif country.end_char <= sp.start_char:
            gap = norm[country.end_char : sp.start_char]
        else:
            continue
        if len(gap) <= 8 and _AREA_COUNTRY_GAP.match(gap):
            return True
    return False


def place_for(
    claim: Claim, places: list[Span], norm: str, cues: EventCues, aggregate: bool
) -> tuple[Place | None, float]:
    """The finest place of the claim's sentence, nearest to the claim."""
    s_start, s_end = claim.sentence
    best: tuple[tuple[float, int], Span] | None = None
    scene_countries = _country_spans(claim.sentence, places, norm)
    countries = {span._.place.country for span in scene_countries}
    for span in places:
        if span._.place is not None and place_rank(span._.place) == 2:
            if len(countries) > 1:
                continue  # "Mali, Burkina Faso and Niger": no single country is the scene
            if s_start <= span.start_char < s_end and span not in scene_countries:
                continue  # "since France launched an operation in Mali": France acts
        if (
            not (s_start <= span.start_char < s_end)
            or span._.place is None
            or _dateline(span, norm)
        ):
            continue
        if aggregate and place_rank(span._.place) == 2 and _holds_its_area(span, places, norm):
            continue  # "in Niger's Tillabéri region": the total is counted in the region
        # Measured from the figure itself: in "killed three people at A, another at B
        # and seven more in C" the verb's span covers A and B, the figure 7 is next to C.
        a = claim.number_start if claim.number_start is not None else claim.start
        b = claim.number_end if claim.number_end is not None else claim.end
        distance = (
            0
            if a <= span.start_char < b
            or _scene_after(_SUBCOUNT.sub(" ", norm[b : span.start_char]))
            else min(abs(span.start_char - b), abs(a - span.end_char))
        )
        # A reference point ("near the border with Mali") names the scene only when
        # nothing else does, one far off ("120 km north of Niamey") never; a town a few
        # kilometres off ("11 km south of Aguelhoc") is the nearest place the report
        # gives, finer than the region around it.
        if not aggregate and _far_reference(span, norm):
            continue
        if _destination(span, norm):
            continue  # "evacuated to Niamey": where the wounded went
        if _correspondent_base(span, norm):
            continue  # "le correspondant de RFI à Bamako": where the reporter sits
        excluded = _excluded_for(claim, span, norm, cues, aggregate)
        rank = place_rank(span._.place) if not excluded else 3
        close = rank == 3 and not aggregate and _close_reference(span, norm)
        # A period total is counted at the scale of a country or region, not a town.
        order: float = 0.5 if close else ((2, 1, 0, 3)[rank] if aggregate else rank)
        if not aggregate and not close and written_as_area(span, norm):
            order = 0.25  # a commune holds the village named beside it, finer than a region
        key = (order, distance)
        if best is None or key < best[0]:
            best = (key, span)
    if best is None:
        return None, 4
    span = best[1]
    if best[0][0] == 0.5:
        # not the scene itself: finer than a region, coarser than a village
        return span._.place, 0.75
    rank = place_rank(span._.place) if not _excluded_for(claim, span, norm, cues, aggregate) else 3
    if best[0][0] == 0.25:
        return span._.place, 0.5  # a commune: finer than a region, refined by its village
    return span._.place, rank


# A bracket opened right after a place name, up to two words before the figure:
# "après Ogossagou (plus de 160 tués)", "Solhan (at least 132 dead)".
_BRACKETED_TOLL = re.compile(r"\s*\(\s*(?:[\w'-]+\s+){0,2}")
# The same bracket seen from the place: a figure in digits follows it.
_BRACKETED_TOLL_AFTER = re.compile(_BRACKETED_TOLL.pattern + r"\d")


def bracketed_toll_place(claim: Claim, places: list[Span], norm: str) -> Place | None:
    """The place a toll in brackets follows ("three months after Ogossagou (160
    killed)"): an aside recalling that place's event, or None."""
    a = claim.number_start if claim.number_start is not None else claim.start
    for span in places:
        if span._.place is not None and _BRACKETED_TOLL.fullmatch(norm, span.end_char, a):
            return span._.place
    return None


# "11 km south of", "à une quinzaine de km au nord de", "north of": a direction from a
# point, with the distance when one is given.
_DIRECTION_BEFORE = cue_pattern(
    r"(?:(?P<km>\d[\d,.]*|(?<![\w'])(?:[\w'-]+\s+){1,3}?(?:de\s+)?)\s*{km_units}\b[^,;.]{0,25}?"
    r"|(?P<mi>\d[\d,.]*|(?<![\w'])(?:[\w'-]+\s+){1,3}?)\s*{mile_units}\b[^,;.]{0,25}?)?"
    r"\b{direction_of:ws}\s*{direction_of_articles}?(?:{direction_settlement:ws}\s*)?$"
)
_COMPASS = cue_pattern(r"\b{compass}")
CLOSE_KM = 50


def _reference_km(span: Span, norm: str) -> float | None:
    """The distance of a direction from the point ("11 km south of X": 11; "north of X":
    0), or None when the place is no such point or the distance cannot be read."""
    m = _DIRECTION_BEFORE.search(norm[max(0, span.start_char - 60) : span.start_char])
    if m is None:
        return None
    if m.group("km") is None and m.group("mi") is None:
        # "north of X" with no distance; "from X" / "de X" alone are no direction.
        return 0.0 if _COMPASS.search(m.group(0)) else None
    raw = (m.group("km") or m.group("mi") or "0").replace(",", "").rstrip(".").strip()
    try:
        value = float(raw)
    except ValueError:
        # "a dozen kilometres", "une vingtaine de km": the distance in words
        words = [q for lang in ("en", "fr") for q in find_quantities(raw, lang)]
        if not words:
            return None
        value = float(max(words, key=lambda q: (q.end, q.end - q.start)).value)
    return value * (1.6 if m.group("mi") else 1.0)


def _close_reference(span: Span, norm: str) -> bool:
    """A direction from a point within ``CLOSE_KM`` ("11 km south of X", "north of X")."""
    km = _reference_km(span, norm)
    return km is not None and km <= CLOSE_KM


def _far_reference(span: Span, norm: str) -> bool:
    """A point the scene is said to lie well away from ("120 km north of the capital
    Niamey"): never the scene, not even as a last resort."""
    km = _reference_km(span, norm)
    return km is not None and km > CLOSE_KM


# "seven more in Gadabo", "12 civilians were killed at Kobou": the figure's own
# clause names its scene right after it.
_SCENE_AFTER = cue_pattern(
    r"^[^,;:.()\d]{0,40}?\b{scene_after}\s+(?:{scene_after_settlement:ws}\s+)?$"
)


# "179 people, including 36 children, in Soro": the sub-count aside stands between
# the figure and its scene.
_SUBCOUNT = claim_cues().subcount_inner


def _scene_after(between: str) -> bool:
    return bool(_SCENE_AFTER.match(between))


# "near the Mali border": Mali is a reference point; "southwestern Niger border area
# with Burkina Faso": the area is Niger's, Burkina Faso the reference.
_BORDER_AFTER = cue_pattern(r"^\W{0,3}{border_after}\b(?!\s+{border_area_with:ws}\b)")


# "were buried on 8 October in Ouagadougou", "ont été inhumés … à Ouagadougou": where the
# dead were buried, not where they died (an attack on a funeral "in X" keeps X).
BURIAL_BEFORE = cue_pattern(r"\b{buried_after}\b[^.;:]{0,50}$")


# "kidnapped six people, including four aid workers, from the town of Dakoro": the
# place the victims were taken from is the scene, not where someone came from.
_TAKEN_FROM = cue_pattern(
    r"\b{taken_verbs}\b[^.;:]{0,80}?\b{taken_from}\s*{direction_of_articles}?"
    r"(?:{location_exclude_settlement:ws}\s+)?$"
)

_TAKEN_FROM_CUE = cue_pattern(r"{taken_from}\b")


# "le correspondant de BBC Afrique à Bamako", "the correspondent of Radio France in
# Gao": where the reporter sits, the outlet's name between.
_CORRESPONDENT_BASE = cue_pattern(
    r"\b{correspondent_nouns}\s+{correspondent_of}\s*(?:[\w'-]+\s+){1,4}?"
    r"{correspondent_base}\s+$"
)


def _correspondent_base(span: Span, norm: str) -> bool:
    return bool(_CORRESPONDENT_BASE.search(norm, max(0, span.start_char - 80), span.start_char))


def _excluded_for(claim: Claim, span: Span, norm: str, cues: EventCues, aggregate: bool) -> bool:
    """:func:`_excluded_place`, unless the place names the victims' own post: "le chef du
    village de X a été tué" (the chief of X speaks for X elsewhere, here he died there)."""
    if not _excluded_place(span, norm, cues, aggregate):
        return False
    return not (
        claim.start <= span.start_char < claim.end
        and span._.place.precision != "country"
        and fold(span.text) in fold(claim.victims_text or "")
    )


def _excluded_place(span: Span, norm: str, cues: EventCues, aggregate: bool = False) -> bool:
    """A reference point: "border with X", "12 km from X", "near the X border", "maire de X",
    "au Centre hospitalier régional de X", a burial's place, a backer ("soutenu par la
    Russie"); for a single event, a country that acts. Not the place victims were taken
    from ("kidnapped … from X")."""
    before = norm[max(0, span.start_char - 45) : span.start_char]
    after = norm[span.end_char : span.end_char + 40]
    reference = cues.location_exclude.search(before)
    if (
        reference is not None
        and _TAKEN_FROM_CUE.match(reference.group(0))  # "from", not "came from"
        and _TAKEN_FROM.search(norm, max(0, span.start_char - 120), span.start_char)
    ):
        reference = None
    return bool(
        reference is not None
        or BURIAL_BEFORE.search(norm, max(0, span.start_char - 70), span.start_char)
        # "le groupe Wagner, soutenu par la Russie": who backs an actor, not a scene
        or HOLDER_BY.search(norm, max(0, span.start_char - 40), span.start_char)
        or _BORDER_AFTER.match(after)
        or (not aggregate and _country_as_subject(span, norm))
        or _coordinated_with_excluded(span, norm, cues)
    )


# "evacuated to Niamey and to Ouallam", "évacué vers le Mali, ou la France": the second
# place shares the first one's cue.
_AND_TO_BEFORE = cue_pattern(
    r"\s(?:{and_join}|{or_join})\s+(?:{place_prepositions}\s+)?{location_exclude_articles}?$"
)


# "evacuated to Niamey", "évacués vers le centre de santé de Kaya" (the facility's
# words between), "… to Niamey and to Ouallam", "withdrew to the regional capital, Dori"
_DESTINATION = cue_pattern(
    r"\b{destination_before}\s+{location_exclude_articles}?"
    r"(?:(?!{scene_after:ws}\s)[\w'-]+,?\s+){0,6}?$"
)


def _destination(span: Span, norm: str) -> bool:
    """Where the wounded or the dead were taken: never the scene."""
    before = norm[max(0, span.start_char - 60) : span.start_char]
    if _DESTINATION.search(before):
        return True
    # "… evacuated to Niamey and to Ouallam": the second shares the first one's cue
    m = _AND_TO_BEFORE.search(norm, max(0, span.start_char - 40), span.start_char)
    # (the match opens with the space after the first place: its name then ends a phrase)
    return m is not None and bool(_DESTINATION.search(norm, max(0, m.start() - 80), m.start() + 1))


def _coordinated_with_excluded(span: Span, norm: str, cues: EventCues) -> bool:
    window = max(0, span.start_char - 40)
    m = _AND_TO_BEFORE.search(norm, window, span.start_char)
    if m is None:
        return False
    head = norm[window : m.start()].rstrip()
    # the other place: its last one to three words, right before "and"
    for k in range(1, 4):
        words = head.split()
        if len(words) < k:
            break
        start = m.start() - len(" ".join(words[-k:]))
        if cues.location_exclude.search(norm, max(0, start - 45), start):
            return True
    return False


_SUBJECT_VERB_AFTER = cue_pattern(r"\s+{subject_verbs}\b")
_PREPOSITION_BEFORE = cue_pattern(r"\b{place_prepositions}\s+{place_prepositions_articles}?$")


def _country_as_subject(span: Span, norm: str) -> bool:
    """ "la France annonçait", "Niger said": a country that acts is a government, not
    the scene of an event (a country after a preposition, "au Mali a été", stays a
    place; a period total keeps its country: "Mali has seen 71 executions")."""
    place = span._.place
    if place is None or place.precision != "country":
        return False
    before = norm[max(0, span.start_char - 20) : span.start_char]
    return bool(_SUBJECT_VERB_AFTER.match(norm, span.end_char)) and not (
        _PREPOSITION_BEFORE.search(before)
    )


# "the village of X", "le hameau de X": a settlement named as such.
_VILLAGE_BEFORE = cue_pattern(r"\b{settlement_nouns:ws}\s+{settlement_of}\s*$")


def _only_near(event: Event, places: list[Span], norm: str) -> bool:
    """Every mention of the event's place in its sentences is "near X" / "près de X"."""
    spans = [
        s
        for s in places
        if s._.place is event.place and any(a <= s.start_char < b for a, b in event.sentences)
    ]
    return bool(spans) and all(
        _NEAR_BEFORE.search(norm[max(0, s.start_char - 40) : s.start_char]) for s in spans
    )


# "Bouro dans la commune de Nassoubou", "Bakorate in the Tillia department": the place
# after these is an area holding the village before them.
_INSIDE_AREA = cue_pattern(
    r"\s*,?\s+{inside_before}\s+{place_prepositions_articles}?"
    r"(?P<area>(?:{admin_area_before_name}|{municipality_nouns})\s+{admin_area_of}\s*"
    r"{admin_area_of_articles}?)?"
)
_AREA_NOUN_AFTER = cue_pattern(r"\s+(?:{admin_area_after_name}|{municipality_nouns})\b")


def _village_inside(
    event: Event,
    places: list[Span],
    norm: str,
    cues: EventCues,
    doc: Doc,
    others: frozenset[tuple[int, int]],
) -> Place | None:
    """A village written as inside the event's own town's area, in the event's sentences
    or the next ones: "killed in Nassoubou … the school of Bouro in the commune of
    Nassoubou" (Bouro is finer)."""
    own = event.place
    if own is None:
        return None
    name = fold(own.name)
    sents = sentence_bounds(doc)
    idx = [i for i, s in enumerate(sents) if s in set(event.sentences)]
    reach = {j for i in idx for j in range(i, i + REFINE_REACH + 1) if 0 <= j < len(sents)}
    spans = [sents[j] for j in sorted(reach) if sents[j] not in others or j in idx]
    for span in places:
        if not any(a <= span.start_char < b for a, b in spans):
            continue
        place = span._.place
        if place is None or place_rank(place) != 0 or fold(place.name) == name:
            continue
        m = _INSIDE_AREA.match(norm, span.end_char)
        if m is None or not norm.startswith(name, m.end()):
            continue
        if norm[m.end() + len(name) : m.end() + len(name) + 1].isalnum():
            continue  # "in the commune of Kolokani" is not Kolo's
        if not (m.group("area") or _AREA_NOUN_AFTER.match(norm, m.end() + len(name))):
            continue  # "Bouro in Nassoubou": no area named, maybe a reference
        if usable_place(span, norm, cues):
            return place
    return None


def refine_place(
    event: Event,
    places: list[Span],
    norm: str,
    cues: EventCues,
    doc: Doc,
    first: bool,
    others: frozenset[tuple[int, int]] = frozenset(),
) -> None:
    """Prefer a village or town named next to the claims over a region in their sentence,
    and a village named as the target ("the village of X") over a town the claim's
    sentence only places the attack near ("an attack near Boulsa"). ``others``: the
    sentences of the document's other events."""
    near = event.place is not None and event.place_rank == 0 and _only_near(event, places, norm)
    if event.place is not None and event.place_rank == 0 and not near:
        inner = _village_inside(event, places, norm, cues, doc, others)
        if inner is not None:
            event.place = inner
        return
    if event.aggregate and event.place is not None and event.place_rank in (1, 2):
        return
    sents = sentence_bounds(doc)
    own = set(event.sentences)
    idx = [i for i, s in enumerate(sents) if s in own]
    reach = 1 if event.aggregate else REFINE_REACH
    # A later event (often one recalled in passing) is introduced before its toll; the
    # sentences further after it resume the main story. So do they after an earlier
    # event recalled first ("ten days after a major attack … It killed 38").
    after = reach if (first and not event.recalled) or event.aggregate else 1
    neighbours = sorted(
        {j for i in idx for j in range(i - reach, i + after + 1) if 0 <= j < len(sents)} - set(idx)
    )
    candidates: list[tuple[tuple[float, float], Span]] = []
    for j in neighbours:
        a, b = sents[j]
        if event.recalled and j > max(idx) and cues.attack_event.search(norm, a, b):
            continue  # "… It killed 38 people. On Friday, gunmen attacked a patrol near X"
        for span in places:
            if not a <= span.start_char < b or span._.place is None:
                continue
            distance = min(abs(j - i) for i in idx)
            if usable_place(span, norm, cues, event.aggregate):
                rank = 0.5 if written_as_area(span, norm) else place_rank(span._.place)
                candidates.append(((rank, distance), span))
            elif (
                not event.aggregate
                and place_rank(span._.place) == 0
                and not _dateline(span, norm)
                and _close_reference(span, norm)
            ):
                # "11 km south of Aguelhoc": after the villages named as scenes.
                candidates.append(((0, distance + 0.5), span))
    if event.aggregate:
        # A period total is placed at the scale it is counted at: a country, else a region.
        pool = sorted(
            (c for c in candidates if c[0][0] in (1, 2)), key=lambda c: (-c[0][0], c[0][1])
        )
        if pool and (event.place is None or pool[0][0][0] == 2):
            span = pool[0][1]
            event.place, event.place_rank = span._.place, pool[0][0][0]
        return
    pool = [c for c in candidates if c[0][0] == 0]
    if not pool and not near and (event.place is None or event.place_rank > 0.5):
        # "in southwest Niger … in the commune of Banibangou": a commune is finer.
        pool = [c for c in candidates if c[0][0] == 0.5]
    if near:
        # Only a village the event's own sentences lead to, not another event's scene
        # nor the lead-in of a later event ("… near Hombori. Gunmen attacked the village
        # of Kobou. … 12 were killed").
        own_end = max(b for _, b in event.sentences)
        pool = [
            c
            for c in pool
            if _VILLAGE_BEFORE.search(norm, 0, c[1].start_char)
            and not any(a <= c[1].start_char < b for a, b in others)
            and not (c[1].start_char > own_end and any(a > c[1].start_char for a, _ in others))
        ]
    if not pool and first and not others and not near and event.place_rank >= 1:
        # The text's only event placed in a region: the village the report names as
        # such further on ("gunmen drove into the village of X") is its scene.
        country = event.place.country if event.place is not None else None
        start = min(a for a, _ in event.sentences)
        village = next(
            (
                s
                for s in places
                if s.start_char > start
                and place_rank(s._.place) == 0
                and usable_place(s, norm, cues)
                and _VILLAGE_BEFORE.search(norm, max(0, s.start_char - 30), s.start_char)
                and (country is None or s._.place.country in (country, None))
            ),
            None,
        )
        pool = [((0, 0), village)] if village is not None else []
    if not pool and not near and event.place is not None and _described(event.place):
        # "killed in an attack in central Mali … in a convoy in the Mopti region": a
        # region the gazetteer names is finer than one described by a direction.
        pool = [
            c
            for c in candidates
            if c[0][0] == 1
            and not _described(c[1]._.place)
            and c[1]._.place.country == event.place.country
            and not any(a <= c[1].start_char < b for a, b in others)
        ]
    if event.place is None and not pool and first and not event.recalled:
        firsts = [s for s in places if place_rank(s._.place) == 0 and usable_place(s, norm, cues)]
        pool = [((0, 0), s) for s in firsts[:1]]
    if event.place is None and not pool:
        # "in a village in the Bankass Circle": no village named, the district is (not
        # the region of another event's sentence, a period total's "central Mali").
        pool = [
            c
            for c in candidates
            if c[0][0] == 1 and not any(a <= c[1].start_char < b for a, b in others)
        ]
        if not pool and first and not others:
            # The text's only event, its district named further up than the reach.
            areas = [
                s for s in places if place_rank(s._.place) == 1 and usable_place(s, norm, cues)
            ]
            pool = [((1, 0), s) for s in areas[:1]]
    if pool:
        best = min(pool, key=lambda c: (c[0], c[1].start_char))
        event.place, event.place_rank = best[1]._.place, best[0][0]


def country_as_written(text: str, iso2: str) -> Place | None:
    """The country ``iso2`` as the text first writes its name ("the UN mission in Mali …
    317 civilians killed in three months": a period total counted in the country the
    mission's name gives), or None when the text names it only by a nationality."""
    names = sorted(
        (n for c in load_countries() if c.iso2 == iso2 for n in c.names), key=len, reverse=True
    )
    if not names:
        return None
    m = re.search(r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])", text)
    if m is None:
        return None
    return place_from_entry(load_gazetteer().country_entry(iso2, m.group(0)), m.group(0))


def _described(place: Place) -> bool:
    """A region described, not named: "central Mali", "le nord du pays"."""
    return place.feature == "region" and place.geonames_id is None


def homonym_abroad(
    place: Place,
    places: list[Span],
    norm: str,
    cues: EventCues,
    around: tuple[int, int],
    focus: tuple[str, ...],
) -> Place:
    """A village the gazetteer knows only in a country no other place around its event
    is in ("le village de Dembo … la ville de Bankass, où se trouve Dembo", a Dembo known
    in Burkina Faso): a namesake of the one the text means, kept as written in the
    country of the places around (``around``: the event's sentences and their
    neighbours; reference points aside) when that country is one the text watches
    ("… in Paris. In June, gunmen stormed a hotel in Sévaré": Sévaré stays in Mali)."""
    if place.precision != "point" or place.country is None or place.feature != "P.PPL":
        return place  # a town the gazetteer ranks (a capital, a regional seat) is itself
    scenes = [
        sp
        for sp in places
        if around[0] <= sp.start_char < around[1]
        and sp._.place is not None
        and sp._.place.country
        and not same_place(sp._.place, place)
        and not _excluded_place(sp, norm, cues)
    ]
    # "l'ambassade de France" says little; a country written as a scene decides
    written = {sp._.place.country for sp in scenes if sp._.place.precision == "country"}
    others = {sp._.place.country for sp in scenes if sp._.place.precision != "country"}
    if len(others) != 1 or place.country in others | written or not written <= others:
        return place
    if not others <= set(focus):
        return place
    return replace(unresolved_place(place.name), country=next(iter(others)))


def text_country(
    doc: Doc,
    places: list[Span],
    focus: tuple[str, ...],
    cues: EventCues | None = None,
) -> str | None:
    """The country the text is about: its places, else nationality words, else actors.

    With ``cues``, reference points ("near the border with Mali", "evacuated to
    Niamey") count only when the text names no other place."""
    counts: dict[str, int] = {}
    norm = folded(doc)
    scenes = places
    if cues is not None:
        scenes = [sp for sp in places if not _excluded_place(sp, norm, cues)] or places
    for span in scenes:
        place = span._.place
        if place is not None and place.country:
            counts[place.country] = counts.get(place.country, 0) + (2 if _is_specific(place) else 1)
    if counts:
        return max(counts, key=lambda k: counts[k])
    if "nationalities" in doc.spans:
        for span in doc.spans["nationalities"]:
            iso = span._.country if Span.has_extension("country") else None
            if iso in focus:
                return str(iso)
    implied = _actor_countries()
    for span in actor_spans(doc):
        iso = implied.get(span._.actor.canonical)
        if iso in focus:
            return iso
    return None


@lru_cache(maxsize=1)
def _actor_countries() -> dict[str, str]:
    spec = json.loads((DATA / "claims_actor_countries.json").read_text(encoding="utf-8"))
    return {k: v for k, v in spec.items() if not k.startswith("_")}
