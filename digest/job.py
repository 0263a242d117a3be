"""One digest run for one profile: build, write the files, then (maybe) send once.

Order matters: the files (HTML, text, Markdown, JSON, PNGs, and the exact
e-mail as ``digest.eml``) are written before any SMTP attempt, so a mail
server that is down never loses a digest. The ``digests`` table records each
profile + period once (unique), with status built | sent | failed, attempts and
the last error; a digest already sent is not sent again unless ``resend``.
Each run also leaves a ``job_runs`` row named ``digest:<profile>`` so
``civwatch status`` shows a failed send.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import ssl
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from digest.build import build_digest
from digest.content import DigestContent, Period
from digest.deliver import DeliveryError, build_message, clean_address, send_with_retries
from digest.period import resolve_period
from digest.pictures import Outlines, map_png, trend_png
from digest.profiles import Profile
from digest.render import Labels, Rendered, country_names, render
from settings import Settings
from storage import Database
from storage import repo as repository
from storage.models import Digest, JobRun, utcnow

log = logging.getLogger(__name__)


DigestStatus = Literal["built", "sent", "failed", "already_sent"]


@dataclass(frozen=True)
class DigestOutcome:
    """What a run did, for the command line and the scheduler."""

    profile: str
    period: Period
    digest_id: int
    directory: Path
    status: DigestStatus
    new_incidents: int
    changes: int
    attempts: int = 0
    error: str | None = None

    def describe(self) -> str:
        span = f"{self.period.start:%Y-%m-%d %H:%M}–{self.period.end:%Y-%m-%d %H:%M} UTC"
        text = (
            f"digest {self.profile} {self.period.day} ({span}): {self.status}; "
            f"{self.new_incidents} new, {self.changes} changed; files in {self.directory}"
        )
        if self.attempts:
            text += f"; {self.attempts} send attempt(s)"
        if self.error:
            text += f"; error: {self.error}"
        return text


def _write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so a crash never leaves half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _directory(base: Path, period: Period) -> Path:
    """``base/<day>``, or ``<day>_2``… when that folder holds a different period."""
    for n in range(1, 100):
        candidate = base / (period.day.isoformat() + ("" if n == 1 else f"_{n}"))
        meta = candidate / "digest.json"
        if not meta.exists():
            return candidate
        try:
            period_json = json.loads(meta.read_text(encoding="utf-8"))["period"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if (
            period_json.get("start") == period.start.isoformat()
            and period_json.get("end") == period.end.isoformat()
        ):
            return candidate
    raise RuntimeError(f"no free digest folder under {base}")


def write_files(directory: Path, rendered: Rendered, images: dict[str, bytes]) -> None:
    """The digest's files: HTML (images beside it), text, Markdown, JSON, PNGs."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in images.items():
        _write_atomic(directory / f"{name}.png", data)
    _write_atomic(directory / "digest.html", rendered.html_file.encode("utf-8"))
    _write_atomic(directory / "digest.txt", rendered.text.encode("utf-8"))
    _write_atomic(directory / "digest.md", rendered.markdown.encode("utf-8"))
    _write_atomic(directory / "digest.json", rendered.json.encode("utf-8"))


def pictures(
    content: DigestContent, outlines: Outlines, rendered_labels: dict[str, str]
) -> dict[str, bytes]:
    """The map (events only: aggregates are not one place) and the trend chart."""
    events = [i for g in content.groups for i in g.incidents]
    return {
        "map": map_png(
            events,
            outlines,
            no_points_text=rendered_labels["no_points"],
        ),
        "trend": trend_png(
            content.trend,
            incidents_label=rendered_labels["incidents"],
            killed_label=rendered_labels["killed"],
        ),
    }


def run_digest(
    db: Database,
    settings: Settings,
    profile: Profile,
    *,
    day: dt.date | None = None,
    now: dt.datetime | None = None,
    send: bool = False,
    resend: bool = False,
    out_dir: Path | None = None,
    retries: int = 3,
    backoff: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    ssl_context: ssl.SSLContext | None = None,
) -> DigestOutcome:
    """Build the digest of ``profile`` for its period, write its files, send it once.

    ``send`` without a configured SMTP server or without recipients records a
    failed send (files are still written). ``retries``/``backoff`` bound the
    SMTP retries (the wait doubles each time); tests pass a short backoff.
    The run is recorded in ``job_runs`` as ``digest:<profile>``, failed when
    sending failed or something raised.
    """
    with db.sessions.begin() as session:
        run_id = repository.start_job(session, f"digest:{profile.name}").id
    try:
        outcome = _run(
            db,
            settings,
            profile,
            day=day,
            now=now or dt.datetime.now(dt.UTC),
            send=send,
            resend=resend,
            out_dir=out_dir,
            retries=retries,
            backoff=backoff,
            sleep=sleep,
            ssl_context=ssl_context,
        )
    except Exception as exc:
        _finish(db, run_id, "failed", {}, f"{type(exc).__name__}: {exc}")
        raise
    stats = {
        "digest_id": outcome.digest_id,
        "status": outcome.status,
        "new": outcome.new_incidents,
        "changes": outcome.changes,
        "attempts": outcome.attempts,
        "path": str(outcome.directory),
    }
    _finish(db, run_id, "failed" if outcome.status == "failed" else "ok", stats, outcome.error)
    return outcome


