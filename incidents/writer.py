"""One article's analysis written to the database: claims, actors, evidence,
incidents created or merged into, refreshed figures and reference matches.

:class:`ArticleWriter` works inside the caller's transaction (the run loop in
``incidents.process`` opens one per article and retries it on a conflict). It
never overwrites a reviewer's work: reviewer-made claims and actors, statuses,
locked fields and merges stay; an incident a reviewer confirmed or rejected that
gets evidence from a new article is flagged ``new_evidence`` and audited.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from incidents import coding, ledger, matching, merge
from incidents.convert import claims_from_analysis, clip, draft_from_analysis, evidence_spans
from incidents.eventgroups import side_of
from incidents.stats import ProcessStats
from nlp.result import DocResult
from nlp.result import Incident as AnalysedIncident
from settings import Settings
from storage import audit
from storage import workqueue as queue
from storage.models import (
    INCIDENT_DATE_FIELDS,
    INCIDENT_PLACE_FIELDS,
    PLACE_PRECISIONS,
    Article,
    Claim,
    EvidenceMention,
    Incident,
    IncidentActor,
)

log = logging.getLogger(__name__)

REVIEWED = ("confirmed", "rejected")
PLACE_FIELDS = INCIDENT_PLACE_FIELDS
DATE_FIELDS = INCIDENT_DATE_FIELDS
# Reviewer edits lock whole groups under these names as well as single columns.
LOCK_GROUPS = {
    "place": PLACE_FIELDS,
    "location": PLACE_FIELDS,
    "date": DATE_FIELDS,
}
PLACE_RANK = {p: i for i, p in enumerate(reversed(PLACE_PRECISIONS))}  # unresolved 0 … point 5


def locked(incident: Incident, column: str) -> bool:
    """Whether a reviewer edit locked ``column`` (directly or through its group)."""
    names = set(incident.locked_fields or ())
    if column in names:
        return True
    return any(column in LOCK_GROUPS.get(name, ()) for name in names)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _audit_update(session: Session, incident: Incident, changes: dict[str, Any], note: str) -> None:
    """The audit row of fields the pipeline changed (``changes``: {field: (old, new)})."""
    audit.record(
        session,
        incident_id=incident.id,
        user_id=None,
        action=audit.PIPELINE_UPDATE,
        before={k: _jsonable(v[0]) for k, v in changes.items()},
        after={k: _jsonable(v[1]) for k, v in changes.items()},
        note=note,
    )


def _root(session: Session, incident: Incident) -> Incident:
    seen = {incident.id}
    while incident.status == "merged" and incident.merged_into is not None:
        parent: Incident | None = session.get(Incident, incident.merged_into)
        if parent is None or parent.id in seen:
            break
        seen.add(parent.id)
        incident = parent
    return incident


def _link_event(first: Incident | None, other: Incident) -> None:
    """Link two records the NLP read as one event of one article (one per victim side)
    into one event group; a record already in another group keeps it."""
    if first is None:
        return
    group = first.event_group or other.event_group or first.id
    for incident in (first, other):
        if incident.event_group is None:
            incident.event_group = group


class ArticleWriter:
    """Writes leased articles' analyses for one worker and NLP version.

    ``have_references``: whether reference events exist to match incidents
    against (set per batch by the run). ``left_behind``: duplicates this run left
    because their original is not processed yet; ``failed_here``: articles it
    stored as failed — the run leases neither again.
    """

    def __init__(self, settings: Settings, worker_id: str, nlp_version: str) -> None:
        self.settings = settings
        self.worker_id = worker_id
        self.nlp_version = nlp_version
        self.have_references = True
        self.left_behind: set[int] = set()
        self.failed_here: set[int] = set()

    def write(
        self,
        session: Session,
        article_id: int,
        result: DocResult | Exception | None,
        stats: ProcessStats,
        *,
        reprocess: bool,
    ) -> None:
        """Write one leased article's analysis (inside the caller's transaction);
        ``result`` is an exception, or None, when the NLP failed on it or never got it."""
        version = self.nlp_version
        article = queue.lock_leased_article(
            session, article_id, self.worker_id, version, reprocess=reprocess
        )
        if article is None:
            stats.skipped["lease_lost_or_done"] += 1
            return
        failure = _failure(result)
        if failure is not None and article.status != "duplicate" and article.text.strip():
            # Never written as processed: the next runs retry it (a re-processed
            # article keeps what its older NLP version found meanwhile).
            queue.fail_article(article, failure)
            self.failed_here.add(article.id)
            log.warning("article %s failed: %s", article.id, failure)
            stats.failed += 1
            return
        prior: set[int] = set()
        if article.nlp_version is not None:
            prior = queue.remove_machine_content(session, article.id)
            session.expire_all()
        if article.status == "duplicate":
            self._store_duplicate(session, article, stats, prior)
            return
        if not article.text.strip():
            self._settle(session, article, prior, set(), set(), stats)
            queue.finish_article(article, version, status="processed", reason="no text")
            stats.skipped["no_text"] += 1
            stats.articles += 1
            return
        # _failure named anything but a result of an article with text
        outcome = result.status if isinstance(result, DocResult) else "ok"
        if outcome != "ok":
            # "empty", "unsupported_language": a named outcome, not an error
            self._settle(session, article, prior, set(), set(), stats)
            status = "foreign_language" if outcome == "unsupported_language" else "processed"
            queue.finish_article(article, version, status=status, reason=f"nlp: {outcome}")
            stats.skipped[outcome] += 1
            stats.articles += 1
            return
        incidents_in = result.incidents if isinstance(result, DocResult) else []
        published = article.published_at.date() if article.published_at else None
        drafts = [(inc, draft_from_analysis(inc, published=published)) for inc in incidents_in]
        waited = time.perf_counter()
        queue.advisory_lock(session, merge.lock_keys((d for _, d in drafts), self.settings))
        stats.lock_wait_seconds += time.perf_counter() - waited
        touched: set[int] = set()
        created: set[int] = set()
        # the article's NLP event -> its records' incidents by victim side
        by_event: dict[int, dict[str, int]] = {}
        prior_roots = {
            _root(session, inc).id: inc.id
            for inc in (session.get(Incident, i) for i in prior)
            if inc is not None
        }
        for inc, draft in drafts:
            found = self._prior_match(session, draft, prior - touched)
            if found is None:
                found = merge.best_match(
                    session, draft, self.settings, exclude=touched, prefer=set(prior_roots)
                )
            score: float | None = None
            if found is None:
                target = self._create(session, draft)
                created.add(target.id)
                stats.new_incidents += 1
            else:
                target, score = found
                # Re-processing puts an article back where a reviewer's merge left it.
                previous = prior_roots.get(target.id)
                if previous is not None and previous != target.id and previous not in touched:
                    target = session.get(Incident, previous) or target
                if target.id not in prior:
                    stats.merged += 1
                self._fill_missing(session, target, draft, audit_changes=target.id not in created)
            touched.add(target.id)
            if draft.nlp_event is not None:
                # One record per victim side: two records of one side are two events
                # the NLP told apart inside one account ("15 killed on Monday, two
                # weeks after 33 were killed").
                sides = by_event.setdefault(draft.nlp_event, {})
                side = side_of(draft.victims)
                if sides and side not in sides:
                    _link_event(session.get(Incident, next(iter(sides.values()))), target)
                sides.setdefault(side, target.id)
            stats.claims += self._attach(session, target, article, inc, draft, score)
        self._settle(session, article, prior, touched, created, stats)
        if not drafts:
            stats.skipped["no_incident"] += 1
        queue.finish_article(article, version, status="processed", reason=None)
        stats.articles += 1

    def _prior_match(
        self, session: Session, draft: merge.Draft, prior: set[int]
    ) -> tuple[Incident, float] | None:
        """On re-processing, the incident this article fed before (even one a
        reviewer merged away) when the new reading is still compatible with it:
        the article goes back where the reviewer's decisions left it."""
        best: tuple[Incident, float] | None = None
        for iid in sorted(prior):
            incident = session.get(Incident, iid)
            if incident is None:
                continue
            result = merge.score(draft, draft.perpetrators, incident, (), self.settings)
            if result.score is None or result.score < merge.MERGE_THRESHOLD - 0.2:
                continue
            if best is None or result.score > best[1]:
                best = (incident, result.score)
        return best

    def _create(self, session: Session, draft: merge.Draft) -> Incident:
        incident = Incident(
            status="candidate",
            event_date=draft.event_date,
            event_date_end=draft.event_date_end,
            date_precision=draft.date_precision,
            place_name=clip(draft.place_name, 300),
            country=draft.country,
            admin1=clip(draft.admin1, 200),
            admin2=clip(draft.admin2, 200),
            lat=draft.lat,
            lon=draft.lon,
            geonames_id=draft.geonames_id,
            place_precision=draft.place_precision,
            event_group=draft.event_group,
            recalled=draft.recalled,
            aggregate=draft.aggregate,
            confidence=draft.confidence,
            figures_policy=self.settings.figures_policy,
            victims=[],
            locked_fields=[],
        )
        session.add(incident)
        session.flush()
        return incident

    def _fill_missing(
        self, session: Session, incident: Incident, draft: merge.Draft, *, audit_changes: bool
    ) -> None:
        """Improve an existing incident from a new report: a finer place, a known
        date, a higher confidence — never over a reviewer's locked field."""
        changes: dict[str, list[Any]] = {}

        def put(column: str, value: Any) -> None:
            if locked(incident, column) or getattr(incident, column) == value:
                return
            changes[column] = [getattr(incident, column), value]
            setattr(incident, column, value)

        finer = PLACE_RANK.get(draft.place_precision, 0) > PLACE_RANK.get(
            incident.place_precision, 0
        )
        if finer and not any(locked(incident, c) for c in PLACE_FIELDS):
            for column in PLACE_FIELDS:
                value = getattr(draft, column)
                if value is not None:
                    put(column, value)
        dated = incident.event_date is None and draft.event_date is not None
        if dated and not any(locked(incident, c) for c in DATE_FIELDS):
            for column in DATE_FIELDS:
                put(column, getattr(draft, column))
        if draft.confidence > (incident.confidence or 0.0):
            put("confidence", draft.confidence)
        if incident.recalled and not draft.recalled:
            incident.recalled = False  # a report tells it as news: no longer only recalled
        if changes and audit_changes:
            _audit_update(session, incident, changes, "place/date/confidence from a new report")

    def _attach(
        self,
        session: Session,
        incident: Incident,
        article: Article,
        inc: AnalysedIncident,
        draft: merge.Draft,
        score: float | None,
    ) -> int:
        text = article.text
        published = article.published_at
        claims = claims_from_analysis(inc, text)
        claim_rows = [
            {
                "incident_id": incident.id,
                "article_id": article.id,
                "published_at": published,
                "origin": "machine",
                "nlp_version": self.nlp_version,
                "merge_score": score,
                **values,
            }
            for values in claims
        ]
        # The evidence sentences: where the actors' text as written and the event type come from.
        sentences = coding.evidence_sentences(inc, text)
        actor_rows = [
            {
                "incident_id": incident.id,
                "article_id": article.id,
                "actor": name[:200],
                "role": role,
                "origin": "machine",
                **coding.actor_columns(name, sentences),
            }
            for role, names in (("perpetrator", draft.perpetrators), ("target", draft.targets))
            if not (locked(incident, "actors") or locked(incident, f"{role}s"))
            for name in dict.fromkeys(names)
        ]
        if incident.event_type is None and not (
            locked(incident, "event_type") or locked(incident, "sub_event_type")
        ):
            suggested = coding.event_type_for(sentences, article.language)
            if suggested is not None:
                incident.event_type, incident.sub_event_type = suggested
        spans = evidence_spans(inc, text)
        if not spans:
            # Evidence is why an incident exists: fall back to the claims' spans.
            for values in claims:
                if values["start"] is not None:
                    spans.setdefault((values["start"], values["end"]), values["quote"] or "")
        if not spans:
            spans[(0, min(len(text), 300))] = text[:300]
        evidence_rows = [
            {
                "incident_id": incident.id,
                "article_id": article.id,
                "sentence": sentence,
                "start": start,
                "end": end,
                "similarity": score,
                "merge_why": draft.merge_why,
                "origin": "machine",
            }
            for (start, end), sentence in spans.items()
        ]
        # Bulk INSERTs: several times cheaper than the unit of work for rows
        # nothing else in this transaction holds as objects.
        for model, rows in (
            (Claim, claim_rows),
            (IncidentActor, actor_rows),
            (EvidenceMention, evidence_rows),
        ):
            if rows:
                session.execute(insert(model), rows)
        return len(claims)

    def _settle(
        self,
        session: Session,
        article: Article,
        prior: set[int],
        touched: set[int],
        created: set[int],
        stats: ProcessStats,
    ) -> None:
        """Refresh figures, flags, audit rows and reference matches of every incident
        this article touched (or, on re-processing, left)."""
        policy = self.settings.figures_policy
        for iid in sorted(prior | touched):
            incident = session.get(Incident, iid)
            if incident is None:
                continue
            if (
                iid in prior
                and iid not in touched
                and queue.is_untouched_and_empty(session, incident)
            ):
                session.delete(incident)
                session.flush()
                continue
            ledger_root = _root(session, incident)
            for target in dict.fromkeys([incident, ledger_root]):
                changes = ledger.refresh_incident(session, target, policy)
                if changes and target.id not in created:
                    note = f"figures recomputed after article {article.id}"
                    _audit_update(session, target, changes, note)
            if iid in touched and iid not in prior and ledger_root.status in REVIEWED:
                if not ledger_root.new_evidence:
                    ledger_root.new_evidence = True
                audit.record(
                    session,
                    incident_id=ledger_root.id,
                    user_id=None,
                    action=audit.PIPELINE_NEW_EVIDENCE,
                    before={},
                    after={"article_id": article.id, "url": article.url, "new_evidence": True},
                    note="new evidence since review",
                )
                stats.reviewed_flagged += 1
            if ledger_root.status != "merged":
                if self.have_references:
                    matching.match_incident(session, ledger_root, self.settings)
                elif ledger_root.match_label is not None:
                    # nothing imported to compare with: not checked (NULL), never "novel"
                    ledger_root.match_label = None
                    ledger_root.match_ref_id = None
                    ledger_root.match_score = None
        session.flush()

    def _store_duplicate(
        self, session: Session, article: Article, stats: ProcessStats, prior: set[int]
    ) -> None:
        """A (near-)duplicate adds evidence to its original's incidents, never new ones."""
        original = session.get(Article, article.duplicate_of) if article.duplicate_of else None
        if original is not None and original.nlp_version is None:
            # Its original waits in the queue (maybe leased by another worker):
            # leave this one for a later run rather than guess.
            article.lease_owner = None
            article.lease_expires = None
            self.left_behind.add(article.id)
            stats.skipped["original_not_processed"] += 1
            return
        touched: set[int] = set()
        if original is not None:
            mentions = session.scalars(
                select(EvidenceMention).where(
                    EvidenceMention.article_id == original.id,
                    EvidenceMention.origin == "machine",
                )
            )
            for mention in list(mentions):
                at = article.text.find(mention.sentence) if mention.sentence else -1
                if at < 0:
                    continue
                incident = _root(session, mention.incident)
                exists = session.scalar(
                    select(EvidenceMention.id).where(
                        EvidenceMention.incident_id == incident.id,
                        EvidenceMention.article_id == article.id,
                        EvidenceMention.start == at,
                        EvidenceMention.end == at + len(mention.sentence),
                    )
                )
                if exists is None:
                    session.add(
                        EvidenceMention(
                            incident_id=incident.id,
                            article_id=article.id,
                            sentence=mention.sentence,
                            start=at,
                            end=at + len(mention.sentence),
                            similarity=1.0,
                            origin="machine",
                        )
                    )
                    session.flush()
                touched.add(incident.id)
        for iid in prior - touched:
            left = session.get(Incident, iid)
            if left is not None:
                ledger.refresh_incident(session, left, self.settings.figures_policy)
        reason = f"duplicate of {article.duplicate_of}" if article.duplicate_of else "duplicate"
        queue.finish_article(article, self.nlp_version, status="duplicate", reason=reason)
        stats.evidence_only += 1
        stats.articles += 1


def _failure(result: DocResult | Exception | None) -> str | None:
    """Why an analysis result is a failure (the reason stored), or None."""
    if result is None:
        return "not analysed"
    if isinstance(result, Exception):
        return f"analysis failed: {type(result).__name__}: {result}"
    if result.status == "error":
        return f"nlp error: {result.error or 'unknown'}"
    return None
