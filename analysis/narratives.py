"""Narratives: sentences clustered without labels, clusters named from seed terms a user can edit.

Two scikit-learn estimators do the unsupervised part:

* `NarrativeVectorizer` turns normalised sentences (`text_norm`) into TF-IDF rows that suit Arabic
  morphology: word unigrams and bigrams with the article and its clitics (ال، وال، بال، لل ...)
  taken off, Arabic and English stop words dropped (data/narratives/stopwords_*.txt), plus character
  n-grams of every word so that inflections of one stem (شفافية، الشفافية، وشفافية، شفافة) meet.
  Tokenising, counting and the character n-grams are Polars expressions over whole columns; the
  character n-grams are taken once per distinct word and summed into sentences by one sparse product,
  which keeps them cheap on a million sentences.
* `NarrativeClusterer` fits k-means on the vectors, with k chosen from the data: the k in `k_range`
  with the highest cosine silhouette on a bounded sample. It fits on at most `max_fit_sentences`
  sentences (a seeded sample) and assigns every other sentence with `predict`, so the cost of the fit
  does not grow with the corpus. Both estimators have `get_params`, `random_state`, work in a
  `Pipeline` and pickle with joblib.

Naming happens outside the estimators, from data/narratives/seeds.csv (`narratives_table`):

1. A cluster is named after the narrative whose seed terms occur in the largest share of its
   sentences, when that share is at least `NAME_MIN_SHARE` and at least two sentences carry them.
   A cluster that matches no narrative stays unnamed; its top terms are its label.
2. A sentence that carries seed terms itself takes the narrative with the most distinct seed terms in
   it (ties: its cluster's name, then the order of `schema.NARRATIVE_NAMES`). On a five-article
   corpus clusters are coarse, so a sentence's own words decide where they can.
3. A sentence without seed terms takes its cluster's name when its cluster is named and the sentence
   is close to the cluster's centre (cosine >= `INHERIT_MIN_SCORE`); otherwise it is `other`.
   So every named sentence is supported by its own words or by its cluster's.
4. A sentence with no feature (only stop words, numbers or punctuation, or only words too rare for the
   vocabulary) is cluster -1; it is `other` unless seed terms of its own name it (rule 2).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin, clone
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import normalize as l2_normalize
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from analysis import resources, schema, text

NAMES = tuple(n for n in schema.NARRATIVE_NAMES if n != "other")
NAME_MIN_SHARE = 0.5  # share of a cluster's sentences that must carry a narrative's seeds to name it
INHERIT_MIN_SCORE = 0.5  # cosine to the cluster centre a seedless sentence needs to take its name
N_TOP_TERMS = 6
CHUNK = 200_000  # sentences vectorised at once

_TOKEN = r"\p{L}[\p{L}\p{N}]+"
# The article with the clitics that attach before it (and lil-), taken off when a stem stays.
_ARTICLE = r"^(?:وال|فال|بال|كال|ال|لل)(\p{Arabic}{3,})$"


# --- vocabularies ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _stop_words(data_dir: str) -> frozenset[str]:
    del data_dir  # the cache key
    words: list[str] = []
    for name in ("stopwords_ar.txt", "stopwords_en.txt"):
        path = resources.data_file("narratives", name)
        words += [w.strip() for w in path.read_text(encoding="utf-8").splitlines()
                  if w.strip() and not w.startswith("#")]
    return frozenset(pl.Series(words, dtype=pl.String).to_frame("w")
                     .select(text.normalize_expr("w"))["w"].to_list())


def stop_words() -> frozenset[str]:
    """Arabic and English stop words from data/narratives, normalised like `text_norm`."""
    return _stop_words(str(resources.data_dir()))


def _prepared(expr: pl.Expr) -> pl.Expr:
    """Words separated by single spaces, with a space at each end, for whole-word seed matching."""
    return pl.lit(" ") + expr.fill_null("").str.replace_all(r"[^\p{L}\p{N}*]+", " ").str.strip_chars() + " "


@functools.lru_cache(maxsize=4)
def _seeds(data_dir: str) -> pl.DataFrame:
    del data_dir
    raw = resources.read_vocab("narratives", "seeds.csv").select(
        pl.col("narrative").str.strip_chars(), pl.col("lang").str.strip_chars().str.to_lowercase(),
        term=pl.col("term").str.strip_chars(),
    ).drop_nulls()
    unknown = set(raw["narrative"]) - set(NAMES)
    if unknown:
        raise ValueError(f"seeds.csv names unknown narratives {sorted(unknown)}; use one of {NAMES}")
    words = _prepared(text.normalize_expr("term"))
    latin = pl.col("term").str.contains(r"^[\p{Latin}\p{N}\s*\-']+$")
    # Latin terms match whole words (" leak ") or word starts with a final * (" leak"); Arabic terms
    # match anywhere, since clitics and suffixes attach to the stem.
    pattern = (
        pl.when(latin & pl.col("term").str.ends_with("*")).then(words.str.replace(r"\*\s*$", ""))
        .when(latin).then(words)
        .otherwise(words.str.strip_chars())
    )
    return (raw.with_columns(pattern=pattern).filter(pl.col("pattern").str.strip_chars() != "")
            .unique(["narrative", "pattern"], maintain_order=True))


def seeds() -> pl.DataFrame:
    """Seed terms: narrative, lang, term and the pattern matched against prepared `text_norm`."""
    return _seeds(str(resources.data_dir()))


def seed_hits(sentences: pl.DataFrame, seed_table: pl.DataFrame | None = None) -> pl.DataFrame:
    """For each sentence with seed terms: doc_id, sentence_idx, narrative, n_terms (distinct terms).

    One Aho-Corasick pass (`str.extract_many`) over the whole column finds every seed occurrence.
    """
    st = seeds() if seed_table is None else seed_table
    out_schema = {"doc_id": pl.String, "sentence_idx": pl.Int64, "narrative": pl.String, "n_terms": pl.UInt32}
    if sentences.height == 0 or st.height == 0:
        return pl.DataFrame(schema=out_schema)
    patterns = st["pattern"].unique(maintain_order=True).to_list()
    found = (
        sentences.select("doc_id", "sentence_idx",
                         pattern=_prepared(pl.col("text_norm")).str.extract_many(patterns, overlapping=True))
        .explode("pattern").drop_nulls("pattern").unique()
        .join(st.select("pattern", "narrative").unique(), on="pattern")
    )
    return (found.group_by("doc_id", "sentence_idx", "narrative").agg(n_terms=pl.col("pattern").n_unique())
            .sort("doc_id", "sentence_idx", "narrative").cast(out_schema))


# --- vectoriser ------------------------------------------------------------------------------------


def _as_series(X: Any) -> pl.Series:
    if isinstance(X, pl.Series):
        return X.cast(pl.String)
    if isinstance(X, pl.DataFrame):
        return X.to_series(0).cast(pl.String)
    return pl.Series("t", [None if v is None else str(v) for v in np.asarray(X, dtype=object).ravel()],
                     dtype=pl.String)


def tokens(X: Any, stop: frozenset[str]) -> pl.DataFrame:
    """Content words of each normalised text in order: row (position in X), tok. Whole columns."""
    s = _as_series(X)
    stop_list = sorted(stop)
    return (
        pl.DataFrame({"t": s}).with_row_index("row")
        .select("row", tok=pl.col("t").fill_null("").str.extract_all(_TOKEN))
        .explode("tok").drop_nulls("tok")
        .filter(~pl.col("tok").is_in(stop_list))
        .with_columns(tok=pl.col("tok").str.replace(_ARTICLE, "${1}"))
        .filter(~pl.col("tok").is_in(stop_list))
    )


def _terms(tok: pl.DataFrame, ngram_max: int) -> pl.DataFrame:
    """Word n-grams (1..ngram_max) of adjacent content words within each text: row, term."""
    parts = [tok.select("row", term="tok")]
    for n in range(2, ngram_max + 1):
        gram = pl.concat_str([pl.col("tok").shift(-i) for i in range(n)], separator=" ")
        same = pl.col("row").shift(-(n - 1)) == pl.col("row")
        parts.append(tok.select("row", term=gram, same=same).filter(pl.col("same")).drop("same"))
    return pl.concat(parts)


def _char_grams(words: pl.DataFrame, lo: int, hi: int) -> pl.DataFrame:
    """Character n-grams of each word padded with spaces (like sklearn's char_wb): wid, gram."""
    padded = words.select("wid", w=pl.lit(" ") + pl.col("word") + pl.lit(" "))
    out = []
    for n in range(lo, hi + 1):
        out.append(
            padded.with_columns(pos=pl.int_ranges(0, (pl.col("w").str.len_chars() - n + 1).clip(0)))
            .explode("pos").drop_nulls("pos")
            .select("wid", gram=pl.col("w").str.slice(pl.col("pos"), n))
        )
    return pl.concat(out)


def _incidence(rows: pl.Series, cols: pl.Series, shape: tuple[int, int]) -> sp.csr_matrix:
    """Counts of each (row, col) pair as a CSR matrix."""
    data = np.ones(len(rows), dtype=np.float32)
    m = sp.coo_matrix((data, (rows.to_numpy(), cols.to_numpy())), shape=shape).tocsr()
    m.sum_duplicates()
    return m


def _row_ids(m: sp.csr_matrix) -> np.ndarray:
    return np.repeat(np.arange(m.shape[0], dtype=np.int64), np.diff(m.indptr))


def _tfidf_inplace(m: sp.csr_matrix, idf: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """Sublinear tf times idf, rows scaled to unit length, all on `m.data` (no sort, no copy).

    Returns the matrix and a boolean per row: has at least one feature. A word said twice is not
    twice the evidence, hence 1 + log(tf).
    """
    data = m.data.astype(np.float32, copy=False)
    np.log(data, out=data)
    data += 1.0
    data *= idf[m.indices]
    rows = _row_ids(m)
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=m.shape[0])).astype(np.float32)
    nonzero = norms > 0
    data /= np.where(nonzero, norms, 1.0)[rows]
    m.data = data
    return m, nonzero


