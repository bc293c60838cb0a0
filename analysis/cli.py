"""openness: read AI-openness news into tidy tables, narratives and a report.

Every command has --help. Typical use:

  openness build data/corpus --out build      # the five tables, as Parquet and CSV
  openness build corpus/ --engine dask --scheduler tcp://host:8786   # the same build on a Dask cluster
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
    missing = [str(c) for c in a.corpus if not Path(c).exists()]
    if missing:
        print(f"openness build: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    engine = getattr(a, "build_engine", "local")
    if problem := _engine_problem(a, engine):
        print(f"openness build: {problem}", file=sys.stderr)
        return 2
    if engine == "dask":
        from analysis import distributed

        try:
            paths = distributed.build_on_dask(
                a.corpus, a.out, scheduler=a.scheduler, workers=a.workers,
                partition_docs=a.partition_docs or distributed.PARTITION_DOCS, options=_read_options(a),
                random_state=a.random_state, progress=not a.quiet)
        except distributed.EngineError as e:
            print(f"openness build: {e}", file=sys.stderr)
            return 2
        print(_summary({k: pl.scan_parquet(v) for k, v in paths.items()}))
        print(f"tables written to {a.out}/ (Parquet and CSV; partitioned Parquet in {a.out}/partitioned/)")
        return 0
    if getattr(a, "batch_docs", None):
        paths = pipeline.build_in_batches(a.corpus, a.out, batch_docs=a.batch_docs, options=_read_options(a),
                                          random_state=a.random_state, progress=not a.quiet)
        print(_summary({k: pl.scan_parquet(v) for k, v in paths.items()}))
        print(f"tables written to {a.out}/ (Parquet and CSV)")
        return 0
    tables = pipeline.build_tables(a.corpus, options=_read_options(a), random_state=a.random_state,
                                   progress=not a.quiet)
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
    return p


def main(argv: list[str] | None = None) -> int:
    a = build_parser().parse_args(argv)
    return a.func(a)


if __name__ == "__main__":
    sys.exit(main())
