"""Issue 14.1 in headless Chromium: a link opens a small ship with a twin; the twin with A's
strategy stays identical, one with another strategy differs (read from the status line)."""

from __future__ import annotations

import pytest

from tests.ui.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

TIMEOUT = 60_000
DAY_JS = "(document.querySelector('.status-day') || {dataset: {day: -1}}).dataset.day"
SAME = "support +0.0 points, cohesion +0.00"


def wait_day(page, day: int) -> None:
    page.wait_for_function(f"() => Number({DAY_JS}) === {day}", timeout=TIMEOUT)


def test_twin_switch_identical_then_different(ui_page, ui_server):
    page = ui_page
    page.goto(ui_server + "?n_crew=400&seed=3&day=0&twin=reassure")
    twin = page.wait_for_selector(".status-twin", timeout=TIMEOUT)
    page.wait_for_load_state("networkidle", timeout=TIMEOUT)
    aborted = list(page.failed_requests)  # the fixture's page, left while it was loading
    page.failed_requests.clear()
    assert "400 aboard" in page.inner_text(".status-day")
    page.locator(".crew-step-n").click()  # 10 days
    wait_day(page, 10)
    twin = page.wait_for_selector(".status-twin", timeout=TIMEOUT)
    assert "B (reassure)" in twin.inner_text() and SAME in twin.inner_text()

    page.locator(".crew-twin label").click()  # off
    page.wait_for_selector(".status-twin", state="detached", timeout=TIMEOUT)
    page.locator(".crew-twin label").click()  # on again: B keeps its strategy, branches now
    twin = page.wait_for_selector(".status-twin", timeout=TIMEOUT)
    assert "B (reassure)" in twin.inner_text() and SAME in twin.inner_text()

    page.goto(ui_server + "?n_crew=400&seed=3&day=0&twin=candid")  # a new link: a new ship
    page.wait_for_selector(".status-twin", timeout=TIMEOUT)
    page.wait_for_load_state("networkidle", timeout=TIMEOUT)
    aborted += page.failed_requests
    page.failed_requests.clear()
    wait_day(page, 0)
    assert "B (candid)" in page.inner_text(".status-twin")
    page.locator(".crew-breach").click()
    page.wait_for_selector(".event-log .event-breach", timeout=TIMEOUT)
    page.locator(".crew-step-n").click()
    wait_day(page, 10)
    page.locator(".crew-step-n").click()
    wait_day(page, 20)
    text = page.inner_text(".status-twin")
    # The same steps in Python (ui.session) give B - A = -1.9 points of support on day 20.
    assert "B (candid)" in text and "support -1.9 points" in text and SAME not in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-twin.png"), full_page=True)
    assert "Traceback (most recent call last)" not in page.inner_text("body")
    assert page.failed_requests == []
    assert all(r.startswith("failed ") for r in aborted), aborted  # aborted, never a 4xx/5xx
