"""The sources file: load and validate ``sources.yaml`` (see DESIGN.md).

A bad entry is reported with its line and the reason; the good entries still
load. A file that is not YAML at all, or has no ``sources`` list, is refused
whole with :class:`SourcesFileError`. No Scrapy or database imports here: the
CLI, the spiders and the scheduler all read sources through this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

KINDS = ("feed", "sitemap", "listing", "un_news", "reliefweb", "acled_api", "acled_pages")
LANGS = ("en", "fr", "auto")
KEY_RE = re.compile(r"^[a-z0-9_]+$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
REQUIRED = ("key", "kind", "url")
# Optional per-entry settings, kept in SourceEntry.options.
OPTIONS = {
    "link_pattern": str,  # listing: regex a link must match to be an article
    "next_pattern": str,  # listing: regex of the next index page
    "max_pages": int,  # listing / API pagination limit per run
    "page_size": int,  # API sources (reliefweb, acled_api): rows per request
    "group": str,  # scheduler group with its own interval
    "allowed_domains": list,  # extra domains articles may live on
    "unverified": bool,  # address not verified by the maintainers
    "note": str,
}


class SourcesFileError(ValueError):
    """The sources file cannot be read at all."""


@dataclass(frozen=True)
class SourceEntry:
    key: str
    name: str
    kind: str
    url: str
    lang: str = "auto"
    countries: tuple[str, ...] = ()
    enabled: bool = True
    options: dict[str, Any] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class EntryError:
    line: int
    key: str | None
    reason: str

    def __str__(self) -> str:
        who = f" ({self.key})" if self.key else ""
        return f"line {self.line}{who}: {self.reason}"


@dataclass
class SourcesFile:
    path: Path
    entries: list[SourceEntry]
    errors: list[EntryError]

    def get(self, key: str) -> SourceEntry | None:
        return next((e for e in self.entries if e.key == key), None)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records each mapping's 1-based line under ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_sources(path: Path | str) -> SourcesFile:
    """Read and validate a sources file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesFileError(f"cannot read sources file {path}: {exc}") from exc
    return parse_sources(text, path)


def parse_sources(text: str, path: Path | str = "<string>") -> SourcesFile:
    try:
        doc = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SourcesFileError(f"{path}: not valid YAML{where}: {problem}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("sources"), list):
        raise SourcesFileError(f"{path}: expected a top-level 'sources:' list")
    entries: list[SourceEntry] = []
    errors: list[EntryError] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(doc["sources"]):
        if not isinstance(raw, dict):
            errors.append(EntryError(0, None, f"entry {index + 1} is not a mapping"))
            continue
        line = int(raw.pop("__line__", 0))
        key = raw.get("key") if isinstance(raw.get("key"), str) else None
        try:
            entry = _entry(raw, line)
        except ValueError as exc:
            errors.append(EntryError(line, key, str(exc)))
            continue
        if entry.key in seen:
            errors.append(
                EntryError(line, entry.key, f"duplicate key, first used at line {seen[entry.key]}")
            )
            continue
        seen[entry.key] = line
        entries.append(entry)
    return SourcesFile(Path(path), entries, errors)


def _entry(raw: dict[str, Any], line: int) -> SourceEntry:
    for name in REQUIRED:
        if raw.get(name) in (None, ""):
            raise ValueError(f"missing '{name}'")
    key, kind, url = raw["key"], raw["kind"], raw["url"]
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise ValueError(f"key {key!r} must match [a-z0-9_]+")
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    if not isinstance(url, str) or not re.match(r"^https?://[^\s/]+", url):
        raise ValueError(f"url {url!r} is not an http(s) address")
    lang = raw.get("lang", "auto")
    if lang not in LANGS:
        raise ValueError(f"lang {lang!r} must be one of {', '.join(LANGS)}")
    countries = raw.get("countries", [])
    if isinstance(countries, str):
        countries = [countries]
    if not isinstance(countries, list) or not all(
        isinstance(c, str) and COUNTRY_RE.match(c) for c in countries
    ):
        raise ValueError("countries must be a list of ISO alpha-2 codes such as [ML, BF]")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ValueError(f"enabled must be true or false, not {enabled!r}")
    name = raw.get("name") or key
    options: dict[str, Any] = {}
    for opt, value in raw.items():
        if opt in ("key", "name", "kind", "url", "lang", "countries", "enabled"):
            continue
        if opt not in OPTIONS:
            raise ValueError(f"unknown field {opt!r}")
        if not isinstance(value, OPTIONS[opt]):
            raise ValueError(f"{opt} must be a {OPTIONS[opt].__name__}")
        if opt in ("link_pattern", "next_pattern"):
            try:
                re.compile(str(value))
            except re.error as exc:
                raise ValueError(f"{opt} is not a valid regular expression: {exc}") from exc
        options[opt] = value
    if kind == "listing" and "link_pattern" not in options:
        raise ValueError("a listing source needs link_pattern")
    return SourceEntry(
        key=key,
        name=str(name),
        kind=kind,
        url=url,
        lang=lang,
        countries=tuple(countries),
        enabled=enabled,
        options=options,
        line=line,
    )
