"""ACLED / UCDP rows → reference events: parsing, idempotent upsert, CSV import CLI.

The CSV files in tests/fixtures/api/ are invented rows in the documented
column layouts (ACLED's data is not openly licensed, so no real row is copied).
Expected values were written by hand from those files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cli import main
from spiders.reference_rows import BadRow, acled_event, ucdp_event
from storage import Database
from storage.models import ReferenceEvent
from storage.reference import upsert_events
from tests.conftest import SHARED, require_shared
from tests.crawl.crawlkit import FIXTURES

API = FIXTURES / "api"


def test_acled_api_row() -> None:
    row = {
        "event_id_cnty": "TST0001",
        "event_date": "2024-03-15",
        "event_type": "Violence against civilians",
        "sub_event_type": "Attack",
        "actor1": "Invented Armed Group A",
        "actor2": "Civilians (Testland)",
        "country": "Mali",
        "admin1": "Testregion",
        "location": "Testville",
        "latitude": "14.5000",
        "longitude": "-4.2000",
        "fatalities": "12",
        "notes": "Invented.",
        "source": "Invented Source",
    }
    item = acled_event(row, source_key="acled")
    assert (item.dataset, item.external_id, item.event_date) == (
        "acled",
        "TST0001",
        dt.date(2024, 3, 15),
    )
    assert (item.country, item.lat, item.lon, item.fatalities) == ("ML", 14.5, -4.2, 12)
    assert item.actor2 == "Civilians (Testland)"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"event_date": "2024-02-30"}, "unreadable event_date"),
        ({"country": "Narnia"}, "unknown country"),
        ({"event_id_cnty": ""}, "missing event_id_cnty"),
        ({"latitude": "95.5"}, "latitude 95.5 out of range"),
        ({"fatalities": "-2"}, "negative fatalities"),
        ({"fatalities": "many"}, "unreadable fatalities"),
    ],
)
def test_acled_bad_rows_have_reasons(change: dict[str, str], reason: str) -> None:
    row = {"event_id_cnty": "X1", "event_date": "2024-03-15", "country": "Mali"}
    row.update(change)
    with pytest.raises(BadRow, match=reason):
        acled_event(row)


def test_acled_legacy_columns_and_dates() -> None:
    row = {
        "GWNO": "432",
        "EVENT_ID_CNTY": "9TST",
        "EVENT_DATE": "05/01/2016",
        "COUNTRY": "Mali",
        "FATALITIES": "4",
        "": "",
    }
    item = acled_event(row)
    assert item.external_id == "9TST"
    assert item.event_date == dt.date(2016, 1, 5)  # DD/MM/YYYY
    assert item.country == "ML"


def test_ucdp_row() -> None:
    item = ucdp_event(
        {
            "id": "990001",
            "date_start": "2019-03-23 00:00:00.000",
            "type_of_violence": "3",
            "side_a": "Invented Armed Group A",
            "side_b": "Civilians",
            "country": "Mali",
            "adm_1": "Testregion",
            "best": "30",
            "low": "25",
            "high": "40",
        }
    )
    assert item.dataset == "ucdp" and item.external_id == "990001"
    assert item.event_date == dt.date(2019, 3, 23)
    assert item.event_type == "one-sided violence"
    assert (item.fatalities, item.fatalities_low, item.fatalities_high) == (30, 25, 40)
    with pytest.raises(BadRow, match="low 4 above high 3"):
        ucdp_event({"id": "1", "date_start": "2019-01-01", "low": "4", "high": "3"})


def _count(db: Database, dataset: str) -> int:
    with db.sessions() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(ReferenceEvent)
                .where(ReferenceEvent.dataset == dataset)
            )
            or 0
        )


def test_upsert_is_idempotent_and_updates_revisions(db: Database) -> None:
    base = {"event_date": "2024-03-15", "country": "Mali", "fatalities": "2"}
    items = [acled_event({**base, "event_id_cnty": f"TST{i}"}) for i in range(3)]
    with db.sessions.begin() as session:
        first = upsert_events(session, items)
    assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
    revised = acled_event({**base, "event_id_cnty": "TST1", "fatalities": "5"})
    with db.sessions.begin() as session:
        again = upsert_events(session, [*items[:1], revised, items[2]])
    assert (again.added, again.updated, again.unchanged) == (0, 1, 2)
    assert _count(db, "acled") == 3
    with db.sessions() as session:
        row = session.scalars(
            select(ReferenceEvent).where(ReferenceEvent.external_id == "TST1")
        ).one()
        assert row.fatalities == 5


def _invoke(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    env = {
        "CIVWATCH_DATA_DIR": str(tmp_path / "data"),
        "CIVWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'ref.sqlite3'}",
    }
    result = runner.invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_acled_import_cli_counts_bad_rows_with_line_numbers(tmp_path: Path) -> None:
    code, out, err = _invoke(tmp_path, "acled", "import", str(API / "acled_export_invented.csv"))
    assert code == 0, err
    assert "8 rows — added 3, updated 0, unchanged 0, bad 5" in out
    assert "line 5: unreadable event_date '2024-02-30'" in err
    assert "line 6: unknown country 'Narnia'" in err
    assert "line 7: missing event_id_cnty" in err
    assert "line 8: latitude 95.5 out of range" in err
    assert "line 9: negative fatalities -2" in err
    # Second import: nothing stored twice.
    code, out, _ = _invoke(tmp_path, "acled", "import", str(API / "acled_export_invented.csv"))
    assert code == 0
    assert "added 0, updated 0, unchanged 3, bad 5" in out
    db = Database.open(f"sqlite:///{tmp_path / 'ref.sqlite3'}")
    try:
        with db.sessions() as session:
            rows = session.execute(select(ReferenceEvent.external_id, ReferenceEvent.event_date))
            dates = {external_id: date for external_id, date in rows}
        # "16 March 2024" (ACLED's export tool writes dates this way) is read too.
        assert dates == {
            "TST0001": dt.date(2024, 3, 15),
            "TST0002": dt.date(2024, 3, 16),
            "TST0003": dt.date(2024, 3, 17),
        }
    finally:
        db.close()


def test_acled_import_legacy_export(tmp_path: Path) -> None:
    code, out, err = _invoke(tmp_path, "acled", "import", str(API / "acled_legacy_invented.csv"))
    assert code == 0, err
    assert "2 rows — added 2" in out and "bad 0" in out


def test_acled_import_latin1_file(tmp_path: Path) -> None:
    text = (API / "acled_legacy_invented.csv").read_text(encoding="utf-8")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(text.replace("Testville", "Ségou-test").encode("latin-1"))
    code, _out, err = _invoke(tmp_path, "acled", "import", str(latin))
    assert code == 0, err
    db = Database.open(f"sqlite:///{tmp_path / 'ref.sqlite3'}")
    try:
        with db.sessions() as session:
            locations = set(session.scalars(select(ReferenceEvent.location)))
        assert "Ségou-test" in locations
    finally:
        db.close()


def test_ucdp_import_cli(tmp_path: Path) -> None:
    code, out, err = _invoke(tmp_path, "ucdp", "import", str(API / "ucdp_ged_invented.csv"))
    assert code == 0, err
    assert "3 rows — added 2, updated 0, unchanged 0, bad 1" in out
    assert "line 4: low 4 above high 3" in err


def test_import_of_a_file_with_only_bad_rows_fails_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("event_id_cnty,event_date,country\nX1,notadate,Mali\n", encoding="utf-8")
    code, _, err = _invoke(tmp_path, "acled", "import", str(bad))
    assert code == 1
    assert "every row was bad" in err
    assert "line 2: unreadable event_date 'notadate'" in err


def test_recorded_legacy_acled_export_imports_every_row(tmp_path: Path) -> None:
    """The recorded 2016 export (451 data rows, read from ../shared, never copied)."""
    path = SHARED / "fixtures" / "api" / "acled_all_africa_2016-01-01_2016-05-28_sahel_rows.csv"
    require_shared(path, "the recorded ACLED export")
    code, out, err = _invoke(tmp_path, "acled", "import", str(path))
    assert code == 0, err
    assert "451 rows — added 451" in out and "bad 0" in out
