"""CLI commands of the crawling side: ``sources``, ``crawl``, ``acled``, ``ucdp``.

They record crawl runs, source health and reference rows in the database, so
they live here and not in ``spiders/`` (which knows nothing of storage). Scrapy
and the database are imported inside the commands, so ``civwatch --help``
stays fast.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from settings import Settings
from spiders.reference_rows import BadRow, acled_event, ucdp_event
from spiders.sources import SourceEntry, load_sources


def _settings(ctx: click.Context) -> Settings:
    return ctx.find_root().obj["settings"]


@click.group("sources")
def sources_group() -> None:
    """The sources file."""


@sources_group.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.pass_context
def sources_check(ctx: click.Context, path: str | None) -> None:
    """Validate the sources file (default: $CIVWATCH_SOURCES). Exit 1 on any bad entry."""
    sources = load_sources(path or _settings(ctx).sources)
    for entry in sources.entries:
        state = "" if entry.enabled else " (disabled)"
        flag = " [unverified]" if entry.options.get("unverified") else ""
        click.echo(f"ok    {entry.key:<24} {entry.kind:<12} {entry.url}{state}{flag}")
    for error in sources.errors:
        click.echo(f"error {error}", err=True)
    click.echo(
        f"{sources.path}: {len(sources.entries)} good, {len(sources.errors)} bad "
        f"({sum(e.enabled for e in sources.entries)} enabled)"
    )
    if sources.errors:
        sys.exit(1)


@sources_group.command("runs")
@click.argument("keys", nargs=-1)
@click.option("-n", "--last", default=3, show_default=True, help="Runs shown per source.")
@click.pass_context
def sources_runs(ctx: click.Context, keys: tuple[str, ...], last: int) -> None:
    """Health and the last crawl runs of each source (or of KEYS): what was
    requested, the responses by status, the outcomes and the reasons."""
    from sqlalchemy import select

    from storage.commands import open_db
    from storage.models import Source, SourceRun

    db = open_db(ctx)
    with db.sessions() as session:
        query = select(Source).order_by(Source.key)
        if keys:
            query = query.where(Source.key.in_(keys))
        sources = list(session.scalars(query))
        if not sources:
            raise click.ClickException("no such source in the database (run `civwatch crawl`)")
        for source in sources:
            reason = f" — {source.health_reason}" if source.health_reason else ""
            click.echo(f"{source.key} ({source.kind}): {source.health}{reason}")
            runs = session.scalars(
                select(SourceRun)
                .where(SourceRun.source_id == source.id)
                .order_by(SourceRun.id.desc())
                .limit(last)
            )
            for run in runs:
                statuses = " ".join(f"{k}×{v}" for k, v in sorted(run.responses_by_status.items()))
                reasons = ", ".join(f"{k} {v}" for k, v in sorted(run.dropped.items()))
                click.echo(
                    f"  {run.started_at:%Y-%m-%d %H:%M} requests {run.requests} [{statuses}] "
                    f"new {run.articles_new} dup {run.articles_duplicate} "
                    f"irrelevant {run.articles_irrelevant} failed {run.articles_failed}"
                    + (f"; {reasons}" if reasons else "")
                    + (f"; error: {run.error}" if run.error else "")
                )
    db.close()


def _parse_since(value: str | None) -> dt.datetime | None:
    from spiders.base import parse_since

    if not value:
        return None
    try:
        return parse_since(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _parse_overrides(pairs: tuple[str, ...]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.isupper():
            raise click.BadParameter(f"{pair!r}: expected NAME=VALUE (upper-case Scrapy name)")
        overrides[name] = value
    return overrides


@click.command("crawl")
@click.option("--source", "keys", multiple=True, metavar="KEY", help="Only this source (repeat).")
@click.option("--since", help="Fetch items published since DATE (default: the crawl window).")
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting for this run (e.g. AUTOTHROTTLE_ENABLED=False).",
)
@click.pass_context
def crawl_cmd(
    ctx: click.Context, keys: tuple[str, ...], since: str | None, overrides: tuple[str, ...]
) -> None:
    """Crawl the enabled sources (or --source KEY …) and store new articles.

    Prints a line per source as it finishes and a summary at the end. Exits 0
    when the crawl ran, even if some sources failed: they are reported here and
    in `civwatch status` / `civwatch sources runs`. Exits 1 when it was stopped
    (SIGTERM/SIGINT) before every source finished; what was stored stays.
    """
    from spiders.crawl import run_crawl, select_entries
    from storage import repo
    from storage.commands import open_db
    from storage.heartbeat import Heartbeat, beat_interval, touch_job
    from storage.models import JobRun

    settings = _settings(ctx)
    since_at = _parse_since(since)
    extra = _parse_overrides(overrides)
    sources = load_sources(settings.sources)
    for error in sources.errors:
        click.echo(f"sources: skipped {error}", err=True)
    entries, unknown = select_entries(sources.entries, keys)
    if unknown:
        raise click.ClickException(f"unknown source(s): {', '.join(unknown)} in {sources.path}")
    if not entries:
        raise click.ClickException(f"no enabled sources in {sources.path}")
    db = open_db(ctx)
    stale = dt.timedelta(seconds=settings.process_lease_seconds)
    with db.sessions.begin() as session:
        repo.sync_sources(session, sources.entries)
        # a crawl killed earlier (kill -9, OOM) is recorded as interrupted, not running
        repo.reap_gone_runs(session, stale, job="crawl")
        job_id = repo.start_job(session, "crawl", heartbeat=True).id
    # Keeps the job row's last_seen fresh while the crawl runs (a killed crawl stops it).
    heartbeat = Heartbeat(
        db, beat_interval(stale.total_seconds()), lambda s: touch_job(s, job_id), name="crawl-job"
    )
    click.echo(f"crawling {len(entries)} source(s)…", err=True)

    def done(entry: SourceEntry, progress: Any, reason: str) -> None:
        note = "" if reason == "finished" else f" ({reason})"
        click.echo(
            f"  [{progress.done}/{progress.total_sources}] {entry.key} done{note} — "
            f"so far {progress.requests} requests, {progress.items} items",
            err=True,
        )

    try:
        with heartbeat:
            progress = run_crawl(
                settings,
                entries,
                since=since_at,
                job_run_id=job_id,
                database=db,
                overrides=extra,
                on_source_done=done,
            )
    except Exception as exc:
        with db.sessions.begin() as session:
            job = session.get(JobRun, job_id)
            if job is not None:
                repo.finish_job(session, job, "failed", error=f"{type(exc).__name__}: {exc}")
        db.close()
        raise click.ClickException(f"crawl failed: {type(exc).__name__}: {exc}") from exc
    # A shutdown (SIGTERM/SIGINT) is an interrupted crawl, not a source failure.
    interrupted = [key for key, reason in progress.ended_early if reason == "shutdown"]
    with db.sessions.begin() as session:
        lines, totals = crawl_summary(session, job_id)
        job = session.get(JobRun, job_id)
        if job is not None:
            status = "interrupted" if interrupted else "ok"
            repo.finish_job(session, job, status, stats=totals)
    db.close()
    for line in lines:
        click.echo(line)
    if interrupted:
        raise click.ClickException(
            f"crawl interrupted: {len(interrupted)} source(s) stopped early "
            f"({', '.join(interrupted)}); the next run picks up what they missed"
        )


def crawl_summary(session: Any, job_run_id: int) -> tuple[list[str], dict[str, int]]:
    """Per-source summary lines of one crawl job, and the totals."""
    from sqlalchemy import select

    from storage.models import Source, SourceRun

    rows = session.execute(
        select(Source, SourceRun)
        .join(SourceRun, SourceRun.source_id == Source.id)
        .where(SourceRun.job_run_id == job_run_id)
        .order_by(Source.key)
    ).all()
    header = (
        f"{'source':<24} {'requests':>8} {'new':>5} {'dup':>5} {'irrel':>5} "
        f"{'failed':>6}  health    reasons"
    )
    lines = [header]
    totals = {"sources": 0, "requests": 0, "new": 0, "duplicate": 0, "irrelevant": 0, "failed": 0}
    for source, run in rows:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(run.dropped.items()))
        if run.error:
            reasons = f"{run.error}; {reasons}" if reasons else run.error
        lines.append(
            f"{source.key:<24} {run.requests:>8} {run.articles_new:>5} "
            f"{run.articles_duplicate:>5} {run.articles_irrelevant:>5} "
            f"{run.articles_failed:>6}  {source.health:<8}  {reasons}"
        )
        totals["sources"] += 1
        totals["requests"] += run.requests
        totals["new"] += run.articles_new
        totals["duplicate"] += run.articles_duplicate
        totals["irrelevant"] += run.articles_irrelevant
        totals["failed"] += run.articles_failed
    lines.append(
        f"total: {totals['sources']} source(s), {totals['requests']} requests, "
        f"{totals['new']} new, {totals['duplicate']} duplicate, "
        f"{totals['irrelevant']} irrelevant, {totals['failed']} failed"
    )
    return lines, totals


def _import_rows(
    ctx: click.Context, path: str, to_item: Callable[[dict[str, str]], Any], dataset: str
) -> None:
    from storage.commands import open_db
    from storage.reference import upsert_events

    items: list[Any] = []
    bad: list[tuple[int, str]] = []
    try:
        for line, row in read_csv_rows(Path(path)):
            try:
                items.append(to_item(row))
            except BadRow as exc:
                bad.append((line, str(exc)))
    except (OSError, csv.Error) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from exc
    if not items and not bad:
        raise click.ClickException(f"{path}: no rows")
    db = open_db(ctx)
    with db.sessions.begin() as session:
        result = upsert_events(session, items)
    db.close()
    for line, reason in bad[:20]:
        click.echo(f"line {line}: {reason}", err=True)
    if len(bad) > 20:
        click.echo(f"… and {len(bad) - 20} more bad rows", err=True)
    click.echo(
        f"{dataset} {path}: {len(items) + len(bad)} rows — added {result.added}, "
        f"updated {result.updated}, unchanged {result.unchanged}, bad {len(bad)}"
    )
    if not items:
        raise click.ClickException(f"{path}: every row was bad")


def read_csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a CSV file; UTF-8 (with or without BOM), else Windows-1252."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # ACLED's older exports are Latin-1/Windows-1252.
        text = raw.decode("cp1252", errors="replace")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        return
    for row in reader:
        yield reader.line_num, {k: v for k, v in row.items() if k}


def _reference_group(
    dataset: str, about: str, import_help: str, to_item: Callable[[dict[str, str]], Any]
) -> click.Group:
    """``civwatch <dataset> import PATH``: the command group of one reference dataset."""

    @click.group(dataset, help=about)
    def group() -> None:
        pass

    @group.command("import", help=import_help)
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.pass_context
    def import_csv(ctx: click.Context, path: str) -> None:
        _import_rows(ctx, path, to_item, dataset)

    return group


acled_group = _reference_group(
    "acled",
    "ACLED reference events.",
    "Import an ACLED CSV export (current or legacy columns) as reference events.",
    acled_event,
)
ucdp_group = _reference_group(
    "ucdp", "UCDP reference events.", "Import a UCDP GED CSV as reference events.", ucdp_event
)
