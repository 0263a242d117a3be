"""The HTML digest in a real headless Chromium: it loads its pictures, runs no script,
and is saved as PNG artifacts under artifacts/digest/ to be looked at."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from digest.job import run_digest
from digest.profiles import Profile
from settings import Settings
from storage import Database
from tests.digest.scenario import NOW, populate

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "digest"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is required in CI (tests/services.sh installs it)")
        pytest.skip("chromium not installed (apt-get install chromium)")


def test_html_digest_renders_in_chromium(sqlite_db: Database, settings: Settings) -> None:
    _need_chromium()
    from playwright.sync_api import Dialog, sync_playwright

    with sqlite_db.sessions.begin() as session:
        populate(session)
    pages = {
        language: run_digest(
            sqlite_db, settings, Profile(name=f"p_{language}", language=language), now=NOW
        ).directory
        / "digest.html"
        for language in ("en", "fr")
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    dialogs: list[str] = []
    requests: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    seen: dict[str, dict[str, object]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 820, "height": 1000})
            page.on("dialog", on_dialog)
            page.on("request", lambda r: requests.append(r.url))
            for language, page_file in pages.items():
                page.goto(page_file.as_uri())
                shot = ARTIFACTS / f"digest_{language}.png"
                page.screenshot(path=str(shot), full_page=True)
                print(f"\ndigest screenshot: {shot}")
                seen[language] = {
                    "sizes": page.eval_on_selector_all(
                        "img.pic", "imgs => imgs.map(i => [i.naturalWidth, i.naturalHeight])"
                    ),
                    "headings": page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent)"),
                    "links": page.eval_on_selector_all("a", "as => as.map(a => a.href)"),
                    "shot": shot,
                }
        finally:
            browser.close()
    assert dialogs == []  # the hostile <script> and onerror never ran
    assert all(u.startswith("file://") for u in requests), requests
    for language, found in seen.items():
        # both pictures loaded from the files beside the page, at their drawn size
        assert found["sizes"] == [[720, 460], [720, 280]], language
        headings = found["headings"]
        assert isinstance(headings, list) and len(headings) >= 6
        links = found["links"]
        assert isinstance(links, list) and not any(str(h).startswith("javascript:") for h in links)
        picture = found["shot"]
        assert isinstance(picture, Path) and picture.read_bytes().startswith(b"\x89PNG")
    assert "Nouveaux incidents candidats (7)" in seen["fr"]["headings"]  # type: ignore[operator]
