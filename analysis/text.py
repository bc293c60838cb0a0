"""Text: sentences with exact offsets, boilerplate left out, normalised forms (stub: one line a sentence)."""

from __future__ import annotations

import polars as pl


def normalize_expr(expr: pl.Expr) -> pl.Expr:
    return expr.str.to_lowercase()


def segment(docs: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = []
    for doc_id, t in docs.filter(pl.col("status") == "ok").select("doc_id", "text").iter_rows():
        pos, idx = 0, 0
        for line in t.split("\n"):
            s = line.strip()
            if s:
                start = pos + line.index(s)
                rows.append((doc_id, idx, start, start + len(s), s))
                idx += 1
            pos += len(line) + 1
    cols = ["doc_id", "sentence_idx", "char_start", "char_end", "text"]
    sent = pl.DataFrame(rows, schema=cols, orient="row")
    sent = sent.with_columns(text_norm=normalize_expr(pl.col("text")), lang=pl.lit("ar"))
    counts = sent.group_by("doc_id").len("n_sentences")
    docs = docs.join(counts, on="doc_id", how="left").with_columns(
        pl.col("n_sentences").fill_null(0), n_chars=pl.col("text").str.len_chars(), lang=pl.lit("ar"),
        title=pl.lit(None, pl.String), source=pl.lit(None, pl.String))
    return docs, sent