class NarrativeVectorizer(TransformerMixin, BaseEstimator):
    """TF-IDF of normalised sentences: word 1..2-grams plus character n-grams of each word.

    Input: an iterable of `text_norm` strings (a Polars Series, list or array). Words are runs of
    letters and digits starting with a letter; stop words (data/narratives) are dropped before and
    after the article is removed. Word n-grams need `min_df` sentences and at most `max_df` of them;
    at most `max_features` are kept, the most frequent first. Character n-grams (`char_ngram_range`,
    padded like sklearn's `char_wb`) are counted once per distinct word and summed into sentences
    with a sparse product, weighted by `char_weight` against the words. Rows are L2-normalised.
    """

    def __init__(
        self, *, ngram_max: int = 2, char_ngram_range: tuple[int, int] = (3, 5), char_weight: float = 0.5,
        min_df: int = 2, max_df: float = 0.5, max_features: int = 20_000, max_char_features: int = 20_000,
    ) -> None:
        self.ngram_max = ngram_max
        self.char_ngram_range = char_ngram_range
        self.char_weight = char_weight
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.max_char_features = max_char_features

    def _vocab(
        self, pairs: pl.DataFrame, col: str, n: int, limit: int, counted: bool = False
    ) -> pl.DataFrame:
        df = pairs.select(col, "df") if counted else pairs.unique().group_by(col).agg(df=pl.len())
        lo, hi = min(self.min_df, max(n, 1)), max(1, self.max_df * n)
        df = df.filter((pl.col("df") >= lo) & (pl.col("df") <= hi))
        df = df.sort(["df", col], descending=[True, False]).head(limit).sort(col)
        return df.with_row_index("id").with_columns(
            idf=(np.log((1 + n) / (1 + pl.col("df").cast(pl.Float64))) + 1.0))

    def fit(self, X: Any, y: Any = None) -> NarrativeVectorizer:
        self.stop_words_ = stop_words()
        tok = tokens(X, self.stop_words_)
        n = len(_as_series(X))
        self.n_fit_ = n
        self.vocabulary_ = self._vocab(_terms(tok, self.ngram_max), "term", n, self.max_features)
        # Document frequency of each character n-gram, from one sparse product (sentences x words) @
        # (words x n-grams) rather than a join of every sentence with every n-gram of its words.
        lo, hi = self.char_ngram_range
        words = tok.select("tok").unique().sort("tok").with_row_index("wid").rename({"tok": "word"})
        grams = _char_grams(words, lo, hi).unique()
        gram_ids = grams.select("gram").unique().sort("gram").with_row_index("gid")
        grams = grams.join(gram_ids, on="gram")
        t = tok.join(words, left_on="tok", right_on="word")
        sentence_words = _incidence(t["row"], t["wid"], (n, words.height))
        word_grams = _incidence(grams["wid"], grams["gid"], (words.height, gram_ids.height))
        df = (sentence_words @ word_grams).getnnz(axis=0)
        pairs = gram_ids.with_columns(df=pl.Series(df, dtype=pl.UInt32))
        self.char_vocabulary_ = self._vocab(pairs, "gram", n, self.max_char_features, counted=True)
        return self

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "vocabulary_")
        return np.asarray(self.vocabulary_["term"].to_list()
                          + ["char:" + g for g in self.char_vocabulary_["gram"].to_list()], dtype=object)

    @property
    def n_word_features_(self) -> int:
        return self.vocabulary_.height

    def transform(self, X: Any) -> sp.csr_matrix:
        """TF-IDF rows of X (word features, then character n-grams), L2-normalised, in chunks."""
        check_is_fitted(self, "vocabulary_")
        s = _as_series(X)
        starts = range(0, max(len(s), 1), CHUNK)
        blocks = [sp.hstack(self.parts(s.slice(i, CHUNK)), format="csr") for i in starts]
        out = blocks[0] if len(blocks) == 1 else sp.vstack(blocks, format="csr")
        out.sum_duplicates()  # canonical once here, not again inside every k-means batch
        return out

    def parts(self, X: Any) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """The word block and the character block of `transform`, already scaled (one chunk).

        Each block is TF-IDF with rows of unit length; the character block is weighted by
        `char_weight`, and both are divided by the length of the joined row, so that
        `hstack(parts)` is the unit-length row. Kept apart, they let the clusterer take
        similarities block by block without building the joined matrix.
        """
        check_is_fitted(self, "vocabulary_")
        X = _as_series(X)
        n = len(X)
        tok = tokens(X, self.stop_words_)
        vocab = self.vocabulary_
        w = (_terms(tok, self.ngram_max).join(vocab.select("term", "id"), on="term")
             .group_by("row", "id").agg(c=pl.len()).sort("row", "id"))
        words_part, has_words = _tfidf_inplace(_sorted_csr(w, (n, vocab.height)), vocab["idf"].to_numpy()
                                               .astype(np.float32))
        cv = self.char_vocabulary_
        has_chars = np.zeros(n, dtype=bool)
        char_part = sp.csr_matrix((n, cv.height), dtype=np.float32)
        if self.char_weight > 0 and cv.height:
            words = tok.select("tok").unique().sort("tok").with_row_index("wid").rename({"tok": "word"})
            lo, hi = self.char_ngram_range
            g = (_char_grams(words, lo, hi).join(cv.select("gram", "id"), on="gram")
                 .group_by("wid", "id").agg(c=pl.len()).sort("wid", "id").rename({"wid": "row"}))
            word_grams = _sorted_csr(g, (words.height, cv.height))
            t = (tok.join(words, left_on="tok", right_on="word").group_by("row", "wid").agg(c=pl.len())
                 .sort("row", "wid").rename({"wid": "id"}))
            sentence_words = _sorted_csr(t, (n, words.height))
            char_part, has_chars = _tfidf_inplace(sentence_words @ word_grams, cv["idf"].to_numpy()
                                                  .astype(np.float32))
        cw = np.float32(self.char_weight if cv.height else 0.0)
        norm = np.sqrt(has_words + cw * cw * has_chars).astype(np.float32)
        scale = np.where(norm > 0, 1.0 / np.where(norm > 0, norm, 1.0), 0.0).astype(np.float32)
        words_part.data *= scale[_row_ids(words_part)]
        char_part.data *= (cw * scale)[_row_ids(char_part)]
        return words_part, char_part


