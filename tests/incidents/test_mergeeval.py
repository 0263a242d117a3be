"""The merge evaluation on articles written for this test, through the real
processing stage (real NLP) on SQLite and PostgreSQL; figures worked by hand."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli import main
from incidents.mergeeval import RecordRef, evaluate_merge, feed_date
from settings import Settings
from storage import Database


def _rec(name: str, killed: int | None, victims: list[str]) -> dict[str, Any]:
    return {
        "killed": {"min": killed, "max": killed},
        "injured": {"min": None, "max": None},
        "abducted": {"min": None, "max": None},
        "victims": victims,
        "location": {"name": name, "country": "ML", "admin1": "Mopti"},
        "perpetrators": [],
        "targets": [],
        "event_date": None,
        "event_date_end": None,
        "aggregate": False,
    }


ITEMS: list[dict[str, Any]] = [
    {
        "id": "t-1",
        "lang": "en",
        "published": "2024-03-11",
        "text": "Gunmen attacked the weekly market in Bandiagara on Sunday, killing 19 "
        "civilians, local officials said.",
        "incidents": [_rec("Bandiagara", 19, ["civilians"])],
    },
    {
        "id": "t-2",
        "lang": "fr",
        "published": "2024-03-11",
        "text": "Dix-neuf civils ont été tués dimanche lors de l'attaque du marché de "
        "Bandiagara, selon des sources locales.",
        "incidents": [_rec("Bandiagara", 19, ["civilians"])],
    },
    {
        "id": "t-3",
        "lang": "en",
        "published": "2024-03-13",
        "text": "Seven villagers were killed on Tuesday when gunmen attacked a bus near Koro, "
        "residents said.",
        "incidents": [_rec("Koro", 7, ["civilians"])],
    },
    {
        "id": "t-4",
        "lang": "fr",
        "published": "2024-03-13",
        "text": "Sept villageois ont été tués mardi près de Koro dans l'attaque d'un car par "
        "des hommes armés, selon des habitants.",
        "incidents": [_rec("Koro", 7, ["civilians"])],
    },
    {
        # a record the NLP cannot find in this text: "not extracted"
        "id": "t-5",
        "lang": "en",
        "published": None,
        "text": "The minister opened a new school in Sevare on Monday.",
        "incidents": [{**_rec("Koro", 7, ["civilians"]), "event_date": "2024-03-12"}],
    },
]
# t-4 is deliberately keyed as another event: its merge with t-3 counts as wrong.
EVENTS = {
    RecordRef("t-1", 0): "2024-03-10/bandiagara",
    RecordRef("t-2", 0): "2024-03-10/bandiagara",
    RecordRef("t-3", 0): "2024-03-12/koro",
    RecordRef("t-4", 0): "2024-03-12/koro-other",
    RecordRef("t-5", 0): "2024-03-12/koro",
}


@pytest.fixture(scope="module")
def analyzer() -> Iterator[object]:
    from nlp.analyze import Analyzer

    yield Analyzer()


def test_feed_date() -> None:
    assert str(feed_date(ITEMS[0], EVENTS)) == "2024-03-11"
    # no published date: the day after the record's event date
    assert str(feed_date(ITEMS[4], EVENTS)) == "2024-03-13"
    # nor an event date: the day after the event key's date
    bare = {"id": "t-4", "published": None, "incidents": [_rec("Koro", 7, [])]}
    assert str(feed_date(bare, EVENTS)) == "2024-03-13"
    # a period total's start is not the page's day: the latest date of either counts
    period = {**_rec("Koro", 201, ["soldiers"]), "event_date": "2019-12-01", "aggregate": True}
    undated = {"id": "t-3", "published": None, "incidents": [period]}
    assert str(feed_date(undated, EVENTS)) == "2024-03-13"


def test_pairs_bcubed_and_reasons(db: Database, settings: Settings, analyzer: object) -> None:
    report = evaluate_merge(db, settings, ITEMS, EVENTS, analyzer)  # type: ignore[arg-type]
    data = report.as_dict()
    assert (report.records, report.extracted) == (5, 4)
    # gold pairs (1,2) (3,5); predicted (1,2) (3,4); one right
    assert data["pairwise"] == {
        "precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 1, "predicted": 2, "gold": 2
    }  # fmt: skip
    # no records on different sides here: the same figures counting one incident only
    assert data["pairwise_same_incident"] == data["pairwise"]
    # per record (P, R): 1,1 | 1,1 | 1/2,1/2 | 1/2,1 | 1,1/2
    assert data["bcubed"] == {"precision": 0.8, "recall": 0.8, "f1": 0.8}
    assert [(e["a"], e["b"]) for e in data["missed"]] == [("t-3#0", "t-5#0")]
    assert data["missed"][0]["why"] == "not extracted: t-5#0"
    assert [(e["a"], e["b"]) for e in data["wrong"]] == [("t-3#0", "t-4#0")]
    assert data["wrong"][0]["why"].startswith("merged") or "score" in data["wrong"][0]["why"]


def test_cli(tmp_path: Path) -> None:
    gold, events = tmp_path / "gold.jsonl", tmp_path / "events.jsonl"
    gold.write_text("".join(json.dumps(i) + "\n" for i in ITEMS[:2]))
    events.write_text(
        "".join(
            json.dumps({"id": r.item, "index": r.index, "event": e}) + "\n"
            for r, e in EVENTS.items()
            if r.item in ("t-1", "t-2")
        )
    )
    result = CliRunner().invoke(main, ["eval", "--merge", str(gold), str(events), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["pairwise"]["tp"] == 1 and data["pairwise"]["predicted"] == 1
    text = CliRunner().invoke(main, ["eval", "--merge", str(gold), str(events)])
    assert "pairwise  P 1.000  R 1.000  F1 1.000" in text.output
    assert CliRunner().invoke(main, ["eval"]).exit_code != 0


def test_records_of_one_event_on_two_sides_count_together(
    db: Database, settings: Settings, analyzer: object
) -> None:
    from tests.incidents.test_merge_stories import BOULKESSI

    items = [
        {
            "id": f"b-{n}",
            "lang": lang,
            "published": str(pub),
            "text": text,
            "incidents": [_rec("Boulkessi", 11, ["soldiers"]), _rec("Boulkessi", 6, ["civilians"])],
        }
        for n, (_url, lang, pub, text) in enumerate(BOULKESSI)
    ]
    # one key for every side of the event, as the gold conventions say
    events = {RecordRef(f"b-{n}", i): "2024-06-01/boulkessi" for n in (0, 1) for i in (0, 1)}
    data = evaluate_merge(db, settings, items, events, analyzer).as_dict()  # type: ignore[arg-type]
    # four cross-item pairs: soldiers~soldiers and civilians~civilians share an
    # incident, the two mixed pairs are linked as one event
    assert (data["pairwise"]["tp"], data["pairwise"]["predicted"]) == (4, 4)
    assert (data["pairwise_same_incident"]["tp"], data["pairwise_same_incident"]["gold"]) == (2, 4)
    assert data["missed"] == [] and data["wrong"] == []
