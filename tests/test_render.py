"""Rendering report.qmd: the .qmd reader, escaping, the engines, and the rendered HTML, PDF and notebook.

Full renders are few and shared (tests/fixtures/report/renders.py): the bundled corpus, the timeline
corpus (2019-2025), the English fixture (twice, for determinism), the hostile fixture and an empty corpus
(through the CLI).
"""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import stat
import sys
from pathlib import Path

import nbformat
import polars as pl
import pypandoc
import pypdf
import pytest
import typst

from analysis import cli, render
from tests.fixtures.report.renders import QMD, rendered

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    "[click](javascript:alert(3)) **bold** $x$ #tag `code` @fig-timeline",
]
SECTIONS = [
    "Headline findings",
    "Openness over time",
    "By region of the lab",
    "The news beside the record",
    "Promises",
    "How the coverage frames it",
    "Quotations in both languages",
    "Reported in one language or both",
    "Events",
    "Corpus overview",
    "Narrative clusters",
    "Method",
    "Limitations",
    "Reproducibility",
]
INTERACTIVE = re.compile(r"\b(hover|drag|click|point at|tooltip)\b", re.I)
ARABIC = re.compile(r"[\u0600-\u06FF]{3,}")


def pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(path).pages)


def pdf_fonts(path: Path) -> dict[str, bool]:
    """Each font of the PDF and whether its file is embedded."""
    fonts = {}
    for page in pypdf.PdfReader(path).pages:
        for f in (page["/Resources"].get("/Font") or {}).values():
            f = f.get_object()
            desc = f["/DescendantFonts"][0].get_object() if "/DescendantFonts" in f else f
            fd = desc["/FontDescriptor"].get_object()
            fonts[str(f["/BaseFont"])] = any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


def outside_scripts(html: str) -> str:
    """The markup outside <script> elements (a chart's spec carries evidence as inert JSON, `</` escaped)."""
    return re.sub(r"<script[^>]*>.*?</script>", "", html, flags=re.S)


def assert_inert(html: str) -> None:
    body = outside_scripts(html)
    assert "<script" not in body and "<img" not in body.lower()
    assert not re.search(r"<[^>]*\sonerror\s*=", body)  # shown as &lt;img ... onerror=...&gt; only
    assert 'href="javascript:' not in body
    for spec in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, flags=re.S):
        assert "</" not in spec and "<!--" not in spec


def quotes_in_html(html: str) -> list[str]:
    return re.findall(r'<div class="quote"[^>]*>\s*<p>(.*?)</p>', html, flags=re.S)


# --- the .qmd reader and escaping (no kernel) --------------------------------------------------------


def test_parse_qmd_reads_options_and_leaves_shown_code_alone():
    text = (
        "---\ntitle: T\nexecute:\n  echo: false\n---\n\n# A\n\nValue `{python} 1 + 1`.\n\n"
        '```{python}\n#| label: fig-x\n#| fig-cap: "A caption"\nx = 1\n```\n\n'
        "````markdown\n```{python}\nnot_run()\n```\n````\n\n```{r}\nnot python\n```\n"
    )
    meta, chunks = render.parse_qmd(text)
    assert meta == {"title": "T", "execute": {"echo": False}}
    code = [c for c in chunks if c.kind == "code"]
    assert len(code) == 1 and code[0].text == "x = 1\n"
    assert code[0].options == {"label": "fig-x", "fig-cap": "A caption"}
    markdown = "".join(c.text for c in chunks if c.kind == "markdown")
    assert "not_run()" in markdown and "not python" in markdown and "`{python} 1 + 1`" in markdown


def test_escaped_article_text_is_text_in_html_and_typst():
    md = "\n\n".join(render.md_escape(h) for h in HOSTILE)
    out = pypandoc.convert_text(md, "html5", format="markdown")
    assert "<script" not in out and "<img" not in out and "<a " not in out and "<strong>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "**bold**" in out
    typ = pypandoc.convert_text(md, "typst", format="markdown")
    pdf = typst.compile(
        typ.encode(), font_paths=[str(d) for d in render.font_dirs()], ignore_system_fonts=True
    )
    assert pdf[:4] == b"%PDF"


