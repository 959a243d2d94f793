"""Generated documentation: keeps docs/ODD.md's parameter table equal to the declarations.

python -m model params --write-odd     # rewrite the table in docs/ODD.md
"""

from __future__ import annotations

from pathlib import Path

from model.parameters import PARAMETER_TABLE_END, PARAMETER_TABLE_START, markdown_table

ODD_PATH = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"


def odd_with_table(text: str) -> str:
    """The ODD text with its parameter table replaced by the generated one."""
    head, start, rest = text.partition(PARAMETER_TABLE_START)
    _, end, tail = rest.partition(PARAMETER_TABLE_END)
    if not start or not end:
        raise ValueError("docs/ODD.md has lost its parameter-table markers")
    return f"{head}{start}\n{markdown_table()}\n{end}{tail}"


def write_odd_table(path: Path = ODD_PATH) -> None:
    """Rewrite the parameter table of docs/ODD.md in place."""
    path.write_text(odd_with_table(path.read_text()))
