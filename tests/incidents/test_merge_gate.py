"""Merge quality gate: ``civwatch eval --merge`` on the shared gold sets must stay
above the floors of ``incidents/merge_baseline.json``.

The gold sets are copyrighted and live outside the repository
(``../shared/eval``). Without them the test skips — except in CI (``CI`` set),
where a missing gold set is a failure: the gate must not pass by not running.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from incidents import mergeeval
from tests.conftest import REPO, SHARED, require_shared

EVAL = SHARED / "eval"
BASELINE = REPO / "incidents" / "merge_baseline.json"
SETS = [k for k in json.loads(BASELINE.read_text()) if not k.startswith("_")]


@pytest.fixture(scope="module")
def analyzer() -> Iterator[object]:
    from nlp.analyze import Analyzer

    yield Analyzer()


def _files(name: str) -> tuple[Path, Path]:
    gold, events = EVAL / f"{name}.jsonl", EVAL / f"{name}_events.jsonl"
    require_shared(gold, f"merge gold set {name}")
    require_shared(events, f"merge gold events of {name}")
    return gold, events


@pytest.mark.parametrize("name", SETS)
def test_merge_eval_stays_above_the_floors(name: str, analyzer: object) -> None:
    floors = json.loads(BASELINE.read_text())[name]
    gold, events = _files(name)
    data = mergeeval.run(gold, events, analyzer=analyzer).as_dict()  # type: ignore[arg-type]
    measured = {
        "pairwise_precision": data["pairwise"]["precision"],
        "pairwise_recall": data["pairwise"]["recall"],
        "pairwise_f1": data["pairwise"]["f1"],
        "bcubed_precision": data["bcubed"]["precision"],
        "bcubed_recall": data["bcubed"]["recall"],
        "same_incident_precision": data["pairwise_same_incident"]["precision"],
        "same_incident_recall": data["pairwise_same_incident"]["recall"],
        "same_incident_f1": data["pairwise_same_incident"]["f1"],
    }
    below = {k: (measured[k], v) for k, v in floors.items() if measured[k] < v}
    assert not below, f"{name}: below the merge floors (measured, floor): {below}"


def test_ci_without_the_gold_set_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The skip path must turn into a failure when CI is set.
    monkeypatch.setenv("CI", "1")
    monkeypatch.setattr(f"{__name__}.EVAL", tmp_path)
    with pytest.raises(pytest.fail.Exception, match="missing"):
        _files("gold_dev2")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        _files("gold_dev2")
