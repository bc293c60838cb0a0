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
    assert "1 undated" in json.dumps(spec["title"])
    tooltip = [t["field"] for t in spec["encoding"]["tooltip"]]
    assert {"evidence", "date_precision", "actor", "model"} <= set(tooltip)
    assert {r["evidence"] for r in rows} >= {EVIDENCE["gptoss"], EVIDENCE["delay"]}
    assert spec["encoding"]["color"]["scale"]["domain"] == list(schema.EVENT_TYPES)
    assert "drag" not in json.dumps(spec).lower()  # the PDF shows the same chart: no instruction in it


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
        charts.corpus_overview(docs.filter(pl.col("status") == "ok")),
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


# --- the report's tables: trend, record, promises, languages ---------------------------------------------

from analysis import report_tables as rt  # noqa: E402

# Releases as the events stage reports them: (event_id, actor, model, type, status, openness, date, precision)
RELEASES = [
    ("e1", "OpenAI", "GPT-2", "open_release", "realized", "open_weights", "2019-11-05", "day"),
    ("e2", "OpenAI", "GPT-3", "closed_release", "realized", "closed", "2020-06-11", "day"),
    ("e3", "Meta", "Llama 2", "open_release", "realized", "restricted", "2023-07-18", "day"),
    ("e4", "Mistral AI", "Mistral 7B", "open_release", "realized", "open_source", "2023-09", "month"),
    (
        "e5",
        "Google",
        "Gemini",
        "closed_release",
        "realized",
        "open_weights",
        "2023-12-06",
        "day",
    ),  # closed wins
    ("e6", "Sam Altman", "GPT-4o", "closed_release", "realized", "closed", "2024-05-13", "day"),  # OpenAI's
    ("e7", "xAI", "Grok-1", "open_release", "realized", "unknown", "2024-03-17", "day"),
    ("e8", "DeepSeek", "DeepSeek-R1", "open_release", "realized", "open_source", "2025-01-20", "day"),
    ("e9", "TII", "Falcon", "open_release", "realized", "open_source", "2023", "year"),  # year only
    ("e10", "Meta", "Llama 5", "open_release", "reported", "open_weights", "2025-02", "month"),  # rumour
    ("e11", "Anthropic", "Claude", "open_release", "negated", "open_weights", "2024-03", "month"),  # denied
    ("e12", "Alibaba", "Qwen", "open_release", "realized", "open_weights", None, "unknown"),  # undated
    ("e13", "Nobody Labs", "X-1", "closed_release", "realized", "closed", "2024-11-02", "day"),  # unknown lab
    ("e14", "xAI", "Grok-1", "licence_restriction", "realized", "restricted", "2024-03-17", "day"),
]


def events_of(rows, **extra) -> pl.DataFrame:
    cols = ["event_id", "actor", "model", "event_type", "status", "openness", "date", "date_precision"]
    df = pl.DataFrame(rows, schema=cols, orient="row")
    for k, v in extra.items():
        df = df.with_columns(pl.Series(k, v))
    return schema.conform(df, schema.EVENTS)


@pytest.fixture
def release_events() -> pl.DataFrame:
    return events_of(RELEASES)


def expected_counts(rows, period: str) -> dict[tuple[str, str], int]:
    """The trend recomputed from the rows by hand: realized releases, by period label and level."""
    out: dict[tuple[str, str], int] = {}
    for _, _, _, kind, status, openness, date, _ in rows:
        if kind not in ("open_release", "closed_release") or status != "realized" or not date:
            continue
        if period == "year":
            label = date[:4]
        elif len(date) < 7:
            continue
        elif period == "month":
            label = date[:7]
        else:
            label = f"{date[:4]} Q{(int(date[5:7]) - 1) // 3 + 1}"
        level = (
            "closed"
            if kind == "closed_release"
            else openness
            if openness in ("open_source", "open_weights", "restricted")
            else "open_unstated"
        )
        out[(label, level)] = out.get((label, level), 0) + 1
    return out


