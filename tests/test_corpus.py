"""Reading: every input becomes a row with the right status, encoding and metadata."""

from __future__ import annotations

import json

import polars as pl

from analysis import corpus, pipeline, schema, text
from tests.conftest import CORPUS, EXPECTED, MAX_BYTES


def read(path, **kw):
    return corpus.read_corpus([path], options=corpus.ReadOptions(max_bytes=MAX_BYTES, **kw), progress=False)


def test_every_input_lands_with_its_status_and_encoding(fixture_corpus):
    docs = read(fixture_corpus)
    got = {p: (s, e) for p, s, e in docs.select("path", "status", "encoding").iter_rows()}
    assert got == EXPECTED  # rows in == inputs, and each with the right status
    assert docs["doc_id"].n_unique() == docs.height


def test_decoded_texts_are_the_original_words(fixture_corpus):
    docs = read(fixture_corpus).filter(pl.col("status") == "ok")
    texts = dict(docs.select("path", "text").iter_rows())
    assert texts["cp1256.txt"].startswith("نص رابع بترميز ويندوز العربي")
    assert texts["utf16.txt"].startswith("نص ثالث")
    assert not texts["bom.txt"].startswith("\ufeff")


def test_html_keeps_the_article_and_drops_scripts_navigation_and_footer(fixture_corpus):
    row = read(fixture_corpus).filter(pl.col("path") == "page.html").row(0, named=True)
    text = row["text"]
    assert "Meta released the weights of Llama 4 on Saturday." in text
    assert "Developers welcomed the move" in text
    for gone in ("alert(1)", "pwned", "color: red", "Home", "Share on X", "All rights reserved"):
        assert gone not in text
    assert row["meta_source"] == "The Wire"
    assert row["meta_published"] == "2025-04-05T10:00:00Z"


def test_records_take_ids_and_metadata_from_their_columns(fixture_corpus):
    docs = read(fixture_corpus)
    r1 = docs.filter(pl.col("doc_id") == "r1").row(0, named=True)
    assert r1["meta_published"] == "2025-08-05" and r1["meta_source"] == "Wire"
    assert docs.filter(pl.col("path") == "records.csv#0")["meta_source"].item() == "AFP"


def test_missing_text_column_gives_a_row_that_says_why(tmp_path):
    pl.DataFrame({"body": ["x y z"]}).write_parquet(tmp_path / "t.parquet")
    docs = read(tmp_path)
    assert docs.height == 1
    row = docs.row(0, named=True)
    assert row["status"] == "not_text" and "'text'" in row["note"] and "body" in row["note"]
    assert read(tmp_path, text_column="body")["status"].to_list() == ["ok"]


def test_unreadable_table_is_a_row_not_a_crash(tmp_path):
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 this is not parquet")
    docs = read(tmp_path)
    assert docs.select("path", "status").rows() == [("broken.parquet", "undecodable")]


def test_same_stem_in_two_folders_gets_two_ids(tmp_path):
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "x.txt").write_text(f"Story from folder {d}. It differs.", encoding="utf-8")
    assert sorted(read(tmp_path)["doc_id"].to_list()) == ["x", "x~2"]


def test_bundled_corpus_is_five_ok_arabic_documents():
    docs = pipeline.build_tables([CORPUS], progress=False)["documents"]
    assert docs.height == 5
    assert docs["status"].to_list() == ["ok"] * 5
    assert docs["lang"].to_list() == ["ar"] * 5
    assert docs["doc_id"].to_list() == sorted(p.stem for p in CORPUS.glob("*.txt"))


def test_bundled_004_names_its_publisher_and_title():
    docs = pipeline.build_tables([CORPUS], progress=False)["documents"]
    d4 = docs.filter(pl.col("doc_id").str.starts_with("004")).row(0, named=True)
    assert d4["source"] == "السوسنة"
    assert d4["title"] == "OpenAI تفتح مصدر نماذجها خوفًا من الهيمنة الصينية"
    # Articles whose first line is already body text have no title rather than a wrong one.
    d1 = docs.filter(pl.col("doc_id").str.starts_with("001")).row(0, named=True)
    assert d1["title"] is None


def test_empty_corpus_gives_empty_tables_with_the_contract_schema(tmp_path):
    tables = pipeline.build_tables([tmp_path], progress=False)
    for name, cols in schema.TABLES.items():
        assert tables[name].height == 0
        assert list(tables[name].columns[: len(cols)]) == list(cols)


