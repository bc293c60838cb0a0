"""`openness bench`: time every stage of the build on synthetic corpora, against the floor.

For each corpus size the runner generates (or reuses) a corpus with `benchmarks.generate`, then measures
it in a fresh Python process, so one size's memory never inflates the next one's peak:

- the floor: reading the Parquet table and one Polars regex pass (`\\w+` counted) over all its text, the
  least any build must do;
- each stage of `pipeline.build_from_documents` (the pipeline's own stage names), plus reading the
  records and what runs between stages, with wall seconds and peak resident memory of that stage alone
  (VmHWM after a reset through /proc/self/clear_refs; where that is refused, the process's peak so far);
- reading the same corpus as files (not part of the build total: the target is the Parquet build);
- precision and recall of the mentions against the planted events, and agreement of the narratives
  with the planted narratives;
- with `--bertopic` (and the `bench` dependency group installed), BERTopic on the same sentences.

Results go to OUT/bench.json (one object per size), a chart of cost against size to OUT/bench.svg and
OUT/bench.html, and a table on stdout. Run it with `python -m benchmarks.run --docs 1000 10000` or
`openness bench --docs 1000`.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import json
import math
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from benchmarks import generate

REPO = Path(__file__).resolve().parent.parent
FLOOR_REGEX = r"\w+"
BERTOPIC_MAX_DOCS = 10_000
PER_SENTENCE_HINTS = ("sentence", "mention", "narrative")
INSTALL_HINT = (
    "BERTopic is not installed; it is optional. `make bench BERTOPIC=1` installs the project's `bench`\n"
    "dependency group (`uv sync --locked --group bench`: BERTopic and PyTorch, a large download) and\n"
    "runs with --bertopic; benchmarks/README.md shows a lighter way with a CPU build of torch."
)


# --- memory ----------------------------------------------------------------------------------------

def peak_rss_mb() -> float:
    """Peak resident memory of this process since the last reset, in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return ru / (1024 * 1024) if sys.platform == "darwin" else ru / 1024


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux), so the next reading is the peak of one stage alone."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


class Probe:
    """Wall seconds and peak memory of named stages, in the order they ran."""

    def __init__(self) -> None:
        self.stages: dict[str, dict[str, float]] = {}
        self.resettable = reset_peak()

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        gc.collect()
        reset_peak()
        t = time.perf_counter()
        try:
            yield
        finally:
            wall = time.perf_counter() - t
            self.stages[name] = {"wall_s": round(wall, 4), "peak_rss_mb": round(peak_rss_mb(), 1)}


# --- quality against the planted truth -------------------------------------------------------------

EVENT_KEY = ["doc_id", "actor", "model", "event_type"]


def event_scores(mentions: pl.DataFrame, truth: pl.DataFrame) -> dict[str, Any]:
    """Precision and recall of distinct (doc_id, actor, model, event_type) against the planted events."""
    found = mentions.select(EVENT_KEY).unique()
    want = truth.select(EVENT_KEY).unique()
    hit = found.join(want, on=EVENT_KEY, how="semi", nulls_equal=True)
    per_type = (
        want.join(hit.with_columns(hit=pl.lit(True)), on=EVENT_KEY, how="left", nulls_equal=True)
        .group_by("event_type").agg(recall=pl.col("hit").fill_null(False).mean()).sort("event_type")
    )
    dated = truth.filter(pl.col("date").is_not_null()).select(*EVENT_KEY, "date").unique()
    same_date = dated.join(mentions.select(*EVENT_KEY, "date").unique(), on=[*EVENT_KEY, "date"], how="semi",
                           nulls_equal=True)
    matched_dated = dated.join(found, on=EVENT_KEY, how="semi", nulls_equal=True)
    return {
        "planted": want.height,
        "found": found.height,
        "matched": hit.height,
        "precision": round(hit.height / found.height, 4) if found.height else None,
        "recall": round(hit.height / want.height, 4) if want.height else None,
        "recall_by_type": {t: round(r, 4) for t, r in per_type.iter_rows()},
        "date_agreement": round(same_date.height / matched_dated.height, 4) if matched_dated.height else None,
    }


def label_agreement(truth: pl.Series, predicted: pl.Series) -> float | None:
    """Adjusted Rand index of two labellings of the same sentences (1 = same partition, 0 = chance)."""
    if truth.len() < 2:
        return None
    from sklearn.metrics import adjusted_rand_score

    return round(float(adjusted_rand_score(truth.to_list(), predicted.to_list())), 4)


def match_sentences(sentences: pl.DataFrame, truth_narratives: pl.DataFrame) -> pl.DataFrame:
    """Planted sentences found in the sentences table: doc_id, sentence_idx, planted narrative.

    A planted sentence is found when a sentence of the same document has the same text (white space at
    the ends aside); sentences that occur twice in a document are matched once.
    """
    truth = truth_narratives.unique(["doc_id", "sentence"], keep="first").rename({"narrative": "planted"})
    sents = sentences.select("doc_id", "sentence_idx", sentence=pl.col("text").str.strip_chars())
    return sents.join(truth, on=["doc_id", "sentence"], how="inner").unique(["doc_id", "sentence"],
                                                                            keep="first")


