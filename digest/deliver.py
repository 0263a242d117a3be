"""The digest as a multipart e-mail, and its delivery over SMTP with retries.

The message is ``multipart/alternative``: a plain-text part readable on its own,
and an HTML part wrapped in ``multipart/related`` with the map and trend chart
as inline PNGs (``Content-ID`` referenced as ``cid:`` from the HTML). Headers
are built from our own words and the configured addresses only; anything
user-supplied that reaches them is reduced to one line first, and the
``email`` package's SMTP policy refuses a header with a line break anyway.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid

from digest.render import Rendered, one_line
from settings import Settings

log = logging.getLogger(__name__)
ADDRESS_RE = re.compile(r"^[^@\s<>,;\"'\x00-\x1f]+@[^@\s<>,;\"'\x00-\x1f]+$")


class DeliveryError(RuntimeError):
    """Sending failed for good (after retries, or a permanent refusal)."""


@dataclass(frozen=True)
class SendResult:
    attempts: int
    error: str | None  # None when sent

    @property
    def sent(self) -> bool:
        return self.error is None


def clean_address(address: str) -> str:
    """An address as given, if it is one plain address; else DeliveryError."""
    text = address.strip()
    if not ADDRESS_RE.match(text):
        raise DeliveryError(f"not a usable e-mail address: {one_line(address)!r}")
    return text


def build_message(
    rendered: Rendered,
    *,
    sender: str,
    recipients: Sequence[str],
    images: dict[str, bytes],
    digest_id: int | None = None,
) -> EmailMessage:
    """The multipart e-mail of a rendered digest."""
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["Subject"] = one_line(rendered.subject)[:200]
    msg["From"] = clean_address(sender)
    msg["To"] = ", ".join(clean_address(r) for r in recipients)
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    domain = sender.rsplit("@", 1)[-1].strip() or "civwatch.local"
    msg["Message-ID"] = make_msgid(idstring="civwatch-digest", domain=domain)
    if digest_id is not None:
        msg["X-Civwatch-Digest"] = str(digest_id)
    msg.set_content(rendered.text, subtype="plain", charset="utf-8")
    msg.add_alternative(rendered.html_email, subtype="html", charset="utf-8")
    html_part = next(p for p in msg.iter_parts() if p.get_content_type() == "text/html")
    assert isinstance(html_part, EmailMessage)
    for name, data in images.items():
        html_part.add_related(
            data,
            maintype="image",
            subtype="png",
            cid=f"<{name}@civwatch>",
            filename=f"{name}.png",
            disposition="inline",
        )
    return msg


def _is_permanent(exc: BaseException) -> bool:
    """5xx refusals and bad credentials will not get better by retrying."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPAuthenticationError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def connect(
    settings: Settings, *, ssl_context: ssl.SSLContext | None = None, timeout: float = 30.0
) -> smtplib.SMTP:
    """A connection to the configured SMTP server: TLS from the start with ``ssl``, else plain.

    STARTTLS and login are the caller's next steps (``civwatch doctor`` only
    greets the server with EHLO).
    """
    if not settings.smtp_host:
        raise DeliveryError("no SMTP server configured (CIVWATCH_SMTP_HOST)")
    if settings.smtp_tls == "ssl":
        return smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=timeout,
            context=ssl_context or ssl.create_default_context(),
        )
    return smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)


def send_once(
    settings: Settings,
    msg: EmailMessage,
    recipients: Sequence[str],
    *,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = 30.0,
) -> None:
    """One SMTP session: connect, (STARTTLS | SSL), log in if configured, send."""
    context = ssl_context or ssl.create_default_context()
    server = connect(settings, ssl_context=context, timeout=timeout)
    try:
        server.ehlo()
        if settings.smtp_tls == "starttls":
            server.starttls(context=context)
            server.ehlo()
        if settings.smtp_user:
            server.login(settings.smtp_user, settings.smtp_password)
        refused = server.send_message(msg, from_addr=settings.digest_from, to_addrs=recipients)
        if refused:
            log.warning("digest: some recipients refused: %s", sorted(refused))
    finally:
        try:
            server.quit()
        except (smtplib.SMTPException, OSError):
            server.close()


def send_with_retries(
    settings: Settings,
    msg: EmailMessage,
    recipients: Sequence[str],
    *,
    retries: int = 3,
    backoff: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    on_attempt: Callable[[int, str | None], None] | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> SendResult:
    """Send, retrying transient failures ``retries`` times with doubling backoff.

    ``on_attempt(attempt, error_or_None)`` is called after every attempt so the
    caller can record progress durably before the next wait.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            send_once(settings, msg, recipients, ssl_context=ssl_context)
        except (smtplib.SMTPException, OSError, DeliveryError) as exc:
            error = f"{type(exc).__name__}: {one_line(exc)}"[:500]
            log.warning("digest: send attempt %d failed: %s", attempt, error)
            if on_attempt:
                on_attempt(attempt, error)
            if isinstance(exc, DeliveryError) or _is_permanent(exc) or attempt > retries:
                return SendResult(attempt, error)
            sleep(backoff * 2 ** (attempt - 1))
            continue
        if on_attempt:
            on_attempt(attempt, None)
        return SendResult(attempt, None)
