"""Events: who opened, delayed or closed which model, when, with the sentence that says it (stub)."""

from __future__ import annotations

import polars as pl

from analysis import schema


def extract_mentions(sentences: pl.DataFrame, documents: pl.DataFrame, dates: pl.DataFrame) -> pl.DataFrame:
    """The mentions table: one row per event mention found in a sentence."""
    return schema.empty(schema.MENTIONS)


def attach_narratives(mentions: pl.DataFrame, narratives: pl.DataFrame) -> pl.DataFrame:
    """Fill mentions.narratives with the named narrative of each evidence sentence."""
    return mentions


def merge_events(mentions: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """The events table: mentions of the same real-world event merged across documents."""
    return schema.empty(schema.EVENTS)
