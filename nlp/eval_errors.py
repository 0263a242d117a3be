"""Every mismatch of ``civwatch eval --errors``, with its sentence and a category.

The categories are heuristic labels for studying failures, not scores: each is
a simple test on the gold and predicted values and on the item's text, tried in
the order below; the first that holds names the mismatch. The scoring itself
(alignment, what agrees) is that of :mod:`nlp.evaluate`, so the mismatches
listed are exactly the false positives and false negatives the scores count.

``incident`` — records the alignment left unmatched:
  * ``missing record`` / ``missing aggregate record`` — a gold record with no
    predicted one; ``total not split by side`` when a predicted figure of the
    item equals the sum of this record's figure and those of other records of the
    same event (same place and date: the other sides of a total the text split);
  * ``sub-count split`` — an extra predicted record whose figure is smaller than
    a gold figure of the item and whose sentence has a sub-count cue
    ("including", "among them", "dont", "parmi");
  * ``extra aggregate record`` / ``extra record``.

``killed`` / ``injured`` / ``abducted`` (``{min, max}`` of matched records):
  ``missed figure`` (gold only), ``extra figure`` (predicted only),
  ``aggregate vs event confusion`` (the aggregate flags differ, or the
  predicted range reaches a figure of a gold aggregate record of the item),
  ``total not split by side`` (predicted = the sum of this record's figure and
  those of the other sides of its event), ``sub-count split`` (predicted < gold
  with a sub-count cue in the predicted sentence), else ``wrong value``.

``location`` (name as written): ``predicted nothing``, ``place where gold has
none``, then by what the predicted place is: ``dateline`` (it heads the text,
"NIAMEY (AFP) —", "Bamako:", or a news agency in brackets follows it anywhere,
"… Niamey (AFP)"), ``publisher's city`` (Geneva, New York, Paris …),
``capital``, ``ethnic group``, ``person name`` (a title, a first name or a
speech verb next to it in the text), ``larger place while gold is a village``
(a region, country or "north of …" against a specific gold place), then
``gold place on another record``, ``gold place not predicted at all`` and
``other place``.

``country``: ``missing``, ``extra``, ``wrong country``. ``perpetrators``:
``missing`` (predicted ⊂ gold), ``extra`` (gold ⊂ predicted), ``wrong actor``.
``event_date``: ``missing``, ``extra (gold has none)``, ``off by 2–7 days``,
``off by 8–60 days``, ``off by more than 60 days`` (the days in the detail),
``unreadable date``. ``aggregate``: ``event
taken as aggregate``, ``aggregate taken as event``.

Each mismatch carries the sentence of the gold value (the first sentence with a
number expression of the gold figure, else the one naming the gold place or
actor) and of the predicted value (the sentence of the predicted claim or
place), cut to about 240 characters.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from nlp.countries import load_countries
from nlp.evaluate import FIELDS, ScoredItem, agree, field_value, filled, names_match
from nlp.numbers import find_quantities
from nlp.textnorm import fold_keep_length as fold

DATA = Path(__file__).resolve().parent / "data"
# The scored fields (its two "killed" scores as one), whether an incident was found at
# all, and the aggregate flag.
ERROR_FIELDS = (
    "incident",
    "killed",
    *(f for f in FIELDS if not f.startswith("killed")),
    "aggregate",
)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Seats of publishers and of the UN and NGO offices that brief the press ("new york"
# is keyed "new_york" by _key).
PUBLISHER_CITIES = _wordset(
    "geneva geneve new_york paris london londres washington brussels bruxelles"
)
CAPITALS = _wordset(
    "bamako ouagadougou niamey nouakchott ndjamena n'djamena dakar abidjan conakry accra lome"
    " cotonou abuja algiers alger rabat tripoli"
)
ETHNIC_GROUPS = _wordset(
    "fulani fulanis fula fulbe peul peuls peulh peulhs dogon dogons bambara bambaras tuareg"
    " tuaregs touareg touaregs tamasheq songhai songhay sonrai mossi bozo bozos arab arabs arabe"
    " arabes bella haoussa hausa djerma zarma gourmantche daoussahak imghad"
)
# Words that make a place name a region or a direction rather than a village.
AREA_WORDS = re.compile(
    r"\b(?:region|province|cercle|circle|district|commune|department|departement|prefecture"
    r"|zone|north|northern|south|southern|east|eastern|west|western|central|centre|center|nord"
    r"|sud|est|ouest|border|frontiere|pays|country)\b"
)
_SUBCOUNT = re.compile(
    r"\b(?:including|among them|among whom|of whom|of them|dont|parmi (?:eux|elles|lesquels"
    r"|lesquelles|les victimes)|notamment)\b"
)
_TITLE_BEFORE = re.compile(
    r"\b(?:mr|mrs|ms|m|mme|dr|president|minister|ministre|mayor|maire|chief|chef|general"
    r"|colonel|captain|capitaine|commandant|spokesman|spokesperson|porte-parole|imam|said|says"
    r"|told|a declare|a dit|explique)\.?\s+(?:[a-z][\w'-]+\s+)?$"
)
_SPEECH_AFTER = re.compile(
    r"^\s*(?:said|says|told|added|explained|a declare|a dit|a explique|a ajoute"
    r"|,\s*(?:the |le |la )?(?:spokesman|spokesperson|porte-parole|mayor|maire|governor"
    r"|gouverneur|minister|ministre|president)\b)"
)
# A dateline: the place heads the text ("NIAMEY (AFP) -", "Bamako, March 3 -",
# "Bamako:"), or an agency's name in brackets follows it anywhere ("… ©AFP Niamey (AFP)").
_AGENCY_AFTER = re.compile(
    r"^\s*(?:,[^.()\n]{0,30})?\(\s*(?:[A-Z]{2,5}|Reuters|Xinhua|Anadolu|Tasnim|Sputnik|Bloomberg"
    r"|dpa)\s*\)"
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»’)]*\s+|\n+")
SENTENCE_CHARS = 240
# The score whose agreement decides a figure mismatch: killed is compared exactly.
_FIELD = {"killed": "killed_exact", "injured": "injured", "abducted": "abducted"}


@dataclass
class Mismatch:
    """One false positive or false negative of one field, for study."""

    field: str
    category: str
    id: str
    gold: Any
    predicted: Any
    gold_sentence: str | None
    predicted_sentence: str | None
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@cache
def _names_of(file: str, column: int) -> frozenset[str]:
    names: set[str] = set()
    for line in (DATA / file).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) > column:
            names.update(fold(n).strip() for n in cells[column].split("|"))
    return frozenset(names)


@cache
def _first_names() -> frozenset[str]:
    lines = (DATA / "first_names.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(fold(x).strip() for x in lines if x.strip() and not x.startswith("#"))


@cache
def _country_names() -> frozenset[str]:
    return frozenset(fold(n).strip() for country in load_countries() for n in country.names)


def _key(name: str) -> str:
    return re.sub(r"[^\w']+", " ", fold(name)).strip().replace("new york", "new_york")


def sentence_around(text: str, start: int, end: int | None = None) -> str:
    """The sentence holding ``text[start:end]``, cut to about SENTENCE_CHARS around it."""
    end = start if end is None else end
    a = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        a = m.end()
    after = _SENTENCE_END.search(text, max(end, a))
    b = after.start() if after else len(text)
    if b - a > SENTENCE_CHARS:
        a = max(a, start - SENTENCE_CHARS // 2)
        b = min(b, a + SENTENCE_CHARS)
        return "…" + text[a:b].strip() + "…"
    return text[a:b].strip()


def _find(text: str, name: str | None) -> int | None:
    if not name:
        return None
    i = fold(text).find(fold(name))
    return i if i >= 0 else None


def _named_sentence(text: str, names: list[str]) -> str | None:
    for name in names:
        i = _find(text, name)
        if i is not None:
            return sentence_around(text, i, i + len(name))
    return None


@cache
def _actor_aliases() -> dict[str, list[str]]:
    import json

    out: dict[str, list[str]] = {}
    for line in (DATA / "actors.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            aliases = [a for forms in row.get("aliases", {}).values() for a in forms]
            if "canonical" in row:  # generic rows ("army") resolve by context: no one name
                out[row["canonical"]] = [row["canonical"], *sorted(aliases, key=len, reverse=True)]
    return out


def _figure_sentence(text: str, lang: str, fig: dict[str, Any]) -> str | None:
    """The first sentence with a number expression of the gold figure's value."""
    point = fig["min"] if fig.get("min") is not None else fig.get("max")
    quantities = find_quantities(text, lang)
    for exact in (True, False):
        for q in quantities:
            if (exact and (q.min, q.max) == (fig.get("min"), fig.get("max"))) or (
                not exact and point in (q.value, q.min, q.max)
            ):
                return sentence_around(text, q.start, q.end)
    return None


