"""The article work queue: leases, SKIP LOCKED claims, expiry, release."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import OperationalError

from storage import Database, workqueue
from storage.models import Article
from tests.incidents.helpers import add_article
from tests.waiting import wait_until


def _articles(db: Database, n: int) -> list[int]:
    return [add_article(db, f"text {i}", url=f"http://t/{i}") for i in range(n)]


def test_two_owners_get_disjoint_batches(db: Database) -> None:
    ids = _articles(db, 5)
    add_article(db, "x", url="http://t/irrelevant", status="irrelevant")
    with db.sessions.begin() as s:
        first = workqueue.claim_batch(s, "w1", 3, "v1")
    with db.sessions.begin() as s:
        second = workqueue.claim_batch(s, "w2", 3, "v1")
    with db.sessions.begin() as s:
        third = workqueue.claim_batch(s, "w3", 3, "v1")
    assert first == ids[:3]
    assert second == ids[3:]
    assert third == []  # the irrelevant article is never queued


def test_expired_lease_is_taken_again(db: Database) -> None:
    ids = _articles(db, 2)
    with db.sessions.begin() as s:
        assert workqueue.claim_batch(s, "dead", 2, "v1") == ids
    with db.sessions.begin() as s:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        s.execute(update(Article).where(Article.id == ids[0]).values(lease_expires=past))
    with db.sessions.begin() as s:
        assert workqueue.claim_batch(s, "alive", 5, "v1") == [ids[0]]


def test_release_and_finish(db: Database) -> None:
    ids = _articles(db, 2)
    with db.sessions.begin() as s:
        workqueue.claim_batch(s, "w", 2, "v1")
        assert workqueue.release(s, "other", ids) == 0
        assert workqueue.release(s, "w", [ids[1]]) == 1
    with db.sessions.begin() as s:
        art = workqueue.lock_leased_article(s, ids[0], "w", "v1", reprocess=False)
        assert art is not None
        workqueue.finish_article(art, "v1", status="processed")
        assert workqueue.lock_leased_article(s, ids[1], "w", "v1", reprocess=False) is None
    with db.sessions.begin() as s:
        assert workqueue.pending_count(s, "v1") == 1
        assert workqueue.claim_batch(s, "w2", 5, "v1") == [ids[1]]
        # a newer NLP version re-queues the processed article only with reprocess
        assert workqueue.pending_count(s, "v2") == 1
        assert workqueue.pending_count(s, "v2", reprocess=True) == 2


def test_concurrent_claimers_never_share_an_article(db: Database) -> None:
    import threading

    ids = _articles(db, 120)
    url = db.engine.url.render_as_string(hide_password=False)
    got: dict[str, list[int]] = {"a": [], "b": [], "c": []}
    errors: list[BaseException] = []

    def claimer(owner: str) -> None:
        # each claimer is its own engine/connection, as separate workers are
        other = Database.open(url, migrate=False)
        try:
            while True:
                with other.sessions.begin() as s:
                    batch = workqueue.claim_batch(s, owner, 7, "v1")
                if not batch:
                    return
                got[owner].extend(batch)
                with other.sessions.begin() as s:
                    for article_id in batch:
                        art = workqueue.lock_leased_article(
                            s, article_id, owner, "v1", reprocess=False
                        )
                        assert art is not None
                        workqueue.finish_article(art, "v1", status="processed")
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            other.close()

    threads = [threading.Thread(target=claimer, args=(o,)) for o in got]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    claimed = [i for batch in got.values() for i in batch]
    assert sorted(claimed) == ids  # every article exactly once


@pytest.mark.postgres
def test_merge_locks_block_near_and_not_far(pg_db: Database) -> None:
    from incidents.merge import Draft, lock_keys
    from settings import Settings

    s = Settings.from_env({})
    bandiagara = Draft(country="ML", lat=14.35005, lon=-3.61038, place_precision="point")
    near = Draft(country="ML", lat=14.45, lon=-3.55, place_precision="point")
    koro = Draft(country="ML", lat=14.064, lon=-3.07539, place_precision="point")
    vague = Draft(country="ML", admin1="Mopti", place_precision="admin1")

    def blocked(draft: Draft) -> bool:
        with pg_db.sessions() as other:
            other.execute(text("SET lock_timeout = '300ms'"))
            try:
                workqueue.advisory_lock(other, lock_keys([draft], s))
            except OperationalError:
                return True
            finally:
                other.rollback()
            return False

    with pg_db.sessions.begin() as holder:
        workqueue.advisory_lock(holder, lock_keys([bandiagara], s))
        assert blocked(near)  # could be the same event: waits for our commit
        assert blocked(vague)  # a draft without a point may merge with anything in ML
        assert not blocked(koro)  # 66 km away: runs in parallel


def _dead_pid() -> int:
    """The PID of a process of this host that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _lease_to(db: Database, owners: dict[int, str], seconds: float = 600) -> None:
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
    with db.sessions.begin() as s:
        for article_id, owner in owners.items():
            s.execute(
                update(Article)
                .where(Article.id == article_id)
                .values(lease_owner=owner, lease_expires=expires)
            )


