"""Reading a corpus: folders of .txt/.md/.html files and tables of records, into one documents frame.

Every input file or record gets exactly one row, whatever is wrong with it: a status (`ok`, `empty`,
`undecodable`, `not_text`, `too_large`, `duplicate`) and a `note` in plain words say why a document was
left out. Raw files are only read, never changed.

The frame carries the decoded `text` (control characters as spaces, see `scrub`; for Markdown and HTML,
the extracted article text of `analysis.markup`; sentence offsets point into it) and what metadata
said (`meta_title`, `meta_source`, `meta_published`) for the later stages; the written documents table
drops those.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from tqdm import tqdm

from analysis.markup import html_to_text, markdown_to_text

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
TABLE_SUFFIXES = frozenset({".jsonl", ".ndjson", ".csv", ".parquet", ".json"})
PROGRESS_MIN_FILES = 20

FRAME_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String, "path": pl.String, "status": pl.String, "encoding": pl.String,
    "sha256": pl.String, "text": pl.String, "note": pl.String,
    "meta_title": pl.String, "meta_source": pl.String, "meta_published": pl.String,
}

_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"BZh",
                 b"\x7fELF", b"PAR1", b"SQLite format")


@dataclass(frozen=True)
class ReadOptions:
    """How to read tables of records, and the size above which a document is left out.

    Column options name the columns of .jsonl/.csv/.parquet tables; None means the first of the usual
    names that is present (id; date/published; source/publisher; title/headline).
    """

    text_column: str = "text"
    id_column: str | None = None
    date_column: str | None = None
    source_column: str | None = None
    title_column: str | None = None
    max_bytes: int = 20_000_000


_DEFAULT_COLUMNS = {
    "id": ("id", "doc_id", "article_id", "uid"),
    "date": ("published", "date", "published_at", "pub_date", "publish_date", "datetime", "timestamp"),
    "source": ("source", "publisher", "site", "outlet"),
    "title": ("title", "headline"),
}


# --- decoding and text hygiene -------------------------------------------------------------------

# Control characters: C0 and C1 controls and DEL, except tab and the line breaks (LF, CR, VT, FF, NEL).
# One rule for files and records alike: each becomes a space (so offsets into the decoded text do not
# move) and the note counts them; a text where they are more than CONTROL_MAX_SHARE of the characters
# is binary content, `not_text`.
CONTROL_CHARS = "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]"
CONTROL_MAX_SHARE = 0.01
# A text with no character other than white space (no-break spaces included), format characters (the
# BOM, zero-width space and joiners, soft hyphen) and controls has nothing to read: `empty`.
_VISIBLE = r"[^\s\p{Cf}\p{Cc}]"
# A file that is not valid UTF-8 is still read as UTF-8, its broken bytes replaced by U+FFFD and counted
# in the note, when it is overwhelmingly UTF-8: at least this share of its non-ASCII bytes are valid
# UTF-8 sequences, or at most UTF8_MAX_BROKEN_SHARE of all its bytes are broken. A damaged UTF-8 file
# is not a Windows-1256 one.
UTF8_MIN_VALID_SHARE = 0.9
UTF8_MAX_BROKEN_SHARE = 0.001

_CONTROL_RE = re.compile(CONTROL_CHARS)
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0E, 0x20), 0x7F])
_BINARY_NOTE = "binary content, not text"
_CONTROL_NOTE = " (NUL and the like) read as spaces"


@dataclass(frozen=True)
class Decoded:
    """A file's text and encoding, or the problem (`not_text`, `undecodable`); `replaced`: bad bytes."""

    text: str | None
    encoding: str | None
    problem: str | None
    replaced: int = 0


def decode(raw: bytes) -> tuple[str | None, str | None, str | None]:
    """(text, encoding, problem) of `decode_bytes`."""
    d = decode_bytes(raw)
    return d.text, d.encoding, d.problem


