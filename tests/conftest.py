"""Test-suite settings shared by every test folder."""

from hypothesis import settings

from tests.profiles import PROFILE

# By default property-based tests draw the same examples on every run (CI and laptops
# alike), so a failure is reproducible and the suite never turns red by chance. To hunt for
# new failing inputs, run with HYPOTHESIS_PROFILE=explore (fresh random examples each run,
# five times as many; tests/profiles.py).
settings.load_profile(PROFILE)


def pytest_collection_modifyitems(config, items):
    """With ``-n`` (pytest-xdist, ``--dist loadgroup``) every browser test runs on one worker,
    so the UI server and Chromium start once, not once a worker; the other tests spread."""
    import pytest

    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
