"""Event mentions and events, judged against hand annotations (tests/annotations/README.md)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from analysis import dates, evaluate, events, pipeline, schema, text
from tests.conftest import CORPUS

HERE = Path(__file__).resolve().parent
FLOOR = 0.8


def score(tables: dict[str, pl.DataFrame], gold_name: str) -> dict[str, float]:
    """Precision, recall and dates of the mentions against annotated rows, mention by mention.

    The annotations name one row per sentence that states an event (tests/annotations/README.md), so
    each mention must lie in the sentence holding its row's evidence (`per="sentence"`).
    """
    gold = evaluate.read_gold_events(HERE / "annotations" / gold_name)
    o = evaluate.evaluate(tables, gold, per="sentence").figures().row(0, named=True)
    return {
        "precision": o["precision"],
        "recall": o["recall"],
        "date_accuracy": o["date_accuracy"] if o["dated"] else 1.0,
        "dated": float(o["dated"]),
        # the other way round: a date given where the text gives the event none is a wrong date too
        "spurious_dates": o["invented_share"] or 0.0,
        "undated": float(o["undated"]),
    }


@pytest.fixture(scope="module")
def corpus_tables(bundled_tables):
    return bundled_tables


@pytest.mark.parametrize(
    ("tables_name", "gold_name"), [("corpus_tables", "corpus.csv"), ("article_tables", "fixtures.csv")]
)
def test_precision_and_recall_against_annotations(request, tables_name, gold_name):
    s = score(request.getfixturevalue(tables_name), gold_name)
    print(
        f"\n{gold_name}: precision {s['precision']:.2f} recall {s['recall']:.2f} "
        f"date accuracy {s['date_accuracy']:.2f} (of {s['dated']:.0f} dated)"
    )
    assert s["precision"] >= FLOOR and s["recall"] >= FLOOR


@pytest.mark.parametrize(
    ("tables_name", "gold_name"), [("corpus_tables", "corpus.csv"), ("article_tables", "fixtures.csv")]
)
def test_date_accuracy_against_annotations(request, tables_name, gold_name):
    s = score(request.getfixturevalue(tables_name), gold_name)
    print(f"\n{gold_name}: date accuracy {s['date_accuracy']:.2f} (of {s['dated']:.0f} dated); "
          f"dates given to {s['spurious_dates']:.2f} of {s['undated']:.0f} events the text leaves undated")
    assert s["date_accuracy"] >= FLOOR
    assert s["spurious_dates"] <= 1 - FLOOR


def test_acceptance_events_on_the_bundled_corpus(corpus_tables):
    m = corpus_tables["mentions"].with_columns(doc=pl.col("doc_id").str.slice(0, 3))

    def has(doc: str, actor: str, model: str | None, etype: str) -> bool:
        mm = m.filter((pl.col("doc") == doc) & (pl.col("actor") == actor) & (pl.col("event_type") == etype))
        return mm.filter(pl.col("model").is_null() if model is None else pl.col("model") == model).height > 0

    expected = [
        ("004", "OpenAI", "gpt-oss-120b", "open_release"),
        ("004", "OpenAI", "gpt-oss-20b", "open_release"),
        ("004", "DeepSeek", "DeepSeek-R1", "open_release"),
        ("004", "OpenAI", "GPT-2", "open_release"),
        ("003", "OpenAI", None, "delay"),
        ("003", "Moonshot AI", "Kimi K2", "open_release"),
        ("002", "xAI", "Grok-3", "delay"),
        ("002", "Anthropic", "Claude 3.5 Opus", "delay"),
        ("000", "xAI", "Grok-2.5", "open_release"),
        ("000", "xAI", "Grok-3", "open_plan"),
        ("000", "xAI", "Grok", "incident"),
        ("001", "Meta", "Llama 2", "licence_restriction"),
    ]
    missing = [e for e in expected if not has(*e)]
    assert not missing


def test_tables_follow_the_contract(corpus_tables):
    m, e = corpus_tables["mentions"], corpus_tables["events"]
    assert m.schema == pl.Schema(schema.MENTIONS) and e.schema == pl.Schema(schema.EVENTS)
    assert m["mention_id"].n_unique() == m.height
    assert set(m["event_type"]) <= set(schema.EVENT_TYPES)
    assert set(m["status"]) <= set(schema.MENTION_STATUSES) and set(m["openness"]) <= set(schema.OPENNESS)
    assert set(m["date_basis"]) <= set(schema.DATE_BASES)
    assert sorted(e["mention_ids"].explode().to_list()) == sorted(m["mention_id"].to_list())
    s = corpus_tables["sentences"].select("doc_id", "sentence_idx", "char_start", "char_end", "text")
    j = m.join(s, on=["doc_id", "sentence_idx"])
    assert j.height == m.height
    assert (j["evidence"] == j["text"]).all() and (j["char_start"] == j["char_start_right"]).all()


def test_rebuilding_gives_identical_tables(corpus_tables):
    again = pipeline.build_tables([CORPUS], progress=False)
    for name in ("mentions", "events"):
        assert again[name].equals(corpus_tables[name]), name


def test_corpus_without_events_gives_empty_tables(tmp_path):
    (tmp_path / "a.txt").write_text(
        "The weather in Amman was mild today. Markets were closed for the holiday.", encoding="utf-8"
    )
    (tmp_path / "b.txt").write_text(
        "الطقس معتدل في عمان اليوم. وأغلقت الأسواق أبوابها بمناسبة العطلة.", encoding="utf-8"
    )
    t = pipeline.build_tables([tmp_path], progress=False)
    assert t["mentions"].height == 0 and t["mentions"].schema == pl.Schema(schema.MENTIONS)
    assert t["events"].height == 0 and t["events"].schema == pl.Schema(schema.EVENTS)
    empty = events.extract_mentions(
        schema.empty(schema.SENTENCES), schema.empty(schema.DOCUMENTS), pl.DataFrame(schema=dates.SPAN_SCHEMA)
    )
    assert empty.schema == pl.Schema(schema.MENTIONS)
    assert events.merge_events(empty, schema.empty(schema.DOCUMENTS)).height == 0


def _sentences(rows: list[tuple[str, int, str]]) -> pl.DataFrame:
    df = pl.DataFrame(rows, schema=["doc_id", "sentence_idx", "text"], orient="row")
    return df.with_columns(
        char_start=pl.lit(0, pl.Int64),
        char_end=pl.col("text").str.len_chars().cast(pl.Int64),
        text_norm=text.normalize_expr("text"),
        lang=pl.lit("en"),
    )


def _undated() -> pl.DataFrame:
    """The documents table of the one document "d" of `_sentences`, with no publication date."""
    return pl.DataFrame({"doc_id": ["d"], "published": [None]}, schema={"doc_id": pl.String,
                                                                        "published": pl.String})


def _span(
    doc: str, idx: int, sentence: str, expr: str, date: str | None, prec: str, basis: str, kind: str
) -> dict:
    start = text.normalize(sentence).index(text.normalize(expr))
    return {
        "doc_id": doc,
        "sentence_idx": idx,
        "start": start,
        "end": start + len(expr),
        "expr": expr,
        "date": date,
        "date_precision": prec,
        "date_basis": basis,
        "kind": kind,
    }


def test_dates_come_from_spans_of_the_fitting_kind():
    s1 = "Meta pushed back the release of Llama 4, which was scheduled for April 2025, on May 2."
    s2 = "xAI will open-source Grok 5 by the end of the year."
    s3 = "Mistral AI released the weights of Mistral today."
    sents = _sentences([("d", 0, s1), ("d", 1, s2), ("d", 2, s3)])
    docs = pl.DataFrame({"doc_id": ["d"], "published": ["2025-05-03"], "published_precision": ["day"]})
    spans = pl.DataFrame(
        [
            _span("d", 0, s1, "April 2025", "2025-04", "month", "explicit", "scheduled"),
            _span("d", 0, s1, "May 2", "2025-05-02", "day", "relative", "point"),
            _span("d", 1, s2, "by the end of the year", "2025-12", "month", "relative", "due"),
        ],
        schema=dates.SPAN_SCHEMA,
    )
    m = events.extract_mentions(sents, docs, spans)
    got = {
        (r["model"], r["event_type"]): (r["date"], r["date_precision"], r["date_basis"])
        for r in m.iter_rows(named=True)
    }
    assert got[("Llama 4", "delay")] == ("2025-04", "month", "explicit")
    assert got[("Grok-5", "open_plan")] == ("2025-12", "month", "relative")
    assert got[("Mistral", "open_release")] == ("2025-05-03", "day", "document")
    # without a publication date, nothing falls back to it
    m2 = events.extract_mentions(sents, docs.with_columns(published=pl.lit(None, pl.String)), spans)
    assert m2.filter(pl.col("model") == "Mistral")["date"].to_list() == [None]


def test_merge_links_a_promise_to_its_fulfilment_and_counts_documents():
    s_plan = "xAI will open-source Grok 3 within six months."
    s_rel = "xAI open-sourced Grok 3 on Tuesday."
    sents = _sentences([("a", 0, s_plan), ("b", 0, s_rel), ("c", 0, s_rel)])
    docs = pl.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "published": ["2025-08-24", "2026-02-10", "2026-02-11"],
            "published_precision": ["day"] * 3,
        }
    )
    spans = pl.DataFrame(
        [
            _span("a", 0, s_plan, "within six months", "2026-02", "month", "relative", "due"),
            _span("b", 0, s_rel, "on Tuesday", "2026-02-10", "day", "relative", "point"),
        ],
        schema=dates.SPAN_SCHEMA,
    )
    m = events.extract_mentions(sents, docs, spans)
    e = events.merge_events(m, docs)
    rel = e.filter(pl.col("event_type") == "open_release").row(0, named=True)
    plan = e.filter(pl.col("event_type") == "open_plan").row(0, named=True)
    assert (rel["n_mentions"], rel["n_documents"], rel["doc_ids"]) == (2, 2, ["b", "c"])
    assert rel["date"] == "2026-02-10" and rel["first_reported"] == "2026-02-10"
    assert rel["fulfils"] == plan["event_id"] and plan["date"] == "2026-02"


def test_a_release_fulfils_the_latest_plan_reported_before_it():
    """Compared at the coarser precision; an undated plan only when no dated one qualifies."""
    rows = [  # event_id, model, event_type, date, first_reported
        ("p1", "M", "open_plan", "2025-12", "2025-03-01"),
        ("p2", "M", "open_plan", None, "2025-06"),
        ("p3", "M", "open_plan", None, None),
        ("r1", "M", "open_release", "2025-06-15", "2025-06-16"),  # p2: June admits the 15th
        ("r2", "M", "open_release", "2025-04", "2025-04-02"),  # p1: p2 comes later
        ("r3", "M", "open_release", "2025-02", "2025-02-03"),  # only the undated p3
        ("r4", None, "open_release", "2025-07", "2025-07-01"),  # no plan for a model-less release
    ]
    ev = pl.DataFrame([dict(zip(["event_id", "model", "event_type", "date", "first_reported"], r,
                                strict=True), actor="X") for r in rows])
    out = dict(events._link_fulfilment(ev).select("event_id", "fulfils").iter_rows())
    assert out == {"p1": None, "p2": None, "p3": None, "r1": "p2", "r2": "p1", "r3": "p3", "r4": None}


@pytest.mark.parametrize(("sentence", "actor", "model"), [
    ("أجلت شركة ديب سيك إطلاق نموذجها المفتوح DeepSeek R1 في 12 مارس 2023.", "DeepSeek", "DeepSeek-R1"),
    ("أجلت شركة Meta Platforms إطلاق نموذجها المفتوح Llama 3 في ديسمبر الماضي.", "Meta", "Llama 3"),
])
def test_verb_first_delay_takes_the_model_after_a_multiword_subject(tmp_path, sentence, actor, model):
    """'Postponed (company X Y) the launch of its model M': the delay is M's, whatever X Y's length."""
    (tmp_path / "a.txt").write_text(f"تاريخ النشر: 3 أبريل 2023\n\n{sentence}\n", encoding="utf-8")
    m = pipeline.build_tables([tmp_path], progress=False)["mentions"]
    assert m.select("actor", "model", "event_type").rows() == [(actor, model, "delay")]


def test_every_trigger_stem_finds_the_forms_it_is_meant_to_cover():
    """Each row of data/vocab/triggers.csv lists what it covers: inflections, clitics, masdar forms."""
    from analysis import resources, triggers

    lex = events.lexicon()
    rows = resources.read_vocab("vocab", "triggers.csv")
    missing = []
    for r in rows.iter_rows(named=True):
        # the row's own forms, or a longer phrase of the same meaning that contains one (cues.csv's
        # "سيطلق" is a plan; "released the weights" an open release)
        same = lex.info.filter((pl.col("kind") == r["role"])
                               & (pl.col("event_type").fill_null("") == (r["event_type"] or ""))
                               & (pl.col("openness").fill_null("") == (r["openness"] or "")))
        forms = {text.normalize(f) for f in triggers.expand_stem(r["stem"], r["prefixes"])}
        meaning = set(same["pattern"]) | forms
        for covered in r["covers"].split(";"):
            sentence = f"قالت الشركة {covered} اليوم" if r["lang"] == "ar" else f"The lab {covered} today"
            if r.get("needs"):
                # a row that needs its sentence to speak of something finds its forms there, and only there
                assert events.find_matches(_sentences([("d", 0, sentence)]), lex).filter(
                    pl.col("pattern").is_in(list(forms))).height == 0, (r["stem"], covered)
                context = {"en": [" under the licence", " only", " through its API", " with users' data",
                                  " (MIT)"],
                           "ar": [" بموجب الترخيص", " فقط", " عبر واجهتها البرمجية"]}[r["lang"]]
                fits = [c for c in context if re.search(r["needs"], text.normalize(sentence + c))]
                assert fits, (r["stem"], "no context of the test meets its needs")
                sentence += fits[0]
            m = events.find_matches(_sentences([("d", 0, sentence)]), lex)
            hit = m.filter(pl.col("pattern").is_in(list(meaning)))["pattern"].to_list()
            if not any(any(f in h for f in forms) or h in forms for h in hit) and not hit:
                missing.append((r["stem"], covered))
    assert not missing


def test_a_stem_row_expands_into_the_forms_that_begin_a_word():
    from analysis import triggers

    assert triggers.expand_stem("طل(ا)ق", "ا|ي|ت|ن") == ["اطلاق", "اطلق", "يطلاق", "يطلق", "تطلاق", "تطلق",
                                                       "نطلاق", "نطلق"]
    assert triggers.expand_stem("releas", None) == ["releas"]


@pytest.mark.parametrize(("sentence", "status"), [
    ("xAI will open-source Grok 5 next year.", "planned"),
    ("ستفتح شركة xAI مصدر Grok 5 العام المقبل.", "planned"),
    ("xAI has not open-sourced Grok 5.", "negated"),
    ("xAI reportedly open-sourced Grok 5.", "reported"),
])
def test_modality_and_polarity_in_both_languages(sentence, status):
    sents = _sentences([("d", 0, sentence)])
    docs = pl.DataFrame({"doc_id": ["d"], "published": [None], "published_precision": ["unknown"]},
                        schema={"doc_id": pl.String, "published": pl.String,
                                "published_precision": pl.String})
    c = events.candidate_table(sents, docs, None)
    row = c.filter(pl.col("model") == "Grok-5")
    assert row.height >= 1 and status in row["status"].to_list()


def _candidates_of(folder: Path) -> pl.DataFrame:
    from analysis import corpus, entities

    docs = dates.publication_dates(corpus.read_corpus([folder], progress=False))
    docs, sents = text.segment(docs)
    docs = entities.publishers(docs)
    spans = dates.extract_dates(sents, docs)
    return events.candidate_table(sents, docs, spans, entities.extract_entities(sents))


@pytest.mark.parametrize(("url", "body", "publisher"), [
    ("https://mistral.ai/news/kestrel", "Today we released Kestrel-8B under the Apache 2.0 licence.",
     "Mistral AI"),
    ("https://qwenlm.github.io/blog/tern", "أطلقنا اليوم نموذجنا الجديد Tern-2 بأوزان مفتوحة.", "Alibaba"),
    ("https://www.tii.ae/news/x", "قمنا بإطلاق Kestrel-8B بترخيص Apache 2.0.", "TII"),
    # the imperfect's ن is "we": سننشر, we will publish
    ("https://www.tii.ae/news/y", "سننشر أوزان Kestrel-8B الشهر المقبل بترخيص مفتوح.", "TII"),
    ("https://huggingface.co/blog/z", "Today we're open-sourcing Kestrel-8B under Apache 2.0.",
     "Hugging Face"),
])
def test_the_first_person_on_a_publishers_own_page_is_the_publisher(tmp_path, url, body, publisher):
    (tmp_path / "own.md").write_text(f"---\ntitle: News\nurl: {url}\n---\n{body}\n", encoding="utf-8")
    # (another title: the same text twice would be a duplicate)
    (tmp_path / "anon.md").write_text(f"---\ntitle: Notes\n---\n{body}\n", encoding="utf-8")
    c = _candidates_of(tmp_path).filter(pl.col("role").is_in(["release", "event"]))
    own, anon = c.filter(pl.col("doc_id") == "own"), c.filter(pl.col("doc_id") == "anon")
    assert own.height and (own["actor"] == publisher).all() and (own["actor_src"] == "publisher").all()
    # nobody is known to speak on a page of no known publisher: "we" names nobody
    assert publisher not in anon["actor"].to_list()


def test_an_organisation_named_at_the_trigger_outranks_the_first_person(tmp_path):
    (tmp_path / "own.md").write_text(
        "---\ntitle: News\nurl: https://mistral.ai/news/x\n---\n"
        "As we noted last week, Meta released Llama 4 with open weights.\n", encoding="utf-8")
    c = _candidates_of(tmp_path).filter(pl.col("role") == "release")
    assert c.height and (c["actor"] == "Meta").all()


def test_an_event_takes_its_date_from_the_next_sentences_about_it():
    """'X released the weights of M. The company published them on Wednesday.': M's release is dated,
    its headline too; a sentence about another model, or another event of M, dates nothing of M's."""
    s = ["Mistral AI open-sources Kestrel-8B",
         "Mistral AI released the weights of Kestrel-8B.",
         "The company published the weights on Hugging Face on Wednesday.",
         "When Mistral AI introduced Kestrel-8B in December, it was available only through its API."]
    o = ["Zhipu AI released the weights of Tern-2.",
         "Meta released the weights of Llama 4 on Tuesday."]
    sents = _sentences([("d", i, t) for i, t in enumerate(s)] + [("o", i, t) for i, t in enumerate(o)])
    docs = pl.DataFrame({"doc_id": ["d", "o"], "published": ["2025-01-09"] * 2,
                         "published_precision": ["day"] * 2})
    spans = pl.DataFrame(
        [
            # an expression of the event's own sentence that resolves to nothing gives way, precision too
            _span("d", 1, s[1], "Kestrel-8B", None, "unknown", "relative", "point"),
            _span("d", 2, s[2], "on Wednesday", "2025-01-08", "day", "relative", "point"),
            _span("d", 3, s[3], "in December", "2024-12", "month", "relative", "point"),
            _span("o", 1, o[1], "on Tuesday", "2025-01-07", "day", "relative", "point"),
        ],
        schema=dates.SPAN_SCHEMA,
    )
    m = events.extract_mentions(sents, docs, spans, min_confidence=0.0)
    got = {(r["doc_id"], r["sentence_idx"], r["model"], r["event_type"]): r["date"]
           for r in m.iter_rows(named=True)}
    prec = {(r["doc_id"], r["sentence_idx"], r["model"], r["event_type"]): r["date_precision"]
            for r in m.iter_rows(named=True)}
    assert got[("d", 1, "Kestrel-8B", "open_release")] == "2025-01-08"
    assert prec[("d", 1, "Kestrel-8B", "open_release")] == "day"
    assert prec[("d", 0, "Kestrel-8B", "open_release")] == "day"
    assert got[("d", 0, "Kestrel-8B", "open_release")] == "2025-01-08"
    assert got[("d", 3, "Kestrel-8B", "closed_release")] == "2024-12"
    assert got[("o", 1, "Llama 4", "open_release")] == "2025-01-07"
    assert got[("o", 0, "Tern-2", "open_release")] is None


