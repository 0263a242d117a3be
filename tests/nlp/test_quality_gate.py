"""Quality gate: ``eval`` on the shared gold development set must stay above the floors.

The floors live in ``nlp/baseline.json``; they only go up, on purpose. The gold
set is copyrighted and lives outside the repository (``../shared/eval``); without
it this test skips with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.analyze import Analyzer
from nlp.evaluate import evaluate

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO.parent / "shared/eval/gold_dev.jsonl"
BASELINE = REPO / "nlp" / "baseline.json"


@pytest.mark.skipif(not GOLD.exists(), reason=f"gold development set not found at {GOLD}")
def test_eval_stays_above_the_baseline_floors(analyzer: Analyzer) -> None:
    floors = {k: v for k, v in json.loads(BASELINE.read_text()).items() if not k.startswith("_")}
    report, _ = evaluate(GOLD, analyzer)
    scores = report.as_dict()
    measured = {
        name: (
            scores[name]["accuracy"]
            if name == "aggregate"
            else scores[name]["rate"]
            if name == "no_false_claims"
            else scores[name]["f1"]
        )
        for name in floors
    }
    below = {
        name: (measured[name], floor) for name, floor in floors.items() if measured[name] < floor
    }
    assert not below, f"below the baseline floors (measured, floor): {below}"
