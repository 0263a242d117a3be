"""The foundation's CLI commands, run as the real `civwatch` entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CIVWATCH = Path(sys.executable).parent / "civwatch"


def run(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CIVWATCH_")}
    full_env.update(env)
    return subprocess.run(
        [str(CIVWATCH), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=REPO,
        timeout=120,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"CIVWATCH_DATA_DIR": str(tmp_path / "data")}


def test_help_lists_the_foundation_commands(env: dict[str, str]) -> None:
    result = run("--help", env=env)
    assert result.returncode == 0
    for command in ("db", "status", "user", "sources"):
        assert f"  {command} " in result.stdout
    for sub in (["db", "--help"], ["user", "add", "--help"], ["sources", "check", "--help"]):
        assert run(*sub, env=env).returncode == 0


def test_db_upgrade_then_status(env: dict[str, str], tmp_path: Path) -> None:
    first = run("db", "upgrade", env=env)
    assert first.returncode == 0, first.stderr
    assert "database upgraded (empty) ->" in first.stdout
    assert (tmp_path / "data" / "civwatch.sqlite3").exists()
    again = run("db", "upgrade", env=env)
    assert "database already at" in again.stdout
    status = run("status", env=env)
    assert status.returncode == 0, status.stderr
    assert "migrations: current" in status.stdout
    assert "rows: sources 0, articles 0, incidents 0" in status.stdout
    assert "digests: none yet" in status.stdout


def test_status_shows_backlog_and_failed_digests(env: dict[str, str]) -> None:
    import datetime as dt

    from settings import Settings
    from storage import Database
    from storage.models import Article, Digest

    settings = Settings.from_env(env)
    db = Database.open(settings.db_url)
    end = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)
    with db.sessions.begin() as session:
        session.add_all(
            [
                Article(url="a1", canonical_url="a1", status="new"),
                Article(url="a2", canonical_url="a2", status="new"),
                Article(url="a3", canonical_url="a3", status="irrelevant"),
                Digest(
                    profile="sahel",
                    period_start=end - dt.timedelta(days=1),
                    period_end=end,
                    status="failed",
                    attempts=3,
                    last_error="SMTP 421 try later",
                ),
            ]
        )
    db.close()
    status = run("status", env=env)
    assert status.returncode == 0, status.stderr
    assert "backlog: articles new 2, articles failed 0" in status.stdout
    assert "digests: failed 1" in status.stdout
    assert "digest sahel 2026-11-20 06:00 failed after 3 attempt(s): SMTP 421 try later" in (
        status.stdout
    )


def test_status_on_an_unmigrated_database_says_what_to_do(env: dict[str, str]) -> None:
    result = run("status", env=env)
    assert result.returncode == 1
    assert "run `civwatch db upgrade`" in result.stdout


def test_user_add_list_disable(env: dict[str, str]) -> None:
    added = run(
        "user",
        "add",
        "amina",
        "--role",
        "admin",
        "--password-stdin",
        env=env,
        stdin="correct horse battery\n",
    )
    assert added.returncode == 0, added.stderr
    assert "user amina added (admin)" in added.stdout
    run("user", "add", "bakary", "--password-stdin", env=env, stdin="another long secret\n")
    listed = run("user", "list", env=env)
    assert listed.stdout.splitlines() == ["amina\tadmin\tactive", "bakary\treviewer\tactive"]
    assert run("user", "disable", "bakary", env=env).returncode == 0
    assert "bakary\treviewer\tdisabled" in run("user", "list", env=env).stdout
    # The password is stored hashed, never in clear.
    import sqlite3

    from settings import Settings

    path = Settings.from_env(env).data_dir / "civwatch.sqlite3"
    with sqlite3.connect(path) as conn:
        (stored,) = conn.execute(
            "SELECT password_hash FROM users WHERE username='amina'"
        ).fetchone()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["user", "add", "x", "--password-stdin"], "short\n", "password too short"),
        (["user", "disable", "nobody"], None, "unknown user 'nobody'"),
    ],
)
def test_user_errors_are_one_line(
    env: dict[str, str], args: list[str], stdin: str | None, message: str
) -> None:
    result = run(*args, env=env, stdin=stdin)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_duplicate_user_is_refused(env: dict[str, str]) -> None:
    run("user", "add", "amina", "--password-stdin", env=env, stdin="correct horse battery\n")
    again = run(
        "user", "add", "amina", "--password-stdin", env=env, stdin="correct horse battery\n"
    )
    assert again.returncode != 0
    assert "user 'amina' already exists" in again.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("notaurl", "bad database URL 'notaurl'"),
        ("foo://x", "cannot use database URL 'foo://x'"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", "cannot reach the database"),
    ],
)
def test_bad_database_url_is_one_clear_line(env: dict[str, str], url: str, message: str) -> None:
    result = run("status", env={**env, "CIVWATCH_DATABASE_URL": url})
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_setting_is_one_clear_line(env: dict[str, str]) -> None:
    result = run("status", env={**env, "CIVWATCH_SMTP_PORT": "lots"})
    assert result.returncode == 2
    assert "civwatch: error: CIVWATCH_SMTP_PORT='lots'" in result.stderr


def test_sources_check_good_and_bad(env: dict[str, str], tmp_path: Path) -> None:
    shipped = run("sources", "check", env=env)
    assert shipped.returncode == 0, shipped.stderr
    assert "0 bad" in shipped.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "sources:\n  - {key: a, kind: feed, url: 'https://a.org/f'}\n"
        "  - {key: b, kind: telepathy, url: 'https://b.org/'}\n"
    )
    result = run("sources", "check", str(bad), env=env)
    assert result.returncode == 1
    assert "error line 3 (b): unknown kind 'telepathy'" in result.stderr
    assert "1 good, 1 bad" in result.stdout
    via_env = run("sources", "check", env={**env, "CIVWATCH_SOURCES": str(bad)})
    assert via_env.returncode == 1


def test_sources_check_unreadable_file(env: dict[str, str], tmp_path: Path) -> None:
    result = run("sources", "check", str(tmp_path / "missing.yaml"), env=env)
    assert result.returncode == 2
    assert "cannot read sources file" in result.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("sources: [\n")
    result = run("sources", "check", str(broken), env=env)
    assert result.returncode == 2
    assert "not valid YAML" in result.stderr


@pytest.mark.postgres
def test_cli_against_real_postgresql(pg_url: str, env: dict[str, str]) -> None:
    pg_env = {**env, "CIVWATCH_DATABASE_URL": pg_url}
    assert run("db", "upgrade", env=pg_env).returncode == 0
    assert (
        run(
            "user",
            "add",
            "pg_user",
            "--password-stdin",
            env=pg_env,
            stdin="a long enough password\n",
        ).returncode
        == 0
    )
    status = run("status", env=pg_env)
    assert status.returncode == 0
    assert "users 1" in status.stdout