def test_a_model_no_one_is_said_to_own_is_the_publishers_on_its_page(tmp_path):
    body = "Zorvex-9B is open source, and its weights are on Hugging Face.\n"
    (tmp_path / "own.md").write_text(f"---\ntitle: News\nurl: https://mistral.ai/news/z\n---\n{body}",
                                     encoding="utf-8")
    (tmp_path / "anon.md").write_text(f"---\ntitle: Notes\n---\n{body}", encoding="utf-8")
    c = _candidates_of(tmp_path).filter(pl.col("model") == "Zorvex-9B")
    own, anon = c.filter(pl.col("doc_id") == "own"), c.filter(pl.col("doc_id") == "anon")
    assert own.height and (own["actor"] == "Mistral AI").all() and (own["actor_src"] == "publisher").all()
    # with no publisher known, the product stands for itself
    assert anon.height and (anon["actor"] == "Zorvex-9B").all()


@pytest.mark.parametrize(("before", "item"), [
    ("ترخيص النموذج يتضمن شرطين:", "يُحظر استخدام مخرجات النموذج لتدريب نماذج أخرى."),
    ("The model's licence has two terms:", "Services with more than 50 million users need our consent."),
])
def test_a_restriction_listed_under_its_licence_counts(before, item):
    """A trigger that needs a licence in its sentence finds it in the line before, as in a list of terms."""
    lex = events.lexicon()
    restricts = set(lex.info.filter(pl.col("event_type") == "licence_restriction")["pattern"])
    alone = events.find_matches(_sentences([("d", 0, item)]), lex)
    listed = events.find_matches(_sentences([("d", 0, before), ("d", 1, item)]), lex)
    assert not alone.filter(pl.col("pattern").is_in(list(restricts))).height
    assert listed.filter((pl.col("sentence_idx") == 1) & pl.col("pattern").is_in(list(restricts))).height


