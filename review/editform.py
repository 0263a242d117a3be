"""The incident edit and coding forms: what the browser sent, as typed values.

:func:`parse_edit_form` turns the text fields of the edit form (and of the
"Code this incident" form, a subset) into the typed values that
``incidents.decisions.edit`` takes. Numbers and dates are bounded
(``review.forms``); a value that cannot be used raises
:class:`~incidents.decisions.ActionError` with a message for the reviewer, as
the decisions themselves do, so the view shows both the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from incidents.decisions import EDITABLE_FIELDS, ActionError
from review import forms
from storage.models import DATE_PRECISIONS, DEATH_SIDES, EVENT_TYPES, PLACE_PRECISIONS

DEATH_FIELDS = (*(f"deaths_{side}" for side in DEATH_SIDES), "deaths_best")
MAX_DEATHS = 1_000_000  # more than any event: a typo, not a figure
NOTES_MAX = 5000  # the coder's notes kept on the incident


def _parse_int(name: str, raw: str, *, lo: int | None = None) -> int | None:
    # Bounded and ASCII-only (review/forms.py): '²' or 2^64 must not reach the database.
    try:
        return forms.whole_number(raw, name, lo=lo or 0, hi=forms.MAX_INT32)
    except forms.FormError as exc:
        raise ActionError(str(exc)) from None


def _parse_float(name: str, raw: str, lo: float, hi: float) -> float | None:
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ActionError(f"{name}: {raw!r} is not a number.") from None
    if not lo <= value <= hi:
        raise ActionError(f"{name}: must be between {lo} and {hi}.")
    return value


def _parse_date(name: str, raw: str) -> dt.date | None:
    # A plausible event date only (1900-01-01 .. tomorrow): year 1 broke date windows.
    try:
        return forms.event_date(raw, name)
    except forms.FormError as exc:
        raise ActionError(str(exc)) from None


def _parse_list(raw: str) -> list[str]:
    items = [part.strip() for part in raw.replace("\n", ";").split(";")]
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item[:200])
    return seen


def parse_edit_form(form: Mapping[str, str]) -> dict[str, Any]:
    """Typed values for the editable fields present in ``form`` (validation errors raise)."""
    out: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        if name not in form:
            continue
        raw = form[name]
        value: Any
        if name in ("lat",):
            value = _parse_float("latitude", raw, -90.0, 90.0)
        elif name in ("lon",):
            value = _parse_float("longitude", raw, -180.0, 180.0)
        elif name == "geonames_id":
            value = _parse_int("GeoNames id", raw, lo=1)
        elif name in ("event_date", "event_date_end"):
            value = _parse_date(name.replace("_", " "), raw)
        elif name == "country":
            value = raw.strip().upper() or None
            if value is not None and (len(value) != 2 or not value.isalpha()):
                raise ActionError(f"country: {raw!r} is not an ISO 3166 alpha-2 code.")
        elif name == "place_precision":
            value = raw.strip() or "unresolved"
            if value not in PLACE_PRECISIONS:
                raise ActionError(f"place precision: {raw!r} is not one of the choices.")
        elif name == "date_precision":
            value = raw.strip() or "unknown"
            if value not in DATE_PRECISIONS:
                raise ActionError(f"date precision: {raw!r} is not one of the choices.")
        elif name == "aggregate":
            value = raw.strip().lower() in ("1", "true", "on", "yes")
        elif name in ("victims", "perpetrators", "targets"):
            value = _parse_list(raw)
        elif name in DEATH_FIELDS:
            value = _parse_int(name.replace("_", " "), raw, lo=0)
            if value is not None and value > MAX_DEATHS:
                raise ActionError(f"{name.replace('_', ' ')}: {value} is not a plausible figure.")
        elif name == "event_type":
            value = raw.strip() or None
            if value is not None and value not in EVENT_TYPES:
                raise ActionError(f"event type: {raw!r} is not one of ACLED's event types.")
        elif name == "sub_event_type":
            value = raw.strip() or None
            if value is not None and not any(value in subs for subs in EVENT_TYPES.values()):
                raise ActionError(f"sub-event type: {raw!r} is not one of ACLED's sub-types.")
        elif name == "notes":
            value = raw.strip() or None
            if value is not None and len(value) > NOTES_MAX:
                raise ActionError(
                    f"The notes are too long ({len(value)} characters; at most {NOTES_MAX})."
                )
        else:
            value = raw.strip()[:300] or None
        out[name] = value
    return out
