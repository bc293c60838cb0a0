"""Events: who opened, delayed or closed which model, when, with the sentence that says it.

Matching runs over whole columns: every alias and cue of the editable tables under `data/vocab/`
(actors.csv, models.csv, cues.csv, event_types.csv) is found with one Aho-Corasick pass over
`sentences.text_norm`, and everything after that (boundaries, longest match, which model and actor a
cue is about, negation and plan scopes, dates) is a join between small frames of matches, so the cost
grows with the number of matches, not with a Python loop over sentences.

How a mention is read from a sentence:
- each model named in the sentence belongs to the nearest event cue within a few words; a cue with no
  model of its own speaks of the organisation (model null) or of "the model" named earlier;
- the actor is the model's owner, else the nearest actor named near the cue (a person stands for the
  organisation unless the event is a statement), else "the company"/"the model" resolved to the last
  one named in the few sentences before;
- a release is an `open_release` or `closed_release` by the openness words near it; a release whose
  openness the sentence does not say is kept only when the same document reports the same model opened;
- a modifier (plan, negation, rumour) reaches forward from where it stands to the next clause break:
  a planned release is an `open_plan`; negation and rumour set `status`;
- the date is the nearest date expression of the sentence of the kind the event takes (a plan its
  due date, a delay the date it missed, anything else when it happened); the publication date only when
  the sentence says it happens now; else null.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

import polars as pl

from analysis import entities, kb, resources, schema, scoring, text
from analysis.triggers import trigger_rows

WINDOW_MODEL = 100  # characters between a cue and a model it can be about (the scorer weighs the distance)
WINDOW_ACTOR = 150  # characters between a cue and an actor it can be about
WINDOW_OPENNESS = 80  # characters between a cue (or its model) and the words that say open or closed
MODIFIER_REACH = 45  # how far forward a plan, negation or rumour word reaches, short of a clause break
DATE_AHEAD = 2  # sentences after an undated event in which its date may be told
CLAUSE_PENALTY = 40  # characters a clause break between a date and the trigger counts for
LOOKBACK = 3  # sentences back in which "the company" or "the model" is looked up
REF_NAMED = 20  # characters after a word for a model within which a name makes it that name's noun
HEADLINE_AHEAD = 2  # sentences after a headline in which the model its "its model" means is named
OPENNESS_CUE_PENALTY = 25  # a model prefers a release verb to an adjective like "open-source" next to it
AFTER_PENALTY = 60  # for events told of their subject (competition), an actor after the cue is the rival
PERSON_PENALTY = 30  # a statement prefers the person who makes it to an organisation named beside
GOVERNS = 8  # characters from a delay word to the release it governs ("تأجيل إصدار")
COORDINATION = 6  # characters between two actors named together ("Google وOpenAI")
# Bounded work (issue 10): at most this many matches of a sentence are paired, the first by position
# (news sentences hold fewer than 12; sentences are at most text.MAX_SENTENCE_CHARS long).
MAX_MATCHES_PER_SENTENCE = 48
HEAD_REACH = 40  # characters from an open word to the noun it qualifies ("open-source vector database")
WHOLE_WORD = 3  # a plan, negation or rumour word this short matches only as a whole word ("not", "قد")
PRIVATIVE_REACH = 30  # characters from "without", "دون" to the release or open words it denies

# openness words that speak of a model's weights or licence, not of whatever noun they qualify
WEIGHTS_WORDS = r"weight|اوزان|hugging|هاغينغ|هاجينج|\bmit\b|apache|اباتشي|magnet|torrent|download|تحميل"
_CHANNEL = r"(?:\bthrough|\bvia|\binside|(?:^|\s)(?:عبر|داخل|من خلال))\s+(?:the\s+|its\s+|their\s+)?$"
_CLAUSE_BREAK = r"[،,;؛:.!?؟–—\"«»()\[\]]| - "
# a pronoun opening the sentence as the subject of what follows ("It's open source", "They are released",
# "إنه مفتوح المصدر بالكامل")
_PRONOUN_SUBJECT = (r"^[\s\"'“(]*(?:it|they)(?:['’](?:s|re)\b|\s+(?:is|are|was|were|has|have|had|will|would"
                    r"|can|now|also|ships|ship|comes|come|remains|remain|stays|stay)\b)"
                    r"|^[\s\"«(]*[وف]?(?:انه|انها|انهما|انهم)\s")
# from a model to a cue in the relative clause or the apposition that follows it: ", which is now
# proprietary", ", an open-source vector database", "، الذي يعد", "، وهي قاعدة بيانات مفتوحة المصدر"
_REL_OPEN = (r"[,،]\s*(?:which|who|that|an?|(?:و)?(?:الذي|التي|اللذان|اللتان|الذين|هو|هي))\s+"
             r"[^,،;؛:.!?؟()\[\]]*$")
_RELATIVE = rf"^\s*{_REL_OPEN}"
# ... or after a later name (capitalised in English, any Latin word in Arabic): "using Milvus, an
# open-source database"
_RELATIVE_LATER_EN = rf"^(.*?\s[A-Z][\w.-]*)\s*{_REL_OPEN}"
_RELATIVE_LATER_AR = rf"^(.*?\s[a-z][\w.-]*)\s*{_REL_OPEN}"
_LEFT_OK = r"(?:^|[^\p{L}\p{N}])(?:و|ف|ب|ل|ك|ال|وال|بال|فال|لل|كال|ول|وب|وس|س)?$"
_ALNUM = r"^[\p{L}\p{N}]"
_TRIGGERS = ("event", "release", "openness")
_MODIFIERS = ("future", "negation", "speculation")
_STATUS_RANK = {"negated": 0, "reported": 1, "planned": 2, "realized": 3}
_KEY = ["doc_id", "sentence_idx"]
_PRECISION_LEN = {"year": 4, "month": 7, "day": 10}


# --- vocabularies ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lexicon:
    """Every alias and cue, normalised like `text_norm`, with what a match of it means."""

    patterns: list[str]
    triggers: list[str]
    info: pl.DataFrame  # pattern, kind, name, org, person, event_type, openness, group
    event_types: pl.DataFrame  # event_type, takes_model, date_kinds, keep_person
    whole_words: list[str] = ()  # type: ignore[assignment]  # short modifiers matched as whole words


def _variants(alias: str) -> list[str]:
    """A Latin alias with spaces or hyphens as news writes it: "Grok 3", "Grok3", "Grok-3"."""
    parts = re.split(r"[ \-]+", alias.strip())
    if len(parts) == 1 or not re.search(r"[A-Za-z]", alias):
        return [alias.strip()]
    return list(dict.fromkeys([alias.strip(), " ".join(parts), "".join(parts), "-".join(parts)]))


@functools.lru_cache(maxsize=4)
def _lexicon(data_dir: str) -> Lexicon:
    del data_dir  # the cache key: a user who points OPENNESS_DATA elsewhere gets that folder's tables
    cols = ["cue", "role", "event_type", "openness"]
    cues = pl.concat([resources.read_vocab("vocab", "cues.csv").select(cols).with_columns(
                          needs=pl.lit(None, pl.String), we=pl.lit(False)),
                      trigger_rows().select(*cols, "needs", "we")])
    etypes = resources.read_vocab("vocab", "event_types.csv").with_columns(
        takes_model=pl.col("takes_model").str.strip_chars() == "yes",
        keep_person=pl.col("keep_person").str.strip_chars() == "yes",
        subject_first=pl.col("subject_first").str.strip_chars() == "yes",
        # "scheduled|due>point": the kinds before ">" first; those after only when none of them is found
        date_kinds=pl.col("date_kinds").str.strip_chars().str.split(">").list.eval(pl.element().str.split("|")),
    )
    rows: list[dict] = []
    for r in cues.iter_rows(named=True):
        rows.append(
            {
                "alias": r["cue"],
                "kind": (r["role"] or "").strip(),
                "event_type": r["event_type"] or None,
                "openness": r["openness"] or None,
                "person": False,
                "needs": r["needs"],
                "we": r["we"],
            }
        )
    info = (
        pl.DataFrame(
            rows,
            schema={
                "alias": pl.String,
                "kind": pl.String,
                "name": pl.String,
                "org": pl.String,
                "person": pl.Boolean,
                "event_type": pl.String,
                "openness": pl.String,
                "needs": pl.String,
                "we": pl.Boolean,
            },
        )
        .with_columns(pattern=text.normalize_expr(pl.col("alias").str.strip_chars()))
        .filter(pl.col("pattern").str.len_chars() > 0)
        .drop("alias")
        .unique(maintain_order=True)
    )
    # ل before the article drops its alif ("للشركة" is ل + الشركة): a pattern that opens with ال is
    # found in that form too
    lil = (info.filter(pl.col("pattern").str.contains(r"^ال\p{Arabic}{2}"))
           .with_columns(pattern=pl.lit("لل") + pl.col("pattern").str.slice(2)))
    info = pl.concat([info, lil]).unique(maintain_order=True)
    group = info.group_by("pattern", maintain_order=True).agg(
        group=pl.when(pl.col("kind").is_in(["actor", "model"]).any())
        .then(pl.lit("entity"))
        .otherwise(pl.lit("cue"))
    )
    info = info.join(group, on="pattern", how="left", maintain_order="left")
    patterns = sorted(set(info["pattern"].to_list()))
    triggers = sorted(set(info.filter(pl.col("kind").is_in(_TRIGGERS))["pattern"].to_list()))
    whole = (info.group_by("pattern").agg(mod=pl.col("kind").is_in([*_MODIFIERS, "now", "privative"]).all())
             .filter(pl.col("mod") & (pl.col("pattern").str.len_chars() <= WHOLE_WORD)))
    return Lexicon(patterns, triggers, info, etypes, sorted(whole["pattern"].to_list()))


def _actor_patterns() -> set[str]:
    g = entities.gazetteer()
    return set(g.filter(pl.col("kind").is_in(["org", "person"]))["pattern"].to_list())


def lexicon() -> Lexicon:
    """The vocabularies of the current data folder, read once."""
    return _lexicon(str(resources.data_dir()))


# --- matching -------------------------------------------------------------------------------------


def find_matches(sentences: pl.DataFrame, lex: Lexicon) -> pl.DataFrame:
    """Every alias and cue occurrence: one row per (sentence, match) with character offsets.

    One Aho-Corasick pass finds candidates in whole columns; a match must start on a word boundary
    (Arabic clitics allowed before it); an actor or model must also end on one; a match inside a
    longer match of the same group (entity or cue) gives way to it: "Grok 3" over "Grok".
    """
    s = sentences.select(*_KEY, "text_norm").filter(pl.col("text_norm").str.contains_any(lex.patterns))
    m = (
        text.find_literals(s, lex.patterns)
        .join(lex.info.select("pattern", "group").unique(), on="pattern", how="left")
    )
    lo = pl.max_horizontal(pl.col("start") - 4, pl.lit(0))
    before = pl.col("text_norm").str.slice(lo, pl.col("start") - lo)
    after = pl.col("text_norm").str.slice(pl.col("end"), 1)
    # a short function word ("not", "if", "لم", "قد") is a whole word: "notably", "IFEval", "للمؤسسات"
    # and "قدرات" hold none of them
    whole = (pl.col("group") != "cue") | pl.col("pattern").is_in(lex.whole_words)
    m = m.filter(before.str.contains(_LEFT_OK) & ~(whole & after.str.contains(_ALNUM)))
    # a trigger row may need its sentence to speak of something ("requires" is a licence's restriction
    # only in a sentence about a licence, terms or a policy: the `needs` column of triggers.csv); the
    # sentence before counts too, and a line up to LOOKBACK sentences back that opens a list with its
    # colon: the items of a list of terms follow the line that names the licence
    needs = lex.info.drop_nulls("needs").select("pattern", "needs").unique("pattern", keep="first")
    if needs.height:
        m = m.join(needs, on="pattern", how="left")
        asks = m.filter(pl.col("needs").is_not_null())
        if asks.height:
            # (only the sentences before an asking match are read: a few, not the whole corpus, per join)
            back = pl.col("sentence_idx") - pl.int_ranges(1, LOOKBACK + 1)
            wanted = asks.select(_KEY).unique().with_columns(back).explode("sentence_idx")
            near = sentences.select(*_KEY, "text_norm").join(wanted.unique(), on=_KEY, how="semi")
            for k in range(1, LOOKBACK + 1):
                prev = near.select("doc_id", pl.col("sentence_idx") + k, **{f"prev{k}": "text_norm"})
                asks = asks.join(prev, on=_KEY, how="left")
            # (the list's markers are gone by now: its colon tells where it opens)
            ctx = pl.col("prev1").fill_null("")
            for k in range(2, LOOKBACK + 1):
                opens = pl.col(f"prev{k}").fill_null("").str.contains(r"[:：]\s*$")
                ctx = (pl.when(opens).then(pl.concat_str([pl.col(f"prev{k}"), ctx], separator="\n"))
                       .otherwise(ctx))
            ctx = pl.concat_str([ctx, pl.col("text_norm")], separator="\n")
            asks = (asks.filter(ctx.str.contains(pl.col("needs")))
                    .drop([f"prev{k}" for k in range(1, LOOKBACK + 1)]))
        m = pl.concat([m.filter(pl.col("needs").is_null()), asks]).drop("needs")
    # containment: sorted by start then longest first, a match whose end does not pass the furthest
    # end seen before it in its sentence and group lies inside an earlier match
    m = m.sort([*_KEY, "group", "start", "end"], descending=[False, False, False, False, True])
    m = m.filter(text.passes_earlier("end", [*_KEY, "group"]))
    # bounded work; only a sentence with more matches than that has any to leave out
    if m.select((text.index_in_run(_KEY) >= MAX_MATCHES_PER_SENTENCE).any()).item():
        m = m.filter(pl.col("start").rank("ordinal").over(_KEY) <= MAX_MATCHES_PER_SENTENCE)
    # a reference written with a capital inside it is part of a name: "the Model Context Protocol" is
    # no "the model", "the Company Act" no "the company"
    if "text" in sentences.columns:
        refs = lex.info.filter(pl.col("kind").is_in(["actor_ref", "model_ref"]))["pattern"].unique()
        asked = m.filter(pl.col("pattern").is_in(refs.implode()))
        if asked.height:
            written = pl.col("text").str.slice(pl.col("start") + 1, pl.col("end") - pl.col("start") - 1)
            named = (asked.join(sentences.select(*_KEY, "text"), on=_KEY)
                     .filter((pl.col("text").str.len_chars() == pl.col("text_norm").str.len_chars())
                             & written.str.contains(r"\p{Lu}"))
                     .select(*_KEY, "start", "pattern"))
            m = m.join(named, on=[*_KEY, "start", "pattern"], how="anti")
    return m.select(*_KEY, "pattern", "start", "end", "text_norm")


def _gap(a0: str, a1: str, b0: str, b1: str) -> pl.Expr:
    """Characters between two spans, 0 when they touch or overlap."""
    return pl.max_horizontal(pl.col(b0) - pl.col(a1), pl.col(a0) - pl.col(b1), pl.lit(0))


# row numbers given to a frame: they follow the frame's order, which differs between engines and batches
_ROW_IDS = frozenset({"row", "cue_id", "mkey"})


def _first(df: pl.DataFrame, by: list[str], order: list[str], descending: list[str] = ()) -> pl.DataFrame:
    """The first row of each group under `order` (the columns in `descending` largest first), ties
    broken by every other column's value.

    Never by the frame's row order: the same document must give the same pick built alone, in a
    batch or on a worker.
    """
    nested = (pl.List, pl.Struct, pl.Array, pl.Object)
    skip = {*by, *order, *_ROW_IDS}
    rest = [c for c, t in df.schema.items() if c not in skip and not isinstance(t, nested)]
    cols = [*by, *order, *rest]
    # only the rows that tie with their group's first on `by` and `order` can be picked: a sort on those
    # few columns finds them, so the sort on every column (long texts among them) reads only those rows
    head = [*by, *order]
    df = df.sort(head, descending=[c in descending for c in head], nulls_last=True, maintain_order=True)
    at = text.index_in_run(by)
    first = pl.int_range(pl.len(), dtype=pl.Int64) - at  # the row of each group's first
    ties = []
    for c in order:
        v, v0 = pl.col(c), pl.col(c).gather(first)
        same = v.eq_missing(v0)
        ties.append(same | (v.is_nan() & v0.is_nan()) if df.schema[c].is_float() else same)
    if ties:
        df = df.filter(pl.all_horizontal(ties))
    # where no group keeps two rows, they are the picks, already in the order the full sort gives them
    if not df.select((at > 0).any()).item():
        return df
    return (df.sort(cols, descending=[c in descending for c in cols], nulls_last=True, maintain_order=True)
            .unique(subset=by, keep="first", maintain_order=True))


# --- mentions -------------------------------------------------------------------------------------


def _found(m: pl.DataFrame, lex: Lexicon, which: pl.Expr) -> pl.DataFrame:
    """The matches of `m` whose pattern has a row of `lex.info` that `which` holds for, once each."""
    return m.join(lex.info.filter(which).select("pattern").unique(), on="pattern")


def _drop_across(
    pairs: pl.DataFrame, m: pl.DataFrame, lex: Lexicon, which: pl.Expr, lo: pl.Expr, hi: pl.Expr,
    key: list[str],
) -> pl.DataFrame:
    """`pairs` without the rows that have a cue `which` picks (of `lex.info`) between `lo` and `hi` in
    their sentence."""
    found = _found(m, lex, which).select(*_KEY, k_start="start")
    crossed = pairs.join(found, on=_KEY).filter(pl.col("k_start").is_between(lo, hi)).select(key).unique()
    return pairs.join(crossed, on=key, how="anti")


def _lookback(todo: pl.DataFrame, seen: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """`todo` rows joined to the `seen` rows of the LOOKBACK sentences before theirs.

    Bounded work (issue 10): one equi-join on the sentence index, so a row meets at most LOOKBACK
    sentences' matches, never the whole document's.
    """
    back = todo.with_columns(sentence_idx_e=pl.col("sentence_idx") - pl.int_ranges(1, LOOKBACK + 1))
    return back.explode("sentence_idx_e").join(seen, on=[*on, "sentence_idx_e"])


def _between(lo: str, hi: str) -> pl.Expr:
    """The normalised text from offset column `lo` to offset column `hi` (empty when `hi` comes first)."""
    return pl.col("text_norm").str.slice(pl.col(lo), (pl.col(hi) - pl.col(lo)).clip(0))


def _preceded(rows: pl.DataFrame, words: pl.DataFrame, at: str, reach: int) -> pl.Series:
    """Whether each of `rows` (with `text_norm` and the offset `at`) follows one of `words` (matches:
    key, end) within `reach` characters and no clause break."""
    gap = pl.col(at) - pl.col("w_end")
    between = _between("w_end", at)
    hit = (rows.select(*_KEY, at, "text_norm").join(words.select(*_KEY, w_end="end"), on=_KEY)
           .filter(gap.is_between(0, reach) & ~between.str.contains(_CLAUSE_BREAK))
           .select(*_KEY, at).unique().with_columns(_hit=pl.lit(True)))
    return rows.join(hit, on=[*_KEY, at], how="left", maintain_order="left")["_hit"].fill_null(False)


def _denied(rows: pl.DataFrame, m: pl.DataFrame, lex: Lexicon, at: str) -> pl.Series:
    """Whether each of `rows` (with `text_norm` and the offset `at`) follows a privative word ("without",
    "دون", data/vocab/cues.csv) within PRIVATIVE_REACH characters and no clause break: "launched o3-mini
    without releasing the weights" denies the release and the weights, it does not say them."""
    return _preceded(rows, _found(m, lex, pl.col("kind") == "privative"), at, PRIVATIVE_REACH)