def test_a_pages_address_names_who_we_are_but_makes_no_models(tmp_path):
    """At an address no domain of data/kb/domains.csv lists, "we" is the site's name; the site is not
    the maker of a model the page names without one (a news site makes none)."""
    (tmp_path / "vendor.md").write_text(
        "---\ntitle: Notes\nurl: https://blog.vectorly.dev/tern\n---\n"
        "Today we are open-sourcing Tern-3B under Apache 2.0.\n", encoding="utf-8")
    (tmp_path / "news.md").write_text(
        "---\ntitle: News\nurl: https://dailywire.example/ai/1\n---\n"
        "Zorvex-9B is open source, and its weights are on Hugging Face.\n", encoding="utf-8")
    c = _candidates_of(tmp_path)
    vendor = c.filter((pl.col("doc_id") == "vendor") & (pl.col("model") == "Tern-3B"))
    news = c.filter((pl.col("doc_id") == "news") & (pl.col("model") == "Zorvex-9B"))
    assert vendor.height and (vendor["actor"] == "Vectorly").all()
    assert (vendor["actor_src"] == "publisher").all()
    assert news.height and (news["actor"] == "Zorvex-9B").all()


def test_a_platform_something_is_put_on_does_not_act_in_arabic(tmp_path):
    # normalising writes على as علي: the venue is still read
    (tmp_path / "a.md").write_text("---\ntitle: ملاحظات\n---\nقمنا بنشر النموذج Tern-3B على Hugging Face.\n",
                                   encoding="utf-8")
    c = _candidates_of(tmp_path).filter(pl.col("model") == "Tern-3B")
    assert c.height and "Hugging Face" not in c["actor"].to_list()


