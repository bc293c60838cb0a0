"""Render report.qmd to one offline HTML file and a PDF, with Quarto or with the project's own engine.

Quarto is used where it is installed. Where it is not (an offline machine cannot install it: the PyPI
package downloads it while it builds), the built-in engine does what Quarto does with the same parts:
the `.qmd` is split into markdown and ```{python} chunks, the chunks run once in a Jupyter kernel
(nbclient), each output is picked by Quarto's MIME priority for the target, and Pandoc (pypandoc-binary)
writes HTML, or Typst that the `typst` package compiles to PDF with the Arabic fonts from PyPI.

What both engines share is `setup()`, called from the report's setup cell: an Altair renderer that gives
each chart as `text/html` (a `vegaEmbed` call on the Vega bundle inlined once in the page head, so the
page needs no network) and as `image/svg+xml` (vector graphics for the PDF), the chart font, and a
Polars formatter that writes tables as escaped markdown. Article text is untrusted: everything taken
from it goes through `md_escape` or `html.escape`, so a `<script>` in an article shows as text.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TABLES_ENV = "OPENNESS_TABLES"
TARGETS = {"html": "report.html", "pdf": "report.pdf"}
# Pipe tables no wider than pandoc's --columns get columns sized by their content. Quarto keeps pandoc's
# default (72); the built-in engine passes BUILTIN_COLUMNS and tells the kernel through COLUMNS_ENV.
PANDOC_COLUMNS = 72
BUILTIN_COLUMNS = 110
COLUMNS_ENV = "OPENNESS_PANDOC_COLUMNS"
HEAD_FILE = "_vega-head.html"
MAIN_FONT = "Amiri"
CELL_TIMEOUT = 600  # seconds a report cell may run

# Quarto's choice of output per target (src/core/jupyter/display-data.ts)
MIME_PRIORITY = {
    "html": ("text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain"),
    "pdf": ("text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain"),
}
ASSETS = Path(__file__).resolve().parent / "assets"  # the page's CSS, script and pandoc template
INLINE_MIME = "application/x-qmd-inline+json"  # '+json': nbformat validates dict data only for these

CSS = "<style>\n" + (ASSETS / "report.css").read_text(encoding="utf-8") + "</style>\n"

# Sortable, filterable tables and the contents that follow the reader: plain JavaScript, no network.
SCRIPT = "<script>\n" + (ASSETS / "report.js").read_text(encoding="utf-8") + "</script>\n"

# The page around pandoc's body: contents in a side column that stays, the report in the main one.
HTML_TEMPLATE = (ASSETS / "template.html").read_text(encoding="utf-8")


class RenderError(RuntimeError):
    """The report could not be rendered; the message says which cell or tool failed and why."""


@dataclass
class RenderResult:
    engine: str
    outputs: dict[str, Path]
    build_dir: Path
    tool_versions: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        tools = ", ".join(f"{k} {v}" for k, v in self.tool_versions.items())
        files = "\n".join(f"  {fmt}: {path}" for fmt, path in self.outputs.items())
        return (
            f"report rendered with the {self.engine} engine ({tools}) in {self.seconds:.1f} s\n{files}\n"
            f"  intermediates: {self.build_dir}"
        )


# --- shared by both engines: escaping, the chart renderer, formatters -------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&~^$@:\"'=/])")


def md_escape(text: object) -> str:
    """Text from an article as inert markdown: every markup character backslash-escaped, one line.

    Pandoc then reads it as plain text, so `<script>` is a string (escaped again by the HTML and Typst
    writers), not raw HTML, and `#`, `*`, `$` or `[..](..)` make no heading, emphasis, math or link.
    """
    s = "" if text is None else str(text)
    s = re.sub(r"\s+", " ", s).strip()
    return _MD_SPECIAL.sub(r"\\\1", s)


def anchor(doc_id: str) -> str:
    """A label for an article that HTML ids and Typst labels both accept, the same for the same id."""
    slug = re.sub(r"[^A-Za-z0-9_-]", "-", str(doc_id))[:48]
    if slug != str(doc_id):
        slug += "-" + hashlib.sha1(str(doc_id).encode()).hexdigest()[:8]
    return f"doc-{slug}"


def _json_for_script(obj: Any) -> str:
    """JSON safe inside a <script> element: no `</` or `<!--` can end or confuse it (pitfall 20)."""
    s = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (
        s.replace("</", "<\\/")
        .replace("<!--", "<\\!--")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def vega_bundle(cache_dir: Path) -> str:
    """The Vega, Vega-Lite and vega-embed JavaScript that vl-convert ships, cached on disk (1-2 s to make)."""
    import altair as alt
    import vl_convert as vlc

    vl = "v" + alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0].replace(".", "_")
    path = cache_dir / f"vega-bundle-{vlc.__version__}-{vl}.js"
    if not path.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(vlc.javascript_bundle(vl_version=vl), encoding="utf-8")
        tmp.replace(path)
    return path.read_text(encoding="utf-8")


def vega_head_html(cache_dir: Path) -> str:
    """The page head: the bundle once, in a function scope (it declares top-level consts), and the CSS."""
    bundle = vega_bundle(cache_dir)
    if "</script" in bundle.lower():
        raise RenderError("the Vega bundle contains '</script' and cannot be inlined")
    debug = {"vega_version": "6", "vegalite_version": "6.4.1", "vegaembed_version": "7"}
    return (
        f"<script>(function(){{\n{bundle}\n}})();</script>\n"
        f"<script>var VEGA_DEBUG = {json.dumps(debug)};</script>\n{font_faces()}{CSS}{SCRIPT}"
    )


def font_faces() -> str:
    """Amiri (regular and bold) inlined as @font-face: Arabic reads well offline, on any machine."""
    import fontpkg

    faces = []
    with contextlib.suppress(Exception):
        folder = fontpkg.path("amiri").parent
        for weight, name in (("400", "Amiri-Regular.ttf"), ("700", "Amiri-Bold.ttf")):
            data = base64.b64encode((folder / name).read_bytes()).decode("ascii")
            faces.append(
                f"@font-face {{ font-family: Amiri; font-weight: {weight}; font-style: normal; "
                f"font-display: swap; src: url(data:font/ttf;base64,{data}) format('truetype'); }}"
            )
    return f"<style>{' '.join(faces)}</style>\n" if faces else ""


_chart_ids = itertools.count(1)


def _chart_html(spec: dict, div: str) -> str:
    """A chart for the HTML page: its spec as inert JSON, drawn by the page-global vegaEmbed."""
    return (
        f'<div id="{div}" class="vega-chart"></div>\n'
        f'<script type="application/json" id="{div}-spec">{_json_for_script(spec)}</script>\n'
        f'<script>vegaEmbed("#{div}", JSON.parse(document.getElementById("{div}-spec").textContent), '
        f'{{"actions": false, "renderer": "svg"}}).catch(function (e) {{ console.error(e); }});</script>'
    )


def _report_renderer(spec: dict, **_: Any) -> dict[str, str]:
    """Altair renderer: interactive HTML for the page, SVG for the PDF; Quarto picks one per target."""
    import vl_convert as vlc

    div = f"vega-chart-{next(_chart_ids)}"
    svg = vlc.vegalite_to_svg(spec, vl_version=_vl_version(), allowed_base_urls=[])
    return {"text/html": _chart_html(spec, div), "image/svg+xml": svg, "text/plain": "<chart>"}


def _vl_version() -> str:
    import altair as alt

    return "v" + alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0].replace(".", "_")


def font_dirs() -> list[Path]:
    """Folders of the Arabic fonts installed from PyPI (Amiri first: it has Latin glyphs too)."""
    import fontpkg

    dirs = []
    for family in ("amiri", "noto-sans-arabic"):
        with contextlib.suppress(Exception):
            dirs.append(fontpkg.path(family).parent)
    return dirs


def pipe_table(df: Any, *, max_rows: int = 200) -> str:
    """A Polars frame as a markdown pipe table, every cell escaped (cells may hold article text)."""
    import polars as pl

    if not isinstance(df, pl.DataFrame):
        return md_escape(df)
    if df.width == 0:
        return ""
    shown = df.head(max_rows)

    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, list | tuple):
            v = ", ".join("" if x is None else str(x) for x in v)
        elif isinstance(v, float):
            v = f"{v:.3g}"
        return md_escape(v)

    rows = [[cell(v) for v in row] for row in shown.iter_rows()]
    header = [md_escape(c) for c in shown.columns]
    # A pipe table whose lines fit in pandoc's --columns gets columns sized by their content (best for
    # short cells: no "Ope-nAI"); a wider one is sized by the dashes under each header, so long text
    # wraps in wide columns and short columns keep room for a word.
    natural = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    if sum(natural) + 3 * len(natural) + 1 <= int(os.environ.get(COLUMNS_ENV, PANDOC_COLUMNS)):
        widths = [3] * len(header)
    else:
        widths = [min(40, max(8, n + 2)) for n in natural]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("-" * w for w in widths) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    if df.height > max_rows:
        lines.append(f"\n{df.height - max_rows} more rows not shown.")
    return "\n".join(lines)


def setup(*, font: str | None = None) -> None:
    """Call once from the report's (or a notebook's) first cell: charts, fonts and tables for both engines."""
    import altair as alt
    import polars as pl
    import vl_convert as vlc

    from analysis import charts

    for d in font_dirs():
        with contextlib.suppress(Exception):
            vlc.register_font_directory(str(d))
    alt.renderers.register("openness", _report_renderer)
    alt.renderers.enable("openness")
    theme_font = font or charts.FONT

    @alt.theme.register("openness", enable=True)
    def _theme() -> alt.theme.ThemeConfig:
        return {
            "config": {
                "font": theme_font,
                "view": {"stroke": None},
                "axis": {"labelFontSize": 11, "titleFontSize": 12},
            }
        }

    alt.data_transformers.disable_max_rows()
    with contextlib.suppress(Exception):
        from IPython import get_ipython

        ip = get_ipython()
        if ip is not None:
            fmt = ip.display_formatter.formatters
            fmt["text/markdown"].for_type(pl.DataFrame, pipe_table)
            fmt["text/html"].for_type(pl.DataFrame, lambda df: None)  # no raw Polars HTML (quotes, dtypes)


def tables_dir() -> Path:
    """Where the report reads its tables: $OPENNESS_TABLES, set by `render_report`, else build/."""
    return Path(os.environ.get(TABLES_ENV, "build"))


def show(markdown: str) -> None:
    """Emit markdown from a report cell (both engines paste it into the document)."""
    from IPython.display import Markdown, display

    display(Markdown(markdown))


def hint(text: str) -> None:
    """A line for the HTML page only (how to use an interactive chart); the PDF never shows it."""
    from IPython.display import display

    display({"text/html": f'<p class="hint">{html.escape(text)}</p>', "text/plain": ""}, raw=True)


def show_both(html_text: str, markdown: str) -> None:
    """Emit HTML for the page and markdown for the PDF from one cell (Quarto's MIME priority picks)."""
    from IPython.display import display

    display({"text/html": html_text, "text/markdown": markdown, "text/plain": ""}, raw=True)


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, list | tuple):
        return ", ".join("" if x is None else str(x) for x in v)
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


