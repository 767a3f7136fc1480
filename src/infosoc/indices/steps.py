"""The steps of a composite index, as small functions in registries (COINr's n_*, a_*, i_*).

Data is a float array whose last two axes are (units, indicators); any leading axes are
replications, so the same functions serve one build and ten thousand Monte Carlo runs.
Missing values are NaN and stay NaN unless an imputation step fills them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import InputError

Array = npt.NDArray[np.float64]
UNITS = -2  # the axis of units (countries); the last axis holds the indicators


# normalisation ------------------------------------------------------------------------------
def n_none(x: Array, **_: Any) -> Array:
    """Leave values as they are (for indicators already on a common scale)."""
    return x


def n_minmax(x: Array, low: float = 0.0, high: float = 1.0, **_: Any) -> Array:
    """Rescale each indicator to [low, high] over the units."""
    lo = np.nanmin(x, axis=UNITS, keepdims=True)
    hi = np.nanmax(x, axis=UNITS, keepdims=True)
    span = np.where(hi > lo, hi - lo, np.nan)
    return low + (x - lo) / span * (high - low)


def n_zscore(x: Array, ddof: int = 0, centre: float = 0.0, scale: float = 1.0, **_: Any) -> Array:
    """Standardise each indicator: (x - mean) / standard deviation (population σ by default).

    ``centre`` and ``scale`` give the scores another mean and spread (COINr's ``m_sd``), e.g.
    centre 10 and scale 2 keep them above 0 for a geometric mean.
    """
    mean = np.nanmean(x, axis=UNITS, keepdims=True)
    sd = np.nanstd(x, axis=UNITS, keepdims=True, ddof=ddof)
    z = (x - mean) / np.where(sd > 0, sd, np.nan)
    return z if (centre, scale) == (0.0, 1.0) else centre + scale * z


def _ranks(x: Array) -> Array:
    from scipy.stats import rankdata

    ranked: Array = rankdata(x, axis=UNITS, method="average", nan_policy="omit")
    return np.where(np.isnan(x), np.nan, ranked)


def n_rank(x: Array, **_: Any) -> Array:
    """Rank of each unit on each indicator (1 = lowest; ties share the average rank)."""
    return _ranks(x)


def n_percentile(x: Array, **_: Any) -> Array:
    """Percentile rank in [0, 1]: (rank - 1) / (units with a value - 1)."""
    count = np.sum(~np.isnan(x), axis=UNITS, keepdims=True)
    return (_ranks(x) - 1) / np.where(count > 1, count - 1, np.nan)


def n_goalposts(x: Array, low: float = 0.0, high: float = 100.0, **_: Any) -> Array:
    """(x - low) / (high - low), capped to [0, 1]: fixed goalposts, as the ITU's IDI uses."""
    if high <= low:
        raise InputError("goalposts need high > low")
    return np.clip((x - low) / (high - low), 0.0, 1.0)


def n_target(x: Array, target: float = 100.0, **_: Any) -> Array:
    """Distance to a target: (x - min) / (target - min), capped at 1 when the target is met."""
    lo = np.nanmin(x, axis=UNITS, keepdims=True)
    span = np.where(target > lo, target - lo, np.nan)
    return np.clip((x - lo) / span, None, 1.0)


def n_frontier(x: Array, **_: Any) -> Array:
    """Distance to the frontier: x / (best unit), so the leader scores 1."""
    best = np.nanmax(x, axis=UNITS, keepdims=True)
    return x / np.where(best != 0, best, np.nan)


NORMALISERS: dict[str, Callable[..., Array]] = {
    "none": n_none,
    "minmax": n_minmax,
    "zscore": n_zscore,
    "rank": n_rank,
    "percentile": n_percentile,
    "goalposts": n_goalposts,
    "target": n_target,
    "frontier": n_frontier,
}


# aggregation --------------------------------------------------------------------------------
def _weights(x: Array, w: Array) -> Array:
    """Weights broadcast to x, zero where a value is missing (the rest are renormalised)."""
    full = np.broadcast_to(w[..., None, :] if w.ndim > 1 else w, x.shape)
    return np.where(np.isnan(x), 0.0, full)


def _renormalised(x: Array, w: Array) -> tuple[Array, Array]:
    weights = _weights(x, w)
    total = weights.sum(axis=-1)
    return weights, np.where(total > 0, total, np.nan)


def a_arithmetic(x: Array, w: Array, **_: Any) -> Array:
    """Weighted arithmetic mean across indicators, over the indicators a unit has."""
    weights, total = _renormalised(x, w)
    return np.nansum(np.nan_to_num(x) * weights, axis=-1) / total


def _positive(x: Array, zero_rule: str, what: str) -> Array:
    """Apply the rule for values ≤ 0 before a geometric or harmonic mean."""
    if zero_rule == "error":
        if np.any(x[~np.isnan(x)] <= 0):
            raise InputError(
                f"a {what} mean needs values above 0, and some are 0 or below (min-max "
                "normalisation gives 0 to the lowest unit): choose zero_rule 'shift' (adds "
                "`shift`, default 0.01) or 'floor', or normalise to [1, 100]"
            )
        return x
    if zero_rule == "floor":
        return np.where(x <= 0, 1e-6, x)
    if zero_rule == "shift":
        return x
    raise InputError(f"unknown zero_rule '{zero_rule}'; choose error, shift or floor")


def a_geometric(
    x: Array, w: Array, zero_rule: str = "error", shift: float = 0.01, **_: Any
) -> Array:
    """Weighted geometric mean; ``zero_rule`` says what happens to values ≤ 0."""
    y = _positive(x + shift if zero_rule == "shift" else x, zero_rule, "geometric")
    weights, total = _renormalised(y, w)
    logs = np.where(np.isnan(y), 0.0, np.log(np.where(y > 0, y, 1.0)))
    result = np.exp((logs * weights).sum(axis=-1) / total)
    return result - shift if zero_rule == "shift" else result


def a_harmonic(
    x: Array, w: Array, zero_rule: str = "error", shift: float = 0.01, **_: Any
) -> Array:
    """Weighted harmonic mean; ``zero_rule`` says what happens to values ≤ 0."""
    y = _positive(x + shift if zero_rule == "shift" else x, zero_rule, "harmonic")
    weights, total = _renormalised(y, w)
    inverse = np.where(np.isnan(y), 0.0, 1.0 / np.where(y > 0, y, 1.0))
    result = total / (inverse * weights).sum(axis=-1)
    return result - shift if zero_rule == "shift" else result


def a_power(x: Array, w: Array, p: float = 2.0, **kwargs: Any) -> Array:
    """Generalised (power) mean of order ``p``; p = 1 arithmetic, 0 geometric, -1 harmonic."""
    if p == 0:
        return a_geometric(x, w, **kwargs)
    if p < 0 or np.any(x[~np.isnan(x)] < 0):
        y = _positive(x, kwargs.get("zero_rule", "error"), "power")
    else:
        y = x
    weights, total = _renormalised(y, w)
    powered = np.where(np.isnan(y), 0.0, np.abs(y) ** p)
    return ((powered * weights).sum(axis=-1) / total) ** (1 / p)


AGGREGATORS: dict[str, Callable[..., Array]] = {
    "arithmetic": a_arithmetic,
    "geometric": a_geometric,
    "harmonic": a_harmonic,
    "power": a_power,
}


# imputation ---------------------------------------------------------------------------------
def i_none(x: Array, **_: Any) -> tuple[Array, npt.NDArray[np.bool_]]:
    """No imputation: missing values stay missing."""
    return x, np.zeros(x.shape, dtype=bool)


def _by_group(x: Array, groups: list[str] | None, stat: Callable[..., Array]) -> Array:
    filled = x.copy()
    labels = np.array(groups if groups is not None else ["all"] * x.shape[UNITS])
    for label in np.unique(labels):
        rows = labels == label
        centre = stat(x[..., rows, :], axis=UNITS, keepdims=True)
        block = filled[..., rows, :]
        filled[..., rows, :] = np.where(np.isnan(block), centre, block)
    return filled


def i_mean(
    x: Array, groups: list[str] | None = None, **_: Any
) -> tuple[Array, npt.NDArray[np.bool_]]:
    """Fill a missing value with the mean of its group (all units without groups)."""
    return _by_group(x, groups, np.nanmean), np.isnan(x)


def i_median(
    x: Array, groups: list[str] | None = None, **_: Any
) -> tuple[Array, npt.NDArray[np.bool_]]:
    """Fill a missing value with the median of its group (all units without groups)."""
    return _by_group(x, groups, np.nanmedian), np.isnan(x)


def i_last(
    x: Array, previous: Array | None = None, **_: Any
) -> tuple[Array, npt.NDArray[np.bool_]]:
    """Fill a missing value with the unit's last available value (``previous``, same shape)."""
    if previous is None:
        raise InputError("imputation 'last' needs earlier values of the same indicators")
    filled = np.where(np.isnan(x) & ~np.isnan(previous), previous, x)
    return filled, np.isnan(x) & ~np.isnan(filled)


IMPUTERS: dict[str, Callable[..., tuple[Array, npt.NDArray[np.bool_]]]] = {
    "none": i_none,
    "mean": i_mean,
    "median": i_median,
    "last": i_last,
}


# outlier treatment --------------------------------------------------------------------------
def t_none(x: Array, **_: Any) -> Array:
    """No treatment."""
    return x


def t_winsorise(x: Array, lower: float = 0.05, upper: float = 0.95, **_: Any) -> Array:
    """Clip each indicator at its ``lower`` and ``upper`` quantiles over the units."""
    lo = np.nanquantile(x, lower, axis=UNITS, keepdims=True)
    hi = np.nanquantile(x, upper, axis=UNITS, keepdims=True)
    return np.clip(x, lo, hi)


def t_cap(x: Array, cap: float = 120.0, **_: Any) -> Array:
    """Cap values at ``cap`` (the UN caps TII components at 120 from 2020 on)."""
    return np.minimum(x, cap)


def t_log(x: Array, shift: float = 1.0, **_: Any) -> Array:
    """log(x + shift), for strongly skewed indicators."""
    if np.any(x[~np.isnan(x)] + shift <= 0):
        raise InputError("log transform needs x + shift > 0")
    return np.log(x + shift)


TREATMENTS: dict[str, Callable[..., Array]] = {
    "none": t_none,
    "winsorise": t_winsorise,
    "cap": t_cap,
    "log": t_log,
}
