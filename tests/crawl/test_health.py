"""Source-health rules on hand-made run tallies (the crawls in the other test
modules exercise the same rules end to end)."""

from __future__ import annotations

from crawling.health import RunTally, judge
from storage.models import Source
from storage.sourcehealth import source_health


def _source(failures: int = 0, zero_runs: int = 0) -> Source:
    return Source(key="s", consecutive_failures=failures, zero_article_runs=zero_runs)


def test_read_stats_sorts_the_spider_counters() -> None:
    tally = RunTally(key="s")
    tally.read_stats(
        {
            "civwatch/discovered": 7,
            "civwatch/skipped/not modified": 1,
            "civwatch/skipped/already stored": 4,
            "civwatch/failed/http 404": 2,
            "civwatch/discovery_failed/html instead of xml": 1,
            "civwatch/discovery_warning/malformed xml (recovered)": 1,
            "downloader/request_count": 99,  # not ours: ignored
            "start_time": "not a number",
        }
    )
    assert tally.discovered == 7
    assert tally.not_modified == 1
    assert tally.failed == 2
    assert dict(tally.dropped) == {
        "skipped: not modified": 1,
        "skipped: already stored": 4,
        "http 404": 2,
    }
    assert dict(tally.discovery_failures) == {"html instead of xml": 1}
    assert dict(tally.warnings) == {"malformed xml (recovered)": 1}


def test_hard_failures_fail_at_once_soft_ones_after_three_runs() -> None:
    html = RunTally(key="s")
    html.discovery_failures["html instead of xml"] = 1
    assert judge(html, _source(failures=1))[0] == "failing"
    soft = RunTally(key="s")
    soft.discovery_failures["timeout"] = 1
    assert judge(soft, _source(failures=2)) == ("warning", "timeout (2 run(s) in a row)")
    assert judge(soft, _source(failures=3)) == ("failing", "timeout (3 run(s) in a row)")


def test_every_page_failing_is_a_warning_but_one_failure_is_not() -> None:
    blocked = RunTally(key="s", failed=5)
    blocked.dropped.update({"http 403": 4, "timeout": 1, "skipped: already stored": 9})
    assert judge(blocked, _source()) == ("warning", "every page failed (http 403 ×4)")
    mixed = RunTally(key="s", failed=5, new=1)
    mixed.dropped.update({"http 403": 5})
    assert judge(mixed, _source()) == ("ok", None)


def test_nothing_listed_and_not_configured() -> None:
    assert judge(RunTally(key="s"), _source(zero_runs=3)) == (
        "warning",
        "nothing listed for 3 runs",
    )
    assert judge(RunTally(key="s"), _source(zero_runs=2)) == ("ok", None)
    skipped = RunTally(key="s", not_configured=True)
    assert judge(skipped, _source())[0] == "warning"


def test_health_between_runs_is_the_stored_verdict_or_a_warning_from_the_counters() -> None:
    failing = Source(key="s", health="failing", health_reason="http 403 (1 run(s) in a row)")
    assert source_health(failing) == ("failing", "http 403 (1 run(s) in a row)")
    assert source_health(Source(key="s", health="ok", zero_article_runs=3)) == (
        "warning",
        "nothing listed for 3 runs",
    )
    assert source_health(Source(key="s", health="ok", consecutive_failures=3))[0] == "warning"
    assert source_health(Source(key="s", health="ok", zero_article_runs=2)) == ("ok", None)
    assert source_health(Source(key="s", health="unknown"))[0] == "unknown"
