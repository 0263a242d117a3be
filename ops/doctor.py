"""``civwatch doctor``: checks of an installation, each with its fix when it fails."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import click

from scheduler import desired_jobs, timezone_of
from settings import Settings, SettingsError
from spiders.sources import load_sources
from storage import Database
from storage import repo as repository
from storage.models import utcnow


def safe_url(settings: Settings) -> str:
    """The database URL to show: its password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(settings.db_url).render_as_string(hide_password=True)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    warn_only: bool = False


def doctor_checks(settings: Settings) -> list[Check]:
    """Every check of ``civwatch doctor``, each with a fix when it fails."""
    checks: list[Check] = [_check_config(settings)]
    checks.append(_check_database(settings))
    checks.append(_check_spacy_model())
    checks.append(_check_gazetteer())
    checks.append(_check_sources(settings))
    checks.append(_check_smtp(settings))
    checks.append(_check_disk(settings))
    checks.append(_check_clock(settings))
    return checks


def _check_config(settings: Settings) -> Check:
    try:
        timezone_of(settings)
        desired_jobs(settings, [])
    except SettingsError as exc:
        return Check("configuration", False, str(exc), "correct the variable in the environment")
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        probe = settings.data_dir / ".doctor-probe"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        return Check(
            "configuration",
            False,
            f"data directory {settings.data_dir} not writable: {exc}",
            "create it for the service user, or set CIVWATCH_DATA_DIR",
        )
    note = "" if settings.secret_key else " (CIVWATCH_SECRET_KEY unset: `serve` will refuse)"
    return Check("configuration", True, f"settings valid, data in {settings.data_dir}{note}")


def _check_database(settings: Settings) -> Check:
    from storage.db import DatabaseError, current_revision, head_revision, make_engine

    try:
        engine = make_engine(settings.db_url)
        current = current_revision(engine)
        engine.dispose()
    except DatabaseError as exc:
        return Check(
            "database",
            False,
            str(exc).splitlines()[0],
            "check CIVWATCH_DATABASE_URL and that the server is running",
        )
    head = head_revision()
    if current != head:
        return Check(
            "database",
            False,
            f"{safe_url(settings)} at migration {current or '(empty)'}, code expects {head}",
            "run `civwatch db upgrade`",
        )
    return Check("database", True, f"{safe_url(settings)} reachable, migrations current ({head})")


def _check_spacy_model() -> Check:
    import importlib.metadata
    import importlib.util

    if importlib.util.find_spec("fr_core_news_sm") is None:
        return Check(
            "spaCy model",
            False,
            "fr_core_news_sm is not installed",
            "`.venv/bin/pip install -e .` (the model is a dependency in pyproject.toml)",
        )
    version = importlib.metadata.version("fr_core_news_sm")
    return Check("spaCy model", True, f"fr_core_news_sm {version} installed")


def _check_gazetteer() -> Check:
    try:
        from nlp.gazetteer import load_gazetteer

        gazetteer = load_gazetteer()
    except ModuleNotFoundError as exc:
        return Check("gazetteer", False, f"cannot import: {exc}", "reinstall civwatch")
    except (OSError, ValueError) as exc:
        return Check(
            "gazetteer",
            False,
            f"cannot load: {exc}",
            "rebuild with nlp/tools/build_gazetteer.py or reinstall civwatch",
        )
    size = len(getattr(gazetteer, "by_key", {}) or {})
    if not size:
        return Check("gazetteer", False, "loaded but empty", "reinstall civwatch")
    return Check("gazetteer", True, f"loaded ({size} place names)")


def _check_sources(settings: Settings) -> Check:
    from spiders.sources import SourcesFileError

    try:
        loaded = load_sources(settings.sources)
    except SourcesFileError as exc:
        return Check("sources file", False, str(exc), "fix the file or set CIVWATCH_SOURCES")
    enabled = sum(1 for e in loaded.entries if e.enabled)
    if loaded.errors:
        return Check(
            "sources file",
            False,
            f"{settings.sources}: {len(loaded.errors)} bad entries: "
            + "; ".join(str(e) for e in loaded.errors[:3]),
            "fix those entries (`civwatch sources check` lists them all)",
        )
    if not enabled:
        return Check("sources file", False, f"{settings.sources}: no enabled source", "enable one")
    return Check("sources file", True, f"{settings.sources}: {enabled} enabled sources")


