"""Competition ranks, as publishers compute them: the largest value first, ties sharing the best
rank (1, 2, 2, 4), and no rank for a missing value.

One rule, in two shapes: :func:`competition_ranks` ranks the values of a mapping (a country's
EGDI, a speed per country), :func:`competition_ranks_by_row` ranks every row of a matrix at once
(the replications of a Monte Carlo analysis), and :func:`competition_order` gives each row's
columns from best to worst with their ranks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # numpy is imported by the functions on arrays only: it is not needed to start
    import numpy as np
    import numpy.typing as npt

K = TypeVar("K")


def competition_ranks(values: Mapping[K, float | None]) -> dict[K, int | None]:
    """Each key's rank by descending value; ties share the best rank; None or NaN gets None."""
    present = sorted(
        (v for v in values.values() if v is not None and not math.isnan(v)), reverse=True
    )
    first_at: dict[float, int] = {}
    for position, value in enumerate(present, start=1):
        first_at.setdefault(value, position)
    return {
        k: (first_at[v] if v is not None and not math.isnan(v) else None) for k, v in values.items()
    }


def competition_order(
    scores: npt.NDArray[np.float64], hint: npt.NDArray[np.intp] | None = None
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int32]]:
    """Every row of ``scores`` (a vector is one row) ranked: ``(columns, ranks)``.

    ``columns[r, p]`` is the column at position ``p`` of row ``r``, from the highest score to the
    lowest, and ``ranks[r, p]`` its competition rank; a NaN score comes last, with rank 0.
    ``hint``, the columns in an order close to the expected one, can make the sort faster; it
    never changes the ranks.
    """
    import numpy as np

    negated = -np.atleast_2d(scores)
    if hint is not None:
        negated = np.take(negated, hint, axis=1)
    n_rows, n_columns = negated.shape
    # a stable sort: equal scores keep their column order, so the result is reproducible
    order = np.argsort(negated, axis=-1, kind="stable")
    rows = np.arange(0, n_rows * n_columns, n_columns, dtype=np.intp)[:, None]
    ordered = np.take(negated.ravel(), order + rows)
    positions = np.arange(1, n_columns + 1, dtype=np.int32)
    new_run = ordered[:, 1:] != ordered[:, :-1]
    if new_run.all():  # no tie anywhere: ranks are the positions
        ranks = np.repeat(positions[None, :], n_rows, axis=0)
    else:  # a tie takes the position where its run of equal scores starts
        starts = np.ones(ordered.shape, dtype=np.int32)
        starts[:, 1:] = np.where(new_run, positions[1:], 1)
        ranks = np.maximum.accumulate(starts, axis=-1)
    if np.isnan(ordered[:, -1]).any():  # NaN sorts last, so only then is any score missing
        ranks[np.isnan(ordered)] = 0
    columns = np.take(hint, order) if hint is not None else order
    return columns, ranks


def competition_ranks_by_row(scores: npt.NDArray[np.float64]) -> npt.NDArray[np.int32]:
    """The competition rank of every cell within its row (rows × columns; 0 for NaN)."""
    import numpy as np

    columns, ranks = competition_order(scores)
    out = np.empty_like(ranks)
    np.put_along_axis(out, columns, ranks, axis=-1)
    return out
