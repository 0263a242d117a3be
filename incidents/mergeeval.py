"""How well the processing stage threads one event's reports into one incident
(``civwatch eval --merge GOLD.jsonl EVENTS.jsonl``).

The gold excerpts go through the **real** processing stage (``Processor.run``:
the NLP, merging, the ledger) on a temporary database. Each excerpt is stored
as an article dated as a feed would date it: the gold ``published`` date, else
the day after the latest event date of its records (else the day after the
date of its event key), so "on Sunday" and the date window behave as they do
in production.

**Mapping gold records to incidents.** The analyzer's output of each article
is recorded on its way into the stage. Within an item, gold records are aligned
to the article's predicted incidents with ``nlp.evaluate.align`` (the same
similarity ``civwatch eval`` uses); each predicted incident was stored into
exactly one incident (the stage never puts two incidents of one article into
one), found from the article's evidence rows in insertion order. A gold record
aligned to nothing is *not extracted*: it shares an incident with nobody.

**Measures**, over records of *different* items only (two records of one
excerpt are the NLP's business, not merging's):

* pairwise: a pair is predicted together when both records map to the same
  incident, or to records linked as one event (``Incident.event_group``: the
  gold keys give all victim sides of one event one key, and merging keeps one
  record per side), and should be when their event keys are equal; precision,
  recall and F1 over those pairs;
* B-cubed: for each record r, precision = |same incident ∩ same event| / |same
  incident| and recall = |same incident ∩ same event| / |same event|, each set
  counting r itself and the records of other items; averaged over records.

Every missed and wrong pair comes with the reason: not extracted, or the merge
score of the two articles' readings (``merge.score``: its parts, or the veto
that decided), or — for a merged pair — the explanation stored with the merge.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from sqlalchemy import select

from incidents import merge
from incidents.convert import draft_from_analysis
from incidents.process import AnalyzerLike, Processor
from nlp.evaluate import Tally, align
from nlp.result import DocResult
from settings import Settings
from storage import Database
from storage.models import Article, EvidenceMention, Incident

GOLD_HOST = "https://gold.invalid/"


@dataclass(frozen=True)
class RecordRef:
    """One gold record: item id and its index in the item's incidents."""

    item: str
    index: int

    def __str__(self) -> str:
        return f"{self.item}#{self.index}"


# Pairs are counted and scored as the NLP evaluation counts a field.
PairCount = Tally


@dataclass
class PairError:
    """A missed or wrong pair and why."""

    a: RecordRef
    b: RecordRef
    event_a: str
    event_b: str
    why: str

    def as_dict(self) -> dict[str, str]:
        return {
            "a": str(self.a),
            "b": str(self.b),
            "event_a": self.event_a,
            "event_b": self.event_b,
            "why": self.why,
        }


