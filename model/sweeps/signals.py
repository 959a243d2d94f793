"""Early-warning signals of a morale collapse (critical slowing down).

Before a critical transition, a system recovers more slowly from small perturbations: the
variance and the lag-1 autocorrelation of its fluctuations rise (Scheffer et al. 2009,
*Nature* 461:53). Following Dakos et al. (2012, *PLoS ONE* 7:e41010) a series is detrended
with a Gaussian kernel smoother, the two indicators are computed in a rolling window over the
residuals, and the strength of their trend is Kendall's tau against time (tau near +1: a
steady rise, the warning; near 0: no trend).

For a run that collapses, the series analysed is the one *before* the collapse began: days
up to the first day of the critical spell (``collapse_day - collapse_days + 1``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.ndimage import gaussian_filter1d
from scipy.stats import kendalltau

#: Series analysed and the short names used in column names.
SIGNAL_SERIES = {"cohesion": "cohesion", "support_continue": "support"}
#: Fewer points than this before the collapse: no indicator (NaN).
MIN_POINTS = 20
#: Per-run columns, in order.
SIGNAL_COLUMNS = tuple(
    f"ews_{short}_{indicator}_tau"
    for short in SIGNAL_SERIES.values()
    for indicator in ("variance", "ac1")
) + ("ews_days",)


def rolling_indicators(
    values: np.ndarray, window: float = 0.5, bandwidth: float = 0.1
) -> pd.DataFrame:
    """Rolling variance and lag-1 autocorrelation of a detrended series.

    Parameters
    ----------
    values
        The series (one value a day).
    window
        Rolling window as a share of the series length (Dakos et al. use one half).
    bandwidth
        Gaussian smoothing kernel's standard deviation as a share of the length.

    Returns
    -------
    pandas.DataFrame
        Columns ``residual``, ``variance``, ``ac1`` (NaN until the window is full).
    """
    x = np.asarray(values, dtype=float)
    n = len(x)
    sigma = max(bandwidth * n, 1.0)
    trend = gaussian_filter1d(x, sigma=sigma, mode="nearest")
    residual = pd.Series(x - trend)
    width = max(int(round(window * n)), 3)
    rolling = residual.rolling(width, min_periods=width)
    variance = rolling.var()
    ac1 = rolling.apply(_lag1, raw=True)
    return pd.DataFrame({"residual": residual, "variance": variance, "ac1": ac1})


def trend_tau(indicator: pd.Series | np.ndarray) -> float:
    """Kendall's tau of an indicator against time (NaN where undefined)."""
    y = np.asarray(indicator, dtype=float)
    keep = np.isfinite(y)
    if keep.sum() < 3 or np.ptp(y[keep]) == 0:
        return float("nan")
    tau = kendalltau(np.flatnonzero(keep), y[keep]).statistic
    return float(tau) if np.isfinite(tau) else float("nan")


def run_signals(
    series: pd.DataFrame, collapse_day: int | None, collapse_days: int, window: float = 0.5
) -> dict[str, float]:
    """The early-warning columns of one run (NaN unless it collapsed with enough history).

    Parameters
    ----------
    series
        The run's full per-day series (``model.series()``).
    collapse_day
        Day the collapse was confirmed, or None.
    collapse_days
        The run's ``collapse_days`` parameter (length of the critical spell).
    window
        Rolling window as a share of the pre-collapse series.
    """
    out = dict.fromkeys(SIGNAL_COLUMNS, float("nan"))
    out["ews_days"] = 0
    if collapse_day is None:
        return out
    onset = collapse_day - collapse_days + 1
    before = series[series["day"] < onset]
    out["ews_days"] = len(before)
    if len(before) < MIN_POINTS:
        return out
    for column, short in SIGNAL_SERIES.items():
        values = before[column].to_numpy(dtype=float)
        if not np.all(np.isfinite(values)):
            continue
        indicators = rolling_indicators(values, window)
        out[f"ews_{short}_variance_tau"] = trend_tau(indicators["variance"])
        out[f"ews_{short}_ac1_tau"] = trend_tau(indicators["ac1"])
    return out


def _lag1(x: np.ndarray) -> float:
    a, b = x[:-1] - x[:-1].mean(), x[1:] - x[1:].mean()
    denominator = math.sqrt(float(np.dot(a, a)) * float(np.dot(b, b)))
    return float(np.dot(a, b) / denominator) if denominator > 0 else float("nan")
