"""What the processing stage codes on an incident beyond the ``analyze`` fields.

* **Actors**: ``analyze`` names each perpetrator and target by its canonical
  lexicon name only (the DESIGN.md contract), so the writer used to store every
  actor with no type and no text "as written". The type is the lexicon's; the
  text as written is the first alias of that actor (or, for an army or
  peacekeepers resolved from a generic word such as "soldiers", a generic alias
  of the same type) found in the incident's evidence sentences.
* **Event type**: ACLED's event type / sub-event type suggested by
  ``nlp.eventtypes`` from the evidence sentences, when no reviewer set it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from nlp.actorlexicon import ActorLexicon, load_actor_lexicon
from nlp.eventtypes import suggest_for_sentences
from nlp.result import Incident
from nlp.textnorm import name_key

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
MAX_WORDS = 8


@dataclass(frozen=True)
class ActorDetails:
    actor_type: str | None
    as_written: str | None


@lru_cache(maxsize=1)
def _lexicon() -> ActorLexicon | None:
    try:
        return load_actor_lexicon()
    except (OSError, ValueError):
        return None


@lru_cache(maxsize=4096)
def _alias_keys(canonical: str) -> tuple[frozenset[str], frozenset[str]]:
    """(the actor's own alias keys, generic alias keys of its type)."""
    lex = _lexicon()
    if lex is None:
        return frozenset(), frozenset()
    entry = lex.by_canonical.get(canonical)
    own = {k for k, a in lex.aliases.items() if a.entry.canonical == canonical}
    generic: set[str] = set()
    if entry is not None:
        generic = {
            k for k, a in lex.aliases.items() if a.entry.generic and a.entry.type == entry.type
        }
    return frozenset(own), frozenset(generic)


def _find(keys: frozenset[str], text: str) -> str | None:
    """The first mention of one of ``keys`` in ``text``, read as long as it goes."""
    lex = _lexicon()
    words = list(_WORD.finditer(text))
    for i in range(len(words)):
        for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
            written = text[words[i].start() : words[i + n - 1].end()]
            key = name_key(written)
            if key not in keys:
                continue
            alias = lex.aliases.get(key) if lex is not None else None
            if alias is not None and alias.acronym and not written.isupper():
                continue  # "FAN" the army, not "fan"; as nlp.actors matches them
            return written
    return None


def actor_details(canonical: str, sentences: Sequence[str]) -> ActorDetails:
    """The lexicon type of ``canonical`` and how the evidence wrote it (None: not found)."""
    lex = _lexicon()
    entry = lex.by_canonical.get(canonical) if lex is not None else None
    own, generic = _alias_keys(canonical)
    written = None
    for keys in (own, generic):
        for sentence in sentences:
            written = _find(keys, sentence) if keys else None
            if written:
                break
        if written:
            break
    return ActorDetails(entry.type if entry is not None else None, written)


def event_type_for(sentences: Sequence[str], lang: str | None) -> tuple[str, str] | None:
    """ACLED (event_type, sub_event_type) suggested for the evidence, or None."""
    found = suggest_for_sentences(sentences, lang or "en")
    return (found.event_type, found.sub_event_type) if found is not None else None


def actor_columns(canonical: str, sentences: Sequence[str]) -> dict[str, str | None]:
    """``actor_type`` and ``as_written`` column values of an incident_actors row."""
    details = actor_details(canonical, sentences)
    written = details.as_written[:300] if details.as_written else None
    return {"actor_type": details.actor_type, "as_written": written}


def evidence_sentences(inc: Incident, text: str) -> list[str]:
    """The whole sentences behind one analyzed incident: each claim's sentence
    (``claims[].sentence`` offsets, when they lie inside ``text``), then the
    evidence spans."""
    out: list[str] = []
    for claim in inc.claims:
        if claim.sentence is not None:
            start, end = claim.sentence
            if 0 <= start < end <= len(text):
                out.append(text[start:end])
    for ev in inc.evidence:
        if ev.text:
            out.append(ev.text)
    return list(dict.fromkeys(out))
