"""The demo: a bundled fictional news site served on 127.0.0.1, and ``civwatch demo``."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import click

from ops.doctor import safe_url
from ops.once import run_once, summarise
from ops.stages import ROOT, settings_env
from scheduler import open_migrated
from settings import Settings
from storage import Database

DEMO_DIR = ROOT / "deploy" / "demo"
DEMO_PORT = 47615  # fixed when free, so a second demo run sees the same URLs
PLACEHOLDER_RE = re.compile(r"\{\{(BASE|RFC822|ISO|DATE_EN|DATE_FR):?(-?\d+)?\}\}")
MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def render_demo(text: str, base: str, today: dt.date) -> str:
    """Fill the demo pages' placeholders: the server address and dates relative to today."""

    def fill(match: re.Match[str]) -> str:
        kind, offset = match.group(1), int(match.group(2) or 0)
        if kind == "BASE":
            return base
        day = today + dt.timedelta(days=offset)
        if kind == "RFC822":
            stamp = dt.datetime.combine(day, dt.time(9, 0), dt.UTC)
            return stamp.strftime("%a, %d %b %Y %H:%M:%S +0000")
        if kind == "ISO":
            return dt.datetime.combine(day, dt.time(9, 0), dt.UTC).isoformat()
        if kind == "DATE_EN":
            return f"{day.day} {day.strftime('%B')} {day.year}"
        return f"{day.day} {MONTHS_FR[day.month - 1]} {day.year}"

    return PLACEHOLDER_RE.sub(fill, text)


class DemoSite:
    """Serves ``deploy/demo`` on 127.0.0.1 from a thread, placeholders filled in."""

    def __init__(self, root: Path = DEMO_DIR, today: dt.date | None = None) -> None:
        self.root = root
        self.today = today or dt.date.today()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                relative = self.path.split("?", 1)[0].lstrip("/") or "index.html"
                path = (site.root / relative).resolve()
                if site.root.resolve() not in path.parents or not path.is_file():
                    self.send_error(404)
                    return
                body = render_demo(path.read_text(encoding="utf-8"), site.base, site.today)
                data = body.encode("utf-8")
                kind = {
                    ".xml": "application/rss+xml",
                    ".html": "text/html",
                    ".txt": "text/plain",
                }.get(path.suffix, "application/octet-stream")
                self.send_response(200)
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        try:
            self.server = http.server.ThreadingHTTPServer(("127.0.0.1", DEMO_PORT), Handler)
        except OSError:
            self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> DemoSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def sources_yaml(self) -> str:
        return (
            "# Written by `civwatch demo`: the bundled fictional demo site.\n"
            "sources:\n"
            "  - key: demo_sahel_en\n"
            "    name: Demo — Sahel Observer (fictional)\n"
            "    kind: feed\n"
            f"    url: {self.base}/en/feed.xml\n"
            "    lang: en\n"
            "    countries: [ML, BF, NE]\n"
            "  - key: demo_sahel_fr\n"
            "    name: Démo — Le Courrier du Sahel (fictif)\n"
            "    kind: feed\n"
            f"    url: {self.base}/fr/feed.xml\n"
            "    lang: fr\n"
            "    countries: [ML, BF, NE]\n"
        )


@contextlib.contextmanager
def demo_settings(settings: Settings) -> Iterator[tuple[Settings, DemoSite]]:
    """Settings pointing at the demo site being served for the duration."""
    if not (DEMO_DIR / "en" / "feed.xml").is_file():
        raise click.ClickException(
            f"the demo site is not installed ({DEMO_DIR}): run the demo from a clone "
            "installed with `pip install -e .`"
        )
    with DemoSite() as site, tempfile.TemporaryDirectory(prefix="civwatch-demo-") as tmp:
        sources = Path(tmp) / "demo-sources.yaml"
        sources.write_text(site.sources_yaml(), encoding="utf-8")
        yield Settings.from_env(settings_env(settings), sources=sources), site


def ensure_demo_reviewer(settings: Settings) -> str | None:
    """Create the ``demo`` reviewer unless it exists; returns its new password or None."""
    from storage.users import add_user, get_user

    db = Database.open(settings.db_url, migrate=False)
    try:
        with db.sessions.begin() as session:
            if get_user(session, "demo") is not None:
                return None
            password = secrets.token_urlsafe(9)
            add_user(session, "demo", password, "reviewer")
            return password
    finally:
        db.close()


@click.command("demo")
@click.pass_context
def demo_cmd(ctx: click.Context) -> None:
    """The whole main job, offline, on the bundled demo site; then how to review it."""
    settings: Settings = ctx.find_root().obj["settings"]
    open_migrated(settings.db_url).close()
    click.echo(f"data: {settings.data_dir}  database: {safe_url(settings)}")
    with demo_settings(settings) as (demo_cfg, site):
        click.echo(f"demo site: {site.base}/ (fictional articles bundled in deploy/demo)")
        report = run_once(demo_cfg)
        summarise(demo_cfg, report, click.echo)
    if not report.ok:
        failed = next(f"{s}: {o.error}" for s, o in report.stages if o.status != "ok")
        raise click.ClickException(f"demo stopped at {failed}")
    password = ensure_demo_reviewer(settings)
    click.echo(click.style("review", bold=True))
    if password:
        click.echo(f"  reviewer 'demo' created, password: {password}  (shown once, stored hashed)")
    else:
        click.echo("  reviewer 'demo' already exists (its password was shown on the first run)")
    prefix = ""
    if os.environ.get("CIVWATCH_DATA_DIR"):
        prefix += f"CIVWATCH_DATA_DIR={os.environ['CIVWATCH_DATA_DIR']} "
    key = secrets.token_hex(16)
    click.echo("  start the review UI with:")
    click.echo(f"    {prefix}CIVWATCH_SECRET_KEY={key} .venv/bin/civwatch serve")
    click.echo(f"  then open {settings.base_url}/ and log in as demo")
