"""The reviewer-workbench items of issue 14 in a real headless Chromium: claim
numbers linking text and rows both ways, the period-total tab, no one-key
confirm from the queue, labelled merge choices, and typed text that survives an
over-long reason and an expired session (CSRF failure)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from settings import Settings
from storage import Database
from storage.models import Incident, Review
from tests.review.extra import Extra, add_extra
from tests.review.seed import PASSWORD, Seeded
from tests.review.test_browser import browser_page  # noqa: F401  (the Chromium fixture)


@pytest.fixture
def extra(review_db: Database, seeded: Seeded, review_settings: Settings) -> Extra:
    with review_db.sessions.begin() as s:
        return add_extra(s, review_settings.data_dir)


def _sign_in(page: Any) -> None:
    page.fill("input[name=username]", "rita")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.login button[type=submit]")


def _open(page: Any, live_server: str, path: str) -> None:
    page.goto(f"{live_server}{path}")
    if "/login" in page.url:
        _sign_in(page)


def _in_viewport(page: Any, selector: str) -> bool:
    return bool(
        page.eval_on_selector(
            selector,
            "el => { const r = el.getBoundingClientRect();"
            " return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }",
        )
    )


def _status(db: Database, incident_id: int) -> str:
    with db.sessions() as s:
        incident = s.get(Incident, incident_id)
        assert incident is not None
        return incident.status


def test_claim_numbers_link_the_text_and_the_rows(
    browser_page: Any,  # noqa: F811
    live_server: str,
    seeded: Seeded,
    extra: Extra,
) -> None:
    page = browser_page
    _open(page, live_server, f"/incidents/{seeded.mopti}")
    fr = seeded.claim_fr
    # the French article's text is folded away: its highlight is not visible yet
    assert not page.is_visible(f"#hl-{fr}")
    number = page.inner_text(f"#claim-{fr} .claim-no")
    page.click(f"#claim-{fr} a.to-text")
    page.wait_for_function(f"location.hash === '#hl-{fr}'")
    assert page.is_visible(f"#hl-{fr}") and _in_viewport(page, f"#hl-{fr}")
    assert page.inner_text(f"#hl-{fr}") == number
    # and back: the number in the text leads to its row
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert not _in_viewport(page, f"#claim-{fr}")
    page.click(f"#hl-{fr}")
    page.wait_for_function(f"location.hash === '#claim-{fr}'")
    assert _in_viewport(page, f"#claim-{fr}")
    assert "pointed" in (page.get_attribute(f"#claim-{fr}", "class") or "")

    # a headline and its lead: one row, two numbered highlights with its number
    _open(page, live_server, f"/incidents/{extra.menaka_market}")
    head, lead = extra.headline_claims
    assert page.locator("table.claims tr[id^=claim-]").count() == 1
    assert page.inner_text(f"#hl-{head}") == page.inner_text(f"#hl-{lead}") == "1"
    assert page.inner_text(f"#claim-{head} td.num >> nth=1") == "≥20"
    _open(page, live_server, f"/incidents/{extra.boni}")
    assert page.inner_text(f"#claim-{extra.approx_claim} td.num >> nth=1") == "≈30"


def test_queue_tabs_and_no_one_key_confirm(
    browser_page: Any,  # noqa: F811
    live_server: str,
    seeded: Seeded,
    extra: Extra,
    review_db: Database,
) -> None:
    page = browser_page
    _open(page, live_server, "/queue")
    ids = page.eval_on_selector_all(
        "#queue tbody tr", "rows => rows.map(r => Number(r.dataset.incident))"
    )
    assert extra.quarterly not in ids and len(ids) == 6
    with page.expect_navigation():
        page.click("#queue-tabs a[data-tab=aggregates]")
    ids = page.eval_on_selector_all(
        "#queue tbody tr", "rows => rows.map(r => Number(r.dataset.incident))"
    )
    assert ids == [extra.quarterly]
    # c on the selected UN quarterly total opens it; nothing is confirmed
    with page.expect_navigation():
        page.keyboard.press("c")
    assert urlsplit(page.url).path == f"/incidents/{extra.quarterly}"
    assert _status(review_db, extra.quarterly) == "candidate"
    with review_db.sessions() as s:
        assert s.scalars(select(Review).where(Review.incident_id == extra.quarterly)).all() == []


def test_merge_choices_sit_beside_their_labels(
    browser_page: Any,  # noqa: F811
    live_server: str,
    seeded: Seeded,
) -> None:
    page = browser_page
    _open(page, live_server, f"/incidents/{seeded.mopti_dup}")
    page.keyboard.press("m")
    radio = page.locator(f"#merge-into-{seeded.mopti}")
    label = page.locator(f"label[for=merge-into-{seeded.mopti}]")
    r, t = radio.bounding_box(), label.bounding_box()
    assert r is not None and t is not None
    # on one line, the label right after its radio
    assert abs((r["y"] + r["height"] / 2) - (t["y"] + t["height"] / 2)) < 12
    assert 0 <= t["x"] - (r["x"] + r["width"]) < 24
    label.click()
    assert radio.is_checked()


def test_typed_reason_survives_the_limit_and_an_expired_session(
    browser_page: Any,  # noqa: F811
    live_server: str,
    seeded: Seeded,
    review_db: Database,
) -> None:
    page = browser_page
    menaka = seeded.menaka
    _open(page, live_server, f"/incidents/{menaka}")
    page.keyboard.press("r")
    box = "#reject-form-page textarea[name=reason]"
    page.fill(box, "y" * 2100)
    assert "too long" in page.inner_text("[data-counter-for=reject-reason]")
    page.click("#reject-form-page button[type=submit]")
    # the browser refuses to send it: same page, same text, nothing decided
    assert urlsplit(page.url).path == f"/incidents/{menaka}"
    assert len(page.input_value(box)) == 2100
    assert page.eval_on_selector(box, "el => el.validationMessage") != ""
    assert _status(review_db, menaka) == "candidate"

    reason = "Same abduction as the one reported on Tuesday; the figure is repeated."
    page.fill(box, reason)
    # the session expires (cookies gone) before the reviewer submits
    page.context.clear_cookies()
    page.click("#reject-form-page button[type=submit]")
    page.wait_for_selector("#kept-note")
    assert "CSRF" in page.inner_text("main")
    page.click("#back-to-form")
    page.wait_for_selector("form.login")
    _sign_in(page)
    assert urlsplit(page.url).path == f"/incidents/{menaka}"
    assert page.input_value(box) == reason
    assert page.is_visible("#reject-form-page p.restored")
    with page.expect_navigation():
        page.click("#reject-form-page button[type=submit]")
    assert page.is_visible(f"text=Incident {menaka} rejected.")
    assert _status(review_db, menaka) == "rejected"
    with review_db.sessions() as s:
        notes = s.scalars(select(Review.note).where(Review.incident_id == menaka)).all()
    assert notes == [reason]
    # saved: the draft is gone
    key = f"civwatch-draft:incident-{menaka}-reject"
    assert page.evaluate(f"sessionStorage.getItem('{key}')") is None


def test_a_reason_typed_in_the_queue_dialog_follows_to_the_incident_page(
    browser_page: Any,  # noqa: F811
    live_server: str,
    seeded: Seeded,
    review_db: Database,
) -> None:
    page = browser_page
    _open(page, live_server, "/queue")
    page.keyboard.press("r")
    page.wait_for_selector("#reject-dialog[open]")
    target = int(page.get_attribute("#queue tbody tr.selected", "data-incident") or 0)
    reason = "Not an attack: a road accident, per the second report."
    page.fill("#reject-form textarea[name=reason]", reason)
    page.context.clear_cookies()  # the session expired meanwhile
    page.click("#reject-form button[type=submit]")
    page.wait_for_selector("#back-to-form")
    page.click("#back-to-form")
    page.wait_for_selector("form.login")
    _sign_in(page)
    assert urlsplit(page.url).path == f"/incidents/{target}"
    assert page.input_value("#reject-form-page textarea[name=reason]") == reason
    assert _status(review_db, target) == "candidate"
