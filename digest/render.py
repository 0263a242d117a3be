"""A digest's content as HTML, plain text, Markdown and JSON.

HTML goes through Jinja2 with autoescaping on, so a title or place name with
markup shows as text. Plain text and Markdown collapse every stored string to
one line (an injected newline cannot start a fake heading or header), and
Markdown additionally escapes HTML and Markdown syntax, since Markdown
renderers pass raw HTML through.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from digest.content import ChangeItem, DigestContent, Figure, IncidentEntry
from digest.outlines import OUTLINES_FILE, Outlines
from storage.models import CLAIM_KINDS

HERE = Path(__file__).resolve().parent
LABELS_FILE = HERE / "data" / "labels.yaml"
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
MD_SPECIAL_RE = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def one_line(value: Any) -> str:
    """Any stored text as one line: control characters and runs of spaces become one space."""
    if value is None:
        return ""
    return re.sub(r"\s+", " ", CONTROL_RE.sub(" ", str(value))).strip()


def wrap(value: Any, indent: int = 4, width: int = 78) -> str:
    """One-line text folded for the plain-text part (continuation lines indented)."""
    return textwrap.fill(
        one_line(value),
        width=width,
        subsequent_indent=" " * indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def md_escape(value: Any) -> str:
    """Text safe inside Markdown: one line, HTML characters as entities, syntax escaped."""
    text = one_line(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MD_SPECIAL_RE.sub(r"\\\1", text)


def md_url(value: Any) -> str:
    """A URL usable as a Markdown link target (no spaces or parentheses to break it)."""
    text = one_line(value)
    return text.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace(">", "%3E")


def safe_url(value: Any) -> str:
    """Only http(s) links are rendered as links; anything else (javascript:…) becomes ``#``."""
    text = one_line(value)
    return text if re.match(r"^https?://", text, re.IGNORECASE) else "#"


@dataclass(frozen=True)
class Rendered:
    subject: str
    html_email: str  # images referenced as cid:
    html_file: str  # images referenced as files beside it
    text: str
    markdown: str
    json: str


