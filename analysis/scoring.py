"""Scoring: how much to trust each candidate event, learned from the dev annotations.

The rules of `events` propose candidates (a trigger with its actor and model); this stage gives each a
`confidence` from interpretable features (which kind of trigger, whether the model is known or found by
shape or context, how far the model stands from the trigger, where the actor came from, modality, what
the rest of the article says, language) with a logistic regression fitted on the dev annotations, and
keeps those at or above a threshold chosen on dev. The fitted model is data (`data/models/
event_scorer.json`: features, coefficients, intercept, threshold), applied as one polars expression,
and rebuilt by `openness train` with a fixed seed.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from analysis import resources

MODEL_FILE = ("models", "event_scorer.json")
EVENT_TYPES = (
    "open_release",
    "open_plan",
    "delay",
    "closed_release",
    "incident",
    "licence_restriction",
    "statement",
    "competition",
    "talent",
)


def features() -> dict[str, pl.Expr]:
    """The candidate's features, by name: each a numeric polars expression over the candidate table."""
    f: dict[str, pl.Expr] = {
        "role_event": pl.col("role") == "event",
        "role_release": pl.col("role") == "release",
        "role_openness": pl.col("role") == "openness",
        "unsaid": pl.col("unsaid").fill_null(False),
        "has_model": pl.col("model").is_not_null(),
        "model_unknown": pl.col("model_known").fill_null(True).not_() & pl.col("model").is_not_null(),
        "model_shape": pl.col("model_how") == "shape",
        "model_from_ref": pl.col("model_src").fill_null("") == "ref",
        "actor_from_model": pl.col("actor_src").fill_null("") == "model",
        # "the company", or the maker another sentence of the article names
        "actor_from_ref": pl.col("actor_src").fill_null("").is_in(["ref", "article"]),
        "actor_is_model": pl.col("actor_src").fill_null("") == "self",
        # the page's own publisher speaking ("we released"), known from where the page is published
        "actor_is_publisher": pl.col("actor_src").fill_null("") == "publisher",
        # how far the actor named in the sentence stands from the trigger (1 when it came from elsewhere)
        "actor_gap": pl.col("a_gap").fill_null(150).clip(0, 150) / 150,
        "model_gap": (pl.col("m_start") - pl.col("cue_start")).abs().fill_null(100).clip(0, 100) / 100,
        "model_after_cue": (pl.col("m_start") > pl.col("cue_start")).fill_null(False),
        "future": pl.col("future"),
        "negation": pl.col("negation"),
        "speculation": pl.col("speculation"),
        "headline": pl.col("sentence_idx") == 0,
        "arabic": pl.col("text_norm").str.contains(r"\p{Arabic}"),
        "long_sentence": pl.col("text_norm").str.len_chars().clip(0, 600) / 600,
        "doc_open_words": pl.col("doc_open_words").fill_null(0).clip(0, 10) / 10,
        "model_open_elsewhere": pl.col("model_open_elsewhere").fill_null(False),
        "openness_from_article": pl.col("from_article").fill_null(False),
        "open_words_here": pl.col("sentence_open_words").fill_null(0).clip(0, 3) / 3,
        # the open words of the sentence qualify software (a database, a tool, an agent), not a model
        "open_word_of_software": pl.col("open_word_of_software").fill_null(False),
        "actor_person": pl.col("actor_person").fill_null(False),
        # a statement counts when it is about openness: the type alone says little
        "statement_on_openness": (pl.col("event_type") == "statement")
        & (pl.col("sentence_openness_words").fill_null(0) > 0),
        "statement_by_person": (pl.col("event_type") == "statement")
        & pl.col("actor_person").fill_null(False),
        # "we believe ..." on a lab's own page: the lab states its position
        "statement_by_publisher": (pl.col("event_type") == "statement")
        & (pl.col("actor_src").fill_null("") == "publisher"),
        "kb_open": pl.col("kb_openness")
        .is_in(["open_weights", "restricted", "open_source"])
        .fill_null(False),
        "kb_closed": (pl.col("kb_openness") == "closed").fill_null(False),
        "repeats": pl.col("repeats").fill_null(1).clip(1, 5) / 5,
    }
    for t in EVENT_TYPES:
        f[f"type_{t}"] = pl.col("event_type") == t
    return {k: v.cast(pl.Float64).fill_null(0.0) for k, v in f.items()}


def feature_frame(c: pl.DataFrame) -> pl.DataFrame:
    """The candidates' features as a numeric frame, columns in `features()` order."""
    return c.select(**features())


@dataclass(frozen=True)
class Scorer:
    """A fitted logistic regression as data: feature names, coefficients, intercept, threshold."""

    names: list[str]
    coef: list[float]
    intercept: float
    threshold: float

    def expr(self) -> pl.Expr:
        """The confidence of each candidate: the logistic of the weighted sum of its features."""
        f = features()
        z = pl.lit(self.intercept)
        for n, w in zip(self.names, self.coef, strict=True):
            if n in f and w:
                z = z + f[n] * w
        return (1.0 / (1.0 + (-z).exp())).round(4)


