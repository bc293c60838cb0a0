"""The entities stage: organisations, people and models found by spelling, shape, context and skeleton."""

from __future__ import annotations

import polars as pl
import pytest

from analysis import entities, kb, text


def _ents(*sentences: str) -> pl.DataFrame:
    df = pl.DataFrame({"doc_id": ["d"] * len(sentences), "sentence_idx": list(range(len(sentences))),
                       "text": list(sentences)}).with_columns(text_norm=text.normalize_expr("text"))
    return entities.extract_entities(df)


@pytest.mark.parametrize(("sentence", "canonical", "family", "owner"), [
    ("Alibaba released Qwen3-235B-A22B on Monday.", "Qwen3-235B-A22B", "Qwen", "Alibaba"),
    ("Meta published Llama-3.1-405B-Instruct.", "Llama-3.1-405B-Instruct", "Llama", "Meta"),
    ("Zhipu's GLM-4.5-Air is out.", "GLM-4.5-Air", "GLM", "Zhipu AI"),
    ("They tried Mistral-Small-3.1-24B locally.", "Mistral-Small-3.1-24B", "Mistral", "Mistral AI"),
    ("Anthropic launched Claude Opus 4.5 today.", "Claude Opus 4.5", "Claude", "Anthropic"),
    # a point release after a known model's name: the whole name, the known model its family
    ("DeepSeek published DeepSeek-V3.1 under MIT.", "DeepSeek-V3.1", "DeepSeek-V3", "DeepSeek"),
    ("Alibaba shipped Qwen3.5-Coder.", "Qwen3.5-Coder", "Qwen", "Alibaba"),
    # words hyphenated on until a version are the name's; a capitalised word joined by a hyphen too,
    # in a heading as well
    ("Nomic released nomic-embed-text-v1.5 with open weights.", "nomic-embed-text-v1.5", "nomic-embed",
     "Nomic AI"),
    ("The team released bge-large-en-v1.5 last year.", "bge-large-en-v1.5", "BGE", "BAAI"),
    ("The institute released the weights of Falcon-Dune today.", "Falcon-Dune", "Falcon", "TII"),
    ("Introducing Falcon-Dune", "Falcon-Dune", "Falcon", "TII"),
])
def test_a_family_with_a_version_keeps_its_full_name_and_its_family(sentence, canonical, family, owner):
    e = _ents(sentence).filter(pl.col("kind") == "model")
    assert e.select("canonical", "family", "owner").rows() == [(canonical, family, owner)]
    assert e["known"].to_list() == [True]


def test_a_word_hyphenated_to_a_family_without_a_version_is_not_read_on():
    # "-based" is no name; a capitalised word needs the hyphen or a sentence not in title case
    e = _ents("Many startups build Llama-based assistants.").filter(pl.col("kind") == "model")
    assert e["canonical"].to_list() == ["Llama"]


@pytest.mark.parametrize(("sentence", "names"), [
    # the licence borrows the family's name: the sentence's model is the one it names itself
    ("Falcon-Dune is released under the TII Falcon License 2.0.", ["Falcon-Dune"]),
    ("صدر Falcon-Dune برخصة Falcon الخاصة.", ["falcon-dune"]),
    # alone, the name still says whose licence it is
    ("The Llama 3 Community License caps large users.", ["Llama 3"]),
])
def test_a_model_inside_a_licence_name_gives_way_to_the_sentence_model(sentence, names):
    e = _ents(sentence).filter(pl.col("kind") == "model")
    assert [n.lower() for n in e["canonical"].to_list()] == [n.lower() for n in names]


def test_a_family_mention_stays_the_family_and_a_known_model_its_canonical_name():
    e = _ents("xAI open-sourced Grok 2.5 and promised Grok.").filter(pl.col("kind") == "model")
    assert e["canonical"].to_list() == ["Grok-2.5", "Grok"]


@pytest.mark.parametrize(("sentence", "name"), [
    ("The startup unveiled its new model Nova-9 on Friday.", "Nova-9"),
    ("It also released Zeta1, a 7B model, under MIT.", "Zeta1"),
    ("أطلقت الشركة نموذجها الجديد Zed-2 أمس.", "zed-2"),
    ("The lab released the weights of Tern-2 on Monday.", "Tern-2"),
    ("نشرت الشركة أوزان Tern-2 على المنصة.", "tern-2"),
])
def test_a_name_where_a_model_stands_is_a_model_even_unknown(sentence, name):
    e = _ents(sentence).filter(pl.col("kind") == "model")
    row = e.filter(pl.col("surface").str.to_lowercase() == name.lower())
    assert row.height == 1, e
    assert row["how"].item() in ("context", "shape")


