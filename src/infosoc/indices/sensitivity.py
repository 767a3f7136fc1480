"""Variance-based sensitivity analysis of a composite index: Sobol' indices (Handbook, step 7).

Which assumption moves the ranks most? Each assumption is a factor: the weight of every
top-level component (multiplied by U[1 - noise, 1 + noise]), the normaliser, the aggregator and,
when alternatives are given, the imputation (each a uniform choice among its alternatives). The
output is the mean absolute rank shift from the nominal ranks, as in COINr. SALib draws the
Saltelli design from a scrambled Sobol' sequence (``N·(D + 2)`` runs, no second-order terms)
and estimates first-order (S1) and total (ST) indices, with bootstrap confidence intervals.
The model runs through the vectorised evaluator of :mod:`.uncertainty`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InputError
from .coin import Coin
from .uncertainty import Assumptions, Plan, describe, evaluate, prepare, rank_scores

#: Bootstrap resamples and level of the confidence intervals of the Sobol' indices.
NUM_RESAMPLES = 100
CONF_LEVEL = 0.95
OUTPUT = "mean absolute rank shift from the nominal ranks, over the units ranked in both"


@dataclass
class SobolResult:
    """Sobol' first-order and total indices of each assumption, with their parameters."""

    rows: list[dict[str, Any]]
    """One row per assumption: ``assumption``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf``."""
    runs: int
    """Number of model runs, ``n·(D + 2)``."""
    parameters: dict[str, Any]
    _inputs: np.ndarray[Any, np.dtype[np.float64]]
    _output: np.ndarray[Any, np.dtype[np.float64]]
    _names: list[str]
    _labels: dict[str, list[str]]
    _nominal: dict[str, float]

    def run_parameters(self) -> list[dict[str, Any]]:
        """Every model run: each weight and choice as applied, and the output."""
        rows = []
        for r, (values, y) in enumerate(
            zip(self._inputs.tolist(), self._output.tolist(), strict=True)
        ):
            row: dict[str, Any] = {"run": r}
            for name, value in zip(self._names, values, strict=True):
                labels = self._labels.get(name)
                if labels:
                    row[name] = labels[_level(value, len(labels))]
                else:
                    row[name] = value * self._nominal[name]
            row["mean_abs_rank_shift"] = None if math.isnan(y) else y
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {"parameters": self.parameters, "runs": self.runs, "rows": self.rows}


def _level(value: float, count: int) -> int:
    return min(int(value), count - 1)


def _factors(
    plan: Plan, assumptions: Assumptions
) -> tuple[list[str], list[list[float]], list[str]]:
    """The factors that vary: names, SALib bounds, and those held at their nominal value."""
    names: list[str] = []
    bounds: list[list[float]] = []
    fixed: list[str] = []
    noise = assumptions.weight_noise
    for column in plan.top:
        name = f"weight:{plan.items[column].code}"
        if noise > 0:
            names.append(name)
            bounds.append([1.0 - noise, 1.0 + noise])
        else:
            fixed.append(name)
    for name in ("normaliser", "aggregator", "imputation"):
        count = len(plan.choices[name])
        if count > 1:
            names.append(name)
            bounds.append([0.0, float(count)])
        else:
            fixed.append(name)
    return names, bounds, fixed


