"""The article work queue of the processing stage, and the machine-made content
(claims, actors, evidence) that processing an article writes and re-processing
replaces.

The work queue is a lease on ``articles`` (``lease_owner`` / ``lease_expires``):
a worker claims a batch in one short transaction, processes each article in
its own transaction, and clears the lease when the article is done. The owner
is the worker's ``host:pid:name`` and the lease is short: the worker's
heartbeat (``storage.heartbeat``) renews it while the process lives. A worker
killed mid-batch stops renewing: a worker of the same host reclaims its
articles at once when the PID is gone (:func:`reclaim_dead_workers`, the
liveness check of the scheduler's locks), a worker of another host takes them
when the lease expires. On PostgreSQL the claim uses ``FOR UPDATE SKIP
LOCKED`` so several workers (processes or hosts) never claim the same article;
on SQLite the single-statement ``UPDATE`` is serialised by the database's
writer lock.

An article the NLP failed on is ``failed`` with its reason and an attempt
count, and queued again until ``max_attempts`` runs failed on it; then it
waits for an operator (``--reprocess`` takes it again).

Every function takes a ``Session`` and leaves committing to the caller.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import (
    ColumnElement,
    Select,
    Update,
    and_,
    bindparam,
    delete,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from storage.locks import owner_is_dead_local
from storage.models import (
    Article,
    Claim,
    EvidenceMention,
    Incident,
    IncidentActor,
    Review,
    utcnow,
)

DEFAULT_LEASE_SECONDS = 90  # Settings.process_lease_seconds
DEFAULT_MAX_ATTEMPTS = 3  # Settings.nlp_max_attempts
# Articles the processing stage reads; "duplicate" ones only add evidence.
QUEUED_STATUSES = ("new", "duplicate")
REPROCESS_STATUSES = ("new", "duplicate", "processed", "failed")


def _needs_processing(
    nlp_version: str, reprocess: bool, max_attempts: int = DEFAULT_MAX_ATTEMPTS
) -> ColumnElement[bool]:
    if reprocess:
        # an operator's explicit re-run: articles left after max_attempts too
        return and_(
            Article.status.in_(REPROCESS_STATUSES),
            or_(Article.nlp_version.is_(None), Article.nlp_version != nlp_version),
        )
    return and_(
        Article.nlp_version.is_(None),
        or_(
            Article.status.in_(QUEUED_STATUSES),
            # an NLP failure is retried by the next runs, a bounded number of times
            and_(
                Article.status == "failed",
                Article.nlp_attempts > 0,
                Article.nlp_attempts < max_attempts,
            ),
        ),
    )


def _lease_free(now: dt.datetime) -> ColumnElement[bool]:
    return or_(Article.lease_owner.is_(None), Article.lease_expires < now)


def pending_count(
    session: Session,
    nlp_version: str,
    *,
    reprocess: bool = False,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> int:
    """How many articles still wait for processing (leased or not)."""
    stmt = (
        select(func.count())
        .select_from(Article)
        .where(_needs_processing(nlp_version, reprocess, max_attempts))
    )
    return session.scalar(stmt) or 0


def claim_batch(
    session: Session,
    owner: str,
    size: int,
    nlp_version: str,
    *,
    reprocess: bool = False,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
    exclude: Iterable[int] = (),
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> list[int]:
    """Lease up to ``size`` articles that need processing to ``owner``; their ids.

    Commit right after, so other workers see the lease.
    """
    now = utcnow()
    expires = now + dt.timedelta(seconds=lease_seconds)
    excluded = list(exclude)
    inner = (
        select(Article.id)
        .where(_needs_processing(nlp_version, reprocess, max_attempts), _lease_free(now))
        .order_by(Article.id)
        .limit(size)
    )
    if excluded:
        inner = inner.where(Article.id.not_in(excluded))
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.scalars(inner.with_for_update(skip_locked=True)))
        if not ids:
            return []
        target = Article.id.in_(ids)
    else:
        # SQLite: one UPDATE with the choice as a subquery, so the statement holds
        # the write lock from its start (a SELECT first would read a snapshot that
        # another process's commit can make stale before our write).
        target = Article.id.in_(inner.scalar_subquery())
    session.execute(
        update(Article)
        .where(target, _lease_free(now))
        .values(lease_owner=owner, lease_expires=expires)
        .execution_options(synchronize_session=False)
    )
    return list(
        session.scalars(
            select(Article.id)
            .where(Article.lease_owner == owner, Article.lease_expires == expires)
            .order_by(Article.id)
        )
    )


def release(session: Session, owner: str, ids: Sequence[int]) -> int:
    """Give back leases ``owner`` still holds on ``ids`` (articles left unprocessed)."""
    if not ids:
        return 0
    result = session.execute(
        update(Article)
        .where(Article.id.in_(list(ids)), Article.lease_owner == owner)
        .values(lease_owner=None, lease_expires=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def renew(session: Session, owner: str, lease_seconds: float) -> int:
    """Extend every lease ``owner`` holds by ``lease_seconds`` from now (the heartbeat)."""
    result = session.execute(
        update(Article)
        .where(Article.lease_owner == owner)
        .values(lease_expires=utcnow() + dt.timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def reclaim_dead_workers(session: Session) -> dict[str, int]:
    """Free at once the articles leased by workers of this host whose process is
    gone (killed, or a zombie): ``{owner: articles freed}``.

    Owners on other hosts are left to their lease expiry: their liveness cannot
    be seen from here.
    """
    owners = session.scalars(
        select(Article.lease_owner).where(Article.lease_owner.is_not(None)).distinct()
    )
    dead = sorted(owner for owner in owners if owner and owner_is_dead_local(owner))
    freed: dict[str, int] = {}
    for owner in dead:
        # Compare-and-swap on the dead owner: two starting workers free each row once.
        result = session.execute(
            update(Article)
            .where(Article.lease_owner == owner)
            .values(lease_owner=None, lease_expires=None)
            .execution_options(synchronize_session=False)
        )
        count = int(getattr(result, "rowcount", 0) or 0)
        if count:
            freed[owner] = count
    return freed


@dataclass(frozen=True)
class Holder:
    """Articles one worker holds under a lease."""

    owner: str
    articles: int
    until: dt.datetime  # the latest expiry among them
    dead_here: bool  # a worker of this host whose process is gone

    def describe(self) -> str:
        state = ", worker gone: the next run reclaims them" if self.dead_here else ""
        return (
            f"{self.articles} by {self.owner} until "
            f"{self.until.isoformat(timespec='seconds')}{state}"
        )


def lease_holders(session: Session, *, exclude: str | None = None) -> list[Holder]:
    """Workers holding unexpired article leases now (``exclude``: ourselves)."""
    now = utcnow()
    stmt = (
        select(Article.lease_owner, func.count(), func.max(Article.lease_expires))
        .where(Article.lease_owner.is_not(None), Article.lease_expires >= now)
        .group_by(Article.lease_owner)
        .order_by(Article.lease_owner)
    )
    if exclude is not None:
        stmt = stmt.where(Article.lease_owner != exclude)
    out = []
    for owner, count, until in session.execute(stmt):
        if until is None:
            continue
        if until.tzinfo is None:
            until = until.replace(tzinfo=dt.UTC)  # an aggregate is not converted by the type
        out.append(Holder(str(owner), int(count), until, owner_is_dead_local(str(owner))))
    return out


def release_all(session: Session, owner: str) -> int:
    """Give back every lease ``owner`` holds (a worker stopping early)."""
    result = session.execute(
        update(Article)
        .where(Article.lease_owner == owner)
        .values(lease_owner=None, lease_expires=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@lru_cache(maxsize=2)
def _lock_queries(postgresql: bool) -> tuple[Update | None, Select[Article]]:
    """(write-lock statement or None, row select) for ``lock_leased_article``,
    built once (constructing them per article cost more than running them)."""
    select_row = select(Article).where(Article.id == bindparam("article_id"))
    if postgresql:
        # This transaction may be lost whole if the database server crashes (never
        # half-written): the article is then simply processed again. Not waiting
        # for the WAL flush at every article's commit saves ~2 ms per article.
        # Set in the same round trip as the row lock.
        select_row = select_row.add_columns(func.set_config("synchronous_commit", "off", True))
        return None, select_row.with_for_update(of=Article)
    # SQLite: take the write lock first (like BEGIN IMMEDIATE), so concurrent
    # workers queue on the busy timeout instead of failing on a stale snapshot.
    write_lock = (
        update(Article)
        .where(Article.id == bindparam("article_id"), Article.lease_owner == bindparam("owner"))
        .values(lease_owner=bindparam("owner"))
        .execution_options(synchronize_session=False)
    )
    return write_lock, select_row


def lock_leased_article(
    session: Session, article_id: int, owner: str, nlp_version: str, *, reprocess: bool
) -> Article | None:
    """The article, row-locked for this transaction, if ``owner`` still holds its
    lease and it still needs processing; else None (lease lost or already done)."""
    write_lock, select_row = _lock_queries(session.get_bind().dialect.name == "postgresql")
    params = {"article_id": article_id, "owner": owner}
    if write_lock is not None:
        session.execute(write_lock, params)
    # the first column is the Article
    article = session.scalars(select_row, {"article_id": article_id}).one_or_none()
    if article is None or article.lease_owner != owner:
        return None
    if article.nlp_version == nlp_version:
        return None
    if not reprocess and article.nlp_version is not None:
        return None
    return article


def fail_article(article: Article, reason: str) -> None:
    """Mark ``article`` failed with ``reason``: one more attempt counted, lease cleared,
    and its NLP version left as it was (never written as processed), so the next
    runs retry it until the attempts run out."""
    article.status = "failed"
    article.status_reason = reason[:500]
    article.nlp_attempts = (article.nlp_attempts or 0) + 1
    article.lease_owner = None
    article.lease_expires = None


@dataclass(frozen=True)
class NlpFailures:
    """Articles the NLP failed on: waiting for a retry, and left for an operator."""

    waiting: int
    given_up: int
    examples: list[tuple[int, str, int, str]]  # (id, url, attempts, reason) of given-up ones


def nlp_failures(
    session: Session, max_attempts: int = DEFAULT_MAX_ATTEMPTS, *, examples: int = 5
) -> NlpFailures:
    """How many NLP failures wait for a retry and how many were given up on."""

    def count(*where: ColumnElement[bool]) -> int:
        stmt = select(func.count()).select_from(Article).where(Article.status == "failed", *where)
        return session.scalar(stmt) or 0

    given_up_where = Article.nlp_attempts >= max_attempts
    rows = session.execute(
        select(Article.id, Article.url, Article.nlp_attempts, Article.status_reason)
        .where(Article.status == "failed", given_up_where)
        .order_by(Article.id)
        .limit(examples)
    )
    return NlpFailures(
        waiting=count(Article.nlp_attempts > 0, Article.nlp_attempts < max_attempts),
        given_up=count(given_up_where),
        examples=[(i, u, n, r or "") for i, u, n, r in rows],
    )


def finish_article(
    article: Article, nlp_version: str, *, status: str | None = None, reason: str | None = None
) -> None:
    """Mark ``article`` processed by ``nlp_version`` and clear its lease."""
    if status is not None:
        article.status = status
        article.status_reason = reason
    article.nlp_version = nlp_version
    article.processed_at = utcnow()
    article.lease_owner = None
    article.lease_expires = None


def advisory_lock(session: Session, keys: Sequence[tuple[str, bool]]) -> None:
    """Hold transaction-scoped PostgreSQL advisory locks: ``(key, exclusive)``
    pairs, taken in the given order (callers pass one global order, so two
    transactions never wait on each other in a cycle). No-op on SQLite, whose
    single writer already serialises transactions."""
    if session.get_bind().dialect.name != "postgresql" or not keys:
        return
    statements = []
    for key, exclusive in keys:
        digest = hashlib.blake2b(f"civwatch-merge:{key}".encode(), digest_size=8).digest()
        number = int.from_bytes(digest, "big", signed=True)
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        statements.append(f"PERFORM {function}({number});")
    # One round trip for all of them; PERFORMs run in order, so the global order
    # holds. The numbers are integers computed here, never text from outside.
    session.execute(text(f"DO $$ BEGIN {' '.join(statements)} END $$"))


def article_incident_ids(session: Session, article_id: int) -> set[int]:
    """Incidents that hold machine-made claims, actors or evidence from ``article_id``."""
    ids: set[int] = set()
    for model in (Claim, IncidentActor, EvidenceMention):
        ids.update(
            session.scalars(
                select(model.incident_id).where(
                    model.article_id == article_id, model.origin == "machine"
                )
            )
        )
    return ids


def remove_machine_content(session: Session, article_id: int) -> set[int]:
    """Delete the machine-made claims, actors and evidence of ``article_id``
    (re-processing replaces them); reviewer-made rows stay. Returns the incidents
    that held any."""
    affected = article_incident_ids(session, article_id)
    for model in (Claim, IncidentActor, EvidenceMention):
        session.execute(
            delete(model)
            .where(model.article_id == article_id, model.origin == "machine")
            .execution_options(synchronize_session=False)
        )
    return affected


def is_untouched_and_empty(session: Session, incident: Incident) -> bool:
    """True for a machine-made candidate nobody reviewed that has no evidence left:
    re-processing may delete it. Anything a reviewer touched is kept."""
    if incident.status != "candidate" or incident.locked_fields or incident.reviewed_at:
        return False
    iid = incident.id
    checks = (
        select(EvidenceMention.id).where(EvidenceMention.incident_id == iid),
        select(Claim.id).where(Claim.incident_id == iid),
        select(IncidentActor.id).where(IncidentActor.incident_id == iid),
        select(Review.id).where(Review.incident_id == iid),
        select(Incident.id).where(Incident.merged_into == iid),
    )
    return all(session.execute(q.limit(1)).first() is None for q in checks)


def incident_sources(session: Session, incident_ids: Sequence[int]) -> dict[int, list[str]]:
    """Article URLs supporting each incident (evidence or claims), first seen first."""
    out: dict[int, list[str]] = {i: [] for i in incident_ids}
    if not incident_ids:
        return out
    rows = session.execute(
        select(EvidenceMention.incident_id, Article.url)
        .join(Article, Article.id == EvidenceMention.article_id)
        .where(EvidenceMention.incident_id.in_(list(incident_ids)))
        .order_by(EvidenceMention.incident_id, EvidenceMention.id)
    )
    for iid, url in rows:
        if url not in out[iid]:
            out[iid].append(url)
    return out
