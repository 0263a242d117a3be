"""Delivery to a real SMTP server (aiosmtpd on 127.0.0.1): message structure, sent
once, retried when the server is down, STARTTLS + AUTH, hostile headers."""

from __future__ import annotations

import re
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import select

from digest.job import run_digest
from digest.profiles import Profile, default_profile
from settings import Settings
from storage import Database
from storage.models import Digest, JobRun
from tests.digest.conftest import (
    Authenticator,
    SmtpServer,
    free_port,
    mail_settings,
    self_signed,
)
from tests.digest.scenario import NOW, Scenario, populate

FILES = ("digest.html", "digest.txt", "digest.md", "digest.json", "map.png", "trend.png")


@pytest.fixture
def filled(sqlite_db: Database) -> Scenario:
    with sqlite_db.sessions.begin() as session:
        return populate(session)


def _parts(msg: EmailMessage) -> dict[str, list[EmailMessage]]:
    out: dict[str, list[EmailMessage]] = {}
    for part in msg.walk():
        assert isinstance(part, EmailMessage)
        out.setdefault(part.get_content_type(), []).append(part)
    return out


def _digest_row(db: Database) -> Digest:
    with db.sessions() as session:
        rows = list(session.scalars(select(Digest)))
    assert len(rows) == 1
    return rows[0]


def test_digest_received_with_parts_images_incidents_changes_links(
    sqlite_db: Database, settings: Settings, smtp_server: SmtpServer, filled: Scenario
) -> None:
    conf = mail_settings(settings, smtp_server.port)
    outcome = run_digest(sqlite_db, conf, default_profile(conf), now=NOW, send=True)
    assert outcome.status == "sent", outcome.describe()
    assert len(smtp_server.received) == 1
    got = smtp_server.received[0]
    assert got.mail_from == "civwatch@monitor.test"
    assert sorted(got.rcpt_tos) == ["analyst@monitor.test", "desk@monitor.test"]
    msg = got.message
    assert msg["Subject"] == "civwatch digest default 2026-11-25: 7 new, 6 changed"
    assert msg.get_content_type() == "multipart/alternative"
    parts = _parts(msg)
    assert len(parts["text/plain"]) == 1 and len(parts["text/html"]) == 1
    assert "multipart/related" in parts
    images = parts["image/png"]
    assert len(images) == 2
    html = parts["text/html"][0].get_content()
    for image in images:
        cid = image["Content-ID"].strip("<>")
        assert f'src="cid:{cid}"' in html
        data = image.get_payload(decode=True)
        assert isinstance(data, bytes) and data.startswith(b"\x89PNG\r\n\x1a\n")
    text = parts["text/plain"][0].get_content()
    # incidents, with figures and spread, grouped by place
    assert "19–22 killed (claims: 19–22, 3 sources)" in text
    assert text.index("== Mali / Mopti (2) ==") < text.index("== Burkina Faso / Sahel (1) ==")
    # the changes section
    assert "CHANGES TO KNOWN INCIDENTS (6)" in text
    assert "figures revised: killed 7 → 12, by the pipeline" in text
    assert "status: confirmed, by awa" in text
    # links: the review page of every listed incident and the source articles
    base = "https://review.monitor.test/incidents/"
    for key in ("ogossagou", "moura", "djibo", "tera", "farabougou"):
        assert f"{base}{filled.ids[key]}" in text
        assert f'href="{base}{filled.ids[key]}"' in html
    assert f'href="{filled.urls["ogossagou-un"]}"' in html
    # the same files are on disk
    for name in FILES:
        assert (outcome.directory / name).stat().st_size > 0
    kept = message_from_bytes((outcome.directory / "digest.eml").read_bytes(), policy=default)
    assert kept["Message-ID"] == msg["Message-ID"] and kept["Subject"] == msg["Subject"]
    row = _digest_row(sqlite_db)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    assert row.sent_at is not None and set(filled.ids[k] for k in ("moura", "quarter")) <= set(
        row.incident_ids
    )


