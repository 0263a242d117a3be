"""Exports: JSON with the analyze fields, CSV that round-trips, valid GeoJSON, CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from incidents.export import CSV_COLUMNS, write_csv, write_geojson, write_json
from settings import Settings
from storage import Database
from storage.models import Incident
from tests.incidents.test_store import results_for, run, setup_five

ANALYZE_FIELDS = {
    "killed",
    "injured",
    "abducted",
    "victims",
    "location",
    "perpetrators",
    "targets",
    "event_date",
    "event_date_end",
    "aggregate",
    "confidence",
    "evidence",
}


@pytest.fixture
def stored(db: Database, settings: Settings) -> Database:
    ids = setup_five(db)
    run(db, settings, "v1", results_for(ids))
    return db


def test_json_has_analyze_fields_and_sources(stored: Database) -> None:
    out = io.StringIO()
    with stored.sessions() as s:
        assert write_json(s, out) == 3
    records = json.loads(out.getvalue())
    assert len(records) == 3
    for rec in records:
        assert set(rec) >= ANALYZE_FIELDS and {"id", "status", "sources"} <= set(rec)
        assert set(rec["location"]) >= {"name", "country", "admin1", "lat", "lon"}
        for ev in rec["evidence"]:
            assert set(ev) >= {"text", "start", "end"}
    bandiagara = next(r for r in records if r["location"]["name"] == "Bandiagara")
    assert bandiagara["killed"] == {"min": 19, "max": None}
    assert bandiagara["perpetrators"] == ["JNIM"]
    assert len(bandiagara["sources"]) == 3
    assert sorted(c["min"] for c in bandiagara["claims"]) == [19, 22, 25]
    assert bandiagara["event_date"] == "2024-03-10"


def test_csv_round_trips(stored: Database) -> None:
    out = io.StringIO(newline="")
    with stored.sessions() as s:
        assert write_csv(s, out) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert len(rows) == 3 and list(rows[0]) == CSV_COLUMNS
    koro = next(r for r in rows if r["location"] == "Koro")
    assert koro["country"] == "Mali" and koro["iso"] == "466"
    assert koro["event_date"] == "2024-03-12" and koro["year"] == "2024"
    assert koro["fatalities"] == "7" and koro["killed_max"] == "7"
    assert koro["time_precision"] == "1" and koro["geo_precision"] == "1"
    assert koro["notes"] == "Seven villagers were killed"
    assert koro["source_urls"] == "http://outlet-a.test/koro-bus"
    assert koro["event_id_cnty"] == f"CW{koro['id']}"
    agg = next(r for r in rows if r["aggregate"] == "true")
    assert agg["time_precision"] == "3" and agg["event_date_end"] == "2024-03-31"
    # an open-ended maximum is blank; fatalities is the lowest credible figure
    band = next(r for r in rows if r["location"] == "Bandiagara")
    assert band["killed_max"] == "" and band["fatalities"] == "19"
    assert "dimanche" not in band["notes"]  # the first evidence is outlet A's sentence


def test_geojson_points(stored: Database) -> None:
    out = io.StringIO()
    with stored.sessions() as s:
        assert write_geojson(s, out) == 3
    fc = json.loads(out.getvalue())
    assert fc["type"] == "FeatureCollection"
    coords = {
        f["properties"]["location"]["name"]: f["geometry"]["coordinates"] for f in fc["features"]
    }
    assert coords["Koro"] == [-3.07539, 14.064]  # GeoJSON is lon, lat
    for f in fc["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"


def test_filters(stored: Database) -> None:
    with stored.sessions.begin() as s:
        koro = s.query(Incident).filter(Incident.place_name == "Koro").one()
        koro.status = "confirmed"
    out = io.StringIO()
    with stored.sessions() as s:
        assert write_json(s, out, status="confirmed") == 1
        # by event date: only Koro (12 March) is on or after 11 March
        assert write_json(s, io.StringIO(), since=dt.date(2024, 3, 11)) == 1
        assert write_json(s, io.StringIO(), since=dt.date(2024, 1, 1)) == 3
        assert write_json(s, io.StringIO(), status="merged") == 0


def test_cli_export(stored: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cli import main

    monkeypatch.setenv("CIVWATCH_DATABASE_URL", str(stored.engine.url.render_as_string(False)))
    monkeypatch.setenv("CIVWATCH_DATA_DIR", str(tmp_path))
    target = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["export", "--format", "csv", "-o", str(target)])
    assert result.exit_code == 0, result.output
    with target.open(newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 3
    assert not (tmp_path / "out.csv.part").exists()
    result = CliRunner().invoke(main, ["export", "--format", "xml"])
    assert result.exit_code != 0 and "xml" in result.output
    result = CliRunner().invoke(main, ["export", "--format", "geojson", "--status", "candidate"])
    assert result.exit_code == 0 and json.loads(result.stdout)["type"] == "FeatureCollection"
