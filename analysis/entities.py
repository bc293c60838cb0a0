"""Entities: the organisations, people and models each sentence names, as their own table.

One row per mention: where it stands (`start`/`end` in the sentence's `text_norm`), what it is (`kind`
org / person / model), its canonical name, family, owner and country, whether the knowledge base knows
it (`known`), and how it was found (`how`):
- `kb`: a spelling from the knowledge base (data/kb: organisations, families, Epoch AI's models, and the
  hand aliases in data/vocab/actors.csv and models.csv);
- `shape`: a known family followed by a version, size or suffix keeps its full name and its family
  ("Qwen3-235B-A22B", "Llama-3.1-405B-Instruct", "GLM-4.5-Air", "R1-0528");
- `context`: a name standing where a model or a company stands ("its new model Nova-2", "نموذجها
  Zed-2", "Yi-34B", "released Z1, a 7B model", "the startup Acme") is kept with `known = false`;
- `coordinated`: a name joined to a model's by "and", "or", a comma or و ("Sonnet وOpus");
- `repo`: a model named by its repository on a model hub ("jinaai/jina-embeddings-v2-base-en"): the
  name after the slash, owned by the account before it;
- `translit`: an Arabic-script word whose consonant skeleton under the transliteration key
  (data/kb/transliteration.csv) is that of a known Latin name ("زيليز" → Zilliz), so no alias row is
  needed per spelling.

Work per sentence is bounded: the gazetteer is one Aho-Corasick pass over whole columns, shapes and
contexts are regular expressions over a slice of fixed length, and at most `MAX_PER_SENTENCE` entities
are kept per sentence.
"""

from __future__ import annotations

import functools
import re

import polars as pl

from analysis import kb, resources, text, triggers

TITLE_CASE = 0.6  # a sentence with more of its words capitalised is a headline in title case
MAX_PER_SENTENCE = 40  # entities kept per sentence (the first ones), so no sentence costs more than that
SHAPE_REACH = 48  # characters after a family name in which its version, size and suffixes are read
EMPLOYER_REACH = 60  # characters between an unknown person's name and the organisation they act for
MIN_SKELETON = 4  # an Arabic word meets a Latin name by skeleton only when it has this many sound classes

_KEY = ["doc_id", "sentence_idx"]
_LEFT_OK = r"(?:^|[^\p{L}\p{N}])(?:و|ف|ب|ل|ك|ال|وال|بال|فال|لل|كال|ول|وب|وس|س)?$"
_ALNUM = r"^[\p{L}\p{N}]"
_STOP_EN = {
    "The",
    "This",
    "That",
    "These",
    "It",
    "Its",
    "In",
    "On",
    "For",
    "And",
    "But",
    "With",
    "A",
    "An",
    "Is",
    "Are",
    "Was",
    "We",
    "You",
    "They",
    "He",
    "She",
    "I",
    "Our",
    "Their",
    "If",
    "When",
    "What",
    "How",
    "Why",
    "Which",
    "AI",
    "LLM",
    "API",
    "Model",
    "Models",
    "Open",
    "New",
}

SCHEMA = {
    "doc_id": pl.String,
    "sentence_idx": pl.Int64,
    "start": pl.Int64,
    "end": pl.Int64,
    "surface": pl.String,
    "kind": pl.String,
    "canonical": pl.String,
    "family": pl.String,
    "owner": pl.String,
    "country": pl.String,
    "known": pl.Boolean,
    "how": pl.String,
}


def _variants(alias: str) -> list[str]:
    """A Latin alias as news writes it: "Grok 3", "Grok3", "Grok-3"."""
    parts = re.split(r"[ \-]+", alias.strip())
    if len(parts) == 1 or not re.search(r"[A-Za-z]", alias):
        return [alias.strip()]
    return list(dict.fromkeys([alias.strip(), " ".join(parts), "".join(parts), "-".join(parts)]))


def _squash(s: str) -> str:
    return re.sub(r"[\s\-_.·]+", "", s.lower())


@functools.lru_cache(maxsize=4)
def _gazetteer(data_dir: str) -> pl.DataFrame:
    """Every spelling the knowledge base knows: pattern, kind, canonical, family, owner, needs."""
    del data_dir  # the cache key
    rows: list[dict] = []
    orgs = kb.organisations()
    country = dict(zip(orgs["name"], orgs["country"], strict=True))

    def add(
        alias: str,
        kind: str,
        canonical: str,
        family: str | None,
        owner: str | None,
        needs: str | None = None,
        rank: int = 0,
    ) -> None:
        for v in _variants(alias):
            rows.append(
                {
                    "alias": v,
                    "kind": kind,
                    "canonical": canonical,
                    "family": family,
                    "owner": owner,
                    "country": country.get(owner or ""),
                    "needs": needs,
                    "rank": rank,
                }
            )

    for r in orgs.iter_rows(named=True):
        kind = (r["kind"] or "org").strip()
        owner = r["org"] or r["name"]
        canonical = r["name"] if kind == "person" else owner
        for a in [r["name"], *(r.get("aliases") or "").split(";"), *(r.get("arabic") or "").split(";")]:
            if a.strip():
                add(a, kind, canonical, None, owner)
    for r in resources.read_vocab("vocab", "actors.csv").iter_rows(named=True):
        kind = (r["kind"] or "org").strip()
        owner = r["org"] or r["actor"]
        add(r["alias"], kind, r["actor"] if kind == "person" else owner, None, owner)
    fams = kb.families()
    fam_of: list[tuple[str, str]] = []
    for r in fams.iter_rows(named=True):
        for a in [r["family"], *r["aliases"], *r["arabic"]]:
            add(a, "model", r["family"], r["family"], r["owner"], r["needs"], rank=1)
            fam_of.append((_squash(a), r["family"]))
    fam_of.sort(key=lambda x: -len(x[0]))

    def family(name: str) -> str | None:
        sq = _squash(name)
        return next((f for k, f in fam_of if sq.startswith(k)), None)

    for r in resources.read_vocab("vocab", "models.csv").iter_rows(named=True):
        add(r["alias"], "model", r["model"], family(r["model"]) or r["model"], r["actor"], rank=0)
    for r in kb.models().iter_rows(named=True):
        name = r["model"]
        # Epoch AI's names that read like words ("Swift", "Firefly") would be found in any sentence:
        # only those with a digit or of a known family are spellings to look for
        if re.search(r"[()+/]", name) or not (re.search(r"\d", name) or r["family"]):
            continue
        add(name, "model", name, r["family"] or name, r["owner"], rank=2)
    g = (
        pl.DataFrame(
            rows,
            schema={
                "alias": pl.String,
                "kind": pl.String,
                "canonical": pl.String,
                "family": pl.String,
                "owner": pl.String,
                "country": pl.String,
                "needs": pl.String,
                "rank": pl.Int64,
            },
        )
        .with_columns(pattern=text.normalize_expr(pl.col("alias").str.strip_chars()))
        .filter(pl.col("pattern").str.len_chars() > 1)
        # one meaning per spelling: hand rows first, then families, then Epoch AI's rows; people and
        # organisations before models ("Mistral" the company, unless a version follows)
        .with_columns(krank=pl.col("kind").replace_strict({"person": 0, "org": 1, "model": 2}, default=3))
        .sort("pattern", "rank", "krank", "canonical")
        .unique(["pattern", "kind"], keep="first", maintain_order=True)
        .drop("alias", "krank")
    )
    # a family named like its maker ("DeepSeek", "MiniMax") is the maker, unless a version follows
    # or the hand list names it as a model
    org_patterns = g.filter(pl.col("kind").is_in(["org", "person"]))["pattern"].implode()
    return g.with_columns(
        needs=pl.when(
            (pl.col("kind") == "model") & (pl.col("rank") >= 1) & pl.col("pattern").is_in(org_patterns)
        )
        .then(pl.lit("shape"))
        .otherwise("needs")
    )


def gazetteer() -> pl.DataFrame:
    """The knowledge base's spellings for the current data folder, read once."""
    return _gazetteer(str(resources.data_dir()))


@functools.lru_cache(maxsize=4)
def _models_index(data_dir: str) -> dict[str, tuple[str, str | None, str | None]]:
    """Squashed spelling of every known model to (canonical, family, owner): "qwen3" → Qwen3."""
    del data_dir
    g = gazetteer().filter(pl.col("kind") == "model")
    return {
        _squash(p): (c, f, o)
        for p, c, f, o in g.select("pattern", "canonical", "family", "owner").iter_rows()
    }


def _hand_names() -> list[str]:
    orgs = kb.organisations()
    hand = orgs.filter(pl.col("source") != "epoch") if "source" in orgs.columns else orgs
    return [*hand["name"].to_list(), *hand["org"].to_list(), *kb.families()["family"].to_list()]


@functools.lru_cache(maxsize=4)
def _skeletons(data_dir: str) -> dict[str, tuple[tuple[bool, ...], str, str, str | None, str | None]]:
    """Skeleton of every one-word Latin name to (gaps, kind, canonical, family, owner); ambiguous dropped."""
    del data_dir
    # the names a reader would know in Arabic script: hand rows and families, not Epoch AI's long tail
    g = gazetteer().filter(
        pl.col("pattern").str.contains(r"^[a-z][a-z0-9]*$")
        & pl.col("needs").is_null()
        & (pl.col("rank") <= 1)
        & pl.col("canonical").is_in(_hand_names())
    )
    seen: dict[str, set[tuple]] = {}
    for p, kind, c, f, o in g.select("pattern", "kind", "canonical", "family", "owner").iter_rows():
        sk, gaps = kb.vowel_gaps(p)
        if len(re.sub(r"\d", "", sk)) >= MIN_SKELETON:
            seen.setdefault(sk, set()).add((gaps, kind, c, f, o))
    return {sk: next(iter(v)) for sk, v in seen.items() if len(v) == 1}


@functools.lru_cache(maxsize=4)
def _suffixes(data_dir: str) -> str:
    del data_dir
    words = resources.read_vocab("kb", "model_suffixes.csv")["word"].str.strip_chars().drop_nulls().to_list()
    return "|".join(sorted((re.escape(w.lower()) for w in words if w), key=len, reverse=True))


@functools.lru_cache(maxsize=4)
def _stopwords_ar(data_dir: str) -> frozenset[str]:
    del data_dir
    path = resources.data_file("narratives", "stopwords_ar.txt")
    words = [
        w.strip()
        for w in path.read_text(encoding="utf-8").splitlines()
        if w.strip() and not w.startswith("#")
    ]
    return frozenset(pl.Series(words, dtype=pl.String).to_frame("w").select(text.normalize_expr("w"))["w"])


def _shape_tail() -> str:
    """A version, size or suffix after a family name ("3.1-405b-instruct", " opus 4.5", "-air")."""
    suffix = _suffixes(str(resources.data_dir()))
    piece = (
        r"(?:v?\d+(?:\.\d+)*[a-z]{0,2}(?:-\d{3,4})?|[a-z]\d+(?:\.\d+)?[a-z]?|\d+x\d+b|a\d+b"
        + (rf"|(?:{suffix})" if suffix else "")
        + ")"
    )
    # "." joins a point release to a name that ends in its major version ("deepseek-v3" + ".1"); words
    # hyphenated on until a version or size are the name's too ("nomic-embed" + "-text-v1.5",
    # "bge" + "-large-en-v1.5")
    number = r"(?:v?\d+(?:\.\d+)*[a-z]{0,2}|[a-z]\d+(?:\.\d+)?[a-z]?)"
    return (rf"^(?:(?:\.\d+[a-z]{{0,2}}|(?:-[a-z]{{2,}})+-{number}|[ \-/]?{piece})"
            rf"(?:[^\p{{L}}\p{{N}}]|$))+")


# --- finding --------------------------------------------------------------------------------------


def _find(s: pl.DataFrame, g: pl.DataFrame) -> pl.DataFrame:
    """Gazetteer matches with word boundaries (Arabic clitics allowed before, a digit after a model)."""
    patterns = sorted(set(g["pattern"].to_list()))
    if not patterns or s.height == 0:
        return pl.DataFrame(
            schema={**{k: SCHEMA[k] for k in _KEY}, "pattern": pl.String, "start": pl.Int64, "end": pl.Int64}
        )
    s = s.filter(pl.col("text_norm").str.contains_any(patterns))
    m = (
        text.find_literals(s, patterns)
        .join(
            g.group_by("pattern").agg(
                kind=pl.when((pl.col("kind") == "model").any())
                .then(pl.lit("model"))
                .otherwise(pl.col("kind").first())
            ),
            on="pattern",
            how="left",
        )
    )
    before, after = _edges()
    # a model's name may run on into its version ("qwen3"): the shape step reads what follows
    ends_ok = ~after.str.contains(_ALNUM) | ((pl.col("kind") == "model") & after.str.contains(r"^\d"))
    m = m.filter(_starts_a_word(before) & ends_ok)
    m = m.sort([*_KEY, "start", "end"], descending=[False, False, False, True])
    return m.filter(text.passes_earlier("end", _KEY)).select(*_KEY, "pattern", "start", "end")


def _edges() -> tuple[pl.Expr, pl.Expr]:
    """The few characters of `text_norm` before a span (`start`) and the one after it (`end`)."""
    lo = pl.max_horizontal(pl.col("start") - 4, pl.lit(0))
    return (pl.col("text_norm").str.slice(lo, pl.col("start") - lo),
            pl.col("text_norm").str.slice(pl.col("end"), 1))


def _starts_a_word(before: pl.Expr) -> pl.Expr:
    """A span starts a word (Arabic clitics allowed before it), and is not the end of a compound:
    "Sentence-BERT" is not BERT, a name joined by a hyphen to the word before it belongs to that word."""
    return before.str.contains(_LEFT_OK) & ~before.str.contains(r"[\p{L}\p{N}][\-_]$")


def _chars(col: pl.Expr, byte: pl.Expr) -> pl.Expr:
    """Characters before a byte offset of a string (polars finds bytes; spans count characters)."""
    return col.cast(pl.Binary).bin.head(byte.cast(pl.Int64)).cast(pl.String).str.len_chars().cast(pl.Int64)