def load(path: Path | None = None) -> Scorer | None:
    """The fitted scorer of the data folder, or None when there is none (then every candidate stays)."""
    p = path or resources.data_dir().joinpath(*MODEL_FILE)
    if not p.exists():
        return None
    d = json.loads(p.read_text(encoding="utf-8"))
    return Scorer(d["features"], d["coef"], d["intercept"], d["threshold"])


def score(c: pl.DataFrame, min_confidence: float | None = None) -> pl.DataFrame:
    """`confidence` for every candidate, and only those at or above the threshold kept."""
    s = load()
    if s is None or c.height == 0:
        return c
    c = c.with_columns(confidence=s.expr())
    keep = s.threshold if min_confidence is None else min_confidence
    return c.filter(pl.col("confidence") >= keep)


# --- fitting --------------------------------------------------------------------------------------


def _squash(s: str | None) -> str:
    return re.sub(r"[\s\-_.·]+", "", (s or "").lower())


def _model_agrees(gold: str | None, pred: str | None) -> bool:
    """annotation.md's rule: no gold model agrees with any; a family agrees with its members."""
    if not gold:
        return True
    if not pred:
        return False
    g, p = _squash(gold), _squash(pred)
    return g == p or p.startswith(g) or g.startswith(p)


def label(
    cands: pl.DataFrame, sentence_gold: pl.DataFrame, doc_gold: pl.DataFrame, person_org: dict[str, str]
) -> pl.Series:
    """1 for a candidate that matches a gold row, else 0.

    `sentence_gold` (doc_id, evidence, actor, model, event_type) matches in the evidence sentence, as
    tests/test_events.py scores; `doc_gold` (doc, actor, model, event_type) anywhere in the document,
    as annotation.md's Scoring says."""
    by_doc: dict[str, list[dict]] = {}
    for r in doc_gold.iter_rows(named=True):
        by_doc.setdefault(r["doc"], []).append(r)
    by_sent: dict[str, list[dict]] = {}
    for r in sentence_gold.iter_rows(named=True):
        by_sent.setdefault(r["doc_id"], []).append(r)
    out = []
    for r in cands.select("doc_id", "actor", "model", "event_type", "evidence").iter_rows(named=True):
        actors = {r["actor"], person_org.get(r["actor"] or "", r["actor"])}
        hit = any(
            g["event_type"] == r["event_type"]
            and (g["actor"] in actors or person_org.get(g["actor"]) in actors)
            and _model_agrees(g["model"], r["model"])
            for g in by_doc.get(r["doc_id"], [])
        )
        hit = hit or any(
            g["event_type"] == r["event_type"]
            and g["actor"] == r["actor"]
            and (g["model"] or None) == r["model"]
            and g["evidence"] in (r["evidence"] or "")
            for g in by_sent.get(r["doc_id"], [])
        )
        out.append(int(hit))
    return pl.Series("label", out, dtype=pl.Int8)


CV_REPEATS = 10  # shuffles of the cross-validation folds whose scores are averaged
THRESHOLD_SMOOTH = 5  # steps of 0.01 either side over which the F-beta curve is averaged
PLATEAU = 0.01  # how far below the smoothed curve's best a threshold may do and still be on its flat top
BETA = 1.0  # F-beta of the threshold curve: precision and recall weigh alike


def source_weights(sizes: list[int]) -> list[float]:
    """A weight per candidate such that every dev source weighs alike, however many candidates it has:
    the largest set must not decide alone what the scorer learns."""
    total, k = sum(sizes), len(sizes)
    return [total / (k * n) for n in sizes for _ in range(n)]


