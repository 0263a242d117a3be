"""End-to-end ``analyze`` in both languages, the CLI, and hostile input.

The texts are written for these tests; expected values are worked out by hand
from the annotation conventions (``../shared/eval/README.md``).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from spacy.tokens import Doc

from nlp.analyze import AnalyzeInput, Analyzer, chunks, detect_language
from nlp.commands import analyze_cmd

EN_TEXT = (
    "Gunmen killed at least 17 civilians in an attack on the village of Kobou in central "
    "Mali on Sunday, local officials said. Eleven others were wounded. The army said its "
    "soldiers killed 8 assailants during the pursuit."
)
FR_TEXT = (
    "Au moins douze soldats burkinabè ont été tués samedi dans une embuscade près de Djibo, "
    "chef-lieu de la province du Soum, a annoncé l'armée mardi. Selon la même source, une "
    "trentaine de terroristes ont été neutralisés lors de la riposte."
)


def by_side(result: dict, victim: str) -> dict:
    found = [i for i in result["incidents"] if victim in i["victims"]]
    assert len(found) == 1, result["incidents"]
    return found[0]


def test_english_end_to_end(analyzer: Analyzer) -> None:
    result = analyzer.analyze(EN_TEXT, published=date(2024, 3, 12))  # a Tuesday
    assert result["lang"] == "en"
    civilians = by_side(result, "civilians")
    assert civilians["killed"] == {"min": 17, "max": None}
    assert civilians["injured"] == {"min": 11, "max": 11}
    assert civilians["location"]["name"] == "Kobou"
    assert civilians["location"]["country"] == "ML"
    assert civilians["event_date"] == "2024-03-10"
    assert civilians["aggregate"] is False
    assert "unidentified gunmen" in civilians["perpetrators"]
    assert civilians["targets"] == ["civilians"]
    militants = by_side(result, "militants")
    assert militants["killed"] == {"min": 8, "max": 8}
    assert "Malian Armed Forces (FAMa)" in militants["perpetrators"]
    for incident in result["incidents"]:
        assert 0.0 <= incident["confidence"] <= 1.0
        for ev in incident["evidence"]:
            assert EN_TEXT[ev["start"] : ev["end"]] == ev["text"]


def test_french_end_to_end(analyzer: Analyzer) -> None:
    result = analyzer.analyze(FR_TEXT, published=date(2022, 5, 10))  # a Tuesday
    assert result["lang"] == "fr"
    soldiers = by_side(result, "soldiers")
    assert soldiers["killed"] == {"min": 12, "max": None}
    assert soldiers["location"]["name"] == "Djibo"
    assert soldiers["location"]["country"] == "BF"
    assert soldiers["event_date"] == "2022-05-07"  # samedi, not the announcement (mardi)
    assert soldiers["targets"] == ["Burkinabe Armed Forces"]
    militants = by_side(result, "militants")
    assert militants["killed"] == {"min": 30, "max": 30}
    assert militants["perpetrators"] == ["Burkinabe Armed Forces"]


def test_headline_and_body_restating_one_toll_make_one_incident(analyzer: Analyzer) -> None:
    text = (
        "Dozens killed in attack on Malian village. Gunmen killed about 40 people in the "
        "village of Kobou, officials said."
    )
    result = analyzer.analyze(text, lang="en")
    assert len(result["incidents"]) == 1
    assert result["incidents"][0]["killed"] == {"min": 40, "max": 40}


def test_conflicting_sources_give_a_range(analyzer: Analyzer) -> None:
    text = (
        "At least 15 civilians were killed in the village of Kobou, a security source said. "
        "Another source put the toll at 20 dead."
    )
    incident = analyzer.analyze(text, lang="en")["incidents"][0]
    assert incident["killed"] == {"min": 15, "max": 20}
    assert {c["claimant"] for c in incident["claims"]} >= {"a security source"}


def test_aggregate_and_background_incident_are_separate(analyzer: Analyzer) -> None:
    text = (
        "Gunmen killed 9 villagers in Kobou on Monday. Since January, attacks in the region "
        "have killed more than 300 civilians. In March, 14 herders were killed near Djibo."
    )
    incidents = analyzer.analyze(text, lang="en", published=date(2023, 6, 7))["incidents"]
    figures = sorted((i["killed"]["min"], i["aggregate"]) for i in incidents)
    assert figures == [(9, False), (14, False), (301, True)]


def test_negation_gives_zero_for_the_incident(analyzer: Analyzer) -> None:
    text = (
        "Militants fired shells at the MINUSMA camp in Kidal on Tuesday. "
        "The attack caused no casualties."
    )
    incidents = analyzer.analyze(text, lang="en")["incidents"]
    assert [(i["killed"], i["injured"]) for i in incidents] == [
        ({"min": 0, "max": 0}, {"min": 0, "max": 0})
    ]


def test_language_detection() -> None:
    assert detect_language(EN_TEXT) == "en"
    assert detect_language(FR_TEXT) == "fr"
    assert (
        detect_language("Bewaffnete Männer haben das Dorf angegriffen und viele getötet.")
        == "other"
    )
    assert detect_language("") == "other"


# -- hostile input --------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty_text(analyzer: Analyzer, text: str) -> None:
    result = analyzer.analyze(text)
    assert result["status"] == "empty"
    assert result["incidents"] == []


def test_other_language_is_not_guessed(analyzer: Analyzer) -> None:
    text = (
        "Bewaffnete Männer haben am Sonntag das Dorf angegriffen und mindestens "
        "12 Menschen getötet."
    )
    result = analyzer.analyze(text)
    assert (result["lang"], result["status"], result["incidents"]) == (
        "other",
        "unsupported_language",
        [],
    )


def test_control_characters_keep_offsets_valid(analyzer: Analyzer) -> None:
    text = "Gunmen\x00 killed 12\x07 villagers in Kobou\x1b on Sunday."
    incident = analyzer.analyze(text, lang="en")["incidents"][0]
    assert incident["killed"] == {"min": 12, "max": 12}
    ev = incident["evidence"][0]
    assert ev["start"] >= text.index("killed") and ev["end"] <= len(text)


def test_text_without_sentence_boundaries(analyzer: Analyzer) -> None:
    text = "gunmen killed 3 villagers near the well and " * 2000
    result = analyzer.analyze(text, lang="en")
    assert result["status"] == "ok"
    assert result["incidents"], "claims are still found in a run-on text"
    assert all(i["killed"]["min"] == 3 for i in result["incidents"])


def test_html_without_the_html_flag_is_detected(analyzer: Analyzer) -> None:
    html = (
        "<html><head><title>Attack</title></head><body><article><h1>Attack in Mali</h1>"
        "<p>Gunmen killed 12 villagers in the village of Kobou in central Mali on Sunday, "
        "officials said on Monday. The attackers fled on motorcycles towards the border, "
        "witnesses told reporters, and the army sent reinforcements to the area.</p>"
        "</article></body></html>"
    )
    result = analyzer.analyze(html, lang="en")
    assert result["input"] == "html-detected"
    assert [i["killed"] for i in result["incidents"]] == [{"min": 12, "max": 12}]
    assert "<p>" not in result["incidents"][0]["evidence"][0]["text"]


def test_chunks_cover_a_5mb_text_in_bounded_pieces() -> None:
    para = "The council discussed the harvest in the markets of the region. " * 40 + "\n\n"
    text = para * (5_000_000 // len(para) + 1)
    pieces = chunks(text)
    assert "".join(p for _, p in pieces) == text
    assert max(len(p) for _, p in pieces) <= 20_000
    assert all(text[o : o + len(p)] == p for o, p in pieces)


def test_chunks_without_any_boundary() -> None:
    text = "x" * 50_000
    pieces = chunks(text)
    assert "".join(p for _, p in pieces) == text
    assert max(len(p) for _, p in pieces) <= 20_000


@pytest.mark.slow
def test_5mb_text_end_to_end(analyzer: Analyzer) -> None:
    filler = "The council discussed the harvest in the markets of the region. " * 40 + "\n\n"
    story = "Gunmen killed 12 villagers in the village of Kobou in central Mali on Sunday.\n\n"
    text = filler * 1200 + story + filler * 800
    assert len(text) > 5_000_000
    result = analyzer.analyze(text, lang="en")
    assert [i["killed"] for i in result["incidents"]] == [{"min": 12, "max": 12}]
    ev = result["incidents"][0]["evidence"][0]
    assert text[ev["start"] : ev["end"]] == ev["text"]


def test_analyze_docs_keeps_order_and_ids(analyzer: Analyzer) -> None:
    items = [
        AnalyzeInput("a", FR_TEXT),
        AnalyzeInput("b", ""),
        AnalyzeInput("c", EN_TEXT, date(2024, 3, 12)),
    ]
    results = list(analyzer.analyze_docs(items, batch_size=2))
    assert [(r.id, r.lang, r.status) for r in results] == [
        ("a", "fr", "ok"),
        ("b", "other", "empty"),
        ("c", "en", "ok"),
    ]
    assert results[0].incidents and results[2].incidents


# -- the command -------------------------------------------------------------------


def test_cli_analyze_file_and_stdin(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(EN_TEXT, encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(analyze_cmd, [str(path), "--published", "2024-03-12"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["lang"] == "en"
    assert {json.dumps(i["killed"]) for i in data["incidents"]} >= {'{"min": 17, "max": null}'}
    out = runner.invoke(analyze_cmd, ["-", "--lang", "fr"], input=FR_TEXT)
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["lang"] == "fr"


def test_cli_rejects_a_bad_date(tmp_path: Path) -> None:
    out = CliRunner().invoke(analyze_cmd, ["-", "--published", "12/03/2024"], input="x")
    assert out.exit_code != 0
    assert "YYYY-MM-DD" in out.output


def test_cli_html_flag(tmp_path: Path) -> None:
    html = (
        "<html><body><p>Gunmen killed 4 herders near Djibo on Friday, "
        "residents said.</p></body></html>"
    )
    out = CliRunner().invoke(analyze_cmd, ["-", "--html", "--lang", "en"], input=html)
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["incidents"][0]["killed"] == {"min": 4, "max": 4}


def test_cli_jsonl_one_line_per_input_and_bad_lines_reported(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    rows = [
        {"id": "x1", "text": EN_TEXT, "published": "2024-03-12"},
        "not json",
        {"id": "x2", "text": FR_TEXT, "lang": "fr"},
        {"id": "x3", "published": "2024-01-01"},
    ]
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )
    out = CliRunner().invoke(analyze_cmd, ["--jsonl", str(path)])
    assert out.exit_code == 0, out.output
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["id"], r["lang"]) for r in lines] == [("x1", "en"), ("x2", "fr")]
    assert "line 2 skipped" in out.stderr and "line 4 skipped" in out.stderr


def test_multi_country_total_has_no_single_country(analyzer: Analyzer) -> None:
    text = (
        "Since January, more than 900 civilians have been killed in attacks in Mali, "
        "Burkina Faso and Niger, the agency said."
    )
    incident = analyzer.analyze(text, lang="en", published=date(2023, 9, 1))["incidents"][0]
    assert incident["aggregate"] is True
    assert incident["killed"] == {"min": 901, "max": None}
    assert incident["location"]["country"] is None
    assert (incident["event_date"], incident["event_date_end"]) == ("2023-01-01", "2023-09-01")


def test_revised_toll_keeps_the_current_figure(analyzer: Analyzer) -> None:
    text = (
        "Gunmen killed at least 30 villagers in Kobou on Friday. The toll was later raised "
        "to 41, officials said."
    )
    incident = analyzer.analyze(text, lang="en")["incidents"][0]
    assert incident["killed"] == {"min": 41, "max": 41}


def test_agents_joined_by_and_and_opponents_left_out(analyzer: Analyzer) -> None:
    text = (
        "The killings were carried out by Malian soldiers and Russian mercenaries, who were "
        "fighting against JNIM, and left 40 civilians dead in the village of Kobou."
    )
    incident = by_side(analyzer.analyze(text, lang="en"), "civilians")
    assert set(incident["perpetrators"]) == {"Malian Armed Forces (FAMa)", "Wagner Group"}


def test_claimed_attack_names_the_group(analyzer: Analyzer) -> None:
    text = (
        "Jihadists killed 9 soldiers at a checkpoint near Djibo on Monday. "
        "The attack was later claimed by JNIM on social media."
    )
    incident = by_side(analyzer.analyze(text, lang="en"), "soldiers")
    assert incident["perpetrators"] == ["JNIM"]


def test_a_failing_component_names_the_error_and_spares_the_batch() -> None:
    import spacy
    from spacy.language import Language

    from nlp.analyze import Analyzer as BaseAnalyzer

    @Language.component("civwatch_test_explode")
    def explode(doc: Doc) -> Doc:
        if "EXPLODE" in doc.text:
            raise RuntimeError("component bug")
        return doc

    pipe = spacy.blank("en")
    pipe.add_pipe("sentencizer")
    pipe.add_pipe("civwatch_claims")
    pipe.add_pipe("civwatch_test_explode")

    class OnePipeline(BaseAnalyzer):
        def pipeline(self, lang: str, focus: tuple[str, ...] | None = None) -> Language:
            return pipe

    items = [
        AnalyzeInput("ok1", "Gunmen killed 5 herders on Monday.", lang="en"),
        AnalyzeInput("bad", "EXPLODE: gunmen killed 6 herders.", lang="en"),
        AnalyzeInput("ok2", "Gunmen killed 7 herders on Monday.", lang="en"),
    ]
    results = {r.id: r for r in OnePipeline().analyze_docs(items)}
    assert results["bad"].status == "error"
    assert results["bad"].error is not None
    assert "RuntimeError: component bug" in results["bad"].error
    assert results["bad"].incidents == []
    assert [i.killed.min for i in results["ok1"].incidents] == [5]
    assert [i.killed.min for i in results["ok2"].incidents] == [7]


def test_records_of_one_event_share_its_number_and_other_events_do_not(
    analyzer: Analyzer,
) -> None:
    text = (
        "Gunmen killed 12 civilians and 3 soldiers in Kobou on Monday. On Tuesday, 5 "
        "soldiers were killed in an ambush near Tera."
    )
    result = analyzer.analyze(text, lang="en", published=date(2024, 5, 10))
    assert [(i["killed"]["min"], i["victims"], i["event"]) for i in result["incidents"]] == [
        (12, ["civilians"], 0),
        (3, ["soldiers"], 0),
        (5, ["soldiers"], 1),
    ]


def test_the_chunks_of_a_long_text_number_their_events_apart(analyzer: Analyzer) -> None:
    filler = "The council discussed the harvest in the markets of the region. " * 40 + "\n\n"
    first = "Gunmen killed 12 villagers in the village of Kobou in central Mali on Sunday.\n\n"
    second = "Gunmen killed 7 herders near Tera in western Niger on Monday.\n\n"
    text = first + filler * 10 + second  # two chunks of at most 20,000 characters
    assert len(chunks(text)) == 2
    result = analyzer.analyze(text, lang="en", published=date(2024, 5, 10))
    assert [(i["killed"]["min"], i["event"]) for i in result["incidents"]] == [(12, 0), (7, 1)]
