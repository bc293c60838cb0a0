"""Reading a corpus: folders of .txt/.md/.html files and tables of records, into one documents frame.

Every input file or record gets exactly one row, whatever is wrong with it: a status (`ok`, `empty`,
`undecodable`, `not_text`, `too_large`, `duplicate`) and a `note` in plain words say why a document was
left out. Raw files are only read, never changed.

The frame carries the decoded `text` (control characters as spaces, see `scrub`; for Markdown and HTML,
the extracted article text of `analysis.markup`; sentence offsets point into it) and what metadata
said (`meta_title`, `meta_source`, `meta_published`, `meta_url`) for the later stages; the written
documents table drops those.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import re
import stat
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
    "meta_url": pl.String,
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
    url_column: str | None = None
    max_bytes: int = 20_000_000
    csv_separator: str | None = None  # None: sniffed from the header line (see `sniff_separator`)


_DEFAULT_COLUMNS = {
    "id": ("id", "doc_id", "article_id", "uid"),
    "date": ("published", "date", "published_at", "pub_date", "publish_date", "datetime", "timestamp"),
    "source": ("source", "publisher", "site", "outlet"),
    "title": ("title", "headline"),
    "url": ("url", "link", "origin", "canonical_url", "permalink"),
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

BUILD_MARKER = ".openness-build"  # written into every output folder; a folder holding it is never input


@dataclass(frozen=True)
class Entry:
    """One filesystem entry to account for: where it lies, and why it cannot be read (None: it can)."""

    root: Path
    path: Path
    problem: str | None = None


_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def check_entry(p: Path) -> str | None:
    """None for a readable regular file, else why not, in words.

    Only `lstat`, `stat` and `access` are used: the entry is never opened, since opening a FIFO blocks.
    A link is followed to a file; a link to a folder is not followed (links can loop).
    """
    try:
        st = p.lstat()
        if stat.S_ISLNK(st.st_mode):
            try:
                st = p.stat()
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    return "a symbolic link that loops back on itself"
                if exc.errno == errno.ENOENT:
                    return "a broken symbolic link: what it points to does not exist"
                return f"a symbolic link that cannot be followed ({(exc.strerror or 'error').lower()})"
            if stat.S_ISDIR(st.st_mode):
                return "a symbolic link to a folder, not followed"
    except OSError as exc:
        return f"cannot be examined ({(exc.strerror or 'error').lower()})"
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        return f"{kind}, not a regular file: not read"
    if not os.access(p, os.R_OK):
        return "permission denied"
    return None


def is_build_folder(d: Path) -> bool:
    """Does the folder hold the tables of a build (its marker file)?"""
    return (d / BUILD_MARKER).is_file()


def discover(sources: Sequence[str | Path]) -> list[Entry]:
    """Every entry of the sources: folders recursively in sorted order, hidden files and folders skipped.

    Nothing inside a folder is passed over in silence: a FIFO, socket, device, broken or looping link,
    or an entry that cannot be read is an `Entry` with its `problem`, and becomes an `unreadable` row.
    A folder that holds a build's marker file is output, not input: it is skipped with a warning.
    """
    found: list[Entry] = []
    for src in sources:
        p = Path(src)
        if not os.path.lexists(p):
            raise FileNotFoundError(f"no such file or folder: {p}")
        if p.is_dir():
            found += sorted(_walk(p, p), key=lambda e: e.path)
        else:
            found.append(Entry(p.parent, p, check_entry(p)))
    return found


def _walk(root: Path, folder: Path) -> Iterator[Entry]:
    if is_build_folder(folder):
        print(f"warning: {folder} holds the tables of a build ({BUILD_MARKER}): not read as input",
              file=sys.stderr)
        return
    try:
        children = list(os.scandir(folder))
    except OSError as exc:
        where = root.parent if folder == root else root
        yield Entry(where, folder, f"a folder that cannot be listed ({(exc.strerror or 'error').lower()})")
        return
    for child in children:
        if child.name.startswith("."):
            continue
        path = Path(child.path)
        try:
            is_dir = child.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(root, path)
        else:
            yield Entry(root, path, check_entry(path))


def _rel(entry: Entry) -> str:
    return entry.path.relative_to(entry.root).as_posix()


def _unreadable_row(entry: Entry, note: str) -> dict[str, str | None]:
    row: dict[str, str | None] = dict.fromkeys(FRAME_SCHEMA)
    row.update(doc_id=entry.path.stem or entry.path.name, path=_rel(entry), status="unreadable", note=note)
    return row


def _file_row(entry: Entry, options: ReadOptions) -> dict[str, str | None]:
    f = entry.path
    if entry.problem:
        return _unreadable_row(entry, entry.problem)
    row: dict[str, str | None] = dict.fromkeys(FRAME_SCHEMA)
    row.update(doc_id=f.stem, path=_rel(entry))
    try:
        size = f.stat().st_size
        if size > options.max_bytes:
            row.update(status="too_large", note=f"{size} bytes, above the limit of {options.max_bytes}")
            return row
        raw = f.read_bytes()
    except OSError as exc:
        return _unreadable_row(entry, f"could not be read ({(exc.strerror or 'error').lower()})")
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


# A table is read record by record in effect: each record is a dict of strings, or a _Bad saying, in
# words, which record it is and what is wrong with it. A bad record costs that record, never the file.

@dataclass(frozen=True)
class _Bad:
    status: str
    note: str


_Record = dict[str, str | None] | _Bad
_STATUS, _NOTE = "__status__", "__note__"
CSV_SEPARATORS = (",", ";", "\t", "|")
_CSV_RESCANS = 20  # unclosed quotes that run to the end of a file, re-read from the next line


class TableError(ValueError):
    """A table file that holds no readable structure at all; the message says why, in words."""


def _kind_of(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def _json_record(rec: object, where: str, text_col: str) -> _Record:
    """One JSON value as a record: strings kept, numbers as written, nested values as JSON text."""
    if not isinstance(rec, dict):
        return _Bad("undecodable", f"{where}: {_kind_of(rec)}, not a JSON object")
    text = rec.get(text_col)
    if text is not None and not isinstance(text, str):
        return _Bad("not_text", f"{where}: the {text_col!r} value is {_kind_of(text)}, not text")
    return {str(k): None if v is None else v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
            for k, v in rec.items()}


_TOO_DEEP = "JSON nested more deeply than can be read"


def _json_error(exc: json.JSONDecodeError) -> str:
    return f"not JSON ({exc.msg.lower()} at line {exc.lineno}, column {exc.colno})"


def _read_jsonl(raw: bytes, text_col: str) -> list[_Record]:
    records: list[_Record] = []
    for n, line in enumerate(raw.splitlines()):
        if not line.strip():
            continue
        where = f"line {n + 1}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            records.append(_Bad("undecodable", f"{where}: {_json_error(exc)}"))
            continue
        except ValueError:  # bytes json cannot decode (not UTF-8/16/32)
            records.append(_Bad("undecodable", f"{where}: bytes that are not UTF-8"))
            continue
        except RecursionError:
            records.append(_Bad("undecodable", f"{where}: {_TOO_DEEP}"))
            continue
        records.append(_json_record(rec, where, text_col))
    return records


def _read_json(text: str, text_col: str) -> list[_Record]:
    """A JSON array of records (or one object); JSON lines saved as .json are read as such."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise TableError(_TOO_DEEP) from None
    except json.JSONDecodeError as exc:
        if text.lstrip().startswith("{") and "\n" in text.strip():
            return _read_jsonl(text.encode(), text_col)
        raise TableError(_json_error(exc)) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise TableError(f"the file holds {_kind_of(data)}, not an array of records")
    return [_json_record(rec, f"record {i + 1}", text_col) for i, rec in enumerate(data)]


