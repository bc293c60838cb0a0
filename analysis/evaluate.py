"""Score a build against gold annotations: how far the tables can be trusted on a corpus.

A reader annotates some articles by hand (one row per event the text states, see
tests/annotations/README.md); `evaluate` matches the build's mentions to those rows and counts.
The matching rules are annotation.md's ("Scoring"):

- a prediction matches a gold row of the same document when the event type agrees, the actor agrees
  or is the person's organisation (a statement by Sam Altman matches OpenAI's), and the model agrees
  when the gold row names one, a family matching its members ("Grok" ~ "Grok 3");
- names are compared case-folded, with spaces, hyphens, underscores and dots outside numbers ignored
  ("Qwen2.5" = "qwen 2.5", but "Qwen2" is not "Qwen2.5"), and actors through the alias table;
- predictions and gold rows are paired one to one (a maximum-weight assignment per document, so the
  result does not depend on row order); a gold row marked optional costs no recall when missed and
  counts as right when found;
- precision counts predicted rows other than statements (a gold table need not list every opinion).

By default (`per="document"`) a prediction is a distinct (actor, model, event type) of a document,
however many sentences repeat it, as a gold row is; with `per="sentence"` each mention is a prediction
and must lie in the sentence holding the gold row's evidence (gold annotated mention by mention).

Everything is a function from tables to tables; `Evaluation` holds the matched tables and renders
them as text, JSON or Markdown.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import polars as pl
from scipy.optimize import linear_sum_assignment

from analysis import kb, schema, text
from analysis.resources import read_vocab

Per = Literal["document", "sentence"]
NAMED_NARRATIVES = tuple(n for n in schema.NARRATIVE_NAMES if n != "other")
ISO_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
TRUE, FALSE = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f", ""}
DATE_RESULTS = ("right", "wrong", "missing", "invented")


class GoldError(ValueError):
    """A gold table, filter or build that cannot be scored; the message names the file and the fault."""


# ---------------------------------------------------------------------------------------------- gold


def _read_csv(path: Path, what: str) -> pl.DataFrame:
    if not Path(path).is_file():
        raise GoldError(f"{path}: no such file ({what})")
    try:
        df = pl.read_csv(path, infer_schema=False, comment_prefix="#", truncate_ragged_lines=False)
    except (pl.exceptions.PolarsError, UnicodeDecodeError, OSError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise GoldError(f"{path}: not a readable CSV ({what}): {first}") from e
    df = df.rename({c: c.strip().lower() for c in df.columns})
    if "doc" not in df.columns and "doc_id" in df.columns:
        df = df.rename({"doc_id": "doc"})
    return df.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in df.columns)


def _require(df: pl.DataFrame, path: Path, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise GoldError(f"{path}: {what} needs column(s) {', '.join(missing)} "
                        f"(has: {', '.join(df.columns) or 'none'})")


def _check_values(df: pl.DataFrame, path: Path, column: str, allowed: tuple[str, ...] | None = None,
                  pattern: str | None = None, required: bool = False) -> None:
    """Raise on the first row whose value is not allowed, naming its line in the file."""
    if column not in df.columns:
        return
    v = pl.col(column)
    bad = v.is_null() if required else pl.lit(False)
    if allowed is not None:
        bad = bad | (v.is_not_null() & ~v.is_in(list(allowed)))
    if pattern is not None:
        bad = bad | (v.is_not_null() & ~v.str.contains(pattern))
    rows = df.with_row_index("line", offset=2).filter(bad)
    if rows.height:
        line, value = rows.row(0, named=True)["line"], rows.row(0, named=True)[column]
        expected = (f"one of {', '.join(allowed)}" if allowed else
                    "a partial ISO date (2025, 2025-08, 2025-08-05)" if pattern == ISO_DATE else "a value")
        shown = "empty" if value is None else repr(value)
        more = f" (and {rows.height - 1} more)" if rows.height > 1 else ""
        raise GoldError(f"{path}: line {line}: {column} is {shown}, expected {expected}{more}")


def _split_list(column: str) -> pl.Expr:
    return (pl.col(column).fill_null("").str.split(";").list.eval(pl.element().str.strip_chars())
            .list.eval(pl.element().filter(pl.element() != "")).list.unique(maintain_order=True))


def read_gold_events(path: str | Path) -> pl.DataFrame:
    """The gold events CSV, checked: doc, actor, model, event_type, date (+ optional columns).

    Accepts the older shape (doc_id, evidence, ..., date_precision) too. Each row gets `gid`, its
    place in the file, so every result can point back at it.
    """
    path = Path(path)
    df = _read_csv(path, "gold events")
    _require(df, path, ("doc", "actor", "model", "event_type", "date"), "a gold events table")
    _check_values(df, path, "doc", required=True)
    _check_values(df, path, "actor", required=True)
    _check_values(df, path, "event_type", schema.EVENT_TYPES, required=True)
    _check_values(df, path, "date", pattern=ISO_DATE)
    _check_values(df, path, "status", schema.MENTION_STATUSES)
    _check_values(df, path, "openness", schema.OPENNESS)
    if "optional" in df.columns:
        df = df.with_columns(pl.col("optional").str.to_lowercase())
        _check_values(df, path, "optional", tuple(sorted(TRUE | FALSE - {""})))
        df = df.with_columns(pl.col("optional").is_in(list(TRUE)).fill_null(False))
    else:
        df = df.with_columns(optional=pl.lit(False))
    for c in ("status", "openness", "evidence", "narratives"):
        if c not in df.columns:
            df = df.with_columns(pl.lit(None, pl.String).alias(c))
    if df.filter(pl.col("narratives").is_not_null()).height:
        bad = df.select(_split_list("narratives").explode()).to_series().drop_nulls()
        bad = sorted(set(bad) - set(NAMED_NARRATIVES))
        if bad:
            raise GoldError(f"{path}: unknown narrative(s) {', '.join(bad)} "
                            f"(expected {', '.join(NAMED_NARRATIVES)})")
    return df.with_row_index("gid").select(
        "gid", "doc", "actor", "model", "event_type", "status", "openness", "date", "optional",
        "evidence", "narratives",
    )


def read_gold_docs(path: str | Path) -> pl.DataFrame:
    """The gold documents CSV: doc, and published (+ precision), narratives, narratives_optional.

    Lists are `;`-joined. `has_published` / `has_narratives` say which checks the table supports.
    """
    path = Path(path)
    df = _read_csv(path, "gold documents")
    _require(df, path, ("doc",), "a gold documents table")
    _check_values(df, path, "doc", required=True)
    if not {"published", "narratives"} & set(df.columns):
        raise GoldError(f"{path}: a gold documents table needs published and/or narratives "
                        f"(has: {', '.join(df.columns)})")
    _check_values(df, path, "published", pattern=ISO_DATE)
    _check_values(df, path, "published_precision", schema.PRECISIONS)
    dup = df.filter(pl.col("doc").is_duplicated())["doc"].unique(maintain_order=True).to_list()
    if dup:
        raise GoldError(f"{path}: document(s) listed twice: {', '.join(dup[:5])}")
    for c in ("narratives", "narratives_optional"):
        if c in df.columns:
            bad = sorted(set(df.select(_split_list(c).explode()).to_series().drop_nulls())
                         - set(NAMED_NARRATIVES))
            if bad:
                raise GoldError(f"{path}: {c}: unknown narrative(s) {', '.join(bad)} "
                                f"(expected {', '.join(NAMED_NARRATIVES)})")
    has_pub, has_narr = "published" in df.columns, "narratives" in df.columns
    return df.select(
        "doc",
        (pl.col("published") if has_pub else pl.lit(None, pl.String)).alias("published"),
        (pl.col("lang") if "lang" in df.columns else pl.lit(None, pl.String)).alias("lang"),
        (_split_list("narratives") if has_narr else pl.lit(None, pl.List(pl.String))).alias("narratives"),
        (_split_list("narratives_optional") if "narratives_optional" in df.columns
         else pl.lit([], pl.List(pl.String))).alias("narratives_optional"),
        has_published=pl.lit(has_pub),
        has_narratives=pl.lit(has_narr),
    )


def read_doc_list(path: str | Path, split: str | None = None) -> pl.DataFrame:
    """Documents to score: a CSV with a `doc` (or doc_id) column, or a text file of one name a line.

    With `split`, only the rows whose `split` column says so. A `lang` column, when present, gives each
    document's language for the per-language figures.
    """
    path = Path(path)
    if not path.is_file():
        raise GoldError(f"{path}: no such file (document list)")
    first = path.read_text(encoding="utf-8", errors="replace").lstrip().splitlines()[:1]
    if first and ("," in first[0] or first[0].strip().lower() in {"doc", "doc_id"}):
        df = _read_csv(path, "document list")
        _require(df, path, ("doc",), "a document list")
    else:
        names = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
        df = pl.DataFrame({"doc": [n for n in names if n and not n.startswith("#")]},
                          schema={"doc": pl.String})
    if split is not None:
        _require(df, path, ("split",), "--split")
        splits = sorted(set(df["split"].drop_nulls()))
        if split not in splits:
            raise GoldError(f"{path}: no document has split {split!r} "
                            f"(splits: {', '.join(splits) or 'none'})")
        df = df.filter(pl.col("split") == split)
    lang = pl.col("lang") if "lang" in df.columns else pl.lit(None, pl.String)
    return df.select("doc", lang.alias("lang"))


# ------------------------------------------------------------------------------------------- resolve


def _doc_keys(documents: pl.DataFrame) -> pl.DataFrame:
    """Every name a document answers to, best first: doc_id, path, file name, file stem."""
    name = pl.col("path").str.replace_all("\\\\", "/").str.split("/").list.last()
    keys = [
        documents.select("doc_id", key=pl.col("doc_id"), rank=pl.lit(0)),
        documents.select("doc_id", key=pl.col("path").str.replace(r"^\./", ""), rank=pl.lit(1)),
        documents.select("doc_id", key=name, rank=pl.lit(2)),
        documents.select("doc_id", key=name.str.replace(r"\.[^.]+$", ""), rank=pl.lit(3)),
    ]
    return pl.concat(keys).drop_nulls().unique(maintain_order=True)


def resolve_docs(refs: pl.Series, documents: pl.DataFrame) -> pl.DataFrame:
    """Map each distinct reference (doc_id, path, file name or stem) to a doc_id; null when none.

    A reference that fits two documents equally well is an error: scoring the wrong one would mislead.
    """
    wanted = pl.DataFrame({"doc": refs.unique(maintain_order=True)}).with_columns(
        key=pl.col("doc").str.replace(r"^\./", ""))
    hits = wanted.join(_doc_keys(documents), on="key", how="inner")
    best = hits.filter(pl.col("rank") == pl.col("rank").min().over("doc"))
    ambiguous = best.group_by("doc", maintain_order=True).agg(pl.col("doc_id").unique().sort()).filter(
        pl.col("doc_id").list.len() > 1)
    if ambiguous.height:
        r = ambiguous.row(0, named=True)
        raise GoldError(f"document {r['doc']!r} is ambiguous in the build: it names {', '.join(r['doc_id'])}")
    return wanted.select("doc").join(best.select("doc", "doc_id").unique(), on="doc", how="left",
                                     maintain_order="left")


# ------------------------------------------------------------------------------------------ matching


def _name_key(expr: pl.Expr) -> pl.Expr:
    """Actor key: case-folded, separators and dots dropped ('Mistral AI' = 'mistral-ai')."""
    return text.name_key(expr)


def model_key(expr: pl.Expr) -> pl.Expr:
    """Model key: case-folded tokens, so a family is a token prefix of its members.

    Spaces, hyphens and underscores separate tokens, as does a letter followed by a digit ('Qwen2.5'
    -> 'qwen 2.5', 'DeepSeek-R1' -> 'deepseek r 1'); a dot between digits stays (2.5 is not 25). A model
    hub's repository id is the name after its account ('jinaai/jina-embeddings-v3' is
    jina-embeddings-v3), as the entity stage reads it.
    """
    return (
        expr.str.replace(r"^(?:https?://)?(?:huggingface\.co/|hf\.co/)?[A-Za-z0-9][\w.-]*/(\S)", "${1}")
        .str.to_lowercase()
        .str.replace_all(r"[\s\-_/·]+", " ")
        .str.replace_all(r"(\p{L})(\d)", "${1} ${2}")
        .str.replace_all(r"(\D)\.", "${1} ")
        .str.replace_all(r"\.(\D|$)", " ${1}")
        .str.replace_all(r"^\.| +", " ")
        .str.strip_chars()
        .replace("", None)
    )


def _actor_table() -> pl.DataFrame:
    """Name key -> (canonical key, organisation key), from the alias table and the knowledge base."""
    orgs = kb.organisations().select(name="name", org="org")
    try:
        aliases = read_vocab("vocab", "actors.csv").select(alias="alias", name="actor", org="org")
    except (FileNotFoundError, pl.exceptions.ColumnNotFoundError):
        aliases = pl.DataFrame(schema={"alias": pl.String, "name": pl.String, "org": pl.String})
    rows = pl.concat([orgs.select(alias="name", name="name", org="org"), aliases])
    return (rows.drop_nulls(["alias", "name"])
            .select(key=_name_key(pl.col("alias")), ckey=_name_key(pl.col("name")),
                    okey=_name_key(pl.col("org").fill_null(pl.col("name"))))
            .unique("key", keep="first", maintain_order=True))


def _with_keys(df: pl.DataFrame, actors: pl.DataFrame, prefix: str = "") -> pl.DataFrame:
    """Add actor keys (canonical and organisation) and a model key to a gold or predicted frame."""
    a, m = f"{prefix}actor", f"{prefix}model"
    found = actors.rename({"key": "_key", "ckey": "_ckey", "okey": "_okey"})
    out = df.with_columns(_name_key(pl.col(a)).alias("_key")).join(found, on="_key", how="left",
                                                                       maintain_order="left")
    return out.with_columns(
        pl.col("_ckey").fill_null(pl.col("_key")).alias(f"{prefix}ckey"),
        pl.col("_okey").fill_null(pl.col("_ckey")).fill_null(pl.col("_key")).alias(f"{prefix}okey"),
        model_key(pl.col(m)).alias(f"{prefix}mkey"),
    ).drop("_key", "_ckey", "_okey")


def _squash(expr: pl.Expr) -> pl.Expr:
    return expr.fill_null("").str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


def candidates(gold: pl.DataFrame, preds: pl.DataFrame, *, per: Per = "document") -> pl.DataFrame:
    """Every (gold row, predicted mention) pair that may match, with a weight for the assignment.

    gold: gid, doc_id, event_type, ckey, okey, mkey, optional, evidence; preds: mention_id, pid,
    doc_id, event_type, sentence_idx, p_ckey, p_okey, p_mkey, p_evidence. The weight prefers, in
    order: more pairs, required rows, the exact model, the gold row's sentence, the exact actor.
    """
    j = gold.join(preds, on=["doc_id", "event_type"], how="inner")
    actor_ok = ((pl.col("ckey") == pl.col("p_ckey")) | (pl.col("okey") == pl.col("p_ckey"))
                | (pl.col("p_okey") == pl.col("ckey")))
    gm, pm = pl.col("mkey"), pl.col("p_mkey")
    model_ok = gm.is_null() | (pm.is_not_null() & ((gm == pm) | pm.str.starts_with(gm + " ")
                                                   | gm.str.starts_with(pm + " ")))
    in_sentence = (pl.col("evidence").is_not_null()
                   & _squash(pl.col("p_evidence")).str.contains(_squash(pl.col("evidence")), literal=True))
    j = j.filter(actor_ok & model_ok).with_columns(in_sentence=in_sentence.fill_null(False))
    if per == "sentence":
        j = j.filter(pl.col("in_sentence"))
    j = j.with_columns(weight=(
        1000 + 100 * (~pl.col("optional")).cast(pl.Int64)
        + 10 * (gm.eq_missing(pm)).cast(pl.Int64)
        + 4 * pl.col("in_sentence").cast(pl.Int64)
        + 2 * (pl.col("ckey") == pl.col("p_ckey")).cast(pl.Int64)
    ))
    # one mention stands for its prediction against each gold row: the one in the gold row's sentence,
    # else the earliest
    return (j.sort("gid", "pid", "in_sentence", "sentence_idx", "mention_id",
                   descending=[False, False, True, False, False])
            .unique(["gid", "pid"], keep="first", maintain_order=True)
            .select("doc_id", "gid", "pid", "mention_id", "weight"))


def assign(cands: pl.DataFrame) -> pl.DataFrame:
    """One-to-one pairs of maximum total weight, document by document (deterministic).

    The combinatorial step has no column expression; the documents are small, so a loop over them
    with scipy's Hungarian solver is cheap.
    """
    out = []
    for part in cands.sort("doc_id", "gid", "pid").partition_by("doc_id", maintain_order=True):
        gids = part["gid"].unique().sort()
        pids = part["pid"].unique().sort()
        gi = part["gid"].to_frame().join(gids.to_frame().with_row_index("i"), on="gid",
                                         maintain_order="left")["i"].to_numpy()
        pj = part["pid"].to_frame().join(pids.to_frame().with_row_index("j"), on="pid",
                                         maintain_order="left")["j"].to_numpy()
        w = np.zeros((len(gids), len(pids)))
        w[gi, pj] = part["weight"].to_numpy()
        rows, cols = linear_sum_assignment(w, maximize=True)
        keep = w[rows, cols] > 0
        out.append(pl.DataFrame({"gid": gids.gather(rows[keep]), "pid": pids.gather(cols[keep])}))
    pairs = pl.concat(out) if out else pl.DataFrame(schema={"gid": pl.UInt32, "pid": pl.String})
    return pairs.join(cands.select("gid", "pid", "mention_id"), on=["gid", "pid"], how="left")


# ---------------------------------------------------------------------------------------- evaluation


def _date_result(gold: str, pred: str) -> pl.Expr:
    g, p = pl.col(gold), pl.col(pred)
    return (pl.when(g.is_not_null() & (g == p)).then(pl.lit("right"))
            .when(g.is_not_null() & p.is_not_null()).then(pl.lit("wrong"))
            .when(g.is_not_null()).then(pl.lit("missing"))
            .when(p.is_not_null()).then(pl.lit("invented"))
            .otherwise(pl.lit("none")))


@dataclass
class Evaluation:
    """The matched tables of one scoring, and the figures they give.

    gold: one row per gold event, with what it was matched to (`found`, `p_*`, `date_result`);
    predicted: one row per prediction, `right` when it matched a gold row, `counted` unless a
    statement; documents: one row per scored document, with its publication-date and narrative checks.
    """

    gold: pl.DataFrame
    predicted: pl.DataFrame
    documents: pl.DataFrame
    per: Per = "document"
    notes: list[str] = field(default_factory=list)

    def figures(self, by: str | None = None) -> pl.DataFrame:
        """Counts, precision, recall, F1 and dates, overall or by `lang` or `event_type`."""
        return figures(self.gold, self.predicted, by)

    def summary(self) -> dict[str, Any]:
        return summary(self)

    def to_json(self) -> str:
        return json.dumps(_rounded(self.summary()), ensure_ascii=False, indent=2)

    def to_text(self, limit: int | None = None) -> str:
        return render_text(self.summary(), limit=limit)

    def to_markdown(self, limit: int | None = None) -> str:
        return render_markdown(self.summary(), limit=limit)


def evaluate(
    tables: dict[str, pl.DataFrame],
    gold_events: pl.DataFrame,
    gold_docs: pl.DataFrame | None = None,
    *,
    docs: pl.DataFrame | None = None,
    per: Per = "document",
    merge_repeats: bool = False,
) -> Evaluation:
    """Score a build (`documents`, `mentions`, optionally `narratives`) against gold tables.

    gold_events: `read_gold_events`'s frame (or one with its columns); gold_docs: `read_gold_docs`'s;
    docs: a frame with `doc` (and optionally `lang`) restricting the documents scored. Only the
    documents the gold names are scored; one listed in gold_docs with no event rows has no events.
    merge_repeats: count rows of a document with the same actor, model, type and date once (for gold
    written mention by mention, scored per document); otherwise every row is an event of its own.
    """
    documents, mentions = tables["documents"], tables["mentions"]
    notes: list[str] = []
    gold_events = _conform_gold(gold_events)
    if gold_docs is not None:
        gold_docs = _conform_gold_docs(gold_docs)
    refs = [gold_events["doc"]]
    if gold_docs is not None:
        refs.append(gold_docs["doc"])
    resolved = resolve_docs(pl.concat(refs), documents)
    if docs is not None:
        wanted = resolve_docs(docs["doc"], documents).drop_nulls("doc_id")
        unresolved = resolved.filter(pl.col("doc_id").is_null())
        if unresolved.height:
            notes.append(f"{unresolved.height} gold document(s) not in the build were left out "
                         f"(filtered run): {', '.join(unresolved['doc'].head(3))}")
        resolved = resolved.filter(pl.col("doc_id").is_in(wanted["doc_id"].implode()))
    else:
        unresolved = resolved.filter(pl.col("doc_id").is_null())
        if unresolved.height:
            names = ", ".join(unresolved["doc"].head(3).to_list())
            more = f" and {unresolved.height - 3} more" if unresolved.height > 3 else ""
            raise GoldError(f"gold names document(s) the build does not have: {names}{more} "
                            "(a doc is a doc_id, a path, a file name or its stem)")
    scored = resolved.drop_nulls("doc_id").unique("doc_id", keep="first", maintain_order=True)

    # languages: the gold's, else the document list's, else the build's
    lang = documents.select("doc_id", "lang", "title", "status", "published", "published_precision")
    lang_over = []
    for frame in (gold_docs, docs):
        if frame is not None and "lang" in frame.columns:
            lang_over.append(frame.select("doc", "lang"))
    doc_frame = scored.join(lang, on="doc_id", how="left", maintain_order="left")
    for over in lang_over:
        over = over.drop_nulls("lang").join(resolve_docs(over["doc"], documents), on="doc")
        doc_frame = doc_frame.join(over.select("doc_id", g_lang="lang").unique("doc_id"), on="doc_id",
                                   how="left", maintain_order="left").with_columns(
            lang=pl.coalesce("g_lang", "lang")).drop("g_lang")
    not_ok = doc_frame.filter(pl.col("status") != "ok")
    if not_ok.height:
        notes.append(f"{not_ok.height} scored document(s) were not read by the build: " + ", ".join(
            f"{r['doc_id']} ({r['status']})" for r in not_ok.head(3).iter_rows(named=True)))

    gold = gold_events.join(resolved.drop_nulls("doc_id"), on="doc", how="inner").filter(
        pl.col("doc_id").is_in(scored["doc_id"].implode()))
    if per == "sentence" and gold.filter(pl.col("evidence").is_null()).height:
        raise GoldError("matching per sentence needs an evidence passage on every gold row")
    key = ["doc_id", "actor", "model", "event_type", "date"]
    repeats = gold.filter(~pl.struct(key).is_first_distinct()).height
    if per == "document" and merge_repeats and repeats:
        notes.append(f"{repeats} gold row(s) repeat an event of their document (same actor, model, type "
                     "and date) and were counted once")
        gold = gold.unique(key, keep="first", maintain_order=True)
    elif per == "document" and repeats > gold.height // 4:
        notes.append(f"{repeats} gold row(s) repeat an event of their document (same actor, model, type "
                     "and date); if the gold lists mentions rather than events, use --merge-repeats or "
                     "--per sentence")
    gold = gold.join(doc_frame.select("doc_id", "lang"), on="doc_id", how="left", maintain_order="left")

    actors = _actor_table()
    gold_k = _with_keys(gold, actors)
    m = mentions.filter(pl.col("doc_id").is_in(scored["doc_id"].implode())).drop("lang")
    if per == "document":
        # one prediction per model as the events table merges it: "Memsearch" opening a sentence and
        # "memsearch" are one model (text.name_key), not a right answer and a false hit
        pid = pl.concat_str([pl.col("doc_id").fill_null(""), pl.col("actor").fill_null(""),
                             _name_key(pl.col("model")).fill_null(""), pl.col("event_type").fill_null("")],
                            separator="\x1f")
    else:
        pid = pl.col("mention_id")
    m = m.with_columns(pid=pid).join(doc_frame.select("doc_id", "lang"), on="doc_id", how="left",
                                     maintain_order="left")
    preds_k = _with_keys(m.rename({"actor": "p_actor", "model": "p_model", "evidence": "p_evidence"}),
                         actors, prefix="p_")
    pairs = assign(candidates(gold_k, preds_k, per=per))

    cols = ["mention_id", "p_actor", "p_model", "p_evidence", "status", "openness", "date",
            "sentence_idx"]
    chosen = pairs.join(preds_k.select(*cols), on="mention_id", how="left").rename(
        {"status": "p_status", "openness": "p_openness", "date": "p_date", "sentence_idx": "p_sentence"})
    gold_out = (gold.join(chosen, on="gid", how="left", maintain_order="left")
                .with_columns(found=pl.col("pid").is_not_null(), date_result=_date_result("date", "p_date"))
                .sort("doc_id", "gid"))

    # one row per prediction: the mention matched to a gold row, else its earliest mention
    first = (preds_k.sort("pid", "sentence_idx", "mention_id")
             .group_by("pid", maintain_order=True)
             .agg(pl.first("mention_id"), n_mentions=pl.len()))
    rep = first.join(pairs.select("pid", "gid", m_match="mention_id"), on="pid", how="left").with_columns(
        mention_id=pl.coalesce("m_match", "mention_id")).drop("m_match")
    predicted = (rep.join(preds_k, on=["pid", "mention_id"], how="left")
                 .with_columns(right=pl.col("gid").is_not_null(),
                               counted=pl.col("event_type") != "statement")
                 .select("pid", "doc_id", "lang", "sentence_idx", actor="p_actor", model="p_model",
                         event_type="event_type", status="status", openness="openness", date="date",
                         evidence="p_evidence", n_mentions="n_mentions", gid="gid", right="right",
                         counted="counted")
                 .sort("doc_id", "sentence_idx", "pid"))
    return Evaluation(gold=gold_out, predicted=predicted,
                      documents=_document_checks(doc_frame, gold_docs, tables.get("narratives"),
                                                 gold_events, resolved),
                      per=per, notes=notes)


def _conform_gold(g: pl.DataFrame) -> pl.DataFrame:
    """A gold frame made by hand in code gets the columns `read_gold_events` would give it."""
    if "doc" not in g.columns and "doc_id" in g.columns:
        g = g.rename({"doc_id": "doc"})
    defaults = {"status": None, "openness": None, "evidence": None, "narratives": None, "model": None,
                "date": None}
    g = g.with_columns(pl.lit(v, pl.String).alias(c) for c, v in defaults.items() if c not in g.columns)
    if "optional" not in g.columns:
        g = g.with_columns(optional=pl.lit(False))
    if "gid" not in g.columns:
        g = g.with_row_index("gid")
    return g.with_columns(pl.col("gid").cast(pl.UInt32), pl.col("optional").cast(pl.Boolean).fill_null(False),
                          *(pl.col(c).cast(pl.String) for c in ("doc", "actor", "model", "event_type",
                                                                   "date", "status", "openness",
                                                                   "evidence", "narratives")))


def _conform_gold_docs(g: pl.DataFrame) -> pl.DataFrame:
    """A gold documents frame made in code gets `read_gold_docs`'s columns (lists may be ';'-joined)."""
    if "doc" not in g.columns and "doc_id" in g.columns:
        g = g.rename({"doc_id": "doc"})
    has = {c: c in g.columns for c in ("published", "narratives")}
    g = g.with_columns(
        *(pl.lit(None, pl.String).alias(c) for c in ("published", "lang") if c not in g.columns),
        *(pl.lit(None, pl.List(pl.String)).alias(c) for c in ("narratives",) if c not in g.columns),
        *(pl.lit([], pl.List(pl.String)).alias(c) for c in ("narratives_optional",) if c not in g.columns),
    )
    g = g.with_columns(_split_list(c).alias(c) for c in ("narratives", "narratives_optional")
                       if g.schema[c] == pl.String)
    return g.with_columns(
        *(pl.lit(v).alias(f"has_{c}") for c, v in has.items() if f"has_{c}" not in g.columns))