def _marks(m: pl.DataFrame, lex: Lexicon, words: pl.DataFrame) -> pl.DataFrame:
    """The open and closed words of `words` (rows of `lex.info`) found in `m`: (key, o_start, o_end,
    o_open); one a privative word denies is closed ("without its weights", "دون نشر أوزانه")."""
    marks = m.join(words.select("pattern", "openness"), on="pattern")
    return marks.with_columns(
        openness=pl.when(_denied(marks, m, lex, "start")).then(pl.lit("closed")).otherwise("openness")
    ).select(*_KEY, o_start="start", o_end="end", o_open="openness")


PERMISSION_REACH = 30  # characters from "allows", "يسمح" to the use it allows ("يسمح بالاستخدام التجاري")
DENIED_REACH = 12  # characters from a negation to the permission it denies ("does not allow", "لا يسمح")


def _permitted(cues: pl.DataFrame, m: pl.DataFrame, lex: Lexicon) -> pl.DataFrame:
    """`cues` without the licence restrictions a permission grants instead ("Apache 2.0, which allows
    commercial use", "بترخيص MIT الذي يسمح بالاستخدام التجاري", "ويمكن استخدامه تجاريا"): the words of a
    use are a restriction only where something denies them; a permission itself denied ("does not allow",
    "لا يسمح") is a restriction still."""
    perms = _found(m, lex, pl.col("kind") == "permission")
    if perms.height == 0:
        return cues
    negations = _found(m, lex, pl.col("kind") == "negation")
    perms = perms.filter(~_preceded(perms, negations, "start", DENIED_REACH))
    granted = (pl.col("cue_type") == "licence_restriction").fill_null(False) & _preceded(
        cues, perms, "cue_start", PERMISSION_REACH)
    return cues.filter(~granted)


def _candidates(m: pl.DataFrame, lex: Lexicon, ents: pl.DataFrame) -> pl.DataFrame:
    """Cues with the model each is about (or none): one row per (cue, model)."""
    cues = (
        m.join(lex.info.filter(pl.col("kind").is_in(_TRIGGERS)), on="pattern")
        .select(
            *_KEY,
            "text_norm",
            cue_start="start",
            cue_end="end",
            role="kind",
            cue_type="event_type",
            cue_openness="openness",
            cue_we="we",
        )
        .sort([*_KEY, "cue_start", "cue_end", "role", "cue_type", "cue_openness", "cue_we"], nulls_last=True)
        .unique([*_KEY, "cue_start", "cue_end", "role", "cue_type"], keep="first", maintain_order=True)
        .join(
            lex.event_types.select("event_type", "takes_model"),
            left_on="cue_type",
            right_on="event_type",
            how="left",
        )
        .with_columns(takes_model=pl.col("takes_model").fill_null(True))
        .sort([*_KEY, "cue_start", "cue_end", "role", "cue_type"])
    )
    # a release or open word a privative denies ("without releasing the weights") is no event of its own;
    # it makes the release it qualifies closed (`_marks`)
    cues = cues.filter(~(pl.col("role").is_in(["release", "openness"]) & _denied(cues, m, lex, "cue_start")))
    cues = _permitted(cues, m, lex)
    cues = cues.with_row_index("cue_id")
    models = ents.filter(pl.col("kind") == "model").select(
        *_KEY, m_start="start", m_end="end", model="canonical", owner="owner"
    )
    pairs = (
        models.join(cues.filter("takes_model"), on=_KEY)
        .with_columns(
            gap=_gap("m_start", "m_end", "cue_start", "cue_end")
            + pl.when(pl.col("role") == "openness").then(OPENNESS_CUE_PENALTY).otherwise(0)
        )
        .filter(pl.col("gap") <= WINDOW_MODEL)
        .with_columns(after=(pl.col("cue_start") > pl.col("m_start")).cast(pl.Int8))
    )
    # a model named after a cause word ("the delay, blamed on Kimi's strong showing", "التأجيل بسبب
    # أداء Kimi") is the cause, not what the event is about
    pairs = _drop_across(pairs, m, lex, pl.col("kind") == "cause", pl.col("cue_end"), pl.col("m_start"),
                         ["cue_id", "m_start"])
    # nor is a model named after a word of competing ("يطرح نموذجا مفتوحا لمنافسة GPT-5", "released to
    # rival GPT-5"): the rival, not what is released
    released = pl.col("role").is_in(["release", "openness"])
    pairs = pl.concat([pairs.filter(~released),
                       _drop_across(pairs.filter(released), m, lex, pl.col("event_type") == "competition",
                                    pl.col("cue_end"), pl.col("m_start"), ["cue_id", "m_start"])])
    pairs = _foiled(_relative(pairs, ents.filter(pl.col("kind") != "model")), m, lex)
    # each model takes its nearest cue; a licence's terms are a second event of the same model ("Meta
    # released Llama 3, but its licence caps large users"), so a model also takes its nearest of those
    pairs = _first(pairs.with_columns(terms=(pl.col("cue_type") == "licence_restriction").fill_null(False)),
                   [*_KEY, "m_start", "terms"], ["gap", "after", "cue_start"])
    # a model named as the way to reach another ("launched o3-mini through ChatGPT", "عبر ChatGPT") is
    # the channel, not what is launched, when the cue has a model of its own
    lead = pl.min_horizontal(pl.col("m_start"), 16)
    channel = (pl.col("text_norm").str.slice(pl.col("m_start") - lead, lead)
               .str.contains(_CHANNEL)).fill_null(False)
    pairs = pairs.with_columns(channel=channel)
    direct = pairs.filter(~pl.col("channel")).select("cue_id").unique()
    pairs = pl.concat([pairs.filter(~pl.col("channel")),
                       pairs.filter(pl.col("channel")).join(direct, on="cue_id", how="anti")]).select(
        "cue_id", "model", "owner", "m_start"
    )
    with_model = cues.join(pairs, on="cue_id").with_columns(m_list=pl.lit(False))
    without = cues.join(pairs, on="cue_id", how="anti")
    listed = _listed(without, ents)
    listed = pl.concat([listed, _counted(without.join(listed, on="cue_id", how="anti"), ents)])
    without = without.join(listed, on="cue_id", how="anti").with_columns(
        model=pl.lit(None, pl.String), owner=pl.lit(None, pl.String), m_start=pl.lit(None, pl.Int64),
        m_list=pl.lit(False),
    )
    listed = cues.join(listed, on="cue_id")
    return pl.concat([with_model, without.select(with_model.columns),
                      listed.select(with_model.columns)]).sort("cue_id", "m_start", "model")


