"""``civwatch digest``: build the daily digest, write its files, optionally send it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from digest.job import run_profiles
from digest.profiles import ProfileError, load_profiles
from storage.commands import open_db


@click.command("digest")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Digest of this local day (YYYY-MM-DD). Default: since the last digest.",
)
@click.option("--send", is_flag=True, help="Also e-mail it (once per profile and period).")
@click.option("--resend", is_flag=True, help="Send again even if this period was already sent.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the files here instead of <data dir>/digests/<profile>/<date>/.",
)
@click.option(
    "--profile",
    "profile_names",
    multiple=True,
    help="Only this profile (repeatable). Default: every profile.",
)
@click.pass_context
def digest_cmd(
    ctx: click.Context,
    day: dt.datetime | None,
    send: bool,
    resend: bool,
    out_dir: Path | None,
    profile_names: tuple[str, ...],
) -> None:
    """Build the digest of new and changed incidents (HTML, text, Markdown, JSON, PNGs)."""
    settings = ctx.find_root().obj["settings"]
    try:
        profiles = load_profiles(settings)
    except ProfileError as exc:
        raise click.ClickException(str(exc)) from exc
    unknown = [n for n in profile_names if n not in profiles]
    if unknown:
        raise click.ClickException(
            f"unknown profile(s) {', '.join(unknown)}; known: {', '.join(sorted(profiles))}"
        )
    chosen = [profiles[n] for n in profile_names] if profile_names else list(profiles.values())
    if out_dir is not None and len(chosen) > 1:
        raise click.ClickException("--out needs a single --profile (each profile has its files)")
    db = open_db(ctx)
    try:
        outcomes = run_profiles(
            db,
            settings,
            chosen,
            day=day.date() if day else None,
            send=send or resend,
            resend=resend,
            out_dir=out_dir,
        )
    finally:
        db.close()
    for outcome in outcomes:
        click.echo(outcome.describe())
    failed = [o.profile for o in outcomes if o.status == "failed"]
    if failed:
        raise click.ClickException(
            f"sending failed for {', '.join(failed)}; the files are written and "
            "`civwatch digest --send` retries (see `civwatch status`)"
        )
