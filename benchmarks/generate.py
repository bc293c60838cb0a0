"""Synthetic news corpora that know their own truth, for measuring speed and quality at any size.

Articles in Arabic and English are composed from the templates in `benchmarks/templates.yaml`: event
sentences that plant one event each (actor, model, event type, an explicit or relative date or none),
narrative sentences that plant one named narrative each, neutral filler, a headline, a publication-date
line, boilerplate lines, some duplicates and, in the files form, some broken files. Everything is drawn
from one `numpy.random.Generator(seed)` and assembled with Polars expressions over whole columns, so
100,000 articles take seconds and the same seed gives the same bytes.

Written layout of `write_corpus(corpus, root)`:

    root/articles.parquet         id, text, date, source, title (one row per record)
    root/files/NNN/<doc_id>.txt   one file per article, plus broken files
    root/truth_events.parquet     doc_id, actor, model, event_type, status, date, date_precision,
                                  date_basis, sentence
    root/truth_narratives.parquet doc_id, sentence, narrative (every planted body sentence)
    root/truth_documents.parquet  doc_id, kind, lang, published
    root/manifest.json            size, seed, generator version, counts
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import yaml

VERSION = 1
TEMPLATES = Path(__file__).resolve().parent / "templates.yaml"
REPO = Path(__file__).resolve().parent.parent
AR_SHARE = 0.6
DUPLICATE_SHARE = 0.01
BROKEN_SHARE = 0.005
TAIL_SHARE = 0.8
FIRST_DAY = np.datetime64("2023-01-01")
DAYS = 3 * 365
FILES_PER_FOLDER = 1000
CHUNK = 100_000
_REGEX_META = re.compile(r"[\\\[\](){}|*+?^$]")


@dataclass
class Corpus:
    """A generated corpus: the records, the broken files and what was planted."""

    articles: pl.DataFrame  # id, text, date, source, title, lang, kind ("article" or "duplicate")
    broken: pl.DataFrame  # id, kind ("empty", "binary", "invalid"): files form only
    truth_events: pl.DataFrame
    truth_narratives: pl.DataFrame
    seed: int
    first: int = 0  # index of the first record, for corpora generated in chunks

    @property
    def truth_documents(self) -> pl.DataFrame:
        return self.articles.select(doc_id="id", kind="kind", lang="lang", published="date")


# --- vocabulary ----------------------------------------------------------------------------------

def vocabulary_digest() -> str:
    """A digest of everything the text is made from, so a stored corpus is remade when it changes."""
    h = hashlib.sha256()
    for p in [TEMPLATES, *(REPO / "data" / "vocab" / f"{k}.csv" for k in ("actors", "models"))]:
        h.update(p.read_bytes() if p.exists() else b"-")
    return h.hexdigest()[:16]


def load_templates(path: Path = TEMPLATES) -> dict[str, Any]:
    """The templates, with actors' and models' aliases taken from data/vocab when those files exist."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    for kind in ("actors", "models"):
        spec[kind] = _merge_vocab(spec[kind], REPO / "data" / "vocab" / f"{kind}.csv", kind)
    return spec


def _merge_vocab(own: dict[str, Any], csv: Path, kind: str) -> dict[str, Any]:
    """Use the project's plain-text aliases for the canonical names both lists share.

    The project's tables are being edited by others and may be missing or shaped differently: any
    problem leaves the templates' own aliases in place. Regex-like aliases are skipped (they are
    patterns, not words an article would print).
    """
    try:
        table = pl.read_csv(csv, comment_prefix="#", infer_schema=False)
        names = ("canonical", "model", "name") if kind == "models" else ("canonical", "actor", "name")
        canon = next(c for c in names if c in table.columns)
        alias = next(c for c in ("alias", "surface", "text", "pattern") if c in table.columns)
    except (OSError, StopIteration, pl.exceptions.PolarsError):
        return own
    lang = "lang" if "lang" in table.columns else None
    merged = {k: dict(v) if isinstance(v, dict) else v for k, v in own.items()}
    for name, entry in merged.items():
        rows = table.filter(pl.col(canon) == name, pl.col(alias).is_not_null())
        rows = rows.filter(~pl.col(alias).str.contains(_REGEX_META.pattern))
        if rows.is_empty():
            continue
        if kind == "models":
            aliases = sorted(set(rows[alias].to_list()))
            entry["aliases"] = [a for a in aliases if a.isascii()] or entry["aliases"]
            continue
        for lg in ("ar", "en"):
            sub = rows if lang is None else rows.filter(pl.col(lang).is_in([lg, "any", "all", ""]) |
                                                        pl.col(lang).is_null())
            words = sorted(set(sub[alias].to_list()))
            if lg == "en":
                words = [w for w in words if w.isascii()]
            if words:
                entry[lg] = words
    return merged