def narrative_scores(narratives: pl.DataFrame, matched: pl.DataFrame, n_planted: int) -> dict[str, Any]:
    """How the narratives table agrees with the planted narratives, on the planted sentences it holds."""
    both = matched.join(narratives.select("doc_id", "sentence_idx", "narrative"),
                        on=["doc_id", "sentence_idx"], how="inner")
    named = both.filter(pl.col("planted") != "other")
    said = both.filter(pl.col("narrative") != "other")
    return {
        "planted_sentences": n_planted,
        "coverage": round(matched.height / n_planted, 4) if n_planted else None,
        "labelled": both.height,
        "ari": label_agreement(both["planted"], both["narrative"]) if both.height else None,
        "named_recall": round(float((named["narrative"] == named["planted"]).mean()), 4)
        if named.height else None,
        "named_precision": round(float((said["narrative"] == said["planted"]).mean()), 4)
        if said.height else None,
    }


# --- BERTopic ---------------------------------------------------------------------------------------

def bertopic_scores(sentences: pl.DataFrame, matched: pl.DataFrame, random_state: int = 0) -> dict[str, Any]:
    """BERTopic on the same sentences, with TF-IDF + SVD embeddings (no model download), timed."""
    try:
        from bertopic import BERTopic
    except ImportError as exc:
        print(INSTALL_HINT, file=sys.stderr)
        return {"skipped": f"bertopic not importable: {exc}"}
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = sentences["text_norm"].fill_null("").to_list()
    probe = Probe()
    with probe.stage("bertopic"):
        tfidf = TfidfVectorizer(min_df=2, max_df=0.5, sublinear_tf=True).fit_transform(texts)
        emb = TruncatedSVD(n_components=min(100, max(tfidf.shape[1] - 1, 2)),
                           random_state=random_state).fit_transform(tfidf)
        topics, _ = BERTopic(calculate_probabilities=False).fit_transform(texts, embeddings=emb)
    topic = sentences.select("doc_id", "sentence_idx").with_columns(topic=pl.Series(topics, dtype=pl.Int64))
    both = matched.join(topic, on=["doc_id", "sentence_idx"], how="inner")
    return {
        **probe.stages["bertopic"],
        "sentences": len(texts),
        "topics": len(set(topics)),
        "ari": label_agreement(both["planted"], both["topic"].cast(pl.String)) if both.height else None,
    }


# --- one size, measured in this process ----------------------------------------------------------------