def run_profiles(
    db: Database,
    settings: Settings,
    profiles: Sequence[Profile],
    **options: Any,
) -> list[DigestOutcome]:
    """``run_digest`` for each profile in turn (one failing send does not stop the others)."""
    return [run_digest(db, settings, profile, **options) for profile in profiles]


def _finish(
    db: Database, run_id: int, status: str, stats: dict[str, Any], error: str | None
) -> None:
    with db.sessions.begin() as session:
        run = session.get(JobRun, run_id)
        if run is not None:
            repository.finish_job(session, run, status, stats=stats, error=error)


def _run(
    db: Database,
    settings: Settings,
    profile: Profile,
    *,
    day: dt.date | None,
    now: dt.datetime,
    send: bool,
    resend: bool,
    out_dir: Path | None,
    retries: int,
    backoff: float,
    sleep: Callable[[float], None],
    ssl_context: ssl.SSLContext | None,
) -> DigestOutcome:
    with db.sessions() as session:
        period = resolve_period(session, profile, settings, day=day, now=now)
        existing = session.scalar(
            select(Digest).where(
                Digest.profile == profile.name,
                Digest.period_start == period.start,
                Digest.period_end == period.end,
            )
        )
        if existing is not None and existing.status == "sent" and not resend:
            # what was sent stays as it was: no rebuild, no second e-mail
            return DigestOutcome(
                profile=profile.name,
                period=period,
                digest_id=existing.id,
                directory=Path(existing.path or ""),
                status="already_sent",
                new_incidents=len(existing.incident_ids or []),
                changes=0,
            )
        content = build_digest(session, settings, profile, period, now=now)

    images = pictures(content, Outlines.load(), picture_words(profile.language))
    rendered = render(content, images={k: True for k in images}, names=country_names())
    directory = (
        out_dir
        if out_dir is not None
        else _directory(settings.data_dir / "digests" / profile.name, period)
    )
    write_files(directory, rendered, images)
    digest_id = _record_built(db, profile, period, content, directory)

    status: DigestStatus
    status, attempts, error = "built", 0, None
    if send:
        status, attempts, error = _send(
            db,
            settings,
            profile,
            digest_id,
            rendered,
            images,
            directory,
            retries=retries,
            backoff=backoff,
            sleep=sleep,
            ssl_context=ssl_context,
        )
    return DigestOutcome(
        profile=profile.name,
        period=period,
        digest_id=digest_id,
        directory=directory,
        status=status,
        new_incidents=len(content.incidents),
        changes=len(content.changes),
        attempts=attempts,
        error=error,
    )


def picture_words(language: str) -> dict[str, str]:
    """The words drawn into the digest's pictures (map and trend), in ``language``."""
    labels = Labels(language, "UTC", {})
    return {
        "map": labels["map"],
        "trend": labels["trend"],
        "incidents": labels["t_incidents"],
        "killed": labels["t_killed"],
        "no_points": labels["no_points"],
    }


def _record_built(
    db: Database, profile: Profile, period: Period, content: DigestContent, directory: Path
) -> int:
    """Insert or refresh the digests row of this profile + period; its id."""
    for _ in range(2):
        try:
            with db.sessions.begin() as session:
                row = session.scalar(
                    select(Digest).where(
                        Digest.profile == profile.name,
                        Digest.period_start == period.start,
                        Digest.period_end == period.end,
                    )
                )
                if row is None:
                    row = Digest(
                        profile=profile.name,
                        period_start=period.start,
                        period_end=period.end,
                        status="built",
                    )
                    session.add(row)
                row.recipients = list(profile.recipients)
                row.incident_ids = content.incident_ids
                row.path = str(directory)
                session.flush()
                return row.id
        except IntegrityError:
            # another process inserted the same period first: use its row
            continue
    raise RuntimeError("could not record the digest row")


def _send(
    db: Database,
    settings: Settings,
    profile: Profile,
    digest_id: int,
    rendered: Rendered,
    images: dict[str, bytes],
    directory: Path,
    *,
    retries: int,
    backoff: float,
    sleep: Callable[[float], None],
    ssl_context: ssl.SSLContext | None,
) -> tuple[DigestStatus, int, str | None]:
    def record(attempt: int, error: str | None) -> None:
        with db.sessions.begin() as session:
            row = session.get(Digest, digest_id)
            assert row is not None
            row.attempts = (row.attempts or 0) + 1
            if error is None:
                row.status, row.sent_at, row.last_error = "sent", utcnow(), None
            elif row.sent_at is None:
                row.status, row.last_error = "failed", error
            else:
                # a failed --resend: the digest did go out once, so it stays sent
                row.last_error = error

    try:
        recipients = [clean_address(r) for r in profile.recipients]
        if not recipients:
            raise DeliveryError(
                f"profile {profile.name} has no recipients (CIVWATCH_DIGEST_TO or profiles file)"
            )
        msg = build_message(
            rendered,
            sender=settings.digest_from,
            recipients=recipients,
            images=images,
            digest_id=digest_id,
        )
    except DeliveryError as exc:
        record(1, str(exc))
        return "failed", 1, str(exc)
    _write_atomic(directory / "digest.eml", msg.as_bytes())
    result = send_with_retries(
        settings,
        msg,
        recipients,
        retries=retries,
        backoff=backoff,
        sleep=sleep,
        on_attempt=record,
        ssl_context=ssl_context,
    )
    return ("sent" if result.sent else "failed"), result.attempts, result.error