def test_a_model_released_under_restricting_terms_is_two_events(tmp_path):
    """"X is released under CC BY-NC": an open release and a licence restriction, both of X, as the
    annotation guide's "released Llama 3 but its licence caps large users"."""
    (tmp_path / "a.md").write_text(
        "---\ntitle: Notes\n---\nMeta released Kestrel-8B under a research-only licence.\n", encoding="utf-8")
    c = _candidates_of(tmp_path).filter(pl.col("model") == "Kestrel-8B")
    assert {"open_release", "licence_restriction"} <= set(c["event_type"])


def test_a_model_unknown_to_the_knowledge_base_is_made_by_whom_the_article_says(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Notes\n---\nWe compared three rerankers, among them Naver's Provence-v2 model.\n\n"
        "Provence-v2 is released under CC BY-NC 4.0.\n", encoding="utf-8")
    c = _candidates_of(tmp_path).filter((pl.col("model") == "Provence-v2") & (pl.col("sentence_idx") == 1))
    assert c.height and (c["actor"] == "Naver").all() and (c["actor_src"] == "article").all()


def test_a_release_that_lists_its_models_after_a_colon_releases_each_of_them(tmp_path):
    """"We are releasing two checkpoints today:" then the list: one release per listed model, each open
    because the sentence after the list says so of both."""
    (tmp_path / "own.md").write_text(
        "---\ntitle: Notes\nurl: https://mistral.ai/news/wren\ndate: 2026-05-12\n---\n"
        "We are releasing two checkpoints today:\n\n- **wren-small**: 120M parameters.\n"
        "- **wren-base**: 560M parameters.\n\n"
        "Both are available on Hugging Face under the Apache 2.0 license.\n",
        encoding="utf-8")
    c = _candidates_of(tmp_path).filter(pl.col("model").str.starts_with("wren"))
    got = c.select("event_type", "actor", "model", "model_src", "openness").sort("model")
    assert got.rows() == [("open_release", "Mistral AI", "wren-base", "list", "open_source"),
                          ("open_release", "Mistral AI", "wren-small", "list", "open_source")], c
    # without the colon, the same sentence releases nothing it names
    (tmp_path / "own.md").write_text(
        "---\ntitle: Notes\nurl: https://mistral.ai/news/wren\ndate: 2026-05-12\n---\n"
        "We are releasing two checkpoints today.\n\n- **wren-small**: 120M parameters.\n"
        "- **wren-base**: 560M parameters.\n", encoding="utf-8")
    assert _candidates_of(tmp_path).filter(pl.col("model").str.starts_with("wren")).height == 0


@pytest.mark.parametrize(("sentence", "negation", "speculation"), [
    # short plan, negation and rumour words are whole words: "notably", "IFEval", "قدرات", "للمؤسسات"
    ("The lab notably released Corvus-7B today.", False, False),
    ("The lab released Corvus-7B, scored on IFEval.", False, False),
    ("أطلقت الشركة نموذج Corvus-7B بقدرات جديدة.", False, False),
    ("The lab did not release Corvus-7B today.", True, False),
    ("لا تطلق الشركة نموذج Corvus-7B اليوم.", True, False),
    ("قد تطلق الشركة نموذج Corvus-7B اليوم.", False, True),
    # a release told as a condition is no release: "once released", "بمجرد إصدار"
    ("Once the lab releases Corvus-7B, it cannot be pulled back.", False, True),
    ("بمجرد إصدار Corvus-7B لا يمكن سحبه.", False, True),
])
def test_short_modifier_words_match_only_as_whole_words(sentence, negation, speculation):
    s = _sentences([("d", 0, sentence)])
    c = events.candidate_table(s, _undated()).filter(pl.col("model") == "Corvus-7B")
    assert c.height >= 1, c
    assert c.select("negation", "speculation").row(0) == (negation, speculation)


