"""NLP throughput and memory: our English and French pipelines vs bare ``fr_core_news_sm``.

    .venv/bin/python bench/bench_nlp.py [--fixtures ../shared/fixtures/news_html]
        [--min-words 60000] [--batch 32]

1. Reads the recorded news pages (``../shared/fixtures/news_html``, read at bench
   time, never copied), extracts their main text with trafilatura and splits
   them by detected language. The texts of each language are repeated until
   each set holds at least ``--min-words`` words.
2. Model load time: ``load_pipeline("en")``, ``load_pipeline("fr")`` and a bare
   ``spacy.load("fr_core_news_sm")``, each from a cold start in this process.
3. Words per second on one core (``OMP_NUM_THREADS=1``, single process; words
   per CPU-second of the process, with the wall-clock rate beside it) of:
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
    results: dict[str, tuple[float, float]] = {}

    def run_ours(lang: str, texts: list[str]) -> tuple[float, float]:
        items = [AnalyzeInput(str(i), t, None, lang) for i, t in enumerate(texts)]
        wall, cpu = time.perf_counter(), time.process_time()
        incidents = sum(len(r.incidents) for r in analyzer.analyze_docs(items))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"  {lang}: {incidents} incidents")
        return words(texts) / wall, words(texts) / cpu

    def run_bare(texts: list[str]) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in bare.pipe(texts, batch_size=args.batch):
            pass
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return words(texts) / wall, words(texts) / cpu

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
    # Words per CPU-second of this single-threaded process is the per-core rate; wall
    # time is shown too because the machine is shared (load from other processes
    # lowers the wall figure, not the CPU one).
    print(f"{'pipeline':<34}{'words/CPU-s':>14}{'words/wall-s':>14}")
    for name, (wall, cpu) in results.items():
        print(f"{name:<34}{cpu:>14,.0f}{wall:>14,.0f}")
    ours, bare_rate = (
        results["civwatch fr (full analysis)"][1],
        results["bare fr_core_news_sm (fr texts)"][1],
    )
    print(f"French ratio ours / bare (CPU): {ours / bare_rate:.2f}  (target >= 0.5)")
    en_rate = results["civwatch en (full analysis)"][1]
    print(f"English words per CPU-second: {en_rate:,.0f}  (target >= 20,000)")
    print(f"peak RSS: {peak_mb():.0f} MB  (target <= 1024)")


if __name__ == "__main__":
    main()
