"""Engines cached by the stage runner's process state are closed after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ops.stages import PROCESS


@pytest.fixture(autouse=True)
def _close_scheduler_engines() -> Iterator[None]:
    yield
    PROCESS.close_databases()
