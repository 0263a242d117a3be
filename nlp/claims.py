"""Casualty claims: who was killed, injured or abducted, how many, according to whom.

The ``civwatch_claims`` spaCy component reads each sentence of a ``Doc`` and
writes ``doc._.claims``: a list of :class:`Claim`, one per casualty figure as
the text states it ("at least 21 civilians have been killed", "faisant au
moins huit morts", "the death toll rose to 79", "no casualties"). A claim keeps
the figure as a ``{min, max}`` range under the annotation conventions of the
gold set, the qualifier as written, the victims as named, the claimant when the
sentence gives one, and the character offsets of the quoted span.

The grammar is data (``nlp/data/<lang>/claims_lexicon.json``): trigger forms
that follow a number ("were killed", "morts") or precede it ("killed",
"la mort de"), the words that may sit between them, words that stop a link
("missing", "arrested", "who"), count nouns that make a number a non-casualty
("attacks", "villages"), sub-count cues ("including", "dont"), victim nouns,
negations and claimant cues. The component needs only sentence boundaries,
so it runs the same way on ``spacy.blank("en")`` and on ``fr_core_news_sm``.

This module holds the :class:`Claim` record, the text folding the grammar
works on and the factory; the component is built from:

* ``nlp/claimgrammar.py`` — the casualty grammar compiled from the lexicons;
* ``nlp/claimlinks.py`` — linking each figure of a sentence to its trigger;
* ``nlp/claimrecords.py`` — claims from the linked figures: victims, claimant,
  revisions, sums and splits by side, negations and figure-less killings;
* ``nlp/claimcomponent.py`` — the component: sentences and the steps in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

from nlp.numbers import Quantity
from nlp.result import ClaimKind, ClaimRecord, LinkPosition, VictimCategory

if TYPE_CHECKING:
    from nlp.claimcomponent import ClaimsComponent

KINDS = ("killed", "injured", "abducted")
# Which side of a conflict a victim category belongs to (gold: one record per side).
SIDE_OF = {
    "civilians": "civilians",
    "women": "civilians",
    "children": "civilians",
    "unknown": "unknown",
    "soldiers": "soldiers",
    "militants": "militants",
    "peacekeepers": "peacekeepers",
}

if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=None)


@dataclass(frozen=True)
class Claim:
    """One casualty figure as a text states it."""

    kind: ClaimKind
    min: int | None
    max: int | None
    qualifier: str | None  # as written ("at least", "une vingtaine", "dozens")
    victims_text: str  # the victims as the text names them
    victim_category: VictimCategory
    claimant: str | None  # "the army", "des sources locales"
    start: int  # character offsets of the quoted span (number through trigger)
    end: int
    sentence: tuple[int, int]
    revised: bool = False  # a superseded figure ("initially 25", "précédemment")
    update: bool = False  # a new toll replacing earlier ones ("the toll rose to 79")
    vague: bool = False  # "dozens", "several", "deadly": a floor, not a count
    combined: bool = False  # "killed, injured or missing": an upper bound only
    number_start: int | None = None  # offsets of the number expression itself
    number_end: int | None = None
    subcategories: tuple[str, ...] = field(default_factory=tuple)  # "including 6 children"

    @property
    def side(self) -> str:
        """The conflict side of the victims (civilians, soldiers, militants, peacekeepers)."""
        return SIDE_OF.get(self.victim_category, "unknown")

    def as_record(self) -> ClaimRecord:
        """What an incident keeps of this claim (``analyze`` prints it under ``claims``)."""
        return ClaimRecord(
            kind=self.kind,
            min=self.min,
            max=self.max,
            qualifier=self.qualifier,
            victims_text=self.victims_text,
            victim_category=self.victim_category,
            claimant=self.claimant,
            start=self.start,
            end=self.end,
            sentence=self.sentence,
            revised=self.revised,
            update=self.update,
            vague=self.vague,
            combined=self.combined,
            number_start=self.number_start,
            number_end=self.number_end,
            subcategories=list(self.subcategories),
        )


def doc_text(doc: Doc) -> str:
    """``doc.text``, memoised in ``doc.user_data`` (spaCy rebuilds it from tokens each time)."""
    key = "civwatch_text"
    if key not in doc.user_data:
        doc.user_data[key] = doc.text
    text: str = doc.user_data[key]
    return text


@dataclass
class _Link:
    quantity: Quantity
    kind: str
    trigger_start: int
    trigger_end: int
    position: LinkPosition
    victims_start: int
    victims_end: int
    combined_kinds: tuple[str, ...] = ()


@Language.factory(
    "civwatch_claims",
    default_config={"lang": ""},
)
def make_claims_component(nlp: Language, name: str, lang: str) -> ClaimsComponent:
    """Factory of the casualty-claims component (``lang`` defaults to the pipeline's)."""
    # Imported here: the component's modules build on this module's records.
    from nlp.claimcomponent import ClaimsComponent

    return ClaimsComponent(lang or nlp.lang or "en")