def decode_bytes(raw: bytes) -> Decoded:
    """The encodings Arabic news comes in, tried from the most certain.

    BOMs first (UTF-8, UTF-16, UTF-32), then strict UTF-8; then UTF-8 with its few broken bytes
    replaced when it is overwhelmingly UTF-8 (UTF8_MIN_VALID_SHARE, UTF8_MAX_BROKEN_SHARE); then
    Windows-1256 and Windows-1252 when the decoded text reads as language. Anything else is
    `undecodable`, or `not_text` when it holds control bytes above CONTROL_MAX_SHARE (binary content),
    as are known binary file signatures.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return _strict(raw, "utf-8-sig")
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return _strict(raw, "utf-32")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(raw, "utf-16")
    if raw.startswith(_BINARY_MAGIC):
        return Decoded(None, None, "not_text")
    try:
        return Decoded(raw.decode("utf-8"), "utf-8", None)
    except UnicodeDecodeError:
        pass
    escaped = raw.decode("utf-8", errors="surrogateescape")  # each broken byte: one lone surrogate
    replaced_text, broken = re.subn("[\udc80-\udcff]", "\ufffd", escaped)
    non_ascii = len(raw.translate(None, bytes(range(128))))
    valid_share = (non_ascii - broken) / non_ascii
    if valid_share >= UTF8_MIN_VALID_SHARE or broken <= UTF8_MAX_BROKEN_SHARE * len(raw):
        return Decoded(replaced_text, "utf-8", None, broken)
    for enc in ("cp1256", "cp1252"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if _plausible(text, arabic=enc == "cp1256"):
            return Decoded(text, enc, None)
    # Bytes no encoding explains: binary content when control bytes pass the share `scrub` allows.
    controls = len(raw) - len(raw.translate(None, _CONTROL_BYTES))
    return Decoded(None, None, "not_text" if controls > CONTROL_MAX_SHARE * len(raw) else "undecodable")


def _strict(raw: bytes, enc: str) -> Decoded:
    try:
        return Decoded(raw.decode(enc), enc, None)
    except UnicodeDecodeError:
        return Decoded(None, None, "undecodable")


def _plausible(text: str, *, arabic: bool) -> bool:
    """Does a single-byte decoding read as language? Mojibake and random bytes do not."""
    if re.search(r"[\x00-\x08\x0e-\x1f\x7f]", text):
        return False
    high = [c for c in text if ord(c) > 127]
    if not high:
        return True
    if arabic:
        letters = sum("\u0600" <= c <= "\u06ff" for c in high)
        # UTF-8 Arabic read as cp1256 turns into pairs like "ط§" "ظ„": a sign it is broken UTF-8.
        mojibake = len(re.findall(r"[طظ][\u0600-\u06ff\u0080-\u00ff]", text))
        # A few high bytes in Latin text are not Arabic: Arabic letters must be a real share of letters.
        latin = sum(c.isascii() and c.isalpha() for c in text)
        ok_share = (letters / len(high) >= 0.8 and mojibake < 0.3 * max(letters, 1) / 2
                    and letters >= 0.3 * (letters + latin))
    else:
        ok_share = sum(c.isalpha() or c in "‘’“”–—…€" for c in high) / len(high) >= 0.9
    words = text.split()
    return ok_share and bool(words) and sum(map(len, words)) / len(words) <= 20


def scrub(text: str) -> tuple[str | None, int]:
    """(text with control characters as spaces, how many), or (None, n) when it is binary content."""
    clean, n = _CONTROL_RE.subn(" ", text)
    return (None if n > CONTROL_MAX_SHARE * len(text) else clean), n


def scrub_expr(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """`scrub` over a whole column: (text with control characters as spaces, their count)."""
    return text.str.replace_all(CONTROL_CHARS, " "), text.str.count_matches(CONTROL_CHARS)


def _plural(n: int | pl.Expr, one: str, many: str) -> str | pl.Expr:
    if isinstance(n, int):
        return f"{n} {one if n == 1 else many}"
    return n.cast(pl.String) + pl.when(n == 1).then(pl.lit(f" {one}")).otherwise(pl.lit(f" {many}"))


def control_note(n: int) -> str:
    """The note for a text whose `n` control characters became spaces."""
    return f"{_plural(n, 'control character', 'control characters')}{_CONTROL_NOTE}"



def scrub_records(rows: pl.DataFrame) -> pl.DataFrame:
    """`scrub`'s rule over the `ok` records of a table: the same spaces, counts, notes and `not_text`."""
    clean, n = scrub_expr(pl.col("text"))
    ok = pl.col("status") == "ok"
    binary = ok & (pl.col("_n") > CONTROL_MAX_SHARE * pl.col("text").str.len_chars())
    control = ok & (pl.col("_n") > 0)
    return rows.with_columns(_n=n.fill_null(0)).with_columns(
        status=pl.when(binary).then(pl.lit("not_text")).otherwise("status"),
        note=pl.when(binary).then(pl.lit(f"{_BINARY_NOTE}: ") + pl.col("_n").cast(pl.String)
                                  + pl.lit(" control characters in ")
                                  + pl.col("text").str.len_chars().cast(pl.String))
        .when(control).then(_plural(pl.col("_n"), "control character", "control characters")
                            + pl.lit(_CONTROL_NOTE))
        .otherwise("note"),
        text=pl.when(binary).then(pl.lit(None, pl.String)).when(control).then(clean).otherwise("text"),
    ).drop("_n")


