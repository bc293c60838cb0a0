"""The HTML report in a real browser, offline: every chart draws, no errors, no requests, no hostile script.

Debian's chromium (installed by .ci/run) driven by Playwright with `executable_path`; Playwright's own
browser download is never used.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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


def open_offline(html: Path, *, hover: bool = False) -> dict:
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
                point = page.locator(
                    "#fig-timeline .vega-chart path.mark-symbol, #fig-timeline .vega-chart g.mark-symbol path"
                ).first
                point.hover()
                page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
                seen["tooltip"] = page.inner_text("#vg-tooltip-element")
        finally:
            browser.close()
    return seen


def _check_clean(seen: dict) -> None:
    assert seen["charts"] >= 8  # corpus, timeline, openness, 3 narrative shares, heatmap, clusters
    assert all(seen["drawn"]), seen["drawn"]
    assert seen["console"] == [] and seen["pageerrors"] == [], (seen["console"], seen["pageerrors"])
    assert seen["requests"] == []
    assert seen["dialogs"] == []


def test_bundled_report_draws_every_chart_offline():
    r = rendered("bundled")
    seen = open_offline(r.out / "report.html")
    _check_clean(seen)


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
