"""Score ``analyze`` against a gold file (``civwatch eval GOLD.jsonl``).

The gold format is that of ``../shared/eval/gold_dev.jsonl``: one item per line
with ``id, lang, published, text, incidents, non_casualty_numbers``. Each item's
text is analysed with the item's ``lang`` and ``published`` date.

**Incident alignment.** Within an item, every (predicted, gold) pair gets a
similarity: per figure kind (killed, injured, abducted) +3 when both ranges are
equal, +1.5 when both point values are within 25 %, −0.5 when only one side has
the figure; +1 when the victim sides overlap; +1 when the location names match;
+0.5 when the aggregate flags agree. Pairs scoring at least 1.5 are matched
greedily, best first, each incident at most once. Unmatched incidents stay
unmatched (they count as false positives or false negatives below).

**Fields.** For each field, the gold set is the gold incidents where the field
is filled and the predicted set the predicted incidents where it is filled; a
true positive is a matched pair where both are filled and agree. Precision =
TP / predicted, recall = TP / gold, F1 their harmonic mean.

* ``killed_exact``: ``{min, max}`` identical.
* ``killed_min``: the lower bound identical — ``min``, or ``max`` when the gold
  has only an upper bound ("up to 600").
* ``injured``, ``abducted``: ``{min, max}`` identical.
* ``location``: names equal after folding accents, case and punctuation, or one
  containing the other, or a fuzzy ratio ≥ 85 (rapidfuzz).
* ``country``: ISO codes equal.
* ``perpetrators``: micro-averaged over canonical actor names: in matched pairs
  each shared name is a TP, each extra predicted name a FP, each missed gold
  name a FN; all names of unmatched incidents are FP or FN.
* ``event_date``: ``event_date`` within ±1 day.
* ``aggregate``: accuracy of the flag over matched pairs.
* ``no_false_claims``: share of items where no predicted claim's number lies
  on an occurrence of a listed ``non_casualty_numbers`` string — unless that
  claim's value is also one of the item's gold figures (the same word, e.g.
  "two", can be both a toll and a count of vehicles in one text).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from nlp.analyze import AnalyzeInput, Analyzer
from nlp.textnorm import fold_keep_length as fold

FIELDS = (
    "killed_exact",
    "killed_min",
    "injured",
    "abducted",
    "location",
    "country",
    "perpetrators",
    "event_date",
)
# Every headline score: the F1 of each field, the aggregate flag's accuracy and the
# no-false-claims rate (the names the floors in nlp/baseline.json use).
SCORES = (*FIELDS, "aggregate", "no_false_claims")
SIDES = {
    "civilians": "civilians",
    "women": "civilians",
    "children": "civilians",
    "soldiers": "soldiers",
    "militants": "militants",
    "peacekeepers": "peacekeepers",
}


@dataclass
class Tally:
    """True positives, predicted and gold counts of one field."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0

    def scores(self) -> dict[str, float | int]:
        p = self.tp / self.predicted if self.predicted else 1.0
        r = self.tp / self.gold if self.gold else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "tp": self.tp,
            "predicted": self.predicted,
            "gold": self.gold,
        }


@dataclass
class Report:
    """Scores of one evaluation run."""

    fields: dict[str, Tally] = field(default_factory=lambda: {f: Tally() for f in FIELDS})
    aggregate_pairs: int = 0
    aggregate_agree: int = 0
    items: int = 0
    items_without_false_claims: int = 0
    gold_incidents: int = 0
    predicted_incidents: int = 0
    false_claims: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: t.scores() for name, t in self.fields.items()}
        out["aggregate"] = {
            "accuracy": round(self.aggregate_agree / self.aggregate_pairs, 3)
            if self.aggregate_pairs
            else 1.0,
            "pairs": self.aggregate_pairs,
        }
        out["no_false_claims"] = {
            "rate": round(self.items_without_false_claims / self.items, 3) if self.items else 1.0,
            "items": self.items,
        }
        out["incidents"] = {"gold": self.gold_incidents, "predicted": self.predicted_incidents}
        return out


def headline(scores: dict[str, Any], name: str) -> float:
    """The one number of a score in ``Report.as_dict()``: F1, accuracy or rate."""
    if name == "aggregate":
        return float(scores[name]["accuracy"])
    if name == "no_false_claims":
        return float(scores[name]["rate"])
    return float(scores[name]["f1"])


def filled(fig: dict[str, Any] | None) -> bool:
    return bool(fig) and (fig.get("min") is not None or fig.get("max") is not None)  # type: ignore[union-attr]


