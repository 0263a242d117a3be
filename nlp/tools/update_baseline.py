"""Raise the quality floors of ``nlp/baseline.json`` to today's scores (never lower them).

Usage::

    .venv/bin/python -m nlp.tools.update_baseline [GOLD.jsonl ...] [--dry-run]

With no file, every development set named in ``nlp/baseline.json`` is read
from ``../shared/eval``; a file given that the baseline does not name yet gets
its own floors. Each set is scored with ``nlp.evaluate`` and each floor becomes
``max(old floor, measured − tolerance)``, the tolerance (``_tolerance``, two
points) rounded to the hundredth — the rule the floors have been set by since
they exist. A floor is never lowered: a score below its floor is reported, the
floor stays, and the exit status is 1 (the quality gate would fail too).
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "nlp" / "baseline.json"
GOLD_DIR = REPO.parent / "shared" / "eval"
DEFAULT_TOLERANCE = 0.02


def floor_for(measured: float, tolerance: float) -> float:
    """``measured − tolerance`` rounded half-up to the hundredth (0.909 − 0.02 → 0.89)."""
    value = Decimal(str(measured)) - Decimal(str(tolerance))
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def raise_floors(
    old: dict[str, float], measured: dict[str, float], tolerance: float
) -> tuple[dict[str, float], dict[str, tuple[float, float]]]:
    """New floors (each the higher of the old and today's) and the scores below their floor."""
    new = {}
    below = {}
    for name, score in measured.items():
        previous = old.get(name)
        candidate = floor_for(score, tolerance)
        new[name] = candidate if previous is None else max(previous, candidate)
        if previous is not None and score < previous:
            below[name] = (score, previous)
    return new, below


def gold_sets(baseline: dict[str, Any]) -> list[str]:
    """The gold file names the baseline has floors for."""
    return [key for key in baseline if not key.startswith("_")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", type=Path, help="gold files (default: the baseline's)")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--dry-run", action="store_true", help="print, do not write")
    args = parser.parse_args(argv)

    from nlp.eval_report import evaluate_files, summary_of
    from nlp.evaluate import SCORES, headline

    baseline = json.loads(args.baseline.read_text(encoding="utf-8"))
    tolerance = float(baseline.get("_tolerance", DEFAULT_TOLERANCE))
    paths = args.gold or [GOLD_DIR / name for name in gold_sets(baseline)]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"gold files not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    status = 0
    for result in evaluate_files(paths):
        scores = summary_of(result.scored)
        measured = {name: headline(scores, name) for name in SCORES}
        old = baseline.get(result.path.name, {})
        new, below = raise_floors(old, measured, tolerance)
        print(f"== {result.path.name} ==")
        for name in SCORES:
            was = old.get(name)
            change = "  (new)" if was is None else "" if was == new[name] else f"  (was {was})"
            flag = "  BELOW THE FLOOR" if name in below else ""
            print(f"{name:<16} measured {measured[name]:.3f}  floor {new[name]:.2f}{change}{flag}")
        baseline[result.path.name] = new
        status = max(status, 1 if below else 0)
    if not args.dry_run:
        args.baseline.write_text(
            json.dumps(baseline, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"written: {args.baseline}")
    return status


if __name__ == "__main__":
    sys.exit(main())