def test_a_licence_said_in_the_negative_is_a_restriction_not_a_negated_one(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Date: 2026-01-05\n\nAcme released Corvus-7B under its community licence.\n"
        "The licence does not allow using Corvus-7B to train other large language models.\n",
        encoding="utf-8")
    m = pipeline.build_tables([tmp_path], progress=False)["mentions"]
    r = m.filter(pl.col("event_type") == "licence_restriction")
    assert r.select("model", "status").rows() == [("Corvus-7B", "realized")], m


@pytest.mark.parametrize("sentence", [
    "Corvus-70B is served through the Acme Cloud API only.",
    "Corvus-70B remains available exclusively through our platform.",
    "أما النسخة التجارية Corvus-70B فمتاحة عبر واجهة برمجية لعملاء المؤسسات فقط.",
    "يبقى Corvus-70B متاحا حصريا عبر منصتنا.",
])
def test_access_only_through_an_api_or_a_platform_is_closed(sentence):
    s = _sentences([("d", 0, sentence)])
    c = events.candidate_table(s, _undated()).filter(pl.col("model") == "Corvus-70B")
    assert c["openness"].to_list() == ["closed"], c
    # "only" alone, with no access to speak of, says nothing of openness
    s = _sentences([("d", 0, "Acme released Corvus-70B, its only model.")])
    c = events.candidate_table(s, _undated())
    assert "closed" not in c["openness"].to_list(), c


@pytest.mark.parametrize(("sentence", "software"), [
    ("We connect GPT-4o to Milvus, an open-source and high-performance vector database.", True),
    ("From Claude Code to open-source Cursor alternatives, agents write code.", True),
    ("من Claude Code إلى بدائل Cursor مفتوحة المصدر، تكتب الوكلاء الشيفرة.", True),
    ("Meta released Llama 3, an open-weight model.", False),
    ("أطلقت الشركة نموذج Nova مفتوح المصدر.", False),
])
def test_an_open_word_that_qualifies_software_is_told_apart(sentence, software):
    """What "open-source" qualifies is the noun after it (English) or before it (Arabic): a database, a
    tool or an alternative is not a model's weights (data/vocab/open_heads.csv)."""
    lex = events.lexicon()
    m = events.find_matches(_sentences([("d", 0, sentence)]), lex)
    got = events._open_heads(events._mark_heads(m, lex))
    assert got["open_word_of_software"].to_list() == [software], got


def test_a_statement_is_the_person_s_whom_a_title_names_though_no_list_knows_them(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Date: 2026-01-05\n\nHugging Face released Picolo-3, an open-weight model.\n"
        "\"A model whose data you cannot inspect is a model you cannot trust,\" said Léa Marchand, head of "
        "research at Hugging Face, arguing that open weights are not enough.\n", encoding="utf-8")
    c = _candidates_of(tmp_path).filter(pl.col("event_type") == "statement")
    assert "Léa Marchand" in c["actor"].to_list(), c


@pytest.mark.parametrize(("sentence", "status"), [
    ("Acme said it would open-source Corvus-7B in about six months.", "planned"),
    ("Acme is going to release Corvus-7B as open weights.", "planned"),
    ("Acme open-sourced Corvus-7B on Monday.", "realized"),
])
def test_a_release_under_would_or_going_to_is_a_plan(sentence, status):
    s = _sentences([("d", 0, sentence)])
    c = events.candidate_table(s, _undated()).filter(pl.col("model") == "Corvus-7B")
    assert c.height >= 1 and set(c["status"].to_list()) == {status}, c


def test_an_organisation_the_knowledge_base_lacks_acts_in_its_article(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Date: 2026-03-03\n\nLumio opens its Halla-3 models\n\n"
        "Seoul-based Lumio said on Tuesday it has released the weights of Halla-3 under an Apache 2.0 "
        "licence. Lumio will keep its largest model, Halla-3-Max, available only through its API.\n",
        encoding="utf-8")
    m = pipeline.build_tables([tmp_path], progress=False)["mentions"]
    got = set(m.filter(pl.col("event_type") != "statement").select("actor", "model", "event_type").rows())
    assert ("Lumio", "Halla-3", "open_release") in got, m
    assert ("Lumio", "Halla-3-Max", "closed_release") in got, m
    assert all(a == "Lumio" for a, _, _ in got), m


@pytest.mark.parametrize(("sentence", "closed"), [
    ("Acme keeps Corvus-70B closed, unlike its rivals.", True),
    ("Acme's Corvus-70B weights stay closed for now.", True),
    ("Acme closed a funding round to train Corvus-70B.", False),
])
def test_closed_said_of_a_model_kept_or_of_its_weights_is_closed(sentence, closed):
    s = _sentences([("d", 0, sentence)])
    c = events.candidate_table(s, _undated()).filter(pl.col("model") == "Corvus-70B")
    assert ("closed" in c["openness"].to_list()) is closed, c


@pytest.mark.parametrize(("second", "lang"), [
    ("In March Acme finally open-sourced it.", "en"),
    ("وقد نشرته الشركة اليوم على هاغينغ فيس.", "ar"),
])
def test_the_object_pronoun_of_a_release_is_the_model_named_last(second, lang):
    first = ("Acme trained Corvus-7B last year." if lang == "en"
             else "أعلنت Acme عن نموذج Corvus-7B العام الماضي.")
    s = _sentences([("d", 0, first), ("d", 1, second)])
    c = events.candidate_table(s, _undated()).filter(pl.col("sentence_idx") == 1)
    assert ("Acme", "Corvus-7B") in set(c.select("actor", "model").rows()), c


@pytest.mark.parametrize("body", [
    "Moonshot AI, founded in 2023, released Kimi K2 with open weights in July.",
    "وكانت مون شوت، التي تأسست عام 2023، قد طرحت Kimi K2 مفتوح الأوزان في يوليو الماضي.",
])
def test_a_date_in_the_triggers_own_clause_wins_over_a_nearer_one_across_a_comma(tmp_path, body):
    (tmp_path / "a.txt").write_text(f"Date: 2025-11-10\n\n{body}\n", encoding="utf-8")
    m = pipeline.build_tables([tmp_path], progress=False)["mentions"]
    r = m.filter((pl.col("model") == "Kimi K2") & (pl.col("event_type") == "open_release"))
    assert r["date"].to_list() == ["2025-07"], m


def test_a_licence_told_far_from_its_model_is_still_that_models():
    s = _sentences([
        ("d", 0, "Acme released Corvus-7B with open weights on Monday."),
        ("d", 1, "The model was trained on ten trillion tokens."),
        ("d", 2, "It beats larger rivals on several benchmarks."),
        ("d", 3, "Researchers welcomed the release."),
        ("d", 4, "Developers can download it today."),
        ("d", 5, "The licence requires companies with more than 700 million monthly users to ask first."),
    ])
    c = events.candidate_table(s, _undated()).filter(pl.col("event_type") == "licence_restriction")
    assert c.select("actor", "model").rows() == [("Acme", "Corvus-7B")], c


