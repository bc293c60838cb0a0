"""The whole build: corpus in, the five tables out. Each stage is a function from tables to tables."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
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


def build_from_documents(
    docs: pl.DataFrame, *, random_state: int = 0, progress: bool = False, min_confidence: float | None = None
) -> dict[str, pl.DataFrame]:
    """Run the stages after reading, on a frame from `corpus.read_corpus`."""
    log = StageLog(progress and docs.height >= corpus.PROGRESS_MIN_FILES)
    docs = log.run("publication dates", dates.publication_dates, docs)
    docs, sentences = log.run("sentences", text.segment, docs)
    spans = log.run("dates in sentences", dates.extract_dates, sentences, docs)
    ents = log.run("entities", entities.extract_entities, sentences)
    mentions = log.run("event mentions", events.extract_mentions, sentences, docs, spans, ents,
                       min_confidence=min_confidence)
    narr = log.run("narratives", narratives.narratives_table, sentences, random_state=random_state)
    mentions = events.attach_narratives(mentions, narr)
    evts = log.run("events", events.merge_events, mentions, docs)
    return {
        "documents": _documents(docs),
        "sentences": schema.conform(sentences, schema.SENTENCES),
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


# --- a corpus larger than memory ---------------------------------------------------------------------

_MERGE_COLUMNS = ("mention_id", "doc_id", "actor", "model", "event_type", "status", "openness", "date",
                  "date_precision")


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
    parts = out / ".parts"
    shutil.rmtree(parts, ignore_errors=True)
    parts.mkdir()
    log = StageLog(progress)

    def part(name: str, i: int) -> Path:
        return parts / f"{name}_{i:06d}.parquet"

    def write(df: pl.DataFrame, name: str, i: int) -> None:
        df.write_parquet(part(name, i), compression="zstd", statistics=False)

    n_batches, n_sentences = 0, 0
    batches = corpus.iter_corpus(sources, options=options, batch_docs=batch_docs, progress=progress)
    for i, docs in enumerate(batches):
        docs = dates.publication_dates(docs)
        docs, sentences = text.segment(docs)
        spans = dates.extract_dates(sentences, docs)
        ents = entities.extract_entities(sentences)
        mentions = events.extract_mentions(sentences, docs, spans, ents, min_confidence=min_confidence)
        write(_documents(docs), "documents", i)
        write(schema.conform(sentences, schema.SENTENCES), "sentences", i)
        write(schema.conform(mentions, schema.MENTIONS), "mentions_raw", i)
        n_batches, n_sentences = i + 1, n_sentences + sentences.height
    if n_batches == 0:
        tables = {name: schema.empty(s) for name, s in schema.TABLES.items()}
        shutil.rmtree(parts)
        return schema.write_tables(tables, out)

    def scan(name: str) -> pl.LazyFrame:
        return pl.scan_parquet([part(name, i) for i in range(n_batches)])

    est = narratives.NarrativeClusterer(random_state=random_state)
    if n_sentences:
        idx = pl.Series(est.sample_indices(n_sentences), dtype=pl.UInt32)
        sample = (scan("sentences").select("text_norm").with_row_index("i")
                  .filter(pl.col("i").is_in(idx.implode())).collect()["text_norm"])
        log.run("narrative model", est.fit_sample, sample)
        counts = []
        for i in range(n_batches):
            sentences = pl.read_parquet(part("sentences", i), columns=["doc_id", "sentence_idx", "text_norm"])
            assigned = narratives.assignments(sentences, *est.score_samples(sentences["text_norm"]))
            hits = narratives.seed_hits(sentences)
            write(assigned, "assigned", i)
            write(hits, "hits", i)
            counts.append(narratives.cluster_counts(assigned, hits))
        named = narratives.name_clusters(pl.concat(counts))
    for i in range(n_batches):
        mentions = pl.read_parquet(part("mentions_raw", i))
        if n_sentences:
            assigned, hits = pl.read_parquet(part("assigned", i)), pl.read_parquet(part("hits", i))
            narr = narratives.finish_table(assigned, hits, named, est)
            mentions = events.attach_narratives(mentions, narr)
        else:
            narr = schema.empty(schema.NARRATIVES)
        write(schema.conform(narr, schema.NARRATIVES), "narratives", i)
        write(schema.conform(mentions, schema.MENTIONS), "mentions", i)
    merge_input = scan("mentions").select(*_MERGE_COLUMNS).collect()
    published = scan("documents").select("doc_id", "published").collect()
    evts = log.run("events", events.merge_events, merge_input, published)
    written = {}
    for name in schema.TABLES:
        path = out / f"{name}.parquet"
        if name == "events":
            frame = schema.conform(evts, schema.EVENTS).lazy()
        else:
            frame = scan(name)
            if name == "mentions":
                frame = frame.sort("doc_id", "sentence_idx", "actor", "model", "event_type", nulls_last=True)
        frame.sink_parquet(path, compression="zstd", statistics=False)
        if csv:
            schema.csv_ready(pl.scan_parquet(path)).sink_csv(out / f"{name}.csv")
        written[name] = path
    shutil.rmtree(parts)
    return written
