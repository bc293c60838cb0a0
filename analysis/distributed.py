"""The build on a Dask cluster (`openness build --engine dask`): the same tables as the local engine.

It is the partitioned build of `pipeline.build_in_batches`, with its steps run as Dask tasks:

1. The client walks the corpus (`corpus.discover`, a stat walk) and cuts the entries into partitions
   of paths: `partition_docs` files, a table of records alone, or a range of `partition_docs` records
   of a large Parquet table. Workers read their partition themselves, so the text never goes through
   the scheduler.
2. Ids and duplicates need everything read before: `corpus.finalize` runs as a chain of small tasks,
   each taking the state the previous partition left (the ids and text hashes seen so far) and
   passing it on; reading and the per-document stages around it run in parallel. Each partition's
   per-document stages (`pipeline.stage_partition`) write its parts to `OUT/.parts/` on the worker
   and return only two counts.
3. The narrative model is fitted by one task on the seeded sample the local build uses; assigning,
   counting and finishing each partition are tasks; only the cluster counts (a few hundred rows) come
   back, and the clusters are named from their sum on the client.
4. Events are merged by one task from the mentions' key columns; the tables are written by workers,
   as the same single files as the local engine (`OUT/<table>.parquet` and `.csv`) and as partitioned
   Parquet (`OUT/partitioned/<table>/part-00000.parquet`, ...).

Every task writes its files under the same names with the same bytes whenever it runs, so when a worker
is lost Dask recomputes its tasks from their lineage and the output is unchanged. The corpus and OUT
must be on paths every worker (and the client) can reach: a shared filesystem on a real cluster.

Dask is imported here only, and only when this engine is asked for: the local engine does not need it.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import operator
import os
import shutil
import sys
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl
from tqdm import tqdm

from analysis import corpus, pipeline, schema

PARTITION_DOCS = 1000
CONNECT_TIMEOUT = "10s"
WORKER_WAIT_S = 60
PARTITIONED = "partitioned"
EVENTS_PART_ROWS = 100_000
INSTALL_HINT = ("the Dask engine needs the optional extra: pip install 'openness-news[dask]' "
                "(in a checkout: uv sync --extra dask)")


class EngineError(Exception):
    """The cluster cannot be reached or used; the message says which and what to do."""


# --- the cluster ---------------------------------------------------------------------------------------

@contextmanager
def connect(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A `distributed.Client`: to the scheduler at `scheduler`, else to a LocalCluster of `workers`.

    Without either, Dask's own configuration decides (`DASK_SCHEDULER_ADDRESS`), else a LocalCluster
    with one single-threaded worker process per core. A scheduler that does not answer within
    CONNECT_TIMEOUT is an `EngineError` naming its address.
    """
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise EngineError(INSTALL_HINT) from exc
    address = scheduler or dask.config.get("scheduler-address", None)
    if address:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise EngineError(f"cannot reach the Dask scheduler at {address} within {CONNECT_TIMEOUT} "
                              f"({type(exc).__name__}: {exc})") from None
        try:
            try:
                client.wait_for_workers(1, timeout=WORKER_WAIT_S)
            except TimeoutError:
                raise EngineError(f"the Dask scheduler at {address} has no workers "
                                  f"(none joined within {WORKER_WAIT_S} s)") from None
            yield client
        finally:
            client.close()
        return
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=logging.ERROR)
    try:
        with Client(cluster, set_as_default=False) as client:
            yield client
    finally:
        cluster.close()


def _check_paths(client: Any, paths: Sequence[Path]) -> None:
    """Every worker must see the corpus and OUT: fail early, naming the path, rather than read nothing."""
    wanted = [str(p) for p in paths]
    seen = client.run(lambda ps: [os.path.exists(p) for p in ps], wanted)
    for worker, found in sorted(seen.items()):
        for path, ok in zip(wanted, found, strict=True):
            if not ok:
                raise EngineError(f"the worker at {worker} cannot see {path}: the corpus and OUT must be "
                                  "on a filesystem every worker reaches, under the same path")


# --- partitions ----------------------------------------------------------------------------------------

Piece = tuple[corpus.Entry, "tuple[int, int] | None"]  # an entry, and (first record, how many) of a table


