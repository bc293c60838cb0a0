"""Hostile input: every record and filesystem entry gets a row, work per document is bounded, output is safe.

Each test is one reproduction of issue 10 (or its class): the rows and notes it must give, never a crash.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from analysis import cli, corpus, events, text
from benchmarks import bounded

GOOD = ["Mistral AI released new open weights. They are free to use.",
        "OpenAI released gpt-oss-120b on Tuesday. It has open weights.",
        "Google released Gemma under an open licence. Developers like it."]


def read(*paths: Path, **kw) -> pl.DataFrame:
    return corpus.read_corpus(list(paths), options=corpus.ReadOptions(**kw), progress=False)


def rows(docs: pl.DataFrame) -> list[tuple]:
    return docs.select("path", "status").rows()


def note_of(docs: pl.DataFrame, path: str) -> str:
    return docs.filter(pl.col("path") == path)["note"].item()


def assert_slices(docs: pl.DataFrame) -> None:
    """Every sentence is its document's text at its offsets, and points into an ok document."""
    docs, sents = text.segment(docs)
    texts = dict(docs.select("doc_id", "text").iter_rows())
    for d, a, b, t in sents.select("doc_id", "char_start", "char_end", "text").iter_rows():
        assert texts[d] is not None and texts[d][a:b] == t


# --- 1. records isolated -------------------------------------------------------------------------

def test_a_bad_quote_costs_one_csv_record(tmp_path):
    (tmp_path / "q.csv").write_text(
        f'id,text\nc1,"{GOOD[0]}"\nc2,"He said "hi" to them all"\nc3,"{GOOD[1]}"\n', encoding="utf-8")
    docs = read(tmp_path)
    assert rows(docs) == [("q.csv#0", "ok"), ("q.csv#1", "undecodable"), ("q.csv#2", "ok")]
    assert note_of(docs, "q.csv#1").startswith("line 3: a quote")
    assert docs.filter(pl.col("status") == "ok")["doc_id"].to_list() == ["c1", "c3"]


def test_an_unclosed_quote_does_not_swallow_the_records_after_it(tmp_path):
    (tmp_path / "u.csv").write_text(
        f'id,text\nc1,"{GOOD[0]}"\nc2,"never closed\nc3,"{GOOD[1]}"\nc4,"{GOOD[2]}"\n', encoding="utf-8")
    docs = read(tmp_path)
    assert docs.filter(pl.col("status") == "ok")["doc_id"].to_list() == ["c1", "c3", "c4"]
    assert docs.filter(pl.col("status") != "ok")["note"].item().startswith("line 3: ")


