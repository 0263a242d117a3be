"""``civwatch run --once``: crawl → process → digest once, then a summary.

Each stage runs as a subprocess (:mod:`ops.stages`) under its job lease
(:mod:`ops.runs`), so a manual run waits for a scheduled run of the same stage
instead of overlapping it, and is recorded in ``job_runs`` like one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import click
from sqlalchemy import func, select

from ops.runs import JobOutcome, execute_job, stage_work
from ops.stages import crawl_args, digest_args
from scheduler import open_migrated, timezone_of
from settings import Settings
from storage import Database
from storage import repo as repository
from storage.models import utcnow


@dataclass
class OnceReport:
    started: dt.datetime
    stages: list[tuple[str, JobOutcome]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(outcome.status == "ok" for _, outcome in self.stages)


def run_once(
    settings: Settings,
    *,
    since: dt.date | None = None,
    echo: Callable[[str], None] = click.echo,
    stage_env: dict[str, str] | None = None,
) -> OnceReport:
    """crawl → process → digest once, each stage under its job lease; stops at a failed stage."""
    report = OnceReport(started=utcnow())
    # Today's digest (local day) holds what this run found; a scheduled digest
    # covers the day up to its send time instead.
    digest_today = digest_args(settings, None, day=dt.datetime.now(timezone_of(settings)).date())
    plan: list[tuple[str, str, list[str], float]] = [
        ("crawl", "crawl", crawl_args(None, since), settings.crawl_timeout),
        ("process", "process", ["process"], settings.stage_timeout),
        ("digest", "digest:default", digest_today, settings.stage_timeout),
    ]
    for number, (stage, job_id, args, timeout) in enumerate(plan, start=1):
        echo(
            click.style(f"[{number}/{len(plan)}] {stage}", bold=True)
            + f"  civwatch {' '.join(args)}"
        )
        work = stage_work(
            stage,
            args,
            settings,
            timeout=timeout,
            echo=lambda line: echo(f"    │ {line}"),
            extra_env=stage_env,
        )
        outcome = execute_job(job_id, settings, work, wait_for_lock=60, record=False)
        report.stages.append((stage, outcome))
        mark = "done" if outcome.status == "ok" else outcome.status.upper()
        seconds = outcome.stats.get("seconds", 0)
        echo(f"    └ {mark} in {seconds} s" + (f": {outcome.error}" if outcome.error else ""))
        if outcome.status != "ok":
            break
    return report


def summarise(settings: Settings, report: OnceReport, echo: Callable[[str], None]) -> None:
    """Per-source counts, the new incidents with place and figures, the digest files."""
    from storage.models import Digest, Incident

    db = Database.open(settings.db_url, migrate=False)
    try:
        with db.sessions() as session:
            crawl = dict(report.stages).get("crawl")
            sources = (crawl.stats.get("sources") if crawl else None) or {}
            echo(click.style("sources", bold=True))
            if not sources:
                echo("  (no crawl run recorded)")
            for key, counts in sorted(sources.items()):
                line = (
                    f"  {key:<24} new {counts['new']:>3}  duplicate {counts['duplicate']:>3}  "
                    f"irrelevant {counts['irrelevant']:>3}  failed {counts['failed']:>3}"
                )
                if counts.get("error"):
                    line += f"  ERROR: {str(counts['error']).splitlines()[0]}"
                echo(line)
            incidents = list(
                session.scalars(
                    select(Incident)
                    .where(Incident.created_at >= report.started, Incident.status != "merged")
                    .order_by(Incident.event_date, Incident.id)
                )
            )
            echo(click.style(f"new incidents: {len(incidents)}", bold=True))
            for incident in incidents:
                echo("  " + describe_incident(incident))
            by_status = repository.incident_status_counts(session)
            echo(
                f"  in the database: {sum(by_status.values())} incidents ("
                + ", ".join(f"{k} {v}" for k, v in sorted(by_status.items()))
                + ")"
            )
            # The latest digest of each profile: a re-run rebuilds today's in place.
            latest = select(Digest.profile, func.max(Digest.id).label("id")).group_by(
                Digest.profile
            )
            ids = [row.id for row in session.execute(latest)]
            digests = list(session.scalars(select(Digest).where(Digest.id.in_(ids))))
            echo(click.style("digest", bold=True))
            for digest in digests:
                echo(f"  {digest.profile}: {digest.status} — {digest.path or '(no file)'}")
            if not digests:
                echo(f"  none built (see {settings.data_dir / 'logs' / 'digest.log'})")
    finally:
        db.close()


def describe_incident(incident: Any) -> str:
    """One line: date, place, figures, flags."""
    place = incident.place_name or "unknown place"
    where = ", ".join(p for p in (incident.admin1, incident.country) if p)
    figures = []
    for kind in ("killed", "injured", "abducted"):
        low, high = getattr(incident, f"{kind}_min"), getattr(incident, f"{kind}_max")
        if low is None and high is None:
            continue
        span = f"{low}" if high in (None, low) else f"{low}–{high}"
        figures.append(f"{kind} {span if low is not None else f'≤{high}'}")
    date = incident.event_date.isoformat() if incident.event_date else "date unknown"
    flag = " [aggregate]" if incident.aggregate else ""
    return (
        f"#{incident.id} {date} {place}"
        + (f" ({where})" if where else "")
        + (": " + ", ".join(figures) if figures else "")
        + flag
    )


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@click.command("run")
@click.option("--once", is_flag=True, help="Run crawl → process → digest once and exit.")
@click.option("--since", callback=_parse_date, help="Crawl items back to this date (YYYY-MM-DD).")
@click.option("--demo", is_flag=True, help="Crawl the bundled offline demo site instead.")
@click.pass_context
def run_cmd(ctx: click.Context, once: bool, since: dt.date | None, demo: bool) -> None:
    """Run the whole main job once: crawl → process → digest, then a summary.

    Exits 0 when every stage completed; a failing source is reported, not fatal.
    """
    if not once:
        raise click.ClickException(
            "use `civwatch run --once` for one run, `civwatch schedule` to keep running"
        )
    settings: Settings = ctx.find_root().obj["settings"]
    open_migrated(settings.db_url).close()  # migrate once, before the stages start
    if demo:
        from ops.demo import demo_settings  # ops.demo runs the demo through this module

        with demo_settings(settings) as (demo_cfg, site):
            click.echo(f"demo site: {site.base}/ (fictional articles bundled in deploy/demo)")
            report = run_once(demo_cfg, since=since)
            summarise(demo_cfg, report, click.echo)
    else:
        report = run_once(settings, since=since)
        summarise(settings, report, click.echo)
    if not report.ok:
        failed = next(f"{s}: {o.error}" for s, o in report.stages if o.status != "ok")
        raise click.ClickException(f"run stopped at {failed}")
