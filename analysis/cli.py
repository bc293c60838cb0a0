"""openness: read AI-openness news into tidy tables, narratives and a report.

Every command has --help. Typical use:

  openness build data/corpus --out build      # the five tables, as Parquet and CSV
  openness report --corpus data/corpus        # tables + build/report.html + build/report.pdf
  openness bench --docs 1000                  # speed and memory against the floor
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from analysis import corpus, pipeline, schema


def _add_read_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("tables of records (.jsonl, .csv, .parquet)")
    g.add_argument("--text-column", default="text", help="column holding the article text (default: text)")
    g.add_argument("--id-column", help="column holding a stable id (default: id if present, else row number)")
    g.add_argument("--date-column", help="column holding the publication date (default: date/published)")
    g.add_argument("--source-column", help="column holding the publisher (default: source if present)")
    g.add_argument("--title-column", help="column holding the title (default: title if present)")
    p.add_argument("--max-bytes", type=int, default=corpus.ReadOptions.max_bytes,
                   help="documents larger than this get status too_large (default: %(default)s)")


def _read_options(a: argparse.Namespace) -> corpus.ReadOptions:
    return corpus.ReadOptions(
        text_column=a.text_column, id_column=a.id_column, date_column=a.date_column,
        source_column=a.source_column, title_column=a.title_column, max_bytes=a.max_bytes,
    )


def _summary(tables: dict) -> str:
    """Documents by status, languages and row counts; tables are DataFrames or LazyFrames."""
    lazy = {k: v.lazy() for k, v in tables.items()}

    def count(name: str, where: pl.Expr | None = None) -> int:
        frame = lazy[name] if where is None else lazy[name].filter(where)
        return frame.select(pl.len()).collect().item()

    docs = lazy["documents"]
    by_status = ", ".join(f"{s} {n}" for s, n in
                          docs.group_by("status").len().sort("status").collect().iter_rows())
    langs = ", ".join(f"{lang} {n}" for lang, n in docs.filter(pl.col("status") == "ok").group_by("lang")
                      .len().sort("lang").collect().iter_rows())
    return (
        f"documents: {count('documents')} ({by_status or 'none'})\n"
        f"languages: {langs or 'none'}\n"
        f"sentences: {count('sentences')}\n"
        f"mentions:  {count('mentions')}, events: {count('events')}\n"
        f"narratives: {count('narratives', pl.col('narrative') != 'other')} sentences carry a named narrative"
    )


def cmd_build(a: argparse.Namespace) -> int:
    missing = [str(c) for c in a.corpus if not Path(c).exists()]
    if missing:
        print(f"openness build: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    if getattr(a, "batch_docs", None):
        paths = pipeline.build_in_batches(a.corpus, a.out, batch_docs=a.batch_docs, options=_read_options(a),
                                          random_state=a.random_state, progress=not a.quiet,
                                          min_confidence=getattr(a, "min_confidence", None))
        print(_summary({k: pl.scan_parquet(v) for k, v in paths.items()}))
        print(f"tables written to {a.out}/ (Parquet and CSV)")
        return 0
    tables = pipeline.build_tables(a.corpus, options=_read_options(a), random_state=a.random_state,
                                   progress=not a.quiet, min_confidence=getattr(a, "min_confidence", None))
    schema.write_tables(tables, a.out)
    print(_summary(tables))
    print(f"tables written to {a.out}/ (Parquet and CSV)")
    return 0


def cmd_report(a: argparse.Namespace) -> int:
    from analysis import render

    a.corpus = [a.corpus]
    if cmd_build(a) != 0:
        return 2
    try:
        result = render.render_report(a.out, a.out, qmd=a.qmd, engine=a.engine,
                                      formats=tuple(a.to.split(",")))
    except render.RenderError as e:
        print(f"openness report: {e}", file=sys.stderr)
        return 1
    print(result.summary())
    return 0


def cmd_train(a: argparse.Namespace) -> int:
    from analysis import scoring

    root = Path(__file__).resolve().parent.parent
    if not (root / scoring.REAL_SPLIT).exists():
        print(f"openness train: the dev annotations are not beside the package ({root / scoring.REAL_SPLIT})",
              file=sys.stderr)
        return 2
    s = scoring.train(root, a.out, random_state=a.random_state)
    print(f"event scorer: {len(s.names)} features, threshold {s.threshold:.2f}, written to {a.out}")
    return 0


def cmd_bench(a: argparse.Namespace) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    try:
        from benchmarks import run
    except ImportError:
        print("openness bench: the benchmarks/ folder is not beside the package", file=sys.stderr)
        return 2
    return run.main(a)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="openness", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="build the five tables from a corpus",
                       description="Read CORPUS (folders of .txt/.md/.html files, or .jsonl/.csv/.parquet "
                       "tables of records) and write documents, sentences, mentions, events and narratives "
                       "as Parquet and CSV.")
    b.add_argument("corpus", nargs="+", type=Path, metavar="CORPUS", help="files or folders (recursive)")
    b.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build)")
    b.add_argument("--random-state", type=int, default=0, help="seed for the narrative model (default: 0)")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    b.add_argument("--batch-docs", type=int, metavar="N",
                   help="for a corpus larger than memory: run the stages N documents at a time, spilling "
                   "to OUT/.parts and streaming the tables to OUT (same tables as without it)")
    b.add_argument("--min-confidence", type=float, metavar="P",
                   help="keep event mentions whose scorer confidence is at least P (default: the threshold "
                   "chosen on the dev annotations, stored in data/models/event_scorer.json)")
    _add_read_options(b)
    b.set_defaults(func=cmd_build)

    r = sub.add_parser("report", help="build the tables and render report.qmd to HTML and PDF",
                       description="Build the tables from --corpus, then render report.qmd to "
                       "OUT/report.html (one offline file) and OUT/report.pdf.")
    r.add_argument("--corpus", type=Path, default=Path("data/corpus"), help="default: data/corpus")
    r.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build)")
    r.add_argument("--qmd", type=Path, default=Path("report.qmd"), help="default: report.qmd")
    r.add_argument("--engine", choices=["auto", "quarto", "builtin"], default="auto",
                   help="quarto when the Quarto CLI is installed, else the built-in engine (default: auto)")
    r.add_argument("--to", default="html,pdf", help="formats, comma-separated (default: html,pdf)")
    r.add_argument("--random-state", type=int, default=0, help="seed for the narrative model (default: 0)")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _add_read_options(r)
    r.set_defaults(func=cmd_report)

    t = sub.add_parser("train", help="refit the event scorer on the dev annotations",
                       description="Build candidate events on the dev material (bundled articles, written "
                       "fixtures, the real corpus's dev split), label them from the annotations under "
                       "tests/annotations, fit a logistic regression with a fixed seed, choose the threshold "
                       "by cross-validated F1, and write the scorer as JSON.")
    scorer = Path(__file__).resolve().parent.parent / "data/models/event_scorer.json"
    t.add_argument("--out", type=Path, default=scorer,
                   help="where to write the scorer (default: data/models/event_scorer.json)")
    t.add_argument("--random-state", type=int, default=0, help="seed for the folds and the fit (default: 0)")
    t.set_defaults(func=cmd_train)

    k = sub.add_parser("bench", help="measure speed and memory on synthetic corpora",
                       description="Generate synthetic corpora and time each stage against the floor "
                       "(reading plus one Polars regex pass). Writes build/bench.json.")
    k.add_argument("--docs", type=int, nargs="+", default=[1000, 10000, 100000],
                   help="corpus sizes (default: 1000 10000 100000)")
    k.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build)")
    k.add_argument("--seed", type=int, default=0, help="generator seed (default: 0)")
    k.add_argument("--bertopic", action="store_true", help="also time BERTopic (needs the bench group)")
    k.set_defaults(func=cmd_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    a = build_parser().parse_args(argv)
    return a.func(a)


if __name__ == "__main__":
    sys.exit(main())
