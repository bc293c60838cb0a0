"""Publication dates and date expressions, judged against dates worked out by hand.

Every expected value below was written by reading the phrase and counting on a calendar from the
reference publication date, not by running the code: 2025-08-19 is a Tuesday, so "last Friday" is
2025-08-15, "the week before" runs Monday 11 to Sunday 17 August, "within six months" ends in February
2026. The bundled-corpus rows were read off data/corpus/ (000-003 state no publication date; 004 has
"19-08-2025 01:23 PM" on its own line).
"""

from __future__ import annotations

import shutil

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import corpus, dates, resources, schema, text
from tests.conftest import CORPUS

PUB = "2025-08-19"  # a Tuesday

# (sentence, expected expression, date, precision, basis, kind)
CASES_AR = [
    ("كتب ألتمان على X في 11 يوليو: بينما نثق", "11 يوليو", "2025-07-11", "day", "relative", "point"),
    ("وقد أصدرت OpenAI في الخامس من أغسطس الجاري نموذجين", "الخامس من اغسطس الجاري", "2025-08-05", "day",
     "relative", "point"),
    ("منذ إصدار نموذج GPT-2 في عام 2019، في حين", "في عام 2019", "2019", "year", "explicit", "point"),
    ("أطلقت الشركة النموذج في 5 أغسطس 2025 للمطورين", "5 اغسطس 2025", "2025-08-05", "day",
     "explicit", "point"),
    ("أثارت ضجة في يناير الماضي بإطلاق نموذج R1", "في يناير الماضي", "2025-01", "month", "relative", "point"),
    ("كشف في بث مباشر خلال فبراير الماضي عن إطلاق نموذج", "خلال فبراير الماضي", "2025-02", "month",
     "relative", "point"),
    ("يخطط لطرح Grok 3 مفتوح المصدر خلال 6 أشهر", "خلال 6 اشهر", "2026-02", "month", "relative", "due"),
    ("وسيتم فتح Grok 3 خلال ستة أشهر تقريبًا", "خلال سته اشهر تقريبا", "2026-02", "month", "relative", "due"),
    ("ستصبح متاحة خلال الأشهر الستة المقبلة.", "خلال الاشهر السته المقبله", "2026-02", "month",
     "relative", "due"),
    ("والذي كان من المقرر إطلاقه في نهاية عام 2024، في الظهور", "نهايه عام 2024", "2024-12", "month",
     "explicit", "scheduled"),
    ("تطوير Grok 5 الذي يتوقع طرحه بنهاية العام الحالي.", "نهايه العام الحالي", "2025-12", "month",
     "relative", "due"),
    ("ستطلق الشركة النموذج قبل نهاية العام", "نهايه العام", "2025-12", "month", "relative", "due"),
    ("ولكن في الثاني من كانون الثاني (يناير)، بعد العام الجديد", "الثاني من كانون الثاني (يناير)",
     "2025-01-02", "day", "relative", "point"),
    ("أطلقت شركة ميتا في ٥ نيسان (أبريل) ٢٠٢٥ أوزان النموذج", "5 نيسان (ابريل) 2025", "2025-04-05", "day",
     "explicit", "point"),
    ("في الصيف الماضي، قال ماسك إن النموذج", "الصيف الماضي", "2024", "year", "relative", "point"),
    ("أعلنت الشركة الأسبوع الماضي عن النموذج", "الاسبوع الماضي", "2025-08", "month", "relative", "point"),
    ("أعلنت الشركة يوم الجمعة الماضي عن النموذج", "يوم الجمعه الماضي", "2025-08-15", "day", "relative",
     "point"),
    ("أعلنت الشركة أمس عن النموذج", "امس", "2025-08-18", "day", "relative", "point"),
    ("أعلنت الشركة اليوم عن النموذج", "اليوم", "2025-08-19", "day", "relative", "point"),
    ("أعلنت الشركة الشهر الماضي عن النموذج", "الشهر الماضي", "2025-07", "month", "relative", "point"),
    ("فتحت مصدر نموذجها الأول Grok 1 العام الماضي، في إطار", "العام الماضي", "2024", "year", "relative",
     "point"),
    ("أعلنت OpenAI في وقت سابق من هذا العام عن طرح نموذجين", "في وقت سابق من هذا العام", "2025", "year",
     "relative", "point"),
    ("ستطلق الشركة النموذج الشهر المقبل", "الشهر المقبل", "2025-09", "month", "relative", "due"),
    ("أطلقت الشركة النموذج في شباط الماضي", "في شباط الماضي", "2025-02", "month", "relative", "point"),
    ("أطلقت الشركة النموذج في 3 آذار 2024", "3 اذار 2024", "2024-03-03", "day", "explicit", "point"),
    ("صدر النموذج في تشرين الأول 2023 للمطورين", "في تشرين الاول 2023", "2023-10", "month",
     "explicit", "point"),
    ("صدر النموذج في مايو 2024 للمطورين", "في مايو 2024", "2024-05", "month", "explicit", "point"),
    ("تعهدت الشركة بفتح المصدر بحلول عام 2030", "بحلول عام 2030", "2030", "year", "explicit", "due"),
    ("أطلقت الشركة النموذج قبل ستة أشهر", "قبل سته اشهر", "2025-02", "month", "relative", "point"),
    ("أسست الشركة منذ عامين", "منذ عامين", "2023", "year", "relative", "point"),
    ("أطلقت الشركة النموذج يوم ١٩-٠٨-٢٠٢٥ للمطورين", "19-08-2025", "2025-08-19", "day", "explicit", "point"),
]
CASES_EN = [
    ("The model was released on January 20, 2025, the company said.", "january 20, 2025", "2025-01-20", "day",
     "explicit", "point"),
    ("The model was released on 20 January 2025.", "20 january 2025", "2025-01-20", "day",
     "explicit", "point"),
    ("The model was released Jan. 20 to developers.", "jan. 20", "2025-01-20", "day", "relative", "point"),
    ("OpenAI released GPT-2 in 2019 as open weights.", "in 2019", "2019", "year", "explicit", "point"),
    ("The weights were posted on 2025-08-05 to the hub.", "2025-08-05", "2025-08-05", "day", "explicit",
     "point"),
    ("xAI open-sourced Grok yesterday, Musk said.", "yesterday", "2025-08-18", "day", "relative", "point"),
    ("xAI open-sourced Grok last Friday, Musk said.", "last friday", "2025-08-15", "day",
     "relative", "point"),
    ("xAI open-sourced Grok on Tuesday, Musk said.", "on tuesday", "2025-08-19", "day", "relative", "point"),
    ("xAI open-sourced Grok last week, Musk said.", "last week", "2025-08", "month", "relative", "point"),
    ("DeepSeek released R1 last February to wide attention.", "last february", "2025-02", "month",
     "relative", "point"),
    ("The company said earlier this month that it would wait.", "earlier this month", "2025-08", "month",
     "relative", "point"),
    ("DeepSeek hired engineers from Alibaba last year.", "last year", "2024", "year", "relative", "point"),
    ("OpenAI said earlier this year that it would open a model.", "earlier this year", "2025", "year",
     "relative", "point"),
    ("Meta will open-source a smaller model by the end of this year.", "the end of this year",
     "2025-12", "month", "relative", "due"),
    ("Grok 3 will be open-sourced within six months.", "within six months", "2026-02", "month", "relative",
     "due"),
    ("Grok 3 will be open-sourced in the next six months.", "in the next six months", "2026-02", "month",
     "relative", "due"),
    ("Musk said last summer that Grok 3 would be a leap.", "last summer", "2024", "year",
     "relative", "point"),
    ("The company will release the weights next month.", "next month", "2025-09", "month", "relative", "due"),
    ("Llama 4, which was scheduled for April 2025, slipped.", "april 2025", "2025-04", "month", "explicit",
     "scheduled"),
    ("The model, originally planned for the end of 2024, slipped.", "the end of 2024", "2024-12", "month",
     "explicit", "scheduled"),
    ("Anthropic shelved the model in late 2024.", "late 2024", "2024", "year", "explicit", "point"),
    ("The database was exposed three weeks ago, researchers said.", "three weeks ago", "2025-07", "month",
     "relative", "point"),
    ("The lab will open its next model in two years.", "in two years", "2027", "year", "relative", "due"),
    ("Alibaba released the weights of a new Qwen model in April.", "in april", "2025-04", "month", "relative",
     "point"),
]


