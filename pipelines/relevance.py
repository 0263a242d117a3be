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
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from scrapy.crawler import Crawler

from nlp.countries import load_countries
from nlp.textnorm import fold_accents as fold
from settings import from_scrapy_settings
from spiders.items import PageItem

THRESHOLD = 0.3
# Characters of a long article that count; conflict reports state the event early.
HEAD_CHARS = 10_000
_TOKEN_RE = re.compile(r"[^\W_]+|&")  # elisions split: l'attaque → l, attaque
LONG_TEXT_WORDS = 1500


def _key(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN_RE.findall(text))


@dataclass(frozen=True)
class Vocabulary:
    terms: dict[tuple[str, ...], tuple[str, float, str]]  # folded lower-case words -> entry
    places: dict[tuple[str, ...], tuple[str, str]]  # folded words as written -> (country, name)
    longest: int  # words in the longest phrase
    term_starts: frozenset[str]  # first words, so most words need one set look-up
    place_starts: frozenset[str]


def _data(name: str) -> str:
    return resources.files("pipelines").joinpath(f"data/{name}").read_text("utf-8")


def _rows(name: str) -> list[list[str]]:
    return [
        line.split("\t")
        for line in _data(name).splitlines()
        if line.strip() and not line.startswith("#")
    ]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    terms: dict[tuple[str, ...], tuple[str, float, str]] = {}
    for kind, weight, _lang, term in _rows("relevance_terms.tsv"):
        terms[_key(fold(term.strip().lower()))] = (kind, float(weight), term.strip())
    places: dict[tuple[str, ...], tuple[str, str]] = {}
    for country in load_countries():
        code = country.iso2
        for name in country.prefilter_words:
            name = name.strip()
            # French demonyms are lower case in running text; English ones capitalised.
            for variant in {name, name[:1].upper() + name[1:]}:
                places[_key(fold(variant))] = (code, name)
    for code, _kind, name, _admin1 in _rows("focus_places.tsv"):
        places.setdefault(_key(fold(name.strip())), (code, name.strip()))
    longest = max(len(k) for k in [*terms, *places])
    return Vocabulary(
        terms,
        places,
        longest,
        frozenset(k[0] for k in terms),
        frozenset(k[0] for k in places),
    )


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
    title_words = len(_key(fold(title)))
    words = _key(fold(f"{title}\n{text[:HEAD_CHARS]}"))
    lowered = [w.lower() for w in words]
    hits: Counter[tuple[str, ...]] = Counter()
    in_title: set[tuple[str, ...]] = set()
    place_hits: dict[str, str] = {}
    for i in range(len(words)):
        # Longest phrase first ("hommes armes" before "armes"); places keep their
        # case ("Say" is a town in Niger, "say" a verb).
        if words[i] in vocab.place_starts:
            for n in range(min(vocab.longest, len(words) - i), 0, -1):
                place = vocab.places.get(words[i : i + n])
                if place is not None:
                    if not countries or place[0] in countries:
                        place_hits.setdefault(place[1], place[0])
                    break
        if lowered[i] in vocab.term_starts:
            for n in range(min(vocab.longest, len(words) - i), 0, -1):
                key = tuple(lowered[i : i + n])
                if key in vocab.terms:
                    hits[key] += 1
                    if i < title_words:
                        in_title.add(key)
                    break
    found: dict[str, list[tuple[float, str]]] = {"conflict": [], "context": [], "offtopic": []}
    totals = dict.fromkeys(found, 0.0)
    for key, count in hits.items():
        kind, weight, term = vocab.terms[key]
        # Repetition counts, with diminishing returns; a title mention counts double.
        value = weight * (1 + math.log(count)) * (2 if key in in_title else 1)
        totals[kind] += value
        found[kind].append((value, term))
    places = min(len(place_hits), 3) * 0.4
    # Context words (soldiers, guerre) and places support conflict terms; on
    # their own they describe politics and diplomacy as often as violence.
    support = min(totals["context"], 1.0) + places
    evidence = totals["conflict"] + (support if totals["conflict"] else 0.3 * support)
    # A long article needs more evidence than a short dispatch to be about violence.
    n_words = min(len(title.split()) + len(text.split()), LONG_TEXT_WORDS)
    length_factor = 1 + n_words / LONG_TEXT_WORDS
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
