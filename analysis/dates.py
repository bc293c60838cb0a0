"""Dates: publication dates of documents and date expressions inside sentences (Arabic and English).

Both tasks run the same way: one regular expression, compiled from the editable vocabularies
`data/vocab/months.csv` and `data/vocab/date_words.csv`, is run by Polars over whole columns; the
parts of each distinct matched text are captured once, and turned into a date in Python once per
distinct (parts, the publication year, month or day the expression needs). No per-sentence date parser
is called: a general parser reads "Grok 2.5" as a date and costs a thousand times more. About 1 s per
million sentences.

Numeric dates are day first ("19-08-2025"), except a slashed date in English text whose day and month
could be swapped: only its year is kept. Bare numbers are years only after a year cue ("عام", "in",
"منذ") or standing alone before punctuation; model versions ("Grok 2.5", "gpt-4o-2024-08-06") never.

Dates are partial ISO strings ("2025", "2025-08", "2025-08-19") with a precision. A relative
expression ("فبراير الماضي", "last week", "خلال 6 أشهر") is resolved against the document's
publication date and stays null when that is unknown: a wrong date with a confident precision is worse
than none.

Resolution rules that are choices, not facts of the language:
- a day and month without a year ("11 يوليو", "in April") take the publication year, or the year
  before when that would put them more than six months after publication (an article of 3 January
  speaking of "December 28");
- "last <weekday>" / "<weekday> الماضي" is the most recent such day strictly before publication;
  "on <weekday>" / "يوم <weekday>" may be the publication day itself;
- a week ("last week") is given at month precision when its Monday to Sunday lie in one month, at
  year precision when in one year, else null;
- "last <month>" is the most recent such month strictly before the publication month; "next" the
  first strictly after; "<month> الجاري" the publication year's;
- seasons are northern-hemisphere (summer June-August); winter spans two years and stays null;
- kind: `scheduled` after a scheduled cue in the same clause ("كان من المقرر", "was scheduled for"),
  else `due` for deadlines (a duration counted forward, "بحلول"/"by", the end of the current year) or
  any date after publication, else `point`; a date in a wire dateline or after a publication label at
  the start of a sentence ("PARIS, March 12, 2025 (Reuters) -", "عمّان، ٥ نيسان ٢٠٢٥ -", "Posted on
  May 2, 2024") is `published`: the day of the report itself, which dates no event in it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from analysis import resources

SPAN_SCHEMA = {
    "doc_id": pl.String, "sentence_idx": pl.Int64, "start": pl.Int64, "end": pl.Int64, "expr": pl.String,
    "date": pl.String, "date_precision": pl.String, "date_basis": pl.String, "kind": pl.String,
}
# Added after the contract columns: which pattern matched (for inspection and tests).
EXTRA_SCHEMA = {"rule": pl.String}

_HEAD_LINES = 12
_HEAD_CHARS = 1000
_LINE_CHARS = 120
_WINDOW = 60  # characters before a date searched for cue words
_PRECISION_LEN = {"year": 4, "month": 7, "day": 10}

# --- normalisation (the same folds as text.normalize_expr, so vocabularies match text_norm) ---------

_DIACRITICS = "".join(chr(c) for lo, hi in [(0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670),
                                            (0x06D6, 0x06DC), (0x06DF, 0x06E8), (0x06EA, 0x06ED),
                                            (0x0640, 0x0640)] for c in range(lo, hi + 1))
_FOLDS = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ة": "ه", "ک": "ك",
          **{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}}
_TRANSLATE = str.maketrans({**{c: None for c in _DIACRITICS}, **_FOLDS})


def _norm(s: str) -> str:
    """Normalise one vocabulary entry or string: no diacritics/tatweel, folded letters, ASCII digits."""
    return s.translate(_TRANSLATE).lower().strip()


_UPPER = [c for c in map(chr, [*range(0x41, 0x5B), *range(0xC0, 0xDF)]) if c != "×"]


def _norm_expr(e: pl.Expr) -> pl.Expr:
    """`_norm` over a whole column (for raw article heads and metadata strings), in one
    Aho-Corasick pass: Unicode `to_lowercase` over Arabic text would cost twice as much again."""
    keys = [*_DIACRITICS, *_FOLDS, *_UPPER]
    vals = [""] * len(_DIACRITICS) + list(_FOLDS.values()) + [c.lower() for c in _UPPER]
    return e.str.replace_many(keys, vals)


# --- vocabulary ----------------------------------------------------------------------------------


def _phrase_regex(p: str) -> str:
    """A vocabulary phrase as a regex: meta characters escaped, spaces any white space, '-' optional."""
    out = []
    for ch in p:
        if ch == " ":
            out.append(r"\s+")
        elif ch == "-":
            out.append(r"[\s-]?")
        elif ch in r"\.+*?()|[]{}^$#&~":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _alt(phrases: Iterable[str]) -> str:
    """Alternation of phrases, longest first, so "الثاني عشر" is tried before "الثاني"."""
    uniq = sorted(set(phrases), key=lambda s: (-len(s), s))
    return "(?:" + "|".join(_phrase_regex(p) for p in uniq) + ")" if uniq else "(?!)"


def _key(s: str) -> str:
    return re.sub(r"[\s-]+", "", s.rstrip("."))


@dataclass(frozen=True)
class Vocab:
    """The date vocabularies, normalised: phrase -> value per type, and the months."""

    months: dict[str, int]
    bare_months: tuple[str, ...]
    english_months: tuple[str, ...]
    abbreviations: tuple[str, ...]
    words: dict[str, dict[str, str]]
    lookup: dict[str, dict[str, str]]
    kinds: dict[str, str]

    def get(self, kind: str, phrase: str | None, default: str = "") -> str:
        """The value of a matched phrase, whatever its spacing or hyphenation."""
        return self.lookup.get(kind, {}).get(_key(phrase or ""), default)

    def alt(self, kind: str) -> str:
        return _alt(self.words.get(kind, {}))

    def month_alt(self, names: Iterable[str]) -> str:
        parts = sorted(set(names), key=lambda s: (-len(s), s))
        return "(?:" + "|".join(_phrase_regex(p) + (r"\.?" if p in self.abbreviations else "")
                                for p in parts) + ")"


@functools.lru_cache(maxsize=4)
def _vocab(data_dir: str) -> Vocab:
    months_df = resources.read_vocab("vocab", "months.csv")
    words_df = resources.read_vocab("vocab", "date_words.csv")
    months: dict[str, int] = {}
    bare, english, abbr = [], [], []
    for r in months_df.iter_rows(named=True):
        name = _norm(r["name"] or "")
        if not name or not (r["month"] or "").strip().isdigit():
            continue
        months[name] = int(r["month"])
        if (r["bare"] or "").strip() == "yes":
            bare.append(name)
        cal = (r["calendar"] or "").strip()
        if cal.startswith("english"):
            english.append(name)
        if cal.endswith("abbr"):
            abbr.append(name)
    words: dict[str, dict[str, str]] = {}
    kinds: dict[str, str] = {}
    for r in words_df.iter_rows(named=True):
        phrase = _norm(r["phrase"] or "")
        if not phrase or not r["type"]:
            continue
        words.setdefault(r["type"].strip(), {})[phrase] = (r["value"] or "").strip()
        if r["type"].strip() == "rel" and (r["kind"] or "").strip():
            kinds[_key(phrase)] = r["kind"].strip()
    lookup = {t: {_key(p): x for p, x in table.items()} for t, table in words.items()}
    lookup["month"] = {_key(p): str(x) for p, x in months.items()}
    return Vocab(months, tuple(bare), tuple(english), tuple(abbr), words, lookup, kinds)


def vocab() -> Vocab:
    """The vocabularies of the current data folder (cached per folder)."""
    return _vocab(str(resources.data_dir()))


# --- patterns ------------------------------------------------------------------------------------

_Y = r"(?:19|20)\d{2}"
_D = r"[0-3]?\d"
_ORD_SUFFIX = r"(?:st|nd|rd|th)?"
_LEAD = r"[^\p{L}\p{N}]"
_CLITIC = r"(?P<cl>[وف]?[بل]?)"


@dataclass(frozen=True)
class Patterns:
    """The compiled-from-vocabulary regexes (as strings, for Polars)."""

    keywords: tuple[str, ...]
    chunk: str
    match: str
    anchored: str
    head_label: str
    head_line: str
    head_dateline: str
    head_short: str
    meta: str
    scheduled: str
    due: str
    future: str
    anchor_after: str
    count_after: str
    label_before: str
    ordinal_after: str


def _alternatives(v: Vocab) -> list[tuple[str, str]]:
    """(rule, regex) pairs, in priority order for matches starting at the same place."""
    month = v.month_alt(v.months)
    month_en = v.month_alt(v.english_months)
    month_bare = v.month_alt(v.bare_months)
    gloss = rf"(?:\s*[(\[/]\s*{month}\s*[)\]]?)?"
    yw, num = v.alt("year_word"), rf"(?:\d{{1,3}}|{v.alt('number')})"
    unit = v.alt("unit")
    after = v.alt("month_after")
    sep = r"(?:\s+|\s*[.،,]\s*|-)"

    def year_part(p: str) -> str:
        return rf"(?:\s*[,،]?\s*(?:(?:من|of)\s+)?(?:{yw}\s+)?(?P<{p}_y>{_Y}))"

    def suffix_part(p: str) -> str:
        return rf"(?:\s+(?P<{p}_s>{after}))"

    def tail(p: str) -> str:
        return f"(?:{year_part(p)}|{suffix_part(p)})?"

    end_cues = [k for k, x in v.words.get("year_cue", {}).items() if x == "end"]
    other_cues = [k for k, x in v.words.get("year_cue", {}).items() if x != "end"]
    ordinal = v.alt("ordinal")
    return [
        ("dur_next", rf"(?:(?P<dx_c>{v.alt('future_before')})\s+)?(?:ال)?(?P<dx_u>{unit})\s+(?:ال)?"
                     rf"(?P<dx_n>{num})\s+(?P<dx_s>{v.alt('future_after')})"),
        ("end_year", rf"(?P<ey_c>{_alt(end_cues)}){sep}(?:{yw}\s+)?(?P<ey_y>{_Y})"),
        ("year_cue", rf"(?:(?P<yc_c>{_alt(other_cues)}){sep}(?:(?P<yc_w>{yw})\s+)?|(?P<yc_v>{yw})\s+)"
                     rf"(?P<yc_y>{_Y})"),
        ("month_word", rf"(?:{v.alt('month_cue')}\s+)?شهر\s+(?P<sm_m>{month}){gloss}{tail('sm')}"),
        # after a preposition even "may", "march" and "مارس" are months: "in March", "في مارس" (every
        # month here, longest first, so "في ماي" never cuts "في مايو" short)
        ("cue_month", rf"(?P<cm_c>{v.alt('month_cue')})\s+(?P<cm_m>{month}){gloss}(?:{year_part('cm')}"
                      rf"|\s+(?P<cm_d>{_D}){_ORD_SUFFIX}(?:\s*,?\s*(?P<cm_dy>{_Y}))?|{suffix_part('cm')})?"),
        ("dur_future", rf"(?P<df_c>{v.alt('future_before')})\s+(?:{v.alt('approx')}\s+)?"
                       rf"(?:(?P<df_n>{num})\s+)?(?P<df_u>{unit})(?:\s+{v.alt('approx_after')})?"
                       rf"(?:\s+(?P<df_a>{v.alt('future_after')}))?"),
        ("dur_ago", rf"(?P<da_c>{v.alt('ago_before')})\s+(?:{v.alt('approx')}\s+)?(?:(?P<da_n>{num})\s+)?"
                    rf"(?P<da_u>{unit})(?:\s+{v.alt('approx_after')})?"),
        ("ago", rf"(?:(?P<dg_n>{num})\s+)?(?P<dg_u>{unit})\s+{v.alt('ago_after')}"),
        ("rel", rf"(?P<rel>{v.alt('rel')})"),
        ("ordinal", rf"(?:the\s+)?(?P<od_d>{ordinal}|\d{{1,2}}{_ORD_SUFFIX})\s+(?:من|of)\s+(?:شهر\s+)?"
                    rf"(?P<od_m>{month}){gloss}{tail('od')}"),
        ("iso", rf"(?P<iso_y>{_Y})[-/.](?P<iso_m>[01]?\d)[-/.](?P<iso_d>{_D})"),
        ("numeric", rf"(?P<nm_a>{_D})(?P<nm_s>[-/.])(?P<nm_b>{_D})[-/.](?P<nm_y>{_Y})"),
        ("day_month", rf"(?P<dm_d>{_D}){_ORD_SUFFIX}\s*(?:شهر\s+)?(?P<dm_m>{month}){gloss}{tail('dm')}"),
        ("month_year", rf"(?P<my_m>{month}){gloss}\s*[,،]?\s*(?:(?:من|of)\s+)?(?:{yw}\s+)?(?P<my_y>{_Y})"),
        ("month_day", rf"(?P<md_m>{month_en})\s+(?P<md_d>{_D}){_ORD_SUFFIX}(?:\s*,?\s*(?P<md_y>{_Y}))?"),
        ("month_rel", rf"(?P<ms_m>{month}){gloss}\s+(?P<ms_s>{after})"),
        ("rel_month", rf"(?P<mp_p>{v.alt('month_before')})\s+(?P<mp_m>{month})"),
        ("weekday", rf"(?:(?P<wa_p>{v.alt('weekday_before_ar')})\s+)?(?P<wa_w>{v.alt('weekday_ar')})\s+"
                    rf"(?P<wa_s>{v.alt('weekday_after')})"),
        ("weekday_on", rf"(?P<wb_p>{v.alt('weekday_before_ar')})\s+(?P<wb_w>{v.alt('weekday_ar')})"),
        ("weekday_en", rf"(?:(?P<we_p>{v.alt('weekday_before_en')})\s+)?(?P<we_w>{v.alt('weekday_en')})"),
        ("month", rf"(?P<bm_m>{month_bare}){gloss}"),
        ("year", rf"(?P<by_y>{_Y})"),
    ]


def _full_date(v: Vocab) -> str:
    """A complete date (with its year) as written in a date line or in metadata."""
    month = v.month_alt(v.months)
    month_en = v.month_alt(v.english_months)
    gloss = rf"(?:\s*[(\[/]\s*{month}\s*[)\]]?)?"
    return "(?:" + "|".join([
        rf"(?P<iso_y>{_Y})[-/.](?P<iso_m>[01]?\d)[-/.](?P<iso_d>{_D})",
        rf"(?P<nm_a>{_D})(?P<nm_s>[-/.])(?P<nm_b>{_D})[-/.](?P<nm_y>{_Y})",
        rf"(?P<dm_d>{_D}){_ORD_SUFFIX}\s*(?:من\s+)?(?:شهر\s+)?(?P<dm_m>{month}){gloss}\s*[,،]?\s*"
        rf"(?:{v.alt('year_word')}\s+)?(?P<dm_y>{_Y})",
        rf"(?P<od_d>{v.alt('ordinal')})\s+من\s+(?:شهر\s+)?(?P<od_m>{month}){gloss}\s*[,،]?\s*"
        rf"(?:من\s+)?(?:{v.alt('year_word')}\s+)?(?P<od_y>{_Y})",
        rf"(?P<md_m>{month_en})\s+(?P<md_d>{_D}){_ORD_SUFFIX}\s*,?\s*(?P<md_y>{_Y})",
        rf"(?P<my_m>{month}){gloss}\s*[,،]?\s*(?P<my_y>{_Y})",
    ]) + ")"


@functools.lru_cache(maxsize=4)
def _patterns(data_dir: str) -> Patterns:
    v = _vocab(data_dir)
    alts = "|".join(f"(?:{p})" for _, p in _alternatives(v))
    full = _full_date(v)
    weekday = _alt([*v.words.get("weekday_ar", {}), *v.words.get("weekday_en", {})])
    time = rf"\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\s*{v.alt('time_suffix')})?"
    keywords = {*v.months, *v.words.get("rel", {}), *v.words.get("weekday_ar", {}),
                *v.words.get("weekday_en", {}), *v.words.get("unit", {}), *v.words.get("ordinal", {})}
    # Keywords for the cheap filter: every match holds one of them or a 19xx/20xx number.
    kw = sorted({k.split(" ")[0] if " " in k else k for k in keywords})
    return Patterns(
        keywords=tuple(kw),
        chunk=rf"[\s\S]*?{_LEAD}(?:[وف]?[بل]?)(?:{alts})",
        match=rf"{_LEAD}(?:[وف]?[بل]?)(?:{alts})",
        anchored=rf"^{_LEAD}{_CLITIC}(?P<core>{alts})$",
        head_label=rf"(?m)(?:^|{_LEAD}){v.alt('published_label')}\s*[:：\-–]?\s*(?:{weekday}\s*[,،\-]?\s*)?{full}",
        head_line=rf"(?m)^[ \t]*(?:{weekday}\s*[,،\-]?\s*)?{full}(?:\s*[-|,،]?\s*(?:at\s+)?{time})?[ \t]*$",
        head_dateline=rf"(?m)^[^\n,،()]{{2,40}}[,،]\s*{full}\s*(?:\([^()\n]{{1,40}}\)\s*)?[-–—]",
        # a short header line of a date and a place, desk or section: "Hangzhou, 29 April 2025",
        # "بكين - 27 يونيو 2025", "8 نوفمبر 2025 | تقنية", "By the technology desk — 16 March 2023"
        head_short=rf"(?m)^[ \t]*(?:[^\n\d|]{{1,40}}?\s*[-–—|,،]\s*)?(?:{weekday}\s*[,،\-]?\s*)?{full}"
                   rf"(?:\s*[-–—|,،]\s*[^\n\d]{{1,30}})?[ \t]*$",
        meta=rf"^\s*(?:(?P<mi_y>{_Y})-(?P<mi_m>[01]\d)(?:-(?P<mi_d>[0-3]\d))?(?:[t\s].*)?|(?P<mo_y>{_Y})\s*"
             rf"|[\s\S]*?(?:^|{_LEAD}){full}[\s\S]*)$",
        scheduled=rf"{v.alt('scheduled_cue')}[^,،;؛]*$",
        due=rf"(?:^|{_LEAD}){v.alt('due_cue')}\s+$",
        future=rf"(?:^|{_LEAD}){v.alt('future_cue')}(?:{_LEAD}[^,،;؛]*)?$",
        anchor_after=rf"^\s+(?:{v.alt('future_after')}|{v.alt('anchor_after')}){_LEAD}",
        count_after=rf"^\s*{v.alt('count_noun')}",
        label_before=rf"^\s*{v.alt('published_label')}\s*[:：\-–]?\s*$",
        ordinal_after=rf"^\s+{v.alt('ordinal')}",
    )


def patterns() -> Patterns:
    return _patterns(str(resources.data_dir()))


# --- calendar arithmetic ---------------------------------------------------------------------------


def _iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    """Partial ISO date, or None when the parts are not a date."""
    if not 1000 <= y <= 2999:
        return None
    if m is None:
        return f"{y:04d}"
    if not 1 <= m <= 12:
        return None
    if d is None:
        return f"{y:04d}-{m:02d}"
    if not 1 <= d <= calendar.monthrange(y, m)[1]:
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _precision_expr(date: pl.Expr) -> pl.Expr:
    n = date.str.len_chars()
    return (pl.when(n == 10).then(pl.lit("day")).when(n == 7).then(pl.lit("month"))
            .when(n == 4).then(pl.lit("year")).otherwise(pl.lit("unknown")))


class _Pub:
    """A publication date that records how much of it a resolution read (`used`: 0, 4, 7 or 10
    characters of the ISO date), so an expression is resolved once per publication year, month or day
    as it needs, not once per publication date."""

    def __init__(self, y: int | None, m: int | None, d: int | None) -> None:
        self._y, self._m, self._d = y, m, d
        self.used = 0

    @classmethod
    def parse(cls, s: str | None) -> _Pub:
        parts: list[int | None] = [int(p) for p in (s or "").split("-") if p.isdigit()]
        parts += [None] * (3 - len(parts))
        try:
            dt.date(parts[0] or 2000, parts[1] or 1, parts[2] or 1)
        except (ValueError, OverflowError):
            return cls(None, None, None)
        return cls(*parts[:3])

    def _read(self, n: int, x: int | None) -> int | None:
        self.used = max(self.used, n)
        return x

    @property
    def y(self) -> int | None:
        return self._read(4, self._y)

    @property
    def m(self) -> int | None:
        return self._read(7, self._m)

    @property
    def d(self) -> int | None:
        return self._read(10, self._d)

    @property
    def day(self) -> dt.date | None:
        y, m, d = self.y, self.m, self.d
        return dt.date(y, m, d) if y and m and d else None


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _week(start: dt.date) -> str | None:
    """The Monday-Sunday week from `start` at the finest precision it fits in."""
    end = start + dt.timedelta(days=6)
    if (start.year, start.month) == (end.year, end.month):
        return _iso(start.year, start.month)
    return _iso(start.year) if start.year == end.year else None


def _month_of(m: int, how: str, pub: _Pub) -> int | None:
    """The year of month `m` named with last/next/this/year:N relative to publication."""
    if how.startswith("year:"):
        return pub.y + int(how[5:]) if pub.y else None
    if how == "this":
        return pub.y
    if pub.y is None or pub.m is None:
        return None
    if how == "last":
        return pub.y if m < pub.m else pub.y - 1
    if how == "next":
        return pub.y if m > pub.m else pub.y + 1
    return None


def _plain_year(m: int, d: int | None, pub: _Pub) -> int | None:
    """Year of a month (and day) written without one: the publication year, or the one before when
    that would put the date more than six months after publication."""
    if pub.y is None:
        return None
    if pub.m is None:
        return pub.y
    return pub.y - 1 if m - pub.m > 6 else pub.y


_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11)}


def _season(name: str, off: int, pub: _Pub) -> str | None:
    if name not in _SEASONS or pub.y is None or pub.m is None:
        return None
    first, last = _SEASONS[name]
    if off < 0:
        return _iso(pub.y if pub.m > last else pub.y - 1)
    if off > 0:
        return _iso(pub.y if pub.m < first else pub.y + 1)
    return _iso(pub.y)


def _rel(value: str, pub: _Pub) -> str | None:
    unit, _, off_s = value.partition(":")
    off = int(off_s or 0)
    if unit in _SEASONS or unit == "winter":
        return _season(unit, off, pub)
    if unit in ("year", "yearend"):
        return None if pub.y is None else _iso(pub.y + off, 12 if unit == "yearend" else None)
    if unit == "month":
        return None if pub.y is None or pub.m is None else _iso(*_add_months(pub.y, pub.m, off))
    day = pub.day
    if day is None:
        return None
    if unit == "day":
        t = day + dt.timedelta(days=off)
        return _iso(t.year, t.month, t.day)
    if unit == "week":
        return _week(day - dt.timedelta(days=day.weekday()) + dt.timedelta(weeks=off))
    return None


def _shift(unit: str, n: int, pub: _Pub) -> str | None:
    """Publication date moved by n units (negative: back), at the precision the unit supports."""
    if unit == "year":
        return None if pub.y is None else _iso(pub.y + n)
    if unit == "month":
        return None if pub.y is None or pub.m is None else _iso(*_add_months(pub.y, pub.m, n))
    day = pub.day
    if day is None:
        return None
    if unit == "day":
        t = day + dt.timedelta(days=n)
        return _iso(t.year, t.month, t.day)
    if unit == "week":
        t = day + dt.timedelta(weeks=n)
        return _iso(t.year, t.month)
    return None


def _weekday(wd: int, how: str, pub: _Pub) -> str | None:
    day = pub.day
    if day is None:
        return None
    back = (day.weekday() - wd) % 7
    if how == "last":
        back = back or 7
    elif how == "next":
        t = day + dt.timedelta(days=(wd - day.weekday()) % 7 or 7)
        return _iso(t.year, t.month, t.day)
    t = day - dt.timedelta(days=back)
    return _iso(t.year, t.month, t.day)


# --- resolving one matched expression ----------------------------------------------------------------


def _int(s: str | None) -> int | None:
    s = re.sub(r"\D", "", s or "")
    return int(s) if s else None


def _count(v: Vocab, n: str | None) -> int | None:
    if n is None:
        return None
    return _int(n) if n[:1].isdigit() else _int(v.get("number", n.removeprefix("ال")))


def _unit(v: Vocab, u: str, n: str | None) -> tuple[str, int | None]:
    """(unit, count) of a duration; count None when the text gives none ("months ago")."""
    val = v.get("unit", u.removeprefix("ال") if _key(u) not in v.lookup.get("unit", {}) else u)
    base = val.rstrip("+").split("*")[0]
    if n is not None:
        return base, _count(v, n)
    if "*" in val:
        return base, int(val.split("*")[1])
    return base, (None if val.endswith("+") else 1)


def _numeric(a: int, b: int, y: int, sep: str | None, lang: str | None) -> str | None:
    """Day first (the Arabic and European order, and the one "19-08-2025" is written in) unless
    impossible; in English text a slashed date whose day and month are both <= 12 may be the US
    month-first form, so only its year is kept."""
    if a > 12 >= b:
        return _iso(y, b, a)
    if b > 12 >= a:
        return _iso(y, a, b)
    if a != b and lang == "en" and sep == "/":
        return _iso(y)
    return _iso(y, b, a)


def _month(v: Vocab, name: str | None) -> int | None:
    return _int(v.get("month", name))


def _day_word(v: Vocab, s: str) -> int | None:
    return _int(s) if s[:1].isdigit() else _int(v.get("ordinal", s))


def _day_month(v: Vocab, d: int | None, m: int | None, y: str | None, suf: str | None,
               pub: _Pub) -> tuple[str | None, str, bool]:
    """(date, basis, ok) of a day and month with an optional year or relative suffix."""
    if m is None or (d is not None and not 1 <= d <= 31):
        return None, "explicit", False
    if y is not None:
        date = _iso(int(y), m, d)
        return date, "explicit", date is not None
    year = _month_of(m, v.get("month_after", suf), pub) if suf is not None else _plain_year(m, d, pub)
    return (_iso(year, m, d) if year else None), "relative", True


def _resolve(g: dict[str, str | None], v: Vocab, pub: _Pub, lang: str | None
             ) -> tuple[str | None, str, str, bool]:
    """(date, basis, default kind, keep) of one match, from its named groups."""
    rule = g["rule"]
    if rule in ("dur_future", "dur_next", "dur_ago", "ago"):
        p = {"dur_future": "df", "dur_next": "dx", "dur_ago": "da", "ago": "dg"}[rule]
        unit, n = _unit(v, g[f"{p}_u"] or "", g.get(f"{p}_n"))
        cue = (g.get(f"{p}_c") or "").strip()
        if n is None or (cue == "in" and (g.get(f"{p}_n") or "") in ("a", "an")):
            return None, "relative", "point", False
        back = rule in ("dur_ago", "ago")
        date = None if g.get("anchored") else _shift(unit, -n if back else n, pub)
        return date, "relative", "past" if back else "due", True
    if rule == "rel":
        value = v.get("rel", g["rel"])
        kind = v.kinds.get(_key(g["rel"] or ""), "past" if ":-" in value else "point")
        return _rel(value, pub), "relative", kind, True
    if rule in ("end_year", "year_cue", "year"):
        y = int(g.get("ey_y") or g.get("yc_y") or g.get("by_y") or 0)
        return _iso(y, 12 if rule == "end_year" else None), "explicit", "point", True
    if rule == "iso":
        date = _iso(int(g["iso_y"] or 0), _int(g["iso_m"]), _int(g["iso_d"]))
        return date, "explicit", "point", date is not None
    if rule == "numeric":
        date = _numeric(_int(g["nm_a"]) or 0, _int(g["nm_b"]) or 0, int(g["nm_y"] or 0), g.get("nm_s"), lang)
        return date, "explicit", "point", date is not None
    if rule in ("day_month", "ordinal", "month_day") or (rule == "cue_month" and g.get("cm_d")):
        p = {"day_month": "dm", "ordinal": "od", "month_day": "md", "cue_month": "cm"}[rule]
        date, basis, ok = _day_month(v, _day_word(v, g[f"{p}_d"] or ""), _month(v, g[f"{p}_m"]),
                                     g.get(f"{p}_y") or g.get(f"{p}_dy"), g.get(f"{p}_s"), pub)
        return date, basis, "point", ok
    if rule in ("month_year", "month_rel", "rel_month", "month_word", "month", "cue_month"):
        p = {"month_year": "my", "month_rel": "ms", "rel_month": "mp", "month_word": "sm",
             "month": "bm", "cue_month": "cm"}[rule]
        m = _month(v, g[f"{p}_m"])
        if m is None:
            return None, "explicit", "point", False
        if g.get(f"{p}_y"):
            return _iso(int(g[f"{p}_y"] or 0), m), "explicit", "point", True
        how = g.get(f"{p}_s") or g.get(f"{p}_p")
        if how is not None:
            how = v.get("month_before" if rule == "rel_month" else "month_after", how)
            year = _month_of(m, how, pub)
        else:
            year = _plain_year(m, None, pub)
        kind = "past" if how == "last" or (how or "").startswith("year:-") else "point"
        return (_iso(year, m) if year else None), "relative", kind, True
    if rule in ("weekday", "weekday_on", "weekday_en"):
        p = {"weekday": "wa", "weekday_on": "wb", "weekday_en": "we"}[rule]
        table = "weekday_en" if rule == "weekday_en" else "weekday_ar"
        wd = _int(v.get(table, g[f"{p}_w"]))
        how_word = g.get(f"{p}_s") or g.get(f"{p}_p") or ""
        lang_of = "en" if rule == "weekday_en" else "ar"
        src = "weekday_after" if g.get(f"{p}_s") else f"weekday_before_{lang_of}"
        how = v.get(src, how_word, "on")
        kind = "past" if how == "last" else "point"
        return (None if wd is None else _weekday(wd, how, pub)), "relative", kind, wd is not None
    return None, "explicit", "point", False


_GROUP_RULES = {
    "dx": "dur_next", "ey": "end_year", "yc": "year_cue", "sm": "month_word", "cm": "cue_month",
    "df": "dur_future",
    "da": "dur_ago", "dg": "ago", "rel": "rel", "od": "ordinal", "iso": "iso", "nm": "numeric",
    "dm": "day_month", "my": "month_year", "md": "month_day", "ms": "month_rel", "mp": "rel_month",
    "wa": "weekday", "wb": "weekday_on", "we": "weekday_en", "bm": "month", "by": "year",
}


def _rule_expr(cols: list[str]) -> pl.Expr:
    """Which alternative matched: the rule of the first group (in priority order) that is set."""
    e = pl.lit(None, pl.String)
    for prefix, rule in reversed(_GROUP_RULES.items()):
        group = [c for c in cols if c == prefix or c.startswith(prefix + "_")]
        if group:
            is_set = pl.any_horizontal(pl.col(c).is_not_null() for c in group)
            e = pl.when(is_set).then(pl.lit(rule)).otherwise(e)
    return e


def _groups(rule: str, sig: str, anchored: bool | None) -> dict[str, str | None]:
    g: dict[str, str | None] = dict(kv.split("=", 1) for kv in (sig or "").split("\x1f") if "=" in kv)
    g.update(rule=rule, anchored="1" if anchored else None)
    return g


def _later_expr(a: str, b: str) -> pl.Expr:
    """Is date a strictly after date b at the precision they share? (False when either is null.)"""
    k = pl.min_horizontal(pl.col(a).str.len_chars(), pl.col(b).str.len_chars())
    return (pl.col(a).str.slice(0, k) > pl.col(b).str.slice(0, k)).fill_null(False)


# --- extract_dates -----------------------------------------------------------------------------------


def _empty_spans() -> pl.DataFrame:
    return pl.DataFrame(schema={**SPAN_SCHEMA, **EXTRA_SCHEMA})


def _matches(sentences: pl.DataFrame, pat: Patterns) -> pl.DataFrame:
    """Every candidate date expression: sentence key, start, end, expr and the pattern's named groups.

    `extract_all` of "shortest text up to a match" tiles each sentence into chunks that each end with
    one expression, so cumulative chunk lengths give the end offsets without a Python loop.
    """
    key = ["doc_id", "sentence_idx"]
    s = sentences.lazy().select(
        pl.col("doc_id").cast(pl.String), pl.col("sentence_idx").cast(pl.Int64),
        pl.col("text_norm").cast(pl.String),
        (pl.col("lang") if "lang" in sentences.columns else pl.lit(None)).cast(pl.String).alias("lang"),
    ).filter(pl.col("text_norm").is_not_null())
    # No keyword pre-filter: one lazy-DFA pass over every sentence costs about what a filter would.
    chunks = (
        s.with_columns(chunk=(pl.lit(" ") + pl.col("text_norm")).str.extract_all(pat.chunk))
        .explode("chunk")
        .filter(pl.col("chunk").is_not_null())
        .with_columns(end=pl.col("chunk").str.len_chars().cast(pl.Int64).cum_sum().over(key) - 1)
        # The chunk's only match is the expression (with the boundary before it).
        .with_columns(match=pl.col("chunk").str.extract_all(pat.match).list.first())
        .drop("chunk")
        .collect()
    )
    # Parts are read once per distinct matched text: capturing costs a hundred times a plain match,
    # and the same few hundred expressions ("last year", "العام الماضي") recur across a corpus.
    parts = (
        chunks.select("match").unique()
        .with_columns(g=pl.col("match").str.extract_groups(pat.anchored)).unnest("g")
    )
    return (
        chunks.join(parts, on="match", how="left")
        .drop("match")
        .with_columns(start=pl.col("end") - pl.col("core").str.len_chars().cast(pl.Int64))
    )


def extract_dates(sentences: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """One row per date expression in a sentence, resolved against the document's publication date.

    Offsets are character offsets into `text_norm`; `expr == text_norm[start:end]`.
    """
    need = {"doc_id", "sentence_idx", "text_norm"}
    if sentences is None or sentences.height == 0 or not need <= set(sentences.columns):
        return _empty_spans()
    pat, v = patterns(), vocab()
    m = _matches(sentences, pat)
    if m.height == 0:
        return _empty_spans()
    groups = [c for c in m.columns if c not in ("doc_id", "sentence_idx", "text_norm", "lang", "end", "start",
                                                "core", "cl")]
    key = ["doc_id", "sentence_idx"]
    m = m.with_columns(rule=_rule_expr(groups))
    w0 = pl.max_horizontal(pl.col("start") - _WINDOW, pl.col("prev_end").fill_null(0), pl.lit(0))
    m = (
        m.sort([*key, "start"])
        .with_columns(prev_end=pl.col("end").shift(1).over(key))
        .with_columns(
            before=pl.col("text_norm").str.slice(w0, pl.col("start") - w0),
            near=pl.col("text_norm").str.slice(pl.max_horizontal(pl.col("start") - _WINDOW, pl.lit(0)),
                                               pl.col("start") - pl.max_horizontal(pl.col("start") - _WINDOW,
                                                                                   pl.lit(0))),
            after=pl.col("text_norm").str.slice(pl.col("end"), 30),
        )
    )
    weak = [k for k, x in v.words.get("year_cue", {}).items() if x == "weak"]
    keep = (
        # the expression ends on a word boundary ("2024م" allowed)
        (~pl.col("after").str.contains(r"^[\p{L}\p{N}]")
         | pl.col("after").str.contains(r"^م(?:[^\p{L}\p{N}]|$)"))
        # not part of an identifier ("gpt-4o-2024-08-06", "grok 2.5 may")
        & ~(pl.col("core").str.contains(r"^\d") & pl.col("near").str.contains(r"[\p{L}\p{N}][-_.,/:]$"))
        # a bare year stands as a year only before punctuation or the end
        & ((pl.col("rule") != "year") | pl.col("after").str.contains(r"^م?\s*(?:[.,،؛:;!?)\]»\"'”…]|$)"))
        # after a weak cue ("in", "في") a number followed by a count noun is a count
        & ~((pl.col("rule") == "year_cue") & pl.col("yc_c").is_in(weak) & pl.col("yc_w").is_null()
            & pl.col("after").str.contains(pat.count_after))
        # "اليوم السابع" (a newspaper), "اليوم الاول" (the first day) are not "today"
        & ~((pl.col("rule") == "rel") & pl.col("after").str.contains(pat.ordinal_after))
    )
    m = m.filter(keep).with_columns(
        sched=pl.col("before").str.contains(pat.scheduled),
        # "PARIS, March 12, 2025 (Reuters) -", "Posted on May 2, 2024": the date of the report itself
        report=(pl.col("start") < 45) & pl.col("near").str.contains(r"^[^,،()\n]{2,40}[,،]\s*$")
        & pl.col("after").str.contains(r"^\s*(?:\([^()]{1,40}\)\s*)?[-–—]")
        | (pl.col("start") < _WINDOW) & pl.col("near").str.contains(pat.label_before),
        due_cue=pl.col("near").str.contains(pat.due)
        | ((pl.col("cl").str.ends_with("ب")) & pl.col("rule").is_in(["end_year", "rel"])
           & pl.col("core").str.contains(r"^(?:ال)?نهايه")),
        future_cue=pl.col("before").str.contains(pat.future),
        anchored=pl.col("rule").is_in(["dur_future", "dur_next"])
        & pl.col("after").str.contains(pat.anchor_after)
        & ~pl.col("df_a").is_not_null(),
    )
    docs = documents.select(
        pl.col("doc_id").cast(pl.String),
        (pl.col("published") if "published" in documents.columns else pl.lit(None)).cast(pl.String)
        .alias("published"),
    ).unique("doc_id", keep="first")
    m = m.join(docs, on="doc_id", how="left")
    # Resolution runs in Python once per distinct (parts, publication date): the parts travel as one
    # string, and the publication date only where the date depends on it.
    m = m.with_columns(
        sig=pl.concat_str([pl.lit(f"{c}=") + pl.col(c) for c in groups], separator="\x1f", ignore_nulls=True),
        lang_key=pl.when(pl.col("rule") == "numeric").then("lang").otherwise(pl.lit(None, pl.String)),
    )
    parse_key = ["rule", "sig", "lang_key", "anchored"]
    needs = m.select(parse_key).unique(maintain_order=True)
    need = []
    for rule, sig, lang, anchored in needs.iter_rows():
        probe = _Pub(2000, 6, 15)
        _resolve(_groups(rule, sig, anchored), v, probe, lang)
        need.append(probe.used)
    m = m.join(needs.with_columns(pl.Series("need", need, pl.Int64)), on=parse_key, how="left",
               nulls_equal=True).with_columns(
        pub_key=pl.when(pl.col("need") > 0).then(pl.col("published").str.slice(0, pl.col("need"))))
    inputs = [*parse_key, "pub_key"]
    uniq = m.select(inputs).unique(maintain_order=True)
    out: dict[str, list] = {"date": [], "default_kind": [], "date_basis": [], "ok": []}
    for rule, sig, lang, anchored, pub_s in uniq.iter_rows():
        date, basis, kind, ok = _resolve(_groups(rule, sig, anchored), v, _Pub.parse(pub_s), lang)
        for k, x in zip(out, (date, kind, basis, ok), strict=True):
            out[k].append(x)
    res = uniq.with_columns(
        pl.Series("date", out["date"], pl.String), pl.Series("default_kind", out["default_kind"], pl.String),
        pl.Series("date_basis", out["date_basis"], pl.String), pl.Series("ok", out["ok"], pl.Boolean),
    )
    due_cues = list(v.words.get("due_cue", {}))
    kind = (
        pl.when("report").then(pl.lit("published"))
        .when("sched").then(pl.lit("scheduled"))
        .when((pl.col("default_kind") == "due") | pl.col("due_cue")
              | pl.col("yc_c").str.replace_all(r"\s+", " ").is_in(due_cues).fill_null(False))
        .then(pl.lit("due"))
        .when(pl.col("default_kind") == "past").then(pl.lit("point"))
        .when(_later_expr("date", "published")
              | (pl.col("future_cue") & ~_later_expr("published", "date").fill_null(False)))
        .then(pl.lit("due"))
        .otherwise(pl.lit("point"))
    )
    spans = (
        m.join(res, on=inputs, how="left", nulls_equal=True)
        .filter(pl.col("ok"))
        .with_columns(
            kind=kind,
            expr=pl.col("core"),
            date_precision=_precision_expr(pl.col("date")),
        )
        .sort([*key, "start"])
    )
    cols = {**SPAN_SCHEMA, **EXTRA_SCHEMA}
    return spans.select([pl.col(c).cast(t) for c, t in cols.items()])


# --- publication dates ------------------------------------------------------------------------------


def _full_resolve(g: dict[str, str | None], lang: str | None) -> str | None:
    """The date of a `_full_date` match (groups without a rule prefix)."""
    v = vocab()
    if g.get("iso_y"):
        return _iso(int(g["iso_y"] or 0), _int(g["iso_m"]), _int(g["iso_d"]))
    if g.get("nm_y"):
        return _numeric(_int(g["nm_a"]) or 0, _int(g["nm_b"]) or 0, int(g["nm_y"] or 0), g.get("nm_s"), lang)
    for p in ("dm", "od", "md"):
        if g.get(f"{p}_y"):
            return _iso(int(g[f"{p}_y"] or 0), _month(v, g[f"{p}_m"]) or 0, _day_word(v, g[f"{p}_d"] or ""))
    if g.get("my_y"):
        return _iso(int(g["my_y"] or 0), _month(v, g["my_m"]) or 0)
    if g.get("mi_y"):
        return _iso(int(g["mi_y"] or 0), _int(g["mi_m"]), _int(g.get("mi_d")))
    if g.get("mo_y"):
        return _iso(int(g["mo_y"] or 0))
    return None


def _dates_of(col: pl.Series | pl.Expr, frame: pl.DataFrame, pattern: str, lang: pl.Expr) -> pl.Series:
    """Resolve the first match of `pattern` in a string column, once per distinct match.

    The match is found first (no captures: fast), and its parts read from the short matched text.
    """
    first = col.str.extract_all(pattern).list.first()
    g = frame.select(g=first.str.extract_groups(pattern), lang=lang).unnest("g")
    names = [c for c in g.columns if c != "lang"]
    uniq = g.unique(maintain_order=True)
    dates = [None if all(r[c] is None for c in names) else _full_resolve(r, r["lang"])
             for r in uniq.iter_rows(named=True)]
    uniq = uniq.with_columns(pl.Series("d", dates, pl.String))
    return g.join(uniq, on=g.columns, how="left", nulls_equal=True, maintain_order="left")["d"]


_PATH_DATE = rf"(?:^|[^0-9a-z])({_Y})([-_/.]?)([01]\d)[-_/.]?([0-3]\d)(?:$|[^0-9a-z])"


def publication_dates(documents: pl.DataFrame) -> pl.DataFrame:
    """Add published, published_precision, published_basis to the documents frame.

    Explicit (a date line, a "Published:"/"نشر في"/"تاريخ النشر" label or a wire dateline in the first
    12 lines), else metadata (`meta_published`), else inferred (a full date in the path), else null.
    A date in the body of the article is never taken for the publication date.
    """
    drop = [c for c in ("published", "published_precision", "published_basis") if c in documents.columns]
    docs = documents.drop(drop)
    if docs.height == 0:
        return docs.with_columns(published=pl.lit(None, pl.String),
                                 published_precision=pl.lit(None, pl.String),
                                 published_basis=pl.lit(None, pl.String))
    pat = patterns()
    text = pl.col("text").cast(pl.String) if "text" in docs.columns else pl.lit(None, pl.String)
    # The first lines, each cut to its start: date lines and labels are short, and a dateline opens
    # its paragraph, so the rest of a long first paragraph need not be normalised or searched.
    head = _norm_expr(
        text.str.slice(0, _HEAD_CHARS).str.replace_all("\r", "").str.split("\n").list.head(_HEAD_LINES)
        .list.eval(pl.element().str.slice(0, _LINE_CHARS)).list.join("\n")
    )
    frame = docs.select(head=head, meta=_norm_expr(
        (pl.col("meta_published") if "meta_published" in docs.columns else pl.lit(None)).cast(pl.String)
    ), path=(pl.col("path") if "path" in docs.columns else pl.lit(None)).cast(pl.String).str.to_lowercase())
    arabic = pl.col("head").str.contains(r"\p{Arabic}").fill_null(False)
    lang = pl.when(arabic).then(pl.lit("ar")).otherwise(pl.lit("en"))
    meta_arabic = pl.col("meta").str.contains(r"\p{Arabic}").fill_null(False)
    meta_lang = pl.when(meta_arabic).then(pl.lit("ar")).otherwise(pl.lit(None, pl.String))
    path = frame.select(p=pl.col("path").str.extract_groups(_PATH_DATE)).unnest("p")
    found = pl.DataFrame({
        "label": _dates_of(pl.col("head"), frame, pat.head_label, lang),
        "line": _dates_of(pl.col("head"), frame, pat.head_line, lang),
        "dateline": _dates_of(pl.col("head"), frame, pat.head_dateline, lang),
        "short": _dates_of(pl.col("head"), frame, pat.head_short, lang),
        "_meta": _dates_of(pl.col("meta"), frame, pat.meta, meta_lang),
        # a valid calendar date or nothing ("20251319" is not one)
        "_inferred": path.select(pl.concat_str("1", "3", "4", separator="-")
                                 .str.to_date("%Y-%m-%d", strict=False).cast(pl.String)).to_series(),
    })
    explicit = pl.coalesce("label", "line", "dateline", "short")
    out = pl.concat([docs, found.select(_explicit=explicit, _meta="_meta", _inferred="_inferred")],
                    how="horizontal")
    published = pl.coalesce("_explicit", "_meta", "_inferred")
    return out.with_columns(
        published=published,
        published_precision=_precision_expr(published),
        published_basis=pl.when(pl.col("_explicit").is_not_null()).then(pl.lit("explicit"))
        .when(pl.col("_meta").is_not_null()).then(pl.lit("metadata"))
        .when(pl.col("_inferred").is_not_null()).then(pl.lit("inferred"))
        .otherwise(pl.lit("none")),
    ).drop("_explicit", "_meta", "_inferred")
