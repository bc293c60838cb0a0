"""Shared fixtures: the bundled corpus and a fixture corpus covering every status and encoding."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"

AR_TEXT = "أعلنت شركة ميتا عن نموذج جديد مفتوح المصدر. وقالت الشركة إنه متاح للجميع."
EN_ARTICLE = """Meta releases Llama 4 weights

SAN FRANCISCO, April 5 (Reuters) - Meta Platforms released the weights of its Llama 4 models on
Saturday, Chief Executive Mark Zuckerberg said. The models are available to developers under the
company's community licence.

Read also: Meta's AI chief leaves the company

"We believe open source is the way forward," Zuckerberg told reporters. The U.S. company said the
release of Llama 4.1 would follow.

Advertisement
"""

HTML_PAGE = """<!doctype html><html><head><title>Llama 4 | Wire</title>
<meta property="og:site_name" content="The Wire">
<meta property="article:published_time" content="2025-04-05T10:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/tech">Tech</a></nav>
<article><h1>Meta opens Llama 4</h1>
<p>Meta released the weights of Llama 4 on Saturday. It is <b>free</b> to use for most companies.</p>
<script>document.title = "pwned"; alert(1)</script><style>p {color: red}</style>
<div class="share-buttons">Share on X Share on Facebook</div>
<p>Developers welcomed the move, which follows DeepSeek's release of R1 in January.</p></article>
<footer>Copyright 2025 The Wire. All rights reserved.</footer></body></html>"""

# What each fixture input must become: (path in documents, status, encoding)
EXPECTED = {
    "utf8.txt": ("ok", "utf-8"),
    "bom.txt": ("ok", "utf-8-sig"),
    "utf16.txt": ("ok", "utf-16"),
    "cp1256.txt": ("ok", "cp1256"),
    "bad_bytes.txt": ("undecodable", None),
    "blank.txt": ("empty", "utf-8"),
    "image.txt": ("not_text", None),
    "utf8_copy.txt": ("duplicate", "utf-8"),
    "huge.txt": ("too_large", None),
    "english.txt": ("ok", "utf-8"),
    "page.html": ("ok", "utf-8"),
    "notes.md": ("ok", "utf-8"),
    "records.jsonl#0": ("ok", "utf-8"),
    "records.jsonl#1": ("undecodable", "utf-8"),
    "records.jsonl#2": ("empty", "utf-8"),
    "records.csv#0": ("ok", "utf-8"),
    "records.parquet#0": ("ok", "utf-8"),
    "records.parquet#1": ("duplicate", "utf-8"),
}
MAX_BYTES = 50_000


def write_fixture_corpus(root: Path) -> Path:
    """Every status and encoding the reader must handle, in one folder."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "utf8.txt").write_text(AR_TEXT, encoding="utf-8")
    (root / "bom.txt").write_bytes(b"\xef\xbb\xbf" + "نص آخر مختلف تماما عن الأول. جملة ثانية هنا.".encode())
    (root / "utf16.txt").write_bytes("نص ثالث بترميز يو تي إف ستة عشر. جملة أخرى.".encode("utf-16"))
    (root / "cp1256.txt").write_bytes("نص رابع بترميز ويندوز العربي. وهذه جملة ثانية.".encode("cp1256"))
    (root / "bad_bytes.txt").write_bytes(bytes([0x8D, 0x90, 0x9D, 0xFF, 0x41, 0x81, 0x8D, 0x90, 0x9D]) * 4)
    (root / "blank.txt").write_text("  \n\n ", encoding="utf-8")
    (root / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (root / "utf8_copy.txt").write_text(AR_TEXT + "\n", encoding="utf-8")
    (root / "huge.txt").write_text("word " * (MAX_BYTES // 4), encoding="utf-8")
    (root / "english.txt").write_text(EN_ARTICLE, encoding="utf-8")
    (root / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    (root / "notes.md").write_text("# Notes\n\nAlibaba released Qwen 3 under an open licence. It is popular.",
                                   encoding="utf-8")
    lines = [json.dumps({"id": "r1", "text": "OpenAI released gpt-oss-120b on Tuesday. It has open weights.",
                         "date": "2025-08-05", "source": "Wire"}),
             "{not json", json.dumps({"id": "r3", "text": ""})]
    (root / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "records.csv").write_text(
        'id,text,source\nc1,"Mistral AI released new open weights. They are free.",AFP\n', encoding="utf-8")
    pl.DataFrame({"id": ["p1", "p2"], "text": ["DeepSeek released R1 in January. It shook markets."] * 2}
                 ).write_parquet(root / "records.parquet")
    return root


@pytest.fixture(scope="session")
def fixture_corpus(tmp_path_factory) -> Path:
    return write_fixture_corpus(tmp_path_factory.mktemp("fixture_corpus"))


# --- figures on hand-annotated text (tests/figures.py): built once, printed at the end of the run

FIGURES_KEY = pytest.StashKey[str]()


@pytest.fixture(scope="session")
def real_tables():
    """The real corpus (tests/fixtures/real), built once for the session."""
    from tests import figures

    return figures.build(figures.REAL)


@pytest.fixture(scope="session")
def bundled_tables():
    from tests import figures

    return figures.build(figures.CORPUS)


@pytest.fixture(scope="session")
def article_tables():
    from tests import figures

    return figures.build(figures.ARTICLES)


@pytest.fixture(scope="session")
def news_tables():
    from tests import figures

    return figures.build(figures.NEWS)


@pytest.fixture(scope="session")
def post_tables():
    from tests import figures

    return figures.build(figures.POSTS)


@pytest.fixture(scope="session")
def figure_evaluations(request, real_tables, news_tables, bundled_tables, article_tables, post_tables):
    """Every set the README reports, scored; the run's summary prints them."""
    from tests import figures

    evs = figures.evaluations(real_tables, news_tables, bundled_tables, article_tables, post_tables)
    request.config.stash[FIGURES_KEY] = figures.report(evs)
    return evs


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print the README's figures when the run measured them (the whole suite, or tests/test_evaluate.py)."""
    text = config.stash.get(FIGURES_KEY, None)
    if text:
        terminalreporter.section("figures on hand-annotated text (README.md, make figures)")
        terminalreporter.write_line(text)
