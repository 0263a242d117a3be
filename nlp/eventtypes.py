"""ACLED event type and sub-event type suggested from trigger words.

The rules are data (``nlp/data/<lang>/event_types.json``): an ordered list of
``{"event_type", "sub_event_type", "triggers"}``. The first rule with a trigger
in the text wins, so the files put the specific means of violence (air/drone
strike, IED, shelling) before abduction, battles and the generic attack.
Triggers are matched on the folded text (``nlp.textnorm.fold``: accents and
case ignored) as whole words; a trailing ``*`` accepts any word ending.

A suggestion is only that: the reviewer sees it on the incident page and
corrects it (an edit locks the field against the pipeline). No trigger, no
suggestion: ``None`` rather than a guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nlp.textnorm import fold

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGUAGES = ("en", "fr")


@dataclass(frozen=True)
class EventTypeSuggestion:
    """ACLED's ``event_type`` / ``sub_event_type`` and the trigger that chose them."""

    event_type: str
    sub_event_type: str
    trigger: str


@dataclass(frozen=True)
class _Rule:
    event_type: str
    sub_event_type: str
    pattern: re.Pattern[str]


def _trigger_regex(trigger: str) -> str:
    stem = fold(trigger)
    open_end = stem.endswith("*")
    stem = stem.rstrip("*").strip()
    body = r"\s+".join(re.escape(part) for part in stem.split())
    return rf"(?<![\w]){body}" + (r"[\w'-]*" if open_end else r"(?![\w])")


@lru_cache(maxsize=8)
def load_rules(lang: str, data_dir: str = "") -> tuple[_Rule, ...]:
    """The rules of ``lang`` (en or fr; anything else reads the English file)."""
    base = Path(data_dir) if data_dir else DATA_DIR
    path = base / (lang if lang in LANGUAGES else "en") / "event_types.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    rules = []
    for number, row in enumerate(spec["rules"], 1):
        triggers = [t for t in row.get("triggers", ()) if isinstance(t, str) and t.strip()]
        if not row.get("event_type") or not row.get("sub_event_type") or not triggers:
            raise ValueError(f"{path}: rule {number} needs event_type, sub_event_type, triggers")
        pattern = re.compile("|".join(f"(?:{_trigger_regex(t)})" for t in triggers))
        rules.append(_Rule(row["event_type"], row["sub_event_type"], pattern))
    return tuple(rules)


def suggest_event_type(text: str, lang: str) -> EventTypeSuggestion | None:
    """The first rule of ``lang`` whose trigger occurs in ``text``, or None."""
    folded = fold(text)
    if not folded:
        return None
    for rule in load_rules(lang):
        found = rule.pattern.search(folded)
        if found is not None:
            return EventTypeSuggestion(rule.event_type, rule.sub_event_type, found.group(0))
    return None


def suggest_for_sentences(sentences: Iterable[str], lang: str) -> EventTypeSuggestion | None:
    """The suggestion for an incident's evidence sentences, read as one text."""
    return suggest_event_type(" \n ".join(s for s in sentences if s), lang)


__all__ = ["EventTypeSuggestion", "load_rules", "suggest_event_type", "suggest_for_sentences"]
