"""Markdown and HTML to article text: what a reader of the page reads, one block per line.

The project keeps, for a Markdown or HTML document, its extracted article text, and every sentence
offset points into that text. What is article text:

- Markdown (parsed with markdown-it-py, CommonMark with tables and strikethrough): headings,
  paragraphs, list items, block quotes, table rows (cells joined by a tab), link text and emphasis.
  Front matter (YAML between `---` lines, TOML between `+++` lines, at the very start) is metadata:
  `title`, a publication date and a source or author, never text. Fenced and indented code, images,
  link targets, autolinks, HTML comments and HTML tags are not text; a raw HTML block goes through
  `html_to_text`, the extractor used for .html pages.
- HTML: the largest <article> (else <main>, else the body), without scripts, styles, navigation,
  page furniture, <pre> blocks and code.

Inline code (`` `x` `` in Markdown, <code>/<kbd>/<samp> in HTML) is kept only when it is one name:
letters and digits with inner hyphens or version dots (`Milvus`, `DeepSeek-V3`, `Qwen2.5`), so a model
written in code font still reads as its name; anything else (`time.sleep(retry_delay)`, `pip install
x`, `retry_delay`, `emitEvent`) is dropped, so code never reaches sentences.

Blocks are separated by a blank line, so no sentence runs from one block into the next.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Sequence
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin
from selectolax.lexbor import LexborHTMLParser

Meta = dict[str, str | None]

# --- inline code -------------------------------------------------------------------------------

# One name: a letter, then letters/digits, with inner hyphens and dots between digits only.
_NAME = re.compile(r"[^\W\d_][^\W_]*(?:-[^\W_]+|(?<=\d)\.\d+)*(?:-[^\W_]+)*")


_CAMEL = re.compile(r"[a-z]+[A-Z]")  # emitEvent, getUser: an identifier, not a name


def code_as_name(code: str) -> str | None:
    """The text of inline code when it is a single name (`Milvus`, `GPT-4o`), else None (dropped)."""
    s = code.strip()
    return s if len(s) <= 60 and _NAME.fullmatch(s) and not _CAMEL.match(s) else None


# Where code was left out, until the text is tidied: a space, or nothing before punctuation, so "files
# like `A.md` and `B.md`, then" reads "files like and, then" rather than "and ,". A private-use
# character no article uses (one in the input is dropped).
_GAP = "\ue000"
_CLOSE_GAP = re.compile(rf"[ \t\u00a0]*{_GAP}[ \t\u00a0{_GAP}]*(?=[,.;:!?،؛؟)\]]|$)", re.M)


def _close_gaps(s: str) -> str:
    return _CLOSE_GAP.sub("", s).replace(_GAP, " ")


# A link whose text is a URL written out: its target, not words.
_URL = re.compile(r"(?i)\s*(?:https?://|ftp://|www\.|mailto:)\S*\s*")

# --- HTML --------------------------------------------------------------------------------------

_DROP_TAGS = ("script,style,noscript,nav,footer,header,aside,form,iframe,svg,button,template,select,object,"
              "pre,textarea")
_CODE_TAGS = "code,kbd,samp,var,tt"
_DROP_HINTS = re.compile(
    r"(?i)(^|[-_ ])(share|sharing|social|comments?|related|advert|ads?|promo|newsletter|subscribe|"
    r"breadcrumbs?|menu|navbar|cookie|sidebar|footer|masthead|tags?|most-read|popular|widget)($|[-_ ])"
)
_BLOCK = re.compile(
    r"(?i)(<(?:br|hr)\b[^>]*>|</(?:p|div|h[1-6]|li|tr|td|th|section|article|blockquote|figcaption|pre|"
    r"header|ul|ol|table|dd|dt|main|caption)\s*>|<(?:p|div|h[1-6]|li|tr|section|blockquote|figcaption|"
    r"pre|ul|ol|table)\b[^>]*>)"
)
_META = {
    "meta_title": ("meta[property='og:title']", "meta[name='twitter:title']", "meta[name='title']"),
    "meta_source": ("meta[property='og:site_name']", "meta[name='publisher']",
                    "meta[name='application-name']", "meta[name='author']"),
    "meta_published": ("meta[property='article:published_time']", "meta[itemprop='datePublished']",
                       "meta[name='pubdate']", "meta[name='publish-date']", "meta[name='date']",
                       "meta[name='DC.date.issued']", "meta[name='parsely-pub-date']"),
}

_URL_META = (("link[rel='canonical']", "href"), ("meta[property='og:url']", "content"),
             ("meta[name='twitter:url']", "content"))


def html_to_text(html: str) -> tuple[str, Meta]:
    """The article text of an HTML page, one block per line, and what its <head> says.

    Scripts, styles, navigation, headers, footers, share/comment/related widgets and <pre> blocks are
    dropped; inline code is kept only when it is a name (`code_as_name`). The largest <article> (else
    <main>, else the body) is kept. Entities are decoded, so `&lt;script&gt;` in an article becomes
    the text "<script>", which every later output escapes.
    """
    tree = LexborHTMLParser(html.replace(_GAP, ""))
    meta: Meta = {}
    for key, selectors in _META.items():
        meta[key] = next((n.attributes.get("content") for s in selectors if (n := tree.css_first(s))
                          and n.attributes.get("content")), None)
    # the page's own address: who publishes it is read from it (`entities.publishers`)
    meta["meta_url"] = next((v for s, attr in _URL_META if (n := tree.css_first(s))
                             and (v := (n.attributes.get(attr) or "").strip())), None)
    if meta["meta_published"] is None and (t := tree.css_first("time[datetime]")):
        meta["meta_published"] = t.attributes.get("datetime")
    if meta["meta_title"] is None:
        h1 = tree.css_first("h1") or tree.css_first("title")
        meta["meta_title"] = h1.text(strip=True) if h1 else None
    for node in tree.css(_DROP_TAGS):
        node.decompose()
    for node in tree.css("a"):
        if _URL.fullmatch(node.text()):
            node.decompose()
    for node in tree.css(_CODE_TAGS):
        node.replace_with(code_as_name(node.text()) or _GAP)
    for node in tree.css("[class], [id]"):
        hint = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if node.tag not in ("html", "body", "article", "main") and _DROP_HINTS.search(hint):
            node.decompose()
    articles = tree.css("article") or tree.css("main") or tree.css("[itemprop='articleBody']")
    root = max(articles, key=lambda n: len(n.text())) if articles else (tree.body or tree.root)
    if root is None:
        return "", meta
    marked = LexborHTMLParser(_BLOCK.sub(lambda m: "\n" + m.group(0), root.html or ""))
    raw_text = (marked.body or marked.root).text(separator="") if (marked.body or marked.root) else ""
    raw_text = _close_gaps(raw_text)
    lines = (re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in raw_text.splitlines())
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text, meta


# --- front matter ------------------------------------------------------------------------------

_FRONT_KEYS = {
    "meta_title": ("title", "headline", "name"),
    "meta_published": ("published", "date", "pubDate", "pub_date", "publishDate", "publish_date",
                       "published_at", "date_published", "datePublished", "created"),
    "meta_source": ("source", "publisher", "site", "site_name", "author", "authors", "byline"),
    "meta_url": ("url", "origin", "canonical_url", "canonical", "permalink", "link", "source_url"),
}
_TOML = re.compile(r"\A\+\+\+[ \t]*\r?\n(.*?)(?:\r?\n)\+\+\+[ \t]*(?:\r?\n|\Z)", re.S)
_LOOSE_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?=$|[T ])")


def _scalar(value: Any) -> str | None:
    """A front matter value as text: strings, numbers and dates; a list of strings joined; else None."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        s = str(value).strip()
        return s or None
    if isinstance(value, dict):
        name = value.get("name")
        return (name.strip() or None) if isinstance(name, str) else None
    if isinstance(value, list):
        parts = [s for v in value[:20] if isinstance(v, str | dict) and (s := _scalar(v))]
        return ", ".join(parts) or None
    return None


