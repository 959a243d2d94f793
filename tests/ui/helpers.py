"""Finding things in a page rendered by ``solara.render`` (no browser)."""

from __future__ import annotations

import ipyvuetify as v
import solara.widgets


def html_text(rc) -> str:
    """All innerHTML of the page's HTML widgets, joined (status, map, log, result card)."""
    return "\n".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets)


def click(rc, label: str) -> None:
    """Click the one button labelled ``label``."""
    button = rc.find(v.Btn, children=[label])
    button.assert_single()
    button.widget.click()


def status(rc) -> str:
    """The status line's innerHTML."""
    for w in rc.find(solara.widgets.HTML).widgets:
        if 'class="status-day"' in (w.unsafe_innerHTML or ""):
            return w.unsafe_innerHTML
    raise AssertionError("no status line on the page")
