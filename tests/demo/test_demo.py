"""`civwatch demo`: the README's first command, offline, finds the demo incidents; twice is safe.

What the pipeline should find was decided when the demo pages were written
(deploy/demo/README.md): a Bankass (Mopti) attack reported by two outlets, an
attack near Téra (Tillabéri), an ambush near Djibo (Sahel, Burkina Faso),
abductions near Ménaka, and two off-topic pages that the relevance filter drops.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from storage import Database
from storage.models import Article, Incident, User
from tests.scheduler.helpers import REPO, make_env, write_sources

pytestmark = pytest.mark.slow


def _demo(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", "demo"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=400,
    )


def test_demo_finds_the_incidents_and_is_idempotent(tmp_path: Path) -> None:
    # CIVWATCH_SOURCES points at a file the demo must not use.
    unused = write_sources(tmp_path / "real-sources.yaml", {"real": "http://127.0.0.1:9/feed"})
    env = make_env(tmp_path / "data", unused)
    first = _demo(env)
    out = first.stdout
    assert first.returncode == 0, out + first.stderr
    found = int(re.search(r"new incidents: (\d+)", out).group(1))  # type: ignore[union-attr]
    assert found >= 4, out
    incident_lines = [line for line in out.splitlines() if re.match(r"\s+#\d+ ", line)]
    for place in ("Bankass (Mopti, ML)", "Téra (Tillabéri, NE)", "Djibo (Sahel, BF)", "Ménaka"):
        assert any(place in line for line in incident_lines), (place, incident_lines)
    bankass = [line for line in incident_lines if "Bankass" in line]
    assert any("killed 23" in line for line in bankass), bankass
    assert "real" not in re.findall(r"^\s+(\w+)\s+new", out, re.MULTILINE)

    digest_line = next(line for line in out.splitlines() if line.startswith("  default: "))
    digest_dir = Path(digest_line.split(" — ")[1])
    assert digest_dir.is_dir() and any(digest_dir.iterdir())
    assert "reviewer 'demo' created, password: " in out
    password = out.split("password: ")[1].split()[0]
    assert len(password) >= 10
    assert re.search(r"CIVWATCH_SECRET_KEY=[0-9a-f]{32} \.venv/bin/civwatch serve", out)

    url = f"sqlite:///{tmp_path / 'data' / 'civwatch.sqlite3'}"
    database = Database.open(url, migrate=False)
    with database.sessions() as session:
        articles = {a.url.rsplit("/", 1)[1]: a.status for a in session.scalars(select(Article))}
        incidents_before = len(list(session.scalars(select(Incident))))
        assert session.scalar(select(User.role).where(User.username == "demo")) == "reviewer"
    assert len(articles) == 8
    assert articles["bamako-cup-final.html"] == "irrelevant"
    assert articles["marche-betail-gao.html"] == "irrelevant"

    second = _demo(env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "new incidents: 0" in second.stdout
    assert "reviewer 'demo' already exists" in second.stdout
    with database.sessions() as session:
        assert len(list(session.scalars(select(Article)))) == 8, "nothing stored twice"
        assert len(list(session.scalars(select(Incident)))) == incidents_before
    database.close()
