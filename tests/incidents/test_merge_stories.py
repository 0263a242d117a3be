"""Merging on articles written for these tests, through the real processing stage
(real NLP, SQLite and PostgreSQL): one attack told by four outlets in two
languages with three spellings of the village (one report undated); two attacks
in one town a year apart; soldiers and civilians killed in one attack, reported
by two outlets; a UN quarterly note."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from incidents.process import Processor
from settings import Settings
from storage import Database
from storage.models import EvidenceMention, Incident
from tests.incidents.helpers import add_article

# (url, language, publication date, text)
DIALLASSAGOU = [
    (
        "http://outlet-a.test/en/diallassagou",
        "en",
        dt.date(2024, 5, 14),
        "Gunmen killed 17 civilians in an attack on the village of Diallassagou in central "
        "Mali on Sunday, local officials said.",
    ),
    (
        "http://outlet-b.test/fr/dialassagou",
        "fr",
        dt.date(2024, 5, 14),
        "Au moins 17 civils ont été tués dimanche dans l'attaque du village de Dialassagou, "
        "dans le centre du Mali, selon des élus locaux.",
    ),
    (
        "http://outlet-c.test/en/dyalasagu",  # a third spelling, no event date
        "en",
        dt.date(2024, 5, 15),
        "Residents of the village of Dyalasagu buried 18 villagers killed in the attack, a "
        "local youth leader said.",
    ),
    (
        "http://outlet-d.test/fr/diallassagou",
        "fr",
        dt.date(2024, 5, 13),
        "Des hommes armés ont tué 17 civils dimanche à Diallassagou, dans la région de Mopti, "
        "selon une source sécuritaire.",
    ),
]
SOLENZO = [
    (
        "http://outlet-a.test/en/solenzo-2024",
        "en",
        dt.date(2024, 5, 20),
        "Gunmen killed 12 civilians in an attack on the town of Solenzo in western Burkina "
        "Faso on Saturday, residents said.",
    ),
    (
        # a year later, undated: the same town, the same toll — another attack
        "http://outlet-b.test/en/solenzo-2025",
        "en",
        dt.date(2025, 5, 19),
        "Gunmen killed 12 civilians in the town of Solenzo in western Burkina Faso, residents "
        "said.",
    ),
    (
        "http://outlet-c.test/en/solenzo-2025",
        "en",
        dt.date(2025, 5, 19),
        "Gunmen killed 12 civilians in an attack on the town of Solenzo in western Burkina "
        "Faso on Sunday, residents said.",
    ),
]
BOULKESSI = [
    (
        "http://outlet-a.test/en/boulkessi",
        "en",
        dt.date(2024, 6, 3),
        "Jihadists attacked an army post in Boulkessi on Saturday, killing 11 soldiers and 6 "
        "civilians, the army said.",
    ),
    (
        "http://outlet-b.test/fr/boulkessi",
        "fr",
        dt.date(2024, 6, 3),
        "Onze soldats et six civils ont été tués samedi lors de l'attaque d'un poste de "
        "l'armée à Boulkessi par des jihadistes, selon l'armée.",
    ),
]
QUARTERLY = (
    "http://un.test/en/quarterly-q2",
    "en",
    dt.date(2024, 7, 5),
    "In its quarterly note, the UN mission said 310 civilians were killed in the Mopti region "
    "in the second quarter of 2024.",
)


@pytest.fixture(scope="module")
def analyzer() -> Iterator[object]:
    from nlp.analyze import Analyzer

    yield Analyzer()


def _store(db: Database, stories: list[tuple[str, str, dt.date, str]]) -> list[int]:
    return [
        add_article(db, text, url=url, published=pub, language=lang)
        for url, lang, pub, text in stories
    ]


def _incidents_of(s: Session, article_id: int) -> set[int]:
    return set(
        s.scalars(
            select(EvidenceMention.incident_id).where(EvidenceMention.article_id == article_id)
        )
    )


def _run(db: Database, settings: Settings, analyzer: object) -> None:
    stats = Processor(db, settings, analyzer=analyzer).run(batch_size=4)  # type: ignore[arg-type]
    assert stats.failed == 0


def test_one_attack_four_outlets_three_spellings(
    db: Database, settings: Settings, analyzer: object
) -> None:
    ids = _store(db, [*DIALLASSAGOU, QUARTERLY])
    _run(db, settings, analyzer)
    with db.sessions() as s:
        event = _incidents_of(s, ids[0])
        assert len(event) == 1
        for i in (1, 2, 3):
            assert _incidents_of(s, ids[i]) == event, DIALLASSAGOU[i][0]
        inc = s.get(Incident, next(iter(event)))
        assert inc is not None
        # resolved to the gazetteer village; the undated report's spelling resolved to
        # it, as the explanation stored with its evidence says
        assert inc.geonames_id == 2459040 and inc.event_date == dt.date(2024, 5, 12)
        assert inc.place_name in ("Diallassagou", "Dialassagou")
        undated = s.scalars(
            select(EvidenceMention).where(EvidenceMention.article_id == ids[2])
        ).one()
        why = undated.merge_why
        assert why is not None and "place" in why["decided_by"]
        assert "Dyalasagu" in why["notes"]["place"] and "undated" in why["notes"]["date"]
        # the UN quarterly note stays its own aggregate, never merged into the event
        quarterly = _incidents_of(s, ids[4])
        assert len(quarterly) == 1 and not quarterly & event
        agg = s.get(Incident, next(iter(quarterly)))
        assert agg is not None and agg.aggregate and agg.event_group is None


def test_two_attacks_a_year_apart_never_merge(
    db: Database, settings: Settings, analyzer: object
) -> None:
    ids = _store(db, SOLENZO)
    _run(db, settings, analyzer)
    with db.sessions() as s:
        first, undated, second = (_incidents_of(s, i) for i in ids)
        assert len(first) == 1 and not first & undated and not first & second
        # the undated report of 2025 joins the dated one of 2025
        assert undated == second
        inc = s.get(Incident, next(iter(second)))
        assert inc is not None and inc.event_date == dt.date(2025, 5, 18)


def test_soldiers_and_civilians_one_event_two_records(
    db: Database, settings: Settings, analyzer: object
) -> None:
    ids = _store(db, BOULKESSI)
    _run(db, settings, analyzer)
    with db.sessions() as s:
        records = _incidents_of(s, ids[0])
        assert len(records) == 2 and _incidents_of(s, ids[1]) == records
        rows = [s.get(Incident, i) for i in sorted(records)]
        sides = sorted(tuple(r.victims) for r in rows if r is not None)
        assert sides == [("civilians",), ("soldiers",)]
        groups = {r.event_group for r in rows if r is not None}
        assert len(groups) == 1 and None not in groups and groups <= records


TWO_ATTACKS_ONE_REPORT = (
    "http://outlet-a.test/en/boulkessi-two-attacks",
    "en",
    dt.date(2024, 6, 3),
    "Gunmen killed 9 civilians at the market of Boulkessi, residents said. In a separate "
    "attack, 4 soldiers were killed near Boulkessi, the army said.",
)


def test_guard_one_reports_two_attacks_are_not_linked_as_one_event(
    db: Database, settings: Settings, analyzer: object
) -> None:
    # Same town, same report, no dates: the NLP told the attacks apart, so the civilians'
    # and the soldiers' records are two events, not the two sides of one.
    [article] = _store(db, [TWO_ATTACKS_ONE_REPORT])
    _run(db, settings, analyzer)
    with db.sessions() as s:
        rows = [s.get(Incident, i) for i in sorted(_incidents_of(s, article))]
        assert sorted(tuple(r.victims) for r in rows if r is not None) == [
            ("civilians",),
            ("soldiers",),
        ]
        assert [r.event_group for r in rows if r is not None] == [None, None]


def test_one_reports_two_sides_of_one_attack_are_linked(
    db: Database, settings: Settings, analyzer: object
) -> None:
    [article] = _store(db, BOULKESSI[:1])
    _run(db, settings, analyzer)
    with db.sessions() as s:
        rows = [s.get(Incident, i) for i in sorted(_incidents_of(s, article))]
        assert len(rows) == 2
        groups = {r.event_group for r in rows if r is not None}
        assert len(groups) == 1 and None not in groups


RECALL = [
    (
        "http://outlet-a.test/en/kobou-monday",
        "en",
        dt.date(2024, 7, 3),
        "At least 12 people were killed on Monday in an attack on the village of Kobou, "
        "less than two weeks after 40 people were killed by jihadists in Kobou.",
    ),
    (
        # undated, the next day, at the same village: by its report's days it could be
        # the earlier attack too, were that one dated by its report
        "http://outlet-b.test/en/kobou-raid",
        "en",
        dt.date(2024, 7, 4),
        "Gunmen raided the village of Kobou, killing 25 people, residents said.",
    ),
    (
        # the earlier attack told as news
        "http://outlet-c.test/en/kobou-june",
        "en",
        dt.date(2024, 6, 21),
        "Jihadists killed 40 people in the village of Kobou on Thursday, officials said.",
    ),
]


def test_an_earlier_event_recalled_in_passing_is_not_dated_by_its_report(
    db: Database, settings: Settings, analyzer: object
) -> None:
    ids = _store(db, RECALL)
    _run(db, settings, analyzer)
    with db.sessions() as s:
        monday = [s.get(Incident, i) for i in _incidents_of(s, ids[0])]
        assert sorted((i.killed_min, i.event_date, i.recalled) for i in monday if i) == [
            (12, dt.date(2024, 7, 1), False),
            # the recalled attack, with the report of it as news: its day, no longer
            # only recalled
            (40, dt.date(2024, 6, 20), False),
        ]
        earlier = next(i for i in monday if i is not None and i.killed_min == 40)
        assert _incidents_of(s, ids[2]) == {earlier.id}
        # the undated raid is not the recalled attack
        assert earlier.id not in _incidents_of(s, ids[1])


BOUNGOU = [
    (
        "http://outlet-a.test/en/boungou-2019",
        "en",
        dt.date(2019, 11, 7),
        "Gunmen killed 39 workers on Wednesday in an ambush on a convoy near the Boungou "
        "mine in eastern Burkina Faso, the regional governor said.",
    ),
    (
        # three years on, the ambush recalled with its year only, the same toll
        "http://outlet-b.test/en/boungou-2022",
        "en",
        dt.date(2022, 8, 27),
        "The mine has been attacked before: in 2019 an ambush near Boungou left 39 workers dead.",
    ),
]


def test_an_event_recalled_years_later_by_its_year_joins_its_incident(
    db: Database, settings: Settings, analyzer: object
) -> None:
    [news] = _store(db, BOUNGOU[:1])
    _run(db, settings, analyzer)  # the attack is stored before it is recalled
    [recall] = _store(db, BOUNGOU[1:])
    _run(db, settings, analyzer)
    with db.sessions() as s:
        [event] = _incidents_of(s, news)
        assert _incidents_of(s, recall) == {event}
        incident = s.get(Incident, event)
        assert incident is not None
        # still dated by the report that told it as news, and not only recalled
        assert (incident.event_date, incident.recalled) == (dt.date(2019, 11, 6), False)
