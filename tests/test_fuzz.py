"""Random hostile corpora: whatever is in the folder, the build accounts for it and stays the same.

Each example writes a folder of entries drawn at random (text in mixed encodings with control and
invisible characters, raw bytes, empty and long records, broken CSV, JSON lines, JSON arrays and
Parquet tables, odd file names, links that are broken, loop or point at folders, a FIFO), builds it
twice through the command line and checks the invariants of every build:

- every entry given has its rows in `documents` (one for a file; one per record for a table, at
  least one for a table with none), and nothing else;
- doc_ids are unique;
- every sentence is its document's text at its offsets, at most `text.MAX_SENTENCE_CHARS` long;
- no exception escapes; the second build writes the same bytes.

Fixed seed and budget (`derandomize=True`, a fixed number of examples), so `make test` is repeatable.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import cli, corpus, text

EXAMPLES = 16

# Letters of both languages, digits, punctuation that ends or does not end sentences, quotes, and the
# characters that break naive readers: NUL and other controls, BOM, no-break and zero-width spaces,
# line and paragraph separators, NEL, a lone surrogate is impossible in str and left out.
ALPHABET = st.sampled_from(
    list("abcdefghij ABC 0123456789 .,;:!?؟…«»“”\"'()-_/#~\t\n\r")
    + list("أبتثجحخدذرزسشصضطظعغفقكلمنهوي ة ى ء")
    + ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u00a0", "\u200b", "\u2028",
       "\u2029", "\ufeff", "\u202e", "\U0001f600"]
)
WORDS = ["open", "model", "weights", "Meta", "OpenAI", "released", "gpt-oss-120b", "said", "نموذج",
         "أطلقت", "شركة", "مفتوح", "delayed", "Llama", "3"]
ODD_NAMES = ["a", "a~2", "x#1", "-dash", "sp ace", "نص", "ÉTÉ", "new\nline", "q'uote", "semi;colon",
             "comma,name", "tab\tname", "😀", "doc"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1256", "cp1252", "latin-1"]

prose = st.text(ALPHABET, max_size=400)
long_run = st.builds(lambda ws, n, sep: sep.join(ws * n)[:60_000],
                     st.lists(st.sampled_from(WORDS), min_size=1, max_size=5), st.integers(1, 6_000),
                     st.sampled_from([" ", "", "-"]))


@dataclass(frozen=True)
class Spec:
    """One entry to write: its kind, name and content, and how many rows it must give (lo..hi)."""

    kind: str
    name: str
    payload: object


def _encoded(draw_text: str, enc: str) -> bytes:
    return draw_text.encode(enc, errors="ignore")


text_file = st.one_of(
    st.builds(lambda t, e: ("bytes", _encoded(t, e)), prose, st.sampled_from(ENCODINGS)),
    st.builds(lambda t: ("bytes", t.encode()), long_run),
    st.builds(lambda b: ("bytes", b), st.binary(max_size=300)),
    st.just(("bytes", b"")),
)
field = st.one_of(prose, st.sampled_from(['"', '""', 'x"y', '"open', "a,b", "a;b", ""]), long_run)
csv_table = st.builds(
    lambda sep, rows: ("csv", sep, rows),
    st.sampled_from([",", ";", "\t"]),
    st.lists(st.lists(field, min_size=0, max_size=4), max_size=6),
)
json_value = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                                    prose), lambda c: st.lists(c, max_size=3) | st.dictionaries(
                                        st.sampled_from(["id", "text", "k"]), c, max_size=3), max_leaves=6)
record = st.one_of(st.fixed_dictionaries({"id": st.sampled_from(["a", "a", "a~2", "r"]), "text": prose}),
                   st.fixed_dictionaries({"text": long_run}), json_value)
jsonl_table = st.builds(lambda recs, broken: ("jsonl", recs, broken), st.lists(record, max_size=5),
                        st.lists(st.sampled_from(["{broken", "[1, 2", "\xff\xfe", "null", "3"]), max_size=2))
json_table = st.builds(lambda recs: ("json", recs), st.lists(record, max_size=5))
parquet_table = st.builds(lambda vals: ("parquet", vals),
                          st.lists(st.one_of(st.none(), st.binary(max_size=40),
                                             st.builds(lambda t: t.encode(), prose)), max_size=5))
special = st.sampled_from([("broken_link",), ("loop_link",), ("dir_link",), ("fifo",), ("file_link",)])

entry = st.one_of(text_file, text_file, csv_table, jsonl_table, json_table, parquet_table, special)


def write(root: Path, i: int, name: str, spec: tuple) -> tuple[str, int, int]:
    """Write one entry; returns its path in `documents` and the least and most rows it may give."""
    kind = spec[0]
    base = f"{name}{i}"
    if kind == "bytes":
        path = root / f"{base}.txt"
        path.write_bytes(spec[1])
        return path.name, 1, 1
    if kind == "csv":
        sep, rows = spec[1], spec[2]
        path = root / f"{base}.csv"
        body = sep.join(["id", "text"]) + "\n" + "".join(sep.join(r) + "\n" for r in rows)
        path.write_text(body, encoding="utf-8", errors="surrogatepass")
        return path.name, 1, max(1, body.count("\n") + body.count("\r") + 1)
    if kind == "jsonl":
        recs, broken = spec[1], spec[2]
        path = root / f"{base}.jsonl"
        lines = [json.dumps(r, ensure_ascii=False) for r in recs] + broken
        path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        n = sum(1 for ln in path.read_bytes().splitlines() if ln.strip())
        return path.name, max(1, n), max(1, n)
    if kind == "json":
        path = root / f"{base}.json"
        path.write_text(json.dumps(spec[1], ensure_ascii=False), encoding="utf-8")
        return path.name, max(1, len(spec[1])), max(1, len(spec[1]))
    if kind == "parquet":
        path = root / f"{base}.parquet"
        pl.DataFrame({"id": [f"p{k}" for k in range(len(spec[1]))], "text": spec[1]},
                     schema={"id": pl.String, "text": pl.Binary}).write_parquet(path)
        return path.name, max(1, len(spec[1])), max(1, len(spec[1]))
    path = root / f"{base}.lnk"
    if kind == "broken_link":
        os.symlink("does-not-exist", path)
    elif kind == "loop_link":
        os.symlink(path.name, path)
    elif kind == "dir_link":
        os.symlink(".", path)
    elif kind == "file_link":
        target = root / f"{base}.target"
        target.write_text("Meta released the weights of Llama 3 today. It is open.", encoding="utf-8")
        os.symlink(target.name, path)
        return path.name, 1, 1  # plus the target's own row, counted below
    else:
        os.mkfifo(path)
    return path.name, 1, 1


def build(root: Path, out: Path) -> None:
    assert cli.main(["build", str(root), "--out", str(out), "-q"]) == 0


@settings(derandomize=True, max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.tuples(st.sampled_from(ODD_NAMES), entry), min_size=2, max_size=7))
def test_random_hostile_corpora_keep_the_invariants(entries):
    with tempfile.TemporaryDirectory(prefix="openness-fuzz-") as tmp:
        root, out_a, out_b = Path(tmp) / "corpus", Path(tmp) / "a", Path(tmp) / "b"
        root.mkdir()
        expected = {}
        for i, (name, spec) in enumerate(entries):
            path, lo, hi = write(root, i, name, spec)
            expected[path] = (lo, hi)
            if spec[0] == "file_link":
                expected[path.removesuffix(".lnk") + ".target"] = (1, 1)

        build(root, out_a)
        build(root, out_b)

        docs = pl.read_parquet(out_a / "documents.parquet")
        assert docs["doc_id"].n_unique() == docs.height
        per_entry = docs.select(pl.col("path").str.replace(r"#\d+$", "")).to_series().value_counts()
        got = dict(per_entry.iter_rows())
        assert set(got) == set(expected)
        for path, (lo, hi) in expected.items():
            assert lo <= got[path] <= hi, (path, got[path], lo, hi)

        frame = corpus.read_corpus([root], progress=False)
        seg_docs, sents = text.segment(frame)
        texts = dict(seg_docs.select("doc_id", "text").iter_rows())
        for d, a, b, t in sents.select("doc_id", "char_start", "char_end", "text").iter_rows():
            assert texts[d][a:b] == t
            assert b - a <= text.MAX_SENTENCE_CHARS
        built = pl.read_parquet(out_a / "sentences.parquet")
        assert built.select("doc_id", "char_start", "char_end", "text").equals(
            sents.select("doc_id", "char_start", "char_end", "text").cast(built.select(
                "doc_id", "char_start", "char_end", "text").schema))

        names = sorted(p.name for p in out_a.iterdir())
        assert names == sorted(p.name for p in out_b.iterdir())
        for n in names:
            assert (out_a / n).read_bytes() == (out_b / n).read_bytes(), n
