"""The writer's coding helpers: actor type and text as written from the evidence."""

from __future__ import annotations

from incidents.coding import actor_columns, actor_details, evidence_sentences
from nlp.result import ClaimRecord, Evidence, Figure, Incident, Location


def test_actor_text_as_written_and_type() -> None:
    fama = "Malian Armed Forces (FAMa)"
    assert actor_details(fama, ["Malian soldiers opened fire on the market."]).as_written == (
        "Malian soldiers"
    )
    # resolved from a generic word: that word, of the same actor type
    found = actor_details(fama, ["Soldiers opened fire on the market in Gao."])
    assert (found.actor_type, found.as_written) == ("state_forces", "Soldiers")
    # acronyms only in capitals, as the NLP matches them
    fan = "Nigerien Armed Forces (FAN)"
    assert actor_details(fan, ["He is a fan of the club.", "The FAN said 7 died."]).as_written == (
        "FAN"
    )
    assert actor_details("No Such Actor", ["Gunmen attacked."]).actor_type is None
    assert actor_columns(fama, ["The weather was calm in Gao."]) == {
        "actor_type": "state_forces",
        "as_written": None,
    }


def test_evidence_sentences_use_claim_sentence_offsets_and_ignore_bad_ones() -> None:
    text = "First sentence here. Seven people were killed in Gao. Last one."
    start = text.index("Seven")
    end = text.index("Last") - 1
    inc = Incident(
        killed=Figure(7, 7),
        injured=Figure(),
        abducted=Figure(),
        victims=["unknown"],
        location=Location(),
        perpetrators=[],
        targets=[],
        event_date=None,
        event_date_end=None,
        date_precision="unknown",
        aggregate=False,
        confidence=0.5,
        claims=[
            _claim((start, end)),
            _claim((5, 999)),  # past the text
            _claim((end, start)),  # backwards
            _claim(None),
        ],
        evidence=[Evidence("Seven people were killed", None, None), Evidence("", None, None)],
    )
    assert evidence_sentences(inc, text) == [
        "Seven people were killed in Gao.",
        "Seven people were killed",
    ]


def _claim(sentence: tuple[int, int] | None) -> ClaimRecord:
    return ClaimRecord(
        kind="killed",
        min=7,
        max=7,
        qualifier=None,
        victims_text=None,
        victim_category=None,
        claimant=None,
        start=None,
        end=None,
        sentence=sentence,
    )
