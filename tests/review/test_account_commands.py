"""``civwatch user passwd|unlock``, folded usernames and the security summary of
``civwatch status``, run as the real command in a subprocess."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from settings import Settings
from storage import Database, seclog, websessions
from storage.models import SecurityEvent, User, WebSession
from storage.users import add_user, authenticate, get_user

REPO = Path(__file__).resolve().parents[2]
CIVWATCH = Path(sys.executable).parent / "civwatch"
OLD = "correct horse battery"
NEW = "a brand new passphrase"


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


@pytest.fixture
def db(env: dict[str, str]) -> Database:
    database = Database.open(Settings.from_env(env).db_url)
    with database.sessions.begin() as s:
        add_user(s, "amina", OLD, "admin")
    return database


def test_user_passwd_sets_the_password_and_ends_every_session(
    env: dict[str, str], db: Database
) -> None:
    with db.sessions.begin() as s:
        amina = get_user(s, "amina")
        assert amina is not None
        websessions.start(s, amina, "127.0.0.1")
        websessions.start(s, amina, "127.0.0.2")
    result = run("user", "passwd", "AMINA", "--password-stdin", env=env, stdin=f"{NEW}\n")
    assert result.returncode == 0, result.stderr
    assert "password of amina set" in result.stdout
    with db.sessions.begin() as s:
        assert s.scalar(select(func.count(WebSession.id))) == 0
        assert authenticate(s, "amina", OLD) is None
        assert authenticate(s, "amina", NEW) is not None
        events = [e.event for e in s.scalars(select(SecurityEvent))]
        assert events == [seclog.PASSWORD_SET]
    short = run("user", "passwd", "amina", "--password-stdin", env=env, stdin="short\n")
    assert short.returncode != 0 and "password too short" in short.stderr
    unknown = run("user", "passwd", "nobody", "--password-stdin", env=env, stdin=f"{NEW}\n")
    assert unknown.returncode != 0 and "unknown user 'nobody'" in unknown.stderr
    # --must-change: an operator's reset, the user picks a new password at sign-in
    reset = run(
        "user", "passwd", "amina", "--must-change", "--password-stdin", env=env, stdin=f"{OLD}\n"
    )
    assert reset.returncode == 0, reset.stderr
    with db.sessions() as s:
        amina = get_user(s, "amina")
        assert amina is not None and amina.must_change_password
    db.close()


def test_user_unlock_lifts_a_lock_at_once(env: dict[str, str], db: Database) -> None:
    until = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
    with db.sessions.begin() as s:
        s.execute(update(User).values(failed_logins=7, locked_until=until))
    listed = run("user", "list", env=env)
    assert f"amina\tadmin\tactive, locked until {until:%H:%M} UTC" in listed.stdout
    result = run("user", "unlock", "amina", env=env)
    assert result.returncode == 0, result.stderr
    assert "user amina unlocked" in result.stdout
    with db.sessions() as s:
        amina = get_user(s, "amina")
        assert amina is not None and amina.locked_until is None and amina.failed_logins == 0
        assert s.scalar(select(SecurityEvent.event)) == seclog.USER_UNLOCKED
    assert run("user", "list", env=env).stdout.splitlines() == ["amina\tadmin\tactive"]
    db.close()


def test_user_add_folds_case_and_refuses_look_alikes(env: dict[str, str], db: Database) -> None:
    added = run("user", "add", "Bakary", "--password-stdin", env=env, stdin=f"{OLD}\n")
    assert added.returncode == 0, added.stderr
    assert "user bakary added (reviewer)" in added.stdout
    for name, message in (
        ("BAKARY", "already exists"),
        ("\u0430mina", "invalid username"),  # Cyrillic а
        ("ami na", "invalid username"),
    ):
        result = run("user", "add", name, "--password-stdin", env=env, stdin=f"{OLD}\n")
        assert result.returncode != 0 and message in result.stderr, name
    with db.sessions() as s:
        assert sorted(s.scalars(select(User.username))) == ["amina", "bakary"]
    db.close()


def test_status_summarises_the_security_log(env: dict[str, str], db: Database) -> None:
    with db.sessions.begin() as s:
        seclog.record(s, seclog.LOGIN_OK, username="amina", address="127.0.0.1")
        for _ in range(3):
            seclog.record(s, seclog.LOGIN_FAILED, username="amina", address="192.0.2.1")
        seclog.record(s, seclog.ACCOUNT_LOCKED, username="amina", address="192.0.2.1")
        seclog.record(s, seclog.ROLE_CHANGED, username="amina", detail={"to": "admin"})
        seclog.record(s, seclog.EXPORT, username="amina")
    status = run("status", env=env)
    assert status.returncode == 0, status.stderr
    assert (
        "security (24 h): 1 sign-ins, 3 failed, 1 account locks, 0 address throttles, "
        "1 account/token changes, 1 exports" in status.stdout
    )
    assert "last account change: role changed amina" in status.stdout
    db.close()


def test_user_disable_ends_the_users_sessions(env: dict[str, str], db: Database) -> None:
    with db.sessions.begin() as s:
        amina = get_user(s, "amina")
        assert amina is not None
        websessions.start(s, amina, "127.0.0.1")
    assert run("user", "disable", "amina", env=env).returncode == 0
    with db.sessions() as s:
        assert s.scalar(select(func.count(WebSession.id))) == 0
        assert s.scalar(select(SecurityEvent.event)) == seclog.USER_DISABLED
    db.close()


def test_migration_folds_existing_usernames_unless_they_collide(tmp_path: Path) -> None:
    from sqlalchemy import text

    from storage.db import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(engine, "0003")
    with engine.begin() as conn:
        for name in ("Bob", "bob", "Carol", "Ｄｅｅ", "b\u043eb"):
            conn.execute(
                text(
                    "INSERT INTO users (username, password_hash, role, active, created_at, "
                    "failed_logins) VALUES (:n, 'x', 'reviewer', 1, '2026-01-01', 0)"
                ),
                {"n": name},
            )
    upgrade(engine)
    with engine.connect() as conn:
        names = sorted(conn.execute(text("SELECT username FROM users")).scalars())
    # Bob would collide with bob and the Cyrillic name is not allowed: both kept as
    # they are, for an admin to rename; the others are folded
    assert names == sorted(["Bob", "bob", "carol", "dee", "b\u043eb"])
    db = Database.open(f"sqlite:///{tmp_path / 'm.sqlite3'}", migrate=False)
    with db.sessions() as s:
        legacy, folded = get_user(s, "Bob"), get_user(s, "BOB")
        assert legacy is not None and legacy.username == "Bob"
        assert folded is not None and folded.username == "bob"
        carol = get_user(s, "CAROL")
        assert carol is not None and carol.username == "carol"
    db.close()
    engine.dispose()
