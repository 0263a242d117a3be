"""From one text to candidate incidents: what ``civwatch analyze`` prints.

:class:`Analyzer` loads each language's pipeline once (``nlp.pipeline``).
:meth:`Analyzer.analyze_docs` turns many texts into typed results
(:class:`nlp.result.DocResult`, with ``nlp.pipe``) for the processing stage and
the commands; :meth:`Analyzer.analyze` returns the DESIGN.md ``analyze`` object
``{"lang", "incidents": [...]}`` of one text, the JSON form.

Input is treated as hostile, each case with a named outcome in ``status``:

* ``"ok"`` — analysed;
* ``"empty"`` — nothing but whitespace (or HTML with no main text): no incidents;
* ``"unsupported_language"`` — with ``lang="auto"``, the text reads as neither
  English nor French (stop-word ratio): no incidents rather than guesses from
  the English grammar; pass ``lang="en"``/``"fr"`` to force an analysis;
* control characters are replaced by spaces (offsets stay valid);
* HTML given without ``html=True`` is detected and extracted anyway
  (``input="html-detected"``); evidence offsets then point into the
  extracted text, which is why evidence carries its text too;
* ``"error"`` — a component failed on this text (a bug): the error is logged and
  named in ``error``; the other texts of the batch are still analysed;
* long texts (5 MB) and texts with no sentence boundaries are cut into chunks
  of at most ``CHUNK_CHARS`` at paragraph, sentence or word boundaries, so
  memory stays bounded and nothing is skipped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp import langid
from nlp.assemble import assemble
from nlp.claims import doc_text
from nlp.dates import find_dates
from nlp.pipeline import load_pipeline
from nlp.result import DocLang, DocResult, Incident
from settings import DEFAULT_FOCUS

log = logging.getLogger(__name__)

CHUNK_CHARS = 20_000
# Texts handed to nlp.pipe at once. fr_core_news_sm's tok2vec/NER hold a whole
# batch in memory: 32 chunks of 20k characters peak near 1 GB, 4 stay near 400 MB
# at the same speed.
PIPE_BATCH = 4
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_HTML_HINT = re.compile(r"<(?:html|body|div|p|article|head|span|br|a\s)[\s>/]", re.IGNORECASE)


@dataclass(frozen=True)
class AnalyzeInput:
    """One text for :meth:`Analyzer.analyze_docs`."""

    id: str
    text: str
    published: date | None = None
    lang: str = "auto"
    html: bool = False


def detect_language(text: str) -> DocLang:
    """ "en", "fr" or "other": ``nlp.langid``'s English-or-French rule."""
    lang, _ = langid.detect_language(text, en_or_fr=True)
    return "en" if lang == "en" else "fr" if lang == "fr" else "other"


def html_to_text(html: str) -> str:
    """Main text of an HTML page (trafilatura), or all its text when that finds none."""
    import trafilatura  # heavy import: only when HTML is actually given

    text = trafilatura.extract(html, include_comments=False, include_tables=False)
    if text:
        return str(text)
    from lxml import html as lxml_html
    from lxml.etree import ParserError

    try:
        return str(lxml_html.fromstring(html).text_content())
    except (ParserError, ValueError):
        return ""


