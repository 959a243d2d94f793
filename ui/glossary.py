"""A short glossary on the page, quoted from docs/ODD.md so the two never disagree.

:func:`glossary` reads the ODD at run time and takes its paragraphs on cohesion and collapse,
the captain's strategies, belief and intention, and vote-change requests. A passage the ODD no
longer has is left out (never an error).
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import solara

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"

#: Glossary term -> how its passage starts in the ODD (a paragraph, or a table row).
PASSAGES = {
    "cohesion": "**Cohesion**",
    "morale collapse": "**Collapse** is declared",
    "disengagement": "**Disengagement (rule).**",
    "the captain's strategies": "The strategy speaks every",
    "belief": "| `belief` |",
    "intention": "| intention |",
    "vote-change requests and petition": "Each day every living voter with a recorded vote",
}


def _passage(text: str, start: str) -> str | None:
    at = text.find(start)
    if at < 0:
        return None
    if start.startswith("|"):  # a table row: its meaning column
        row = text[at:].split("\n", 1)[0]
        cells = [c.strip() for c in row.strip("|").split("|")]
        return cells[-1] if cells else None
    paragraph = text[at:].split("\n\n", 1)[0]
    return re.sub(r"\s*\n\s*", " ", paragraph).strip()


def glossary(path: Path = ODD) -> dict[str, str]:
    """Term -> its passage from the ODD (terms whose passage is missing are left out)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    entries = {term: _passage(text, start) for term, start in PASSAGES.items()}
    return {term: passage for term, passage in entries.items() if passage}


def glossary_html(entries: dict[str, str]) -> str:
    """The glossary as a folded ``<details>`` list (keyboard accessible)."""
    items = "".join(
        f"<dt style='font-weight:600'>{escape(term)}</dt>"
        f"<dd style='margin:0 0 6px 12px'>{escape(passage.replace('**', ''))}</dd>"
        for term, passage in entries.items()
    )
    return (
        "<summary style='cursor:pointer'>Glossary: cohesion, collapse, strategies, belief "
        f"(from docs/ODD.md)</summary><dl style='font-size:13px'>{items}</dl>"
    )


@solara.component
def Glossary() -> solara.Element:
    """The glossary, folded away under one line."""
    entries = solara.use_memo(glossary, [])
    return solara.HTML(tag="details", unsafe_innerHTML=glossary_html(entries), classes=["glossary"])
