"""Inequality measures against their textbook definitions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infosoc.analysis import inequality
from infosoc.errors import InputError

values = st.lists(st.floats(0.01, 1e4), min_size=2, max_size=30)
weights_for = st.integers(1, 20)


def brute_gini(x: list[float], w: list[float]) -> float:
    total, mean = sum(w), sum(a * b for a, b in zip(x, w, strict=True)) / sum(w)
    pairs = sum(
        wi * wj * abs(xi - xj)
        for xi, wi in zip(x, w, strict=True)
        for xj, wj in zip(x, w, strict=True)
    )
    return pairs / (2 * total**2 * mean)


@given(st.data())
def test_gini_equals_the_double_sum(data: st.DataObject) -> None:
    x = data.draw(values)
    w = [float(data.draw(weights_for)) for _ in x]
    assert inequality.gini(x, w) == pytest.approx(brute_gini(x, w), rel=1e-9, abs=1e-12)


@given(st.data())
def test_integer_weights_equal_repeated_values(data: st.DataObject) -> None:
    x = data.draw(values)
    w = [data.draw(weights_for) for _ in x]
    repeated = [v for v, k in zip(x, w, strict=True) for _ in range(k)]
    for measure in (inequality.gini, inequality.theil, inequality.coefficient_of_variation):
        assert measure(x, w) == pytest.approx(measure(repeated), rel=1e-9, abs=1e-12)


@given(values, st.floats(0.1, 1000))
def test_scale_invariant_and_bounded(x: list[float], k: float) -> None:
    g, t, cv = inequality.gini(x), inequality.theil(x), inequality.coefficient_of_variation(x)
    assert g is not None and t is not None and cv is not None
    assert 0 <= g < 1 and t >= -1e-12 and cv >= 0
    assert t <= math.log(len(x)) + 1e-9  # Theil's maximum: everything held by one
    scaled = [v * k for v in x]
    assert inequality.gini(scaled) == pytest.approx(g, rel=1e-9, abs=1e-12)
    assert inequality.theil(scaled) == pytest.approx(t, rel=1e-9, abs=1e-12)
    ratio = inequality.best_to_worst(x)
    assert ratio is not None and ratio >= 1
    assert ratio == pytest.approx(max(x) / min(x))


def test_equal_values_mean_no_inequality() -> None:
    assert inequality.gini([5, 5, 5]) == 0
    assert inequality.theil([5, 5, 5]) == 0
    assert inequality.coefficient_of_variation([5, 5, 5]) == 0


def test_known_values() -> None:
    # One of two holds everything: Gini 1/2 for two people, Theil ln 2.
    assert inequality.gini([0, 10]) == pytest.approx(0.5)
    assert inequality.theil([0, 10]) == pytest.approx(math.log(2))
    assert inequality.coefficient_of_variation([1, 3]) == pytest.approx(0.5)
    assert inequality.best_to_worst([0, 10]) is None  # no ratio to zero


def test_too_few_or_bad_values() -> None:
    assert inequality.gini([3.0]) is None and inequality.theil([]) is None
    assert inequality.gini([0, 0]) is None  # mean zero
    with pytest.raises(InputError):
        inequality.gini([1, float("nan")])
    with pytest.raises(InputError):
        inequality.gini([1, 2], [1, -1])
    with pytest.raises(InputError):
        inequality.theil([-1, 2])


@given(st.floats(-100, 100), st.floats(-10, 10), st.integers(2, 12))
def test_trend_of_a_line_is_its_slope(intercept: float, slope: float, n: int) -> None:
    trend = inequality.linear_trend([intercept + slope * i for i in range(n)])
    assert trend is not None and trend.slope == pytest.approx(slope, abs=1e-7)
    if n > 2:
        assert trend.stderr == pytest.approx(0, abs=1e-6)


def test_trend_uses_the_time_axis() -> None:
    # Quarters 0, 1 and 3 (one missing): the slope is per quarter, not per point.
    trend = inequality.linear_trend([0.0, 1.0, 3.0], at=[0, 1, 3])
    assert trend is not None and trend.slope == pytest.approx(1.0)
    assert inequality.linear_trend([1.0]) is None


@settings(deadline=None)  # the first example imports scipy
@given(
    st.lists(st.floats(-100, 100), min_size=3, max_size=12),
    st.lists(st.integers(0, 40), min_size=12, max_size=12, unique=True),
)
def test_trend_and_its_standard_error_equal_scipys(values: list[float], times: list[int]) -> None:
    from scipy.stats import linregress

    at = sorted(times[: len(values)])
    trend = inequality.linear_trend(values, at=at)
    expected = linregress(at, values)
    assert trend is not None and trend.periods == len(values)
    assert trend.slope == pytest.approx(expected.slope, rel=1e-9, abs=1e-9)
    # scipy has no correlation, and so no standard error, for a constant series: it is 0
    stderr = 0.0 if math.isnan(expected.stderr) else expected.stderr
    assert trend.stderr == pytest.approx(stderr, rel=1e-9, abs=1e-9)