def _surface(start: str = "start", end: str = "end") -> pl.Expr:
    """The words as written: from `text` where normalising kept the sentence's length, else `text_norm`."""
    n = pl.col(end) - pl.col(start)
    same = pl.col("text").str.len_chars() == pl.col("text_norm").str.len_chars()
    norm = pl.col("text_norm").str.slice(pl.col(start), n)
    # where normalising changed the length (Arabic diacritics), a Latin name is found again in the
    # original by its lower-cased form, so it keeps the case it was written in
    at = _chars(pl.col("text"), pl.col("text").str.to_lowercase().str.find(norm, literal=True))
    again = pl.col("text").str.slice(at, n)
    return (pl.when(same).then(pl.col("text").str.slice(pl.col(start), n))
            .when(norm.str.contains(r"^[a-z0-9]") & (again.str.to_lowercase() == norm)).then(again)
            .otherwise(norm))


def _kb_and_shape(s: pl.DataFrame, g: pl.DataFrame) -> pl.DataFrame:
    m = _find(s, g).join(g, on="pattern", how="left").join(s, on=_KEY, how="left")
    tail = (
        pl.col("text_norm")
        .str.slice(pl.col("end"), SHAPE_REACH)
        .str.extract(_shape_tail(), 0)
        .fill_null("")
        .str.replace(r"[^\p{L}\p{N}]+$", "")
    )
    m = m.with_columns(tail=pl.when(pl.col("kind") == "model").then(tail).otherwise(pl.lit("")))
    # a product name after the family, written with a capital in running text ("Claude Cowork",
    # "Gemini CLI"); not in headings, where every word has one
    # (where normalising changed the sentence's length, an Arabic one with its diacritics, the name is
    # found again in the written text by its lower-cased form)
    same = pl.col("text").str.len_chars() == pl.col("text_norm").str.len_chars()
    width = pl.col("end") - pl.col("start") + pl.col("tail").str.len_chars()
    norm = pl.col("text_norm").str.slice(pl.col("start"), width)
    at = pl.when(same).then(pl.col("start")).otherwise(
        _chars(pl.col("text"), pl.col("text").str.to_lowercase().str.find(norm, literal=True)))
    # (or joined to it by a hyphen: "Falcon-Dune", "Qwen-Agent")
    ahead = pl.col("text").str.slice(at + width, 24)
    sep = ahead.str.extract(r"^([ \-])[A-Z]", 1)
    after = pl.when(sep == "-").then(
        ahead.str.extract(r"^-([A-Z][a-z]{2,})(?:[^\p{L}\p{N}\-]|$)", 1)
    ).otherwise(ahead.str.extract(r"^ ([A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})?|[A-Z]{2,5})(?:[^\p{L}\p{N}]|$)", 1))
    no = list(_not_names())
    # (of two words, the second only when it is no word that stands where a name could: "Claude Code")
    second = after.str.extract(r" (\S+)$", 1)
    after = pl.when(second.is_in(no)).then(after.str.extract(r"^(\S+)", 1)).otherwise(after)
    m = m.with_columns(surface0=_surface(), after=after, sep=sep)
    may = (
        (pl.col("kind") == "model")
        & pl.col("after").is_not_null()
        & ~pl.col("after").is_in(no)
        & pl.col("surface0").str.contains(r"^[A-Za-z]")
    )
    # words and capitals are counted once per sentence, and only in those where a product name may follow
    counts = (
        m.filter(may)
        .unique(_KEY, maintain_order=True)
        .select(
            *_KEY,
            words=pl.col("text").str.count_matches(r"\b\p{L}+"),
            caps=pl.col("text").str.count_matches(r"\b\p{Lu}\p{L}*"),
        )
    )
    m = m.join(counts, on=_KEY, how="left", maintain_order="left")
    title = (
        # (a word joined by a hyphen is the name's even in a heading: "Introducing Falcon-Dune")
        pl.when(may & ((pl.col("caps") <= TITLE_CASE * pl.col("words")) | (pl.col("sep") == "-")))
        .then(pl.col("sep") + pl.col("after"))
        .otherwise(pl.lit(""))
        .fill_null("")
    )
    m = m.with_columns(tail=pl.col("tail") + title).drop("surface0", "after", "sep", "words", "caps")
    # a family that only names a model with a version after it ("Nova", "Whisper") needs one
    m = m.filter(pl.col("needs").is_null() | (pl.col("tail") != ""))
    m = m.with_columns(end=pl.col("end") + pl.col("tail").str.len_chars().cast(pl.Int64))
    m = m.with_columns(surface=_surface())
    idx = _models_index(str(resources.data_dir()))
    shaped = m.filter(pl.col("tail") != "")
    if shaped.height:
        # each spelling looked up once, however often the batch writes it
        known = {x: idx.get(_squash(x), (None,))[0] for x in shaped["surface"].drop_nulls().unique()}
        full = shaped["surface"].replace_strict(known, default=None, return_dtype=pl.String)
        written = pl.concat_str(
            pl.col("family"),
            pl.col("text_norm").str.slice(
                pl.col("end") - pl.col("tail").str.len_chars(), pl.col("tail").str.len_chars()
            ),
        )
        # the name as written where the text keeps its case; a family written in Arabic gets its Latin name
        latin = pl.col("surface").str.contains(r"^[A-Za-z]")
        shaped = (
            shaped.with_columns(known_full=full)
            .with_columns(
                canonical=pl.coalesce(
                    "known_full",
                    pl.when(latin).then(pl.col("surface").str.replace_all(r"\s+", " ")).otherwise(written),
                ),
                how=pl.when(pl.col("known_full").is_not_null()).then(pl.lit("kb")).otherwise(pl.lit("shape")),
            )
            .drop("known_full")
        )
    else:
        shaped = shaped.with_columns(how=pl.lit("shape"))
    plain = m.filter(pl.col("tail") == "").with_columns(how=pl.lit("kb"))
    versioned = shaped.select(*_KEY, s0="start")
    plain = plain.join(versioned, left_on=[*_KEY, "start"], right_on=[*_KEY, "s0"], how="anti")
    return pl.concat([plain, shaped.select(plain.columns)]).with_columns(known=pl.lit(True))


# any capitalised name between a determiner or an owner and the word for a model: "Naver's Provence
# model", "the Provence reranker", "our Corvus model" (not a variant's word alone: "the Base model")
_BEFORE_MODEL_WORD = (r"\b(?:[Tt]he|an?|[Ii]ts|[Tt]heir|[Oo]ur|his|her|[A-Z][A-Za-z0-9]+['’]s)\s+"
                      r"([A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)\s+"
                      r"(?:model|models|LLM|checkpoints?|reranker|embedding model)\b")
# names in a model's place, each with the words a sentence must hold for it to be read (a cheap test
# first, so the full pattern reads few sentences)
_NAME_EN = r"[A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*"
# licences as they are named in brackets after what they cover
_LICENCE_IDS = (r"MIT\b|Apache|BSD|A?GPL|LGPL|MPL|CC[- ]BY|Creative Commons|open[- ]source|open[- ]weights?"
                r"|proprietary|closed[- ]source")
_CTX_EN: dict[str, str] = {
    # "its new model Nova-2", "the reasoning model Z1", "a model called Apex"
    # ("The model, Corvus Rerank, scores …": a second capitalised word belongs to the name)
    r"\b(?:model|models|LLM|LLMs)(?:\s*[,:])?\s+(?:called\s+|named\s+|dubbed\s+|known as\s+)?"
    r"([A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*(?: [A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)?"
    r"|[a-z]+-[A-Za-z0-9.\-]*\d[A-Za-z0-9.\-]*)": r"(?i)model|llm",
    # "released Z1, a 7B model", "Nova, an open-weight model"
    r"\b([A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)\s*,\s*an?\s+(?:[\w-]+\s+){0,3}?"
    r"(?:\d+(?:\.\d+)?[BM]\b|model\b|LLM\b|open[- ]source\b|open[- ]weights?\b|agent\b|assistant\b"
    r"|chatbot\b)": r", an? ",
    # a name with a parameter count: "Yi-34B", "Nova-7B" (no \b in its need: a Unicode word boundary costs
    # a slow regex pass over every sentence)
    r"\b([A-Z][A-Za-z]*(?:[-.][A-Za-z0-9]+)*-\d+(?:\.\d+)?[BM])\b": r"\d[BM]",
    # a name the sentence calls open or closed: "Nova is fully open source", "Zed is now open-weight",
    # "Rook is closed-source", "Manus is entirely closed" (a bare "closed" only after such a word:
    # "Registration is closed" is no name)
    r"\b([A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)\s+(?:is|are|was|were|remains|stays)\s+"
    r"(?:(?:(?:now|also|still|fully|completely|entirely|an?)\s+){0,3}"
    r"(?:open|closed)[- ]?(?:source|weights?)\b"
    r"|(?:(?:now|also|still)\s+)?(?:fully|completely|entirely)\s+closed\b)":
        r"(?i)(?:open|closed)[- ]?(?:source|weight)|(?:fully|completely|entirely) closed",
    # "the open-source agent Zed", "an open-weight model, Nova"
    r"\bopen[- ]?(?:source|weights?)\s+(?:[A-Za-z]+\s+){0,2}?"
    r"(?:model|agent|tool|library|plugin|framework|database|project|LLM)s?\s*,?\s*"
    r"(?:called\s+|named\s+|dubbed\s+)?([A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)":
        r"(?i)open[- ]?(?:source|weight)",
    # a name with a version of its own: "jina-embeddings-v2-base-en", "Nova-v1.5"
    r"(?:^|[^\w./-])([A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*-v\d+(?:\.\d+)*(?:-[A-Za-z0-9]+)*)\b(?:[^./-]|$)":
        r"-[vV]\d",
    # what weights belong to: "released the weights of Tern-2", "the checkpoints for Nova"
    r"\b(?:weights|checkpoints?)\s+(?:of|for)\s+(?:its\s+|their\s+|the\s+)?(?:new\s+)?(?:model\s+)?"
    r"([A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)": r"weights|checkpoint",
    # the subject of a release or access predicate: "Corvid-2 is released under CC BY-NC", "Pelican-M is
    # available on Hugging Face", "Rook is proprietary"
    r"\b([A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)\s+(?:is|are|was|were|has been|have been)\s+"
    r"(?:(?:now|also|only|fully|publicly|freely|still)\s+){0,2}"
    r"(?:released|available|licensed|distributed|published|open[- ]sourced|downloadable|hosted"
    r"|proprietary)\b":
        r"released|available|licensed|distributed|published|sourced|downloadable|hosted|proprietary",
    # a name with a hyphen or an inner capital before the word for a model: "the Heron-Base model",
    # "NovaSearch's reranker"
    r"\b([A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)+|[A-Z][a-z]+[A-Z][A-Za-z0-9]*)(?:'s)?\s+"
    r"(?:model|models|LLM|checkpoints?|weights|reranker|embeddings?)\b":
        r"(?i)model|llm|checkpoint|weights|reranker|embedding",
    _BEFORE_MODEL_WORD: r"(?i)model|llm|checkpoint|reranker|embedding",
    # what a licence belongs to: "XProvence's licence", "the license of Provence", "the licence for Tern"
    r"\b([A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)['’]s\s+(?:\w+\s+)?licen[cs]e": r"(?i)licen[cs]",
    r"\blicen[cs]es?\s+(?:of|for)\s+([A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)": r"(?i)licen[cs]",
    # a name with its licence in brackets: "Context7 (MIT)", "Serena (Apache-2.0)", "Lynx (proprietary)"
    rf"\b({_NAME_EN})\s*\(\s*(?:{_LICENCE_IDS})": rf"\(\s*(?:{_LICENCE_IDS})",
    # what a licence is used by: "Serena uses the MIT License", "Tern ships under an Apache licence"
    rf"\b({_NAME_EN})\s+(?:uses|adopts|carries|keeps|ships under|comes under|is under)\s+(?:the\s+|an?\s+)?"
    r"(?:[\w.-]+\s+){0,3}?(?i:licen[cs]e)": r"(?i)licen[cs]e",
    # a capitalised name with a version number of its own, in a sentence about releasing or opening
    # ("Corvus-3 would be open-sourced", "GLM-9", "Tern-4.5")
    r"(?:^|[^\w./-])([A-Z][a-z][A-Za-z]*-\d+(?:\.\d+)?)(?:[^\w./-]|$)":
        r"(?i)open-sourc|open sourc|open-weight|releas|launch|unveil|debut|weights|licen",
}
_CTX_AR: dict[str, str] = {
    # "نموذجها الجديد Zed-2": a Latin name after the word for model and up to two of its adjectives
    # ("يقيّم النموذج، Corvus Rerank، …": a comma may stand between, and a second Latin word belongs to it)
    r"(?:^|\s)(?:[وفبل]?ال)?[وفبل]?(?:نموذج|نماذج)\p{Arabic}*(?:\s+\p{Arabic}+){0,2}\s*[،,:]?\s+"
    r"([a-z][a-z0-9]*(?:[-.][a-z0-9]+)*(?: [a-z][a-z0-9]*(?:[-.][a-z0-9]+)*)?)": r"نموذج|نماذج",
    # a Latin name the sentence calls open: "Zed مفتوح المصدر", "Zed هو وكيل ... مفتوح المصدر"
    r"(?:^|\s)([a-z][a-z0-9]*(?:[-.][a-z0-9]+)*)\s+(?:\p{Arabic}+\s+){0,4}?(?:مفتوح|مفتوحه|مفتوحة)\s+(?:ال)?مصدر":
        r"مصدر",
    # a Latin name with a version of its own, as in English
    r"(?:^|[^\w./-])([a-z][a-z0-9]*(?:[-.][a-z0-9]+)*-v\d+(?:\.\d+)*(?:-[a-z0-9]+)*)\b(?:[^./-]|$)": r"-v\d",
    # what weights belong to: "نشرت أوزان Tern-2"
    r"(?:^|\s)[وفبل]?(?:ال)?اوزان\s+([a-z][a-z0-9]*(?:[-.][a-z0-9]+)*)": r"اوزان",
    # a hyphenated Latin name whose licence follows: "يتوفر Corvid-2 بموجب ترخيص CC BY-NC"
    r"(?:^|\s)([a-z][a-z0-9]*(?:[-.][a-z0-9]+)+)\s+(?:\p{Arabic}+\s+){0,2}?(?:ترخيص|رخصه|بترخيص|برخصه)":
        r"ترخيص|رخص",
    # a Latin name with a parameter count, as in English: "Nexa-16B", "DeepSeek-Nexa-16B"
    r"(?:^|[^\w./-])([a-z][a-z]*(?:[-.][a-z0-9]+)*-\d+(?:\.\d+)?[bm])\b": r"\d[bm]",
    # a Latin name whose licence its verb gives: "يستخدم Provence ترخيصا غير تجاري", "Provence مرخص بموجب"
    r"(?:^|\s)[وف]?(?:يستخدم|تستخدم|يعتمد|تعتمد|يخضع|تخضع|يصدر|يتوفر|تتوفر)\s+([a-z][a-z0-9]*(?:[-.][a-z0-9]+)*)"
    r"\s+(?:\p{Arabic}+\s+){0,1}?[بل]?(?:ترخيص|رخصه|مرخص)": r"ترخيص|رخص",
    # a Latin name with an apposition of what it is, as in English: "DeepScout، وهو وكيل بحث مفتوح المصدر"
    r"(?:^|\s)([a-z][a-z0-9]*(?:[-.][a-z0-9]+)*)\s*[،,]\s*و?(?:هو|هي)\s+(?:\p{Arabic}+\s+)?"
    r"[وبل]?(?:ال)?(?:نموذج|نماذج|وكيل|اداه|مكتبه|مساعد|اطار|روبوت)": r"[،,]\s*و?(?:هو|هي)\s",
    # a Latin name with its licence in brackets, as in English: "Context7 (MIT)"
    rf"(?:^|\s)و?([a-z][a-z0-9]*(?:[-.][a-z0-9]+)*(?: [a-z][a-z0-9]*(?:[-.][a-z0-9]+)*)?)\s*\("
    rf"\s*(?:{_LICENCE_IDS.lower()}|مفتوح|ترخيص|مغلق)":
        rf"\(\s*(?:{_LICENCE_IDS.lower()}|مفتوح|ترخيص|مغلق)",
    # a Latin name with a version number of its own, in a sentence about releasing or opening, as in English
    r"(?:^|[^\w./-])([a-z][a-z]+-\d+(?:\.\d+)?)(?:[^\w./-]|$)":
        r"مفتوح|اوزان|طلق|صدر|طرح|نشر|ترخيص|رخص|تاح|تيح|كشف|دشن",
}
# a name its makers write in lower case ("memsearch", "tidewatch") stands where no common word does: it
# opens a sentence as its subject, it is what something is called, or a release puts it out with an
# apposition after it
_LOW = r"[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*"
# what may stand before a sentence's first word: space, quotes, brackets and Markdown's marks
_OPENING = r"[\s\"'“«(#*>]*"
_LOW_OPENS = (rf"^{_OPENING}({_LOW})\s+(?:(?:also|now|still|then|only)\s+)?"
              r"(?:is|are|was|were|has|had|can|will|does|did|[a-z]{2,}[^s\s]s)\b")
