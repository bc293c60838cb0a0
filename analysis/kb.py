"""The knowledge base: who the labs are, where they are based, which models they make, and what an
independent record says about them.

Everything here is read from `data/kb/` (or $OPENNESS_DATA/kb), so a user can correct or extend it
without touching code:
- `organisations.csv`: organisations and people, with country, region, Latin aliases and the Arabic
  spellings the transliteration key does not reach on its own (hand rows, then the organisations of
  Epoch AI's dataset);
- `families.csv`: model families with their owner ("Qwen" is Alibaba's), the names the entity stage
  recognises by shape ("Qwen3-235B-A22B" is a Qwen);
- `epoch_notable_models_2025-02-24.csv`: Epoch AI's Notable AI Models dataset (see data/kb/NOTICE.md),
  from which `models()` takes each model's family, owner, date and accessibility;
- `transliteration.csv`: the key that lets an Arabic spelling meet its Latin name.
"""

from __future__ import annotations

import re
from functools import cache

import polars as pl

from analysis.resources import read_vocab

EPOCH_FILE = "epoch_notable_models_2025-02-24.csv"
EPOCH_CITATION = (
    "Epoch AI, 'Parameter, Compute and Data Trends in Machine Learning'. "
    "Published online at epoch.ai. Retrieved from https://epoch.ai/data/notable-ai-models."
)

# Epoch AI's accessibility levels in the tables' openness vocabulary
_ACCESS = {
    "Open weights (unrestricted)": "open_weights",
    "Open weights (restricted use)": "restricted",
    "Open weights (non-commercial)": "restricted",
    "API access": "closed",
    "Hosted access (no API)": "closed",
    "Unreleased": "closed",
}


def _split(col: str) -> pl.Expr:
    return pl.col(col).fill_null("").str.split(";").list.eval(pl.element().str.strip_chars()
                                                              .filter(pl.element() != ""))


@cache
def organisations() -> pl.DataFrame:
    """One row per canonical organisation or person: name, kind, org, country, region, aliases, ..."""
    return read_vocab("kb", "organisations.csv")


@cache
def domains() -> pl.DataFrame:
    """Where organisations publish: host (lower case, no `www.`), an optional path prefix, organisation."""
    d = read_vocab("kb", "domains.csv").with_columns(pl.col("domain").str.strip_chars().str.to_lowercase())
    return d.select(
        host=pl.col("domain").str.extract(r"^([^/]+)").str.strip_prefix("www."),
        prefix=pl.col("domain").str.extract(r"^[^/]+(/.*)$").fill_null(""),
        organisation=pl.col("organisation").str.strip_chars(),
    )


@cache
def epoch_models() -> pl.DataFrame:
    """Epoch AI's notable models: model, organization, country, published, model_accessibility, ..."""
    return read_vocab("kb", EPOCH_FILE)


@cache
def families() -> pl.DataFrame:
    """Model families: family, owner, aliases (list), arabic (list), open_default, needs."""
    f = read_vocab("kb", "families.csv")
    if "needs" not in f.columns:
        f = f.with_columns(needs=pl.lit(None, pl.String))
    return f.with_columns(aliases=_split("aliases"), arabic=_split("arabic"))


@cache
def _org_names(orgs_only: bool = False) -> dict[str, str]:
    """Every Latin spelling of an organisation (and, unless `orgs_only`, of a person: to the organisation
    they act for), lower-cased, to its canonical name."""
    out: dict[str, str] = {}
    rows = organisations().filter(pl.col("kind") == "org") if orgs_only else organisations()
    for r in rows.iter_rows(named=True):
        for a in [r["name"], *(r.get("aliases") or "").split(";")]:
            if a.strip():
                out.setdefault(a.strip().lower(), r["org"] or r["name"])
    return out


def _squash(s: str) -> str:
    return re.sub(r"[\s\-_.·]+", "", s.lower())


