"""A real headless Chromium changes a password on the account page and signs out
everywhere (review UI served by waitress on 127.0.0.1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from storage import Database
from storage.models import WebSession
from tests.review.seed import PASSWORD, Seeded
from tests.review.test_browser import SCREENSHOTS, browser_page  # noqa: F401 - the fixture

NEW = "a new and longer passphrase"


def _sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form.login button[type=submit]")


def _sessions(db: Database) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count(WebSession.id))) or 0


def test_password_change_and_sign_out_everywhere_in_a_real_browser(
    browser_page: Any,  # noqa: F811 - the fixture imported above
    live_server: str,
    seeded: Seeded,
    review_db: Database,
) -> None:
    page = browser_page
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda msg: (
            csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    _sign_in(page, live_server, "rita", PASSWORD)
    page.wait_for_selector("#queue")

    # the account page is one click away, from the name in the header
    with page.expect_navigation():
        page.click("header a.who")
    assert page.url.endswith("/account")

    # a wrong current password changes nothing
    page.fill("#password-form input[name=current_password]", "not my password")
    page.fill("#password-form input[name=new_password]", NEW)
    page.fill("#password-form input[name=new_password_again]", NEW)
    with page.expect_navigation():
        page.click("#password-form button[type=submit]")
    assert page.is_visible("text=The current password is wrong; nothing was changed.")

    page.fill("#password-form input[name=current_password]", PASSWORD)
    page.fill("#password-form input[name=new_password]", NEW)
    page.fill("#password-form input[name=new_password_again]", NEW)
    with page.expect_navigation():
        page.click("#password-form button[type=submit]")
    assert page.is_visible("text=Password changed. Your other sessions were signed out.")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "account.png"), full_page=True)

    # the old password no longer works, the new one does
    with page.expect_navigation():
        page.click("header form button[type=submit]")  # Sign out
    _sign_in(page, live_server, "rita", PASSWORD)
    assert page.is_visible("text=Wrong username or password.")
    _sign_in(page, live_server, "rita", NEW)
    page.wait_for_selector("#queue")
    assert _sessions(review_db) == 1

    # sign out everywhere ends this session on the server too
    page.goto(f"{live_server}/account")
    with page.expect_navigation():
        page.click("#signout-everywhere button[type=submit]")
    assert "/login" in page.url
    assert page.is_visible("text=Signed out everywhere (1 session).")
    assert _sessions(review_db) == 0
    page.goto(f"{live_server}/queue")
    assert "/login" in page.url
    assert csp_violations == []
