"""The per-language spaCy pipelines of civwatch, each built once per process.

* French: ``fr_core_news_sm`` + our components. Sentences come from the
  rule-based sentencizer, not the parser: on news copy the parser cuts
  sentences at place names and quotes, and leaving it (with the lemmatizer and
  morphologizer, which nothing reads) out makes the pipeline several times
  faster. The model's tok2vec + NER stay, so ``doc.ents`` is there as a signal.
* English: ``spacy.blank("en")`` + the rule-based sentencizer + our components.
  The official English models are not on the package registry here, so nothing
  needs one; if an ``en_core_web_*`` package happens to be installed, its NER
  is added as an extra signal (``doc.ents``) — never required, never downloaded.

Our components, in order: ``civwatch_places`` and ``civwatch_actors`` (places &
actors, when their modules are present), then ``civwatch_claims``.
:func:`load_pipeline` is memoised on its (hashable) arguments, which is the
only process-wide state: pass the returned ``Language`` around.
"""

from __future__ import annotations

import importlib
import logging
from functools import lru_cache

import spacy
from spacy.language import Language

import nlp.claims  # noqa: F401  (registers the civwatch_claims factory)
from settings import DEFAULT_FOCUS

log = logging.getLogger(__name__)

ENGLISH_MODELS = ("en_core_web_lg", "en_core_web_md", "en_core_web_sm", "en_core_web_trf")
# Components of the French model our components do not read.
FR_EXCLUDE = ("parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter")


def _optional_factory(module: str, factory: str) -> bool:
    """Import ``module`` for its factory; False when the module is not there yet."""
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            log.warning("%s is not available: pipeline runs without %s", module, factory)
            return False
        raise
    return factory in Language.factories


@lru_cache(maxsize=8)
def load_pipeline(lang: str, focus_countries: tuple[str, ...] = DEFAULT_FOCUS) -> Language:
    """The civwatch pipeline for ``lang`` ("en" or "fr"; anything else gets English)."""
    if lang == "fr":
        nlp = spacy.load("fr_core_news_sm", exclude=list(FR_EXCLUDE))
        nlp.add_pipe("sentencizer", first=True)
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        _add_english_ner(nlp)
    if _optional_factory("nlp.places", "civwatch_places"):
        nlp.add_pipe("civwatch_places", config={"focus_countries": list(focus_countries)})
    if _optional_factory("nlp.actors", "civwatch_actors"):
        nlp.add_pipe("civwatch_actors")
    nlp.add_pipe("civwatch_claims", config={"lang": nlp.lang})
    return nlp


def _add_english_ner(nlp: Language) -> None:
    for name in ENGLISH_MODELS:
        if not spacy.util.is_package(name):
            continue
        try:
            source = spacy.load(name)
            nlp.add_pipe("ner", source=source, name="model_ner")
        except (OSError, ValueError, KeyError) as exc:  # an odd install must not stop us
            log.warning("installed %s could not lend its NER: %s", name, exc)
            continue
        log.info("using the NER of the installed %s as an extra signal", name)
        return