def test_a_ragged_row_costs_one_record_and_says_how_many_fields(tmp_path):
    (tmp_path / "r.csv").write_text(f'id,text\nc1,"{GOOD[0]}"\nc2,a,b,c\nc3,"{GOOD[1]}"\n', encoding="utf-8")
    docs = read(tmp_path)
    assert rows(docs) == [("r.csv#0", "ok"), ("r.csv#1", "undecodable"), ("r.csv#2", "ok")]
    assert note_of(docs, "r.csv#1") == "line 3: 4 fields where the header has 2"


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_the_csv_separator_is_sniffed_from_the_header(tmp_path, sep):
    lines = [sep.join(["id", "text", "source"]),
             *(sep.join([f"c{i}", f'"{t}"', "AFP"]) for i, t in enumerate(GOOD))]
    (tmp_path / "s.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = read(tmp_path)
    assert docs["status"].to_list() == ["ok"] * 3
    assert docs["text"].to_list() == GOOD and docs["meta_source"].to_list() == ["AFP"] * 3


def test_csv_separator_option_overrides_the_sniffer(tmp_path):
    # "a,b;text" splits in two on either separator: the sniffer takes the comma, the option says otherwise
    body = "a,b;text\n" + "\n".join(f"1,2;{t}" for t in GOOD) + "\n"
    (tmp_path / "s.csv").write_text(body, encoding="utf-8")
    assert read(tmp_path, csv_separator=";")["text"].to_list() == GOOD
    assert read(tmp_path)["status"].to_list() == ["not_text"]


def test_a_parquet_value_that_is_not_utf8_costs_its_record(tmp_path):
    pl.DataFrame({"id": ["a", "b", "c"], "text": [GOOD[0].encode(), b"bad \xff\xfe bytes", GOOD[1].encode()]}
                 ).write_parquet(tmp_path / "b.parquet")
    docs = read(tmp_path)
    assert rows(docs) == [("b.parquet#0", "ok"), ("b.parquet#1", "undecodable"), ("b.parquet#2", "ok")]
    assert note_of(docs, "b.parquet#1") == "record 2: the 'text' value holds bytes that are not UTF-8"


def test_a_json_array_with_nested_and_mixed_values_keeps_its_good_records(tmp_path):
    data = [{"id": "j1", "text": GOOD[0]}, {"id": "j2", "text": {"nested": [1]}}, {"id": 3, "text": GOOD[1]},
            "a string", {"id": "j5", "text": GOOD[2], "tags": ["a", "b"], "n": 2.5}]
    (tmp_path / "m.json").write_text(json.dumps(data), encoding="utf-8")
    docs = read(tmp_path)
    assert docs.select("path", "doc_id", "status").rows() == [
        ("m.json#0", "j1", "ok"), ("m.json#1", "m#1", "not_text"), ("m.json#2", "3", "ok"),
        ("m.json#3", "m#3", "undecodable"), ("m.json#4", "j5", "ok")]
    assert note_of(docs, "m.json#1") == "record 2: the 'text' value is an object, not text"
    assert note_of(docs, "m.json#3") == "record 4: a string, not a JSON object"


def test_a_jsonl_bad_line_is_its_own_row(tmp_path):
    (tmp_path / "l.jsonl").write_text(
        "\n".join([json.dumps({"id": "l1", "text": GOOD[0]}), "{broken", "",
                   json.dumps({"id": "l3", "text": GOOD[1]})]), encoding="utf-8")
    docs = read(tmp_path)
    assert rows(docs) == [("l.jsonl#0", "ok"), ("l.jsonl#1", "undecodable"), ("l.jsonl#2", "ok")]
    assert note_of(docs, "l.jsonl#1").startswith("line 2: not JSON (")


@pytest.mark.parametrize("alone", [True, False])
def test_a_table_with_no_record_gets_a_row_alone_or_beside_others(tmp_path, alone):
    pl.DataFrame(schema={"id": pl.String, "text": pl.String}).write_parquet(tmp_path / "e.parquet")
    (tmp_path / "h.csv").write_text("id,text\n", encoding="utf-8")
    (tmp_path / "z.jsonl").write_bytes(b"")
    if not alone:
        (tmp_path / "x.txt").write_text(GOOD[0], encoding="utf-8")
    docs = read(tmp_path)
    expect = [("e.parquet", "empty"), ("h.csv", "empty"), *([] if alone else [("x.txt", "ok")]),
              ("z.jsonl", "empty")]
    assert rows(docs) == expect
    assert note_of(docs, "h.csv") == "a table with no records (columns: id, text)"
    assert note_of(docs, "z.jsonl") == "an empty file: no records"


def test_notes_are_words_not_library_messages(tmp_path):
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 this is not parquet")
    (tmp_path / "broken.json").write_text('[{"id": 1, "text": "x"', encoding="utf-8")
    docs = read(tmp_path)
    assert rows(docs) == [("broken.json", "undecodable"), ("broken.parquet", "undecodable")]
    assert note_of(docs, "broken.parquet") == "unreadable table: not a readable Parquet file"
    assert note_of(docs, "broken.json").startswith("unreadable table: not JSON (expecting")
    assert all(n.endswith((")", "file")) for n in docs["note"])


def test_json_nested_too_deep_to_parse_is_a_row_not_a_crash(tmp_path):
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (tmp_path / "deep.jsonl").write_text(json.dumps({"id": "x", "text": GOOD[0]}) + "\n" + "[" * 100_000,
                                         encoding="utf-8")
    docs = read(tmp_path)
    assert docs.select("path", "status", "note").rows() == [
        ("deep.json", "undecodable", "unreadable table: JSON nested more deeply than can be read"),
        ("deep.jsonl#0", "ok", None),
        ("deep.jsonl#1", "undecodable", "line 2: JSON nested more deeply than can be read")]


def test_a_nul_byte_in_one_csv_record_costs_that_record(tmp_path):
    (tmp_path / "n.csv").write_bytes(f'id,text\na,"x\x00y {GOOD[0]}"\nb,"{GOOD[1]}"\n'.encode())
    assert rows(read(tmp_path)) == [("n.csv#0", "not_text"), ("n.csv#1", "ok")]


# --- 2. every filesystem entry, unique ids ----------------------------------------------------------

def test_every_entry_that_is_not_a_readable_file_is_an_unreadable_row(tmp_path):
    (tmp_path / "ok.txt").write_text(GOOD[0], encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")  # would block a reader that opened it
    os.symlink("nowhere.txt", tmp_path / "broken.txt")
    os.symlink("loop2", tmp_path / "loop1")
    os.symlink("loop1", tmp_path / "loop2")
    os.symlink(".", tmp_path / "here")
    os.symlink("ok.txt", tmp_path / "link.txt")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tmp_path / "sock"))
        docs = read(tmp_path)
    finally:
        sock.close()
    got = dict(docs.select("path", "status").iter_rows())
    assert got == {"link.txt": "ok", "ok.txt": "duplicate", "pipe.txt": "unreadable",
                   "broken.txt": "unreadable", "loop1": "unreadable", "loop2": "unreadable",
                   "here": "unreadable", "sock": "unreadable"}
    notes = dict(docs.select("path", "note").iter_rows())
    assert notes["pipe.txt"].startswith("a named pipe (FIFO)")
    assert notes["broken.txt"].startswith("a broken symbolic link")
    assert notes["loop1"] == "a symbolic link that loops back on itself"
    assert notes["here"] == "a symbolic link to a folder, not followed"
    assert notes["sock"].startswith("a socket")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_a_file_without_read_permission_is_unreadable(tmp_path):
    f = tmp_path / "secret.txt"
    f.write_text(GOOD[0], encoding="utf-8")
    f.chmod(0)
    try:
        docs = read(tmp_path)
    finally:
        f.chmod(0o644)
    assert docs.select("status", "note").rows() == [("unreadable", "permission denied")]