def test_batches_give_the_same_rows_as_one_read(fixture_corpus, tmp_path):
    # Two tables and a folder whose ids collide across batches: ids and duplicates are decided globally.
    opts = corpus.ReadOptions(max_bytes=MAX_BYTES)
    whole = corpus.read_corpus([fixture_corpus, fixture_corpus], options=opts, progress=False)
    for size in (1, 3, 7):
        parts = list(corpus.iter_corpus([fixture_corpus, fixture_corpus], options=opts, batch_docs=size,
                                        progress=False))
        assert max(p.height for p in parts) <= size
        assert pl.concat(parts).equals(whole)
    assert whole.filter(pl.col("status") == "ok").height == 10  # the second copy is all duplicates
    assert whole["doc_id"].n_unique() == whole.height


EN = "OpenAI said on Tuesday that it will release the weights of its model. Its rivals\u2019 answer came. "


def test_control_characters_follow_one_rule_in_files_and_records(tmp_path):
    # A NUL after the first 8 KB, in a file and in a record: the same spaces, count and note.
    body = EN * 90 + "\x00" + EN * 2
    (tmp_path / "nul.txt").write_bytes(body.encode())
    (tmp_path / "r.jsonl").write_text(json.dumps({"id": "rec", "text": body + "x"}) + "\n"
                                      + json.dumps({"id": "bin", "text": "ab\x00\x01\x02cd" * 5}) + "\n",
                                      encoding="utf-8")
    (tmp_path / "mostly_nul.txt").write_bytes(b"\x00\x01" * 50 + b"some words")
    docs = read(tmp_path)
    rows = {r["doc_id"]: r for r in docs.iter_rows(named=True)}
    for doc_id in ("nul", "rec"):
        assert rows[doc_id]["status"] == "ok"
        assert rows[doc_id]["note"] == "1 control character (NUL and the like) read as spaces"
        assert "\x00" not in rows[doc_id]["text"] and len(rows[doc_id]["text"]) >= len(body)
    for doc_id in ("bin", "mostly_nul"):
        assert rows[doc_id]["status"] == "not_text" and rows[doc_id]["note"].startswith("binary content")
    _, sents = text.segment(docs)
    assert not sents["text"].str.contains("\x00", literal=True).any()


def test_a_text_of_invisible_characters_is_empty(tmp_path):
    (tmp_path / "nbsp.txt").write_bytes("\ufeff\u00a0\u00a0 \u200b\u2060\u00ad\n".encode())
    (tmp_path / "r.jsonl").write_text(json.dumps({"id": "zw", "text": "\u200b\u200c\u200d\ufeff"}) + "\n",
                                      encoding="utf-8")
    assert read(tmp_path).select("doc_id", "status").rows() == [("nbsp", "empty"), ("zw", "empty")]


def test_damaged_utf8_is_utf8_with_a_count_not_windows_1256(tmp_path):
    (tmp_path / "one_bad.txt").write_bytes((EN * 30).encode() + b"\xff" + (EN * 2).encode())
    (tmp_path / "ascii_bad.txt").write_bytes((EN.replace("\u2019", "'") * 30).encode() + b"\xc7 The end.")
    (tmp_path / "ar.txt").write_bytes("أعلنت شركة ميتا عن نموذجها. وقالت إن الأوزان مفتوحة.".encode("cp1256"))
    (tmp_path / "en1252.txt").write_bytes("\u201cOpen\u201d models \u2013 caf\u00e9 talk.".encode("cp1252"))
    rows = {r["doc_id"]: r for r in read(tmp_path).iter_rows(named=True)}
    for doc_id in ("one_bad", "ascii_bad"):
        assert (rows[doc_id]["status"], rows[doc_id]["encoding"]) == ("ok", "utf-8")
        assert rows[doc_id]["note"] == "not valid UTF-8: 1 byte replaced by U+FFFD"
        assert rows[doc_id]["text"].count("\ufffd") == 1
    assert rows["ar"]["encoding"] == "cp1256" and rows["en1252"]["encoding"] == "cp1252"


def test_markdown_files_are_read_as_markdown(tmp_path):
    (tmp_path / "post.md").write_text("---\ntitle: Qwen 3 is out\ndate: 2025-04-29\n---\n# Heading\n\n"
                                      "Alibaba released Qwen 3. ```code()```\n", encoding="utf-8")
    row = read(tmp_path).row(0, named=True)
    # the front matter's title opens the text (a headline, read like a news headline)
    assert row["text"] == "Qwen 3 is out\n\nHeading\n\nAlibaba released Qwen 3."
    assert (row["meta_title"], row["meta_published"]) == ("Qwen 3 is out", "2025-04-29")


def test_bytes_no_encoding_explains_are_binary_when_full_of_controls(tmp_path):
    import random

    rng = random.Random(0)
    (tmp_path / "noise.txt").write_bytes(bytes(rng.randrange(256) for _ in range(5000)))
    (tmp_path / "high.txt").write_bytes(bytes([0x8D, 0x90, 0x9D, 0xFF, 0x41, 0x81]) * 20)
    rows = read(tmp_path).select("doc_id", "status").rows()
    assert rows == [("high", "undecodable"), ("noise", "not_text")]