# --- files and tables --------------------------------------------------------------------------

def discover(sources: Sequence[str | Path]) -> list[tuple[Path, Path]]:
    """(root, file) pairs: folders recursively in sorted order, hidden files and folders skipped."""
    found: list[tuple[Path, Path]] = []
    for src in sources:
        p = Path(src)
        if p.is_dir():
            found += [(p, f) for f in sorted(p.rglob("*"))
                      if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)]
        elif p.is_file():
            found.append((p.parent, p))
        else:
            raise FileNotFoundError(f"no such file or folder: {p}")
    return found


def _file_row(root: Path, f: Path, options: ReadOptions) -> dict[str, str | None]:
    rel = f.relative_to(root).as_posix()
    row: dict[str, str | None] = dict.fromkeys(FRAME_SCHEMA)
    row.update(doc_id=f.stem, path=rel)
    try:
        size = f.stat().st_size
        if size > options.max_bytes:
            row.update(status="too_large", note=f"{size} bytes, above the limit of {options.max_bytes}")
            return row
        raw = f.read_bytes()
    except OSError as exc:
        row.update(status="undecodable", note=f"could not be read: {exc.strerror or exc}")
        return row
    row["sha256"] = hashlib.sha256(raw).hexdigest()
    row.update(read_text(raw, f.suffix.lower()))
    return row


def read_text(raw: bytes, suffix: str) -> dict[str, str | None]:
    """status, encoding, text, note and metadata of one file's bytes: decoding, hygiene, extraction.

    Control characters follow the one rule of `scrub`; Markdown and HTML become their article text
    (`analysis.markup`), whose metadata (front matter, <head>) fills meta_title/meta_source/meta_published.
    """
    d = decode_bytes(raw)
    if d.problem or d.text is None:
        note = {"not_text": _BINARY_NOTE,
                "undecodable": "bytes that neither UTF-8, UTF-16, Windows-1256 nor Windows-1252 explain"}
        problem = d.problem or "undecodable"
        return {"status": problem, "encoding": d.encoding, "note": note[problem]}
    notes = []
    if d.replaced:
        notes.append(f"not valid UTF-8: {_plural(d.replaced, 'byte', 'bytes')} replaced by U+FFFD")
    text, n_control = scrub(d.text)
    if text is None:
        return {"status": "not_text", "encoding": d.encoding,
                "note": f"{_BINARY_NOTE}: {n_control} control characters in {len(d.text)}"}
    if n_control:
        notes.append(control_note(n_control))
    out: dict[str, str | None] = {"encoding": d.encoding, "status": "ok"}
    if suffix in MARKDOWN_SUFFIXES:
        text, meta = markdown_to_text(text)
        out.update(meta)
    elif suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and _looks_html(text)):
        text, meta = html_to_text(text)
        out.update(meta)
    out.update(text=text, note="; ".join(notes) or None)
    return out


def _looks_html(text: str) -> bool:
    return re.search(r"(?i)<(html|body|article|p|div)\b[^>]*>", text[:4096]) is not None


def _pick(columns: Iterable[str], wanted: str | None, kind: str) -> str | None:
    cols = list(columns)
    if wanted is not None:
        return wanted if wanted in cols else None
    return next((c for c in _DEFAULT_COLUMNS[kind] if c in cols), None)


def _read_table(f: Path) -> pl.DataFrame:
    """All columns as strings; JSON lines one by one so a broken line costs one record, not the file."""
    suffix = f.suffix.lower()
    if suffix == ".parquet":
        df = pl.read_parquet(f)
    elif suffix == ".json":
        df = pl.read_json(f)
    elif suffix == ".csv":
        text, _, problem = decode(f.read_bytes())
        if problem:
            raise ValueError(problem)
        df = pl.read_csv(io.StringIO(text), infer_schema=False)
    else:
        records = []
        for n, line in enumerate(f.read_bytes().splitlines()):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                if not isinstance(rec, dict):
                    raise ValueError("not an object")
            except ValueError:
                rec = {"__broken__": f"line {n + 1} is not a JSON object"}
            records.append({k: None if v is None else (v if isinstance(v, str) else json.dumps(v))
                            for k, v in rec.items()})
        df = pl.DataFrame(records, infer_schema_length=None) if records else pl.DataFrame()
    return df.select(pl.all().cast(pl.String)) if df.width else df


