"""A civwatch stage (``civwatch crawl|process|digest``) run as a subprocess.

Every stage runs in a subprocess (``python -m cli crawl|process|digest``).
Scrapy's reactor cannot be restarted in one process, spaCy's memory is
returned to the system when the process ends, and a subprocess can be given a
wall-clock limit and stopped with SIGTERM (then SIGKILL) without leaving the
scheduler in an unknown state. Children die with their parent
(``PR_SET_PDEATHSIG``), so a ``kill -9`` of the scheduler never leaves an
orphan crawl running beside the next one; the stages themselves are kill-safe
(a killed run loses at most the item in flight).
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Literal

from settings import Settings
from storage import Database
from storage.models import utcnow

ROOT = Path(__file__).resolve().parents[1]


class _ProcessState:
    """What this process owns: its stage subprocesses and its database engines.

    Signals are delivered to the process as a whole, so the record of the
    process's children is per process too. Engines are per process and URL
    (see storage/db.py): a new engine for every job run grows SQLAlchemy's
    per-dialect caches without bound (measured: ~0.5 MB per 100 runs).
    Neither holds configuration.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: set[subprocess.Popen[str]] = set()
        self._databases: dict[str, Database] = {}
        self.stopping = threading.Event()

    def database(self, url: str) -> Database:
        """This process's engine for ``url`` (schema not migrated here)."""
        with self._lock:
            if url not in self._databases:
                self._databases[url] = Database.open(url, migrate=False)
            return self._databases[url]

    def close_databases(self) -> None:
        with self._lock:
            for database in self._databases.values():
                database.close()
            self._databases.clear()

    def add(self, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._procs.add(proc)

    def discard(self, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._procs.discard(proc)

    def running(self) -> list[subprocess.Popen[str]]:
        with self._lock:
            return [p for p in self._procs if p.poll() is None]


PROCESS = _ProcessState()

# How a stage subprocess ended: exit status 0, another exit status, stopped at its
# time limit, stopped on shutdown (or Ctrl-C).
StageStatus = Literal["ok", "failed", "timeout", "interrupted"]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass  # not Linux: systemd's KillMode=control-group still stops children


def settings_env(settings: Settings) -> dict[str, str]:
    """Environment variables that rebuild exactly ``settings`` in a child process."""
    env: dict[str, str] = {}
    for f in fields(settings):
        value = getattr(settings, f.name)
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, tuple):
            text = ",".join(value)
        else:
            text = str(value)
        env[f.metadata["env"]] = text
    return env


def civwatch_argv(*args: str) -> list[str]:
    """The command line of a civwatch stage run with this interpreter."""
    return [sys.executable, "-m", "cli", *args]


@dataclass
class StageResult:
    """How one stage subprocess ended."""

    stage: str
    status: StageStatus
    returncode: int | None
    seconds: float
    tail: list[str] = field(default_factory=list)
    log_path: Path | None = None
    pid: int = 0
    stop_sent_at: dt.datetime | None = None  # when we signalled it (time limit, shutdown)

    @property
    def error(self) -> str | None:
        if self.status == "ok":
            return None
        last = next((line for line in reversed(self.tail) if line.strip()), "")
        what = {
            "failed": f"exit status {self.returncode}",
            "timeout": f"stopped after its {self.seconds:.0f} s time limit",
            "interrupted": "stopped by a shutdown signal",
        }[self.status]
        return f"{self.stage}: {what}" + (f": {last.strip()}" if last else "")


def run_stage(
    stage: str,
    args: Sequence[str],
    settings: Settings,
    *,
    timeout: float,
    grace: float,
    echo: Callable[[str], None] | None = None,
    extra_env: dict[str, str] | None = None,
) -> StageResult:
    """Run ``civwatch <args>`` with ``settings``; stop it after ``timeout`` seconds.

    Output goes to ``<data_dir>/logs/<stage>.log`` (appended) and, line by line,
    to ``echo``. On timeout or shutdown the child gets SIGTERM (Scrapy and the
    batch stages checkpoint on it) and SIGKILL ``grace`` seconds later.
    """
    stop_grace = max(1.0, settings.stop_grace / 2 - 1)
    log_dir = settings.data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{stage.replace(':', '_')}.log"
    env = {**os.environ, **settings_env(settings), **(extra_env or {})}
    env["PYTHONUNBUFFERED"] = "1"
    tail: deque[str] = deque(maxlen=40)
    started = time.monotonic()
    with log_path.open("a", encoding="utf-8") as log_file:
        log_file.write(f"--- {utcnow().isoformat(timespec='seconds')} {' '.join(args)}\n")
        log_file.flush()
        proc = subprocess.Popen(
            civwatch_argv(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            cwd=str(ROOT),
            # Its own process group: a terminal's Ctrl-C reaches us only, and we stop
            # the stage (and anything it started) with one killpg.
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        PROCESS.add(proc)

        def pump() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                log_file.write(line)
                tail.append(line.rstrip("\n"))
                if echo is not None:
                    echo(line.rstrip("\n"))

        reader = threading.Thread(target=pump, name=f"{stage}-output", daemon=True)
        reader.start()
        status: StageStatus = "ok"
        deadline = started + timeout
        try:
            try:
                while proc.poll() is None:
                    if PROCESS.stopping.is_set():
                        status = "interrupted"
                        break
                    if time.monotonic() >= deadline:
                        status = "timeout"
                        break
                    time.sleep(0.1)
            except KeyboardInterrupt:  # Ctrl-C in `run --once`: stop the stage cleanly
                status = "interrupted"
            stop_sent_at = None
            if proc.poll() is None:
                stop_sent_at = utcnow()
                # On shutdown the service's own grace period bounds the child's.
                _terminate(proc, grace if status == "timeout" else min(grace, stop_grace))
            elif status != "ok":
                status = "ok"  # it ended on its own just before the limit
        finally:
            PROCESS.discard(proc)
        reader.join(5)
        if proc.stdout is not None:
            proc.stdout.close()
        log_file.flush()
    returncode = proc.returncode
    if status == "ok" and returncode != 0:
        status = "failed"
    seconds = time.monotonic() - started
    return StageResult(
        stage, status, returncode, seconds, list(tail), log_path, proc.pid, stop_sent_at
    )


def _terminate(proc: subprocess.Popen[str], grace: float) -> None:
    """SIGTERM the child's process group, SIGKILL it after ``grace`` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def crawl_args(keys: Sequence[str] | None, since: dt.date | None = None) -> list[str]:
    """Arguments of ``civwatch crawl`` for ``keys`` (None: every enabled source)."""
    args = ["crawl"]
    for key in keys or ():
        args += ["--source", key]
    if since is not None:
        args += ["--since", since.isoformat()]
    return args


def digest_args(
    settings: Settings, profile: str | None, *, day: dt.date | None = None
) -> list[str]:
    """Arguments of ``civwatch digest``: the period up to send time, or the local ``day``."""
    args = ["digest"]
    if profile:
        args += ["--profile", profile]
    if day is not None:
        args += ["--date", day.isoformat()]
    if settings.smtp_host:
        args.append("--send")
    return args