def test_a_fifo_or_broken_link_given_directly_is_a_row_not_a_traceback(tmp_path, capsys):
    os.mkfifo(tmp_path / "direct.fifo")
    os.symlink("gone.txt", tmp_path / "dangling.txt")
    out = tmp_path / "out"
    given = [str(tmp_path / "direct.fifo"), str(tmp_path / "dangling.txt")]
    assert cli.main(["build", *given, "--out", str(out), "-q"]) == 0
    assert "documents: 2 (unreadable 2)" in capsys.readouterr().out
    docs = pl.read_parquet(out / "documents.parquet")
    assert docs.select("path", "status").rows() == [("direct.fifo", "unreadable"),
                                                    ("dangling.txt", "unreadable")]


def test_ids_are_unique_whatever_the_records_own_ids_are(tmp_path):
    recs = [{"id": i, "text": f"Story {n} about Meta and its open models. More words {n}."}
            for n, i in enumerate(["a", "a", "a~2", "a~2", None, "l#1"])]
    (tmp_path / "l.jsonl").write_text("\n".join(json.dumps(r) for r in recs), encoding="utf-8")
    (tmp_path / "a.txt").write_text("A file whose stem is a. It has two sentences.", encoding="utf-8")
    docs = read(tmp_path)
    assert docs["doc_id"].to_list() == ["a", "a~2", "a~3", "a~2~2", "a~2~3", "l#4", "l#1"]
    assert_slices(docs)
    # batches decide the same ids as one read
    opts = corpus.ReadOptions()
    batched = pl.concat(list(corpus.iter_corpus([tmp_path], options=opts, batch_docs=2, progress=False)))
    assert batched.equals(docs)


# --- 3. bounded work per document --------------------------------------------------------------------