def sentences_frame(texts: list[str], lang: str = "ar", doc_id: str = "d") -> pl.DataFrame:
    return pl.DataFrame({
        "doc_id": [doc_id] * len(texts), "sentence_idx": list(range(len(texts))), "text": texts,
    }, schema={"doc_id": pl.String, "sentence_idx": pl.Int64, "text": pl.String}).with_columns(
        text_norm=text.normalize_expr("text"), lang=pl.lit(lang))


def docs_frame(published: str | None, doc_id: str = "d") -> pl.DataFrame:
    n = pl.col("published").str.len_chars()
    prec = pl.when(n == 10).then(pl.lit("day")).when(n == 7).then(pl.lit("month")).when(n == 4).then(
        pl.lit("year")).otherwise(pl.lit("unknown"))
    return pl.DataFrame({"doc_id": [doc_id], "published": [published]}, schema={
        "doc_id": pl.String, "published": pl.String}).with_columns(published_precision=prec)


def spans_of(sentence: str, published: str | None = PUB, lang: str = "ar") -> list[dict]:
    return dates.extract_dates(sentences_frame([sentence], lang), docs_frame(published)).to_dicts()


@pytest.mark.parametrize(("sentence", "expr", "date", "precision", "basis", "kind"), CASES_AR + CASES_EN)
def test_date_expression(sentence, expr, date, precision, basis, kind):
    spans = [s for s in spans_of(sentence) if s["expr"] == expr]
    assert spans, f"{expr!r} not found in {[s['expr'] for s in spans_of(sentence)]}"
    got = spans[0]
    got_all = (got["date"], got["date_precision"], got["date_basis"], got["kind"])
    assert got_all == (date, precision, basis, kind)