@pytest.mark.parametrize("period", ["year", "quarter", "month"])
def test_trend_chart_numbers_are_the_events_counted_directly(release_events, period):
    expected = expected_counts(RELEASES, period)
    trend = rt.openness_trend(release_events, period)
    got = {(r["period"], r["level"]): r["n"] for r in trend.iter_rows(named=True) if r["n"]}
    assert got == expected
    # the chart draws exactly these numbers: bars per (period, level), totals, and the open share
    spec = charts.openness_trend(trend, period=period).to_dict()
    data = spec["datasets"]
    bars = next(rows for rows in data.values() if rows and "level" in rows[0])
    assert {(r["period"], r["level"]): r["n"] for r in bars if r["n"]} == expected
    totals = next(rows for rows in data.values() if rows and set(rows[0]) == {"period", "total", "few"})
    per_period: dict[str, int] = {}
    for (label, _), k in expected.items():
        per_period[label] = per_period.get(label, 0) + k
    assert {r["period"]: r["total"] for r in totals if r["total"]} == per_period
    shares = next(rows for rows in data.values() if rows and "reliability" in rows[0])
    assert shares
    for r in shares:
        n_open = sum(
            k for (label, level), k in expected.items() if label == r["period"] and level != "closed"
        )
        assert r["open_share"] == pytest.approx(n_open / per_period[r["period"]])
        assert r["few"] == (per_period[r["period"]] < rt.MIN_PER_PERIOD)
    # every period between the first and the last is drawn, empty ones as zero
    labels = sorted({label for label, _ in expected})
    assert [r["period"] for r in totals] == rt.periods_between(labels[0], labels[-1], period)


def test_trend_by_region_and_lab_use_the_knowledge_base(release_events):
    by_lab = rt.trend_summary(rt.openness_trend(release_events, "year", by="lab"), "lab")
    openai = by_lab.filter(pl.col("lab") == "OpenAI")
    assert openai["total"].sum() == 3  # GPT-2, GPT-3 and Sam Altman's GPT-4o
    assert "Sam Altman" not in by_lab["lab"].to_list()
    regions = rt.openness_trend(release_events, "year", by="region")
    assert set(regions["region"]) == {"United States", "Europe", "China", "Gulf", "not known"}
    unknown = regions.filter(pl.col("region") == "not known")
    assert unknown["n"].sum() == 1  # the lab the knowledge base does not know is counted, not dropped
    assert rt.undated_releases(release_events, "quarter") == 2  # Qwen (no date) and Falcon (year only)
    spec = charts.openness_trend_by(regions, "region", period="year").to_dict()
    assert spec["facet"]["field"] == "region"


def test_period_follows_the_density_of_the_data():
    weeks = pl.Series([f"2025-0{m}-{d:02d}" for m in (7, 8) for d in range(1, 29, 4)])
    assert rt.choose_period(weeks) == "month"
    quarters = pl.Series([f"2024-{m:02d}-01" for m in range(1, 13) for _ in range(2)])
    assert rt.choose_period(quarters) == "quarter"
    sparse = pl.Series(["2019-02-14", "2021-05-01", "2023-07-18", "2025-08-05"])
    assert rt.choose_period(sparse) == "year"
    assert rt.choose_period(pl.Series([], dtype=pl.String)) == "year"
    assert rt.periods_between("2024 Q3", "2025 Q2", "quarter") == ["2024 Q3", "2024 Q4", "2025 Q1", "2025 Q2"]
    assert rt.periods_between("2024-11", "2025-02", "month") == ["2024-11", "2024-12", "2025-01", "2025-02"]


EPOCH = pl.DataFrame(
    {
        "model": ["Llama 2-70B", "Llama 2-7B", "Llama 3.1-405B", "GPT-4", "Grok-1", "DeepSeek-R1", "Claude"],
        "organization": ["Meta AI", "Meta AI", "Meta AI", "OpenAI", "xAI", "DeepSeek", "Anthropic"],
        "country": ["United States of America"] * 5 + ["China", "United States of America"],
        "published": ["2023-07-18"] * 3 + ["2023-03-15", "2024-03-17", "2025-01-20", "2023-03-14"],
        "model_accessibility": [
            "Open weights (restricted use)",
            "Open weights (restricted use)",
            "Open weights (restricted use)",
            "API access",
            "Open weights (unrestricted)",
            "Open weights (unrestricted)",
            None,
        ],
    }
)


