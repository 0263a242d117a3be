"""The ``civwatch`` command. Thin: parses arguments and calls into the packages.

Each capability defines its commands next to its code (``<package>/commands.py``)
and they are named here; a command's module is imported only when it is used.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from settings import Settings, SettingsError
from spiders.sources import SourcesFileError
from storage.commands import db_group, status_cmd, user_group
from storage.db import DatabaseError

# Commands contributed by the packages: name -> (module, attribute). A module is
# imported only when its command runs (or for --help), so a crawl subprocess
# does not pay for matplotlib or spaCy.
CONTRIBUTED = {
    "sources": ("crawling.commands", "sources_group"),
    "crawl": ("crawling.commands", "crawl_cmd"),
    "acled": ("crawling.commands", "acled_group"),
    "ucdp": ("crawling.commands", "ucdp_group"),
    "analyze": ("nlp.commands", "analyze_cmd"),
    "eval": ("nlp.commands", "eval_cmd"),
    "process": ("incidents.commands", "process_cmd"),
    "export": ("incidents.commands", "export_cmd"),
    "serve": ("review.commands", "serve_cmd"),
    "token": ("review.commands", "token_group"),
    "digest": ("digest.commands", "digest_cmd"),
    "schedule": ("scheduler", "schedule_cmd"),
    "run": ("ops.once", "run_cmd"),
    "doctor": ("ops.doctor", "doctor_cmd"),
    "demo": ("ops.demo", "demo_cmd"),
}

EXPECTED_ERRORS = (SettingsError, DatabaseError, SourcesFileError)


class CivwatchGroup(click.Group):
    """Loads contributed commands lazily; turns expected errors into one clear line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(CONTRIBUTED))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in CONTRIBUTED:
            module_name, attr = CONTRIBUTED[cmd_name]
            command = getattr(importlib.import_module(module_name), attr)
        return command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except EXPECTED_ERRORS as exc:
            click.echo(f"civwatch: error: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=CivwatchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, verbose: int) -> None:
    """civwatch: news monitoring for civilian harm — crawl, extract, review, digest."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.ensure_object(dict)
    try:
        ctx.obj["settings"] = Settings.from_env()
    except SettingsError as exc:
        click.echo(f"civwatch: error: {exc}", err=True)
        ctx.exit(2)


main.add_command(db_group)
main.add_command(status_cmd)
main.add_command(user_group)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
