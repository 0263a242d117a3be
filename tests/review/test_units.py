"""Pure helpers of the review UI: highlighting, URL safety, filter parsing, lockout."""

from __future__ import annotations

import datetime as dt

from review import _safe_url
from review.queries import QueueFilters, highlight_segments
from review.security import LoginThrottle, lock_duration


def test_highlight_segments_cover_the_text_once_even_with_bad_offsets() -> None:
    text = "Gunmen killed 19 civilians in Bankass on Sunday."
    spans = [(14, 26, "claim-1"), (0, 48, "evidence"), (20, 999, "claim-2"), (30, 10, "bad")]
    segments = highlight_segments(text, spans)
    assert "".join(seg for seg, _ in segments) == text
    # the earliest span wins where spans overlap; the out-of-range one is clipped
    assert segments[0] == (text[0:48], "evidence")
    assert highlight_segments(text, [(14, 26, "claim-1")]) == [
        ("Gunmen killed ", ""),
        ("19 civilians", "claim-1"),
        (" in Bankass on Sunday.", ""),
    ]
    assert highlight_segments("", [(0, 5, "evidence")]) == []


def test_only_http_links_are_made_links() -> None:
    assert _safe_url("https://example.org/a") == "https://example.org/a"
    assert _safe_url("http://127.0.0.1/x") == "http://127.0.0.1/x"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "", None):
        assert _safe_url(bad) == ""


def test_queue_filters_parse_and_report_bad_values() -> None:
    f = QueueFilters.parse({"country": "ml", "date_from": "2024-03-01", "date_to": "soon"})
    assert f.status == "candidate" and f.country == "ML"
    assert f.date_from == dt.date(2024, 3, 1) and f.date_to is None
    assert f.errors == ("date_to: 'soon' is not a date (YYYY-MM-DD)",)
    assert QueueFilters.parse({"status": "all"}).status is None
    assert QueueFilters.parse({"status": "deleted"}).errors == ("unknown status 'deleted'",)
    assert f.query_args(page=2) == {
        "status": "candidate",
        "country": "ML",
        "date_from": "2024-03-01",
        "page": "2",
    }


def test_lock_duration_grows_and_is_capped() -> None:
    assert lock_duration(4) is None
    assert lock_duration(5) == dt.timedelta(minutes=5)
    assert lock_duration(6) == dt.timedelta(minutes=10)
    # capped at 15 minutes: anyone can lock a named account, so not for a day
    assert lock_duration(7) == dt.timedelta(minutes=15)
    assert max(lock_duration(n) or dt.timedelta() for n in range(200)) == dt.timedelta(minutes=15)


def test_address_throttle_forgets_old_failures() -> None:
    throttle = LoginThrottle(max_failures=2, window=dt.timedelta(minutes=15))
    t0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    throttle.failed("10.0.0.1", t0)
    throttle.failed("10.0.0.1", t0 + dt.timedelta(minutes=1))
    assert throttle.blocked("10.0.0.1", t0 + dt.timedelta(minutes=2))
    assert not throttle.blocked("10.0.0.2", t0 + dt.timedelta(minutes=2))
    assert not throttle.blocked("10.0.0.1", t0 + dt.timedelta(minutes=17))
    throttle.failed("10.0.0.1", t0 + dt.timedelta(minutes=18))
    throttle.succeeded("10.0.0.1")
    assert not throttle.blocked("10.0.0.1", t0 + dt.timedelta(minutes=18))
