"""CLI commands of the processing stage: ``civwatch process`` and ``civwatch export``."""

from __future__ import annotations

import datetime as dt
import signal
import sys
import time
from pathlib import Path

import click

from settings import Settings
from storage.commands import open_db


def _settings(ctx: click.Context) -> Settings:
    return ctx.find_root().obj["settings"]


@click.command("process")
@click.option("--batch-size", type=click.IntRange(min=1), help="Articles per NLP batch.")
@click.option(
    "--reprocess",
    is_flag=True,
    help="Also re-run articles of an older NLP version, and NLP failures that used up "
    "their attempts (CIVWATCH_NLP_MAX_ATTEMPTS).",
)
@click.option("--limit", type=click.IntRange(min=1), help="Stop after this many articles.")
@click.option(
    "--worker-id",
    help="A name for this worker: its leases are held as host:pid:NAME (default a random "
    "name). Host and PID let a worker of this host reclaim them at once if this one dies.",
)
@click.option(
    "--lease-seconds",
    type=click.IntRange(min=3),
    help="How long this worker's leases last without renewal (it renews them every few "
    "seconds while alive): a worker of another host takes the articles of a dead one "
    "after this. Default: CIVWATCH_PROCESS_LEASE_SECONDS (90).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress lines.")
@click.pass_context
def process_cmd(
    ctx: click.Context,
    batch_size: int | None,
    reprocess: bool,
    limit: int | None,
    worker_id: str | None,
    lease_seconds: int | None,
    quiet: bool,
) -> None:
    """Turn stored articles into candidate incidents (claims, actors, evidence, merging).

    Safe to run several at once on PostgreSQL (each worker leases its own
    batches) and to kill: the next run on this host takes at once what a dead
    worker of this host left; a dead worker's articles on another host are taken
    when its leases expire. The summary names the articles reclaimed and those
    other workers still hold.
    """
    from incidents.process import Processor, ProcessStats, default_worker_id

    settings = _settings(ctx)
    db = open_db(ctx)
    started = time.monotonic()

    def progress(stats: ProcessStats, total: int) -> None:
        if quiet:
            return
        elapsed = max(time.monotonic() - started, 1e-6)
        click.echo(
            f"process: {stats.articles}/{total} articles, {stats.new_incidents} new incidents, "
            f"{stats.merged} merged ({stats.articles / elapsed:.1f} articles/s)",
            err=True,
        )

    processor: Processor | None = None

    def stop(signum: int, frame: object) -> None:
        # SystemExit unwinds like Ctrl-C: the batch's leases are released and the
        # job is recorded as interrupted. The processor raises it at a point where
        # no database work is in flight (see Processor.request_stop).
        if processor is None:
            raise SystemExit(128 + signum)
        processor.request_stop(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        processor = Processor(
            db,
            settings,
            worker_id=default_worker_id(worker_id),
            lease_seconds=lease_seconds,
            progress=progress,
        )
        stats = processor.run(batch_size=batch_size, limit=limit, reprocess=reprocess)
    except ModuleNotFoundError as exc:
        raise click.ClickException(f"the NLP stage is not available: {exc}") from exc
    finally:
        signal.signal(signal.SIGTERM, previous)
        db.close()
    click.echo(f"processed: {stats.summary()}")


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "geojson"]),
    default="json",
    show_default=True,
)
@click.option(
    "--status",
    type=click.Choice(["candidate", "confirmed", "rejected", "merged", "all"]),
    help="Only incidents with this status (default: all but merged).",
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only incidents from this event date on (YYYY-MM-DD).",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default stdout)."
)
@click.pass_context
def export_cmd(
    ctx: click.Context,
    fmt: str,
    status: str | None,
    since: dt.datetime | None,
    output: Path | None,
) -> None:
    """Export incidents as JSON, CSV (ACLED-like columns) or GeoJSON, streamed."""
    from incidents.export import WRITERS

    db = open_db(ctx)
    writer = WRITERS[fmt]
    since_date = since.date() if since else None
    try:
        with db.sessions() as session:
            if output is None:
                count = writer(session, sys.stdout, status, since_date)
            else:
                # Write beside the target and rename: a failed export never
                # leaves a truncated file where the previous one was.
                tmp = output.with_name(output.name + ".part")
                try:
                    with tmp.open("w", encoding="utf-8", newline="") as out:
                        count = writer(session, out, status, since_date)
                    tmp.replace(output)
                except OSError as exc:
                    raise click.ClickException(f"cannot write {output}: {exc}") from exc
                finally:
                    tmp.unlink(missing_ok=True)
    finally:
        db.close()
    if output is not None:
        click.echo(f"exported {count} incidents to {output}", err=True)
