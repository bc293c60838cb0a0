"""Charts of the tables: small functions that take Polars frames and return Altair charts.

The report and the notebooks draw with the same functions, so a chart looks the same in both. Every
function accepts an empty frame and then returns a chart that says there is nothing to draw, never an
error. Selections and views carry fixed names, so the same table gives the same chart specification
in every process (no counters that depend on how many charts were drawn before).

Dates in the tables are partial ISO strings with a precision column (`2025`, `2025-08`, `2025-08-05`);
they are drawn at the start of their period, and the precision goes into the tooltip.
"""

from __future__ import annotations

import html
from typing import Any

import altair as alt
import polars as pl

from analysis import schema

FONT = "Amiri, 'Noto Sans Arabic', 'DejaVu Sans', sans-serif"
EVENT_COLORS = (
    "#1f77b4",
    "#aec7e8",
    "#d62728",
    "#7f7f7f",
    "#9467bd",
    "#8c564b",
    "#2ca02c",
    "#ff7f0e",
    "#e377c2",
)
NARRATIVE_COLORS = ("#d62728", "#ff7f0e", "#9467bd", "#1f77b4", "#8c564b", "#17becf", "#2ca02c", "#c7c7c7")
OPENNESS_COLORS = ("#2ca02c", "#98df8a", "#ffbb78", "#d62728", "#c7c7c7")
STATUS_COLORS = ("#2ca02c", "#c7c7c7", "#ff7f0e", "#9467bd", "#d62728", "#8c564b", "#e377c2")
EVIDENCE_CHARS = 160  # evidence longer than this is cut where a chart shows it (the tooltip keeps it whole)
LANG_COLORS = ("#1b9e77", "#7570b3", "#bbbbbb")
COVERAGE = ("Arabic only", "English only", "both", "language not known")
COVERAGE_COLORS = ("#1b9e77", "#7570b3", "#e6ab02", "#bbbbbb")
OUTCOME_COLORS = ("#1a9850", "#fdae61", "#91bfdb", "#999999", "#d73027")
COUNT_AXIS = {"format": "d", "tickMinStep": 1}  # counts of documents or events: whole numbers only


def _scale(domain: tuple[str, ...], colors: tuple[str, ...]) -> alt.Scale:
    """Fixed colours per category, so a category has the same colour in every chart and report."""
    return alt.Scale(domain=list(domain), range=list(colors[: len(domain)]))


def event_type_scale() -> alt.Scale:
    return _scale(schema.EVENT_TYPES, EVENT_COLORS)


def narrative_scale() -> alt.Scale:
    return _scale(schema.NARRATIVE_NAMES, NARRATIVE_COLORS)


def nothing(message: str, *, width: int = 400) -> alt.Chart:
    """A chart that says there is nothing to draw, in place of an empty axis."""
    return (
        alt.Chart(alt.Data(values=[{"message": message}]))
        .mark_text(fontSize=14, color="#666")
        .encode(text="message:N")
        .properties(width=width, height=40)
    )


def period_start(date: str | pl.Expr = "date") -> pl.Expr:
    """A partial ISO date (`2025`, `2025-08`, `2025-08-05`) as the full date its period starts on."""
    d = pl.col(date) if isinstance(date, str) else date
    d = d.str.strip_chars()
    return (
        pl.when(d.str.contains(r"^\d{4}-\d{2}-\d{2}$"))
        .then(d)
        .when(d.str.contains(r"^\d{4}-\d{2}$"))
        .then(d + "-01")
        .when(d.str.contains(r"^\d{4}$"))
        .then(d + "-01-01")
        .otherwise(None)
    )


def dated(mentions: pl.DataFrame, date: str = "date") -> tuple[pl.DataFrame, int]:
    """Rows with a usable date (plus `t`, the period start) and how many rows had none."""
    if date not in mentions.columns:
        return mentions.head(0).with_columns(t=pl.lit(None, pl.String)), mentions.height
    out = mentions.with_columns(t=period_start(date)).filter(pl.col("t").is_not_null())
    return out, mentions.height - out.height


def _short(col: str, n: int = EVIDENCE_CHARS) -> pl.Expr:
    s = pl.col(col).fill_null("").str.replace_all(r"\s+", " ")
    return pl.when(s.str.len_chars() > n).then(s.str.slice(0, n) + "…").otherwise(s)


