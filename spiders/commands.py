"""CLI commands of the crawling side: ``sources``."""

from __future__ import annotations

import sys

import click

from settings import Settings
from spiders.sources import load_sources


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