def _relative(pairs: pl.DataFrame, orgs: pl.DataFrame) -> pl.DataFrame:
    """A cue in a relative clause that opens right after a model ("Unlike Claude Code, which is
    proprietary, Cline is open source", "Claude Code، الذي يعد مغلقا،") is about that model: the
    cue's pairs with the sentence's other models go. So is one in the clause or apposition of a word
    after the model ("with GPT-4o using Milvus, an open-source vector database" is not GPT-4o's), whether
    or not that word was read as a name."""
    between = _between("m_end", "cue_start")
    before = pl.col("m_end") <= pl.col("cue_start")
    # (the word the clause follows is a Latin name that is no organisation: "Jais from Inception, an
    # open-weight model" is still Jais's)
    arabic = pl.col("text_norm").str.contains(r"\p{Arabic}")
    head = (pl.when(arabic).then(between.str.extract(_RELATIVE_LATER_AR, 1))
            .otherwise(between.str.extract(_RELATIVE_LATER_EN, 1)))
    later = pairs.filter(before & head.is_not_null() & ~between.str.contains(_RELATIVE)).with_columns(
        h_end=pl.col("m_end") + head.str.len_chars().cast(pl.Int64))
    if later.height:
        org_ends = orgs.select(*_KEY, h_end="end").unique()
        later = later.join(org_ends, on=[*_KEY, "h_end"], how="anti").select("cue_id", "m_start")
        pairs = pairs.join(later, on=["cue_id", "m_start"], how="anti")
    owned = (pairs.filter(before & between.str.contains(_RELATIVE))
             .select("cue_id", own="m_start").unique())
    if owned.height == 0:
        return pairs
    return (pairs.join(owned, on="cue_id", how="left")
            .filter(pl.col("own").is_null() | (pl.col("own") == pl.col("m_start"))).drop("own"))


def _foiled(pairs: pl.DataFrame, m: pl.DataFrame, lex: Lexicon) -> pl.DataFrame:
    """A model named right after a foil ("Unlike o1, it can be downloaded", "على عكس GPT-4، يمكن تنزيله")
    is set against the sentence: its pairs with cues past the clause that names it go, unless the cue is
    in a relative clause of its own ("Unlike Claude Code, which is proprietary, …")."""
    foils = _found(m, lex, pl.col("kind") == "foil").select(*_KEY, f_end="end")
    if foils.height == 0 or pairs.height == 0:
        return pairs
    gap, between = _between("f_end", "m_start"), _between("m_end", "cue_start")
    set_against = (
        pairs.join(foils, on=_KEY)
        .filter((pl.col("f_end") <= pl.col("m_start")) & gap.str.contains(r"^\s*(?:the\s+)?(?:ال)?$")
                & (pl.col("cue_start") >= pl.col("m_end")) & between.str.contains(_CLAUSE_BREAK)
                & ~between.str.contains(_RELATIVE))
        .select("cue_id", "m_start").unique()
    )
    return pairs.join(set_against, on=["cue_id", "m_start"], how="anti")


def _listed(cues: pl.DataFrame, ents: pl.DataFrame) -> pl.DataFrame:
    """The models a cue's sentence lists after its colon ("We are releasing two checkpoints today:"
    then "corvus-small: …", "corvus-base: …"): the list heads of the sentences right after it, one
    row per (cue, model), with no position in the cue's sentence (`m_start` null)."""
    heads = ents.filter((pl.col("kind") == "model") & (pl.col("how") == "list")).select(
        "doc_id", j="sentence_idx", model="canonical", owner="owner")
    opens = cues.filter(pl.col("takes_model") & pl.col("text_norm").str.strip_chars().str.ends_with(":"))
    if heads.height == 0 or opens.height == 0:
        return pl.DataFrame(schema={"cue_id": pl.UInt32, "model": pl.String, "owner": pl.String,
                                    "m_start": pl.Int64, "m_list": pl.Boolean})
    return (
        opens.select("cue_id", "doc_id", "sentence_idx")
        .with_columns(j=pl.col("sentence_idx") + pl.int_ranges(1, entities.LIST_ITEMS + 2))
        .explode("j")
        .join(heads, on=["doc_id", "j"])
        .sort("cue_id", "j")
        # the list is the run of items right after the colon, or after a table's header row there (the
        # entities stage reads it so)
        .with_columns(j0=pl.col("j").min().over("cue_id"))
        .filter((pl.col("j0") - pl.col("sentence_idx") <= 2)
                & (pl.col("j") - pl.col("j0") == pl.int_range(0, pl.len()).over("cue_id")))
        .unique(["cue_id", "model"], keep="first", maintain_order=True)
        .select("cue_id", "model", "owner", m_start=pl.lit(None, pl.Int64), m_list=pl.lit(True))
    )


# a count of models a release speaks of, named in the sentences that follow ("released two open-weight
# models. The larger model, gpt-oss-120b, … The smaller gpt-oss-20b …"): number words and Arabic duals
_COUNTS = {"two": 2, "both": 2, "pair": 2, "three": 3, "four": 4, "five": 5,
           "اثنين": 2, "نموذجين": 2, "نموذجان": 2, "ثلاث": 3, "اربع": 4, "خمس": 5}
_COUNTED = (r"\b(two|three|four|five|both|pair)\s+(?:of\s+)?(?:[\w-]+\s+){0,3}?models\b"
            r"|(?:^|\s)[وبل]?(?:ال)?(نموذجين|نموذجان)"
            r"|(?:^|\s)(ثلاث|اربع|خمس)\p{Arabic}*\s+(?:\p{Arabic}+\s+)?نماذج")
_UP_TO_COUNT = rf"^(.*?(?:{_COUNTED}))"  # (group 1: the text up to the count's end)
COUNT_AHEAD = 2  # sentences after a counted release in which its models are named
COUNT_NAMED = 30  # characters after the count within which models named are the counted ones


def _counted(cues: pl.DataFrame, ents: pl.DataFrame) -> pl.DataFrame:
    """The models a release counts without naming ("released two open-weight models", "أطلقت نموذجين"),
    named in the next COUNT_AHEAD sentences: the first that many models named there, one row per
    (cue, model), with no position in the cue's sentence (`m_start` null)."""
    empty = pl.DataFrame(schema={"cue_id": pl.UInt32, "model": pl.String, "owner": pl.String,
                                 "m_start": pl.Int64, "m_list": pl.Boolean})
    cues = cues.filter(pl.col("takes_model"))
    # the count's words first (one literal pass), the pattern only on the few sentences that hold one
    texts = cues.select(*_KEY, "text_norm").unique(_KEY)
    texts = texts.filter(pl.col("text_norm").str.contains_any(list(_COUNTS)))
    texts = texts.filter(pl.col("text_norm").str.contains(_COUNTED))
    if texts.height == 0:
        return empty
    said = cues.join(texts.select(_KEY), on=_KEY)
    word = pl.coalesce([pl.col("text_norm").str.extract(_COUNTED, k) for k in (1, 2, 3)])
    said = (said.with_columns(n=word.replace_strict(_COUNTS, default=None, return_dtype=pl.Int64))
            .drop_nulls("n"))
    models = ents.filter(pl.col("kind") == "model")
    # models named right after the count are the ones counted, and the sentence's own cue takes them
    # ("نموذجين مفتوحي المصدر هما A و B")
    upto = pl.col("text_norm").str.extract(_UP_TO_COUNT, 1).str.len_chars().cast(pl.Int64)
    here = (said.select("cue_id", *_KEY, upto=upto)
            .join(models.select(*_KEY, "start"), on=_KEY)
            .filter((pl.col("start") >= pl.col("upto")) & (pl.col("start") - pl.col("upto") <= COUNT_NAMED)))
    said = said.join(here.select("cue_id").unique(), on="cue_id", how="anti")
    # a model of a known owner counts only for an organisation its sentence names
    orgs = ents.filter(pl.col("kind") == "org").select(*_KEY, org=pl.coalesce("owner", "canonical"))
    named = (models.sort("doc_id", "sentence_idx", "start")
             .select("doc_id", j="sentence_idx", model="canonical", owner="owner", at="start"))
    got = (
        said.select("cue_id", "doc_id", "sentence_idx", "n")
        .with_columns(j=pl.col("sentence_idx") + pl.int_ranges(1, COUNT_AHEAD + 1))
        .explode("j")
        .join(named, on=["doc_id", "j"])
        .join(orgs.group_by(_KEY).agg(orgs="org"), on=_KEY, how="left")
        .filter(pl.col("owner").is_null() | pl.col("orgs").list.contains(pl.col("owner")).fill_null(False))
        .sort("cue_id", "j", "at")
        .unique(["cue_id", "model"], keep="first", maintain_order=True)
        .filter(pl.int_range(0, pl.len()).over("cue_id") < pl.col("n"))
    )
    if got.height == 0:
        return empty
    return got.select("cue_id", "model", "owner", m_start=pl.lit(None, pl.Int64), m_list=pl.lit(True))


@functools.lru_cache(maxsize=4)
def _first_person_re(data_dir: str) -> str:
    del data_dir  # the cache key, as in `_lexicon`
    forms = resources.read_vocab("vocab", "first_person.csv")["form"].str.strip_chars().to_list()
    words = "|".join(sorted({re.escape(f) for f in forms if f}, key=len, reverse=True))
    return rf"^(.*(?:^|[^\p{{L}}\p{{N}}'’])(?:[وفبل])?(?:{words}))(?:$|[^\p{{L}}\p{{N}}])"


FIRST_PERSON_REACH = 80  # characters before a trigger in which "we", "قمنا" speak for the publisher
_SUFFIX_WE = r"^\S*\p{Arabic}نا(?:ه|ها|هم|هما)?(?:$|[^\p{L}])"


def _first_person(cand: pl.DataFrame) -> pl.DataFrame:
    """Candidates whose trigger the writer speaks in the first person ("we open-sourced", "أطلقناه",
    "قمنا بإطلاق", the imperfect's ن in "سننشر"), with the characters between that word and the
    trigger (`s_gap`)."""
    pat = _first_person_re(str(resources.data_dir()))
    lead = pl.min_horizontal(pl.col("cue_start"), FIRST_PERSON_REACH)
    before = pl.col("text_norm").str.slice(pl.col("cue_start") - lead, lead)
    word = pl.col("text_norm").str.slice(pl.col("cue_start"), 40)
    return (
        cand.select("row", "text_norm", "cue_start", "cue_we")
        .with_columns(upto=before.str.extract(pat, 1).str.len_chars(), lead=lead)
        .with_columns(
            s_gap=pl.when(word.str.contains(_SUFFIX_WE) | pl.col("cue_we").fill_null(False)).then(0)
            .when(pl.col("upto").is_not_null()).then(pl.col("lead") - pl.col("upto"))
        )
        .drop_nulls("s_gap")
        .select("row", pl.col("s_gap").cast(pl.Int64))
    )


# the words before "such as" / "مثل", and the nouns of those that are organisations or models
_EXAMPLE_OF = r"(\S+(?:\s+\S+)?)\s+(?:such as|like|including|مثل)\s*$"
_ACTOR_KINDS = (r"compan|lab|firm|startup|start-up|model|rival|developer|player|giant|competitor|maker"
                r"|provider|شرك|مختبر|نموذج|نماذج|منافس|عمالق|مطور|لاعب")


