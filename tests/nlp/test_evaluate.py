"""The scoring of ``civwatch eval``: alignment and field matching on hand-made incidents."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from nlp.commands import eval_cmd
from nlp.eval_report import file_gaps, format_summary, summary_of
from nlp.evaluate import ScoredItem, _false_claims, align, names_match, similarity


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


def scored_item(item_id: str, lang: str, gold: list, pred: list) -> ScoredItem:
    item = {"id": item_id, "lang": lang, "text": "", "incidents": gold}
    return ScoredItem(item, pred, align(pred, gold))


def test_summary_splits_english_and_french_and_states_the_gap() -> None:
    en = scored_item(
        "e", "en", [incident((10, 10), name="Kobou")], [incident((10, 10), name="Kobou")]
    )
    # French: the place is right, the toll is off by one.
    fr = scored_item("f", "fr", [incident((5, 5), name="Sanga")], [incident((6, 6), name="Sanga")])
    summary = summary_of([en, fr])
    assert summary["lang_items"] == {"en": 1, "fr": 1}
    assert summary["killed_exact"]["tp"] == 1 and summary["killed_exact"]["gold"] == 2
    assert summary["killed_exact"]["f1"] == 0.5
    assert summary["by_lang"]["en"]["killed_exact"]["f1"] == 1.0
    assert summary["by_lang"]["fr"]["killed_exact"]["f1"] == 0.0
    assert summary["lang_gap"]["killed_exact"] == 1.0
    assert summary["lang_gap"]["location"] == 0.0
    # No injured figure on either side: F1 1.0 by convention, but no gap to state.
    assert summary["by_lang"]["fr"]["injured"]["f1"] == 1.0
    assert summary["lang_gap"]["injured"] is None
    # One language only: no French scores and no gap.
    alone = summary_of([en])
    assert set(alone["by_lang"]) == {"en"} and alone["lang_gap"]["killed_exact"] is None
    table = format_summary("x.jsonl", summary)
    assert "== x.jsonl: 2 items (en 1, fr 1)" in table
    assert "+1.000" in table


def test_file_gaps_name_the_best_and_the_worst_file() -> None:
    good = summary_of([scored_item("a", "en", [incident((3, 3))], [incident((3, 3))])])
    bad = summary_of([scored_item("b", "en", [incident((3, 3))], [incident((4, 4))])])
    gaps = file_gaps({"good.jsonl": good, "bad.jsonl": bad})
    assert gaps["killed_exact"] == {
        "gap": 1.0,
        "high": "good.jsonl",
        "high_score": 1.0,
        "low": "bad.jsonl",
        "low_score": 0.0,
    }
    assert "injured" not in gaps  # measured in neither file
    assert file_gaps({"good.jsonl": good}) == {}


def test_eval_command_on_several_files_and_errors(tmp_path: Path) -> None:
    en_item = {
        "id": "m1",
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
    }
    fr_item = {
        "id": "m2",
        "lang": "fr",
        "published": "2024-03-12",
        "text": "Des hommes armés ont tué sept civils dimanche dans le village de Sanga, au Mali.",
        # Gold says eight on purpose: a wrong value the errors listing must show.
        "incidents": [
            {
                **incident((8, 8), name="Sanga"),
                "perpetrators": ["unidentified gunmen"],
                "event_date": "2024-03-10",
            }
        ],
        "non_casualty_numbers": [],
    }
    first, second = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    first.write_text(json.dumps(en_item) + "\n", encoding="utf-8")
    second.write_text(json.dumps(fr_item) + "\n", encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(eval_cmd, [str(first), str(second), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert set(data["files"]) == {"one.jsonl", "two.jsonl"}
    # All files together: the sum of the counts of each file.
    for name in ("killed_exact", "location", "perpetrators"):
        assert data[name]["gold"] == sum(f[name]["gold"] for f in data["files"].values())
        assert data[name]["tp"] == sum(f[name]["tp"] for f in data["files"].values())
    assert data["files"]["two.jsonl"]["killed_exact"]["tp"] == 0
    assert data["file_gaps"]["killed_exact"]["low"] == "two.jsonl"
    assert data["lang_items"] == {"en": 1, "fr": 1}
    # One file alone gives the same numbers as that file's block of the several-file run.
    single = json.loads(runner.invoke(eval_cmd, [str(first), "--json"]).output)
    block = data["files"]["one.jsonl"]
    assert all(single[f] == block[f] for f in ("killed_exact", "location", "aggregate"))
    text = runner.invoke(eval_cmd, [str(first), str(second)]).output
    assert "== one.jsonl" in text and "== all files" in text and "largest gap" in text
    errors = runner.invoke(eval_cmd, [str(first), str(second), "--errors", "--json"])
    assert errors.exit_code == 0, errors.output
    listing = json.loads(errors.output)
    wrong = [m for m in listing["mismatches"] if m["field"] == "killed"]
    assert [(m["id"], m["gold"], m["predicted"]) for m in wrong] == [("m2", "8", "7")]
    assert "Sanga" in wrong[0]["gold_sentence"]
    assert listing["counts"] == {"killed": {"wrong value": 1}}
    assert runner.invoke(eval_cmd, []).exit_code == 2  # no gold file: a usage error
