"""Text: sentences with exact offsets, boilerplate left out, and the normalised form used for matching.

Everything here is a Polars expression over whole columns: the splitter is one regular expression run by
`str.extract_all` over every line of every document, and offsets come from cumulative lengths, so a
corpus of a million sentences costs about as much as a few regex passes over its text.

Offsets are character offsets into the decoded document text (for HTML, the extracted article text):
`text == document_text[char_start:char_end]` for every sentence. Boilerplate lines (share counters,
"اقرأ أيضًا", comment widgets, ...) are recognised line by line from `data/vocab/boilerplate.csv` and
produce no sentence; their characters stay in the document text, so offsets never move.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import polars as pl

from analysis import resources

# --- normalisation -------------------------------------------------------------------------------

# Harakat, Quranic marks, superscript alef, tatweel: they vary between writers and carry no meaning
# for matching.
_DIACRITIC_RANGES = [(0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670), (0x06D6, 0x06DC),
                     (0x06DF, 0x06E8), (0x06EA, 0x06ED), (0x0640, 0x0640)]
_FOLDS = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",  # alef forms
    "ى": "ي", "ی": "ي",  # alef maqsura and Persian yeh
    "ة": "ه",  # ta marbuta
    "ک": "ك",  # keheh
}
_DIGITS = {**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}}
# Compatibility forms folded as NFKC would: Arabic presentation forms (lam-alef ligature, positional
# letter forms), Latin ligatures, full-width forms.
_COMPAT_RANGES = [(0xFB00, 0xFDFF), (0xFE70, 0xFEFF), (0xFF01, 0xFFEE)]


@functools.lru_cache(maxsize=1)
def fold_table() -> tuple[list[str], list[str]]:
    """Every character the normaliser changes, with what it becomes, for one `replace_many` pass.

    One Aho-Corasick pass over a whole column costs a fraction of `str.normalize("NFKC")`,
    `str.to_lowercase()` and a diacritics regex run one after another.
    """
    table: dict[str, str] = {chr(c): "" for lo, hi in _DIACRITIC_RANGES for c in range(lo, hi + 1)}
    table.update(_FOLDS)
    table.update(_DIGITS)
    table.update({c: c.lower() for c in map(chr, [*range(0x41, 0x5B), *range(0xC0, 0xDF)]) if c != "×"})
    for c in (chr(x) for lo, hi in _COMPAT_RANGES for x in range(lo, hi + 1)):
        compat = unicodedata.normalize("NFKC", c)
        if compat != c:
            table[c] = "".join(table.get(x, x) for x in compat)
    return list(table), list(table.values())


def normalize_expr(expr: pl.Expr | str) -> pl.Expr:
    """The one normaliser of the project, as an expression over a whole string column.

    Compatibility forms folded (Arabic presentation forms such as the lam-alef ligature become plain
    letters), diacritics and tatweel removed, alef/ya/ta-marbuta forms folded, Arabic-Indic and Persian
    digits to ASCII, Latin letters lower-cased. The result is for matching and clustering, never shown.
    """
    e = pl.col(expr) if isinstance(expr, str) else expr
    return e.str.replace_many(*fold_table())


def normalize(s: str) -> str:
    """`normalize_expr` for one string: for vocabularies loaded from data files."""
    return pl.select(normalize_expr(pl.lit(s, pl.String))).item()


# --- the splitter ------------------------------------------------------------------------------

_TERM = "[.!?؟…]"
_CLOSERS = "[\"'»”’)\\]]"
_SPACE = r"[\t\n\x0B\x0C\p{Zs}\r]"


@functools.lru_cache(maxsize=4)
def segment_pattern(abbreviations: tuple[str, ...] | None = None) -> str:
    """One regex whose successive matches tile a line into sentences (every character is covered).

    A sentence ends at . ! ? ؟ or … (with any closing quotes or brackets) followed by white space or
    the end of the line, so decimals and versions ("Grok 2.5", "Claude3.5Opus", "19-08-2025 01:23 PM")
    never split. Abbreviations from data/vocab/abbreviations.txt and single capital initials do not end
    a sentence. A quotation in «», “” or "" is consumed whole; one whose last word carries the full stop
    ('He said: "We will open it." Then ...') ends the sentence with its closing quote.
    """
    if abbreviations is None:
        abbreviations = _abbreviations()
    abbr = "|".join(re.escape(a) for a in sorted(abbreviations, key=len, reverse=True))
    quotes = [("«", "»"), ("“", "”"), ('"', '"')]
    end_of_quote = "|".join(f"{o}[^{c}]*{_TERM}{c}" for o, c in quotes)
    end = rf"(?:{_TERM}+{_CLOSERS}*|{end_of_quote})(?:{_SPACE}+|$)"
    chunk = "|".join(a for a in [
        # ASCII word boundaries keep the regex on the fast DFA engine (Unicode \b would not).
        rf"(?-u:\b)(?:{abbr})\." if abbr else "",
        r"(?-u:\b)[A-Z]\.",  # initials: "J. R. Smith"
        *(f"{o}[^{c}]*{c}" for o, c in quotes),
        r"[\s\S]",
    ] if a)
    # Lazy: at each character try to end the sentence first; a block with no ending is one sentence.
    return rf"(?:{chunk})*?{end}|[\s\S]+"


@functools.lru_cache(maxsize=1)
def _abbreviations() -> tuple[str, ...]:
    path = resources.data_file("vocab", "abbreviations.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(s.strip() for s in lines if s.strip() and not s.startswith("#"))


@functools.lru_cache(maxsize=1)
def boilerplate_pattern() -> str:
    """Whole-line regex of every pattern in data/vocab/boilerplate.csv, for normalised lines."""
    pats = resources.read_vocab("vocab", "boilerplate.csv")["pattern"].drop_nulls().to_list()
    return "^(?:" + "|".join(f"(?:{p})" for p in pats) + r")[\s.:؛،,!؟?]*$"


# --- segmenting documents ----------------------------------------------------------------------

_WORD = r"[\p{L}\p{N}]+"
MAX_SENTENCE_CHARS = 1_000  # longer "sentences" are cut into pieces (`cut_long`): bounds later stages
_MIN_WORDS = 3
_BOILERPLATE_MAX_CHARS = 300
_HEADING_MAX_WORDS = 20
_PARAGRAPH_MIN_WORDS = 25
_DATELINE_PARENS = r"^[^()\n]{0,40}\(([^()\n]{2,40})\)\s*[-–—:]\s"
_DATELINE_DASH = r"^((?:[^\s\-–—:()]+)(?:\s[^\s\-–—:()]+){0,2})\s+[-–—]\s"
_SOURCE_LINE = r"(?i)^(?:المصدر|source|sources)\s*[:：]\s*(.{2,60}?)\s*$"


def at_least_words(expr: pl.Expr, n: int) -> pl.Expr:
    """Does the text hold at least n words? One regex that stops early, cheaper than counting."""
    return expr.str.contains(r"[\p{L}\p{N}]+" + rf"(?:[^\p{{L}}\p{{N}}]+[\p{{L}}\p{{N}}]+){{{n - 1}}}")


def lang_expr(arabic: pl.Expr, latin: pl.Expr) -> pl.Expr:
    """`ar`, `en` or `mixed` from counts of Arabic-script and Latin-script words (70% decide)."""
    share = arabic / (arabic + latin)
    return (
        pl.when(arabic + latin == 0).then(pl.lit(None, pl.String))
        .when(share >= 0.7).then(pl.lit("ar"))
        .when(share <= 0.3).then(pl.lit("en"))
        .otherwise(pl.lit("mixed"))
    )


# Line breaks: LF (CRLF keeps its CR at the end of the line, as white space), VT, FF, NEL (U+0085),
# LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029).
LINE_BREAKS = "\n\x0b\x0c\x85\u2028\u2029"
_OTHER_BREAKS = f"[{LINE_BREAKS[1:]}]"


# The prose of a text, for its language: Latin tokens that are names, URLs or code (a capital letter
# anywhere: Milvus, GPT, OpenAI; a letter next to a digit or code punctuation: gpt-4o, time.sleep,
# retry_delay, p50, https://..., a@b.c) are left out. What remains of Latin script is running words.
_LATIN_NAME = (r"\S*\p{Lu}\S*|\S*(?:\p{Latin}[\d_./=:@#<>{}()\[\]\\-]|[\d_./=:@#<>{}()\[\]\\-]\p{Latin})\S*")
# A line of code in a plain text (Markdown and HTML lose theirs when read): no Arabic letter, and an
# assignment, a brace, a call written without a space, an arrow, a statement keyword opening it or a
# block keyword opening it with a colon after (`if x is None:`). ASCII-only anchors keep it on the DFA.
_CODE_LINE = (r"[=;{}]|[\p{L}\p{N}_]\(|->|=>|^[ \t]*(?:import|from[ \t]+\S+[ \t]+import|def|class|return|"
              r"const|let|var|function|async|await|print|//|#!|\$|>>>)[ \t]|"
              r"^[ \t]*(?:if|elif|else|for|while|try|except|with)(?-u:\b)[^\n]*:")
LANG_SHARE = 0.7  # share of Arabic words among prose words for `ar`; 1 - LANG_SHARE or less is `en`


def prose_words(frame: pl.LazyFrame, col: str) -> pl.LazyFrame:
    """Add ar (Arabic words), la (Latin words of the prose) and la_all (all Latin words) of `col`, a
    column of lines: lines of code (`_CODE_LINE`) have no prose."""
    text = pl.col(col)
    prose = text.str.replace_all(_LATIN_NAME, " ")
    arabic = text.str.count_matches(r"\p{Arabic}+").cast(pl.Int64)
    code = (arabic == 0) & text.str.contains(_CODE_LINE)
    return frame.with_columns(
        ar=arabic,
        la=pl.when(code).then(0).otherwise(prose.str.count_matches(r"\p{Latin}+")).cast(pl.Int64),
        la_all=text.str.count_matches(r"\p{Latin}+").cast(pl.Int64),
    )


def prose_lang_expr(arabic: pl.Expr, latin: pl.Expr, latin_all: pl.Expr) -> pl.Expr:
    """`ar`, `en` or `mixed` from the share of Arabic words among the words of the prose.

    Latin names and code in an Arabic article do not count (see `prose_words`), so an Arabic post
    about Milvus, Claude and GPT-4o stays `ar`. A text whose Latin is all names (a headline in title
    case) falls back on every Latin word.
    """
    latin = pl.when(arabic + latin > 0).then(latin).otherwise(latin_all)
    share = arabic / (arabic + latin)
    return (
        pl.when(arabic + latin == 0).then(pl.lit(None, pl.String))
        .when(share >= LANG_SHARE).then(pl.lit("ar"))
        .when(share <= 1 - LANG_SHARE).then(pl.lit("en"))
        .otherwise(pl.lit("mixed"))
    )


def lines(docs: pl.DataFrame) -> pl.DataFrame:
    """One row per line of every `ok` document, with its offset, normalised form and boilerplate flag.

    Every line break ends a line (`LINE_BREAKS`); `brk` is the break that ended it. Only a plain
    newline may be continued across by a hard-wrapped paragraph (see `blocks`).
    """
    ok = (docs.lazy().with_row_index("doc_ord").filter(pl.col("status") == "ok")
          .select("doc_ord", "doc_id", "text"))
    # Every break becomes "\n" for the split (one character for one, so offsets hold); the breaks
    # themselves, in order, say what ended each line ("." stands for the end of the text).
    breaks = pl.concat_str(pl.col("text").str.replace_all(f"[^{LINE_BREAKS}]+", ""), pl.lit("."))
    return (
        ok.with_columns(line=pl.col("text").str.replace_all(_OTHER_BREAKS, "\n").str.split("\n"),
                        brk=breaks.str.split(""))
        .select("doc_ord", "doc_id", "line", "brk")
        .explode("line", "brk")
        .with_columns(line_idx=pl.int_range(pl.len()).over("doc_id"), n=pl.col("line").str.len_chars() + 1,
                      brk=pl.col("brk").replace(".", ""))
        .with_columns(line_start=(pl.col("n").cum_sum() - pl.col("n")).over("doc_id"))
        .with_columns(has_word=pl.col("line").str.contains(r"[\p{L}\p{N}]"))
        # Page furniture is short: only short lines are matched against the boilerplate patterns.
        .with_columns(norm=pl.when(pl.col("n") <= _BOILERPLATE_MAX_CHARS)
                      .then(normalize_expr(pl.col("line").str.strip_chars())).otherwise(pl.lit("")))
        .with_columns(boilerplate=pl.col("norm").str.contains(boilerplate_pattern()) & (pl.col("norm") != ""))
        .drop("n", "norm")
        .collect()
    )


def blocks(ln: pl.DataFrame) -> pl.LazyFrame:
    """The runs of text the splitter sees: one line each, or a paragraph in hard-wrapped documents.

    A document is hard-wrapped when it has several lines, none longer than 120 characters, and most
    of them end mid-sentence (wire copy, e-mails, plain-text archives): there, consecutive lines of a
    paragraph are joined (with their original newline), so a sentence can run across a line break.
    Other breaks (U+2028, U+2029, NEL, VT, FF) always end the block, and with it the sentence.
    """
    kept = ~pl.col("boilerplate") & pl.col("has_word")
    ends = pl.col("line").str.strip_chars().str.contains(rf"{_TERM}{_CLOSERS}*$")
    wrapped = (
        ln.lazy().filter(kept).group_by("doc_id")
        .agg(wrapped=(pl.len() >= 4) & (ends.mean() < 0.5) & (pl.col("line").str.len_chars().max() <= 120))
    )
    marked = (
        ln.lazy().join(wrapped, on="doc_id", how="left", maintain_order="left")
        .with_columns(kept=kept, wrapped=pl.col("wrapped").fill_null(False),
                      soft=pl.col("brk") == "\n")
    )
    cols = ["doc_ord", "doc_id", "block", "line_start", "line"]
    single = marked.filter(pl.col("kept") & ~pl.col("wrapped")).with_columns(
        block=pl.col("line_idx").cast(pl.UInt32))
    joined = (
        marked.filter(pl.col("wrapped"))
        .with_columns(block=(~(pl.col("kept") & pl.col("soft")).shift(1).fill_null(False))
                      .cum_sum().over("doc_id"))
        .filter(pl.col("kept"))
        .group_by("doc_ord", "doc_id", "block", maintain_order=True)
        .agg(pl.col("line_start").first(),
             pl.concat_str("line", "brk").str.join("").str.strip_chars_end(LINE_BREAKS + "\r"))
    )
    return pl.concat([single.select(cols), joined.select(cols)]).sort("doc_ord", "line_start")


def _first_of(key: str) -> pl.Expr:
    """True on the first row of each run of equal `key` values (rows are sorted by it)."""
    return pl.col(key).ne_missing(pl.col(key).shift(1))


def _since_start(value: pl.Expr, first: pl.Expr) -> pl.Expr:
    """`value` minus its value at the start of the run (runs marked by `first`): a windowless `over`."""
    return value - pl.when(first).then(value).otherwise(None).forward_fill()


def sentences_from_blocks(bl: pl.DataFrame) -> pl.DataFrame:
    """Split every block of non-boilerplate text into sentences; offsets into the document text.

    Blocks come sorted by document and offset, so per-block and per-document counters are running
    sums reset where the key changes (`_since_start`), not hash windows: a million blocks stay cheap.
    """
    seg = (
        bl.lazy()
        .select("doc_id", "line_start", seg=pl.col("line").str.extract_all(segment_pattern()))
        .with_row_index("bid")
        .explode("seg")
        .filter(pl.col("seg").is_not_null())
        # A fragment of one or two words inside a line ("لعام 2024.", "in 2024.") is the tail of a
        # sentence broken by stray punctuation: it joins the sentence before it.
        .with_columns(starts=at_least_words(pl.col("seg"), _MIN_WORDS) | _first_of("bid"))
        .with_columns(group=pl.col("starts").cum_sum())
    )
    # Most sentences are one segment; only the few with a fragment to join go through a group-by.
    multi = pl.col("group").is_in(pl.col("group").filter(~pl.col("starts")).implode())
    seg = seg.with_columns(multi=multi)
    joined = (
        seg.filter(pl.col("multi"))
        .group_by("group", maintain_order=True)
        .agg(pl.col("bid", "doc_id", "line_start").first(), pl.col("seg").str.join(""))
    )
    seg = (
        pl.concat([seg.filter(~pl.col("multi")).select("group", "bid", "doc_id", "line_start", "seg"),
                   joined.select("group", "bid", "doc_id", "line_start", "seg")])
        .sort("group")
        .with_columns(n=pl.col("seg").str.len_chars())
        .with_columns(seg_start=pl.col("line_start") + _since_start(pl.col("n").cum_sum() - pl.col("n"),
                                                                    _first_of("bid")))
        .with_columns(
            text=pl.col("seg").str.strip_chars(),
            lead=pl.col("n") - pl.col("seg").str.strip_chars_start().str.len_chars(),
        )
        .with_columns(char_start=pl.col("seg_start") + pl.col("lead"))
        .with_columns(char_end=pl.col("char_start") + pl.col("text").str.len_chars())
        .select("doc_id", "char_start", "char_end", "text")
        .collect()
    )
    seg = (
        cut_long(seg)
        .lazy()
        .filter(at_least_words(pl.col("text"), 2))
        .with_columns(sentence_idx=_since_start(pl.int_range(pl.len(), dtype=pl.Int64), _first_of("doc_id")))
        .with_columns(
            text_norm=normalize_expr(pl.col("text")),
            lang=lang_expr(pl.col("text").str.count_matches(r"\p{Arabic}+"),
                           pl.col("text").str.count_matches(r"\p{Latin}+")),
        )
        .select("doc_id", "sentence_idx", "char_start", "char_end", "text", "text_norm", "lang", "cut")
    )
    return seg.collect()


_LAST_SPACE = re.compile(r".*\s", re.DOTALL)


def cut_long(seg: pl.DataFrame, limit: int = MAX_SENTENCE_CHARS) -> pl.DataFrame:
    """Sentences of at most `limit` characters: a longer one is cut into pieces, each marked `cut`.

    A piece ends at the last white space within its first `limit` characters (the white space itself
    left out, as between sentences), or at `limit` characters when it has none (a 1 MB "word"). The
    pieces keep exact offsets into the document. Nothing in news prose comes near the limit (the
    longest sentence of the real corpus is under 750 characters); a line of a million words without
    punctuation would otherwise be one sentence whose matches every later stage pairs with each
    other. Only the rare long rows go through this loop.
    """
    seg = seg.with_columns(cut=pl.lit(False))
    long = pl.col("text").str.len_chars() > limit
    if not seg.select(long.any()).item():
        return seg
    rows = []
    for doc_id, start, body in seg.filter(long).select("doc_id", "char_start", "text").iter_rows():
        i, n = 0, len(body)
        while i < n:
            if n - i <= limit:
                j, nxt = n, n
            else:
                m = _LAST_SPACE.match(body, i, i + limit + 1)
                if m and m.end() - 1 > i:
                    j = nxt = m.end() - 1
                else:
                    j = nxt = i + limit
            piece = body[i:j].rstrip()
            if piece:
                rows.append((doc_id, start + i, start + i + len(piece), piece))
            i = nxt
            while i < n and body[i].isspace():
                i += 1
    pieces = pl.DataFrame(rows, schema={"doc_id": pl.String, "char_start": pl.Int64, "char_end": pl.Int64,
                                        "text": pl.String}, orient="row").with_columns(cut=pl.lit(True))
    # Pieces take the place of the sentence they come from; rows stay in document then offset order.
    order = seg.select("doc_id").with_row_index("_o").unique("doc_id", keep="first", maintain_order=True)
    return (
        pl.concat([seg.filter(~long), pieces.cast(seg.schema)])
        .join(order, on="doc_id", how="left")
        .sort("_o", "char_start", maintain_order=True)
        .drop("_o")
    )


def describe(ln: pl.DataFrame, bl: pl.DataFrame) -> pl.DataFrame:
    """Title, source and language of each document, read from its lines.

    Title: the first heading-like line (at most 20 words, not ending in a full stop) before the body's
    first paragraph. Source: a wire dateline ("CAIRO (Reuters) -", "السوسنة - ") opening the first
    paragraph, or a "Source:"/"المصدر:" line. Nothing is guessed: no match gives null.
    """
    content = bl.rename({"block": "line_idx"})
    stripped = pl.col("line").str.strip_chars()
    first_par = (
        content.filter(at_least_words(pl.col("line"), _PARAGRAPH_MIN_WORDS))
        .group_by("doc_id").agg(pl.col("line_idx").min().alias("par_idx"), stripped.sort_by("line_idx")
                                .first().alias("par"))
    )
    title = (
        content.join(first_par, on="doc_id", how="left", maintain_order="left")
        .filter(
            at_least_words(pl.col("line"), 2) & ~at_least_words(pl.col("line"), _HEADING_MAX_WORDS + 1)
            & ~stripped.str.contains(r"[.:،,;؛]$")
            & (pl.col("par_idx").is_null() | (pl.col("line_idx") < pl.col("par_idx")))
        )
        .group_by("doc_id").agg(stripped.sort_by("line_idx").first().alias("title"))
    )
    source_line = (
        ln.with_columns(src=stripped.str.extract(_SOURCE_LINE, 1)).filter(pl.col("src").is_not_null())
        .group_by("doc_id").agg(pl.col("src").sort_by("line_idx").last().alias("source_line"))
    )
    dateline = first_par.select(
        "doc_id",
        source_dateline=pl.coalesce(
            pl.col("par").str.extract(_DATELINE_PARENS, 1), pl.col("par").str.extract(_DATELINE_DASH, 1)
        ).str.strip_chars(),
    )
    return (
        prose_words(ln.lazy().filter(~pl.col("boilerplate")), "line").group_by("doc_id")
        .agg(pl.col("ar", "la", "la_all").sum())
        .select("doc_id", lang=prose_lang_expr(pl.col("ar"), pl.col("la"), pl.col("la_all"))).collect()
        .join(title, on="doc_id", how="left")
        .join(dateline, on="doc_id", how="left")
        .join(source_line, on="doc_id", how="left")
        .select("doc_id", "lang", "title", source=pl.coalesce("source_dateline", "source_line"))
    )


def segment(docs: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Documents in, (documents with title/source/lang/n_chars/n_sentences, sentences) out.

    Metadata given with the corpus (meta_title, meta_source) wins over what the text suggests; the
    address metadata gives (meta_url) is kept as `url`.
    """
    ln = lines(docs)
    bl = blocks(ln).collect()
    sentences = sentences_from_blocks(bl)
    desc = describe(ln, bl)
    counts = sentences.group_by("doc_id").agg(n_sentences=pl.len(), n_cut=pl.col("cut").sum())
    sentences = sentences.drop("cut")
    for col in ("meta_title", "meta_source", "meta_url"):
        if col not in docs.columns:
            docs = docs.with_columns(pl.lit(None, pl.String).alias(col))
    docs = (
        docs.drop([c for c in ("lang", "title", "source", "n_chars", "n_sentences") if c in docs.columns])
        .join(desc, on="doc_id", how="left", maintain_order="left")
        .join(counts, on="doc_id", how="left", maintain_order="left")
        .with_columns(
            title=pl.coalesce(_clean_meta("meta_title"), "title"),
            source=pl.coalesce(_clean_meta("meta_source"), "source"),
            url=_clean_meta("meta_url"),
            n_chars=pl.col("text").str.len_chars().cast(pl.Int64),
            n_sentences=pl.col("n_sentences").fill_null(0).cast(pl.Int64),
        )
    )
    if "note" in docs.columns:
        cut_note = (pl.col("n_cut").cast(pl.String)
                    + pl.lit(f" sentences are pieces of longer text cut at {MAX_SENTENCE_CHARS} characters"))
        docs = docs.with_columns(
            note=pl.when(pl.col("n_cut") > 0).then(
                pl.when(pl.col("note").is_null()).then(cut_note).otherwise(pl.col("note") + "; " + cut_note))
            .otherwise(pl.col("note")))
    return docs.drop("n_cut"), sentences


