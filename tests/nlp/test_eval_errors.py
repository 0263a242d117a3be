"""``civwatch eval --errors``: each category on a small hand-written gold + prediction pair.

The texts are written here; the predictions are hand-made incidents, so each
test pins the category logic of ``nlp.eval_errors`` without the analyzer.
"""

from __future__ import annotations

from typing import Any

from nlp.eval_errors import Mismatch, error_counts, find_errors, format_errors, place_category
from nlp.evaluate import ScoredItem, align


def inc(
    killed: tuple[int | None, int | None] = (None, None),
    injured: tuple[int | None, int | None] = (None, None),
    victims: tuple[str, ...] = ("civilians",),
    name: str | None = None,
    country: str | None = "ML",
    perps: tuple[str, ...] = (),
    when: str | None = None,
    agg: bool = False,
    claim_at: tuple[int, int] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "killed": {"min": killed[0], "max": killed[1]},
        "injured": {"min": injured[0], "max": injured[1]},
        "abducted": {"min": None, "max": None},
        "victims": list(victims),
        "location": {"name": name, "country": country, "admin1": None},
        "perpetrators": list(perps),
        "targets": [],
        "event_date": when,
        "event_date_end": None,
        "aggregate": agg,
    }
    if claim_at:
        out["claims"] = [{"kind": "killed", "start": claim_at[0], "end": claim_at[1]}]
        out["evidence"] = [{"start": claim_at[0], "end": claim_at[1]}]
    return out


def scored(
    text: str, golds: list[dict[str, Any]], preds: list[dict[str, Any]], lang: str = "en"
) -> ScoredItem:
    item = {"id": "t-1", "lang": lang, "text": text, "incidents": golds}
    return ScoredItem(item, preds, align(preds, golds))


def only(errors: list[Mismatch], field: str) -> list[Mismatch]:
    return [e for e in errors if e.field == field]


def at(text: str, phrase: str) -> tuple[int, int]:
    i = text.index(phrase)
    return i, i + len(phrase)


def test_place_categories_on_written_texts() -> None:
    dateline = "NIAMEY (AFP) — Gunmen killed nine villagers in Tamou on Sunday."
    assert place_category("Niamey", dateline, "Tamou") == "dateline"
    # An agency in brackets after the place is a dateline too, even mid-text.
    caption = "A market in 2019. Bamako, 4 March (Reuters) - Twelve people died in Kobou."
    assert place_category("Bamako", caption, "Kobou") == "dateline"
    # A bracketed direction is not an agency.
    recalled = "Ten soldiers died at Aguelhok (north-east) in January."
    assert place_category("Aguelhok", recalled, "Douentza") is None
    geneva = "A spokesperson told reporters in Geneva that 30 people were killed in Ogossagou."
    assert place_category("Geneva", geneva, "Ogossagou") == "publisher's city"
    assert place_category("New York", "In New York, the council met.", "Kobou") == (
        "publisher's city"
    )
    assert place_category("Ouagadougou", "The minister in Ouagadougou said.", "Djibo") == "capital"
    assert place_category("Fulani", "Fulani herders were attacked in Kobou.", "Kobou") == (
        "ethnic group"
    )
    person = "The attack hit Kobou, said the mayor of the commune, Amadou Sangaré."
    assert place_category("Sangaré", person, "Kobou") == "person name"
    said = "Five people died in Kobou, Sangaré said."
    assert place_category("Sangaré", said, "Kobou") == "person name"
    # A place followed by an apposition is not a person.
    apposition = "They fled to Gao, a major town in the north."
    assert place_category("Gao", apposition, "Kidal") is None
    larger = "Twelve villagers were killed in the Mopti region, in the village of Kobou."
    assert place_category("Mopti", larger, "Kobou") == "larger place while gold is a village"
    assert place_category("northern Mali", larger, "Kobou") == (
        "larger place while gold is a village"
    )
    # Not "larger" when the gold place is itself broad.
    assert place_category("Tillabéri", larger, "Niger, Mali and Burkina Faso") is None


def test_location_mismatches_by_category() -> None:
    text = (
        "BAMAKO (AFP) — Gunmen killed 12 villagers in Kobou on Sunday. "
        "Separately, three soldiers died near Boni."
    )
    golds = [inc((12, 12), name="Kobou"), inc((3, 3), victims=("soldiers",), name="Boni")]
    preds = [
        inc((12, 12), name="Bamako", claim_at=at(text, "killed 12 villagers")),
        inc((3, 3), victims=("soldiers",), name=None, claim_at=at(text, "three soldiers died")),
    ]
    errors = only(find_errors(scored(text, golds, preds)), "location")
    assert {(e.gold, e.predicted, e.category) for e in errors} == {
        ("Kobou", "Bamako", "dateline"),
        ("Boni", None, "predicted nothing"),
    }
    kobou = next(e for e in errors if e.gold == "Kobou")
    # Both sentences are found in the text: the gold place's and the predicted place's.
    assert kobou.gold_sentence == "BAMAKO (AFP) — Gunmen killed 12 villagers in Kobou on Sunday."
    assert kobou.predicted_sentence == kobou.gold_sentence
    boni = next(e for e in errors if e.gold == "Boni")
    assert boni.gold_sentence == "Separately, three soldiers died near Boni."


def test_gold_place_not_predicted_and_on_another_record() -> None:
    text = "Gunmen killed 12 people in Kobou and 4 in Sanga on Monday."
    golds = [inc((12, 12), name="Kobou"), inc((4, 4), name="Sanga")]
    # Record one got Sanga's place; record two a place the text does not hold.
    preds = [inc((12, 12), name="Sanga"), inc((4, 4), name="Dinangourou")]
    errors = {e.gold: e.category for e in only(find_errors(scored(text, golds, preds)), "location")}
    assert errors == {
        "Kobou": "gold place not predicted at all",
        "Sanga": "gold place on another record",
    }