def _pred_sentence(text: str, pred: dict[str, Any], kind: str | None = None) -> str | None:
    """The sentence of the predicted record's claim of ``kind`` (else of its evidence)."""
    spans = [c for c in pred.get("claims") or [] if kind is None or c.get("kind") == kind]
    spans = spans or pred.get("evidence") or []
    for span in spans:
        if span.get("start") is not None and span["start"] <= len(text):
            return sentence_around(text, span["start"], span.get("end"))
    return None


def _gold_anchor(text: str, lang: str, gold: dict[str, Any]) -> str | None:
    for kind in ("killed", "injured", "abducted"):
        if filled(gold.get(kind)):
            found = _figure_sentence(text, lang, gold[kind])
            if found:
                return found
    return _named_sentence(text, [(gold.get("location") or {}).get("name") or ""])


def _show(value: Any) -> Any:
    if isinstance(value, dict) and set(value) >= {"min", "max"}:
        lo, hi = value.get("min"), value.get("max")
        if lo is None and hi is None:
            return None
        if lo == hi:
            return str(lo)
        if hi is None:
            return f"≥{lo}"
        if lo is None:
            return f"≤{hi}"
        return f"{lo}–{hi}"
    return value


def _point(fig: dict[str, Any] | None) -> int | None:
    if not filled(fig):
        return None
    assert fig is not None
    return fig["min"] if fig.get("min") is not None else fig.get("max")