def html_table(
    df: Any,
    *,
    filters: dict[str, str] | None = None,
    search: bool = True,
    text_columns: tuple[str, ...] = (),
    key: str = "table",
) -> str:
    """A table for the page: sortable by any column, filtered by `filters` (column: label) and a search.

    Every cell is escaped (cells hold article text); text columns get `dir="auto"` so an Arabic sentence
    runs right to left in an English page. A filter on a list column matches any of its values.
    """
    import polars as pl

    filters = filters or {}
    head, rows = [], []
    for c in df.columns:
        kind = "number" if df.schema[c].is_numeric() else "text"
        button = f'<button type="button">{html.escape(c)}</button>'
        head.append(f'<th scope="col" data-type="{kind}">{button}</th>')
    values = {c: df[c].to_list() for c in filters}
    for i, row in enumerate(df.iter_rows()):
        attrs = []
        for c in filters:
            v = values[c][i]
            v = v if isinstance(v, list) else [v]
            attrs.append(f'data-f-{_slug(c)}="{html.escape("|".join(str(x) for x in v if x is not None))}"')
        cells = []
        for c, v in zip(df.columns, row, strict=True):
            d = ' dir="auto"' if c in text_columns else ""
            cells.append(f"<td{d}>{html.escape(_cell_text(v))}</td>")
        rows.append(f'<tr {" ".join(attrs)}>' + "".join(cells) + "</tr>")
    controls = []
    for c, label in filters.items():
        col = df[c]
        col = col.explode() if isinstance(col.dtype, pl.List) else col
        opts = "".join(
            f'<option value="{html.escape(str(v))}">{html.escape(str(v))}</option>'
            for v in col.drop_nulls().unique().sort().to_list()
        )
        controls.append(
            f'<label>{html.escape(label)}<select data-filter="f-{_slug(c)}" name="{key}-{_slug(c)}">'
            f'<option value="">all</option>{opts}</select></label>'
        )
    if search:
        controls.append(f'<label>search<input type="search" data-search name="{key}-search" '
                        'placeholder="any word"></label>')
    controls.append("<output data-count></output>")
    return (
        f'<div class="data-table" id="{key}"><div class="filters">{"".join(controls)}</div>'
        f'<div class="table-wrap"><table><thead><tr>{"".join(head)}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div></div>'
    )


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "col"


