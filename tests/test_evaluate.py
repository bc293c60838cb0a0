"""`analysis.evaluate` and `openness evaluate`: the counts on a gold made by hand, and the README's floors."""

from __future__ import annotations

import json

import polars as pl
import pytest

from analysis import cli, evaluate, schema
from tests import figures

# Four documents: d1 and d3 English, d2 Arabic, d4 not in the gold (its predictions are not scored).
DOCS = pl.DataFrame({
    "doc_id": ["d1", "d2", "d3", "d4"],
    "path": ["news/d1.txt", "news/d2.txt", "blog/d3.md", "news/d4.txt"],
    "status": ["ok"] * 4,
    "lang": ["en", "ar", "en", "en"],
    "published": ["2025-03-11", None, "2025-06-01", None],
    "published_precision": ["day", "unknown", "day", "unknown"],
})

# mention: (doc, sentence, actor, model, event_type, date, evidence)
MENTIONS = [
    ("d1", 0, "Elon Musk", "Grok-3", "open_release", "2025-03-11", "Musk's xAI opened Grok 3 on Tuesday."),
    ("d1", 1, "Meta", "Llama 4", "delay", "2025-04", "Meta pushed back Llama 4."),
    ("d1", 2, "OpenAI", None, "statement", None, "Altman said open weights matter."),
    ("d2", 0, "DeepSeek", "DeepSeek R1", "open_release", "2025-02", "نشرت ديب سيك أوزان R1."),
    ("d2", 1, "OpenAI", "GPT-4o", "closed_release", None, "أطلقت OpenAI نموذج GPT-4o."),
    ("d2", 2, "OpenAI", "GPT-4o", "closed_release", "2025-05", "GPT-4o متاح عبر الواجهة فقط."),
    ("d2", 3, "Google", "Gemini", "open_release", None, "جوجل و Gemini."),
    ("d2", 4, "Alibaba", "Qwen2", "licence_restriction", None, "رخصة Qwen2 تقيد الاستخدام."),
    ("d3", 0, "Anthropic", "Claude", "closed_release", None, "Claude is great for coding."),
    ("d3", 1, "Dario Amodei", None, "statement", None, "Amodei said safety comes first."),
    ("d4", 0, "Nvidia", "Nemotron", "open_release", None, "Nvidia released Nemotron weights."),
]

# gold: doc (every way of naming a document), actor, model, event_type, date, optional, evidence
GOLD = [
    ("d1", "xAI", "Grok", "open_release", "2025-03-11", False, "opened Grok 3"),  # person, family
    ("d1.txt", "Meta", "Llama 4", "delay", None, False, "pushed back Llama 4"),  # date invented
    ("news/d1.txt", "Sam Altman", None, "statement", None, False, "Altman said"),  # person vs org
    ("d1", "Mistral AI", "Mistral Small 3", "open_release", "2025-03", False, "Mistral"),  # missed
    ("d2", "DeepSeek", "DeepSeek-R1", "open_release", "2025-01", True, "أوزان R1"),  # optional, found
    ("d2", "Alibaba", "Qwen2.5", "licence_restriction", None, True, "Qwen2"),  # optional, missed
    ("d2", "OpenAI", "GPT-4o", "closed_release", "2025-05-13", False, "أطلقت OpenAI"),  # date missing
]

GOLD_DOCS = pl.DataFrame({
    "doc": ["d1", "d2", "d3"],
    "published": ["2025-03-11", "2025-02", None],
    "published_precision": ["day", "month", "unknown"],
    "narratives": ["licensing;transparency", "", ""],
    "narratives_optional": ["china_competition", "", ""],
})

NARRATIVES = [("d1", 0, "licensing"), ("d1", 1, "china_competition"), ("d1", 2, "safety_delay"),
              ("d1", 3, "other"), ("d3", 0, "talent_war")]


def _mentions(rows=MENTIONS) -> pl.DataFrame:
    S = pl.String
    df = pl.DataFrame(rows, schema={"doc_id": S, "sentence_idx": pl.Int64, "actor": S, "model": S,
                                    "event_type": S, "date": S, "evidence": S}, orient="row")
    df = df.with_columns(
        mention_id=pl.concat_str("doc_id", pl.col("sentence_idx").cast(pl.String), "event_type",
                                 separator="-"),
        status=pl.lit("realized"), openness=pl.lit("unknown"),
        date_precision=pl.col("date").str.len_chars().replace_strict({4: "year", 7: "month", 10: "day"},
                                                                     default="unknown"),
    )
    return schema.conform(df, schema.MENTIONS)


