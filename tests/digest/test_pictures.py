"""The map and the trend chart: valid PNGs whatever the incidents look like."""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import replace

from digest.build import IncidentEntry, TrendDay
from digest.pictures import Outlines, map_png, trend_png


def _size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _entry(i: int, lat: float | None, lon: float | None, place: str) -> IncidentEntry:
    from digest.build import Figure

    return IncidentEntry(
        id=i,
        url=f"http://x.test/incidents/{i}",
        status="candidate",
        event_date=None,
        event_date_end=None,
        date_precision="unknown",
        place=place,
        country="ML",
        admin1=None,
        admin2=None,
        lat=lat,
        lon=lon,
        place_precision="point",
        perpetrators=[],
        targets=[],
        figures=[Figure("killed", 3, 3, 3, 3, 1, 1, [])],
        victims=[],
        civilians_killed=None,
        aggregate=False,
        confidence=0.5,
        match_label=None,
        match_dataset=None,
        evidence=None,
        sources=[],
        created_at=dt.datetime(2026, 11, 24, tzinfo=dt.UTC),
    )


def test_outlines_are_natural_earth_with_attribution() -> None:
    outlines = Outlines.load()
    assert "Natural Earth" in outlines.attribution
    assert len(outlines.region_layers["admin1"]) > 100  # Mali's, Burkina's, Niger's regions
    iso = {label["iso2"] for label in outlines.labels}
    assert {"ML", "BF", "NE"} <= iso


def test_map_survives_hostile_names_and_broken_coordinates() -> None:
    outlines = Outlines.load()
    incidents = [
        _entry(1, 14.5, -4.2, r"$\bogus{$ <b>x</b>"),  # invalid mathtext if not escaped
        _entry(2, float("nan"), 3.0, "nan"),
        _entry(3, 999.0, 3.0, "off the planet"),
        _entry(4, None, None, "nowhere"),
        replace(_entry(5, 14.4, -4.0, "x" * 500), figures=[]),
    ]
    assert _size(map_png(incidents, outlines)) == (720, 460)


def test_map_empty_and_far_away() -> None:
    outlines = Outlines.load()
    assert _size(map_png([], outlines, no_points_text="nothing")) == (720, 460)
    # outside the shipped Sahel detail: drawn over the coarse world layer
    assert _size(map_png([_entry(1, 50.45, 30.52, "Kyiv")], outlines)) == (720, 460)


def test_trend_chart() -> None:
    days = [TrendDay(dt.date(2026, 11, 1) + dt.timedelta(days=i), i % 3, i) for i in range(30)]
    assert _size(trend_png(days)) == (720, 280)
    zero = [replace(d, incidents=0, killed=0) for d in days]
    assert _size(trend_png(zero)) == (720, 280)
