"""The whole build: corpus in, the five tables out. Each stage is a function from tables to tables."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from analysis import corpus, dates, entities, events, narratives, schema, text


class StageLog:
    """Say on stderr which stage runs and how long it took, so long builds are never silent."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.seconds: dict[str, float] = {}

    def run(self, name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self.enabled:
            print(f"  {name} ...", end="", file=sys.stderr, flush=True)
        t = time.perf_counter()
        out = fn(*args, **kwargs)
        self.seconds[name] = time.perf_counter() - t
        if self.enabled:
            print(f" {self.seconds[name]:.1f} s", file=sys.stderr, flush=True)
        return out


def build_tables(
    sources: Sequence[str | Path],
    *,
    options: corpus.ReadOptions | None = None,
    random_state: int = 0,
    progress: bool = True,
    batch_docs: int | None = None,
    min_confidence: float | None = None,
) -> dict[str, pl.DataFrame]:
    """Read `sources` and run every stage; returns the five tables in contract form.

    With `batch_docs`, documents go through the stages `batch_docs` at a time (see
    `build_in_batches`); the tables are the same, row for row.
    """
    if batch_docs:
        with tempfile.TemporaryDirectory(prefix="openness-") as tmp:
            paths = build_in_batches(sources, Path(tmp), batch_docs=batch_docs, options=options,
                                     random_state=random_state, progress=progress, csv=False,
                                     min_confidence=min_confidence)
            return {name: pl.read_parquet(path) for name, path in paths.items()}
    docs = corpus.read_corpus(sources, options=options, progress=progress)
    return build_from_documents(docs, random_state=random_state, progress=progress,
                                min_confidence=min_confidence)


def _documents(docs: pl.DataFrame) -> pl.DataFrame:
    return schema.conform(docs.drop("text", *[c for c in docs.columns if c.startswith("meta_")]),
                          schema.DOCUMENTS)


def document_stages(
    docs: pl.DataFrame, log: StageLog | None = None, min_confidence: float | None = None
) -> dict[str, pl.DataFrame]:
    """The stages that look at one document at a time, on a frame from `corpus.read_corpus`.

    Publication dates, sentences, dates in sentences, event mentions: documents, sentences and mentions
    (narratives not attached yet) in contract form. Every engine runs these stages through this one
    function, on the whole corpus, a batch or a partition, so a stage added here reaches them all.
    """
    def run(name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return log.run(name, fn, *args, **kwargs) if log is not None else fn(*args, **kwargs)

    docs = run("publication dates", dates.publication_dates, docs)
    docs, sentences = run("sentences", text.segment, docs)
    docs = run("publishers", entities.publishers, docs)
    spans = run("dates in sentences", dates.extract_dates, sentences, docs)
    ents = run("entities", entities.extract_entities, sentences)
    mentions = run("event mentions", events.extract_mentions, sentences, docs, spans, ents,
                   min_confidence=min_confidence)
    return {
        "documents": _documents(docs),
        "sentences": schema.conform(sentences, schema.SENTENCES),
        "mentions": schema.conform(mentions, schema.MENTIONS),
    }


def guarded_document_stages(
    docs: pl.DataFrame, log: StageLog | None = None, min_confidence: float | None = None
) -> dict[str, pl.DataFrame]:
    """`document_stages`, where a document the stages fail on gets status `failed` instead of a crash.

    When the stages raise on a frame, its documents are run again one at a time; those that still
    raise get a documents row with status `failed` and the error in `note`, and no sentences or
    mentions. The others come out as they would have: the stages are per document, so the tables are
    the same as if the failing documents had been left out of the input.
    """
    try:
        return document_stages(docs, log, min_confidence)
    except Exception:  # any error in a stage must cost one document, not the build
        if docs.height == 0:
            raise
    try:
        template = document_stages(docs.clear(), min_confidence=min_confidence)
    except Exception:  # a stage that fails even on no documents: the contract's columns only
        template = {"documents": _documents(docs.clear()), "sentences": schema.empty(schema.SENTENCES),
                    "mentions": schema.empty(schema.MENTIONS)}
    pieces = []
    for i in range(docs.height):
        one = docs.slice(i, 1)
        try:
            pieces.append(document_stages(one, min_confidence=min_confidence))
        except Exception as exc:  # the error goes into the document's note
            note = f"the build failed on this document: {type(exc).__name__}: {exc}"
            failed = _documents(one.with_columns(status=pl.lit("failed"), note=pl.lit(note[:500])))
            pieces.append({"documents": failed})
    return {
        name: pl.concat([_like(p[name], frame) for p in pieces if name in p] or [frame], how="vertical")
        for name, frame in template.items()
    }


def _like(df: pl.DataFrame, template: pl.DataFrame) -> pl.DataFrame:
    """`df` with exactly the columns and types of `template` (missing ones as nulls)."""
    return df.select(
        (pl.col(c) if c in df.columns else pl.lit(None)).cast(t).alias(c) for c, t in template.schema.items()
    )


def build_from_documents(
    docs: pl.DataFrame, *, random_state: int = 0, progress: bool = False, min_confidence: float | None = None
) -> dict[str, pl.DataFrame]:
    """Run the stages after reading, on a frame from `corpus.read_corpus`."""
    log = StageLog(progress and docs.height >= corpus.PROGRESS_MIN_FILES)
    tables = guarded_document_stages(docs, log, min_confidence)
    sentences = tables["sentences"]
    narr = log.run("narratives", narratives.narratives_table, sentences, random_state=random_state)
    mentions = events.attach_narratives(tables["mentions"], narr)
    evts = log.run("events", events.merge_events, mentions, tables["documents"])
    return {
        "documents": tables["documents"],
        "sentences": sentences,
        "mentions": schema.conform(mentions, schema.MENTIONS),
        "events": schema.conform(evts, schema.EVENTS),
        "narratives": schema.conform(narr, schema.NARRATIVES),
    }


# --- where the tables go ----------------------------------------------------------------------------


class OutputError(ValueError):
    """--out cannot take the tables; the message says which folder and why, in one line."""


def check_out(out: Path, sources: Sequence[str | Path] = ()) -> None:
    """Refuse, before any work, an output folder that would fail late or harm the input.

    `out` must not be a file nor lie under one, must be writable (or creatable), and must be neither a
    corpus folder given nor inside one: the tables would overwrite inputs (a corpus' own
    `documents.csv`) and be read back as input by the next build. Raises OutputError.
    """
    out = Path(out)
    target = out.resolve()
    probe = target
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        where = "is a file" if probe == target else f"lies under the file {probe}"
        raise OutputError(f"--out {out} {where}, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(f"--out {out}: cannot write in {probe} (permission denied)")
    for src in sources:
        s = Path(src).resolve()
        if Path(src).is_dir() and (target == s or s in target.parents):
            what = "is the corpus folder" if target == s else f"lies inside the corpus folder {src}"
            raise OutputError(f"--out {out} {what}: the tables would overwrite and mix with the input; "
                              "choose a folder outside it")
        if target == s or target in s.parents:
            # a corpus file inside `out` is allowed, unless a table or the spill folder would replace it
            names = {f"{n}.{ext}" for n in schema.TABLES for ext in ("parquet", "csv")}
            if target == s or (s.parent == target and s.name in names) or target / ".parts" in s.parents:
                raise OutputError(f"--out {out} would overwrite the input {src}; choose another folder")


def mark_out(out: Path) -> None:
    """Create `out` and its marker file, so that no later build reads these tables as input."""
    out.mkdir(parents=True, exist_ok=True)
    (out / corpus.BUILD_MARKER).write_text(
        "This folder holds tables written by openness build; it is never read as input.\n", encoding="utf-8")


# --- a corpus larger than memory: the build in partitions ---------------------------------------------
#
# The steps below are the partitioned build, each a function of the partition's number and the folder
# of parts. `build_in_batches` runs them one after the other; `analysis.distributed` runs the same
# functions as Dask tasks on a cluster. Each writes its parts under the same names with the same bytes
# whenever it runs, so a step run twice (a task recomputed after a worker was lost) is harmless.

_MERGE_COLUMNS = ("mention_id", "doc_id", "actor", "model", "event_type", "status", "openness", "date",
                  "date_precision")
MENTIONS_ORDER = ("doc_id", "sentence_idx", "actor", "model", "event_type")


class Parts:
    """The folder of intermediate tables of a partitioned build: `<root>/<name>_<i>.parquet`."""

    def __init__(self, root: Path, n: int = 0) -> None:
        self.root, self.n = Path(root), n

    def path(self, name: str, i: int) -> Path:
        return self.root / f"{name}_{i:06d}.parquet"

    def write(self, df: pl.DataFrame, name: str, i: int) -> None:
        """Write one part whole or not at all (a temporary name, then an atomic rename)."""
        write_parquet_atomic(df, self.path(name, i))

    def read(self, name: str, i: int, columns: Sequence[str] | None = None) -> pl.DataFrame:
        return pl.read_parquet(self.path(name, i), columns=list(columns) if columns else None)

    def scan(self, name: str) -> pl.LazyFrame:
        return pl.scan_parquet([self.path(name, i) for i in range(self.n)])


def write_parquet_atomic(df: pl.DataFrame, path: Path) -> None:
    """Parquet as the build writes it (zstd, no statistics: same frame, same bytes), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    df.write_parquet(tmp, compression="zstd", statistics=False)
    os.replace(tmp, path)


def stage_partition(
    docs: pl.DataFrame, parts: Parts, i: int, min_confidence: float | None = None
) -> tuple[int, int]:
    """Step 1: the per-document stages of partition `i`; returns its (documents, sentences)."""
    tables = guarded_document_stages(docs, min_confidence=min_confidence)
    parts.write(tables["documents"], "documents", i)
    parts.write(tables["sentences"], "sentences", i)
    parts.write(tables["mentions"], "mentions_raw", i)
    return tables["documents"].height, tables["sentences"].height


def fit_narratives(parts: Parts, n_sentences: int, random_state: int) -> narratives.NarrativeClusterer | None:
    """Step 2a: the narrative model fitted on the unbatched build's seeded sample of sentences."""
    if not n_sentences:
        return None
    est = narratives.NarrativeClusterer(random_state=random_state)
    idx = pl.Series(est.sample_indices(n_sentences), dtype=pl.UInt32)
    sample = (parts.scan("sentences").select("text_norm").with_row_index("i")
              .filter(pl.col("i").is_in(idx.implode())).collect()["text_norm"])
    return est.fit_sample(sample)


def assign_partition(est: narratives.NarrativeClusterer, parts: Parts, i: int) -> pl.DataFrame:
    """Step 2b: clusters and seed hits of partition `i`; returns its cluster counts (small)."""
    sentences = parts.read("sentences", i, ["doc_id", "sentence_idx", "text_norm"])
    assigned = narratives.assignments(sentences, *est.score_samples(sentences["text_norm"]))
    hits = narratives.seed_hits(sentences)
    parts.write(assigned, "assigned", i)
    parts.write(hits, "hits", i)
    return narratives.cluster_counts(assigned, hits)


def name_clusters(counts: Sequence[pl.DataFrame]) -> pl.DataFrame:
    """Step 2c: clusters named from the counts summed over all partitions, as the whole corpus names them."""
    return narratives.name_clusters(pl.concat(list(counts)))


def finish_partition(
    est: narratives.NarrativeClusterer | None, named: pl.DataFrame | None, parts: Parts, i: int
) -> None:
    """Step 2d: the narratives of partition `i`, attached to its mentions."""
    mentions = parts.read("mentions_raw", i)
    if est is not None and named is not None:
        narr = narratives.finish_table(parts.read("assigned", i), parts.read("hits", i), named, est)
        mentions = events.attach_narratives(mentions, narr)
    else:
        narr = schema.empty(schema.NARRATIVES)
    parts.write(schema.conform(narr, schema.NARRATIVES), "narratives", i)
    parts.write(schema.conform(mentions, schema.MENTIONS), "mentions", i)


def merge_events(parts: Parts) -> pl.DataFrame:
    """Step 3a: events merged from the mentions' key columns of every partition."""
    merge_input = parts.scan("mentions").select(*_MERGE_COLUMNS).collect()
    published = parts.scan("documents").select("doc_id", "published").collect()
    return schema.conform(events.merge_events(merge_input, published), schema.EVENTS)


def write_table(name: str, parts: Parts, out: Path, *, csv: bool = True,
                frame: pl.DataFrame | None = None) -> Path:
    """Step 3b: one table streamed from its parts (or `frame`) into `out/<name>.parquet` and `.csv`."""
    path = out / f"{name}.parquet"
    lazy = frame.lazy() if frame is not None else parts.scan(name)
    if name == "mentions" and frame is None:
        lazy = lazy.sort(*MENTIONS_ORDER, nulls_last=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    lazy.sink_parquet(tmp, compression="zstd", statistics=False)
    os.replace(tmp, path)
    if csv:
        tmp_csv = tmp.with_suffix(".csv.tmp")
        schema.csv_ready(pl.scan_parquet(path)).sink_csv(tmp_csv)
        os.replace(tmp_csv, out / f"{name}.csv")
    return path


def build_in_batches(
    sources: Sequence[str | Path],
    out: Path,
    *,
    batch_docs: int,
    options: corpus.ReadOptions | None = None,
    random_state: int = 0,
    progress: bool = True,
    csv: bool = True,
    min_confidence: float | None = None,
) -> dict[str, Path]:
    """Build the five tables into `out` with memory bounded by the batch, not by the corpus.

    1. Each batch of `batch_docs` documents is read (ids and duplicates decided across batches) and
       goes through the stages that look at one document at a time: publication dates, sentences,
       dates, event mentions. The results are written to `out/.parts/`.
    2. The narrative model learns from the same seeded sample of sentences as the unbatched build,
       gathered from the parts, then assigns every part; clusters are named from counts summed over
       the parts, so they get the names the whole corpus gives them.
    3. Events are merged from the mentions' key columns, and every table is streamed from its parts
       into `out/<table>.parquet` (and `.csv` when `csv`).

    Same corpus, same tables as `build_from_documents`, row for row. Returns the Parquet paths.
    """
    check_out(out, sources)
    mark_out(out)
    parts = Parts(out / ".parts")
    shutil.rmtree(parts.root, ignore_errors=True)
    parts.root.mkdir()
    log = StageLog(progress)

    n_sentences = 0
    batches = corpus.iter_corpus(sources, options=options, batch_docs=batch_docs, progress=progress)
    for i, docs in enumerate(batches):
        n_sentences += stage_partition(docs, parts, i, min_confidence)[1]
        parts.n = i + 1
    if parts.n == 0:
        tables = {name: schema.empty(s) for name, s in schema.TABLES.items()}
        shutil.rmtree(parts.root)
        return schema.write_tables(tables, out)
    est = log.run("narrative model", fit_narratives, parts, n_sentences, random_state)
    named = name_clusters([assign_partition(est, parts, i) for i in range(parts.n)]) if est else None
    for i in range(parts.n):
        finish_partition(est, named, parts, i)
    evts = log.run("events", merge_events, parts)
    written = {name: write_table(name, parts, out, csv=csv, frame=evts if name == "events" else None)
               for name in schema.TABLES}
    shutil.rmtree(parts.root)
    return written
