"""The report's own tables: openness over time, the news beside the record, promises, and framing.

Each function takes the tables of the contract (or one of them) and returns a tidy Polars frame. The
report draws its charts and writes its sentences from these frames, so a number in a chart and the same
number in the text come from one computation, and a test can recompute it from `events` directly.

Dates are the tables' partial ISO strings (`2025`, `2025-08`, `2025-08-05`). A date is placed in a
period only when it is at least as precise as the period: an event dated "2024" is counted by year but
left out of quarters and months (and the report says how many were left out).
"""

from __future__ import annotations

import re

import polars as pl

from analysis import kb
from analysis.resources import read_vocab

RELEASE_TYPES = ("open_release", "closed_release")
# Openness of a release, most open first. `open_unstated`: weights or code made public, terms not said.
LEVELS = ("open_source", "open_weights", "restricted", "open_unstated", "closed")
OPEN_LEVELS = LEVELS[:4]
LEVEL_LABELS = {
    "open_source": "open source",
    "open_weights": "open weights",
    "restricted": "open, restricted terms",
    "open_unstated": "open, terms not stated",
    "closed": "closed",
}
CLASSES = ("open", "restricted", "closed")
PERIODS = ("month", "quarter", "year")
MIN_PER_PERIOD = 3  # a period with fewer releases than this gets a note: its share says little
OUTCOMES = ("delivered on time", "delivered late", "delivered, no date set", "not yet", "broken")
LANG_NAMES = {"ar": "Arabic", "en": "English"}
_DATE = r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$"


# --- labs and their countries ------------------------------------------------------------------------


def with_lab(table: pl.DataFrame, column: str = "actor") -> pl.DataFrame:
    """Add `lab` (the organisation an actor acts for: Sam Altman's is OpenAI), `country` and `region`.

    Names the knowledge base does not know keep themselves as lab and get a null country and region.
    """
    orgs = kb.organisations().select(pl.col("name").alias(column), pl.col("org").alias("_org"))
    out = table.drop("lab", strict=False).join(orgs, on=column, how="left", maintain_order="left")
    out = out.with_columns(lab=pl.coalesce("_org", column)).drop("_org")
    return kb.with_country(out, column="lab")


# --- periods -----------------------------------------------------------------------------------------