def _unsplit_total(value: int | None, kind: str, golds: list[dict[str, Any]], must: int) -> bool:
    """``value`` is the sum of gold record ``must``'s figure and the figures of other records
    of the same event (same place and date: the other sides of a total the text split)."""
    if value is None:
        return False
    event = golds[must]
    parts = [
        (j, p)
        for j, g in enumerate(golds)
        if not g.get("aggregate")
        and (p := _point(g.get(kind))) is not None
        and g.get("event_date") == event.get("event_date")
        and (j == must or names_match(_place(g), _place(event)) or not _place(event))
    ]
    others = [p for j, p in parts if j != must]
    mine = next((p for j, p in parts if j == must), None)
    if not mine or not others:  # a zero toll is never part of a split total
        return False
    # Subset sums of the other sides (a text rarely splits a total into more than four).
    sums = {0}
    for p in others[:8]:
        sums |= {s + p for s in sums}
    return any(s > 0 and mine + s == value for s in sums)


def _place(incident: dict[str, Any]) -> str | None:
    return (incident.get("location") or {}).get("name")


def _reaches(fig: dict[str, Any], value: int) -> bool:
    """One bound of the predicted range is ``value`` (a period total folded into a range)."""
    return value in (fig.get("min"), fig.get("max"))


def _figure_category(
    kind: str, pred: dict[str, Any], gold: dict[str, Any], scored: ScoredItem, j: int
) -> tuple[str, str]:
    pv, gv = field_value(pred, _FIELD[kind]), field_value(gold, _FIELD[kind])
    if gv is not None and pv is None:
        return "missed figure", ""
    if pv is not None and gv is None:
        return "extra figure", ""
    if bool(pred.get("aggregate")) != bool(gold.get("aggregate")):
        return "aggregate vs event confusion", "aggregate flags differ"
    for other in scored.golds:
        op = _point(other.get(kind))
        if other.get("aggregate") and op is not None and _reaches(pv, op):
            return "aggregate vs event confusion", f"predicted range reaches the period total {op}"
    if _unsplit_total(_point(pv), kind, scored.golds, j):
        return "total not split by side", ""
    sentence = fold(_pred_sentence(scored.item["text"], pred, kind) or "")
    pp, gp = _point(pv), _point(gv)
    if pp is not None and gp is not None and pp < gp and _SUBCOUNT.search(sentence):
        return "sub-count split", ""
    if pv.get("min") == gv.get("min"):
        return "wrong value", "same minimum, other maximum"
    return "wrong value", ""


