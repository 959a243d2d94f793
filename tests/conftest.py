"""Test-suite settings shared by every test folder."""

from hypothesis import settings

from tests.profiles import PROFILE

# By default property-based tests draw the same examples on every run (CI and laptops
# alike), so a failure is reproducible and the suite never turns red by chance. To hunt for
# new failing inputs, run with HYPOTHESIS_PROFILE=explore (fresh random examples each run,
# five times as many; tests/profiles.py).
settings.load_profile(PROFILE)
