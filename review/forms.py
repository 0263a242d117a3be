"""Bounded parsing of what browsers send: ids, whole numbers, dates, redirect targets.

Everything a form or URL gives is untrusted text. ``str.isdigit()`` is true for
``'²'`` (which ``int()`` refuses) and Python ints have no upper bound (which the
databases have), so numbers are ASCII digits within a range here, and dates lie
in a plausible range. Date windows around a stored date are clamped, so no
stored date can make the arithmetic overflow. Errors are :class:`FormError`
with a message for the reviewer; callers turn them into a 400 or a flash.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from werkzeug.routing import IntegerConverter

# Columns of plain INTEGER type (ids, figures, versions) are 32-bit on PostgreSQL,
# which refuses to compare one with a larger bound value ("integer out of range");
# SQLite fails above 2^63-1. Larger ids cannot exist in either.
MAX_INT32 = 2**31 - 1
MAX_ID = MAX_INT32
# A casualty figure above this is a typo, not a report.
MAX_FIGURE = 10_000_000
EARLIEST_EVENT_DATE = dt.date(1900, 1, 1)
_DIGITS_MAX = 19  # longer input is refused before int() (which is slow on huge text)


class FormError(ValueError):
    """A value that cannot be used, with a message for the person who typed it."""


def _ascii_digits(raw: str) -> bool:
    return raw.isascii() and raw.isdigit()


def whole_number(raw: str | None, name: str, *, lo: int = 0, hi: int = MAX_INT32) -> int | None:
    """An integer in [lo, hi] written in ASCII digits; None when empty."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if not _ascii_digits(raw) or len(raw) > _DIGITS_MAX:
        raise FormError(f"{name}: {raw[:40]!r} is not a whole number ≥ 0.")
    value = int(raw)
    if not lo <= value <= hi:
        raise FormError(f"{name}: must be between {lo} and {hi}.")
    return value


def record_id(raw: str | None) -> int | None:
    """A database id (1..2^31−1) or None when ``raw`` is not one."""
    raw = (raw or "").strip().lstrip("#")
    if not _ascii_digits(raw) or len(raw) > _DIGITS_MAX:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


def latest_event_date(today: dt.date | None = None) -> dt.date:
    """Events are not in the future: today (UTC) plus one day for time zones."""
    return (today or dt.datetime.now(dt.UTC).date()) + dt.timedelta(days=1)


def event_date(raw: str | None, name: str, today: dt.date | None = None) -> dt.date | None:
    """An ISO date between 1900-01-01 and tomorrow; None when empty."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = dt.date.fromisoformat(raw[:10]) if len(raw) <= 10 else None
    except ValueError:
        value = None
    if value is None:
        raise FormError(f"{name}: {raw[:40]!r} is not a date (YYYY-MM-DD).")
    latest = latest_event_date(today)
    if not EARLIEST_EVENT_DATE <= value <= latest:
        raise FormError(
            f"{name}: {value.isoformat()} is not plausible: "
            f"between {EARLIEST_EVENT_DATE.isoformat()} and {latest.isoformat()}."
        )
    return value


def date_window(center: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """[center − days, center + days], clamped to the dates Python can represent."""
    span = dt.timedelta(days=days)
    lo = center - span if center - dt.date.min >= span else dt.date.min
    hi = center + span if dt.date.max - center >= span else dt.date.max
    return lo, hi


def has_control_characters(text: str) -> bool:
    """True when ``text`` holds C0/C1 controls or Unicode line/paragraph separators
    (CR/LF in a Location header would split the response)."""
    return any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in text)


class IdConverter(IntegerConverter):
    """``<int:...>`` in routes: ASCII digits only, at most 2^31−1 (else 404, not 500)."""

    regex = r"[0-9]{1,19}"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


__all__ = [
    "EARLIEST_EVENT_DATE",
    "MAX_FIGURE",
    "MAX_ID",
    "MAX_INT32",
    "FormError",
    "IdConverter",
    "date_window",
    "event_date",
    "has_control_characters",
    "latest_event_date",
    "record_id",
    "whole_number",
]
