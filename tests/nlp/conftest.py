"""Shared fixtures of the NLP tests: pipelines are loaded once per test session."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

import nlp.claims  # noqa: F401  (registers civwatch_claims)
from nlp.analyze import Analyzer


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.fixture(scope="session")
def blank_en() -> Language:
    pipe = spacy.blank("en")
    pipe.add_pipe("sentencizer")
    pipe.add_pipe("civwatch_claims")
    return pipe


@pytest.fixture(scope="session")
def blank_fr() -> Language:
    pipe = spacy.blank("fr")
    pipe.add_pipe("sentencizer")
    pipe.add_pipe("civwatch_claims")
    return pipe
