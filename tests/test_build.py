"""The build command: same corpus in, same bytes out; a summary; clear errors."""

from __future__ import annotations

import subprocess
import sys

from analysis import cli
from tests.conftest import CORPUS


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
