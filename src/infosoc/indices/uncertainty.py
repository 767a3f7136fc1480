"""Monte Carlo uncertainty analysis of a composite index (OECD/JRC Handbook, step 7).

Each replication draws a set of assumptions: every weight multiplied by U[1 - noise, 1 + noise],
and one normaliser, one aggregator and one imputation from their alternatives. The index is
rebuilt under each draw, and every unit gets its nominal rank, its median and mean rank and the
5th and 95th percentiles of its ranks.

:func:`run` is vectorised: replications are grouped by their discrete choices, the data is
normalised once per choice, every replication of a group is aggregated at once with a batch of
weights, and all replications are ranked along the units axis in one call. :func:`run_naive`
rebuilds the coin once per replication with :func:`~infosoc.indices.coin.build`; it draws the
same parameters and gives the same ranks, and serves as the reference of the benchmarks.

Assumptions are checked against the coin before anything runs (:meth:`Assumptions.validate`):
an alternative that cannot apply is an :class:`~infosoc.errors.InputError`, never skipped.

An alternative is written ``method`` or ``method:param=value:param=value`` (for example
``geometric:zero_rule=shift`` or ``zscore:centre=10:scale=2``); ``nominal`` stands for the
coin's own choice.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import InputError
from .coin import Coin, build
from .definition import Aggregate, IndexDefinition, Indicator, Step
from .steps import AGGREGATORS, IMPUTERS, NORMALISERS, Array, n_minmax

Ranks = npt.NDArray[np.int32]
"""Ranks of units, replications × units: 1 = best, ties share the best rank, 0 = no rank."""

NOMINAL = "nominal"
QUANTILE_METHOD = "inverted_cdf"
"""q05 and q95 are ranks actually observed: the smallest rank r with P(rank ≤ r) ≥ p."""

#: How many (replication, unit, child) cells one batch of the general aggregator may hold.
_CHUNK_CELLS = 1 << 19
#: How many (replication, unit) cells one batch of replications may hold.
_CHUNK_ROWS_CELLS = 1 << 17
#: The fast aggregation paths sum children one by one, as numpy does below 8 terms.
_FAST_MAX_CHILDREN = 8

_STEP_NAMES = {"normaliser": "normalise", "aggregator": "aggregate", "imputation": "impute"}


def _default_normalisers() -> list[str]:
    return [NOMINAL, "minmax", "zscore:centre=10:scale=2"]


def _default_aggregators() -> list[str]:
    return [NOMINAL, "geometric:zero_rule=shift"]


@dataclass(frozen=True)
class Choice:
    """One alternative of a step: a method from its registry and the method's parameters."""

    method: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def label(self) -> str:
        return self.method + "".join(f":{k}={v}" for k, v in self.params)

    def kwargs(self) -> dict[str, Any]:
        return dict(self.params)

    def step(self) -> Step:
        return Step(method=self.method, **self.kwargs())

    @classmethod
    def of_step(cls, step: Step) -> Choice:
        return cls(step.method, tuple(sorted(step.params().items())))