@cache
def models() -> pl.DataFrame:
    """Known models: model, family, owner, openness (Epoch's accessibility), published, source.

    Epoch AI's rows get their family from the longest family name that begins the model's name and
    their owner from that family, else from Epoch's organisation under its canonical name.
    """
    fam = families()
    names = sorted(
        ((_squash(a), r["family"], r["owner"]) for r in fam.iter_rows(named=True)
         for a in [r["family"], *r["aliases"]] if a),
        key=lambda x: -len(x[0]),
    )
    orgs = _org_names()
    rows = []
    for r in epoch_models().iter_rows(named=True):
        name = (r["model"] or "").strip()
        if not name:
            continue
        sq = _squash(name)
        hit = next(((f, o) for k, f, o in names if sq.startswith(k)), (None, None))
        first_org = (r["organization"] or "").split(",")[0].strip()
        owner = (hit[1] or orgs.get(first_org.lower()) or orgs.get(first_org.split(" / ")[0].lower())
                 or first_org)
        rows.append({"model": name, "family": hit[0], "owner": owner or None,
                     "openness": _ACCESS.get(r["model_accessibility"] or "", "unknown"),
                     "published": r["published"] or None, "source": "epoch"})
    return pl.DataFrame(rows, schema={"model": pl.String, "family": pl.String, "owner": pl.String,
                                      "openness": pl.String, "published": pl.String, "source": pl.String})


@cache
def transliteration() -> dict[str, list[tuple[str, str]]]:
    """The key per script: (letters, class) pairs, longest letters first; a '$' suffix means word-final."""
    key = read_vocab("kb", "transliteration.csv").with_columns(pl.col("to").fill_null(""))
    out: dict[str, list[tuple[str, str]]] = {}
    for script, frm, to in key.select("script", "from", "to").iter_rows():
        out.setdefault(script, []).append((frm, to))
    for script in out:
        out[script].sort(key=lambda x: -len(x[0].rstrip("$")))
    return out


def skeleton(word: str) -> str:
    """The consonant skeleton of a normalised name, by the transliteration key; digits kept.

    "anthropic" and "انثروبيك" both give "NTRBK"; a doubled class folds to one ("llama" → "LM").
    """
    key = transliteration()
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if ch.isdigit():
            out.append(ch)
            i += 1
            continue
        script = "arabic" if "\u0600" <= ch <= "\u06ff" else "latin"
        for frm, to in key.get(script, []):
            final = frm.endswith("$")
            f = frm.rstrip("$")
            if word.startswith(f, i) and (not final or i + len(f) == n or not word[i + len(f)].isalpha()):
                if to and not (out and out[-1] == to):
                    out.append(to)
                i += len(f)
                break
        else:
            i += 1
    return "".join(out)


def vowel_gaps(word: str) -> tuple[str, tuple[bool, ...]]:
    """Consonant skeleton and, for each gap between its classes (and before the first, after the
    last), whether the word writes a vowel there: "milvus" → ("MLFS", (F, T, F, T, F))."""
    key = transliteration()
    cons: list[str] = []
    gaps = [False]
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        script = "arabic" if "\u0600" <= ch <= "\u06ff" else "latin"
        step, to = 1, None
        for frm, t in key.get(script, []):
            f = frm.rstrip("$")
            if word.startswith(f, i) and (not frm.endswith("$") or i + len(f) == n):
                step, to = len(f), t
                break
        if ch.isdigit():
            to = ch
        if to is None:
            pass
        elif to == "":
            gaps[-1] = True
        else:
            for t in to:
                if not (cons and cons[-1] == t and not gaps[-1]):
                    cons.append(t)
                    gaps.append(False)
        i += step
    return "".join(cons), tuple(gaps)


def with_country(table: pl.DataFrame, column: str = "actor") -> pl.DataFrame:
    """Add `country` and `region` of the organisation named in `column` (a person's: their org's).

    Unknown names get null, never a guess.
    """
    orgs = organisations().select(pl.col("name").alias(column), "country", "region")
    return table.drop("country", "region", strict=False).join(orgs, on=column, how="left",
                                                              nulls_equal=False, maintain_order="left")
