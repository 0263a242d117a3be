"""Waiting on a condition instead of sleeping for a guessed time.

A slow machine then waits longer and a fast one not at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait_until(
    predicate: Callable[[], Any], timeout: float, what: str = "the condition", poll: float = 0.1
) -> Any:
    """Call ``predicate`` every ``poll`` seconds until it returns a true value, and return it.

    An exception from ``predicate`` counts as "not yet" (a database that a
    subprocess has not created yet), except ``AssertionError``: a predicate
    asserts to stop a wait that can no longer succeed (the process died). After
    ``timeout`` seconds the wait fails with ``what`` and the last exception.
    """
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            value = predicate()
        except AssertionError:
            raise
        except Exception as exc:
            value, last_error = None, exc
        if value:
            return value
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error!r})" if last_error is not None else ""
            raise AssertionError(f"timed out after {timeout} s waiting for {what}{detail}")
        time.sleep(poll)