@dataclass
class MergeReport:
    """The figures of one merge evaluation."""

    pairs: PairCount = field(default_factory=PairCount)
    # the same pairs counting only records stored in one incident (event links aside)
    incident_pairs: PairCount = field(default_factory=PairCount)
    bcubed_precision: float = 1.0
    bcubed_recall: float = 1.0
    records: int = 0
    extracted: int = 0
    items: int = 0
    incidents: int = 0
    missed: list[PairError] = field(default_factory=list)
    wrong: list[PairError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        p, r = self.bcubed_precision, self.bcubed_recall
        return {
            "pairwise": self.pairs.scores(),
            "pairwise_same_incident": self.incident_pairs.scores(),
            "bcubed": {
                "precision": round(p, 3),
                "recall": round(r, 3),
                "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            },
            "items": self.items,
            "records": self.records,
            "records_extracted": self.extracted,
            "incidents": self.incidents,
            "missed": [e.as_dict() for e in self.missed],
            "wrong": [e.as_dict() for e in self.wrong],
        }


class RecordingAnalyzer:
    """Delegates to the real analyzer and keeps each article's output (by id)."""

    def __init__(self, inner: AnalyzerLike) -> None:
        self.inner = inner
        self.outputs: dict[str, DocResult] = {}

    def analyze_docs(
        self,
        items: Iterable[Any],
        batch_size: int = 16,
        focus_countries: Iterable[str] | None = None,
    ) -> Iterator[DocResult]:
        for result in self.inner.analyze_docs(items, batch_size, focus_countries):
            self.outputs[result.id] = result
            yield result


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def feed_date(item: Mapping[str, Any], events: Mapping[RecordRef, str]) -> dt.date | None:
    """The date a feed would give the item's page: ``published``, else the day after
    the latest date its records or their event keys give (a page reports what came
    before it: a period total's start, "since December 2019", is not its day)."""
    published = _day(item.get("published"))
    if published is not None:
        return published
    incidents = item.get("incidents") or []
    dates = [
        d
        for inc in incidents
        for d in (_day(inc.get("event_date_end")), _day(inc.get("event_date")))
        if d is not None
    ]
    dates += [
        d
        for i in range(len(incidents))
        if (d := _day(events.get(RecordRef(item["id"], i), ""))) is not None
    ]
    return max(dates) + dt.timedelta(days=1) if dates else None


def store_items(
    db: Database, items: Sequence[Mapping[str, Any]], events: Mapping[RecordRef, str]
) -> dict[str, int]:
    """Store each gold excerpt as a new article; returns article id per item id."""
    ids: dict[str, int] = {}
    with db.sessions.begin() as s:
        for item in items:
            day = feed_date(item, events)
            url = GOLD_HOST + item["id"]
            article = Article(
                url=url,
                canonical_url=url,
                title=None,
                text=item["text"],
                language=item.get("lang") if item.get("lang") in ("en", "fr") else None,
                status="new",
                published_at=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC) if day else None,
            )
            s.add(article)
            s.flush()
            ids[item["id"]] = article.id
    return ids


def _targets(db: Database, article_ids: Iterable[int]) -> dict[int, list[int]]:
    """Per article, the incidents its predicted incidents went to, in draft order
    (evidence rows are inserted draft by draft, each draft into its own incident)."""
    out: dict[int, list[int]] = {a: [] for a in article_ids}
    with db.sessions() as s:
        rows = s.execute(
            select(EvidenceMention.article_id, EvidenceMention.incident_id).order_by(
                EvidenceMention.id
            )
        )
        for article_id, incident_id in rows:
            seq = out.setdefault(article_id, [])
            if incident_id not in seq:
                seq.append(incident_id)
    return out


def _clusters(db: Database) -> tuple[dict[int, str], dict[int, int]]:
    """Incident id → the event it belongs to (its event group, else the incident
    it was merged into, or itself), and incident id → that incident."""
    with db.sessions() as s:
        rows = s.execute(select(Incident.id, Incident.merged_into, Incident.event_group)).all()
    parent = {i: m for i, m, _ in rows}
    group = {i: g for i, _, g in rows}
    out: dict[int, str] = {}
    roots: dict[int, int] = {}
    for iid in parent:
        seen, cur = {iid}, iid
        while parent.get(cur) is not None and parent[cur] not in seen:
            cur = parent[cur]  # type: ignore[assignment]
            seen.add(cur)
        out[iid] = f"event group {group[cur]}" if group.get(cur) is not None else f"#{cur}"
        roots[iid] = cur
    return out, roots


def _stored_explanations(db: Database) -> dict[tuple[int, int], str]:
    """(article id, incident id) → the explanation stored with a merge."""
    out: dict[tuple[int, int], str] = {}
    with db.sessions() as s:
        rows = s.execute(
            select(
                EvidenceMention.article_id, EvidenceMention.incident_id, EvidenceMention.merge_why
            ).where(EvidenceMention.merge_why.is_not(None))
        )
        for article_id, incident_id, why in rows:
            if isinstance(why, dict) and why.get("score") is not None:
                out[(article_id, incident_id)] = explain_line(why)
    return out


def explain_line(why: Mapping[str, Any]) -> str:
    """A stored merge explanation in one line."""
    parts = ", ".join(f"{k} {v:.2f}" for k, v in (why.get("parts") or {}).items())
    notes = "; ".join(f"{k}: {v}" for k, v in (why.get("notes") or {}).items())
    decided = "+".join(why.get("decided_by") or [])
    return f"score {why.get('score'):.2f} decided by {decided} ({parts}; {notes})"


def describe(result: merge.MergeScore) -> str:
    """One line: the veto, or the score against the threshold with its parts."""
    notes = "; ".join(f"{k}: {v}" for k, v in result.notes.items())
    if result.score is None:
        return f"veto: {result.reason}" + (f" ({notes})" if notes else "")
    side = ">=" if result.score >= merge.MERGE_THRESHOLD else "<"
    parts = ", ".join(f"{k} {v:.2f}" for k, v in result.parts.items())
    detail = f"; {notes}" if notes else ""
    return f"score {result.score:.2f} {side} {merge.MERGE_THRESHOLD} ({parts}{detail})"


def evaluate_merge(
    db: Database,
    settings: Settings,
    items: Sequence[dict[str, Any]],
    events: Mapping[RecordRef, str],
    analyzer: AnalyzerLike,
) -> MergeReport:
    """Process ``items`` on ``db`` (empty) and measure the threading of their records."""
    article_of = store_items(db, items, events)
    recording = RecordingAnalyzer(analyzer)
    Processor(db, settings, analyzer=recording, worker_id="merge-eval").run()
    targets = _targets(db, article_of.values())
    clusters, roots = _clusters(db)
    stored = _stored_explanations(db)

    report = MergeReport(items=len(items), incidents=len(clusters))
    incident_of: dict[RecordRef, str] = {}
    target_root: dict[RecordRef, int] = {}
    draft_of: dict[RecordRef, merge.Draft] = {}
    target_of: dict[RecordRef, int] = {}
    article_of_ref: dict[RecordRef, int] = {}
    refs: list[RecordRef] = []
    for item in items:
        article_id = article_of[item["id"]]
        golds = item.get("incidents") or []
        output = recording.outputs.get(str(article_id))
        preds = output.incidents if output is not None else []
        seq = targets.get(article_id, [])
        published = feed_date(item, events)
        for j in range(len(golds)):
            ref = RecordRef(item["id"], j)
            refs.append(ref)
            article_of_ref[ref] = article_id
        if len(seq) != len(preds):
            continue  # cannot tell which incident each reading went to
        for i, j in align([p.as_dict() for p in preds], golds):
            ref = RecordRef(item["id"], j)
            target_of[ref] = seq[i]
            incident_of[ref] = clusters.get(seq[i], f"#{seq[i]}")
            target_root[ref] = roots.get(seq[i], seq[i])
            draft_of[ref] = draft_from_analysis(preds[i], published=published)
    report.records = len(refs)
    report.extracted = len(incident_of)

    def why(a: RecordRef, b: RecordRef, together: bool) -> str:
        missing = [str(r) for r in (a, b) if r not in incident_of]
        if missing:
            return "not extracted: " + ", ".join(missing)
        if together:
            notes = [
                stored[(article_of_ref[r], target_of[r])]
                for r in (a, b)
                if (article_of_ref[r], target_of[r]) in stored
            ]
            if notes:
                return "merged: " + " | ".join(notes)
        da, db_ = draft_of[a], draft_of[b]
        result = merge.score(da, da.perpetrators, db_, db_.perpetrators, settings)
        line = describe(result)
        if together and target_of[a] != target_of[b]:
            return f"linked as one event ({incident_of[a]}); the two readings alone: {line}"
        if together:
            return f"same incident; the two readings alone: {line}"
        if result.score is not None and result.score >= merge.MERGE_THRESHOLD:
            return f"{line}; but went to incidents {incident_of[a]} / {incident_of[b]}"
        return line

    by_item: dict[str, list[RecordRef]] = {}
    for ref in refs:
        by_item.setdefault(ref.item, []).append(ref)
    for a, b in combinations(refs, 2):
        if a.item == b.item:
            continue
        same_event = events.get(a) is not None and events.get(a) == events.get(b)
        together = a in incident_of and incident_of.get(a) == incident_of.get(b)
        report.pairs.gold += same_event
        report.pairs.predicted += together
        report.pairs.tp += same_event and together
        one = a in target_root and target_root.get(a) == target_root.get(b)
        report.incident_pairs.gold += same_event
        report.incident_pairs.predicted += one
        report.incident_pairs.tp += same_event and one
        if same_event and not together:
            report.missed.append(
                PairError(a, b, events.get(a, "?"), events.get(b, "?"), why(a, b, False))
            )
        elif together and not same_event:
            report.wrong.append(
                PairError(a, b, events.get(a, "?"), events.get(b, "?"), why(a, b, True))
            )

    precision = recall = 0.0
    for r in refs:
        others = [s for s in refs if s.item != r.item]
        key = events.get(r)
        same_key = {s for s in others if key is not None and events.get(s) == key}
        same_incident = (
            {s for s in others if incident_of.get(s) == incident_of[r]}
            if r in incident_of
            else set()
        )
        both = len(same_key & same_incident) + 1
        precision += both / (len(same_incident) + 1)
        recall += both / (len(same_key) + 1)
    if refs:
        report.bcubed_precision = precision / len(refs)
        report.bcubed_recall = recall / len(refs)
    return report


def load_events(path: Path) -> dict[RecordRef, str]:
    """``{id, index, event}`` lines as record → event key."""
    return {RecordRef(row["id"], int(row["index"])): str(row["event"]) for row in read_jsonl(path)}


def run(
    gold_path: Path,
    events_path: Path,
    *,
    settings: Settings | None = None,
    analyzer: AnalyzerLike | None = None,
) -> MergeReport:
    """The whole evaluation on a temporary SQLite database (deleted afterwards)."""
    items = read_jsonl(gold_path)
    events = load_events(events_path)
    if analyzer is None:
        from nlp.analyze import Analyzer

        analyzer = Analyzer()
    with tempfile.TemporaryDirectory(prefix="civwatch-merge-eval-") as tmp:
        base = settings or Settings.from_env({}, data_dir=Path(tmp))
        db = Database.open(f"sqlite:///{Path(tmp) / 'merge-eval.sqlite3'}")
        try:
            return evaluate_merge(db, base, items, events, analyzer)
        finally:
            db.close()


def format_report(report: MergeReport, *, errors: bool = True) -> str:
    """The figures, then the missed and wrong pairs with their reasons."""
    data = report.as_dict()
    pw, b3, one = data["pairwise"], data["bcubed"], data["pairwise_same_incident"]
    lines = [
        f"items {report.items}, records {report.records} ({report.extracted} extracted), "
        f"incidents {report.incidents}",
        f"pairwise  P {pw['precision']:.3f}  R {pw['recall']:.3f}  F1 {pw['f1']:.3f}  "
        f"(tp {pw['tp']}, predicted {pw['predicted']}, gold {pw['gold']})",
        f"B-cubed   P {b3['precision']:.3f}  R {b3['recall']:.3f}  F1 {b3['f1']:.3f}",
        f"pairwise, same incident only (event links aside)  P {one['precision']:.3f}  "
        f"R {one['recall']:.3f}  F1 {one['f1']:.3f}",
    ]
    if errors:
        for title, rows in (("missed pairs", report.missed), ("wrong pairs", report.wrong)):
            lines.append(f"{title} ({len(rows)}):")
            lines.extend(f"  {e.a} ~ {e.b}  [{e.event_a} | {e.event_b}]  {e.why}" for e in rows)
    return "\n".join(lines)
