"""Waiting on a condition rather than for a fixed time: a slow machine waits
longer, a fast one not at all."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    condition: Callable[[], T], timeout: float, what: str = "the condition", poll: float = 0.01
) -> T:
    """Poll ``condition`` until it returns a true value (returned); fail the test
    with ``what`` if ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(poll)
