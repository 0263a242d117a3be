"""Rendering: figures with their spread, French labels, escaping of hostile content."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from digest.build import DigestContent, build_digest, resolve_period
from digest.profiles import Profile
from digest.render import Rendered, md_escape, one_line, render, safe_url
from settings import Settings
from storage import Database
from tests.digest.scenario import HOSTILE_PLACE, HOSTILE_TITLE, NOW, Scenario


def _content(db: Database, settings: Settings, profile: Profile | None = None) -> DigestContent:
    profile = profile or Profile()
    with db.sessions() as session:
        period = resolve_period(session, profile, settings, now=NOW)
        return build_digest(session, settings, profile, period, now=NOW)


@pytest.fixture
def rendered(sqlite_db: Database, settings: Settings) -> tuple[Rendered, Scenario]:
    from tests.digest.scenario import populate

    with sqlite_db.sessions.begin() as session:
        sc = populate(session)
    return render(_content(sqlite_db, settings), images={"map": True, "trend": True}), sc


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_figures_with_spread_in_every_format(rendered: tuple[Rendered, Scenario]) -> None:
    out, sc = rendered
    expected = "19–22 killed (claims: 19–22, 3 sources)"
    assert expected in out.text
    assert expected in out.html_file
    assert md_escape(expected) in out.markdown
    assert "at least 40 killed" in out.text  # the open-ended Djibo claim
    assert "killed 7 → 12, by the pipeline" in out.text
    assert f"status: merged into #{sc.ids['segou_old']}, by awa" in out.text
    assert (
        f"#{sc.ids['dup_old']} merged into it; figures revised: killed (max) 12 → 14, by awa"
        in out.text
    )
    assert "reason: a duplicate of an older report" in out.text
    assert "corrected: place: Diafarabe → Diafarabé, by awa" in out.text


def test_html_escapes_hostile_content(rendered: tuple[Rendered, Scenario]) -> None:
    out, sc = rendered
    parser = _Collector()
    parser.feed(out.html_email)
    tags = {t for t, _ in parser.tags}
    assert "script" not in tags
    assert not any(t == "img" and a.get("onerror") for t, a in parser.tags)
    assert "i" not in tags and "b" not in tags  # the <i>actor</i> and <b>claimant</b>
    # the hostile strings arrive as text
    text = "".join(parser.text)
    assert one_line(HOSTILE_PLACE) in text
    assert "<i>Unknown gunmen</i>" in text
    # only http(s) links and the cid: images; no javascript: link from the evidence
    hrefs = [a.get("href") or "" for t, a in parser.tags if t == "a"]
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
    assert not any("javascript" in h for h in hrefs)
    srcs = sorted(a.get("src") or "" for t, a in parser.tags if t == "img")
    assert srcs == ["cid:map@civwatch", "cid:trend@civwatch"]
    assert f'href="https://review.monitor.test/incidents/{sc.ids["ogossagou"]}"' not in (
        out.html_email
    )  # base_url of these settings is the default one
    assert f'href="http://127.0.0.1:8000/incidents/{sc.ids["ogossagou"]}"' in out.html_email


def test_file_html_refers_to_png_files(rendered: tuple[Rendered, Scenario]) -> None:
    out, _ = rendered
    assert 'src="map.png"' in out.html_file and 'src="trend.png"' in out.html_file
    assert "cid:" not in out.html_file


def test_text_and_markdown_keep_hostile_text_on_one_line(
    rendered: tuple[Rendered, Scenario],
) -> None:
    out, _ = rendered
    for body in (out.text, out.markdown):
        assert "\r" not in body
        # the injected "header" never starts a line of its own
        assert not re.search(r"^\s*(Bcc|X-Injected):", body, re.MULTILINE)
    assert "<script>" not in out.markdown and "<img" not in out.markdown
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in out.markdown
    assert HOSTILE_TITLE not in out.text  # titles are not shown raw (source names are)


def test_json_is_complete_and_parseable(rendered: tuple[Rendered, Scenario]) -> None:
    out, sc = rendered
    data = json.loads(out.json)
    assert data["profile"]["name"] == "default"
    assert data["period"]["start"] == "2026-11-24T07:00:00+00:00"
    assert data["totals"]["new_incidents"] == 7
    assert sc.ids["ogossagou"] in data["incident_ids"]
    first = data["groups"][0]["incidents"][0]
    assert first["id"] == sc.ids["moura"] and first["event_date"] == "2026-11-24"


def test_french_labels(sqlite_db: Database, settings: Settings) -> None:
    from tests.digest.scenario import populate

    with sqlite_db.sessions.begin() as session:
        populate(session)
    out = render(_content(sqlite_db, settings, Profile(language="fr")))
    assert "NOUVEAUX INCIDENTS CANDIDATS (7)" in out.text
    assert "Nouveaux incidents candidats (7)" in out.html_email
    assert "19–22 tués (sources : 19–22, 3 sources)" in out.text
    assert "au moins 40 tués" in out.text
    assert "Victimes: civils" in out.text
    assert "MODIFICATIONS D'INCIDENTS CONNUS (6)" in out.text
    assert out.subject == "Bulletin civwatch default 2026-11-25 : 7 nouveaux, 6 modifiés"
    assert "Mali / Mopti" in out.text and "Burkina Faso / Sahel" in out.text
    assert 'lang="fr"' in out.html_email


def test_nothing_new_digest_is_short_but_present(sqlite_db: Database, settings: Settings) -> None:
    out = render(_content(sqlite_db, settings))
    assert "Nothing new in this period" in out.text
    assert "nothing new" in out.subject
    assert "Nothing new in this period" in out.html_email
    assert len(out.text.splitlines()) < 20


def test_helpers() -> None:
    assert one_line("a\r\nBcc: x\u2028y\tz") == "a Bcc: x y z"
    assert safe_url("javascript:alert(1)") == "#"
    assert safe_url(" https://x.test/a ") == "https://x.test/a"
    assert md_escape("[x](javascript:1) <b>") == "\\[x\\]\\(javascript:1\\) &lt;b&gt;"
