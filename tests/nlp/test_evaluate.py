"""The scoring of ``civwatch eval``: alignment and field matching on hand-made incidents."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from nlp.commands import eval_cmd
from nlp.evaluate import _false_claims, align, names_match, similarity


def incident(
    killed=(None, None), injured=(None, None), victims=("civilians",), name=None, agg=False
):
    return {
        "killed": {"min": killed[0], "max": killed[1]},
        "injured": {"min": injured[0], "max": injured[1]},
        "abducted": {"min": None, "max": None},
        "victims": list(victims),
        "location": {"name": name, "country": "ML", "admin1": None},
        "perpetrators": [],
        "targets": [],
        "event_date": None,
        "event_date_end": None,
        "aggregate": agg,
    }


def test_names_match_folds_accents_and_containment() -> None:
    assert names_match("Ténenkou", "Tenenkou")
    assert names_match("cercle de Ténenko", "Ténenko")
    assert names_match("l’ouest du pays", "l'ouest du pays")
    assert not names_match("Gao", "Kidal")
    assert not names_match(None, "Gao")


def test_alignment_pairs_incidents_by_side_and_figures() -> None:
    gold = [incident((10, 10), victims=["soldiers"]), incident((41, 41), victims=["militants"])]
    pred = [incident((41, 41), victims=["militants"]), incident((10, 10), victims=["soldiers"])]
    assert sorted(align(pred, gold)) == [(0, 1), (1, 0)]
    # Nothing in common: no pair.
    assert (
        align([incident((5, 5), victims=["peacekeepers"], agg=True)], [incident(injured=(3, 3))])
        == []
    )
    assert similarity(gold[0], gold[0]) > similarity(gold[0], gold[1])


def test_false_claims_use_offsets_and_spare_gold_figures() -> None:
    text = "Two vehicles were burned and two soldiers were killed; 30 were missing."
    item = {
        "id": "t",
        "text": text,
        "non_casualty_numbers": ["Two", "30"],
        "incidents": [incident((2, 2))],
    }
    claim_on_30 = {
        "number_start": text.index("30"),
        "number_end": text.index("30") + 2,
        "min": 30,
        "max": 30,
        "start": 55,
        "end": 70,
    }
    assert _false_claims(item, [{"claims": [claim_on_30]}])
    claim_on_two = {
        "number_start": 28,
        "number_end": 31,
        "min": 2,
        "max": 2,
        "start": 28,
        "end": 52,
    }
    assert not _false_claims(item, [{"claims": [claim_on_two]}])


def test_eval_command_on_a_small_gold_file(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    items = [
        {
            "id": "t1",
            "lang": "en",
            "published": "2024-03-12",
            "text": "Gunmen killed 12 villagers in the village of Kobou in central Mali on Sunday.",
            "incidents": [
                {
                    **incident((12, 12), name="Kobou"),
                    "perpetrators": ["unidentified gunmen"],
                    "event_date": "2024-03-10",
                }
            ],
            "non_casualty_numbers": [],
        },
        {
            "id": "t2",
            "lang": "en",
            "published": None,
            "text": "The council has 15 members and met in 2019.",
            "incidents": [],
            "non_casualty_numbers": ["15", "2019"],
        },
    ]
    gold.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    out = CliRunner().invoke(eval_cmd, [str(gold), "--json"])
    assert out.exit_code == 0, out.output
    scores = json.loads(out.output)
    assert scores["killed_exact"]["f1"] == 1.0
    assert scores["location"]["f1"] == 1.0
    assert scores["event_date"]["f1"] == 1.0
    assert scores["perpetrators"]["tp"] == 1
    assert scores["no_false_claims"] == {"rate": 1.0, "items": 2}
    table = CliRunner().invoke(eval_cmd, [str(gold)])
    assert "killed_exact" in table.output and "no false claims" in table.output