def _table_rows(root: Path, f: Path, options: ReadOptions) -> pl.DataFrame:
    rel = f.relative_to(root).as_posix()
    one = {**dict.fromkeys(FRAME_SCHEMA), "doc_id": f.stem, "path": rel}
    try:
        df = _read_table(f)
    except Exception as exc:  # any reader error must become a row, not a crash
        return pl.DataFrame([{**one, "status": "undecodable", "note": f"unreadable table: {exc}"}],
                            schema=FRAME_SCHEMA)
    text_col = options.text_column
    if text_col not in df.columns:
        cols = ", ".join(c for c in df.columns if c != "__broken__") or "none"
        print(f"warning: {rel} has no column {text_col!r} (columns: {cols}); use --text-column",
              file=sys.stderr)
        return pl.DataFrame([{**one, "status": "not_text",
                              "note": f"no column {text_col!r} (columns: {cols})"}], schema=FRAME_SCHEMA)
    id_col = _pick(df.columns, options.id_column, "id")
    col = {k: _pick(df.columns, getattr(options, f"{k}_column"), k) for k in ("date", "source", "title")}
    broken = pl.col("__broken__") if "__broken__" in df.columns else pl.lit(None, pl.String)
    text = pl.col(text_col)
    rows = df.with_row_index("_row").select(
        doc_id=(pl.col(id_col) if id_col else pl.lit(None, pl.String)).fill_null(
            pl.lit(f"{f.stem}#") + pl.col("_row").cast(pl.String)),
        path=pl.lit(f"{rel}#") + pl.col("_row").cast(pl.String),
        text=text,
        broken=broken,
        meta_title=pl.col(col["title"]) if col["title"] else pl.lit(None, pl.String),
        meta_source=pl.col(col["source"]) if col["source"] else pl.lit(None, pl.String),
        meta_published=pl.col(col["date"]) if col["date"] else pl.lit(None, pl.String),
    )
    nbytes = pl.col("text").str.len_bytes()
    rows = rows.with_columns(
        sha256=pl.col("text").map_elements(lambda t: hashlib.sha256(t.encode()).hexdigest(),
                                           return_dtype=pl.String),
        encoding=pl.lit("utf-8"),
        status=pl.when(pl.col("broken").is_not_null()).then(pl.lit("undecodable"))
        .when(nbytes > options.max_bytes).then(pl.lit("too_large"))
        .otherwise(pl.lit("ok")),
        note=pl.when(pl.col("broken").is_not_null()).then(pl.col("broken"))
        .when(nbytes > options.max_bytes).then(
            nbytes.cast(pl.String) + pl.lit(f" bytes, above the limit of {options.max_bytes}")),
    )
    rows = scrub_records(rows.with_columns(text=pl.when(pl.col("status") == "ok").then(pl.col("text"))))
    html = rows.filter(pl.col("text").str.contains(r"(?i)<(?:html|body|article|p|div)\b[^>]*>"))
    if html.height:
        extracted = [html_to_text(t) for t in html["text"]]
        html = html.with_columns(
            text=pl.Series([t for t, _ in extracted], dtype=pl.String),
            meta_title=pl.coalesce("meta_title", pl.Series([m["meta_title"] for _, m in extracted],
                                                         dtype=pl.String)),
        )
        rows = rows.update(html.select("path", "text", "meta_title"), on="path")
    return rows.select(list(FRAME_SCHEMA)).cast(FRAME_SCHEMA)  # type: ignore[arg-type]


class _Seen:
    """What earlier batches held, so ids stay unique and duplicates are found across batches."""

    def __init__(self) -> None:
        self.ids = pl.DataFrame(schema={"doc_id": pl.String, "seen": pl.UInt32})
        self.keys = pl.Series("key", [], dtype=pl.UInt64)


