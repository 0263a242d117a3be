"""`civwatch doctor`: each check passes on a good installation and fails with its fix."""

from __future__ import annotations

import datetime as dt
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from settings import Settings
from storage import Database
from storage.models import Article, JobRun, utcnow
from tests.scheduler.helpers import REPO, make_env, write_sources


def _doctor(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", "doctor"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _line(out: str, name: str) -> str:
    return next(line for line in out.splitlines() if line[5:].startswith(name))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Sink:
    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        return "250 OK"


@pytest.fixture
def smtp_port() -> Iterator[int]:
    controller = Controller(_Sink(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller.port
    controller.stop()


def _good_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    sources = write_sources(tmp_path / "sources.yaml", {"site": "http://127.0.0.1:9/feed.xml"})
    env = make_env(tmp_path / "data", sources, **extra)
    subprocess.run(
        [sys.executable, "-m", "cli", "db", "upgrade"], env=env, cwd=REPO, check=True, timeout=60
    )
    return env


def test_healthy_installation_passes(tmp_path: Path, smtp_port: int) -> None:
    env = _good_env(
        tmp_path,
        CIVWATCH_SMTP_HOST="127.0.0.1",
        CIVWATCH_SMTP_PORT=str(smtp_port),
        CIVWATCH_SMTP_TLS="none",
        CIVWATCH_TIMEZONE="Africa/Bamako",
    )
    result = _doctor(env)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("configuration", "database", "spaCy model", "gazetteer", "sources file"):
        assert _line(result.stdout, name).startswith("ok"), result.stdout
    assert f"127.0.0.1:{smtp_port} answers EHLO" in _line(result.stdout, "SMTP")
    assert "Africa/Bamako" in _line(result.stdout, "clock")
    assert "backlog:" in result.stdout


def test_each_failure_names_its_fix(tmp_path: Path) -> None:
    env = _good_env(tmp_path)
    bad_sources = tmp_path / "bad.yaml"
    bad_sources.write_text("sources:\n  - key: Bad Key\n    kind: feed\n    url: nowhere\n")
    env.update(
        CIVWATCH_SOURCES=str(bad_sources),
        CIVWATCH_SMTP_HOST="127.0.0.1",
        CIVWATCH_SMTP_PORT=str(_free_port()),  # nothing listens there
        CIVWATCH_SMTP_TLS="none",
        CIVWATCH_MIN_FREE_DISK_MB=str(1 << 40),
        CIVWATCH_DATABASE_URL=f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}",
    )
    result = _doctor(env)
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "check(s) failed" in result.stderr
    expected_fix = {
        "database": "civwatch db upgrade",
        "sources file": "civwatch sources check",
        "SMTP": "CIVWATCH_SMTP_HOST",
        "disk space": "CIVWATCH_DATA_DIR",
    }
    lines = out.splitlines()
    for name, fix in expected_fix.items():
        index = next(i for i, line in enumerate(lines) if line[5:].startswith(name))
        assert lines[index].startswith("FAIL"), out
        assert fix in lines[index + 1], (name, lines[index + 1])
    assert _line(out, "spaCy model").startswith("ok")


def test_bad_time_zone_fails_configuration(tmp_path: Path) -> None:
    env = _good_env(tmp_path, CIVWATCH_TIMEZONE="Mars/Olympus")
    result = _doctor(env)
    assert result.returncode == 1
    assert _line(result.stdout, "configuration").startswith("FAIL")
    assert "Mars/Olympus" in _line(result.stdout, "configuration")
    assert _line(result.stdout, "clock").startswith("FAIL")


def test_status_and_doctor_show_leases_gone_runs_and_nlp_failures(tmp_path: Path) -> None:
    env = _good_env(tmp_path)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    here = socket.gethostname()
    now = utcnow()
    seen = now - dt.timedelta(seconds=20)
    db = Database.open(Settings.from_env(env).db_url, migrate=False)
    try:
        with db.sessions.begin() as s:
            # a processing run killed with -9 on this host, last seen 20 s ago
            s.add(
                JobRun(
                    job="process",
                    status="running",
                    host=here,
                    pid=dead.pid,
                    last_seen=seen,
                    stats={"articles": 2, "reclaimed": 3, "reclaimed_from": [f"{here}:1:old"]},
                )
            )
            # a crawl of another host whose heartbeat went quiet long ago
            s.add(
                JobRun(
                    job="crawl",
                    status="running",
                    host="far-host",
                    pid=1,
                    last_seen=now - dt.timedelta(hours=1),
                )
            )
            until = now + dt.timedelta(seconds=60)
            for n, owner in enumerate(
                (f"{here}:{dead.pid}:doomed", "far-host:7:w", "far-host:7:w")
            ):
                s.add(
                    Article(
                        url=f"http://t/{n}",
                        canonical_url=f"http://t/{n}",
                        lease_owner=owner,
                        lease_expires=until,
                    )
                )
            s.add(
                Article(
                    url="http://t/broken",
                    canonical_url="http://t/broken",
                    status="failed",
                    status_reason="nlp error: ValueError: boom",
                    nlp_attempts=3,
                )
            )
            s.add(
                Article(
                    url="http://t/retry",
                    canonical_url="http://t/retry",
                    status="failed",
                    nlp_attempts=1,
                )
            )
    finally:
        db.close()
    status = subprocess.run(
        [sys.executable, "-m", "cli", "status"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    doctor = _doctor(env)
    for out in (status.stdout, doctor.stdout):
        lines = out.splitlines()
        leases = next(line for line in lines if line.startswith("article leases: "))
        assert f"1 by {here}:{dead.pid}:doomed until" in leases, out
        assert "worker gone: the next run reclaims them" in leases
        assert "2 by far-host:7:w until " + until.isoformat(timespec="seconds") in leases
        assert "nlp failures: 1 to retry next run, 1 left for an operator after 3 attempts" in out
        assert "http://t/broken: 3 attempts, nlp error: ValueError: boom" in out
        # shown interrupted (never "running" forever), with when it was last seen
        process = re.search(
            r"^\s+(job )?process\s+interrupted .*process gone, last seen (\S+).*$", out, re.M
        )
        assert process is not None, out
        assert process.group(2).rstrip(";") == seen.isoformat(timespec="seconds")
        assert f"reclaimed 3 articles from dead workers ({here}:1:old)" in process.group(0)
        assert re.search(r"^\s+(job )?crawl\s+interrupted ", out, re.M), out
    assert status.returncode == 0, status.stderr