_LOWER_EN: dict[str, str] = {
    # "memsearch supports three backends", "tidewatch is released under MIT"
    _LOW_OPENS: rf"^{_OPENING}[a-z]",
    # "a library called memsearch", "a tool named tidewatch"
    rf"\b(?:called|named|dubbed)\s+({_LOW})\b": r"called|named|dubbed",
}


_NO_BARE_SUFFIX = frozenset({_BEFORE_MODEL_WORD})  # patterns whose name may not be a variant's word alone
_ORG_EN = r"\b(?:company|startup|start-up|lab|firm|developer)\s+([A-Z][A-Za-z0-9]+)"
# whose a model is: "Acme's Heron-Base", "Acme’s new Tern-2"
_ORG_POSS = (r"\b([A-Z][A-Za-z0-9]+)['’]s\s+(?:(?:new|latest|open|open-source|open-weight)\s+)?"
             r"[A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)+")
_ORG_AR = r"(?:^|\s)[وفبل]?(?:ال)?شرك[هة]\s+([a-z][a-z0-9]+)"
# where an organisation is: "Seoul-based Lumio", "Abu Dhabi-based startup Tern"
_ORG_BASED = (r"\b[A-Z][A-Za-z]+-based\s+(?:(?:AI|tech|software)\s+)?"
              r"(?:(?:company|startup|start-up|lab|firm|developer)\s+)?([A-Z][A-Za-z0-9]+)"
              r"(?:\s+[a-z(]|\s*[,;:])")  # not a heading's next capital ("Rule-based Parsing Just")
# what only an organisation does to "its" models: "Lumio opens its", "Tern has released its"
_ORG_ITS = (r"\b([A-Z][A-Za-z0-9]+)\s+(?:(?:has|have|had|also|now|finally)\s+)?"
            r"(?:said|says|announced|announces|released|releases|launched|launches|unveiled|unveils|opened|opens"
            r"|open-sourced|open-sources|published|publishes|introduced|introduces|debuted|debuts|made|makes"
            r"|kept|keeps|delayed|delays|postponed|postpones)\s+its\b")
# a company is feminine in Arabic: a Latin name right after a feminine past verb of saying or releasing
# is its subject ("أعلنت Lumio", "أطلقت Tern نموذجها")
_ORG_AR_VERB = (r"(?:^|\s)[وف]?(?:اعلنت|اطلقت|اصدرت|كشفت|نشرت|قالت|طرحت|اتاحت|فتحت|اجلت|ارجات|ابقت|اكدت)"
                r"\s+([a-z][a-z]+)(?:\s|$|[،,.])")
_NEEDS = {
    _ORG_EN: r"company|startup|start-up|lab|firm|developer",
    _ORG_POSS: r"['’]s ",
    _ORG_AR: r"شرك",
    _ORG_BASED: r"-based",
    _ORG_ITS: r" its\b",
    _ORG_AR_VERB: r"(?:ت)\s+[a-z]",
}


def _spans(rows: pl.DataFrame, column: str, pat: str, as_: str = "name") -> pl.DataFrame:
    """Every match of `pat` in `column` with its first group as `as_` and that group's offsets
    (`start`, `end`, in characters): the whole match found, then the group in it."""
    return (
        rows.select(*_KEY, "text", "text_norm", whole=pl.col(column).str.extract_all(pat))
        .explode("whole")
        .drop_nulls("whole")
        .unique([*_KEY, "whole"], maintain_order=True)
        .with_columns(pl.col("whole").str.extract(pat, 1).alias(as_))
        .drop_nulls(as_)
        .with_columns(b0=pl.col(column).str.find(pl.col("whole"), literal=True),
                      b1=pl.col("whole").str.find(pl.col(as_), literal=True))
        .drop_nulls(["b0", "b1"])
        .with_columns(start=(_chars(pl.col(column), pl.col("b0"))
                             + _chars(pl.col("whole"), pl.col("b1"))).cast(pl.Int64))
        .with_columns(end=pl.col("start") + pl.col(as_).str.len_chars().cast(pl.Int64))
        .drop("b0", "b1")
    )


def _context(s: pl.DataFrame, patterns: list[str], column: str, kind: str,
             needs: dict[str, str] | None = None) -> pl.DataFrame:
    """Names in a model's or a company's place, with their offsets: full match found, then the name in it."""
    parts = []
    for pat in patterns:
        # a cheap test first: the words every match holds, so the full pattern reads few sentences
        need = (needs or _NEEDS).get(pat)
        rows = s.filter(pl.col(column).str.contains(need)) if need else s
        # a name is read within one cell of a table's row, never across the tab that ends it
        found = _spans(rows, column, pat).filter(~pl.col("whole").str.strip_chars().str.contains("\t"))
        if pat in _NO_BARE_SUFFIX:
            # "the Base model", "the Instruct model": a variant's word is no name by itself
            found = found.filter(~pl.col("name").str.to_lowercase().str.contains(
                rf"^(?:{_suffixes(str(resources.data_dir()))})$"))
        parts.append(found.select(*_KEY, "text", "text_norm", "start", "end", "name"))
    if not parts:
        return pl.DataFrame()
    # a second word that is never part of a name ("model Nova For …") is left out of it
    no = list(_not_names())
    two = pl.col("name").str.extract(r"^(\S+) (\S+)$", 2)
    c = pl.concat(parts).with_columns(
        name=pl.when(_title(two).is_in(no)).then(pl.col("name").str.extract(r"^(\S+) ", 1)).otherwise("name")
    ).with_columns(end=pl.col("start") + pl.col("name").str.len_chars().cast(pl.Int64)).filter(
        _a_name(pl.col("name")))
    if kind == "model" and column == "text":
        c = _whole_name(c)
    return _unknown(c, kind, "context")


_CAP = r"[A-Z][a-z][A-Za-z0-9]*"


def _lowercase(latin: pl.DataFrame, s: pl.DataFrame) -> pl.DataFrame:
    """Models whose makers write their names in lower case, read where only a name stands
    (`_LOWER_EN`) and, for what a release puts out, from the release verbs of triggers.csv ("we
    open-sourced reefline, our benchmark harness"). A word that opens a sentence as its subject counts
    only when its article names it in another sentence too: a list's fragment ("rough usage patterns")
    opens in lower case once."""
    en = _release_forms(str(resources.data_dir()), "en")
    pats = dict(_LOWER_EN)
    pats[rf"(?i:\b(?:{en})[a-z]*)\s+({_LOW})\s*,\s*(?:an?|our|its|their|the)\s"] = rf"(?i){en}"
    c = _context(latin, list(pats), "text", "model", pats)
    if c.height == 0:
        return c
    c = c.filter(pl.col("canonical").str.contains(r"^[a-z]") & (pl.col("canonical").str.len_chars() >= 3))
    opens = c.filter(pl.col("text").str.slice(0, pl.col("start")).str.contains(rf"^{_OPENING}$"))
    if opens.height:
        names = opens.select("doc_id", word=pl.col("canonical").str.to_lowercase()).unique()
        seen = (s.select("doc_id", "sentence_idx", "text_norm").join(names, on="doc_id")
                .filter(pl.col("text_norm").str.contains(pl.col("word"), literal=True))
                .group_by("doc_id", "word").agg(pl.col("sentence_idx").n_unique().alias("n"))
                .filter(pl.col("n") < 2))
        lone = opens.with_columns(word=pl.col("canonical").str.to_lowercase()).join(
            seen.select("doc_id", "word"), on=["doc_id", "word"]).select(*_KEY, "start")
        c = c.join(lone, on=[*_KEY, "start"], how="anti")
    return c


def _whole_name(c: pl.DataFrame) -> pl.DataFrame:
    """A name read from its context takes the capitalised words written with it ("Code Context is open
    source" is Code Context, "launched Managed Agents" Managed Agents), up to two either side, short of
    a word that is never a name or that the knowledge base knows ("OpenAI Codex" stays Codex); not in a
    headline written in title case, where every word has a capital."""
    no = list(_not_names())
    g = gazetteer()
    known = g.filter(~pl.col("pattern").str.contains(" "))["pattern"].unique().to_list()

    def ok(w: pl.Expr) -> pl.Expr:
        return w.is_not_null() & ~w.is_in(no) & ~w.str.to_lowercase().is_in(known)

    words = pl.col("text").str.count_matches(r"\b\w+").clip(1)
    caps = pl.col("text").str.count_matches(r"\b[A-Z]\w*")
    lead = pl.min_horizontal(pl.col("start"), 40)
    before = pl.col("text").str.slice(pl.col("start") - lead, lead)
    after = pl.col("text").str.slice(pl.col("end"), 40)
    r1 = after.str.extract(rf"^ ({_CAP})\b(?:[^'’.-]|$)", 1)
    r2 = after.str.extract(rf"^ {_CAP} ({_CAP})\b(?:[^'’.-]|$)", 1)
    l1 = before.str.extract(rf"(?:^|[^\w'’.-])({_CAP}) $", 1)
    l2 = before.str.extract(rf"(?:^|[^\w'’.-])({_CAP}) {_CAP} $", 1)
    c = c.with_columns(_r1=r1, _r2=r2, _l1=l1, _l2=l2, _head=caps / words > TITLE_CASE)
    take_r1 = ok(pl.col("_r1")) & ~pl.col("_head")
    take_r2 = take_r1 & ok(pl.col("_r2"))
    # a capital that opens the sentence may be a verb's ("Try Kestrel-v1.5 today"): there the words join
    # the name only as the subject of what follows ("Code Context is open source")
    opens = before.str.contains(rf"^[\s#*>\-\"'“]*{_CAP} $")
    subject = after.str.contains(r"^\s+(?:is|are|was|were|has|have|had|remains|stays)\b")
    take_l1 = ok(pl.col("_l1")) & ~pl.col("_head") & (~opens | subject)
    take_l2 = take_l1 & ok(pl.col("_l2"))
    right = (pl.when(take_r2).then(pl.concat_str([pl.lit(" "), "_r1", pl.lit(" "), "_r2"]))
             .when(take_r1).then(pl.concat_str([pl.lit(" "), "_r1"])).otherwise(pl.lit("")))
    left = (pl.when(take_l2).then(pl.concat_str(["_l2", pl.lit(" "), "_l1", pl.lit(" ")]))
            .when(take_l1).then(pl.concat_str(["_l1", pl.lit(" ")])).otherwise(pl.lit("")))
    return (c.with_columns(_left=left, _right=right)
            .with_columns(name=pl.concat_str(["_left", "name", "_right"]),
                          start=pl.col("start") - pl.col("_left").str.len_chars().cast(pl.Int64))
            .with_columns(end=pl.col("start") + pl.col("name").str.len_chars().cast(pl.Int64))
            .drop("_r1", "_r2", "_l1", "_l2", "_head", "_left", "_right"))