def event_timeline(mentions: pl.DataFrame, *, width: int = 600) -> alt.Chart:
    """Mentions on a timeline by lab, coloured by event type and shaped by status.

    Only dated mentions are drawn; the subtitle says how many had no date. The evidence sentence is in
    the tooltip; the report's event table lists every event with its evidence, so the chart carries no
    text that could be cut.
    """
    pts, undated = dated(mentions)
    if pts.is_empty():
        return nothing(f"No dated events ({undated} undated)" if undated else "No events found", width=width)
    pts = (
        pts.with_columns(
            actor=pl.col("actor").fill_null("(unknown)"),
            model=pl.col("model").fill_null("—"),
        )
        .select(
            "t",
            "date",
            "date_precision",
            "actor",
            "model",
            "event_type",
            "status",
            "openness",
            "evidence",
            "doc_id",
        )
        .sort("t", "actor", "event_type", "doc_id", "evidence")
    )
    years = int(pts["t"].max()[:4]) - int(pts["t"].min()[:4])
    x = alt.X(
        "t:T",
        title="date of the event (start of its period)",
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(
            format="%Y" if years >= 3 else "%Y-%m",
            labelAngle=0,
            labelOverlap=True,
            tickCount={"interval": "year" if years >= 3 else "month", "step": 1},
        ),
    )
    return (
        alt.Chart(pts, name="timeline")
        .mark_point(filled=True, size=110, opacity=0.85)
        .encode(
            x=x,
            y=alt.Y("actor:N", title=None, sort="ascending"),
            color=alt.Color("event_type:N", scale=event_type_scale(), title="event type"),
            shape=alt.Shape(
                "status:N", title="status", scale=alt.Scale(domain=list(schema.MENTION_STATUSES))
            ),
            tooltip=[
                alt.Tooltip("actor:N"),
                alt.Tooltip("model:N"),
                alt.Tooltip("event_type:N", title="event"),
                alt.Tooltip("status:N"),
                alt.Tooltip("date:N"),
                alt.Tooltip("date_precision:N", title="precision"),
                alt.Tooltip("evidence:N"),
                alt.Tooltip("doc_id:N", title="article"),
            ],
        )
        .properties(
            width=width,
            height=max(100, 28 * pts["actor"].n_unique()),
            title=alt.Title(
                "Openness events by actor",
                subtitle=f"{pts.height} dated mentions shown; {undated} undated not shown",
            ),
        )
    )


def narrative_shares(mix: pl.DataFrame, by: str = "doc_id", *, width: int = 560) -> alt.Chart:
    """Stacked, normalised bars: the share of sentences carrying each narrative, per `by` value."""
    if mix.is_empty() or by not in mix.columns:
        return nothing("No narratives found", width=width)
    data = mix.select(pl.col(by).cast(pl.String).fill_null("(none)"), "narrative", "n_sentences", "share")
    color = alt.Color("narrative:N", scale=narrative_scale(), title="narrative")
    tooltip = [
        alt.Tooltip(f"{by}:N"),
        alt.Tooltip("narrative:N"),
        alt.Tooltip("n_sentences:Q", title="sentences"),
        alt.Tooltip("share:Q", format=".0%"),
    ]
    order = alt.Order("narrative:N", sort="ascending")
    chart = alt.Chart(data, name=f"narratives_by_{by}").mark_bar()
    if by == "month":
        return chart.encode(
            x=alt.X("month:O", title="month of publication", sort="ascending"),
            y=alt.Y(
                "sum(n_sentences):Q", stack="normalize", title="share of sentences", axis=alt.Axis(format="%")
            ),
            color=color,
            order=order,
            tooltip=tooltip,
        ).properties(width=width, height=220)
    return chart.encode(
        y=alt.Y(f"{by}:N", title=None, sort="ascending"),
        x=alt.X(
            "sum(n_sentences):Q", stack="normalize", title="share of sentences", axis=alt.Axis(format="%")
        ),
        color=color,
        order=order,
        tooltip=tooltip,
    ).properties(width=width, height=max(60, 22 * data[by].n_unique()))