def test_models_match_the_record_by_normalised_name_then_by_family():
    m = rt.match_epoch(["llama 2", "GPT 4", "grok1", "Llama 3", "Gemini"], EPOCH)
    pairs = {(r["model"], r["epoch_model"], r["match"]) for r in m.iter_rows(named=True)}
    assert pairs == {
        ("llama 2", "Llama 2-70B", "family"),
        ("llama 2", "Llama 2-7B", "family"),
        ("GPT 4", "GPT-4", "exact"),
        ("grok1", "Grok-1", "exact"),
    }  # "Llama 3" is not "Llama 3.1-405B"; Gemini is not in this record


def test_news_beside_the_record_finds_the_claims_to_check():
    evts = events_of(
        [
            ("a", "Meta", "Llama 2", "open_release", "realized", "open_source", "2023-07-18", "day"),
            ("b", "OpenAI", "GPT-4", "closed_release", "realized", "closed", "2023-03-14", "day"),
            ("c", "xAI", "Grok-1", "open_release", "realized", "open_weights", "2024-03-17", "day"),
            ("d", "Google", "Gemini", "closed_release", "realized", "closed", "2023-12-06", "day"),
            ("e", "Anthropic", "Claude", "closed_release", "realized", "closed", "2023-03-14", "day"),
            ("f", "DeepSeek", "DeepSeek-R1", "open_release", "planned", "open_source", "2025-01", "month"),
        ],
        n_documents=[2, 1, 1, 1, 1, 1],
    )
    got = {r["model"]: r["verdict"] for r in rt.news_vs_record(evts, EPOCH).iter_rows(named=True)}
    assert got == {
        "Llama 2": "disagrees",  # called open source; the record says open weights under restricted use
        "GPT-4": "agrees",
        "Grok-1": "agrees",
        "Gemini": "not in the record",
        "Claude": "record silent",
    }  # a planned release says nothing of what the model is: DeepSeek-R1 is not compared
    spec = charts.news_vs_record(rt.news_vs_record(evts, EPOCH)).to_dict()
    rows = datasets(spec)
    assert {(r["model"], r["source"], r["cls"]) for r in rows if r["model"] == "Llama 2"} == {
        ("Llama 2", "news coverage", "open"),
        ("Llama 2", "Epoch AI record", "restricted"),
    }


def test_promise_ledger_outcomes():
    plans = [
        ("p1", "xAI", "Grok", "open_plan", "planned", "open_source", "2024-03", "month"),  # on time
        ("p2", "OpenAI", "gpt-oss", "open_plan", "planned", "open_weights", "2025-06", "month"),  # late
        ("p3", "Meta", "Llama 9", "open_plan", "planned", "open_weights", "2025-01-31", "day"),  # broken
        ("p4", "xAI", "Grok-3", "open_plan", "planned", "open_source", "2026-02", "month"),  # not yet
        ("p5", "Mistral AI", "Next", "open_plan", "planned", "open_weights", None, "unknown"),  # no date
        (
            "p6",
            "TII",
            "Falcon 9",
            "open_plan",
            "planned",
            "open_weights",
            None,
            "unknown",
        ),  # delivered, no date
        ("r1", "xAI", "Grok-1", "open_release", "realized", "open_source", "2024-03-17", "day"),
        ("r2", "OpenAI", "gpt-oss-120b", "open_release", "realized", "open_weights", "2025-08-05", "day"),
        ("r6", "TII", "Falcon 9", "open_release", "realized", "open_weights", "2025-05-01", "day"),
        ("d2", "OpenAI", "gpt-oss", "delay", "realized", "open_weights", "2025-07", "month"),
    ]
    evts = events_of(
        plans,
        fulfils=[None] * 6 + ["p1", "p2", "p6", None],
        first_reported=[
            "2024-03-12",
            "2025-04-01",
            "2024-09-01",
            "2025-08-25",
            "2025-05-01",
            "2025-01-01",
            "2024-03-18",
            "2025-08-06",
            "2025-05-02",
            "2025-07-12",
        ],
    )
    ledger = rt.promise_ledger(evts, "2025-08-25")
    got = {r["event_id"]: r["outcome"] for r in ledger.iter_rows(named=True)}
    assert got == {
        "p1": "delivered on time",
        "p2": "delivered late",
        "p3": "broken",
        "p4": "not yet",
        "p5": "not yet",
        "p6": "delivered, no date set",
    }
    p2 = ledger.filter(pl.col("event_id") == "p2").row(0, named=True)
    assert (p2["made"], p2["delivered"], p2["n_delays"], p2["delays"]) == (
        "2025-04-01",
        "2025-08-05",
        1,
        "2025-07",
    )
    spec = charts.promise_timeline(ledger, as_of="2025-08-25").to_dict()
    rows = datasets(spec)
    assert {r["outcome"] for r in rows} == set(got.values())
    assert svg(charts.promise_timeline(ledger, as_of="2025-08-25")).startswith("<svg")