def _tables(mentions: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    narr = pl.DataFrame(NARRATIVES, schema=["doc_id", "sentence_idx", "narrative"], orient="row")
    return {"documents": schema.conform(DOCS, schema.DOCUMENTS),
            "mentions": _mentions() if mentions is None else mentions,
            "narratives": schema.conform(narr, schema.NARRATIVES)}


def _gold(rows=GOLD) -> pl.DataFrame:
    S = pl.String
    return pl.DataFrame(rows, schema={"doc": S, "actor": S, "model": S, "event_type": S, "date": S,
                                      "optional": pl.Boolean, "evidence": S}, orient="row")


def _gold_docs() -> pl.DataFrame:
    return GOLD_DOCS  # as written by hand: lists ';'-joined, no lang


@pytest.fixture(scope="module")
def ev() -> evaluate.Evaluation:
    return evaluate.evaluate(_tables(), _gold(), _gold_docs())


def test_counts_on_a_gold_made_by_hand(ev):
    o = ev.figures().row(0, named=True)
    # required rows: 5 (two optional ones cost nothing); found: all but Mistral's release
    assert (o["gold"], o["found"], o["optional"], o["optional_found"]) == (5, 4, 2, 1)
    # predictions other than statements in d1-d3: Grok, Llama delay, R1, GPT-4o (two mentions, one
    # prediction), Gemini, Qwen2, Claude; right: the first four (R1 matched an optional row)
    assert (o["predicted"], o["right"]) == (7, 4)
    assert o["recall"] == pytest.approx(0.8) and o["precision"] == pytest.approx(4 / 7)
    assert o["f1"] == pytest.approx(2 * 0.8 * (4 / 7) / (0.8 + 4 / 7))


def test_spellings_of_one_model_in_a_document_are_one_prediction():
    # the events table merges "Memsearch" (opening a sentence) and "memsearch" by their folded key;
    # the evaluation counts them as it does: one right prediction, not one right and one false
    rows = [("d4", 0, "Zilliz", "Memsearch", "open_release", None, "Memsearch is open source."),
            ("d4", 1, "Zilliz", "memsearch", "open_release", None, "Install memsearch, MIT licensed.")]
    gold = _gold([("d4", "Zilliz", "memsearch", "open_release", None, False, "open source")])
    tables = {"documents": schema.conform(DOCS, schema.DOCUMENTS), "mentions": _mentions(rows)}
    o = evaluate.evaluate(tables, gold).figures().row(0, named=True)
    assert (o["gold"], o["found"], o["predicted"], o["right"]) == (1, 1, 1, 1)


def test_a_person_stands_for_their_organisation_and_a_family_for_its_member(ev):
    g = ev.gold.filter(pl.col("found")).select("actor", "model", "p_actor", "p_model").rows()
    assert ("xAI", "Grok", "Elon Musk", "Grok-3") in g  # Musk for xAI, Grok 3 for the family Grok
    assert ("Sam Altman", None, "OpenAI", None) in g  # OpenAI's statement for Altman's
    assert ("DeepSeek", "DeepSeek-R1", "DeepSeek", "DeepSeek R1") in g  # spellings of one name
    # Qwen2 is not Qwen2.5: a false hit, and the optional Qwen2.5 row stays unfound at no cost
    wrong = ev.predicted.filter(pl.col("counted") & ~pl.col("right"))
    assert sorted(wrong["model"].to_list()) == ["Claude", "Gemini", "Qwen2"]


def test_dates_right_wrong_missing_and_invented(ev):
    o = ev.figures().row(0, named=True)
    # dated and matched: Grok (right), GPT-4o (the mention matched has none: missing), R1 (wrong)
    assert (o["dated"], o["dates_right"], o["dates_wrong"], o["dates_missing"]) == (3, 1, 1, 1)
    # undated and matched: the Llama delay (a date invented) and Altman's statement
    assert (o["undated"], o["dates_invented"]) == (2, 1)
    assert o["invented_share"] == pytest.approx(0.5)


def test_per_language_and_per_event_type(ev):
    by_lang = {r["lang"]: r for r in ev.figures("lang").iter_rows(named=True)}
    assert (by_lang["en"]["gold"], by_lang["en"]["found"], by_lang["en"]["predicted"],
            by_lang["en"]["right"]) == (4, 3, 3, 2)
    assert (by_lang["ar"]["gold"], by_lang["ar"]["found"], by_lang["ar"]["predicted"],
            by_lang["ar"]["right"]) == (1, 1, 4, 2)
    by_type = {r["event_type"]: r for r in ev.figures("event_type").iter_rows(named=True)}
    assert (by_type["open_release"]["gold"], by_type["open_release"]["found"]) == (2, 1)
    assert (by_type["statement"]["found"], by_type["statement"]["predicted"]) == (1, 0)


def test_a_document_with_no_events_and_one_outside_the_gold(ev):
    # d3 is in the gold documents with no events: its prediction is a false hit; d4 is not scored
    assert set(ev.predicted["doc_id"]) == {"d1", "d2", "d3"}
    d3 = ev.predicted.filter(pl.col("doc_id") == "d3")
    assert d3.filter(pl.col("counted"))["right"].to_list() == [False]


def test_publication_dates_and_narratives(ev):
    s = ev.summary()
    assert (s["publication"]["right"], s["publication"]["missing"], s["publication"]["invented"]) == (1, 1, 1)
    f1 = {r["doc_id"]: r["f1"] for r in s["narratives"]["per_document"]}
    # d1: licensing right, safety_delay wrong, transparency missed; china_competition is optional
    assert f1 == {"d1": pytest.approx(0.5), "d2": 1.0, "d3": 0.0}
    assert s["narratives"]["mean_f1"] == pytest.approx(0.5)


def test_misses_and_false_hits_carry_their_sentences(ev):
    s = ev.summary()
    assert [(r["actor"], r["evidence"]) for r in s["misses"]] == [("Mistral AI", "Mistral")]
    hits = {r["model"]: r["evidence"] for r in s["false_hits"]}
    assert hits["Claude"] == "Claude is great for coding."


def test_pairs_are_one_to_one_and_do_not_depend_on_row_order():
    gold = _gold([("d1", "xAI", "Grok 3", "open_release", None, False, "Grok 3"),
                  ("d1", "xAI", "Grok 2.5", "open_release", None, False, "Grok 2.5")])
    m = _mentions([("d1", 0, "xAI", "Grok", "open_release", None, "xAI opened Grok 2.5 and Grok 3.")])
    one = evaluate.evaluate(_tables(m), gold)
    assert one.figures().row(0, named=True)["found"] == 1  # one prediction answers one gold row
    full = evaluate.evaluate(_tables(), _gold())
    shuffled = evaluate.evaluate(_tables(_mentions()[::-1]), _gold(GOLD[::-1]))
    assert full.figures().equals(shuffled.figures())
    assert shuffled.gold.filter(pl.col("found")).select("actor", "p_model").sort("actor").equals(
        full.gold.filter(pl.col("found")).select("actor", "p_model").sort("actor"))


def test_per_sentence_needs_the_gold_sentence():
    gold = _gold([("d1", "Meta", "Llama 4", "delay", None, False, "Meta pushed back"),
                  ("d1", "Meta", "Llama 4", "delay", None, False, "a second sentence")])
    by_doc = evaluate.evaluate(_tables(), gold)
    merged = evaluate.evaluate(_tables(), gold, merge_repeats=True)
    by_sentence = evaluate.evaluate(_tables(), gold, per="sentence")
    # two rows are two events unless told they are one event's mentions
    assert (by_doc.figures()["gold"].item(), by_doc.figures()["found"].item()) == (2, 1)
    assert (merged.figures()["gold"].item(), merged.figures()["found"].item()) == (1, 1)
    assert "counted once" in merged.notes[0]
    assert (by_sentence.figures()["gold"].item(), by_sentence.figures()["found"].item()) == (2, 1)


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Qwen2.5", "qwen 2.5", True), ("Qwen2.5", "Qwen-2.5", True), ("Qwen2", "Qwen2.5", False),
    ("DeepSeek-R1", "DeepSeek R1", True), ("GPT-4o", "gpt 4o", True), ("GPT-4", "GPT-4o", False),
    ("jina-embeddings-v3", "Jina Embeddings V3", True), ("Llama 3.1", "Llama 31", False),
    ("jinaai/jina-embeddings-v3", "jina-embeddings-v3", True),
    ("huggingface.co/acme/Tern-2-7B", "Tern-2-7B", True), ("acme/Tern-2-7B", "Tern-3-7B", False),
])
def test_model_names_are_compared_normalised(a, b, same):
    keys = pl.DataFrame({"m": [a, b]}).select(evaluate.model_key(pl.col("m")))["m"].to_list()
    assert (keys[0] == keys[1]) is same


