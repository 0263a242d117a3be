"""Cue words of incident assembly, compiled from the lexicons in ``nlp/data/<lang>/``.

* :func:`load_cues`: the event-segmentation cues of one language
  (``claims_events.json``; the articles after its cues are lists of
  ``assemble_cues.json``);
* :func:`cue_pattern`: a regex of the assembly rules (place choice, actor roles,
  account cues) whose structure is written in code and whose words come from
  ``assemble_cues.json`` of every language together — a text's language can be
  misdetected, and an English report quotes French sources.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from nlp.textnorm import fold_keep_length as fold

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class EventCues:
    """Compiled segmentation cues of one language."""

    aggregate: re.Pattern[str]
    # "in total", "in two attacks": a total of several events unless the sentence dates
    # it to one day ("killed yesterday in two attacks" is one coordinated event)
    aggregate_unless_one_day: re.Pattern[str]
    aggregate_min_figure: int  # a figure this large is a period total ("killing thousands")
    new_event: re.Pattern[str]
    topic_switch: re.Pattern[str]  # "Meanwhile," opening a sentence: another event follows
    recall: re.Pattern[str]  # "this is not the first time": earlier events follow
    recalled_lead: re.Pattern[str]  # "ten days after a major attack": an earlier event
    location_exclude: re.Pattern[str]
    agent_before: re.Pattern[str]
    agent_after: re.Pattern[str]
    attack_event: re.Pattern[str]


@lru_cache(maxsize=4)
def load_cues(lang: str) -> EventCues:
    """Load ``nlp/data/<lang>/claims_events.json`` (English for other languages)."""
    lang = lang if lang in ("en", "fr") else "en"
    spec = json.loads((DATA / lang / "claims_events.json").read_text(encoding="utf-8"))

    def words(key: str, anchor: str, adverb_in_spaces: bool = False) -> re.Pattern[str]:
        alts = [re.escape(fold(w)) for w in sorted(spec[key], key=len, reverse=True)]
        if adverb_in_spaces:
            adverb = "|".join(re.escape(fold(e)) for e in spec["adverb_endings"])
            alts = [a.replace(r"\ ", rf"\s+(?:\w+(?:{adverb})\s+)?") for a in alts]
        return re.compile(anchor.format("|".join(alts)))

    def articles(name: str) -> str:
        """The articles of ``assemble_cues.json`` list ``name``, as in :func:`cue_pattern`."""
        return _slot_pattern(name, assembly_cue_words()[name], whitespace=False)

    exclude_articles = articles("location_exclude_articles")
    settlement = _slot_pattern(
        "location_exclude_settlement",
        assembly_cue_words()["location_exclude_settlement"],
        whitespace=True,
    )
    agent_articles = articles("agent_before_articles")
    # "in an attack": a verb of agent_after after an article is a noun.
    not_a_noun = "".join(
        rf"(?<!\b{re.escape(fold(w))} )" for w in assembly_cue_words()["verb_not_after"]
    )
    return EventCues(
        aggregate=re.compile("|".join(spec["aggregate"])),
        aggregate_unless_one_day=re.compile("|".join(spec["aggregate_unless_one_day"])),
        aggregate_min_figure=int(spec["aggregate_min_figure"]),
        new_event=re.compile("|".join(spec["new_event"])),
        topic_switch=re.compile(r"\W*(?:" + "|".join(spec["topic_switch"]) + ")"),
        recall=re.compile("|".join(spec["recall"])),
        recalled_lead=re.compile("|".join(spec["recalled_lead"])),
        location_exclude=words(
            "location_exclude_before", rf"(?:{{}})\s*{exclude_articles}?(?:{settlement}\s+)?$"
        ),
        agent_before=words("agent_before", rf"(?<![\w])(?:{{}})\s+{agent_articles}?$"),
        # An adverb may split a compound verb ("ont illégalement tué", "have reportedly
        # killed"): each space of a phrase admits one word with an "adverb_endings" ending.
        agent_after=words(
            "agent_after",
            r"^\s*(?:\w+\s+){{0,2}}?" + not_a_noun + r"(?:{})(?![\w])",
            adverb_in_spaces=True,
        ),
        attack_event=words("attack_event", r"(?<![\w])(?:{})(?![\w])"),
    )


CUE_FILE = "assemble_cues.json"
_SLOT = re.compile(r"\{([a-z_]+)(:ws)?\}")


@lru_cache(maxsize=4)
def assembly_cue_words(data_dir: Path = DATA) -> dict[str, tuple[str, ...]]:
    """Every list of ``<data_dir>/*/assemble_cues.json``, languages united in file order.

    Raises ValueError on a list that is not a list of non-empty strings.
    """
    merged: dict[str, list[str]] = {}
    for path in sorted(data_dir.glob(f"*/{CUE_FILE}")):
        spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        for name, words in spec.items():
            if name.startswith("_"):
                continue
            if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
                raise ValueError(f"{path}: {name!r} must be a list of non-empty strings")
            bucket = merged.setdefault(name, [])
            bucket.extend(w for w in words if w not in bucket)
    return {name: tuple(words) for name, words in merged.items()}


def _word_pattern(word: str, space: str) -> str:
    """Regex of one folded cue word; a trailing ``*`` matches any word ending."""
    stem, wildcard = (word[:-1], r"\w*") if word.endswith("*") else (word, "")
    return space.join(re.escape(part) for part in fold(stem).split(" ")) + wildcard


def _slot_pattern(name: str, words: tuple[str, ...], whitespace: bool) -> str:
    if not words:
        raise ValueError(f"cue list {name!r} is empty in every {CUE_FILE}")
    space = r"\s+" if whitespace else " "
    ordered = sorted(words, key=len, reverse=True)  # longest first, as load_cues
    if name.endswith("_articles"):
        # "the " / "les " need a space before the name; an elided "l'" joins it.
        alts = [_word_pattern(w, space) + ("" if w.endswith("'") else r"\s+") for w in ordered]
    else:
        alts = [_word_pattern(w, space) for w in ordered]
    return "(?:" + "|".join(alts) + ")"


def cue_pattern(template: str, data_dir: Path = DATA) -> re.Pattern[str]:
    """Compile ``template``, a regex over folded text, with its ``{list}`` slots filled.

    ``{name}`` becomes the alternation of the words of list ``name`` (spaces inside a
    phrase as single spaces), ``{name:ws}`` the same with any white space between the
    words of a phrase. Lists whose name ends in ``_articles`` give each article
    followed by white space (none after an elided ``l'``). Regex quantifiers such as
    ``{0,3}`` are left alone. Raises KeyError for a list no ``assemble_cues.json`` has.
    """
    words = assembly_cue_words(data_dir)

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in words:
            raise KeyError(f"no cue list {name!r} in {data_dir}/*/{CUE_FILE}")
        return _slot_pattern(name, words[name], whitespace=bool(m.group(2)))

    return re.compile(_SLOT.sub(fill, template))
