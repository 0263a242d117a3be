"""The processing stage end to end with the real NLP: articles written for these
tests (several outlets, English and French, a follow-up, a quarterly note, an
unrelated attack nearby the same week), then two workers on real PostgreSQL,
SIGTERM, and an NLP component failing on one real text (crash recovery with
kill -9 is in test_recovery.py)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Doc
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from incidents.process import Processor
from settings import Settings
from storage import Database
from storage.models import Article, Claim, EvidenceMention, Incident, JobRun
from tests.incidents.corpus import backlog
from tests.incidents.helpers import add_article
from tests.waiting import wait_until

REPO = Path(__file__).resolve().parents[2]

STORY = [
    (
        "http://outlet-a.test/en/market",
        "en",
        dt.date(2024, 3, 11),
        "Gunmen attacked the weekly market in Bandiagara on Sunday, killing 19 civilians, local "
        "officials said. JNIM claimed the attack.",
    ),
    (
        "http://outlet-b.test/fr/marche",
        "fr",
        dt.date(2024, 3, 11),
        "Au moins 22 civils ont été tués dimanche lors de l'attaque du marché de Bandiagara, selon "
        "des sources locales.",
    ),
    (
        "http://outlet-c.test/en/bandjagara",
        "en",
        dt.date(2024, 3, 12),
        "Suspected jihadists killed 21 people at a market in Bandjagara in central Mali on Sunday, "
        "a local official told reporters.",
    ),
    (
        "http://outlet-a.test/en/toll",
        "en",
        dt.date(2024, 3, 15),
        "The toll of Sunday's attack on the market in Bandiagara rose to 25 dead, the regional "
        "governor said on Friday.",
    ),
    (
        "http://un.test/en/quarterly",
        "en",
        dt.date(2024, 4, 5),
        "In its quarterly note, the UN mission said 248 civilians were killed in the Mopti region "
        "in the first quarter of 2024.",
    ),
    (
        "http://outlet-a.test/en/koro",
        "en",
        dt.date(2024, 3, 13),
        "Seven villagers were killed on Tuesday when gunmen attacked a bus near Koro, residents "
        "said.",
    ),
    (
        "http://outlet-b.test/fr/koro",
        "fr",
        dt.date(2024, 3, 13),
        "Sept villageois ont été tués mardi près de Koro dans l'attaque d'un car par des hommes "
        "armés, selon des habitants.",
    ),
]


@pytest.fixture(scope="module")
def analyzer() -> Iterator[object]:
    from nlp.analyze import Analyzer

    yield Analyzer()


def _incidents_of(s: Session, article_id: int) -> set[int]:
    return set(
        s.scalars(
            select(EvidenceMention.incident_id).where(EvidenceMention.article_id == article_id)
        )
    )


def test_story_end_to_end(db: Database, settings: Settings, analyzer: object) -> None:
    ids = [
        add_article(db, text, url=url, published=pub, language=lang)
        for url, lang, pub, text in STORY
    ]
    stats = Processor(db, settings, analyzer=analyzer).run(batch_size=4)  # type: ignore[arg-type]
    assert stats.articles == 7 and stats.failed == 0
    assert (stats.new_incidents, stats.merged) == (3, 4)
    with db.sessions() as s:
        market = _incidents_of(s, ids[0])
        assert len(market) == 1
        for i in (1, 2, 3):  # French report, other spelling, follow-up days later
            assert _incidents_of(s, ids[i]) == market
        quarterly = _incidents_of(s, ids[4])
        koro = _incidents_of(s, ids[5])
        assert _incidents_of(s, ids[6]) == koro
        assert len({*market, *quarterly, *koro}) == 3
        inc = s.get(Incident, next(iter(market)))
        assert inc is not None
        # claims 19, at least 22, 21, 25 under the conservative policy
        assert (inc.killed_min, inc.killed_max) == (19, None)
        assert inc.event_date == dt.date(2024, 3, 10) and inc.country == "ML"
        # no reference data imported: not checked (NULL), never "novel"
        assert inc.match_label is None
        agg = s.get(Incident, next(iter(quarterly)))
        assert agg is not None and agg.aggregate and agg.killed_min == 248
        run = s.scalars(select(JobRun).where(JobRun.job == "process")).one()
        assert run.status == "ok" and run.stats["articles"] == 7


def test_a_figure_the_nlp_set_aside_is_kept_but_not_counted(
    db: Database, settings: Settings, analyzer: object
) -> None:
    # "Several soldiers died" beside "Five soldiers were killed": the NLP's figure is 5.
    # The vague claim stays as evidence, superseded, so the stored incident says 5 too,
    # not the ledger's lowest claim (2, "several").
    text = (
        "Five soldiers were killed on Thursday near Gnangdin. Several soldiers died in the "
        "attack, the army said."
    )
    art = add_article(
        db, text, url="http://outlet-d.test/en/gnangdin", published=dt.date(2025, 1, 4)
    )
    Processor(db, settings, analyzer=analyzer).run(batch_size=1)  # type: ignore[arg-type]
    with db.sessions() as s:
        [incident_id] = _incidents_of(s, art)
        inc = s.get(Incident, incident_id)
        assert inc is not None and (inc.killed_min, inc.killed_max) == (5, 5)
        claims = s.scalars(select(Claim).where(Claim.incident_id == incident_id)).all()
        assert sorted((c.min, c.max, c.superseded) for c in claims) == [
            (2, None, True),
            (5, 5, False),
        ]


def _env(url: str, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVWATCH_")}
    env.update(CIVWATCH_DATABASE_URL=url, CIVWATCH_DATA_DIR=str(tmp), PYTHONPATH=str(REPO))
    return env


def _process(url: str, tmp: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "process", *args],
        cwd=REPO,
        env=_env(url, tmp),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _store_backlog(db: Database, events: int, noise: int) -> int:
    reports = backlog(events, noise=noise)
    for r in reports:
        add_article(db, r.text, url=r.url, published=r.published, language=r.lang)
    return len(reports)


def _check_exactly_once(db: Database, total: int, events: int) -> None:
    with db.sessions() as s:
        assert (
            s.scalar(select(func.count()).select_from(Article).where(Article.nlp_version.is_(None)))
            == 0
        )
        assert (
            s.scalar(
                select(func.count()).select_from(Article).where(Article.lease_owner.is_not(None))
            )
            == 0
        )
        # one claim and one evidence sentence per incident article: nothing twice
        per_article = s.execute(select(Claim.article_id, func.count()).group_by(Claim.article_id))
        assert all(n == 1 for _, n in per_article)
        assert s.scalar(select(func.count()).select_from(Claim)) == events * 3
        assert s.scalar(select(func.count()).select_from(EvidenceMention)) == events * 3
        # one incident per event: the three reports of each attack share it
        assert s.scalar(select(func.count()).select_from(Incident)) == events
        for r in backlog(events):
            art = s.scalars(select(Article).where(Article.url == r.url)).one()
            assert len(_incidents_of(s, art.id)) == 1


@pytest.mark.slow
@pytest.mark.postgres
def test_two_workers_on_postgresql(pg_db: Database, pg_url: str, tmp_path: Path) -> None:
    events, noise = 36, 6
    total = _store_backlog(pg_db, events, noise)
    workers = [
        _process(pg_url, tmp_path, "--batch-size", "4", "--worker-id", f"w{i}", "--quiet")
        for i in (1, 2)
    ]
    for w in workers:
        _, err = w.communicate(timeout=300)
        assert w.returncode == 0, err
    with pg_db.sessions() as s:
        runs = list(s.scalars(select(JobRun).where(JobRun.job == "process")))
    per_worker = [r.stats["articles"] for r in runs]
    assert len(runs) == 2 and all(r.status == "ok" for r in runs)
    assert sum(per_worker) == total  # each article counted by exactly one worker
    assert min(per_worker) > 0, per_worker  # both took part
    _check_exactly_once(pg_db, total, events)


@pytest.mark.slow
def test_sigterm_releases_the_batch(sqlite_db: Database, tmp_path: Path) -> None:
    total = _store_backlog(sqlite_db, 12, 4)
    url = sqlite_db.engine.url.render_as_string(hide_password=False)
    proc = _process(url, tmp_path, "--batch-size", "20", "--worker-id", "polite")

    def first_article_stored_or_exited() -> bool:
        if proc.poll() is not None:
            return True  # ended early: the checks below say how
        with sqlite_db.sessions() as s:
            done = s.scalar(
                select(func.count()).select_from(Article).where(Article.nlp_version.is_not(None))
            )
        return bool(done)

    wait_until(first_article_stored_or_exited, 120, "the first processed article")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    with sqlite_db.sessions() as s:
        processed = (
            s.scalar(
                select(func.count()).select_from(Article).where(Article.nlp_version.is_not(None))
            )
            or 0
        )
        held = (
            s.scalar(
                select(func.count()).select_from(Article).where(Article.lease_owner.is_not(None))
            )
            or 0
        )
        job = s.scalars(select(JobRun)).one()
    assert 0 < processed < total
    assert held == 0  # the unfinished part of the batch is free for others at once
    assert job.status == "interrupted" and job.stats["articles"] == processed


# -- an NLP component that fails on one text ---------------------------------------
MARKER = "Zorglub"


@Language.component("civwatch_test_fail_on_marker")
def _fail_on_marker(doc: Doc) -> Doc:
    """A real pipeline component with a bug that only one text triggers."""
    if MARKER in doc.text:
        raise ValueError(f"component broke on {MARKER!r}")
    return doc


@pytest.fixture
def failing_component(analyzer: Any, settings: Settings) -> Iterator[Callable[[], None]]:
    """Adds the failing component to the analyzer's English pipeline (the one the
    stage uses for these articles); yields a function that takes it out again."""
    nlp = analyzer.pipeline("en", tuple(settings.focus_countries))
    nlp.add_pipe("civwatch_test_fail_on_marker", before="civwatch_claims")

    def remove() -> None:
        if "civwatch_test_fail_on_marker" in nlp.pipe_names:
            nlp.remove_pipe("civwatch_test_fail_on_marker")

    yield remove
    remove()


def test_nlp_error_fails_one_article_retried_then_left_for_an_operator(
    db: Database, settings: Settings, analyzer: object, failing_component: Callable[[], None]
) -> None:
    market, koro = STORY[0], STORY[5]
    good = [
        add_article(db, text, url=url, published=pub, language=lang)
        for url, lang, pub, text in (market, STORY[1], koro)
    ]
    bad_text = koro[3].replace("residents said", f"residents of {MARKER} said")
    bad = add_article(db, bad_text, url="http://outlet-z.test/koro", published=koro[2])

    def run(**kw: Any) -> Any:
        return Processor(db, settings, analyzer=analyzer).run(batch_size=10, **kw)  # type: ignore[arg-type]

    def state() -> tuple[str, str | None, int, str | None]:
        with db.sessions() as s:
            a = s.get(Article, bad)
            assert a is not None
            return a.status, a.nlp_version, a.nlp_attempts, a.status_reason

    first = run()
    assert (first.articles, first.failed) == (3, 1)  # the rest of the batch went through
    status, version, attempts, reason = state()
    assert (status, version, attempts) == ("failed", None, 1)  # never written as processed
    assert reason is not None and "ValueError" in reason and MARKER in reason
    with db.sessions() as s:
        assert all(s.get(Article, i).status == "processed" for i in good)  # type: ignore[union-attr]
        assert not _incidents_of(s, bad)
        job = s.scalars(select(JobRun).order_by(JobRun.id.desc())).first()
        assert job is not None and job.stats["failed"] == 1 and job.stats["articles"] == 3
    # retried by the next runs (only it: the others are done), up to the bound
    for attempt in (2, 3):
        again = run()
        assert (again.articles, again.failed) == (0, 1)
        assert state()[:3] == ("failed", None, attempt)
    assert settings.nlp_max_attempts == 3
    spent = run()
    assert (spent.articles, spent.failed) == (0, 0)  # left for an operator
    assert state()[2] == 3
    # the operator fixes the component and asks for a re-run: it is processed now
    failing_component()
    assert run().articles == 0  # a plain run still leaves it alone
    fixed = run(reprocess=True)
    assert (fixed.articles, fixed.failed) == (1, 0)
    status, version, _, reason = state()
    assert status == "processed" and version is not None and reason is None
    with db.sessions() as s:
        koro_incidents = _incidents_of(s, good[2])
        assert _incidents_of(s, bad) == koro_incidents  # the same bus attack near Koro
