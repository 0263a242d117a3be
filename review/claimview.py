"""How the incident page shows claims: numbered, grouped, linked to their words.

* **Numbers.** Every claim row has a number; every span of the article text a
  claim was read from carries that number and links to the row, and the row
  links back to each of its spans (``#hl-<claim id>`` ↔ ``#claim-<claim id>``).
* **One figure stated twice is one claim.** A headline and its lead ("At least
  20 dead in Ménaka. At least 20 people were killed…") are one source saying one
  thing: claims of the same article, kind and value whose victims do not differ
  (same category, or one unknown) form one group, shown as one row numbered once
  ("stated 2× in this article"), and every statement's highlight has its number.
  The ledger still holds each statement; only the display groups them.
* **Approximations** ("une trentaine", "about 30", "dozens") are marked ≈.
* **Victims as written** never shows a bare function word: the claim extractor
  sometimes returns only the words between the number and its trigger ("une
  trentaine *de* morts" gives "de"), or keeps a partitive or an auxiliary ("de
  civils", "personnes ont été"); those are trimmed, and nothing left shows "–".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from nlp.textnorm import fold
from storage.models import Claim

# Qualifiers that make a figure an estimate rather than a count.
_APPROXIMATE = re.compile(
    r"\b(?:about|around|approximately|approx|roughly|some|nearly|almost|an estimated|"
    r"estimated|close to|up to|dozens|scores|hundreds|thousands|several|"
    r"environ|pres de|presque|quelque|quelques|plusieurs|dizaines|centaines|milliers|"
    r"une? \w+aines?|\w+aines? de|a peu pres|pas loin de|autour de)\b"
)
_LEADING = frozenset(
    [
        "de",
        "d'",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l'",
        "of",
        "the",
        "a",
        "an",
        "some",
        "among",
        "parmi",
        "dont",
        "including",
    ]
)
_TRAILING = frozenset(
    [
        "ont",
        "a",
        "sont",
        "est",
        "ete",
        "etaient",
        "were",
        "was",
        "have",
        "has",
        "had",
        "been",
        "are",
        "is",
        "being",
    ]
)


def is_approximate(qualifier: str | None) -> bool:
    """Whether a claim's qualifier as written makes its figure an estimate."""
    return bool(qualifier) and _APPROXIMATE.search(fold(qualifier or "")) is not None


def claim_value(claim: Claim) -> str:
    """The claim's figure as a reviewer reads it: 22, ≈30, ≈18–22, ≥19, ≤5."""
    lo, hi = claim.min, claim.max
    if lo is None and hi is None:
        return "–"
    if lo is not None and hi is not None:
        text = str(lo) if lo == hi else f"{lo}–{hi}"
        return f"≈{text}" if is_approximate(claim.qualifier) else text
    return f"≥{lo}" if lo is not None else f"≤{hi}"


def victims_display(text: str | None) -> str:
    """Victims as written, without stray leading function words or trailing auxiliaries."""
    words = (text or "").split()
    while words and fold(words[0]).strip(",;:") in _LEADING:
        words.pop(0)
    while words and fold(words[-1]).strip(",;:.") in _TRAILING:
        words.pop()
    if len(words) == 1 and fold(words[0]).endswith("'"):
        return ""  # "d'" alone
    return " ".join(words)


@dataclass
class ClaimGroup:
    """One row of the claims table: a claim and its restatements in the same article."""

    number: int
    claims: list[Claim]

    @property
    def lead(self) -> Claim:
        return self.claims[0]


@dataclass
class ClaimTable:
    """The claims in numbered groups, and each claim's number and row."""

    groups: list[ClaimGroup] = field(default_factory=list)
    number: dict[int, int] = field(default_factory=dict)  # claim id -> group number
    row: dict[int, int] = field(default_factory=dict)  # claim id -> lead claim id


def _same_victims(a: Claim, b: Claim) -> bool:
    unknown = (None, "", "unknown")
    return (
        a.victim_category == b.victim_category
        or a.victim_category in unknown
        or b.victim_category in unknown
    )


def group_claims(claims: Sequence[Claim]) -> ClaimTable:
    """Claims in table order, restatements of one figure in one article grouped."""
    table = ClaimTable()
    for claim in claims:
        home: ClaimGroup | None = None
        if claim.origin == "machine" and claim.article_id is not None:
            for group in table.groups:
                lead = group.lead
                if (
                    lead.origin == "machine"
                    and lead.article_id == claim.article_id
                    and lead.incident_id == claim.incident_id
                    and (lead.kind, lead.min, lead.max) == (claim.kind, claim.min, claim.max)
                    and lead.superseded == claim.superseded
                    and all(_same_victims(c, claim) for c in group.claims)
                ):
                    home = group
                    break
        if home is None:
            home = ClaimGroup(len(table.groups) + 1, [])
            table.groups.append(home)
        home.claims.append(claim)
        table.number[claim.id] = home.number
        table.row[claim.id] = home.lead.id
    return table


@dataclass(frozen=True)
class Run:
    """A stretch of article text with what covers it."""

    text: str
    evidence: bool
    claims: tuple[int, ...]  # claim ids whose span covers this run
    starts: tuple[int, ...]  # claim ids whose span starts here (their anchors go here)


def highlight_runs(
    text: str, evidence: Sequence[tuple[int, int]], claims: Sequence[tuple[int, int, int]]
) -> list[Run]:
    """Cut ``text`` at every span boundary; spans may nest or overlap (a claim lies
    inside its evidence sentence) and bad offsets are clipped, never fatal.

    ``evidence`` holds (start, end); ``claims`` holds (start, end, claim id).
    """
    n = len(text)

    def clip(start: int, end: int) -> tuple[int, int]:
        return max(0, min(start, n)), max(0, min(end, n))

    ev = [clip(s, e) for s, e in evidence]
    ev = [(s, e) for s, e in ev if e > s]
    cl = [(*clip(s, e), cid) for s, e, cid in claims]
    cl = [(s, e, cid) for s, e, cid in cl if e > s]
    cuts = sorted(
        {0, n, *(p for s, e in ev for p in (s, e)), *(p for s, e, _ in cl for p in (s, e))}
    )
    runs: list[Run] = []
    started: set[int] = set()
    for a, b in pairwise(cuts):
        if b <= a:
            continue
        inside = tuple(cid for s, e, cid in cl if s <= a and b <= e)
        starts = tuple(cid for cid in inside if cid not in started)
        started.update(starts)
        runs.append(Run(text[a:b], any(s <= a and b <= e for s, e in ev), inside, starts))
    return runs


def article_runs(text: str, spans: Sequence[tuple[int, int, str]]) -> list[Run]:
    """:func:`highlight_runs` from the incident view's labelled spans
    ("evidence" or "claim-<id>")."""
    evidence = [(s, e) for s, e, label in spans if label == "evidence"]
    claims = [
        (s, e, int(label[6:]))
        for s, e, label in spans
        if label.startswith("claim-") and label[6:].isdigit()
    ]
    return highlight_runs(text, evidence, claims)