def test_an_unknown_name_in_a_model_slot_is_kept_unknown():
    e = _ents("Acme released its reasoning model Qorvex today.").filter(pl.col("kind") == "model")
    assert e.select("canonical", "known", "how").rows() == [("Qorvex", False, "context")]


def test_arabic_spellings_meet_latin_names_through_the_transliteration_key():
    assert kb.skeleton("anthropic") == kb.skeleton(text.normalize("أنثروبيك"))
    assert kb.skeleton("deepseek") == kb.skeleton(text.normalize("ديب سيك"))
    assert kb.skeleton("google") == kb.skeleton(text.normalize("غوغل")) == kb.skeleton(text.normalize("جوجل"))
    # "بيربليكسيتي" has no alias row: the key alone reaches Perplexity; a native word of the same
    # consonants that does not spell its vowels out is left alone
    e = _ents("وقالت بيربليكسيتي إن النموذج يدعم ذلك، وقامت بنقل البيانات.")
    assert "بنقل" not in e["surface"].to_list()
    assert e.filter(pl.col("how") == "translit")["canonical"].to_list() == ["Perplexity"]


def test_arabic_organisations_and_models_by_their_arabic_names():
    e = _ents("أعلنت ميتا أن لاما 4 سيصدر، وقالت ديب سيك إنها ستنشر أوزانها.")
    got = set(e.select("kind", "canonical").rows())
    assert {("org", "Meta"), ("model", "Llama 4"), ("org", "DeepSeek")} <= got


def test_the_knowledge_base_has_hundreds_of_rows_from_every_region():
    orgs = kb.organisations()
    assert orgs.height >= 250
    assert {"United States", "China", "Europe", "Gulf"} <= set(orgs["region"].drop_nulls())
    assert {"name", "kind", "org", "country", "region"} <= set(orgs.columns)
    assert kb.models().height >= 800 and kb.families().height >= 80
    assert kb.models().filter(pl.col("model") == "DeepSeek-R1")["openness"].item() == "open_weights"


def test_work_per_sentence_is_bounded():
    many = " ".join(f"Qwen{i}-7B" for i in range(500))
    e = _ents(many)
    assert e.height == entities.MAX_PER_SENTENCE


def test_a_documents_publisher_is_read_from_its_address_or_its_named_source():
    docs = pl.DataFrame({
        "doc_id": ["blog", "sub", "hub_page", "hub_blog", "site_name", "author", "none", "vendor", "uk",
                   "known_host", "platform"],
        "url": ["https://milvus.io/blog/x.md", "http://WWW.Research.Google/blog/y",
                "huggingface.co/Qwen/Qwen3", "https://huggingface.co/blog/smollm", None,
                "https://example.org/news/1", None, "https://blog.vectorly.dev/post", "https://acme.co.uk/a",
                "https://stability-ai.example/news", "https://medium.com/@someone/post"],
        "source": [None, None, None, None, "OpenAI", "Jane Doe", None, None, None, None, None],
    })
    out = entities.publishers(docs)
    got = dict(out.select("doc_id", "publisher").iter_rows())
    basis = dict(out.select("doc_id", "publisher_basis").iter_rows())
    # a sub-domain belongs to its domain; a path prefix narrows a shared host (the Hub's model pages are
    # their owners', its blog is Hugging Face's); a site name that is an organisation's names it; an
    # address at no listed domain gives its own name (the knowledge base's spelling when it has one),
    # a platform anyone publishes on gives none
    assert got == {"blog": "Zilliz", "sub": "Google", "hub_page": None, "hub_blog": "Hugging Face",
                   "site_name": "OpenAI", "author": "Example", "none": None, "vendor": "Vectorly",
                   "uk": "Acme", "known_host": "Stability AI", "platform": None}
    assert basis == {"blog": "domain", "sub": "domain", "hub_page": None, "hub_blog": "domain",
                     "site_name": "source", "author": "host", "none": None, "vendor": "host", "uk": "host",
                     "known_host": "host", "platform": None}


def test_every_publishing_domain_names_an_organisation_of_the_knowledge_base():
    names = set(kb.organisations()["name"])
    assert set(kb.domains()["organisation"].drop_nulls()) <= names
    assert kb.domains().height >= 100 and kb.domains()["host"].str.contains(r"^[a-z0-9.-]+$").all()


@pytest.mark.parametrize(("sentence", "name"), [
    ("We use lumen-embed-v2-base-en here.", "lumen-embed-v2-base-en"),
    ("نستخدم lumen-embed-v2 هنا.", "lumen-embed-v2"),
    ("Try Kestrel-v1.5 today.", "Kestrel-v1.5"),
])
def test_a_name_with_a_version_of_its_own_is_a_model(sentence, name):
    # names of no known family: only their shape says they are models
    e = _ents(sentence).filter(pl.col("kind") == "model")
    assert e.select(pl.col("surface").str.to_lowercase(), "known").rows() == [(name.lower(), False)]


