"""The Hypothesis profiles: reproducible by default, fresh examples when exploring."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tests import profiles


def _draws(profile: str) -> list[list[int]]:
    """The examples a small property test draws in two runs under ``profile``."""
    runs: list[list[int]] = []

    @settings(settings.get_profile(profile), max_examples=20)
    @given(st.integers(0, 2**60))
    def draw(x: int) -> None:
        runs[-1].append(x)

    for _ in range(2):
        runs.append([])
        draw()
    return runs


def test_the_reproducible_profile_draws_the_same_examples_every_run():
    first, second = _draws("reproducible")
    assert first == second


def test_the_explore_profile_draws_fresh_and_more_examples():
    first, second = _draws("explore")
    assert first != second  # two runs of 20 draws from 2^60 values agree only by a fluke
    explore, usual = settings.get_profile("explore"), settings.get_profile("reproducible")
    assert not explore.derandomize and explore.database is None
    assert explore.max_examples > usual.max_examples


def test_an_explicit_budget_grows_only_when_exploring(monkeypatch):
    monkeypatch.setattr(profiles, "PROFILE", "explore")
    assert profiles.examples(60) == 60 * profiles.EXPLORE_FACTOR > 60
    monkeypatch.setattr(profiles, "PROFILE", "reproducible")
    assert profiles.examples(60) == 60
