"""The one country table and its loader."""

from __future__ import annotations

import re

from nlp.countries import load_countries


def test_one_row_per_country_with_a_name() -> None:
    rows = load_countries()
    codes = [c.iso2 for c in rows]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in codes)
    assert all(c.names and all(n.strip() == n for n in c.names) for c in rows)


def test_the_prefilter_words_cover_the_focus_countries() -> None:
    by_code = {c.iso2: c for c in load_countries()}
    for code in ("ML", "BF", "NE"):
        assert by_code[code].names[0] in by_code[code].prefilter_words
