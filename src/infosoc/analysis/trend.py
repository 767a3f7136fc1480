"""Linear trends: ordinary least squares on a short series, projected with a prediction interval.

Used to ask whether a series is on course for a target. A straight line over the last few
years is deliberately simple: it is easy to check by hand, and its prediction interval says
how little a handful of points can tell about the future.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Two-sided coverage of the prediction interval.
LEVEL = 0.90


@dataclass(frozen=True)
class Trend:
    """A straight line fitted to ``n`` points (times in years, as from ``period_in_years``)."""

    n: int
    slope: float
    intercept: float
    mean_time: float
    sxx: float  # sum of squared deviations of the times
    residual_sd: float | None  # None with two points: no degrees of freedom are left

    def at(self, time: float) -> float:
        """The line's value at ``time``."""
        return self.intercept + self.slope * time


@dataclass(frozen=True)
class Projection:
    """The trend's value at a time, with its prediction interval (None when it has none)."""

    value: float
    low: float | None
    high: float | None


def fit(times: Sequence[float], values: Sequence[float]) -> Trend | None:
    """OLS line through the points; None with fewer than two distinct times (no trend)."""
    x = np.asarray(times, dtype=float)
    y = np.asarray(values, dtype=float)
    if len(x) != len(y):
        raise ValueError("times and values differ in length")
    if len(x) < 2:
        return None
    mean_x, mean_y = float(x.mean()), float(y.mean())
    sxx = float(((x - mean_x) ** 2).sum())
    if sxx == 0:
        return None
    slope = float(((x - mean_x) * (y - mean_y)).sum()) / sxx
    intercept = mean_y - slope * mean_x
    residual_sd = None
    if len(x) > 2:
        residuals = y - (intercept + slope * x)
        residual_sd = math.sqrt(float((residuals**2).sum()) / (len(x) - 2))
    return Trend(len(x), slope, intercept, mean_x, sxx, residual_sd)


def project(trend: Trend, time: float, level: float = LEVEL) -> Projection:
    """The trend at ``time`` with a two-sided prediction interval for a new observation.

    half-width = t(1 - (1 - level) / 2, n - 2) * s * sqrt(1 + 1/n + (time - mean)^2 / Sxx),
    the textbook interval for one future value under the linear model with normal errors.
    """
    value = trend.at(time)
    if trend.residual_sd is None:
        return Projection(value, None, None)
    quantile = student_t_quantile(1 - (1 - level) / 2, trend.n - 2)
    spread = math.sqrt(1 + 1 / trend.n + (time - trend.mean_time) ** 2 / trend.sxx)
    half = quantile * trend.residual_sd * spread
    return Projection(value, value - half, value + half)


def _central_mass(theta: float, df: int) -> float:
    """P(|T| <= sqrt(df) tan(theta)) for Student's t with ``df`` degrees of freedom.

    The closed form for whole degrees of freedom (Abramowitz and Stegun 26.7.3 and 26.7.4):
    a finite sum of powers of cos(theta), so no special function is needed.
    """
    c2, term, total = math.cos(theta) ** 2, 1.0, 1.0
    if df % 2 == 0:  # sin(theta) * (1 + 1/2 c^2 + 1*3/(2*4) c^4 + ... up to c^(df-2))
        for k in range(2, df, 2):
            term *= c2 * (k - 1) / k
            total += term
        return math.sin(theta) * total
    if df == 1:
        return 2 * theta / math.pi
    # 2/pi * (theta + sin(theta) cos(theta) (1 + 2/3 c^2 + 2*4/(3*5) c^4 + ... up to c^(df-3)))
    for k in range(3, df - 1, 2):
        term *= c2 * (k - 1) / k
        total += term
    return 2 / math.pi * (theta + math.sin(theta) * math.cos(theta) * total)


def student_t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with ``df`` (whole, at least 1) degrees of freedom.

    Found by bisection on theta = atan(t / sqrt(df)), where the distribution function has
    the closed form above: exact to machine precision, without importing scipy for one number
    (decision 0015).
    """
    if not 0 < p < 1 or df < 1 or df != int(df):
        raise ValueError(f"a t quantile needs 0 < p < 1 and whole df >= 1, not p={p}, df={df}")
    mass = abs(2 * p - 1)  # P(|T| <= |t|)
    low, high = 0.0, math.pi / 2
    for _ in range(200):
        mid = (low + high) / 2
        if mid in (low, high):
            break
        if _central_mass(mid, int(df)) < mass:
            low = mid
        else:
            high = mid
    t = math.sqrt(df) * math.tan((low + high) / 2)
    return t if p >= 0.5 else -t


def per_year_needed(from_time: float, from_value: float, to_time: float, target: float) -> float:
    """Constant change per year that takes ``from_value`` to ``target`` by ``to_time``."""
    if to_time <= from_time:
        raise ValueError("the target time must come after the starting time")
    return (target - from_value) / (to_time - from_time)


def cagr_pct(from_value: float, to_value: float, years: float) -> float | None:
    """Compound annual growth rate in per cent; None unless both values and the span are > 0."""
    if from_value <= 0 or to_value <= 0 or years <= 0:
        return None
    return float(((to_value / from_value) ** (1 / years) - 1) * 100)
