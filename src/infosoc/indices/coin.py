"""A built composite index (a "coin", after COINr): data after every step, scores, and a log.

``build`` runs screen → impute → treat → normalise → aggregate and records each step's method
and parameters in ``log``; ``regen`` replays the log with one step changed, and ``compare``
sets two coins side by side, rank by rank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from ..errors import InputError
from ..ranks import competition_ranks
from .definition import IndexDefinition, Step
from .params import PARAMS, MinMax, Params, describe
from .steps import AGGREGATORS, IMPUTERS, NORMALISERS, TREATMENTS, Array, n_minmax


@dataclass(frozen=True)
class LogEntry:
    """One step as it ran: its name, method and parameters, and what it did."""

    step: str
    method: str
    params: dict[str, Any]
    note: str = ""


@dataclass
class Coin:
    """An index built from data: every intermediate data set, the scores and the log."""

    definition: IndexDefinition
    units: list[str]
    codes: list[str]
    raw: Array
    datasets: dict[str, Array] = field(default_factory=dict)
    imputed: npt.NDArray[np.bool_] | None = None
    scores: dict[str, Array] = field(default_factory=dict)
    log: list[LogEntry] = field(default_factory=list)
    screened_out: list[str] = field(default_factory=list)
    input_units: list[str] = field(default_factory=list)
    groups: list[str] | None = None
    previous: Array | None = None

    @property
    def root(self) -> str:
        return self.definition.root

    def index(self, node: str | None = None) -> dict[str, float | None]:
        """Score of every unit on a node (the index itself by default); None when missing."""
        values = self.scores[node or self.root]
        return {
            u: (None if np.isnan(v) else float(v)) for u, v in zip(self.units, values, strict=True)
        }

    def ranks(self, node: str | None = None) -> dict[str, int | None]:
        """Rank of every unit on a node: 1 for the highest score, ties sharing the best rank."""
        return competition_ranks(self.index(node))


def _weights(items: list[Any]) -> Array:
    return np.array([float(i.weight) for i in items], dtype=float)


def _methods(definition: IndexDefinition) -> list[tuple[str, str, type[Params]]]:
    """Every method the definition uses: its step, its name and its parameter model."""
    steps = definition.steps
    used = [(step, getattr(steps, step).method) for step in PARAMS]
    for ind in definition.indicators:
        for step in ("treat", "normalise"):
            spec = getattr(ind, step)
            if spec is not None:
                used.append((step, spec["method"]))
    for node in definition.aggregates:
        if node.aggregate is not None:
            used.append(("aggregate", node.aggregate["method"]))
    models = [(step, method, PARAMS[step][method]) for step, method in used]
    if any(node.rescale == "minmax" for node in definition.aggregates):
        models.append(("rescale", "minmax", MinMax))
    return models


def _check_units(definition: IndexDefinition, count: int, screened: int) -> None:
    """Refuse data with fewer units than a chosen method needs, before any step runs."""
    after = f" ({screened} screened out below min_coverage)" if screened else ""
    if count == 0:
        raise InputError(f"no unit is left to build '{definition.name}' from{after}")
    for step, method, model in _methods(definition):
        if count < model.min_units:
            raise InputError(
                f"{step} '{method}' needs at least {model.min_units} units ({model.why}), and "
                f"'{definition.name}' has {count}{after}"
            )


def _per_indicator(x: Array, definition: IndexDefinition, step: str, default: Step) -> Array:
    """Apply a step column by column, each indicator with its own method where it sets one."""
    registry = TREATMENTS if step == "treat" else NORMALISERS
    out = np.empty_like(x)
    for j, ind in enumerate(definition.indicators):
        spec = getattr(ind, step) or {"method": default.method, **default.params()}
        method = spec.get("method", "none")
        if method not in registry:
            raise InputError(f"{ind.code}: unknown {step} method '{method}'")
        params = {k: v for k, v in spec.items() if k != "method"}
        out[..., j : j + 1] = registry[method](x[..., j : j + 1], **params)
    return out


def build(
    definition: IndexDefinition,
    raw: Array,
    units: list[str],
    *,
    groups: list[str] | None = None,
    previous: Array | None = None,
) -> Coin:
    """Build an index from a units × indicators array (columns in the definition's order)."""
    codes = [i.code for i in definition.indicators]
    if raw.shape != (len(units), len(codes)):
        raise InputError(f"data has shape {raw.shape}, expected {(len(units), len(codes))}")
    coin = Coin(
        definition,
        list(units),
        codes,
        raw.astype(float),
        input_units=list(units),
        groups=groups,
        previous=previous,
    )
    steps = definition.steps

    coverage = np.mean(~np.isnan(raw), axis=1)
    keep = coverage >= steps.screen.get("min_coverage", 0.0)
    coin.screened_out = [u for u, k in zip(units, keep, strict=True) if not k]
    coin.units = [u for u, k in zip(units, keep, strict=True) if k]
    x = coin.raw[keep]
    coin.log.append(
        LogEntry(
            "screen",
            "coverage",
            dict(steps.screen),
            f"{len(coin.screened_out)} units below the minimum coverage",
        )
    )
    coin.datasets["screened"] = x
    _check_units(definition, len(coin.units), len(coin.screened_out))

    impute = IMPUTERS[steps.impute.method]
    kept_groups = [g for g, k in zip(groups, keep, strict=True) if k] if groups else None
    kept_previous = previous[keep] if previous is not None else None
    x, flags = impute(x, groups=kept_groups, previous=kept_previous, **steps.impute.params())
    coin.imputed = flags
    coin.log.append(
        LogEntry(
            "impute",
            steps.impute.method,
            steps.impute.params(),
            f"{int(flags.sum())} cells imputed",
        )
    )
    coin.datasets["imputed"] = x

    x = _per_indicator(x, definition, "treat", steps.treat)
    coin.log.append(LogEntry("treat", steps.treat.method, steps.treat.params()))
    coin.datasets["treated"] = x

    directions = np.array([i.direction for i in definition.indicators], dtype=float)
    x = _per_indicator(x * directions, definition, "normalise", steps.normalise)
    coin.log.append(LogEntry("normalise", steps.normalise.method, steps.normalise.params()))
    coin.datasets["normalised"] = x

    _aggregate(coin, x)
    coin.log.append(LogEntry("aggregate", steps.aggregate.method, steps.aggregate.params()))
    return coin


def _aggregate(coin: Coin, x: Array) -> None:
    """Score every node bottom-up, each with its own aggregator or the default one."""
    definition = coin.definition
    for j, ind in enumerate(definition.indicators):
        coin.scores[ind.code] = x[:, j]
    pending = list(definition.aggregates)
    while pending:
        ready = [
            a for a in pending if all(c.code in coin.scores for c in definition.children(a.code))
        ]
        if not ready:
            raise InputError("the hierarchy has a cycle")
        for node in ready:
            children = definition.children(node.code)
            matrix = np.stack([coin.scores[c.code] for c in children], axis=-1)
            default = definition.steps.aggregate
            spec = node.aggregate or {"method": default.method, **default.params()}
            params = {k: v for k, v in spec.items() if k != "method"}
            score = AGGREGATORS[spec.get("method", "arithmetic")](
                matrix, _weights(children), **params
            )
            if node.rescale == "minmax":
                score = n_minmax(score[:, None])[:, 0]
            coin.scores[node.code] = score
            pending.remove(node)


def regen(coin: Coin, step: str, **params: Any) -> Coin:
    """Rebuild the coin with one step changed (``method`` and/or parameters), the rest as logged."""
    steps = coin.definition.steps.model_copy(deep=True)
    if step == "screen":
        steps.screen = {**steps.screen, **params}
    elif step in ("impute", "treat", "normalise", "aggregate"):
        current: Step = getattr(steps, step)
        merged = {"method": current.method, **current.params(), **params}
        setattr(steps, step, Step(**merged))
    else:
        raise InputError(
            f"unknown step '{step}'; steps: screen, impute, treat, normalise, aggregate"
        )
    try:
        checked = type(steps).model_validate(steps.model_dump())
    except ValidationError as exc:
        raise InputError(f"{step}: {describe(exc)}") from None
    definition = coin.definition.model_copy(update={"steps": checked})
    return build(definition, coin.raw, coin.input_units, groups=coin.groups, previous=coin.previous)


def compare(a: Coin, b: Coin, node: str | None = None) -> list[dict[str, Any]]:
    """Two coins rank by rank: each unit's score and rank in both and the rank shift (b - a)."""
    ra, rb = a.ranks(node), b.ranks(node)
    sa, sb = a.index(node), b.index(node)
    rows = []
    for unit in sorted(set(ra) | set(rb), key=lambda u: (ra.get(u) or 10**9, u)):
        shift = rb[unit] - ra[unit] if ra.get(unit) and rb.get(unit) else None  # type: ignore[operator]
        rows.append(
            {
                "unit": unit,
                "score_a": sa.get(unit),
                "score_b": sb.get(unit),
                "rank_a": ra.get(unit),
                "rank_b": rb.get(unit),
                "rank_shift": shift,
            }
        )
    return rows