def _hooked_stagelog(pipeline: Any, probe: Probe) -> contextlib.AbstractContextManager[bool]:
    """Time the pipeline's own stages by standing in for its StageLog while the build runs."""
    original = getattr(pipeline, "StageLog", None)

    @contextlib.contextmanager
    def hook() -> Iterator[bool]:
        if original is None or not hasattr(original, "run"):
            yield False
            return

        class Timed(original):  # type: ignore[misc, valid-type]
            def run(self, name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
                with probe.stage(name):
                    out = fn(*args, **kwargs)
                self.seconds = {**getattr(self, "seconds", {}), name: probe.stages[name]["wall_s"]}
                return out

        pipeline.StageLog = Timed
        try:
            yield True
        finally:
            pipeline.StageLog = original

    return hook()


def measure(
    root: Path, *, bertopic: bool = False, files: bool = True, random_state: int = 0
) -> dict[str, Any]:
    """Floor, stages, quality (and BERTopic) for the corpus written at `root`."""
    from analysis import corpus, pipeline

    parquet = root / "articles.parquet"
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    floor = Probe()
    with floor.stage("read"):
        frame = pl.read_parquet(parquet, columns=["text"])
    with floor.stage("regex"):
        frame["text"].str.count_matches(FLOOR_REGEX).sum()
    mb = frame["text"].str.len_bytes().sum() / 1e6
    del frame

    probe = Probe()
    t0 = time.perf_counter()
    with probe.stage("read"):
        docs = corpus.read_corpus([parquet], progress=False)
    with _hooked_stagelog(pipeline, probe) as hooked:
        t1 = time.perf_counter()
        tables = pipeline.build_from_documents(docs, random_state=random_state, progress=False)
        build_wall = time.perf_counter() - t1
    total_wall = time.perf_counter() - t0
    tail_peak = peak_rss_mb()
    staged = sum(v["wall_s"] for k, v in probe.stages.items() if k != "read")
    name = "other" if hooked else "build"
    probe.stages[name] = {"wall_s": round(max(build_wall - staged, 0.0), 4),
                          "peak_rss_mb": round(tail_peak, 1)}
    del docs

    truth_events = pl.read_parquet(root / "truth_events.parquet")
    truth_narr = pl.read_parquet(root / "truth_narratives.parquet")
    matched = match_sentences(tables["sentences"], truth_narr)
    result: dict[str, Any] = {
        "docs": manifest["docs"],
        "mb": round(mb, 3),
        "wall_s": round(total_wall, 4),
        "peak_rss_mb": round(max(v["peak_rss_mb"] for v in probe.stages.values()), 1),
        "floor_wall_s": round(sum(v["wall_s"] for v in floor.stages.values()), 4),
        "floor": floor.stages,
        "stages": probe.stages,
        "peak_per_stage": probe.resettable,
        "rows": {k: v.height for k, v in tables.items()},
        "events": event_scores(tables["mentions"], truth_events),
        "narratives": narrative_scores(tables["narratives"], matched,
                                       truth_narr.unique(["doc_id", "sentence"]).height),
    }
    sentences = tables["sentences"] if bertopic else None
    del tables  # the files read below is measured without the built tables in memory
    if files and (root / "files").is_dir():
        probe_files = Probe()
        with probe_files.stage("read_files"):
            n = corpus.read_corpus([root / "files"], progress=False).height
        result["read_files"] = {**probe_files.stages["read_files"], "documents": n}
    if bertopic:
        assert sentences is not None
        result["bertopic"] = bertopic_scores(sentences, matched, random_state)
        nar = next((v for k, v in probe.stages.items() if "narrative" in k), None)
        if "wall_s" in result["bertopic"] and nar and nar["wall_s"] > 0:
            result["bertopic"]["ratio_to_narratives"] = round(result["bertopic"]["wall_s"] / nar["wall_s"], 1)
    return result


# --- a corpus larger than memory: the build in batches ------------------------------------------------

def measure_batched(
    root: Path, batch_docs: int, *, compare: bool = False, random_state: int = 0
) -> dict[str, Any]:
    """The build of `root/files` in batches of `batch_docs` documents: wall, peak memory, planted recall.

    The tables are streamed to `root/batched/` and never held in memory whole (a corpus larger than
    memory stays measurable). With `compare`, the unbatched build of the same files is run too and
    each table is compared row for row.
    """
    from analysis import pipeline

    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    out: dict[str, Any] = {"docs": manifest["docs"], "mb": manifest["mb"], "batch_docs": batch_docs}
    probe = Probe()
    with probe.stage("batched"):
        paths = pipeline.build_in_batches([root / "files"], root / "batched", batch_docs=batch_docs,
                                          random_state=random_state, progress=False, csv=False)
    rows = {k: pl.scan_parquet(v).select(pl.len()).collect().item() for k, v in paths.items()}
    mentions = pl.read_parquet(paths["mentions"], columns=[*EVENT_KEY, "date"])
    out.update(probe.stages["batched"], rows=rows,
               events=event_scores(mentions, pl.read_parquet(root / "truth_events.parquet")))
    del mentions
    if compare:
        with probe.stage("unbatched"):
            whole = pipeline.build_tables([root / "files"], random_state=random_state, progress=False)
        out["unbatched"] = probe.stages["unbatched"]
        out["same_tables"] = {k: pl.read_parquet(paths[k]).equals(whole[k]) for k in whole}
    return out


# --- past one machine: the Dask engine against the local one ---------------------------------------

DASK_PARTITION_DOCS = 1000


def measure_engine(root: Path, engine: str, *, workers: int = 1, partition_docs: int = DASK_PARTITION_DOCS,
                   random_state: int = 0) -> dict[str, Any]:
    """One build of `root/files` into `root/engine_<engine>/`, in this (fresh) process.

    `local`: the default engine (`openness build`), tables in memory then written; `batched`: the local
    engine with `--batch-docs partition_docs` (the algorithm the Dask engine distributes); `dask`: a
    LocalCluster of `workers` single-threaded worker processes, started first (timed apart). Peak memory
    is VmHWM of this process, and with Dask of each worker and of the scheduler too (`client.run`,
    `client.run_on_scheduler`; a LocalCluster's scheduler lives in this process). VmHWM, not getrusage:
    a process started by fork and exec inherits the ru_maxrss of its parent. The Dask tables are
    compared with the local ones, which must have been built before, after the peaks are read.
    """
    from analysis import pipeline, schema

    files = root / "files"
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    res: dict[str, Any] = {"docs": manifest["docs"], "mb": manifest["mb"], "engine": engine}
    if engine == "local":
        t = time.perf_counter()
        tables = pipeline.build_tables([files], random_state=random_state, progress=False)
        schema.write_tables(tables, root / "engine_local")
        res.update(wall_s=round(time.perf_counter() - t, 3), peak_rss_mb=round(peak_rss_mb(), 1))
        return res
    if engine == "batched":
        t = time.perf_counter()
        pipeline.build_in_batches([files], root / "engine_batched", batch_docs=partition_docs,
                                  random_state=random_state, progress=False)
        res.update(wall_s=round(time.perf_counter() - t, 3), peak_rss_mb=round(peak_rss_mb(), 1),
                   partition_docs=partition_docs)
        return res
    import logging

    from distributed import Client, LocalCluster

    from analysis import distributed

    t = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        start = time.perf_counter() - t
        dest = root / f"engine_dask{workers}"
        t = time.perf_counter()
        paths = distributed.build_on_dask([files], dest, client=client, partition_docs=partition_docs,
                                          random_state=random_state, progress=False)
        wall = time.perf_counter() - t
        worker_peaks = client.run(peak_rss_mb)
        scheduler_peak = client.run_on_scheduler(peak_rss_mb)
    res.update(workers=workers, partition_docs=partition_docs, wall_s=round(wall, 3),
               cluster_start_s=round(start, 3), client_peak_rss_mb=round(peak_rss_mb(), 1),
               scheduler_peak_rss_mb=round(scheduler_peak, 1),
               worker_peak_rss_mb=[round(v, 1) for _, v in sorted(worker_peaks.items())],
               scheduler_in_client=True)
    local = root / "engine_local"
    res["same_tables"] = {name: pl.read_parquet(path).equals(pl.read_parquet(local / f"{name}.parquet"))
                          for name, path in paths.items()}
    return res


def _engine_in_child(root: Path, engine: str, workers: int, partition_docs: int,
                     random_state: int) -> dict[str, Any]:
    res = root / f"result_{engine}{workers if engine == 'dask' else ''}.json"
    res.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "benchmarks.run", "--measure-engine", engine, "--measure", str(root),
           "--result", str(res), "--workers", str(workers), "--partition-docs", str(partition_docs),
           "--random-state", str(random_state)]
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    proc = subprocess.run(cmd, cwd=REPO, env={**os.environ, "PYTHONPATH": path}, check=False)
    if proc.returncode != 0 or not res.exists():
        raise RuntimeError(f"measuring the {engine} engine on {root} failed (exit {proc.returncode})")
    return json.loads(res.read_text(encoding="utf-8"))