def partitions(entries: Sequence[corpus.Entry], partition_docs: int) -> list[list[Piece]]:
    """Consecutive runs of at most `partition_docs` files; a table of records alone, and a Parquet table
    of more than `partition_docs` records cut into ranges of records. Input order kept.

    A corpus with no entries gives one empty partition, as the local build reads one empty batch.
    """
    out: list[list[Piece]] = []
    run: list[Piece] = []
    for entry in entries:
        if entry.problem is None and entry.path.suffix.lower() in corpus.TABLE_SUFFIXES:
            if run:
                out.append(run)
                run = []
            n = _parquet_records(entry.path)
            if n is not None and n > partition_docs:
                out += [[(entry, (start, min(partition_docs, n - start)))]
                        for start in range(0, n, partition_docs)]
            else:
                out.append([(entry, None)])
            continue
        run.append((entry, None))
        if len(run) >= partition_docs:
            out.append(run)
            run = []
    if run or not out:
        out.append(run)
    return out


def _parquet_records(f: Path) -> int | None:
    """Records in a Parquet table, from its footer; None for other files or one that cannot be read."""
    if f.suffix.lower() != ".parquet":
        return None
    try:
        return int(pl.scan_parquet(f).select(pl.len()).collect().item())
    except Exception:  # an unreadable table is read whole, and gets its status row there
        return None


def read_partition(pieces: list[Piece], options: corpus.ReadOptions) -> pl.DataFrame:
    """On a worker: one frame of the partition's documents, read as the local build reads them.

    A range of a Parquet table holds its records only: a row that stands for the whole table (no text
    column) comes with the first range alone.
    """
    if len(pieces) == 1 and (records := pieces[0][1]) is not None:
        rows = corpus._table_rows(pieces[0][0], options, records)
        return rows if records[0] == 0 else rows.filter(pl.col("path").str.contains("#", literal=True))
    with tqdm(disable=True) as bar:
        return next(corpus._batches_of_inputs([e for e, _ in pieces], options, None, bar))


def finalize_partition(raw: pl.DataFrame, seen: corpus._Seen) -> tuple[pl.DataFrame, corpus._Seen]:
    """Ids and duplicates of one partition given what the partitions before it held; the new state.

    The state is copied, never changed in place: a task may run again on the same input.
    """
    state = copy.deepcopy(seen)
    return corpus.finalize(raw, state), state


def publish_partition(parts: pipeline.Parts, i: int, out: Path) -> None:
    """Partition `i` of each per-document table into OUT/partitioned/<table>/part-<i>.parquet."""
    for name in ("documents", "sentences", "narratives", "mentions"):
        frame = parts.read(name, i)
        if name == "mentions":
            frame = frame.sort(*pipeline.MENTIONS_ORDER, nulls_last=True, maintain_order=True)
        pipeline.write_parquet_atomic(frame, out / PARTITIONED / name / f"part-{i:05d}.parquet")