def test_figure_categories() -> None:
    text = (
        "Fourteen people, thirteen civilians and one VDP, were killed in Kobou on Friday. "
        "Since January, 456 civilians have been killed in the region, the UN said."
    )
    golds = [
        inc((13, 13), name="Kobou"),
        inc((1, 1), victims=("soldiers",), name="Kobou"),
        inc((456, 456), name="the region", agg=True),
    ]
    # The total is not split, and the period total is folded into the event's range.
    preds = [inc((14, 456), name="Kobou", claim_at=at(text, "were killed in Kobou"))]
    errors = find_errors(scored(text, golds, preds))
    killed = only(errors, "killed")
    assert [(e.category, e.gold, e.predicted) for e in killed] == [
        ("aggregate vs event confusion", "13", "14–456")
    ]
    incidents = {(e.category, e.gold) for e in only(errors, "incident")}
    assert ("missing aggregate record", "killed 456 (civilians) at the region, aggregate") in (
        incidents
    )
    # The unmatched VDP record is part of the unsplit total of 14 only when a prediction
    # carries 14 as its point: here 14 is the minimum of 14–456, so it is.
    assert ("total not split by side", "killed 1 (soldiers) at Kobou") in incidents

    split_text = "Fourteen people were killed in Kobou: thirteen civilians and one VDP."
    golds = [inc((13, 13), name="Kobou"), inc((1, 1), victims=("soldiers",), name="Kobou")]
    errors = find_errors(scored(split_text, golds, [inc((14, 14), name="Kobou")]))
    assert [e.category for e in only(errors, "killed")] == ["total not split by side"]

    text2 = "Ten soldiers were killed, including two officers, in an ambush near Boni."
    golds = [inc((10, 10), victims=("soldiers",), name="Boni")]
    preds = [
        inc(
            (2, 2), victims=("soldiers",), name="Boni", claim_at=at(text2, "including two officers")
        )
    ]
    errors = find_errors(scored(text2, golds, preds))
    assert [e.category for e in only(errors, "killed")] == ["sub-count split"]

    text3 = "At least 20 people were killed and 5 wounded in Sanga."
    golds = [inc((20, None), (5, 5), name="Sanga")]
    preds = [inc((20, 20), name="Sanga", claim_at=at(text3, "At least 20 people were killed"))]
    errors = find_errors(scored(text3, golds, preds))
    assert {(e.field, e.category) for e in errors} == {
        ("killed", "wrong value"),
        ("injured", "missed figure"),
    }
    injured = only(errors, "injured")[0]
    assert injured.gold == "5" and injured.predicted is None
    assert injured.gold_sentence == text3


def test_unmatched_records_and_sub_count_extra() -> None:
    text = "Nine soldiers, among them two officers, were killed in Boni. Kobou was calm."
    golds = [inc((9, 9), victims=("soldiers",), name="Boni"), inc((3, 3), name="Sanga")]
    preds = [
        inc((9, 9), victims=("soldiers",), name="Boni", claim_at=at(text, "Nine soldiers")),
        inc((2, 2), victims=("peacekeepers",), name="Mopti", claim_at=at(text, "two officers")),
    ]
    errors = only(find_errors(scored(text, golds, preds)), "incident")
    assert sorted(e.category for e in errors) == ["missing record", "sub-count split"]


def test_perpetrator_date_country_and_aggregate_categories() -> None:
    text = "On Sunday, an air strike by the army killed 8 people in Kobou."
    golds = [
        inc((8, 8), name="Kobou", perps=("Malian Armed Forces (FAMa)",), when="2024-03-10"),
        inc((5, 5), name="Sanga", perps=("JNIM",), when="2024-03-01"),
        inc((4, 4), name="Boni", perps=(), when=None, country=None),
    ]
    preds = [
        inc((8, 8), name="Kobou", perps=("JNIM",), when="2024-03-13"),
        inc((5, 5), name="Sanga", perps=(), when=None, country="BF", agg=True),
        inc((4, 4), name="Boni", perps=("unidentified gunmen",), when="2024-03-11"),
    ]
    errors = find_errors(scored(text, golds, preds))
    assert sorted(e.category for e in only(errors, "perpetrators")) == [
        "extra",
        "missing",
        "wrong actor",
    ]
    dates = {e.gold: (e.category, e.detail) for e in only(errors, "event_date")}
    assert dates == {
        "2024-03-10": ("off by 2–7 days", "off by 3 days"),
        "2024-03-01": ("missing", ""),
        None: ("extra (gold has none)", ""),
    }
    countries = sorted(e.category for e in only(errors, "country"))
    assert countries == ["extra", "wrong country"]
    assert [e.category for e in only(errors, "aggregate")] == ["event taken as aggregate"]


def test_error_counts_and_terminal_format() -> None:
    text = "Gunmen killed 12 villagers in Kobou."
    errors = find_errors(scored(text, [inc((12, 12), name="Kobou")], [inc((12, 12), name=None)]))
    assert error_counts(errors) == {"location": {"predicted nothing": 1}}
    out = format_errors(errors)
    assert "== location: 1 ==" in out
    assert "-- location / predicted nothing (1) --" in out
    assert "t-1  gold: Kobou   predicted: None" in out
    assert "Gunmen killed 12 villagers in Kobou." in out
    # A perfect prediction has no mismatch at all.
    assert (
        find_errors(scored(text, [inc((12, 12), name="Kobou")], [inc((12, 12), name="Kobou")]))
        == []
    )