@pytest.mark.parametrize(("sentence", "published", "expr", "date", "precision"), [
    # a Monday publication: "on Monday" is the day itself, "last Monday" a week before
    ("The weights went online on Monday.", "2025-08-18", "on monday", "2025-08-18", "day"),
    ("The weights went online last Monday.", "2025-08-18", "last monday", "2025-08-11", "day"),
    ("نشرت الشركة الأوزان يوم الاثنين", "2025-08-18", "يوم الاثنين", "2025-08-18", "day"),
    ("The weights went online last week.", "2025-08-18", "last week", "2025-08", "month"),
    # Tuesday 5 August: the week before runs 28 July - 3 August, across two months
    ("The weights went online last week.", "2025-08-05", "last week", "2025", "year"),
    # early January: a December date without a year is last December
    ("أطلقت الشركة النموذج في 28 ديسمبر للمطورين", "2025-01-03", "28 ديسمبر", "2024-12-28", "day"),
    ("Mistral released the weights on March 11.", "2025-03-12", "march 11", "2025-03-11", "day"),
    # "last February" in February is the February of the year before
    ("DeepSeek released R1 last February.", "2025-02-20", "last february", "2024-02", "month"),
    # publication known only to the month: day-level expressions stay null, month-level ones resolve
    ("أعلنت الشركة أمس عن النموذج", "2025-08", "امس", None, "unknown"),
    ("أعلنت الشركة الشهر الماضي عن النموذج", "2025-08", "الشهر الماضي", "2025-07", "month"),
])
def test_resolution_against_other_publication_dates(sentence, published, expr, date, precision):
    got = [s for s in spans_of(sentence, published) if s["expr"] == expr]
    assert got and (got[0]["date"], got[0]["date_precision"]) == (date, precision)