def test_a_tables_url_column_gives_each_record_its_publisher(tmp_path):
    import json

    from analysis import pipeline

    rows = [{"id": "a", "url": "https://ai.meta.com/blog/x", "text": "Today we released a model."},
            {"id": "b", "link": "https://medium.com/n", "text": "A paper on models."}]
    (tmp_path / "r.jsonl").write_text("\n".join(json.dumps(r) for r in rows[:1]), encoding="utf-8")
    (tmp_path / "s.jsonl").write_text("\n".join(json.dumps(r) for r in rows[1:]), encoding="utf-8")
    d = pipeline.build_tables([tmp_path], progress=False)["documents"].sort("doc_id")
    assert d.select("doc_id", "url", "publisher").rows() == [
        ("a", "https://ai.meta.com/blog/x", "Meta"), ("b", "https://medium.com/n", None)]


@pytest.mark.parametrize(("sentence", "model", "owner"), [
    # the account before the slash owns the model: the knowledge base's name when it has one
    ("Chunking uses the jinaai/jina-embeddings-v2-base-en model.", "jina-embeddings-v2-base-en", "Jina AI"),
    ("Weights: https://huggingface.co/acme/Tern-2-7B (Apache 2.0).", "Tern-2-7B", "Acme"),
    ("النموذج acme-labs/tern-rerank-v2 متاح على هاغينغ فيس.", "tern-rerank-v2", "Acme-labs"),
])
def test_a_model_hubs_repository_id_names_a_model_and_its_owner(sentence, model, owner):
    e = _ents(sentence).filter(pl.col("kind") == "model")
    # one model, the id's name (nothing read inside the id, such as "acme" after النموذج)
    assert e.select("canonical", "owner", "how").rows() == [(model, owner, "repo")]


@pytest.mark.parametrize("sentence", [
    "Results hold for read/write-heavy workloads and/or batch jobs.",
    "See docs/setup-guide.md in the repository's model folder.",  # a file: its name has an extension
])
def test_a_path_is_not_a_repository(sentence):
    assert _ents(sentence).filter(pl.col("how") == "repo").height == 0


@pytest.mark.parametrize(("sentence", "names"), [
    ("Today we are open-sourcing Lumenfind, a local research agent.", ["Lumenfind"]),
    ("Introducing Quillo: search for code.", ["Quillo"]),
    ("نطلق اليوم Lumenfind، وهو وكيل بحث محلي.", ["lumenfind"]),
    # what a release verb meets that is no name: a day, a licence, an organisation the knowledge base knows
    ("The lab released Tuesday a short note.", []),
    ("The weights were published MIT-licensed.", []),
    ("ونشرناه على Hugging Face.", []),
])
def test_the_name_a_release_verb_puts_out_is_a_model(sentence, names):
    e = _ents(sentence).filter(pl.col("kind") == "model")
    assert e["surface"].str.to_lowercase().to_list() == [n.lower() for n in names]


@pytest.mark.parametrize(("sentence", "names"), [
    ("We are releasing two models, Lark-Small and Lark-Base, with open weights.",
     ["Lark-Small", "Lark-Base"]),
    ("وأتاحت أنثروبيك نموذجي Sonnet وOpus عبر واجهتها البرمجية.", ["sonnet", "opus"]),
    ("It released Tern-S, Tern-M and Tern-L today.", ["Tern-S", "Tern-M", "Tern-L"]),
])
def test_names_listed_with_a_models_are_models(sentence, names):
    e = _ents(sentence).filter(pl.col("kind") == "model").sort("start")
    assert e["surface"].str.to_lowercase().to_list() == [n.lower() for n in names]


@pytest.mark.parametrize(("sentence", "name"), [
    ("Corvid-Rerank-2 is released under CC BY-NC 4.0.", "Corvid-Rerank-2"),
    ("Pelican is now available on Hugging Face.", "Pelican"),
    ("We compared it with the Heron-Base model.", "Heron-Base"),
    ("يتوفر Corvid-Rerank-2 بموجب ترخيص CC BY-NC 4.0.", "corvid-rerank-2"),
])
def test_what_is_released_or_licensed_is_a_model(sentence, name):
    e = _ents(sentence).filter(pl.col("kind") == "model")
    assert e["surface"].str.to_lowercase().to_list() == [name.lower()]


def test_a_possessive_before_a_model_names_its_organisation():
    e = _ents("Acme's Heron-Base model weights are for research use only.")
    assert e.filter(pl.col("kind") == "org")["canonical"].to_list() == ["Acme"]
    # a language is no model: "the Arabic-English model"
    assert _ents("They trained an Arabic-English model.").filter(pl.col("kind") == "model").height == 0


