"""The five tables' columns and types, in one place, so every stage writes the same contract.

The contract is documented in README.md ("Tables"). Stages may add columns after these; they never
rename or drop them. `conform` puts a frame into contract order and types, so an empty result still has
the right schema.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

S, INT, F = pl.String, pl.Int64, pl.Float64
LS = pl.List(pl.String)

DOCUMENTS: dict[str, pl.DataType] = {
    "doc_id": S, "path": S, "status": S, "encoding": S, "lang": S, "title": S, "source": S,
    "published": S, "published_precision": S, "published_basis": S,
    "n_chars": INT, "n_sentences": INT, "sha256": S,
}
SENTENCES: dict[str, pl.DataType] = {
    "doc_id": S, "sentence_idx": INT, "char_start": INT, "char_end": INT,
    "text": S, "text_norm": S, "lang": S,
}
MENTIONS: dict[str, pl.DataType] = {
    "mention_id": S, "doc_id": S, "sentence_idx": INT, "char_start": INT, "char_end": INT, "evidence": S,
    "actor": S, "model": S, "event_type": S, "status": S, "openness": S,
    "date": S, "date_precision": S, "date_basis": S, "narratives": LS, "lang": S, "confidence": F,
}
EVENTS: dict[str, pl.DataType] = {
    "event_id": S, "actor": S, "model": S, "event_type": S, "status": S, "openness": S,
    "date": S, "date_precision": S, "first_reported": S, "n_mentions": INT, "n_documents": INT,
    "doc_ids": LS, "mention_ids": LS, "fulfils": S,
}
NARRATIVES: dict[str, pl.DataType] = {
    "doc_id": S, "sentence_idx": INT, "cluster": INT, "narrative": S, "score": F, "top_terms": S,
}
TABLES: dict[str, dict[str, pl.DataType]] = {
    "documents": DOCUMENTS, "sentences": SENTENCES, "mentions": MENTIONS,
    "events": EVENTS, "narratives": NARRATIVES,
}

STATUSES = ("ok", "empty", "undecodable", "duplicate", "too_large", "not_text", "unreadable")
PRECISIONS = ("year", "month", "day", "unknown")
EVENT_TYPES = ("open_release", "open_plan", "delay", "closed_release", "incident",
               "licence_restriction", "statement", "competition", "talent")
MENTION_STATUSES = ("realized", "planned", "reported", "negated")
OPENNESS = ("open_source", "open_weights", "restricted", "closed", "unknown")
DATE_BASES = ("explicit", "relative", "document", "none")
NARRATIVE_NAMES = ("china_competition", "safety_delay", "privacy_incident", "transparency",
                   "licensing", "compute_bottleneck", "talent_war", "other")


def empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """An empty frame with the contract's columns, for a corpus that yields no rows."""
    return pl.DataFrame(schema=schema)


def conform(df: pl.DataFrame, schema: dict[str, pl.DataType], *, keep_extra: bool = True) -> pl.DataFrame:
    """Contract columns first, in order and cast; missing ones as nulls; extra columns after them."""
    cols = [
        (pl.col(c) if c in df.columns else pl.lit(None)).cast(t).alias(c) for c, t in schema.items()
    ]
    extra = [c for c in df.columns if c not in schema] if keep_extra else []
    return df.select(*cols, *extra)


def csv_ready(df: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
    """CSV has no lists: join them with ';' for spreadsheet users."""
    return df.with_columns(
        pl.col(c).list.join(";") for c, t in df.collect_schema().items() if isinstance(t, pl.List)
    )


def write_tables(tables: dict[str, pl.DataFrame], out: Path) -> dict[str, Path]:
    """Write each table as Parquet and CSV under `out`; same tables in, same bytes out."""
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, df in tables.items():
        path = out / f"{name}.parquet"
        df.write_parquet(path, compression="zstd", statistics=False)
        csv_ready(df).write_csv(out / f"{name}.csv")
        written[name] = path
    return written


def read_tables(build: Path, names: tuple[str, ...] = tuple(TABLES)) -> dict[str, pl.DataFrame]:
    """Read the tables a build wrote; a missing one comes back empty with its schema."""
    return {
        n: pl.read_parquet(build / f"{n}.parquet") if (build / f"{n}.parquet").exists() else empty(TABLES[n])
        for n in names
    }