def test_events_reported_in_one_language_or_both():
    evts = events_of(
        [
            ("a", "Meta", "Llama 2", "open_release", "realized", "open_weights", "2023-07-18", "day"),
            ("b", "TII", "Falcon", "open_release", "realized", "open_source", "2023-05-31", "day"),
            ("c", "OpenAI", "GPT-4", "closed_release", "realized", "closed", "2023-03-14", "day"),
        ],
        mention_ids=[["m1", "m2"], ["m3"], ["m4"]],
    )
    ments = schema.conform(
        pl.DataFrame(
            {
                "mention_id": ["m1", "m2", "m3", "m4"],
                "doc_id": ["x", "y", "y", "z"],
                "lang": ["en", "ar", "mixed", "en"],
            }
        ),
        schema.MENTIONS,
    )
    docs = schema.conform(
        pl.DataFrame({"doc_id": ["x", "y", "z"], "lang": ["en", "ar", "en"]}), schema.DOCUMENTS
    )
    got = dict(rt.event_languages(evts, ments, docs).select("event_id", "coverage").iter_rows())
    assert got == {"a": "both", "b": "Arabic only", "c": "English only"}  # a mixed sentence: its article's
    spec = charts.coverage_by_language(rt.event_languages(evts, ments, docs)).to_dict()
    assert sum(r["n"] for r in datasets(spec)) == 3


def test_new_charts_render_and_say_so_when_empty(release_events, narratives):
    sents = schema.conform(
        narratives.select("doc_id", "sentence_idx").with_columns(
            lang=pl.Series(["en", "en", "ar", "ar", "ar"])
        ),
        schema.SENTENCES,
    )
    docs = schema.conform(
        pl.DataFrame(
            {
                "doc_id": ["wire_gptoss", "daily_delay"],
                "status": ["ok", "ok"],
                "published": ["2025-08-05", "2025-07-12"],
            }
        ),
        schema.DOCUMENTS,
    )
    sn = rt.sentence_narratives(narratives, sents, docs, "month")
    made = [
        charts.lab_period_grid(
            rt.trend_summary(rt.openness_trend(release_events, "year", by="lab"), "lab"), period="year"
        ),
        charts.narratives_by_language(rt.narrative_shares(sn, ["lang"])),
        charts.narratives_by_period(rt.narrative_shares(sn, ["lang", "period"]), period="month"),
    ]
    for chart in made:
        assert "<path" in svg(chart)
    by_lang = rt.narrative_shares(sn, ["lang"])
    assert set(by_lang["lang"]) == {"en", "ar"} and "other" not in by_lang["narrative"].to_list()
    empty = schema.empty(schema.EVENTS)
    for chart in (
        charts.openness_trend(rt.openness_trend(empty, "year"), period="year"),
        charts.openness_trend_by(rt.openness_trend(empty, "year", by="region"), "region", period="year"),
        charts.news_vs_record(rt.news_vs_record(empty, EPOCH)),
        charts.promise_timeline(rt.promise_ledger(empty, None), as_of=None),
    ):
        assert "text" in json.dumps(chart.to_dict()) and svg(chart).startswith("<svg")
