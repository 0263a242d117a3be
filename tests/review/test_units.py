"""Pure helpers of the review UI: highlighting, URL safety, filter parsing, lockout,
bounded form values, forwarded addresses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from review import _safe_url
from review.forms import (
    FormError,
    date_window,
    event_date,
    has_control_characters,
    record_id,
    whole_number,
)
from review.queries import QueueFilters, highlight_segments
from review.security import LoginThrottle, TrustedProxies, lock_duration
from settings import Settings, SettingsError


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


def test_date_windows_never_overflow() -> None:
    assert date_window(dt.date(1, 1, 3), 14) == (dt.date.min, dt.date(1, 1, 17))
    assert date_window(dt.date(9999, 12, 30), 90) == (dt.date(9999, 10, 1), dt.date.max)
    assert date_window(dt.date(2024, 3, 24), 14) == (dt.date(2024, 3, 10), dt.date(2024, 4, 7))


def test_whole_numbers_are_ascii_and_bounded() -> None:
    assert whole_number(" 42 ", "n") == 42
    assert whole_number("", "n") is None
    for raw in ("²", "٣", "１", "-1", "1e3", "4" * 40, str(2**31)):
        with pytest.raises(FormError):
            whole_number(raw, "n")
    assert record_id("#17") == 17
    assert record_id("0") is None and record_id(str(2**31)) is None


def test_event_dates_are_plausible() -> None:
    today = dt.date(2026, 12, 6)
    assert event_date("2026-12-07", "d", today) == dt.date(2026, 12, 7)
    assert event_date("1900-01-01", "d", today) == dt.date(1900, 1, 1)
    for raw in ("2026-12-08", "1899-12-31", "0001-01-01", "2024-02-30", "2024-03-24T00:00"):
        with pytest.raises(FormError):
            event_date(raw, "d", today)


def test_control_characters_are_found() -> None:
    assert not has_control_characters("/queue?status=all&actor=Ménaka")
    for text in ("/a\rb", "/a\nb", "/a\x00", "/a\x85", "/a\u2028"):
        assert has_control_characters(text)


def _peer_seen(trusted: tuple[str, ...], peer: str, forwarded: str | None) -> str:
    seen: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(environ["REMOTE_ADDR"])
        return []

    environ = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        environ["HTTP_X_FORWARDED_FOR"] = forwarded
    TrustedProxies(app, trusted)(environ, None)
    return seen[0]


def test_forwarded_addresses_are_believed_only_from_trusted_proxies() -> None:
    proxies = ("127.0.0.1", "10.0.0.0/8")
    assert _peer_seen(proxies, "127.0.0.1", "198.51.100.7") == "198.51.100.7"
    # a client's own claim (left of what the proxies added) is ignored
    assert _peer_seen(proxies, "127.0.0.1", "1.2.3.4, 198.51.100.7") == "198.51.100.7"
    # a chain of trusted proxies is skipped
    assert _peer_seen(proxies, "127.0.0.1", "198.51.100.7, 10.1.2.3") == "198.51.100.7"
    assert _peer_seen(proxies, "127.0.0.1", "garbage") == "127.0.0.1"
    assert _peer_seen(proxies, "192.0.2.9", "198.51.100.7") == "192.0.2.9"
    assert _peer_seen((), "127.0.0.1", "198.51.100.7") == "127.0.0.1"


def test_trusted_proxies_and_session_times_are_validated() -> None:
    settings = Settings.from_env({"CIVWATCH_TRUSTED_PROXIES": "127.0.0.1, ::1,10.0.0.0/8"})
    assert settings.trusted_proxies == ("127.0.0.1", "::1", "10.0.0.0/8")
    with pytest.raises(SettingsError, match="CIVWATCH_TRUSTED_PROXIES"):
        Settings.from_env({"CIVWATCH_TRUSTED_PROXIES": "nginx"})
    with pytest.raises(SettingsError, match="at least 60 seconds"):
        Settings.from_env({"CIVWATCH_SESSION_IDLE_TIMEOUT": "0"})


def test_address_throttle_forgets_addresses_with_no_recent_failure() -> None:
    throttle = LoginThrottle(max_failures=2, max_addresses=3)
    t0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    for n in range(3):
        throttle.failed(f"2001:db8::{n}", t0)
    throttle.failed("2001:db8::9", t0 + dt.timedelta(minutes=20))
    assert sorted(throttle._failures) == ["2001:db8::9"]
    # a good sign-in forgets only that account's failures from the address
    throttle.failed("2001:db8::9", t0 + dt.timedelta(minutes=21), "ada")
    throttle.succeeded("2001:db8::9", "bob")
    assert throttle.blocked("2001:db8::9", t0 + dt.timedelta(minutes=22))
    throttle.succeeded("2001:db8::9", "ada")
    assert not throttle.blocked("2001:db8::9", t0 + dt.timedelta(minutes=22))
