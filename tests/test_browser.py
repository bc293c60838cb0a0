"""The HTML report in a real browser, offline: every chart draws, the event table sorts and filters, the
side table of contents links work, no errors, no requests, no hostile script.

Debian's chromium (installed by .ci/run) driven by Playwright with `executable_path`; Playwright's own
browser download is never used.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import report_tables
from tests.fixtures.report.renders import rendered

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]

CHARTS = "[...document.querySelectorAll('.vega-chart')]"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium is not installed (.ci/run installs it)"
    ),
]


def open_offline(html: Path, *, hover: bool = False, interact: bool = False) -> dict:
    """Load the page with every non-file request aborted; report what drew and what went wrong."""
    from playwright.sync_api import sync_playwright

    seen: dict = {"console": [], "pageerrors": [], "requests": [], "dialogs": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            ctx = browser.new_context(offline=True)
            page = ctx.new_page()
            page.on(
                "console",
                lambda m: (
                    seen["console"].append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
                ),
            )
            page.on("pageerror", lambda e: seen["pageerrors"].append(str(e)))
            page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))

            def route(r):
                if r.request.url.startswith(("file:", "data:", "about:")):
                    return r.continue_()
                seen["requests"].append(r.request.url)
                return r.abort()

            page.route("**/*", route)
            page.goto(html.as_uri())
            page.wait_for_load_state("load")
            n = page.locator(".vega-chart").count()
            if n:
                drawn = f"() => {CHARTS}.every(d => d.querySelector('svg, canvas'))"
                page.wait_for_function(drawn, timeout=20_000)
            seen["charts"] = n
            seen["drawn"] = page.evaluate(f"() => {CHARTS}.map(d => !!d.querySelector('svg, canvas'))")
            seen["title"] = page.title()
            seen["quote_dirs"] = page.evaluate(
                "() => [...document.querySelectorAll('.quote')].map(q => [q.getAttribute('lang'),"
                " getComputedStyle(q).direction])"
            )
            seen["injected"] = page.evaluate(
                "() => document.querySelectorAll('img[src=\"x\"], [onerror]').length"
            )
            if hover:
                # a data point (not a legend symbol), the one drawn last, so no other point lies over it
                point = page.locator('#fig-timeline .vega-chart path[aria-roledescription="point"]').last
                point.hover()
                page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
                seen["tooltip"] = page.inner_text("#vg-tooltip-element")
            if interact:
                seen.update(_interact(page))
        finally:
            browser.close()
    return seen


ROWS = "[...document.querySelectorAll('#events-table tbody tr')]"


def _column(page, name: str, visible_only: bool = True) -> list[str]:
    """The cells of the event table's column `name`, top to bottom (visible rows only)."""
    return page.evaluate(
        f"""() => {{
        const heads = [...document.querySelectorAll('#events-table thead th')].map(t => t.textContent.trim());
        const i = heads.indexOf({name!r});
        return {ROWS}.filter(r => !{str(visible_only).lower()} || !r.hidden).map(r => r.cells[i].textContent);
    }}"""
    )


def _interact(page) -> dict:
    """Sort and filter the event table, and follow every link of the side table of contents."""
    out: dict = {}
    page.set_viewport_size({"width": 1280, "height": 900})
    out["toc_position"] = page.evaluate("() => getComputedStyle(document.getElementById('TOC')).position")
    out["n_rows"] = page.evaluate(f"() => {ROWS}.length")
    date = page.locator("#events-table thead th", has_text="date").locator("button")
    date.click()
    out["dates_up"] = _column(page, "date")
    date.click()
    out["dates_down"] = _column(page, "date")
    out["sorted_state"] = page.locator("#events-table thead th", has_text="date").get_attribute("aria-sort")
    labs = page.eval_on_selector_all(
        "#events-table select[data-filter='f-lab'] option", "o => o.map(x => x.value)"
    )
    out["lab_options"] = labs
    lab = sorted(labs[1:], key=lambda v: -_column(page, "lab", visible_only=False).count(v))[0]
    page.select_option("#events-table select[data-filter='f-lab']", lab)
    out["lab"], out["labs_shown"] = lab, _column(page, "lab")
    out["count_text"] = page.inner_text("#events-table [data-count]")
    page.select_option("#events-table select[data-filter='f-language']", "ar")
    out["langs_shown"] = _column(page, "language")
    page.select_option("#events-table select[data-filter='f-lab']", "")
    page.select_option("#events-table select[data-filter='f-language']", "")
    page.fill("#events-table input[data-search]", "zzzz-no-such-word")
    out["after_search"] = len(_column(page, "lab"))
    page.fill("#events-table input[data-search]", "")
    out["after_clear"] = len(_column(page, "lab"))
    # every link of the side contents points at a section, and following one brings it to the top
    out["toc_links"] = page.eval_on_selector_all(
        "#TOC a",
        "as => as.map(a => [a.getAttribute('href'), !!document.getElementById("
        "decodeURIComponent(a.getAttribute('href').slice(1)))])",
    )
    landed = []
    for href, _ in out["toc_links"][1::3]:
        page.click(f"#TOC a[href='{href}']")
        page.wait_for_timeout(150)
        top, at_bottom = page.evaluate(
            "h => [document.getElementById(decodeURIComponent(h.slice(1))).getBoundingClientRect().top,"
            " window.scrollY + innerHeight >= document.documentElement.scrollHeight - 2]",
            href,
        )
        toc_top = page.evaluate("() => document.getElementById('TOC').getBoundingClientRect().top")
        landed.append((href, page.evaluate("() => location.hash"), round(top), at_bottom, toc_top >= -1))
    out["landed"] = landed
    # the print style: no contents column, no filters, no hints, the whole table
    page.emulate_media(media="print")
    out["print_hidden"] = page.evaluate(
        "() => ['#TOC', '#events-table .filters', '.hint'].map(s => getComputedStyle("
        "document.querySelector(s)).display)"
    )
    out["print_table_height"] = page.evaluate(
        "() => [document.querySelector('#events-table .table-wrap').clientHeight,"
        " document.querySelector('#events-table table').clientHeight]"
    )
    return out