def fit(
    x: pl.DataFrame, y: pl.Series, *, random_state: int = 0, c: float = 1.0,
    sample_weight: list[float] | None = None,
) -> Scorer:
    """A logistic regression on the features, and the threshold that gives the best F-beta on
    cross-validated scores (so the threshold is not chosen on the very scores it was fitted to).

    The F-beta curve of a few hundred candidates is flat and jagged near its top, so its single
    highest point moves with every refit: the scores are averaged over CV_REPEATS shuffles of the
    folds, the curve over THRESHOLD_SMOOTH steps either side, and the threshold is the middle of the
    thresholds within PLATEAU of its top."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    X, Y = x.to_numpy(), y.to_numpy()
    w = np.ones(len(Y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    est = LogisticRegression(C=c, max_iter=2000, random_state=random_state)
    p = np.mean([
        cross_val_predict(est, X, Y, method="predict_proba", params={"sample_weight": w},
                          cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=random_state + k))[:, 1]
        for k in range(CV_REPEATS)
    ], axis=0)
    ts = np.round(np.arange(0.05, 0.95, 0.01), 2)
    b2 = BETA * BETA
    f = []
    for t in ts:
        tp = float((w * ((p >= t) & (Y == 1))).sum())
        prec = tp / max(float((w * (p >= t)).sum()), 1e-9)
        rec = tp / max(float((w * (Y == 1)).sum()), 1e-9)
        f.append((1 + b2) * prec * rec / (b2 * prec + rec) if prec + rec else 0.0)
    k = THRESHOLD_SMOOTH
    smooth = [float(np.mean(f[max(0, i - k): i + k + 1])) for i in range(len(f))]
    # the middle of the curve's flat top, not its highest point: every threshold within PLATEAU of the
    # best does about as well, and its middle moves least when a refit tilts the top
    top = [float(t) for t, v in zip(ts, smooth, strict=True) if v >= max(smooth) - PLATEAU]
    best_t = round(float(np.median(top)), 2)
    est.fit(X, Y, sample_weight=w)
    return Scorer(
        list(x.columns),
        [round(float(w), 6) for w in est.coef_[0]],
        round(float(est.intercept_[0]), 6),
        best_t,
    )


def save(s: Scorer, path: Path, info: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    d = {
        "model": "logistic regression (scikit-learn), fitted by `openness train`",
        **info,
        "threshold": s.threshold,
        "intercept": s.intercept,
        "features": s.names,
        "coef": s.coef,
    }
    path.write_text(json.dumps(d, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# --- `openness train` -----------------------------------------------------------------------------

# the dev material: bundled articles and written fixtures (gold per sentence), the real corpus's dev
# split (gold per document); the test split is never read here
DEV_SOURCES = (
    ("data/corpus", "tests/annotations/corpus.csv"),
    ("tests/fixtures/articles", "tests/annotations/fixtures.csv"),
)
REAL_DIR = "tests/fixtures/real"
REAL_SPLIT = "tests/annotations/real_split.csv"
REAL_DEV_GOLD = "tests/annotations/real_events.csv"  # only its dev split is read
# written dev material with gold per document: news articles, and blog posts (lab and vendor pages)
PER_DOCUMENT = (
    ("tests/fixtures/news", "*.txt", "tests/annotations/news_events.csv"),
    ("tests/fixtures/posts", "post_*.md", "tests/annotations/posts_events.csv"),
)


def _candidates_of(paths: list[Path]) -> pl.DataFrame:
    from analysis import corpus, dates, entities, events, text

    docs = corpus.read_corpus([str(p) for p in paths], progress=False)
    docs = dates.publication_dates(docs)
    docs, sentences = text.segment(docs)
    docs = entities.publishers(docs)
    spans = dates.extract_dates(sentences, docs)
    ents = entities.extract_entities(sentences)
    return events.candidate_table(sentences, docs, spans, ents)


def training_set(root: Path) -> tuple[pl.DataFrame, pl.Series, dict]:
    """Dev candidates with their features and gold labels."""
    from analysis import kb

    person_org = dict(kb.organisations().filter(pl.col("kind") == "person").select("name", "org").iter_rows())
    frames, labels, counts = [], [], {}
    empty_doc = pl.DataFrame(
        schema={"doc": pl.String, "actor": pl.String, "model": pl.String, "event_type": pl.String}
    )
    for folder, gold in DEV_SOURCES:
        files = sorted((root / folder).glob("*.txt"))
        c = _candidates_of(files)
        g = pl.read_csv(root / gold, infer_schema=False).with_columns(pl.col("model").replace("", None))
        frames.append(c)
        labels.append(label(c, g, empty_doc, person_org))
        counts[folder] = c.height
    split = pl.read_csv(root / REAL_SPLIT, infer_schema=False)
    dev = split.filter(pl.col("split") == "dev")["doc"].to_list()
    gold_path = root / REAL_DEV_GOLD
    empty_sent = pl.DataFrame(
        schema={
            "doc_id": pl.String,
            "evidence": pl.String,
            "actor": pl.String,
            "model": pl.String,
            "event_type": pl.String,
        }
    )
    if gold_path.exists():
        g = pl.read_csv(gold_path, infer_schema=False).filter(pl.col("doc").is_in(dev))
        # every dev document, those that state no event too: their candidates are all negatives
        docs = sorted(d for d in set(dev) if (root / REAL_DIR / f"{d}.md").exists())
        c = _candidates_of([root / REAL_DIR / f"{d}.md" for d in docs])
        frames.append(c)
        labels.append(label(c, empty_sent, g.with_columns(pl.col("model").replace("", None)), person_org))
        counts[REAL_DIR + " (dev split)"] = c.height
    for folder, pattern, gold in PER_DOCUMENT:
        if not (root / gold).exists():
            continue
        g = pl.read_csv(root / gold, infer_schema=False).with_columns(pl.col("model").replace("", None))
        c = _candidates_of(sorted((root / folder).glob(pattern)))
        frames.append(c)
        labels.append(label(c, empty_sent, g, person_org))
        counts[folder] = c.height
    cands = pl.concat(frames, how="diagonal_relaxed")
    return feature_frame(cands), pl.concat(labels), counts


def train(root: Path, out: Path, *, random_state: int = 0) -> Scorer:
    """Fit the scorer on the dev material under `root` and write it to `out`."""
    x, y, counts = training_set(root)
    s = fit(x, y, random_state=random_state, sample_weight=source_weights(list(counts.values())))
    save(s, out, {"random_state": random_state, "candidates": counts, "positives": int(y.sum()),
                  "weights": "each source weighs alike"})
    return s