def test_spec_json_cannot_end_its_script_element():
    s = render._json_for_script({"text": "</script><script>alert(1)</script><!--"})
    assert "</" not in s and "<!--" not in s
    assert json.loads(s.replace("<\\/", "</").replace("<\\!--", "<!--"))["text"].startswith("</script>")


def test_anchor_is_a_valid_label_and_stable():
    assert render.anchor("004_e562516a8d8dfbe5") == "doc-004_e562516a8d8dfbe5"
    a = render.anchor("records.jsonl#3")
    assert re.fullmatch(r"doc-[A-Za-z0-9_-]+", a) and a == render.anchor("records.jsonl#3")
    assert a != render.anchor("records.jsonl#4")


def test_auto_picks_quarto_only_when_it_is_installed(tmp_path, monkeypatch):
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert render.choose_engine("auto") == "builtin"
    fake = tmp_path / "quarto"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    assert render.choose_engine("auto") == "quarto"
    with pytest.raises(render.RenderError):
        render.choose_engine("latex")


def test_quarto_engine_gets_the_interpreter_fonts_tables_and_output_dir(tmp_path, monkeypatch):
    """A stand-in `quarto` records how it was called; the command follows Quarto's documented options."""
    log = tmp_path / "calls.jsonl"
    fake = tmp_path / "bin" / "quarto"
    fake.parent.mkdir()
    fake.write_text(
        f"#!{sys.executable}\nimport json, os, sys\nargs = sys.argv[1:]\n"
        f"open({str(log)!r}, 'a').write(json.dumps({{'args': args, 'env': {{k: os.environ.get(k) for k in "
        "('QUARTO_PYTHON', 'TYPST_FONT_PATHS', 'OPENNESS_TABLES')}}) + '\\n')\n"
        "if args[0] != 'render': sys.exit(0)\nout = args[args.index('--output-dir') + 1]\n"
        "open(os.path.join(out, args[args.index('--output') + 1]), 'w').write('x')\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    result = render.render_report(
        tmp_path / "tables", tmp_path / "out", qmd=QMD, engine="auto", formats=("html", "pdf")
    )
    assert result.engine == "quarto" and "quarto engine" in result.summary()
    calls = [c for c in map(json.loads, log.read_text().splitlines()) if c["args"][0] == "render"]
    assert [c["args"][c["args"].index("--to") + 1] for c in calls] == ["html", "typst"]
    for c in calls:
        assert c["env"]["QUARTO_PYTHON"] == sys.executable
        assert "fontpkg_amiri" in c["env"]["TYPST_FONT_PATHS"]
        assert c["env"]["OPENNESS_TABLES"] == str((tmp_path / "tables").resolve())
        assert c["args"][c["args"].index("--output-dir") + 1] == str((tmp_path / "out").resolve())
    assert (tmp_path / "out" / "_build" / render.HEAD_FILE).exists()  # the head include the qmd names


# --- full renders ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_bundled_corpus_report(tmp_path):
    r = rendered("bundled")
    summary = r.result.summary()
    assert "builtin engine" in summary and str(r.out / "report.html") in summary and "report.pdf" in summary
    html = r.html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)  # nothing fetched
    assert html.count('class="vega-chart"') >= 12
    text = pdf_text(r.out / "report.pdf")
    assert not INTERACTIVE.search(text)  # the PDF's charts are static: no instruction to hover or drag
    for title in SECTIONS:
        assert title in text and title in html
    fonts = pdf_fonts(r.out / "report.pdf")
    assert any("Amiri" in f for f in fonts) and all(fonts.values())
    # the numbers of the report are the tables' numbers
    docs, ments = r.tables["documents"], r.tables["mentions"]
    assert f"The corpus holds {docs.height:,} documents" in html
    if ments.height:
        assert f"{ments.height:,} event mention" in html
    else:
        assert "No events found" in html
    # the corpus hash is computed from the documents
    assert re.search(r"<code>[0-9a-f]{64}</code>", html)