def _document_checks(doc_frame: pl.DataFrame, gold_docs: pl.DataFrame | None,
                     narratives: pl.DataFrame | None, gold_events: pl.DataFrame,
                     resolved: pl.DataFrame) -> pl.DataFrame:
    """Per scored document: publication date against the gold, and narrative precision/recall/F1."""
    out = doc_frame.select("doc_id", "doc", "lang", p_published="published")
    if gold_docs is not None:
        g = gold_docs.join(resolved.drop_nulls("doc_id"), on="doc").select(
            "doc_id", "published", "narratives", "narratives_optional", "has_published", "has_narratives")
    else:
        g = pl.DataFrame(schema={"doc_id": pl.String, "published": pl.String,
                                 "narratives": pl.List(pl.String), "narratives_optional": pl.List(pl.String),
                                 "has_published": pl.Boolean, "has_narratives": pl.Boolean})
    ev_narr = (gold_events.filter(pl.col("narratives").is_not_null())
               .join(resolved.drop_nulls("doc_id"), on="doc")
               .select("doc_id", _split_list("narratives").alias("ev_narr"))
               .explode("ev_narr").drop_nulls().group_by("doc_id").agg(pl.col("ev_narr").unique().sort()))
    out = (out.join(g, on="doc_id", how="left", maintain_order="left")
           .join(ev_narr, on="doc_id", how="left", maintain_order="left")
           .with_columns(
               has_published=pl.col("has_published").fill_null(False),
               has_narratives=pl.col("has_narratives").fill_null(False) | pl.col("ev_narr").is_not_null(),
               narratives=pl.coalesce("narratives", "ev_narr"),
               narratives_optional=pl.col("narratives_optional").fill_null([]),
           ).drop("ev_narr"))
    out = out.with_columns(
        published_result=pl.when(pl.col("has_published")).then(_date_result("published", "p_published"))
    )
    if narratives is None:
        narratives = schema.empty(schema.NARRATIVES)
    pred_narr = (narratives.filter(pl.col("narrative").is_in(list(NAMED_NARRATIVES)))
                 .group_by("doc_id").agg(p_narratives=pl.col("narrative").unique().sort()))
    out = out.join(pred_narr, on="doc_id", how="left", maintain_order="left").with_columns(
        p_narratives=pl.col("p_narratives").fill_null([]).list.set_difference("narratives_optional")
        .list.sort(),
        narratives=pl.col("narratives").list.sort(),
    )
    tp = pl.col("p_narratives").list.set_intersection("narratives").list.len()
    n_p, n_g = pl.col("p_narratives").list.len(), pl.col("narratives").list.len()
    out = out.with_columns(
        narr_tp=pl.when(pl.col("has_narratives")).then(tp),
        narr_fp=pl.when(pl.col("has_narratives")).then(n_p - tp),
        narr_fn=pl.when(pl.col("has_narratives")).then(n_g - tp),
    ).with_columns(
        narr_f1=pl.when(~pl.col("has_narratives")).then(None)
        .when(n_p + n_g == 0).then(1.0)
        .otherwise(2 * pl.col("narr_tp") / (n_p + n_g)),
    )
    return out.sort("doc_id")


