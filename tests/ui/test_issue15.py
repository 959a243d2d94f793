"""Issue 15 in headless Chromium: the run survives page switches and reloads, pending settings
are marked and clear, small crews give a ship or a message naming a control on the page, the
strategy acts at once, and the page fits 1024x768. One server for all (the session fixture)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

TIMEOUT = 30_000
DAY_JS = "Number((document.querySelector('.status-day') || {dataset: {day: -1}}).dataset.day)"


@pytest.fixture
def small_tab(browser, ui_server):
    """A fresh tab at 1024x768, loaded."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.goto(ui_server)
    page.wait_for_selector(".status-day", timeout=60_000)
    yield page
    context.close()


def day(page) -> int:
    return int(page.evaluate(f"() => {DAY_JS}"))


def wait_day(page, n: int) -> None:
    page.wait_for_function(f"() => {DAY_JS} === {n}", timeout=TIMEOUT)


def set_field(page, selector: str, text: str) -> None:
    box = page.locator(f"{selector} input").first
    box.fill(text)
    box.press("Enter")
    box.press("Tab")


def go(page, tab: str) -> None:
    page.locator(".v-tab", has_text=re.compile(tab, re.I)).first.click()


def test_the_run_settings_and_folder_survive_switches_and_reload(small_tab, browser, ui_server):
    page = small_tab
    page.locator(".crew-step-n").click()  # 10 days
    wait_day(page, 10)
    set_field(page, ".param-n_crew", "500")
    page.wait_for_selector(".pending-n_crew", timeout=TIMEOUT)
    assert "changed — Reset to apply" in page.locator(".pending-reset").inner_text()

    go(page, "sweeps")
    page.wait_for_selector(".sweep-folder input", timeout=TIMEOUT)
    set_field(page, ".sweep-folder", "results/no-such-sweep")
    go(page, "home")
    wait_day(page, 10)
    assert page.locator(".param-n_crew input").input_value() == "500"
    assert page.locator(".pending-n_crew").count() == 1

    page.reload()
    page.wait_for_selector(".status-day", timeout=60_000)
    wait_day(page, 10)
    assert page.locator(".param-n_crew input").input_value() == "500"
    go(page, "sweeps")
    page.wait_for_selector(".sweep-folder input", timeout=TIMEOUT)
    assert page.locator(".sweep-folder input").input_value() == "results/no-such-sweep"

    # another tab has its own ship
    other = browser.new_context(viewport={"width": 1024, "height": 768})
    fresh = other.new_page()
    fresh.goto(ui_server)
    fresh.wait_for_selector(".status-day", timeout=60_000)
    assert day(fresh) == 0
    other.close()

    # Reset applies the pending crew size and the marks clear
    go(page, "home")
    wait_day(page, 10)
    page.locator(".crew-reset").click()
    wait_day(page, 0)
    page.wait_for_selector(".pending-mark", state="detached", timeout=TIMEOUT)
    assert "500 aboard" in page.locator(".status-day").inner_text()


@pytest.mark.parametrize("n_crew", [1, 10, 70, 100])
def test_small_crews_give_a_ship_or_a_message_naming_a_control(small_tab, n_crew):
    page = small_tab
    set_field(page, ".param-n_crew", str(n_crew))
    page.wait_for_selector(".pending-n_crew", timeout=TIMEOUT)
    if page.locator(".settings-error").count():
        text = page.locator(".settings-error").inner_text()
        assert "Crew size" in text and "raise Crew size" in text
        assert page.locator(".crew-reset").is_disabled()
        body = page.inner_text("body")
        assert "Crew size (people," in body  # the control the message names is on the page
    else:
        page.locator(".crew-reset").click()
        page.wait_for_function(
            f"() => document.querySelector('.status-day').innerText.includes('{n_crew} aboard')",
            timeout=TIMEOUT,
        )
        assert page.locator(".pending-mark").count() == 0
    body = page.inner_text("body")
    assert "referendum_margin" not in body and "captain_private_belief" not in body
    assert "Traceback" not in body


def test_the_strategy_acts_at_once_and_is_logged(small_tab):
    page = small_tab
    page.locator(".crew-step").click()
    wait_day(page, 1)
    page.locator(".param-captain_strategy .v-select__slot").click()
    page.locator(".v-menu__content .v-list-item", has_text="candid").first.click()
    page.wait_for_selector(".event-log .event-strategy", timeout=TIMEOUT)
    assert "candid" in page.locator(".event-log .event-strategy").first.inner_text()
    assert page.locator(".pending-mark").count() == 0  # acted, nothing pending


def test_controls_stay_in_view_and_nothing_covers_them_at_1024x768(small_tab):
    page = small_tab
    page.wait_for_selector(".event-log", timeout=TIMEOUT)
    page.locator(".event-log").scroll_into_view_if_needed()  # far below the controls
    page.wait_for_timeout(300)
    log = page.locator(".event-log").bounding_box()
    assert log is not None and log["y"] < 768  # the page did scroll
    box = page.locator(".crew-step").bounding_box()
    assert box is not None and 0 <= box["y"] < 768 - box["height"]
    # the whole ship map fits: its last section is inside the window
    svg = page.locator(".ship-map-svg").bounding_box()
    assert svg is not None and svg["x"] + svg["width"] <= 1024
    assert "runs on Solara" not in page.inner_text("body")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-1024x768.png"))


