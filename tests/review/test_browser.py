"""A real headless Chromium drives the review UI served by waitress on 127.0.0.1.

Signs in, opens the queue, confirms one incident with the keyboard (c opens it
from the queue, c on its page confirms), enters a
figure, merges two incidents and rejects one with a reason, then checks the
database and the audit rows. Screenshots of the queue and the incident page go
to ``artifacts/screenshots/`` under the repository root (the path is printed).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from storage import Database
from storage.models import Incident, Review
from tests.review.seed import PASSWORD, Seeded

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CIVWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def browser_page() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield page
        context.close()
        browser.close()


def _trail(db: Database, incident_id: int) -> list[tuple[str, int | None, str | None]]:
    with db.sessions() as s:
        rows = s.scalars(
            select(Review).where(Review.incident_id == incident_id).order_by(Review.id)
        )
        return [(r.action, r.user_id, r.note) for r in rows]


def _incident(db: Database, incident_id: int) -> Incident:
    with db.sessions() as s:
        incident = s.get(Incident, incident_id)
        assert incident is not None
        return incident


def test_reviewer_session_in_a_real_browser(
    browser_page: Any, live_server: str, seeded: Seeded, review_db: Database
) -> None:
    page = browser_page
    outside: list[str] = []
    csp_violations: list[str] = []

    def guard(route: Any) -> None:
        # Nothing may leave 127.0.0.1: record and block anything else.
        host = urlsplit(route.request.url).hostname
        if host not in ("127.0.0.1", None) and not route.request.url.startswith("data:"):
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", guard)
    page.on(
        "console",
        lambda msg: (
            csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    page.on("dialog", lambda d: d.dismiss())  # no native dialogs are expected

    # sign in
    page.goto(f"{live_server}/queue")
    assert "/login" in page.url
    page.fill("input[name=username]", "rita")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#queue")

    # the queue in priority order: duplicate report (21), Mopti (19 civilians), Gao, Ménaka
    ids = page.eval_on_selector_all(
        "#queue tbody tr", "rows => rows.map(r => Number(r.dataset.incident))"
    )
    assert ids == [seeded.mopti_dup, seeded.mopti, seeded.hostile, seeded.menaka]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "queue.png"), full_page=True)

    # keyboard: ? shows the keys, Esc hides them; j moves to Mopti, c confirms it
    page.keyboard.press("?")
    assert page.is_visible("#keyhelp")
    page.keyboard.press("Escape")
    assert not page.is_visible("#keyhelp")
    page.keyboard.press("j")
    assert page.get_attribute("#queue tbody tr.selected", "data-incident") == str(seeded.mopti)
    # c in the queue only opens the incident (no one-key confirm from the queue) ...
    with page.expect_navigation():
        page.keyboard.press("c")
    assert urlsplit(page.url).path == f"/incidents/{seeded.mopti}"
    assert _incident(review_db, seeded.mopti).status == "candidate"
    # ... and c on its page confirms it
    with page.expect_navigation():
        page.keyboard.press("c")
    assert page.is_visible(f"text=Incident {seeded.mopti} confirmed.")
    assert _incident(review_db, seeded.mopti).status == "confirmed"

    # enter a figure on Ménaka: one person killed, as a reviewer claim
    page.goto(f"{live_server}/incidents/{seeded.menaka}")
    page.click("#claim-box summary")
    page.select_option("#claim-form select[name=kind]", "killed")
    page.fill("#claim-form input[name=min]", "1")
    page.fill("#claim-form input[name=max]", "1")
    page.fill("#claim-form input[name=note]", "confirmed by phone")
    with page.expect_navigation():
        page.click("#claim-form button[type=submit]")
    assert page.inner_text("#figure-killed").strip() == "1"

    # merge the duplicate report into Mopti: m opens the merge box on the incident page
    page.goto(f"{live_server}/incidents/{seeded.mopti_dup}")
    page.keyboard.press("m")
    assert page.is_visible("#merge-form")
    page.check(f"#merge-form input[name=into][value='{seeded.mopti}']")
    with page.expect_navigation():
        page.click("#merge-form button[type=submit]")
    assert page.url.endswith(f"/incidents/{seeded.mopti}")
    assert page.is_visible(f"text=Incident {seeded.mopti_dup} merged into {seeded.mopti}.")

    # reject Gao from the queue with the keyboard: r asks for a reason
    page.goto(f"{live_server}/queue")
    ids = page.eval_on_selector_all(
        "#queue tbody tr", "rows => rows.map(r => Number(r.dataset.incident))"
    )
    assert ids == [seeded.hostile, seeded.menaka]  # the candidates left
    page.keyboard.press("r")
    page.wait_for_selector("#reject-dialog[open]")
    page.fill("#reject-form textarea[name=reason]", "hostile test page, not a real report")
    with page.expect_navigation():
        page.click("#reject-form button[type=submit]")
    assert page.is_visible(f"text=Incident {seeded.hostile} rejected.")

    # the incident page with its merged sources, claims and audit trail
    page.goto(f"{live_server}/incidents/{seeded.mopti}")
    assert page.is_visible("figure.map svg")
    page.screenshot(path=str(SCREENSHOTS / "incident.png"), full_page=True)
    print(f"\nscreenshots: {SCREENSHOTS / 'queue.png'} and {SCREENSHOTS / 'incident.png'}")

    assert outside == []
    assert csp_violations == []

    # the database and the audit rows
    assert _incident(review_db, seeded.mopti).status == "confirmed"
    dup = _incident(review_db, seeded.mopti_dup)
    assert (dup.status, dup.merged_into) == ("merged", seeded.mopti)
    assert _incident(review_db, seeded.hostile).status == "rejected"
    menaka = _incident(review_db, seeded.menaka)
    assert (menaka.killed_min, menaka.killed_max) == (1, 1)
    rita = seeded.reviewer
    assert _trail(review_db, seeded.mopti) == [("confirm", rita, None), ("merge", rita, None)]
    assert _trail(review_db, seeded.mopti_dup) == [("merge", rita, None)]
    assert _trail(review_db, seeded.menaka) == [("claim_add", rita, "confirmed by phone")]
    assert _trail(review_db, seeded.hostile) == [
        ("reject", rita, "hostile test page, not a real report")
    ]
    assert (SCREENSHOTS / "queue.png").stat().st_size > 10_000
    assert (SCREENSHOTS / "incident.png").stat().st_size > 10_000
