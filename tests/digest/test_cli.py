"""``civwatch digest`` end to end, and digest profiles from a YAML file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from digest.profiles import Profile, ProfileError, parse_profiles
from storage import Database
from tests.digest.conftest import SmtpServer
from tests.digest.scenario import populate

PROFILES = """
profiles:
  - name: mali
    recipients: [desk@monitor.test]
    countries: [ml]
    admin1: [Mopti]
    language: fr
    send_at: 06:30
  - name: severe
    recipients: [alerts@monitor.test]
    min_killed: 20
    actor_types: [foreign_forces]
    match: any
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    db_file = tmp_path / "civwatch.sqlite3"
    db = Database.open(f"sqlite:///{db_file}")
    with db.sessions.begin() as session:
        populate(session)
    db.close()
    return {
        "CIVWATCH_DATA_DIR": str(tmp_path / "data"),
        "CIVWATCH_DATABASE_URL": f"sqlite:///{db_file}",
        "CIVWATCH_DIGEST_TO": "desk@monitor.test",
        "CIVWATCH_DIGEST_FROM": "civwatch@monitor.test",
        "CIVWATCH_SMTP_TLS": "none",
        "CIVWATCH_SMTP_HOST": "",
    }


def _run(args: list[str], env: dict[str, str]):
    return CliRunner().invoke(main, args, env=env, catch_exceptions=False)


def test_files_for_a_day_without_a_mail_server(env: dict[str, str], tmp_path: Path) -> None:
    result = _run(["digest", "--date", "2026-11-24"], env)
    assert result.exit_code == 0, result.output
    assert "digest default 2026-11-24" in result.output and ": built;" in result.output
    folder = tmp_path / "data" / "digests" / "default" / "2026-11-24"
    data = json.loads((folder / "digest.json").read_text())
    assert data["period"]["start"] == "2026-11-24T00:00:00+00:00"
    assert data["totals"]["new_incidents"] == 7
    assert "19–22 killed" in (folder / "digest.md").read_text()


def test_send_once_then_resend(env: dict[str, str], smtp_server: SmtpServer) -> None:
    env = {**env, "CIVWATCH_SMTP_HOST": "127.0.0.1", "CIVWATCH_SMTP_PORT": str(smtp_server.port)}
    first = _run(["digest", "--date", "2026-11-24", "--send"], env)
    second = _run(["digest", "--date", "2026-11-24", "--send"], env)
    assert first.exit_code == 0 and ": sent;" in first.output, first.output
    assert second.exit_code == 0 and ": already_sent;" in second.output, second.output
    assert len(smtp_server.received) == 1
    third = _run(["digest", "--date", "2026-11-24", "--resend"], env)
    assert third.exit_code == 0 and ": sent;" in third.output
    assert len(smtp_server.received) == 2


def test_failed_send_exits_nonzero_and_shows_in_status(env: dict[str, str]) -> None:
    result = _run(["digest", "--date", "2026-11-24", "--send"], env)
    assert result.exit_code == 1
    assert "sending failed for default" in result.output
    assert "CIVWATCH_SMTP_HOST" in result.output
    status = _run(["status"], env)
    line = next(x for x in status.output.splitlines() if "digest:default" in x)
    assert "failed" in line and "CIVWATCH_SMTP_HOST" in line


def test_profiles_file_and_profile_option(env: dict[str, str], tmp_path: Path) -> None:
    profiles = tmp_path / "profiles.yaml"
    profiles.write_text(PROFILES)
    env = {**env, "CIVWATCH_DIGEST_PROFILES": str(profiles)}
    result = _run(["digest", "--date", "2026-11-24", "--profile", "mali"], env)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "data" / "digests" / "mali" / "2026-11-24"
    text = (folder / "digest.txt").read_text()
    assert "Bulletin civwatch" in text and "Mali / Mopti (2)" in text
    assert "Burkina Faso" not in text.split("MODIFICATIONS")[0]
    both = _run(["digest", "--date", "2026-11-24"], env)
    assert "digest mali" in both.output and "digest severe" in both.output
    unknown = _run(["digest", "--profile", "nope"], env)
    assert unknown.exit_code == 1 and "unknown profile(s) nope" in unknown.output


def test_out_option_and_empty_day(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    result = _run(["digest", "--date", "2026-10-01", "--out", str(out)], env)
    assert result.exit_code == 0, result.output
    assert "0 new, 0 changed" in result.output
    assert "Nothing new in this period" in (out / "digest.txt").read_text()
    assert (out / "map.png").read_bytes().startswith(b"\x89PNG")


def test_bad_profiles_file_is_one_clear_line(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("profiles:\n  - name: Bad Name\n")
    result = _run(["digest"], {**env, "CIVWATCH_DIGEST_PROFILES": str(bad)})
    assert result.exit_code == 1
    assert "profile #1: name must match" in result.output
    assert "Traceback" not in result.output


def test_parse_profiles() -> None:
    profiles = parse_profiles(PROFILES)
    mali = profiles["mali"]
    assert mali.countries == ("ML",) and mali.language == "fr"
    assert mali.send_time() == (6, 30)  # an unquoted YAML 06:30 is base-60 390
    assert mali.place_matches("ML", "mopti") and not mali.place_matches("ML", "Gao")
    severe = profiles["severe"]
    assert severe.thresholds_met(25, None, set())
    assert severe.thresholds_met(0, None, {"Foreign forces"})
    assert not severe.thresholds_met(19, 19, {"armed_group"})
    assert Profile(min_killed=5).thresholds_met(None, None, set()) is False
    for text, message in [
        ("profiles: []", "no profile defined"),
        ("nope: 1", "expected a mapping with a 'profiles' list"),
        ("profiles:\n  - {name: a, language: de}", "language must be one of"),
        ("profiles:\n  - {name: a, recipients: ['x\\r\\nBcc: y@z.t']}", "not an e-mail address"),
        ("profiles:\n  - {name: a, min_killed: -1}", "min_killed must be a whole number"),
        ("profiles:\n  - {name: a}\n  - {name: a}", "duplicate name"),
        ("profiles:\n  - {name: a, colour: red}", "unknown key(s) colour"),
        ("profiles:\n  - {name: a, send_at: '25:00'}", "send_at must be HH:MM"),
    ]:
        with pytest.raises(ProfileError, match=message.replace("(", r"\(").replace(")", r"\)")):
            parse_profiles(text)
