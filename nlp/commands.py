"""``civwatch analyze`` and ``civwatch eval`` (attached by ``cli.py``).

Heavy imports (spaCy and the models) happen inside the commands so that
``civwatch --help`` stays fast. Neither command needs a database.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from settings import DEFAULT_FOCUS

if TYPE_CHECKING:
    from nlp.eval_report import FileResult


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not a YYYY-MM-DD date: {value!r}") from exc


def _read_text(source: str) -> str:
    if source == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise click.ClickException(f"cannot read {source}: {exc.strerror}") from exc
    # Wrong encodings are read, not refused: undecodable bytes become U+FFFD.
    return data.decode("utf-8", errors="replace")


@click.command("analyze")
@click.argument("source", default="-", required=False)
@click.option(
    "--html", "is_html", is_flag=True, help="The input is HTML: extract the main text first."
)
@click.option("--lang", type=click.Choice(["auto", "en", "fr"]), default="auto", show_default=True)
@click.option("--published", help="Publication date YYYY-MM-DD, to resolve 'on Sunday' etc.")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@click.option(
    "--jsonl",
    "jsonl",
    type=click.Path(dir_okay=False, allow_dash=True),
    help='Read {"id","text","published"?,"lang"?} per line; '
    'print {"id","lang","incidents"} per line.',
)
@click.option(
    "--focus",
    default=",".join(DEFAULT_FOCUS),
    show_default=True,
    help="Focus countries (ISO2, comma-separated).",
)
def analyze_cmd(
    source: str,
    is_html: bool,
    lang: str,
    published: str | None,
    fmt: str,
    jsonl: str | None,
    focus: str,
) -> None:
    """Print the candidate incidents of one text (FILE or - for stdin) as JSON."""
    from nlp.analyze import Analyzer

    analyzer = Analyzer([c.strip().upper() for c in focus.split(",") if c.strip()])
    if jsonl:
        inputs = _jsonl_inputs(jsonl, lang, is_html)
        for result in analyzer.analyze_docs(inputs):
            click.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    one = analyzer.analyze(
        _read_text(source), lang=lang, published=_parse_date(published), html=is_html
    )
    click.echo(json.dumps(one, ensure_ascii=False, indent=2))


def _jsonl_inputs(path: str, lang: str, is_html: bool) -> Any:
    from nlp.analyze import AnalyzeInput

    stream = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    with stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text = row["text"]
                if not isinstance(text, str):
                    raise TypeError("text is not a string")
                when = _parse_date(row.get("published"))
            except (ValueError, KeyError, TypeError, click.BadParameter) as exc:
                # A bad line is reported on stderr and skipped; the others still run.
                click.echo(f"civwatch analyze: line {number} skipped: {exc}", err=True)
                continue
            yield AnalyzeInput(
                id=str(row.get("id", number)),
                text=text,
                published=when,
                lang=row.get("lang") if row.get("lang") in ("en", "fr") else lang,
                html=is_html,
            )


@click.command("eval")
@click.argument("gold", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--details",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write per-item predictions (JSONL).",
)
@click.option(
    "--errors",
    is_flag=True,
    help="List every mismatch with its sentence, grouped by field and category.",
)
@click.option(
    "--merge",
    "merge_files",
    nargs=2,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    metavar="GOLD EVENTS",
    help="Merge evaluation: the gold excerpts through the processing stage on a temporary "
    "database; pairwise and B-cubed scores against the event keys (incidents/mergeeval.py).",
)
def eval_cmd(
    gold: tuple[Path, ...],
    as_json: bool,
    details: Path | None,
    errors: bool,
    merge_files: tuple[Path, Path] | None,
) -> None:
    """Score analyze against gold files: P / R / F1 per field, per file, EN and FR apart.

    With several files each is printed, then all together, then the largest
    gap of each field between two files.
    """
    # Each report is one option and one handler (_print_*); the merge evaluation reads
    # other inputs than GOLD files and needs the database stage, so it lives in incidents/.
    if merge_files:
        from incidents.mergeeval import format_report, run

        merge_report = run(*merge_files)
        click.echo(
            json.dumps(merge_report.as_dict(), indent=2) if as_json else format_report(merge_report)
        )
        return
    if not gold:
        raise click.UsageError("give at least one gold file (GOLD.jsonl …)")
    from nlp.eval_report import evaluate_files

    results = evaluate_files(list(gold))
    if details:
        _write_details(details, results)
    if errors:
        _print_errors(results, as_json)
    else:
        _print_scores(results, as_json)


def _write_details(path: Path, results: list[FileResult]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for result in results:
            for s in result.scored:
                row: dict[str, Any] = {"id": s.item["id"], "predicted": s.preds, "gold": s.golds}
                if len(results) > 1:
                    row["file"] = result.name
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _print_scores(results: list[FileResult], as_json: bool) -> None:
    from nlp.eval_report import format_multi, multi_summary

    summary = multi_summary(results)
    click.echo(json.dumps(summary, indent=2) if as_json else format_multi(summary))


def _print_errors(results: list[FileResult], as_json: bool) -> None:
    from nlp.eval_errors import error_counts, find_errors, format_errors

    found = [e for result in results for s in result.scored for e in find_errors(s)]
    if as_json:
        out = {"counts": error_counts(found), "mismatches": [e.as_dict() for e in found]}
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        click.echo(format_errors(found))