@pytest.mark.parametrize(("intro", "items", "names"), [
    ("We are releasing two checkpoints today:", ["wren-small: 120M parameters, for CPUs.",
                                                 "wren-base: 560M parameters, for GPUs."],
     ["wren-small", "wren-base"]),
    ("The family comes in three sizes:", ["Heron S – a phone model.", "Heron M – for laptops.",
                                          "Heron L – for servers."], ["Heron S", "Heron M", "Heron L"]),
    ("نطلق اليوم نسختين:", ["wren-small: ‏120 مليون معامل.", "wren-base: ‏560 مليون معامل."],
     ["wren-small", "wren-base"]),
])
def test_the_heads_of_a_list_of_models_after_a_colon_are_models(intro, items, names):
    e = _ents(intro, *items).filter(pl.col("kind") == "model")
    assert e.filter(pl.col("how") == "list")["surface"].to_list() == names, e
    assert not e.filter(pl.col("how") == "list")["known"].any()


@pytest.mark.parametrize("sentences", [
    # a list that is not about models
    ["Key features:", "Speed: twice as fast.", "Memory: half of it."],
    # no colon: the next sentences are no list of what it speaks of
    ["We are releasing two checkpoints today.", "wren-small: 120M parameters."],
    # the run of items ends at the first sentence that is not one
    ["We are releasing two checkpoints today:", "Read this first.", "wren-small: 120M parameters."],
    # a step of a tutorial is never a model
    ["How to run the model:", "Step 1: install it.", "Note: it needs a GPU."],
    # a plain word heads no model
    ["The model comes in two sizes:", "Small: for phones.", "Large: for servers."],
])
def test_what_is_no_list_of_models_gives_no_list_model(sentences):
    assert _ents(*sentences).filter(pl.col("how") == "list").height == 0


@pytest.mark.parametrize(("sentence", "name"), [
    ("The model, Corvus Rerank, scores each passage.", "Corvus Rerank"),
    ("يقيّم النموذج، Corvus Rerank، كل مقطع.", "Corvus Rerank"),
    # a word that is never a name's is not read into it
    ("Acme Unveils New Model Nova For Developers", "Nova"),
])
def test_a_two_word_name_in_a_models_place_is_read_whole(sentence, name):
    e = _ents(sentence).filter(pl.col("kind") == "model")
    assert e["surface"].to_list() == [name], e


def test_the_rows_of_a_table_whose_header_names_the_model_column_are_models():
    """A Markdown table reaches the sentences as rows of tab-joined cells: under a header whose first
    cell is "Model" (or النموذج), each row's first cell is a model; a benchmark row is not."""
    e = _ents("Model\tParameters\tLicence", "corvus-4b\t4.1B\tApache 2.0", "corvus-14b\t14.7B\tCommunity",
              "Throughput rose by half.").filter(pl.col("kind") == "model")
    assert e.filter(pl.col("how") == "list")["surface"].to_list() == ["corvus-4b", "corvus-14b"], e
    ar = _ents("النموذج\tArabicMMLU\tالسعر", "Sahm-1-34B\t66.4\tمجاني").filter(pl.col("kind") == "model")
    # the header's second cell is no model read from "النموذج" before it: a name never spans a tab
    assert ar["surface"].to_list() == ["Sahm-1-34B"], ar
    # the first column of a table about something else names no model
    assert _ents("Benchmark\tScore", "HellaSwag-2\t68.9").filter(pl.col("how") == "list").height == 0


def test_a_name_with_a_version_founds_a_family_for_its_article():
    """"Our new model Sahm-1-34B" makes "Sahm-1" and "Sahm-1-Ultra" elsewhere in the article models of
    that family; a plain word the context reads as a name ("Context") founds none."""
    e = _ents("We are releasing our new model Sahm-1-34B today.", "Sahm-1-Ultra stays on our platform.",
              "يبقى Sahm-1 الخيار الأسرع.")  # (no word of releasing: only the family reads it)
    fam = e.filter(pl.col("how") == "family")
    assert fam.select("sentence_idx", "surface", "family").rows() == [
        (1, "Sahm-1-Ultra", "Sahm"), (2, "Sahm-1", "Sahm")], e
    assert not fam["known"].any()
    # another document's sentences are not this article's
    other = pl.DataFrame({"doc_id": ["a", "b"], "sentence_idx": [0, 0],
                          "text": ["Our new model Sahm-1-34B is out.", "Sahm-1-Ultra stays closed."]}
                         ).with_columns(text_norm=text.normalize_expr("text"))
    assert entities.extract_entities(other).filter(pl.col("doc_id") == "b").height == 0
    assert _ents("The model Context is open source.", "Context-2 came later.").filter(
        pl.col("how") == "family").height == 0


