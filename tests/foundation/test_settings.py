"""Settings: documented defaults, environment overrides, secrets only from the environment."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from settings import DEFAULT_SOURCES, Settings, SettingsError


def test_defaults_without_environment() -> None:
    s = Settings.from_env({})
    assert s.database_url == ""
    assert s.db_url == f"sqlite:///{s.data_dir / 'civwatch.sqlite3'}"
    assert s.sources == DEFAULT_SOURCES
    assert s.languages == ("en", "fr")
    assert s.focus_countries == ("ML", "BF", "NE")
    # Secrets have no default.
    assert s.secret_key == "" and s.smtp_password == "" and s.acled_password == ""


def test_every_field_is_documented_and_has_its_own_variable() -> None:
    names = [f.metadata["env"] for f in fields(Settings)]
    assert len(names) == len(set(names))
    assert all(n.startswith("CIVWATCH_") for n in names)
    assert all(len(f.metadata["doc"]) > 10 for f in fields(Settings))


def test_environment_overrides(tmp_path: Path) -> None:
    env = {
        "CIVWATCH_DATA_DIR": str(tmp_path),
        "CIVWATCH_DATABASE_URL": "postgresql+psycopg://u@h/db",
        "CIVWATCH_LANGUAGES": "fr, en ,ar",
        "CIVWATCH_HTTP_CACHE": "yes",
        "CIVWATCH_SMTP_PORT": "2525",
        "CIVWATCH_MERGE_DISTANCE_KM": "12.5",
        "CIVWATCH_SMTP_TLS": "none",
    }
    s = Settings.from_env(env)
    assert s.data_dir == tmp_path
    assert s.db_url == "postgresql+psycopg://u@h/db"
    assert s.languages == ("fr", "en", "ar")
    assert s.http_cache is True
    assert s.smtp_port == 2525
    assert s.merge_distance_km == 12.5
    assert s.smtp_tls == "none"


def test_secret_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("s3cret-from-file\n")
    s = Settings.from_env({"CIVWATCH_SECRET_KEY_FILE": str(secret)})
    assert s.secret_key == "s3cret-from-file"
    with pytest.raises(SettingsError, match="CIVWATCH_SECRET_KEY_FILE: cannot read"):
        Settings.from_env({"CIVWATCH_SECRET_KEY_FILE": str(tmp_path / "nope")})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CIVWATCH_SMTP_PORT": "twenty"}, "CIVWATCH_SMTP_PORT='twenty'"),
        ({"CIVWATCH_HTTP_CACHE": "maybe"}, "expected true/false"),
        ({"CIVWATCH_SMTP_TLS": "tls13"}, "must be starttls, ssl or none"),
        ({"CIVWATCH_FIGURES_POLICY": "highest"}, "must be conservative or best"),
        ({"CIVWATCH_NLP_BATCH_SIZE": "0"}, "at least 1"),
    ],
)
def test_bad_values_are_one_clear_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(")):
        Settings.from_env(env)


def test_describe_masks_secrets() -> None:
    s = Settings.from_env({"CIVWATCH_SMTP_PASSWORD": "hunter2hunter2"})
    rows = {name: value for name, value, _ in s.describe()}
    assert rows["CIVWATCH_SMTP_PASSWORD"] == "(set)"
    assert rows["CIVWATCH_SECRET_KEY"] == "(unset)"
    assert "hunter2" not in repr(rows)
