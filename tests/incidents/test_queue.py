"""The article work queue: leases, SKIP LOCKED claims, expiry, release."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import OperationalError

from storage import Database
from storage import incidents as queue
from storage.models import Article
from tests.incidents.helpers import add_article


def _articles(db: Database, n: int) -> list[int]:
    return [add_article(db, f"text {i}", url=f"http://t/{i}") for i in range(n)]


def test_two_owners_get_disjoint_batches(db: Database) -> None:
    ids = _articles(db, 5)
    add_article(db, "x", url="http://t/irrelevant", status="irrelevant")
    with db.sessions.begin() as s:
        first = queue.claim_batch(s, "w1", 3, "v1")
    with db.sessions.begin() as s:
        second = queue.claim_batch(s, "w2", 3, "v1")
    with db.sessions.begin() as s:
        third = queue.claim_batch(s, "w3", 3, "v1")
    assert first == ids[:3]
    assert second == ids[3:]
    assert third == []  # the irrelevant article is never queued


def test_expired_lease_is_taken_again(db: Database) -> None:
    ids = _articles(db, 2)
    with db.sessions.begin() as s:
        assert queue.claim_batch(s, "dead", 2, "v1") == ids
    with db.sessions.begin() as s:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        s.execute(update(Article).where(Article.id == ids[0]).values(lease_expires=past))
    with db.sessions.begin() as s:
        assert queue.claim_batch(s, "alive", 5, "v1") == [ids[0]]


def test_release_and_finish(db: Database) -> None:
    ids = _articles(db, 2)
    with db.sessions.begin() as s:
        queue.claim_batch(s, "w", 2, "v1")
        assert queue.release(s, "other", ids) == 0
        assert queue.release(s, "w", [ids[1]]) == 1
    with db.sessions.begin() as s:
        art = queue.lock_leased_article(s, ids[0], "w", "v1", reprocess=False)
        assert art is not None
        queue.finish_article(art, "v1", status="processed")
        assert queue.lock_leased_article(s, ids[1], "w", "v1", reprocess=False) is None
    with db.sessions.begin() as s:
        assert queue.pending_count(s, "v1") == 1
        assert queue.claim_batch(s, "w2", 5, "v1") == [ids[1]]
        # a newer NLP version re-queues the processed article only with reprocess
        assert queue.pending_count(s, "v2") == 1
        assert queue.pending_count(s, "v2", reprocess=True) == 2


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
                    batch = queue.claim_batch(s, owner, 7, "v1")
                if not batch:
                    return
                got[owner].extend(batch)
                with other.sessions.begin() as s:
                    for article_id in batch:
                        art = queue.lock_leased_article(s, article_id, owner, "v1", reprocess=False)
                        assert art is not None
                        queue.finish_article(art, "v1", status="processed")
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
                queue.advisory_lock(other, lock_keys([draft], s))
            except OperationalError:
                return True
            finally:
                other.rollback()
            return False

    with pg_db.sessions.begin() as holder:
        queue.advisory_lock(holder, lock_keys([bandiagara], s))
        assert blocked(near)  # could be the same event: waits for our commit
        assert blocked(vague)  # a draft without a point may merge with anything in ML
        assert not blocked(koro)  # 66 km away: runs in parallel
