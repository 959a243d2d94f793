"""Markdown shown as plain HTML, without Solara's ``Markdown`` widget.

Solara's widget loads Mermaid and KaTeX from ``/_solara/cdn/`` whenever one mounts, to render
diagrams and math, whether or not the text has any. solara-assets 1.58.2 ships Mermaid but not
KaTeX, so the server asks the public CDN for KaTeX's auto-render script; offline that fails and
the page logs a script error (issue 14). The UI's texts have neither diagrams nor math, so
they are rendered here with markdown-it (CommonMark and tables; raw HTML in the text is
escaped, since texts can quote a results folder's files) into one HTML element.
"""

from __future__ import annotations

import solara
from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark", {"html": False}).enable("table")


def to_html(text: str) -> str:
    """The text's Markdown as HTML; raw HTML in it is shown as text."""
    return _PARSER.render(text)


@solara.component
def Markdown(text: str) -> solara.Element:
    """``text`` rendered as Markdown, with no script loaded for it."""
    return solara.HTML(tag="div", unsafe_innerHTML=to_html(text), classes=["crew-markdown"])