def actor_narrative_heatmap(mix: pl.DataFrame, *, width: int = 420) -> alt.LayerChart | alt.Chart:
    """Actor × narrative: the share of an actor's sentences that carry each narrative."""
    if mix.is_empty() or "actor" not in mix.columns:
        return nothing("No actor is named in a sentence with a narrative", width=width)
    data = mix.select(pl.col("actor").fill_null("(unknown)"), "narrative", "n_sentences", "share")
    base = alt.Chart(data).encode(
        x=alt.X("narrative:N", sort=list(schema.NARRATIVE_NAMES), title=None, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("actor:N", sort="ascending", title=None),
    )
    rect = (
        base.mark_rect()
        .properties(name="actor_narrative_cells")
        .encode(
            color=alt.Color(
                "share:Q",
                scale=alt.Scale(scheme="blues", domain=[0, 1]),
                title="share",
                legend=alt.Legend(format="%"),
            ),
            tooltip=[
                alt.Tooltip("actor:N"),
                alt.Tooltip("narrative:N"),
                alt.Tooltip("n_sentences:Q", title="sentences"),
                alt.Tooltip("share:Q", format=".0%"),
            ],
        )
    )
    text = (
        base.mark_text(fontSize=11)
        .properties(name="actor_narrative_counts")
        .encode(
            text=alt.Text("n_sentences:Q"),
            color=alt.condition(alt.datum.share > 0.5, alt.value("white"), alt.value("black")),
        )
    )
    return alt.layer(rect, text).properties(width=width, height=max(60, 24 * data["actor"].n_unique()))


def cluster_summary(narratives: pl.DataFrame) -> pl.DataFrame:
    """One row per cluster: its size, its most frequent narrative name and its top terms."""
    if narratives.is_empty():
        return pl.DataFrame(
            schema={
                "cluster": pl.Int64,
                "narrative": pl.String,
                "top_terms": pl.String,
                "n_sentences": pl.UInt32,
            }
        )
    return (
        narratives.filter(pl.col("cluster").is_not_null())
        .group_by("cluster")
        .agg(
            narrative=pl.col("narrative").drop_nulls().mode().sort().first(),
            top_terms=pl.col("top_terms").drop_nulls().sort().first(),
            n_sentences=pl.len(),
        )
        .sort("cluster")
    )


def cluster_terms(narratives: pl.DataFrame, *, width: int = 300) -> alt.HConcatChart | alt.Chart:
    """Each cluster's size as a bar, and its top terms beside it."""
    summary = cluster_summary(narratives)
    if summary.is_empty():
        return nothing("No clusters found", width=width)
    data = summary.with_columns(
        label=pl.format("cluster {} · {}", pl.col("cluster"), pl.col("narrative").fill_null("other")),
        top_terms=_short("top_terms", 90),
    )
    y = alt.Y("label:N", sort=alt.SortField("cluster"), title=None)
    bars = (
        alt.Chart(data, name="cluster_sizes")
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("n_sentences:Q", title="sentences"),
            color=alt.Color("narrative:N", scale=narrative_scale(), legend=None),
            tooltip=[
                alt.Tooltip("cluster:Q"),
                alt.Tooltip("narrative:N"),
                alt.Tooltip("n_sentences:Q"),
                alt.Tooltip("top_terms:N", title="top terms"),
            ],
        )
        .properties(width=140, height=max(60, 22 * data.height))
    )
    terms = (
        alt.Chart(data, name="cluster_top_terms")
        .mark_text(align="left")
        .encode(
            y=alt.Y("label:N", sort=alt.SortField("cluster"), axis=None),
            text="top_terms:N",
        )
        .properties(
            width=width, height=max(60, 22 * data.height), title=alt.Title("top terms", anchor="start")
        )
    )
    return alt.hconcat(bars, terms, spacing=8)