def sniff_separator(text: str) -> str:
    """The separator that splits the header line into the most fields (ties: the earlier of , ; tab |).

    The header is the one line of a table whose fields are short names, so counting there is more
    reliable than guessing from article text full of commas.
    """
    first = text.split("\n", 1)[0]
    counts = [(len(next(csv.reader([first], delimiter=sep), [])), -i, sep)
              for i, sep in enumerate(CSV_SEPARATORS)]
    return max(counts)[2]


def _csv_problem(message: str) -> str:
    if "expected after" in message:
        return "a quote inside a field that is not doubled, or text after a closing quote"
    if "end of data" in message:
        return "a quoted field that is never closed"
    if "field larger" in message:
        return "a field larger than the limit"
    return "not valid CSV"


def _read_csv(text: str, separator: str | None) -> tuple[list[str], list[_Record]]:
    """Header and records; a record that is not valid CSV, or has another number of fields than the
    header, is a _Bad naming its line, and reading goes on from the line after it."""
    lines = list(io.StringIO(text, newline=""))  # split at \n, \r and \r\n only, as CSV does
    sep = separator or sniff_separator(text)
    csv.field_size_limit(2**31 - 1)
    consumed = 0

    def feed(start: int) -> Iterator[str]:
        nonlocal consumed
        for i in range(start, len(lines)):
            consumed = i + 1
            yield lines[i]

    pos, header = 0, None
    records: list[_Record] = []
    rescans = 0
    while pos < len(lines):
        one_line = rescans >= _CSV_RESCANS  # after too many re-reads, a record is one line: bounded work
        reader = csv.reader(feed(pos) if not one_line else iter([lines[pos]]), delimiter=sep, strict=True)
        while pos < len(lines):
            start = pos
            try:
                row = next(reader)
                end = consumed if not one_line else pos + 1
                problem = None
            except StopIteration:
                pos = len(lines)
                break
            except csv.Error as exc:
                end = consumed if not one_line else pos + 1
                row, problem = None, _csv_problem(str(exc))
            if header is None:
                if problem:
                    raise TableError(f"the header line is not valid CSV: {problem}")
                header = row
                pos = end
                if one_line:
                    break
                continue
            if problem is None and row == []:
                pos = end
            elif problem is None and len(row) == len(header):
                records.append({k: v if v != "" else None for k, v in zip(header, row, strict=True)})
                pos = end
            else:
                note = problem or f"{len(row)} fields where the header has {len(header)}"
                records.append(_Bad("undecodable", f"line {start + 1}: {note}"))
                pos = start + 1
                if end - start > 1:  # a broken record that ran over several lines: read again after it
                    rescans += 1
                    break
            if one_line:
                break
    if header is None:
        return [], []
    return header, records


