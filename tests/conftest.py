"""Test-suite settings shared by every test folder."""

import os

from hypothesis import settings

# By default property-based tests draw the same examples on every run (CI and laptops
# alike), so a failure is reproducible and the suite never turns red by chance. To hunt for
# new failing inputs, run with HYPOTHESIS_PROFILE=explore (fresh random examples each run).
settings.register_profile("reproducible", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "reproducible"))
