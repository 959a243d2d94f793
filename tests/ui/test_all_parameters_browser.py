"""The All parameters section in headless Chromium: a group opens, a typed value is marked,
invalid text turns Reset off with the message, an open group's text passes axe's contrast
check, the search finds a parameter."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

TIMEOUT = 30_000


def test_open_a_group_type_a_value_and_search(ui_page):
    page = ui_page
    page.locator(".param-group-grief .v-expansion-panel-header").click()
    field = page.locator(".all-param-grief_half_life input")
    field.wait_for(timeout=TIMEOUT)
    field.fill("30")
    field.press("Enter")
    page.wait_for_selector(".default-grief_half_life", timeout=TIMEOUT)
    assert "changed from default 45" in page.inner_text(".all-param-grief_half_life")
    page.wait_for_selector(".pending-grief_half_life", timeout=TIMEOUT)
    field.fill("abc")
    field.press("Enter")
    error = page.wait_for_selector(".settings-error", timeout=TIMEOUT)
    assert "grief_half_life='abc' is invalid" in error.inner_text()
    assert page.locator(".crew-reset").is_disabled()
    field.fill("30")
    field.press("Enter")
    page.wait_for_selector(".settings-error", state="detached", timeout=TIMEOUT)
    assert page.locator(".crew-reset").is_enabled()
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": ["color-contrast"]})  # an open group's text
    assert result.response["passes"], "axe ran no contrast check"
    assert [n["target"] for v in result.response["violations"] for n in v["nodes"]] == []
    page.locator(".param-search input").fill("families")
    page.wait_for_selector(".all-param-households_per_section", timeout=TIMEOUT)
    assert page.locator(".all-param-grief_half_life").count() == 0
    assert "Traceback (most recent call last)" not in page.inner_text("body")
    assert page.failed_requests == []