def _sorted_csr(pairs: pl.DataFrame, shape: tuple[int, int]) -> sp.csr_matrix:
    """A CSR matrix from (row, id, c) rows sorted by row then id: no sorting or summing in scipy."""
    rows = pairs["row"].to_numpy()
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    m = sp.csr_matrix((pairs["c"].to_numpy().astype(np.float32), pairs["id"].to_numpy().astype(np.int32),
                       indptr), shape=shape)
    m.has_sorted_indices = True
    return m


# --- clusterer -------------------------------------------------------------------------------------


class NarrativeClusterer(ClusterMixin, TransformerMixin, BaseEstimator):
    """Clusters sentences without labels: `vectorizer` then k-means, k chosen by cosine silhouette.

    `n_clusters="auto"` tries every k in `k_range` (capped at a fifth of the sample) on a seeded
    sample of at most `max_select_sentences` and keeps the k with the highest cosine silhouette;
    the final k-means fits on at most `max_fit_sentences` (MiniBatchKMeans above `minibatch_above`).
    Sentences beyond the sample are assigned by `predict`, so a million-sentence corpus costs one
    vectorising pass and one sparse product beyond the bounded fit. `transform` gives the cosine of
    each sentence to each cluster centre; rows with no feature are cluster -1.

    Fitted: `n_clusters_`, `cluster_centers_`, `silhouette_` (the quality figure), `k_scores_`
    ({k: silhouette}), `top_terms_` (per cluster, its most telling words), `labels_` and `scores_`
    (cluster and cosine to its centre of every sentence given to `fit`), `vectorizer_`.
    """

    def __init__(
        self, vectorizer: NarrativeVectorizer | None = None, *, n_clusters: int | str = "auto",
        k_range: tuple[int, int] = (2, 12), max_fit_sentences: int = 20_000,
        max_select_sentences: int = 2_000, minibatch_above: int = 10_000, n_init: int = 4,
        random_state: int | None = 0,
    ) -> None:
        self.vectorizer = vectorizer
        self.n_clusters = n_clusters
        self.k_range = k_range
        self.max_fit_sentences = max_fit_sentences
        self.max_select_sentences = max_select_sentences
        self.minibatch_above = minibatch_above
        self.n_init = n_init
        self.random_state = random_state

    def _sample(self, n: int, size: int) -> np.ndarray:
        if n <= size:
            return np.arange(n)
        return np.sort(np.random.RandomState(self.random_state).choice(n, size, replace=False))

    def _kmeans(self, k: int, n: int, n_init: int | None = None) -> KMeans | MiniBatchKMeans:
        n_init = self.n_init if n_init is None else n_init
        if n > self.minibatch_above:
            return MiniBatchKMeans(k, n_init=n_init, random_state=self.random_state, batch_size=4096)
        return KMeans(k, n_init=n_init, random_state=self.random_state)

    def fit(self, X: Any, y: Any = None) -> NarrativeClusterer:
        texts = _as_series(X)
        fit_idx = self.sample_indices(len(texts))
        self.fit_sample(texts.gather(fit_idx) if len(fit_idx) < len(texts) else texts)
        self.labels_, self.scores_ = self.score_samples(texts)
        return self

    def sample_indices(self, n: int) -> np.ndarray:
        """Positions (sorted) of the sentences `fit` learns from among `n`: a seeded sample."""
        return self._sample(n, self.max_fit_sentences)

    def fit_sample(self, sample: Any) -> NarrativeClusterer:
        """Learn from the sample `fit` would draw, without assigning the corpus.

        For a corpus read in batches: draw `sample_indices(n)`, gather those sentences, call this,
        then `score_samples` batch by batch. `labels_` and `scores_` are not set. k-means runs on one
        OpenMP thread: its sums are reduced in an order that depends on the thread count, so on more
        threads the centres (and scores) would differ in the sixth decimal from one machine, or one
        Dask worker, to another.
        """
        with threadpool_limits(limits=1, user_api="openmp"):
            return self._fit_sample(sample)

    def _fit_sample(self, sample: Any) -> NarrativeClusterer:
        sample = _as_series(sample)
        self.fit_sample_size_ = len(sample)
        self.vectorizer_ = clone(self.vectorizer) if self.vectorizer is not None else NarrativeVectorizer()
        self.vectorizer_.fit(sample)
        V = self.vectorizer_.transform(sample)
        keep = np.flatnonzero(V.getnnz(axis=1) > 0)
        V = V[keep]
        self.k_scores_: dict[int, float] = {}
        if V.shape[0] < 2:
            self.n_clusters_ = 1
            self.cluster_centers_ = np.asarray(V.mean(axis=0)) if V.shape[0] else np.zeros((1, V.shape[1]))
            self.silhouette_ = float("nan")
        else:
            k = self._choose_k(V)
            km = self._kmeans(k, V.shape[0]).fit(V)
            self.n_clusters_ = k
            self.cluster_centers_ = l2_normalize(km.cluster_centers_)  # has columns: V has rows
            labels = self._assign(V)[0]
            self.silhouette_ = (float(silhouette_score(*self._silhouette_rows(V, labels), metric="cosine"))
                                if len(set(labels)) > 1 else float("nan"))
        self.top_terms_ = self._top_terms(V)
        return self

    def _silhouette_rows(self, V: sp.csr_matrix, labels: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
        idx = self._sample(V.shape[0], self.max_select_sentences)
        return V[idx], labels[idx]

    def _choose_k(self, V: sp.csr_matrix) -> int:
        if self.n_clusters != "auto":
            return max(1, min(int(self.n_clusters), V.shape[0]))
        idx = self._sample(V.shape[0], self.max_select_sentences)
        S = V[idx]
        lo, hi = self.k_range
        hi = min(hi, max(2, S.shape[0] // 5))
        best, best_score = lo, -np.inf
        for k in range(lo, max(lo, hi) + 1):
            if k >= S.shape[0]:
                break
            labels = self._kmeans(k, S.shape[0], n_init=1 if S.shape[0] > 500 else None).fit_predict(S)
            score = float(silhouette_score(S, labels, metric="cosine")) if len(set(labels)) > 1 else -1.0
            self.k_scores_[k] = score
            if score > best_score + 1e-9:
                best, best_score = k, score
        return best

    def _assign(self, V: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        return self._best(np.asarray(V @ self.cluster_centers_.T))

    @staticmethod
    def _best(sims: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nearest centre and its cosine; a row with no feature (all zeros) is cluster -1."""
        if not sims.shape[1]:
            return np.full(sims.shape[0], -1, dtype=np.int64), np.zeros(sims.shape[0])
        labels = sims.argmax(axis=1)
        best = sims.max(axis=1).astype(np.float64)
        empty = ~np.any(sims != 0, axis=1)
        return np.where(empty, -1, labels).astype(np.int64), np.where(empty, 0.0, best)

    def _top_terms(self, V: sp.csr_matrix) -> list[list[str]]:
        """Per cluster, the word features whose centre weight most exceeds their corpus-wide mean."""
        nw = self.vectorizer_.n_word_features_
        names = self.vectorizer_.get_feature_names_out()[:nw]
        mean = np.asarray(V[:, :nw].mean(axis=0)).ravel() if V.shape[0] else np.zeros(nw)
        out = []
        for c in self.cluster_centers_:
            lift = c[:nw] - mean
            order = np.lexsort((names, -lift))
            out.append([names[i] for i in order[:N_TOP_TERMS] if lift[i] > 0 and c[i] > 0])
        return out

    def transform(self, X: Any) -> np.ndarray:
        """Cosine of each sentence to each cluster centre."""
        check_is_fitted(self, "cluster_centers_")
        s = _as_series(X)
        out = [self._similarities(s.slice(i, CHUNK)) for i in range(0, len(s), CHUNK)]
        return np.vstack(out) if out else np.zeros((0, self.cluster_centers_.shape[0]))

    def _similarities(self, X: pl.Series) -> np.ndarray:
        """Sentences x centres, block by block: the joined TF-IDF matrix is never built."""
        words, chars = self.vectorizer_.parts(X)
        nw = words.shape[1]
        c = self.cluster_centers_.astype(np.float32)
        return np.asarray(words @ c[:, :nw].T) + np.asarray(chars @ c[:, nw:].T)

    def predict(self, X: Any) -> np.ndarray:
        """The nearest cluster of each sentence, -1 for a sentence with no content word."""
        return self.score_samples(X)[0]

    def score_samples(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """Labels and the cosine to the chosen centre, each distinct text computed once.

        News repeats itself (wire copy reprinted, stock phrases), so the distinct texts are
        vectorised in chunks of `CHUNK` and their results spread back to every copy. Only labels and
        scores are kept from each chunk, so memory does not grow with the features of a million
        sentences.
        """
        check_is_fitted(self, "cluster_centers_")
        s = _as_series(X).fill_null("")
        distinct = s.unique().sort()
        back = s.rank("dense").cast(pl.Int64).to_numpy() - 1 if len(s) else np.zeros(0, dtype=np.int64)
        labels, scores = [np.zeros(0, dtype=np.int64)], [np.zeros(0)]
        for i in range(0, len(distinct), CHUNK):
            lab, best = self._best(self._similarities(distinct.slice(i, CHUNK)))
            labels.append(lab)
            scores.append(best)
        return np.concatenate(labels)[back], np.concatenate(scores)[back]

    def fit_predict(self, X: Any, y: Any = None, **kwargs: Any) -> np.ndarray:
        return self.fit(X).labels_


# --- the table -------------------------------------------------------------------------------------


def cluster_counts(assigned: pl.DataFrame, hits: pl.DataFrame) -> pl.DataFrame:
    """Per cluster: its size and, per narrative, how many of its sentences carry that narrative's seeds.

    Columns cluster, narrative (null on the size row), n. Counts of batches add up to the counts of
    the whole corpus, which is what lets a batched build name clusters as the unbatched one does.
    """
    size = assigned.group_by("cluster").agg(n=pl.len()).with_columns(narrative=pl.lit(None, pl.String))
    pairs = (assigned.join(hits.select("doc_id", "sentence_idx", "narrative"), on=["doc_id", "sentence_idx"])
             .group_by("cluster", "narrative").agg(n=pl.len()))
    return pl.concat([size.select("cluster", "narrative", "n"), pairs.select("cluster", "narrative", "n")]
                     ).cast({"cluster": pl.Int64, "narrative": pl.String, "n": pl.Int64})


def name_clusters(counts: pl.DataFrame) -> pl.DataFrame:
    """cluster -> narrative (null when no narrative's seeds reach NAME_MIN_SHARE of its sentences).

    `counts`: from `cluster_counts`, possibly the concatenation of several batches' counts.
    """
    counts = counts.group_by("cluster", "narrative").agg(pl.col("n").sum())
    size = counts.filter(pl.col("narrative").is_null()).select("cluster", size="n")
    share = (
        counts.filter(pl.col("narrative").is_not_null())
        .join(size, on="cluster")
        .with_columns(share=pl.col("n") / pl.col("size"),
                      rank=pl.col("narrative").replace_strict(NAMES, list(range(len(NAMES)))))
        .filter((pl.col("share") >= NAME_MIN_SHARE) & (pl.col("n") >= 2) & (pl.col("cluster") >= 0))
        .sort(["cluster", "share", "rank"], descending=[False, True, False])
        .group_by("cluster", maintain_order=True).first()
    )
    return share.select("cluster", cluster_narrative="narrative")


def narratives_table(
    sentences: pl.DataFrame, *, random_state: int = 0, model: NarrativeClusterer | None = None,
) -> pl.DataFrame:
    """One row per sentence: cluster, named narrative, score (cosine to its cluster) and top terms.

    `model`: an unfitted `NarrativeClusterer` to use (default settings otherwise); it is fitted here
    on at most `max_fit_sentences` of `sentences` and assigns the rest. The naming rules are in the
    module docstring. Same sentences and `random_state`, same table.
    """
    if sentences is None or sentences.height == 0 or "text_norm" not in sentences.columns:
        return schema.empty(schema.NARRATIVES)
    est = clone(model) if model is not None else NarrativeClusterer()
    est.set_params(random_state=random_state)
    est.fit(sentences["text_norm"])
    return _label_table(sentences, est, est.labels_, est.scores_)


def label_sentences(sentences: pl.DataFrame, est: NarrativeClusterer) -> pl.DataFrame:
    """The narratives table of `sentences` from a fitted clusterer (e.g. one fitted on another corpus)."""
    if sentences.height == 0:
        return schema.empty(schema.NARRATIVES)
    return _label_table(sentences, est, *est.score_samples(sentences["text_norm"]))


def _label_table(
    sentences: pl.DataFrame, est: NarrativeClusterer, labels: np.ndarray, score: np.ndarray
) -> pl.DataFrame:
    assigned = assignments(sentences, labels, score)
    hits = seed_hits(sentences)
    return finish_table(assigned, hits, name_clusters(cluster_counts(assigned, hits)), est)


def assignments(sentences: pl.DataFrame, labels: np.ndarray, score: np.ndarray) -> pl.DataFrame:
    """doc_id, sentence_idx, cluster and score (cosine to the cluster's centre) of each sentence."""
    return sentences.select("doc_id", "sentence_idx").with_columns(
        cluster=pl.Series(labels, dtype=pl.Int64), score=pl.Series(score, dtype=pl.Float64))


def finish_table(
    assigned: pl.DataFrame, hits: pl.DataFrame, named: pl.DataFrame, est: NarrativeClusterer
) -> pl.DataFrame:
    """The narratives table from assignments, seed hits and the clusters' names (rules 2 to 4)."""
    terms = pl.DataFrame({"cluster": list(range(len(est.top_terms_))),
                          "top_terms": [", ".join(t) for t in est.top_terms_]},
                         schema={"cluster": pl.Int64, "top_terms": pl.String})
    rank = {n: i for i, n in enumerate(NAMES)}
    own = (
        hits.join(assigned.select("doc_id", "sentence_idx", "cluster"), on=["doc_id", "sentence_idx"])
        .join(named, on="cluster", how="left")
        .with_columns(is_cluster=(pl.col("narrative") == pl.col("cluster_narrative")).fill_null(False),
                      rank=pl.col("narrative").replace_strict(rank, return_dtype=pl.Int64))
        .sort(["doc_id", "sentence_idx", "n_terms", "is_cluster", "rank"],
              descending=[False, False, True, True, False])
        .group_by("doc_id", "sentence_idx", maintain_order=True).first()
        .select("doc_id", "sentence_idx", own_narrative="narrative")
    )
    out = (
        assigned.join(named, on="cluster", how="left", maintain_order="left")
        .join(own, on=["doc_id", "sentence_idx"], how="left", maintain_order="left")
        .join(terms, on="cluster", how="left", maintain_order="left")
        .with_columns(
            narrative=pl.when(pl.col("own_narrative").is_not_null()).then(pl.col("own_narrative"))
            .when(pl.col("cluster") < 0).then(pl.lit("other"))
            .when(pl.col("cluster_narrative").is_not_null() & (pl.col("score") >= INHERIT_MIN_SCORE))
            .then(pl.col("cluster_narrative"))
            .otherwise(pl.lit("other")),
            top_terms=pl.col("top_terms").fill_null(""),
            score=pl.col("score").round(6),
        )
    )
    return schema.conform(out, schema.NARRATIVES, keep_extra=False)


# --- mixes and stability ---------------------------------------------------------------------------


def narrative_mix(
    narratives: pl.DataFrame, *, by: str = "doc_id", mentions: pl.DataFrame | None = None,
    documents: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Share of each narrative among the sentences of each document, actor or month.

    by="doc_id": every sentence of the document. by="actor": the sentences in which the mentions
    table names the actor (joined on doc_id + sentence_idx). by="month": the sentences of documents
    published in that month (`published` at month or day precision, from the documents table).
    Columns: by, narrative, n_sentences, share (shares of one `by` value sum to 1).
    """
    if by not in ("doc_id", "actor", "month"):
        raise ValueError(f"by must be doc_id, actor or month, not {by!r}")
    out_schema = {by: pl.String, "narrative": pl.String, "n_sentences": pl.Int64, "share": pl.Float64}
    key = ["doc_id", "sentence_idx"]
    if narratives is None or narratives.height == 0:
        return pl.DataFrame(schema=out_schema)
    rows = narratives.select(*key, pl.col("narrative").fill_null("other"))
    if by == "actor":
        if mentions is None or mentions.height == 0:
            return pl.DataFrame(schema=out_schema)
        rows = rows.join(mentions.select(*key, "actor").drop_nulls().unique(), on=key)
    elif by == "month":
        if documents is None or documents.height == 0:
            return pl.DataFrame(schema=out_schema)
        month = (documents.filter(pl.col("published_precision").is_in(["month", "day"]))
                 .select("doc_id", month=pl.col("published").str.slice(0, 7)))
        rows = rows.join(month, on="doc_id")
    return (
        rows.group_by(by, "narrative").agg(n_sentences=pl.len())
        .with_columns(share=pl.col("n_sentences") / pl.col("n_sentences").sum().over(by))
        .sort(by, "narrative")
        .select(pl.col(by).cast(pl.String), "narrative", "n_sentences", "share")
        .cast(out_schema)
    )


def stability(sentences: pl.DataFrame, seeds: Sequence[int] = (0, 1, 2)) -> dict[str, Any]:
    """How much the clustering depends on the seed: mean pairwise adjusted Rand between fits.

    Also the first fit's own quality figure (cosine silhouette), each fit's k and the named-narrative
    agreement (share of sentences whose narrative is the same in every fit).
    """
    texts = sentences["text_norm"] if sentences.height else pl.Series([], dtype=pl.String)
    fits, tables = [], []
    for s in seeds:
        est = NarrativeClusterer(random_state=s).fit(texts)
        fits.append(est)
        tables.append(label_sentences(sentences, est)["narrative"].to_list() if sentences.height else [])
    labels = [f.labels_ for f in fits]
    pairs = [float(adjusted_rand_score(a, b)) for a, b in itertools.combinations(labels, 2)]
    same = (np.mean([len(set(col)) == 1 for col in zip(*tables, strict=True)]) if tables and tables[0]
            else float("nan"))
    return {
        "seeds": list(seeds),
        "adjusted_rand_mean": float(np.mean(pairs)) if pairs else float("nan"),
        "adjusted_rand_pairs": pairs,
        "n_clusters": [f.n_clusters_ for f in fits],
        "silhouette": fits[0].silhouette_ if fits else float("nan"),
        "narrative_agreement": float(same),
    }
