"""Dates: publication dates of documents and date expressions inside sentences (stub, being built)."""

from __future__ import annotations

import polars as pl

SPAN_SCHEMA = {
    "doc_id": pl.String, "sentence_idx": pl.Int64, "start": pl.Int64, "end": pl.Int64, "expr": pl.String,
    "date": pl.String, "date_precision": pl.String, "date_basis": pl.String, "kind": pl.String,
}


def publication_dates(documents: pl.DataFrame) -> pl.DataFrame:
    """Add published, published_precision, published_basis to the documents frame."""
    return documents.with_columns(
        published=pl.lit(None, pl.String),
        published_precision=pl.lit("unknown"),
        published_basis=pl.lit("none"),
    )


def extract_dates(sentences: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """One row per date expression in a sentence, resolved against the document's publication date."""
    return pl.DataFrame(schema=SPAN_SCHEMA)