def _clean_meta(col: str) -> pl.Expr:
    return pl.col(col).str.strip_chars().replace("", None)


def _run_id(keys: list[str]) -> pl.Expr:
    return pl.struct(keys).rle_id().cast(pl.Int64)


def name_key(expr: pl.Expr) -> pl.Expr:
    """A name folded for comparison: lower case, spaces, hyphens, underscores and dots dropped
    ("Mistral AI" = "mistral-ai", "Gemma-3" = "Gemma 3")."""
    return expr.str.to_lowercase().str.replace_all(r"[\s\-_.·]+", "")


def index_in_run(keys: list[str]) -> pl.Expr:
    """Row number within each run of equal `keys` (rows sorted by them): `int_range(len).over(keys)`
    without a window, whose grouping costs far more than the count on frames of many small groups."""
    run = _run_id(keys)
    idx = pl.int_range(pl.len(), dtype=pl.Int64)
    return idx - pl.when(run.ne_missing(run.shift(1))).then(idx).otherwise(None).forward_fill()


def passes_earlier(value: str, keys: list[str]) -> pl.Expr:
    """True where `value` (never null) is above every earlier value in its run of equal `keys` (rows
    sorted by them), or is the run's first: `value > value.cum_max().shift(1).over(keys)`, without a
    window. Each run's values are lifted above the runs before it, so one cumulative maximum over the
    whole column never carries one run's maximum into the next."""
    v = pl.col(value).cast(pl.Int64)
    v = v - v.min()
    g = v + _run_id(keys) * (v.max() + 1)
    prev = g.cum_max().shift(1)
    return prev.is_null() | (g > prev)


def find_literals(frame: pl.DataFrame, patterns: list[str], column: str = "text_norm") -> pl.DataFrame:
    """Every occurrence of the literal `patterns` in `column`, one row each, with `pattern` and the
    character offsets `start` and `end` (Polars finds byte offsets; Arabic letters take two bytes)."""
    return (
        frame.with_columns(
            pattern=pl.col(column).str.extract_many(patterns, overlapping=True),
            byte=pl.col(column).str.find_many(patterns, overlapping=True),
        )
        .explode("pattern", "byte")
        .drop_nulls("pattern")
        .with_columns(
            start=pl.col(column).cast(pl.Binary).bin.head(pl.col("byte").cast(pl.Int64)).cast(pl.String)
            .str.len_chars().cast(pl.Int64)
        )
        .with_columns(end=pl.col("start") + pl.col("pattern").str.len_chars().cast(pl.Int64))
    )