def _check_clean(seen: dict) -> None:
    assert seen["charts"] >= 12  # trend, region, lab, record, promises, narratives, coverage, timeline, ...
    assert all(seen["drawn"]), seen["drawn"]
    assert seen["console"] == [] and seen["pageerrors"] == [], (seen["console"], seen["pageerrors"])
    assert seen["requests"] == []
    assert seen["dialogs"] == []


def test_bundled_report_draws_every_chart_offline():
    r = rendered("bundled")
    seen = open_offline(r.out / "report.html")
    _check_clean(seen)


def test_timeline_report_table_sorts_and_filters_and_the_contents_stay():
    r = rendered("timeline")
    seen = open_offline(r.out / "report.html", interact=True)
    _check_clean(seen)
    n_events = r.tables["events"].height
    assert seen["n_rows"] == n_events
    dated_up = [d for d in seen["dates_up"] if d]
    assert dated_up == sorted(dated_up) and len(dated_up) > 10
    assert seen["dates_up"][: len(dated_up)] == dated_up  # undated events sort last
    dated_down = [d for d in seen["dates_down"] if d]
    assert dated_down == sorted(dated_down, reverse=True) and seen["sorted_state"] == "descending"
    labs = set(report_tables.with_lab(r.tables["events"])["lab"].drop_nulls())
    assert set(seen["lab_options"][1:]) == labs
    assert seen["labs_shown"] and set(seen["labs_shown"]) == {seen["lab"]}
    assert seen["count_text"] == f"{len(seen['labs_shown'])} of {n_events} shown"
    assert all("ar" in cell for cell in seen["langs_shown"])
    assert seen["after_search"] == 0 and seen["after_clear"] == n_events
    assert seen["toc_position"] == "sticky"
    assert seen["toc_links"] and all(ok for _, ok in seen["toc_links"])
    assert seen["print_hidden"] == ["none", "none", "none"]
    wrap_h, table_h = seen["print_table_height"]
    assert wrap_h >= table_h  # printed, the table is not cut to its scrolling box
    assert len(seen["landed"]) >= 5
    for href, hash_, top, at_bottom, toc_visible in seen["landed"]:
        # the section comes to the top (or the page ends before it can), and the contents stay in view
        assert hash_ == href and (abs(top) <= 2 or (at_bottom and top > 0)) and toc_visible, (href, top)


def test_hostile_text_never_runs_and_quotes_keep_their_direction():
    r = rendered("hostile")
    seen = open_offline(r.out / "report.html", hover=True)
    _check_clean(seen)
    assert seen["title"] != "pwned"  # the Arabic fixture's script sets document.title
    assert seen["injected"] == 0  # no <img src=x onerror=...> became an element
    # the evidence sentence (hostile markup included) is in the tooltip, as text
    evidence = r.tables["mentions"].drop_nulls("date")["evidence"].to_list()
    assert any(line.strip() and line.strip() in seen["tooltip"] for e in evidence for line in [e[:40]])
    dirs = {lang: d for lang, d in seen["quote_dirs"]}
    assert dirs.get("ar") == "rtl" and dirs.get("en") == "ltr"
