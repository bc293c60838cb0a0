"""Triggers by stem: one row of data/vocab/triggers.csv stands for every form of a word.

A row's stem with its optional letters ("طل(ا)ق") and its prefixes ("ا|ي|ت|ن") expands into the
forms that begin a word (اطلق, اطلاق, يطلق, تطلق, نطلق); the matcher of `events` allows Arabic
clitics before them and leaves their end free, so suffixes (اطلقت, اطلاقه) and English inflections
(released, releasing) need no rows of their own.
"""

from __future__ import annotations

import itertools
import re

import polars as pl

from analysis import resources


def expand_stem(stem: str, prefixes: str | None) -> list[str]:
    """Every form a stem row begins: the optional letters in or out, each prefix in front."""
    parts = re.split(r"(\([^)]*\))", stem.strip())
    choices = [[p[1:-1], ""] if p.startswith("(") else [p] for p in parts if p]
    bodies = ["".join(c) for c in itertools.product(*choices)]
    pre = (prefixes or "").split("|") if prefixes else [""]
    return list(dict.fromkeys(p.strip() + b for p in pre for b in bodies if b))


def trigger_rows() -> pl.DataFrame:
    """The stem table expanded: one row per form, with the role, event type and openness of its stem."""
    t = resources.read_vocab("vocab", "triggers.csv")
    if "needs" not in t.columns:
        t = t.with_columns(needs=pl.lit(None, pl.String))
    rows = [
        {"cue": form, "role": r["role"], "event_type": r["event_type"], "openness": r["openness"],
         "lang": r["lang"], "stem": r["stem"], "needs": (r["needs"] or "").strip() or None,
         "we": form in we}
        for r in t.iter_rows(named=True)
        for we in [_we_forms(r["stem"], r["prefixes"], r["lang"])]  # once per row, not per form
        for form in expand_stem(r["stem"], r["prefixes"])
    ]
    return pl.DataFrame(rows, schema={"cue": pl.String, "role": pl.String, "event_type": pl.String,
                                      "openness": pl.String, "lang": pl.String, "stem": pl.String,
                                      "needs": pl.String, "we": pl.Boolean})


def _we_forms(stem: str, prefixes: str | None, lang: str | None) -> set[str]:
    """The forms an Arabic imperfect's ن opens: the verb's first person plural ("ننشر", "سنتيح": we
    publish, we will make available), unless another prefix makes the same form."""
    pre = [p.strip() for p in (prefixes or "").split("|")]
    if (lang or "").strip() != "ar" or "ن" not in pre:
        return set()
    return set(expand_stem(stem, "ن")) - set(expand_stem(stem, "|".join(p for p in pre if p != "ن")))