@pytest.mark.slow
def test_english_report_quotes_its_sentences_and_renders_the_same_twice():
    a, b = rendered("english"), rendered("english", copy=1)
    sents = {" ".join(t.split()) for t in a.tables["sentences"]["text"].to_list()}
    quotes = quotes_in_html(a.html)
    assert quotes and len(quotes) <= 3 * 7
    import html as html_lib

    assert all(" ".join(html_lib.unescape(q).split()) in sents for q in quotes), quotes
    assert all(
        q.startswith('<div class="quote" dir="ltr" lang="en"')
        for q in re.findall(r'<div class="quote"[^>]*>', a.html)
    )
    text = pdf_text(a.out / "report.pdf")
    assert html_lib.unescape(quotes[0])[:40] in text.replace("\n", " ")
    assert "Figure\xa02" in text and "Table\xa01" in text  # captions, numbered by Typst
    assert re.search(r'<figcaption><span class="caption-number">Figure 1:</span>', a.html)
    spec_a = (a.out / "_build" / "charts.json").read_text()
    assert spec_a == (b.out / "_build" / "charts.json").read_text()
    assert len(json.loads(spec_a)) >= 12
    for name in ("documents", "mentions", "events", "narratives"):
        assert (a.out / "tables" / f"{name}.parquet").read_bytes() == (
            b.out / "tables" / f"{name}.parquet"
        ).read_bytes()
    # every chart of the page is in the HTML in the same form
    assert a.html.count('class="vega-chart"') == len(json.loads(spec_a))


@pytest.mark.slow
def test_hostile_text_shows_as_text_in_html_pdf_and_notebook():
    r = rendered("hostile")
    html = r.html
    assert_inert(html[html.index("</head>") :])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in outside_scripts(html)  # shown, escaped
    nb = nbformat.read(r.out / "_build" / "report.ipynb", as_version=4)
    outputs = [o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])]
    for data in outputs:
        assert_inert("".join(data.get("text/html", "")))
    markdown = "\n\n".join("".join(d["text/markdown"]) for d in outputs if "text/markdown" in d)
    assert "alert\\(1\\)" in markdown
    assert_inert(pypandoc.convert_text(markdown, "html5", format="markdown"))  # as a notebook shows it
    text = pdf_text(r.out / "report.pdf")
    # pypdf reads a glyph back through the first character it was drawn for: Arabic text draws ">" with
    # the glyph of "<" (mirrored, right to left), so brackets may come back swapped although the page
    # shows them right (poppler's pdftotext and the rendered page agree); compare with brackets folded.
    flat = text.replace("\n", "").replace(">", "<")
    assert "<script<alert(1)</script<" in flat and "onerror=alert(1)<" in flat
    # the Arabic quotations are in the PDF, shaped from real glyphs (their words extract as text)
    quoted = [q for q in quotes_in_html(html) if ARABIC.search(q)]
    assert quoted
    for q in quoted:
        words = ARABIC.findall(q)
        assert sum(w in text for w in words) >= 0.8 * len(words), words
    assert all(pdf_fonts(r.out / "report.pdf").values())