@pytest.mark.parametrize(("sentence", "expr", "kind", "date"), [
    ("يخطط لطرح Grok 3 مفتوح المصدر خلال 6 أشهر", "خلال 6 اشهر", "due", None),
    ("أثارت ضجة في يناير الماضي", "في يناير الماضي", "point", None),
    ("كتب ألتمان على X في 11 يوليو", "11 يوليو", "point", None),
    ("xAI open-sourced Grok last week.", "last week", "point", None),
    ("يتوقع طرحه بنهاية العام الحالي", "نهايه العام الحالي", "due", None),
    # explicit dates need no publication date
    ("منذ إصدار نموذج GPT-2 في عام 2019", "في عام 2019", "point", "2019"),
    ("كان من المقرر إطلاقه في نهاية عام 2024", "نهايه عام 2024", "scheduled", "2024-12"),
])
def test_without_publication_date_relative_dates_stay_null(sentence, expr, kind, date):
    got = [s for s in spans_of(sentence, None) if s["expr"] == expr]
    assert got, [s["expr"] for s in spans_of(sentence, None)]
    assert got[0]["date"] == date and got[0]["kind"] == kind
    assert got[0]["date_precision"] == {None: "unknown", 4: "year", 7: "month"}[date and len(date)]


@pytest.mark.parametrize("sentence", [
    "أطلقت xAI نموذج Grok 2.5 مفتوح المصدر",
    "موثوق 95%",
    "سيكون إنجازًا كبيرًا بعد تدريب 100000 H100",
    "Meta released Llama 3.1 and OpenAI kept GPT-4 closed.",
    "The model was trained in 2000 GPUs hours on 2048 tokens of context.",
    "Snapshots such as gpt-4o-2024-08-06 are pinned versions.",
    "مارس الضغط على الشركة لفتح النموذج",
    "يبلغ عدد المستخدمين 700 مليون مستخدم يوميًا ولدي 3 دقائق",
    "Qwen2.5-72B and Claude3.5Opus and Mistral 7B",
    "The team may release more details.",
])
def test_false_dates_give_no_span(sentence):
    assert spans_of(sentence) == []


def test_report_dates_are_not_event_dates():
    s = "PARIS, March 12, 2025 (Reuters) - Mistral AI released the weights on March 11, the company said."
    got = {x["expr"]: (x["date"], x["kind"]) for x in spans_of(s, "2025-03-12", "en")}
    assert got == {"march 12, 2025": ("2025-03-12", "published"), "march 11": ("2025-03-11", "point")}
    got = spans_of("Posted on January 6, 2024", "2024-01-06", "en")
    assert [(x["expr"], x["kind"]) for x in got] == [("january 6, 2024", "published")]
    # "اليوم السابع" is a newspaper, not "today"
    assert spans_of("اليوم السابع - أعلنت الشركة عن نموذج جديد") == []
    assert [x["date"] for x in spans_of("أعلنت الشركة اليوم الاثنين عن نموذج")] == [PUB]


def test_spans_follow_the_schema_and_sentence_order():
    sents = sentences_frame(["أثارت ضجة في يناير الماضي ثم في 11 يوليو", "لا تاريخ هنا", "العام الماضي"])
    out = dates.extract_dates(sents, docs_frame(PUB))
    assert list(out.schema.items())[: len(dates.SPAN_SCHEMA)] == list(dates.SPAN_SCHEMA.items())
    norm = sents["text_norm"].to_list()
    expected = [(0, "في يناير الماضي"), (0, "11 يوليو"), (2, "العام الماضي")]
    assert out.select("sentence_idx", "expr").rows() == expected
    assert out["start"].to_list() == [norm[0].index("في يناير"), norm[0].index("11"), 0]
    assert set(out["date_basis"]) <= {"explicit", "relative"}
    assert set(out["kind"]) <= {"point", "due", "scheduled", "published"}


def test_empty_and_odd_input():
    empty = dates.extract_dates(schema.empty(schema.SENTENCES), schema.empty(schema.DOCUMENTS))
    assert empty.height == 0 and list(empty.schema.items())[:9] == list(dates.SPAN_SCHEMA.items())
    odd = sentences_frame(["", "في 11 يوليو"]).with_columns(
        text_norm=pl.Series([None, "في 11 يوليو"], dtype=pl.String))
    # a sentence of a document missing from the documents table resolves as without publication date
    out = dates.extract_dates(odd, docs_frame(PUB, doc_id="other"))
    assert out.select("expr", "date").rows() == [("11 يوليو", None)]


# --- publication dates -------------------------------------------------------------------------------