def quote(text: str, *, lang: str | None, doc_id: str, label: str) -> str:
    """One quotation as a markdown block: its own language and direction, linked to its article."""
    if lang not in ("ar", "en"):  # "mixed" or unknown: the script most of its letters are in
        arabic = len(re.findall(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]", text or ""))
        latin = len(re.findall(r"[A-Za-z]", text or ""))
        lang = "ar" if arabic > latin else "en" if latin else None
    direction = {"ar": "rtl", "en": "ltr"}.get(lang or "", "auto")
    attrs = f'.quote dir="{direction}"' + (f' lang="{lang}"' if lang else "")
    # the source line is English in its own block, so an RTL quotation does not reorder "…, sentence 9"
    return (
        f":::: {{{attrs}}}\n{md_escape(text)}\n\n"
        f'::: {{.quote-source lang="en" dir="ltr"}}\n[{md_escape(label)}](#{anchor(doc_id)})\n:::\n::::\n'
    )


# --- the .qmd format ------------------------------------------------------------------------------


@dataclass
class Chunk:
    kind: str  # "markdown" or "code"
    text: str
    options: dict[str, Any] = field(default_factory=dict)


_FENCE = re.compile(r"^(`{3,}|~{3,})\s*(\{[^}]*\}|[^\s`]*)?\s*$")
_INLINE = re.compile(r"`\{python\}\s+([^`]+)`")


def parse_qmd(text: str) -> tuple[dict[str, Any], list[Chunk]]:
    """Front matter and chunks. ```{python} chunks run; every other fence is copied as it is."""
    meta: dict[str, Any] = {}
    m = re.match(r"^---\s*\n(.*?)\n---\s*\n", text, flags=re.S)
    if m:
        meta = yaml.safe_load(m.group(1)) or {}
        text = text[m.end() :]
    chunks: list[Chunk] = []
    buf: list[str] = []
    lines = iter(text.splitlines(keepends=True))
    for line in lines:
        f = _FENCE.match(line.rstrip("\n"))
        if not f or not f.group(2) or not f.group(2).startswith("{"):
            buf.append(line)
            if f:  # a verbatim fence: copy to its end, so a ```{python} shown inside it never runs
                for inner in lines:
                    buf.append(inner)
                    if inner.strip() == f.group(1):
                        break
            continue
        info = f.group(2)[1:-1].strip()
        body = []
        for inner in lines:
            if inner.strip() == f.group(1):
                break
            body.append(inner)
        if not info.startswith("python"):
            buf += [line, *body, f.group(1) + "\n"]
            continue
        if buf:
            chunks.append(Chunk("markdown", "".join(buf)))
            buf = []
        opts_lines = [b[3:] if b.startswith("#| ") else b[2:] for b in body if b.startswith("#|")]
        code = "".join(b for b in body if not b.startswith("#|"))
        options = yaml.safe_load("".join(opts_lines)) or {} if opts_lines else {}
        chunks.append(Chunk("code", code, options))
    if buf:
        chunks.append(Chunk("markdown", "".join(buf)))
    return meta, chunks


# --- built-in engine: execute ---------------------------------------------------------------------


def _notebook(chunks: list[Chunk], execute_opts: dict[str, Any]) -> tuple[Any, list[tuple[int, int | None]]]:
    """One notebook: a cell per code chunk and per inline expression; `where` maps cells to chunks."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    where: list[tuple[int, int | None]] = []
    for i, ch in enumerate(chunks):
        if ch.kind == "markdown":
            for j, expr in enumerate(_INLINE.findall(ch.text)):
                value = f"{{'value': str({expr.strip()})}}"
                src = f"__import__('IPython').display.display({{{INLINE_MIME!r}: {value}}}, raw=True)"
                nb.cells.append(nbformat.v4.new_code_cell(src))
                where.append((i, j))
            continue
        opts = {**execute_opts, **ch.options}
        if opts.get("eval", True) is False:
            continue
        cell = nbformat.v4.new_code_cell(ch.text)
        if opts.get("error", False):
            cell.metadata["tags"] = ["raises-exception"]
        nb.cells.append(cell)
        where.append((i, None))
    return nb, where


def execute(
    chunks: list[Chunk], execute_opts: dict[str, Any], *, cwd: Path, env: dict[str, str]
) -> tuple[Any, list[tuple[int, int | None]]]:
    """Run the chunks once in a fresh kernel on this interpreter, with `env` set for the kernel."""
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb, where = _notebook(chunks, execute_opts)
    with tempfile.TemporaryDirectory(prefix="openness-kernel-") as tmp, _environ(env):
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(tmp) / "k"))
        km.kernel_cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        client = NotebookClient(
            nb, km=km, timeout=CELL_TIMEOUT, allow_errors=False, resources={"metadata": {"path": str(cwd)}}
        )
        try:
            client.execute(cwd=str(cwd))
        except CellExecutionError as e:
            raise RenderError(f"a report cell failed:\n{e}") from None
        finally:
            with contextlib.suppress(Exception):
                if km.has_kernel:
                    km.shutdown_kernel(now=True)
    return nb, where


@contextlib.contextmanager
def _environ(env: dict[str, str]) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# --- built-in engine: assemble markdown per target -------------------------------------------------


def _pick(data: dict[str, Any], target: str) -> tuple[str, Any] | None:
    for mime in MIME_PRIORITY[target]:
        if mime in data:
            return mime, data[mime]
    return None


def _fence(text: str, cls: str = "") -> str:
    ticks = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", text)), default=0))
    return f"{ticks}{cls}\n{text.rstrip()}\n{ticks}\n"


class _Assembler:
    """Turns executed cells into pandoc markdown for one target, numbering figures and tables."""

    def __init__(self, target: str, files: Path, lang: str) -> None:
        self.target, self.files, self.lang = target, files, lang
        self.figures: dict[str, int] = {}
        self.tables: dict[str, int] = {}
        self.n_images = 0
        self.specs: list[dict] = []

    def output(self, out: dict, opts: dict[str, Any]) -> str:
        kind = out.get("output_type")
        if kind == "stream":
            if out.get("name") == "stderr" and not opts.get("warning", True):
                return ""
            return out["text"] if opts.get("output") == "asis" else _fence(out["text"])
        if kind == "error":
            return _fence("\n".join(re.sub(r"\x1b\[[0-9;]*m", "", t) for t in out.get("traceback", [])))
        if kind not in ("display_data", "execute_result"):
            return ""
        picked = _pick(out.get("data", {}), self.target)
        if picked is None:
            return ""
        mime, value = picked
        value = "".join(value) if isinstance(value, list) else value
        if mime == "text/html":
            for spec in re.findall(
                r'<script type="application/json" id="[^"]+-spec">(.*?)</script>', value, re.S
            ):
                self.specs.append(json.loads(spec.replace("<\\/", "</").replace("<\\!--", "<!--")))
            return "```{=html}\n" + value.rstrip() + "\n```\n"
        if mime == "text/markdown":
            return value.rstrip() + "\n"
        if mime == "text/plain":
            return "" if not value.strip() else _fence(value)
        self.n_images += 1
        name = (
            f"{opts.get('label') or 'image'}-{self.n_images}.{ {'image/svg+xml': 'svg'}.get(mime, mime[6:]) }"
        )
        path = self.files / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if mime == "image/svg+xml":
            path.write_text(value, encoding="utf-8")
        else:
            path.write_bytes(base64.b64decode(value))
        return f"![]({path.relative_to(self.files.parent).as_posix()})\n"

    def cell(self, ch: Chunk, cell: Any, opts: dict[str, Any]) -> str:
        if opts.get("include", True) is False:
            return ""
        parts = []
        if opts.get("echo", True) is True:
            parts.append(_fence(ch.text, "python"))
        if opts.get("output", True) is not False and cell is not None:
            parts += [self.output(o, opts) for o in cell.outputs]
        body = "\n".join(p for p in parts if p)
        label = str(opts.get("label") or "")
        if label.startswith("fig-"):
            return self.figure(label, body, str(opts.get("fig-cap") or ""))
        if label.startswith("tbl-") and opts.get("tbl-cap") and self.target == "html" and "<table" in body:
            n = self.tables.setdefault(label, len(self.tables) + 1)
            word = "جدول" if self.lang == "ar" else "Table"
            return (
                f'```{{=html}}\n<figure class="table-figure" id="{label}">\n<figcaption>'
                f'<span class="caption-number">{word} {n}:</span> {html.escape(str(opts["tbl-cap"]))}'
                f"</figcaption>\n```\n{body}\n```{{=html}}\n</figure>\n```\n"
            )
        if label.startswith("tbl-") and opts.get("tbl-cap") and re.search(r"^\|.*\|$", body, flags=re.M):
            n = self.tables.setdefault(label, len(self.tables) + 1)
            word = "جدول" if self.lang == "ar" else "Table"
            number = f"{word} {n}: " if self.target == "html" else ""  # Typst numbers its own figures
            return f"::: {{#{label}}}\n{body}\n\n: {number}{md_escape(opts['tbl-cap'])}\n:::\n"
        return body

    def figure(self, label: str, body: str, cap: str) -> str:
        n = self.figures.setdefault(label, len(self.figures) + 1)
        word = "شكل" if self.lang == "ar" else "Figure"
        caption = f"{word} {n}: {cap}"
        if self.target == "html":
            return (
                f'```{{=html}}\n<figure id="{label}">\n```\n{body}\n'
                f'```{{=html}}\n<figcaption><span class="caption-number">{word} {n}:</span> '
                f"{html.escape(cap)}</figcaption>\n</figure>\n```\n"
            )
        images = re.findall(r"^!\[\]\(([^)]+)\)$", body, flags=re.M)
        if len(images) == 1:  # a Typst figure: numbered, captioned, listed
            return f"![{md_escape(cap)}]({images[0]}){{#{label}}}\n"
        return f"::: {{#{label}}}\n{body}\n\n*{md_escape(caption)}*\n:::\n"

    def crossrefs(self, text: str) -> str:
        """`@fig-x` / `@tbl-x` as links to what was emitted; unknown labels stay plain text (pitfall 11)."""

        def sub(m: re.Match) -> str:
            label = m.group(1)
            known = self.figures if label.startswith("fig-") else self.tables
            if label not in known:
                return label
            word = (
                ("شكل" if label.startswith("fig-") else "جدول")
                if self.lang == "ar"
                else ("Figure" if label.startswith("fig-") else "Table")
            )
            return f"[{word} {known[label]}](#{label})"

        return re.sub(r"@((?:fig|tbl)-[A-Za-z0-9_-]+)", sub, text)


def assemble(
    chunks: list[Chunk],
    nb: Any,
    where: list[tuple[int, int | None]],
    target: str,
    execute_opts: dict[str, Any],
    files: Path,
    lang: str,
) -> tuple[str, list[dict]]:
    """The document as pandoc markdown for `target`, and the chart specs it holds (in order)."""
    by_chunk: dict[int, Any] = {}
    inline: dict[tuple[int, int], str] = {}
    for cell, (i, j) in zip(nb.cells, where, strict=True):
        if j is None:
            by_chunk[i] = cell
        else:
            vals = [o["data"][INLINE_MIME]["value"] for o in cell.outputs if INLINE_MIME in o.get("data", {})]
            inline[(i, j)] = vals[0] if vals else ""
    asm = _Assembler(target, files, lang)
    parts = []
    for i, ch in enumerate(chunks):
        if ch.kind == "markdown":
            counter = itertools.count()
            parts.append(
                _INLINE.sub(lambda _m, i=i, c=counter: md_escape(inline.get((i, next(c)), "")), ch.text)
            )
        else:
            opts = {**execute_opts, **ch.options}
            parts.append("\n" + asm.cell(ch, by_chunk.get(i), opts) + "\n")
    return asm.crossrefs("".join(parts)), asm.specs


# --- built-in engine: pandoc and typst ------------------------------------------------------------


def _pandoc_meta(meta: dict[str, Any], target: str) -> list[str]:
    args = []
    for key in ("title", "subtitle", "author", "date", "lang", "dir", "abstract"):
        if meta.get(key):
            args += ["-M", f"{key}={meta[key]}"]
    fmt = (meta.get("format") or {}).get("typst" if target == "pdf" else "html") or {}
    if target == "html" or fmt.get("toc", meta.get("toc")):
        args += ["--toc", f"--toc-depth={fmt.get('toc-depth', 2)}"]
    if fmt.get("toc-title") or meta.get("toc-title"):
        args += ["-M", f"toc-title={fmt.get('toc-title') or meta.get('toc-title')}"]
    return args


def _typst_fix(src: str) -> str:
    """Pandoc 3.9's Typst writer puts `#set text(lang: ..);` and a heading on one line (pitfall 12).

    Also: a line may break after an underscore and inside a long hex run, so a long identifier
    ("003_abc8c48988e33527") wraps in a narrow table column instead of running over the next one.
    """
    src = re.sub(r'(#set text\(lang: "[^"]+"\);) ', r"\1\n", src)
    src = src.replace("\\_", "\\_\u200b")
    src = _hex_breaks(src)
    # tables in a smaller type, ragged: eight columns of dates and names fit the page without wrapping
    # a long table runs on over pages instead of overflowing the one it starts on
    src = (
        "#show table: set text(size: 0.85em)\n#show table.cell: set par(justify: false)\n"
        "#show figure.where(kind: table): set block(breakable: true)\n" + src
    )
    return src.replace("#block[\n#set text(lang:", "#block(width: 100%)[\n#set text(lang:")


def _hex_breaks(src: str) -> str:
    """A zero-width space every 8 characters of a long hex run (ids, hashes), outside <labels>."""
    def split(m: re.Match[str]) -> str:
        return "\u200b".join(m[0][i:i + 8] for i in range(0, len(m[0]), 8))

    parts = re.split(r"(<[^<>\s]+>)", src)
    return "".join(p if i % 2 else re.sub(r"[0-9a-f]{12,}", split, p) for i, p in enumerate(parts))


def to_html(markdown: str, meta: dict[str, Any], head: str, out: Path, build: Path) -> None:
    import pypandoc

    (build / "report.html.md").write_text(markdown, encoding="utf-8")
    (build / "head.html").write_text(head, encoding="utf-8")
    (build / "template.html").write_text(HTML_TEMPLATE, encoding="utf-8")
    args = [
        "--standalone",
        "--template",
        str(build / "template.html"),
        "--section-divs",
        "-H",
        str(build / "head.html"),
        "--resource-path",
        str(build),
        "--embed-resources",
        "--wrap=none",
        f"--columns={BUILTIN_COLUMNS}",
        *_pandoc_meta(meta, "html"),
    ]
    pypandoc.convert_file(
        str(build / "report.html.md"),
        "html5",
        format="markdown",
        outputfile=str(out),
        extra_args=args,
        cworkdir=str(build),
    )


def to_pdf(markdown: str, meta: dict[str, Any], out: Path, build: Path) -> None:
    import pypandoc
    import typst

    (build / "report.pdf.md").write_text(markdown, encoding="utf-8")
    fmt = (meta.get("format") or {}).get("typst") or {}
    args = [
        "--standalone",
        "-V",
        f"mainfont={fmt.get('mainfont', MAIN_FONT)}",
        "-V",
        f"papersize={fmt.get('papersize', 'a4')}",
        "-V",
        "page-numbering=1",
        "-V",
        f"section-numbering={fmt.get('section-numbering', '1.1')}",
        "-V",
        "codefont=DejaVu Sans Mono",
        f"--columns={BUILTIN_COLUMNS}",
        *_pandoc_meta(meta, "pdf"),
    ]
    typ = pypandoc.convert_file(
        str(build / "report.pdf.md"), "typst", format="markdown", extra_args=args, cworkdir=str(build)
    )
    typ_path = build / "report.typ"
    typ_path.write_text(_typst_fix(typ), encoding="utf-8")
    try:
        typst.compile(
            str(typ_path),
            output=str(out),
            root=str(build),
            font_paths=[str(d) for d in font_dirs()],
            ignore_system_fonts=True,
        )
    except Exception as e:  # typst raises its own error type with the source location
        raise RenderError(f"typst could not compile {typ_path}: {e}") from None


def _tool_versions() -> dict[str, str]:
    import pypandoc
    import typst

    return {
        "nbclient": _version("nbclient"),
        "pandoc": pypandoc.get_pandoc_version(),
        "typst": getattr(typst, "__version__", _version("typst")),
    }


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def render_builtin(
    qmd: Path, out_dir: Path, build: Path, formats: tuple[str, ...], env: dict[str, str]
) -> dict[str, Path]:
    """Execute once, then write each format."""
    meta, chunks = parse_qmd(qmd.read_text(encoding="utf-8"))
    execute_opts = {"echo": True, "warning": True, **(meta.get("execute") or {})}
    nb, where = execute(chunks, execute_opts, cwd=qmd.resolve().parent, env=env)
    import nbformat

    nbformat.write(nb, build / "report.ipynb")
    head_files = (meta.get("format") or {}).get("html", {}).get("include-in-header") or []
    head_files = [head_files] if isinstance(head_files, str) else head_files
    head = "".join((build / h).read_text(encoding="utf-8") for h in head_files if (build / h).exists())
    if HEAD_FILE not in head_files:
        head = (build / HEAD_FILE).read_text(encoding="utf-8") + head
    lang = str(meta.get("lang") or "en")[:2]
    outputs: dict[str, Path] = {}
    all_specs: list[dict] = []
    for fmt in formats:
        md, specs = assemble(chunks, nb, where, fmt, execute_opts, build / "files", lang)
        out = out_dir / TARGETS[fmt]
        if fmt == "html":
            to_html(md, meta, head, out, build)
            all_specs = specs
        else:
            to_pdf(md, meta, out, build)
        outputs[fmt] = out
    if all_specs:
        (build / "charts.json").write_text(
            json.dumps(all_specs, sort_keys=True, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    return outputs


# --- Quarto engine --------------------------------------------------------------------------------


def quarto_path() -> str | None:
    return os.environ.get("QUARTO_PATH") or shutil.which("quarto")


def render_quarto(qmd: Path, out_dir: Path, formats: tuple[str, ...], env: dict[str, str]) -> dict[str, Path]:
    """`quarto render` once per format; the kernel runs this interpreter and Typst sees the PyPI fonts."""
    quarto = quarto_path()
    if not quarto:
        raise RenderError("the Quarto CLI is not installed (use --engine builtin)")
    env = {
        **os.environ,
        **env,
        "QUARTO_PYTHON": sys.executable,
        "TYPST_FONT_PATHS": os.pathsep.join(str(d) for d in font_dirs()),
    }
    outputs = {}
    for fmt in formats:
        to = "typst" if fmt == "pdf" else "html"
        cmd = [
            quarto,
            "render",
            str(qmd),
            "--to",
            to,
            "--output-dir",
            str(out_dir.resolve()),
            "--output",
            TARGETS[fmt],
        ]
        r = subprocess.run(cmd, env=env, cwd=qmd.parent, capture_output=True, text=True)
        if r.returncode != 0:
            raise RenderError(f"{' '.join(cmd)} failed:\n{r.stderr[-4000:]}")
        outputs[fmt] = out_dir / TARGETS[fmt]
    return outputs


# --- entry point ----------------------------------------------------------------------------------


def choose_engine(engine: str) -> str:
    if engine == "auto":
        return "quarto" if quarto_path() else "builtin"
    if engine not in ("quarto", "builtin"):
        raise RenderError(f"unknown engine {engine!r} (auto, quarto or builtin)")
    return engine


def render_report(
    tables_dir: Path,
    out_dir: Path,
    *,
    qmd: Path,
    engine: str = "auto",
    formats: tuple[str, ...] = ("html", "pdf"),
) -> RenderResult:
    """Render `qmd` over the tables in `tables_dir` into `out_dir`/report.html and report.pdf."""
    t0 = time.perf_counter()
    formats = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in formats if f not in TARGETS]
    if unknown:
        raise RenderError(f"unknown format(s) {', '.join(unknown)} (html, pdf)")
    # absolute paths: pandoc and the kernel run from other working directories
    qmd, out_dir, tables_dir = Path(qmd).resolve(), Path(out_dir).resolve(), Path(tables_dir).resolve()
    if not qmd.exists():
        raise RenderError(f"no such report source: {qmd}")
    used = choose_engine(engine)
    out_dir.mkdir(parents=True, exist_ok=True)
    build = out_dir / "_build"
    build.mkdir(exist_ok=True)
    # the report is rendered from a copy beside its head include, so Quarto finds it as the qmd says
    work_qmd = build / "report.qmd"
    shutil.copyfile(qmd, work_qmd)
    (build / HEAD_FILE).write_text(vega_head_html(build / "cache"), encoding="utf-8")
    env = {TABLES_ENV: str(tables_dir.resolve()), "PYTHONPATH": _pythonpath()}
    if used == "quarto":
        outputs = render_quarto(work_qmd, out_dir, formats, env)
        versions = {"quarto": _quarto_version()}
    else:
        env[COLUMNS_ENV] = str(BUILTIN_COLUMNS)
        outputs = render_builtin(work_qmd, out_dir, build, formats, env)
        versions = _tool_versions()
    return RenderResult(used, outputs, build, versions, time.perf_counter() - t0)


def _pythonpath() -> str:
    """The kernel must import this package even when it runs from a checkout without being installed."""
    here = str(Path(__file__).resolve().parent.parent)
    rest = os.environ.get("PYTHONPATH")
    return here + (os.pathsep + rest if rest else "")


def _quarto_version() -> str:
    with contextlib.suppress(Exception):
        return subprocess.run(
            [quarto_path() or "quarto", "--version"], capture_output=True, text=True
        ).stdout.strip()
    return "?"
