"""Time from a kill -9 of `civwatch process` to its backlog being worked again.

```
.venv/bin/python bench/bench_recovery.py [--runs 3] [--pg URL] [--far] [--lease 90]
```

*same host*: a run is killed with SIGKILL after its first committed article,
mid-batch; a new `civwatch process` is started at once (what the scheduler's
next run or systemd's restart does). Measured: kill → the first article the
new run commits, and kill → every article the dead worker held is processed.
The new run reclaims the dead worker's leases when it starts (its PID is gone),
so this is the start-up of a run (Python, models) plus one NLP batch. Also
measured: kill → the dead worker's leases taken back (before the models load).

*another host* (``--far``): a worker with another host's identity is killed
the same way; runs are started back to back until its articles are processed.
Measured: kill → its articles worked again, which is the rest of its lease
(``--lease``, default CIVWATCH_PROCESS_LEASE_SECONDS' 90 s) plus a start-up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from storage import Database  # noqa: E402
from storage.models import Article  # noqa: E402
from tests.incidents.corpus import backlog  # noqa: E402

FAR_WORKER = """
import sys
from incidents.process import Processor
from settings import Settings
from storage import Database

db = Database.open(sys.argv[1], migrate=False)
lease = float(sys.argv[2])
Processor(db, Settings.from_env(), worker_id="far-host:1:w", lease_seconds=lease).run(batch_size=16)
"""


def _env(url: str, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVWATCH_")}
    env.update(CIVWATCH_DATABASE_URL=url, CIVWATCH_DATA_DIR=str(tmp), PYTHONPATH=str(REPO))
    return env


def _done(db: Database) -> int:
    with db.sessions() as s:
        stmt = select(func.count()).select_from(Article).where(Article.nlp_version.is_not(None))
        return s.scalar(stmt) or 0


def _held_by(db: Database, pattern: str) -> list[int]:
    with db.sessions() as s:
        return list(
            s.scalars(
                select(Article.id).where(
                    Article.lease_owner.like(pattern), Article.nlp_version.is_(None)
                )
            )
        )


def _all_done(db: Database, ids: list[int]) -> bool:
    with db.sessions() as s:
        stmt = select(func.count()).where(Article.id.in_(ids), Article.nlp_version.is_(None))
        return not s.scalar(stmt)


def _fill(db: Database) -> None:
    rows = [
        {
            "url": r.url,
            "canonical_url": r.url,
            "text": r.text,
            "language": r.lang,
            "status": "new",
            "published_at": dt.datetime.combine(r.published, dt.time(12), tzinfo=dt.UTC),
        }
        for r in backlog(40, noise=10)
    ]
    with db.sessions.begin() as s:
        s.execute(insert(Article), rows)


def _wait(condition: Callable[[], bool], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.01)


def one(url: str, tmp: Path, far: bool, lease: float) -> tuple[float, float, float]:
    db = Database.open(url)
    _fill(db)
    env = _env(url, tmp)
    if far:
        victim = subprocess.Popen(
            [sys.executable, "-c", FAR_WORKER, url, str(lease)], cwd=REPO, env=env
        )
    else:
        victim = subprocess.Popen(
            [sys.executable, "-m", "cli", "process", "--quiet", "--batch-size", "16"],
            cwd=REPO,
            env=env,
        )
    _wait(lambda: _done(db) >= 1)
    os.kill(victim.pid, signal.SIGKILL)
    killed = time.monotonic()
    victim.wait()
    before = _done(db)
    owner = "far-host:%" if far else f"%:{victim.pid}:%"
    held = _held_by(db, owner)
    first = finished = freed = 0.0
    while not finished:
        run = subprocess.Popen(
            [sys.executable, "-m", "cli", "process", "--quiet", "--batch-size", "16"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        while True:
            exited = run.poll() is not None
            if not freed and not _held_by(db, owner):
                freed = time.monotonic() - killed
            if not first and _done(db) > before:
                first = time.monotonic() - killed
            if not finished and _all_done(db, held):
                finished = time.monotonic() - killed
            if exited:
                break
            time.sleep(0.01)
    db.close()
    return freed, first, finished


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg", help="PostgreSQL admin URL: a throw-away database per run")
    parser.add_argument("--far", action="store_true", help="a worker of another host")
    parser.add_argument("--lease", type=float, default=90.0)
    args = parser.parse_args()
    frees, firsts, ends = [], [], []
    for n in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.sqlite3"
            name = f"bench_recovery_{os.getpid()}_{n}"
            admin = create_engine(args.pg or "sqlite://", isolation_level="AUTOCOMMIT")
            if args.pg:
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                url = args.pg.rsplit("/", 1)[0] + "/" + name
            try:
                free, first, end = one(url, Path(tmp), args.far, args.lease)
            finally:
                if args.pg:
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
        frees.append(free)
        firsts.append(first)
        ends.append(end)
        print(
            f"run {n + 1}: leases taken back {free:.1f} s, first article {first:.1f} s, "
            f"dead worker's articles done {end:.1f} s"
        )
    print(
        f"median of {args.runs}: kill -9 → leases taken back {statistics.median(frees):.1f} s, "
        f"→ backlog worked again (first article) {statistics.median(firsts):.1f} s, "
        f"→ the dead worker's articles done {statistics.median(ends):.1f} s"
    )


if __name__ == "__main__":
    main()
