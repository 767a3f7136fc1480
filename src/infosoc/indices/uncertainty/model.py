"""The vectorised model of an uncertainty analysis: index scores of many replications at once.

Replications are grouped by their discrete choices; the data of each group is already
normalised (by the plan), and every replication of a group is aggregated in one batch of
weights. Scores are, bit for bit, those :func:`~infosoc.indices.coin.build` gives one
replication at a time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ...errors import InputError
from ..steps import AGGREGATORS, Array, n_minmax

if TYPE_CHECKING:
    from .plan import Choice, Plan


#: How many (replication, unit, child) cells one batch of the general aggregator may hold.
_CHUNK_CELLS = 1 << 19
#: How many (replication, unit) cells one batch of replications may hold.
_CHUNK_ROWS_CELLS = 1 << 17
#: The fast aggregation paths sum children one by one, as numpy does below 8 terms.
_FAST_MAX_CHILDREN = 8


def _zero_rule_error(method: str, params: dict[str, Any], lowest: float) -> InputError:
    rule = params.get("zero_rule", "error")
    shift = params.get("shift", 0.01)
    if rule == "shift":
        return InputError(
            f"a {method} mean with zero_rule 'shift' needs values above -{shift}, and the "
            f"lowest is {lowest:.4g}: raise the shift ('{method}:zero_rule=shift:shift=…'), "
            f"use '{method}:zero_rule=floor', or a normaliser without negative values "
            "('minmax' or 'zscore:centre=10:scale=2')"
        )
    return InputError(
        f"a {method} mean needs values above 0, and the lowest is {lowest:.4g} (min-max "
        f"normalisation gives 0 to the lowest unit): write '{method}:zero_rule=shift' (adds "
        f"0.01 first) or '{method}:zero_rule=floor', or normalise to [1, 100] "
        "('minmax:low=1:high=100')"
    )


def _guard(method: str, params: dict[str, Any], columns: list[Array]) -> None:
    """Refuse inputs a mean would mishandle: ≤ 0 for a geometric or harmonic mean, and so on.

    The aggregators of ``steps`` raise on values ≤ 0 under zero_rule 'error' but, under 'shift',
    quietly treat values still ≤ 0 after the shift as 1; this makes every such case an error.
    """
    if method == "arithmetic":
        return
    p = float(params.get("p", 2.0))
    rule = params.get("zero_rule", "error")
    if rule == "floor":
        return
    lowest = min(float(np.nanmin(c)) if not np.isnan(c).all() else np.inf for c in columns)
    shift = float(params.get("shift", 0.01)) if rule == "shift" else 0.0
    if method in ("geometric", "harmonic") or (method == "power" and p == 0):
        if lowest + shift <= 0:
            raise _zero_rule_error("power" if method == "power" else method, params, lowest)
    elif method == "power" and (lowest < 0 or (p < 0 and lowest <= 0)):
        raise InputError(
            f"a power mean of order {p:g} needs values above 0, and the lowest is "
            f"{lowest:.4g}: write 'power:p={p:g}:zero_rule=floor' or use a normaliser "
            "without negative values ('minmax')"
        )


def _weighted_sum(columns: list[Array], w: Array) -> Array:
    """Σ_j columns[j] · w[:, j], summed in the order numpy sums fewer than 8 terms."""
    total = np.multiply(columns[0], w[:, 0, None])
    term = np.empty_like(total)
    for j in range(1, len(columns)):
        np.multiply(columns[j], w[:, j, None], out=term)
        total += term
    return total


def _sum_weights(w: Array) -> Array:
    total = w[:, 0].copy()
    for j in range(1, w.shape[1]):
        total += w[:, j]
    return np.where(total > 0, total, np.nan)


def _combine(columns: list[Array], w: Array, method: str, params: dict[str, Any]) -> Array:
    """Aggregate children (each units, or replications × units) with weights (reps × children).

    Gives, bit for bit, what the registry's aggregator gives one replication at a time; the
    arithmetic and geometric means on complete data take a fast path without a 3-d array.
    """
    _guard(method, params, columns)
    rule = params.get("zero_rule", "error")
    fast = (
        method in ("arithmetic", "geometric")
        and len(columns) < _FAST_MAX_CHILDREN
        and rule in ("error", "shift")
        and not any(np.isnan(c).any() for c in columns)
    )
    if fast and method == "arithmetic":
        result = _weighted_sum(columns, w)
        result /= _sum_weights(w)[:, None]
        return result
    if fast:
        shift = float(params.get("shift", 0.01))
        logs = [np.log(c + shift if rule == "shift" else c) for c in columns]
        result = _weighted_sum(logs, w)
        result /= _sum_weights(w)[:, None]
        np.exp(result, out=result)
        if rule == "shift":
            result -= shift
        return result
    units = columns[0].shape[-1]
    out = np.empty((w.shape[0], units))
    step = max(1, _CHUNK_CELLS // (units * len(columns)))
    for start in range(0, w.shape[0], step):
        rows = slice(start, start + step)
        block = w[rows]
        shape = (block.shape[0], units)
        matrix = np.stack(
            [np.broadcast_to(c[rows] if c.ndim == 2 else c, shape) for c in columns], axis=-1
        )
        out[rows] = AGGREGATORS[method](matrix, block, **params)
    return out


def aggregate_scores(plan: Plan, x: Array, weights: Array, aggregate: Choice) -> Array:
    """Index scores (replications × units) of normalised data under a batch of weights."""
    definition = plan.coin.definition
    scores: dict[str, Array] = {code: x[:, j] for j, code in enumerate(plan.coin.codes)}
    for node, children, columns in plan.nodes:
        if node.aggregate:
            params = {k: v for k, v in node.aggregate.items() if k != "method"}
            method = node.aggregate.get("method", "arithmetic")
        else:
            method, params = aggregate.method, aggregate.kwargs()
        score = _combine([scores[c] for c in children], weights[:, columns], method, params)
        if score.ndim == 1:
            score = np.broadcast_to(score, (weights.shape[0], score.shape[0]))
        if node.rescale == "minmax":
            score = n_minmax(score[..., None])[..., 0]
        scores[node.code] = score
    return scores[definition.root]


def evaluate(plan: Plan, weights: Array, choices: npt.NDArray[np.intp]) -> Array:
    """Index scores (replications × units) for weights (reps × items) and choices (reps × 3).

    ``choices`` holds, per replication, the index of its imputation, normaliser and aggregator.
    Replications are grouped by their choices; each group is aggregated in one batch.
    """
    n_norm = len(plan.choices["normaliser"])
    n_agg = len(plan.choices["aggregator"])
    keys = (choices[:, 0] * n_norm + choices[:, 1]) * n_agg + choices[:, 2]
    scores = np.empty((weights.shape[0], len(plan.units)))
    step = max(1, _CHUNK_ROWS_CELLS // len(plan.units))  # batches that stay in the CPU cache
    for key in np.unique(keys):
        rows = np.flatnonzero(keys == key)
        i, rest = divmod(int(key), n_norm * n_agg)
        j, k = divmod(rest, n_agg)
        aggregate = plan.choices["aggregator"][k]
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            scores[chunk] = aggregate_scores(
                plan, plan.normalised[(i, j)], weights[chunk], aggregate
            )
    return scores
