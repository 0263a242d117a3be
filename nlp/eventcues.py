"""Event-segmentation cues of one language, compiled from ``nlp/data/<lang>/claims_events.json``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nlp.claims import fold

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class EventCues:
    """Compiled segmentation cues of one language."""

    aggregate: re.Pattern[str]
    new_event: re.Pattern[str]
    location_exclude: re.Pattern[str]
    agent_before: re.Pattern[str]
    agent_after: re.Pattern[str]
    attack_event: re.Pattern[str]


@lru_cache(maxsize=4)
def load_cues(lang: str) -> EventCues:
    """Load ``nlp/data/<lang>/claims_events.json`` (English for other languages)."""
    lang = lang if lang in ("en", "fr") else "en"
    spec = json.loads((DATA / lang / "claims_events.json").read_text(encoding="utf-8"))

    def words(key: str, anchor: str) -> re.Pattern[str]:
        alt = "|".join(re.escape(fold(w)) for w in sorted(spec[key], key=len, reverse=True))
        return re.compile(anchor.format(alt))

    return EventCues(
        aggregate=re.compile("|".join(spec["aggregate"])),
        new_event=re.compile("|".join(spec["new_event"])),
        location_exclude=words("location_exclude_before", r"(?:{})\s*(?:the\s+|la\s+|le\s+)?$"),
        agent_before=words(
            "agent_before", r"(?<![\w])(?:{})\s+(?:the\s+|les\s+|des\s+|la\s+|le\s+|l')?$"
        ),
        agent_after=words("agent_after", r"^\s*(?:\w+\s+){{0,2}}?(?:{})(?![\w])"),
        attack_event=words("attack_event", r"(?<![\w])(?:{})(?![\w])"),
    )
