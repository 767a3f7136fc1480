"""The aggregation's exact weighted medians against numpy's weighted quantile."""

from __future__ import annotations

import functools
from typing import Any

import duckdb
import hypothesis.strategies as st
import ibis
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings

from infosoc.divide.aggregate import MEDIANS, region_summary

COLUMNS = ("avg_d_kbps", "avg_u_kbps", "avg_lat_ms", "avg_lat_down_ms", "avg_lat_up_ms")

# Few distinct values, several to a bin, so that ties and bins of mixed values are common;
# None is a missing average.
value = st.sampled_from([None, 0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 7.0, 7.5, 40.0, 1e3, 2.5e5])
row = st.fixed_dictionaries(
    {
        "region": st.integers(-1, 4),
        "settlement": st.integers(0, 1),
        "tests": st.integers(0, 6),
        **{c: value for c in COLUMNS},
    }
)


SCHEMA = pa.schema(
    [
        ("region", pa.int32()),
        ("settlement", pa.int32()),
        ("tests", pa.int64()),
        ("devices", pa.int64()),
        *((c, pa.float64()) for c in COLUMNS),
    ]
)


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist([{**r, "devices": r["tests"]} for r in rows], schema=SCHEMA)


@functools.cache
def _sql(by: tuple[str, ...], bins: int) -> str:
    joined = ibis.table(ibis.Schema.from_pyarrow(SCHEMA), name="joined")
    expr = region_summary(joined, by=by, median_bins=bins)
    return str(ibis.to_sql(expr, dialect="duckdb"))


@functools.cache
def _duckdb() -> Any:
    return duckdb.connect()


def _summary(table: pa.Table, by: tuple[str, ...], bins: int) -> list[dict]:
    con = _duckdb()
    con.register("joined", table)
    cursor = con.execute(_sql(by, bins))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def _oracle(rows: list[dict[str, Any]], column: str) -> float | None:
    """The smallest value whose cumulative tests reach half of the group's tests."""
    kept = [(r[column], r["tests"]) for r in rows if r[column] is not None and r["tests"] > 0]
    if not kept:
        return None
    values, weights = np.array(kept, dtype=float).T
    return float(np.quantile(values, 0.5, weights=weights, method="inverted_cdf"))


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(row, min_size=1, max_size=60),
    by=st.sampled_from([("region",), ("region", "settlement")]),
    bins=st.sampled_from([1, 2, 4, 16]),
)
def test_medians_equal_numpy_s_weighted_median(
    rows: list[dict[str, Any]], by: tuple[str, ...], bins: int
) -> None:
    got = {tuple(r[k] for k in by): r for r in _summary(_table(rows), by, bins)}
    groups: dict[tuple[int, ...], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(tuple(r[k] for k in by), []).append(r)
    assert set(got) == set(groups)
    for key, members in groups.items():
        for name, (column, factor) in MEDIANS.items():
            want = _oracle(members, column)
            have = got[key][name]
            if want is None:
                assert have is None, (key, name)
            else:
                assert have == pytest.approx(want * factor, rel=1e-12), (key, name)
