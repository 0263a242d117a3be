"""Helpers of the crawl tests: run `civwatch crawl` for real, in a subprocess.

The Twisted reactor cannot restart inside one pytest process, so every test
crawl is a real `civwatch crawl` subprocess against the local HTTP server,
with a sources file and a database in the test's temporary directory. Items
that leave the pipeline chain are also written as JSON lines by
:class:`CollectPipeline`, so a test can see exactly what a spider produced.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

import yaml
from scrapy.crawler import Crawler

import settings as project_settings

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
CIVWATCH = [sys.executable, "-m", "cli"]

# Fast and deterministic: no throttling, short timeouts and backoff.
TEST_OVERRIDES = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "CIVWATCH_RETRY_BACKOFF": "0.05",
    "RETRY_TIMES": "2",
    "LOG_LEVEL": "WARNING",
}


def fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


def rehost(body: bytes, mapping: dict[str, str]) -> bytes:
    """Point a recorded document's absolute links at the local server."""
    for original, local in mapping.items():
        body = body.replace(original.encode(), local.encode())
    return body


def article_html(title: str, paragraphs: list[str], published: str = "2024-03-01") -> bytes:
    """A small invented news page with enough main text for trafilatura."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        f"<meta property='article:published_time' content='{published}T08:00:00Z'>"
        "</head><body><nav><a href='/'>Home</a> <a href='/about'>About</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>Invented test page for civwatch.</footer></body></html>"
    ).encode()


def invented_paragraphs(topic: str, n: int = 5) -> list[str]:
    """Distinct invented sentences, so near-duplicate detection keeps pages apart."""
    return [
        f"Paragraph {i} about {topic}: local officials in the test town of Kelvara said on "
        f"Tuesday that the {topic} had been discussed at length during meeting number {i}, "
        f"and residents described the {topic} situation to reporters in some detail."
        for i in range(1, n + 1)
    ]


class CivwatchRun:
    """A data dir, a sources file and a database for one test's crawls."""

    def __init__(self, tmp_path: Path, database_url: str | None = None) -> None:
        self.tmp = tmp_path
        self.data_dir = tmp_path / "data"
        self.sources_path = tmp_path / "sources.yaml"
        self.collect_path = tmp_path / "items.jsonl"
        self.database_url = database_url or f"sqlite:///{tmp_path / 'crawl.sqlite3'}"
        self.extra_env: dict[str, str] = {}

    def write_sources(self, sources: list[dict[str, Any]]) -> None:
        self.sources_path.write_text(yaml.safe_dump({"sources": sources}), encoding="utf-8")

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("CIVWATCH_") and k not in ("http_proxy", "https_proxy")
        }
        env.update(
            {
                "CIVWATCH_DATA_DIR": str(self.data_dir),
                "CIVWATCH_SOURCES": str(self.sources_path),
                "CIVWATCH_DATABASE_URL": self.database_url,
                "CIVWATCH_CONTACT": "mailto:test@example.invalid",
                "PYTHONPATH": str(REPO),
            }
        )
        env.update(self.extra_env)
        return env

    def civwatch(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*CIVWATCH, *args],
            cwd=REPO,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def invoke(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a civwatch command that starts no crawl in this process (fast)."""
        from click.testing import CliRunner

        from cli import main

        env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("CIVWATCH_")}
        env.update(self.env())
        result = CliRunner().invoke(main, list(args), env=env)
        return subprocess.CompletedProcess(
            ["civwatch", *args], result.exit_code, result.stdout, result.stderr
        )

    def crawl(
        self, *args: str, overrides: dict[str, str] | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        settings = dict(TEST_OVERRIDES)
        # The project's pipeline chain (as configured now) plus the collector.
        chain = dict(getattr(project_settings, "ITEM_PIPELINES", {}) or {})
        chain["tests.crawl.crawlkit.CollectPipeline"] = 990
        settings["ITEM_PIPELINES"] = json.dumps(chain)
        settings["CIVWATCH_COLLECT_PATH"] = str(self.collect_path)
        settings.update(overrides or {})
        flags: list[str] = []
        for name, value in settings.items():
            flags += ["-s", f"{name}={value}"]
        return self.civwatch("crawl", *flags, *args, timeout=timeout)

    def collected(self) -> list[dict[str, Any]]:
        if not self.collect_path.exists():
            return []
        lines = self.collect_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]


class CollectPipeline:
    """Test pipeline: append every item that reaches it to a JSON-lines file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CollectPipeline:
        return cls(Path(crawler.settings["CIVWATCH_COLLECT_PATH"]))

    def process_item(self, item: Any) -> Any:
        assert is_dataclass(item) and not isinstance(item, type)
        record = asdict(item)
        record["_type"] = type(item).__name__
        body = record.pop("body", b"")
        record["body_len"] = len(body)
        record.pop("near_dup_signature", None)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, default=_json_default) + "\n")
        return item


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(type(value).__name__)