@pytest.mark.parametrize(("sentence", "name", "owner", "known"), [
    # a name the knowledge base does not know, beside a title (data/vocab/roles.csv)
    ("Léa Marchand, head of research at Hugging Face, said data matters.", "Léa Marchand", "Hugging Face",
     False),
    ("Chief executive Tomas Varga of Acme said the weights stay closed.", "Tomas Varga", None, False),
    ("وقال سامر حداد، الرئيس التنفيذي لشركة Cohere، إن النموذج مفتوح.", "سامر حداد", "Cohere", False),
    # a known person written another way: the same consonants, long vowels aside
    ("من جهته، دافع يان لوكون، كبير علماء الذكاء الاصطناعي في ميتا، عن هذا النهج.", "Yann LeCun", "Meta",
     True),
])
def test_a_person_named_beside_a_title_is_a_person(sentence, name, owner, known):
    e = _ents(sentence).filter(pl.col("kind") == "person")
    assert e.select("canonical", "owner", "known").rows() == [(name, owner, known)], e


def test_words_beside_a_title_that_name_no_one_are_no_person():
    # "Chief executive The ..." or "رئيس الوزراء" hold no name
    e = _ents("Our chief executive The Board met.", "وقال رئيس الوزراء إن القرار نهائي.")
    assert e.filter(pl.col("kind") == "person").height == 0, e


@pytest.mark.parametrize(("sentence", "name"), [
    ("Seoul-based Lumio said on Tuesday it had trained the model.", "Lumio"),
    ("Tern opens its Halla-3 models to researchers.", "Tern"),
    ("Corvid has released its first reasoning model.", "Corvid"),
    ("أعلنت Lumio عن نموذجها الجديد Halla-3.", "Lumio"),
    ("وقالت Tern إن النموذج متاح للجميع.", "Tern"),
])
def test_an_organisation_the_knowledge_base_lacks_is_read_from_what_it_does(sentence, name):
    e = _ents(sentence).filter(pl.col("kind") == "org")
    assert e.select("canonical", "known", "how").rows() == [(name, False, "context")]


@pytest.mark.parametrize("sentence", [
    "Why Rule-based Parsing Just Won't Cut It",  # a heading's capitals
    "He said its weights were large.",
    "The company said its plans were unchanged.",
])
def test_capitals_beside_what_an_organisation_does_that_name_none_are_no_organisation(sentence):
    assert _ents(sentence).filter(pl.col("kind") == "org").height == 0


def test_an_organisation_read_once_is_that_organisation_wherever_its_article_names_it():
    e = _ents("Lumio in talks with investors", "Seoul-based Lumio said it would grow.",
              "Investors like Lumio, analysts said.", "Lumiosoft and Lumio-like firms differ.")
    orgs = e.filter(pl.col("kind") == "org").sort("sentence_idx")
    assert orgs.select("sentence_idx", "canonical", "how").rows() == [
        (0, "Lumio", "article"), (1, "Lumio", "context"), (2, "Lumio", "article")]


def test_a_model_read_once_is_that_model_where_its_article_names_it_alone():
    e = _ents("Last month we shipped a reranking model called Kestrel.",
              "After weeks of testing, Kestrel now ships with weights.",
              "A kestrel is a small bird.",  # the common word, written in lower case
              "Llama 3 trails Kestrel on long documents.",  # another model named there: no repeat
              "وأصبح Kestrel متاحا للجميع.",
              "Kestrel combines models such as Llama 3.")  # ... unless it opens the sentence, its subject
    models = e.filter(pl.col("kind") == "model").sort("sentence_idx", "start")
    assert models.select("sentence_idx", "canonical", "how").rows() == [
        (0, "Kestrel", "context"), (1, "Kestrel", "article"), (3, "Llama 3", "kb"), (4, "Kestrel", "article"),
        (5, "Kestrel", "article"), (5, "Llama 3", "kb")]


def test_a_name_its_makers_write_in_lower_case_is_read_where_only_a_name_stands():
    e = _ents("Today we are releasing tidewatch, a small library for embeddings.",
              "tidewatch is released under the Apache 2.0 license.",
              "We also open-sourced reefline, our benchmark harness.",
              "It ships a tool called quillmark for notes.",
              "rough usage patterns follow.",  # a list's fragment opens in lower case once
              "“broad claims abound.")  # (after a quote mark too, which takes three bytes)
    models = e.filter(pl.col("kind") == "model").sort("sentence_idx")
    assert models.select("sentence_idx", "canonical").rows() == [
        (0, "tidewatch"), (1, "tidewatch"), (2, "reefline"), (3, "quillmark")]


