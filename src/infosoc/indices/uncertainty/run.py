"""Running an uncertainty analysis: the draws, the ranks of every replication, their
statistics per unit, and the result with its parameters.

:func:`run` evaluates every replication at once with the vectorised model;
:func:`run_naive` rebuilds the coin once per replication with
:func:`~infosoc.indices.coin.build`. Both draw the same parameters and give the same ranks;
the second is the reference of the tests and the benchmarks.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ...ranks import competition_order
from ..coin import Coin
from ..steps import Array
from .assumptions import Assumptions
from .model import evaluate
from .plan import Choice, Plan, Ranks, nominal_ranks, prepare, rebuild_with, variant

QUANTILE_METHOD = "inverted_cdf"
"""q05 and q95 are ranks actually observed: the smallest rank r with P(rank ≤ r) ≥ p."""

_STEP_NAMES = {"normaliser": "normalise", "aggregator": "aggregate", "imputation": "impute"}


@dataclass(frozen=True)
class Ranking:
    """Ranks of every replication in sorted order, as ranking gives them.

    ``units[r, p]`` is the unit (its column) at position ``p`` of replication ``r`` and
    ``ranks[r, p]`` its rank: 1 = highest score, ties share the best rank, 0 = no score.
    """

    units: npt.NDArray[np.intp]
    ranks: Ranks

    @classmethod
    def of_matrix(cls, ranks: Ranks) -> Ranking:
        """From ranks in unit order (replications × units)."""
        units = np.broadcast_to(np.arange(ranks.shape[1], dtype=np.intp), ranks.shape)
        return cls(units, ranks)

    def matrix(self) -> Ranks:
        """Ranks in unit order (replications × units)."""
        out = np.empty_like(self.ranks)
        np.put_along_axis(out, self.units, self.ranks, axis=-1)
        return out

    def shifts(self, nominal: Ranks) -> Array:
        """Mean absolute rank shift of each replication from ``nominal`` (units ranked in both)."""
        reference = nominal[self.units]
        both = (self.ranks > 0) & (reference > 0)
        total = np.where(both, np.abs(self.ranks - reference), 0).sum(axis=1)
        count = both.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / count, np.nan)


def rank_scores(scores: Array, hint: npt.NDArray[np.intp] | None = None) -> Ranking:
    """Rank every replication (row) of scores at once: 1 = highest, ties share, 0 = no score.

    ``hint``, the units in their nominal order, can make ranking faster when ranks move little;
    it never changes the result (:func:`infosoc.ranks.competition_order`).
    """
    return Ranking(*competition_order(scores, hint))


def rank_statistics(ranking: Ranking) -> dict[str, npt.NDArray[Any]]:
    """Per unit: replications with a rank, median, mean, q05 and q95 (NaN without a rank).

    From a histogram of (unit, rank) pairs, so one pass over the ranks. q05 and q95 follow
    numpy's ``inverted_cdf``: the smallest rank r such that at least p of the replications
    rank the unit at r or better, so both are ranks actually observed. The median is numpy's
    (the mean of the two middle ranks for an even count).
    """
    n_units = ranking.ranks.shape[1]
    width = n_units + 1
    cells = ranking.units * width + ranking.ranks
    counts = np.bincount(cells.ravel(), minlength=n_units * width).reshape(n_units, width)
    counts = counts[:, 1:]
    observed = counts.sum(axis=1)
    cumulative = np.cumsum(counts, axis=1)
    values = np.arange(1, width, dtype=float)

    def order_statistic(k: npt.NDArray[np.int64]) -> Array:
        """The k-th smallest rank (1-based k) of each unit."""
        position = np.argmax(cumulative >= k[:, None], axis=1)
        return np.where(observed > 0, values[position], np.nan)

    def quantile(percent: int) -> Array:
        return order_statistic(np.maximum((percent * observed + 99) // 100, 1))

    low = order_statistic(np.maximum((observed + 1) // 2, 1))
    high = order_statistic(np.maximum(observed // 2 + 1, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (counts * values).sum(axis=1) / observed
    return {
        "observed": observed,
        "median": np.where(observed % 2 == 1, low, (low + high) / 2),
        "mean": np.where(observed > 0, mean, np.nan),
        "q05": quantile(5),
        "q95": quantile(95),
    }


@dataclass(frozen=True)
class Draws:
    """The parameters of every replication: weights (reps × items), choices (reps × 3)."""

    weights: Array
    choices: npt.NDArray[np.intp]


def draw(plan: Plan, assumptions: Assumptions) -> Draws:
    """Sample every replication's weights and choices from the seed."""
    rng = np.random.default_rng(assumptions.seed)
    noise = assumptions.weight_noise
    n = assumptions.samples
    factors = rng.uniform(1.0 - noise, 1.0 + noise, size=(n, len(plan.items)))
    columns = [
        rng.integers(0, len(plan.choices[name]), size=n)
        for name in ("imputation", "normaliser", "aggregator")
    ]
    return Draws(plan.nominal_weights * factors, np.stack(columns, axis=1).astype(np.intp))


def _versions() -> dict[str, str]:
    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return {"numpy": np.__version__, "SALib": version("SALib"), "infosoc": version("infosoc")}


