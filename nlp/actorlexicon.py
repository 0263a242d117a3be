"""The actor lexicon: canonical actors with their English and French aliases.

``nlp/data/actors.jsonl`` read into an alias index (:func:`load_actor_lexicon`), and the
words and countries the component reads around a mention (``nlp/data/actor_context.json``,
:func:`load_actor_context`).
No spaCy here: the review UI lists the actors without loading a pipeline; the
``civwatch_actors`` component (``nlp/actors.py``) matches the aliases in text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nlp.textnorm import name_key

DATA_DIR = Path(__file__).resolve().parent / "data"

ACTOR_TYPES = frozenset(
    {
        "state_forces",
        "foreign_forces",
        "private_military_company",
        "armed_group",
        "militia",
        "peacekeepers",
        "civilians",
        "unknown",
    }
)


@dataclass(frozen=True)
class Actor:
    """A canonical actor; ``confidence`` < 1 marks a hypothesis or a generic resolution."""

    canonical: str
    type: str
    confidence: float
    # An unqualified army ("government troops", "les soldats"): the army of the text's
    # main country, which the incident's own country may overrule (nlp/roles.py).
    by_context: bool = False
    # Read as this actor only where the text claims the attack for it or blames it
    # ("an attack claimed by al-Qaeda"), not where it describes the setting.
    if_claimed: bool = False


@dataclass(frozen=True)
class Resolution:
    """One reading of a generic mention: the actor, if its condition holds."""

    canonical: str
    confidence: float
    if_sahel_text: bool = False  # the text is about the Sahel (see sahel_only)
    if_text_about: str | None = None  # a place of the text is in this country, or it
    # is the only focus country
    if_claimed: bool = False  # only as the group the attack is claimed by or blamed on


@dataclass(frozen=True)
class LexiconEntry:
    """One line of ``actors.jsonl``: a canonical actor or a generic mention kind."""

    canonical: str | None
    type: str
    confidence: float
    generic: str | None
    country: str | None
    army: bool
    sahel_only: bool = False  # a hypothesis only worth making in texts about the Sahel
    resolves_to: tuple[Resolution, ...] = ()  # generic kinds other than "army"


@dataclass(frozen=True)
class _Alias:
    entry: LexiconEntry
    acronym: bool  # match only when written in capitals (or, long, as a name: nlp/actors.py)


@dataclass
class ActorLexicon:
    """Alias index of the actor lexicon. Build with :func:`load_actor_lexicon`."""

    aliases: dict[str, _Alias]
    prefixes: frozenset[str]
    armies: dict[str, LexiconEntry]  # ISO2 -> the army-like entry of that country
    by_canonical: dict[str, LexiconEntry]

    def national_army(self, iso: str | None) -> str | None:
        """The canonical name of a country's own armed forces, if the lexicon has them.

        Only ``state_forces`` lines count: a foreign force or a private military
        company marked ``army`` is no country's national army.
        """
        entry = self.armies.get(iso) if iso else None
        if entry is None or entry.type != "state_forces":
            return None
        return entry.canonical


def _is_acronym(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return bool(letters) and len(alias) <= 6 and all(c.isupper() for c in letters)


@lru_cache(maxsize=4)
def load_actor_lexicon(path: str = "") -> ActorLexicon:
    """Load (once per process and path) the actor lexicon; raises ValueError on a bad line."""
    source = Path(path) if path else DATA_DIR / "actors.jsonl"
    aliases: dict[str, _Alias] = {}
    armies: dict[str, LexiconEntry] = {}
    by_canonical: dict[str, LexiconEntry] = {}
    with source.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            raw = json.loads(line)
            if raw.get("type") not in ACTOR_TYPES:
                raise ValueError(f"{source}:{lineno}: unknown actor type {raw.get('type')!r}")
            if not raw.get("canonical") and not raw.get("generic"):
                raise ValueError(f"{source}:{lineno}: needs 'canonical' or 'generic'")
            entry = LexiconEntry(
                canonical=raw.get("canonical"),
                type=raw["type"],
                confidence=float(raw.get("confidence", 1.0)),
                generic=raw.get("generic"),
                country=raw.get("country"),
                army=bool(raw.get("army")),
                sahel_only=bool(raw.get("sahel_only")),
                resolves_to=_resolutions(raw, f"{source}:{lineno}"),
            )
            if entry.army and entry.country and entry.confidence == 1.0:
                armies[entry.country] = entry
            if entry.canonical and entry.canonical not in by_canonical:
                by_canonical[entry.canonical] = entry
            for alias in (*raw["aliases"].get("en", ()), *raw["aliases"].get("fr", ())):
                key = name_key(alias)
                acronym = _is_acronym(alias)
                previous = aliases.get(key)
                # A specific actor beats a generic reading of the same words.
                if previous is None or (previous.entry.generic and not entry.generic):
                    aliases[key] = _Alias(entry, acronym)
    prefixes: set[str] = set()
    for key in aliases:
        words = key.split(" ")
        for i in range(1, len(words) + 1):
            prefixes.add(" ".join(words[:i]))
    return ActorLexicon(aliases, frozenset(prefixes), armies, by_canonical)


_RESOLUTION_KEYS = frozenset(
    {"canonical", "confidence", "if_sahel_text", "if_text_about", "if_claimed"}
)


def _resolutions(raw: dict[str, object], where: str) -> tuple[Resolution, ...]:
    """The ``resolves_to`` list of a generic line; "army" resolves by nationality instead."""
    items = raw.get("resolves_to")
    if raw.get("generic") in (None, "army"):
        if items is not None:
            raise ValueError(f"{where}: 'resolves_to' is only for generic kinds other than army")
        return ()
    if not isinstance(items, list) or not items:
        raise ValueError(f"{where}: generic {raw.get('generic')!r} needs a 'resolves_to' list")
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("canonical"), str):
            raise ValueError(f"{where}: each resolution needs a 'canonical' name")
        unknown = set(item) - _RESOLUTION_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown resolution fields {sorted(unknown)}")
        out.append(
            Resolution(
                canonical=item["canonical"],
                confidence=float(item.get("confidence", 1.0)),
                if_sahel_text=bool(item.get("if_sahel_text")),
                if_text_about=item.get("if_text_about"),
                if_claimed=bool(item.get("if_claimed")),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class ActorContext:
    """The lists of ``nlp/data/actor_context.json`` (see its ``_comment``)."""

    sahel_countries: frozenset[str]  # ISO2: texts about these are Sahel texts
    country_of: frozenset[str]  # "of", "du": "soldiers of Mali" (lower case, as written)
    country_of_articles: frozenset[str]  # "the", "l'" after a country_of word
    country_possessive: frozenset[str]  # "'s": "Mali's soldiers" (all languages together)


@lru_cache(maxsize=1)
def load_actor_context() -> ActorContext:
    """Load (once per process) ``nlp/data/actor_context.json``."""
    spec = json.loads((DATA_DIR / "actor_context.json").read_text(encoding="utf-8"))
    return ActorContext(
        sahel_countries=frozenset(spec["sahel_countries"]),
        country_of=frozenset(spec["country_of"]),
        country_of_articles=frozenset(spec["country_of_articles"]),
        country_possessive=frozenset(
            word for words in spec["country_possessive"].values() for word in words
        ),
    )


def load_role_actors(
    path: Path = DATA_DIR / "actor_roles.json",
) -> tuple[dict[str, int], dict[str, str]]:
    """``vague_rank`` and ``default_target`` of ``actor_roles.json`` (see its ``_comment``).

    Raises ValueError when a rank is not 0 or 1 (2 is every specific actor's).
    """
    spec = json.loads(path.read_text(encoding="utf-8"))
    ranks = {str(k): v for k, v in spec["vague_rank"].items()}
    if any(v not in (0, 1) for v in ranks.values()):
        raise ValueError(f"{path}: vague_rank values are 0 or 1")
    return ranks, {str(k): str(v) for k, v in spec["default_target"].items()}


def load_state_allies(path: Path = DATA_DIR / "actor_roles.json") -> frozenset[str]:
    """``state_allies`` of ``actor_roles.json``: the army's auxiliaries (see its ``_comment``)."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    return frozenset(str(name) for name in spec.get("state_allies", ()))
