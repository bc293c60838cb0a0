"""`--engine dask`: the same tables as the local engine on a LocalCluster the tests start themselves.

One cluster of two worker processes serves the module. The fault tests kill one of its workers in the
middle of a build, and make a stage raise on one document (on an in-process cluster, where the
monkeypatched stage is the workers' too).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from pathlib import Path

import polars as pl
import pytest

from analysis import cli, corpus, events, pipeline, schema
from benchmarks import generate
from tests.conftest import CORPUS, MAX_BYTES, ROOT

distributed = pytest.importorskip("distributed", reason="the Dask engine needs the 'dask' extra")
from analysis import distributed as engine  # noqa: E402  (after the skip: it is the engine under test)

REAL = ROOT / "tests" / "fixtures" / "real"
MARKER = "XYZZY-PLEASE-FAIL"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as c:
        yield c


@pytest.fixture(scope="module")
def client(cluster):
    with distributed.Client(cluster, set_as_default=False) as c:
        yield c


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    """160 synthetic articles as files (with duplicates and broken files), for many small partitions."""
    root = tmp_path_factory.mktemp("dask_corpus")
    generate.write_corpus(generate.generate(160, seed=3), root)
    return root / "files"


def _same_tables(paths: dict[str, Path], local: dict[str, pl.DataFrame]) -> None:
    assert set(paths) == set(schema.TABLES)
    for name, path in paths.items():
        built = pl.read_parquet(path)
        assert built.equals(local[name]), name


def test_partitions_keep_input_order_and_put_a_table_alone():
    names = ("a.txt", "b.txt", "c.txt", "t.jsonl", "d.txt", "e.html")
    files = [corpus.Entry(Path("r"), Path(f"r/{n}")) for n in names]
    parts = engine.partitions(files, 2)
    assert [[e.path.name for e, _ in p] for p in parts] == [["a.txt", "b.txt"], ["c.txt"], ["t.jsonl"],
                                                            ["d.txt", "e.html"]]
    assert engine.partitions([], 5) == [[]]


def test_a_large_parquet_table_is_read_in_ranges_of_records(client, tmp_path):
    """Ranges of 3 records: ids missing (numbered by record), repeated and duplicated across ranges."""
    src = tmp_path / "in"
    src.mkdir()
    texts = [f"Meta released Llama {i} weights on Monday. The model is open." for i in range(6)]
    pl.DataFrame({"id": ["a", None, "a", "b", None, "c", "d"], "text": [*texts, texts[1]]}).write_parquet(
        src / "archive.parquet")
    pl.DataFrame({"body": ["no text column here"] * 5}).write_parquet(src / "other.parquet")
    files = corpus.discover([src])
    assert [r for p in engine.partitions(files, 3) for _, r in p] == [(0, 3), (3, 3), (6, 1), (0, 3), (3, 2)]
    local = pipeline.build_tables([src], progress=False)
    assert local["documents"]["status"].to_list() == ["ok"] * 6 + ["duplicate", "not_text"]
    paths = engine.build_on_dask([src], tmp_path / "out", client=client, partition_docs=3, progress=False)
    _same_tables(paths, local)


def test_same_tables_as_the_local_engine_on_the_bundled_and_real_corpus(client, fixture_corpus, tmp_path):
    """Every status, ids repeated and duplicates across partitions of two documents, real articles."""
    sources = [fixture_corpus, CORPUS, REAL]
    options = corpus.ReadOptions(max_bytes=MAX_BYTES)
    local = pipeline.build_tables(sources, options=options, progress=False)
    assert local["mentions"].height > 50 and local["documents"].height > 40
    paths = engine.build_on_dask(sources, tmp_path, client=client, partition_docs=2, options=options,
                                 progress=False)
    _same_tables(paths, local)
    assert not (tmp_path / ".parts").exists()
    for name in schema.TABLES:  # the partitioned copy holds the same rows
        part = pl.read_parquet(tmp_path / "partitioned" / name / "*.parquet")
        assert part.sort(pl.all()).equals(local[name].sort(pl.all())), name


def test_cli_with_a_scheduler_address_writes_what_the_local_cli_writes(cluster, tmp_path, capsys):
    assert cli.main(["build", str(CORPUS), "--out", str(tmp_path / "l"), "-q"]) == 0
    capsys.readouterr()
    assert cli.main(["build", str(CORPUS), "--out", str(tmp_path / "d"), "-q", "--engine", "dask",
                     "--scheduler", cluster.scheduler_address, "--partition-docs", "2"]) == 0
    assert "documents: 5 (ok 5)" in capsys.readouterr().out
    for name in schema.TABLES:
        d, w = tmp_path / "d" / name, tmp_path / "l" / name
        assert pl.read_parquet(f"{d}.parquet").equals(pl.read_parquet(f"{w}.parquet")), name
        assert d.with_suffix(".csv").read_text() == w.with_suffix(".csv").read_text(), name
    assert len(list((tmp_path / "d" / "partitioned" / "sentences").glob("part-*.parquet"))) == 3


def test_an_empty_corpus_gives_the_local_engines_empty_tables(client, tmp_path):
    (tmp_path / "in").mkdir()
    local = pipeline.build_tables([tmp_path / "in"], progress=False)
    paths = engine.build_on_dask([tmp_path / "in"], tmp_path / "out", client=client, progress=False)
    for name, path in paths.items():
        built = pl.read_parquet(path)
        assert built.height == 0 and built.schema == local[name].schema, name


def test_a_scheduler_that_cannot_be_reached_is_one_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(engine, "CONNECT_TIMEOUT", "1s")
    address = "tcp://127.0.0.1:9"
    assert cli.main(["build", str(CORPUS), "--out", str(tmp_path), "--engine", "dask",
                     "--scheduler", address]) == 2
    err = capsys.readouterr().err
    assert err.startswith("openness: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_dask_options_without_the_dask_engine_are_usage_errors(tmp_path, capsys):
    assert cli.main(["build", str(CORPUS), "--out", str(tmp_path), "--workers", "2"]) == 2
    assert "--workers only with --engine dask" in capsys.readouterr().err
    assert cli.main(["build", str(CORPUS), "--out", str(tmp_path), "--engine", "dask",
                     "--batch-docs", "5"]) == 2
    assert "--partition-docs" in capsys.readouterr().err


def test_a_document_that_fails_on_a_worker_gets_its_status_row(tmp_path, monkeypatch):
    """A stage raising on one document: that document is `failed` with the error in its note; the rest
    of the corpus comes out as if it had not been there, on both engines alike."""
    src = tmp_path / "in"
    src.mkdir()
    for f in sorted(CORPUS.iterdir()):
        (src / f.name).write_bytes(f.read_bytes())
    without = pipeline.build_tables([src], progress=False)
    (src / "zz_bad.txt").write_text(f"Meta released Llama 5 weights on Monday. {MARKER} is here.",
                                    encoding="utf-8")
    extract = events.extract_mentions

    def fragile(sentences, *args, **kwargs):
        if sentences["text"].str.contains(MARKER, literal=True).any():
            raise ValueError("a stage could not handle this document")
        return extract(sentences, *args, **kwargs)

    monkeypatch.setattr(events, "extract_mentions", fragile)
    local = pipeline.build_tables([src], progress=False)
    batched = pipeline.build_tables([src], progress=False, batch_docs=2)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as c, distributed.Client(c) as client:
        paths = engine.build_on_dask([src], tmp_path / "out", client=client, partition_docs=2, progress=False)
    dask = {name: pl.read_parquet(p) for name, p in paths.items()}
    for name in schema.TABLES:
        assert dask[name].equals(local[name]) and batched[name].equals(local[name]), name
    bad = dask["documents"].filter(pl.col("doc_id") == "zz_bad")
    assert bad["status"].to_list() == ["failed"]
    assert "ValueError: a stage could not handle this document" in bad["note"][0]
    assert dask["documents"].filter(pl.col("doc_id") != "zz_bad").equals(without["documents"])
    for name in ("sentences", "mentions", "events", "narratives"):
        assert dask[name].equals(without[name]), name


def test_a_worker_killed_mid_build_is_replaced_and_the_tables_are_complete(client, small_corpus, tmp_path):
    local = pipeline.build_tables([small_corpus], progress=False)
    out = tmp_path / "out"
    result: dict[str, object] = {}

    def build() -> None:
        try:
            result["paths"] = engine.build_on_dask([small_corpus], out, client=client, partition_docs=4,
                                                   progress=False)
        except BaseException as exc:  # reported below, in the test's thread
            result["error"] = exc

    pids_before = client.run(os.getpid)
    thread = threading.Thread(target=build)
    thread.start()
    deadline = time.monotonic() + 300
    while not (out / ".parts" / "documents_000002.parquet").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    victim = sorted(pids_before.values())[0]
    os.kill(victim, signal.SIGKILL)
    assert thread.is_alive(), "the build finished before the worker was killed: nothing was tested"
    assert not (out / "documents.parquet").exists()
    thread.join(timeout=600)
    assert "error" not in result, result.get("error")
    _same_tables(result["paths"], local)  # type: ignore[arg-type]
    client.wait_for_workers(2, timeout=120)
    pids_after = set(client.run(os.getpid).values())
    assert victim not in pids_after and len(pids_after) == 2
