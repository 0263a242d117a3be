"""``civwatch serve`` refuses to start without a secret key; ``civwatch token`` commands."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from review.commands import serve_cmd, token_group
from settings import Settings
from storage import Database
from storage.models import ApiToken
from storage.users import add_user, user_for_token


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    return Settings.from_env({}, data_dir=tmp_path / "data", **overrides)


def test_serve_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = CliRunner().invoke(serve_cmd, [], obj={"settings": _settings(tmp_path)})
    assert result.exit_code == 1
    assert "CIVWATCH_SECRET_KEY is not set" in result.output
    assert "Traceback" not in result.output


def test_serve_refuses_a_too_short_secret_key(tmp_path: Path) -> None:
    settings = _settings(tmp_path, secret_key="short")
    result = CliRunner().invoke(serve_cmd, ["--port", "1"], obj={"settings": settings})
    assert result.exit_code == 1
    assert "too short" in result.output


def test_token_create_list_revoke(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    db = Database.open(settings.db_url)
    with db.sessions.begin() as s:
        add_user(s, "rita", "long enough password", "reviewer")
    runner = CliRunner()
    obj = {"settings": settings}
    created = runner.invoke(token_group, ["create", "rita", "dashboard"], obj=obj)
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[0]
    assert token.startswith("cw_")
    with db.sessions.begin() as s:
        user = user_for_token(s, token)
        assert user is not None and user.username == "rita"
        token_id = s.scalar(select(ApiToken.id))
        stored = s.scalar(select(ApiToken.token_hash))
    assert stored is not None and token not in stored  # only the hash is kept
    listed = runner.invoke(token_group, ["list"], obj=obj)
    assert listed.exit_code == 0
    assert f"{token_id}\trita\tdashboard" in listed.output and "active" in listed.output
    assert token not in listed.output
    revoked = runner.invoke(token_group, ["revoke", str(token_id)], obj=obj)
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    with db.sessions.begin() as s:
        assert user_for_token(s, token) is None
    assert "revoked" in runner.invoke(token_group, ["list"], obj=obj).output
    unknown = runner.invoke(token_group, ["create", "nobody", "x"], obj=obj)
    assert unknown.exit_code == 1 and "unknown user 'nobody'" in unknown.output
    missing = runner.invoke(token_group, ["revoke", "999"], obj=obj)
    assert missing.exit_code == 1 and "unknown token id 999" in missing.output
    db.close()