class Labels:
    """The digest's own words in one language, and the formatting that uses them."""

    def __init__(self, language: str, timezone: str, country_names: dict[str, dict[str, str]]):
        all_labels = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
        self.language = language
        self.words: dict[str, Any] = {**all_labels["en"], **all_labels.get(language, {})}
        self.zone = ZoneInfo(timezone)
        self.country_names = country_names

    def __getitem__(self, key: str) -> Any:
        return self.words[key]

    def country(self, iso2: str | None) -> str:
        if not iso2:
            return self.words["no_place"]
        names = self.country_names.get(iso2.upper())
        if not names:
            return iso2
        return names.get(self.language) or names.get("en") or iso2

    def group_title(self, country: str | None, admin1: str | None) -> str:
        if country is None and admin1 is None:
            return self.words["no_place"]
        return " / ".join(p for p in (self.country(country), one_line(admin1)) if p)

    def when(self, moment: dt.datetime) -> str:
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M %Z")

    def event_date(self, e: IncidentEntry) -> str:
        if e.event_date is None:
            return self.words["unknown_date"]
        text = e.event_date.isoformat()
        if e.event_date_end and e.event_date_end != e.event_date:
            text = f"{text} – {e.event_date_end.isoformat()}"
        prefix = self.words["date_precision"].get(e.date_precision, "")
        return f"{prefix} {text}".strip()

    def place(self, e: IncidentEntry) -> str:
        parts = [one_line(e.place)] if e.place else []
        for part in (e.admin2, e.admin1):
            if part and one_line(part) not in parts:
                parts.append(one_line(part))
        if e.country and self.country(e.country) not in parts:
            parts.append(self.country(e.country))
        text = ", ".join(parts) or self.words["no_place"]
        precision = self.words["place_precision"].get(e.place_precision, "")
        return f"{text} ({precision})" if precision else text

    def figure_range(self, lo: int | None, hi: int | None) -> str:
        if lo is not None and hi is not None:
            return str(lo) if lo == hi else f"{lo}–{hi}"
        if lo is not None:
            return self.words["at_least"].format(n=lo)
        if hi is not None:
            return f"≤ {hi}"
        return "?"

    def figure(self, f: Figure) -> str:
        text = f"{self.figure_range(f.min, f.max)} {self.words[f.kind]}"
        if f.n_claims > 1 or f.n_sources > 1:
            lo, hi = f.claims_low, f.claims_high
            figures = "?" if lo is None else (str(lo) if lo == hi else f"{lo}–{hi}")
            noun = self.words["source_one" if f.n_sources == 1 else "source_many"]
            text += " (" + self.words["claims"].format(figures=figures, n=f.n_sources, sources=noun)
            text += ")"
        return text

    def figures(self, e: IncidentEntry) -> str:
        return "; ".join(self.figure(f) for f in e.figures) or "—"

    def actors(self, actors: list[Any]) -> str:
        return ", ".join(one_line(a.name) for a in actors) or "—"

    def event(self, e: IncidentEntry) -> str:
        """One event, several records (one per victim side): the total and per side."""
        ev = e.event
        if ev is None:
            return ""
        names = self.words["side_names"]
        sides = ", ".join(
            f"{names.get(k, k)} {self.figure_range(*v)}" for k, v in sorted(ev.sides.items())
        )
        return str(self.words["event_group"]).format(
            n=len(ev.record_ids),
            others=", ".join(f"#{i}" for i in ev.record_ids if i != e.id),
            total=self.figure_range(*ev.killed),
            killed=self.words["killed"],
            sides=sides,
        )

    def victims(self, categories: list[str]) -> str:
        names = self.words["victim_names"]
        return ", ".join(one_line(names.get(c, c)) for c in categories)

    def match(self, e: IncidentEntry) -> str:
        table = self.words["match"]
        if e.match_label not in ("matches", "conflicts", "novel"):
            return table["none"]
        dataset = (e.match_dataset or "ACLED").upper()
        return table[e.match_label].format(dataset=dataset, dataset_any=self.words["dataset_any"])

    def status(self, status: str) -> str:
        return self.words["statuses"].get(status, status)

    def change(self, item: ChangeItem) -> str:
        """One change as one line of our own words plus the values it carries."""
        who = self.words["by"].format(who=one_line(item.by) if item.by else self.words["pipeline"])
        if item.kind == "status":
            text = self.words["actions"].get(item.action, item.action)
            if item.merged_into is not None:
                text = self.words["merged_into"].format(id=item.merged_into)
            if item.note:
                label = self.words["reason" if item.action == "reject" else "note"]
                text += f" ({label}: {one_line(item.note)})"
            return f"{self.words['status_changed']}: {text}, {who}"
        if item.kind in ("merged_from", "split"):
            key = "absorbed" if item.kind == "merged_from" else "split_out"
            text = self.words[key].format(id=item.related if item.related is not None else "?")
            if item.fields:
                text += f"; {self.words['figures_revised']}: {self.figure_changes(item)}"
            return f"{text}, {who}"
        if item.kind == "sources":
            names = ", ".join(one_line(s.source or s.title or s.url) for s in item.sources)
            return f"{self.words['new_sources']}: {names or '?'}, {who}"
        if item.kind == "figures":
            return f"{self.words['figures_revised']}: {self.figure_changes(item)}, {who}"
        names = self.words["field_names"]
        fields = "; ".join(
            f"{names.get(name, name)}: {_value(old)} → {_value(new)}"
            for name, old, new in item.fields
        )
        return f"{self.words['edited']}: {fields}, {who}"

    def figure_changes(self, item: ChangeItem) -> str:
        values = {name: (old, new) for name, old, new in item.fields}
        parts = []
        for kind in CLAIM_KINDS:
            lo_key, hi_key = f"{kind}_min", f"{kind}_max"
            if lo_key not in values and hi_key not in values:
                continue
            old_lo, new_lo = values.get(lo_key, (None, None))
            old_hi, new_hi = values.get(hi_key, (None, None))
            if lo_key not in values:  # only the max moved: show it alone
                parts.append(f"{self.words[kind]} (max) {_value(old_hi)} → {_value(new_hi)}")
                continue
            if hi_key not in values:
                parts.append(f"{self.words[kind]} (min) {_value(old_lo)} → {_value(new_lo)}")
                continue
            old = self.figure_range(old_lo, old_hi) if (old_lo, old_hi) != (None, None) else "—"
            new = self.figure_range(new_lo, new_hi) if (new_lo, new_hi) != (None, None) else "—"
            parts.append(f"{self.words[kind]} {old} → {new}")
        if "civilians_killed" in values:
            old, new = values["civilians_killed"]
            parts.append(f"{self.words['victims']} (civ.) {_value(old)} → {_value(new)}")
        return "; ".join(parts)

    def subject(self, content: DigestContent) -> str:
        key = "subject_empty" if content.is_empty else "subject"
        text = self.words[key].format(
            profile=content.profile.name,
            day=content.period.day.isoformat(),
            new=content.totals.new_incidents,
            changed=len(content.changes),
        )
        return one_line(text)[:200]

    def unverified(self, content: DigestContent) -> str:
        """The caveat beside machine totals ("" when a reviewer confirmed every one)."""
        t = content.totals
        if not t.unverified:
            return ""
        note = self.words["unverified_note"].format(n=t.unverified, total=t.new_incidents)
        return f"{self.words['unverified']} — {note}"

    def health_line(self, w: Any) -> str:
        parts = [self.words["health"].get(w.health, w.health)]
        if w.reason:
            parts.append(one_line(w.reason))
        if w.consecutive_failures:
            parts.append(self.words["failures"].format(n=w.consecutive_failures))
        if w.zero_article_runs:
            parts.append(self.words["silent"].format(n=w.zero_article_runs))
        last = self.when(w.last_success_at) if w.last_success_at else self.words["never"]
        parts.append(self.words["last_success"].format(when=last))
        return "; ".join(parts)

    def profile_filter(self, content: DigestContent) -> str:
        p = content.profile
        parts = [", ".join(p.countries) if p.countries else self.words["all_countries"]]
        if p.admin1:
            parts.append(", ".join(p.admin1))
        if p.min_killed is not None:
            parts.append(f"{self.words['killed']} ≥ {p.min_killed}")
        if p.min_civilians_killed is not None:
            parts.append(f"{self.words['victims']} (civ.) ≥ {p.min_civilians_killed}")
        if p.actor_types:
            parts.append(", ".join(p.actor_types))
        return (" | " if p.match == "all" else " / ").join(parts)