def test_a_web_address_names_the_repository_not_its_host_as_who_acts():
    e = _ents("GitHub Repo: github.com/zilliztech/memsearch (open-source, MIT license)")
    assert e.filter(pl.col("kind") == "model").select("canonical", "owner", "how").rows() == [
        ("memsearch", "Zilliz", "repo")]
    assert e.filter(pl.col("kind") == "org")["start"].to_list() == [0]  # "GitHub Repo", not github.com


def test_a_name_only_listed_with_a_model_is_not_read_again_elsewhere():
    # what is listed with a model may be a tool or a database
    e = _ents("We pair Llama 3 and Milvus for search.", "Milvus stores the vectors.")
    models = e.filter(pl.col("kind") == "model").sort("sentence_idx")
    assert models.select("sentence_idx", "canonical", "how").rows() == [
        (0, "Llama 3", "kb"), (0, "Milvus", "coordinated")]


def test_a_name_read_as_who_releases_and_as_what_is_released_is_decided_by_the_sentence():
    # a model named after it: the name releases it
    e = _ents("أطلقت Lumio نموذجها Halla-3 يوم الثلاثاء.")
    assert e.filter(pl.col("canonical") == "Lumio")["kind"].to_list() == ["org"]
    assert e.filter(pl.col("canonical") == "Halla-3")["owner"].to_list() == ["Lumio"]
    # nothing released after it: the name is what is released
    e = _ents("أطلقت Lumio يوم الثلاثاء.")
    assert e.filter(pl.col("canonical") == "Lumio")["kind"].to_list() == ["model"]


def test_overlapping_spans_are_found_as_a_full_pairing_finds_them():
    import random
    rng = random.Random(7)
    rows = []
    for k in range(300):
        start = rng.randrange(0, 400)
        rows.append({"doc_id": "d", "sentence_idx": k % 3, "start": start,
                     "end": start + rng.randrange(1, 60)})
    a = pl.DataFrame(rows).with_row_index("i")
    b = a.select("doc_id", "sentence_idx", j="i", s2="start", e2="end")
    full = a.join(b, on=["doc_id", "sentence_idx"]).filter(
        (pl.col("s2") < pl.col("end")) & (pl.col("start") < pl.col("e2")))
    got = entities._overlapping(a, b, ["doc_id", "sentence_idx"])
    assert sorted(got.select("i", "j").rows()) == sorted(full.select("i", "j").rows())
    assert full.height > a.height  # the spans do overlap one another


def test_a_company_written_in_arabic_letters_that_nothing_lists_is_an_organisation():
    e = _ents("أعلنت شركة لوميو الكورية عن نموذجها الجديد.", "وقالت لوميو إن النموذج متاح.")
    orgs = e.filter(pl.col("kind") == "org").sort("sentence_idx")
    assert orgs.select("sentence_idx", "canonical", "known", "how").rows() == [
        (0, "لوميو", False, "context"), (1, "لوميو", False, "article")]


@pytest.mark.parametrize("sentences", [
    ("أطلقت شركة ذكاء اصطناعي نموذجا.", "ويتقدم الذكاء الاصطناعي بسرعة."),  # a noun the article defines
    ("قالت الشركة تعمل على نموذج جديد.",),  # the company that works: a verb
    ("أسست شركة ناشئة صينية مختبرا.",),  # adjectives
    ("استثمرت شركة نفط في المختبر.",),  # no vowel spelt out: a native noun
])
def test_words_after_the_word_for_company_that_name_none_are_no_organisation(sentences):
    assert _ents(*sentences).filter(pl.col("kind") == "org").height == 0


@pytest.mark.parametrize(("sentence", "org"), [
    ("Acme released Corvus-7B last year.", "Acme"),
    ("Today Tern has quietly launched its new Halla-3 model.", "Tern"),
    ("Matt Schlicht launched Moltbook-2 in January.", None),  # a surname
    ("Then it released Corvus-7B.", None),
])
def test_who_puts_a_model_out_is_an_organisation(sentence, org):
    orgs = _ents(sentence).filter(pl.col("kind") == "org")["canonical"].to_list()
    assert orgs == ([org] if org else [])


def test_after_a_release_verb_that_carries_its_object_the_name_is_who_releases():
    e = _ents("وقد نشرته Acme اليوم على هاغينغ فيس.")
    assert e.filter(pl.col("canonical") == "Acme")["kind"].to_list() == ["org"]
    # without the pronoun the name is what is released
    e = _ents("وقد نشرت Acme اليوم على هاغينغ فيس.")
    assert e.filter(pl.col("canonical") == "Acme")["kind"].to_list() == ["model"]