# --- generation ----------------------------------------------------------------------------------

def _pick(rng: np.random.Generator, lists: pl.Series, n: int | None = None) -> pl.Series:
    """One element of each list, uniformly."""
    u = rng.random(len(lists) if n is None else n)
    idx = np.floor(u * lists.list.len().to_numpy()).astype(np.int64)
    return lists.list.get(pl.Series(idx), null_on_oob=True)


def _slot_frame(rng: np.random.Generator, n: int, langs: np.ndarray) -> pl.DataFrame:
    """One row per body sentence: which document, which kind (event, narrative, filler)."""
    n_event = rng.integers(1, 4, n)
    n_narr = rng.integers(3, 7, n)
    n_body = rng.integers(14, 19, n)
    n_fill = np.maximum(n_body - n_event - n_narr, 2)
    counts = n_event + n_narr + n_fill
    doc = np.repeat(np.arange(n), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    j = np.arange(doc.size) - starts
    kind = np.where(j < n_event[doc], "event", np.where(j < (n_event + n_narr)[doc], "narrative", "filler"))
    return pl.DataFrame({"doc": doc, "kind": kind, "lang": langs[doc], "order": rng.random(doc.size)})


def _templates_frame(spec: dict[str, Any]) -> pl.DataFrame:
    rows = []
    for t in spec["events"]:
        for lg in ("ar", "en"):
            rows.append({"kind": "event", "group": t["event_type"], "lang": lg, "tpl": t[lg],
                         "narrative": t["narrative"]})
    for name, items in spec["narratives"].items():
        for t in items:
            for lg in ("ar", "en"):
                rows.append({"kind": "narrative", "group": name, "lang": lg, "tpl": t[lg], "narrative": name})
    for t in spec["fillers"]:
        for lg in ("ar", "en"):
            rows.append({"kind": "filler", "group": "other", "lang": lg, "tpl": t[lg], "narrative": "other"})
    return pl.DataFrame(rows).group_by("kind", "group", "lang", maintain_order=True).agg(
        pl.col("tpl"), pl.col("narrative"))


def _month_names(spec: dict[str, Any]) -> pl.DataFrame:
    rows = [{"lang": lg, "variant": v, "month": i + 1, "month_name": name}
            for lg, variants in (("ar", ("ar", "ar_levant")), ("en", ("en",)))
            for v in variants for i, name in enumerate(spec["months"][v])]
    return pl.DataFrame(rows)


def _dates(rng: np.random.Generator, events: pl.DataFrame, spec: dict[str, Any]) -> pl.DataFrame:
    """A date expression for each event, with the date it plants (resolved from the publication date)."""
    forms = spec["dates"]
    n = events.height
    tense = events["tense"].to_numpy()
    form = np.empty(n, dtype=np.int64)
    for t in ("past", "future"):
        ok = [i for i, f in enumerate(forms) if f["tense"] in (t, "any")]
        w = np.array([forms[i]["weight"] for i in ok], dtype=float)
        mask = tense == t
        form[mask] = rng.choice(ok, size=int(mask.sum()), p=w / w.sum())
    low = np.array([f.get("offset", [0, 0])[0] for f in forms])[form]
    high = np.array([f.get("offset", [0, 0])[1] for f in forms])[form]
    offset = low + np.floor(rng.random(n) * (high - low + 1)).astype(np.int64)
    table = pl.DataFrame({
        "form": range(len(forms)),
        "anchor": [f["anchor"] for f in forms],
        "date_precision": [f["precision"] for f in forms],
        "date_basis": [f["basis"] for f in forms],
        "tpl_ar": [f["ar"] for f in forms],
        "tpl_en": [f["en"] for f in forms],
    })
    pub = pl.col("pub")
    off = pl.col("offset")
    day_shift = pub + pl.duration(days=off)
    month_shift = pl.date(pub.dt.year() + (pub.dt.month() - 1 + off).floordiv(12),
                          (pub.dt.month() - 1 + off).mod(12) + 1, 1)
    year_shift = pl.date(pub.dt.year() + off, 1, 1)
    out = events.with_columns(form=pl.Series(form), offset=pl.Series(offset)).join(
        table, on="form", how="left", maintain_order="left"
    ).with_columns(
        target=pl.when(pl.col("anchor") == "days").then(day_shift)
        .when(pl.col("anchor") == "months").then(month_shift)
        .when(pl.col("anchor") == "years").then(year_shift),
        variant=pl.when(pl.col("lang") == "en").then(pl.lit("en"))
        .otherwise(pl.when(pl.Series(rng.random(n) < 0.3)).then(pl.lit("ar_levant")).otherwise(pl.lit("ar"))),
    ).with_columns(month=pl.col("target").dt.month().cast(pl.Int64))
    out = out.join(_month_names(spec), on=["lang", "variant", "month"], how="left", maintain_order="left")
    tpl = pl.when(pl.col("lang") == "ar").then(pl.col("tpl_ar")).otherwise(pl.col("tpl_en"))
    iso = {"day": pl.col("target").dt.strftime("%Y-%m-%d"), "month": pl.col("target").dt.strftime("%Y-%m"),
           "year": pl.col("target").dt.strftime("%Y")}
    return out.with_columns(
        date_expr=tpl.str.replace("{d}", pl.col("target").dt.day().cast(pl.String), literal=True)
        .str.replace("{month}", pl.col("month_name").fill_null(""), literal=True)
        .str.replace("{y}", pl.col("target").dt.year().cast(pl.String), literal=True)
        .str.replace("{n}", pl.col("offset").cast(pl.String), literal=True),
        date=pl.when(pl.col("date_precision") == "day").then(iso["day"])
        .when(pl.col("date_precision") == "month").then(iso["month"])
        .when(pl.col("date_precision") == "year").then(iso["year"]),
    ).drop("form", "offset", "anchor", "tpl_ar", "tpl_en", "target", "variant", "month", "month_name")


def _aliases(spec: dict[str, Any]) -> tuple[pl.DataFrame, pl.DataFrame]:
    actors = pl.DataFrame([{"actor": a, "lang": lg, "actor_aliases": v[lg]}
                           for a, v in spec["actors"].items() for lg in ("ar", "en")])
    models = pl.DataFrame([{"model_pick": m, "actor": v["actor"], "model_aliases": v["aliases"]}
                           for m, v in spec["models"].items() if v["actor"] in spec["actors"]])
    return actors, models


def generate(n_docs: int, seed: int = 0, spec: dict[str, Any] | None = None, *, first: int = 0) -> Corpus:
    """A corpus of `n_docs` records (about 1% duplicates) and about 0.5% broken files, with its truth.

    `first` numbers the records from there on (ids `a<first>`...), so a large corpus can be made chunk
    by chunk, each chunk drawn from its own seed.
    """
    spec = spec or load_templates()
    rng = np.random.default_rng([seed, n_docs, VERSION] + ([first] if first else []))
    n = max(int(n_docs), 0)
    langs = np.where(rng.random(n) < AR_SHARE, "ar", "en")
    pub = FIRST_DAY + rng.integers(0, DAYS, n).astype("timedelta64[D]")
    ids = [f"a{first + i:07d}" for i in range(n)]
    docs = pl.DataFrame({"doc": np.arange(n), "id": ids, "lang": langs, "pub": pub.astype("datetime64[D]")},
                        schema_overrides={"pub": pl.Date, "lang": pl.String})

    slots = _slot_frame(rng, n, langs).join(docs.select("doc", "pub", "id"), on="doc", maintain_order="left")
    etypes = spec["event_types"]
    names = list(etypes)
    w = np.array([etypes[e]["weight"] for e in names], dtype=float)
    narr_names = list(spec["narratives"])
    m = slots.height
    kinds = slots["kind"].to_numpy()
    event_group = np.array(names)[rng.choice(len(names), m, p=w / w.sum())]
    narr_group = np.array(narr_names)[rng.integers(0, len(narr_names), m)]
    group = np.where(kinds == "event", event_group, np.where(kinds == "narrative", narr_group, "other"))
    slots = slots.with_columns(group=pl.Series(group, dtype=pl.String))
    tpls = _templates_frame(spec)
    slots = slots.join(tpls, on=["kind", "group", "lang"], how="left", maintain_order="left")
    u = np.floor(rng.random(m) * slots["tpl"].list.len().to_numpy()).astype(np.int64)
    slots = slots.with_columns(
        tpl=pl.col("tpl").list.get(pl.Series(u), null_on_oob=True),
        narrative=pl.col("narrative").list.get(pl.Series(u), null_on_oob=True),
        tense=pl.col("group").replace_strict({e: v["tense"] for e, v in etypes.items()}, default=None),
        status=pl.col("group").replace_strict({e: v["status"] for e, v in etypes.items()}, default=None),
    )

    # Events: a model, its actor, aliases in the article's language, a date expression.
    actors, models = _aliases(spec)
    is_event = pl.col("kind") == "event"
    ev = slots.with_row_index("slot").filter(is_event)
    pick = rng.integers(0, models.height, ev.height)
    ev = ev.with_columns(pl.Series("model_pick", models["model_pick"].to_numpy()[pick], dtype=pl.String))
    ev = ev.join(models, on="model_pick", how="left", maintain_order="left").join(
        actors, on=["actor", "lang"], how="left", maintain_order="left")
    ev = ev.with_columns(actor_alias=_pick(rng, ev["actor_aliases"]),
                         model_alias=_pick(rng, ev["model_aliases"]))
    ev = _dates(rng, ev, spec)
    has_model = pl.col("tpl").str.contains("{model}", literal=True)
    has_date = pl.col("tpl").str.contains("{date}", literal=True)
    ev = ev.with_columns(
        model=pl.when(has_model).then(pl.col("model_pick")),
        date=pl.when(has_date).then(pl.col("date")),
        date_precision=pl.when(has_date).then(pl.col("date_precision")).otherwise(pl.lit("unknown")),
        date_basis=pl.when(has_date).then(pl.col("date_basis")).otherwise(pl.lit("none")),
        sentence=pl.col("tpl").str.replace("{actor}", pl.col("actor_alias"), literal=True)
        .str.replace("{model}", pl.col("model_alias"), literal=True)
        .str.replace("{date}", pl.col("date_expr"), literal=True),
    )
    slots = slots.with_row_index("slot").join(ev.select("slot", "sentence"), on="slot", how="left",
                                              maintain_order="left")
    tails = pl.DataFrame([{"lang": lg, "tails": v} for lg, v in spec["tails"].items()])
    slots = slots.join(tails, on="lang", how="left", maintain_order="left")
    with_tail = pl.Series(rng.random(m) < TAIL_SHARE)
    tail = pl.when(with_tail).then(_pick(rng, slots["tails"])).otherwise(pl.lit(""))
    slots = slots.with_columns(
        sentence=pl.coalesce("sentence", pl.col("tpl").str.strip_suffix(".") + tail + pl.lit("."))
    ).drop("tails")

    # Paragraphs of 2-4 sentences in a shuffled order; the first may carry a dateline ("Source - ").
    sources = pl.DataFrame([{"lang": lg, "sources": v} for lg, v in spec["sources"].items()])
    docs = docs.join(sources, on="lang", how="left", maintain_order="left")
    docs = docs.with_columns(
        source=_pick(rng, docs["sources"]),
        para=pl.Series(rng.integers(2, 5, n)),
        dateline=pl.Series(rng.random(n) < 0.4),
        sep=pl.when(pl.Series(rng.random(n) < 0.5)).then(pl.lit("\n")).otherwise(pl.lit("\n\n")),
    ).drop("sources")
    slots = slots.sort("doc", "order").with_columns(rank=pl.int_range(pl.len()).over("doc"))
    slots = slots.join(docs.select("doc", "source", "dateline", "para"), on="doc", maintain_order="left")
    slots = slots.with_columns(
        sentence=pl.when((pl.col("rank") == 0) & pl.col("dateline"))
        .then(pl.col("source") + pl.lit(" - ") + pl.col("sentence")).otherwise(pl.col("sentence")),
        pkey=(pl.col("rank") // pl.col("para")).cast(pl.Float64),
    )
    truth_narr = slots.select(doc_id="id", sentence="sentence", narrative="narrative")
    truth_events = ev.join(slots.select("slot", "sentence"), on="slot", how="left", suffix="_final",
                           maintain_order="left").select(
        doc_id="id", actor="actor", model="model", event_type="group", status="status", date="date",
        date_precision="date_precision", date_basis="date_basis", sentence="sentence_final")

    # Boilerplate lines, each its own paragraph somewhere in the body.
    boiler_lists = pl.DataFrame([{"lang": lg, "lines": v} for lg, v in spec["boilerplate"].items()])
    n_boiler = rng.integers(0, 4, n)
    bdoc = np.repeat(np.arange(n), n_boiler)
    boiler = pl.DataFrame({"doc": bdoc, "lang": langs[bdoc]}).join(boiler_lists, on="lang",
                                                                   maintain_order="left")
    boiler = boiler.join(docs.select("doc", "para"), on="doc", maintain_order="left").with_columns(
        sentence=_pick(rng, boiler["lines"]),
        pkey=pl.Series(np.floor(rng.random(bdoc.size) * 6)) + 0.5,
        order=pl.Series(rng.random(bdoc.size)),
    )
    body = pl.concat([slots.select("doc", "pkey", "order", "sentence"),
                      boiler.select("doc", "pkey", "order", "sentence")])
    paras = (body.sort("doc", "pkey", "order").group_by("doc", "pkey", maintain_order=True)
             .agg(pl.col("sentence").str.join(" ")))
    texts = paras.join(docs.select("doc", "sep"), on="doc", maintain_order="left").group_by(
        "doc", maintain_order=True).agg(body=(pl.col("sentence") + pl.col("sep")).str.join(""))

    # Headline and publication-date line.
    heads = pl.DataFrame([{"lang": lg, "heads": v} for lg, v in spec["headlines"].items()])
    lines = pl.DataFrame([{"lang": lg, "publines": v} for lg, v in spec["published_lines"].items()])
    docs = docs.join(heads, on="lang", maintain_order="left").join(lines, on="lang", maintain_order="left")
    docs = docs.with_columns(title=_pick(rng, docs["heads"]), publine=_pick(rng, docs["publines"]),
                             month=docs["pub"].dt.month().cast(pl.Int64),
                             variant=pl.when(pl.col("lang") == "en").then(pl.lit("en"))
                             .otherwise(pl.lit("ar")))
    docs = docs.join(_month_names(spec), on=["lang", "variant", "month"], how="left", maintain_order="left")
    has_line = pl.Series(rng.random(n) < 0.8)
    publine = (pl.col("publine").str.replace("{dd}", pl.col("pub").dt.strftime("%d"), literal=True)
               .str.replace("{mm}", pl.col("pub").dt.strftime("%m"), literal=True)
               .str.replace("{d}", pl.col("pub").dt.day().cast(pl.String), literal=True)
               .str.replace("{month}", pl.col("month_name"), literal=True)
               .str.replace("{y}", pl.col("pub").dt.year().cast(pl.String), literal=True))
    docs = docs.join(texts, on="doc", how="left", maintain_order="left").with_columns(
        text=pl.col("title") + pl.col("sep")
        + pl.when(has_line).then(publine + pl.col("sep")).otherwise(pl.lit(""))
        + pl.col("body").fill_null("").str.strip_chars_end() + pl.lit("\n"),
        date=pl.col("pub").dt.strftime("%Y-%m-%d"),
        kind=pl.lit("article"),
    )

    # Duplicates: a later record repeats an earlier one's text; its planted truth is not counted twice.
    n_dup = round(n * DUPLICATE_SHARE) if n >= 2 else 0
    dup = np.unique(rng.integers(1, n, n_dup)) if n_dup else np.array([], dtype=np.int64)
    src = np.floor(rng.random(dup.size) * dup).astype(np.int64)
    if dup.size:
        dup_text = docs["text"].gather(src)
        text = docs["text"].scatter(dup, dup_text)
        kind = docs["kind"].scatter(dup, ["duplicate"] * dup.size)
        docs = docs.with_columns(text=text, kind=kind)
    dup_ids = set(docs["id"].gather(dup).to_list()) if dup.size else set()
    articles = docs.select("id", "text", "date", "source", "title", "lang", "kind")
    truth_events = truth_events.filter(~pl.col("doc_id").is_in(list(dup_ids)))
    truth_narr = truth_narr.filter(~pl.col("doc_id").is_in(list(dup_ids)))

    n_broken = round(n * BROKEN_SHARE) if n >= 50 else (1 if n >= 10 else 0)
    first_broken = round(first * BROKEN_SHARE)
    broken = pl.DataFrame({"id": [f"x{first_broken + i:07d}" for i in range(n_broken)],
                           "kind": [("empty", "binary", "invalid")[i % 3] for i in range(n_broken)]},
                          schema={"id": pl.String, "kind": pl.String})
    return Corpus(articles, broken, truth_events, truth_narr, seed, first)


# --- writing -------------------------------------------------------------------------------------

def _broken_bytes(kind: str, i: int) -> bytes:
    """Bytes that a reader must refuse: nothing, a PNG header, or invalid UTF-8 with control bytes."""
    if kind == "empty":
        return b"" if i % 2 == 0 else b" \n\n  \n"
    if kind == "binary":
        return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    return bytes([0x8D, 0x90, 0x9D, 0xFF, 0x02, 0x81, 0x8D, 0x90, 0x9D, 0x01]) * 8


def file_path(files: Path, doc_id: str, index: int) -> Path:
    """Files in folders of a thousand, so a million articles never share one folder."""
    return files / f"{index // FILES_PER_FOLDER:04d}" / f"{doc_id}.txt"


def write_files(corpus: Corpus, files: Path, workers: int = 8) -> int:
    """One UTF-8 .txt file per record and one per broken file; returns the number of files."""
    ids = corpus.articles["id"].to_list()
    texts = corpus.articles["text"].to_list()
    first = corpus.first
    jobs = [(file_path(files, d, first + i), t.encode("utf-8"))
            for i, (d, t) in enumerate(zip(ids, texts, strict=True))]
    for i, (d, k) in enumerate(corpus.broken.iter_rows()):
        jobs.append((file_path(files, d, first + i * 97 % max(len(ids), 1)), _broken_bytes(k, i)))
    for folder in sorted({p.parent for p, _ in jobs}):
        folder.mkdir(parents=True, exist_ok=True)

    def write(chunk: list[tuple[Path, bytes]]) -> None:
        for p, b in chunk:
            p.write_bytes(b)

    step = max(len(jobs) // (workers * 4), 1)
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(write, [jobs[i:i + step] for i in range(0, len(jobs), step)]))
    return len(jobs)


def write_corpus(corpus: Corpus, root: Path, *, files: bool = True) -> dict[str, Any]:
    """Write the Parquet table, the files (optional) and the truth beside them; returns the manifest."""
    root.mkdir(parents=True, exist_ok=True)
    corpus.articles.select("id", "text", "date", "source", "title").write_parquet(root / "articles.parquet")
    corpus.truth_events.write_parquet(root / "truth_events.parquet")
    corpus.truth_narratives.write_parquet(root / "truth_narratives.parquet")
    corpus.truth_documents.write_parquet(root / "truth_documents.parquet")
    shutil.rmtree(root / "files", ignore_errors=True)  # no file of an earlier corpus may stay
    n_files = write_files(corpus, root / "files") if files else 0
    manifest = {
        "version": VERSION, "vocabulary": vocabulary_digest(), "seed": corpus.seed,
        "docs": corpus.articles.height, "parquet": True,
        "duplicates": int((corpus.articles["kind"] == "duplicate").sum()), "broken": corpus.broken.height,
        "files": n_files, "mb": round(corpus.articles["text"].str.len_bytes().sum() / 1e6, 3),
        "planted_events": corpus.truth_events.height,
        "planted_sentences": corpus.truth_narratives.height,
    }
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def write_corpus_chunked(n_docs: int, seed: int, root: Path, chunk: int = CHUNK) -> dict[str, Any]:
    """A corpus too large to hold at once: files and planted events written chunk by chunk.

    Each chunk is `generate(chunk, seed, first=...)`; duplicates stay within a chunk. No Parquet table
    and no planted narratives are written (the runner reads such a corpus as files, in batches).
    """
    root.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(root / "files", ignore_errors=True)
    events, documents = [], []
    counts = {"duplicates": 0, "broken": 0, "files": 0, "mb": 0.0}
    for first in range(0, n_docs, chunk):
        part = generate(min(chunk, n_docs - first), seed, first=first)
        counts["files"] += write_files(part, root / "files")
        counts["duplicates"] += int((part.articles["kind"] == "duplicate").sum())
        counts["broken"] += part.broken.height
        counts["mb"] += part.articles["text"].str.len_bytes().sum() / 1e6
        events.append(part.truth_events)
        documents.append(part.truth_documents)
        del part
    truth_events = pl.concat(events)
    truth_events.write_parquet(root / "truth_events.parquet")
    pl.concat(documents).write_parquet(root / "truth_documents.parquet")
    manifest = {"version": VERSION, "vocabulary": vocabulary_digest(), "seed": seed, "docs": n_docs,
                "chunk": chunk, "parquet": False,
                **counts, "mb": round(counts["mb"], 3), "planted_events": truth_events.height}
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def ensure_corpus(root: Path, n_docs: int, seed: int, *, files: bool = True) -> dict[str, Any]:
    """Generate into `root` unless a corpus of the same size, seed, version and vocabulary is there.

    Above `CHUNK` articles the corpus is written in chunks, as files only.
    """
    mf = root / "manifest.json"
    if mf.exists():
        old = json.loads(mf.read_text(encoding="utf-8"))
        same = (old.get("version"), old.get("vocabulary"), old.get("seed"), old.get("docs")) == (
            VERSION, vocabulary_digest(), seed, n_docs)
        if same and (old.get("files") or not files):
            return old
    if n_docs > CHUNK:
        return write_corpus_chunked(n_docs, seed, root)
    return write_corpus(generate(n_docs, seed), root, files=files)


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(description="Write a synthetic corpus with its planted truth.")
    p.add_argument("--docs", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--no-files", action="store_true", help="only the Parquet table")
    a = p.parse_args(argv)
    print(json.dumps(write_corpus(generate(a.docs, a.seed), a.out, files=not a.no_files), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