def _value(v: Any) -> str:
    return "—" if v is None else one_line(v)


def country_names(outlines_file: Path = OUTLINES_FILE) -> dict[str, dict[str, str]]:
    """ISO alpha-2 -> {"en": name, "fr": name} from the shipped Natural Earth labels."""
    return {
        row["iso2"]: {"en": row["name"], "fr": row["name_fr"]}
        for row in Outlines.load(outlines_file).labels
        if row.get("iso2") and row["iso2"] != "-99"
    }


@functools.cache
def _environment() -> Environment:
    # Compiling the three templates costs ~0.4 s; the environment holds no
    # per-digest state, so one per process is shared.
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["one_line"] = one_line
    env.filters["md"] = md_escape
    env.filters["wrap"] = wrap
    env.filters["md_url"] = md_url
    env.filters["safe_url"] = safe_url
    return env


def to_json(content: DigestContent) -> str:
    """The digest as JSON (dates ISO 8601, the same fields as the dataclasses)."""

    def default(value: Any) -> Any:
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")

    data = dataclasses.asdict(content)
    data["incident_ids"] = content.incident_ids
    data["is_empty"] = content.is_empty
    # compact: the indenting encoder is pure Python and 3x slower on big digests
    return json.dumps(data, default=default, ensure_ascii=False, separators=(",", ":")) + "\n"


def render(
    content: DigestContent,
    *,
    images: dict[str, bool] | None = None,
    names: dict[str, dict[str, str]] | None = None,
) -> Rendered:
    """Render every format. ``images`` says which pictures exist (``map``, ``trend``)."""
    labels = Labels(content.profile.language, content.period.timezone, names or country_names())
    env = _environment()
    present = images or {}
    common = {"c": content, "L": labels, "images": present}
    html_tpl = env.get_template("digest.html")
    cid = {name: f"cid:{name}@civwatch" for name in present}
    files = {name: f"{name}.png" for name in present}
    return Rendered(
        subject=labels.subject(content),
        html_email=html_tpl.render(**common, src=cid),
        html_file=html_tpl.render(**common, src=files),
        text=env.get_template("digest.txt").render(**common),
        markdown=env.get_template("digest_markdown.txt").render(**common),
        json=to_json(content),
    )
