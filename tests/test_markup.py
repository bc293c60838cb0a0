"""Markdown and HTML become article text: front matter as metadata, no code or markup in sentences."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import corpus, pipeline, text
from analysis.markup import code_as_name, html_to_text, markdown_to_text

REAL = Path(__file__).parent / "fixtures" / "real"
# Dev-split posts (tests/annotations/real_split.csv) with raw HTML, code, tables and links in them.
REAL_POSTS = [
    "dev_ar_build-open-source-alternative-to-cursor-with-cod.md",
    "dev_ar_parse-is-hard-solve-semantic-understanding-with.md",
    "dev_ar_reflections-on-chatgpt-and-claude-memory-systems.md",
    "dev_en_parse-is-hard-solve-semantic-understanding-with.md",
    "dev_en_we-extracted-openclaws-memory-system-and-opensou.md",
]

POST = """---
title: 'Kimi K2: open weights, at last'
date: 2025-07-11
author: [Jane Doe, John Roe]
cover: assets.example.com/cover.png
meta_keywords: >-
  kimi, open weights
---

# Moonshot opens Kimi K2

Moonshot AI released the weights of [Kimi K2](https://huggingface.co/moonshotai/Kimi-K2) on Friday.
It is *free* to use, see <https://example.com/licence> and ![a chart](https://example.com/c.png).

<!-- a comment nobody reads -->

Run `time.sleep(retry_delay)` between calls, or `pip install kimi`; the model is `Kimi-K2`.

```python
import time
time.sleep(retry_delay)  # Moonshot delayed the release of Kimi K3
```

    indented_code = "Moonshot delayed Kimi K3"

- First item of the list
- Second item, [with a link](https://example.com/x)

| Model | Licence |
|-------|---------|
| Kimi K2 | modified MIT |

<div class="note"><p>Raw HTML paragraph, kept.</p><pre><code>x = f(y)</code></pre></div>
"""


def test_front_matter_is_metadata_not_text():
    body, meta = markdown_to_text(POST)
    assert meta == {"meta_title": "Kimi K2: open weights, at last", "meta_published": "2025-07-11",
                    "meta_source": "Jane Doe, John Roe", "meta_url": None}
    # the headline opens the text, so its sentence is read like a news headline
    assert body.startswith("Kimi K2: open weights, at last\n\n")
    for gone in ("title:", "cover", "assets.example.com", "meta_keywords", "kimi, open weights", "---"):
        assert gone not in body


def test_code_images_link_targets_comments_and_tags_are_not_text():
    body, _ = markdown_to_text(POST)
    for gone in ("time.sleep", "retry_delay", "import", "pip install", "indented_code", "Kimi K3",
                 "huggingface.co", "example.com", "a chart", "comment nobody", "<div", "<p>", "f(y)", "`"):
        assert gone not in body, gone
    assert "Moonshot AI released the weights of Kimi K2 on Friday." in body
    assert "the model is Kimi-K2." in body  # inline code that is a name stays a word
    assert "Raw HTML paragraph, kept." in body


def test_blocks_are_separate_paragraphs():
    body, _ = markdown_to_text(POST)
    blocks = body.split("\n\n")
    assert blocks[:2] == ["Kimi K2: open weights, at last", "Moonshot opens Kimi K2"]
    assert "First item of the list" in blocks and "Second item, with a link" in blocks
    assert "Model\tLicence" in blocks and "Kimi K2\tmodified MIT" in blocks
    assert all(b.strip() == b and b for b in blocks)


def test_toml_front_matter_and_a_lone_rule_at_the_top():
    body, meta = markdown_to_text('+++\ntitle = "Mistral opens Small 3"\ndate = 2025-01-30\n+++\nIt is out.')
    assert meta["meta_title"] == "Mistral opens Small 3" and meta["meta_published"] == "2025-01-30"
    assert body == "Mistral opens Small 3\n\nIt is out."
    # a title the text opens with already is not said twice
    assert markdown_to_text('+++\ntitle = "It is out"\n+++\nIt is out.')[0] == "It is out."
    # `---` that opens no mapping is Markdown (a rule), and the text after it is kept.
    body, meta = markdown_to_text("---\nMeta released Llama 4. It is open.\n\nMore text here.")
    assert meta["meta_title"] is None and "Meta released Llama 4." in body and "More text here." in body


def test_loose_front_matter_dates_are_zero_padded():
    _, meta = markdown_to_text("---\ndate: 2026-4-21\n---\nText.")
    assert meta["meta_published"] == "2026-04-21"


def test_a_pre_cut_by_a_blank_line_stays_code():
    # CMS exports put <pre> inside an HTML block that a blank line ends: the code after it is still code.
    md = ('<p>Before the code.</p>\n<pre><code class="language-python">import time\n\n'
          'time.sleep(retry_delay)\n\n    x = 1\n# a comment line\n</code></pre>\n<p>After the code.</p>\n')
    body, _ = markdown_to_text(md)
    assert body.split("\n\n") == ["Before the code.", "After the code."]


@pytest.mark.parametrize(("code", "kept"), [
    ("Milvus", True), ("GPT-4o", True), ("Qwen2.5-7B", True), ("gpt-oss-120b", True),
    ("time.sleep(retry_delay)", False), ("retry_delay", False), ("emitEvent", False),
    ("pip install x", False), ("config.json", False),
])
def test_inline_code_is_kept_only_as_a_name(code, kept):
    assert (code_as_name(code) == code) is kept


def test_html_drops_pre_and_code_but_keeps_names():
    html = ("<article><p>Call <code>time.sleep(retry_delay)</code> and use <code>DeepSeek-V3</code>.</p>"
            "<pre>for x in y:\n    f(x)</pre><p>See <a href='https://a.example/b'>https://a.example/b</a>"
            " or <a href='https://a.example/c'>the docs</a>.</p></article>")
    body, _ = html_to_text(html)
    assert "time.sleep" not in body and "f(x)" not in body and "a.example" not in body
    assert "use DeepSeek-V3." in body and "the docs" in body


def test_code_in_a_post_gives_no_event(tmp_path):
    (tmp_path / "post.md").write_text(POST, encoding="utf-8")
    tables = pipeline.build_tables([tmp_path], progress=False)
    assert not tables["mentions"].filter(pl.col("event_type") == "delay").height
    assert not tables["sentences"]["text"].str.contains("Kimi K3").any()
    doc = tables["documents"].row(0, named=True)
    assert (doc["title"], doc["published"], doc["published_basis"]) == (
        "Kimi K2: open weights, at last", "2025-07-11", "metadata")
    assert doc["source"] == "Jane Doe, John Roe"


# --- the real posts ----------------------------------------------------------------------------

_CODE_OR_MARKUP = [
    r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^>]*)?>",  # an HTML tag (`<span class=...>`, `<p>`)
    r"`",  # a backtick
    r"[A-Za-z_]\w*(?:\.\w+)+\(|\b\w+_\w*\(|\w\(\)",  # a call: `time.sleep(`, `emit_event(`, `f()`
    r"\]\(|!\[|^#+\s|\*\*",  # Markdown syntax
]


@pytest.fixture(scope="module")
def real_build(tmp_path_factory):
    src = tmp_path_factory.mktemp("real")
    for name in REAL_POSTS:
        shutil.copy(REAL / name, src / name)
    docs = corpus.read_corpus([src], progress=False)
    return docs, pipeline.build_from_documents(docs)


def _front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_real_posts_have_no_front_matter_markup_or_code_in_sentences(real_build):
    _, tables = real_build
    sentences = tables["sentences"]
    assert sentences.height > 300
    for pattern in _CODE_OR_MARKUP:
        bad = sentences.filter(pl.col("text").str.contains(pattern))["text"].to_list()
        assert bad == [], (pattern, bad[:3])
    for name in REAL_POSTS:  # no front matter line (`id: ...`, `cover: ...`) and none of its values
        front = _front(REAL / name)
        of_doc = sentences.filter(pl.col("doc_id") == Path(name).stem)["text"]
        keys = "|".join(re.escape(k) for k in front)
        assert not of_doc.str.contains(rf"(?m)^\s*(?:{keys}):").any(), name
        for key in ("id", "cover", "origin"):
            if front.get(key):
                assert not of_doc.str.contains(str(front[key]), literal=True).any(), (name, key)


def test_real_posts_link_targets_never_reach_sentences(real_build):
    _, tables = real_build
    joined = "\n".join(tables["sentences"]["text"].to_list())
    for name in REAL_POSTS:
        source = (REAL / name).read_text(encoding="utf-8")
        targets = set(re.findall(r"\]\((https?://[^)\s]+)\)", source))
        targets |= set(re.findall(r'href="(https?://[^"]+)"', source))
        assert targets, name
        assert not [t for t in targets if t in joined], name


def test_real_posts_take_title_date_and_author_from_front_matter(real_build):
    _, tables = real_build
    docs = {d["doc_id"]: d for d in tables["documents"].iter_rows(named=True)}
    for name in REAL_POSTS:
        front, doc = _front(REAL / name), docs[Path(name).stem]
        assert doc["title"] == front["title"].strip()
        assert doc["published_basis"] == "metadata"
        y, m, d = (int(x) for x in re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", str(front["date"])).groups())
        assert doc["published"] == f"{y:04d}-{m:02d}-{d:02d}"
        assert doc["source"] == front["author"]


def test_real_sentence_offsets_are_exact_in_the_kept_text(real_build):
    docs, tables = real_build
    texts = dict(docs.select("doc_id", "text").iter_rows())
    for doc_id, start, end, s in tables["sentences"].select("doc_id", "char_start", "char_end",
                                                            "text").iter_rows():
        assert texts[doc_id][start:end] == s


def test_arabic_real_posts_are_arabic_however_many_latin_names():
    dev = pl.read_csv(Path(__file__).parent / "annotations" / "real_split.csv").filter(
        pl.col("split") == "dev")
    docs = corpus.read_corpus([REAL / f"{d}.md" for d in dev["doc"]], progress=False)
    described, _ = text.segment(docs)
    langs = dict(described.select("doc_id", "lang").iter_rows())
    assert {d: langs[d] for d in dev["doc"]} == dict(dev.select("doc", "lang").iter_rows())


_MD_PIECES = ["---\n", "+++\n", "title: x\n", "date: 2025-13-45\n", "`", "```\n", "    ", "<pre>", "</pre>",
              "<code>", "</code>", "<!--", "-->", "<p>", "[", "](", ")", "![", "*", "_", "|", "|-|\n", "# ",
              "- ", "> ", "\n", "\n\n", "&amp;", "&#0;", "https://x.y", "نموذج", "open", "\u2028", "\x00"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_MD_PIECES), max_size=60).map("".join) | st.text(max_size=300))
def test_any_markdown_or_html_gives_text_and_never_fails(src):
    for body, meta in (markdown_to_text(src), html_to_text(src)):
        assert isinstance(body, str) and set(meta) >= {"meta_title", "meta_published", "meta_source"}
    row = corpus.read_text(src.encode("utf-8"), ".md")
    assert row["status"] in {"ok", "not_text"}
    assert row["status"] == "not_text" or "\x00" not in row["text"]


def test_code_left_out_leaves_no_space_before_punctuation():
    body, _ = markdown_to_text("Files like `CLAUDE.md` and `AGENTS.md`, then more. The format is `a=b`.")
    assert body == "Files like and, then more. The format is."
    html, _ = html_to_text("<p>Files like <code>CLAUDE.md</code> and <code>AGENTS.md</code>, then.</p>")
    assert html == "Files like and, then."


def test_the_pages_address_is_kept_from_its_head_or_front_matter():
    _, meta = html_to_text('<html><head><link rel="canonical" href="https://mistral.ai/news/x">'
                           '<meta property="og:url" content="https://other.example/y"></head>'
                           '<body><article><p>Text.</p></article></body></html>')
    assert meta["meta_url"] == "https://mistral.ai/news/x"
    _, meta = html_to_text('<html><head><meta property="og:url" content="https://qwenlm.github.io/blog/q">'
                           '</head><body><p>Text.</p></body></html>')
    assert meta["meta_url"] == "https://qwenlm.github.io/blog/q"
    _, meta = markdown_to_text("---\ntitle: T\norigin: https://milvus.io/blog/a.md\n---\nText.\n")
    assert meta["meta_url"] == "https://milvus.io/blog/a.md"
