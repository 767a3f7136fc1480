"""The indicators of an index, read from the store as a units × indicators array."""

from __future__ import annotations

import numpy as np

from ..errors import NotFoundError
from ..store import Store
from .definition import IndexDefinition
from .steps import Array


def load(store: Store, definition: IndexDefinition) -> tuple[Array, list[str], list[str]]:
    """The definition's indicators for its period: (data, units, what is missing).

    Units are the UN Member States (``members``), every country (``countries``) or a list.
    Missing values stay NaN; ``missing`` names each indicator the store lacks entirely.
    """
    period = definition.data.period
    codes = [i.code for i in definition.indicators]
    values: dict[tuple[str, str], float | None] = {}
    missing = []
    for code in codes:
        rows = store.series(code, period=period)
        if not rows:
            missing.append(code)
        for r in rows:
            values[(r["entity"], code)] = r["value"]
    if len(missing) == len(codes):
        raise NotFoundError(
            f"the store holds none of the indicators of '{definition.name}' for {period}: "
            + ", ".join(codes)
        )
    chosen = definition.data.units
    if isinstance(chosen, list):
        units = chosen
    else:
        flag = "un_member" if chosen == "members" else "kind = 'country'"
        units = [
            r["code"] for r in store.rows(f"SELECT code FROM entities WHERE {flag} ORDER BY code")
        ]
    with_data = [u for u in units if any(values.get((u, c)) is not None for c in codes)]
    data = np.array(
        [
            [np.nan if values.get((u, c)) is None else values[(u, c)] for c in codes]
            for u in with_data
        ],
        dtype=float,
    ).reshape(len(with_data), len(codes))
    return data, with_data, missing
