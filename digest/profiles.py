"""Digest profiles: who gets which digest, for which places, above which thresholds.

Profiles come from the YAML file named by ``CIVWATCH_DIGEST_PROFILES``::

    profiles:
      - name: mali              # [a-z0-9_-]+, also the folder name of its files
        recipients: [desk@example.org]
        countries: [ML]         # ISO alpha-2; empty or absent: every country
        admin1: [Mopti, Ségou]  # optional, compared case- and accent-insensitively
        min_killed: 5           # thresholds (optional) ...
        min_civilians_killed: 1
        actor_types: [foreign_forces]   # "foreign forces involved"
        match: any              # any | all (default all): how thresholds combine
        language: fr            # en | fr: the digest's own labels
        send_at: "07:00"        # local time (CIVWATCH_TIMEZONE) a scheduled digest closes

Without that file there is one profile, ``default``: every country, no
threshold, English, sent to ``CIVWATCH_DIGEST_TO``. Thresholds select the *new*
incidents listed; changes to known incidents are filtered by place only, since
a revision from 3 to 30 killed matters whatever the old figure was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nlp.textnorm import fold_casefold as fold
from settings import Settings

LANGUAGES = ("en", "fr")
NAME_RE = re.compile(r"^[a-z0-9_-]{1,64}$")
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
EMAIL_RE = re.compile(r"^[^@\s<>,;\"']+@[^@\s<>,;\"']+$")
KNOWN_KEYS = {
    "name",
    "recipients",
    "countries",
    "admin1",
    "min_killed",
    "min_civilians_killed",
    "actor_types",
    "match",
    "language",
    "send_at",
}


class ProfileError(ValueError):
    """The profiles file is missing, unreadable or has a bad entry (one clear line)."""


def actor_type_key(text: str) -> str:
    """``Foreign forces`` / ``foreign-forces`` / ``foreign_forces`` → ``foreign_forces``."""
    return re.sub(r"[\s\-]+", "_", fold(text))


@dataclass(frozen=True)
class Profile:
    """One digest audience."""

    name: str = "default"
    recipients: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    admin1: tuple[str, ...] = ()
    min_killed: int | None = None
    min_civilians_killed: int | None = None
    actor_types: tuple[str, ...] = ()
    match: str = "all"
    language: str = "en"
    send_at: str = "07:00"

    @property
    def has_thresholds(self) -> bool:
        return (
            self.min_killed is not None
            or self.min_civilians_killed is not None
            or bool(self.actor_types)
        )

    def send_time(self) -> tuple[int, int]:
        """(hour, minute) of ``send_at``."""
        m = TIME_RE.match(self.send_at)
        assert m is not None  # validated on load
        return int(m.group(1)), int(m.group(2))

    def place_matches(self, country: str | None, admin1: str | None) -> bool:
        """Whether a place is inside this profile's country / admin1 filter."""
        if self.countries and (country or "").upper() not in self.countries:
            return False
        if self.admin1:
            wanted = {fold(a) for a in self.admin1}
            return admin1 is not None and fold(admin1) in wanted
        return True

    def thresholds_met(
        self, killed: int | None, civilians_killed: int | None, actor_types: set[str]
    ) -> bool:
        """Whether an incident's figures/actors pass the thresholds (True when none)."""
        tests: list[bool] = []
        if self.min_killed is not None:
            tests.append(killed is not None and killed >= self.min_killed)
        if self.min_civilians_killed is not None:
            tests.append(
                civilians_killed is not None and civilians_killed >= self.min_civilians_killed
            )
        if self.actor_types:
            wanted = {actor_type_key(t) for t in self.actor_types}
            tests.append(bool(wanted & {actor_type_key(t) for t in actor_types}))
        if not tests:
            return True
        return any(tests) if self.match == "any" else all(tests)


def default_profile(settings: Settings) -> Profile:
    """The profile used when no profiles file is configured."""
    return Profile(name="default", recipients=tuple(settings.digest_to))


def load_profiles(settings: Settings) -> dict[str, Profile]:
    """Profiles by name, from ``settings.digest_profiles`` or the default one."""
    if not settings.digest_profiles:
        profile = default_profile(settings)
        return {profile.name: profile}
    path = Path(settings.digest_profiles).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"CIVWATCH_DIGEST_PROFILES: cannot read {path}: {exc}") from exc
    return parse_profiles(text, source=str(path))


def parse_profiles(text: str, *, source: str = "profiles") -> dict[str, Profile]:
    """Parse a profiles YAML document; every problem is reported with its entry."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProfileError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("profiles"), list):
        raise ProfileError(f"{source}: expected a mapping with a 'profiles' list")
    profiles: dict[str, Profile] = {}
    for index, entry in enumerate(data["profiles"], start=1):
        profile = _profile(entry, f"{source}: profile #{index}")
        if profile.name in profiles:
            raise ProfileError(f"{source}: profile #{index}: duplicate name {profile.name!r}")
        profiles[profile.name] = profile
    if not profiles:
        raise ProfileError(f"{source}: no profile defined")
    return profiles


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ProfileError(f"{where}: {key} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _count(value: Any, where: str, key: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ProfileError(f"{where}: {key} must be a whole number >= 0, not {value!r}")
    return value


def _profile(entry: Any, where: str) -> Profile:
    if not isinstance(entry, dict):
        raise ProfileError(f"{where}: expected a mapping")
    unknown = set(entry) - KNOWN_KEYS
    if unknown:
        raise ProfileError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    name = entry.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ProfileError(f"{where}: name must match [a-z0-9_-]+, not {name!r}")
    where = f"{where} ({name})"
    recipients = _strings(entry.get("recipients"), where, "recipients")
    for address in recipients:
        if not EMAIL_RE.match(address):
            raise ProfileError(f"{where}: not an e-mail address: {address!r}")
    countries = tuple(c.upper() for c in _strings(entry.get("countries"), where, "countries"))
    for c in countries:
        if not re.fullmatch(r"[A-Z]{2}", c):
            raise ProfileError(f"{where}: countries are ISO alpha-2 codes, not {c!r}")
    language = entry.get("language", "en")
    if language not in LANGUAGES:
        raise ProfileError(f"{where}: language must be one of {LANGUAGES}, not {language!r}")
    match = entry.get("match", "all")
    if match not in ("any", "all"):
        raise ProfileError(f"{where}: match must be any or all, not {match!r}")
    raw_time = entry.get("send_at", "07:00")
    if isinstance(raw_time, int) and not isinstance(raw_time, bool):
        # YAML 1.1 reads an unquoted 07:00 as the base-60 integer 420
        raw_time = f"{raw_time // 60:02d}:{raw_time % 60:02d}"
    send_at = str(raw_time)
    if not TIME_RE.match(send_at):
        raise ProfileError(f"{where}: send_at must be HH:MM, not {send_at!r}")
    return Profile(
        name=name,
        recipients=recipients,
        countries=countries,
        admin1=_strings(entry.get("admin1"), where, "admin1"),
        min_killed=_count(entry.get("min_killed"), where, "min_killed"),
        min_civilians_killed=_count(
            entry.get("min_civilians_killed"), where, "min_civilians_killed"
        ),
        actor_types=_strings(entry.get("actor_types"), where, "actor_types"),
        match=match,
        language=language,
        send_at=send_at,
    )