@pytest.mark.parametrize(("sentence", "about"), [
    ("Anthropic said it keeps a closed approach that gives it more control.", True),
    ("وقالت أنثروبيك إنها تتمسك بنهج مغلق يمنحها سيطرة أكبر.", True),
    ("Anthropic said revenue grew by a third.", False),
])
def test_a_statement_on_keeping_models_closed_is_one_on_openness(sentence, about):
    from analysis import scoring

    s = _sentences([("d", 0, sentence)])
    c = events.candidate_table(s, _undated()).filter(pl.col("event_type") == "statement")
    assert c.height == 1, c
    assert scoring.feature_frame(c)["statement_on_openness"].to_list() == [float(about)]


def test_organisations_listed_after_a_source_are_sources_too():
    s = _sentences([("d", 0, "The memo listed new recruits who have joined Acme from OpenAI, "
                             "Google DeepMind and Anthropic.")])
    c = events.candidate_table(s, _undated()).filter(pl.col("event_type") == "talent")
    assert not set(c["actor"].to_list()) & {"OpenAI", "Google", "Anthropic"}, c


@pytest.mark.parametrize(("sentences", "models"), [
    (["Acme on Tuesday released two open-weight models.", "The larger model, Corvus-70B, has 70 billion "
      "parameters.", "The smaller Corvus-7B runs on a laptop."], {"Corvus-70B", "Corvus-7B"}),
    (["أطلقت Acme نموذجين مفتوحين يوم الثلاثاء.", "الأول Corvus-70B والثاني Corvus-7B."],
     {"Corvus-70B", "Corvus-7B"}),
    # named right after the count, they are the sentence's own
    (["Acme released two models, Corvus-70B and Corvus-7B.", "Then Tern-2 came out."],
     {"Corvus-70B", "Corvus-7B"}),
])
def test_a_release_that_counts_its_models_releases_those_named_next(sentences, models):
    s = _sentences([("d", i, t) for i, t in enumerate(sentences)])
    c = events.candidate_table(s, _undated()).filter(pl.col("sentence_idx") == 0)
    assert set(c.drop_nulls("model")["model"].to_list()) == models, c


def test_a_delay_governs_the_release_past_its_subjects_name_and_adjective():
    s = _sentences([("d", 0, "أرجأت شركة ديب سيك الصينية طرح نموذجها المنتظر DeepSeek-R2.")])
    c = events.candidate_table(s, _undated())
    assert ("DeepSeek", "DeepSeek-R2", "delay") in set(c.select("actor", "model", "event_type").rows()), c
    assert "closed_release" not in c["event_type"].to_list(), c


@pytest.mark.parametrize("sentence", [
    "تسربت المحادثات إلى محركات البحث مثل غوغل وبينغ، ما عرض خصوصية المستخدمين للخطر.",
    "Private chats leaked to search engines such as Google and Bing.",
])
def test_an_organisation_given_as_an_example_of_no_actor_is_named_in_passing(sentence):
    s = _sentences([("d", 0, sentence)])
    c = events.candidate_table(s, _undated()).filter(pl.col("event_type") == "incident")
    assert not set(c["actor"].to_list()) & {"Google", "Microsoft"}, c


@pytest.mark.parametrize(("headline", "body"), [
    ("ميتا تؤجل نموذجها المفتوح", "أرجأت شركة ميتا إطلاق نموذجها المفتوح لاما 4 الذي كان مقررا في أبريل."),
    ("Meta delays its open model", "Meta has postponed the release of Llama 4, which was due in April."),
])
def test_a_headline_s_its_model_is_the_model_its_article_names_next(headline, body):
    s = _sentences([("d", 0, headline), ("d", 1, body)])
    c = events.candidate_table(s, _undated())
    c = c.filter((pl.col("sentence_idx") == 0) & (pl.col("event_type") == "delay"))
    assert c.select("actor", "model").rows() == [("Meta", "Llama 4")], c


@pytest.mark.parametrize("sentence", [
    "OpenAI launched o3-mini through ChatGPT and its API without releasing the weights.",
    "ردت أوبن إيه آي بإطلاق o3-mini عبر ChatGPT وواجهتها البرمجية دون نشر أوزانه.",
])
def test_a_launch_without_its_weights_is_closed_and_its_channel_is_not_launched(sentence):
    s = _sentences([("d", 0, sentence)])
    c = events.candidate_table(s, _undated())
    assert c.select("model", "event_type", "openness").unique().rows() == [("o3-mini", "closed_release",
                                                                            "closed")], c


@pytest.mark.parametrize("sentence", [
    "OpenAI launched o3-mini with the weights on Hugging Face.",
    "أطلقت أوبن إيه آي o3-mini ونشرت أوزانه على هاغينغ فيس.",
])
def test_weights_not_denied_stay_open(sentence):
    s = _sentences([("d", 0, sentence)])
    c = events.candidate_table(s, _undated()).filter(pl.col("model") == "o3-mini")
    assert "open_release" in c["event_type"].to_list(), c


def test_a_model_reached_through_another_is_still_the_model_when_it_is_alone():
    s = _sentences([("d", 0, "Gemini is available only through the Gemini app.")])
    c = events.candidate_table(s, _undated())
    assert c.select("model", "event_type").unique().rows() == [("Gemini", "closed_release")], c


@pytest.mark.parametrize("sentence", [
    "Chinese labs, including Alibaba and Moonshot, have released a steady stream of open models this year.",
    "ويأتي ذلك في ظل سباق بين المختبرات الصينية، إذ طرحت علي بابا ومون شوت نماذج مفتوحة متلاحقة.",
])
def test_organisations_named_together_releasing_no_named_model_are_the_field(sentence):
    s = _sentences([("d", 0, sentence)])
    c = events.candidate_table(s, _undated())
    got = set(c.select("actor", "event_type").rows())
    assert {("Alibaba", "competition"), ("Moonshot AI", "competition")} <= got, c
    assert not {r for r in got if r[1] == "open_release"}, c


def test_organisations_named_together_in_a_delay_stay_delayed():
    s = _sentences([("d", 0, "واجهت شركتا Google وOpenAI أيضًا تأخيرات في إصدار نماذجهما الرئيسية.")])
    c = events.candidate_table(s, _undated())
    assert "competition" not in c["event_type"].to_list(), c
    assert "delay" in c["event_type"].to_list(), c



def test_the_model_a_first_person_release_refers_to_may_be_named_next():
    s = _sentences([("d", 0, "So we trained our own."),
                    ("d", 1, "Today we are open-sourcing the model under the MIT license."),
                    ("d", 2, "The weights are on Hugging Face at acme/tern-highlight-v1.")])
    docs = _undated().with_columns(publisher=pl.lit("Acme"), publisher_basis=pl.lit("domain"))
    c = events.candidate_table(s, docs).filter(pl.col("sentence_idx") == 1)
    assert set(c.select("actor", "model").rows()) == {("Acme", "tern-highlight-v1")}, c


