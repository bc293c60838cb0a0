"""The whole build: corpus in, the five tables out. Each stage is a function from tables to tables."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from analysis import corpus, dates, events, narratives, schema, text


class StageLog:
    """Say on stderr which stage runs and how long it took, so long builds are never silent."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.seconds: dict[str, float] = {}

    def run(self, name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self.enabled:
            print(f"  {name} ...", end="", file=sys.stderr, flush=True)
        t = time.perf_counter()
        out = fn(*args, **kwargs)
        self.seconds[name] = time.perf_counter() - t
        if self.enabled:
            print(f" {self.seconds[name]:.1f} s", file=sys.stderr, flush=True)
        return out


def build_tables(
    sources: Sequence[str | Path],
    *,
    options: corpus.ReadOptions | None = None,
    random_state: int = 0,
    progress: bool = True,
) -> dict[str, pl.DataFrame]:
    """Read `sources` and run every stage; returns the five tables in contract form."""
    docs = corpus.read_corpus(sources, options=options, progress=progress)
    return build_from_documents(docs, random_state=random_state, progress=progress)


def build_from_documents(
    docs: pl.DataFrame, *, random_state: int = 0, progress: bool = False
) -> dict[str, pl.DataFrame]:
    """Run the stages after reading, on a frame from `corpus.read_corpus`."""
    log = StageLog(progress and docs.height >= corpus.PROGRESS_MIN_FILES)
    docs = log.run("publication dates", dates.publication_dates, docs)
    docs, sentences = log.run("sentences", text.segment, docs)
    spans = log.run("dates in sentences", dates.extract_dates, sentences, docs)
    mentions = log.run("event mentions", events.extract_mentions, sentences, docs, spans)
    narr = log.run("narratives", narratives.narratives_table, sentences, random_state=random_state)
    mentions = events.attach_narratives(mentions, narr)
    evts = log.run("events", events.merge_events, mentions, docs)
    return {
        "documents": schema.conform(docs.drop("text", *[c for c in docs.columns if c.startswith("meta_")]),
                                    schema.DOCUMENTS),
        "sentences": schema.conform(sentences, schema.SENTENCES),
        "mentions": schema.conform(mentions, schema.MENTIONS),
        "events": schema.conform(evts, schema.EVENTS),
        "narratives": schema.conform(narr, schema.NARRATIVES),
    }