def chunks(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """``(offset, piece)`` cuts of at most ``limit`` chars at paragraph, sentence or word ends."""
    out: list[tuple[int, str]] = []
    start = 0
    n = len(text)
    while start < n:
        end = min(n, start + limit)
        if end < n:
            window = text[start:end]
            cut = -1
            for pattern in (r"\n\s*\n", r"\n", r"[.!?]\s", r"\s"):
                hits = [m.end() for m in re.finditer(pattern, window)]
                hits = [h for h in hits if h > limit // 3]
                if hits:
                    cut = hits[-1]
                    break
            end = start + cut if cut > 0 else end
        out.append((start, text[start:end]))
        start = end
    return out


def _make_doc(nlp: Language, text: str) -> Doc:
    """Tokenise ``text`` and remember it: spaCy rebuilds ``doc.text`` from tokens on each read."""
    doc = nlp.make_doc(text)
    doc.user_data["civwatch_text"] = text
    return doc


class Analyzer:
    """Turns texts into candidate incidents; models are loaded once per process."""

    def __init__(self, focus_countries: Iterable[str] = DEFAULT_FOCUS) -> None:
        self.focus = tuple(focus_countries)

    def pipeline(self, lang: str, focus: tuple[str, ...] | None = None) -> Language:
        """The pipeline of ``lang`` (loaded on first use, then shared)."""
        return load_pipeline("fr" if lang == "fr" else "en", focus or self.focus)

    def prepare(
        self, text: str, lang: str = "auto", html: bool = False
    ) -> tuple[str, DocLang, dict[str, Any]]:
        """Clean ``text`` and pick its language: ``(text, lang, extra output keys)``."""
        extra: dict[str, Any] = {}
        if html or (_HTML_HINT.search(text[:5000]) and text.lstrip().startswith("<")):
            if not html:
                extra["input"] = "html-detected"
            text = html_to_text(text)
        text = _CONTROL.sub(" ", text)
        found: DocLang = "en" if lang == "en" else "fr" if lang == "fr" else detect_language(text)
        return text, found, extra

    def analyze(
        self,
        text: str,
        lang: str = "auto",
        published: date | None = None,
        html: bool = False,
        focus_countries: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        """The DESIGN.md ``analyze`` object for one text (what the command prints)."""
        item = AnalyzeInput("", text, published, lang, html)
        result = next(self.analyze_docs([item], focus_countries=focus_countries))
        return result.as_dict(with_id=False)

    def analyze_docs(
        self,
        items: Iterable[AnalyzeInput],
        batch_size: int = 16,
        focus_countries: Iterable[str] | None = None,
    ) -> Iterator[DocResult]:
        """One :class:`DocResult` per input, in input order.

        Texts are processed with ``nlp.pipe`` in batches; a long text is cut
        into chunks (see :func:`chunks`) whose incidents are concatenated.
        """
        focus = tuple(focus_countries) if focus_countries is not None else self.focus
        batch: list[AnalyzeInput] = []
        for item in items:
            batch.append(item)
            if len(batch) >= batch_size:
                yield from self._run(batch, focus)
                batch = []
        if batch:
            yield from self._run(batch, focus)

    def _run(self, batch: list[AnalyzeInput], focus: tuple[str, ...]) -> Iterator[DocResult]:
        prepared = [self.prepare(item.text, item.lang, item.html) for item in batch]
        results: list[DocResult] = []
        jobs: dict[DocLang, list[tuple[int, int, str]]] = {"en": [], "fr": []}
        for i, (item, (text, lang, extra)) in enumerate(zip(batch, prepared, strict=True)):
            result = DocResult(item.id, lang, input=extra.get("input"))
            results.append(result)
            if not text.strip():
                result.status = "empty"
                continue
            if lang not in ("en", "fr"):
                result.status = "unsupported_language"
                continue
            for offset, piece in chunks(text):
                jobs[lang].append((i, offset, piece))
        for lang, pieces in jobs.items():
            if not pieces:
                continue
            nlp = self.pipeline(lang, focus)
            try:
                done = self._pieces(nlp, pieces, batch, focus)
            except Exception:  # a component bug on one text must not sink the batch
                log.exception("NLP batch failed; retrying its texts one by one")
                done = []
                for job in pieces:
                    try:
                        done.extend(self._pieces(nlp, [job], batch, focus))
                    except Exception as exc:
                        log.exception("NLP failed on item %r", batch[job[0]].id)
                        results[job[0]].status = "error"
                        results[job[0]].error = f"{type(exc).__name__}: {exc}"[:300]
            for i, incidents in done:
                # a long text's chunks number their events apart
                first = 1 + max((x.event for x in results[i].incidents), default=-1)
                for incident in incidents:
                    incident.event += first
                results[i].incidents.extend(incidents)
        yield from results

    def _pieces(
        self,
        nlp: Language,
        pieces: list[tuple[int, int, str]],
        batch: list[AnalyzeInput],
        focus: tuple[str, ...],
    ) -> list[tuple[int, list[Incident]]]:
        docs = nlp.pipe((_make_doc(nlp, p) for _, _, p in pieces), batch_size=PIPE_BATCH)
        out = []
        for (i, offset, _), doc in zip(pieces, docs, strict=True):
            out.append((i, self._incidents(doc, batch[i].published, offset, focus)))
        return out

    @staticmethod
    def _incidents(
        doc: Doc, published: date | None, offset: int, focus: tuple[str, ...]
    ) -> list[Incident]:
        dates = find_dates(doc_text(doc), doc.lang_, published)
        incidents = assemble(doc, dates, published, focus)
        if offset:  # a chunk of a long text: offsets into the whole text
            for incident in incidents:
                for ev in incident.evidence:
                    ev.shift(offset)
                for claim in incident.claims:
                    claim.shift(offset)
        return incidents