def publish_events(events: pl.DataFrame, out: Path, rows: int = EVENTS_PART_ROWS) -> int:
    """The events table into OUT/partitioned/events/ in parts of `rows` rows (at least one part)."""
    n = max(1, -(-events.height // rows))
    for k in range(n):
        pipeline.write_parquet_atomic(events.slice(k * rows, rows),
                                      out / PARTITIONED / "events" / f"part-{k:05d}.parquet")
    return n


# --- the build -----------------------------------------------------------------------------------------

def build_on_dask(
    sources: Sequence[str | Path],
    out: Path,
    *,
    client: Any = None,
    scheduler: str | None = None,
    workers: int | None = None,
    partition_docs: int = PARTITION_DOCS,
    options: corpus.ReadOptions | None = None,
    random_state: int = 0,
    progress: bool = True,
    csv: bool = True,
    min_confidence: float | None = None,
) -> dict[str, Path]:
    """Build the five tables into `out` on a Dask cluster; the same tables as the local engine.

    `client`: a connected `distributed.Client` to use (else one is made from `scheduler`/`workers`,
    see `connect`). Returns the paths of the single Parquet files, as `pipeline.build_in_batches` does.
    """
    if partition_docs < 1:
        raise ValueError("partition_docs must be at least 1")
    if client is None:
        with connect(scheduler, workers) as c:
            return build_on_dask(sources, out, client=c, partition_docs=partition_docs, options=options,
                                 random_state=random_state, progress=progress, csv=csv,
                                 min_confidence=min_confidence)
    options = options or corpus.ReadOptions()
    out = Path(out).absolute()
    pipeline.check_out(out, sources)
    pipeline.mark_out(out)
    files = [dataclasses.replace(e, root=e.root.absolute(), path=e.path.absolute())
             for e in corpus.discover(sources)]
    parts = pipeline.Parts(out / ".parts")
    shutil.rmtree(parts.root, ignore_errors=True)
    shutil.rmtree(out / PARTITIONED, ignore_errors=True)
    parts.root.mkdir()
    readable = next((e.path for e in files if e.problem is None), None)
    _check_paths(client, [parts.root, *([readable] if readable else [])])
    from distributed import KilledWorker

    try:
        return _run(client, files, out, parts, partition_docs, options, random_state, progress, csv,
                    min_confidence)
    except ModuleNotFoundError as exc:
        raise EngineError(f"a worker cannot import {exc.name!r}: every worker needs openness-news "
                          "installed, the same version as the client") from exc
    except KilledWorker as exc:
        raise EngineError(f"the workers running a task died again and again ({exc}); often a worker "
                          "out of memory: try a smaller --partition-docs, or workers with more memory"
                          ) from exc


def _run(client: Any, files: list[corpus.Entry], out: Path, parts: pipeline.Parts,
         partition_docs: int, options: corpus.ReadOptions, random_state: int, progress: bool,
         csv: bool, min_confidence: float | None = None) -> dict[str, Path]:
    build = uuid.uuid4().hex[:8]  # task keys unique to this build: nothing is reused from another

    def submit(fn: Any, *args: Any, key: str, **kwargs: Any) -> Any:
        return client.submit(fn, *args, key=f"openness-{key}-{build}", **kwargs)

    chunks = partitions(files, partition_docs)
    parts.n = len(chunks)
    log = pipeline.StageLog(progress)
    threads = sum(client.nthreads().values()) or 1
    window = max(4, 3 * threads)  # partitions in flight: memory is bounded by these, not the corpus
    counts: list[tuple[int, int]] = [(0, 0)] * parts.n
    inflight: deque[tuple[int, Any]] = deque()
    bar = tqdm(total=len(files), desc=f"documents on {len(client.nthreads())} Dask workers", unit="file",
               file=sys.stderr, disable=not progress or len(files) < corpus.PROGRESS_MIN_FILES or None)

    def collect() -> None:
        j, fut = inflight.popleft()
        counts[j] = fut.result()
        bar.update(sum(1 for _, r in chunks[j] if r is None or r[0] == 0))

    seen: Any = corpus._Seen()
    with bar:
        for i, chunk in enumerate(chunks):
            raw = submit(read_partition, chunk, options, key=f"read-{i}")
            fin = submit(finalize_partition, raw, seen, key=f"finalize-{i}")
            seen = submit(operator.getitem, fin, 1, key=f"seen-{i}")
            docs = submit(operator.getitem, fin, 0, key=f"docs-{i}")
            inflight.append((i, submit(pipeline.stage_partition, docs, parts, i, min_confidence,
                                           key=f"stages-{i}")))
            del raw, fin, docs
            while len(inflight) >= window:
                collect()
        while inflight:
            collect()
    del seen
    n_sentences = sum(s for _, s in counts)

    est = submit(pipeline.fit_narratives, parts, n_sentences, random_state, key="fit")
    named = None
    if n_sentences:
        cluster_counts = [submit(pipeline.assign_partition, est, parts, i, key=f"assign-{i}")
                          for i in range(parts.n)]
        named = log.run("narrative model and clusters", lambda: pipeline.name_clusters(
            client.gather(cluster_counts)))
        del cluster_counts
    named_f = client.scatter(named) if named is not None else None
    finished = [submit(pipeline.finish_partition, est, named_f, parts, i, key=f"finish-{i}")
                for i in range(parts.n)]
    log.run("narratives", client.gather, finished)  # waits, and raises a task's own error
    del finished, est

    evts = submit(pipeline.merge_events, parts, key="events")
    tables = {name: submit(pipeline.write_table, name, parts, out, csv=csv,
                           frame=evts if name == "events" else None, key=f"write-{name}")
              for name in schema.TABLES}
    published = [submit(publish_events, evts, out, key="publish-events")]
    written = dict(zip(tables, map(Path, log.run("events and tables", client.gather, list(tables.values()))),
                       strict=True))
    client.gather(published)
    published += [submit(publish_partition, parts, i, out, key=f"publish-{i}") for i in range(parts.n)]
    log.run("partitioned tables", client.gather, published)
    shutil.rmtree(parts.root)
    return written