@pytest.mark.parametrize(("sentence", "restricted"), [
    ("أتاحت ديب سيك أوزان DeepSeek-R1 بترخيص MIT الذي يسمح بالاستخدام التجاري.", False),
    ("الأوزان متاحة على هاغينغ فيس لنموذج Tern-2، ويمكن استخدامه تجارياً مجاناً.", False),
    ("لا يسمح ترخيص نموذج Tern-2 بالاستخدام التجاري.", True),
    ("The licence of Tern-2 does not permit use for research only deployments.", True),
])
def test_a_use_a_licence_grants_is_no_restriction(sentence, restricted):
    s = _sentences([("d", 0, sentence)])
    c = events.candidate_table(s, _undated())
    assert ("licence_restriction" in c["event_type"].to_list()) is restricted, c


def test_the_terms_listed_under_a_licence_line_are_its_restrictions():
    s = _sentences([("d", 0, "Acme released Tern-2 today."),
                    ("d", 1, "We kept the licence simple:"),
                    ("d", 2, "Commercial and research use are allowed."),
                    ("d", 3, "Using the outputs to train other models is prohibited.")])
    c = events.candidate_table(s, _undated()).filter(pl.col("sentence_idx") == 3)
    assert ("Tern-2", "licence_restriction") in set(c.select("model", "event_type").rows()), c


@pytest.mark.parametrize(("sentence", "we"), [
    ("اليوم نقوم بإطلاق أدوات التدريب.", True), ("قمنا بإطلاق أدوات التدريب.", True),
    ("اليوم تقوم الشركة بإطلاق أدوات التدريب.", False),
])
def test_the_arabic_auxiliary_of_the_first_person_speaks_for_the_publisher(sentence, we):
    norm = pl.DataFrame({"t": [sentence]}).select(text.normalize_expr("t"))["t"][0]
    at = norm.index("اطلاق")
    cand = pl.DataFrame({"row": [0], "text_norm": [norm], "cue_start": [at], "cue_we": [False]})
    assert (events._first_person(cand).height == 1) is we


def test_a_reference_written_with_a_capital_inside_is_part_of_a_name():
    s = _sentences([("d", 0, "Anthropic released Claude 3 Opus last year."),
                    ("d", 1, "In November, Anthropic open-sourced the Model Context Protocol.")])
    c = events.candidate_table(s, _undated()).filter(pl.col("sentence_idx") == 1)
    assert c["model"].drop_nulls().to_list() == [], c


def test_a_licence_said_of_software_is_not_the_last_named_models():
    s = _sentences([("d", 0, "In April, Anthropic released Claude Managed Agents in public beta."),
                    ("d", 1, "We built memsearch, an open-source memory library, under the MIT license.")])
    c = events.candidate_table(s, _undated()).filter(pl.col("model") == "Claude Managed Agents")
    assert "open_release" not in c["event_type"].to_list(), c


def test_a_licence_cue_in_a_sentence_naming_a_model_takes_no_earlier_model():
    s = _sentences([("d", 0, "For storage we use Milvus, an open-source vector database."),
                    ("d", 1, "Meta's Llama 3.3 70B also works well, though its license restricts companies "
                             "with more than 700 million monthly active users.")])
    c = events.candidate_table(s, _undated()).filter(pl.col("event_type") == "licence_restriction")
    assert set(c["model"].to_list()) == {"Llama 3.3 70B"}, c


def test_the_open_word_nearest_a_model_says_whether_it_qualifies_software():
    s = _sentences([("d", 0, "For embeddings we use BAAI's bge-m3, an open-weight embedding model, and for "
                             "storage Milvus, an open-source vector database.")])
    c = events.candidate_table(s, _undated())
    soft = dict(c.select("model", "open_word_of_software").rows())
    assert soft.get("Milvus") is True and soft.get("bge-m3") is False, c


@pytest.mark.parametrize("sentence", [
    "وقد اختبرناه مع DeepSeek-R1، الذي أصدرته ديب سيك بأوزان مفتوحة بموجب ترخيص MIT في يناير، ومع o3-mini "
    "من OpenAI، المتاح فقط عبر واجهة OpenAI البرمجية.",
    "We tested DeepSeek-R1, released under MIT in January, and o3-mini, which is available only through "
    "OpenAI's API.",
])
def test_a_model_takes_the_open_or_closed_word_of_its_own_trigger(sentence):
    s = _sentences([("d", 0, sentence)])
    c = events.candidate_table(s, _undated()).filter(pl.col("model") == "o3-mini")
    assert set(c["openness"].to_list()) == {"closed"}, c


@pytest.mark.parametrize("sentences", [
    ["Shanghai-based StepFun released Step-3 under Apache 2.0.",
     "StepFun said open weights help it compete with DeepSeek and Alibaba.",
     "Earlier this year the startup kept its flagship Step-2 closed."],
    ["أطلقت شركة ستيب فن نموذج Step-3 بترخيص أباتشي 2.0.",
     "وقالت ستيب فن إن الأوزان المفتوحة تساعدها على منافسة ديب سيك وعلي بابا.",
     "وفي وقت سابق، أبقت الشركة الناشئة نموذجها الرائد Step-2 مغلقاً."],
])
def test_the_company_is_the_one_its_article_names_most_of_those_named_before(sentences):
    s = _sentences([("d", i, t) for i, t in enumerate(sentences)])
    c = events.candidate_table(s, _undated()).filter(pl.col("model") == "Step-2")
    assert set(c["actor"].to_list()) == {"StepFun"}, c


@pytest.mark.parametrize("sentence", [
    "مختبر صيني يطرح نموذجاً مفتوح الأوزان لمنافسة GPT-5",
    "A Chinese lab releases an open-weight model to compete with GPT-5",
])
def test_a_model_named_after_a_word_of_competing_is_the_rival_not_the_release(sentence):
    s = _sentences([("d", 0, sentence)])
    c = events.candidate_table(s, _undated()).filter(pl.col("model") == "GPT-5")
    assert "open_release" not in c["event_type"].to_list(), c


def test_the_company_s_model_is_read_after_the_company():
    s = _sentences([("d", 0, "طرحت شركة زيبو الصينية نموذجها الجديد GLM-5 بأوزان مفتوحة."),
                    ("d", 1, "وقالت الشركة إن النموذج يتفوق على نماذج مغلقة مثل GPT-5."),
                    ("d", 2, "وكانت الشركة قد أرجأت إطلاق النموذج في أغسطس الماضي."),
                    ("d", 3, "وكشف باحثون عن ثغرة في تطبيق المحادثة التابع للشركة.")])
    c = events.candidate_table(s, _undated())
    delay = c.filter((pl.col("sentence_idx") == 2) & (pl.col("event_type") == "delay"))
    assert set(delay.select("actor", "model").rows()) == {("Zhipu AI", "GLM-5")}, c
    incident = c.filter((pl.col("sentence_idx") == 3) & (pl.col("event_type") == "incident"))
    assert set(incident["actor"].to_list()) == {"Zhipu AI"}, c


def test_an_open_licence_says_open():
    s = _sentences([("d", 0, "Acme released Tern-4 under an open licence.")])
    c = events.candidate_table(s, _undated()).filter(pl.col("model") == "Tern-4")
    assert set(c["openness"].to_list()) == {"open_source"}, c


