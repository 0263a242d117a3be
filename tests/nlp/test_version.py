"""NLP_VERSION: the package version and a deterministic hash of ``nlp/data``."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nlp
from nlp.version import DATA, HASH_DIGITS, data_hash, package_version


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def test_version_is_the_package_version_and_a_short_data_hash() -> None:
    version = nlp.NLP_VERSION
    assert version == f"{package_version()}+{data_hash()[:HASH_DIGITS]}"
    assert len(version) <= 32  # articles.nlp_version is a String(32)


def test_version_is_the_same_in_another_process() -> None:
    code = "import nlp; print(nlp.NLP_VERSION)"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == nlp.NLP_VERSION


def test_hash_ignores_mtimes_and_copying(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    for path in copy.rglob("*"):
        os.utime(path, (1_000_000, 1_000_000))
    assert data_hash(copy) == data_hash()


def test_hash_follows_the_data(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    before = data_hash(copy)
    (copy / "GAZETTEER_ATTRIBUTION.md").write_text("documentation only\n")
    assert data_hash(copy) == before
    cues = copy / "en" / "assemble_cues.json"
    cues.write_text(cues.read_text(encoding="utf-8").replace('"hotbed"', '"hotbeds"'))
    edited = data_hash(copy)
    assert edited != before
    (copy / "fr" / "new_lexicon.json").write_text("{}")
    assert data_hash(copy) not in (before, edited)


def test_recompressing_the_gazetteer_changes_nothing(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    before = data_hash(copy)
    gazetteer = copy / "gazetteer.tsv.gz"
    raw = gzip.decompress(gazetteer.read_bytes())
    gazetteer.write_bytes(gzip.compress(raw, compresslevel=1, mtime=42))
    assert data_hash(copy) == before
    gazetteer.write_bytes(gzip.compress(raw + b"X\tx\n", mtime=42))
    assert data_hash(copy) != before
