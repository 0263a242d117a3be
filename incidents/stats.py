"""What one processing run did: its counts, as printed and as stored in its job row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from storage import workqueue as queue


@dataclass
class ProcessStats:
    """What one run did (printed as the summary and stored in the job run)."""

    articles: int = 0
    claims: int = 0
    new_incidents: int = 0
    merged: int = 0
    evidence_only: int = 0
    reviewed_flagged: int = 0
    failed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    rematched: int = 0
    nlp_seconds: float = 0.0
    store_seconds: float = 0.0
    lock_wait_seconds: float = 0.0
    # leases: articles freed from dead workers of this host, and those other
    # workers still held when this run ended (owner, articles, until)
    reclaimed: int = 0
    reclaimed_from: list[str] = field(default_factory=list)
    held: list[queue.Holder] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "claims": self.claims,
            "new_incidents": self.new_incidents,
            "merged": self.merged,
            "evidence_only": self.evidence_only,
            "reviewed_flagged": self.reviewed_flagged,
            "failed": self.failed,
            "rematched": self.rematched,
            "skipped": dict(self.skipped),
            "nlp_seconds": round(self.nlp_seconds, 3),
            "store_seconds": round(self.store_seconds, 3),
            "lock_wait_seconds": round(self.lock_wait_seconds, 3),
            "reclaimed": self.reclaimed,
            "reclaimed_from": list(self.reclaimed_from),
            "held_by_others": [
                {"owner": h.owner, "articles": h.articles, "until": h.until.isoformat()}
                for h in self.held
            ],
        }

    def take_committed(self, committed: Mapping[str, Any]) -> None:
        """Adopt the counts committed in the job row (they were written in the same
        transactions as the articles; the in-memory ones may lag by the article an
        interruption landed on between its commit and the next line)."""
        for key in COMMITTED_COUNTS:
            if key in committed:
                setattr(self, key, committed[key])
        if "skipped" in committed:
            self.skipped = Counter(committed["skipped"])
        if "reclaimed_from" in committed:
            self.reclaimed_from = list(committed["reclaimed_from"])

    def summary(self) -> str:
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items())) or "none"
        reclaimed = (
            f"; reclaimed {self.reclaimed} articles from dead workers "
            f"({', '.join(self.reclaimed_from)})"
            if self.reclaimed
            else ""
        )
        held = (
            "; leased by other workers: " + "; ".join(h.describe() for h in self.held)
            if self.held
            else ""
        )
        return (
            f"articles {self.articles}, claims {self.claims}, new incidents "
            f"{self.new_incidents}, merged {self.merged}, evidence only {self.evidence_only}, "
            f"reviewed incidents with new evidence {self.reviewed_flagged}, "
            f"failed {self.failed}; skipped: {skipped}"
            + (f"; re-matched {self.rematched} incidents" if self.rematched else "")
            + reclaimed
            + held
        )


# Counts a run commits with the articles they count (ProcessStats.take_committed).
COMMITTED_COUNTS = (
    "articles",
    "claims",
    "new_incidents",
    "merged",
    "evidence_only",
    "reviewed_flagged",
    "failed",
    "reclaimed",
)


def add_stats(total: ProcessStats, part: ProcessStats) -> None:
    """Add the counts of ``part`` (one article's transaction) to ``total``."""
    total.articles += part.articles
    total.claims += part.claims
    total.new_incidents += part.new_incidents
    total.merged += part.merged
    total.evidence_only += part.evidence_only
    total.reviewed_flagged += part.reviewed_flagged
    total.failed += part.failed
    total.skipped.update(part.skipped)
    total.lock_wait_seconds += part.lock_wait_seconds
    total.reclaimed += part.reclaimed