def _venues(ents: pl.DataFrame, passes: int = 3) -> pl.DataFrame:
    """The organisations listed after one named as a place or a source are places or sources too:
    "recruits who joined from OpenAI, Google DeepMind and Anthropic", "على منصتي هاغينغ فيس وموديل سكوب"
    (`venue` carried along a list joined by commas, "and", "و", up to `passes` names on)."""
    org = pl.col("kind").is_in(["org", "person"])
    if not ents.filter(org)["venue"].any():
        return ents
    e = (ents.filter(org).select(*_KEY, "start", "end", "text_norm", "venue")
         .unique([*_KEY, "start"], keep="first", maintain_order=True).sort([*_KEY, "start"]))
    for _ in range(passes):
        gap = pl.col("text_norm").str.slice(pl.col("p_end"), (pl.col("start") - pl.col("p_end")).clip(0, 12))
        joined = (pl.col("start") >= pl.col("p_end")) & gap.str.contains(r"^\s*(?:,|،|\band\b|&)?\s*و?\s*$")
        # (sorted by sentence then start: the row before is the name before, when of the same sentence)
        same = (pl.col("doc_id") == pl.col("doc_id").shift(1)) & (
            pl.col("sentence_idx") == pl.col("sentence_idx").shift(1))
        e = (e.with_columns(p_end=pl.when(same).then(pl.col("end").shift(1)),
                            p_venue=pl.when(same).then(pl.col("venue").shift(1)))
             .with_columns(venue=pl.col("venue")
                           | (pl.col("p_venue").fill_null(False) & joined.fill_null(False)))
             .drop("p_end", "p_venue"))
    return (ents.join(e.select(*_KEY, "start", v2="venue"), on=[*_KEY, "start"], how="left",
                      maintain_order="left")
            .with_columns(venue=pl.col("venue") | (org & pl.col("v2").fill_null(False))).drop("v2"))


# a model an earlier or later sentence names may be the candidate's: the actor's own, or one the
# knowledge base knows no owner of ("We are releasing Nova-2 ... We will publish its weights")
_OWN_MODEL = pl.col("actor").is_null() | pl.col("e_owner").is_null() | (pl.col("actor") == pl.col("e_owner"))


def _the_company(todo: pl.DataFrame, orgs_seen: pl.DataFrame) -> pl.DataFrame:
    """For each `todo` row (row, doc_id, sentence_idx), the organisation "the company" means: of those
    named in the LOOKBACK sentences before (`orgs_seen`, `direct` where the organisation itself is named
    rather than a model of its), the one the article names itself in most sentences (its subject:
    "compete with DeepSeek and Alibaba", "نماذج مغلقة مثل GPT-5" do not make Alibaba or OpenAI "the
    startup" of an article about StepFun or Zhipu), then the last named. (row, e_org)"""
    salience = (orgs_seen.filter("direct").group_by("doc_id", "e_org")
                .agg(named=pl.col("sentence_idx_e").n_unique()))
    return (
        _lookback(todo, orgs_seen, ["doc_id"])
        .filter(
            (pl.col("sentence_idx_e") < pl.col("sentence_idx"))
            & (pl.col("sentence_idx_e") >= pl.col("sentence_idx") - LOOKBACK)
        )
        .join(salience, on=["doc_id", "e_org"], how="left")
        .with_columns(pl.col("named").fill_null(0))
        .pipe(_first, ["row"], ["named", "sentence_idx_e", "start_e"], ["named", "sentence_idx_e", "start_e"])
        .select("row", "e_org")
    )


def _last_model_before(todo: pl.DataFrame, models_seen: pl.DataFrame) -> pl.DataFrame:
    """For each row of `todo` (row, doc_id, sentence_idx, actor), the last model its document named in
    an earlier sentence (any distance back: an as-of join, linear in size), kept only when its owner is
    unknown or is the row's actor (row, e_model, e_owner)."""
    if todo.height == 0 or models_seen.height == 0:
        return pl.DataFrame(schema={"row": pl.UInt32, "e_model": pl.String, "e_owner": pl.String})
    at = 1_000_000  # a sentence's place before any offset in it
    left = todo.with_columns(pos=(pl.col("sentence_idx") * at - 1).cast(pl.Int64)).sort("doc_id", "pos")
    right = (models_seen.with_columns(pos=(pl.col("sentence_idx_e") * at + pl.col("start_e")).cast(pl.Int64))
             .select("doc_id", "pos", "e_model", "e_owner").sort("doc_id", "pos"))
    # (both sides sorted by doc_id, then pos: the order an as-of join by groups needs)
    got = (left.join_asof(right, on="pos", by="doc_id", strategy="backward", check_sortedness=False)
           .drop_nulls("e_model"))
    return got.filter(_OWN_MODEL).select(pl.col("row").cast(pl.UInt32), "e_model", "e_owner")