def openness_by_actor(events: pl.DataFrame, *, width: int = 440) -> alt.Chart:
    """How open each actor's models are: events per actor and openness level, models in the tooltip."""
    if events.is_empty():
        return nothing("No events found", width=width)
    data = (
        events.with_columns(
            actor=pl.col("actor").fill_null("(unknown)"),
            openness=pl.col("openness").fill_null("unknown"),
            model=pl.col("model").fill_null("—"),
        )
        .group_by("actor", "openness")
        .agg(n_events=pl.len(), models=pl.col("model").unique().sort().str.join(", "))
        .sort("actor", "openness")
    )
    return (
        alt.Chart(data, name="openness_by_actor")
        .mark_circle(opacity=0.9)
        .encode(
            x=alt.X(
                "openness:N",
                sort=list(schema.OPENNESS),
                scale=alt.Scale(domain=list(schema.OPENNESS)),
                title="openness",
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("actor:N", sort="ascending", title=None),
            size=alt.Size("n_events:Q", title="events", scale=alt.Scale(range=[60, 600])),
            color=alt.Color("openness:N", scale=_scale(schema.OPENNESS, OPENNESS_COLORS), legend=None),
            tooltip=[
                alt.Tooltip("actor:N"),
                alt.Tooltip("openness:N"),
                alt.Tooltip("n_events:Q", title="events"),
                alt.Tooltip("models:N"),
            ],
        )
        .properties(width=width, height=max(60, 26 * data["actor"].n_unique()))
    )


def corpus_overview(
    documents: pl.DataFrame, *, width: int = 560, period: str | None = None
) -> alt.VConcatChart | alt.Chart:
    """What went in: usable articles per period of publication by language, and documents left out.

    The period is the one the report reads trends by (`report_tables.choose_period` of the publication
    dates when not given). The bar of statuses is drawn only when something was left out.
    """
    from analysis import report_tables as rt

    if documents.is_empty():
        return nothing("The corpus is empty", width=width)
    docs = documents.with_columns(pl.col("status").fill_null("unknown"), pl.col("lang").fill_null("—"))
    ok = docs.filter(pl.col("status") == "ok")
    period = period or rt.choose_period(ok["published"])
    per = ok.with_columns(period=rt.period_of(period, "published"))
    undated = per.filter(pl.col("period").is_null()).height
    per = per.filter(pl.col("period").is_not_null())
    if per.is_empty():
        when: alt.Chart = nothing(f"No publication dates ({undated} undated)", width=width)
    else:
        labels = per["period"].sort()
        grid = pl.DataFrame({"period": rt.periods_between(labels[0], labels[-1], period)})
        counts = (
            grid.join(per.select("lang").unique(), how="cross")
            .join(per.group_by("period", "lang").len("n"), on=["period", "lang"], how="left")
            .with_columns(pl.col("n").fill_null(0))
            .sort("period", "lang")
        )
        when = (
            alt.Chart(counts, name="documents_by_period")
            .mark_bar()
            .encode(
                x=alt.X(
                    "period:O",
                    title=f"published ({period})",
                    sort="ascending",
                    axis=alt.Axis(labelAngle=-45 if grid.height > 12 else 0, labelOverlap=True),
                ),
                y=alt.Y("sum(n):Q", title="articles", axis=alt.Axis(**COUNT_AXIS)),
                color=alt.Color(
                    "lang:N",
                    title="language",
                    scale=alt.Scale(domain=["ar", "en", "mixed"], range=list(LANG_COLORS)),
                ),
                tooltip=["period:O", "lang:N", alt.Tooltip("n:Q", title="articles")],
            )
            .properties(
                width=width,
                height=160,
                title=alt.Title(
                    "Usable articles by date of publication",
                    subtitle=f"{per.height} dated, {undated} without a publication date",
                ),
            )
        )
    if docs["status"].n_unique() == 1 and docs["status"][0] == "ok":
        return when
    status = (
        alt.Chart(docs.group_by("status").len("n").sort("status"), name="documents_by_status")
        .mark_bar()
        .encode(
            y=alt.Y("status:N", sort=list(schema.STATUSES), title=None),
            x=alt.X("n:Q", title="documents", axis=alt.Axis(**COUNT_AXIS)),
            color=alt.Color("status:N", scale=_scale(schema.STATUSES, STATUS_COLORS), legend=None),
            tooltip=["status:N", alt.Tooltip("n:Q", title="documents")],
        )
        .properties(width=width, title="Documents by status (what was read and what was left out)")
    )
    return alt.vconcat(status, when, spacing=24)


# --- openness over time ------------------------------------------------------------------------------


def _stacked_levels() -> dict[str, Any]:
    """The y, colour and stacking order of a bar of releases stacked by openness level."""
    from analysis import report_tables as rt

    return {
        "y": alt.Y("n:Q", title="releases", stack="zero", axis=alt.Axis(**COUNT_AXIS)),
        "color": alt.Color("level_label:N", title="openness", scale=level_scale(),
                           sort=[rt.LEVEL_LABELS[v] for v in rt.LEVELS]),
        "order": alt.Order("level_order:Q", sort="ascending"),
    }


def level_scale() -> alt.Scale:
    from analysis import report_tables as rt

    return alt.Scale(
        domain=[rt.LEVEL_LABELS[v] for v in rt.LEVELS],
        range=["#1a9850", "#91cf60", "#fee08b", "#d9ef8b", "#d73027"],
    )


def _labelled(trend: pl.DataFrame) -> pl.DataFrame:
    from analysis import report_tables as rt

    order = {v: i for i, v in enumerate(rt.LEVELS)}
    return trend.with_columns(
        level_label=pl.col("level").replace_strict(rt.LEVEL_LABELS),
        level_order=pl.col("level").replace_strict(order, return_dtype=pl.Int64),
    )


def openness_trend(trend: pl.DataFrame, *, period: str, width: int = 600) -> alt.VConcatChart | alt.Chart:
    """Releases per period stacked by openness level, the count over each bar, and the open share below.

    Periods with fewer than `report_tables.MIN_PER_PERIOD` releases are drawn as hollow points on the
    share line: their share says little.
    """
    from analysis import report_tables as rt

    if trend.is_empty():
        return nothing("No dated release to draw", width=width)
    data = _labelled(trend)
    x = alt.X(
        "period:O",
        title=period,
        sort="ascending",
        axis=alt.Axis(labelAngle=-45 if data["period"].n_unique() > 12 else 0, labelOverlap=True),
    )
    bars = (
        alt.Chart(data, name="trend_counts")
        .mark_bar()
        .encode(
            x=x,
            **_stacked_levels(),
            tooltip=[
                alt.Tooltip("period:O"),
                alt.Tooltip("level_label:N", title="openness"),
                alt.Tooltip("n:Q", title="releases"),
                alt.Tooltip("total:Q", title="releases in period"),
                alt.Tooltip("share:Q", format=".0%"),
            ],
        )
    )
    totals = data.group_by("period").agg(pl.col("total").first(), pl.col("few").first()).sort("period")
    labels = (
        alt.Chart(totals, name="trend_totals")
        .mark_text(dy=-6, fontSize=11, baseline="bottom")
        .encode(x=x, y=alt.Y("total:Q"), text=alt.Text("total:Q"))
    )
    top = alt.layer(bars, labels).properties(
        width=width, height=220, title="Releases per period by openness (count over each bar)"
    )
    shares = (
        data.group_by("period")
        .agg(
            pl.col("open_share").first(),
            pl.col("total").first(),
            pl.col("n_open").first(),
            pl.col("few").first(),
        )
        .sort("period")
        .with_columns(
            reliability=pl.when(pl.col("few"))
            .then(pl.lit(f"fewer than {rt.MIN_PER_PERIOD} releases"))
            .otherwise(pl.lit(f"{rt.MIN_PER_PERIOD} releases or more"))
        )
        .filter(pl.col("open_share").is_not_null())
    )
    base = alt.Chart(shares).encode(
        x=x,
        y=alt.Y(
            "open_share:Q", title="open share", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")
        ),
        tooltip=[
            alt.Tooltip("period:O"),
            alt.Tooltip("open_share:Q", format=".0%", title="open share"),
            alt.Tooltip("n_open:Q", title="open releases"),
            alt.Tooltip("total:Q", title="releases"),
        ],
    )
    line = base.mark_line(color="#1a9850", strokeDash=[4, 3]).properties(name="trend_open_share_line")
    points = base.mark_point(size=70, color="#1a9850").encode(
        fill=alt.Fill(
            "reliability:N",
            title="period",
            scale=alt.Scale(
                domain=[f"{rt.MIN_PER_PERIOD} releases or more", f"fewer than {rt.MIN_PER_PERIOD} releases"],
                range=["#1a9850", "white"],
            ),
        ),
    )
    bottom = alt.layer(line, points).properties(
        width=width, height=120, title="Share of releases that were open"
    )
    return alt.vconcat(top, bottom, spacing=16).resolve_scale(color="independent")


def openness_trend_by(
    trend: pl.DataFrame, by: str, *, period: str, width: int = 600, columns: int = 2
) -> alt.FacetChart | alt.Chart:
    """Small multiples: the releases of each `by` group (region, country, lab) per period by level."""

    if trend.is_empty() or by not in trend.columns:
        return nothing("No dated release to draw", width=width)
    data = _labelled(trend)
    n_groups = data[by].n_unique()
    cols = min(columns, n_groups)
    panel = max(160, (width - 40 * cols) // cols)
    many = data["period"].n_unique() > 8
    return (
        alt.Chart(data, name=f"trend_by_{by}")
        .mark_bar()
        .encode(
            x=alt.X(
                "period:O",
                title=None,
                sort="ascending",
                axis=alt.Axis(labelAngle=-90 if many else 0, labelOverlap=True),
            ),
            **_stacked_levels(),
            tooltip=[
                alt.Tooltip(f"{by}:N"),
                alt.Tooltip("period:O"),
                alt.Tooltip("level_label:N", title="openness"),
                alt.Tooltip("n:Q", title="releases"),
                alt.Tooltip("total:Q", title="releases in period"),
            ],
        )
        .properties(width=panel, height=110)
        .facet(
            facet=alt.Facet(
                f"{by}:N",
                title=None,
                sort="ascending",
                header=alt.Header(labelFontSize=12, labelFontWeight="bold"),
            ),
            columns=cols,
        )
        .resolve_scale(y="independent")
    )


def lab_period_grid(summary: pl.DataFrame, *, period: str, width: int = 600) -> alt.LayerChart | alt.Chart:
    """Lab × period: the open share as colour and "open/all" releases as text in each cell."""
    if summary.is_empty() or "lab" not in summary.columns:
        return nothing("No dated release to draw", width=width)
    data = summary.filter(pl.col("total") > 0).with_columns(
        cell=pl.format("{}/{}", pl.col("n_open"), pl.col("total"))
    )
    n_periods = data["period"].n_unique()
    base = alt.Chart(data).encode(
        x=alt.X(
            "period:O",
            title=period,
            sort="ascending",
            axis=alt.Axis(labelAngle=-45 if n_periods > 10 else 0, orient="top"),
        ),
        y=alt.Y("lab:N", title=None, sort="ascending"),
    )
    rect = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "open_share:Q",
            title="open share",
            legend=alt.Legend(format="%"),
            scale=alt.Scale(domain=[0, 1], range=["#d73027", "#ffffbf", "#1a9850"]),
        ),
        tooltip=[
            alt.Tooltip("lab:N"),
            alt.Tooltip("period:O"),
            alt.Tooltip("n_open:Q", title="open releases"),
            alt.Tooltip("total:Q", title="releases"),
            alt.Tooltip("open_share:Q", format=".0%"),
        ],
    )
    text = base.mark_text(fontSize=11).encode(text="cell:N")
    return alt.layer(rect, text).properties(
        width=min(width, max(200, 46 * n_periods)), height=max(60, 24 * data["lab"].n_unique())
    )


