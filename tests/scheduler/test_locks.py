"""The database lease lock on SQLite and PostgreSQL, including racing processes."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import time
from pathlib import Path

from storage import Database
from storage.locks import LeaseLock, make_owner, owner_is_dead_local
from tests.waiting import wait_until


def test_one_holder_at_a_time(db: Database) -> None:
    first = LeaseLock(db.engine, "job:crawl", "host-a:1:x", ttl=60)
    second = LeaseLock(db.engine, "job:crawl", "host-b:2:y", ttl=60)
    assert first.acquire()
    assert not second.acquire()
    assert first.acquire(), "re-acquiring our own lease extends it"
    holder = first.holder()
    assert holder is not None and holder.owner == "host-a:1:x"
    second.release()  # not ours: must not free it
    assert not second.acquire()
    first.release()
    assert second.acquire()
    assert not first.renew(), "a released lease cannot be renewed"


def test_expired_lease_is_taken_over(db: Database) -> None:
    stale = LeaseLock(db.engine, "job:process", "other-host:1:x", ttl=0.2)
    assert stale.acquire()
    fresh = LeaseLock(db.engine, "job:process", "other-host:2:y", ttl=60)
    assert not fresh.acquire()
    time.sleep(0.4)
    assert fresh.acquire()
    assert not stale.renew(), "the old holder learns it lost the lease"


def test_dead_local_holder_is_taken_over_at_once(db: Database) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    import socket

    dead_owner = f"{socket.gethostname()}:{child.pid}:dead"
    assert owner_is_dead_local(dead_owner)
    assert not owner_is_dead_local(make_owner()), "our own process is alive"
    assert not owner_is_dead_local(f"elsewhere:{child.pid}:x"), "other hosts are not judged"
    assert LeaseLock(db.engine, "scheduler", dead_owner, ttl=3600).acquire()
    assert LeaseLock(db.engine, "scheduler", make_owner(), ttl=60).acquire()


def _race(url: str, start_at: float, results: multiprocessing.Queue) -> None:
    database = Database.open(url, migrate=False)
    lock = LeaseLock(database.engine, "race", make_owner(), ttl=60)
    while time.time() < start_at:
        time.sleep(0.001)
    results.put(lock.acquire())
    # Stay alive while the others try: a holder that has exited may rightly be
    # taken over, which is not what this test is about.
    while time.time() < start_at + 3:
        time.sleep(0.05)
    database.close()


def test_racing_processes_get_exactly_one_winner(db: Database) -> None:
    url = db.engine.url.render_as_string(hide_password=False)
    ctx = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue = ctx.Queue()
    start_at = time.time() + 2.0
    procs = [ctx.Process(target=_race, args=(url, start_at, results)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    outcomes = [results.get(timeout=5) for _ in procs]
    assert outcomes.count(True) == 1, outcomes


def test_a_zombie_holder_counts_as_dead() -> None:
    import socket

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    # Not waited for: once it exits it stays a zombie until we reap it.
    wait_until(
        lambda: Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] == "Z",
        10,
        "the child to exit (a zombie until reaped)",
        poll=0.05,
    )
    try:
        assert owner_is_dead_local(f"{socket.gethostname()}:{child.pid}:zombie")
    finally:
        child.wait()
