"""The indicators of an index, read from the store as a units × indicators array."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InputError, NotFoundError
from ..store import Store
from .definition import IndexDefinition
from .steps import Array


def load(store: Store, definition: IndexDefinition) -> tuple[Array, list[str], list[str]]:
    """The definition's indicators for its period: (data, units, what is missing).

    Units are the UN Member States (``members``), every country (``countries``) or a list.
    Missing values stay NaN; ``missing`` names each indicator the store lacks entirely.
    """
    if definition.data.file is not None:
        return load_csv(Path(definition.data.file), definition)
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


def load_csv(path: Path, definition: IndexDefinition) -> tuple[Array, list[str], list[str]]:
    """Indicators from a CSV file: a ``unit`` column and one column per indicator code."""
    from ..sources.base import csv_rows, parse_number, read_local

    raw = read_local(path)
    header, rows = csv_rows(raw)
    codes = [i.code for i in definition.indicators]
    if "unit" not in header:
        raise InputError("missing column 'unit'", file=path.name, row=1, column="unit")
    missing = [c for c in codes if c not in header]
    units: list[str] = []
    data = []
    for line, fields in rows:
        if len(fields) != len(header):
            raise InputError(
                f"row has {len(fields)} fields, the header has {len(header)}",
                file=path.name,
                row=line,
            )
        record = dict(zip(header, fields, strict=True))
        unit = record["unit"].strip()
        if not unit or unit in units:
            raise InputError(
                f"unit '{unit}' is empty or repeated", file=path.name, row=line, column="unit"
            )
        units.append(unit)
        values = []
        for code in codes:
            number = parse_number(record.get(code, ""), file=path.name, row=line, column=code)
            values.append(np.nan if number is None else number)  # a real 0 stays 0
        data.append(values)
    if not units:
        raise InputError("the file has no data rows", file=path.name, row=2)
    return np.array(data, dtype=float), units, missing