@pytest.mark.slow
def test_timeline_report_numbers_come_from_the_tables():
    """On a corpus of 2019-2025 the trend, the record, the promises and the languages are all drawn,
    and the numbers the text states are the ones computed from `events` directly."""
    from analysis import report_tables as rt

    r = rendered("timeline")
    html, evts, docs = r.html, r.tables["events"], r.tables["documents"]
    body = outside_scripts(html)
    rel = evts.filter(
        pl.col("event_type").is_in(["open_release", "closed_release"]) & (pl.col("status") == "realized")
    )
    n_open = rel.filter(pl.col("event_type") == "open_release").height
    assert f"{rel.height} releases reported, {n_open} of them open ({n_open / rel.height:.0%})" in body
    period = rt.choose_period(rel["date"])
    years = sorted({d[:4] for d in rel["date"].drop_nulls()})
    assert f"Releases are counted by {period}" in body and f"from {years[0]} to {years[-1]}" in body
    # the trend table of the page is the trend computed from the events
    summary = rt.trend_summary(rt.openness_trend(evts, period))
    row = summary.filter(pl.col("total") > 0).row(-1, named=True)
    cells = re.search(rf"<tr[^>]*>\s*<td[^>]*>{row['period']}</td>(.*?)</tr>", body, flags=re.S)
    assert cells, row
    numbers = re.findall(r"<td[^>]*>([^<]*)</td>", cells.group(1))
    assert numbers[:2] == [str(row["total"]), str(row["n_open"])]
    # the news beside the record cites Epoch AI and names the disagreements
    record = rt.news_vs_record(evts)
    assert "epoch.ai" in body and "Notable AI Models" in body
    for model in record.filter(pl.col("verdict") == "disagrees")["model"]:
        assert html_lib.escape(model) in body
    # the promises: the ledger's outcomes are stated with their counts
    ledger = rt.promise_ledger(evts, rt.as_of(docs))
    assert ledger.height and f"{ledger.height} promises to open a model" in body
    for outcome, k in ledger.group_by("outcome").len("k").iter_rows():
        assert f"{k} {outcome}" in body
    # every figure and table has a numbered caption, and the side contents link to every section
    assert body.count('<span class="caption-number">Figure') >= 12
    assert body.count('<span class="caption-number">Table') + body.count("<caption>Table") >= 6
    toc = re.search(r'<nav id="TOC".*?</nav>', body, flags=re.S).group(0)
    for title in SECTIONS:
        assert title in toc
    # the PDF: static charts (SVG, vector), no interactive instruction, every event listed, Arabic shaped
    text = pdf_text(r.out / "report.pdf")
    assert not INTERACTIVE.search(text)
    assert "Figure\xa012" in text
    flat = text.replace("\n", " ")
    for date in evts["date"].drop_nulls().unique():
        assert date in flat  # the event table runs over pages: no row lost off the bottom of one
    assert ARABIC.search(text)
    assert b"/Subtype /Image" not in (r.out / "report.pdf").read_bytes()  # charts are vector, not bitmaps
    typ = (r.out / "_build" / "report.typ").read_text(encoding="utf-8")
    assert "#show figure.where(kind: table): set block(breakable: true)" in typ
    assert typ.count(".svg") >= 12


@pytest.mark.slow
def test_empty_corpus_gets_a_report_that_says_so(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    code = cli.main(
        [
            "report",
            "--corpus",
            str(corpus),
            "--out",
            str(tmp_path / "out"),
            "--qmd",
            str(QMD),
            "--engine",
            "builtin",
            "-q",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "builtin engine" in out and "report.html" in out and "report.pdf" in out
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "This corpus has no usable article" in html and "No events found" in html
    assert "Traceback" not in outside_scripts(html) and "Error" not in outside_scripts(html)
    assert "This corpus has no usable article" in pdf_text(tmp_path / "out" / "report.pdf")
    assert pl.read_parquet(tmp_path / "out" / "documents.parquet").height == 0


def test_report_command_with_relative_paths(tmp_path, monkeypatch, capsys):
    """`make report` passes relative folders (build/); pandoc and the kernel run elsewhere."""
    corpus = Path(__file__).resolve().parent.parent / "data" / "corpus"
    monkeypatch.chdir(tmp_path)
    code = cli.main(
        [
            "report",
            "--corpus",
            str(corpus),
            "--out",
            "out",
            "--qmd",
            str(QMD),
            "--to",
            "html",
            "--engine",
            "builtin",
            "-q",
        ]
    )
    assert code == 0, capsys.readouterr().err
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Headline findings" in page and "<svg" not in page[:100]


def test_page_table_is_escaped_sortable_and_filterable_markup():
    df = pl.DataFrame(
        {
            "lab": ["Meta", "<b>x</b>"],
            "language": [["ar", "en"], ["en"]],
            "n": [2, 1],
            "evidence": ["<script>alert(1)</script>", "نص عربي"],
        }
    )
    out = render.html_table(
        df, filters={"lab": "lab", "language": "language"}, text_columns=("evidence",), key="t"
    )
    assert "<script" not in out and "<b>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert 'data-f-language="ar|en"' in out and 'data-f-lab="&lt;b&gt;x&lt;/b&gt;"' in out
    assert '<option value="ar">ar</option>' in out and 'data-type="number"' in out
    assert '<td dir="auto">نص عربي</td>' in out
