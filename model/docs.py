"""Generated documentation: keeps docs/ODD.md's parameter and strategy tables equal to the
declarations (model/parameters.py) and the strategy registry (model/strategies.py).

python -m model params --write-odd     # rewrite both tables in docs/ODD.md
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from model import strategies
from model.parameters import PARAMETER_TABLE_END, PARAMETER_TABLE_START, markdown_table

ODD_PATH = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"

#: Generated tables of docs/ODD.md: (start marker, end marker, generator).
TABLES: tuple[tuple[str, str, Callable[[], str]], ...] = (
    (PARAMETER_TABLE_START, PARAMETER_TABLE_END, markdown_table),
    (strategies.STRATEGY_TABLE_START, strategies.STRATEGY_TABLE_END, strategies.markdown_table),
)


def _replaced(text: str, start_marker: str, end_marker: str, table: str) -> str:
    head, start, rest = text.partition(start_marker)
    _, end, tail = rest.partition(end_marker)
    if not start or not end:
        raise ValueError(f"docs/ODD.md has lost its table markers {start_marker!r}")
    return f"{head}{start}\n{table}\n{end}{tail}"


def odd_with_table(text: str) -> str:
    """The ODD text with its generated tables replaced by freshly generated ones."""
    for start, end, generate in TABLES:
        text = _replaced(text, start, end, generate())
    return text


def write_odd_table(path: Path = ODD_PATH) -> None:
    """Rewrite the generated tables of docs/ODD.md in place."""
    path.write_text(odd_with_table(path.read_text()))
