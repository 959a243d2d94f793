"""Docs that must match the code."""

import re

from model.docs import ODD_PATH, odd_with_table
from model.parameters import declarations


def test_odd_parameter_table_matches_the_declarations():
    text = ODD_PATH.read_text()
    assert text == odd_with_table(text), "run: python -m model params --write-odd"


def test_every_parameter_appears_in_the_odd():
    text = ODD_PATH.read_text()
    for d in declarations():
        assert f"`{d['name']}`" in text


def test_the_readme_python_tour_runs():
    readme = (ODD_PATH.parent.parent / "README.md").read_text()
    start = readme.index("```python") + len("```python")
    code = readme[start : readme.index("```", start)]
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    model = namespace["model"]
    assert model.day == 365
    assert namespace["result"] == model.referendums[-1]
    assert namespace["result"].trigger == "captain"


def test_the_readme_tour_quotes_what_its_seed_gives():
    """Snapshot of a README figure: the line marked "N with this seed" prints N."""
    readme = (ODD_PATH.parent.parent / "README.md").read_text()
    start = readme.index("```python") + len("```python")
    lines = readme[start : readme.index("```", start)].splitlines()
    (at,) = [i for i, line in enumerate(lines) if "with this seed" in line]
    expression, comment = lines[at].split("#", 1)
    quoted = int(re.search(r"(\d+) with this seed", comment).group(1))
    namespace: dict = {}
    exec(compile("\n".join(lines[:at]), "README.md", "exec"), namespace)  # noqa: S102
    assert eval(expression, namespace) == quoted  # noqa: S307 - our own README
