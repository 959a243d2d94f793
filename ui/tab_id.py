"""A per-tab id that survives page switches and reloads: kept in ``sessionStorage``.

``TabId`` is an invisible Vue widget: when mounted it reads ``crew-tab-id`` from the tab's
``sessionStorage`` (creating a random one the first time) and sends it to Python as
``tab_id``. ``sessionStorage`` belongs to one tab: another tab gets another id, a reload or
navigating within the app keeps it. It also declares the page's language (``<html lang="en">``,
which Solara's page template leaves out), so screen readers pronounce it as English, and
gives Vuetify's drop-down lists their roles on the input that takes focus (a combobox) rather
than on a box around it (a control inside a control).
"""

from __future__ import annotations

import ipyvue
import solara
import traitlets

TEMPLATE = """
<template><span class="crew-tab-id" style="display:none">{{ tab_id }}</span></template>
<script>
// Vuetify 2's drop-down list puts role="button" (with aria-haspopup, aria-expanded and
// aria-owns) on a box around its focusable input: a control inside a control, which screen
// readers cannot reach (axe: nested-interactive). Move the roles to the input itself, the
// element that takes focus and the keys: a combobox controlling the list.
function installSelectRoles() {
  if (window.crewSelectRoles) return;
  window.crewSelectRoles = true;
  const MOVED = ["role", "aria-haspopup", "aria-expanded", "aria-owns"];
  const SLOTS = ".v-select .v-input__slot[role], .v-select .v-input__slot[aria-expanded]";
  const fix = () => {
    document.querySelectorAll(SLOTS).forEach((slot) => {
      const input = slot.querySelector("input:not([type=hidden])");
      if (!input) return;
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-haspopup", "listbox");
      const expanded = slot.getAttribute("aria-expanded");
      if (expanded !== null) input.setAttribute("aria-expanded", expanded);
      const owns = slot.getAttribute("aria-owns");
      if (owns) input.setAttribute("aria-controls", owns);
      MOVED.forEach((name) => slot.removeAttribute(name));
    });
  };
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    window.setTimeout(() => { queued = false; fix(); }, 50);
  }).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["role", "aria-expanded"],
  });
  fix();
}

module.exports = {
  mounted() {
    document.documentElement.setAttribute("lang", "en");
    installSelectRoles();
    let id = null;
    try { id = window.sessionStorage.getItem("crew-tab-id"); } catch (e) { id = null; }
    if (!id) {
      id = Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
      try { window.sessionStorage.setItem("crew-tab-id", id); } catch (e) {}
    }
    this.tab_id = id;
  },
};
</script>
"""


class TabIdWidget(ipyvue.VueTemplate):
    """Reports the tab's id from ``sessionStorage`` as ``tab_id``."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    tab_id = traitlets.Unicode(None, allow_none=True).tag(sync=True)


@solara.component
def TabId(on_tab_id) -> solara.Element:
    """The invisible widget; ``on_tab_id(id)`` is called once the browser has sent it."""
    return TabIdWidget.element(on_tab_id=on_tab_id)