def _check_smtp(settings: Settings) -> Check:
    import smtplib

    from digest.deliver import connect

    if not settings.smtp_host:
        return Check(
            "SMTP",
            True,
            "not configured: digests are written to files only",
            warn_only=True,
        )
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        # The digest's own connection (SSL or plain), short timeout; no STARTTLS or login.
        with connect(settings, timeout=5) as client:
            code, _ = client.ehlo()
            if code != 250:
                raise smtplib.SMTPException(f"EHLO answered {code}")
            if settings.smtp_tls == "starttls" and not client.has_extn("starttls"):
                return Check(
                    "SMTP",
                    False,
                    f"{where} does not offer STARTTLS",
                    "set CIVWATCH_SMTP_TLS=ssl or none to match the server",
                )
    except (OSError, smtplib.SMTPException) as exc:
        return Check(
            "SMTP",
            False,
            f"{where} unreachable: {exc}",
            "check CIVWATCH_SMTP_HOST/PORT and the firewall",
        )
    return Check("SMTP", True, f"{where} answers EHLO")


def _check_disk(settings: Settings) -> Check:
    from storage.health import free_disk_bytes

    free_mb = free_disk_bytes(settings.data_dir) // (1024 * 1024)
    if free_mb < settings.min_free_disk_mb:
        return Check(
            "disk space",
            False,
            f"{free_mb} MB free for {settings.data_dir}",
            "free space, lower retention (CIVWATCH_*_RETENTION_DAYS) or move CIVWATCH_DATA_DIR",
        )
    return Check("disk space", True, f"{free_mb} MB free for {settings.data_dir}")


def _check_clock(settings: Settings) -> Check:
    try:
        tz = timezone_of(settings)
    except SettingsError as exc:
        return Check("clock", False, str(exc), "use a name such as Africa/Bamako or UTC")
    now = dt.datetime.now(tz)
    detail = f"{now.isoformat(timespec='seconds')} in {settings.timezone}"
    if settings.database_url.startswith("postgresql"):
        from sqlalchemy import text

        from storage.db import make_engine

        try:
            engine = make_engine(settings.db_url)
            with engine.connect() as conn:
                server_now = conn.scalar(text("SELECT now()"))
            engine.dispose()
        except Exception as exc:  # reported by the database check already
            return Check("clock", True, detail + f" (database clock not read: {exc})")
        skew = abs((server_now - dt.datetime.now(dt.UTC)).total_seconds())
        if skew > 60:
            return Check(
                "clock",
                False,
                detail + f"; database clock differs by {skew:.0f} s",
                "enable NTP (systemd-timesyncd or chrony) on both hosts",
            )
        detail += f"; database clock within {skew:.1f} s"
    if now.year < 2024:
        return Check("clock", False, detail, "the system clock is wrong: enable NTP")
    return Check("clock", True, detail)


@click.command("doctor")
@click.pass_context
def doctor_cmd(ctx: click.Context) -> None:
    """Check the installation; every failed check comes with its fix. Exit 1 on a failure."""
    settings: Settings = ctx.find_root().obj["settings"]
    checks = doctor_checks(settings)
    for check in checks:
        mark = click.style("ok  ", fg="green") if check.ok else click.style("FAIL", fg="red")
        if check.ok and check.warn_only:
            mark = click.style("note", fg="yellow")
        click.echo(f"{mark} {check.name:<13} {check.detail}")
        if not check.ok and check.fix:
            click.echo(f"     fix: {check.fix}")
    database_ok = next(c for c in checks if c.name == "database").ok
    if database_ok:
        _print_operations(settings)
    failed = [c.name for c in checks if not c.ok]
    if failed:
        raise click.ClickException(f"{len(failed)} check(s) failed: {', '.join(failed)}")


def _print_operations(settings: Settings) -> None:
    """Backlogs, digests and the last run of every job (what `status` lacks)."""
    from storage.commands import describe_run, processing_lines
    from storage.health import backlog, digest_counts
    from storage.locks import all_locks

    db = Database.open(settings.db_url, migrate=False)
    try:
        with db.sessions() as session:
            queues = backlog(session)
            click.echo(
                "backlog: "
                + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in queues.as_dict().items())
            )
            digests = digest_counts(session)
            click.echo(
                "digests: " + (", ".join(f"{k} {v}" for k, v in sorted(digests.items())) or "none")
            )
            for line in processing_lines(session, settings):
                click.echo(line)
            runs = repository.last_job_runs(session)
            stale = dt.timedelta(seconds=settings.process_lease_seconds)
            for run in runs:
                click.echo(f"  job {describe_run(run, stale)}")
        leases = all_locks(db.engine)
        now = utcnow()
        for lease in leases:
            state = "held" if lease.expires_at >= now else "expired"
            click.echo(f"  lease {lease.name:<18} {state} by {lease.owner}")
    finally:
        db.close()