def front_matter_meta(fields: dict[str, Any]) -> Meta:
    """meta_title, meta_published and meta_source from a parsed front matter mapping."""
    lower = {str(k).lower(): v for k, v in fields.items()}
    meta: Meta = {}
    for key, names in _FRONT_KEYS.items():
        meta[key] = next((s for n in names if (s := _scalar(lower.get(n.lower()))) is not None), None)
    if meta["meta_published"]:
        # `2026-4-21` as YAML leaves it (a string): the zero-padded form every date reader knows.
        meta["meta_published"] = _LOOSE_DATE.sub(
            lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", meta["meta_published"])
    return meta


_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")


def _yaml_mapping(src: str) -> dict[str, Any] | None:
    """The front matter mapping; YAML that does not parse (an unquoted `title: A: B`) is read line by
    line as `key: value` when it is shaped like front matter (its first line is one). Else None."""
    try:
        data = yaml.safe_load(src)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        data = None
    if isinstance(data, dict):
        return data
    lines = [ln for ln in src.splitlines() if ln.strip()]
    if not lines or not _KEY_LINE.match(lines[0]):
        return None
    loose = {}
    for ln in lines:
        if m := _KEY_LINE.match(ln):
            loose.setdefault(m[1], m[2].strip("'\"") or None)
    return loose


# --- Markdown ----------------------------------------------------------------------------------

_INLINE_CODE_HTML = re.compile(r"(?i)^<(/?)(code|kbd|samp|var|tt)\b[^>]*>$")
_INLINE_DROP_HTML = re.compile(r"(?i)^<(/?)(script|style|pre|textarea|svg|math)\b[^>]*>$")
_INLINE_BREAK_HTML = re.compile(r"(?i)^<br\b[^>]*/?>$")


def _parser(front: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return md.use(front_matter_plugin) if front else md


def _inline_text(children: Sequence[Token]) -> str:
    """The words of an inline run: text, link text and emphasis; code, images and tags left out."""
    out: list[str] = []
    drop = 0  # inside an inline <script>, <pre>, ...
    code: list[str] | None = None  # inside an inline <code>: its text, to keep if it is a name
    autolink = False
    for i, tok in enumerate(children):
        t = tok.type
        if t == "html_inline":
            c = tok.content.strip()
            if m := _INLINE_DROP_HTML.match(c):
                drop = max(drop - 1, 0) if m[1] else drop + 1
            elif m := _INLINE_CODE_HTML.match(c):
                if m[1] and code is not None:
                    if not drop:
                        out.append(code_as_name("".join(code)) or _GAP)
                    code = None
                elif not m[1]:
                    code = []
            elif _INLINE_BREAK_HTML.match(c) and not drop:
                out.append("\n")
            continue
        if t == "link_open":
            autolink = tok.markup == "autolink" or _url_text(children, i)
            continue
        if t == "link_close":
            autolink = False
            continue
        if t in ("text", "text_special"):
            piece = tok.content
        elif t == "softbreak":
            piece = " "
        elif t == "hardbreak":
            piece = "\n"
        elif t == "code_inline":
            piece = code_as_name(tok.content) or _GAP
        else:  # image (its alt text is not the article's), emphasis marks, anything else
            continue
        if drop or autolink:
            continue
        if code is not None:
            code.append(piece)
        else:
            out.append(piece)
    return _tidy("".join(out))


def _url_text(children: Sequence[Token], i: int) -> bool:
    """Is the text of the link opened at children[i] a URL written out (its target, not words)?"""
    text = []
    for tok in children[i + 1:]:
        if tok.type == "link_close":
            break
        text.append(tok.content if tok.type in ("text", "text_special", "code_inline") else "")
    return _URL.fullmatch("".join(text)) is not None


def _tidy(s: str) -> str:
    lines = (re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in _close_gaps(s).split("\n"))
    return "\n".join(ln for ln in lines if ln)


_RAW_TAG = re.compile(r"(?i)<(/?)(pre|script|style|textarea)\b[^>]*>")


def _raw_depth(html: str, depth: int = 0) -> tuple[int, int]:
    """(depth, end): how many <pre>/<script>/<style>/<textarea> are open after `html`, given `depth`
    open before it, and where the last one open before it closed (0 if none did)."""
    end = 0
    for m in _RAW_TAG.finditer(html):
        if m[1]:
            if depth:
                depth -= 1
                end = m.end() if depth == 0 and end == 0 else end
        else:
            depth += 1
    return depth, end


def _blocks(tokens: Sequence[Token]) -> list[str]:
    """Article text blocks in document order: one per heading, paragraph, list item paragraph, row.

    A raw HTML block may open a <pre> that a blank line interrupts (CMS exports do): what follows,
    until its </pre>, is code whatever Markdown makes of it, and is left out.
    """
    blocks: list[str] = []
    row: list[str] | None = None
    raw = 0  # <pre>-like elements an earlier HTML block left open
    for tok in tokens:
        t = tok.type
        if raw:
            if t not in ("inline", "html_block", "code_block", "fence"):
                continue
            raw, end = _raw_depth(tok.content, raw)
            if raw or not end:
                continue
            rest, _ = html_to_text(tok.content[end:])
            blocks += [ln for ln in rest.split("\n") if ln.strip()]
            continue
        if t == "tr_open":
            row = []
        elif t == "tr_close":
            if row is not None and any(row):
                blocks.append("\t".join(c for c in row if c))
            row = None
        elif t == "inline":
            s = _inline_text(tok.children or [])
            raw = _raw_depth(tok.content)[0]
            if row is not None:
                row.append(s.replace("\n", " "))
            elif s:
                blocks.append(s)
        elif t == "html_block":
            html, _ = html_to_text(tok.content)
            blocks += [ln for ln in html.split("\n") if ln.strip()]
            raw = _raw_depth(tok.content)[0]
        # fence, code_block, front_matter, hr: not article text
    return blocks


def markdown_to_text(source: str) -> tuple[str, Meta]:
    """The article text of a Markdown document (blocks separated by blank lines) and its front matter.

    Front matter that is not a mapping (a YAML or TOML error, or a lone `---` rule at the top) is not
    taken for metadata: the document is then read as Markdown from its first line.
    """
    meta: Meta = dict.fromkeys(_FRONT_KEYS)
    source = source.replace(_GAP, "")
    body = source
    if m := _TOML.match(source):
        try:
            fields = tomllib.loads(m[1])
        except (tomllib.TOMLDecodeError, ValueError):
            fields = None
        if fields is not None:
            meta, body = front_matter_meta(fields), source[m.end():]
    elif source.startswith("---"):
        tokens = _parser(True).parse(source)
        fm = next((t for t in tokens if t.type == "front_matter"), None)
        fields = _yaml_mapping(fm.content) if fm is not None else None
        if fields is not None:
            meta = front_matter_meta(fields)
            return _with_headline("\n\n".join(_blocks(tokens)), meta["meta_title"]), meta
    return _with_headline("\n\n".join(_blocks(_parser(False).parse(body))), meta["meta_title"]), meta


def _with_headline(text: str, title: str | None) -> str:
    """The text with the front matter's title as its first line, unless it opens with it already: a post's
    headline often states its main event ("We open-sourced X"), and only the text's sentences are read."""
    t = re.sub(r"\s+", " ", title or "").strip()
    if not t or re.sub(r"\s+", " ", text[: len(t) + 40]).strip().casefold().startswith(t.casefold()):
        return text
    return f"{t}\n\n{text}" if text else t