def _range(fig: dict[str, Any]) -> tuple[Any, Any]:
    return (fig.get("min"), fig.get("max"))


def _point(fig: dict[str, Any]) -> Any:
    return fig["min"] if fig.get("min") is not None else fig.get("max")


def names_match(a: str | None, b: str | None) -> bool:
    """Location names agree (folded equality, containment or fuzzy ratio ≥ 85)."""
    if not a or not b:
        return False
    fa = re.sub(r"[^\w]+", " ", fold(a)).strip()
    fb = re.sub(r"[^\w]+", " ", fold(b)).strip()
    if not fa or not fb:
        return False
    return fa == fb or fa in fb or fb in fa or fuzz.ratio(fa, fb) >= 85


def _sides(victims: Iterable[str]) -> set[str]:
    return {SIDES[v] for v in victims if v in SIDES}


def similarity(pred: dict[str, Any], gold: dict[str, Any]) -> float:
    """Alignment score of a predicted and a gold incident (see the module docstring)."""
    score = 0.0
    for kind in ("killed", "injured", "abducted"):
        p, g = pred.get(kind) or {}, gold.get(kind) or {}
        pf, gf = filled(p), filled(g)
        if pf and gf:
            if _range(p) == _range(g):
                score += 3
            else:
                pp, gp = _point(p), _point(g)
                if pp is not None and gp is not None and abs(pp - gp) <= 0.25 * max(pp, gp, 1):
                    score += 1.5
        elif pf != gf:
            score -= 0.5
    if _sides(pred.get("victims", [])) & _sides(gold.get("victims", [])):
        score += 1
    if names_match(
        (pred.get("location") or {}).get("name"), (gold.get("location") or {}).get("name")
    ):
        score += 1
    if bool(pred.get("aggregate")) == bool(gold.get("aggregate")):
        score += 0.5
    return score


