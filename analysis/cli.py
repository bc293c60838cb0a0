"""openness: read AI-openness news into tidy tables, narratives and a report.

Every command has --help. Typical use:

  openness build data/corpus --out build      # the five tables, as Parquet and CSV
  openness build corpus/ --engine dask --scheduler tcp://host:8786   # the same build on a Dask cluster
  openness report --corpus data/corpus        # tables + build/report.html + build/report.pdf
  openness bench --docs 1000                  # speed and memory against the floor
  openness evaluate build gold_events.csv     # how far the tables agree with hand annotations
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
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
    g.add_argument("--url-column",
                   help="column holding the article's address, read to know its publisher (default: url, "
                        "link or origin if present)")
    g.add_argument("--csv-separator", metavar="CHAR",
                   help="field separator of .csv tables: one character, or tab/comma/semicolon/pipe "
                   "(default: sniffed from the header line among , ; tab |)")
    p.add_argument("--max-bytes", type=int, default=corpus.ReadOptions.max_bytes,
                   help="documents larger than this get status too_large (default: %(default)s)")


def _read_options(a: argparse.Namespace) -> corpus.ReadOptions:
    return corpus.ReadOptions(
        text_column=a.text_column, id_column=a.id_column, date_column=a.date_column,
        source_column=a.source_column, title_column=a.title_column, url_column=a.url_column,
        max_bytes=a.max_bytes,
        csv_separator=_separator(a.csv_separator),
    )


def _separator(value: str | None) -> str | None:
    if value is None:
        return None
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    sep = named.get(value.lower(), value)
    if len(sep) != 1 or sep in "\"\r\n":
        raise UsageError(f"--csv-separator must be one character (or tab, comma, semicolon, pipe), "
                         f"not {value!r}")
    return sep


class UsageError(ValueError):
    """A usage or input error: one line on stderr, exit status 2."""


def _error(message: str) -> int:
    print(f"openness: error: {message}", file=sys.stderr)
    return 2


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


def _engine_problem(a: argparse.Namespace, engine: str) -> str | None:
    """Options that do not go together, in words; None when they do."""
    dask_only = [f"--{n.replace('_', '-')}" for n in ("scheduler", "workers", "partition_docs")
                 if getattr(a, n, None) is not None]
    if engine != "dask" and dask_only:
        return f"{', '.join(dask_only)} only with --engine dask"
    if engine == "dask" and getattr(a, "batch_docs", None):
        return "--batch-docs is for the local engine; with --engine dask use --partition-docs"
    if engine == "dask" and a.scheduler and a.workers:
        return "--scheduler and --workers: give one (--workers starts a cluster on this machine)"
    for name in ("workers", "partition_docs"):
        if (getattr(a, name, None) or 1) < 1:
            return f"--{name.replace('_', '-')} must be at least 1"
    return None


def cmd_build(a: argparse.Namespace) -> int:
    """Check every input and --out before any work; then build."""
    missing = [str(c) for c in a.corpus if not os.path.lexists(c)]
    if missing:
        return _error(f"no such file or folder: {', '.join(missing)}")
    engine = getattr(a, "build_engine", "local")
    if problem := _engine_problem(a, engine):
        return _error(problem)
    built = [str(c) for c in a.corpus if Path(c).is_dir() and corpus.is_build_folder(Path(c))]
    if built:
        return _error(f"{', '.join(built)} holds the tables of a build ({corpus.BUILD_MARKER}), not a corpus")
    try:
        options = _read_options(a)
        pipeline.check_out(a.out, a.corpus)
    except (UsageError, pipeline.OutputError) as e:
        return _error(str(e))
    if a.max_bytes <= 0:
        return _error(f"--max-bytes must be a positive number of bytes, not {a.max_bytes}")
    if getattr(a, "batch_docs", None) is not None and a.batch_docs <= 0:
        return _error(f"--batch-docs must be a positive number of documents, not {a.batch_docs}")
    try:
        pipeline.mark_out(a.out)
    except OSError as e:
        return _error(f"--out {a.out}: cannot create it ({(e.strerror or 'error').lower()})")
    if engine == "dask":
        from analysis import distributed

        try:
            paths = distributed.build_on_dask(
                a.corpus, a.out, scheduler=a.scheduler, workers=a.workers,
                partition_docs=a.partition_docs or distributed.PARTITION_DOCS, options=options,
                random_state=a.random_state, progress=not a.quiet,
                min_confidence=getattr(a, "min_confidence", None))
        except distributed.EngineError as e:
            return _error(str(e))
        print(_summary({k: pl.scan_parquet(v) for k, v in paths.items()}))
        print(f"tables written to {a.out}/ (Parquet and CSV; partitioned Parquet in {a.out}/partitioned/)")
        return 0
    if getattr(a, "batch_docs", None):
        paths = pipeline.build_in_batches(a.corpus, a.out, batch_docs=a.batch_docs, options=options,
                                          random_state=a.random_state, progress=not a.quiet,
                                          min_confidence=getattr(a, "min_confidence", None))
        print(_summary({k: pl.scan_parquet(v) for k, v in paths.items()}))
        print(f"tables written to {a.out}/ (Parquet and CSV)")
        return 0
    tables = pipeline.build_tables(a.corpus, options=options, random_state=a.random_state,
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


def cmd_evaluate(a: argparse.Namespace) -> int:
    from analysis import evaluate

    def fail(message: str) -> int:
        print(f"openness evaluate: {message}", file=sys.stderr)
        return 2

    build = a.build
    if not build.is_dir():
        return fail(f"{build}: no such build folder (make one with: openness build CORPUS --out {build})")
    missing = [n for n in ("documents", "mentions") if not (build / f"{n}.parquet").is_file()]
    if missing:
        return fail(f"{build}: not a build folder: no {', '.join(m + '.parquet' for m in missing)} "
                    f"(make one with: openness build CORPUS --out {build})")
    try:
        tables = {name: schema.conform(df, schema.TABLES[name]) for name, df in
                  schema.read_tables(build, ("documents", "mentions", "narratives")).items()}
    except pl.exceptions.PolarsError as e:
        return fail(f"{build}: unreadable tables: {str(e).splitlines()[0]}")
    try:
        gold = evaluate.read_gold_events(a.gold_events)
        gold_docs = evaluate.read_gold_docs(a.gold_docs) if a.gold_docs else None
        docs = None
        if a.split and not a.docs:
            a.docs = Path("tests/annotations/real_split.csv")
        if a.docs:
            docs = evaluate.read_doc_list(a.docs, a.split)
        ev = evaluate.evaluate(tables, gold, gold_docs, docs=docs, per=a.per, merge_repeats=a.merge_repeats)
    except evaluate.GoldError as e:
        return fail(str(e))
    if a.format == "json":
        print(ev.to_json())
    elif a.format == "md":
        print(ev.to_markdown(limit=a.limit), end="")
    else:
        print(ev.to_text(limit=a.limit))
    o = ev.figures().row(0, named=True)
    for name, floor in (("recall", a.min_recall), ("precision", a.min_precision)):
        if floor is not None and (o[name] is None or o[name] < floor):
            shown = "undefined" if o[name] is None else f"{o[name]:.3f}"
            print(f"openness evaluate: {name} {shown} is below --min-{name} {floor}", file=sys.stderr)
            return 1
    return 0


def _fraction(value: str) -> float:
    x = float(value)
    if not 0 <= x <= 1:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1")
    return x


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
    g = b.add_argument_group("past one machine (needs the optional extra: pip install 'openness-news[dask]')")
    g.add_argument("--engine", dest="build_engine", choices=["local", "dask"], default="local",
                   help="local: this process (default); dask: the per-document stages as partitions on a "
                   "Dask cluster, same tables")
    g.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --engine dask: the scheduler to use, e.g. tcp://host:8786 (default: "
                   "DASK_SCHEDULER_ADDRESS, else a cluster on this machine)")
    g.add_argument("--workers", type=int, metavar="N",
                   help="with --engine dask and no --scheduler: N worker processes on this machine "
                   "(default: one per core)")
    g.add_argument("--partition-docs", type=int, metavar="N",
                   help="with --engine dask: documents per partition, one task each (default: 1000; "
                   "a table of records is one partition)")
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
                       "fixtures, written news and blog posts, the real corpus's dev split; never its test "
                       "split), label them from the annotations under tests/annotations, fit a logistic "
                       "regression with a fixed seed, choose the threshold in the middle of the flat top "
                       "of the cross-validated F1 curve (averaged over ten shuffles of the folds, "
                       "smoothed), and write the scorer as JSON.")
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
    k.add_argument("--dask-workers", type=int, nargs="+", metavar="N",
                   help="also build each size with --engine dask on N local workers (e.g. 1 2), against "
                   "the local engine (needs the dask extra); writes build/bench_dask.json")
    k.add_argument("--dask-only", action="store_true", help="with --dask-workers: only compare the engines")
    k.add_argument("--partition-docs", type=int, default=1000,
                   help="with --dask-workers: documents per partition (default: %(default)s)")
    k.set_defaults(func=cmd_bench)

    e = sub.add_parser(
        "evaluate", help="score a build against hand annotations (precision, recall, dates)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill(
            "Match the mentions of BUILD (a folder written by `openness build`) to the events a reader "
            "annotated in GOLD_EVENTS, and report precision, recall and F1 overall, per language and per "
            "event type; dates right, wrong, missing and invented; with GOLD_DOCS, publication dates and "
            "narratives; and the misses and false hits with their sentences.", 100),
        epilog="""GOLD_EVENTS: CSV, one row per event a document states, columns doc (doc_id, path, file
  name or stem), actor, model (empty: none named), event_type, date (partial ISO or empty); optional:
  status, openness, optional (true: missing it costs nothing), evidence (a passage of the sentence).
