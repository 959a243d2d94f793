"""Issue 14.4 in headless Chromium: "Sweep this" on a small ship starts a sweep; the tab is
closed, a new tab finds the sweep, follows it to the end and opens it on the Sweeps page.

Slow: the sweep is a real ``python -m model sweep`` process (4 runs of 60 crew, 5 days),
whose start-up (imports) is most of the time."""

from __future__ import annotations

import shutil

import pytest

from tests.ui.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT = 60_000
SWEEP_TIMEOUT = 180_000


def set_field(page, selector: str, text: str) -> None:
    field = page.locator(f"{selector} input")
    field.fill(text)
    field.press("Tab")  # the fields take their value when left


def test_a_sweep_started_on_the_page_survives_the_tab_and_opens_on_the_sweeps_page(
    ui_page, ui_server, browser
):
    page = ui_page
    small = ui_server + "?n_crew=60&seed=3&day=0"
    page.goto(small)
    page.wait_for_function(
        "() => (document.querySelector('.status-day') || {innerText: ''}).innerText"
        ".includes('60 aboard')",
        timeout=TIMEOUT,
    )
    set_field(page, ".sweep-replicates", "1")
    set_field(page, ".sweep-horizon", "5")
    page.wait_for_selector(".sweep-runs:has-text('4 runs')", timeout=TIMEOUT)
    page.locator(".sweep-start").click()
    message = page.wait_for_selector(".sweep-message:has-text('started')", timeout=TIMEOUT)
    name = message.inner_text().split("started: ", 1)[1].strip()
    folder = REPO / "results" / name
    try:
        assert (folder / "experiment.toml").is_file()
        page.goto("about:blank")  # the tab is closed; the sweep goes on

        context = browser.new_context(viewport={"width": 1500, "height": 1100})
        try:
            again = context.new_page()
            again.goto(small)  # a small ship: the page is ready sooner
            row = again.locator(f".sweep-job:has-text('{name}')")
            row.wait_for(timeout=TIMEOUT)
            again.locator(f".sweep-job:has-text('{name}') .sweep-open").wait_for(
                timeout=SWEEP_TIMEOUT
            )
            assert f"{name}: complete, 4/4 runs" in row.inner_text()
            again.locator(f".sweep-job:has-text('{name}') .sweep-open").click()
            summary = again.wait_for_selector(".sweep-summary", timeout=TIMEOUT)
            assert "4 runs" in summary.inner_text()
            assert "captain" in summary.inner_text().lower()
            assert again.url.endswith(f"/sweeps?folder={folder.name}")  # a link to it
            assert "Traceback (most recent call last)" not in again.inner_text("body")
        finally:
            context.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_sweeps_page_asks_for_no_katex_and_every_asset_loads(ui_page, ui_server):
    """Issue 14: offline, every asset loads. Solara's Markdown widget asked /_solara/cdn/ for
    KaTeX, which solara-assets does not ship (404 offline: a script error in the console)."""
    page = ui_page
    asked, errors = [], []
    page.on("request", lambda r: asked.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(ui_server.rstrip("/") + "/sweeps")
    page.failed_requests.clear()  # the ship page's requests, aborted by leaving it
    errors.clear()
    page.wait_for_selector(".sweeps-page h2:has-text('Sweep results')", timeout=TIMEOUT)
    page.wait_for_timeout(3000)  # Solara's widget fetched Mermaid, then KaTeX, once mounted
    assert [url for url in asked if "katex" in url] == []
    assert page.failed_requests == [] and errors == []
