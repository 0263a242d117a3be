"""One event, several records after the real processing stage: soldiers and
civilians killed in one attack, told by two outlets, come out as two linked
records; the exports and the digest show them together, total and per side."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator

import pytest

from digest.build import Period, build_digest
from digest.profiles import Profile
from digest.render import render
from incidents.export import write_csv, write_json
from incidents.process import Processor
from settings import Settings
from storage import Database
from tests.incidents.helpers import add_article
from tests.incidents.test_merge_stories import BOULKESSI


@pytest.fixture(scope="module")
def analyzer() -> Iterator[object]:
    from nlp.analyze import Analyzer

    yield Analyzer()


def test_exports_and_digest_show_the_event(
    db: Database, settings: Settings, analyzer: object
) -> None:
    for url, lang, pub, text in BOULKESSI:
        add_article(db, text, url=url, published=pub, language=lang)
    Processor(db, settings, analyzer=analyzer).run()  # type: ignore[arg-type]
    with db.sessions() as s:
        out = io.StringIO()
        write_json(s, out)
        records = json.loads(out.getvalue())
        out = io.StringIO()
        write_csv(s, out)
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(records) == 2
    group = records[0]["event_group"]
    assert group is not None and records[1]["event_group"] == group
    ids = sorted(r["id"] for r in records)
    for r in records:
        # 11 soldiers + 6 civilians, each told by both outlets
        assert r["event"] == {
            "group": group,
            "records": ids,
            "killed": {"min": 17, "max": 17},
            "injured": {"min": None, "max": None},
            "killed_by_side": {
                "civilians": {"min": 6, "max": 6},
                "soldiers": {"min": 11, "max": 11},
            },
        }
    assert {r["event_group"] for r in rows} == {str(group)}
    assert {r["event_records"] for r in rows} == {" ".join(map(str, ids))}
    assert {(r["event_killed_min"], r["event_killed_max"]) for r in rows} == {("17", "17")}

    now = dt.datetime.now(dt.UTC)
    period = Period(now - dt.timedelta(hours=1), now + dt.timedelta(hours=1), now.date(), "UTC")
    with db.sessions() as s:
        content = build_digest(s, settings, Profile(), period)
        french = build_digest(s, settings, Profile(language="fr"), period)
    text = render(content).text
    soldiers = next(r["id"] for r in records if r["victims"] == ["soldiers"])
    civilians = next(r["id"] for r in records if r["victims"] == ["civilians"])
    line = (
        f"One event, 2 records (with #{civilians}): 17 killed in total — civilians 6, soldiers 11"
    )
    assert line in text
    # the two records sit next to each other in the digest
    assert abs(text.index(f"* #{soldiers} ") - text.index(f"* #{civilians} ")) < 1500
    assert "Un même événement, 2 fiches" in render(french).text
    assert "militaires 11" in render(french).markdown