def _unknown(found: pl.DataFrame, kind: str, how: str) -> pl.DataFrame:
    """A name read where it stands (`found`: spans with text and text_norm) as an entity the knowledge
    base does not know: its surface is its canonical name, with no family, owner or country."""
    return found.with_columns(surface=_surface()).with_columns(
        kind=pl.lit(kind), how=pl.lit(how), known=pl.lit(False), canonical=pl.col("surface"),
        family=pl.lit(None, pl.String), owner=pl.lit(None, pl.String), country=pl.lit(None, pl.String))


# words a capital or a release verb puts where a name could stand, that are never one (with the English
# month and weekday names of data/vocab: `_not_names`)
_NOT_NAMES = {
    "Today", "Yesterday", "MIT", "Apache", "BSD", "GPL", "AGPL", "LGPL", "CC", "Creative", "Figure",
    "Table", "Section", "Part", "Step", "Version", "Here", "There", "Now", "All", "Both", "Some", "Every",
    "Inc", "Ltd", "LLC", "Co", "License", "Licence", "Terms", "Community",
    "Policy", "Team", "Foundation", "Arabic", "English", "Chinese", "French", "German", "Spanish", "Japanese",
    "Korean", "Hindi", "Russian", "Multilingual", "Bilingual",
}


@functools.lru_cache(maxsize=4)
def _calendar_words(data_dir: str) -> frozenset[str]:
    """The English month and weekday names the date stage reads (months.csv, date_words.csv), capitalised."""
    del data_dir  # the cache key
    months = resources.read_vocab("vocab", "months.csv").filter(pl.col("calendar") == "english")["name"]
    days = resources.read_vocab("vocab", "date_words.csv").filter(pl.col("type") == "weekday_en")["phrase"]
    return frozenset(w.strip().capitalize() for w in [*months.to_list(), *days.to_list()] if w)


def _not_names() -> set[str]:
    return _STOP_EN | _NOT_NAMES | _calendar_words(str(resources.data_dir()))


# words that, joined to what follows, still name no model: a licence ("MIT-licensed", "Apache-2.0"), a
# language ("Arabic-English") or a date; "Step-3", "Part-2" may be models' names
_NOT_NAME_HEADS = {"MIT", "Apache", "BSD", "GPL", "AGPL", "LGPL", "CC", "Creative", "License", "Licence",
                   "Arabic", "English", "Chinese", "French", "German", "Spanish", "Japanese", "Korean",
                   "Hindi", "Russian", "Multilingual", "Bilingual"}


def _a_name(name: pl.Expr) -> pl.Expr:
    """Not a word that only stands where a name could ("The", "Tuesday"), nor a licence or a date made
    of one ("MIT-licensed", "Apache-2.0"); a Latin word of an Arabic sentence is read lower-cased
    ("mit")."""
    no = list(_not_names())
    heads = list(_NOT_NAME_HEADS | _calendar_words(str(resources.data_dir())))
    low, low_heads = [w.lower() for w in no], [w.lower() for w in heads]
    lowered = name.str.contains(r"^[a-z0-9][a-z0-9.\-]*$")
    head = name.str.extract(r"^([^-.]+)[-.]", 1)
    return (~name.is_in(no) & ~head.is_in(heads).fill_null(False)
            & ~(lowered & (name.is_in(low) | head.is_in(low_heads).fill_null(False))))



_NAME_AR = r"[a-z][a-z0-9]*(?:[-.][a-z0-9]+)*"


@functools.lru_cache(maxsize=4)
def _release_objects(data_dir: str) -> tuple[dict[str, str], dict[str, str]]:
    """What a release verb puts out: the name right after it ("open-sourcing Lumen", "introducing Zed:",
    "نطلق اليوم Zed"), as patterns built from the release and open-release stems of triggers.csv, each
    with its cheap test (English, Arabic)."""
    en, ar = _release_forms(data_dir, "en"), _release_forms(data_dir, "ar")
    pat_en = (rf"(?i:\b(?:{en})[a-z]*)\s+(?:(?i:its|our|their|the|an?)\s+)?"
              rf"(?:(?i:new|latest|first|own)\s+)?({_NAME_EN})")
    # up to two Arabic words between the verb and a Latin name: "نطلق اليوم Zed", "أتاحت الشركة Zed"
    pat_ar = (rf"(?:^|\s)[وفبل]?(?:ال)?(?:{ar})\p{{Arabic}}*(?:\s+\p{{Arabic}}+){{0,2}}?\s+({_NAME_AR})")
    return ({pat_en: rf"(?i){en}"}, {pat_ar: ar})


@functools.lru_cache(maxsize=8)
def _release_forms(data_dir: str, lang: str) -> str:
    """The release and open-release forms of triggers.csv in `lang`, as one alternation, longest first;
    in English with the open-release verbs of cues.csv ("open-sourced", "open-sources")."""
    del data_dir  # the cache key
    t = triggers.trigger_rows().filter(
        (pl.col("lang") == lang)
        & ((pl.col("role") == "release")
           | ((pl.col("role") == "event") & (pl.col("event_type") == "open_release"))))
    cues = t["cue"].str.to_lowercase().unique().to_list()
    if lang == "en":
        verbs = resources.read_vocab("vocab", "cues.csv").filter(
            (pl.col("lang") == lang) & (pl.col("role") == "event") & (pl.col("event_type") == "open_release")
            & pl.col("cue").str.contains(r"^open[- ]sourc"))
        cues += verbs["cue"].str.to_lowercase().to_list()
    return "|".join(sorted({re.escape(c) for c in cues if c}, key=lambda c: (-len(c), c)))


@functools.lru_cache(maxsize=4)
def _release_subjects(data_dir: str) -> dict[str, str]:
    """A release verb that carries its object as a pronoun ("نشرته", "أطلقتها", "أتاحتهم") is followed by
    who releases, not by what is released: "نشرته Acme اليوم" is Acme publishing it. The Arabic pattern,
    from the same stems as `_release_objects`, with its cheap test."""
    ar = _release_forms(data_dir, "ar")
    return {rf"(?:^|\s)[وفبل]?(?:{ar})\p{{Arabic}}*(?:ته|ها|هم|هما)\s+({_NAME_AR})": ar}


_REPO = (r"(?:^|[^\w./@:-]|(?:huggingface\.co|hf\.co|github\.com)/)"
         r"([A-Za-z][\w.-]*[A-Za-z0-9]/[A-Za-z0-9][\w.-]*[A-Za-z0-9])(?:$|[^\w/-])")
_REPO_CUE = (r"(?i)hugging|\bhf\b|model|checkpoint|weight|embedding|github|\brepo"
             r"|نموذج|نماذج|اوزان|أوزان|هاغينغ|هجينج|هاجينج")
_FILE_EXT = (r"(?i)\.(?:md|py|txt|json|jsonl|ya?ml|html?|js|ts|csv|ipynb|sh|toml|cfg|ini"
             r"|png|jpe?g|pdf|zip|gz)$")
_ORG_TAIL = r"(?:ai|labs?|research|inc|org|team|tech|hq|official)$"


@functools.lru_cache(maxsize=4)
def _repo_orgs(data_dir: str) -> dict[str, str]:
    """An organisation's names squashed ("jinaai", "mistralai"), to the canonical name: how a
    repository's owner part is read."""
    del data_dir
    out: dict[str, str] = {}
    for name, org in kb._org_names(orgs_only=True).items():
        key = _squash(name)
        out.setdefault(key, org)
        out.setdefault(re.sub(_ORG_TAIL, "", key) or key, org)
    return out


COORDINATED = 3  # names read after a model's in a list ("Lark-S, Lark-M and Lark-L"), at most
_AND_EN = rf"^(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+)({_NAME_EN})"
_AND_AR = rf"^(?:\s*[,،]?\s*و\s*|\s*[,،]\s*)({_NAME_AR})"


def _not_hosts(e: pl.DataFrame, s: pl.DataFrame) -> pl.DataFrame:
    """An organisation spelt as a web address's host ("github.com/zilliztech/memsearch") is where the
    thing is kept, not who acts: it is no entity there."""
    if e.height == 0:
        return e
    after = pl.col("text_norm").str.slice(pl.col("end"), 6)
    before = pl.col("text_norm").str.slice(pl.max_horizontal(pl.col("start") - 1, pl.lit(0)),
                                           pl.col("start").clip(0, 1))
    host = (e.filter(pl.col("kind") == "org").select(*_KEY, "start", "end").join(s, on=_KEY)
            .filter(after.str.contains(r"^\.(?:com|co|ai|io|org|net)\b") | before.str.contains(r"^[./@]$"))
            .select(*_KEY, "start", "end").with_columns(kind=pl.lit("org")))
    return e.join(host, on=[*_KEY, "start", "end", "kind"], how="anti") if host.height else e


def _coordinated(e: pl.DataFrame, s: pl.DataFrame) -> pl.DataFrame:
    """Names joined to a model's by "and", "or", a comma or و are models too ("Sonnet وOpus", "two
    models, Lark-Small and Lark-Base", `how = coordinated`, `known = false`) unless the knowledge base
    knows them there. What is listed with a model may be a tool or a database ("Jina Embeddings v2 and
    Milvus"), so such a name is read only where it stands, never again elsewhere in its article."""
    if e.height == 0:
        return e
    cols = list(SCHEMA)
    out, last = [e], e.filter(pl.col("kind") == "model")
    for _ in range(COORDINATED):
        at = last.select(*_KEY, "end").join(s, on=_KEY)
        same = pl.col("text").str.len_chars() == pl.col("text_norm").str.len_chars()
        latin = pl.col("text_norm").str.contains(r"\p{Arabic}").not_() & same
        after_en = pl.col("text").str.slice(pl.col("end"), 60).str.extract(_AND_EN, 0)
        name_en = after_en.str.extract(_AND_EN, 1)
        after_ar = pl.col("text_norm").str.slice(pl.col("end"), 60).str.extract(_AND_AR, 0)
        name_ar = after_ar.str.extract(_AND_AR, 1)
        nxt = (
            at.with_columns(whole=pl.when(latin).then(after_en).otherwise(after_ar),
                            name=pl.when(latin).then(name_en).otherwise(name_ar))
            .drop_nulls("name")
            .filter(_a_name(pl.col("name")))
            .with_columns(start=(pl.col("end") + pl.col("whole").str.len_chars()
                                 - pl.col("name").str.len_chars()).cast(pl.Int64))
            .with_columns(end=pl.col("start") + pl.col("name").str.len_chars().cast(pl.Int64))
        )
        if nxt.height == 0:
            break
        last = nxt.with_columns(surface=_surface(), kind=pl.lit("model"), how=pl.lit("coordinated"),
                                known=pl.lit(False)).with_columns(
            canonical=pl.col("surface"), family=pl.lit(None, pl.String), owner=pl.lit(None, pl.String),
            country=pl.lit(None, pl.String)).select(cols).cast(SCHEMA)  # type: ignore[arg-type]
        out.append(last)
    return pl.concat(out).unique([*_KEY, "start", "end", "kind", "how"], keep="first", maintain_order=True)


LIST_ITEMS = 8  # the items read of a list a sentence opens with a colon, at most
# an item's head: a Latin name of up to three words, then a colon or a dash ("corvus-small: 120M …"),
# or the first cell of a table's row (the reader joins cells with a tab: "corvus-small\t120M\t…")
_LIST_HEAD = (r"^ *([a-z][a-z0-9]*(?:[-._][a-z0-9]+)*(?: [a-z0-9][a-z0-9._-]*){0,2}) *"
              r"(?::|\s[–—-]\s|\t)")
# what the opening sentence says the list holds: models, checkpoints, sizes, weights, a release
_LIST_OF = (r"model|checkpoint|variant|\bsizes?\b|weight|releas|launch|\bllms?\b"
            r"|نموذج|نماذج|نسخ|اصدار|احجام|حجم|اوزان")


# a table's header row whose first cell is the word for a model or a name
_MODEL_COLUMN = r"^\s*(?:models?|model name|name|(?:ال)?(?:نموذج|نماذج)|(?:ال)?اسم(?: (?:ال)?نموذج)?)\s*\t"


def _list_heads(s: pl.DataFrame) -> pl.DataFrame:
    """Names heading the items of a list that a sentence about models opens with a colon ("We are
    releasing two checkpoints today:" then "corvus-small: 120M parameters", "corvus-base: 560M"): each
    is a model (`how = list`). Items are the sentences right after the colon, read while each opens
    with a name and its own colon or dash; a table after the colon is such a list, its rows the items
    and its first cells the names, once its header row ("Model\tParameters\tLicence") is passed."""
    ends = pl.col("text_norm").str.strip_chars().str.ends_with(":")
    intro = s.filter(ends & pl.col("text_norm").str.contains(_LIST_OF)).select(
        "doc_id", i0="sentence_idx", colon=pl.lit(True))
    # a table whose header names its first column for models ("Model\tParameters\tLicence") lists
    # them in its rows, whatever precedes it
    columns = s.filter(pl.col("text_norm").str.contains(_MODEL_COLUMN)).select(
        "doc_id", i0="sentence_idx", colon=pl.lit(False))
    intro = pl.concat([intro, columns]).unique(["doc_id", "i0"], keep="first", maintain_order=True)
    if intro.height == 0:
        return pl.DataFrame()
    items = (intro.with_columns(sentence_idx=pl.col("i0") + pl.int_ranges(1, LIST_ITEMS + 2))
             .explode("sentence_idx").join(s, on=_KEY))
    hits = _spans(items, "text_norm", _LIST_HEAD).join(items.select(*_KEY, "i0"), on=_KEY)
    if hits.height == 0:
        return pl.DataFrame()
    # a table's header row right after the colon is passed over, not an item
    header = items.filter((pl.col("sentence_idx") == pl.col("i0") + 1)
                          & pl.col("text_norm").str.contains("\t") & pl.col("colon"))
    hits = hits.join(header.select("doc_id", "i0", skip=pl.lit(1)), on=["doc_id", "i0"],
                     how="left").with_columns(pl.col("skip").fill_null(0))
    no = list(_not_names())
    first = _title(pl.col("surface").str.extract(r"^([^\s\-.]+)", 1))
    return (
        hits.with_columns(surface=_surface())
        # a name, shaped as a model's is (a digit, a separator, an inner capital, a second word): "Note:",
        # "Speed:" and "Step 1:" head no model
        .filter(~first.is_in(no) & _a_name(pl.col("surface"))
                & pl.col("surface").str.contains(r"[\d\-._\s]|[a-z][A-Z]"))
        # an item counts only while every sentence before it, back to the colon, was an item too
        .sort("doc_id", "i0", "sentence_idx")
        .filter(~((pl.col("skip") == 1) & (pl.col("sentence_idx") == pl.col("i0") + 1)))
        .filter(pl.col("sentence_idx") - pl.col("i0") - pl.col("skip")
                == pl.int_range(1, pl.len() + 1).over("doc_id", "i0"))
        .unique([*_KEY, "start"], keep="first", maintain_order=True)
        .with_columns(kind=pl.lit("model"), how=pl.lit("list"), known=pl.lit(False),
                      canonical=pl.col("surface"), family=pl.lit(None, pl.String),
                      owner=pl.lit(None, pl.String), country=pl.lit(None, pl.String))
    )


