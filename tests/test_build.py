"""The build command: same corpus in, same bytes out; a summary; clear errors."""

from __future__ import annotations

import subprocess
import sys

import polars as pl

from analysis import cli, corpus, pipeline, schema
from tests.conftest import CORPUS, MAX_BYTES


def test_two_builds_give_byte_identical_tables(tmp_path):
    for out in ("a", "b"):
        assert cli.main(["build", str(CORPUS), "--out", str(tmp_path / out), "-q"]) == 0
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert {"documents.parquet", "sentences.parquet", "documents.csv", "events.parquet"} <= set(names)
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_build_prints_a_summary(tmp_path, capsys, fixture_corpus):
    assert cli.main(["build", str(fixture_corpus), "--out", str(tmp_path), "-q", "--max-bytes", "50000"]) == 0
    out = capsys.readouterr().out
    assert "documents: 18" in out and "duplicate 2" in out and "undecodable 2" in out
    assert "sentences:" in out and "languages:" in out


def test_missing_corpus_is_a_clear_error(tmp_path, capsys):
    assert cli.main(["build", str(tmp_path / "nope"), "--out", str(tmp_path)]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_every_command_has_help():
    for cmd in ([], ["build"], ["report"], ["bench"]):
        r = subprocess.run([sys.executable, "-m", "analysis", *cmd, "--help"], capture_output=True, text=True)
        assert r.returncode == 0 and "usage: openness" in r.stdout


def test_batched_build_gives_the_same_tables_row_for_row(fixture_corpus):
    """Batches of 2 documents: duplicates and repeated ids cross batches; every table must still match."""
    sources = [fixture_corpus, CORPUS]
    options = corpus.ReadOptions(max_bytes=MAX_BYTES)
    whole = pipeline.build_tables(sources, progress=False, options=options)
    batched = pipeline.build_tables(sources, progress=False, options=options, batch_docs=2)
    assert whole["documents"].height == 18 + 5 and whole["mentions"].height > 0
    for name in whole:
        assert batched[name].equals(whole[name]), name


def test_batched_cli_writes_the_same_parquet_and_csv(tmp_path, capsys):
    assert cli.main(["build", str(CORPUS), "--out", str(tmp_path / "b"), "-q", "--batch-docs", "2"]) == 0
    assert "documents: 5 (ok 5)" in capsys.readouterr().out
    assert cli.main(["build", str(CORPUS), "--out", str(tmp_path / "w"), "-q"]) == 0
    for name in schema.TABLES:
        b, w = tmp_path / "b" / name, tmp_path / "w" / name
        assert pl.read_parquet(f"{b}.parquet").equals(pl.read_parquet(f"{w}.parquet")), name
        assert b.with_suffix(".csv").read_text() == w.with_suffix(".csv").read_text(), name
    assert not (tmp_path / "b" / ".parts").exists()


def test_batched_build_of_nothing_gives_empty_tables(tmp_path):
    (tmp_path / "in").mkdir()
    whole = pipeline.build_tables([tmp_path / "in"], progress=False)
    tables = pipeline.build_tables([tmp_path / "in"], progress=False, batch_docs=10)
    for name, cols in schema.TABLES.items():
        assert tables[name].height == 0 and tables[name].columns[: len(cols)] == list(cols), name
        assert tables[name].schema == whole[name].schema, name


def test_report_errors_are_messages_not_tracebacks(tmp_path, capsys):
    code = cli.main(["report", "--corpus", str(CORPUS), "--out", str(tmp_path), "--engine", "quarto",
                     "--qmd", str(tmp_path / "missing.qmd"), "-q"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("openness report: ") and "Traceback" not in err