def test_running_twice_sends_once_and_resend_repeats(
    db: Database, settings: Settings, smtp_server: SmtpServer
) -> None:
    with db.sessions.begin() as session:
        populate(session)
    conf = mail_settings(settings, smtp_server.port)
    profile = default_profile(conf)
    first = run_digest(db, conf, profile, now=NOW, send=True)
    second = run_digest(db, conf, profile, now=NOW.replace(hour=23), send=True)
    assert (first.status, second.status) == ("sent", "already_sent")
    assert second.digest_id == first.digest_id
    assert len(smtp_server.received) == 1
    third = run_digest(db, conf, profile, now=NOW, send=True, resend=True)
    assert third.status == "sent"
    assert len(smtp_server.received) == 2
    with db.sessions() as session:
        rows = list(session.scalars(select(Digest)))
    assert len(rows) == 1 and rows[0].attempts == 2


def test_smtp_down_then_up_is_retried_and_sent_once(
    sqlite_db: Database, settings: Settings, filled: Scenario
) -> None:
    server = SmtpServer(free_port())  # nothing listens on this port yet
    conf = mail_settings(settings, server.port)
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            server.start()  # the mail server comes back before the third attempt

    try:
        outcome = run_digest(
            sqlite_db,
            conf,
            default_profile(conf),
            now=NOW,
            send=True,
            retries=4,
            backoff=0.01,
            sleep=sleep,
        )
    finally:
        server.stop()
    assert outcome.status == "sent" and outcome.attempts == 3
    assert waits == [0.01, 0.02]  # doubling backoff
    assert len(server.received) == 1
    row = _digest_row(sqlite_db)
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, None)
    for name in FILES:
        assert (outcome.directory / name).stat().st_size > 0


def test_send_that_keeps_failing_is_recorded_and_retried_later(
    sqlite_db: Database, settings: Settings, filled: Scenario
) -> None:
    server = SmtpServer(free_port())
    conf = mail_settings(settings, server.port)
    profile = default_profile(conf)
    failed = run_digest(
        sqlite_db, conf, profile, now=NOW, send=True, retries=2, backoff=0, sleep=lambda s: None
    )
    assert failed.status == "failed" and failed.attempts == 3
    assert failed.error and "ConnectionRefusedError" in failed.error
    row = _digest_row(sqlite_db)
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.last_error and "ConnectionRefusedError" in row.last_error
    html_before = (failed.directory / "digest.html").read_bytes()
    with sqlite_db.sessions() as session:
        run = session.scalars(select(JobRun).where(JobRun.job == "digest:default")).one()
        assert run.status == "failed" and run.error and "ConnectionRefused" in run.error
    # the files survived the failure and the next run (same period) sends it once
    server.start()
    try:
        later = run_digest(sqlite_db, conf, profile, now=NOW, send=True, backoff=0)
        again = run_digest(sqlite_db, conf, profile, now=NOW, send=True, backoff=0)
    finally:
        server.stop()
    assert (later.status, again.status) == ("sent", "already_sent")
    assert later.directory == failed.directory
    assert len(server.received) == 1
    assert (later.directory / "digest.html").read_bytes() == html_before
    row = _digest_row(sqlite_db)
    assert (row.status, row.attempts, row.last_error) == ("sent", 4, None)


def test_starttls_and_auth(
    sqlite_db: Database, settings: Settings, filled: Scenario, tmp_path: Path
) -> None:
    server_ctx, client_ctx = self_signed(tmp_path)
    auth = Authenticator("digest", "s3cret")
    server = SmtpServer(
        free_port(),
        kwargs={
            "tls_context": server_ctx,
            "require_starttls": True,
            "authenticator": auth,
            "auth_require_tls": True,
        },
    ).start()
    try:
        good = mail_settings(
            settings, server.port, smtp_tls="starttls", smtp_user="digest", smtp_password="s3cret"
        )
        outcome = run_digest(
            sqlite_db, good, default_profile(good), now=NOW, send=True, ssl_context=client_ctx
        )
        assert outcome.status == "sent", outcome.error
        assert len(server.received) == 1
        assert auth.attempts == [b"digest"]

        bad = mail_settings(
            settings,
            server.port,
            smtp_tls="starttls",
            smtp_user="digest",
            smtp_password="wrong",
            digest_to=("other@monitor.test",),
        )
        slept: list[float] = []
        refused = run_digest(
            sqlite_db,
            bad,
            Profile(name="other", recipients=("other@monitor.test",)),
            now=NOW,
            send=True,
            ssl_context=client_ctx,
            sleep=slept.append,
        )
        # bad credentials are permanent: no retry, a clear error, nothing delivered
        assert refused.status == "failed" and refused.attempts == 1 and slept == []
        assert refused.error and "SMTPAuthenticationError" in refused.error
        assert len(server.received) == 1
    finally:
        server.stop()


