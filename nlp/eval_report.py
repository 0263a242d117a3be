"""Scores of several gold files: each file, all together, English and French apart.

``civwatch eval GOLD1.jsonl GOLD2.jsonl …`` scores every file with the
semantics of :mod:`nlp.evaluate` (the numbers of one file are exactly those of
``evaluate``) and adds two views that tell a fit from a fix:

* per language: the scores of the ``en`` items and of the ``fr`` items of a
  file, and the gap ``en − fr`` of each headline score (F1, the aggregate
  accuracy, the no-false-claims rate);
* per file: the largest gap of each headline score between any two files
  (best file minus worst file).

"All files" is the sum of the counts of every file (micro-average), not the
mean of their scores. A language with no item in a file has no scores there
and its gap is ``None``; so is a gap on a field with neither a gold nor a
predicted value in one of the two (its F1 of 1.0 measures nothing).

The JSON form (:func:`summary_of`) keeps the single-file shape of
``Report.as_dict()`` at the top level — for all files together, which for one
file is that file — and adds ``lang_items``, ``by_lang``, ``lang_gap``,
``files`` (the same shape per file, keyed by file name) and ``file_gaps``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlp.analyze import Analyzer
from nlp.evaluate import SCORES, ScoredItem, headline, load_gold, score, score_items

LANGS = ("en", "fr")


@dataclass
class FileResult:
    """The scored items of one gold file."""

    name: str  # the key in reports and in nlp/baseline.json: the file name
    path: Path
    scored: list[ScoredItem]


def file_names(paths: Sequence[Path]) -> list[str]:
    """File names as report keys; the path as given when two files share a name."""
    names = [p.name for p in paths]
    return [p.name if names.count(p.name) == 1 else str(p) for p in paths]


def evaluate_files(paths: Sequence[Path], analyzer: Analyzer | None = None) -> list[FileResult]:
    """Analyse and align every item of every gold file (the model is loaded once)."""
    analyzer = analyzer or Analyzer()
    return [
        FileResult(name, path, score_items(load_gold(path), analyzer))
        for name, path in zip(file_names(paths), paths, strict=True)
    ]


def measured(scores: dict[str, Any], name: str) -> bool:
    """The score rests on something: a field with no gold and no predicted value scores
    1.0 by the convention of ``Tally`` — not a number to compare across files or languages."""
    s = scores[name]
    if name == "aggregate":
        return bool(s["pairs"])
    if name == "no_false_claims":
        return bool(s["items"])
    return bool(s["predicted"] or s["gold"])


def summary_of(scored: Iterable[ScoredItem]) -> dict[str, Any]:
    """``Report.as_dict()`` of the items, with ``lang_items``, ``by_lang`` and ``lang_gap``."""
    items = list(scored)
    out = score(items).as_dict()
    by_lang = {
        lang: score(s for s in items if s.lang == lang).as_dict()
        for lang in LANGS
        if any(s.lang == lang for s in items)
    }
    out["lang_items"] = {lang: sum(s.lang == lang for s in items) for lang in LANGS}
    out["by_lang"] = by_lang
    out["lang_gap"] = {
        name: round(headline(by_lang["en"], name) - headline(by_lang["fr"], name), 3)
        if "en" in by_lang
        and "fr" in by_lang
        and measured(by_lang["en"], name)
        and measured(by_lang["fr"], name)
        else None
        for name in SCORES
    }
    return out


def file_gaps(files: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per headline score, the largest gap between two files: best minus worst.

    Only files where the score is measured count (see :func:`measured`); a score
    measured on fewer than two files has no gap.
    """
    if len(files) < 2:
        return {}
    out = {}
    for name in SCORES:
        values = {
            fname: headline(scores, name)
            for fname, scores in files.items()
            if measured(scores, name)
        }
        if len(values) < 2:
            continue
        high = max(values, key=lambda f: values[f])
        low = min(values, key=lambda f: values[f])
        out[name] = {
            "gap": round(values[high] - values[low], 3),
            "high": high,
            "high_score": values[high],
            "low": low,
            "low_score": values[low],
        }
    return out


def multi_summary(results: Sequence[FileResult]) -> dict[str, Any]:
    """The JSON of ``civwatch eval --json`` (see the module docstring)."""
    out = summary_of(s for r in results for s in r.scored)
    files = {r.name: summary_of(r.scored) | {"path": str(r.path)} for r in results}
    out["files"] = files
    out["file_gaps"] = file_gaps(files)
    return out


def _prf(scores: dict[str, Any] | None, name: str) -> str:
    if scores is None:
        return f"{'-':>6}{'-':>6}{'-':>6}"
    s = scores[name]
    if "f1" not in s:
        return f"{'':>12}{headline(scores, name):>6.3f}"
    return f"{s['precision']:>6.3f}{s['recall']:>6.3f}{s['f1']:>6.3f}"


def format_summary(title: str, summary: dict[str, Any]) -> str:
    """One block of the text report: fields × (all, en, fr, en−fr)."""
    n = summary["lang_items"]
    inc = summary["incidents"]
    lines = [
        f"== {title}: {summary['no_false_claims']['items']} items (en {n['en']}, fr {n['fr']}); "
        f"incidents {inc['predicted']} predicted, {inc['gold']} gold ==",
        f"{'field':<16}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'pred':>6}{'gold':>6}  |"
        f"{'en P':>6}{'R':>6}{'F1':>6}  |{'fr P':>6}{'R':>6}{'F1':>6}  |{'en−fr':>7}",
    ]
    by_lang = summary["by_lang"]
    for name in SCORES:
        s = summary[name]
        if "f1" in s:
            left = (
                f"{name:<16}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}"
                f"{s['tp']:>6}{s['predicted']:>6}{s['gold']:>6}"
            )
        elif name == "aggregate":
            left = (
                f"{'aggregate acc':<16}{'':>14}{s['accuracy']:>7.3f}{s['pairs']:>6}{' pairs':<12}"
            )
        else:
            left = f"{'no false claims':<16}{'':>14}{s['rate']:>7.3f}{s['items']:>6}{' items':<12}"
        gap = summary["lang_gap"][name]
        gap_text = f"{gap:>+7.3f}" if gap is not None else f"{'-':>7}"
        lines.append(
            f"{left}  |{_prf(by_lang.get('en'), name)}  |{_prf(by_lang.get('fr'), name)}"
            f"  |{gap_text}"
        )
    return "\n".join(lines)


def format_gaps(gaps: dict[str, dict[str, Any]]) -> str:
    """The largest gap of each headline score between two files."""
    lines = ["== largest gap between two files (F1; accuracy; rate) =="]
    for name in SCORES:
        if name not in gaps:
            lines.append(f"{name:<16}{'-':>7}   (measured on fewer than two files)")
            continue
        g = gaps[name]
        lines.append(
            f"{name:<16}{g['gap']:>7.3f}   {g['high']} {g['high_score']:.3f}"
            f" − {g['low']} {g['low_score']:.3f}"
        )
    return "\n".join(lines)


def format_multi(summary: dict[str, Any]) -> str:
    """The text of ``civwatch eval``: each file, all files when several, the file gaps."""
    blocks = [format_summary(name, s) for name, s in summary["files"].items()]
    if len(summary["files"]) > 1:
        blocks.append(format_summary("all files", summary))
        blocks.append(format_gaps(summary["file_gaps"]))
    return "\n\n".join(blocks)
