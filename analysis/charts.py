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
EVIDENCE_CHARS = 160  # evidence longer than this is cut in the brushed table (the tooltip keeps it whole)
TABLE_ROWS = 12  # rows of the brushed event table


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


def event_timeline(mentions: pl.DataFrame, *, width: int = 520) -> alt.VConcatChart | alt.Chart:
    """Mentions on a timeline by actor, coloured by event type, with a brush that filters a table below.

    Only dated mentions are drawn; the subtitle says how many had no date.
    """
    pts, undated = dated(mentions)
    if pts.is_empty():
        return nothing(f"No dated events ({undated} undated)" if undated else "No events found", width=width)
    pts = (
        pts.with_columns(
            actor=pl.col("actor").fill_null("(unknown)"),
            model=pl.col("model").fill_null("—"),
            evidence_short=_short("evidence"),
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
            "evidence_short",
            "doc_id",
        )
        .sort("t", "actor", "event_type", "doc_id", "evidence")
    )
    brush = alt.selection_interval(name="brush", encodings=["x"])
    x = alt.X(
        "t:T",
        title="date of the event (start of its period)",
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(format="%Y-%m"),
    )
    timeline = (
        alt.Chart(pts, name="timeline")
        .mark_point(filled=True, size=90, opacity=0.85)
        .encode(
            x=x,
            y=alt.Y("actor:N", title=None, sort="ascending"),
            color=alt.Color("event_type:N", scale=event_type_scale(), title="event type"),
            shape=alt.Shape("status:N", title="status"),
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
        .add_params(brush)
        .properties(
            width=width,
            height=max(80, 26 * pts["actor"].n_unique()),
            title=alt.Title(
                "Openness events by actor (drag to select a period)",
                subtitle=f"{pts.height} dated mentions shown; {undated} undated not shown",
            ),
        )
    )
    base = (
        alt.Chart(pts, name="events_table")
        .transform_filter(brush)
        .transform_window(row="row_number()", sort=[alt.SortField("t", order="ascending")])
        .transform_filter(alt.datum.row <= TABLE_ROWS)
        .encode(y=alt.Y("row:O", axis=None))
    )
    columns = [
        ("date", "date", 70),
        ("actor", "actor", 90),
        ("event_type", "event", 90),
        ("evidence_short", "evidence (first rows of the selection)", width - 250),
    ]
    table = alt.hconcat(
        *[
            base.mark_text(align="left", baseline="middle", dx=-4 if i else 0, limit=w)
            .encode(text=alt.Text(f"{col}:N"))
            .properties(
                width=w,
                height=16 * TABLE_ROWS,
                title=alt.Title(title, anchor="start", fontSize=11),
                name=f"events_table_{col}",
            )
            for i, (col, title, w) in enumerate(columns)
        ],
        spacing=4,
    )
    return alt.vconcat(timeline, table).resolve_legend(color="independent")


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


def corpus_overview(documents: pl.DataFrame, *, width: int = 200) -> alt.HConcatChart | alt.Chart:
    """What went in: documents by status and by language, and when the usable ones were published."""
    if documents.is_empty():
        return nothing("The corpus is empty", width=width)
    docs = documents.with_columns(pl.col("status").fill_null("unknown"), pl.col("lang").fill_null("—"))
    status = (
        alt.Chart(docs.group_by("status").len("n").sort("status"), name="documents_by_status")
        .mark_bar()
        .encode(
            y=alt.Y("status:N", sort=list(schema.STATUSES), title=None),
            x=alt.X("n:Q", title="documents"),
            color=alt.Color("status:N", scale=_scale(schema.STATUSES, STATUS_COLORS), legend=None),
            tooltip=["status:N", alt.Tooltip("n:Q", title="documents")],
        )
        .properties(width=width, title="documents by status")
    )
    ok = docs.filter(pl.col("status") == "ok")
    langs = (
        alt.Chart(ok.group_by("lang").len("n").sort("lang"), name="documents_by_language")
        .mark_bar()
        .encode(
            y=alt.Y("lang:N", title=None),
            x=alt.X("n:Q", title="documents"),
            tooltip=["lang:N", alt.Tooltip("n:Q", title="documents")],
        )
        .properties(width=width, title="usable documents by language")
    )
    pub, undated = dated(ok, "published")
    if pub.is_empty():
        when = nothing(f"No publication dates ({undated} undated)", width=width)
    else:
        months = (
            pub.with_columns(month=pl.col("t").str.slice(0, 7) + "-01")
            .group_by("month")
            .agg(n=pl.len(), precision=pl.col("published_precision").unique().sort().str.join(", "))
            .sort("month")
        )
        when = (
            alt.Chart(months, name="documents_by_month")
            .mark_bar()
            .encode(
                x=alt.X(
                    "month:T", timeUnit="utcyearmonth", title="published (month)", scale=alt.Scale(type="utc")
                ),
                y=alt.Y("n:Q", title="documents"),
                tooltip=[
                    alt.Tooltip("month:T", timeUnit="utcyearmonth", title="month"),
                    alt.Tooltip("n:Q", title="documents"),
                    alt.Tooltip("precision:N"),
                ],
            )
            .properties(width=width, title=alt.Title("publication dates", subtitle=f"{undated} undated"))
        )
    return alt.hconcat(status, langs, when, spacing=30)


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
