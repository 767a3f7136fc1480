"""Statistical audit of a built index, after the OECD/JRC Handbook (steps 2, 4 and 7).

* :func:`availability`: how complete the data is, by indicator and by unit (step 2);
* :func:`correlations`: Pearson correlations between indicators and with the index, flags for
  collinear or negatively correlated siblings, and Cronbach's alpha of each aggregate (step 4);
* :func:`pca`: principal components of the normalised indicators (step 4);
* :func:`remove_one`: how ranks move when each top-level component is dropped (step 7).

The Monte Carlo uncertainty analysis is in :mod:`.uncertainty`, the Sobol' sensitivity
analysis in :mod:`.sensitivity`. Every value returned is JSON-serialisable: floats, ints,
strings, lists and dicts, with None where a figure is undefined (never NaN).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .coin import Coin, build
from .definition import Aggregate, Indicator
from .steps import Array
from .uncertainty import variant

#: Siblings correlated above this are flagged as collinear, below ``NEGATIVE`` as negative
#: (COINr's ``get_corr_flags`` defaults).
COLLINEAR = 0.9
NEGATIVE = -0.4


def _float(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


def pearson(a: Array, b: Array) -> float | None:
    """Pearson correlation over the units where both have a value; None if undefined."""
    both = ~np.isnan(a) & ~np.isnan(b)
    if both.sum() < 2:
        return None
    x, y = a[both] - a[both].mean(), b[both] - b[both].mean()
    scale = math.sqrt(float((x * x).sum()) * float((y * y).sum()))
    if scale == 0:
        return None
    return _float(np.clip((x * y).sum() / scale, -1.0, 1.0))


def cronbach_alpha(matrix: Array) -> float | None:
    """Cronbach's alpha of the columns of a units × items matrix (complete rows only).

    alpha = k / (k - 1) · (1 - Σ var(item) / var(Σ items)), sample variances; None with fewer
    than two items or two complete rows, or when the total does not vary.
    """
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    n, k = complete.shape
    if k < 2 or n < 2:
        return None
    total = complete.sum(axis=1).var(ddof=1)
    if total == 0:
        return None
    return _float(k / (k - 1) * (1.0 - complete.var(axis=0, ddof=1).sum() / total))


def availability(coin: Coin) -> dict[str, Any]:
    """Data availability of the raw data (every input unit), by indicator and by unit."""
    definition = coin.definition
    present = ~np.isnan(coin.raw)
    n_units, n_codes = present.shape
    by_indicator = [
        {
            "code": ind.code,
            "name": ind.name,
            "available": int(present[:, j].sum()),
            "missing": int(n_units - present[:, j].sum()),
            "fraction": _float(present[:, j].mean()) if n_units else None,
        }
        for j, ind in enumerate(definition.indicators)
    ]
    incomplete = [
        {
            "iso3": unit,
            "available": int(row.sum()),
            "fraction": float(row.mean()),
            "missing": [c for c, has in zip(coin.codes, row, strict=True) if not has],
        }
        for unit, row in zip(coin.input_units, present, strict=True)
        if not row.all()
    ]
    incomplete.sort(key=lambda r: (r["fraction"], r["iso3"]))
    imputed = coin.imputed
    return {
        "units": n_units,
        "indicators": n_codes,
        "cells": n_units * n_codes,
        "missing_cells": int((~present).sum()),
        "fraction": _float(present.mean()) if present.size else None,
        "by_indicator": by_indicator,
        "incomplete_units": incomplete,
        "min_coverage": float(definition.steps.screen.get("min_coverage", 0.0)),
        "screened_out": list(coin.screened_out),
        "imputation": definition.steps.impute.method,
        "imputed_cells": int(imputed.sum()) if imputed is not None else 0,
    }


def _descendants(coin: Coin, node: str) -> list[int]:
    """Columns of the indicators under ``node`` (all of them under the root)."""
    definition = coin.definition
    parents = {item.code: item.parent for item in definition.items()}
    columns = []
    for j, code in enumerate(coin.codes):
        parent = parents[code]
        while parent is not None and parent != node:
            parent = parents[parent]
        if parent == node:
            columns.append(j)
    return columns


def _children_matrix(coin: Coin, node: Aggregate) -> tuple[list[str], Array]:
    children: list[Indicator | Aggregate] = coin.definition.children(node.code)
    codes = [c.code for c in children]
    return codes, np.stack([coin.scores[c] for c in codes], axis=-1)


def correlations(coin: Coin) -> dict[str, Any]:
    """Pearson correlations on the normalised data, flags, and Cronbach's alpha per aggregate.

    ``indicators``: the indicator × indicator matrix (rows and columns as ``codes``);
    ``with_index`` and ``with_parent``: each indicator against the index and its parent;
    ``aggregates_with_index``: each aggregate below the root against the index; ``flags``:
    sibling indicators correlated above 0.9 (collinear) or below -0.4 (negative); ``cronbach``:
    alpha of each aggregate's children (their normalised or aggregated scores).
    """
    definition = coin.definition
    x = coin.datasets["normalised"]
    index = coin.scores[definition.root]
    codes = list(coin.codes)
    m = len(codes)
    matrix: list[list[float | None]] = [[None] * m for _ in range(m)]
    for a in range(m):
        for b in range(a, m):
            r = pearson(x[:, a], x[:, b])
            matrix[a][b] = matrix[b][a] = r
    parents = {i.code: i.parent for i in definition.indicators}
    flags = []
    for a in range(m):
        for b in range(a + 1, m):
            r = matrix[a][b]
            if r is None or parents[codes[a]] != parents[codes[b]]:
                continue
            if r > COLLINEAR or r < NEGATIVE:
                flags.append(
                    {
                        "a": codes[a],
                        "b": codes[b],
                        "parent": parents[codes[a]],
                        "r": r,
                        "flag": "collinear" if r > COLLINEAR else "negative",
                    }
                )
    return {
        "data": "normalised",
        "codes": codes,
        "indicators": matrix,
        "with_index": {c: pearson(x[:, j], index) for j, c in enumerate(codes)},
        "with_parent": {
            c: pearson(x[:, j], coin.scores[str(parents[c])]) for j, c in enumerate(codes)
        },
        "aggregates_with_index": {
            a.code: pearson(coin.scores[a.code], index)
            for a in definition.aggregates
            if a.code != definition.root
        },
        "flags": flags,
        "thresholds": {"collinear": COLLINEAR, "negative": NEGATIVE},
        "cronbach": {
            a.code: cronbach_alpha(_children_matrix(coin, a)[1]) for a in definition.aggregates
        },
    }


def pca(coin: Coin, node: str | None = None) -> dict[str, Any]:
    """Principal components of the normalised indicators under ``node`` (the root by default).

    PCA of the correlation matrix (indicators standardised) over the units with every value.
    ``eigenvalues`` and ``explained_variance_ratio`` from the largest; ``eigenvector`` is the
    first component (unit length, signed so that its entries sum to 0 or more) and
    ``loadings`` its entries × √eigenvalue, i.e. each indicator's correlation with the first
    component. Indicators that do not vary are left out and listed under ``constant``.
    """
    target = node or coin.definition.root
    columns = _descendants(coin, target)
    x = coin.datasets["normalised"][:, columns]
    x = x[~np.isnan(x).any(axis=1)]
    codes = [coin.codes[j] for j in columns]
    varies = x.std(axis=0) > 0 if len(x) > 1 else np.zeros(len(codes), dtype=bool)
    constant = [c for c, v in zip(codes, varies, strict=True) if not v]
    codes = [c for c, v in zip(codes, varies, strict=True) if v]
    result: dict[str, Any] = {
        "node": target,
        "codes": codes,
        "units": len(x),
        "basis": "correlation matrix of the normalised indicators, units with every value",
        "constant": constant,
        "eigenvalues": None,
        "explained_variance_ratio": None,
        "eigenvector": None,
        "loadings": None,
    }
    if not codes:
        return result
    corr = np.atleast_2d(np.corrcoef(x[:, varies], rowvar=False))
    values, vectors = np.linalg.eigh(corr)
    order = np.argsort(values)[::-1]
    values = np.clip(values[order], 0.0, None)
    vectors = vectors[:, order]
    first = vectors[:, 0] if vectors[:, 0].sum() >= 0 else -vectors[:, 0]
    result.update(
        eigenvalues=[float(v) for v in values],
        explained_variance_ratio=[float(v) for v in values / values.sum()],
        eigenvector={c: float(v) for c, v in zip(codes, first, strict=True)},
        loadings={c: float(v) for c, v in zip(codes, first * math.sqrt(values[0]), strict=True)},
    )
    return result


def _average_ranks(values: Array) -> Array:
    from scipy.stats import rankdata

    ranked: Array = rankdata(values, method="average")
    return ranked


def remove_one(coin: Coin) -> list[dict[str, Any]]:
    """Each top-level component dropped in turn (weight 0): how far the ranks move.

    Per component: mean and max absolute rank shift against the nominal ranks, and the
    Spearman correlation of the two rankings, over the units ranked in both (``units``).
    """
    definition = coin.definition
    nominal = coin.ranks()
    rows = []
    for child in definition.children(definition.root):
        dropped = build(
            variant(definition, weights={child.code: 0.0}),
            coin.raw,
            coin.input_units,
            groups=coin.groups,
            previous=coin.previous,
        ).ranks()
        pairs = [
            (float(a), float(b))
            for u, a in nominal.items()
            if a is not None and (b := dropped.get(u)) is not None
        ]
        shifts = np.array([abs(a - b) for a, b in pairs])
        spearman = None
        if len(pairs) > 1:
            before, after = np.array(pairs).T
            spearman = pearson(_average_ranks(before), _average_ranks(after))
        rows.append(
            {
                "component": child.code,
                "name": child.name,
                "weight": float(child.weight),
                "units": len(pairs),
                "mean_abs_shift": _float(shifts.mean()) if len(pairs) else None,
                "max_abs_shift": int(shifts.max()) if len(pairs) else None,
                "spearman": spearman,
            }
        )
    return rows
