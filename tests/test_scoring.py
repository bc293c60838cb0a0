"""The event scorer: a fitted model kept as data, rebuilt by one command, applied as an expression."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis import cli, corpus, dates, entities, events, scoring, text

ROOT = Path(__file__).resolve().parent.parent


def test_openness_train_rebuilds_the_scorer_kept_in_the_repository(tmp_path, capsys):
    out = tmp_path / "scorer.json"
    assert cli.main(["train", "--out", str(out)]) == 0
    assert "threshold" in capsys.readouterr().out
    kept = json.loads((ROOT / "data" / "models" / "event_scorer.json").read_text(encoding="utf-8"))
    built = json.loads(out.read_text(encoding="utf-8"))
    # the same fit; the last digits of a coefficient may differ between machines' floating point
    assert built["features"] == kept["features"] and built["candidates"] == kept["candidates"]
    assert built["coef"] == pytest.approx(kept["coef"], abs=1e-3)
    assert built["intercept"] == pytest.approx(kept["intercept"], abs=1e-3)
    assert built["threshold"] == pytest.approx(kept["threshold"], abs=0.011)


def test_every_source_weighs_alike_however_many_candidates_it_has():
    w = scoring.source_weights([2, 6])
    assert len(w) == 8 and sum(w[:2]) == pytest.approx(4.0) and sum(w[2:]) == pytest.approx(4.0)


def test_the_threshold_keeps_what_it_says(tmp_path):
    (tmp_path / "a.txt").write_text("Meta released Llama 3 on Hugging Face.\nOpenAI delayed its model.\n",
                                    encoding="utf-8")
    docs = dates.publication_dates(corpus.read_corpus([tmp_path], progress=False))
    docs, sentences = text.segment(docs)
    c = events.candidate_table(sentences, docs, dates.extract_dates(sentences, docs),
                               entities.extract_entities(sentences))
    assert c.height >= 2
    scored = scoring.score(c, 0.0)
    assert scored.height == c.height and scored["confidence"].is_between(0, 1).all()
    assert scoring.score(c, 1.01).height == 0
    # the features are numbers for every row, missing inputs included
    f = scoring.feature_frame(c)
    assert f.null_count().sum_horizontal().item() == 0 and f.columns == scoring.load().names
