"""End to end in headless Chromium against ``solara run app.py``: loading with every asset
served locally, Play, a breach, a referendum; a screenshot goes to ``artifacts/``."""

from __future__ import annotations

import pytest

from tests.ui.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

TIMEOUT = 30_000


DAY_JS = "(document.querySelector('.status-day') || {dataset: {day: -1}}).dataset.day"


def day(page) -> int:
    return int(page.evaluate(f"() => {DAY_JS}"))


def test_page_loads_with_every_asset_served(ui_page):
    ui_page.wait_for_selector(".ship-map-svg", timeout=TIMEOUT)
    ui_page.wait_for_selector(".charts canvas", timeout=TIMEOUT)  # ECharts drew, from local JS
    ui_page.wait_for_load_state("networkidle", timeout=TIMEOUT)
    assert ui_page.failed_requests == []
    assert "Traceback (most recent call last)" not in ui_page.inner_text("body")


def test_play_advances_the_day_then_breach_and_referendum_show(ui_page):
    assert day(ui_page) == 0
    ui_page.locator(".crew-play").click()
    ui_page.wait_for_function(f"() => Number({DAY_JS}) >= 10", timeout=TIMEOUT)
    ui_page.locator(".crew-play").click()  # pause
    ui_page.locator(".crew-breach").click()
    ui_page.wait_for_selector(".event-log .event-breach", timeout=TIMEOUT)
    assert ui_page.locator(".event-log .event-death").count() >= 3
    ui_page.locator(".crew-referendum").click()
    card = ui_page.wait_for_selector(".referendum-card", timeout=TIMEOUT)
    assert "margin" in card.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    ui_page.screenshot(path=str(ARTIFACTS / "ui-after-breach-and-referendum.png"), full_page=True)
    assert "Traceback (most recent call last)" not in ui_page.inner_text("body")
    assert ui_page.failed_requests == []
