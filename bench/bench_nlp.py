"""NLP throughput and memory: our English and French pipelines vs bare ``fr_core_news_sm``.

    .venv/bin/python bench/bench_nlp.py [--fixtures ../shared/fixtures/news_html]
        [--min-words 60000] [--batch 32]

1. Reads the recorded news pages (``../shared/fixtures/news_html``, read at bench
   time, never copied), extracts their main text with trafilatura and splits
   them by detected language. The texts of each language are repeated until
   each set holds at least ``--min-words`` words.
2. Model load time: ``load_pipeline("en")``, ``load_pipeline("fr")`` and a bare
   ``spacy.load("fr_core_news_sm")``, each from a cold start in this process.
3. Words per second on one core (``OMP_NUM_THREADS=1``, single process) of:
   the full civwatch analysis (``Analyzer.analyze_docs``: pipeline, dates and
   incident assembly) on the English and the French texts, and the bare
   ``fr_core_news_sm`` (``nlp.pipe``, all its components) on the same French
   texts — and the ratio of ours to the bare model.
4. Peak memory of the process (``resource.getrusage``, max RSS) after each stage.

Targets (issue 4): French ≥ 0.5× the bare model's words/s; English ≥ 20,000
words/s per core; peak memory ≤ 1 GB. Not a test: nothing is asserted, and the
machine is shared (expect ±20 %).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, before numpy/thinc load

import argparse
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_texts(folder: Path) -> dict[str, list[str]]:
    import trafilatura

    from nlp.analyze import detect_language

    by_lang: dict[str, list[str]] = {"en": [], "fr": []}
    for path in sorted(folder.glob("*.htm*")):
        text = trafilatura.extract(path.read_text("utf-8", errors="replace"))
        if not text:
            continue
        lang = detect_language(text)
        if lang in by_lang:
            by_lang[lang].append(text)
    return by_lang


def grow(texts: list[str], min_words: int) -> list[str]:
    out: list[str] = []
    while texts and sum(len(t.split()) for t in out) < min_words:
        out.extend(texts)
    return out


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=REPO.parent / "shared/fixtures/news_html")
    parser.add_argument("--min-words", type=int, default=60_000)
    parser.add_argument("--batch", type=int, default=4, help="nlp.pipe batch of the bare model")
    args = parser.parse_args()

    t0 = time.perf_counter()
    corpus = load_texts(args.fixtures)
    print(
        f"corpus: {len(corpus['en'])} English and {len(corpus['fr'])} French pages "
        f"extracted in {time.perf_counter() - t0:.1f} s"
    )
    en = grow(corpus["en"], args.min_words)
    fr = grow(corpus["fr"], args.min_words)
    print(
        f"bench sets: en {words(en):,} words ({len(en)} texts), "
        f"fr {words(fr):,} words ({len(fr)} texts)"
    )
    print(f"peak RSS after extraction: {peak_mb():.0f} MB")

    import spacy

    from nlp.analyze import AnalyzeInput, Analyzer
    from nlp.pipeline import load_pipeline

    loads = {}
    t = time.perf_counter()
    load_pipeline("en")
    loads["civwatch en"] = time.perf_counter() - t
    t = time.perf_counter()
    load_pipeline("fr")
    loads["civwatch fr"] = time.perf_counter() - t
    t = time.perf_counter()
    bare = spacy.load("fr_core_news_sm")
    loads["bare fr_core_news_sm"] = time.perf_counter() - t
    for name, seconds in loads.items():
        print(f"load {name:<22} {seconds:6.2f} s")
    print(f"peak RSS after loading: {peak_mb():.0f} MB")

    analyzer = Analyzer()
    results = {}

    def run_ours(lang: str, texts: list[str]) -> float:
        items = [AnalyzeInput(str(i), t, None, lang) for i, t in enumerate(texts)]
        start = time.perf_counter()
        incidents = sum(len(r["incidents"]) for r in analyzer.analyze_docs(items))
        elapsed = time.perf_counter() - start
        print(f"  ({incidents} incidents)")
        return words(texts) / elapsed

    def run_bare(texts: list[str]) -> float:
        start = time.perf_counter()
        for _ in bare.pipe(texts, batch_size=args.batch):
            pass
        return words(texts) / (time.perf_counter() - start)

    # Warm-up on a few texts so first-call costs are not counted.
    run_ours("en", en[:3])
    run_ours("fr", fr[:3])
    run_bare(fr[:3])
    results["civwatch en (full analysis)"] = run_ours("en", en)
    print(f"peak RSS: {peak_mb():.0f} MB")
    results["civwatch fr (full analysis)"] = run_ours("fr", fr)
    print(f"peak RSS: {peak_mb():.0f} MB")
    results["bare fr_core_news_sm (fr texts)"] = run_bare(fr)
    print(f"peak RSS: {peak_mb():.0f} MB")

    print()
    print(f"{'pipeline':<34}{'words/s (1 core)':>18}")
    for name, wps in results.items():
        print(f"{name:<34}{wps:>18,.0f}")
    ratio = results["civwatch fr (full analysis)"] / results["bare fr_core_news_sm (fr texts)"]
    print(f"French ratio ours / bare: {ratio:.2f}  (target >= 0.5)")
    print(f"English words/s: {results['civwatch en (full analysis)']:,.0f}  (target >= 20,000)")
    print(f"peak RSS: {peak_mb():.0f} MB  (target <= 1024)")


if __name__ == "__main__":
    main()