def test_a_name_its_article_reads_as_an_organisation_is_no_model_where_it_stands_open():
    e = _ents("أطلقت Lumio نموذج Halla-3.", "ثم أتاحته Lumio للجميع مفتوح المصدر.")
    lumio = e.filter(pl.col("canonical") == "Lumio").select("sentence_idx", "kind").sort("sentence_idx")
    assert lumio.rows() == [(0, "org"), (1, "org")]


def test_a_model_named_by_its_version_alone_takes_the_full_name_its_article_gives():
    e = _ents("ديب سيك تؤجل إطلاق R2 بسبب شح الرقائق", "أرجأت ديب سيك طرح DeepSeek-R2 المنتظر.",
              "نشرت نسخة باسم R1-0528 بعد DeepSeek-R1.")
    got = e.filter(pl.col("kind") == "model").select("surface", "canonical", "owner").rows()
    assert ("R2", "DeepSeek-R2", "DeepSeek") in got
    assert ("R1-0528", "DeepSeek-R1-0528", "DeepSeek") in got
    # with no fuller name in its article a short name stays as written
    e = _ents("نشرت نسخة باسم R1-0528 اليوم.")
    assert "DeepSeek-R1-0528" not in e["canonical"].to_list()


@pytest.mark.parametrize("sentence", [
    "We are releasing DeepSeek-Nexa-16B today under the MIT license.",
    "نطلق اليوم نموذج DeepSeek-Nexa-16B مفتوح المصدر.",
])
def test_a_name_that_begins_with_an_organisation_is_its_model(sentence):
    e = _ents(sentence)
    assert e.select("kind", "surface", "owner").rows() == [("model", "DeepSeek-Nexa-16B", "DeepSeek")], e


@pytest.mark.parametrize(("sentence", "name"), [
    ("Code Context is fully open source under the MIT license.", "Code Context"),
    ("Anthropic launched Managed Agents, a hosted service.", "Managed Agents"),
    ("Today we are open-sourcing our Semantic Highlighting model.", "Semantic Highlighting"),
    ("OpenAI released Codex CLI under Apache 2.0.", "Codex"),
])
def test_a_name_read_from_its_context_takes_the_capitalised_words_written_with_it(sentence, name):
    e = _ents(sentence).filter(pl.col("kind") == "model")
    assert e["surface"].to_list() == [name], e


@pytest.mark.parametrize(("sentence", "names"), [
    ("Rook is closed-source and costs money.", ["Rook"]),
    ("Zed is now open-weight.", ["Zed"]),
    ("Tern is entirely closed.", ["Tern"]),
    # a bare "closed" names nothing
    ("Registration is closed until Monday.", []),
])
def test_a_name_the_sentence_calls_open_or_closed_is_a_model(sentence, names):
    e = _ents(sentence).filter(pl.col("kind") == "model")
    assert e["surface"].to_list() == names, e


def test_a_headline_in_title_case_lends_no_words_to_a_name():
    e = _ents("Acme Introduces Corvus Search For Enterprises").filter(pl.col("kind") == "model")
    assert e["surface"].to_list() == ["Corvus"], e


@pytest.mark.parametrize(("sentence", "name"), [
    ("Naver's Provence model is licensed under CC BY-NC 4.0.", "Provence"),
    ("We tested the Heron reranker on long documents.", "Heron"),
    ("XProvence's license is CC BY-NC 4.0.", "XProvence"),
    ("Read the licence of Tern before you deploy it.", "Tern"),
    ("يستخدم Provence ترخيصاً غير تجاري.", "Provence"),
    ("نطلق اليوم Nexa-16B للباحثين.", "Nexa-16B"),
    # a capitalised name with a version number, in a sentence about releasing or opening
    ("Acme said Corvus-3 would be open-sourced in about six months.", "Corvus-3"),
    ("وقالت Acme إن Corvus-3 سيُتاح بأوزان مفتوحة خلال ستة أشهر.", "Corvus-3"),
])
def test_a_name_where_a_model_or_its_licence_stands_is_a_model(sentence, name):
    e = _ents(sentence).filter(pl.col("kind") == "model")
    assert e["surface"].to_list() == [name], e


@pytest.mark.parametrize("sentence", [
    "The English model and the Base model differ.",
    "We read the licence of the project.",
    "The outbreak of COVID-19 slowed everything down.",  # a version number, but no release or opening
])
def test_words_where_a_model_stands_that_name_none_are_no_model(sentence):
    assert _ents(sentence).filter(pl.col("kind") == "model").height == 0