# --- the news beside the record -----------------------------------------------------------------------


def news_vs_record(table: pl.DataFrame, *, width: int = 300) -> alt.Chart:
    """Each model: the classes the coverage gives (circles) and those Epoch's record gives (squares)."""
    from analysis import report_tables as rt

    rows = table.filter(pl.col("verdict").is_in(["agrees", "disagrees"]))
    if rows.is_empty():
        return nothing("No model of the coverage is in the record", width=width)
    long = (
        pl.concat(
            [
                rows.select("model", "verdict", cls=pl.col("news_classes"), source=pl.lit("news coverage")),
                rows.select(
                    "model", "verdict", cls=pl.col("record_classes"), source=pl.lit("Epoch AI record")
                ),
            ]
        )
        .explode("cls")
        .drop_nulls("cls")
    )
    return (
        alt.Chart(long, name="news_vs_record")
        .mark_point(size=150, strokeWidth=2.5)
        .encode(
            x=alt.X(
                "cls:N",
                title=None,
                sort=list(rt.CLASSES),
                scale=alt.Scale(domain=list(rt.CLASSES)),
                axis=alt.Axis(labelAngle=0, orient="top"),
            ),
            y=alt.Y("model:N", title=None, sort="ascending"),
            shape=alt.Shape(
                "source:N",
                title="says",
                scale=alt.Scale(domain=["news coverage", "Epoch AI record"], range=["circle", "square"]),
            ),
            color=alt.Color(
                "verdict:N",
                title="verdict",
                scale=alt.Scale(domain=["agrees", "disagrees"], range=["#4575b4", "#d73027"]),
            ),
            xOffset=alt.XOffset("source:N", scale=alt.Scale(domain=["news coverage", "Epoch AI record"])),
            tooltip=["model:N", "source:N", alt.Tooltip("cls:N", title="openness"), "verdict:N"],
        )
        .properties(width=width, height=max(60, 22 * rows.height))
    )


