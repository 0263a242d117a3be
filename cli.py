"""The ``civwatch`` command. Thin: parses arguments and calls into the packages.

Each capability defines its commands next to its code (``<package>/commands.py``)
and they are attached here. Heavy imports (spaCy, Scrapy) happen inside the
commands, so ``civwatch --help`` stays fast.
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

# (module, attribute) of commands contributed by other packages; a module that
# does not exist yet is simply not offered.
CONTRIBUTED = [
    ("spiders.commands", "sources_group"),
    ("spiders.commands", "crawl_cmd"),
    ("spiders.commands", "acled_group"),
    ("spiders.commands", "ucdp_group"),
    ("nlp.commands", "analyze_cmd"),
    ("nlp.commands", "eval_cmd"),
    ("incidents.commands", "process_cmd"),
    ("incidents.commands", "export_cmd"),
    ("review.commands", "serve_cmd"),
    ("review.commands", "token_group"),
    ("digest.commands", "digest_cmd"),
    ("scheduler", "schedule_cmd"),
    ("scheduler", "run_cmd"),
    ("scheduler", "doctor_cmd"),
    ("scheduler", "demo_cmd"),
]

EXPECTED_ERRORS = (SettingsError, DatabaseError, SourcesFileError)


class CivwatchGroup(click.Group):
    """Turns expected errors into one clear line and a non-zero exit."""

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


def _attach_contributed() -> None:
    for module_name, attr in CONTRIBUTED:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        command = getattr(module, attr, None)
        if command is not None:
            main.add_command(command)


_attach_contributed()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