def run_engines(args: argparse.Namespace, out: Path, seed: int) -> list[dict[str, Any]]:
    """`--dask-workers N...`: per size, the local engine, the batched one and Dask with N workers.

    Each build runs in a fresh process, from the same files; figures to OUT/bench_dask.json and
    OUT/bench_dask.md, with wall time and peak memory as ratios to the local engine's.
    """
    partition_docs = int(getattr(args, "partition_docs", None) or DASK_PARTITION_DOCS)
    random_state = int(getattr(args, "random_state", 0))
    results = []
    for n in args.docs:
        if n > generate.CHUNK:
            print(f"{n:,} articles: the Dask comparison builds the local engine in memory too; "
                  f"skipped above {generate.CHUNK:,}", file=sys.stderr)
            continue
        root = out / "bench" / f"corpus_{n}_seed{seed}"
        generate.ensure_corpus(root, n, seed, files=True)
        local = _engine_in_child(root, "local", 1, partition_docs, random_state)
        batched = _engine_in_child(root, "batched", 1, partition_docs, random_state)
        dask = [_engine_in_child(root, "dask", w, partition_docs, random_state) for w in args.dask_workers]
        row = {"docs": n, "mb": local["mb"], "local": local, "batched": batched, "dask": dask}
        results.append(row)
        print(format_engines(row), flush=True)
    (out / "bench_dask.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    (out / "bench_dask.md").write_text(engines_markdown(results), encoding="utf-8")
    return results


def _workers(d: dict[str, Any]) -> str:
    return f"{d['workers']} worker" + ("s" if d["workers"] > 1 else "")


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def format_engines(row: dict[str, Any]) -> str:
    """One size: each engine's wall time and peak memory, and their ratios to the local engine."""
    loc, bat = row["local"], row["batched"]
    lines = [f"\n{row['docs']:,} articles ({row['mb']:.0f} MB) from files, engines:",
             f"  local:   {loc['wall_s']:.1f} s, peak {loc['peak_rss_mb']:.0f} MB",
             f"  batched ({bat['partition_docs']:,} per batch): {bat['wall_s']:.1f} s "
             f"({_ratio(bat['wall_s'], loc['wall_s'])}), peak {bat['peak_rss_mb']:.0f} MB "
             f"({_ratio(bat['peak_rss_mb'], loc['peak_rss_mb'])})"]
    for d in row["dask"]:
        same = all(d["same_tables"].values())
        peaks = ", ".join(f"{p:.0f}" for p in d["worker_peak_rss_mb"])
        lines.append(
            f"  dask, {_workers(d)} ({d['partition_docs']:,} per partition): "
            f"{d['wall_s']:.1f} s ({_ratio(d['wall_s'], loc['wall_s'])} the local engine; cluster start "
            f"{d['cluster_start_s']:.1f} s more), scheduler+client peak {d['scheduler_peak_rss_mb']:.0f} MB "
            f"({_ratio(d['scheduler_peak_rss_mb'], loc['peak_rss_mb'])}), worker peaks {peaks} MB "
            f"({_ratio(max(d['worker_peak_rss_mb']), loc['peak_rss_mb'])} for the largest); "
            f"same tables as local: {'yes, all five' if same else d['same_tables']}")
    return "\n".join(lines)


def engines_markdown(results: list[dict[str, Any]]) -> str:
    """The engines' figures as one Markdown table."""
    rows = ["| articles | engine | wall | x local | peak memory | x local | same tables |",
            "|---:|---|---:|---:|---:|---:|---|"]
    for r in results:
        loc, bat = r["local"], r["batched"]
        rows.append(f"| {r['docs']:,} | local | {loc['wall_s']:.1f} s | 1.00x | {loc['peak_rss_mb']:,.0f} MB "
                    "| 1.00x | (reference) |")
        rows.append(f"| {r['docs']:,} | local, --batch-docs {bat['partition_docs']:,} | "
                    f"{bat['wall_s']:.1f} s | "
                    f"{_ratio(bat['wall_s'], loc['wall_s'])} | {bat['peak_rss_mb']:,.0f} MB | "
                    f"{_ratio(bat['peak_rss_mb'], loc['peak_rss_mb'])} | |")
        for d in r["dask"]:
            same = "yes" if all(d["same_tables"].values()) else "NO"
            peaks = " / ".join(f"{p:,.0f}" for p in d["worker_peak_rss_mb"])
            rows.append(
                f"| {r['docs']:,} | dask, {_workers(d)} | {d['wall_s']:.1f} s "
                f"(+{d['cluster_start_s']:.1f} s start) | {_ratio(d['wall_s'], loc['wall_s'])} | "
                f"scheduler {d['scheduler_peak_rss_mb']:,.0f} MB, workers {peaks} MB | "
                f"{_ratio(d['scheduler_peak_rss_mb'], loc['peak_rss_mb'])}, "
                f"{_ratio(max(d['worker_peak_rss_mb']), loc['peak_rss_mb'])} | {same} |")
    return "\n".join(rows) + "\n"


# --- the command ----------------------------------------------------------------------------------------

def _measure_in_child(root: Path, bertopic: bool, random_state: int) -> dict[str, Any]:
    """Run `measure` in a fresh interpreter, so each size starts from an empty heap."""
    out = root / "result.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "benchmarks.run", "--measure", str(root), "--result", str(out),
           "--random-state", str(random_state)] + (["--bertopic"] if bertopic else [])
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    proc = subprocess.run(cmd, cwd=REPO, env=env, check=False)
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"measuring {root} failed (exit {proc.returncode})")
    return json.loads(out.read_text(encoding="utf-8"))