def test_the_passive_imperfect_of_making_available_with_its_future_prefix_is_a_plan():
    s = _sentences([("d", 0, "وقالت Acme إن Corvus-3 سيُتاح بأوزان مفتوحة خلال ستة أشهر.")])
    c = events.candidate_table(s, _undated()).filter(pl.col("model") == "Corvus-3")
    assert set(c.select("event_type", "status").rows()) == {("open_plan", "planned")}, c


def test_a_pattern_with_the_article_is_found_after_the_preposition_that_drops_its_alif():
    """ل before ال drops the alif ("للشركة" is ل + الشركة): every such pattern is read in both forms."""
    lex = events.lexicon()
    info = lex.info.filter(pl.col("pattern").is_in(["الشركه", "للشركه", "النموذج", "للنموذج"]))
    assert set(info.select("pattern", "kind").rows()) == {
        ("الشركه", "actor_ref"), ("للشركه", "actor_ref"), ("النموذج", "model_ref"), ("للنموذج", "model_ref")}
    s = _sentences([("d", 0, "أطلقت شركة زيبو نموذج GLM-5."),
                    ("d", 1, "وكشف باحثون عن ثغرة في تطبيق المحادثة التابع للشركة.")])
    c = events.candidate_table(s, _undated()).filter(pl.col("event_type") == "incident")
    assert set(c["actor"].to_list()) == {"Zhipu AI"}, c


@pytest.mark.parametrize(("sentence", "incident"), [
    ("A bug in xAI's servers exposed the chat logs of Grok users.", True),
    ("Grok's credentials were exposed on a public forum.", True),
    ("Grok supports three backends, all exposed through the same API.", False),
    ("Think of Grok as the same loop, but exposed to the desktop instead of the terminal.", False),
])
def test_exposed_is_an_incident_only_where_something_is_laid_open_to_others(sentence, incident):
    """'Exposed' also means 'made available' ('exposed through the same API'): the incident's sense
    needs its sentence to speak of data, secrets or an attack."""
    c = events.candidate_table(_sentences([("d", 0, sentence)]), _undated())
    assert ("incident" in c["event_type"].to_list()) is incident, c


@pytest.mark.parametrize("sentence", [
    "Unlike Claude Code, which is proprietary, Cline is open source under Apache 2.0.",
    "على عكس Claude Code، الذي يعد مغلقا، فإن Cline مفتوح المصدر بموجب ترخيص Apache 2.0.",
])
def test_a_cue_in_a_relative_clause_is_about_the_model_the_clause_follows(sentence):
    c = events.candidate_table(_sentences([("d", 0, sentence)]), _undated())
    assert set(c.select("model", "event_type").rows()) == {
        ("Claude Code", "closed_release"), ("Cline", "open_release")}, c


@pytest.mark.parametrize("sentence", [
    "Several open-source tools have emerged: Context7 (MIT), Serena (MIT), and Code Context (Apache-2.0).",
    "ظهرت أدوات مفتوحة المصدر: Context7 (MIT) وSerena (MIT) وCode Context (Apache-2.0).",
])
def test_names_with_their_licence_in_brackets_are_open_releases(sentence):
    c = events.candidate_table(_sentences([("d", 0, sentence)]), _undated())
    assert set(c.filter(pl.col("event_type") == "open_release")["model"].to_list()) == {
        "Context7", "Serena", "Code Context"}, c


def test_a_subject_pronoun_is_the_model_the_sentence_before_opens_with():
    s = _sentences([("d", 0, "We're excited to announce DeepScout, a local research agent."),
                    ("d", 1, "DeepScout combines reasoning models such as DeepSeek-R1 with vector search."),
                    ("d", 2, "It is released under the Apache 2.0 license.")])
    c = events.candidate_table(s, _undated()).filter(pl.col("sentence_idx") == 2)
    assert c.select("model", "event_type").rows() == [("DeepScout", "open_release")], c


def test_a_subject_pronoun_in_a_sentence_naming_a_model_is_no_reference():
    s = _sentences([("d", 0, "Ondine-2 is our new model."),
                    ("d", 1, "It is the same reasoning that led us to ship Tern-7B, which we released "
                             "in 2023.")])
    c = events.candidate_table(s, _undated()).filter(pl.col("sentence_idx") == 1)
    assert "Ondine-2" not in c["model"].to_list(), c


@pytest.mark.parametrize("sentence", [
    "Unlike o1, DeepSeek-R1 can be downloaded from Hugging Face under the MIT licence.",
    "على عكس o1، يمكن تنزيل أوزان DeepSeek-R1 من هاغينغ فيس.",
])
def test_a_model_set_against_the_sentence_by_unlike_is_not_what_it_says(sentence):
    c = events.candidate_table(_sentences([("d", 0, sentence)]), _undated())
    assert "o1" not in c["model"].to_list(), c
    assert ("DeepSeek-R1", "open_release") in set(c.select("model", "event_type").rows()), c


def test_one_model_spelt_in_other_cases_or_separators_is_one_event():
    sents = _sentences([("a", 0, "Acme open-sourced Quillo-2 on Tuesday."),
                        ("b", 0, "Acme open-sourced QuilLo-2 today."),
                        ("c", 0, "Acme open-sourced Quillo-2.")])
    docs = pl.DataFrame({"doc_id": ["a", "b", "c"], "published": ["2026-02-10"] * 3,
                         "published_precision": ["day"] * 3})
    m = events.extract_mentions(sents, docs, _undated())
    assert m.height == 3, m
    e = events.merge_events(m, docs).filter(pl.col("event_type") == "open_release")
    assert set(m["model"].to_list()) == {"Quillo-2", "QuilLo-2"}, m
    # shown as most of its mentions spell it
    assert e.select("model", "n_mentions").rows() == [("Quillo-2", 3)], e


@pytest.mark.parametrize(("sentence", "model"), [
    ("Connect your data with GPT-4o using Milvus, an open-source vector database.", None),
    ("اربط بياناتك مع GPT-4o باستخدام Milvus، وهي قاعدة بيانات متجهة مفتوحة المصدر.", None),
    # the word the clause follows is an organisation: the clause is still the model's
    ("Jais from Inception, an open-weight model, reads Arabic well.", "Jais"),
])
def test_an_apposition_of_a_later_name_is_not_the_model_s(sentence, model):
    c = events.candidate_table(_sentences([("d", 0, sentence)]), _undated())
    assert "GPT-4o" not in c["model"].to_list(), c
    if model:
        assert model in c.filter(pl.col("event_type") == "open_release")["model"].to_list(), c


def test_an_arabic_subject_pronoun_is_the_model_the_sentence_before_names_first():
    s = _sentences([("d", 0, "يسعدنا أن نعلن عن DeepScout، وهو وكيل بحث عميق محلي."),
                    ("d", 1, "يجمع DeepScout بين نماذج الاستدلال مثل DeepSeek-R1 والبحث المتجهي."),
                    ("d", 2, "إنه مفتوح المصدر بالكامل بموجب ترخيص MIT.")])
    c = events.candidate_table(s, _undated()).filter(pl.col("sentence_idx") == 2)
    assert c.select("model", "event_type").rows() == [("DeepScout", "open_release")], c