def test_bundled_corpus_publication_dates():
    docs = dates.publication_dates(corpus.read_corpus([CORPUS], progress=False))
    got = {r["doc_id"][:3]: (r["published"], r["published_precision"], r["published_basis"])
           for r in docs.iter_rows(named=True)}
    assert got == {
        "000": (None, "unknown", "none"), "001": (None, "unknown", "none"), "002": (None, "unknown", "none"),
        # 003 has "تاريخ النشر: آخر تحديث:" with no date after the label
        "003": (None, "unknown", "none"),
        "004": ("2025-08-19", "day", "explicit"),
    }


def _docs(rows: list[dict]) -> pl.DataFrame:
    base = {"doc_id": None, "path": "x.txt", "status": "ok", "text": None, "meta_published": None}
    return pl.DataFrame([{**base, "doc_id": f"d{i}", **r} for i, r in enumerate(rows)],
                        schema={k: pl.String for k in base})


@pytest.mark.parametrize(("row", "expected"), [
    ({"text": "عنوان الخبر\n\n19-08-2025 01:23 PM\n\nنص الخبر"}, ("2025-08-19", "day", "explicit")),
    ({"text": "عنوان\nنشر في: الثلاثاء ١٩ أغسطس ٢٠٢٥ - 13:23\nنص"}, ("2025-08-19", "day", "explicit")),
    ({"text": "عنوان\nتاريخ النشر: 19/08/2025\nنص"}, ("2025-08-19", "day", "explicit")),
    ({"text": "Headline\nPublished: August 19, 2025\nBody"}, ("2025-08-19", "day", "explicit")),
    ({"text": "Headline\n\nTuesday, 19 Aug 2025 10:00 am\nBody"}, ("2025-08-19", "day", "explicit")),
    ({"text": "Headline\n\nPARIS, March 12, 2025 (Reuters) - Mistral AI released"}, ("2025-03-12", "day",
                                                                                       "explicit")),
    ({"text": "عنوان\n\nعمّان، ٥ نيسان ٢٠٢٥ - أطلقت شركة ميتا"}, ("2025-04-05", "day", "explicit")),
    # a short header line of a date and a place, desk or section
    ({"text": "Headline\nHangzhou, 29 April 2025\n\nBody"}, ("2025-04-29", "day", "explicit")),
    ({"text": "عنوان\nبكين - 27 يونيو 2025\n\nنص"}, ("2025-06-27", "day", "explicit")),
    ({"text": "عنوان\n8 نوفمبر 2025 | تقنية\n\nنص"}, ("2025-11-08", "day", "explicit")),
    ({"text": "Headline\nBy our technology desk — 16 March 2023\nBody"}, ("2023-03-16", "day", "explicit")),
    ({"text": "Headline\nAugust 6, 2025 — San Francisco\nBody"}, ("2025-08-06", "day", "explicit")),
    ({"meta_published": "2025-08-19T13:23:00+03:00"}, ("2025-08-19", "day", "metadata")),
    ({"meta_published": "2025-08-19"}, ("2025-08-19", "day", "metadata")),
    ({"meta_published": "19/08/2025"}, ("2025-08-19", "day", "metadata")),
    ({"meta_published": "August 19, 2025"}, ("2025-08-19", "day", "metadata")),
    ({"meta_published": "Tue, 19 Aug 2025 13:23:00 +0300"}, ("2025-08-19", "day", "metadata")),
    ({"meta_published": "19 أغسطس 2025"}, ("2025-08-19", "day", "metadata")),
    ({"meta_published": "2025-08"}, ("2025-08", "month", "metadata")),
    ({"meta_published": "2025"}, ("2025", "year", "metadata")),
    ({"meta_published": "soon"}, (None, "unknown", "none")),
    ({"path": "news/2025/08/19/openai.html"}, ("2025-08-19", "day", "inferred")),
    ({"path": "archive/openai-20250819.txt"}, ("2025-08-19", "day", "inferred")),
    ({"path": "archive/openai-20251319.txt"}, (None, "unknown", "none")),
    # the text beats metadata, metadata beats the path
    ({"text": "T\n19-08-2025\nB", "meta_published": "2025-01-01", "path": "2024-02-02.txt"},
     ("2025-08-19", "day", "explicit")),
    ({"text": "T\nB", "meta_published": "2025-01-01", "path": "2024-02-02.txt"},
     ("2025-01-01", "day", "metadata")),
    # an event date in the body is not the publication date
    ({"text": "Headline\nOpenAI released GPT-2 on February 14, 2019, the company said in a long post."},
     (None, "unknown", "none")),
    ({"text": "عنوان\nأطلقت الشركة النموذج في 5 أغسطس 2025 للمطورين"}, (None, "unknown", "none")),
    # a date line far below the head is body text
    ({"text": "T\n" + "سطر من النص\n" * 20 + "19-08-2025\n"}, (None, "unknown", "none")),
    ({"status": "undecodable", "meta_published": "2025-08-19"}, ("2025-08-19", "day", "metadata")),
])
def test_publication_date(row, expected):
    out = dates.publication_dates(_docs([row])).row(0, named=True)
    assert (out["published"], out["published_precision"], out["published_basis"]) == expected