GOLD_DOCS: CSV with doc, published, published_precision, narratives, narratives_optional (';'-joined).
Only the documents the gold names are scored; a document in GOLD_DOCS without event rows has none.

A prediction matches a gold row of its document when the event type agrees, the actor agrees or is
the person's organisation, and the model agrees when the gold names one ('Grok' matches 'Grok 3').
Pairs are one to one. Precision leaves out statements; recall leaves out optional rows.

examples:
  openness build my_articles/ --out build
  openness evaluate build my_gold.csv my_gold_docs.csv
  openness evaluate build gold.csv --docs split.csv --split test --format md
  openness evaluate build gold.csv --min-recall 0.5 --min-precision 0.6   # exit 1 below either""")
    e.add_argument("build", type=Path, metavar="BUILD", help="a folder written by openness build")
    e.add_argument("gold_events", type=Path, metavar="GOLD_EVENTS", help="CSV of gold events")
    e.add_argument("gold_docs", type=Path, nargs="?", metavar="GOLD_DOCS",
                   help="CSV of gold documents (publication dates, narratives)")
    e.add_argument("--format", choices=["text", "json", "md"], default="text", help="default: text")
    e.add_argument("--docs", type=Path, metavar="FILE",
                   help="score only these documents: a CSV with a doc column (and optionally split, "
                   "lang) or a text file of one name a line")
    e.add_argument("--split", metavar="NAME",
                   help="with --docs, only its rows whose split is NAME (dev, test); without --docs, "
                   "tests/annotations/real_split.csv")
    e.add_argument("--per", choices=["document", "sentence"], default="document",
                   help="document: one prediction per actor, model and type in a document (as gold "
                   "rows are); sentence: each mention must lie in the gold row's evidence sentence "
                   "(default: document)")
    e.add_argument("--merge-repeats", action="store_true",
                   help="count gold rows of a document with the same actor, model, type and date once "
                   "(gold written one row per mention, scored per document)")
    e.add_argument("--limit", type=int, default=None, metavar="N",
                   help="list at most N misses and false hits (text and md; default: all)")
    e.add_argument("--min-recall", type=_fraction, metavar="X", help="exit 1 when recall is below X")
    e.add_argument("--min-precision", type=_fraction, metavar="X", help="exit 1 when precision is below X")
    e.set_defaults(func=cmd_evaluate)
    return p


def main(argv: list[str] | None = None) -> int:
    a = build_parser().parse_args(argv)
    return a.func(a)


if __name__ == "__main__":
    sys.exit(main())