def place_category(name: str, text: str, gold_name: str | None) -> str | None:
    """What a wrongly predicted place is, when one of the named kinds (else ``None``)."""
    key = _key(name)
    folded = fold(text)
    target = fold(name)
    start = len(folded) - len(folded.lstrip(" \n\t\"'«“*-"))
    if folded.startswith(target, start) and re.match(r"\s*[(,:—–-]", folded[start + len(target) :]):
        return "dateline"
    for m in re.finditer(re.escape(target), folded):
        if _AGENCY_AFTER.match(text[m.end() :]):  # the case of "(AFP)" matters
            return "dateline"
    if key in PUBLISHER_CITIES:
        return "publisher's city"
    if key in CAPITALS:
        return "capital"
    if key in ETHNIC_GROUPS or key.rstrip("s") in ETHNIC_GROUPS:
        return "ethnic group"
    broad = {*_names_of("admin1_names.tsv", 1), *_country_names()}
    for m in re.finditer(re.escape(target), folded) if key not in broad else ():
        before = folded[max(0, m.start() - 40) : m.start()]
        words = before.split()
        if _TITLE_BEFORE.search(before) or _SPEECH_AFTER.match(folded[m.end() : m.end() + 30]):
            return "person name"
        if words and words[-1].strip(",.") in _first_names() and not before.endswith(", "):
            return "person name"
    gold_key = _key(gold_name or "")
    gold_is_broad = AREA_WORDS.search(gold_key) or any(f" {b} " in f" {gold_key} " for b in broad)
    if gold_key and not gold_is_broad and (AREA_WORDS.search(key) or key in broad):
        return "larger place while gold is a village"
    return None


def _location_category(pred: dict[str, Any], gold: dict[str, Any], scored: ScoredItem) -> str:
    pn = (pred.get("location") or {}).get("name")
    gn = (gold.get("location") or {}).get("name")
    if gn and not pn:
        return "predicted nothing"
    if pn and not gn:
        return "place where gold has none"
    kind = place_category(str(pn), scored.item["text"], gn)
    if kind:
        return kind
    if any(names_match((p.get("location") or {}).get("name"), gn) for p in scored.preds):
        return "gold place on another record"
    return "gold place not predicted at all" if _find(scored.item["text"], gn) else "other place"


def _date_category(p: str | None, g: str | None) -> tuple[str, str]:
    if g and not p:
        return "missing", ""
    if p and not g:
        return "extra (gold has none)", ""
    try:
        days = abs((date.fromisoformat(str(p)) - date.fromisoformat(str(g))).days)
    except ValueError:
        return "unreadable date", ""
    bucket = "2–7" if days <= 7 else "8–60" if days <= 60 else "more than 60"
    return f"off by {bucket} days", f"off by {days} days"


def _unmatched(scored: ScoredItem) -> list[Mismatch]:
    text, lang, iid = scored.item["text"], scored.lang, scored.item["id"]
    out = []
    matched_p = {i for i, _ in scored.pairs}
    matched_g = {j for _, j in scored.pairs}
    for j, gold in enumerate(scored.golds):
        if j in matched_g:
            continue
        category = "missing aggregate record" if gold.get("aggregate") else "missing record"
        for kind in ("killed", "injured", "abducted"):
            if any(
                _unsplit_total(_point(p.get(kind)), kind, scored.golds, j) for p in scored.preds
            ):
                category = "total not split by side"
        out.append(
            Mismatch(
                "incident",
                category,
                iid,
                _summary(gold),
                None,
                _gold_anchor(text, lang, gold),
                None,
            )
        )
    for i, pred in enumerate(scored.preds):
        if i in matched_p:
            continue
        category = "extra aggregate record" if pred.get("aggregate") else "extra record"
        sentence = _pred_sentence(text, pred)
        for kind in ("killed", "injured", "abducted"):
            pp = _point(pred.get(kind))
            bigger = any((_point(g.get(kind)) or 0) > (pp or 0) for g in scored.golds)
            if pp is not None and bigger and _SUBCOUNT.search(fold(sentence or "")):
                category = "sub-count split"
        out.append(Mismatch("incident", category, iid, None, _summary(pred), None, sentence))
    return out


def _summary(incident: dict[str, Any]) -> str:
    figures = [
        f"{kind} {_show(incident.get(kind))}"
        for kind in ("killed", "injured", "abducted")
        if filled(incident.get(kind))
    ]
    place = (incident.get("location") or {}).get("name") or "no place"
    victims = "/".join(incident.get("victims") or []) or "?"
    agg = ", aggregate" if incident.get("aggregate") else ""
    return f"{', '.join(figures) or 'no figure'} ({victims}) at {place}{agg}"