def align(preds: list[dict[str, Any]], golds: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Greedy best-first matching of predicted to gold incidents (score ≥ 1.5)."""
    pairs = sorted(
        ((similarity(p, g), i, j) for i, p in enumerate(preds) for j, g in enumerate(golds)),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for score, i, j in pairs:
        if score < 1.5 or i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        out.append((i, j))
    return out


def field_value(incident: dict[str, Any], name: str) -> Any:
    if name in ("killed_exact", "killed_min"):
        fig = incident.get("killed") or {}
        return fig if filled(fig) else None
    if name in ("injured", "abducted"):
        fig = incident.get(name) or {}
        return fig if filled(fig) else None
    if name == "location":
        return (incident.get("location") or {}).get("name")
    if name == "country":
        return (incident.get("location") or {}).get("country")
    if name == "event_date":
        return incident.get("event_date")
    raise KeyError(name)


def agree(name: str, p: Any, g: Any) -> bool:
    if name in ("killed_exact", "injured", "abducted"):
        return bool(_range(p) == _range(g))
    if name == "killed_min":
        if g.get("min") is None:
            return bool(p.get("min") is None and p.get("max") == g.get("max"))
        return bool(p.get("min") == g.get("min"))
    if name == "location":
        return names_match(p, g)
    if name == "country":
        return bool(p == g)
    if name == "event_date":
        try:
            return abs((date.fromisoformat(p) - date.fromisoformat(g)).days) <= 1
        except (TypeError, ValueError):
            return False
    raise KeyError(name)


def _false_claims(item: dict[str, Any], preds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    text = item["text"]
    spans: list[tuple[int, int, str]] = []
    for ncn in item.get("non_casualty_numbers") or []:
        for m in re.finditer(re.escape(ncn), text):
            spans.append((m.start(), m.end(), ncn))
    gold_values: set[int] = set()
    for inc in item.get("incidents") or []:
        for kind in ("killed", "injured", "abducted"):
            for v in (inc.get(kind) or {}).values():
                if v is not None:
                    gold_values.add(v)
                    gold_values.add(v - 1)  # "more than N" is coded N+1
    bad = []
    for inc in preds:
        for claim in inc.get("claims") or []:
            a, b = claim.get("number_start"), claim.get("number_end")
            if a is None or b is None:
                continue
            values = {v for v in (claim.get("min"), claim.get("max")) if v is not None}
            if values & gold_values:
                continue
            for s, e, ncn in spans:
                if a < e and s < b:
                    bad.append(
                        {
                            "id": item["id"],
                            "number": ncn,
                            "claim": text[claim["start"] : claim["end"]],
                        }
                    )
    return bad


def load_gold(path: Path) -> list[dict[str, Any]]:
    """The items of a gold file (one JSON object per non-blank line)."""
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def predict(items: list[dict[str, Any]], analyzer: Analyzer) -> list[list[dict[str, Any]]]:
    """The predicted incidents of each gold item, analysed with its ``lang`` and ``published``."""
    inputs = [
        AnalyzeInput(
            id=item["id"],
            text=item["text"],
            published=date.fromisoformat(item["published"]) if item.get("published") else None,
            lang=item.get("lang") or "auto",
        )
        for item in items
    ]
    return [result.as_dict()["incidents"] for result in analyzer.analyze_docs(inputs)]


@dataclass
class ScoredItem:
    """One gold item, its predicted incidents and their alignment (predicted, gold) pairs."""

    item: dict[str, Any]
    preds: list[dict[str, Any]]
    pairs: list[tuple[int, int]]

    @property
    def golds(self) -> list[dict[str, Any]]:
        return self.item.get("incidents") or []

    @property
    def lang(self) -> str:
        return str(self.item.get("lang") or "unknown")


def score_item(report: Report, scored: ScoredItem) -> None:
    """Add one item's counts to ``report`` (the counts are sums, so reports of subsets add up)."""
    item, preds, golds, pairs = scored.item, scored.preds, scored.golds, scored.pairs
    report.items += 1
    report.gold_incidents += len(golds)
    report.predicted_incidents += len(preds)
    for name in FIELDS:
        tally = report.fields[name]
        if name == "perpetrators":
            matched_p = {i for i, _ in pairs}
            matched_g = {j for _, j in pairs}
            for i, j in pairs:
                p, g = (
                    set(preds[i].get("perpetrators") or []),
                    set(golds[j].get("perpetrators") or []),
                )
                tally.tp += len(p & g)
                tally.predicted += len(p)
                tally.gold += len(g)
            for i, pr in enumerate(preds):
                if i not in matched_p:
                    tally.predicted += len(pr.get("perpetrators") or [])
            for j, gd in enumerate(golds):
                if j not in matched_g:
                    tally.gold += len(gd.get("perpetrators") or [])
            continue
        tally.predicted += sum(field_value(pr, name) is not None for pr in preds)
        tally.gold += sum(field_value(gd, name) is not None for gd in golds)
        for i, j in pairs:
            pv, gv = field_value(preds[i], name), field_value(golds[j], name)
            if pv is not None and gv is not None and agree(name, pv, gv):
                tally.tp += 1
    for i, j in pairs:
        report.aggregate_pairs += 1
        report.aggregate_agree += bool(preds[i].get("aggregate")) == bool(golds[j].get("aggregate"))
    bad = _false_claims(item, preds)
    report.false_claims.extend(bad)
    report.items_without_false_claims += not bad


def score(scored_items: Iterable[ScoredItem]) -> Report:
    """The report of some scored items (a whole file, one language, several files)."""
    report = Report()
    for scored in scored_items:
        score_item(report, scored)
    return report


def score_items(items: list[dict[str, Any]], analyzer: Analyzer) -> list[ScoredItem]:
    """Analyse the gold items and align each item's predictions with its gold incidents."""
    return [
        ScoredItem(item, preds, align(preds, item.get("incidents") or []))
        for item, preds in zip(items, predict(items, analyzer), strict=True)
    ]


def evaluate(
    gold_path: Path, analyzer: Analyzer | None = None
) -> tuple[Report, list[dict[str, Any]]]:
    """Run ``analyze`` over a gold file; returns the report and per-item predictions."""
    scored = score_items(load_gold(gold_path), analyzer or Analyzer())
    outputs = [{"id": s.item["id"], "predicted": s.preds, "gold": s.golds} for s in scored]
    return score(scored), outputs


def format_table(report: Report) -> str:
    """The report as a plain-text table."""
    data = report.as_dict()
    lines = [f"{'field':<16}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'pred':>6}{'gold':>6}"]
    for name in FIELDS:
        s = data[name]
        lines.append(
            f"{name:<16}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}"
            f"{s['tp']:>6}{s['predicted']:>6}{s['gold']:>6}"
        )
    agg = data["aggregate"]
    lines.append(
        f"{'aggregate acc':<16}{agg['accuracy']:>7.3f}   over {agg['pairs']} matched incidents"
    )
    nf = data["no_false_claims"]
    lines.append(f"{'no false claims':<16}{nf['rate']:>7.3f}   of {nf['items']} items")
    inc = data["incidents"]
    lines.append(f"incidents: {inc['predicted']} predicted, {inc['gold']} gold")
    return "\n".join(lines)