def _read_parquet(f: Path, text_col: str, records: tuple[int, int] | None = None) -> pl.DataFrame:
    """Every column as text; a Binary value that is not UTF-8 costs its record, not the file.

    `records`: (first record, how many), for a table read in ranges; notes number records as the
    whole table does.
    """
    df = pl.scan_parquet(f).slice(*records).collect() if records else pl.read_parquet(f)
    first = records[0] if records else 0
    bad: list[str | None] = [None] * df.height
    cols = {}
    for name, dtype in df.schema.items():
        col = df[name]
        if dtype == pl.Binary:
            values = []
            for i, v in enumerate(col.to_list()):
                try:
                    values.append(None if v is None else v.decode("utf-8"))
                except UnicodeDecodeError:
                    values.append(None)
                    if name == text_col or bad[i] is None:
                        bad[i] = bad[i] if bad[i] and name != text_col else name
            cols[name] = pl.Series(name, values, dtype=pl.String)
        elif dtype.is_nested() or dtype == pl.Object:
            if name == text_col:
                for i, v in enumerate(col.is_not_null().to_list()):
                    bad[i] = bad[i] or (f"!{name}" if v else None)
            cols[name] = pl.Series(name, [None] * df.height, dtype=pl.String)
        else:
            cols[name] = col.cast(pl.String)
    out = pl.DataFrame(cols) if cols else pl.DataFrame()
    status = [None if b is None else "not_text" if b.startswith("!") else "undecodable" for b in bad]
    note = [None if b is None else
            f"record {first + i + 1}: the {b[1:]!r} value is a list or structure, not text"
            if b.startswith("!") else
            f"record {first + i + 1}: the {b!r} value holds bytes that are not UTF-8"
            for i, b in enumerate(bad)]
    return out.with_columns(pl.Series(_STATUS, status, dtype=pl.String),
                            pl.Series(_NOTE, note, dtype=pl.String))


def _frame(records: list[_Record], header: Sequence[str] = ()) -> pl.DataFrame:
    """Records as a frame of string columns (in order of first appearance), with status and note."""
    names = list(dict.fromkeys([*header, *(k for r in records if isinstance(r, dict) for k in r)]))
    cols = {n: pl.Series(n, [r.get(n) if isinstance(r, dict) else None for r in records], dtype=pl.String)
            for n in names if n not in (_STATUS, _NOTE)}
    cols[_STATUS] = pl.Series(_STATUS, [r.status if isinstance(r, _Bad) else None for r in records],
                              dtype=pl.String)
    cols[_NOTE] = pl.Series(_NOTE, [r.note if isinstance(r, _Bad) else None for r in records],
                            dtype=pl.String)
    return pl.DataFrame(cols)


