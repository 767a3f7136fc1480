"""Build an index from the store, compare it with what was published, and ask what-if."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError, NotFoundError
from ..i18n import N_
from ..sources.plausible import bound_of
from ..store import Store
from .coin import Coin, build
from .data import load, load_csv
from .definition import IndexDefinition


@dataclass
class Rebuild:
    """A coin built from the store, the indicators it had to leave out, and the comparison."""

    coin: Coin
    missing: list[str]
    comparison: dict[str, Any] = field(default_factory=dict)


def rebuild(store: Store | None, definition: IndexDefinition) -> Rebuild:
    """Build ``definition`` from the store (or its CSV file); leave out, and name, indicators
    that are missing altogether."""
    if definition.data.file is not None:
        data, units, missing = load_csv(Path(definition.data.file), definition)
    elif store is None:
        raise InputError(f"'{definition.name}' reads the store, and none was given")
    else:
        data, units, missing = load(store, definition)
    keep = [i for i, ind in enumerate(definition.indicators) if ind.code not in missing]
    if missing:
        definition = definition.model_copy(
            update={"indicators": [definition.indicators[i] for i in keep]}
        )
        data = data[:, keep]
    coin = build(definition, data, units)
    result = Rebuild(coin, missing)
    if definition.published is not None and store is not None:
        result.comparison = _compare_published(store, coin, definition)
    return result


def _compare_published(store: Store, coin: Coin, definition: IndexDefinition) -> dict[str, Any]:
    assert definition.published is not None
    code, period = definition.published.code, definition.published.period
    published = {r["entity"]: r["value"] for r in store.series(code, period=period)}
    ranks_published = {r["entity"]: r["value"] for r in store.series("egov.rank", period=period)}
    scores, ranks = coin.index(), coin.ranks()
    pairs = [
        (u, s, published[u])
        for u, s in scores.items()
        if s is not None and published.get(u) is not None
    ]
    if not pairs:
        return {"published": f"{code} {period}", "compared": 0}
    errors = [abs(s - p) for _, s, p in pairs]
    worst = max(pairs, key=lambda t: abs(t[1] - t[2]))
    out: dict[str, Any] = {
        "published": f"{code} {period}",
        "compared": len(pairs),
        "max_abs_error": max(errors),
        "max_abs_error_unit": worst[0],
        "mean_abs_error": float(np.mean(errors)),
        "correlation": float(np.corrcoef([s for _, s, _ in pairs], [p for *_, p in pairs])[0, 1]),
    }
    if code == "egov.egdi":
        differ = [u for u, _, _ in pairs if ranks.get(u) != ranks_published.get(u)]
        out["rank_differences"] = [
            {
                "unit": u,
                "rank": ranks[u],
                "published_rank": ranks_published.get(u),
                "reason": _swap_reason(u, scores, ranks, ranks_published),
            }
            for u in differ
        ]
    return out


#: What a what-if is, said with every answer (translated where it is shown).
WHATIF_NOTE = N_(
    "Counterfactual: only this unit's values changed; every other unit is held fixed, and the "
    "rescaled scores of all units move with it."
)


def whatif(coin: Coin, unit: str, changes: dict[str, float]) -> dict[str, Any]:
    """Change one unit's raw values, hold every other unit fixed, and rebuild: a counterfactual.

    Returns ``counterfactual`` (True), ``unit``, ``changed`` (each code's ``from`` and ``to``),
    ``scores`` (the unit's score on every aggregate, ``before`` and ``after``), ``rank``
    (``before``, ``after`` and ``of`` how many ranked), ``note``, and ``units``: every unit's
    ``score_before``, ``score_after``, ``rank_before`` and ``rank_after``, by its new rank.
    """
    if unit not in coin.input_units:
        raise NotFoundError(f"{unit} is not a unit of this index")
    unknown = [c for c in changes if c not in coin.codes]
    if unknown:
        raise InputError(
            f"unknown indicator {', '.join(unknown)}; this index has {', '.join(coin.codes)}"
        )
    for code, value in changes.items():
        if not math.isfinite(value):
            raise InputError(f"{code}: the new value must be a finite number")
        bound = bound_of(code)
        if bound is not None and not bound.admits(value):
            raise InputError(
                f"{code}: the new value {value:g} is not plausible: {bound.describe()}"
            )
    raw = coin.raw.copy()
    row = coin.input_units.index(unit)
    before = {
        c: (None if np.isnan(raw[row, j]) else float(raw[row, j])) for j, c in enumerate(coin.codes)
    }
    for code, value in changes.items():
        raw[row, coin.codes.index(code)] = value
    after = build(
        coin.definition, raw, coin.input_units, groups=coin.groups, previous=coin.previous
    )
    root = coin.root
    nodes = [n for n in coin.scores if n not in coin.codes]
    return {
        "counterfactual": True,
        "unit": unit,
        "changed": {c: {"from": before[c], "to": v} for c, v in changes.items()},
        "scores": {
            n: {"before": coin.index(n).get(unit), "after": after.index(n).get(unit)} for n in nodes
        },
        "rank": {
            "before": coin.ranks().get(unit),
            "after": after.ranks().get(unit),
            "of": sum(1 for v in after.index(root).values() if v is not None),
        },
        "note": WHATIF_NOTE,
        "units": _side_by_side(coin, after),
    }


def _side_by_side(before: Coin, after: Coin) -> list[dict[str, Any]]:
    """Every unit's score and rank in both coins, by its rank in ``after`` (unranked last)."""
    scores = (before.index(), after.index())
    ranks = (before.ranks(), after.ranks())
    units = dict.fromkeys([*before.units, *after.units])
    rows = [
        {
            "unit": u,
            "score_before": scores[0].get(u),
            "score_after": scores[1].get(u),
            "rank_before": ranks[0].get(u),
            "rank_after": ranks[1].get(u),
        }
        for u in units
    ]
    rows.sort(key=lambda r: (r["rank_after"] is None, r["rank_after"] or 0, r["unit"]))
    return rows


#: Components are published with 4 decimals, so a mean of them is uncertain by up to 1e-4.
ROUNDING = 1e-4


def _swap_reason(
    unit: str,
    scores: dict[str, float | None],
    ranks: dict[str, int | None],
    published: dict[str, float | None],
) -> str:
    """Why a rebuilt rank differs from the published one, when it is a near tie."""
    partner = next((u for u, r in ranks.items() if r == published.get(unit) and u != unit), None)
    own, other = scores.get(unit), scores.get(partner) if partner else None
    if partner is None or own is None or other is None:
        return "unexplained"
    gap = abs(own - other)
    if gap <= ROUNDING:
        return (
            f"near tie with {partner}: rebuilt scores differ by {gap:.1e}, within the rounding "
            "of the published components; the UN ranks on unrounded values"
        )
    return f"differs from {partner} by {gap:.1e}, more than rounding explains"
