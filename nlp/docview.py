"""Views of a processed ``Doc`` that the assembly rules share, memoised per doc.

Folded text, sentence bounds, and the place and actor spans of
``doc.spans`` (empty when the component that writes them is absent); and
:func:`token_views`, the per-token keys the components memoise across docs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from spacy.attrs import ORTH
from spacy.tokens import Doc, Span

from nlp.claims import doc_text
from nlp.textnorm import fold_keep_length as fold

TokenView = TypeVar("TokenView")
TOKEN_CACHE_LIMIT = 500_000


def token_views(
    doc: Doc, cache: dict[int, TokenView], view: Callable[[str], TokenView]
) -> list[TokenView]:
    """``view(text)`` of each token, memoised by ORTH hash in ``cache`` across docs.

    Token texts repeat: computing their keys once per process (not building Token
    objects) keeps the places and actors components far faster than the tokenizer.
    The cache is emptied when it grows past ``TOKEN_CACHE_LIMIT``.
    """
    if len(cache) > TOKEN_CACHE_LIMIT:
        cache.clear()
    strings = doc.vocab.strings
    out: list[TokenView] = []
    for orth in doc.to_array(ORTH).tolist():
        hit = cache.get(orth)
        if hit is None:
            hit = cache[orth] = view(strings[orth])
        out.append(hit)
    return out


def place_spans(doc: Doc) -> list[Span]:
    """The place spans of the doc (none without the places component)."""
    return list(doc.spans["places"]) if "places" in doc.spans else []


def actor_spans(doc: Doc) -> list[Span]:
    """The resolved actor spans of the doc (none without the actors component)."""
    if "actors" not in doc.spans or not Span.has_extension("actor"):
        return []
    return [s for s in doc.spans["actors"] if s._.actor is not None]


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """Sentence offsets, computed once per doc (``has_annotation`` walks every token)."""
    key = "civwatch_sentences"
    if key not in doc.user_data:
        if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
            doc.user_data[key] = [(s.start_char, s.end_char) for s in doc.sents]
        else:
            doc.user_data[key] = [(0, len(doc.text))]
    bounds: list[tuple[int, int]] = doc.user_data[key]
    return bounds


def folded(doc: Doc) -> str:
    """The doc's text folded (``nlp.claims.fold``), computed once per doc."""
    key = "civwatch_folded"
    if key not in doc.user_data:
        doc.user_data[key] = fold(doc_text(doc))
    folded: str = doc.user_data[key]
    return folded
