"""Charts: what each one draws from a small table, empty tables, fixed specs, and real SVG output.

The mentions below are read from tests/fixtures/report/english (which sentence reports which event, and
the date it gives); the charts must keep undated events off the timeline, draw month and year dates at
the start of their period, and carry the evidence sentence into the tooltip.
"""

from __future__ import annotations

import json

import polars as pl
import pytest
import vl_convert as vlc

from analysis import charts, schema

EVIDENCE = {
    "gptoss": "August 5, 2025 - OpenAI released two open-weight language models, gpt-oss-120b and "
    "gpt-oss-20b, on Tuesday, the company said.",
    "grok3": "August 24, 2025 - Elon Musk said xAI has open-sourced Grok 2.5 and will release Grok 3 as "
    "open source in about six months.",
    "delay": "July 12, 2025 - OpenAI has postponed the release of its open-weight model, which had been "
    "expected next week, to run additional safety tests, Sam Altman said on Friday.",
    "talent": "Meta, meanwhile, has hired several OpenAI researchers as the talent war between the labs "
    "heats up.",
}


@pytest.fixture
def mentions() -> pl.DataFrame:
    rows = [
        (
            "wire_gptoss",
            1,
            EVIDENCE["gptoss"],
            "OpenAI",
            "gpt-oss-120b",
            "open_release",
            "realized",
            "open_weights",
            "2025-08-05",
            "day",
        ),
        (
            "tech_grok",
            1,
            EVIDENCE["grok3"],
            "xAI",
            "Grok-3",
            "open_plan",
            "planned",
            "open_source",
            "2026-02",
            "month",
        ),
        (
            "daily_delay",
            1,
            EVIDENCE["delay"],
            "OpenAI",
            None,
            "delay",
            "realized",
            "open_weights",
            "2025-07",
            "month",
        ),
        (
            "daily_delay",
            3,
            EVIDENCE["talent"],
            "Meta",
            None,
            "talent",
            "realized",
            "unknown",
            None,
            "unknown",
        ),
    ]
    cols = [
        "doc_id",
        "sentence_idx",
        "evidence",
        "actor",
        "model",
        "event_type",
        "status",
        "openness",
        "date",
        "date_precision",
    ]
    return schema.conform(pl.DataFrame(rows, schema=cols, orient="row"), schema.MENTIONS)


@pytest.fixture
def narratives() -> pl.DataFrame:
    rows = [
        ("wire_gptoss", 1, 0, "china_competition", "china open"),
        ("wire_gptoss", 2, 1, "other", "first time"),
        ("daily_delay", 1, 2, "safety_delay", "safety tests"),
        ("daily_delay", 2, 2, "safety_delay", "safety tests"),
        ("daily_delay", 3, 3, "talent_war", "talent hired"),
    ]
    df = pl.DataFrame(
        rows, schema=["doc_id", "sentence_idx", "cluster", "narrative", "top_terms"], orient="row"
    )
    return schema.conform(df.with_columns(score=pl.lit(1.0)), schema.NARRATIVES)


def svg(chart) -> str:
    return vlc.vegalite_to_svg(chart.to_dict(), vl_version="v6_4", allowed_base_urls=[])


