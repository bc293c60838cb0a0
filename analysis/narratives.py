"""Narratives: unsupervised clusters of sentences, named from editable seed terms (stub)."""

from __future__ import annotations

import polars as pl

from analysis import schema


def narratives_table(sentences: pl.DataFrame, *, random_state: int = 0) -> pl.DataFrame:
    """One row per sentence: its cluster, named narrative, score and the cluster's top terms."""
    return schema.empty(schema.NARRATIVES)