def _batches_of_inputs(
    files: list[tuple[Path, Path]], options: ReadOptions, batch_docs: int | None, bar: tqdm
) -> Iterator[pl.DataFrame]:
    """Frames of at most `batch_docs` documents (one frame when None), in input order."""
    limit = batch_docs or sys.maxsize
    rows: list[dict[str, str | None]] = []
    pending: list[pl.DataFrame] = []
    n_pending = 0

    def flush() -> pl.DataFrame:
        nonlocal rows, pending, n_pending
        frames = [*pending, *([pl.DataFrame(rows, schema=FRAME_SCHEMA)] if rows else [])]
        rows, pending, n_pending = [], [], 0
        return pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=FRAME_SCHEMA)

    for root, f in files:
        bar.update(1)
        if f.suffix.lower() in TABLE_SUFFIXES:
            if rows:
                pending.append(pl.DataFrame(rows, schema=FRAME_SCHEMA))
                rows = []
            table = _table_rows(root, f, options)
            for offset in range(0, max(table.height, 1), limit):
                part = table.slice(offset, limit)
                if n_pending + part.height > limit and n_pending:
                    yield flush()
                pending.append(part)
                n_pending += part.height
        else:
            rows.append(_file_row(root, f, options))
            n_pending += 1
        if n_pending >= limit:
            yield flush()
    if n_pending or not files:
        yield flush()


def iter_corpus(
    sources: Sequence[str | Path],
    *,
    options: ReadOptions | None = None,
    batch_docs: int | None = None,
    progress: bool = True,
) -> Iterator[pl.DataFrame]:
    """`read_corpus` in batches of at most `batch_docs` documents, for corpora larger than memory.

    Ids and duplicates are decided across batches, so the concatenated batches equal `read_corpus`.
    """
    options = options or ReadOptions()
    files = discover(sources)
    bar = tqdm(total=len(files), desc="reading", unit="file", file=sys.stderr,
               disable=not progress or len(files) < PROGRESS_MIN_FILES or None)
    seen = _Seen()
    with bar:
        for frame in _batches_of_inputs(files, options, batch_docs, bar):
            yield finalize(frame, seen)


def read_corpus(
    sources: Sequence[str | Path], *, options: ReadOptions | None = None, progress: bool = True
) -> pl.DataFrame:
    """One row per input file or record, with its status, encoding, sha256 and decoded text.

    Documents with no text after stripping are `empty`; a document whose text equals an earlier one's
    (leading and trailing white space aside) is `duplicate`. doc_ids are the file stems or the records'
    ids, made unique by a `~2`, `~3` suffix where two inputs share one.
    """
    return pl.concat(list(iter_corpus(sources, options=options, progress=progress)), how="vertical")


def finalize(docs: pl.DataFrame, seen: _Seen | None = None) -> pl.DataFrame:
    """Statuses that need the whole corpus (empty, duplicate) and unique doc_ids."""
    seen = seen or _Seen()
    key = pl.col("text").str.strip_chars()
    docs = docs.join(seen.ids, on="doc_id", how="left", maintain_order="left").with_columns(
        n=pl.int_range(pl.len()).over("doc_id") + pl.col("seen").fill_null(0),
        key=key.hash(seed=0),
    )
    ok = pl.col("status") == "ok"
    out = docs.with_columns(
        doc_id=pl.when(pl.col("n") == 0).then(pl.col("doc_id"))
        .otherwise(pl.col("doc_id") + "~" + (pl.col("n") + 1).cast(pl.String)),
        status=pl.when(ok & ~pl.col("text").str.contains(_VISIBLE).fill_null(False))
        .then(pl.lit("empty"))
        .when(ok & (~pl.col("key").is_first_distinct() | pl.col("key").is_in(seen.keys.implode())))
        .then(pl.lit("duplicate"))
        .otherwise(pl.col("status")),
    ).with_columns(
        note=pl.when(pl.col("status") == "empty").then(pl.lit("no text"))
        .when(pl.col("status") == "duplicate").then(pl.lit("same text as an earlier document"))
        .otherwise(pl.col("note")),
    )
    counts = docs.group_by("doc_id").agg(pl.len().cast(pl.UInt32).alias("k"))
    seen.ids = (
        pl.concat([seen.ids, counts.rename({"k": "seen"})]).group_by("doc_id").agg(pl.col("seen").sum())
    )
    seen.keys = pl.concat([seen.keys, out.filter(pl.col("status") == "ok")["key"]])
    return out.drop("seen", "n", "key")