def period_of(period: str, date: str | pl.Expr = "date") -> pl.Expr:
    """The period label of a partial ISO date (`2024`, `2024 Q3`, `2024-07`), null if too coarse."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r} (month, quarter or year)")
    d = (pl.col(date) if isinstance(date, str) else date).str.strip_chars()
    d = pl.when(d.str.contains(_DATE)).then(d).otherwise(None)
    year, month = d.str.slice(0, 4), d.str.slice(5, 2)
    has_month = d.str.len_chars() >= 7
    if period == "year":
        return year
    if period == "month":
        return pl.when(has_month).then(d.str.slice(0, 7)).otherwise(None)
    quarter = ((month.cast(pl.Int32, strict=False) - 1) // 3 + 1).cast(pl.String)
    return pl.when(has_month).then(pl.concat_str(year, pl.lit(" Q"), quarter)).otherwise(None)


def periods_between(first: str, last: str, period: str) -> list[str]:
    """Every period label from `first` to `last` (labels of `period`), so empty periods show as empty."""

    def index(label: str) -> int:
        y = int(label[:4])
        if period == "year":
            return y
        if period == "quarter":
            return y * 4 + int(label[-1]) - 1
        return y * 12 + int(label[5:7]) - 1

    def label(i: int) -> str:
        if period == "year":
            return str(i)
        if period == "quarter":
            return f"{i // 4} Q{i % 4 + 1}"
        return f"{i // 12}-{i % 12 + 1:02d}"

    return [label(i) for i in range(index(first), index(last) + 1)]


def choose_period(dates: pl.Series) -> str:
    """The finest of month, quarter and year in which the dated releases average MIN_PER_PERIOD each.

    A corpus of a few weeks is read by month; one of several years with a few dozen releases, by year.
    """
    frame = pl.DataFrame({"date": dates.cast(pl.String)})
    for period in ("month", "quarter"):
        labels = frame.select(p=period_of(period))["p"].drop_nulls().sort()
        if labels.is_empty():
            continue
        n_periods = len(periods_between(labels[0], labels[-1], period))
        if labels.len() / n_periods >= MIN_PER_PERIOD:
            return period
    return "year"


# --- openness over time -----------------------------------------------------------------------------


def releases(events: pl.DataFrame) -> pl.DataFrame:
    """The releases that happened (open or closed, not planned, rumoured or denied), with their level.

    A closed release is `closed` whatever the openness column says; an open release keeps its openness,
    or `open_unstated` when the text says weights or code went public but not on what terms.
    """
    rel = events.filter(pl.col("event_type").is_in(RELEASE_TYPES) & (pl.col("status") == "realized"))
    level = (
        pl.when(pl.col("event_type") == "closed_release")
        .then(pl.lit("closed"))
        .when(pl.col("openness").is_in(["open_source", "open_weights", "restricted"]))
        .then(pl.col("openness"))
        .otherwise(pl.lit("open_unstated"))
    )
    return with_lab(rel.with_columns(level=level, is_open=pl.col("event_type") == "open_release"))


def openness_trend(events: pl.DataFrame, period: str | None = None, by: str | None = None) -> pl.DataFrame:
    """Releases per period (and per `by`: lab, region or country) and openness level, with shares.

    Columns: period, [by], level, n, total (releases in the period and group), share (n / total), n_open,
    open_share (n_open / total, null for an empty period), few (total < MIN_PER_PERIOD). Every period
    from the first to the last dated release is present, with zeros where nothing was released.
    """
    rel = releases(events)
    period = period or choose_period(rel["date"])
    keys = ["period", *([by] if by else [])]
    rel = rel.with_columns(period=period_of(period)).filter(pl.col("period").is_not_null())
    if by:
        rel = rel.with_columns(pl.col(by).fill_null("not known"))
    out_schema = {
        "period": pl.String,
        **({by: pl.String} if by else {}),
        "level": pl.String,
        "n": pl.UInt32,
        "total": pl.UInt32,
        "share": pl.Float64,
        "n_open": pl.UInt32,
        "open_share": pl.Float64,
        "few": pl.Boolean,
    }
    if rel.is_empty():
        return pl.DataFrame(schema=out_schema)
    labels = rel["period"].sort()
    grid = pl.DataFrame({"period": periods_between(labels[0], labels[-1], period)})
    if by:
        grid = grid.join(rel.select(by).unique().sort(by), how="cross")
    grid = grid.join(pl.DataFrame({"level": list(LEVELS)}), how="cross")
    counts = rel.group_by(*keys, "level").agg(n=pl.len())
    out = (
        grid.join(counts, on=[*keys, "level"], how="left")
        .with_columns(pl.col("n").fill_null(0).cast(pl.UInt32))
        .with_columns(
            total=pl.col("n").sum().over(keys),
            n_open=pl.col("n").filter(pl.col("level").is_in(OPEN_LEVELS)).sum().over(keys),
        )
        .with_columns(
            share=pl.when(pl.col("total") > 0).then(pl.col("n") / pl.col("total")),
            open_share=pl.when(pl.col("total") > 0).then(pl.col("n_open") / pl.col("total")),
            few=pl.col("total") < MIN_PER_PERIOD,
        )
    )
    order = pl.col("level").replace_strict(list(LEVELS), list(range(len(LEVELS))))
    return out.sort([*keys, order]).select(list(out_schema)).cast(out_schema)


def trend_summary(trend: pl.DataFrame, by: str | None = None) -> pl.DataFrame:
    """One row per period (and group): total, n_open, open_share, few, and the releases per level."""
    keys = ["period", *([by] if by else [])]
    if trend.is_empty():
        return pl.DataFrame(
            schema={k: pl.String for k in keys}
            | {"total": pl.UInt32, "n_open": pl.UInt32, "open_share": pl.Float64, "few": pl.Boolean}
        )
    wide = trend.pivot("level", index=keys, values="n", aggregate_function="sum")
    head = trend.group_by(keys, maintain_order=True).agg(
        pl.col("total").first(), pl.col("n_open").first(), pl.col("open_share").first(), pl.col("few").first()
    )
    return head.join(wide, on=keys, how="left").sort(keys)


def undated_releases(events: pl.DataFrame, period: str) -> int:
    """Releases whose date is missing or coarser than `period` (left out of the trend)."""
    rel = releases(events)
    return rel.filter(period_of(period).is_null()).height


# --- the news beside the record ---------------------------------------------------------------------


def model_key(expr: pl.Expr) -> pl.Expr:
    """A model name as it is compared: casefolded, without spaces, hyphens or underscores."""
    return expr.str.to_lowercase().str.replace_all(r"[\s\-_]+", "")


def _tokens(expr: pl.Expr) -> pl.Expr:
    return expr.str.to_lowercase().str.replace_all(r"[\s\-_/()]+", " ").str.strip_chars()


def match_epoch(models: pl.Series | list[str], epoch: pl.DataFrame | None = None) -> pl.DataFrame:
    """Epoch AI's record of each model name the news uses: `exact` by `model_key`, else `family`.

    A family match is a record whose name continues the news name word by word ("Llama 2" finds
    "Llama 2-70B" and "Llama 2-7B", not "Llama 3"); it is used only when no record matches exactly.
    Columns: model, epoch_model, organization, country, published, model_accessibility, match.
    """
    epoch = kb.epoch_models() if epoch is None else epoch
    names = (
        pl.DataFrame({"model": pl.Series(list(models), dtype=pl.String)}).drop_nulls().unique().sort("model")
    )
    rec = epoch.select(
        pl.col("model").alias("epoch_model"), "organization", "country", "published", "model_accessibility"
    )
    cols = ["model", "epoch_model", "organization", "country", "published", "model_accessibility", "match"]
    if names.is_empty() or rec.is_empty():
        return pl.DataFrame(schema={c: pl.String for c in cols})
    pairs = names.join(rec, how="cross")
    exact = pairs.filter(model_key(pl.col("model")) == model_key(pl.col("epoch_model"))).with_columns(
        match=pl.lit("exact")
    )
    family = pairs.filter(
        ~pl.col("model").is_in(exact["model"].implode())
        & _tokens(pl.col("epoch_model")).str.starts_with(_tokens(pl.col("model")) + " ")
    ).with_columns(match=pl.lit("family"))
    return pl.concat([exact, family]).select(cols).sort("model", "epoch_model")


def accessibility_levels() -> pl.DataFrame:
    """Epoch's accessibility values on the tables' openness scale (data/kb/accessibility.csv)."""
    return read_vocab("kb", "accessibility.csv")


def epoch_snapshot() -> str | None:
    """The date of the knowledge base's copy of Epoch's record (models released later are not in it)."""
    m = re.search(r"\d{4}-\d{2}-\d{2}", kb.EPOCH_FILE)
    return m.group(0) if m else None


def _class(level: pl.Expr) -> pl.Expr:
    return (
        pl.when(level == "closed")
        .then(pl.lit("closed"))
        .when(level == "restricted")
        .then(pl.lit("restricted"))
        .when(level.is_not_null())
        .then(pl.lit("open"))
    )


def news_vs_record(events: pl.DataFrame, epoch: pl.DataFrame | None = None) -> pl.DataFrame:
    """For each model the coverage names in a release or a licence, what it says beside Epoch's record.

    `news_classes` and `record_classes` are the coarse classes (open, restricted, closed). The verdict is
    `agrees` when every class the coverage gives is one the record gives, `disagrees` otherwise (a claim
    to check), `not in the record` when Epoch lists no such model, `record silent` when it lists the
    model without its accessibility.
    """
    said = events.filter(
        pl.col("event_type").is_in([*RELEASE_TYPES, "licence_restriction"])
        & (pl.col("status") == "realized")
        & pl.col("model").is_not_null()
    ).with_columns(
        level=pl.when(pl.col("event_type") == "closed_release")
        .then(pl.lit("closed"))
        .when(pl.col("event_type") == "licence_restriction")
        .then(pl.lit("restricted"))
        .when(pl.col("openness").is_in(["open_source", "open_weights", "restricted"]))
        .then(pl.col("openness"))
        .otherwise(pl.lit("open_unstated"))
    )
    said = with_lab(said)
    cols = {
        "model": pl.String,
        "lab": pl.String,
        "news_levels": pl.String,
        "news_classes": pl.List(pl.String),
        "n_events": pl.UInt32,
        "n_documents": pl.Int64,
        "epoch_models": pl.String,
        "accessibility": pl.String,
        "record_classes": pl.List(pl.String),
        "match": pl.String,
        "verdict": pl.String,
    }
    if said.is_empty():
        return pl.DataFrame(schema=cols)
    news = (
        said.group_by("model", "level")
        .agg(pl.col("lab").drop_nulls().first(), k=pl.len(), docs=pl.col("n_documents").sum())
        .sort("model", pl.col("level").replace_strict(list(LEVELS), list(range(len(LEVELS)))))
        .group_by("model", maintain_order=True)
        .agg(
            lab=pl.col("lab").drop_nulls().first(),
            news_levels=pl.format("{} ({})", pl.col("level"), pl.col("k")).str.join(", "),
            news_classes=_class(pl.col("level")).unique().sort(),
            n_events=pl.col("k").sum(),
            n_documents=pl.col("docs").sum(),
        )
    )
    levels = accessibility_levels()
    rec = (
        match_epoch(news["model"], epoch)
        .join(levels, on="model_accessibility", how="left")
        .group_by("model")
        .agg(
            epoch_models=pl.col("epoch_model").unique().sort().str.join(", "),
            accessibility=pl.col("model_accessibility").drop_nulls().unique().sort().str.join("; "),
            record_classes=pl.col("class").drop_nulls().unique().sort(),
            match=pl.col("match").first(),
        )
    )
    out = news.join(rec, on="model", how="left").with_columns(
        verdict=pl.when(pl.col("epoch_models").is_null())
        .then(pl.lit("not in the record"))
        .when(pl.col("record_classes").list.len() == 0)
        .then(pl.lit("record silent"))
        .when(pl.col("news_classes").list.set_difference("record_classes").list.len() == 0)
        .then(pl.lit("agrees"))
        .otherwise(pl.lit("disagrees"))
    )
    return out.sort("model").select(list(cols)).cast(cols)


# --- promises ----------------------------------------------------------------------------------------


def as_of(documents: pl.DataFrame) -> str | None:
    """The newest publication date of the usable articles: what "not yet" is measured against."""
    dated = documents.filter((pl.col("status") == "ok") & pl.col("published").is_not_null())
    return dated["published"].max() if not dated.is_empty() else None


def _not_after(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """Partial date `a` is not after `b`, compared at the precision of `b` ("2024-03-17" vs "2024-03")."""
    return a.str.slice(0, b.str.len_chars()) <= b


def promise_ledger(events: pl.DataFrame, newest: str | None) -> pl.DataFrame:
    """Each promise to open a model: made when, due when, and what happened by `newest`.

    Made: the first article that reports it. Delivered: the open release linked to it by `fulfils`.
    Outcome: `delivered on time` (by its due date, at the due date's precision), `delivered late`,
    `delivered, no date set`, `broken` (due before the newest article and not delivered), `not yet`.
    """
    cols = {
        "event_id": pl.String,
        "lab": pl.String,
        "region": pl.String,
        "actor": pl.String,
        "model": pl.String,
        "made": pl.String,
        "due": pl.String,
        "due_precision": pl.String,
        "delivered": pl.String,
        "delivered_model": pl.String,
        "outcome": pl.String,
        "n_delays": pl.UInt32,
        "delays": pl.String,
        "n_documents": pl.Int64,
    }
    plans = events.filter(pl.col("event_type") == "open_plan")
    if plans.is_empty():
        return pl.DataFrame(schema=cols)
    fulfilled = (
        events.filter(
            pl.col("fulfils").is_not_null()
            & (pl.col("event_type") == "open_release")
            & (pl.col("status") == "realized")
        )
        .with_columns(when=pl.coalesce("date", "first_reported"))
        .sort("when", nulls_last=True)
        .group_by("fulfils", maintain_order=True)
        .agg(delivered=pl.col("when").first(), delivered_model=pl.col("model").first())
        .rename({"fulfils": "event_id"})
    )
    delays = (
        events.filter(pl.col("event_type") == "delay")
        .group_by("actor", "model")
        .agg(
            n_delays=pl.len().cast(pl.UInt32),
            delays=pl.col("date").fill_null("undated").unique().sort().str.join(", "),
        )
    )
    due, delivered = pl.col("due"), pl.col("delivered")
    outcome = (
        pl.when(pl.col("_done") & due.is_null())
        .then(pl.lit("delivered, no date set"))
        .when(pl.col("_done") & delivered.is_null())
        .then(pl.lit("delivered, no date set"))
        .when(pl.col("_done") & _not_after(delivered, due))
        .then(pl.lit("delivered on time"))
        .when(pl.col("_done"))
        .then(pl.lit("delivered late"))
        .when(due.is_not_null() & pl.lit(newest is not None) & ~_not_after(pl.lit(newest or ""), due))
        .then(pl.lit("broken"))
        .otherwise(pl.lit("not yet"))
    )
    out = (
        with_lab(plans)
        .join(fulfilled, on="event_id", how="left")
        .join(delays, on=["actor", "model"], how="left", nulls_equal=True)
        .with_columns(
            made=pl.col("first_reported"),
            due=pl.when(pl.col("date").str.contains(_DATE)).then(pl.col("date")),
            due_precision=pl.col("date_precision"),
            _done=pl.col("event_id").is_in(fulfilled["event_id"].implode()),
            n_delays=pl.col("n_delays").fill_null(0),
        )
        .with_columns(outcome=outcome)
    )
    return out.sort("made", "due", "lab", "model", nulls_last=True).select(list(cols)).cast(cols)


# --- framing: narratives by period and language, and which language reported what -------------------


def sentence_narratives(
    narratives: pl.DataFrame, sentences: pl.DataFrame, documents: pl.DataFrame, period: str
) -> pl.DataFrame:
    """One row per classified sentence: narrative, language (ar / en) and period of publication."""
    lang = (
        sentences.select("doc_id", "sentence_idx", "lang")
        .join(documents.select("doc_id", doc_lang="lang", published="published"), on="doc_id", how="left")
        .with_columns(
            lang=pl.when(pl.col("lang").is_in(list(LANG_NAMES)))
            .then("lang")
            .when(pl.col("doc_lang").is_in(list(LANG_NAMES)))
            .then("doc_lang"),
            period=period_of(period, "published"),
        )
    )
    return narratives.select("doc_id", "sentence_idx", "narrative").join(
        lang.select("doc_id", "sentence_idx", "lang", "period"), on=["doc_id", "sentence_idx"], how="left"
    )


def narrative_shares(frame: pl.DataFrame, by: list[str], *, named_only: bool = True) -> pl.DataFrame:
    """Sentences per (`by`, narrative) and their share of the group's sentences."""
    rows = frame.filter(pl.all_horizontal(pl.col(b).is_not_null() for b in by))
    if named_only:
        rows = rows.filter(pl.col("narrative").is_not_null() & (pl.col("narrative") != "other"))
    return (
        rows.group_by(*by, "narrative")
        .agg(n_sentences=pl.len())
        .with_columns(share=pl.col("n_sentences") / pl.col("n_sentences").sum().over(by))
        .sort(*by, "narrative")
    )


def event_languages(events: pl.DataFrame, mentions: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """Each event with the languages of the sentences that report it: `Arabic only`, `English only`, `both`.

    A sentence in a mixed script counts in its article's language.
    """
    lang = (
        mentions.select("mention_id", "doc_id", "lang")
        .join(documents.select("doc_id", doc_lang="lang"), on="doc_id", how="left")
        .select(
            "mention_id",
            lang=pl.when(pl.col("lang").is_in(list(LANG_NAMES)))
            .then("lang")
            .when(pl.col("doc_lang").is_in(list(LANG_NAMES)))
            .then("doc_lang"),
        )
    )
    per = (
        events.select("event_id", "mention_ids")
        .explode("mention_ids")
        .join(lang, left_on="mention_ids", right_on="mention_id", how="left")
        .group_by("event_id")
        .agg(langs=pl.col("lang").drop_nulls().unique().sort())
    )
    coverage = (
        pl.when(pl.col("langs").list.len() >= 2)
        .then(pl.lit("both"))
        .when(pl.col("langs").list.first() == "ar")
        .then(pl.lit("Arabic only"))
        .when(pl.col("langs").list.first() == "en")
        .then(pl.lit("English only"))
        .otherwise(pl.lit("language not known"))
    )
    out = events.join(per, on="event_id", how="left").with_columns(
        langs=pl.col("langs").fill_null(pl.lit([], pl.List(pl.String)))
    )
    return with_lab(out.with_columns(coverage=coverage))


def event_table(events: pl.DataFrame, mentions: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """The events as the report lists them: date, lab, model, type, openness, languages, evidence."""
    first = (
        events.select("event_id", "mention_ids")
        .explode("mention_ids")
        .join(
            mentions.select("mention_id", "evidence", "doc_id", ev_lang="lang"),
            left_on="mention_ids",
            right_on="mention_id",
            how="inner",
        )
        .sort("event_id", "doc_id", "mention_ids")
        .group_by("event_id", maintain_order=True)
        .agg(evidence=pl.col("evidence").first(), evidence_lang=pl.col("ev_lang").first())
    )
    langs = event_languages(events, mentions, documents).select(
        "event_id", "langs", "coverage", "lab", "region"
    )
    return (
        events.join(langs, on="event_id", how="left")
        .join(first, on="event_id", how="left")
        .with_columns(language=pl.col("langs").list.join(" + ").replace("", None))
        .sort("date", "lab", "model", "event_type", nulls_last=True)
    )
