"""Source health: the one set of rules saying whether a source is healthy.

:func:`source_health` is read in three places:

* after each crawl run, ``crawling.health`` judges the run with it and stores
  the verdict in ``Source.health`` / ``Source.health_reason``;
* the digest lists the sources whose health is not ``ok`` (monitors' warnings);
* the health job, ``doctor`` and ``status`` (``storage.health``) report the
  ``failing`` ones to the operator.

The rules after a run:

* ``failing`` at once when the feed/API answers with an HTML page, 403, 410 or
  a token error — these do not fix themselves;
* ``warning``, then ``failing`` after ``FAILING_AFTER`` runs in a row, for
  other discovery failures (timeouts, 5xx, malformed XML);
* ``warning`` when the source listed nothing at all for ``FAILING_AFTER`` runs
  (a "not modified" answer is not nothing: the feed is alive), or when every
  page it listed failed (at least ``FAILING_AFTER`` of them);
* ``warning`` when the source is skipped for missing settings (credentials);
* otherwise ``ok``.

Between runs a source's health is the stored verdict, except that one stored
as ``ok`` (or never judged) whose run counters reached ``FAILING_AFTER`` is a
``warning``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from storage.models import Source

FAILING_AFTER = 3
# Discovery failures that mean the source is broken, not having a bad day.
HARD_FAILURES = ("html instead of", "http 403", "http 410", "acled token error", "http 401")
UNHEALTHY = ("warning", "failing")


class RunCounts(Protocol):
    """What one crawl run of a source did (``crawling.health.RunTally``)."""

    @property
    def not_configured(self) -> bool: ...
    @property
    def discovery_failures(self) -> Mapping[str, int]: ...
    @property
    def failed(self) -> int: ...
    @property
    def new(self) -> int: ...
    @property
    def duplicate(self) -> int: ...
    @property
    def irrelevant(self) -> int: ...
    @property
    def dropped(self) -> Mapping[str, int]: ...
    @property
    def warnings(self) -> Mapping[str, int]: ...


def source_health(source: Source, run: RunCounts | None = None) -> tuple[str, str | None]:
    """(health, reason) of ``source``: after ``run`` when given, else as it stands now.

    ``source``'s run counters (``consecutive_failures``, ``zero_article_runs``)
    must already count ``run``.
    """
    if run is None:
        return _standing(source)
    if run.not_configured:
        return "warning", "skipped: not configured (see the crawl log)"
    if run.discovery_failures:
        reason = ", ".join(sorted(run.discovery_failures))
        hard = any(marker in reason for marker in HARD_FAILURES)
        if hard or source.consecutive_failures >= FAILING_AFTER:
            return "failing", f"{reason} ({source.consecutive_failures} run(s) in a row)"
        return "warning", f"{reason} ({source.consecutive_failures} run(s) in a row)"
    if source.zero_article_runs >= FAILING_AFTER:
        return "warning", f"nothing listed for {source.zero_article_runs} runs"
    if run.failed >= FAILING_AFTER and run.new + run.duplicate + run.irrelevant == 0:
        # The feed is fine but no page could be used (blocked, moved, paywalled…).
        worst = max(
            (item for item in run.dropped.items() if not item[0].startswith("skipped")),
            key=lambda item: item[1],
            default=("unknown reason", run.failed),
        )
        return "warning", f"every page failed ({worst[0]} ×{worst[1]})"
    if run.warnings:
        return "warning", ", ".join(sorted(run.warnings))
    return "ok", None


def _standing(source: Source) -> tuple[str, str | None]:
    if source.health in UNHEALTHY:
        return source.health, source.health_reason
    failures = source.consecutive_failures or 0
    if failures >= FAILING_AFTER:
        return "warning", f"{failures} failed runs in a row"
    silent = source.zero_article_runs or 0
    if silent >= FAILING_AFTER:
        return "warning", f"nothing listed for {silent} runs"
    return source.health, source.health_reason
