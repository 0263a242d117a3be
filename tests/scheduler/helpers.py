"""Running the real scheduler and stages as subprocesses, and reading what they recorded."""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from storage import Database
from storage.models import JobRun

REPO = Path(__file__).resolve().parents[2]

# Long defaults so that a test only sees the jobs it switches on.
QUIET = {
    "CIVWATCH_CRAWL_INTERVAL": "3600",
    "CIVWATCH_PROCESS_INTERVAL": "3600",
    "CIVWATCH_HEALTH_INTERVAL": "3600",
    "CIVWATCH_DIGEST_SCHEDULE": "default=03:00",
    "CIVWATCH_MAINTENANCE_TIME": "04:00",
    "CIVWATCH_STOP_GRACE": "6",
    "CIVWATCH_DOWNLOAD_TIMEOUT": "5",
}


def make_env(data_dir: Path, sources: Path, db_url: str = "", **overrides: str) -> dict[str, str]:
    """The environment of a civwatch process isolated in ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVWATCH_")}
    env.update(QUIET)
    env["CIVWATCH_DATA_DIR"] = str(data_dir)
    env["CIVWATCH_SOURCES"] = str(sources)
    env["CIVWATCH_TIMEZONE"] = "UTC"
    env["CIVWATCH_MIN_FREE_DISK_MB"] = "1"
    if db_url:
        env["CIVWATCH_DATABASE_URL"] = db_url
    env.update(overrides)
    return env


def write_sources(path: Path, feeds: dict[str, str]) -> Path:
    """A sources file with one feed source per ``key: url``."""
    lines = ["sources:"]
    for key, url in feeds.items():
        lines += [
            f"  - key: {key}",
            f"    name: {key}",
            "    kind: feed",
            f"    url: {url}",
            "    lang: auto",
            "    countries: [ML, BF, NE]",
        ]
    if not feeds:
        lines = ["sources: []"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start_scheduler(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "cli", "-v", "schedule"],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 20) -> int:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGUSR1)  # the scheduler dumps its threads' stacks to its log
        time.sleep(1)
        proc.kill()
        proc.wait()
        raise


def runs(url: str, job: str | None = None) -> list[JobRun]:
    database = Database.open(url, migrate=False)
    try:
        with database.sessions() as session:
            query = select(JobRun).order_by(JobRun.id)
            if job is not None:
                query = query.where(JobRun.job == job)
            return list(session.scalars(query))
    finally:
        database.close()


def scalar(url: str, sql: str) -> Any:
    database = Database.open(url, migrate=False)
    try:
        with database.engine.connect() as conn:
            return conn.scalar(text(sql))
    finally:
        database.close()


def children_of(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (already exited, not reaped) counts as gone.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


SYS_TGKILL = 234  # x86_64 (the machines these tests run on)


def signal_other_thread(pid: int, sig: int) -> int:
    """Send ``sig`` to a thread of ``pid`` other than its main thread; returns its id.

    The kernel hands a process signal to whichever thread does not block it: this is
    the case a process must handle without the main thread's help.
    """
    others = sorted(int(t.name) for t in Path(f"/proc/{pid}/task").iterdir() if t.name != str(pid))
    assert others, f"process {pid} runs no thread besides its main one"
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(SYS_TGKILL, pid, others[0], sig) != 0:
        raise OSError(ctypes.get_errno(), f"tgkill {pid} {others[0]} {sig}")
    return others[0]


def job_ids(url: str) -> set[str]:
    """The ids of the scheduler's stored jobs."""
    database = Database.open(url, migrate=False)
    try:
        with database.engine.connect() as conn:
            return set(conn.scalars(text("SELECT id FROM apscheduler_jobs")))
    finally:
        database.close()