def test_a_long_sentence_is_cut_at_the_last_space_before_the_limit():
    limit = text.MAX_SENTENCE_CHARS
    body = ("word " * (limit // 2)) + "x" * (limit + 10) + " tail of it here."
    docs = pl.DataFrame({"doc_id": ["d"], "status": ["ok"], "text": [body], "note": [None]},
                        schema=dict.fromkeys(["doc_id", "status", "text", "note"], pl.String))
    docs, sents = text.segment(docs)
    spans = sents.select("char_start", "char_end").rows()
    assert all(b - a <= limit for a, b in spans)
    assert spans[0] == (0, limit - 1)  # "word word ... word" up to the last space before the limit
    assert all(body[a:b] == t for (a, b), t in zip(spans, sents["text"], strict=True))
    # the run of x has no space: cut at the limit, its first piece is one word and no sentence
    assert body[spans[-1][0]:spans[-1][1]].endswith("tail of it here.")
    assert docs["note"].item() == (f"{docs['n_sentences'].item()} sentences are pieces of longer text cut at "
                                   f"{limit} characters")


def test_matches_paired_per_sentence_are_bounded():
    # Cue words only: the organisations and models of a sentence are the entities stage's, not these matches.
    sent = " ".join(["OpenAI released open weights"] * 100)[: text.MAX_SENTENCE_CHARS]
    s = pl.DataFrame({"doc_id": ["d"], "sentence_idx": [0], "text_norm": [text.normalize(sent)]})
    m = events.find_matches(s, events.lexicon())
    assert m.height == events.MAX_MATCHES_PER_SENTENCE
    assert m["start"].max() < len(sent) * 3 // 4  # the first ones by position, not the whole sentence


def test_a_huge_document_stays_within_the_documented_memory_bound(tmp_path):
    """A 2 MB unpunctuated document and a 1 MB word: peak RSS of the build (its process alone, from
    os.wait4) at most 1.5 GB and 3 times that of a one-article build. Not a timing: the timeout only
    catches a build that never ends."""
    small = bounded.build_one(bounded.NORMAL, tmp_path / "small")
    huge = tmp_path / "huge"
    (huge / "corpus").mkdir(parents=True)
    (huge / "corpus" / "w.txt").write_text(bounded.words(bounded.ISSUE_WORDS, bounded.MB, 4, "-"), "utf-8")
    big = bounded.build_one(bounded.words(bounded.DENSE_WORDS, 2 * bounded.MB, seed=3), huge)
    assert small["exit"] == 0 and big["exit"] == 0
    assert big["peak_mb"] <= 1536
    assert big["peak_mb"] <= 3 * small["peak_mb"]
    docs = pl.read_parquet(huge / "out" / "documents.parquet")
    assert docs["status"].to_list() == ["ok", "ok"]
    assert docs["note"][0].endswith(f"cut at {text.MAX_SENTENCE_CHARS} characters")
    sents = pl.read_parquet(huge / "out" / "sentences.parquet")
    assert (sents["char_end"] - sents["char_start"]).max() <= text.MAX_SENTENCE_CHARS


# --- 4. safe output -----------------------------------------------------------------------------------

def _corpus(tmp_path: Path) -> Path:
    c = tmp_path / "corpus"
    c.mkdir()
    (c / "a.txt").write_text(GOOD[0], encoding="utf-8")
    (c / "documents.csv").write_text("id,text\nx,keep me\n", encoding="utf-8")
    return c


@pytest.mark.parametrize("where, message", [
    ("corpus", "is the corpus folder"),
    ("corpus/build", "lies inside the corpus folder"),
    ("afile", "is a file, not a folder"),
    ("afile/sub", "lies under the file"),
])
def test_a_bad_out_is_refused_before_any_work(tmp_path, capsys, where, message):
    c = _corpus(tmp_path)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    before = (c / "documents.csv").read_bytes()
    assert cli.main(["build", str(c), "--out", str(tmp_path / where), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("openness: error: --out ") and message in err and err.count("\n") == 1
    assert (c / "documents.csv").read_bytes() == before
    assert sorted(p.name for p in c.iterdir()) == ["a.txt", "documents.csv"]


def test_out_may_not_replace_an_input_file(tmp_path, capsys):
    c = _corpus(tmp_path)
    assert cli.main(["build", str(c / "documents.csv"), "--out", str(c), "-q"]) == 2
    assert "would overwrite the input" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_out_is_refused(tmp_path, capsys):
    c = _corpus(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert cli.main(["build", str(c), "--out", str(locked / "out"), "-q"]) == 2
    finally:
        locked.chmod(0o700)
    assert "permission denied" in capsys.readouterr().err


def test_a_build_is_never_read_back_as_input(tmp_path, capsys):
    c = _corpus(tmp_path)
    out = tmp_path / "out"
    assert cli.main(["build", str(c), "--out", str(out), "-q"]) == 0
    assert (out / corpus.BUILD_MARKER).is_file()
    capsys.readouterr()
    assert cli.main(["build", str(out), "--out", str(tmp_path / "again"), "-q"]) == 2
    assert "holds the tables of a build" in capsys.readouterr().err
    # a build folder that lies inside a corpus is skipped, with a warning
    nested = tmp_path / "parent"
    nested.mkdir()
    (nested / "a.txt").write_text(GOOD[1], encoding="utf-8")
    assert cli.main(["build", str(c), "--out", str(nested / "old"), "-q"]) == 0
    docs = read(nested)
    assert docs["path"].to_list() == ["a.txt"]
    assert "holds the tables of a build" in capsys.readouterr().err


def test_cli_errors_are_one_line_with_status_2(capsys):
    r = subprocess.run([sys.executable, "-m", "analysis", "build", "nope-missing", "--out", "x"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr == "openness: error: no such file or folder: nope-missing\n"
    root = Path(__file__).resolve().parent.parent
    assert cli.main(["build", str(root / "data" / "corpus"), "--out", str(root / "data" / "corpus")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("openness: error: --out ") and "is the corpus folder" in err
    assert err.count("\n") == 1
