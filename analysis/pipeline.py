"""The whole build: corpus in, the five tables out. Each stage is a function from tables to tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from analysis import corpus, dates, events, narratives, schema, text


def build_tables(
    sources: Sequence[str | Path],
    *,
    options: corpus.ReadOptions | None = None,
    random_state: int = 0,
    progress: bool = True,
) -> dict[str, pl.DataFrame]:
    """Read `sources` and run every stage; returns the five tables in contract form."""
    docs = corpus.read_corpus(sources, options=options, progress=progress)
    return build_from_documents(docs, random_state=random_state)


def build_from_documents(docs: pl.DataFrame, *, random_state: int = 0) -> dict[str, pl.DataFrame]:
    """Run the stages after reading, on a frame from `corpus.read_corpus` (or `corpus.from_records`)."""
    docs = dates.publication_dates(docs)
    docs, sentences = text.segment(docs)
    spans = dates.extract_dates(sentences, docs)
    mentions = events.extract_mentions(sentences, docs, spans)
    narr = narratives.narratives_table(sentences, random_state=random_state)
    mentions = events.attach_narratives(mentions, narr)
    evts = events.merge_events(mentions, docs)
    return {
        "documents": schema.conform(docs.drop("text", *[c for c in docs.columns if c.startswith("meta_")]),
                                    schema.DOCUMENTS),
        "sentences": schema.conform(sentences, schema.SENTENCES),
        "mentions": schema.conform(mentions, schema.MENTIONS),
        "events": schema.conform(evts, schema.EVENTS),
        "narratives": schema.conform(narr, schema.NARRATIVES),
    }
