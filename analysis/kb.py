"""The knowledge base: who the labs are, where they are based, and what an independent record says.

Everything here is read from `data/kb/` (or $OPENNESS_DATA/kb), so a user can correct or extend it
without touching code. `epoch_models` is Epoch AI's Notable AI Models dataset (see data/kb/NOTICE.md):
the independent record of each model's accessibility that the report sets beside the news.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from analysis.resources import read_vocab

EPOCH_FILE = "epoch_notable_models_2025-02-24.csv"
EPOCH_CITATION = (
    "Epoch AI, 'Parameter, Compute and Data Trends in Machine Learning'. "
    "Published online at epoch.ai. Retrieved from https://epoch.ai/data/notable-ai-models."
)


@cache
def organisations() -> pl.DataFrame:
    """One row per canonical organisation or person: name, kind, org, country, region."""
    return read_vocab("kb", "organisations.csv")


@cache
def epoch_models() -> pl.DataFrame:
    """Epoch AI's notable models: model, organization, country, published, model_accessibility, ..."""
    return read_vocab("kb", EPOCH_FILE)


def with_country(table: pl.DataFrame, column: str = "actor") -> pl.DataFrame:
    """Add `country` and `region` of the organisation named in `column` (a person's: their org's).

    Unknown names get null, never a guess.
    """
    orgs = organisations().select(pl.col("name").alias(column), "country", "region")
    return table.drop("country", "region", strict=False).join(orgs, on=column, how="left",
                                                              nulls_equal=False, maintain_order="left")
