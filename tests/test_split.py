"""The dev/test split of the real corpus is the one rule SPLIT.md writes down, recomputed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl

HERE = Path(__file__).parent
REAL = HERE / "fixtures" / "real"


def _split(pair: str) -> str:
    return "test" if int(hashlib.sha256(pair.encode("utf-8")).hexdigest(), 16) % 5 < 2 else "dev"


def test_split_file_follows_the_written_rule() -> None:
    split = pl.read_csv(HERE / "annotations" / "real_split.csv")
    files = sorted(p.stem for p in REAL.glob("dev_*.md"))
    assert sorted(split["doc"].to_list()) == files
    for row in split.iter_rows(named=True):
        assert row["pair"] == row["doc"][7:]
        assert row["lang"] == row["doc"][4:6]
        assert row["split"] == _split(row["pair"])


def test_pairs_never_straddle_the_split_and_both_languages_are_tested() -> None:
    split = pl.read_csv(HERE / "annotations" / "real_split.csv")
    assert split.group_by("pair").agg(pl.col("split").n_unique())["split"].max() == 1
    test = split.filter(pl.col("split") == "test")
    assert set(test["lang"]) == {"ar", "en"}


def test_knowledge_base_gives_every_canonical_actor_a_country() -> None:
    from analysis import kb, resources

    actors = set(resources.read_vocab("vocab", "actors.csv")["actor"])
    orgs = kb.organisations()
    assert actors <= set(orgs["name"])
    assert orgs["country"].null_count() == 0
    people = orgs.filter(pl.col("kind") == "person")
    assert set(people["org"]) <= set(orgs.filter(pl.col("kind") == "org")["name"])