# --- promises ---------------------------------------------------------------------------------------------


def promise_timeline(
    ledger: pl.DataFrame, *, as_of: str | None, width: int = 600
) -> alt.LayerChart | alt.Chart:
    """Each promise as a line from when it was made to its delivery (or to the newest article).

    A circle marks when it was made, a tick when it was due, a triangle when it was delivered; the
    colour is the outcome.
    """
    from analysis import report_tables as rt

    if ledger.is_empty():
        return nothing("No promise to open a model", width=width)
    data = ledger.with_columns(
        promise=pl.format("{} · {}", pl.col("lab").fill_null("?"), pl.col("model").fill_null("a model")),
        made_t=period_start("made"),
        due_t=period_start("due"),
        delivered_t=period_start("delivered"),
        end_t=pl.coalesce(period_start("delivered"), period_start(pl.lit(as_of, pl.String))),
    ).with_columns(pl.format("{} ({})", "promise", pl.col("event_id").str.slice(0, 4)).alias("key"))
    if data["promise"].n_unique() == data.height:
        data = data.with_columns(key=pl.col("promise"))
    color = alt.Color(
        "outcome:N", scale=alt.Scale(domain=list(rt.OUTCOMES), range=list(OUTCOME_COLORS)), title="outcome"
    )
    y = alt.Y("key:N", title=None, sort=alt.SortField("made_t"))
    tooltip = [
        alt.Tooltip("promise:N"),
        alt.Tooltip("made:N"),
        alt.Tooltip("due:N"),
        alt.Tooltip("delivered:N"),
        alt.Tooltip("outcome:N"),
        alt.Tooltip("n_delays:Q", title="delays"),
    ]
    dated_rows = data.filter(
        pl.any_horizontal(pl.col(c).is_not_null() for c in ("made_t", "due_t", "delivered_t"))
    )
    if dated_rows.is_empty():
        return nothing(f"No promise carries a date ({data.height} undated)", width=width)
    x = alt.X(
        "t:T", title="date", scale=alt.Scale(type="utc"), axis=alt.Axis(format="%Y-%m", labelOverlap=True)
    )
    keys = data.select("key", "made_t").sort("made_t", "key", nulls_last=True)["key"].to_list()
    y = alt.Y("key:N", title=None, sort=keys, scale=alt.Scale(domain=keys))
    layers = []
    # one layer per mark, each with only the rows that have its date: no empty extents, no warnings
    span = data.filter(pl.col("made_t").is_not_null() & pl.col("end_t").is_not_null())
    if not span.is_empty():
        layers.append(
            alt.Chart(span.rename({"made_t": "t"}))
            .mark_rule(strokeWidth=3, opacity=0.6)
            .encode(x=x, x2="end_t:T", y=y, color=color, tooltip=tooltip)
        )
    marks = (
        ("made_t", {"shape": "circle", "filled": True, "size": 80}, True),
        ("due_t", {"shape": "stroke", "size": 0}, False),
        ("delivered_t", {"shape": "triangle-right", "filled": True, "size": 120}, True),
    )
    for col, style, coloured in marks:
        rows = data.filter(pl.col(col).is_not_null()).drop("t", strict=False).rename({col: "t"})
        if rows.is_empty():
            continue
        if col == "due_t":
            chart = alt.Chart(rows).mark_tick(thickness=3, size=18, color="#333")
        else:
            chart = alt.Chart(rows).mark_point(**style)
        enc = {"x": x, "y": y, "tooltip": tooltip}
        if coloured:
            enc["color"] = color
        layers.append(chart.encode(**enc))
    return alt.layer(*layers).properties(width=width, height=max(60, 30 * data.height))