def _decode_table(raw: bytes) -> tuple[str | None, str | None, str | None]:
    """`decode`, except that NUL bytes in a text table cost the records that hold them, not the file.

    The encoding is found without the NULs; the records keep them, and a record whose text holds one
    gets the same status as any other (see `_table_rows`).
    """
    text, enc, problem = decode(raw)
    if problem == "not_text" and b"\x00" in raw and not raw.startswith(_BINARY_MAGIC):
        _, enc, problem = decode(raw.replace(b"\x00", b""))
        if problem is None and enc is not None:
            try:
                return raw.decode(enc), enc, None
            except UnicodeDecodeError:
                return None, None, "undecodable"
    return text, enc, problem


def _read_table(
    f: Path, options: ReadOptions, records: tuple[int, int] | None = None
) -> tuple[pl.DataFrame, str]:
    """(records as string columns plus status and note, encoding); raises TableError for a file that
    is not a table at all. `records`: a range of a Parquet table (see `_read_parquet`)."""
    suffix = f.suffix.lower()
    if suffix == ".parquet":
        try:
            return _read_parquet(f, options.text_column, records), "utf-8"
        except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
            raise TableError("not a readable Parquet file") from exc
    raw = f.read_bytes()
    if suffix in (".jsonl", ".ndjson"):
        return _frame(_read_jsonl(raw, options.text_column)), "utf-8"
    text, enc, problem = _decode_table(raw)
    if problem or text is None:
        raise TableError("binary content, not text" if problem == "not_text" else
                         "bytes that neither UTF-8, UTF-16, Windows-1256 nor Windows-1252 explain")
    if suffix == ".json":
        return _frame(_read_json(text, options.text_column)), enc or "utf-8"
    header, records = _read_csv(text, options.csv_separator)
    return _frame(records, header), enc or "utf-8"