def _value(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


def parse_choice(spec: str, what: str, registry: dict[str, Any], nominal: Step) -> Choice:
    """An alternative written ``method[:param=value...]``, or ``nominal``, as a :class:`Choice`."""
    if spec.strip() == NOMINAL:
        return Choice.of_step(nominal)
    method, *pairs = (part.strip() for part in spec.split(":"))
    if method not in registry:
        raise InputError(f"unknown {what} '{method}' in '{spec}'; known: {', '.join(registry)}")
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key.strip() or not text.strip():
            raise InputError(
                f"{what} '{spec}': write parameters as method:name=value, not '{pair}'"
            )
        params[key.strip()] = _value(text.strip())
    accepted = _parameters(registry[method])
    unknown = sorted(set(params) - accepted)
    if unknown:
        known = ", ".join(sorted(accepted)) or "none"
        raise InputError(
            f"{what} '{spec}': {method} takes no parameter {', '.join(unknown)} (it takes {known})"
        )
    return Choice(method, tuple(sorted(params.items())))


def _parameters(function: Any) -> set[str]:
    """The named parameters a step function takes, beyond its data and weights."""
    import inspect

    taken = inspect.signature(function).parameters.values()
    return {
        p.name
        for p in taken
        if p.kind is p.KEYWORD_ONLY
        or (p.kind is p.POSITIONAL_OR_KEYWORD and p.name not in {"x", "w"})
    }


@dataclass(frozen=True)
class Assumptions:
    """What a Monte Carlo replication may change, how many replications, and the seed.

    ``weight_noise``: every weight is multiplied by U[1 - noise, 1 + noise], independently per
    weight and replication. ``normalisers``, ``aggregators`` and ``imputations``: the
    alternatives drawn with equal probability: exactly those listed (``nominal`` is the coin's
    own choice; duplicates count once), or the nominal choice alone for an empty list. Imputation
    alternatives apply only to data with missing cells. The default normalisers keep the
    published scale, stretch each indicator to [0, 1] and equalise dispersions (z-scores with
    mean 10 and standard deviation 2, so that a geometric mean applies); the default
    aggregators are the nominal one and a geometric mean that adds 0.01 before taking logs
    (min-max normalisation gives the lowest unit a 0).
    """

    weight_noise: float = 0.25
    normalisers: list[str] = field(default_factory=_default_normalisers)
    aggregators: list[str] = field(default_factory=_default_aggregators)
    imputations: list[str] = field(default_factory=list)
    samples: int = 1000
    seed: int = 0

    def __post_init__(self) -> None:
        self._check_values()

    def _check_values(self) -> None:
        if not 0.0 <= self.weight_noise < 1.0:
            raise InputError(f"weight_noise must be in [0, 1), not {self.weight_noise}")
        if self.samples < 1:
            raise InputError(f"samples must be at least 1, not {self.samples}")
        if self.seed < 0:
            raise InputError(f"seed must be 0 or more, not {self.seed}")
        for name in ("normalisers", "aggregators", "imputations"):
            value = getattr(self, name)
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise InputError(f"{name} must be a list of method names")

    def validate(self, coin: Coin) -> None:
        """Raise :class:`InputError` (one line) for any alternative that cannot apply to ``coin``.

        Unknown methods, imputation on data without a missing cell, a step every indicator or
        aggregate overrides, and every combination of alternatives that fails on the data with
        the nominal weights (each is tried once) are all refused before anything runs.
        """
        _plan(coin, self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "weight_noise": self.weight_noise,
            "normalisers": list(self.normalisers),
            "aggregators": list(self.aggregators),
            "imputations": list(self.imputations),
            "samples": self.samples,
            "seed": self.seed,
        }


# the plan: everything resolved and checked before a replication runs --------------------------
@dataclass
class Plan:
    """The vectorised model of a coin under some assumptions, checked and ready to evaluate."""

    coin: Coin
    items: list[Indicator | Aggregate]
    """Every weighted node (each with a parent), indicators first: the columns of weights."""
    nominal_weights: Array
    top: list[int]
    """Columns of ``items`` that are children of the root (the top-level components)."""
    nodes: list[tuple[Aggregate, list[str], npt.NDArray[np.intp]]]
    """Aggregates bottom-up, each with its children's codes and their columns in ``items``."""
    choices: dict[str, list[Choice]]
    normalised: dict[tuple[int, int], Array]
    nominal_ranks: Ranks

    @property
    def order(self) -> npt.NDArray[np.intp]:
        """Units (their columns) from the best nominal rank to the worst, unranked last."""
        key = np.where(self.nominal_ranks > 0, self.nominal_ranks, np.iinfo(np.int32).max)
        return np.argsort(key, kind="stable")

    @property
    def units(self) -> list[str]:
        return self.coin.units


def _resolve(what: str, specs: list[str], registry: dict[str, Any], nominal: Step) -> list[Choice]:
    """The alternatives as written, each once; the nominal choice alone when none is given."""
    chosen: list[Choice] = []
    for spec in specs:
        choice = parse_choice(spec, what, registry, nominal)
        if choice not in chosen:
            chosen.append(choice)
    return chosen or [Choice.of_step(nominal)]


def _bottom_up(definition: IndexDefinition) -> list[Aggregate]:
    done = {i.code for i in definition.indicators}
    order: list[Aggregate] = []
    pending = list(definition.aggregates)
    while pending:
        ready = [a for a in pending if all(c.code in done for c in definition.children(a.code))]
        if not ready:
            raise InputError("the hierarchy has a cycle")
        for node in ready:
            order.append(node)
            done.add(node.code)
            pending.remove(node)
    return order


def variant(
    definition: IndexDefinition,
    *,
    weights: dict[str, float] | None = None,
    impute: Choice | None = None,
    normalise: Choice | None = None,
    aggregate: Choice | None = None,
) -> IndexDefinition:
    """The definition with other weights and/or other methods for some steps."""
    update: dict[str, Any] = {}
    if weights:
        update["indicators"] = [
            i.model_copy(update={"weight": weights[i.code]}) if i.code in weights else i
            for i in definition.indicators
        ]
        update["aggregates"] = [
            a.model_copy(update={"weight": weights[a.code]}) if a.code in weights else a
            for a in definition.aggregates
        ]
    steps: dict[str, Step] = {}
    for name, choice in (("impute", impute), ("normalise", normalise), ("aggregate", aggregate)):
        if choice is not None:
            steps[name] = choice.step()
    if steps:
        update["steps"] = definition.steps.model_copy(update=steps)
    return definition.model_copy(update=update)


def _rebuild(coin: Coin, definition: IndexDefinition) -> Coin:
    return build(definition, coin.raw, coin.input_units, groups=coin.groups, previous=coin.previous)


def nominal_ranks(coin: Coin) -> Ranks:
    """The coin's ranks of its own units as an array (0 where a unit has no rank)."""
    ranks = coin.ranks()
    return np.array([ranks[u] or 0 for u in coin.units], dtype=np.int32)


def _plan(coin: Coin, assumptions: Assumptions) -> Plan:
    assumptions._check_values()
    definition = coin.definition
    steps = definition.steps
    choices = {
        "imputation": _resolve("imputation", assumptions.imputations, IMPUTERS, steps.impute),
        "normaliser": _resolve("normaliser", assumptions.normalisers, NORMALISERS, steps.normalise),
        "aggregator": _resolve("aggregator", assumptions.aggregators, AGGREGATORS, steps.aggregate),
    }
    nominal_imputation = Choice.of_step(steps.impute)
    others = [c.label for c in choices["imputation"] if c != nominal_imputation]
    if others and not np.isnan(coin.datasets["screened"]).any():
        raise InputError(
            f"imputation alternatives ({', '.join(others)}) cannot apply: the data of "
            f"'{definition.name}' for {definition.data.period} has no missing cell after "
            "screening; leave the imputations empty"
        )
    if len(choices["normaliser"]) > 1 and all(i.normalise for i in definition.indicators):
        raise InputError(
            "normaliser alternatives cannot apply: every indicator sets its own normalisation"
        )
    if len(choices["aggregator"]) > 1 and all(a.aggregate for a in definition.aggregates):
        raise InputError(
            "aggregator alternatives cannot apply: every aggregate sets its own aggregation"
        )

    items: list[Indicator | Aggregate] = [i for i in definition.items() if i.parent is not None]
    column = {item.code: j for j, item in enumerate(items)}
    nodes = []
    for node in _bottom_up(definition):
        children = [c.code for c in definition.children(node.code)]
        nodes.append((node, children, np.array([column[c] for c in children], dtype=np.intp)))
    plan = Plan(
        coin=coin,
        items=items,
        nominal_weights=np.array([float(i.weight) for i in items], dtype=float),
        top=[column[c.code] for c in definition.children(definition.root)],
        nodes=nodes,
        choices=choices,
        normalised={},
        nominal_ranks=nominal_ranks(coin),
    )
    _normalise_all(plan)
    _try_aggregators(plan)
    return plan


def _context(plan: Plan, i: int, j: int) -> str:
    normaliser = f"normaliser '{plan.choices['normaliser'][j].label}'"
    if len(plan.choices["imputation"]) > 1:
        return f"imputation '{plan.choices['imputation'][i].label}' with {normaliser}"
    return normaliser


def _normalise_all(plan: Plan) -> None:
    """Impute and normalise once per pair of choices, and check each gives usable data."""
    coin = plan.coin
    nominal_lost = np.isnan(coin.datasets["normalised"]) & ~np.isnan(coin.datasets["treated"])
    for i, impute in enumerate(plan.choices["imputation"]):
        for j, normalise in enumerate(plan.choices["normaliser"]):
            definition = variant(coin.definition, impute=impute, normalise=normalise)
            try:
                built = _rebuild(coin, definition)
            except (InputError, TypeError, ValueError) as exc:  # a parameter of the wrong type
                raise InputError(f"{_context(plan, i, j)} cannot apply: {exc}") from exc
            x = built.datasets["normalised"]
            lost = np.isnan(x) & ~np.isnan(built.datasets["treated"]) & ~nominal_lost
            if lost.any():
                codes = sorted({coin.codes[k] for k in np.nonzero(lost)[1]})
                raise InputError(
                    f"{_context(plan, i, j)} cannot apply: it gives no value for "
                    f"{int(lost.sum())} cells of {', '.join(codes)} (an indicator constant "
                    "across units?)"
                )
            plan.normalised[(i, j)] = x


def _try_aggregators(plan: Plan) -> None:
    """Aggregate every combination once with the nominal weights; refuse any that fails."""
    ranked = plan.nominal_ranks > 0
    for (i, j), x in plan.normalised.items():
        for aggregate in plan.choices["aggregator"]:
            try:
                scores = _aggregate(plan, x, plan.nominal_weights[None, :], aggregate)[0]
            except (InputError, TypeError, ValueError) as exc:  # a parameter of the wrong type
                raise InputError(
                    f"aggregator '{aggregate.label}' cannot apply to the data with "
                    f"{_context(plan, i, j)}: {exc}"
                ) from exc
            lost = ranked & np.isnan(scores)
            if lost.any():
                units = [u for u, gone in zip(plan.units, lost, strict=True) if gone]
                raise InputError(
                    f"aggregator '{aggregate.label}' with {_context(plan, i, j)} gives no score "
                    f"to {len(units)} units that have one (e.g. {', '.join(units[:3])})"
                )


# the vectorised model ------------------------------------------------------------------------
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


def _aggregate(plan: Plan, x: Array, weights: Array, aggregate: Choice) -> Array:
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
            scores[chunk] = _aggregate(plan, plan.normalised[(i, j)], weights[chunk], aggregate)
    return scores


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
    """Rank every replication (row) of scores at once, with one sort along the units axis.

    ``hint``, the units in their nominal order, makes the (stable) sort faster when ranks move
    little; it never changes the result. Ranks are the same as
    :func:`infosoc.ranks.competition_ranks` gives one replication at a time.
    """
    negated = -np.atleast_2d(scores)
    if hint is not None:
        negated = np.take(negated, hint, axis=1)
    n_reps, n_units = negated.shape
    order = np.argsort(negated, axis=-1, kind="stable")
    rows = np.arange(0, n_reps * n_units, n_units, dtype=np.intp)[:, None]
    ordered = np.take(negated.ravel(), order + rows)
    positions = np.arange(1, n_units + 1, dtype=np.int32)
    new_run = ordered[:, 1:] != ordered[:, :-1]
    if new_run.all():  # no tie anywhere: ranks are the positions
        ranks = np.repeat(positions[None, :], n_reps, axis=0)
    else:
        starts = np.ones(ordered.shape, dtype=np.int32)
        starts[:, 1:] = np.where(new_run, positions[1:], 1)
        ranks = np.maximum.accumulate(starts, axis=-1)
    if np.isnan(ordered[:, -1]).any():  # NaN sorts last, so only then is any score missing
        ranks[np.isnan(ordered)] = 0
    return Ranking(np.take(hint, order) if hint is not None else order, ranks)


def competition_ranks(scores: Array) -> Ranks:
    """Ranks (replications × units) of each row of scores: 1 = highest, ties share, 0 = NaN."""
    return rank_scores(scores).matrix()


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


# draws and results ---------------------------------------------------------------------------
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


def prepare(coin: Coin, assumptions: Assumptions) -> Plan:
    """Check the assumptions against the coin and prepare the vectorised model."""
    return _plan(coin, assumptions)


def run(coin: Coin, assumptions: Assumptions) -> UncertaintyResult:
    """Monte Carlo uncertainty analysis, vectorised over replications."""
    plan = _plan(coin, assumptions)
    draws = draw(plan, assumptions)
    ranking = rank_scores(evaluate(plan, draws.weights, draws.choices), plan.order)
    return _result(plan, assumptions, draws, ranking, "vectorised")


def run_naive(coin: Coin, assumptions: Assumptions) -> UncertaintyResult:
    """The same analysis with one :func:`build` per replication: the straightforward reference."""
    plan = _plan(coin, assumptions)
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
        ranks[r] = nominal_ranks(_rebuild(coin, definition))
    ranking = Ranking.of_matrix(ranks)
    return _result(plan, assumptions, draws, ranking, "naive (one build per replication)")
