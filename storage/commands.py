"""CLI commands of the foundation: ``db``, ``status`` and ``user``."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from settings import Settings
from storage import Database, seclog, workqueue
from storage import repo as repository
from storage.db import current_revision, head_revision, make_engine, session_factory, upgrade
from storage.health import backlog, digest_counts
from storage.models import ROLES, Digest, JobRun, Source, User, utcnow
from storage.users import (
    UserError,
    add_user,
    get_user,
    list_users,
    set_active,
    set_password,
    unlock,
)


def _settings(ctx: click.Context) -> Settings:
    return ctx.find_root().obj["settings"]


def open_db(ctx: click.Context, *, migrate: bool = True) -> Database:
    """The database of the current settings, migrated unless told otherwise."""
    return Database.open(_settings(ctx).db_url, migrate=migrate)


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Create or migrate the schema to the current version."""
    url = _settings(ctx).db_url
    engine = make_engine(url)
    before = current_revision(engine)
    upgrade(engine)
    after = current_revision(engine)
    engine.dispose()
    if before == after:
        click.echo(f"database already at {after}")
    else:
        click.echo(f"database upgraded {before or '(empty)'} -> {after}")


@click.command("status")
@click.pass_context
def status_cmd(ctx: click.Context) -> None:
    """Database, migrations, row counts, sources health and last job runs."""
    settings = _settings(ctx)
    engine = make_engine(settings.db_url)
    current = current_revision(engine)
    head = head_revision()
    click.echo(f"database: {engine.url.render_as_string(hide_password=True)} (reachable)")
    if current != head:
        click.echo(
            f"migrations: at {current or '(empty)'}, code expects {head}: run `civwatch db upgrade`"
        )
        engine.dispose()
        sys.exit(1)
    click.echo(f"migrations: current ({head})")
    db = Database(engine, session_factory(engine))
    with db.sessions() as session:
        counts = repository.row_counts(session)
        click.echo("rows: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        incidents = repository.incident_status_counts(session)
        if incidents:
            click.echo("incidents: " + ", ".join(f"{k} {v}" for k, v in sorted(incidents.items())))
        articles = repository.article_status_counts(session)
        if articles:
            click.echo("articles: " + ", ".join(f"{k} {v}" for k, v in sorted(articles.items())))
        queues = backlog(session).as_dict()
        click.echo("backlog: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in queues.items()))
        for line in processing_lines(session, settings):
            click.echo(line)
        digests = digest_counts(session)
        click.echo(
            "digests: " + (", ".join(f"{k} {v}" for k, v in sorted(digests.items())) or "none yet")
        )
        failed = session.scalars(
            select(Digest).where(Digest.status == "failed").order_by(Digest.id.desc()).limit(3)
        ).all()
        for digest in failed:
            click.echo(
                f"  digest {digest.profile} {digest.period_end:%Y-%m-%d %H:%M} failed after "
                f"{digest.attempts} attempt(s): {digest.last_error or 'no error recorded'}"
            )
        sources = list(session.scalars(select(Source).order_by(Source.key)))
        if sources:
            click.echo("sources:")
            for s in sources:
                last = (
                    s.last_success_at.isoformat(timespec="minutes")
                    if s.last_success_at
                    else "never"
                )
                flag = "" if s.enabled else " (disabled)"
                reason = f" — {s.health_reason}" if s.health_reason else ""
                click.echo(f"  {s.key:<24} {s.health:<8} last success {last}{flag}{reason}")
        security = seclog.summary(session)
        click.echo(f"security (24 h): {security.line()}")
        if security.last_change is not None:
            change = security.last_change
            click.echo(
                f"  last account change: {change.event.replace('_', ' ')} "
                f"{change.username or ''} at {change.created_at.isoformat(timespec='minutes')}"
            )
        runs = repository.last_job_runs(session)
        click.echo("last job runs:" if runs else "last job runs: none yet")
        stale = dt.timedelta(seconds=settings.process_lease_seconds)
        for run in runs:
            click.echo("  " + describe_run(run, stale))
        latest = {run.id for run in runs}
        earlier = [
            run
            for run in repository.recent_interrupted(session, utcnow() - dt.timedelta(days=1))
            if run.id not in latest
        ]
        if earlier:
            click.echo("interrupted in the last 24 h:")
            for run in earlier[:10]:
                click.echo("  " + describe_run(run, stale))
    engine.dispose()


def describe_run(run: JobRun, stale: dt.timedelta) -> str:
    """One line for a job run; a ``running`` row whose process is gone says
    ``interrupted`` and when it was last seen."""
    status = repository.shown_status(run, stale)
    started = run.started_at.isoformat(timespec="seconds")
    if status == "interrupted" and run.status == "running":
        seen = (run.last_seen or run.started_at).isoformat(timespec="seconds")
        line = f"{run.job:<16} {status:<11} started {started}, process gone, last seen {seen}"
    else:
        ended = run.finished_at.isoformat(timespec="seconds") if run.finished_at else "-"
        line = f"{run.job:<16} {status:<11} ended {ended}"
        if run.status == "running" and run.last_seen is not None:
            line += f" (started {started}, last seen {run.last_seen.isoformat(timespec='seconds')})"
    stats = run.stats or {}
    if stats.get("reclaimed"):
        owners = ", ".join(stats.get("reclaimed_from") or ())
        line += f"; reclaimed {stats['reclaimed']} articles from dead workers ({owners})"
    if run.error:
        line += f" error: {run.error.splitlines()[0]}"
    return line


def processing_lines(session: Session, settings: Settings) -> list[str]:
    """What the processing queue holds: articles leased by workers (by whom, until
    when), and NLP failures waiting for a retry or for an operator."""
    lines = []
    holders = workqueue.lease_holders(session)
    if holders:
        lines.append("article leases: " + "; ".join(h.describe() for h in holders))
    failures = workqueue.nlp_failures(session, settings.nlp_max_attempts)
    if failures.waiting or failures.given_up:
        lines.append(
            f"nlp failures: {failures.waiting} to retry next run, {failures.given_up} left "
            f"for an operator after {settings.nlp_max_attempts} attempts"
            + (" (`civwatch process --reprocess` retries them)" if failures.given_up else "")
        )
        for article_id, url, attempts, reason in failures.examples:
            lines.append(f"  article {article_id} {url}: {attempts} attempts, {reason}")
    return lines


@click.group("user")
def user_group() -> None:
    """Review-UI users."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="reviewer", show_default=True)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (for scripts)."
)
@click.pass_context
def user_add(ctx: click.Context, username: str, role: str, password_stdin: bool) -> None:
    """Create a user; asks for the password unless --password-stdin.

    Usernames are case-folded and limited to a-z, 0-9, '.', '_' and '-'."""
    password = _read_password(password_stdin)
    db = open_db(ctx)
    try:
        with db.sessions.begin() as session:
            user = add_user(session, username, password, role)
            name = user.username
            seclog.record(
                session,
                seclog.USER_ADDED,
                user_id=user.id,
                username=name,
                address="cli",
                detail={"role": role},
            )
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        db.close()
    click.echo(f"user {name} added ({role})")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _change_user(ctx: click.Context, username: str, change: Callable[[Session, User], str]) -> str:
    """Apply ``change`` to an existing user in one transaction and log the security
    event it returns (address "cli"); the user's stored name is returned."""
    db = open_db(ctx)
    try:
        with db.sessions.begin() as session:
            user = get_user(session, username)
            if user is None:
                raise UserError(f"unknown user {username!r}")
            event = change(session, user)
            seclog.record(session, event, user_id=user.id, username=user.username, address="cli")
            return user.username
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        db.close()


@user_group.command("passwd")
@click.argument("username")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (for scripts)."
)
@click.option(
    "--must-change",
    is_flag=True,
    help="Make the user choose a new password at the next sign-in (a reset).",
)
@click.pass_context
def user_passwd(ctx: click.Context, username: str, password_stdin: bool, must_change: bool) -> None:
    """Set a user's password; every session of the user ends and a lock is lifted."""
    password = _read_password(password_stdin)

    def change(session: Session, user: User) -> str:
        set_password(session, user, password, must_change=must_change)
        return seclog.PASSWORD_RESET if must_change else seclog.PASSWORD_SET

    name = _change_user(ctx, username, change)
    click.echo(f"password of {name} set; their sessions were ended")


@user_group.command("unlock")
@click.argument("username")
@click.pass_context
def user_unlock(ctx: click.Context, username: str) -> None:
    """Lift a sign-in lock (after repeated failed sign-ins) at once."""

    def change(session: Session, user: User) -> str:
        unlock(user)
        return seclog.USER_UNLOCKED

    name = _change_user(ctx, username, change)
    click.echo(f"user {name} unlocked")


@user_group.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """List users."""
    db = open_db(ctx)
    with db.sessions() as session:
        users = list_users(session)
        now = utcnow()
        for u in users:
            state = "active" if u.active else "disabled"
            if u.locked_until is not None and u.locked_until > now:
                state += f", locked until {u.locked_until:%H:%M} UTC"
            click.echo(f"{u.username}\t{u.role}\t{state}")
        if not users:
            click.echo("no users yet: civwatch user add NAME --role reviewer|admin")
    db.close()


def _set_active(ctx: click.Context, username: str, active: bool) -> None:
    def change(session: Session, user: User) -> str:
        set_active(session, user.username, active)
        return seclog.USER_ENABLED if active else seclog.USER_DISABLED

    _change_user(ctx, username, change)
    click.echo(f"user {username} {'enabled' if active else 'disabled'}")


@user_group.command("disable")
@click.argument("username")
@click.pass_context
def user_disable(ctx: click.Context, username: str) -> None:
    """Disable a user (kept for the audit trail, can no longer log in)."""
    _set_active(ctx, username, False)


@user_group.command("enable")
@click.argument("username")
@click.pass_context
def user_enable(ctx: click.Context, username: str) -> None:
    """Re-enable a disabled user."""
    _set_active(ctx, username, True)