@pytest.mark.parametrize("sentence", [
    "Provence and XProvence from Naver work well, but both are released under CC BY-NC 4.0.",
    "يعمل Provence وXProvence من Naver جيداً، لكن كليهما مرخص بموجب CC BY-NC 4.0.",
])
def test_names_said_to_come_from_a_known_organisation_are_its_models(sentence):
    e = _ents(sentence).filter(pl.col("kind") == "model")
    assert e.select("surface", "owner").rows() == [("Provence", "Naver"), ("XProvence", "Naver")], e


@pytest.mark.parametrize("sentence", [
    "Researchers from Google released a new model.",
    "Data from OpenAI shows the model is popular.",
    "نستخدم الكثير من البيانات من Google لتدريب النموذج.",
])
def test_people_and_common_nouns_from_an_organisation_are_no_models(sentence):
    assert _ents(sentence).filter(pl.col("kind") == "model").height == 0


def test_a_licence_named_in_latin_letters_in_an_arabic_sentence_is_no_model():
    e = _ents("اليوم نقوم بفتح مصدر النموذج بموجب ترخيص MIT.")
    assert e.filter(pl.col("kind") == "model").height == 0


@pytest.mark.parametrize(("sentence", "name"), [
    ("In April, Anthropic released Claude Managed Agents in public beta.", "Claude Managed Agents"),
    ("Skills run in Claude Code and the API.", "Claude Code"),
    # (a diacritic changes the Arabic sentence's length: the name is found again as written)
    ("أما Claude Code نفسه فلا يزال مملوكاً ومغلق المصدر.", "Claude Code"),
])
def test_a_product_of_a_known_family_keeps_the_capitalised_words_after_it(sentence, name):
    e = _ents(sentence).filter(pl.col("kind") == "model")
    assert name in e["canonical"].to_list(), e


def test_a_name_whose_first_part_is_a_common_word_is_still_a_model():
    e = _ents("Shanghai-based StepFun released Step-3 on Thursday.",
              "Earlier it kept its flagship Step-2 closed.")
    assert {"Step-3", "Step-2"} <= set(e.filter(pl.col("kind") == "model")["surface"].to_list()), e
    # a licence or a language joined to what follows is none
    e = _ents("Nova-7B is released under an MIT-licensed Arabic-English setup.")
    assert set(e.filter(pl.col("kind") == "model")["surface"].to_list()) == {"Nova-7B"}, e


@pytest.mark.parametrize("sentence", [
    "وقال إن الأوزان المفتوحة تساعد الشركة على منافسة ديب سيك وفريق Qwen التابع لعلي بابا.",
    "The Qwen team has not commented.",
])
def test_a_family_named_as_a_team_is_its_organisation(sentence):
    e = _ents(sentence)
    assert "Qwen" not in e.filter(pl.col("kind") == "model")["canonical"].to_list(), e
    assert "Alibaba" in e.filter(pl.col("kind") == "org")["canonical"].to_list(), e


def test_a_company_named_in_two_arabic_words_meets_its_latin_name():
    e = _ents("أطلقت شركة ستيب فن، ومقرها شنغهاي، نموذج Step-3.")
    orgs = e.filter(pl.col("kind") == "org").select("surface", "canonical").rows()
    assert ("ستيب فن", "StepFun") in orgs, e


@pytest.mark.parametrize("sentence", [
    "كشفت شركة لوميو عن نموذجها الجديد Nova-2 بأوزان مفتوحة.",
    "Lumio unveiled its new model Nova-2 with open weights.",
])
def test_a_family_member_the_knowledge_base_lacks_is_made_by_whom_its_sentence_says(sentence):
    e = _ents(sentence).filter(pl.col("kind") == "model")
    assert e.select("canonical", "owner").rows() in ([("Nova-2", "لوميو")], [("Nova-2", "Lumio")]), e


@pytest.mark.parametrize("sentence", [
    "We're excited to announce DeepScout, a local research agent that runs on your laptop.",
    "Meet Quill, an assistant for writing.",
])
def test_a_name_with_an_apposition_of_an_agent_or_assistant_is_a_model(sentence):
    assert _ents(sentence).filter(pl.col("kind") == "model")["how"].to_list() == ["context"]


def test_names_listed_after_a_known_model_and_the_word_for_its_models_are_its_members():
    e = _ents("The company released two Llama 4 models, Scout and Maverick, in April.")
    members = e.filter(~pl.col("known") & (pl.col("kind") == "model"))
    assert members.select("surface", "canonical", "owner").rows() == [
        ("Scout", "Llama 4 Scout", "Meta"), ("Maverick", "Llama 4 Maverick", "Meta")]
    # a name after another word is no member ("Llama 4 models beat Tern-7B")
    e = _ents("Llama 4 models beat Tern-7B on reasoning.").filter(pl.col("kind") == "model")
    assert e["canonical"].to_list() == ["Llama 4", "Tern-7B"], e
