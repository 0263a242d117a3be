"""The country table (``data/countries.tsv``): one row per country civwatch names.

Read by the gazetteer (country names and nationality words), the evaluation's
error classes (broad place names) and the crawl's relevance pre-filter (its
``prefilter_words``). Standard library only: the crawl-time pipelines import it
without spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

COUNTRIES = Path(__file__).resolve().parent / "data" / "countries.tsv"


@dataclass(frozen=True)
class Country:
    """One row: ISO alpha-2 and its words, each as written in the table."""

    iso2: str
    names: tuple[str, ...]
    nationality_words: tuple[str, ...] = ()
    prefilter_words: tuple[str, ...] = ()


def _words(cell: str) -> tuple[str, ...]:
    return tuple(word for word in cell.split("|") if word)


@cache
def load_countries(path: Path = COUNTRIES) -> tuple[Country, ...]:
    """The rows of the country table at ``path``, in file order (once per process and path)."""
    rows: list[Country] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            iso2, names, nationality, prefilter = [*line.split("\t"), "", "", ""][:4]
            rows.append(Country(iso2, _words(names), _words(nationality), _words(prefilter)))
    return tuple(rows)
