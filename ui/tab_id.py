"""A per-tab id that survives page switches and reloads: kept in ``sessionStorage``.

``TabId`` is an invisible Vue widget: when mounted it reads ``crew-tab-id`` from the tab's
``sessionStorage`` (creating a random one the first time) and sends it to Python as
``tab_id``. ``sessionStorage`` belongs to one tab: another tab gets another id, a reload or
navigating within the app keeps it. It also declares the page's language (``<html lang="en">``,
which Solara's page template leaves out), so screen readers pronounce it as English.
"""

from __future__ import annotations

import ipyvue
import solara
import traitlets

TEMPLATE = """
<template><span class="crew-tab-id" style="display:none">{{ tab_id }}</span></template>
<script>
module.exports = {
  mounted() {
    document.documentElement.setAttribute("lang", "en");
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
