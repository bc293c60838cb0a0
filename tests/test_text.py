"""Sentences and normalisation: exact offsets, no boilerplate, no split inside numbers or model names."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import pipeline, text
from tests.conftest import CORPUS

BOILERPLATE = ["اقرأ أيضًا", "اقرأ ايضاً", "التعليقات 0", "سجل دخولك لإضافة تعليق", "لا توجد تعليقات بعد",
               "لا يوجد تعليقات", "21 مشاهدة", "0 تعليق", "موثوق 95%", "mainThumb", "تعليقات القراء",
               "أكتب تعليقا", "19-08-2025 01:23 PM", "#الذكاء_الاصطناعي"]


def docs_frame(texts: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "status": ["ok"] * len(texts),
                         "text": texts})


def split(t: str) -> list[str]:
    return text.segment(docs_frame([t]))[1]["text"].to_list()


def test_bundled_offsets_reproduce_every_sentence():
    tables = pipeline.build_tables([CORPUS], progress=False)
    sents = tables["sentences"]
    assert sents.height > 80
    for f in sorted(CORPUS.glob("*.txt")):
        raw = f.read_text(encoding="utf-8-sig")
        for s in sents.filter(pl.col("doc_id") == f.stem).iter_rows(named=True):
            assert raw[s["char_start"]:s["char_end"]] == s["text"]


def test_bundled_sentences_carry_no_boilerplate():
    sents = pipeline.build_tables([CORPUS], progress=False)["sentences"]
    joined = "\n".join(sents["text"].to_list())
    for line in BOILERPLATE:
        assert line not in joined, line


def test_no_split_inside_numbers_versions_or_model_names():
    t = ("xAI فتحت نموذج Grok 2.5 للجميع. أما Claude 3.5 Opus فتأخر، وكذلك Claude3.5Opus. "
         "أصدرت الشركة gpt-oss-120b في 19-08-2025 01:23 PM. Llama 3.1 was released by Meta Platforms Inc. "
         "on Tuesday. Dr. Smith said the U.S. firm spent $3.5 billion.")
    assert split(t) == [
        "xAI فتحت نموذج Grok 2.5 للجميع.",
        "أما Claude 3.5 Opus فتأخر، وكذلك Claude3.5Opus.",
        "أصدرت الشركة gpt-oss-120b في 19-08-2025 01:23 PM.",
        "Llama 3.1 was released by Meta Platforms Inc. on Tuesday.",
        "Dr. Smith said the U.S. firm spent $3.5 billion.",
    ]


def test_splits_on_arabic_question_mark_exclamation_and_line_breaks():
    assert split("هل يفتح المصدر قريبا؟ نعم سيفعل ذلك! ربما في وقت لاحق\nسطر جديد هنا") == [
        "هل يفتح المصدر قريبا؟", "نعم سيفعل ذلك!", "ربما في وقت لاحق", "سطر جديد هنا"]


def test_a_quotation_that_ends_a_sentence_stays_whole():
    t = 'وكتب ماسك: «أصبح الآن مفتوح المصدر. وسيتم فتح Grok 3 خلال ستة أشهر». ثم غادر المنصة.'
    assert split(t) == ['وكتب ماسك: «أصبح الآن مفتوح المصدر. وسيتم فتح Grok 3 خلال ستة أشهر».',
                        "ثم غادر المنصة."]
    t = 'He said: "We will open it. Soon." Then he left the stage.'
    assert split(t) == ['He said: "We will open it. Soon."', "Then he left the stage."]


def test_short_fragment_joins_the_sentence_it_breaks_off_from():
    assert split("أعلنت الشركة عن الإطلاق بحلول النهاية. لعام 2024. ثم تراجعت عن ذلك.") == [
        "أعلنت الشركة عن الإطلاق بحلول النهاية. لعام 2024.", "ثم تراجعت عن ذلك."]


def test_normaliser_folds_arabic_forms_and_digits():
    assert text.normalize("أُعلِنَ إطلاقُ آلةٍ ـــ مكتبةٌ على ٢٠٢٥") == "اعلن اطلاق اله  مكتبه علي 2025"
    assert text.normalize("OpenAI Released GPT-OSS") == "openai released gpt-oss"
    assert text.normalize("ﻻ") == "لا"  # presentation-form ligature


def test_language_of_sentences_and_documents():
    docs, sents = text.segment(docs_frame(["OpenAI released a model with open weights today.",
                                           "أعلنت OpenAI عن نموذج جديد مفتوح الأوزان اليوم."]))
    assert sents["lang"].to_list() == ["en", "ar"]
    assert docs.sort("doc_id")["lang"].to_list() == ["en", "ar"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"ab ٢.؟!?«»\"\n\r\t\u064e\u0640أىة5-:", "Mr.", "U.S.", "Grok 2.5"]),
                max_size=80).map("".join) | st.text(max_size=200))
def test_offsets_always_reproduce_the_text(t):
    _, sents = text.segment(docs_frame([t]))
    for s in sents.iter_rows(named=True):
        assert t[s["char_start"]:s["char_end"]] == s["text"]
        assert s["text"] and s["text"] == s["text"].strip(" \t\r\n\u00a0")
    starts = sents["char_start"].to_list()
    assert starts == sorted(starts)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_normaliser_never_fails_and_is_idempotent(t):
    once = text.normalize(t)
    assert isinstance(once, str)
    assert text.normalize(once) == once


def test_hard_wrapped_wire_copy_joins_lines_of_a_paragraph():
    from tests.conftest import EN_ARTICLE

    docs, sents = text.segment(docs_frame([EN_ARTICLE]))
    got = [" ".join(s.split()) for s in sents["text"]]
    assert got == [
        "Meta releases Llama 4 weights",
        "SAN FRANCISCO, April 5 (Reuters) - Meta Platforms released the weights of its Llama 4 models on "
        "Saturday, Chief Executive Mark Zuckerberg said.",
        "The models are available to developers under the company's community licence.",
        '"We believe open source is the way forward," Zuckerberg told reporters.',
        "The U.S. company said the release of Llama 4.1 would follow.",
    ]  # "Read also: ..." and "Advertisement" are gone
    for s in sents.iter_rows(named=True):
        assert EN_ARTICLE[s["char_start"]:s["char_end"]] == s["text"]
    row = docs.row(0, named=True)
    assert (row["title"], row["source"], row["lang"]) == ("Meta releases Llama 4 weights", "Reuters", "en")



def test_unicode_line_and_paragraph_separators_end_sentences():
    t = ("Meta released Llama 4 today\u2028Google kept Gemini closed\u2029Mistral opened its weights"
         "\x85DeepSeek delayed R2\x0cQwen 3 came out")
    _, sents = text.segment(docs_frame([t]))
    assert sents["text"].to_list() == ["Meta released Llama 4 today", "Google kept Gemini closed",
                                       "Mistral opened its weights", "DeepSeek delayed R2", "Qwen 3 came out"]
    for s in sents.iter_rows(named=True):
        assert t[s["char_start"]:s["char_end"]] == s["text"]


def test_hard_wrapped_copy_joins_across_crlf_but_not_across_a_paragraph_separator():
    from tests.conftest import EN_ARTICLE

    crlf = EN_ARTICLE.replace("\n", "\r\n")
    _, sents = text.segment(docs_frame([crlf, EN_ARTICLE]))
    by_doc = sents.partition_by("doc_id", as_dict=True)
    assert [" ".join(s.split()) for s in by_doc[("d0",)]["text"]] == [
        " ".join(s.split()) for s in by_doc[("d1",)]["text"]]
    for s in sents.filter(pl.col("doc_id") == "d0").iter_rows(named=True):
        assert crlf[s["char_start"]:s["char_end"]] == s["text"]
    wrapped = "\n".join(["Meta released the weights of its", "new model on Saturday and",
                         "developers welcomed the", "move across the industry"]) + "\u2029" + "\n".join(
        ["Google kept its own model", "closed for now and said", "nothing more about its", "plans at all"])
    got = split(wrapped)
    assert len(got) == 2 and got[0].endswith("industry") and got[1].startswith("Google")


def test_document_language_is_read_from_the_prose_not_names_code_or_urls():
    arabic = ("أعلنت شركة Moonshot AI عن إطلاق Kimi K2 عبر GitHub و Hugging Face، وقالت إن النموذج "
              "يتفوق على GPT-4o و Claude Opus و DeepSeek-V3 في اختبارات SWE-bench و LiveCodeBench. "
              "التفاصيل في https://moonshotai.github.io/Kimi-K2/ و pip install kimi_k2 و time.sleep(delay).")
    english = "Moonshot AI released Kimi K2 on Friday, and said it beats GPT-4o on most coding tests."
    title_case = "Moonshot AI Releases Kimi K2"
    code = "\n".join([arabic, "import time", "for attempt in range(retries):", "    time.sleep(retry_delay)",
                      "    if response is not None: return response", "client = MilvusClient(uri=uri)"])
    docs, _ = text.segment(docs_frame([arabic, english, title_case, "أهلا " + english, code]))
    assert docs.sort("doc_id")["lang"].to_list() == ["ar", "en", "en", "en", "ar"]