def _model(plan: Plan, names: list[str], inputs: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Mean absolute rank shift of each run (rows of ``inputs``, columns as ``names``)."""
    weights = np.repeat(plan.nominal_weights[None, :], inputs.shape[0], axis=0)
    choices = np.zeros((inputs.shape[0], 3), dtype=np.intp)
    codes = {plan.items[c].code: c for c in plan.top}
    steps = ("imputation", "normaliser", "aggregator")
    for f, name in enumerate(names):
        if name.startswith("weight:"):
            column = codes[name.removeprefix("weight:")]
            weights[:, column] = plan.nominal_weights[column] * inputs[:, f]
        else:
            count = len(plan.choices[name])
            levels = np.minimum(inputs[:, f].astype(np.intp), count - 1)
            choices[:, steps.index(name)] = levels
    ranking = rank_scores(evaluate(plan, weights, choices), plan.order)
    return ranking.shifts(plan.nominal_ranks)


def _check_n(n: int) -> None:
    if n < 2 or n & (n - 1):
        below = 1 << max(1, n.bit_length() - 1)
        raise InputError(
            f"n must be a power of 2 of at least 2 for the Sobol' sequence, not {n}: "
            f"try {below} or {below * 2}"
        )


def _number(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def sobol(coin: Coin, assumptions: Assumptions, n: int = 2048) -> SobolResult:
    """Sobol' indices of each assumption on the mean absolute rank shift (``n·(D + 2)`` runs).

    ``n`` is the base sample of the Saltelli design and must be a power of 2; with EGDI's five
    factors (three weights, normaliser, aggregator) the default gives 14,336 runs. The design
    is seeded with ``assumptions.seed`` and the bootstrap with ``seed + 1`` (SALib ignores a
    seed of 0). Assumptions are checked against the coin first, as for the uncertainty
    analysis; ``assumptions.samples`` is not used.
    """
    _check_n(n)
    plan = prepare(coin, assumptions)
    names, bounds, fixed = _factors(plan, assumptions)
    if not names:
        raise InputError(
            "nothing varies: give a weight noise above 0 or more than one normaliser, "
            "aggregator or imputation"
        )
    started = time.perf_counter()
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    import_seconds = time.perf_counter() - started
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    inputs = np.asarray(
        sample.sample(problem, n, calc_second_order=False, seed=assumptions.seed), dtype=float
    )
    output = np.asarray(_model(plan, names, inputs), dtype=float)
    varies = bool(np.nanstd(output) > 0) and not np.isnan(output).any()
    indices: dict[str, Any] = {}
    if varies:
        indices = analyze.analyze(
            problem,
            output,
            calc_second_order=False,
            num_resamples=NUM_RESAMPLES,
            conf_level=CONF_LEVEL,
            seed=assumptions.seed + 1,
        )
    rows = []
    for f, name in enumerate(names):
        row: dict[str, Any] = {"assumption": name}
        for key in ("S1", "S1_conf", "ST", "ST_conf"):
            row[key] = _number(indices[key][f]) if varies else None
        rows.append(row)
    labels = {name: [c.label for c in plan.choices[name]] for name in names if name in plan.choices}
    parameters = {
        **describe(plan, assumptions),
        "n": n,
        "runs": int(inputs.shape[0]),
        "factors": names,
        "bounds": {name: bound for name, bound in zip(names, bounds, strict=True)},
        "bounds_note": "a weight factor multiplies the nominal weight; a choice factor u picks "
        "level floor(u) of its levels",
        "levels": labels,
        "fixed": fixed,
        "output": OUTPUT,
        "output_mean": _number(np.nanmean(output)),
        "output_sd": _number(np.nanstd(output)),
        "design": "SALib sample.sobol (Saltelli, scrambled Sobol' sequence), "
        "calc_second_order=False",
        "estimator": "SALib analyze.sobol (Saltelli 2010 S1, Jansen ST)",
        "num_resamples": NUM_RESAMPLES,
        "conf_level": CONF_LEVEL,
        "bootstrap_seed": assumptions.seed + 1,
        "salib_import_seconds": round(import_seconds, 3),
    }
    parameters.pop("samples")  # the Monte Carlo sample size; the design size is ``runs``
    if not varies:
        parameters["note"] = (
            "the output is constant (or undefined) across runs, so the indices are undefined"
        )
    nominal = {f"weight:{plan.items[c].code}": float(plan.nominal_weights[c]) for c in plan.top}
    return SobolResult(
        rows, int(inputs.shape[0]), parameters, inputs, output, names, labels, nominal
    )