def _resolve(
    cand: pl.DataFrame, m: pl.DataFrame, lex: Lexicon, ents: pl.DataFrame, pubs: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Actor, model, event type, status and openness of each candidate (`pubs`: doc_id, publisher)."""
    info = lex.info
    et = lex.event_types
    cand = (
        cand.join(
            et.select("event_type", "keep_person", "subject_first"),
            left_on="cue_type",
            right_on="event_type",
            how="left",
        )
        .with_columns(pl.col("keep_person", "subject_first").fill_null(False))
        .sort("cue_id", "m_start", nulls_last=True)
        .with_row_index("row")
    )

    # an organisation named as the place something is put ("on Hugging Face", "على منصة هاغينغ فيس",
    # "via GitHub") is the venue, not who acts
    # (in Arabic the place may be named through a noun or two: "على محرك بحث جوجل", "عبر خدمة Azure";
    # "على" before a name is never its subject: "على عكس جوجل", "على غرار ميتا")
    lead = pl.min_horizontal(pl.col("start"), 24)
    venue = (pl.col("text_norm").str.slice(pl.col("start") - lead, lead)
             .str.contains(r"(?:\bon|\bvia|\bto|\bfrom|عل[يى]|عبر|منص\p{Arabic}*)\s*(?:the\s*)?$"
                           r"|(?:^|\s)(?:عل[يى]|عبر)\s+(?:[^\s\p{Arabic}]*\p{Arabic}+\s+){1,2}$"))
    # an organisation given as an example of something that is no organisation or model ("search
    # engines such as Google", "محركات البحث مثل غوغل") is named in passing; "companies such as Baidu",
    # "open models like Qwen" name actors
    ex_lead = pl.min_horizontal(pl.col("start"), 40)
    example = pl.col("text_norm").str.slice(pl.col("start") - ex_lead, ex_lead).str.extract(_EXAMPLE_OF, 1)
    passing = example.is_not_null() & ~example.str.contains(_ACTOR_KINDS)
    ents = _venues(ents.join(cand.select(*_KEY, "text_norm").unique(_KEY), on=_KEY, how="left")
                   .with_columns(venue=(venue.fill_null(False) | passing.fill_null(False))
                                 & pl.col("kind").is_in(["org", "person"])))
    ents = ents.filter(~pl.col("venue")).drop("venue")
    actors = ents.filter(pl.col("kind").is_in(["org", "person"])).select(
        *_KEY, a_start="start", a_end="end", a_name="canonical",
        # a person stands for their organisation; one whose organisation is not known stands for none
        a_org=pl.when(pl.col("kind") == "person").then("owner").otherwise(pl.coalesce("owner", "canonical")),
        person=pl.col("kind") == "person",
    )
    # explicit actor near the cue, when the model does not already name its owner
    near = (
        cand.filter(pl.col("owner").is_null())
        .select("row", *_KEY, "cue_start", "cue_end", "keep_person", "subject_first")
        .join(actors, on=_KEY)
        .with_columns(
            gap=_gap("a_start", "a_end", "cue_start", "cue_end")
            + pl.when(pl.col("keep_person") & ~pl.col("person")).then(PERSON_PENALTY).otherwise(0),
            after=(pl.col("a_start") > pl.col("cue_start")).cast(pl.Int8),
        )
        .filter(pl.col("gap") <= WINDOW_ACTOR)
        .with_columns(
            gap=pl.col("gap")
            + pl.when(pl.col("subject_first") & (pl.col("after") == 1)).then(AFTER_PENALTY).otherwise(0)
        )
    )
    best = _first(near, ["row"], ["gap", "after", "a_start"])
    # actors joined to the chosen one ("Google and OpenAI", "Google وOpenAI") share its event
    mates = near.join(best.select("row", b0="a_start", b1="a_end"), on="row").filter(
        _gap("a_start", "a_end", "b0", "b1").is_between(1, COORDINATION)
    )
    near = (
        pl.concat([best, mates.select(best.columns)])
        .select("row", near_actor=pl.when("keep_person").then("a_name").otherwise("a_org"), a_gap="gap")
        .group_by("row", "near_actor").agg(pl.col("a_gap").min())
    )
    named = near.group_by("row").agg(actors_named=pl.len())
    cand = cand.join(near, on="row", how="left").join(named, on="row", how="left").with_columns(
        actor=pl.coalesce("owner", "near_actor"),
        actor_src=pl.when(pl.col("owner").is_not_null())
        .then(pl.lit("model"))
        .when(pl.col("near_actor").is_not_null())
        .then(pl.lit("sentence")),
    )
    # "we released", "أطلقنا": on a page its publisher wrote, the publisher acts, unless a model's owner
    # or an organisation named nearer the trigger does
    if pubs is not None and pubs.height:
        cand = cand.join(pubs.select("doc_id", "publisher"), on="doc_id", how="left").join(
            _first_person(cand), on="row", how="left")
        take = (pl.col("owner").is_null() & pl.col("publisher").is_not_null() & pl.col("s_gap").is_not_null()
                & (pl.col("a_gap").is_null() | (pl.col("s_gap") < pl.col("a_gap"))))
        cand = cand.with_columns(
            actor=pl.when(take).then("publisher").otherwise("actor"),
            actor_src=pl.when(take).then(pl.lit("publisher")).otherwise("actor_src"),
            a_gap=pl.when(take).then("s_gap").otherwise("a_gap"),
        ).drop("publisher", "s_gap")

    refs = m.join(info.filter(pl.col("kind").is_in(["actor_ref", "model_ref"])), on="pattern").select(
        *_KEY, r_start="start", r_end="end", ref="kind"
    )
    has_ref = refs.group_by(_KEY).agg(any_ref=pl.lit(True))
    # a word for a model that a name follows names it, it refers to nothing before: "نموذجها الرائد
    # Step-2", "its new model Nova-2"
    named_after = (refs.filter(pl.col("ref") == "model_ref")
                   .join(ents.filter(pl.col("kind") == "model").select(*_KEY, n_start="start"), on=_KEY)
                   .filter((pl.col("n_start") - pl.col("r_end")).is_between(0, REF_NAMED))
                   .select(*_KEY, "r_start").unique())
    model_ref = (
        cand.filter(pl.col("model").is_null() & pl.col("takes_model"))
        .select("row", *_KEY, "cue_start", "cue_end")
        .join(refs.filter(pl.col("ref") == "model_ref").join(named_after, on=[*_KEY, "r_start"], how="anti"),
              on=_KEY)
        .filter(_gap("r_start", "r_end", "cue_start", "cue_end") <= WINDOW_MODEL)
        .select("row")
    )
    # the object pronoun of a release verb is the model the article named last: "open-sourced it",
    # "released them", "أتاحته", "أطلقتها", "نشرها" (the pronoun on the verb itself)
    after = pl.col("text_norm").str.slice(pl.col("cue_end"), 8)
    word = pl.col("text_norm").str.slice(pl.col("cue_start"), pl.col("cue_end") - pl.col("cue_start") + 8)
    obj = (after.str.contains(r"^\s+(?:it|them)\b")
           | word.str.contains(r"^\p{Arabic}*(?:ته|ها|هما|هم)(?:[^\p{L}\p{N}]|$)"))
    object_ref = cand.filter(pl.col("model").is_null() & pl.col("takes_model") & obj).select("row")
    # so is the pronoun that opens the sentence as the subject of a release, an openness or a licence:
    # "It's fully open source (MIT)", "It is released under Apache 2.0", "They are available on Hugging Face"
    subject = pl.col("text_norm").str.contains(_PRONOUN_SUBJECT) & (
        pl.col("role").is_in(["release", "openness"])
        | pl.col("cue_type").is_in(["open_release", "closed_release", "licence_restriction", "delay"]))
    # (not in a sentence that names a model of its own: "It is the same reasoning that led us to ship
    # Mistral 7B, which we released …")
    named_here = ents.filter(pl.col("kind") == "model").select(_KEY).unique()
    subject_ref = (cand.filter(pl.col("model").is_null() & pl.col("takes_model") & subject)
                   .join(named_here, on=_KEY, how="anti").select("row"))
    model_ref = pl.concat([model_ref, object_ref, subject_ref]).unique()
    # a licence's terms are those of the model the article named last ("The licence requires ...")
    # (not in a sentence that names a model of its own: "Llama 3.3 70B works well, though its license
    # restricts …" is Llama's, whichever of its cues the model took)
    by_licence = cand.filter(
        pl.col("model").is_null() & (pl.col("cue_type") == "licence_restriction")
    ).join(named_here, on=_KEY, how="anti").select("row", licence_ref=pl.lit(True))
    model_ref = pl.concat([model_ref, by_licence.select("row")]).unique()
    models_seen = ents.filter(pl.col("kind") == "model").select(
        "doc_id", sentence_idx_e="sentence_idx", start_e="start", e_model="canonical", e_owner="owner"
    )
    orgs_seen = pl.concat(
        [
            actors.select("doc_id", sentence_idx_e="sentence_idx", start_e="a_start", e_org="a_org",
                          direct=pl.lit(True)),
            models_seen.select("doc_id", "sentence_idx_e", "start_e", e_org="e_owner", direct=pl.lit(False)),
        ]
    ).drop_nulls("e_org")  # (a model of no known owner names no organisation)
    # "الشركة … النموذج", "the company … the model": the company's model, so "the company" is read first
    says_company = refs.filter(pl.col("ref") == "actor_ref").select(_KEY).unique()
    company = _the_company(cand.filter(pl.col("actor").is_null()).join(model_ref, on="row")
                           .join(says_company, on=_KEY).select("row", "doc_id", "sentence_idx"), orgs_seen)
    todo = (cand.join(model_ref, on="row").join(company, on="row", how="left")
            .select("row", "doc_id", "sentence_idx", actor=pl.coalesce("actor", "e_org")))
    # (the last model named, or for a subject pronoun the first model of the last sentence that names
    # one: "DeepScout combines models such as DeepSeek-R1. It is open source" is DeepScout)
    back = (
        _lookback(todo, models_seen, ["doc_id"])
        .filter(
            (pl.col("sentence_idx_e") < pl.col("sentence_idx"))
            & (pl.col("sentence_idx_e") >= pl.col("sentence_idx") - LOOKBACK)
            & _OWN_MODEL
        )
        .join(subject_ref.with_columns(subj=pl.lit(True)), on="row", how="left")
        .with_columns(at=pl.when(pl.col("subj").fill_null(False)).then(-pl.col("start_e")).otherwise("start_e"))
    )
    found = (back.pipe(_first, ["row"], ["sentence_idx_e", "at"], ["sentence_idx_e", "at"])
             .select("row", "e_model", "e_owner"))
    # a headline speaks of what its article goes on to name: "ميتا تؤجل نموذجها المفتوح" above "أرجأت
    # شركة ميتا إطلاق نموذجها المفتوح لاما 4" is Llama 4, the first model of the actor the next
    # HEADLINE_AHEAD sentences name
    heads = (cand.join(model_ref, on="row").join(found, on="row", how="anti")
             .filter(pl.col("sentence_idx") == 0).select("row", "doc_id", "actor"))
    ahead = (heads.join(models_seen.filter(pl.col("sentence_idx_e").is_between(1, HEADLINE_AHEAD)),
                        on="doc_id")
             .filter(_OWN_MODEL)
             .pipe(_first, ["row"], ["sentence_idx_e", "start_e"])
             .select("row", "e_model", "e_owner"))
    # "Today we are open-sourcing the model under MIT." before "The weights are on Hugging Face at
    # acme/Tern-2": a reference in the writer's first person that finds nothing before it is the
    # publisher's model the next HEADLINE_AHEAD sentences name (never another's or one of no known owner)
    done = pl.concat([found, ahead]).select("row")
    later = (cand.join(model_ref, on="row").join(done, on="row", how="anti")
             # (the writer's own model, introduced before it is named: "we are open-sourcing the model")
             .filter((pl.col("sentence_idx") > 0) & (pl.col("actor_src") == "publisher"))
             .select("row", "doc_id", "sentence_idx", "actor")
             # (a sentence that names a model of its own speaks of that one)
             .join(named_here, on=_KEY, how="anti"))
    later = (later.with_columns(sentence_idx_e=pl.col("sentence_idx") + pl.int_ranges(1, HEADLINE_AHEAD + 1))
             .explode("sentence_idx_e")
             .join(models_seen, on=["doc_id", "sentence_idx_e"])
             .filter(pl.col("e_owner") == pl.col("actor"))
             .pipe(_first, ["row"], ["sentence_idx_e", "start_e"])
             .select("row", "e_model", "e_owner"))
    found = pl.concat([found, ahead, later])
    # a licence's terms may be told well after its model was named ("The licence requires ..." five
    # sentences on): past the look back, the last model the article named before, of the actor if any
    found = pl.concat([found, _last_model_before(
        cand.join(by_licence, on="row").join(found, on="row", how="anti")
        .select("row", "doc_id", "sentence_idx", "actor"), models_seen)])
    cand = cand.join(found, on="row", how="left").join(by_licence, on="row", how="left").with_columns(
        model=pl.coalesce("model", "e_model"),
        # (a licence's model is told apart: the scorer weighs "the model" references on their own)
        model_src=pl.when(pl.col("e_model").is_not_null())
        .then(pl.when(pl.col("licence_ref").fill_null(False)).then(pl.lit("licence")).otherwise(pl.lit("ref")))
        .when(pl.col("m_list")).then(pl.lit("list")),
        actor_src=pl.when(pl.col("actor").is_null() & pl.col("e_owner").is_not_null())
        .then(pl.lit("ref"))
        .otherwise("actor_src"),
        actor=pl.coalesce("actor", "e_owner"),
    )

    # "the company": an organisation named (or owning a model named) a few sentences before
    todo = (
        cand.filter(pl.col("actor").is_null()).join(has_ref, on=_KEY).select("row", "doc_id", "sentence_idx")
    )
    found = _the_company(todo, orgs_seen)
    cand = cand.join(found, on="row", how="left").with_columns(
        actor_src=pl.when(pl.col("actor").is_null() & pl.col("e_org").is_not_null())
        .then(pl.lit("ref"))
        .otherwise("actor_src"),
        actor=pl.coalesce("actor", "e_org"),
    )
    # "the delay", "التأجيل": an event word with nobody named is the same kind of event just reported
    known = cand.filter(pl.col("actor").is_not_null() & (pl.col("role") == "event")).select(
        "doc_id",
        sentence_idx_e="sentence_idx",
        start_e="cue_start",
        cue_type="cue_type",
        e_actor="actor",
        e_model="model",
    )
    todo = cand.filter(pl.col("actor").is_null() & (pl.col("role") == "event")).select(
        "row", "doc_id", "sentence_idx", "cue_type"
    )
    found = (
        _lookback(todo, known, ["doc_id", "cue_type"])
        .filter(
            (pl.col("sentence_idx_e") < pl.col("sentence_idx"))
            & (pl.col("sentence_idx_e") >= pl.col("sentence_idx") - LOOKBACK)
        )
        .pipe(_first, ["row"], ["sentence_idx_e", "start_e"], ["sentence_idx_e", "start_e"])
        .select("row", "e_actor", e_model2="e_model")
    )
    cand = (
        cand.join(found, on="row", how="left")
        .with_columns(
            actor_src=pl.when(pl.col("actor").is_null() & pl.col("e_actor").is_not_null())
            .then(pl.lit("ref"))
            .otherwise("actor_src"),
            model=pl.when(pl.col("actor").is_null())
            .then(pl.coalesce("model", "e_model2"))
            .otherwise("model"),
            actor=pl.coalesce("actor", "e_actor"),
        )
    )
    # a model the knowledge base does not know is made by whoever another sentence of the article says
    # makes it ("Naver's Provence ..." then "Provence is released under CC BY-NC")
    makers = (ents.filter((pl.col("kind") == "model") & pl.col("owner").is_not_null())
              .sort("doc_id", "sentence_idx", "start")
              .unique(["doc_id", "canonical"], keep="first", maintain_order=True)
              .select("doc_id", model="canonical", a_maker="owner"))
    cand = (cand.join(makers, on=["doc_id", "model"], how="left")
            .with_columns(actor_src=pl.when(pl.col("actor").is_null() & pl.col("a_maker").is_not_null())
                          .then(pl.lit("article")).otherwise("actor_src"),
                          actor=pl.coalesce("actor", "a_maker"))
            .drop("a_maker"))
    # a model whose maker neither the knowledge base nor the article names, on a page whose publisher is
    # known, is the publisher's own ("Lumen-3-14B's licence does not allow ..." on the lab's blog)
    if pubs is not None and pubs.height:
        own = pl.col("actor").is_null() & pl.col("model").is_not_null() & pl.col("page_pub").is_not_null()
        # (a name read off the address speaks only for "we": a news site makes no models)
        cand = (cand.join(pubs.filter(pl.col("publisher_basis") != "host")
                          .select("doc_id", page_pub="publisher"), on="doc_id", how="left")
                .with_columns(actor_src=pl.when(own).then(pl.lit("publisher")).otherwise("actor_src"),
                              actor=pl.when(own).then("page_pub").otherwise("actor"))
                .drop("page_pub"))
    cand = (
        cand
        # a product whose maker the article never names stands for itself ("Zed is open source")
        .with_columns(actor_src=pl.when(pl.col("actor").is_null() & pl.col("model").is_not_null())
                      .then(pl.lit("self")).otherwise("actor_src"),
                      actor=pl.coalesce("actor", "model"))
        .filter(pl.col("actor").is_not_null())
    )

    # openness: the cue's own, else the nearest open/closed words to the model (or the cue)
    marks = _marks(m, lex, info.filter(pl.col("openness").is_not_null()))
    anchor = pl.coalesce("m_start", "cue_start")
    # (near the model or near the trigger, whichever is nearer: "o3-mini …, available only through the
    # API" takes the "only" of its own "available", not the MIT of the model named before it)
    op = (
        cand.select("row", *_KEY, "cue_start", "cue_end", a0=anchor,
                    a1=pl.coalesce(pl.col("m_start") + 1, "cue_end"))
        .join(marks, on=_KEY)
        .with_columns(gap=_gap("o_start", "o_end", "a0", "a1"))
        .filter(pl.col("gap") <= WINDOW_OPENNESS)
        .with_columns(gap=pl.min_horizontal("gap", _gap("o_start", "o_end", "cue_start", "cue_end")))
    )
    op = _first(op, ["row"], ["gap", "o_start"]).select("row", near_open="o_open", near_at="o_start")
    cand = cand.join(op, on="row", how="left").with_columns(
        openness=pl.coalesce("cue_openness", "near_open", pl.lit("unknown"))
    )

    # modifiers reach forward to the cue, short of a clause break
    mods = m.join(info.filter(pl.col("kind").is_in(_MODIFIERS)), on="pattern").select(
        *_KEY, d_start="start", d_end="end", mod="kind"
    )
    between = _between("d_end", "cue_start")
    hit = (
        cand.select("row", *_KEY, "text_norm", "cue_start")
        .join(mods, on=_KEY)
        .filter(
            (pl.col("d_end") <= pl.col("cue_start"))
            & (pl.col("cue_start") - pl.col("d_end") <= MODIFIER_REACH)
            & ~between.str.contains(_CLAUSE_BREAK)
        )
        .group_by("row")
        .agg(
            future=(pl.col("mod") == "future").any(),
            negation=(pl.col("mod") == "negation").any(),
            speculation=(pl.col("mod") == "speculation").any(),
        )
    )
    cand = cand.join(hit, on="row", how="left").with_columns(
        pl.col("future", "negation", "speculation").fill_null(False)
    )
    # an Arabic imperfect with the future prefix س ("ستطلق", "وسيفتح") is a plan in itself
    lead = pl.min_horizontal(pl.col("cue_start"), 2)
    before = pl.col("text_norm").str.slice(pl.col("cue_start") - lead, lead)
    cand = cand.with_columns(future=pl.col("future") | before.str.contains(r"(?:^|[\sوف])س$"))

    released = pl.col("openness").is_in(["open_source", "open_weights", "restricted"])
    generic = pl.col("role").is_in(["release", "openness"])
    etype = (
        pl.when(generic & released)
        .then(pl.lit("open_release"))
        .when(generic & (pl.col("openness") == "closed"))
        .then(pl.lit("closed_release"))
        .when(generic)
        .then(pl.lit("release"))
        .otherwise("cue_type")
    )
    cand = cand.with_columns(event_type=etype).with_columns(
        event_type=pl.when(pl.col("future") & (pl.col("event_type") == "open_release"))
        .then(pl.lit("open_plan"))
        .otherwise("event_type")
    )
    status = (
        # a licence's terms are said in the negative ("does not allow", "لا يجوز"): that is the restriction
        pl.when(pl.col("negation") & (pl.col("event_type") != "licence_restriction"))
        .then(pl.lit("negated"))
        .when("speculation")
        .then(pl.lit("reported"))
        .when(pl.col("event_type") == "delay")
        .then(pl.lit("realized"))
        .when(pl.col("future") | (pl.col("event_type") == "open_plan"))
        .then(pl.lit("planned"))
        .otherwise(pl.lit("realized"))
    )
    base = (
        pl.when(pl.col("role") == "event")
        .then(0.9)
        .when(pl.col("role") == "release")
        .then(0.75)
        .otherwise(0.6)
    )
    conf = (
        base
        - pl.when(pl.col("actor_src") == "ref").then(0.15).otherwise(0.0)
        - pl.when(pl.col("model_src") == "ref").then(0.1).otherwise(0.0)
    )
    return cand.with_columns(status=status, confidence=conf)


def _article_openness(m: pl.DataFrame, lex: Lexicon, ents: pl.DataFrame, heads: pl.DataFrame) -> pl.DataFrame:
    """What the whole article says of each model's openness: (doc_id, model, art_openness).

    An open or closed word near a model anywhere in the article speaks of that model; one in a sentence
    that names no model ("The weights are on Hugging Face under MIT", "وأتاحت الشركة أوزان النموذجين")
    speaks of the model the article named last, up to LOOKBACK sentences before.
    """
    words = lex.info.filter(pl.col("openness").is_not_null() & (pl.col("kind") != "event"))
    marks = _marks(m, lex, words).drop("o_end")
    models = ents.filter(pl.col("kind") == "model").select(*_KEY, "start", model="canonical")
    near = (models.join(marks, on=_KEY).filter((pl.col("o_start") - pl.col("start")).abs() <= WINDOW_OPENNESS)
            .select("doc_id", "model", "o_open"))
    # only words about the weights or their licence stand for the last named model; an adjective
    # ("open-source") with no model beside it qualifies something else (a tool, a database)
    # (nor do the words of a sentence whose open words qualify software: "We built memsearch, an
    # open-source memory library, under the MIT license" speaks of no model named before it)
    soft = _open_heads(heads).filter("open_word_of_software").select(_KEY)
    alone = marks.join(models.select(_KEY).unique(), on=_KEY, how="anti").join(
        m.select(*_KEY, o_start="start", pattern="pattern"), on=[*_KEY, "o_start"]).filter(
        pl.col("pattern").str.contains(WEIGHTS_WORDS)).drop("pattern").join(soft, on=_KEY, how="anti")
    # bounded: each openness word meets the models of the LOOKBACK sentences before it, no more
    last = (
        _lookback(alone, models.select("doc_id", "model", sentence_idx_e="sentence_idx", m_start="start"),
                  ["doc_id"])
        .rename({"sentence_idx_e": "m_idx"})
        .pipe(_first, ["doc_id", "sentence_idx", "o_start"], ["m_idx", "m_start"], ["m_idx", "m_start"])
        .select("doc_id", "model", "o_open")
    )
    # ... and of every item of the list that model heads ("two checkpoints: A: …, B: …. Both are on
    # Hugging Face under Apache 2.0")
    heads = (ents.filter((pl.col("kind") == "model") & (pl.col("how") == "list"))
             .select("doc_id", "sentence_idx", model="canonical").unique().sort("doc_id", "sentence_idx")
             .with_columns(run=pl.col("sentence_idx") - pl.int_range(pl.len()).over("doc_id")))
    mates = (last.join(heads.select("doc_id", "model", "run"), on=["doc_id", "model"])
             .join(heads.select("doc_id", "run", mate="model"), on=["doc_id", "run"])
             .select("doc_id", model="mate", o_open="o_open"))
    said = pl.concat([near, last, mates]).unique().with_columns(exact=pl.lit(0))
    # what is said of a family's members is said of the family released as a whole: "released Qwen3"
    # here, "Qwen3-30B-A3B ... can be downloaded" there (never the other way: a member may stay closed)
    named = models.select("doc_id", family="model").unique()
    members = (said.join(named, on="doc_id")
               .filter(pl.col("model").str.starts_with(pl.col("family") + "-")
                       | pl.col("model").str.starts_with(pl.col("family") + " "))
               .select("doc_id", model="family", o_open="o_open", exact=pl.lit(1)))
    # open words win over closed ones for a model the article calls both (open weights, closed data)
    rank = {"open_source": 0, "open_weights": 1, "restricted": 2, "closed": 3}
    return (pl.concat([said, members]).with_columns(r=pl.col("o_open").replace_strict(rank, default=4))
            .pipe(_first, ["doc_id", "model"], ["exact", "r"])
            .select("doc_id", "model", art_openness="o_open"))


def _settle(c: pl.DataFrame, lex: Lexicon, art: pl.DataFrame | None = None) -> pl.DataFrame:
    """Releases whose openness the sentence leaves open, delays over releases, one row per mention key."""
    # longest first: with leftmost matching, "meta platforms" goes whole rather than leaving "platforms"
    refs = lex.info.filter(pl.col("kind").is_in(["actor_ref", "subject"]))["pattern"].to_list()
    subject_words = sorted(set(refs)
                           | _actor_patterns(), key=len, reverse=True)
    doc_open = (
        c.filter(
            (pl.col("event_type") == "open_release")
            & (pl.col("status") == "realized")
            & pl.col("model").is_not_null()
        )
        .group_by("doc_id", "actor", "model")
        .agg(doc_openness=pl.col("openness").sort().first())
    )
    c = c.with_columns(
        confidence=pl.when(pl.col("event_type") == "release")
        .then(pl.col("confidence") - 0.1)
        .otherwise("confidence"),
        doc_openness=pl.lit(None, pl.String),
    )
    # what a delay holds back is not released in the same breath: the release is the delayed one
    # (one that was planned, or the release the delay word governs: "تأجيل إصدار", "pushed back the release")
    delayed = c.filter(pl.col("event_type") == "delay").select(*_KEY, "actor", d_end="cue_end")
    rel = pl.col("event_type").is_in(["open_release", "open_plan", "closed_release", "release"])
    # Arabic puts the subject between the verb and its object ("أجلت شركة ميتا إطلاق"): a gap that holds
    # only the actor's name (and words of the role 'subject' in cues.csv, "شركة") still governs.
    gap = pl.col("cue_start") - pl.col("d_end")
    between = (pl.col("text_norm").str.slice(pl.col("d_end"), gap.clip(0))
               .str.replace_many(subject_words, [""] * len(subject_words), leftmost=True)
               # and the subject's nisba adjectives ("شركة ديب سيك الصينية")
               .str.replace_all(r"(?:^|\s)ال\p{Arabic}{2,}يه?(?:\s|$)", " ")
               .str.replace_all(r"\s+", "").str.strip_chars("،,"))
    held_ids = (
        c.filter(rel)
        .select("row", *_KEY, "actor", "cue_start", "future", "text_norm")
        .join(delayed, on=[*_KEY, "actor"])
        .filter(pl.col("future") | gap.is_between(0, GOVERNS) | ((gap >= 0) & (between == "")))
        .select("row")
        .unique()
    )
    held = c.join(held_ids, on="row", how="semi")
    c = pl.concat(
        [
            c.join(held_ids, on="row", how="anti"),
            held.with_columns(event_type=pl.lit("delay"), status=pl.lit("realized")),
        ]
    ).with_columns(
        openness=pl.when(pl.col("event_type") == "release").then("doc_openness").otherwise("openness")
    )
    # organisations named together putting out what no name tells apart ("DeepSeek, Alibaba and Moonshot
    # have released a stream of open models", "سباق بين علي بابا ومون شوت لطرح نماذج مفتوحة") are the
    # field the article's subject competes with, not a release of theirs (a delay of theirs stays one)
    field = (pl.col("model").is_null() & rel & (pl.col("actors_named").fill_null(1) >= 2)
             & (pl.col("actor_src") == "sentence"))
    c = c.with_columns(event_type=pl.when(field).then(pl.lit("competition")).otherwise("event_type"))
    c = (
        c.join(doc_open, on=["doc_id", "actor", "model"], how="left", suffix="_d")
        .with_columns(
            event_type=pl.when((pl.col("event_type") == "release") & pl.col("doc_openness_d").is_not_null())
            .then(pl.when(pl.col("future")).then(pl.lit("open_plan")).otherwise(pl.lit("open_release")))
            .otherwise("event_type"),
            openness=pl.when(pl.col("event_type") == "release").then("doc_openness_d").otherwise("openness"),
        )
        .drop("doc_openness_d")
    )
    if art is not None:
        # the rest of the article: "released Llama 2" here, "the weights can be downloaded" there
        c = c.join(art, on=["doc_id", "model"], how="left").with_columns(
            event_type=pl.when((pl.col("event_type") == "release") & pl.col("art_openness").is_not_null())
            .then(pl.when(pl.col("art_openness") == "closed").then(pl.lit("closed_release"))
                  .when(pl.col("future")).then(pl.lit("open_plan")).otherwise(pl.lit("open_release")))
            .otherwise("event_type"),
            openness=pl.when((pl.col("event_type") == "release") & pl.col("art_openness").is_not_null())
            .then("art_openness").otherwise("openness"),
            from_article=(pl.col("event_type") == "release") & pl.col("art_openness").is_not_null(),
        ).drop("art_openness")
    c = (
        c
        # a launch the article never calls open is a closed_release of unknown openness: the scorer
        # weighs it (feature `unsaid`) rather than a rule dropping it
        .with_columns(unsaid=pl.col("event_type") == "release")
        .with_columns(
            event_type=pl.when(pl.col("unsaid")).then(pl.lit("closed_release")).otherwise("event_type"),
            openness=pl.when(pl.col("unsaid")).then(pl.lit("unknown")).otherwise("openness"),
        )
        .filter(~pl.col("unsaid") | pl.col("model").is_not_null())
    )
    # an adjective alone ("open-source") makes a mention only about a model it qualifies
    c = c.filter((pl.col("role") != "openness") | pl.col("model").is_not_null())
    # a cue without a model gives way to one with a model, same actor and type, in the sentence
    named = c.filter(pl.col("model").is_not_null()).select(*_KEY, "actor", "event_type").unique()
    c = pl.concat(
        [
            c.filter(pl.col("model").is_not_null()),
            c.filter(pl.col("model").is_null()).join(named, on=[*_KEY, "actor", "event_type"], how="anti"),
        ]
    )
    c = c.with_columns(srank=pl.col("status").replace_strict(_STATUS_RANK, default=3))
    return _first(c, [*_KEY, "actor", "model", "event_type"], ["confidence", "srank", "cue_start"])


def _nearest_date(rows: pl.DataFrame, spans: pl.DataFrame, m: pl.DataFrame, lex: Lexicon,
                  by: tuple[str, ...] = ("mkey",)) -> pl.DataFrame:
    """For each row (`by`, doc_id, sentence_idx, event_type, cue_start, cue_end), the date expression of
    its sentence nearest the cue, of a kind its event takes (s_date, s_prec, s_basis)."""
    kinds = (
        lex.event_types.select("event_type", "date_kinds")
        .explode("date_kinds")
        .with_columns(tier=pl.int_range(pl.len()).over("event_type"))
        .explode("date_kinds")
        .rename({"date_kinds": "kind"})
    )
    sp = spans.select(*_KEY, s_start="start", s_end="end", s_date="date", s_prec="date_precision",
                      s_basis="date_basis", kind="kind")
    if "text_norm" not in rows.columns:
        rows = rows.join(m.select(*_KEY, "text_norm").unique(_KEY), on=_KEY, how="left")
    lo = pl.min_horizontal("s_end", "cue_end")
    between = pl.col("text_norm").str.slice(lo, (pl.max_horizontal("s_start", "cue_start") - lo).clip(0))
    best = (
        rows.select(*by, *_KEY, "event_type", "cue_start", "cue_end", "text_norm")
        .join(kinds, on="event_type")
        .join(sp, on=[*_KEY, "kind"])
        # a date in the trigger's own clause before one nearer across a comma ("founded in 2023, it
        # released Kimi K2 in July")
        .with_columns(gap=_gap("s_start", "s_end", "cue_start", "cue_end")
                      + pl.when(between.str.contains(_CLAUSE_BREAK)).then(CLAUSE_PENALTY).otherwise(0))
        .drop("text_norm")
    )
    # a contrast word between the date and the cue ("في عام 2019، في حين أن ... ظلت مغلقة") puts the date
    # in another clause: it dates that clause's event, not this one
    best = _drop_across(best, m, lex, pl.col("kind") == "contrast", pl.min_horizontal("s_end", "cue_end"),
                        pl.max_horizontal("s_start", "cue_start"), [*by, "s_start"])
    return _first(best, list(by), ["tier", "gap", "s_start"]).select(*by, "s_date", "s_prec", "s_basis")


def _date_ahead(
    c: pl.DataFrame, spans: pl.DataFrame, m: pl.DataFrame, lex: Lexicon, ents: pl.DataFrame
) -> pl.DataFrame:
    """Dates for events their own sentence leaves undated, from the next DATE_AHEAD sentences that go on
    about the same event ("Microsoft has made Phi-4 downloadable. The company published the weights on
    Wednesday."): a sentence with a cue of the same event type (or, for a release, of openness) and no
    model but the event's own. The nearest such sentence, and in it the date nearest that cue."""
    todo = c.filter(pl.col("s_date").is_null() & pl.col("status").is_in(["realized", "planned"]))
    if todo.height == 0 or spans.height == 0:
        return c.head(0).select("mkey", "s_date", "s_prec", "s_basis")
    cues = (m.join(lex.info.filter(pl.col("kind").is_in(_TRIGGERS)), on="pattern")
            .select(*_KEY, d_type="event_type", role="kind", d_start="start", d_end="end"))
    ahead = (todo.select("mkey", "doc_id", "sentence_idx", "event_type", "model")
             .with_columns(d_idx=pl.col("sentence_idx") + pl.int_ranges(1, DATE_AHEAD + 1))
             .explode("d_idx"))
    release = pl.col("event_type").is_in(["open_release", "closed_release"])
    same = ((pl.col("d_type") == pl.col("event_type"))
            | ((pl.col("role") == "release") & release)
            | ((pl.col("role") == "openness") & (pl.col("event_type") == "open_release")))
    hit = (ahead.join(cues.rename({"sentence_idx": "d_idx"}), on=["doc_id", "d_idx"]).filter(same))
    # a sentence that names another model is about that model's event
    named = ents.filter(pl.col("kind") == "model").select("doc_id", d_idx="sentence_idx", other="canonical")
    other = (hit.select("mkey", "doc_id", "d_idx", "model").unique()
             .join(named, on=["doc_id", "d_idx"])
             .filter(pl.col("other").ne_missing(pl.col("model")))
             .select("mkey", "d_idx").unique())
    # and one that tells another event of the same model ("When Microsoft introduced Phi-4 in December,
    # it was available only through its API") dates that event
    told = c.select("doc_id", d_idx="sentence_idx", model="model", d_event="event_type").unique()
    elsewhere = (hit.select("mkey", "doc_id", "d_idx", "model", "event_type").unique()
                 .join(told, on=["doc_id", "d_idx", "model"], nulls_equal=True)
                 .filter(pl.col("d_event") != pl.col("event_type"))
                 .select("mkey", "d_idx").unique())
    hit = hit.join(other, on=["mkey", "d_idx"], how="anti").join(elsewhere, on=["mkey", "d_idx"], how="anti")
    rows = hit.select("mkey", "doc_id", sentence_idx="d_idx", event_type="event_type", cue_start="d_start",
                      cue_end="d_end", ahead=pl.col("d_idx") - pl.col("sentence_idx"))
    found = _nearest_date(rows, spans, m, lex, by=("mkey", "ahead"))
    return (found.sort("mkey", "ahead").unique("mkey", keep="first", maintain_order=True)
            .select("mkey", "s_date", "s_prec", "s_basis"))


_DATE = ("s_date", "s_prec", "s_basis")


def _take_date(c: pl.DataFrame, other: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """`c` with the date of `other` (joined on `on`) where its own is missing: date, precision and basis
    together, so a date is never paired with another expression's precision."""
    take = pl.col("s_date").is_null() & pl.col("s_date_o").is_not_null()
    return (c.join(other.select(*on, *_DATE), on=on, how="left", nulls_equal=True, suffix="_o")
            .with_columns(pl.when(take).then(f"{x}_o").otherwise(x).alias(x) for x in _DATE)
            .drop(*(f"{x}_o" for x in _DATE)))


def _date(
    c: pl.DataFrame, spans: pl.DataFrame, m: pl.DataFrame, lex: Lexicon, documents: pl.DataFrame,
    ents: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The nearest date expression of a kind the event takes, in its sentence or, when that has none,
    in the next sentences about the same event; the publication date only for 'now'."""
    c = c.join(_nearest_date(c, spans, m, lex), on="mkey", how="left")
    if ents is not None:
        more = _date_ahead(c, spans, m, lex, ents)
        c = _take_date(c, more, ["mkey"])
    # one event, one date: a mention its sentences leave undated (a headline) takes the date its other
    # mentions in the article agree on
    ev = ["doc_id", "actor", "model", "event_type", "status"]
    told = (c.drop_nulls("s_date").group_by(ev)
            .agg(pl.col("s_date", "s_prec", "s_basis").sort_by("sentence_idx").first(),
                 n_dates=pl.col("s_date").n_unique())
            .filter(pl.col("n_dates") == 1).drop("n_dates"))
    c = _take_date(c, told, ev)
    now = (
        m.join(lex.info.filter(pl.col("kind") == "now"), on="pattern")
        .select(*_KEY)
        .unique()
        .with_columns(now=pl.lit(True))
    )
    pub = documents.select(
        "doc_id",
        *[
            pl.col(x) if x in documents.columns else pl.lit(None, pl.String).alias(x)
            for x in ("published", "published_precision")
        ],
    )
    c = c.join(now, on=_KEY, how="left").join(pub, on="doc_id", how="left")
    use_pub = (
        pl.col("s_date").is_null()
        & pl.col("s_basis").is_null()
        & pl.col("now").fill_null(False)
        & (pl.col("status") == "realized")
        & pl.col("published").is_not_null()
    )
    return c.with_columns(
        date=pl.when(use_pub).then("published").otherwise("s_date"),
        date_precision=pl.when(use_pub)
        .then("published_precision")
        .when(pl.col("s_date").is_not_null())
        .then("s_prec")
        .otherwise(pl.lit("unknown")),
        date_basis=pl.when(use_pub)
        .then(pl.lit("document"))
        .when(pl.col("s_date").is_not_null())
        .then("s_basis")
        .otherwise(pl.lit("none")),
    )


def _hash(*parts: str | int | None) -> str:
    return hashlib.sha1("\x1f".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def _heads_re(data_dir: str) -> tuple[str, str, dict[str, str]]:
    """The nouns an open word qualifies (data/vocab/open_heads.csv), as the English pattern (the first
    noun after the word), the Arabic one (the last noun before it) and each noun's kind."""
    del data_dir
    h = resources.read_vocab("vocab", "open_heads.csv").with_columns(
        w=text.normalize_expr(pl.col("word").str.strip_chars()))
    kinds = {w: k for w, k in h.select("w", "kind").iter_rows()}

    def alt(lang: str) -> str:
        words = h.filter(pl.col("lang") == lang)["w"].to_list()
        return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    en = rf"^[^.;:!?،؛]{{0,{HEAD_REACH}}}?(?:^|[^\p{{L}}])({alt('en')})"
    ar = rf"^.*(?:^|[^\p{{L}}])(?:و|ف|ب|ل|ال|وال|بال|لل)?({alt('ar')})[^.;:!?،؛]{{0,{HEAD_REACH}}}$"
    return en, ar, kinds


def _mark_heads(m: pl.DataFrame, lex: Lexicon) -> pl.DataFrame:
    """What each open word qualifies (key, start, kind: software, model or null): the first noun after
    an English open word, or the last before an Arabic one, of data/vocab/open_heads.csv."""
    en, ar, kinds = _heads_re(str(resources.data_dir()))
    words = lex.info.filter(pl.col("openness").is_in(["open_source", "open_weights"]))
    o = m.join(words.select("pattern").unique(), on="pattern")
    lo = pl.max_horizontal(pl.col("start") - HEAD_REACH, pl.lit(0))
    arabic = pl.col("text_norm").str.slice(pl.col("start"), pl.col("end") - pl.col("start")).str.contains(
        r"\p{Arabic}")
    head = pl.when(arabic).then(
        pl.col("text_norm").str.slice(lo, pl.col("start") - lo).str.extract(ar, 1)).otherwise(
        pl.col("text_norm").str.slice(pl.col("end"), HEAD_REACH + 20).str.extract(en, 1))
    return (o.with_columns(kind=head.replace_strict(kinds, default=None, return_dtype=pl.String))
            .select(*_KEY, "start", "kind").unique())


def _open_heads(heads: pl.DataFrame) -> pl.DataFrame:
    """Per sentence, whether its open words (`heads`: what `_mark_heads` reads) qualify software only
    ("Milvus, an open-source vector database", "بدائل Cursor مفتوحة المصدر"): one qualifies software, and
    none a model."""
    return (heads
            .group_by(_KEY).agg(open_word_of_software=(pl.col("kind") == "software").any()
                                & ~(pl.col("kind") == "model").any()))


def _context_features(c: pl.DataFrame, m: pl.DataFrame, lex: Lexicon, ents: pl.DataFrame,
                      heads: pl.DataFrame) -> pl.DataFrame:
    """What the rest of the article and the knowledge base say about each candidate, for the scorer
    (`heads`: what each open word qualifies, `_mark_heads`)."""
    opens = (m.join(lex.info.filter(pl.col("openness").is_in(["open_source", "open_weights", "restricted"])),
                    on="pattern").select(*_KEY, o_start="start"))
    doc_words = opens.group_by("doc_id").agg(doc_open_words=pl.len())
    # (a position on keeping models closed is one on openness too: "a closed approach that gives it control")
    said = lex.info.filter(pl.col("openness").is_not_null()).select("pattern").unique()
    stance = m.join(said, on="pattern").group_by(_KEY).agg(sentence_openness_words=pl.len())
    here = opens.group_by(_KEY).agg(sentence_open_words=pl.len()).join(
        _open_heads(heads), on=_KEY, how="left").join(stance, on=_KEY, how="full", coalesce=True)
    people = set(kb.organisations().filter(pl.col("kind") == "person")["name"].to_list())
    models = ents.filter(pl.col("kind") == "model").select(*_KEY, "start", "canonical")
    near = (models.join(opens, on=_KEY).filter((pl.col("o_start") - pl.col("start")).abs() <= WINDOW_OPENNESS)
            .select("doc_id", model="canonical").unique().with_columns(model_open_elsewhere=pl.lit(True)))
    how = (ents.filter(pl.col("kind") == "model").select(*_KEY, m_start="start", model_known="known",
                                                        model_how="how")
           # one row per span, whatever order the entities came in
           .sort([*_KEY, "m_start", "model_known", "model_how"], nulls_last=True)
           .unique([*_KEY, "m_start"], keep="first", maintain_order=True))
    kbm = kb.models().select("model", kb_openness="openness").unique("model", keep="first")
    fam = kb.families().select(model="family", fam_open="open_default")
    # the open word nearest the candidate's model says what it qualifies, where it says it ("and for
    # storage Milvus, an open-source vector database" beside "bge-m3, an open-weight embedding model")
    mark = heads.drop_nulls("kind").select(*_KEY, near_at="start", mark_kind="kind")
    if "near_at" not in c.columns:
        c = c.with_columns(near_at=pl.lit(None, pl.Int64))
    return (
        c.join(doc_words, on="doc_id", how="left")
        .join(here, on=_KEY, how="left")
        .join(mark, on=[*_KEY, "near_at"], how="left")
        .with_columns(open_word_of_software=pl.when(pl.col("mark_kind").is_not_null())
                      .then(pl.col("mark_kind") == "software").otherwise("open_word_of_software"))
        .drop("mark_kind")
        .with_columns(actor_person=pl.col("actor").is_in(list(people)))
        .join(near, on=["doc_id", "model"], how="left")
        .join(how, on=[*_KEY, "m_start"], how="left")
        .join(kbm, on="model", how="left")
        .join(fam, on="model", how="left")
        .with_columns(kb_openness=pl.coalesce("kb_openness", "fam_open"))
        .drop("fam_open")
        # open only by what the rest of the article says, closed by the knowledge base: the article's
        # words were about something else (a tool, a database), and the launch is a closed one
        .with_columns(kb_overrules=(pl.col("event_type") == "open_release") & pl.col("cue_openness").is_null()
                      & (pl.col("sentence_open_words").fill_null(0) == 0)
                      & (pl.col("kb_openness") == "closed"))
        .with_columns(event_type=pl.when("kb_overrules").then(pl.lit("closed_release")).otherwise("event_type"),
                      openness=pl.when("kb_overrules").then(pl.lit("closed")).otherwise("openness"))
        # and the other way: a launch the article never qualifies, of a model the knowledge base lists as
        # open ("published its reasoning model DeepSeek-R1"), is an open one
        .with_columns(kb_opens=pl.col("unsaid").fill_null(False)
                      & pl.col("kb_openness").is_in(["open_weights", "open_source", "restricted"])
                      .fill_null(False))
        .with_columns(event_type=pl.when("kb_opens").then(pl.when("future").then(pl.lit("open_plan"))
                                                         .otherwise(pl.lit("open_release"))).otherwise("event_type"),
                      openness=pl.when("kb_opens").then("kb_openness").otherwise("openness"))
        .pipe(_first, [*_KEY, "actor", "model", "event_type"], ["srank", "cue_start"], ["srank"])
        .with_columns(repeats=pl.len().over("doc_id", "actor", "model", "event_type"))
    )


def candidate_table(
    sentences: pl.DataFrame, documents: pl.DataFrame, dates: pl.DataFrame | None = None,
    ents: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every candidate event with the scorer's features, before any threshold (what `openness train` fits)."""
    return extract_mentions(sentences, documents, dates, ents, candidates=True)


def extract_mentions(
    sentences: pl.DataFrame, documents: pl.DataFrame, dates: pl.DataFrame | None,
    ents: pl.DataFrame | None = None, *, min_confidence: float | None = None, candidates: bool = False,
) -> pl.DataFrame:
    """The mentions table: one row per event mention found in a sentence (`ents`: the entities table)."""
    if sentences.height == 0 or "text_norm" not in sentences.columns:
        return schema.empty(schema.MENTIONS)
    lex = lexicon()
    flagged = sentences.select(*_KEY, "text_norm").filter(pl.col("text_norm").str.contains_any(lex.triggers))
    if flagged.height == 0:
        return schema.empty(schema.MENTIONS)
    docs = flagged.select("doc_id").unique()
    m = find_matches(sentences.join(docs, on="doc_id"), lex)
    if ents is None:
        ents = entities.extract_entities(sentences.join(docs, on="doc_id"))
    else:
        ents = ents.join(docs, on="doc_id")
    cand = _candidates(m.join(flagged.select(_KEY), on=_KEY), lex, ents)
    if cand.height == 0:
        return schema.empty(schema.MENTIONS)
    basis = (pl.col("publisher_basis") if "publisher_basis" in documents.columns
             else pl.lit("domain")).alias("publisher_basis")
    pubs = (documents.select("doc_id", "publisher", basis).drop_nulls("publisher").join(docs, on="doc_id")
            if "publisher" in documents.columns else None)
    heads = _mark_heads(m, lex)  # (read once: the article's openness and the scorer's features use it)
    c = _settle(_resolve(cand, m, lex, ents, pubs), lex, _article_openness(m, lex, ents, heads))
    if c.height == 0:
        return schema.empty(schema.MENTIONS)
    c = _context_features(c, m, lex, ents, heads)
    ev = sentences.select(*_KEY, "char_start", "char_end", evidence="text", lang="lang")
    if candidates:
        return c.join(ev, on=_KEY, how="left")
    c = scoring.score(c, min_confidence).with_row_index("mkey")
    if c.height == 0:
        return schema.empty(schema.MENTIONS)
    spans = dates if dates is not None and dates.height and "kind" in dates.columns else None
    if spans is None:
        spans = pl.DataFrame(
            schema={
                "doc_id": pl.String,
                "sentence_idx": pl.Int64,
                "start": pl.Int64,
                "end": pl.Int64,
                "date": pl.String,
                "date_precision": pl.String,
                "date_basis": pl.String,
                "kind": pl.String,
            }
        )
    c = _date(c, spans, m, lex, documents, ents)
    c = c.join(ev, on=_KEY, how="left").with_columns(
        confidence=pl.col("confidence").clip(0.0, 1.0).round(2),
        narratives=pl.lit([], pl.List(pl.String)),
    )
    key = c.select("doc_id", "sentence_idx", "actor", "model", "event_type")
    c = c.with_columns(mention_id=pl.Series([_hash(*r) for r in key.iter_rows()], dtype=pl.String))
    return schema.conform(c, schema.MENTIONS, keep_extra=False).sort(
        "doc_id", "sentence_idx", "actor", "model", "event_type", nulls_last=True
    )


def attach_narratives(mentions: pl.DataFrame, narratives: pl.DataFrame) -> pl.DataFrame:
    """Fill mentions.narratives with the named narrative of each evidence sentence ('other' left out)."""
    if mentions.height == 0 or narratives is None or "narrative" not in narratives.columns:
        return mentions
    named = (
        narratives.filter(pl.col("narrative").is_not_null() & (pl.col("narrative") != "other"))
        .group_by(_KEY)
        .agg(narr=pl.col("narrative").unique().sort())
    )
    return (
        mentions.join(named, on=_KEY, how="left", maintain_order="left")
        .with_columns(narratives=pl.col("narr").fill_null(pl.lit([], pl.List(pl.String))))
        .drop("narr")
    )


# --- events ---------------------------------------------------------------------------------------


def _clusters(rows: list[dict]) -> list[int]:
    """Cluster ids for the mentions of one (actor, model, event_type): dated ones first, finest first.

    Each mention joins the first cluster whose date agrees with its own at the coarser precision (an
    unknown date agrees with anything), else opens a new one. Since mentions come finest first, the
    coarser precision is always the mention's own, so agreement is one lookup of its date's prefix
    among the prefixes the clusters' dates registered: linear in the mentions, however many dates a
    story accumulates.
    """
    order = sorted(
        range(len(rows)),
        key=lambda i: (
            rows[i]["date"] is None,
            -_PRECISION_LEN.get(rows[i]["date_precision"], 0),
            rows[i]["date"] or "",
            rows[i]["mention_id"],
        ),
    )
    lengths = sorted({0, *_PRECISION_LEN.values()})
    first_with: dict[tuple[int, str], int] = {}  # (prefix length, date prefix) -> first cluster
    n_clusters = 0
    out = [0] * len(rows)
    for i in order:
        date = rows[i]["date"]
        if date is None:  # an unknown date agrees with the first cluster there is
            if n_clusters == 0:
                n_clusters = 1
            out[i] = 0
            continue
        n = _PRECISION_LEN.get(rows[i]["date_precision"], 0)
        k = first_with.get((n, date[:n]))
        if k is None:
            k = n_clusters
            n_clusters += 1
            for L in lengths:
                if n >= L:
                    first_with.setdefault((L, date[:L]), k)
        out[i] = k
    return out


def merge_events(mentions: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """The events table: mentions of the same real-world event merged across documents."""
    if mentions.height == 0:
        return schema.empty(schema.EVENTS)
    # a model written in other cases or with other separators ("Memsearch" opening a sentence,
    # "memsearch"; "Gemma-3", "Gemma 3") is one model: merged by its squashed spelling, shown by the
    # spelling its mentions use most
    key = ["actor", "model_key", "event_type"]
    mentions = mentions.with_columns(model_key=text.name_key(pl.col("model")))
    pub = documents.select(
        "doc_id",
        pl.col("published")
        if "published" in documents.columns
        else pl.lit(None, pl.String).alias("published"),
    )
    m = mentions.join(pub, on="doc_id", how="left").sort("mention_id")
    dated = m.group_by(key).agg(n=pl.col("date").n_unique(), nd=pl.col("date").null_count())
    needs = dated.filter(pl.col("n") - (pl.col("nd") > 0).cast(pl.UInt32) > 1).select(key)
    simple = m.join(needs, on=key, how="anti", nulls_equal=True).with_columns(cluster=pl.lit(0))
    parts = [simple]
    hard = m.join(needs, on=key, how="semi", nulls_equal=True)
    if hard.height:
        ids: list[int] = []
        hard = hard.sort(*key, "mention_id", nulls_last=True)
        for _, g in hard.group_by(key, maintain_order=True):
            ids.extend(_clusters(g.select("mention_id", "date", "date_precision").to_dicts()))
        parts.append(hard.with_columns(cluster=pl.Series(ids, dtype=pl.Int32)))
    m = pl.concat([p.with_columns(pl.col("cluster").cast(pl.Int32)) for p in parts])
    m = m.with_columns(
        plen=pl.col("date_precision").replace_strict(_PRECISION_LEN, default=0),
        srank=pl.col("status").replace_strict(_STATUS_RANK, default=3),
    )
    ev = (
        m.sort("mention_id")
        .group_by([*key, "cluster"])
        .agg(
            model=pl.col("model").mode().sort().first(),
            status=pl.col("status").sort_by("srank", descending=True).mode().sort().last(),
            openness=pl.col("openness").filter(pl.col("openness") != "unknown").mode().sort().first(),
            date=pl.col("date").sort_by("plen", "date", descending=[True, False], nulls_last=True).first(),
            date_precision=pl.col("date_precision")
            .sort_by("plen", "date", descending=[True, False], nulls_last=True)
            .first(),
            first_reported=pl.col("published").min(),
            n_mentions=pl.len(),
            n_documents=pl.col("doc_id").n_unique(),
            doc_ids=pl.col("doc_id").unique().sort(),
            mention_ids=pl.col("mention_id").sort(),
        )
        .with_columns(openness=pl.col("openness").fill_null("unknown"))
    )
    ev = ev.with_columns(
        event_id=pl.struct("actor", "model", "event_type", "date", "mention_ids").map_elements(
            lambda r: _hash(r["actor"], r["model"], r["event_type"], r["date"], r["mention_ids"][0]),
            return_dtype=pl.String,
        )
    )
    ev = _link_fulfilment(ev)
    return schema.conform(ev, schema.EVENTS, keep_extra=False).sort(
        "actor", "model", "event_type", "date", "event_id", nulls_last=True
    )


def _link_fulfilment(ev: pl.DataFrame) -> pl.DataFrame:
    """On each open_release, the open_plan it delivers: same actor and model, promised before or at it.

    Of the plans reported no later than the release (compared at the coarser of the two precisions),
    the latest; among plans reported the same day, the smallest id; a plan with no report date only when
    no dated one qualifies. An as-of join per actor and model, so a story with thousands of releases
    and plans costs a sort, not their product.
    """
    none = pl.lit(None, pl.String)
    model_key = pl.col("model_key" if "model_key" in ev.columns else "model").fill_null("\x00")
    rel = ev.filter(pl.col("event_type") == "open_release").select(
        "event_id", "actor", model_key.alias("mk"),
        # "2025-08" admits a plan reported on any day of August: pad the release's date past every day
        key=pl.coalesce("date", "first_reported").fill_null("") + "\uffff",
    )
    plans = ev.filter(pl.col("event_type") == "open_plan").select(
        "actor", model_key.alias("mk"), p_id="event_id", p_reported="first_reported"
    )
    dated = (plans.filter(pl.col("p_reported").is_not_null())
             .sort("actor", "mk", "p_reported", "p_id", descending=[False, False, False, True])
             .unique(["actor", "mk", "p_reported"], keep="last", maintain_order=True)
             .rename({"p_reported": "key"}))
    latest = (rel.sort("key")
              .join_asof(dated.sort("key"), on="key", by=["actor", "mk"], strategy="backward",
                         check_sortedness=False)
              .select("event_id", dated_plan="p_id"))
    undated = (plans.filter(pl.col("p_reported").is_null()).group_by("actor", "mk")
               .agg(undated_plan=pl.col("p_id").min()))
    link = (
        rel.join(latest, on="event_id", how="left")
        .join(undated, on=["actor", "mk"], how="left")
        .select("event_id", fulfils=pl.coalesce("dated_plan", "undated_plan", none))
        .filter(pl.col("fulfils").is_not_null())
    )
    return ev.join(link, on="event_id", how="left")