def test_hostile_content_cannot_break_the_message_or_headers(
    sqlite_db: Database, settings: Settings, smtp_server: SmtpServer, filled: Scenario
) -> None:
    conf = mail_settings(settings, smtp_server.port)
    outcome = run_digest(sqlite_db, conf, default_profile(conf), now=NOW, send=True)
    assert outcome.status == "sent"
    msg = smtp_server.received[0].message
    assert smtp_server.received[0].rcpt_tos.count("victim@evil.example") == 0
    assert msg["Bcc"] is None and msg["X-Injected"] is None
    for name, value in msg.items():
        assert "\n" not in str(value).replace("\r\n ", "").replace("\n ", ""), name
    html = _parts(msg)["text/html"][0].get_content()
    assert "<script" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_hostile_recipient_is_refused_before_any_smtp(
    sqlite_db: Database, settings: Settings, smtp_server: SmtpServer, filled: Scenario
) -> None:
    conf = mail_settings(
        settings, smtp_server.port, digest_to=("desk@monitor.test\r\nBcc: victim@evil.example",)
    )
    outcome = run_digest(sqlite_db, conf, default_profile(conf), now=NOW, send=True)
    assert outcome.status == "failed"
    assert outcome.error and re.search(r"not a usable e-mail address", outcome.error)
    assert smtp_server.received == []
    assert (outcome.directory / "digest.html").exists()


def test_no_smtp_server_configured_keeps_files(
    sqlite_db: Database, settings: Settings, filled: Scenario
) -> None:
    conf = Settings.from_env({}, data_dir=settings.data_dir, digest_to=("desk@monitor.test",))
    outcome = run_digest(sqlite_db, conf, default_profile(conf), now=NOW, send=True)
    assert outcome.status == "failed" and outcome.attempts == 1
    assert outcome.error and "CIVWATCH_SMTP_HOST" in outcome.error
    assert outcome.directory == settings.data_dir / "digests" / "default" / "2026-11-25"
    for name in FILES:
        assert (outcome.directory / name).exists()


def test_implicit_tls(
    sqlite_db: Database, settings: Settings, filled: Scenario, tmp_path: Path
) -> None:
    server_ctx, client_ctx = self_signed(tmp_path)
    server = SmtpServer(free_port(), kwargs={"ssl_context": server_ctx}).start()
    try:
        conf = mail_settings(settings, server.port, smtp_tls="ssl")
        outcome = run_digest(
            sqlite_db, conf, default_profile(conf), now=NOW, send=True, ssl_context=client_ctx
        )
        # and a client that does not trust the certificate is refused
        untrusting = run_digest(
            sqlite_db,
            conf,
            Profile(name="other", recipients=("other@monitor.test",)),
            now=NOW,
            send=True,
            retries=0,
        )
    finally:
        server.stop()
    assert outcome.status == "sent", outcome.error
    assert len(server.received) == 1
    assert untrusting.status == "failed"
    assert untrusting.error and "CERTIFICATE_VERIFY_FAILED" in untrusting.error


def test_failed_resend_keeps_the_digest_sent(
    sqlite_db: Database, settings: Settings, smtp_server: SmtpServer, filled: Scenario
) -> None:
    conf = mail_settings(settings, smtp_server.port)
    profile = default_profile(conf)
    assert run_digest(sqlite_db, conf, profile, now=NOW, send=True).status == "sent"
    smtp_server.stop()
    again = run_digest(sqlite_db, conf, profile, now=NOW, resend=True, send=True, retries=0)
    assert again.status == "failed"
    row = _digest_row(sqlite_db)
    assert (row.status, row.attempts) == ("sent", 2)
    assert row.last_error and "ConnectionRefusedError" in row.last_error
    # a plain run afterwards does not send it a second time
    smtp_server.start()
    assert run_digest(sqlite_db, conf, profile, now=NOW, send=True).status == "already_sent"
    assert len(smtp_server.received) == 1
