"""The crawl's collector tuning takes effect while the engine runs and is undone after."""

from __future__ import annotations

import gc

from crawling.gctuning import GEN0_THRESHOLD, CollectorTuning


def test_tuning_applies_while_the_engine_runs_and_is_restored() -> None:
    before = gc.get_threshold()
    frozen_before = gc.get_freeze_count()
    extension = CollectorTuning()
    extension.engine_started()
    try:
        assert gc.get_threshold() == (GEN0_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > frozen_before, "the loaded heap is frozen"
        # Cycles made during the crawl are still collected.
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1
    finally:
        extension.engine_stopped()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
