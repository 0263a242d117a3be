"""civwatch NLP: places, actors, casualty claims, event dates and incident assembly.

``NLP_VERSION`` names the behaviour of this package's output: the package version
and a hash of the rule data in ``nlp/data`` (see :mod:`nlp.version`). Stored
articles processed by another version are re-processed by
``civwatch process --reprocess``. Editing data changes it by itself; a change of
``analyze`` output made in code needs a version bump in ``pyproject.toml``.
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # Computed on first use: hashing the data is not worth doing on every import.
    if name == "NLP_VERSION":
        from nlp.version import nlp_version

        return nlp_version()
    raise AttributeError(f"module 'nlp' has no attribute {name!r}")