def test_dead_and_zombie_workers_of_this_host_are_reclaimed_at_once(db: Database) -> None:
    ids = _articles(db, 5)
    here = socket.gethostname()
    # A zombie: killed, never reaped by its parent (us) — gone all the same.
    zombie = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    os.kill(zombie.pid, signal.SIGKILL)
    wait_until(
        lambda: Path(f"/proc/{zombie.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z",
        30,
        "the killed child to become a zombie",
        poll=0.01,
    )
    owners = {
        ids[0]: f"{here}:{_dead_pid()}:gone",
        ids[1]: f"{here}:{zombie.pid}:zombie",
        ids[2]: f"{here}:{os.getpid()}:alive",  # this very process: alive
        ids[3]: f"far-host:{_dead_pid()}:w",  # another host: its liveness cannot be seen
    }
    try:
        _lease_to(db, owners)
        with db.sessions() as s:
            holders = {h.owner: h for h in workqueue.lease_holders(s)}
        assert holders[owners[ids[0]]].dead_here and holders[owners[ids[1]]].dead_here
        assert not holders[owners[ids[2]]].dead_here and not holders[owners[ids[3]]].dead_here
        with db.sessions.begin() as s:
            freed = workqueue.reclaim_dead_workers(s)
        assert freed == {owners[ids[0]]: 1, owners[ids[1]]: 1}
        with db.sessions.begin() as s:
            # the freed two and the never-leased one; the live and the far ones stay
            assert workqueue.claim_batch(s, "heir", 10, "v1") == [ids[0], ids[1], ids[4]]
        with db.sessions.begin() as s:
            assert workqueue.reclaim_dead_workers(s) == {}  # nothing twice
    finally:
        zombie.wait()


def test_another_hosts_lease_is_taken_after_its_expiry_not_before(db: Database) -> None:
    ids = _articles(db, 3)
    with db.sessions.begin() as s:
        assert workqueue.claim_batch(s, "far-host:77:w", 2, "v1", lease_seconds=2) == ids[:2]
    with db.sessions() as s:
        (holder,) = workqueue.lease_holders(s)
    assert (holder.owner, holder.articles, holder.dead_here) == ("far-host:77:w", 2, False)
    early: list[list[int]] = []
    got: list[int] = []

    def taken() -> bool:
        with db.sessions.begin() as s:
            batch = workqueue.claim_batch(s, "heir", 10, "v1", exclude=[ids[2]])
        if batch:
            got.extend(batch)
            return True
        early.append(batch)
        return False

    wait_until(taken, 30, "the expired lease taken", poll=0.01)
    taken_at = dt.datetime.now(dt.UTC)
    assert got == ids[:2]
    assert taken_at >= holder.until  # not before the expiry
    assert early, "the first claims, before the expiry, found nothing to take"


def test_renewal_keeps_a_lease_and_only_the_owners(db: Database) -> None:
    ids = _articles(db, 2)
    with db.sessions.begin() as s:
        workqueue.claim_batch(s, "w", 1, "v1", lease_seconds=3)
        workqueue.claim_batch(s, "other", 1, "v1", lease_seconds=3)
    with db.sessions.begin() as s:
        assert workqueue.renew(s, "w", 600) == 1
    with db.sessions() as s:
        mine, theirs = (s.get(Article, i) for i in ids)
    now = dt.datetime.now(dt.UTC)
    assert mine is not None and mine.lease_expires is not None
    assert theirs is not None and theirs.lease_expires is not None
    assert mine.lease_expires > now + dt.timedelta(seconds=500)
    assert theirs.lease_expires < now + dt.timedelta(seconds=5)


def test_nlp_failures_are_queued_until_the_attempts_run_out(db: Database) -> None:
    fresh = add_article(db, "a", url="http://t/fresh")
    once = add_article(db, "b", url="http://t/once", status="failed")
    spent = add_article(db, "c", url="http://t/spent", status="failed")
    crawl_failed = add_article(db, "d", url="http://t/crawl", status="failed")
    with db.sessions.begin() as s:
        s.execute(update(Article).where(Article.id == once).values(nlp_attempts=1))
        s.execute(update(Article).where(Article.id == spent).values(nlp_attempts=3))
    with db.sessions.begin() as s:
        # a failure with attempts left is retried; one that used them up waits for
        # an operator; a "failed" the NLP never saw (attempts 0) is not the NLP's
        assert workqueue.claim_batch(s, "w", 10, "v1", max_attempts=3) == [fresh, once]
        workqueue.release_all(s, "w")
        assert workqueue.claim_batch(s, "w", 10, "v1", max_attempts=4) == [fresh, once, spent]
        workqueue.release_all(s, "w")
        everything = workqueue.claim_batch(s, "w", 10, "v1", reprocess=True, max_attempts=3)
        assert everything == [fresh, once, spent, crawl_failed]
    with db.sessions() as s:
        failures = workqueue.nlp_failures(s, 3)
    assert (failures.waiting, failures.given_up) == (1, 1)
    assert [e[0] for e in failures.examples] == [spent]