def _table_rows(entry: Entry, options: ReadOptions, records: tuple[int, int] | None = None) -> pl.DataFrame:
    """One row per record; `records`: only that range of a Parquet table (numbers stay the table's)."""
    f = entry.path
    rel = _rel(entry)
    one = {**dict.fromkeys(FRAME_SCHEMA), "doc_id": f.stem, "path": rel}
    try:
        size = f.stat().st_size
        if size == 0:
            return pl.DataFrame([{**one, "status": "empty", "note": "an empty file: no records"}],
                                schema=FRAME_SCHEMA)
        df, encoding = _read_table(f, options, records)
    except TableError as exc:
        return pl.DataFrame([{**one, "status": "undecodable", "note": f"unreadable table: {exc}"}],
                            schema=FRAME_SCHEMA)
    except OSError as exc:
        note = f"could not be read ({(exc.strerror or 'error').lower()})"
        return pl.DataFrame([_unreadable_row(entry, note)], schema=FRAME_SCHEMA)
    except Exception as exc:
        note = f"unreadable table: it could not be parsed ({type(exc).__name__})"
        return pl.DataFrame([{**one, "status": "undecodable", "note": note}], schema=FRAME_SCHEMA)
    if df.height == 0:
        cols = ", ".join(c for c in df.columns if c not in (_STATUS, _NOTE))
        note = f"a table with no records (columns: {cols})" if cols else "a table with no records"
        return pl.DataFrame([{**one, "status": "empty", "note": note}], schema=FRAME_SCHEMA)
    text_col = options.text_column
    if text_col not in df.columns:
        if df[_STATUS].is_null().any():
            cols = ", ".join(c for c in df.columns if c not in (_STATUS, _NOTE)) or "none"
            hint = "; use --text-column" + (", or --csv-separator" if f.suffix.lower() == ".csv" else "")
            print(f"warning: {rel} has no column {text_col!r} (columns: {cols}){hint}", file=sys.stderr)
            return pl.DataFrame([{**one, "status": "not_text",
                                  "note": f"no column {text_col!r} (columns: {cols})"}], schema=FRAME_SCHEMA)
        df = df.with_columns(pl.lit(None, pl.String).alias(text_col))
    id_col = _pick(df.columns, options.id_column, "id")
    col = {k: _pick(df.columns, getattr(options, f"{k}_column"), k)
           for k in ("date", "source", "title", "url")}
    rows = df.with_row_index("_row", offset=records[0] if records else 0).select(
        doc_id=(pl.col(id_col) if id_col else pl.lit(None, pl.String)).fill_null(
            pl.lit(f"{f.stem}#") + pl.col("_row").cast(pl.String)),
        path=pl.lit(f"{rel}#") + pl.col("_row").cast(pl.String),
        text=pl.col(text_col),
        bad_status=pl.col(_STATUS),
        bad_note=pl.col(_NOTE),
        meta_title=pl.col(col["title"]) if col["title"] else pl.lit(None, pl.String),
        meta_source=pl.col(col["source"]) if col["source"] else pl.lit(None, pl.String),
        meta_published=pl.col(col["date"]) if col["date"] else pl.lit(None, pl.String),
        meta_url=pl.col(col["url"]).cast(pl.String) if col["url"] else pl.lit(None, pl.String),
    )
    nbytes = pl.col("text").str.len_bytes()
    bad = pl.col("bad_status").is_not_null()
    rows = rows.with_columns(
        doc_id=pl.when(bad).then(pl.lit(f"{f.stem}#") + pl.col("path").str.extract(r"#(\d+)$"))
        .otherwise(pl.col("doc_id")),
        sha256=pl.col("text").map_elements(lambda t: hashlib.sha256(t.encode()).hexdigest(),
                                           return_dtype=pl.String),
        encoding=pl.lit(encoding),
        status=pl.when(bad).then(pl.col("bad_status"))
        .when(nbytes > options.max_bytes).then(pl.lit("too_large"))
        .otherwise(pl.lit("ok")),
        note=pl.when(bad).then(pl.col("bad_note"))
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
        self.ids: set[str] = set()
        self.next: dict[str, int] = {}  # for each id, the suffix to try first when it comes again
        self.keys = pl.Series("key", [], dtype=pl.UInt64)


def unique_ids(ids: Sequence[str | None], seen: _Seen | None = None) -> list[str]:
    """Ids unique by construction: the first of each keeps it, later ones take the first free `~2`, `~3`...

    Free means used by no earlier input, whatever ids the records bring themselves: `a`, `a`, `a~2`
    give `a`, `a~2`, `a~2~2`. Decided in input order, so batches give the same ids as one read.
    """
    seen = seen or _Seen()
    used, nxt = seen.ids, seen.next
    out = []
    for raw in ids:
        base = raw if raw else "doc"
        new = base
        if new in used:
            k = nxt.get(base, 2)
            while f"{base}~{k}" in used:
                k += 1
            nxt[base] = k + 1
            new = f"{base}~{k}"
        used.add(new)
        out.append(new)
    return out


def _batches_of_inputs(
    files: list[Entry], options: ReadOptions, batch_docs: int | None, bar: tqdm
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

    for entry in files:
        bar.update(1)
        if entry.problem is None and entry.path.suffix.lower() in TABLE_SUFFIXES:
            if rows:
                pending.append(pl.DataFrame(rows, schema=FRAME_SCHEMA))
                rows = []
            table = _table_rows(entry, options)
            for offset in range(0, max(table.height, 1), limit):
                part = table.slice(offset, limit)
                if n_pending + part.height > limit and n_pending:
                    yield flush()
                pending.append(part)
                n_pending += part.height
        else:
            rows.append(_file_row(entry, options))
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
    frames = list(iter_corpus(sources, options=options, progress=progress))
    return pl.concat(frames, how="vertical") if frames else finalize(pl.DataFrame(schema=FRAME_SCHEMA))


def finalize(docs: pl.DataFrame, seen: _Seen | None = None) -> pl.DataFrame:
    """Statuses that need the whole corpus (empty, duplicate) and unique doc_ids."""
    seen = seen or _Seen()
    key = pl.col("text").str.strip_chars()
    docs = docs.with_columns(
        doc_id=pl.Series("doc_id", unique_ids(docs["doc_id"].to_list(), seen), dtype=pl.String),
        key=key.hash(seed=0),
    )
    ok = pl.col("status") == "ok"
    empty = ok & ~pl.col("text").str.contains(_VISIBLE).fill_null(False)
    dup = ok & (~pl.col("key").is_first_distinct() | pl.col("key").is_in(seen.keys.implode()))
    out = docs.with_columns(
        status=pl.when(empty).then(pl.lit("empty")).when(dup).then(pl.lit("duplicate"))
        .otherwise(pl.col("status")),
        note=pl.when(empty).then(pl.lit("no text")).when(dup).then(pl.lit("same text as an earlier document"))
        .otherwise(pl.col("note")),
    )
    seen.keys = pl.concat([seen.keys, out.filter(pl.col("status") == "ok")["key"]])
    return out.drop("key")