def _org_named(name: pl.Expr) -> pl.Expr:
    """The knowledge base's organisation an account or host name spells ("mistralai", "deepseek-ai",
    "zilliztech"), squashed and with or without a tail such as "ai" or "labs"; else null."""
    orgs = _repo_orgs(str(resources.data_dir()))
    key = text.name_key(name)
    return pl.coalesce(key.replace_strict(orgs, default=None, return_dtype=pl.String),
                       key.str.replace(_ORG_TAIL, "").replace_strict(orgs, default=None,
                                                                     return_dtype=pl.String))


def _title(name: pl.Expr) -> pl.Expr:
    """An account or host name as an organisation's: its first letter a capital ("acme" → "Acme")."""
    return name.str.slice(0, 1).str.to_uppercase() + name.str.slice(1)


def _repo_ids(s: pl.DataFrame, column: str, kbm: pl.DataFrame) -> pl.DataFrame:
    """Models named by their repository, the way model hubs name them: "jinaai/jina-embeddings-v2-base-en",
    "huggingface.co/acme/Tern-2-7B". The name after the slash is the model, the part before it its
    owner (an organisation of the knowledge base when one is spelt so, else the owner of the known
    model the name holds, else as written). The id is read whole, so a known model inside it
    ("jina-embeddings-v2" in "jina-embeddings-v2-base-en") becomes its family."""
    rows = s.filter(pl.col(column).str.contains("/"))
    if rows.height == 0:
        return pl.DataFrame()
    # the span is the whole id, so a name read inside it ("النموذج acme/…" → "acme") gives way
    hits = (
        _spans(rows, column, _REPO, "rid")
        .with_columns(org=pl.col("rid").str.split("/").list.first(),
                      name=pl.col("rid").str.split("/").list.last())
        # a path ("and/or", "read/write") is not a repository: the id follows a hub's address, or the
        # name holds a version, size or separator and the sentence is about models
        .filter(~pl.col("name").str.contains(_FILE_EXT)
                & (pl.col("whole").str.contains(r"(?:huggingface|hf|github)\.(?:co|com)/")
                   | (pl.col("name").str.contains(r"[\d_.-]") & pl.col(column).str.contains(_REPO_CUE))))
    )
    if hits.height == 0:
        return pl.DataFrame()
    hits = hits.with_columns(surface=_surface(), acct=_org_named(pl.col("org"))).with_columns(
        canonical=pl.col("surface").str.split("/").list.last())
    # the longest known model inside the id's name
    inner = (
        hits.select(*_KEY, "start", "end").join(
            kbm.filter(pl.col("kind") == "model").select(
                *_KEY, i0="start", i1="end", i_name="canonical", i_family="family", i_owner="owner",
                i_country="country"), on=_KEY)
        .filter((pl.col("i0") >= pl.col("start")) & (pl.col("i1") <= pl.col("end")))
        .sort([*_KEY, "start", "end", "i0", "i1"], descending=[False, False, False, False, False, True])
        .unique([*_KEY, "start", "end"], keep="first", maintain_order=True)
        .drop("i0", "i1")
    )
    same = pl.col("i_name").str.to_lowercase() == pl.col("canonical").str.to_lowercase()
    return hits.join(inner, on=[*_KEY, "start", "end"], how="left").with_columns(
        kind=pl.lit("model"), how=pl.lit("repo"), known=same.fill_null(False),
        canonical=pl.when(same).then("i_name").otherwise("canonical"),
        family=pl.when(same).then("i_family").otherwise(pl.coalesce("i_family", "i_name")),
        owner=pl.coalesce("acct", "i_owner", _title(pl.col("org"))),
        country=pl.when(pl.col("acct").is_null()).then("i_country"),
    )


def _translit(s: pl.DataFrame) -> pl.DataFrame:
    """Arabic words whose skeleton is a known one-word Latin name: patterns added for this batch."""
    sk = _skeletons(str(resources.data_dir()))
    stop = _stopwords_ar(str(resources.data_dir()))
    g = gazetteer()
    known = set(g["pattern"].to_list())
    words = (  # a sentence the batch repeats (boilerplate, wire copy) is read for its words once
        s.select("text_norm")
        .unique()
        .filter(pl.col("text_norm").str.contains(r"\p{Arabic}"))
        .select(w=pl.col("text_norm").str.extract_all(r"\p{Arabic}{4,}"))
        .explode("w")
        .drop_nulls()
        .unique()
        .sort("w")["w"]
        .to_list()
    )
    # and a name of two Arabic words after the word for company ("شركة ستيب فن" is StepFun): read as one
    pairs = (
        s.select("text_norm")
        .unique()
        .filter(pl.col("text_norm").str.contains("شرك|مختبر"))
        .select(w=pl.col("text_norm").str.extract_all(r"(?:شركه|شركتا|مختبر)\s+\p{Arabic}{2,}\s\p{Arabic}{2,}"))
        .explode("w")
        .drop_nulls()
        .select(pl.col("w").str.extract(r"\s(\p{Arabic}{2,}\s\p{Arabic}{2,})$", 1))
        .unique()
        .sort("w")["w"]
        .to_list()
    )
    rows = []
    for pair in pairs:
        a, b = pair.split(" ")
        if pair in known or a in stop or b in stop or a.startswith("ال") or b.startswith("ال"):
            continue
        skel, gaps = kb.vowel_gaps(a + b)
        hit = sk.get(skel)
        # (after the word for company, two words and one spelled vowel are evidence enough)
        if hit and sum(ch in "اويى" for ch in a + b) >= 1 and all(
                y for x, y in zip(gaps[1:], hit[0][1:], strict=True) if x):
            _, kind, canonical, family, owner = hit
            rows.append({"pattern": pair, "kind": kind, "canonical": canonical, "family": family,
                         "owner": owner})
    for w in words:
        if w in known or w in stop or w.startswith("ال"):
            continue
        for cand in (w, w[1:] if w[0] in "وفبلك" else None):
            # a name written in Arabic letters spells its vowels out ("زيليز", "كوهير"); a native word of
            # the same consonants seldom does ("بنقل" is not OpenClaw)
            if (
                not cand
                or cand in stop
                or cand.startswith("ال")
                or len(cand) < 4
                or sum(ch in "اويى" for ch in cand) < 2
            ):
                continue
            skel, gaps = kb.vowel_gaps(cand)
            hit = sk.get(skel)
            # Arabic leaves short vowels out but seldom writes one Latin lacks (save an opening alef)
            if hit and all(b for a, b in zip(gaps[1:], hit[0][1:], strict=True) if a):
                _, kind, canonical, family, owner = hit
                rows.append(
                    {"pattern": cand, "kind": kind, "canonical": canonical, "family": family, "owner": owner}
                )
                break
    if not rows:
        return pl.DataFrame()
    extra = (
        pl.DataFrame(rows)
        .unique("pattern", keep="first", maintain_order=True)
        .join(g.select("canonical", "country").unique("canonical", keep="first", maintain_order=True),
              on="canonical", how="left")
    )
    m = _find(s, extra.with_columns(needs=pl.lit(None, pl.String))).join(extra, on="pattern").join(s, on=_KEY)
    return m.with_columns(surface=_surface(), how=pl.lit("translit"), known=pl.lit(True))


# the ways of finding a name that read it from where it stands rather than from the knowledge base
_READ = ["context", "coordinated", "list", "family", "article"]
# a name whose stem is followed by a version: "Sahab-1-34B" (stem "Sahab"), "Falcon-Dune-34B"
_STEM = r"^([A-Za-z]{3,}(?:-[A-Za-z]{3,})*)-?\d"
# a word of that shape in a sentence's normalised text: the stem, a version, then any hyphenated pieces
_STEMMED = (r"(?:^|[^\p{L}\p{N}_./-])([a-z]{3,}(?:-[a-z]{3,})*-?\d+(?:\.\d+)*[a-z]{0,2}"
            r"(?:-[a-z0-9]+(?:\.\d+)*)*)(?:[^\p{L}\p{N}_/-]|\.(?:\s|$)|$)")


def _doc_families(e: pl.DataFrame, s: pl.DataFrame) -> pl.DataFrame:
    """A name the knowledge base does not know, read as a model where it stands ("our new model
    Sahab-1-34B"), founds a family for its article: every other word of the article that is the same
    stem with a version ("Sahab-1", "Sahab-1-Ultra") is a model of that family (`how = family`). Only a
    stem followed by a digit counts, so plain words the context rules read ("Context", "Milvus") found
    no family."""
    if e.height == 0:
        return pl.DataFrame()
    no = {w.lower() for w in _NOT_NAME_HEADS | _calendar_words(str(resources.data_dir()))}
    stems = (
        e.filter((pl.col("kind") == "model") & ~pl.col("known"))
        .select("doc_id", family=pl.col("canonical").str.extract(_STEM, 1))
        .drop_nulls("family")
        .with_columns(stem=pl.col("family").str.to_lowercase())
        .filter(~pl.col("stem").is_in(list(no)))
        .unique(["doc_id", "stem"], keep="first", maintain_order=True)
    )
    if stems.height == 0:
        return pl.DataFrame()
    rows = s.join(stems.select("doc_id").unique(), on="doc_id").filter(
        pl.col("text_norm").str.contains(r"[a-z]{3}-?\d"))
    hits = _spans(rows, "text_norm", _STEMMED)
    if hits.height == 0:
        return pl.DataFrame()
    return (
        hits.with_columns(stem=pl.col("name").str.extract(r"^([a-z]+(?:-[a-z]{3,})*?)-?\d", 1))
        .join(stems, on=["doc_id", "stem"])
        .with_columns(surface=_surface())
        .with_columns(kind=pl.lit("model"), how=pl.lit("family"), known=pl.lit(False),
                      canonical=pl.col("surface"), owner=pl.lit(None, pl.String),
                      country=pl.lit(None, pl.String))
    )


