"""Measure the places and actors components on a gold file (read-only).

Usage::

    .venv/bin/python -m nlp.tools.measure_places [GOLD.jsonl] [--verbose] [--speed]

GOLD.jsonl defaults to /work/shared/eval/gold_dev.jsonl.

Runs ``spacy.blank(lang)`` + sentencizer + ``civwatch_places`` +
``civwatch_actors`` over each item's text and reports, per gold incident field,
how often the gold value is found among the component's spans (recall), and how
many spans match nothing in the gold (an upper bound on spurious output: the
gold only lists incident places and actors, not every mention).

Matching: a gold ``location.name`` is found when a place span's text has the
same ``name_key`` (exact), or when one contains the other (overlap); a place
whose text is inside a longer gold name ("Gao" in "Menaka, Gao et Kidal")
counts as overlap. ``country`` / ``admin1`` are found when any place span of
the item resolves to them. Actors are found when a span's canonical name
equals the gold perpetrator or target. With ``--verbose`` the misses are listed
(place names and actor names only, never the gold text).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import spacy

import nlp.actors  # registers the civwatch_actors factory
import nlp.places  # noqa: F401  (registers the civwatch_places factory)
from nlp.textnorm import name_key

DEFAULT_GOLD = Path("/work/shared/eval/gold_dev.jsonl")


def _pipelines() -> dict[str, spacy.language.Language]:
    out = {}
    for lang in ("en", "fr"):
        nlp = spacy.blank(lang)
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("civwatch_places")
        nlp.add_pipe("civwatch_actors")
        out[lang] = nlp
    return out


def measure(gold_path: Path, verbose: bool = False) -> dict[str, object]:
    """Return recall / spurious counts for places and actors over ``gold_path``."""
    pipes = _pipelines()
    c: Counter[str] = Counter()
    misses: Counter[str] = Counter()
    spurious_places: Counter[str] = Counter()
    spurious_actors: Counter[str] = Counter()
    with gold_path.open(encoding="utf-8") as fh:
        items = [json.loads(line) for line in fh if line.strip()]
    for item in items:
        nlp = pipes.get(item.get("lang") or "en", pipes["en"])
        doc = nlp(item["text"])
        places = [(s.text, s._.place) for s in doc.spans["places"]]
        place_keys = {name_key(t) for t, _ in places}
        countries = {p.country for _, p in places if p.country}
        admin1s = {p.admin1 for _, p in places if p.admin1}
        actors = {s._.actor.canonical for s in doc.spans["actors"]}
        gold_names: set[str] = set()
        gold_actors: set[str] = set()
        for inc in item["incidents"]:
            loc = inc.get("location") or {}
            name = loc.get("name")
            if name:
                gold_names.add(name_key(name))
                c["loc_total"] += 1
                gk = name_key(name)
                if gk in place_keys:
                    c["loc_exact"] += 1
                    c["loc_overlap"] += 1
                elif any(gk in pk or pk in gk for pk in place_keys):
                    c["loc_overlap"] += 1
                    misses[f"loc~ {name} -> {sorted(place_keys)}"] += 1
                else:
                    misses[f"loc- {name} ({loc.get('country')}) -> {sorted(place_keys)}"] += 1
            if loc.get("country"):
                c["country_total"] += 1
                if loc["country"] in countries:
                    c["country_found"] += 1
                else:
                    misses[f"cc- {loc['country']} got {sorted(countries)}"] += 1
            if loc.get("admin1") and name:
                c["admin1_total"] += 1
                if loc["admin1"] in admin1s:
                    c["admin1_found"] += 1
                else:
                    misses[f"a1- {name}: {loc['admin1']} got {sorted(admin1s)}"] += 1
            for role in ("perpetrators", "targets"):
                for actor in inc.get(role) or []:
                    gold_actors.add(actor)
                    c[f"{role}_total"] += 1
                    if actor in actors:
                        c[f"{role}_found"] += 1
                    else:
                        misses[f"{role[:4]}- {actor} got {sorted(actors)}"] += 1
        for text, _place in places:
            key = name_key(text)
            if not any(key in g or g in key for g in gold_names):
                spurious_places[text] += 1
                c["places_unmatched"] += 1
            c["places_total"] += 1
        for actor in actors:
            c["actors_total"] += 1
            if actor not in gold_actors:
                spurious_actors[actor] += 1
                c["actors_unmatched"] += 1

    def ratio(a: str, b: str) -> float:
        return round(c[a] / c[b], 3) if c[b] else 0.0

    report: dict[str, object] = {
        "items": len(items),
        "location_exact_recall": ratio("loc_exact", "loc_total"),
        "location_overlap_recall": ratio("loc_overlap", "loc_total"),
        "country_recall": ratio("country_found", "country_total"),
        "admin1_recall": ratio("admin1_found", "admin1_total"),
        "perpetrator_recall": ratio("perpetrators_found", "perpetrators_total"),
        "target_recall": ratio("targets_found", "targets_total"),
        "place_spans": c["places_total"],
        "place_spans_not_a_gold_location": c["places_unmatched"],
        "actor_names": c["actors_total"],
        "actor_names_not_in_gold": c["actors_unmatched"],
        "counts": dict(c),
    }
    if verbose:
        report["misses"] = sorted(misses)
        report["unmatched_places"] = spurious_places.most_common()
        report["unmatched_actors"] = spurious_actors.most_common()
    return report


def speed(gold_path: Path, repeat: int = 10) -> dict[str, dict[str, int]]:
    """CPU words/s of the blank pipeline with and without our two components.

    CPU time (``process_time``), best of three, so that other processes on a
    shared machine do not distort the figure; the texts are only held in memory.
    """
    with gold_path.open(encoding="utf-8") as fh:
        items = [json.loads(line) for line in fh if line.strip()]
    out: dict[str, dict[str, int]] = {}
    pipes = _pipelines()
    for lang, full in pipes.items():
        texts = [it["text"] for it in items if (it.get("lang") or "en") == lang] * repeat
        if not texts:
            continue
        words = sum(len(t.split()) for t in texts)
        sentencizer = full.get_pipe("sentencizer")
        list(full.pipe(texts[:20]))  # warm the token caches
        best_base = best_full = float("inf")
        for _ in range(3):
            t0 = time.process_time()
            for text in texts:
                sentencizer(full.make_doc(text))
            best_base = min(best_base, time.process_time() - t0)
            t0 = time.process_time()
            list(full.pipe(texts))
            best_full = min(best_full, time.process_time() - t0)
        out[lang] = {
            "words": words,
            "tokenizer_sentencizer_wps": round(words / best_base),
            "with_places_actors_wps": round(words / best_full),
            "components_alone_wps": round(words / max(best_full - best_base, 1e-9)),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (``--verbose`` lists misses, ``--speed`` adds CPU words/s)."""
    args = sys.argv[1:] if argv is None else argv
    verbose = "--verbose" in args
    paths = [a for a in args if not a.startswith("--")]
    gold = Path(paths[0]) if paths else DEFAULT_GOLD
    if not gold.exists():
        print(f"no gold file at {gold}", file=sys.stderr)
        return 2
    report = measure(gold, verbose)
    if "--speed" in args:
        report["speed"] = speed(gold)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