def find_errors(scored: ScoredItem) -> list[Mismatch]:
    """Every mismatch of one scored item (see the module docstring for the categories)."""
    text, lang, iid = scored.item["text"], scored.lang, scored.item["id"]
    out = _unmatched(scored)
    for i, j in scored.pairs:
        pred, gold = scored.preds[i], scored.golds[j]
        anchor = _gold_anchor(text, lang, gold)
        for kind in ("killed", "injured", "abducted"):
            pv, gv = field_value(pred, _FIELD[kind]), field_value(gold, _FIELD[kind])
            if (pv is None and gv is None) or (pv and gv and agree(_FIELD[kind], pv, gv)):
                continue
            category, detail = _figure_category(kind, pred, gold, scored, j)
            # A figure the text does not write as a number: the record's place sentence.
            gold_sentence = (_figure_sentence(text, lang, gv) if gv else None) or anchor
            out.append(
                Mismatch(
                    kind,
                    category,
                    iid,
                    _show(gv),
                    _show(pv),
                    gold_sentence,
                    _pred_sentence(text, pred, kind),
                    detail,
                )
            )
        pn = (pred.get("location") or {}).get("name")
        gn = (gold.get("location") or {}).get("name")
        if (pn or gn) and not names_match(pn, gn):
            out.append(
                Mismatch(
                    "location",
                    _location_category(pred, gold, scored),
                    iid,
                    gn,
                    pn,
                    _named_sentence(text, [gn]) if gn else anchor,
                    _named_sentence(text, [pn]) if pn else _pred_sentence(text, pred),
                )
            )
        pc, gc = field_value(pred, "country"), field_value(gold, "country")
        if pc != gc:
            category = "missing" if not pc else "extra" if not gc else "wrong country"
            out.append(
                Mismatch("country", category, iid, gc, pc, anchor, _pred_sentence(text, pred))
            )
        pa, ga = set(pred.get("perpetrators") or []), set(gold.get("perpetrators") or [])
        if pa != ga:
            category = "missing" if pa < ga else "extra" if ga < pa else "wrong actor"
            aliases = _actor_aliases()
            gold_sentence = next(
                (s for name in ga if (s := _named_sentence(text, aliases.get(name, [name])))),
                anchor,
            )
            out.append(
                Mismatch(
                    "perpetrators",
                    category,
                    iid,
                    sorted(ga),
                    sorted(pa),
                    gold_sentence,
                    _pred_sentence(text, pred),
                    f"missed {sorted(ga - pa)}, extra {sorted(pa - ga)}",
                )
            )
        pd, gd = pred.get("event_date"), gold.get("event_date")
        if (pd or gd) and not (pd and gd and agree("event_date", pd, gd)):
            category, detail = _date_category(pd, gd)
            out.append(
                Mismatch(
                    "event_date", category, iid, gd, pd, anchor, _pred_sentence(text, pred), detail
                )
            )
        if bool(pred.get("aggregate")) != bool(gold.get("aggregate")):
            category = (
                "event taken as aggregate"
                if pred.get("aggregate")
                else ("aggregate taken as event")
            )
            out.append(
                Mismatch(
                    "aggregate",
                    category,
                    iid,
                    bool(gold.get("aggregate")),
                    bool(pred.get("aggregate")),
                    anchor,
                    _pred_sentence(text, pred),
                )
            )
    return out


def error_counts(errors: list[Mismatch]) -> dict[str, dict[str, int]]:
    """Mismatches per field and category, largest category first."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for e in errors:
        counts[e.field][e.category] += 1
    return {f: dict(counts[f].most_common()) for f in ERROR_FIELDS if f in counts}


def format_errors(errors: list[Mismatch]) -> str:
    """Mismatches grouped by field and category (largest category first), for a terminal."""
    groups: dict[str, dict[str, list[Mismatch]]] = defaultdict(lambda: defaultdict(list))
    for e in errors:
        groups[e.field][e.category].append(e)
    lines = [f"{len(errors)} mismatches"]
    for fname, counts in error_counts(errors).items():
        lines.append(f"\n== {fname}: {sum(counts.values())} ==")
        lines.extend(f"   {n:>4}  {c}" for c, n in counts.items())
        for category, n in counts.items():
            lines.append(f"\n-- {fname} / {category} ({n}) --")
            for e in groups[fname][category]:
                detail = f"   [{e.detail}]" if e.detail else ""
                lines.append(f"{e.id}  gold: {e.gold}   predicted: {e.predicted}{detail}")
                if e.gold_sentence and e.gold_sentence == e.predicted_sentence:
                    lines.append(f"      both ▸ {e.gold_sentence}")
                    continue
                if e.gold_sentence:
                    lines.append(f"      gold ▸ {e.gold_sentence}")
                if e.predicted_sentence:
                    lines.append(f"      pred ▸ {e.predicted_sentence}")
    return "\n".join(lines)