def describe(plan: Plan, assumptions: Assumptions) -> dict[str, Any]:
    """The parameters of an analysis: assumptions as resolved, nominal choices, versions."""
    definition = plan.coin.definition
    steps = definition.steps
    return {
        "index": definition.name,
        "period": definition.data.period,
        "units": len(plan.units),
        "samples": assumptions.samples,
        "seed": assumptions.seed,
        "assumptions": assumptions.to_dict(),
        "alternatives": {name: [c.label for c in plan.choices[name]] for name in _STEP_NAMES},
        "applies_to": {
            "normaliser": [i.code for i in definition.indicators if not i.normalise],
            "aggregator": [a.code for a in definition.aggregates if not a.aggregate],
        },
        "nominal": {
            "imputation": Choice.of_step(steps.impute).label,
            "normaliser": Choice.of_step(steps.normalise).label,
            "aggregator": Choice.of_step(steps.aggregate).label,
            "weights": {i.code: float(i.weight) for i in plan.items},
        },
        "weights": f"each nominal weight × U[{1 - assumptions.weight_noise:g}, "
        f"{1 + assumptions.weight_noise:g}], independently per replication",
        "ranks": "1 = highest score; ties share the best rank",
        "quantiles": f"numpy percentile method '{QUANTILE_METHOD}': q05 and q95 are ranks "
        "observed in the replications",
        "versions": _versions(),
    }


@dataclass
class UncertaintyResult:
    """Rank statistics of every unit, the parameters, and every replication's draw."""

    units: list[dict[str, Any]]
    """One row per unit, in nominal rank order."""
    parameters: dict[str, Any]
    ranking: Ranking
    _draws: Draws
    _plan: Plan

    @property
    def ranks(self) -> Ranks:
        """Ranks of every replication: replications × units, units in the coin's order."""
        return self.ranking.matrix()

    def runs(self) -> list[dict[str, Any]]:
        """Every replication's parameters: weights, normaliser, aggregator and imputation."""
        return list(_run_rows(self._plan, self._draws))

    def to_dict(self) -> dict[str, Any]:
        """The parameters and the rows of units, as plain JSON values."""
        return {"parameters": self.parameters, "units": self.units}


def _run_rows(plan: Plan, draws: Draws) -> Iterator[dict[str, Any]]:
    codes = [i.code for i in plan.items]
    labels = {name: [c.label for c in plan.choices[name]] for name in _STEP_NAMES}
    for r, (weights, choice) in enumerate(
        zip(draws.weights.tolist(), draws.choices.tolist(), strict=True)
    ):
        yield {
            "run": r,
            "weights": dict(zip(codes, weights, strict=True)),
            "imputation": labels["imputation"][choice[0]],
            "normaliser": labels["normaliser"][choice[1]],
            "aggregator": labels["aggregator"][choice[2]],
        }


def _number(value: Any) -> float | None:
    return None if np.isnan(value) else float(value)


def _result(
    plan: Plan, assumptions: Assumptions, draws: Draws, ranking: Ranking, how: str
) -> UncertaintyResult:
    stats = rank_statistics(ranking)
    units = []
    for u, unit in enumerate(plan.units):
        nominal = int(plan.nominal_ranks[u])
        units.append(
            {
                "iso3": unit,
                "rank": nominal or None,
                "median_rank": _number(stats["median"][u]),
                "q05": _number(stats["q05"][u]),
                "q95": _number(stats["q95"][u]),
                "mean_rank": _number(stats["mean"][u]),
            }
        )
    units.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["iso3"]))
    parameters = {**describe(plan, assumptions), "method": how}
    return UncertaintyResult(units, parameters, ranking, draws, plan)


def run(coin: Coin, assumptions: Assumptions) -> UncertaintyResult:
    """Monte Carlo uncertainty analysis of ``coin``'s ranks under ``assumptions``.

    Every unit gets its nominal rank, its median and mean rank and the 5th and 95th percentiles
    of its ranks over the replications. The same assumptions (seed included) give the same
    result; an assumption that cannot apply is an :class:`~infosoc.errors.InputError` first.
    """
    plan = prepare(coin, assumptions)
    draws = draw(plan, assumptions)
    ranking = rank_scores(evaluate(plan, draws.weights, draws.choices), plan.order)
    return _result(plan, assumptions, draws, ranking, "vectorised")


def run_naive(coin: Coin, assumptions: Assumptions) -> UncertaintyResult:
    """The same analysis as :func:`run`, from the same draws, with one
    :func:`~infosoc.indices.coin.build` per replication: the straightforward reference."""
    plan = prepare(coin, assumptions)
    draws = draw(plan, assumptions)
    codes = [i.code for i in plan.items]
    choices = plan.choices
    ranks = np.zeros((assumptions.samples, len(plan.units)), dtype=np.int32)
    for r, (weights, (i, j, k)) in enumerate(
        zip(draws.weights.tolist(), draws.choices.tolist(), strict=True)
    ):
        definition = variant(
            coin.definition,
            weights=dict(zip(codes, weights, strict=True)),
            impute=choices["imputation"][i],
            normalise=choices["normaliser"][j],
            aggregate=choices["aggregator"][k],
        )
        ranks[r] = nominal_ranks(rebuild_with(coin, definition))
    ranking = Ranking.of_matrix(ranks)
    return _result(plan, assumptions, draws, ranking, "naive (one build per replication)")
