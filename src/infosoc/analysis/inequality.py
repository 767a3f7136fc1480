"""Inequality across regions: best-to-worst ratio, coefficient of variation, Gini, Theil.

Every measure takes values and optional weights (tests or population). A value that is
missing is left out by the caller, never passed as zero; with fewer than two values, or a
mean of zero, a measure has no meaning and is None. So is a measure whose arithmetic leaves
the range of floating point (values or weights near 1e308): None, never inf or NaN, and no
numpy warning on the user's terminal.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import InputError

Floats = npt.NDArray[np.float64]


def _arrays(values: Sequence[float], weights: Sequence[float] | None) -> tuple[Floats, Floats]:
    x = np.asarray(values, dtype=np.float64)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64)
    if x.shape != w.shape or x.ndim != 1:
        raise InputError(f"{x.size} values but {w.size} weights")
    if not (np.isfinite(x).all() and np.isfinite(w).all()):
        raise InputError("values and weights must be finite numbers (leave missing ones out)")
    if (w < 0).any():
        raise InputError("weights cannot be negative")
    keep = w > 0
    return x[keep], w[keep]


def _finite(measure: Callable[..., float | None]) -> Callable[..., float | None]:
    """``measure`` with numpy's floating-point warnings kept in and a result that is not a
    finite number given as None."""

    @functools.wraps(measure)
    def wrapped(*args: Any, **kwargs: Any) -> float | None:
        with np.errstate(all="ignore"):
            value = measure(*args, **kwargs)
        return value if value is None or math.isfinite(value) else None

    return wrapped


@_finite
def best_to_worst(values: Sequence[float]) -> float | None:
    """How many times the largest value is the smallest (≥ 1): the best over the worst
    region for speeds, the worst over the best for latency or shares of slow tests.
    None when the smallest is zero."""
    x, _ = _arrays(values, None)
    if x.size < 2:
        return None
    low = float(x.min())
    return float(x.max()) / low if low > 0 else None


@_finite
def coefficient_of_variation(
    values: Sequence[float], weights: Sequence[float] | None = None
) -> float | None:
    """Weighted standard deviation (population form) over the weighted mean."""
    x, w = _arrays(values, weights)
    if x.size < 2:
        return None
    mean = float(np.dot(x, w) / w.sum())
    if mean == 0:
        return None
    variance = float(np.dot(w, (x - mean) ** 2) / w.sum())
    return math.sqrt(variance) / abs(mean)


@_finite
def gini(values: Sequence[float], weights: Sequence[float] | None = None) -> float | None:
    """Weighted Gini coefficient: Σᵢ Σⱼ wᵢ wⱼ |xᵢ − xⱼ| / (2 W² μ), for values ≥ 0.

    Computed in O(n log n): in sorted order each value is above the weight before it and
    below the weight after it.
    """
    x, w = _arrays(values, weights)
    if x.size < 2:
        return None
    if (x < 0).any():
        raise InputError("the Gini coefficient needs values of zero or more")
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    total = w.sum()
    mean = float(np.dot(x, w) / total)
    if mean == 0:
        return None
    before = np.cumsum(w) - w
    after = total - before - w
    pair_sum = 2.0 * float(np.dot(w * x, before - after))
    return float(pair_sum / (2.0 * total**2 * mean))


@_finite
def theil(values: Sequence[float], weights: Sequence[float] | None = None) -> float | None:
    """Weighted Theil T index: Σᵢ (wᵢ/W)(xᵢ/μ) ln(xᵢ/μ), for values ≥ 0 (0·ln 0 = 0)."""
    x, w = _arrays(values, weights)
    if x.size < 2:
        return None
    if (x < 0).any():
        raise InputError("the Theil index needs values of zero or more")
    mean = float(np.dot(x, w) / w.sum())
    if mean == 0:
        return None
    ratio = x / mean
    terms = np.zeros_like(ratio)
    positive = ratio > 0
    terms[positive] = ratio[positive] * np.log(ratio[positive])
    return float(np.dot(w, terms) / w.sum())


@dataclass(frozen=True)
class InequalityTrend:
    """The least-squares trend of an inequality measure over ``periods`` points: its change
    per period (``slope``), with the standard error of that slope (None with two points)."""

    slope: float
    stderr: float | None
    periods: int


def linear_trend(
    values: Sequence[float], at: Sequence[float] | None = None
) -> InequalityTrend | None:
    """The slope of values per unit of ``at`` (default 0, 1, 2, …); None under two values."""
    from .trend import fit

    y = np.asarray(values, dtype=np.float64)
    t = np.arange(y.size, dtype=np.float64) if at is None else np.asarray(at, dtype=np.float64)
    if t.shape != y.shape:
        raise InputError(f"{y.size} values at {t.size} points")
    line = fit(list(t), list(y))
    if line is None:
        return None
    stderr = None if line.residual_sd is None else line.residual_sd / math.sqrt(line.sxx)
    return InequalityTrend(line.slope, stderr, line.n)