def datasets(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def test_period_start_puts_partial_dates_at_the_start_of_their_period():
    df = pl.DataFrame({"date": ["2025", "2025-08", "2025-08-05", None, "soon", " 2024-02 "]})
    got = df.select(charts.period_start("date"))["date"].to_list()
    assert got == ["2025-01-01", "2025-08-01", "2025-08-05", None, None, "2024-02-01"]


def test_timeline_draws_dated_mentions_only_and_says_how_many_are_undated(mentions):
    spec = charts.event_timeline(mentions).to_dict()
    rows = [r for r in datasets(spec) if "t" in r]
    assert sorted({r["t"] for r in rows}) == ["2025-07-01", "2025-08-05", "2026-02-01"]
    assert not any(r["actor"] == "Meta" for r in rows)  # the talent mention has no date
    assert "1 undated" in json.dumps(spec["vconcat"][0]["title"])
    tooltip = [t["field"] for t in spec["vconcat"][0]["encoding"]["tooltip"]]
    assert {"evidence", "date_precision", "actor", "model"} <= set(tooltip)
    assert {r["evidence"] for r in rows} >= {EVIDENCE["gptoss"], EVIDENCE["delay"]}
    # a brush on the timeline filters the table of events below it
    assert spec["params"][0]["name"] == "brush" and spec["params"][0]["select"]["type"] == "interval"
    assert "brush" in json.dumps(spec["vconcat"][1])
    assert spec["vconcat"][0]["encoding"]["color"]["scale"]["domain"] == list(schema.EVENT_TYPES)


def test_same_table_gives_the_same_spec_in_one_process(mentions, narratives):
    mix = charts.narrative_mix(narratives, by="actor", mentions=mentions)
    for make in (
        lambda: charts.event_timeline(mentions),
        lambda: charts.actor_narrative_heatmap(mix),
        lambda: charts.cluster_terms(narratives),
    ):
        assert json.dumps(make().to_dict(), sort_keys=True) == json.dumps(make().to_dict(), sort_keys=True)


def test_narrative_mix_shares_sum_to_one_per_group(narratives, mentions):
    by_doc = charts.narrative_mix(narratives, by="doc_id")
    sums = by_doc.group_by("doc_id").agg(pl.col("share").sum())["share"].to_list()
    assert all(abs(s - 1) < 1e-9 for s in sums)
    assert by_doc.filter(pl.col("doc_id") == "daily_delay").sort("narrative")["n_sentences"].to_list() == [
        2,
        1,
    ]
    by_actor = charts.narrative_mix(narratives, by="actor", mentions=mentions)
    # OpenAI is named in the gpt-oss sentence (china_competition) and in the delay one (safety_delay)
    assert set(by_actor.filter(pl.col("actor") == "OpenAI")["narrative"]) == {
        "china_competition",
        "safety_delay",
    }


def test_cluster_summary_names_each_cluster_once(narratives):
    s = charts.cluster_summary(narratives)
    assert s["cluster"].to_list() == [0, 1, 2, 3]
    assert s.filter(pl.col("cluster") == 2).row(0, named=True) == {
        "cluster": 2,
        "narrative": "safety_delay",
        "top_terms": "safety tests",
        "n_sentences": 2,
    }


def test_every_chart_renders_to_svg(mentions, narratives):
    docs = schema.conform(
        pl.DataFrame(
            {
                "doc_id": ["a", "b", "c"],
                "status": ["ok", "ok", "empty"],
                "lang": ["ar", "en", None],
                "published": ["2025-08-19", "2025", None],
                "published_precision": ["day", "year", "unknown"],
            }
        ),
        schema.DOCUMENTS,
    )
    mix = charts.narrative_mix(narratives, by="actor", mentions=mentions)
    made = [
        charts.event_timeline(mentions),
        charts.openness_by_actor(mentions),
        charts.corpus_overview(docs),
        charts.narrative_shares(charts.narrative_mix(narratives), "doc_id"),
        charts.narrative_shares(mix, "actor"),
        charts.actor_narrative_heatmap(mix),
        charts.cluster_terms(narratives),
    ]
    for chart in made:
        out = svg(chart)
        assert out.startswith("<svg") and "<path" in out


def test_empty_tables_give_a_chart_that_says_so():
    empty = {name: schema.empty(s) for name, s in schema.TABLES.items()}
    mix = charts.narrative_mix(empty["narratives"], by="doc_id")
    made = {
        "No events found": charts.event_timeline(empty["mentions"]),
        "No narratives found": charts.narrative_shares(mix, "doc_id"),
        "No actor": charts.actor_narrative_heatmap(mix),
        "No clusters found": charts.cluster_terms(empty["narratives"]),
        "The corpus is empty": charts.corpus_overview(empty["documents"]),
    }
    for message, chart in made.items():
        assert message in json.dumps(chart.to_dict())
        assert message.split()[-1] in svg(chart)


def test_quote_table_escapes_article_text():
    df = pl.DataFrame({"doc_id": ["x"], "text": ["<script>alert(1)</script> <img src=x onerror=alert(1)>"]})
    out = charts.quote_table(df, "text")._repr_html_()
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and 'dir="auto"' in out
