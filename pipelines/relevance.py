"""(500) Relevance pre-filter: cheap evidence that a page may report violence.

Counts EN/FR conflict vocabulary (killed, gunmen, tués, embuscade, armed-group
names), context words (soldiers, civils) and places of the focus countries
(country names and demonyms, first- and second-level divisions, towns), against
the vocabulary of what NLP need not read (sport, markets, tech, weather).
The page is only *flagged*: an "irrelevant" article is stored like any other,
so a threshold that turns out too strict loses nothing that cannot be re-run.

The recall side is what matters: every gold text with an incident must pass
(measured in tests/crawl/test_pipeline_relevance.py).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from scrapy.crawler import Crawler

from settings import from_scrapy_settings
from spiders.items import PageItem

THRESHOLD = 0.3
MAX_NGRAM = 3
# Words of a long article that count; conflict reports state the event early.
HEAD_WORDS = 1500
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)?|&", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without accents (tués → tues), apostrophes unified."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Vocabulary:
    terms: dict[tuple[str, ...], tuple[str, float, str]]  # folded words -> (kind, weight, term)
    places: dict[tuple[str, ...], tuple[str, str]]  # folded words, case kept -> (country, name)


def _data(name: str) -> str:
    return resources.files("pipelines").joinpath(f"data/{name}").read_text("utf-8")


def _words(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN_RE.findall(text))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    terms: dict[tuple[str, ...], tuple[str, float, str]] = {}
    for line in _data("relevance_terms.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, weight, _lang, term = line.split("\t")
        terms[_words(fold(term.strip().lower()))] = (kind, float(weight), term.strip())
    places: dict[tuple[str, ...], tuple[str, str]] = {}
    for line in _data("countries.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, names = line.split("\t")
        for name in names.split("|"):
            # Demonyms are lower case in French; match them capitalised too.
            for variant in {name.strip(), name.strip()[:1].upper() + name.strip()[1:]}:
                places[_words(fold(variant))] = (code, name.strip())
    for line in _data("focus_places.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, _kind, name, _admin1 = line.split("\t")
        places.setdefault(_words(fold(name.strip())), (code, name.strip()))
    return Vocabulary(terms, places)


@dataclass
class Relevance:
    score: float
    conflict: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    offtopic: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        parts = []
        for label, found in (
            ("conflict terms", self.conflict),
            ("context", self.context),
            ("places", self.places),
            ("off-topic", self.offtopic),
        ):
            if found:
                parts.append(f"{label}: {', '.join(found[:6])}")
        return "; ".join(parts) or "no conflict terms"


def score_text(title: str, text: str, countries: tuple[str, ...]) -> Relevance:
    """Relevance of one article to violent-incident monitoring in ``countries``."""
    vocab = vocabulary()
    words = list(_words(fold(title))) + list(_words(fold(text)))[:HEAD_WORDS]
    title_len = len(_words(title))
    hits: Counter[tuple[str, ...]] = Counter()
    in_title: set[tuple[str, ...]] = set()
    place_hits: dict[str, str] = {}
    for i in range(len(words)):
        for n in range(MAX_NGRAM, 0, -1):
            gram = tuple(words[i : i + n])
            if len(gram) < n:
                continue
            place = vocab.places.get(gram)
            # Place names must be capitalised as written (Say, Gao), terms need not.
            if place and gram[0][:1].isupper() and (not countries or place[0] in countries):
                place_hits.setdefault(place[1], place[0])
            lowered = tuple(w.lower() for w in gram)
            if lowered in vocab.terms:
                hits[lowered] += 1
                if i < title_len:
                    in_title.add(lowered)
                break
    found: dict[str, list[tuple[float, str]]] = {"conflict": [], "context": [], "offtopic": []}
    totals = dict.fromkeys(found, 0.0)
    for gram, count in hits.items():
        kind, weight, term = vocab.terms[gram]
        # Repetition counts, with diminishing returns; a title mention counts double.
        value = weight * (1 + math.log(count)) * (2 if gram in in_title else 1)
        totals[kind] += value
        found[kind].append((value, term))
    places = min(len(place_hits), 3) * 0.4
    # Context words (soldiers, guerre) and places support conflict terms; on
    # their own they describe politics and diplomacy as often as violence.
    support = min(totals["context"], 1.0) + places
    evidence = totals["conflict"] + (support if totals["conflict"] else 0.3 * support)
    # A long article needs more evidence than a short dispatch to be about violence.
    length_factor = 1 + len(words) / 1500
    raw = evidence / length_factor
    score = raw / (raw + 1.0 + totals["offtopic"] / length_factor)

    def names(kind: str) -> list[str]:
        return [term for _, term in sorted(found[kind], reverse=True)]

    return Relevance(
        score=round(score, 3),
        conflict=names("conflict"),
        context=names("context"),
        places=list(place_hits),
        offtopic=names("offtopic"),
    )


class RelevancePipeline:
    """(500) Sets relevance_score and relevance_reason; "irrelevant" below the threshold."""

    def __init__(self, focus_countries: tuple[str, ...], threshold: float = THRESHOLD) -> None:
        self.focus_countries = focus_countries
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RelevancePipeline:
        settings = from_scrapy_settings(crawler.settings)
        return cls(settings.focus_countries)

    def process_item(self, item: object) -> object:
        if not isinstance(item, PageItem) or not item.text:
            return item
        countries = item.source_countries or self.focus_countries
        result = score_text(item.title or "", item.text, countries)
        item.relevance_score = result.score
        item.relevance_reason = result.reason
        if item.status == "new" and result.score < self.threshold:
            item.status = "irrelevant"
            item.status_reason = "below relevance threshold"
        return item
