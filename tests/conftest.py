"""Test-suite settings shared by every test folder."""

import pytest
from hypothesis import settings

from tests.profiles import PROFILE

# By default property-based tests draw the same examples on every run (CI and laptops
# alike), so a failure is reproducible and the suite never turns red by chance. To hunt for
# new failing inputs, run with HYPOTHESIS_PROFILE=explore (fresh random examples each run,
# five times as many; tests/profiles.py).
settings.load_profile(PROFILE)


#: Browser test files long enough to get a worker (and a server) of their own under ``-n``:
#: the 200 random clicks take about 5 minutes on two cores, as long as all the others together.
BROWSER_GROUP = {"test_stress.py": "browser-stress", "test_issue15.py": "browser-stress"}


def pytest_collection_modifyitems(config, items):
    """With ``-n`` (pytest-xdist, ``--dist loadgroup``) the browser tests run in two groups,
    each on one worker, so a UI server and Chromium start once a group, not once a test's
    worker; the other tests spread.
    Load tests (``load``: 20 browser tabs at once, minutes on two cores) run only when ``-m``
    names them: ``./run test -m load``."""
    chosen = "load" in (config.getoption("markexpr") or "")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group(BROWSER_GROUP.get(item.path.name, "browser")))
        if item.get_closest_marker("load") and not chosen:
            item.add_marker(pytest.mark.skip(reason="a load test: run it with -m load"))