def _overlapping(a: pl.DataFrame, b: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """Pairs of a span of `a` (start, end) and one of `b` (s2, e2) with the same `on` that overlap.
    Spans are joined only with those starting within the longest span's length of them (the buckets
    either side), which finds every overlapping pair, so a sentence of many names costs pairs of
    neighbours rather than all its pairs."""
    if a.height == 0 or b.height == 0:
        return a.join(b, on=on)
    width = max(int((a["end"] - a["start"]).max() or 1), int((b["e2"] - b["s2"]).max() or 1), 1)
    near = (a.with_columns(bucket=pl.col("start") // width + pl.lit([-1, 0, 1]))
            .explode("bucket")
            .join(b.with_columns(bucket=pl.col("s2") // width), on=[*on, "bucket"]))
    return near.filter((pl.col("s2") < pl.col("end")) & (pl.col("start") < pl.col("e2"))).drop("bucket")


# an Arabic word after "شركة" / "مختبر" / "الشركة الناشئة" that may be a company's name
# (indefinite: "الشركة تعمل" is the company that works, "شركة لوميو" the company Lumio)
_ORG_AR_WORD = r"(?:^|\s)[وفبل]?(?:شركه|مختبر)(?:\s+ناشئه)?\s+(\p{Arabic}{3,})"
# a foreign name written in Arabic letters spells its vowels out (لوميو, ميسترال); a verb or a native
# noun of three root letters often does not (تعمل, بنهج)
_SPELT_VOWEL = r"^\p{Arabic}+[اوي]\p{Arabic}"
# what ends a common noun or an adjective rather than a name: ta marbuta (folded to ه), alif maqsura,
# plurals, the nisba
_NOT_NAME_END = r"(?:ه|ى|ات|ين|ون|يه|ي)$"


def _arabic_orgs(s: pl.DataFrame) -> pl.DataFrame:
    """A company the knowledge base does not know, written in Arabic letters ("شركة لوميو"): the word
    after "شركة" that the article never writes with the article ال (a common noun takes it somewhere:
    "شركة ذكاء اصطناعي" beside "الذكاء") and that neither ends like a noun or an adjective (ة, ى, plurals,
    the nisba) nor is a stop word."""
    rows = s.filter(pl.col("text_norm").str.contains(r"شركه|مختبر"))
    if rows.height == 0:
        return pl.DataFrame()
    c = _spans(rows, "text_norm", _ORG_AR_WORD)
    stop = list(_stopwords_ar(str(resources.data_dir())))
    c = c.filter(~pl.col("name").str.contains(_NOT_NAME_END) & ~pl.col("name").str.starts_with("ال")
                 & pl.col("name").str.contains(_SPELT_VOWEL)
                 & ~pl.col("name").is_in(stop))
    if c.height == 0:
        return pl.DataFrame()
    # the article's words written with ال: a name is never one of them
    docs = s.join(c.select("doc_id").unique(), on="doc_id")
    with_al = r"(?:^|\s)[وفبل]?ال(\p{Arabic}{3,})"
    defined = (docs.select("doc_id", w=pl.col("text_norm").str.extract_all(with_al))
               .explode("w").drop_nulls("w")
               .with_columns(w=pl.col("w").str.replace(r"^\s*[وفبل]?ال", ""))
               .unique())
    return _unknown(c.join(defined, left_on=["doc_id", "name"], right_on=["doc_id", "w"], how="anti"),
                    "org", "context")


# the verbs by which an organisation puts a model out, and the words that may stand between
_PUTS_OUT = (r"released|releases|launched|launches|unveiled|unveils|introduced|introduces|debuted|debuts"
             r"|open-sourced|open-sources|published|publishes|shipped|ships|announced|announces|trained|trains"
             r"|built|builds|developed|develops|delayed|delays|postponed|postpones")
# (group 1: from the name to the model; the name is its first word)
_SUBJECT = (r"(?:^|[^\w.-])([A-Z][A-Za-z0-9]+\s+"
            r"(?:(?:has|have|had|also|now|finally|quietly|officially)\s+){0,2}"
            rf"(?:{_PUTS_OUT})\s+(?:(?:its|the|a|an|new|latest|first|open|open-source|open-weight)\s+){{0,3}})$")


def _subjects(e: pl.DataFrame, latin: pl.DataFrame) -> pl.DataFrame:
    """The capitalised word that puts a model out ("Acme released Corvus-7B", "Tern has launched its new
    Halla-3") is an organisation, known or not: only organisations release models. English sentences
    only (`latin`: the sentences whose normalised text keeps the offsets of the text); a word already read
    as something else, or one that is never a name, is left as it was."""
    models = e.filter(pl.col("kind") == "model").select(*_KEY, m0="start")
    if models.height == 0:
        return pl.DataFrame()
    lo = pl.max_horizontal(pl.col("m0") - 60, pl.lit(0))
    c = (models.join(latin.select(*_KEY, "text", "text_norm"), on=_KEY)
         .with_columns(tail=pl.col("text").str.slice(lo, pl.col("m0") - lo).str.extract(_SUBJECT, 1))
         .drop_nulls("tail")
         .with_columns(name=pl.col("tail").str.extract(r"^([A-Z][A-Za-z0-9]+)", 1),
                       start=pl.col("m0") - pl.col("tail").str.len_chars().cast(pl.Int64))
         .with_columns(prev=pl.col("text").str.slice(pl.max_horizontal(pl.col("start") - 24, pl.lit(0)),
                                                     pl.min_horizontal(pl.col("start"), 24))
                       .str.extract(r"([A-Z][A-Za-z]+)\s+$", 1))
         # a capitalised word before it makes it a person's surname ("Matt Schlicht launched")
         .filter(_a_name(pl.col("name")) & (pl.col("prev").is_null() | ~_a_name(pl.col("prev"))))
         .with_columns(end=pl.col("start") + pl.col("name").str.len_chars().cast(pl.Int64))
         .unique([*_KEY, "start"], keep="first", maintain_order=True))
    if c.height == 0:
        return pl.DataFrame()
    taken = e.select(*_KEY, s2="start", e2="end")
    c = c.join(_overlapping(c.select(*_KEY, "start", "end"), taken, _KEY).select(*_KEY, "start").unique(),
               on=[*_KEY, "start"], how="anti")
    if c.height == 0:
        return pl.DataFrame()
    return _unknown(c, "org", "context")


def _doc_orgs(e: pl.DataFrame, s: pl.DataFrame) -> pl.DataFrame:
    """An organisation the knowledge base does not know, read where it stands ("Seoul-based Lumio",
    "أعلنت Lumio"), is that organisation wherever else its article names it ("Lumio's chief
    executive", "قالت Lumio"), as a known one would be (`how = article`). A model read so ("a reranking
    model called Kestrel") is that model wherever else its article names it ("Kestrel now ships with
    weights"): an article names its subject once in full and then by the name alone. `e` holds the
    entities that won their spans; a repeat that overlaps one of them gives way, and each sentence keeps
    at most MAX_PER_SENTENCE, so an article repeating a name a million times costs what any sentence
    does."""
    parts = [p for p in (_repeats(e, s, "org"), _repeats(e, s, "model")) if p.height]
    return pl.concat(parts) if parts else pl.DataFrame()


def _repeats(e: pl.DataFrame, s: pl.DataFrame, kind: str) -> pl.DataFrame:
    """The other places of its article that name an unknown `kind` read from its context (see
    `_doc_orgs`)."""
    if e.height == 0:
        return pl.DataFrame()
    no = {w.lower() for w in _not_names()}
    names = (
        e.filter((pl.col("kind") == kind) & ~pl.col("known") & (pl.col("how") == "context"))
        .select("doc_id", pattern=pl.col("canonical").str.to_lowercase(),
                first=pl.col("canonical").str.slice(0, 1))
        .filter(pl.col("pattern").str.contains(_REPEATED[kind]) & ~pl.col("pattern").is_in(list(no)))
        .unique(["doc_id", "pattern"], keep="first", maintain_order=True)
    )
    if names.height == 0:
        return pl.DataFrame()
    rows = s.join(names.select("doc_id").unique(), on="doc_id").select(*_KEY, "text_norm")
    pats = sorted(set(names["pattern"].to_list()))
    rows = rows.filter(pl.col("text_norm").str.contains_any(pats))
    hits = (text.find_literals(rows, pats).select(*_KEY, "pattern", "start", "end")
            .join(names, on=["doc_id", "pattern"])
            .sort([*_KEY, "start"]).with_columns(n=text.index_in_run(_KEY))
            .filter(pl.col("n") < MAX_PER_SENTENCE).drop("n"))
    # (a model read only from where it stands, "أتاحته Lumio … مفتوح المصدر", gives way to the
    # organisation its article names: `extract_entities` drops it); a model's repeat gives way to
    # anything found there
    taken = e if kind == "model" else e.filter(~((pl.col("kind") == "model") & pl.col("how").is_in(_READ)))
    taken = taken.select(*_KEY, s2="start", e2="end")
    hits = hits.join(_overlapping(hits, taken, _KEY).select(*_KEY, "start").unique(), on=[*_KEY, "start"],
                     how="anti")
    hits = hits.join(s.select(*_KEY, "text", "text_norm"), on=_KEY)
    before, after = _edges()
    # ("Lumio-like" is another word)
    hits = hits.filter(_starts_a_word(before) & ~after.str.contains(r"^[\p{L}\p{N}_-]"))
    if kind == "model":
        # ... and is read only where no other model is named, or as the sentence's opening subject (in
        # Arabic after its verb): the name alone fills a sentence that says what happened without saying
        # to what, and never competes with a name written there ("DeepScout combines models such as
        # DeepSeek-R1", "يجمع DeepScout بين نماذج مثل DeepSeek-R1" are still DeepScout)
        others = e.filter(pl.col("kind") == "model").select(_KEY).unique().with_columns(other=pl.lit(True))
        opens = pl.col("text_norm").str.slice(0, pl.col("start")).str.contains(
            rf"^{_OPENING}(?:[وف]?\p{{Arabic}}+\s+)?$")
        # a capitalised model's name written in lower case is the common word ("kestrel", "falcon")
        latin = pl.col("text").str.len_chars() == pl.col("text_norm").str.len_chars()
        as_written = ~latin | (_surface().str.slice(0, 1) == pl.col("first")) | pl.col("first").str.contains(
            r"^[a-z]")
        hits = (hits.join(others, on=_KEY, how="left")
                .filter((pl.col("other").is_null() | opens) & as_written).drop("other"))
    if hits.height == 0:
        return pl.DataFrame()
    return _unknown(hits.drop("first"), kind, "article")


# what a repeated name may be: one word of three letters or more (organisations), or a model's name of
# up to three words
_REPEATED = {"org": r"^(?:[a-z][a-z0-9]{2,}|\p{Arabic}{3,})$",
             "model": (r"^(?:[a-z][a-z0-9]{2,}(?:[-.][a-z0-9]+)*(?: [a-z0-9][a-z0-9.-]*){0,2}"
                       r"|\p{Arabic}{3,})$")}


def extract_entities(sentences: pl.DataFrame) -> pl.DataFrame:
    """The entities table: every organisation, person and model each sentence names (see module doc)."""
    if sentences.height == 0 or "text_norm" not in sentences.columns:
        return pl.DataFrame(schema=SCHEMA)
    s = sentences.select(*_KEY, pl.col("text").fill_null(""), pl.col("text_norm").fill_null(""))
    g = gazetteer()
    parts = [_kb_and_shape(s, g)]
    latin_ok = s.filter(pl.col("text").str.len_chars() == pl.col("text_norm").str.len_chars())
    parts.append(_context(latin_ok, list(_CTX_EN), "text", "model", _CTX_EN))
    parts.append(_lowercase(latin_ok, s))
    parts.append(_context(latin_ok, [_ORG_EN, _ORG_POSS, _ORG_BASED, _ORG_ITS], "text", "org"))
    # (the Arabic patterns read sentences in Arabic script: the Latin ones have the English patterns)
    arabic = s.filter(pl.col("text_norm").str.contains(r"\p{Arabic}"))
    parts.append(_context(arabic, list(_CTX_AR), "text_norm", "model", _CTX_AR))
    parts.append(_context(arabic, [_ORG_AR, _ORG_AR_VERB], "text_norm", "org"))
    parts.append(_arabic_orgs(s))
    rel_en, rel_ar = _release_objects(str(resources.data_dir()))
    parts.append(_context(latin_ok, list(rel_en), "text", "model", rel_en))
    subj_ar = _release_subjects(str(resources.data_dir()))
    by_verb = _context(s, list(subj_ar), "text_norm", "org", subj_ar)
    objects = _context(s, list(rel_ar), "text_norm", "model", rel_ar)
    if by_verb.height and objects.height:
        objects = objects.join(by_verb.select(*_KEY, "start"), on=[*_KEY, "start"], how="anti")
    parts.extend([by_verb, objects])
    parts.append(_made_by(latin_ok, parts[0]))
    parts.append(_made_by(arabic, parts[0], "text_norm"))
    parts.append(_repo_ids(latin_ok, "text", parts[0]))
    parts.append(_repo_ids(s.join(latin_ok.select(_KEY), on=_KEY, how="anti"), "text_norm", parts[0]))
    parts.append(_translit(s))
    parts.append(_list_heads(s))
    parts.append(_people(s, latin_ok))
    cols = list(SCHEMA)
    found = [p.select(cols).cast(SCHEMA) for p in parts if p.height]  # type: ignore[arg-type]
    e = pl.concat(found) if found else pl.DataFrame(schema=SCHEMA)
    e = _coordinated(_not_hosts(e, s), s)
    fam = _doc_families(e, s)
    if fam.height:
        e = pl.concat([e, fam.select(cols).cast(SCHEMA)])  # type: ignore[arg-type]
    if e.height == 0:
        return pl.DataFrame(schema=SCHEMA)
    # where spans overlap, a hub's repository id wins (it is the whole name), then the knowledge base's
    # reading, then the longest
    e = e.with_columns(
        hrank=pl.col("how").replace_strict({"repo": -1, "kb": 0, "shape": 0, "translit": 1, "list": 2,
                                            "context": 3, "family": 4},
                                           default=3)
    )
    e = e.sort([*_KEY, "hrank", "start", "end"], descending=[False, False, False, False, True])
    e = e.with_columns(i=text.index_in_run(_KEY)).filter(pl.col("i") < 4 * MAX_PER_SENTENCE)
    # an entity overlapping one ranked before it gives way
    grp = pl.when(pl.col("kind") == "model").then(pl.lit("model")).otherwise(pl.lit("actor"))
    e = e.with_columns(grp=grp)
    pairs = _overlapping(e.select(*_KEY, "grp", "i", "start", "end"),
                         e.select(*_KEY, "grp", j="i", s2="start", e2="end"), [*_KEY, "grp"])
    lost = pairs.filter(pl.col("j") < pl.col("i"))
    # a name read from its context gives way to any the knowledge base knows there, organisation or
    # model ("released on Hugging Face": "Hugging" is not a model)
    ctx = e.filter(pl.col("how").is_in(_READ)).select(*_KEY, "i", "start", "end", "kind", "canonical")
    kbs = e.filter(~pl.col("how").is_in(_READ)).select(*_KEY, j="i", s2="start", e2="end", k_kind="kind",
                                                        k_name="canonical", k_country="country")
    over = _overlapping(ctx, kbs, _KEY)
    # ... except an organisation that only begins the name: "DeepSeek-Nexa-16B", "Cohere-Lumo-7B" are the
    # organisation's model, not the organisation; its name is the model's owner
    prefix = ((pl.col("kind") == "model") & (pl.col("k_kind") == "org") & (pl.col("s2") == pl.col("start"))
              & (pl.col("e2") < pl.col("end"))
              & (pl.col("canonical").str.slice(pl.col("e2") - pl.col("start"), 1) == "-"))
    makers = over.filter(prefix)
    lost = pl.concat([lost.select(*_KEY, "i"), over.filter(~prefix).select(*_KEY, "i"),
                      makers.select(*_KEY, i="j")])
    e = e.join(lost.select(*_KEY, "i").unique(), on=[*_KEY, "i"], how="anti")
    if makers.height:
        made = (makers.select(*_KEY, "i", maker="k_name", where="k_country")
                .unique([*_KEY, "i"], keep="first", maintain_order=True))
        e = (e.join(made, on=[*_KEY, "i"], how="left", maintain_order="left")
             .with_columns(owner=pl.coalesce("owner", "maker"), country=pl.coalesce("country", "where"))
             .drop("maker", "where"))
    e = _teams(_org_or_model(e, s), s).select(cols)
    subj = _subjects(e, latin_ok)
    if subj.height:
        # the model it puts out is its own, when nothing says whose it is
        made = (subj.select(*_KEY, start="m0", maker="canonical")
                .unique([*_KEY, "start"], keep="first", maintain_order=True)
                .with_columns(kind=pl.lit("model")))
        e = (e.join(made, on=[*_KEY, "start", "kind"], how="left", maintain_order="left")
             .with_columns(owner=pl.coalesce("owner", "maker")).drop("maker"))
        e = pl.concat([e, subj.select(cols).cast(SCHEMA)])  # type: ignore[arg-type]
    more = _doc_orgs(e, s)
    if more.height:
        weak = (e.filter((pl.col("kind") == "model") & pl.col("how").is_in(_READ))
                .select(*_KEY, "start", "end"))
        drop = _overlapping(weak, more.select(*_KEY, s2="start", e2="end"), _KEY).select(*_KEY, "start")
        e = pl.concat([e.join(drop.unique().with_columns(kind=pl.lit("model")), on=[*_KEY, "start", "kind"],
                              how="anti"), more.select(cols).cast(SCHEMA)])  # type: ignore[arg-type]
    e = e.sort([*_KEY, "start", "end"]).with_columns(n=text.index_in_run(_KEY))
    e = _employers(_makers(e.filter(pl.col("n") < MAX_PER_SENTENCE).select(cols), s), s)
    return _full_names(_licence_names(_members(e, s), s))


# a model's name inside a licence's: "the TII Falcon License 2.0", "Llama 3 Community License",
# "رخصة Llama المجتمعية"
_LICENCE_AFTER = r"^\s*(?:[\d.]+\s*)?(?:community\s+|research\s+|open\s+)?licen[cs]e"
_LICENCE_BEFORE = r"(?:رخصه|ترخيص|رخصة)\s*$"


def _licence_names(e: pl.DataFrame, s: pl.DataFrame) -> pl.DataFrame:
    """A model named only as part of a licence's name gives way to a model the sentence names itself.

    "Falcon-Dune is released under the TII Falcon License 2.0" is about Falcon-Dune: the licence
    borrows the family's name. Alone in its sentence, the name still says whose licence it is.
    """
    models = e.filter(pl.col("kind") == "model")
    if models.height == 0:
        return e
    t = models.join(s.select(*_KEY, "text_norm"), on=_KEY, how="left")
    after = pl.col("text_norm").str.slice(pl.col("end"), 40)
    lo = (pl.col("start") - 12).clip(0)
    before = pl.col("text_norm").str.slice(lo, pl.col("start") - lo)
    inside = t.with_columns(lic=after.str.contains(_LICENCE_AFTER) | before.str.contains(_LICENCE_BEFORE))
    key = [*_KEY, "start", "canonical"]
    other = inside.group_by(_KEY).agg(free=(~pl.col("lic")).sum())
    drop = (inside.filter(pl.col("lic")).join(other, on=_KEY).filter(pl.col("free") > 0)
            .select(key).with_columns(kind=pl.lit("model")))
    return e.join(drop, on=[*key, "kind"], how="anti", nulls_equal=True)


# from a known model to the list of its members that follows: "two Llama 4 models, Scout and Maverick",
# "the Claude 3 family: Haiku, Sonnet and Opus"
_MEMBERS_OF = (r"^\s+(?:models?|family|variants?|versions?|series)\s*[,:]\s*"
               r"(?:[A-Za-z][\w.-]*\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or|&)\s+)\s*)*$")


def _members(e: pl.DataFrame, s: pl.DataFrame) -> pl.DataFrame:
    """Names listed right after a known model and the word for its models ("two Llama 4 models, Scout
    and Maverick") are its members: "Llama 4 Scout", "Llama 4 Maverick", of its family and owner, so
    they meet the full names other articles give them."""
    models = e.filter(pl.col("kind") == "model")
    known = models.filter(pl.col("known")).select(
        *_KEY, k_end="end", k_name="canonical", k_family=pl.coalesce("family", "canonical"), k_owner="owner")
    items = models.filter(~pl.col("known") & pl.col("canonical").str.contains(r"^[A-Z][a-z]"))
    if known.height == 0 or items.height == 0:
        return e
    between = pl.col("text_norm").str.slice(pl.col("k_end"), (pl.col("start") - pl.col("k_end")).clip(0))
    hit = (items.select(*_KEY, "start", "canonical").join(known, on=_KEY)
           .filter(pl.col("k_end") < pl.col("start"))
           .join(s.select(*_KEY, "text_norm"), on=_KEY)
           .filter(between.str.contains(_MEMBERS_OF))
           .sort([*_KEY, "start", "k_end"], descending=[False, False, False, True])
           .unique([*_KEY, "start"], keep="first", maintain_order=True)
           .select(*_KEY, "start", new=pl.col("k_name") + " " + pl.col("canonical"), new_family="k_family",
                   new_owner="k_owner", kind=pl.lit("model")))
    if hit.height == 0:
        return e
    return (e.join(hit, on=[*_KEY, "start", "kind"], how="left", maintain_order="left")
            .with_columns(canonical=pl.coalesce("new", "canonical"),
                          family=pl.when(pl.col("new").is_not_null()).then("new_family").otherwise("family"),
                          owner=pl.coalesce("owner", "new_owner"))
            .drop("new", "new_family", "new_owner"))


def _full_names(e: pl.DataFrame) -> pl.DataFrame:
    """A model named by its version alone ("R2", "R1-0528", "K2") takes the full name its article gives
    it elsewhere ("DeepSeek-R2"; "DeepSeek-R1" makes "R1-0528" DeepSeek-R1-0528), with that name's family
    and owner, so the headline's "R2" and the body's "DeepSeek-R2" are one model."""
    models = e.filter(pl.col("kind") == "model")
    short = (models.select("doc_id", "canonical", "owner")
             .with_columns(token=pl.col("canonical").str.extract(r"^([A-Za-z]{1,3}\d[\w.]*?)(?:[- ]|$)", 1))
             .drop_nulls("token").unique(["doc_id", "canonical"]))
    if short.height == 0:
        return e
    full = (models.select("doc_id", long="canonical", l_family="family", l_owner="owner")
            .unique(["doc_id", "long"])
            .with_columns(stem=pl.col("long").str.extract(r"^(.+?[- ])[^- ]+$", 1),
                          last=pl.col("long").str.extract(r"[- ]([^- ]+)$", 1))
            .drop_nulls("stem"))
    pairs = (short.join(full, on="doc_id")
             .filter((pl.col("last") == pl.col("token")) & (pl.col("long") != pl.col("canonical"))
                     & (pl.col("owner").is_null() | (pl.col("owner") == pl.col("l_owner"))))
             .with_columns(new=pl.col("stem") + pl.col("canonical"))
             .sort("doc_id", "canonical", "long")
             .unique(["doc_id", "canonical"], keep="first", maintain_order=True)
             .select("doc_id", "canonical", "new", "l_family", "l_owner", kind=pl.lit("model")))
    if pairs.height == 0:
        return e
    return (e.join(pairs, on=["doc_id", "canonical", "kind"], how="left", maintain_order="left")
            .with_columns(canonical=pl.coalesce("new", "canonical"),
                          family=pl.when(pl.col("new").is_not_null()).then(pl.coalesce("l_family", "family"))
                          .otherwise("family"),
                          owner=pl.coalesce("owner", "l_owner"))
            .drop("new", "l_family", "l_owner"))


_MADE_BY = (rf"(?:^|[^\w'’.-])(({_NAME_EN})(?:\s+(?:and|or|&)\s+({_NAME_EN}))?"
            r"\s+(?:(?:developed|made|built|trained|released|published)\s+)?(?:from|by)\s+(?:the\s+)?)$")
_MADE_BY_AR = (rf"(?:^|\s)(({_NAME_AR})(?:\s*(?:[,،]\s*)?و\s*({_NAME_AR}))?"
               r"\s+(?:من|من تطوير|التابع ل|التابعه ل|الذي طورته)\s*(?:شركه\s+)?)$")
_MADE_BY_NEEDS = {"text": (r"\b(?:from|by)\s",
                           r"(?i)licen[cs]|releas|open|weights|model|download|availab|launch"),
                  "text_norm": (r"(?:^|\s)(?:من|التابع)",
                                r"ترخيص|رخص|مفتوح|اوزان|نموذج|نماذج|طلق|صدر|متاح|licen")}
_GROUP_NOUN = r"(?:ers|ors|ists|ians|ees|ants|ents|ies|ups)$"  # "Researchers from Google" name people


def _made_by(s: pl.DataFrame, kbm: pl.DataFrame, column: str = "text") -> pl.DataFrame:
    """The names said to come from an organisation the knowledge base knows ("Provence and XProvence
    from Naver work well, but both are released under CC BY-NC", "Provence وXProvence من Naver") are
    that organisation's models, in a sentence about releasing, licences or models; a plural that names
    people ("Researchers from Google") is none. `column`: `text` for Latin sentences (a name has a
    capital), `text_norm` for Arabic ones (a name is a word in Latin letters)."""
    pat = _MADE_BY if column == "text" else _MADE_BY_AR
    near, topic = _MADE_BY_NEEDS[column]
    orgs = kbm.filter(pl.col("kind") == "org").select(*_KEY, o0="start", maker="canonical", where="country")
    rows = s.filter(pl.col(column).str.contains(near) & pl.col(column).str.contains(topic))
    if orgs.height == 0 or rows.height == 0:
        return pl.DataFrame(schema=SCHEMA)
    lead = pl.min_horizontal(pl.col("o0"), 80)
    before = pl.col(column).str.slice(pl.col("o0") - lead, lead)
    got = (orgs.join(rows, on=_KEY)
           .with_columns(m=before.str.extract_groups(pat))
           .unnest("m")
           .rename({"1": "whole", "2": "n1", "3": "n2"})
           .drop_nulls("whole")
           .with_columns(at=pl.col("o0") - pl.col("whole").str.len_chars().cast(pl.Int64)))
    first = got.select(*_KEY, "text", "text_norm", "maker", "where", name="n1", start="at")
    second = got.drop_nulls("n2").select(
        *_KEY, "text", "text_norm", "maker", "where", name="n2",
        start=pl.col("at") + pl.col("n1").str.len_chars().cast(pl.Int64)
        + pl.col("whole").str.slice(pl.col("n1").str.len_chars()).str.find(pl.col("n2"), literal=True)
        .cast(pl.Int64))
    # a plain capitalised word that opens the sentence alone may be a common noun ("Data from OpenAI
    # shows …"): there only a name of a model's shape, or one coordinated with another, counts
    shaped = pl.col("name").str.contains(r"[\d\-.]|^\p{Lu}\p{Ll}+\p{Lu}|^\p{Lu}{2}")
    opens = pl.col(column).str.slice(0, pl.col("start")).str.contains(rf"^{_OPENING}$")
    if column == "text":
        pairs = got.select(*_KEY, start="at", pair=pl.col("n2").is_not_null())
        first = (first.join(pairs, on=[*_KEY, "start"], how="left")
                 .filter(~opens | shaped | pl.col("pair")).drop("pair"))
    c = (pl.concat([first, second])
         .filter(_a_name(_title(pl.col("name")) if column != "text" else pl.col("name"))
                 & ~pl.col("name").str.to_lowercase().str.contains(_GROUP_NOUN))
         .with_columns(end=pl.col("start") + pl.col("name").str.len_chars().cast(pl.Int64)))
    return (_unknown(c, "model", "context")
            .with_columns(owner=pl.col("maker"), country=pl.col("where")).drop("maker", "where"))


def _teams(e: pl.DataFrame, s: pl.DataFrame) -> pl.DataFrame:
    """A model family named as a team ("the Gemma team", "فريق Qwen") is the organisation that makes it:
    who acts, not what is released."""
    models = e.filter((pl.col("kind") == "model") & pl.col("owner").is_not_null())
    if models.height == 0:
        return e
    lead = pl.min_horizontal(pl.col("start"), 10)
    before = pl.col("text_norm").str.slice(pl.col("start") - lead, lead)
    after = pl.col("text_norm").str.slice(pl.col("end"), 8)
    teams = (models.select(*_KEY, "start", "end").join(s.select(*_KEY, "text_norm"), on=_KEY)
             .filter(before.str.contains(r"(?:^|\s)[وبل]?(?:ال)?فريق\s+$")
                     | after.str.contains(r"^\s+teams?\b"))
             .select(*_KEY, "start", "end", team=pl.lit(True)))
    if teams.height == 0:
        return e
    e = e.join(teams, on=[*_KEY, "start", "end"], how="left", maintain_order="left")
    team = pl.col("team").fill_null(False) & (pl.col("kind") == "model")
    return e.with_columns(kind=pl.when(team).then(pl.lit("org")).otherwise("kind"),
                          canonical=pl.when(team).then("owner").otherwise("canonical"),
                          family=pl.when(team).then(pl.lit(None, pl.String)).otherwise("family")).drop("team")


def _org_or_model(e: pl.DataFrame, s: pl.DataFrame) -> pl.DataFrame:
    """A name read from its context both as an organisation and as a model ("أطلقت Lumio …" reads
    Lumio as who releases and as what is released) is the organisation when the sentence names a model
    or the word for one after it, else the model."""
    ctx = e.filter(pl.col("how").is_in(["context", "coordinated"]))
    both = ctx.filter(pl.col("kind") == "org").select(*_KEY, "start", "end").join(
        ctx.filter(pl.col("kind") == "model").select(*_KEY, "start", "end"), on=[*_KEY, "start", "end"])
    if both.height == 0:
        return e
    later = (both.join(e.filter(pl.col("kind") == "model").select(*_KEY, m0="start"), on=_KEY)
             .filter(pl.col("m0") >= pl.col("end")).select(*_KEY, "start", "end"))
    # or the word for a model right after it ("أطلقت Lumio نموذجين", "أطلقت Lumio نموذجا جديدا")
    word = (both.join(s.select(*_KEY, "text_norm"), on=_KEY)
            .filter(pl.col("text_norm").str.slice(pl.col("end"), 16)
                    .str.contains(r"^\s+(?:[وبل]?(?:ال)?(?:نموذج|نماذج)|(?:its|their|a|an|the|two|new)?\s*models?\b)"))
            .select(*_KEY, "start", "end"))
    later = pl.concat([later, word]).unique().with_columns(org=pl.lit(True))
    drop = both.join(later, on=[*_KEY, "start", "end"], how="left").with_columns(
        kind=pl.when(pl.col("org").fill_null(False)).then(pl.lit("model")).otherwise(pl.lit("org")),
        how=pl.lit("context")).drop("org")
    return e.join(drop, on=[*_KEY, "start", "end", "kind", "how"], how="anti")


# what stands between an organisation and the model it makes: "Naver's Provence", "Provence from Naver",
# "Provence, developed by Naver", "Provence من Naver", "Provence التابع لشركة Naver"
_MAKER_BEFORE = (r"^\s*['’]s\s+(?:(?:new|latest|own|open|open-source|open-weight)\s+)?$"
                 r"|^\s+(?:has\s+|have\s+)?[a-z-]+\s+its\s+(?:(?:new|latest|own|open|open-source|open-weight)\s+)?"
                 r"(?:(?:[a-z-]+\s+)?(?:model|llm)\s+)?$"
                 r"|^\s+(?:عن\s+)?نموذجها\s+(?:ال\p{Arabic}+\s+){0,2}$")
_MAKER_AFTER = (r"^\s*,?\s*(?:(?:developed|made|built|trained|released|published|created)\s+)?"
                r"(?:from|by)\s+(?:the\s+)?$"
                r"|^\s*[،,]?\s*(?:من|من شركه|من تطوير|طورته|التابع لشركه|التابع ل|الذي طورته)\s*"
                r"(?:شركه\s*)?$")


@functools.lru_cache(maxsize=4)
def _role_patterns(data_dir: str) -> tuple[list[str], list[str]]:
    """Patterns for a person named beside a title (data/vocab/roles.csv): the English ones read `text`
    (a name keeps its capitals), the Arabic ones `text_norm`."""
    del data_dir
    r = resources.read_vocab("vocab", "roles.csv").with_columns(t=text.normalize_expr(
        pl.col("title").str.strip_chars()))

    def alt(lang: str) -> str:
        words = r.filter(pl.col("lang") == lang)["t"].to_list()
        return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    name_en = r"(\p{Lu}\p{Ll}+(?: \p{Lu}[\p{L}'’\-]+){1,2})"
    name_ar = r"(\p{Arabic}{2,} \p{Arabic}{2,})"
    en = [rf"(?i:\b(?:{alt('en')}))\s+(?:officer\s+)?(?:of\s+[A-Z][\w.&\-]*\s+)?{name_en}\b",
          rf"\b{name_en},\s+(?:the\s+|its\s+|a\s+)?(?:[A-Z][\w&.\-]*['’]s\s+)?(?i:(?:{alt('en')}))\b"]
    ar = [rf"(?:^|\s)[وف]?(?:{alt('ar')})(?:\s+ل\p{{Arabic}}+)?\s+{name_ar}(?:\s|[،,.]|$)",
          rf"(?:^|\s){name_ar}\s*[،,]\s*(?:{alt('ar')})"]
    return en, ar


def _people(s: pl.DataFrame, latin_ok: pl.DataFrame) -> pl.DataFrame:
    """People the knowledge base does not know, named beside a title (`kind = person`, `how =
    context`, `known = false`): two or three capitalised words in English, two words in Arabic, none of
    them a word that never names anyone (a stop word, a word with the article ال in front)."""
    en, ar = _role_patterns(str(resources.data_dir()))
    no = list(_not_names())
    stop = list(_stopwords_ar(str(resources.data_dir())))
    p_en = _context(latin_ok, en, "text", "person", {p: r"(?i)" + r"[a-z]" for p in en})
    p_ar = _context(s, ar, "text_norm", "person", {p: r"\p{Arabic}" for p in ar})
    parts = []
    if p_en.height:
        parts.append(p_en.filter(~pl.col("name").str.split(" ").list.eval(pl.element().is_in(no)).list.any()))
    if p_ar.height:
        words = pl.col("name").str.split(" ")
        p_ar = p_ar.filter(~words.list.eval(pl.element().str.starts_with("ال")
                                            | pl.element().is_in(stop)).list.any())
        # a known person written another way ("يان لوكون" for the knowledge base's "يان ليكون"): the
        # same consonants, the long vowels aside, are the same person
        people = _arabic_people(str(resources.data_dir()))
        hit = pl.col("name").str.replace_all(_LONG_VOWELS, "").replace_strict(
            {k: v[0] for k, v in people.items()}, default=None, return_dtype=pl.String)
        owner = pl.col("name").str.replace_all(_LONG_VOWELS, "").replace_strict(
            {k: v[1] for k, v in people.items()}, default=None, return_dtype=pl.String)
        parts.append(p_ar.with_columns(
            canonical=pl.coalesce(hit, "canonical"), owner=owner,
            how=pl.when(hit.is_not_null()).then(pl.lit("translit")).otherwise("how"),
            known=hit.is_not_null()))
    return pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()


_LONG_VOWELS = r"[اويى\s]"


@functools.lru_cache(maxsize=4)
def _arabic_people(data_dir: str) -> dict[str, tuple[str, str | None]]:
    """Each known person's Arabic spelling without its long vowels, to (name, organisation)."""
    del data_dir
    g = gazetteer().filter((pl.col("kind") == "person")
                           & pl.col("pattern").str.contains(r"^\p{Arabic}+ \p{Arabic}"))
    seen: dict[str, set[tuple[str, str | None]]] = {}
    for p, c, o in g.select("pattern", "canonical", "owner").iter_rows():
        seen.setdefault(re.sub(_LONG_VOWELS, "", p), set()).add((c, o))
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


def _employers(e: pl.DataFrame, s: pl.DataFrame) -> pl.DataFrame:
    """A person the knowledge base does not know acts for the organisation named nearest them in the
    sentence, within a title's reach ("Yann LeCun, Meta's chief AI scientist")."""
    new = e.filter((pl.col("kind") == "person") & ~pl.col("known") & pl.col("owner").is_null())
    if new.height == 0:
        return e
    orgs = e.filter(pl.col("kind") == "org").select(*_KEY, o0="start", o1="end", employer="canonical")
    near = (new.select(*_KEY, "start", "end").join(orgs, on=_KEY)
            .with_columns(d=pl.min_horizontal((pl.col("o0") - pl.col("end")).abs(),
                                              (pl.col("start") - pl.col("o1")).abs()))
            .filter(pl.col("d") <= EMPLOYER_REACH)
            .sort([*_KEY, "start", "d", "o0"])
            .unique([*_KEY, "start", "end"], keep="first", maintain_order=True)
            .select(*_KEY, "start", "end", "employer"))
    return (e.join(near, on=[*_KEY, "start", "end"], how="left", maintain_order="left")
            .with_columns(owner=pl.when(pl.col("kind") == "person").then(pl.coalesce("owner", "employer"))
                          .otherwise("owner"))
            .drop("employer"))


def _makers(e: pl.DataFrame, s: pl.DataFrame) -> pl.DataFrame:
    """A model with no owner takes the organisation the sentence says makes it, right before it with a
    possessive or right after it with "from", "by", "من": what the article says of a model it does
    not know."""
    # (and a family's member the knowledge base does not list, whose family is another maker's: "شركة
    # لوميو … نموذجها الجديد Nova-2" is Lumio's, though Nova is Amazon's family)
    todo = e.filter((pl.col("kind") == "model") & (pl.col("owner").is_null() | (pl.col("how") == "shape")))
    if todo.height == 0:
        return e
    orgs = e.filter(pl.col("kind") == "org").select(*_KEY, o0="start", o1="end", maker="canonical",
                                                     m_country="country")
    pairs = (
        todo.select(*_KEY, "start", "end").join(orgs, on=_KEY)
        .filter((pl.col("start") - pl.col("o1")).is_between(0, 40)
                | (pl.col("o0") - pl.col("end")).is_between(0, 40))
        .join(s.select(*_KEY, "text_norm"), on=_KEY)
        .with_columns(
            before=pl.when(pl.col("o1") <= pl.col("start"))
            .then(pl.col("text_norm").str.slice(pl.col("o1"), (pl.col("start") - pl.col("o1")).clip(0, 40))),
            after=pl.when(pl.col("o0") >= pl.col("end"))
            .then(pl.col("text_norm").str.slice(pl.col("end"), (pl.col("o0") - pl.col("end")).clip(0, 40))),
        )
        .filter(((pl.col("start") - pl.col("o1")).is_between(0, 40)
                 & pl.col("before").str.contains(_MAKER_BEFORE))
                | ((pl.col("o0") - pl.col("end")).is_between(0, 40)
                   & pl.col("after").str.contains(_MAKER_AFTER)))
        .sort([*_KEY, "start", "o0"])
        .unique([*_KEY, "start", "end"], keep="first", maintain_order=True)
        .select(*_KEY, "start", "end", "maker", "m_country")
    )
    if pairs.height == 0:
        return e
    return (e.join(pairs, on=[*_KEY, "start", "end"], how="left", maintain_order="left")
            .with_columns(owner=pl.when((pl.col("kind") == "model") & (pl.col("how") == "shape"))
                          .then(pl.coalesce("maker", "owner"))
                          .when(pl.col("kind") == "model").then(pl.coalesce("owner", "maker"))
                          .otherwise("owner"),
                          country=pl.when((pl.col("kind") == "model") & pl.col("country").is_null())
                          .then("m_country").otherwise("country"))
            .drop("maker", "m_country"))


# --- who publishes a document ---------------------------------------------------------------------

_SECOND_LEVEL = ["co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "go"]  # "acme.co.uk": acme
_HOST = r"^(?:[a-z][a-z0-9+.\-]*://)?(?:[^@/]*@)?(?:www\.)?([^/?#:\s]+)"


def publishers(docs: pl.DataFrame) -> pl.DataFrame:
    """`docs` with `publisher` and `publisher_basis`: the organisation whose own page the document is.

    - `domain`: its address lies at one of data/kb/domains.csv (a row there without an organisation is
      a platform anyone publishes on, such as medium.com: no publisher);
    - `source`: its `source` is an organisation's name;
    - `host`: else the name its address gives ("blog.acme-ai.dev" → the knowledge base's organisation
      spelt so, else "Acme-ai"). This reads only the first person: "we" on a vendor's blog is the
      vendor, but a news site's name is no maker of the models it writes about.

    A lab's own post says "we released", "أطلقنا"; knowing who "we" is makes those its events.
    """
    none = pl.lit(None, pl.String)
    url = pl.col("url").str.strip_chars().str.to_lowercase() if "url" in docs.columns else none
    src = pl.col("source").str.strip_chars().str.to_lowercase() if "source" in docs.columns else none
    base = docs.select("doc_id", host=url.str.extract(_HOST, 1).str.strip_suffix("."),
                       path=url.str.replace(_HOST, "").str.extract(r"^(/[^?#\s]*)").fill_null("/"),
                       src=src)
    dom = kb.domains()
    # every suffix of the host that is a whole label sequence: "a.milvus.io" → a.milvus.io, milvus.io, io
    by_url = (
        base.drop_nulls("host")
        .with_columns(labels=pl.col("host").str.split("."))
        .with_columns(n=pl.col("labels").list.len())
        .with_columns(k=pl.int_ranges(0, pl.col("n")))
        .explode("k")
        .with_columns(h=pl.col("labels").list.slice(pl.col("k")).list.join("."))
        .join(dom, left_on="h", right_on="host")
        .filter(pl.col("path").str.starts_with(pl.col("prefix")))
        .sort("doc_id", "k", pl.col("prefix").str.len_chars(), descending=[False, False, True])
        .unique("doc_id", keep="first", maintain_order=True)
        .select("doc_id", by_url=pl.col("organisation").replace("", None), listed=pl.lit(True))
    )
    by_src = base.select("doc_id", by_src=pl.col("src").replace_strict(kb._org_names(orgs_only=True),
                                                                        default=None, return_dtype=pl.String))
    # the registrable label: "blog.acme.co.uk" → acme, "acme.dev" → acme; an address that is a number
    # or a bare name gives none
    labels = pl.col("host").str.split(".")
    sld = pl.when((labels.list.len() >= 3) & labels.list.get(-2, null_on_oob=True).is_in(_SECOND_LEVEL)
                  & (labels.list.get(-1, null_on_oob=True).str.len_chars() == 2))
    label = sld.then(labels.list.get(-3, null_on_oob=True)).otherwise(labels.list.get(-2, null_on_oob=True))
    by_host = (
        base.drop_nulls("host")
        .filter(~pl.col("host").str.contains(r"^[\d.]+$|^\[") & pl.col("host").str.contains(r"\."))
        .select("doc_id", label=label)
        .filter(pl.col("label").str.contains(r"^[a-z][a-z0-9-]+$"))
        .select("doc_id", by_host=pl.coalesce(_org_named(pl.col("label")), _title(pl.col("label"))))
    )
    got = (by_src.join(by_url, on="doc_id", how="left").join(by_host, on="doc_id", how="left")
           .with_columns(by_host=pl.when(pl.col("listed").fill_null(False)).then(None).otherwise("by_host")))
    return docs.drop("publisher", "publisher_basis", strict=False).join(
        got.select("doc_id", publisher=pl.coalesce("by_url", "by_src", "by_host"),
                   publisher_basis=pl.when(pl.col("by_url").is_not_null()).then(pl.lit("domain"))
                   .when(pl.col("by_src").is_not_null()).then(pl.lit("source"))
                   .when(pl.col("by_host").is_not_null()).then(pl.lit("host"))),
        on="doc_id", how="left", maintain_order="left",
    )

