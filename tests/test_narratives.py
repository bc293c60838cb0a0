"""Narratives: judged against tests/annotations/narratives_bundled.csv (read by hand, see NARRATIVES.md)."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from analysis import corpus, dates, narratives, schema, text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ANNOTATIONS = HERE / "annotations" / "narratives_bundled.csv"
ENGLISH = HERE / "fixtures" / "narratives"


def _sentences(folder: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    docs = corpus.read_corpus([folder], progress=False)
    docs = dates.publication_dates(docs)
    return text.segment(docs)


@pytest.fixture(scope="module")
def bundled() -> tuple[pl.DataFrame, pl.DataFrame]:
    _docs, sentences = _sentences(ROOT / "data" / "corpus")
    return sentences, narratives.narratives_table(sentences, random_state=0)


@pytest.fixture(scope="module")
def english() -> tuple[pl.DataFrame, pl.DataFrame]:
    _docs, sentences = _sentences(ENGLISH)
    return sentences, narratives.narratives_table(sentences, random_state=0)


def _annotations() -> pl.DataFrame:
    return pl.read_csv(ANNOTATIONS, comment_prefix="#", infer_schema=False)


def _by_doc(table: pl.DataFrame, prefix: str) -> set[str]:
    rows = table.filter(pl.col("doc_id").str.starts_with(prefix) & (pl.col("narrative") != "other"))
    return set(rows["narrative"].to_list())


def _docs(table: pl.DataFrame, pattern: str) -> dict[str, str]:
    """Annotation doc prefix -> doc_id in the table (English fixtures are named en_000_...)."""
    out = {}
    for d in table["doc_id"].unique().to_list():
        key = d.split("_")[1] if d.startswith("en_") else d.split("_")[0]
        out[pattern.format(key)] = d
    return out


def test_contract_columns_and_one_row_per_sentence(bundled):
    sentences, table = bundled
    assert list(table.schema.items())[: len(schema.NARRATIVES)] == list(schema.NARRATIVES.items())
    assert table.height == sentences.height
    assert table.select("doc_id", "sentence_idx").is_duplicated().sum() == 0
    assert set(table["narrative"].unique()) <= set(schema.NARRATIVE_NAMES)


@pytest.mark.parametrize("doc", ["000", "001", "002", "003", "004"])
def test_bundled_documents_carry_their_narratives_and_no_other(bundled, doc):
    _, table = bundled
    ann = _annotations().filter(pl.col("doc") == doc)
    found = _by_doc(table, doc + "_")
    required = set(ann.filter(pl.col("expect") == "required")["narrative"])
    allowed = required | set(ann.filter(pl.col("expect") == "allowed")["narrative"])
    assert required <= found, f"{doc}: missing {required - found}"
    assert found <= allowed, f"{doc}: unsupported {found - allowed}"


def test_evidence_sentences_carry_their_narrative(bundled):
    sentences, table = bundled
    ann = _annotations().filter(pl.col("evidence").is_not_null())
    joined = sentences.join(table, on=["doc_id", "sentence_idx"])
    misses = []
    for row in ann.iter_rows(named=True):
        needle = text.normalize(row["evidence"])
        hit = joined.filter(pl.col("doc_id").str.starts_with(row["doc"] + "_")
                            & pl.col("text_norm").str.contains(needle, literal=True))
        assert hit.height >= 1, f"evidence not found in {row['doc']}: {row['evidence']}"
        if row["narrative"] not in hit["narrative"].to_list():
            misses.append((row["doc"], row["narrative"], hit["narrative"].to_list()))
    assert not misses


def test_english_articles_find_the_same_named_narratives(english):
    _, table = english
    ann = _annotations()
    assert table["doc_id"].n_unique() == 5
    for doc in ["000", "001", "002", "003", "004"]:
        a = ann.filter(pl.col("doc") == doc)
        required = set(a.filter(pl.col("expect") == "required")["narrative"])
        allowed = required | set(a.filter(pl.col("expect") == "allowed")["narrative"])
        found = _by_doc(table, f"en_{doc}_")
        assert required <= found, f"en_{doc}: missing {required - found}"
        assert found <= allowed, f"en_{doc}: unsupported {found - allowed}"


def test_same_input_same_table(bundled):
    sentences, table = bundled
    again = narratives.narratives_table(sentences, random_state=0)
    assert again.equals(table)
    assert again.write_csv() == table.write_csv()


def test_named_sentences_are_supported_by_their_words_or_cluster(bundled):
    """A sentence with a name either holds a seed of it or sits in a cluster of that name."""
    sentences, table = bundled
    hits = narratives.seed_hits(sentences).select("doc_id", "sentence_idx", own="narrative")
    named = table.filter(pl.col("narrative") != "other")
    own = named.join(hits, on=["doc_id", "sentence_idx"], how="left").group_by("doc_id", "sentence_idx").agg(
        narrative=pl.col("narrative").first(), own=pl.col("own").drop_nulls())
    by_cluster = own.filter(~pl.col("narrative").is_in(pl.col("own")))
    cluster_names = (table.filter(pl.col("cluster") >= 0).group_by("cluster")
                     .agg(names=pl.col("narrative").unique()))
    for row in by_cluster.join(table.select("doc_id", "sentence_idx", "cluster"),
                               on=["doc_id", "sentence_idx"]).iter_rows(named=True):
        assert row["own"] == [], "a sentence with seeds of its own must be named from them"
        names = cluster_names.filter(pl.col("cluster") == row["cluster"])["names"].item().to_list()
        assert row["narrative"] in names


def test_top_terms_are_whole_words_of_the_corpus(bundled):
    """Labels are words as written (or without their article), never character fragments."""
    sentences, table = bundled
    written = set(re.findall(r"[^\W_]+", " ".join(sentences["text_norm"].to_list())))
    words = written | {re.sub(r"^(?:وال|فال|بال|كال|ال|لل)", "", w) for w in written}
    terms = {t for s in table["top_terms"].unique().to_list() for t in s.split(", ") if t}
    assert terms, "clusters must have labels"
    fragments = {w for t in terms for w in t.split(" ") if w not in words or len(w) < 2}
    assert not fragments


def test_no_content_words_is_other_and_cluster_minus_one():
    rows = ["في هذا الذي", "123 456", "…", "the and of", "شركة OpenAI تؤجل إصدار نموذجها لاختبارات أمان"]
    sent = pl.DataFrame({"doc_id": ["d"] * 5, "sentence_idx": list(range(5)), "text": rows}).with_columns(
        text_norm=text.normalize_expr("text"))
    table = narratives.narratives_table(sent)
    assert table["cluster"].to_list()[:4] == [-1] * 4
    assert table["narrative"].to_list()[:4] == ["other"] * 4
    assert table["narrative"][4] == "safety_delay"


def test_empty_and_bad_input_give_empty_table():
    empty = schema.empty(schema.SENTENCES)
    assert narratives.narratives_table(empty).schema == pl.Schema(schema.NARRATIVES)
    nulls = pl.DataFrame({"doc_id": ["d"], "sentence_idx": [0], "text_norm": [None]},
                         schema={"doc_id": pl.String, "sentence_idx": pl.Int64, "text_norm": pl.String})
    out = narratives.narratives_table(nulls)
    assert out["narrative"].to_list() == ["other"]


def test_estimator_api_pipeline_and_pickle(bundled, tmp_path):
    sentences, _ = bundled
    texts = sentences["text_norm"]
    est = narratives.NarrativeClusterer(random_state=3)
    assert est.get_params()["random_state"] == 3
    assert clone(est).get_params()["n_clusters"] == "auto"
    est.fit(texts)
    assert 2 <= est.n_clusters_ <= 12
    assert est.k_scores_ and est.n_clusters_ == max(est.k_scores_, key=est.k_scores_.get)
    sims = est.transform(texts)
    assert sims.shape == (len(texts), est.n_clusters_)
    labels = est.predict(texts)
    assert np.array_equal(labels, est.labels_)
    # In a Pipeline, after a step that normalises raw text.
    raw = sentences["text"].to_list()
    pipe = Pipeline([("norm", FunctionTransformer(lambda xs: [text.normalize(x) for x in xs])),
                     ("narr", narratives.NarrativeClusterer(random_state=3))])
    assert np.array_equal(pipe.fit(raw).predict(raw), labels)
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(est))
    loaded = pickle.loads(path.read_bytes())
    assert np.array_equal(loaded.predict(texts), labels)


def test_fit_on_a_bounded_sample_assigns_the_rest(bundled):
    sentences, _ = bundled
    est = narratives.NarrativeClusterer(max_fit_sentences=60, random_state=0).fit(sentences["text_norm"])
    assert est.fit_sample_size_ == 60
    assert len(est.labels_) == sentences.height
    assert (est.labels_ >= -1).all() and est.labels_.max() < est.n_clusters_


def test_vectorizer_joins_inflections_through_character_ngrams():
    v = narratives.NarrativeVectorizer(min_df=1, max_df=1.0).fit(
        ["الشفافيه مهمه جدا", "وشفافيه النماذج", "عنق الزجاجه في التدريب"])
    X = v.transform(["والشفافيه", "عنق"]).toarray()
    Y = v.transform(["شفافيه النماذج", "زجاجه التدريب"]).toarray()
    sims = X @ Y.T
    assert sims[0, 0] > sims[0, 1] and sims[0, 0] > 0
    words = v.transform(["والشفافيه"])[:, : v.n_word_features_]
    assert v.get_feature_names_out()[words.indices].tolist() == ["شفافيه"]


def test_seed_file_is_data(tmp_path, monkeypatch, bundled):
    """Editing seeds.csv changes the names: a narrative whose seeds are removed disappears."""
    sentences, _ = bundled
    data = tmp_path / "data"
    (data / "narratives").mkdir(parents=True)
    (data / "vocab").symlink_to(ROOT / "data" / "vocab")
    src = ROOT / "data" / "narratives"
    for name in ("stopwords_ar.txt", "stopwords_en.txt"):
        (data / "narratives" / name).write_text((src / name).read_text(encoding="utf-8"), encoding="utf-8")
    lines = (src / "seeds.csv").read_text(encoding="utf-8").splitlines()
    (data / "narratives" / "seeds.csv").write_text(
        "\n".join(x for x in lines if not x.startswith("talent_war,")) + "\n", encoding="utf-8")
    monkeypatch.setenv("OPENNESS_DATA", str(data))
    table = narratives.narratives_table(sentences)
    assert "talent_war" not in table["narrative"].to_list()
    assert "china_competition" in table["narrative"].to_list()


def test_narrative_mix_by_doc_actor_and_month(bundled):
    sentences, table = bundled
    mix = narratives.narrative_mix(table, by="doc_id")
    assert mix.columns == ["doc_id", "narrative", "n_sentences", "share"]
    sums = mix.group_by("doc_id").agg(pl.col("share").sum(), pl.col("n_sentences").sum()).sort("doc_id")
    assert np.allclose(sums["share"].to_numpy(), 1.0)
    per_doc = sentences.group_by("doc_id").len().sort("doc_id")
    assert sums["n_sentences"].to_list() == per_doc["len"].to_list()
    first = table["doc_id"].sort()[0]
    mentions = pl.DataFrame({"doc_id": [first, first], "sentence_idx": [0, 1], "actor": ["xAI", "Elon Musk"]})
    by_actor = narratives.narrative_mix(table, by="actor", mentions=mentions)
    assert set(by_actor["actor"]) == {"xAI", "Elon Musk"}
    assert by_actor.filter(pl.col("actor") == "xAI")["n_sentences"].sum() == 1
    documents = pl.DataFrame({"doc_id": [first], "published": ["2025-08-24"], "published_precision": ["day"]})
    by_month = narratives.narrative_mix(table, by="month", documents=documents)
    assert set(by_month["month"]) == {"2025-08"}
    assert by_month["n_sentences"].sum() == table.filter(pl.col("doc_id") == first).height
    assert narratives.narrative_mix(table.head(0)).height == 0
    with pytest.raises(ValueError):
        narratives.narrative_mix(table, by="colour")


def test_stability_reports_agreement_and_quality(bundled):
    sentences, _ = bundled
    st = narratives.stability(sentences, seeds=(0, 1))
    assert len(st["adjusted_rand_pairs"]) == 1
    assert -1.0 <= st["adjusted_rand_mean"] <= 1.0
    assert -1.0 <= st["silhouette"] <= 1.0
    assert 0.0 <= st["narrative_agreement"] <= 1.0