def test_publication_dates_keep_rows_and_columns():
    docs = _docs([{"text": "a"}, {"text": None}, {"text": "T\n2025-08-19\nB"}])
    out = dates.publication_dates(docs)
    assert out.columns == [*docs.columns, "published", "published_precision", "published_basis"]
    assert out["doc_id"].to_list() == docs["doc_id"].to_list()
    assert dates.publication_dates(docs.head(0)).height == 0
    # run twice: replaces its own columns
    assert dates.publication_dates(out).columns == out.columns


def test_vocabulary_is_data(tmp_path, monkeypatch):
    """A month spelling added to a copy of data/vocab/months.csv is recognised."""
    shutil.copytree(resources.data_dir(), tmp_path / "data")
    with open(tmp_path / "data" / "vocab" / "months.csv", "a", encoding="utf-8") as f:
        f.write("1,جنوري,yes,test\n")
    assert [s["expr"] for s in spans_of("صدر النموذج في جنوري 2024")] == ["2024"]
    monkeypatch.setenv("OPENNESS_DATA", str(tmp_path / "data"))
    got = spans_of("صدر النموذج في جنوري 2024")
    assert [(s["expr"], s["date"]) for s in got] == [("في جنوري 2024", "2024-01")]


# --- properties --------------------------------------------------------------------------------------

_PIECES = [
    "في", "عام", "2024", "١٩", "-", "08", "/", "11", "يوليو", "الماضي", "خلال", "6", "أشهر", "ستة", "الخامس",
    "من", "أغسطس", "الجاري", "كانون", "الثاني", "(", ")", "يناير", "نهاية", "العام", "الحالي", "last", "week",
    "in", "2019", "january", "20,", "2025", "jan.", "may", "grok", "2.5", "95%", "h100", "100000", "within",
    "six", "months", "ago", "يوم", "الجمعة", "friday", "on", "the", "end", "of", "مارس", "آب", "ب", "و", "،",
    ".", "\n", " ", "ـ", "ً", "scheduled", "for", "كان", "المقرر",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=6)), max_size=25)
                .map(" ".join), max_size=4),
       st.sampled_from([PUB, None, "2025", "2025-02", "2024-02-29", "garbage"]))
def test_extract_dates_never_raises_and_offsets_hold(texts, published):
    sents = sentences_frame(texts)
    out = dates.extract_dates(sents, docs_frame(published))
    norm = dict(zip(sents["sentence_idx"], sents["text_norm"], strict=True))
    for r in out.iter_rows(named=True):
        assert norm[r["sentence_idx"]][r["start"]:r["end"]] == r["expr"]
        assert r["date_precision"] in ("year", "month", "day", "unknown")
        assert (r["date"] is None) == (r["date_precision"] == "unknown")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=8)), max_size=30).map(" ".join),
       st.one_of(st.none(), st.text(max_size=30), st.sampled_from(["2025-08-19T13:23:00Z", "19/08/2025"])))
def test_publication_dates_never_raise(body, meta):
    out = dates.publication_dates(_docs([{"text": body, "meta_published": meta}]))
    r = out.row(0, named=True)
    assert r["published_basis"] in ("explicit", "metadata", "inferred", "none")
    assert (r["published"] is None) == (r["published_precision"] == "unknown")