def _run_batched(args: argparse.Namespace, out: Path, seed: int) -> int:
    """`--batch-docs N`: each size built from files in batches; figures to OUT/bench_batched.json."""
    results = []
    for n in args.docs:
        root = out / "bench" / f"corpus_{n}_seed{seed}"
        t = time.perf_counter()
        manifest = generate.ensure_corpus(root, n, seed, files=True)
        print(f"corpus of {n:,} articles ({manifest['mb']} MB, {manifest['files']:,} files) ready in "
              f"{time.perf_counter() - t:.1f} s at {root}", file=sys.stderr, flush=True)
        res = root / "result_batched.json"
        res.unlink(missing_ok=True)
        cmd = [sys.executable, "-m", "benchmarks.run", "--measure-batched", str(root), "--result", str(res),
               "--batch-docs", str(args.batch_docs)] + (["--compare"] if args.compare else [])
        path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
        proc = subprocess.run(cmd, cwd=REPO, env={**os.environ, "PYTHONPATH": path}, check=False)
        if proc.returncode != 0 or not res.exists():
            print(f"measuring {root} in batches failed (exit {proc.returncode})", file=sys.stderr)
            return 1
        r = json.loads(res.read_text(encoding="utf-8"))
        results.append(r)
        if "skipped" in r:
            print(f"{n:,} articles in batches of {args.batch_docs:,}: skipped ({r['skipped']})")
            continue
        e = r["events"]
        print(f"{n:,} articles ({r['mb']:.0f} MB) from files in batches of {args.batch_docs:,}: "
              f"{r['wall_s']:.1f} s, {r['mb'] / r['wall_s']:.1f} MB/s, {n / r['wall_s']:,.0f} articles/s, "
              f"peak {r['peak_rss_mb']:.0f} MB; planted events precision {e['precision']}, "
              f"recall {e['recall']}" + (f"; same tables as unbatched: {r['same_tables']}"
                                         if "same_tables" in r else ""))
    (out / "bench_batched.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


def slope(xs: list[float], ys: list[float]) -> float | None:
    """Least-squares slope of log(y) against log(x): 1 is linear growth, 2 quadratic."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len({p[0] for p in pts}) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return round(sum((p[0] - mx) * (p[1] - my) for p in pts) / den, 3)


def _walls(results: list[dict[str, Any]]) -> dict[str, list[float]]:
    names = [k for k in results[0]["stages"] if all(k in r["stages"] for r in results)] if results else []
    out = {k: [r["stages"][k]["wall_s"] for r in results] for k in names}
    out["whole build"] = [r["wall_s"] for r in results]
    out["floor"] = [r["floor_wall_s"] for r in results]
    return out


def slopes(results: list[dict[str, Any]]) -> dict[str, float | None]:
    """Slope of cost against corpus size over all sizes, per stage, for the whole build and the floor."""
    docs = [r["docs"] for r in results]
    return {k: slope(docs, walls) for k, walls in _walls(results).items()}


def segment_slopes(results: list[dict[str, Any]]) -> dict[str, list[float | None]]:
    """The same slope between each size and the next (1k to 10k, 10k to 100k): where growth bends."""
    docs = [r["docs"] for r in results]
    return {k: [slope(docs[i:i + 2], walls[i:i + 2]) for i in range(len(docs) - 1)]
            for k, walls in _walls(results).items()}


def slope_table(results: list[dict[str, Any]]) -> str:
    """Stage by stage: the slope between consecutive sizes and the fit over all (1 = linear)."""
    docs = [f"{r['docs']:,}" for r in results]
    steps = [f"{a} to {b}" for a, b in itertools.pairwise(docs)]
    fit, seg = slopes(results), segment_slopes(results)

    def f(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.2f}"

    lines = ["| stage | " + " | ".join(steps) + " | fit over all |", "|---|" + "---:|" * (len(steps) + 1)]
    lines += [f"| {k} | " + " | ".join(map(f, seg[k])) + f" | {f(fit[k])} |" for k in fit]
    return "\n".join(lines)


def format_result(r: dict[str, Any]) -> str:
    """One size as a table: wall seconds, MB/s, articles/s, peak MB and the ratio to the floor."""
    floor = r["floor_wall_s"] or float("nan")
    parts = r["floor"]
    head = (f"\n{r['docs']:,} articles, {r['mb']:.1f} MB of text; floor {floor:.3f} s "
            f"(read {parts['read']['wall_s']:.3f} s + one regex pass {parts['regex']['wall_s']:.3f} s)")
    lines = [head, f"{'stage':<22}{'wall s':>9}{'MB/s':>9}{'articles/s':>12}{'peak MB':>9}{'x floor':>9}"]

    def row(name: str, wall: float, peak: float) -> str:
        if wall < 0.001:  # below the clock's use: rates would only be noise
            return f"{name:<22}{wall:>9.3f}{'-':>9}{'-':>12}{peak:>9.0f}{wall / floor:>9.1f}"
        rate, per = r["mb"] / wall, r["docs"] / wall
        return f"{name:<22}{wall:>9.3f}{rate:>9.1f}{per:>12,.0f}{peak:>9.0f}{wall / floor:>9.1f}"

    for name, v in r["stages"].items():
        lines.append(row(name, v["wall_s"], v["peak_rss_mb"]))
    lines.append(row("whole build", r["wall_s"], r["peak_rss_mb"]))
    if "read_files" in r:
        f = r["read_files"]
        lines.append(row("(read as files)", f["wall_s"], f["peak_rss_mb"]))
    e, n = r["events"], r["narratives"]
    lines.append(f"planted events: precision {e['precision']}, recall {e['recall']} "
                 f"({e['matched']} of {e['planted']} planted, {e['found']} found); "
                 f"dates agree on {e['date_agreement']} of matched dated events")
    lines.append(f"planted narratives: ARI {n['ari']}, named recall {n['named_recall']}, "
                 f"named precision {n['named_precision']}, sentences found {n['coverage']}")
    if b := r.get("bertopic"):
        if "skipped" in b:
            lines.append(f"BERTopic: skipped ({b['skipped']})")
        else:
            lines.append(f"BERTopic: {b['wall_s']:.1f} s on {b['sentences']:,} sentences, "
                         f"{b['topics']} topics, ARI {b['ari']}; "
                         f"{b.get('ratio_to_narratives')}x the narratives stage")
    return "\n".join(lines)


def targets(results: list[dict[str, Any]]) -> list[str]:
    """The issue's targets, each with the measured figure and whether it is met."""
    lines = []
    for r in results:
        if r["docs"] >= 100_000:
            lines.append(f"{r['docs']:,} articles from Parquet, whole build {r['wall_s']:.1f} s "
                         f"(target <= 60 s): {'met' if r['wall_s'] <= 60 else 'NOT met'}")
            lines.append(f"{r['docs']:,} articles, peak memory {r['peak_rss_mb']:.0f} MB "
                         f"(target <= 4096 MB): {'met' if r['peak_rss_mb'] <= 4096 else 'NOT met'}")
    if results:
        r = results[-1]
        floor = r["floor_wall_s"]
        for name, v in r["stages"].items():
            if floor > 0 and any(h in name for h in PER_SENTENCE_HINTS):
                x = v["wall_s"] / floor
                lines.append(f"{name} at {r['docs']:,} articles: {x:.1f}x the floor (target <= 10x): "
                             f"{'met' if x <= 10 else 'NOT met'}")
    for r in results:
        b = r.get("bertopic") or {}
        if r["docs"] == BERTOPIC_MAX_DOCS and "ratio_to_narratives" in b:
            ours, theirs = r["narratives"]["ari"], b["ari"]
            ok = b["ratio_to_narratives"] >= 20 and ours is not None and theirs is not None and ours >= theirs
            lines.append(f"narratives vs BERTopic at {r['docs']:,} articles: {b['ratio_to_narratives']}x "
                         f"faster (target >= 20x), ARI {ours} vs {theirs} (target: at least equal): "
                         f"{'met' if ok else 'NOT met'}")
    return lines


def figures_markdown(results: list[dict[str, Any]]) -> str:
    """The figures as Markdown tables (seconds, and ratio to the floor), for the README and notes."""
    names = list(dict.fromkeys(k for r in results for k in r["stages"]))
    head = "| stage | " + " | ".join(f"{r['docs']:,} articles ({r['mb']:.0f} MB)" for r in results) + " |"
    rule = "|---|" + "---:|" * len(results)

    def cell(v: dict[str, float] | None, floor: float) -> str:
        if v is None:
            return ""
        return f"{v['wall_s']:.2f} s, {v['wall_s'] / floor:.1f}x, {v['peak_rss_mb']:,.0f} MB"

    rows = ["| floor (read + one regex) | " + " | ".join(f"{r['floor_wall_s']:.2f} s" for r in results)
            + " |"]
    rows += [f"| {n} | " + " | ".join(cell(r["stages"].get(n), r["floor_wall_s"]) for r in results) + " |"
             for n in names]
    rows.append("| **whole build** | " + " | ".join(
        f"**{r['wall_s']:.1f} s**, {r['mb'] / r['wall_s']:.1f} MB/s, "
        f"{r['docs'] / r['wall_s']:,.0f} articles/s, peak {r['peak_rss_mb']:,.0f} MB" for r in results)
        + " |")
    if any("read_files" in r for r in results):
        rows.append("| (read as files) | " + " | ".join(
            cell(r.get("read_files"), r["floor_wall_s"]) for r in results) + " |")
    rows.append("| planted events: precision / recall | " + " | ".join(
        f"{r['events']['precision']} / {r['events']['recall']}" for r in results) + " |")
    rows.append("| planted narratives: ARI / named recall / named precision | " + " | ".join(
        f"{r['narratives']['ari']} / {r['narratives']['named_recall']} / {r['narratives']['named_precision']}"
        for r in results) + " |")
    if any("wall_s" in (r.get("bertopic") or {}) for r in results):
        rows.append("| BERTopic: seconds / ARI / times the narratives stage | " + " | ".join(
            f"{b['wall_s']:.1f} s / {b['ari']} / {b.get('ratio_to_narratives')}x"
            if "wall_s" in (b := r.get("bertopic") or {}) else "" for r in results) + " |")
    text = "\n".join([head, rule, *rows])
    if len(results) > 1:
        text += "\n\nSlope of log(wall) against log(articles) (1 = linear):\n\n" + slope_table(results)
    return text + "\n"


def chart(results: list[dict[str, Any]]) -> Any:
    """Wall seconds against corpus size, one line per stage, the whole build and the floor (log-log)."""
    import altair as alt

    rows = [{"docs": r["docs"], "stage": k, "wall_s": max(v["wall_s"], 1e-4)}
            for r in results for k, v in r["stages"].items()]
    rows += [{"docs": r["docs"], "stage": "whole build", "wall_s": r["wall_s"]} for r in results]
    rows += [{"docs": r["docs"], "stage": "floor", "wall_s": max(r["floor_wall_s"], 1e-4)} for r in results]
    order = list(dict.fromkeys(row["stage"] for row in rows))
    return (
        alt.Chart(alt.Data(values=rows), title="Cost against corpus size")
        .mark_line(point=True)
        .encode(
            x=alt.X("docs:Q", scale=alt.Scale(type="log"), title="articles", axis=alt.Axis(format="~s")),
            y=alt.Y("wall_s:Q", scale=alt.Scale(type="log"), title="wall seconds"),
            color=alt.Color("stage:N", title="stage", sort=order),
            size=alt.condition(alt.datum.stage == "whole build", alt.value(3), alt.value(1.5)),
            strokeDash=alt.condition(alt.datum.stage == "floor", alt.value([4, 3]), alt.value([1, 0])),
            tooltip=["stage:N", "docs:Q", "wall_s:Q"],
        )
        .properties(width=520, height=320)
    )


def save_chart(results: list[dict[str, Any]], out: Path) -> list[Path]:
    """bench.svg and a self-contained bench.html (no script fetched from the network)."""
    import vl_convert as vlc

    spec = chart(results).to_dict()
    svg, html = out / "bench.svg", out / "bench.html"
    svg.write_text(vlc.vegalite_to_svg(spec, allowed_base_urls=[]), encoding="utf-8")
    html.write_text(vlc.vegalite_to_html(spec, bundle=True), encoding="utf-8")
    return [svg, html]


def main(args: argparse.Namespace) -> int:
    """Generate, measure in fresh processes, print, and write OUT/bench.json and the chart."""
    out = Path(args.out)
    seed = int(getattr(args, "seed", 0))
    want_bertopic = bool(getattr(args, "bertopic", False))
    random_state = int(getattr(args, "random_state", 0))
    keep_files = not getattr(args, "no_files", False)
    out.mkdir(parents=True, exist_ok=True)
    if getattr(args, "batch_docs", None):
        return _run_batched(args, out, seed)
    dask_workers = getattr(args, "dask_workers", None)
    if getattr(args, "dask_only", False) and dask_workers:
        return 0 if run_engines(args, out, seed) else 2
    results = []
    for n in args.docs:
        if n > generate.CHUNK:
            print(f"{n:,} articles: above {generate.CHUNK:,} the corpus is written as files only; "
                  "measure it with --batch-docs", file=sys.stderr)
            continue
        root = out / "bench" / f"corpus_{n}_seed{seed}"
        t = time.perf_counter()
        manifest = generate.ensure_corpus(root, n, seed, files=keep_files)
        print(f"corpus of {n:,} articles ({manifest['mb']} MB, {manifest['files']:,} files) ready in "
              f"{time.perf_counter() - t:.1f} s at {root}", file=sys.stderr, flush=True)
        bertopic = want_bertopic and n <= BERTOPIC_MAX_DOCS
        if want_bertopic and not bertopic:
            print(f"BERTopic skipped at {n:,} articles (above {BERTOPIC_MAX_DOCS:,}: it did not finish "
                  "in 600 s at 100k)", file=sys.stderr)
        result = _measure_in_child(root, bertopic, random_state)
        results.append(result)
        print(format_result(result), flush=True)
    if not results:
        return 2
    text = json.dumps(results, indent=1, ensure_ascii=False) + "\n"
    (out / "bench.json").write_text(text, encoding="utf-8")
    if len(results) > 1:
        print("\nslope of log(wall) against log(articles) (1 = linear), between sizes and over all:")
        print(slope_table(results))
    if lines := targets(results):
        print("\ntargets:\n  " + "\n  ".join(lines))
    (out / "bench.md").write_text(figures_markdown(results), encoding="utf-8")
    written = [out / "bench.json", out / "bench.md"]
    try:
        written += save_chart(results, out)
    except Exception as exc:  # the figures matter more than the picture
        print(f"chart not drawn: {exc}", file=sys.stderr)
    if dask_workers and run_engines(args, out, seed):
        written += [out / "bench_dask.json", out / "bench_dask.md"]
    print("\nwritten: " + ", ".join(map(str, written)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--docs", type=int, nargs="+", default=[1000, 10000, 100000])
    p.add_argument("--out", type=Path, default=Path("build"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--random-state", type=int, default=0, help="seed of the narrative model")
    p.add_argument("--bertopic", action="store_true")
    p.add_argument("--no-files", action="store_true", help="write and read only the Parquet form")
    p.add_argument("--batch-docs", type=int, help="build from files in batches of this many documents "
                   "(a corpus larger than memory); writes OUT/bench_batched.json")
    p.add_argument("--compare", action="store_true", help="with --batch-docs: also build unbatched and "
                   "compare the tables row for row")
    p.add_argument("--dask-workers", type=int, nargs="+", metavar="N",
                   help="also build each size with the Dask engine on N local workers (e.g. 1 2), beside "
                   "the local engine; writes OUT/bench_dask.json")
    p.add_argument("--dask-only", action="store_true", help="with --dask-workers: only the engines")
    p.add_argument("--partition-docs", type=int, default=DASK_PARTITION_DOCS,
                   help="documents per Dask partition and per local batch (default: %(default)s)")
    p.add_argument("--measure-engine", choices=["local", "batched", "dask"], help=argparse.SUPPRESS)
    p.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--measure-batched", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    return p


def cli(argv: list[str] | None = None) -> int:
    a = build_parser().parse_args(argv)
    if a.measure_batched:
        result = measure_batched(a.measure_batched, a.batch_docs, compare=a.compare,
                                 random_state=a.random_state)
        a.result.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        return 0
    if a.measure_engine:
        result = measure_engine(a.measure, a.measure_engine, workers=a.workers,
                                partition_docs=a.partition_docs, random_state=a.random_state)
        a.result.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        return 0
    if a.measure:
        result = measure(a.measure, bertopic=a.bertopic, random_state=a.random_state)
        text = json.dumps(result, indent=1, ensure_ascii=False) + "\n"
        if a.result:
            a.result.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    return main(a)


if __name__ == "__main__":
    raise SystemExit(cli())
