"""The version of the NLP's behaviour: the code's release and a hash of its rule data.

``NLP_VERSION`` (``nlp.NLP_VERSION``) is stored with every processed article;
``civwatch process --reprocess`` re-analyses articles stored under another one.
It is ``<package version>+<hash>``: the ``civwatch`` version from the installed
package metadata (``pyproject.toml``), which stands for the code, and the first
12 hex digits of a SHA-256 over the files of ``nlp/data``. So editing a lexicon, a
cue list or the gazetteer changes it by itself; a rule changed in Python code
needs a package version bump.

The hash is deterministic: files in sorted relative-path order, each hashed as its
path and its content (a ``.gz`` file as its uncompressed content, so re-compressing
the same gazetteer changes nothing), never mtimes. Documentation (``*.md``) is left
out.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
HASH_DIGITS = 12
_NOT_DATA = frozenset({".md"})


def package_version() -> str:
    """The installed ``civwatch`` version ("0" in a source checkout never installed)."""
    try:
        return importlib.metadata.version("civwatch")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - source checkout
        return "0"


def data_hash(data_dir: Path = DATA) -> str:
    """SHA-256 (hex) of the rule data under ``data_dir``; see the module docstring."""
    digest = hashlib.sha256()
    files = sorted(
        (p for p in data_dir.rglob("*") if p.is_file() and p.suffix not in _NOT_DATA),
        key=lambda p: p.relative_to(data_dir).as_posix(),
    )
    for path in files:
        content = path.read_bytes()
        if path.suffix == ".gz":
            content = gzip.decompress(content)
        name = path.relative_to(data_dir).as_posix().encode("utf-8")
        digest.update(b"%d:%s%d:" % (len(name), name, len(content)))
        digest.update(content)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def nlp_version() -> str:
    """``<package version>+<12 hex digits of data_hash()>``, computed once per process."""
    return f"{package_version()}+{data_hash()[:HASH_DIGITS]}"
