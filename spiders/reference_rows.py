"""ACLED and UCDP rows → ``ReferenceEventItem``. Pure functions, no I/O.

Handles ACLED's current API/export columns (lower-case: ``event_id_cnty``,
``event_date`` as ``YYYY-MM-DD`` or ``DD Month YYYY``), ACLED's legacy export
(upper-case, ``DD/MM/YYYY``) and UCDP GED (``id``, ``date_start``, ``best``,
``low``, ``high``, ``adm_1``…). A row that cannot be read raises
:class:`BadRow` with the reason; callers count it and go on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from spiders.countries import iso2_from_name
from spiders.items import ReferenceEventItem


class BadRow(ValueError):
    """A dataset row that cannot become a reference event (the message says why)."""


def _clean(row: Mapping[str, object]) -> dict[str, str]:
    return {
        str(k).strip().lower(): str(v).strip()
        for k, v in row.items()
        if k is not None and v is not None
    }


def _opt(row: dict[str, str], *names: str) -> str | None:
    for name in names:
        value = row.get(name)
        if value:
            return value
    return None


def _date(value: str | None, what: str) -> dt.date:
    if not value:
        raise BadRow(f"missing {what}")
    text = value.strip().split(" ")[0] if value[:4].isdigit() else value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d-%B-%Y", "%d-%b-%y", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise BadRow(f"unreadable {what} {value!r}")


def _float(value: str | None, what: str, low: float, high: float) -> float | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise BadRow(f"unreadable {what} {value!r}") from exc
    if not low <= number <= high:
        raise BadRow(f"{what} {value} out of range")
    return number


def _int(value: str | None, what: str) -> int | None:
    if not value:
        return None
    try:
        number = int(float(value))
    except ValueError as exc:
        raise BadRow(f"unreadable {what} {value!r}") from exc
    if number < 0:
        raise BadRow(f"negative {what} {value}")
    return number


def _country(row: dict[str, str]) -> str | None:
    name = _opt(row, "country")
    if name is None:
        return None
    code = iso2_from_name(name)
    if code is None:
        raise BadRow(f"unknown country {name!r}")
    return code


def acled_event(row: Mapping[str, object], source_key: str | None = None) -> ReferenceEventItem:
    """One ACLED row (API JSON object, current CSV export or legacy export)."""
    clean = _clean(row)
    external_id = _opt(clean, "event_id_cnty", "data_id")
    if not external_id:
        raise BadRow("missing event_id_cnty")
    fatalities = _int(_opt(clean, "fatalities"), "fatalities")
    return ReferenceEventItem(
        dataset="acled",
        external_id=external_id[:64],
        event_date=_date(_opt(clean, "event_date"), "event_date"),
        source_key=source_key,
        event_type=_opt(clean, "event_type"),
        sub_event_type=_opt(clean, "sub_event_type"),
        country=_country(clean),
        admin1=_opt(clean, "admin1"),
        admin2=_opt(clean, "admin2"),
        location=_opt(clean, "location"),
        lat=_float(_opt(clean, "latitude"), "latitude", -90, 90),
        lon=_float(_opt(clean, "longitude"), "longitude", -180, 180),
        actor1=_opt(clean, "actor1"),
        actor2=_opt(clean, "actor2"),
        fatalities=fatalities,
        notes=_opt(clean, "notes"),
        source=_opt(clean, "source"),
    )


def ucdp_event(row: Mapping[str, object]) -> ReferenceEventItem:
    """One UCDP GED row (CSV export or API ``Result`` object)."""
    clean = _clean(row)
    external_id = _opt(clean, "id")
    if not external_id:
        raise BadRow("missing id")
    start = _date(_opt(clean, "date_start"), "date_start")
    best = _int(_opt(clean, "best"), "best")
    low = _int(_opt(clean, "low"), "low")
    high = _int(_opt(clean, "high"), "high")
    if low is not None and high is not None and low > high:
        raise BadRow(f"low {low} above high {high}")
    return ReferenceEventItem(
        dataset="ucdp",
        external_id=external_id[:64],
        event_date=start,
        event_type=_ucdp_type(_opt(clean, "type_of_violence")),
        country=_country(clean),
        admin1=_opt(clean, "adm_1"),
        admin2=_opt(clean, "adm_2"),
        location=_opt(clean, "where_coordinates", "where_description"),
        lat=_float(_opt(clean, "latitude"), "latitude", -90, 90),
        lon=_float(_opt(clean, "longitude"), "longitude", -180, 180),
        actor1=_opt(clean, "side_a"),
        actor2=_opt(clean, "side_b"),
        fatalities=best,
        fatalities_low=low,
        fatalities_high=high,
        notes=_opt(clean, "source_headline"),
        source=_opt(clean, "source_article", "source_original"),
    )


def _ucdp_type(code: str | None) -> str | None:
    names = {"1": "state-based conflict", "2": "non-state conflict", "3": "one-sided violence"}
    if code is None:
        return None
    return names.get(code.split(".")[0], code)
