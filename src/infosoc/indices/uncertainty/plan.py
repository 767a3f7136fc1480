"""The plan of an uncertainty analysis: every alternative resolved and checked before a
replication runs.

An alternative is written ``method`` or ``method:param=value:param=value`` (for example
``geometric:zero_rule=shift`` or ``zscore:centre=10:scale=2``); ``nominal`` stands for the
coin's own choice. :func:`prepare` resolves the alternatives of some assumptions into
:class:`Choice` objects, imputes and normalises the data once per pair of choices, and tries
every aggregator once with the nominal weights, so that an alternative that cannot apply is an
:class:`~infosoc.errors.InputError` before anything runs, never skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ...errors import InputError
from ..coin import Coin, build
from ..definition import Aggregate, IndexDefinition, Indicator, Step
from ..params import check
from ..steps import AGGREGATORS, IMPUTERS, NORMALISERS, Array
from .model import aggregate_scores

if TYPE_CHECKING:
    from .assumptions import Assumptions

Ranks = npt.NDArray[np.int32]
"""Ranks of units, replications × units: 1 = best, ties share the best rank, 0 = no rank."""

NOMINAL = "nominal"
"""The alternative that stands for the coin's own choice of a step."""


@dataclass(frozen=True)
class Choice:
    """One alternative of a step: a method from its registry and the method's parameters."""

    method: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def label(self) -> str:
        """The choice as written: ``method`` or ``method:param=value...``."""
        return self.method + "".join(f":{k}={v}" for k, v in self.params)

    def kwargs(self) -> dict[str, Any]:
        """The parameters, as keyword arguments of the step's function."""
        return dict(self.params)

    def step(self) -> Step:
        """The choice as a step of a definition."""
        return Step(method=self.method, **self.kwargs())

    @classmethod
    def of_step(cls, step: Step) -> Choice:
        """The choice a definition's step makes."""
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
    try:
        check(_STEPS[what], method, params)
    except ValueError as exc:
        raise InputError(f"{what} '{spec}': {exc}") from None
    return Choice(method, tuple(sorted(params.items())))


#: The step of the definition each kind of alternative replaces.
_STEPS = {"imputation": "impute", "normaliser": "normalise", "aggregator": "aggregate"}


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
    """The alternatives of each step ("imputation", "normaliser", "aggregator"), each once."""
    normalised: dict[tuple[int, int], Array]
    """Data imputed and normalised under each pair (imputation, normaliser) of alternatives."""
    nominal_ranks: Ranks

    @property
    def order(self) -> npt.NDArray[np.intp]:
        """Units (their columns) from the best nominal rank to the worst, unranked last."""
        key = np.where(self.nominal_ranks > 0, self.nominal_ranks, np.iinfo(np.int32).max)
        return np.argsort(key, kind="stable")

    @property
    def units(self) -> list[str]:
        """The coin's units, in the order of the columns of scores and ranks."""
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


def rebuild_with(coin: Coin, definition: IndexDefinition) -> Coin:
    """``coin`` built again from its own data under another definition."""
    return build(definition, coin.raw, coin.input_units, groups=coin.groups, previous=coin.previous)


def nominal_ranks(coin: Coin) -> Ranks:
    """The coin's ranks of its own units as an array (0 where a unit has no rank)."""
    ranks = coin.ranks()
    return np.array([ranks[u] or 0 for u in coin.units], dtype=np.int32)


def prepare(coin: Coin, assumptions: Assumptions) -> Plan:
    """The vectorised model of ``coin`` under ``assumptions``, ready to evaluate.

    Raises :class:`~infosoc.errors.InputError` (one line) for any alternative that cannot apply:
    an unknown method or parameter, imputation on data without a missing cell, a step every
    indicator or aggregate overrides, and any combination of alternatives that fails on the
    data with the nominal weights.
    """
    assumptions.check_values()
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
                built = rebuild_with(coin, definition)
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
                scores = aggregate_scores(plan, x, plan.nominal_weights[None, :], aggregate)[0]
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
