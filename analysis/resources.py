"""Where the editable vocabularies live: `data/` beside the package, or a folder the user names.

Set OPENNESS_DATA to a folder laid out like `data/` to use your own actors, cue words and seed terms.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The data folder: $OPENNESS_DATA when set, else the repository's `data/`."""
    return Path(os.environ.get("OPENNESS_DATA", PACKAGE_ROOT / "data"))


def data_file(*parts: str) -> Path:
    """Path to a vocabulary file, with an error that names it when it is missing."""
    path = data_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"vocabulary file not found: {path} (set OPENNESS_DATA or restore data/)")
    return path


def read_vocab(*parts: str) -> pl.DataFrame:
    """Read a CSV vocabulary as strings; lines starting with '#' are comments for the editor."""
    return pl.read_csv(data_file(*parts), comment_prefix="#", infer_schema=False)
