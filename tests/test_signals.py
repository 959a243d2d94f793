"""Early-warning signals: rising variance and autocorrelation are detected, a stationary
series shows no trend, and a sweep reports the indicators per collapsing run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.sweeps.signals import SIGNAL_COLUMNS, rolling_indicators, run_signals, trend_tau


def ar1(phi: np.ndarray, sigma: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.zeros(len(phi))
    for i in range(1, len(phi)):
        x[i] = phi[i] * x[i - 1] + sigma[i] * rng.normal()
    return x


def test_critical_slowing_down_is_detected():
    """An AR(1) whose coefficient rises toward 1 (a stability loss) warns in both signals."""
    n = 400
    taus = []
    for seed in range(5):
        x = 0.6 + ar1(np.linspace(0.1, 0.95, n), np.full(n, 0.01), seed)
        indicators = rolling_indicators(x)
        taus.append((trend_tau(indicators["variance"]), trend_tau(indicators["ac1"])))
    taus = np.array(taus)
    assert (taus > 0.4).all(), taus


def test_stationary_series_shows_no_consistent_trend():
    n = 400
    taus = []
    for seed in range(20):
        x = 0.6 + ar1(np.full(n, 0.3), np.full(n, 0.01), seed)
        taus.append(trend_tau(rolling_indicators(x)["ac1"]))
    assert abs(np.mean(taus)) < 0.25


def test_indicators_undefined_without_collapse_or_history():
    days = np.arange(100)
    series = pd.DataFrame({"day": days, "cohesion": 0.7, "support_continue": 0.5})
    quiet = run_signals(series, None, 30)
    assert set(quiet) == set(SIGNAL_COLUMNS) and quiet["ews_days"] == 0
    assert np.isnan(quiet["ews_cohesion_variance_tau"])
    early = run_signals(series, 40, 30)  # spell began on day 11: too little history
    assert early["ews_days"] == 11 and np.isnan(early["ews_support_ac1_tau"])


def test_signals_use_only_the_days_before_the_collapse_began():
    n = 300
    x = 0.6 + ar1(np.linspace(0.1, 0.95, n), np.full(n, 0.01), 1)
    x[200:] = np.random.default_rng(0).uniform(0, 1, 100)  # after onset: noise, ignored
    series = pd.DataFrame({"day": np.arange(n), "cohesion": x, "support_continue": x})
    signals = run_signals(series, collapse_day=229, collapse_days=30)
    assert signals["ews_days"] == 200
    assert signals["ews_cohesion_ac1_tau"] > 0.4


@pytest.mark.parametrize("window", [0.25, 0.5])
def test_window_sets_the_first_defined_value(window):
    indicators = rolling_indicators(np.random.default_rng(2).normal(size=200), window=window)
    first = indicators["variance"].first_valid_index()
    assert first == round(window * 200) - 1
