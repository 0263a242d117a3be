"""Country names and codes: ISO alpha-2 ↔ alpha-3, and dataset names → alpha-2.

ACLED's API and exports name countries ("Mali", "Democratic Republic of
Congo"); ReliefWeb filters on ISO alpha-3; civwatch stores ISO alpha-2. Names
pycountry does not resolve exactly are in ``data/country_aliases.tsv`` — an
exact table rather than fuzzy matching, which maps Kosovo to Serbia.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

import pycountry

ALIASES = Path(__file__).resolve().parent / "data" / "country_aliases.tsv"


def _fold(name: str) -> str:
    # The one fold outside nlp.textnorm: spiders never import nlp/ (STYLE.md).
    # An ASCII-only key of the alias table ("Côte d’Ivoire" → "cote divoire").
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return " ".join(text.lower().replace("’", "'").split())


@cache
def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in ALIASES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, code = line.split("\t")
        table[_fold(name)] = code.strip()
    return table


def iso2_from_name(name: str | None) -> str | None:
    """ISO alpha-2 for a country name or code as datasets write it; None if unknown."""
    if not name or not name.strip():
        return None
    folded = _fold(name)
    alias = _aliases().get(folded)
    if alias:
        return alias
    try:
        country = pycountry.countries.lookup(name.strip())
    except LookupError:
        return None
    return str(country.alpha_2)


def iso3(iso2: str) -> str | None:
    """ISO alpha-3 for an alpha-2 code (``ML`` → ``MLI``)."""
    if iso2.upper() == "XK":
        return "XKX"  # Kosovo: user-assigned code, used by ReliefWeb and UCDP
    country = pycountry.countries.get(alpha_2=iso2.upper())
    return str(country.alpha_3) if country else None


def name_of(iso2: str) -> str | None:
    """The country's name as ACLED's API expects it (``ML`` → ``Mali``)."""
    special = {"CD": "Democratic Republic of Congo", "CG": "Republic of Congo", "CI": "Ivory Coast"}
    if iso2.upper() in special:
        return special[iso2.upper()]
    country = pycountry.countries.get(alpha_2=iso2.upper())
    if country is None:
        return None
    return str(getattr(country, "common_name", None) or country.name)
