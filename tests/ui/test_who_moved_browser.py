"""Who moved in headless Chromium: after a breach the table lists requesters, a crew number
opens (by mouse and by keyboard) that person's ego network, and the map layer marks them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

TIMEOUT = 30_000


def test_who_moved_table_opens_ego_networks_and_the_map_marks_requesters(ui_page):
    ui_page.locator(".crew-breach").click()
    ui_page.wait_for_selector(".event-log .event-breach", timeout=TIMEOUT)
    for _ in range(2):
        ui_page.locator(".crew-step").click()
    people = ui_page.locator(".who-moved-person")
    people.first.wait_for(timeout=TIMEOUT)
    first = people.nth(0).inner_text().strip()
    people.nth(0).click()
    ego = ui_page.locator(".who-moved-ego .ego-network-svg circle[stroke-width='3'] title")
    ego.wait_for(state="attached", timeout=TIMEOUT)
    assert ego.text_content().startswith(f"Crew member {first},")
    second = people.nth(1).inner_text().strip()
    people.nth(1).focus()  # keyboard: focus and Enter
    ui_page.keyboard.press("Enter")
    ui_page.wait_for_function(
        "(n) => { const t = document.querySelector("
        "\".who-moved-ego .ego-network-svg circle[stroke-width='3'] title\");"
        " return t && t.textContent.startsWith(`Crew member ${n},`); }",
        arg=second,
        timeout=TIMEOUT,
    )
    ui_page.locator(".ship-map label", has_text="who moved").click()
    ui_page.wait_for_selector(".ship-map-svg .mover-mark", timeout=TIMEOUT)
    assert "Traceback (most recent call last)" not in ui_page.inner_text("body")
