"""Reading: every input becomes a row with the right status, encoding and metadata."""

from __future__ import annotations

import polars as pl

from analysis import corpus, pipeline, schema
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
