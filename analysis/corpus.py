"""Reading a corpus (stub: UTF-8 .txt only; being built)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl


@dataclass(frozen=True)
class ReadOptions:
    text_column: str = "text"
    id_column: str | None = None
    date_column: str | None = None
    source_column: str | None = None
    title_column: str | None = None
    max_bytes: int = 20_000_000


def read_corpus(sources: Sequence[str | Path], *, options: ReadOptions | None = None,
                progress: bool = True) -> pl.DataFrame:
    rows = []
    for src in sources:
        root = Path(src)
        for f in sorted(root.rglob("*.txt")) if root.is_dir() else [root]:
            raw = f.read_bytes()
            rows.append({"doc_id": f.stem, "path": f.name, "status": "ok", "encoding": "utf-8",
                         "sha256": hashlib.sha256(raw).hexdigest(), "text": raw.decode("utf-8-sig"),
                         "meta_title": None, "meta_source": None, "meta_published": None})
    return pl.DataFrame(rows, schema={"doc_id": pl.String, "path": pl.String, "status": pl.String,
                                      "encoding": pl.String, "sha256": pl.String, "text": pl.String,
                                      "meta_title": pl.String, "meta_source": pl.String,
                                      "meta_published": pl.String})