def test_the_breach_card_counts_equal_the_logged_events(small_tab):
    page = small_tab
    page.locator(".crew-breach").click()
    page.wait_for_selector(".effect-card.effect-breach", timeout=TIMEOUT)
    set_field(page, ".crew-days", "7")
    page.locator(".crew-step-n").click()
    wait_day(page, 7)
    page.wait_for_selector('.effect-card.effect-breach[data-days="7"]', timeout=TIMEOUT)
    card = page.locator(".effect-card.effect-breach").first
    assert int(card.get_attribute("data-dead")) == 3
    assert "3 dead" in card.inner_text() and "next 7 days" in card.inner_text()
    # the log's rows, with the routine ones shown
    page.locator(".event-log .v-input--checkbox input").first.check(force=True)
    page.wait_for_selector(".event-log .event-requests", timeout=TIMEOUT)
    rows = page.locator(".event-log .event-row").all_inner_texts()
    deaths_day0 = [r for r in rows if r.split("\t")[0].strip() == "0" and "breach" in r]
    assert len([r for r in deaths_day0 if "death" in r]) == 3
    filed = sum(
        int(re.search(r"(\d+) asked", r).group(1))
        for r in rows
        if "asked to change" in r and 1 <= int(r.split("\t")[0]) <= 7
    )
    assert int(card.get_attribute("data-requests")) == filed


PINS_JS = """() => {
  let e = document.querySelector('.charts [_echarts_instance_]');
  while (e && !(e.__vue__ && e.__vue__.chart)) e = e.parentElement;
  if (!e) return -1;
  const option = e.__vue__.chart.getOption();
  return option.series[0].markPoint ? option.series[0].markPoint.data.length : 0;
}"""


def test_every_referendum_is_marked_on_the_support_chart(small_tab):
    page = small_tab
    for n in range(1, 4):
        page.locator(".crew-step").click()
        wait_day(page, n)
        page.locator(".crew-referendum").click()
        page.wait_for_function(
            f"() => document.querySelectorAll('.event-log .event-referendum').length === {n + 1}",
            timeout=TIMEOUT,
        )
    page.locator(".crew-step").click()  # the chart shows the days after too
    wait_day(page, 4)
    page.wait_for_function(f"({PINS_JS})() === 3", timeout=TIMEOUT)
    held = page.locator(".event-log .event-referendum").count() - 1  # not the recorded one
    assert page.evaluate(PINS_JS) == held == 3


def test_focus_ring_is_visible_and_axe_finds_nothing_serious(small_tab):
    """Keyboard focus shows a ring; an axe scan of the whole page (every rule, text contrast
    included) finds no serious or critical violation (issue 14, item 7)."""
    page = small_tab
    page.locator(".crew-step").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")  # keyboard focus, so :focus-visible applies
    width = page.evaluate("() => getComputedStyle(document.activeElement).outlineWidth")
    assert float(width.replace("px", "")) >= 2
    from axe_playwright_python.sync_playwright import Axe

    # every rule, nested-interactive too: Vuetify's drop-down lists get their roles on the
    # input that takes focus (ui/tab_id.py), not on a box around it
    page.wait_for_function(
        "() => document.querySelectorAll('.v-select input[role=combobox]').length > 0"
        " && document.querySelectorAll('.v-select .v-input__slot[role]').length === 0",
        timeout=TIMEOUT,
    )
    result = Axe().run(page)
    assert any(p["id"] == "color-contrast" for p in result.response["passes"])
    bad = [
        (v["id"], n["target"])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
        for n in v["nodes"]
    ]
    assert bad == []
    # the moved roles follow the list: Enter on the focused input opens it, Escape closes it
    box = page.locator(".v-select input[role=combobox] >> visible=true").first
    box.focus()
    page.keyboard.press("Enter")
    expect(box).to_have_attribute("aria-expanded", "true", timeout=TIMEOUT)
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false", timeout=TIMEOUT)


def test_each_chart_downloads_as_png_from_the_keyboard(small_tab):
    """Issue 14, item 7: a chart's PNG is reached with Tab (ECharts' icon is on the canvas),
    shows its focus, names its chart and downloads it with Enter."""
    page = small_tab
    page.locator(".chart-window button").last.focus()
    page.keyboard.press("Tab")
    focused = "() => document.activeElement.getAttribute('aria-label')"
    assert page.evaluate(focused) == "Download Support for continuing as PNG"
    width = page.evaluate("() => getComputedStyle(document.activeElement).outlineWidth")
    assert float(width.replace("px", "")) >= 2
    with page.expect_download(timeout=TIMEOUT) as info:
        page.keyboard.press("Enter")
    assert info.value.suggested_filename == "support_day0.png"
    with open(info.value.path(), "rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n"
    page.keyboard.press("Tab")  # the next chart's button
    assert page.evaluate(focused) == "Download Cohesion and the disengaged as PNG"