def test_documents_are_named_by_id_path_file_name_or_stem():
    got = evaluate.resolve_docs(pl.Series(["d1", "news/d2.txt", "d3.md", "d4", "nope"]), DOCS)
    assert got["doc_id"].to_list() == ["d1", "d2", "d3", "d4", None]
    two = DOCS.with_columns(path=pl.Series(["a/x.txt", "b/x.txt", "c.txt", "d.txt"]))
    with pytest.raises(evaluate.GoldError, match="ambiguous"):
        evaluate.resolve_docs(pl.Series(["x"]), two)
    with pytest.raises(evaluate.GoldError, match="does not have: nope"):
        evaluate.evaluate(_tables(), _gold([("nope", "xAI", None, "delay", None, False, "x")]))


# --- the command line


def _write(tmp_path, gold_rows=GOLD):
    build = tmp_path / "build"
    schema.write_tables(_tables(), build)
    gold = _gold(gold_rows).with_columns(pl.col("optional").cast(pl.String).str.to_lowercase())
    gold.write_csv(tmp_path / "gold.csv")
    GOLD_DOCS.write_csv(tmp_path / "docs.csv")
    return build, tmp_path / "gold.csv", tmp_path / "docs.csv"


def test_cli_formats(tmp_path, capsys):
    build, gold, docs = _write(tmp_path)
    assert cli.main(["evaluate", str(build), str(gold), str(docs), "--format", "json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert (s["overall"]["gold"], s["overall"]["found"], s["overall"]["predicted"]) == (5, 4, 7)
    assert s["overall"]["precision"] == round(4 / 7, 4) and s["publication"]["right"] == 1
    assert cli.main(["evaluate", str(build), str(gold), "--format", "md"]) == 0
    md = capsys.readouterr().out
    # without the gold documents, d3 (no events) is not scored: 6 predictions, not 7
    assert md.startswith("2 documents") and "**Misses** (1)" in md
    assert "| all | 5 | 4 | 0.80 | 6 | 4 | 0.67 | 0.73 | 1/3 |" in md
    assert cli.main(["evaluate", str(build), str(gold), str(docs)]) == 0
    text = capsys.readouterr().out
    assert "lang ar" in text and "publication dates right on 1 of 3" in text and "Mistral" in text


def test_cli_thresholds_exit_1_below_them(tmp_path, capsys):
    build, gold, docs = _write(tmp_path)
    args = ["evaluate", str(build), str(gold), str(docs)]
    assert cli.main([*args, "--min-recall", "0.8", "--min-precision", "0.57"]) == 0
    assert cli.main([*args, "--min-recall", "0.9"]) == 1
    assert "recall 0.800 is below --min-recall 0.9" in capsys.readouterr().err
    assert cli.main([*args, "--min-precision", "0.6"]) == 1
    with pytest.raises(SystemExit) as e:
        cli.main([*args, "--min-precision", "1.5"])
    assert e.value.code == 2 and "not between 0 and 1" in capsys.readouterr().err


def test_cli_split_keeps_the_documents_of_one_split(tmp_path, capsys):
    build, gold, _ = _write(tmp_path)
    (tmp_path / "split.csv").write_text("doc,lang,split\nd1,en,test\nd2,ar,dev\nd3,en,dev\n")
    assert cli.main(["evaluate", str(build), str(gold), "--docs", str(tmp_path / "split.csv"),
                     "--split", "test", "--format", "json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["documents"] == 1 and (s["overall"]["gold"], s["overall"]["found"]) == (4, 3)


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t / "missing", "no such build folder"),
    (lambda t: t, "not a build folder"),
])
def test_cli_bad_build_exits_2(tmp_path, capsys, change, message):
    _, gold, _ = _write(tmp_path)
    assert cli.main(["evaluate", str(change(tmp_path)), str(gold)]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(("content", "message"), [
    ("doc,actor,model\nd1,xAI,Grok\n", "needs column(s) event_type, date"),
    ("doc,actor,model,event_type,date\nd1,xAI,Grok,release,\n", "line 2: event_type is 'release'"),
    ("doc,actor,model,event_type,date\nd1,xAI,Grok,delay,March 2025\n", "line 2: date is 'March 2025'"),
    ("doc,actor,model,event_type,date\nd1,,Grok,delay,\n", "line 2: actor is empty"),
    ("doc,actor,model,event_type,date\nd9,xAI,Grok,delay,\n", "does not have: d9"),
])
def test_cli_bad_gold_exits_2_naming_the_file(tmp_path, capsys, content, message):
    build, _, _ = _write(tmp_path)
    (tmp_path / "bad.csv").write_text(content)
    assert cli.main(["evaluate", str(build), str(tmp_path / "bad.csv")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    if "does not have" not in message:
        assert "bad.csv" in err


def test_cli_help_describes_the_gold(capsys):
    with pytest.raises(SystemExit):
        cli.main(["evaluate", "--help"])
    out = capsys.readouterr().out
    assert "GOLD_EVENTS" in out and "--min-recall" in out and "optional" in out


# --- the README's figures


def test_figures_block_round_trips_its_floors(ev):
    block = evaluate.figures_block({"real test": ev, "other": ev}, guarded=("real test",))
    floors = evaluate.parse_floors(f"intro\n{block}\nafter", "real test")
    assert floors["en"] == {"recall": 0.75, "precision": 0.66}  # 3/4; 2/3 rounded down
    assert floors["all"] == {"recall": 0.8, "precision": 0.57}
    assert evaluate.parse_floors(block, "other") == {}
    assert evaluate.replace_block(f"a\n{evaluate.FIGURES_START}\nold\n{evaluate.FIGURES_END}\nb", block) \
        == f"a\n{block}\nb"


def test_test_split_stays_above_the_floors_the_readme_states(figure_evaluations):
    """A guard against regressions on the real test split, not a target: see README, 'Measured quality'."""
    floors = evaluate.parse_floors(figures.README.read_text(encoding="utf-8"), figures.GUARDED)
    assert {"all", "ar", "en"} <= set(floors)
    ev = figure_evaluations[figures.GUARDED]
    now = {"all": ev.figures().row(0, named=True)} | {
        r["lang"]: r for r in ev.figures("lang").iter_rows(named=True)}
    below = [f"{lang} {k} {now[lang][k]} < {f}" for lang, fl in floors.items() for k, f in fl.items()
             if (now[lang][k] or 0.0) < f]
    assert not below, "; ".join(below)


@pytest.mark.parametrize(("events", "docs", "folder", "suffix"), [
    ("real_events.csv", "real_docs.csv", figures.REAL, ".md"),
    ("news_events.csv", "news_docs.csv", figures.NEWS, ".txt"),
])
def test_every_gold_evidence_stands_in_its_document(events, docs, folder, suffix):
    """The gold is only as good as its pointers: each evidence passage is verbatim in its document."""
    gold = evaluate.read_gold_events(figures.ANNOTATIONS / events)
    listed = evaluate.read_gold_docs(figures.ANNOTATIONS / docs)
    assert set(gold["doc"]) <= set(listed["doc"])
    files = {p.stem for p in folder.glob(f"*{suffix}")}
    assert set(listed["doc"]) <= files
    text = {d: (folder / f"{d}{suffix}").read_text(encoding="utf-8") for d in listed["doc"]}
    absent = [(r["doc"], r["evidence"]) for r in gold.iter_rows(named=True)
              if not r["evidence"] or r["evidence"] not in text[r["doc"]]]
    assert not absent


def test_the_real_gold_covers_every_post_of_the_split():
    split = evaluate.read_doc_list(figures.ANNOTATIONS / "real_split.csv")
    listed = evaluate.read_gold_docs(figures.ANNOTATIONS / "real_docs.csv")
    assert sorted(listed["doc"]) == sorted(split["doc"])
    assert listed.join(split, on="doc").filter(pl.col("lang") != pl.col("lang_right")).height == 0


def test_the_share_of_events_merged_across_the_languages_of_a_pair():
    mentions = pl.DataFrame({
        "doc_id": ["en_a", "ar_a", "en_a", "ar_a", "en_b"],
        "actor": ["Meta", "Meta", "xAI", "xAI", "Meta"],
        "model": ["Llama 4", "Llama-4", "Grok 3", "Grok 3", "Llama 4"],
        "event_type": ["open_release", "open_release", "delay", "delay", "open_release"],
    })
    events = pl.DataFrame({
        "actor": ["Meta", "xAI", "xAI"],
        "model": ["Llama 4", "Grok 3", "Grok 3"],
        "event_type": ["open_release", "delay", "delay"],
        # the Llama release is one row for both posts; the Grok delay was split in two
        "doc_ids": [["ar_a", "en_a", "en_b"], ["en_a"], ["ar_a"]],
    })
    pairs = pl.DataFrame({"doc": ["en_a", "ar_a", "en_b"], "pair": ["a", "a", "b"]})
    m = evaluate.merged_across_languages(mentions, events, pairs)
    assert (m["shared"], m["merged"], m["share"]) == (2, 1, 0.5)