# ------------------------------------------------------------------------------------------- figures


def _ratio(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return pl.when(b > 0).then(a / b).otherwise(None)


def figures(gold: pl.DataFrame, predicted: pl.DataFrame, by: str | None = None) -> pl.DataFrame:
    """Counts and rates, overall (`by=None`) or per value of `by` (lang, event_type, doc_id).

    gold: required rows (`gold`) and those found; optional rows found count for precision only.
    dated / dates_*: over found rows with a gold date; undated / invented: over found rows without.
    """
    keys = [by] if by else []
    req = ~pl.col("optional")
    g = (gold.with_columns(_all=pl.lit("all")) if not by else gold).group_by(keys or ["_all"]).agg(
        gold=req.sum(),
        found=(req & pl.col("found")).sum(),
        optional=pl.col("optional").sum(),
        optional_found=(pl.col("optional") & pl.col("found")).sum(),
        dated=(pl.col("found") & pl.col("date").is_not_null()).sum(),
        dates_right=(pl.col("date_result") == "right").sum(),
        dates_wrong=(pl.col("date_result") == "wrong").sum(),
        dates_missing=((pl.col("date_result") == "missing") & pl.col("found")).sum(),
        undated=(pl.col("found") & pl.col("date").is_null()).sum(),
        dates_invented=((pl.col("date_result") == "invented") & pl.col("found")).sum(),
    )
    p = (predicted.with_columns(_all=pl.lit("all")) if not by else predicted).group_by(
        keys or ["_all"]).agg(predicted=pl.col("counted").sum(),
                              right=(pl.col("counted") & pl.col("right")).sum())
    k = keys or ["_all"]
    out = g.join(p, on=k, how="full", coalesce=True)
    if not by:
        out = out.join(pl.DataFrame({"_all": ["all"]}), on="_all", how="right")
    counts = ["gold", "found", "optional", "optional_found", "dated", "dates_right", "dates_wrong",
              "dates_missing", "undated", "dates_invented", "predicted", "right"]
    out = out.with_columns(pl.col(c).fill_null(0).cast(pl.Int64) for c in counts).with_columns(
        precision=_ratio(pl.col("right"), pl.col("predicted")),
        recall=_ratio(pl.col("found"), pl.col("gold")),
        date_accuracy=_ratio(pl.col("dates_right"), pl.col("dated")),
        invented_share=_ratio(pl.col("dates_invented"), pl.col("undated")),
    ).with_columns(
        f1=pl.when(pl.col("precision").is_not_null() & pl.col("recall").is_not_null()
                   & (pl.col("precision") + pl.col("recall") > 0))
        .then(2 * pl.col("precision") * pl.col("recall") / (pl.col("precision") + pl.col("recall")))
        .when(pl.col("precision").is_not_null() & pl.col("recall").is_not_null()).then(0.0)
    )
    order = ["gold", "found", "recall", "predicted", "right", "precision", "f1", "optional",
             "optional_found", "dated", "dates_right", "dates_wrong", "dates_missing", "date_accuracy",
             "undated", "dates_invented", "invented_share"]
    if not by:
        return out.select(order)
    return out.select(by, *order).sort(pl.col(by).fill_null("~"))


def _records(df: pl.DataFrame) -> list[dict[str, Any]]:
    return df.to_dicts()


def summary(ev: Evaluation) -> dict[str, Any]:
    """All figures and lists of one evaluation, as plain data (the JSON output)."""
    overall = _records(ev.figures())[0]
    g = ev.gold
    matched = g.filter(pl.col("found"))
    agree = {
        c: {"compared": matched.filter(pl.col(c).is_not_null()).height,
            "agree": matched.filter(pl.col(c) == pl.col(f"p_{c}")).height}
        for c in ("status", "openness")
    }
    d = ev.documents
    pub = d.filter(pl.col("has_published"))
    publication = None
    if pub.height:
        counts = {r: pub.filter(pl.col("published_result") == r).height for r in DATE_RESULTS}
        counts["right"] += pub.filter(pl.col("published_result") == "none").height  # both unknown
        publication = {"documents": pub.height, **counts, "accuracy": counts["right"] / pub.height}
    nd = d.filter(pl.col("has_narratives"))
    narr = None
    if nd.height:
        tp, fp, fn = (int(nd[c].sum()) for c in ("narr_tp", "narr_fp", "narr_fn"))
        p = tp / (tp + fp) if tp + fp else None
        r = tp / (tp + fn) if tp + fn else None
        narr = {
            "documents": nd.height, "mean_f1": float(nd["narr_f1"].mean()),
            "precision": p, "recall": r,
            "f1": (2 * tp / (2 * tp + fp + fn)) if (2 * tp + fp + fn) else None,
            "per_document": _records(nd.select("doc_id", "narratives", "p_narratives", f1="narr_f1")),
        }
    misses = g.filter(~pl.col("found") & ~pl.col("optional")).select(
        "doc_id", "lang", "actor", "model", "event_type", "status", "date", "evidence")
    false_hits = ev.predicted.filter(pl.col("counted") & ~pl.col("right")).select(
        "doc_id", "lang", "actor", "model", "event_type", "status", "date", "n_mentions", "evidence")
    wrong_dates = g.filter(pl.col("found") & pl.col("date_result").is_in(["wrong", "invented"])).select(
        "doc_id", "actor", "model", "event_type", gold_date="date", predicted_date="p_date",
        evidence=pl.coalesce("p_evidence", "evidence"))
    return {
        "per": ev.per,
        "documents": d.height,
        "documents_by_lang": dict(d.group_by("lang").len().sort(pl.col("lang").fill_null("~")).iter_rows()),
        "overall": overall,
        "by_lang": _records(ev.figures("lang")),
        "by_type": _records(ev.figures("event_type")),
        "status": agree["status"], "openness": agree["openness"],
        "publication": publication,
        "narratives": narr,
        "misses": _records(misses),
        "false_hits": _records(false_hits),
        "wrong_dates": _records(wrong_dates),
        "notes": ev.notes,
    }


def _rounded(x: Any) -> Any:
    if isinstance(x, float):
        return None if math.isnan(x) else round(x, 4)
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    return x


# ------------------------------------------------------------------------------------------ rendering


def fmt(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def floor2(x: float | None) -> float | None:
    """Round down to 2 decimals (a floor must never exceed the figure it was taken from)."""
    return None if x is None else math.floor(round(x * 100, 6)) / 100


FIGURE_COLUMNS = ("gold", "found", "recall", "predicted", "right", "precision", "f1", "dates")


def _figure_cells(r: dict[str, Any]) -> list[str]:
    dates = f"{r['dates_right']}/{r['dated']}" if r["dated"] else "–"
    return [str(r["gold"]), str(r["found"]), fmt(r["recall"]), str(r["predicted"]), str(r["right"]),
            fmt(r["precision"]), fmt(r["f1"]), dates]


def _short(s: str | None, n: int = 110) -> str:
    s = " ".join((s or "").split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _event(r: dict[str, Any]) -> str:
    model = f" {r['model']}" if r.get("model") else ""
    date = f" {r['date']}" if r.get("date") else ""
    return f"{r['actor']}{model} {r['event_type']}{date}"


def _date_line(o: dict[str, Any]) -> str:
    return (f"dates, of {o['dated']} matched dated events: right {o['dates_right']}, wrong "
            f"{o['dates_wrong']}, missing {o['dates_missing']}; invented on {o['dates_invented']} "
            f"of {o['undated']} matched undated events")


def render_text(s: dict[str, Any], limit: int | None = None) -> str:
    """The summary for a terminal: a table of figures, then dates, documents and the lists."""
    o = s["overall"]
    langs = ", ".join(f"{k} {v}" for k, v in s["documents_by_lang"].items())
    lines = [f"{s['documents']} documents" + (f" ({langs})" if langs else "") + f"; {o['gold']} gold events"
             + (f" + {o['optional']} optional ({o['optional_found']} found)" if o["optional"] else "")
             + (" (matched per sentence)" if s["per"] == "sentence" else "")]
    header = ["", "gold", "found", "recall", "predicted", "right", "precision", "F1", "dates"]
    rows = [["all", *_figure_cells(o)]]
    rows += [[f"lang {r['lang']}", *_figure_cells(r)] for r in s["by_lang"]]
    rows += [[r["event_type"], *_figure_cells(r)] for r in s["by_type"]]
    widths = [max(len(str(x[i])) for x in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append("  ".join(str(c).ljust(widths[0]) if i == 0 else str(c).rjust(widths[i])
                               for i, c in enumerate(row)))
    lines.append(_date_line(o))
    lines.append(f"status agrees on {s['status']['agree']} of {s['status']['compared']} matched; "
                 f"openness on {s['openness']['agree']} of {s['openness']['compared']}")
    if s["publication"]:
        p = s["publication"]
        lines.append(f"publication dates right on {p['right']} of {p['documents']} documents (wrong "
                     f"{p['wrong']}, missing {p['missing']}, invented {p['invented']})")
    if s["narratives"]:
        n = s["narratives"]
        lines.append(f"narratives, {n['documents']} documents: mean F1 {fmt(n['mean_f1'])} (precision "
                     f"{fmt(n['precision'])}, recall {fmt(n['recall'])} over all their narratives)")
    for title, key in (("misses", "misses"), ("false hits", "false_hits"), ("wrong or invented dates",
                                                                             "wrong_dates")):
        items = s[key]
        lines.append(f"\n{title} ({len(items)}):")
        for r in items[:limit]:
            if key == "wrong_dates":
                what = f"{r['actor']} {r['model'] or ''} {r['event_type']}: gold {r['gold_date'] or '–'}, " \
                       f"given {r['predicted_date']}"
            else:
                what = _event(r)
            lines.append(f"  {r['doc_id']}: {what}\n      {_short(r['evidence'])}")
        if limit is not None and len(items) > limit:
            lines.append(f"  … and {len(items) - limit} more (--limit)")
    for note in s["notes"]:
        lines.append(f"note: {note}")
    return "\n".join(lines)


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    esc = [[str(c).replace("|", "\\|").replace("\n", " ") for c in r] for r in rows]
    return "\n".join(["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|",
                      *("| " + " | ".join(r) + " |" for r in esc)])


def render_markdown(s: dict[str, Any], limit: int | None = None) -> str:
    """The summary as Markdown, for an issue, a pull request or a notebook."""
    o = s["overall"]
    header = ["", "gold", "found", "recall", "predicted", "right", "precision", "F1", "dates right"]
    rows = [["all", *_figure_cells(o)]]
    rows += [[f"lang {r['lang']}", *_figure_cells(r)] for r in s["by_lang"]]
    rows += [[f"`{r['event_type']}`", *_figure_cells(r)] for r in s["by_type"]]
    parts = [f"{s['documents']} documents, {o['gold']} gold events"
             + (f" (+ {o['optional']} optional, {o['optional_found']} found)" if o["optional"] else ""),
             "", _md_table(header, rows), "", f"- {_date_line(o)}"]
    if s["publication"]:
        p = s["publication"]
        parts.append(f"- publication dates right on {p['right']} of {p['documents']} documents")
    if s["narratives"]:
        parts.append(f"- narratives: mean F1 {fmt(s['narratives']['mean_f1'])} over "
                     f"{s['narratives']['documents']} documents")
    for title, key in (("Misses", "misses"), ("False hits", "false_hits")):
        items = s[key]
        parts += ["", f"**{title}** ({len(items)})", ""]
        if items:
            parts.append(_md_table(["doc", "event", "evidence"],
                                   [[r["doc_id"], _event(r), _short(r["evidence"])] for r in items[:limit]]))
        if limit is not None and len(items) > limit:
            parts.append(f"\n… and {len(items) - limit} more")
    if s["notes"]:
        parts += ["", *(f"Note: {n}" for n in s["notes"])]
    return "\n".join(parts) + "\n"


# ------------------------------------------------------------------------------- the README's figures

FIGURES_START, FIGURES_END = "<!-- figures:start -->", "<!-- figures:end -->"
BLOCK_HEADER = ["set", "lang", "docs", "gold", "found", "recall", "predicted", "right", "precision", "F1",
                "dates right", "recall floor", "precision floor"]


def figures_block(evaluations: dict[str, Evaluation], guarded: tuple[str, ...] = ()) -> str:
    """A Markdown table of figures per set and language, for the README, between marker comments.

    Rows of the sets in `guarded` carry floors (the figures rounded down to 2 decimals) that the
    test suite holds the build to; `parse_floors` reads them back.
    """
    rows = []
    for name, ev in evaluations.items():
        docs = dict(ev.documents.group_by("lang").len().iter_rows())
        per_lang = ev.figures("lang").to_dicts()
        for r in [{"lang": "all", **ev.figures().to_dicts()[0]}, *per_lang] if len(per_lang) > 1 else \
                [{"lang": per_lang[0]["lang"] if per_lang else "all", **ev.figures().to_dicts()[0]}]:
            n = ev.documents.height if r["lang"] == "all" else docs.get(r["lang"], 0)
            floors = ([fmt(floor2(r["recall"])), fmt(floor2(r["precision"]))] if name in guarded
                      else ["", ""])
            rows.append([name, str(r["lang"]), str(n), *_figure_cells(r), *floors])
    return "\n".join([FIGURES_START, _md_table(BLOCK_HEADER, rows), FIGURES_END])


def parse_floors(readme: str, set_name: str) -> dict[str, dict[str, float]]:
    """{lang: {"recall": floor, "precision": floor}} from the README's figures block."""
    m = re.search(re.escape(FIGURES_START) + r"(.*?)" + re.escape(FIGURES_END), readme, re.S)
    if not m:
        raise ValueError("README has no figures block (<!-- figures:start --> ... <!-- figures:end -->)")
    lines = [ln.strip() for ln in m.group(1).strip().splitlines() if ln.strip().startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    out: dict[str, dict[str, float]] = {}
    for ln in lines[2:]:
        cells = dict(zip(header, (c.strip() for c in ln.strip("|").split("|")), strict=False))
        if cells.get("set") == set_name and cells.get("recall floor") not in (None, "", "–"):
            out[cells["lang"]] = {"recall": float(cells["recall floor"]),
                                  "precision": float(cells["precision floor"])}
    return out


def replace_block(readme: str, block: str) -> str:
    """The README with its figures block replaced by `block`."""
    pattern = re.escape(FIGURES_START) + r".*?" + re.escape(FIGURES_END)
    if not re.search(pattern, readme, re.S):
        raise ValueError("README has no figures block (<!-- figures:start --> ... <!-- figures:end -->)")
    return re.sub(pattern, lambda _: block, readme, count=1, flags=re.S)


def merged_across_languages(
    mentions: pl.DataFrame, events: pl.DataFrame, pairs: pl.DataFrame
) -> dict[str, Any]:
    """How often an event told in both articles of a pair (the same story in two languages) is one
    `events` row.

    `pairs`: columns `doc` and `pair` (the story both documents tell). A shared event is an (actor,
    model, event type) with mentions in two documents of one pair; it is merged when one events row lists
    both documents. Returns the counts and their share."""
    docs = pairs.select(doc_id="doc", pair="pair")
    keys = (mentions.join(docs, on="doc_id")
            .select("pair", "doc_id", "actor", "event_type", mk=model_key(pl.col("model")).fill_null(""))
            .unique())
    shared = (keys.group_by("pair", "actor", "mk", "event_type")
              .agg(docs=pl.col("doc_id").unique().sort())
              .filter(pl.col("docs").list.len() >= 2))
    rows = events.select("actor", "event_type", mk=model_key(pl.col("model")).fill_null(""),
                         ev_docs="doc_ids")
    joined = shared.join(rows, on=["actor", "mk", "event_type"], how="left").with_columns(
        merged=pl.col("ev_docs").list.set_intersection("docs").list.len() == pl.col("docs").list.len())
    per_key = (joined.group_by("pair", "actor", "mk", "event_type")
               .agg(pl.col("merged").fill_null(False).any()))
    n, m = per_key.height, int(per_key["merged"].sum()) if per_key.height else 0
    return {"shared": n, "merged": m, "share": m / n if n else None}
