"""The benchmark's synthetic corpus and runner: determinism, truth that matches the text, the output file.

The checks on planted dates read the English date expressions back with `datetime.strptime` and
calendar arithmetic written here, independently of the generator's Polars expressions. Nothing here is
timed: speed is reported by `openness bench`, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import polars as pl
import pytest

from analysis import corpus
from benchmarks import generate, run

N = 300


@pytest.fixture(scope="module")
def small() -> generate.Corpus:
    return generate.generate(N, seed=7)


@pytest.fixture(scope="module")
def written(tmp_path_factory, small) -> Path:
    root = tmp_path_factory.mktemp("bench_corpus")
    generate.write_corpus(small, root)
    return root


def _digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(tmp_path, written, small):
    again = generate.generate(N, seed=7)
    assert again.articles.equals(small.articles)
    assert again.truth_events.equals(small.truth_events)
    generate.write_corpus(again, tmp_path / "again")
    assert _digest(tmp_path / "again") == _digest(written)


def test_other_seed_other_corpus(small):
    other = generate.generate(N, seed=8)
    assert other.articles["text"].to_list() != small.articles["text"].to_list()


def test_size_and_shape(small):
    arts = small.articles
    assert arts.height == N
    assert set(arts["lang"]) == {"ar", "en"}
    mean_bytes = arts["text"].str.len_bytes().mean()
    assert 1500 < mean_bytes < 4000, mean_bytes
    per_doc = small.truth_narratives.group_by("doc_id").len()["len"]
    assert 12 <= per_doc.mean() <= 20
    assert small.truth_events.height >= N  # one to three events per article
    assert set(small.truth_events["event_type"]) <= {
        "open_release", "open_plan", "delay", "closed_release", "incident", "licence_restriction",
        "statement", "competition", "talent"}


def test_planted_events_are_in_their_documents(small):
    spec = generate.load_templates()
    text = dict(small.articles.select("id", "text").iter_rows())
    lang = dict(small.articles.select("id", "lang").iter_rows())
    for row in small.truth_events.iter_rows(named=True):
        doc = text[row["doc_id"]]
        assert row["sentence"] in doc
        aliases = spec["actors"][row["actor"]][lang[row["doc_id"]]]
        assert any(a in row["sentence"] for a in aliases), row
        if row["model"] is not None:
            assert any(a in row["sentence"] for a in spec["models"][row["model"]]["aliases"]), row
        # No other actor is named in an event sentence, so every actor name has one planted event.
        others = [a for name, v in spec["actors"].items() if name != row["actor"]
                  for a in v[lang[row["doc_id"]]] if a not in aliases]
        assert not any(re.search(rf"(?<!\w){re.escape(a)}(?!\w)", row["sentence"]) for a in others), row


def test_planted_narratives_are_in_their_documents(small):
    text = dict(small.articles.select("id", "text").iter_rows())
    for doc_id, sentence, narrative in small.truth_narratives.head(2000).iter_rows():
        assert sentence in text[doc_id]
        assert narrative in {"china_competition", "safety_delay", "privacy_incident", "transparency",
                             "licensing", "compute_bottleneck", "talent_war", "other"}


def test_planted_dates_read_back_from_english_text(small):
    pub = dict(small.articles.select("id", "date").iter_rows())
    en = small.truth_events.join(small.articles.select(doc_id="id", lang="lang"), on="doc_id").filter(
        pl.col("lang") == "en")
    checked = 0
    for row in en.iter_rows(named=True):
        s, published = row["sentence"], dt.date.fromisoformat(pub[row["doc_id"]])
        if m := re.search(r" on ([A-Z][a-z]+ \d{1,2}, \d{4})", s):
            assert row["date"] == dt.datetime.strptime(m.group(1), "%B %d, %Y").date().isoformat()
        elif " yesterday" in s:
            assert row["date"] == (published - dt.timedelta(days=1)).isoformat()
        elif " last month" in s:
            prev = published.replace(day=1) - dt.timedelta(days=1)
            assert row["date"] == prev.strftime("%Y-%m")
        elif " next month" in s:
            nxt = (published.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            assert row["date"] == nxt.strftime("%Y-%m")
        elif " last year" in s:
            assert row["date"] == str(published.year - 1)
        elif m := re.search(r" last ([A-Z][a-z]+)", s):
            month = dt.datetime.strptime(m.group(1), "%B").month
            year = published.year if month < published.month else published.year - 1
            assert row["date"] == f"{year}-{month:02d}"
        else:
            continue
        checked += 1
    assert checked > 20


def test_duplicates_and_broken_files_are_recognised_by_the_reader(written):
    manifest = json.loads((written / "manifest.json").read_text())
    docs = corpus.read_corpus([written / "files"], progress=False)
    assert docs.height == manifest["docs"] + manifest["broken"]
    broken = docs.filter(pl.col("doc_id").str.starts_with("x"))
    assert broken.height == manifest["broken"] >= 1
    assert not (broken["status"] == "ok").any()
    assert (docs["status"] == "duplicate").sum() == manifest["duplicates"] >= 1
    truth_docs = set(pl.read_parquet(written / "truth_events.parquet")["doc_id"])
    dup_ids = set(docs.filter(pl.col("status") == "duplicate")["doc_id"])
    assert not truth_docs & dup_ids  # a copy's events are counted once, in the first copy


def test_event_scores_against_hand_counted_truth():
    truth = pl.DataFrame({"doc_id": ["a", "a", "b"], "actor": ["Meta", "xAI", "OpenAI"],
                          "model": ["Llama 3", None, "gpt-oss-20b"],
                          "event_type": ["open_release", "delay", "open_plan"],
                          "date": ["2025-04", None, "2025-08-05"]})
    mentions = pl.DataFrame({"doc_id": ["a", "a", "a", "b"], "actor": ["Meta", "Meta", "xAI", "Google"],
                             "model": ["Llama 3", "Llama 3", None, "Gemma"],
                             "event_type": ["open_release", "open_release", "delay", "open_release"],
                             "date": ["2025-04", "2025", None, None]})
    s = run.event_scores(mentions, truth)
    # Found keys: (a Meta Llama3 open_release), (a xAI - delay), (b Google Gemma): two of three right.
    assert (s["planted"], s["found"], s["matched"]) == (3, 3, 2)
    assert s["precision"] == pytest.approx(2 / 3, abs=1e-3)
    assert s["recall"] == pytest.approx(2 / 3, abs=1e-3)
    assert s["recall_by_type"] == {"delay": 1.0, "open_plan": 0.0, "open_release": 1.0}
    assert s["date_agreement"] == 1.0  # the one matched dated event has a mention with its date


def test_slope_of_known_growth():
    assert run.slope([1e3, 1e4, 1e5], [1.0, 10.0, 100.0]) == pytest.approx(1.0)
    assert run.slope([1e3, 1e4, 1e5], [1.0, 100.0, 1e4]) == pytest.approx(2.0)
    assert run.slope([1e3], [1.0]) is None


def test_runner_writes_bench_json(tmp_path):
    args = argparse.Namespace(docs=[50], out=tmp_path, seed=0, bertopic=False)
    assert run.main(args) == 0
    results = json.loads((tmp_path / "bench.json").read_text())
    assert [r["docs"] for r in results] == [50]
    for r in results:
        assert {"docs", "mb", "wall_s", "peak_rss_mb", "floor_wall_s", "stages"} <= set(r)
        assert r["mb"] > 0 and r["peak_rss_mb"] > 0
        assert "read" in r["stages"] and len(r["stages"]) >= 2
        for v in r["stages"].values():
            assert set(v) == {"wall_s", "peak_rss_mb"}
        assert r["rows"]["documents"] == r["docs"]
        assert r["events"]["planted"] > 0
    assert (tmp_path / "bench.svg").read_text().lstrip().startswith("<svg")
    assert "| **whole build** |" in (tmp_path / "bench.md").read_text()


def test_chunked_corpus_numbers_records_across_chunks(tmp_path):
    m = generate.write_corpus_chunked(250, 3, tmp_path, chunk=100)
    docs = corpus.read_corpus([tmp_path / "files"], progress=False)
    assert docs.height == m["files"] == 250 + m["broken"]
    articles = docs.filter(pl.col("doc_id").str.starts_with("a"))
    assert articles["doc_id"].to_list() == [f"a{i:07d}" for i in range(250)]
    truth = pl.read_parquet(tmp_path / "truth_events.parquet")
    assert truth["doc_id"].is_in(articles.filter(pl.col("status") == "ok")["doc_id"].implode()).all()
    # The last chunk is drawn from its own seed: it is not a copy of the first.
    first, last = (docs.filter(pl.col("doc_id") == i)["sha256"][0] for i in ("a0000000", "a0000200"))
    assert first != last