# --- framing -----------------------------------------------------------------------------------------------


def narratives_by_language(shares: pl.DataFrame, *, width: int = 560) -> alt.Chart:
    """Per source language, the share of its narrative-bearing sentences that carry each narrative."""
    from analysis import report_tables as rt

    if shares.is_empty():
        return nothing("No sentence carries a named narrative", width=width)
    data = shares.with_columns(language=pl.col("lang").replace_strict(rt.LANG_NAMES, default=pl.col("lang")))
    return (
        alt.Chart(data, name="narratives_by_language")
        .mark_bar()
        .encode(
            y=alt.Y("language:N", title=None),
            x=alt.X(
                "n_sentences:Q",
                stack="normalize",
                title="share of sentences with a named narrative",
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color("narrative:N", scale=narrative_scale(), title="narrative"),
            order=alt.Order("narrative:N", sort="ascending"),
            tooltip=[
                "language:N",
                "narrative:N",
                alt.Tooltip("n_sentences:Q", title="sentences"),
                alt.Tooltip("share:Q", format=".0%"),
            ],
        )
        .properties(width=width, height=36 * data["language"].n_unique() + 10)
    )


def narratives_by_period(
    shares: pl.DataFrame, *, period: str, width: int = 600
) -> alt.FacetChart | alt.Chart:
    """Narrative shares per period of publication, one row of bars per source language."""
    from analysis import report_tables as rt

    if shares.is_empty():
        return nothing("No dated sentence carries a named narrative", width=width)
    data = shares.with_columns(language=pl.col("lang").replace_strict(rt.LANG_NAMES, default=pl.col("lang")))
    return (
        alt.Chart(data, name="narratives_by_period")
        .mark_bar()
        .encode(
            x=alt.X(
                "period:O",
                title=f"published ({period})",
                sort="ascending",
                axis=alt.Axis(labelAngle=-45 if data["period"].n_unique() > 12 else 0),
            ),
            y=alt.Y("n_sentences:Q", title="sentences", stack="zero", axis=alt.Axis(**COUNT_AXIS)),
            color=alt.Color("narrative:N", scale=narrative_scale(), title="narrative"),
            order=alt.Order("narrative:N", sort="ascending"),
            tooltip=[
                "language:N",
                "period:O",
                "narrative:N",
                alt.Tooltip("n_sentences:Q", title="sentences"),
                alt.Tooltip("share:Q", format=".0%", title="share of the period"),
            ],
        )
        .properties(width=width, height=110)
        .facet(row=alt.Row("language:N", title=None, header=alt.Header(labelFontWeight="bold")))
    )


def coverage_by_language(events: pl.DataFrame, *, width: int = 520) -> alt.Chart:
    """Events per type, by the languages that reported them (Arabic only, English only, both)."""
    if events.is_empty():
        return nothing("No events found", width=width)
    data = events.group_by("event_type", "coverage").len("n").sort("event_type", "coverage")
    return (
        alt.Chart(data, name="coverage_by_language")
        .mark_bar()
        .encode(
            y=alt.Y("event_type:N", title=None, sort=list(schema.EVENT_TYPES)),
            x=alt.X("n:Q", title="events", stack="zero", axis=alt.Axis(**COUNT_AXIS)),
            color=alt.Color(
                "coverage:N",
                title="reported in",
                scale=alt.Scale(domain=list(COVERAGE), range=list(COVERAGE_COLORS)),
            ),
            order=alt.Order("coverage:N", sort="ascending"),
            tooltip=["event_type:N", "coverage:N", alt.Tooltip("n:Q", title="events")],
        )
        .properties(width=width, height=max(60, 24 * data["event_type"].n_unique()))
    )


class QuoteTable:
    """A table of sentences for notebooks: every cell escaped, text cells `dir="auto"`.

    Article text is untrusted: a `<script>` in it must show as text, so nothing is passed through raw.
    """

    def __init__(self, df: pl.DataFrame, text_col: str, *, max_rows: int = 50) -> None:
        self.df, self.text_col, self.max_rows = df, text_col, max_rows

    def _repr_html_(self) -> str:
        df = self.df.head(self.max_rows)
        head = "".join(f"<th>{html.escape(c)}</th>" for c in df.columns)
        rows = []
        for row in df.iter_rows(named=True):
            cells = []
            for c, v in row.items():
                v = "" if v is None else ", ".join(map(str, v)) if isinstance(v, list) else str(v)
                attr = ' dir="auto" style="text-align:start"' if c == self.text_col else ""
                cells.append(f"<td{attr}>{html.escape(v)}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        more = (
            f"<p>{self.df.height - self.max_rows} more rows not shown</p>"
            if self.df.height > self.max_rows
            else ""
        )
        body = "".join(rows)
        return f'<table class="quote-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}'

    def __repr__(self) -> str:
        return f"QuoteTable({self.df.height} rows, text column {self.text_col!r})"


def quote_table(df: pl.DataFrame, text_col: str = "text", *, max_rows: int = 50) -> QuoteTable:
    """Sentences shown safely in a notebook (escaped, each in its own direction)."""
    return QuoteTable(df, text_col, max_rows=max_rows)


def narrative_mix(
    narratives: pl.DataFrame,
    *,
    by: str = "doc_id",
    mentions: pl.DataFrame | None = None,
    documents: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Narrative shares per article, actor or month: `analysis.narratives.narrative_mix` when it exists.

    The fallback counts sentences per (`by`, narrative); an actor's sentences are those with a mention of
    it, a month's those of articles published in it (month or day precision).
    """
    try:
        from analysis.narratives import narrative_mix as mix_from_narratives
    except ImportError:
        mix_from_narratives = None
    if mix_from_narratives is not None:
        return mix_from_narratives(narratives, by=by, mentions=mentions, documents=documents)
    out_schema = {by: pl.String, "narrative": pl.String, "n_sentences": pl.UInt32, "share": pl.Float64}
    key = ["doc_id", "sentence_idx"]
    rows = narratives.select(*key, "narrative")
    if by == "actor":
        if mentions is None or mentions.is_empty():
            return pl.DataFrame(schema=out_schema)
        rows = rows.join(mentions.select(*key, "actor").drop_nulls().unique(), on=key)
    elif by == "month":
        if documents is None or documents.is_empty():
            return pl.DataFrame(schema=out_schema)
        month = documents.filter(pl.col("published_precision").is_in(["month", "day"])).select(
            "doc_id", month=pl.col("published").str.slice(0, 7)
        )
        rows = rows.join(month, on="doc_id")
    if rows.is_empty():
        return pl.DataFrame(schema=out_schema)
    return (
        rows.group_by(by, "narrative")
        .agg(n_sentences=pl.len())
        .with_columns(share=pl.col("n_sentences") / pl.col("n_sentences").sum().over(by))
        .sort(by, "narrative")
        .select(pl.col(by).cast(pl.String), "narrative", "n_sentences", "share")
    )
