"""Speed tiles summed up by group (region, and town or village): one Ibis expression, run by
DuckDB in this process or by another Ibis backend (Spark).

Every measure is test-weighted, as in Ookla's own tutorial: a tile's averages count as many
times as it had tests. Medians are exact weighted medians, the smallest tile average whose
cumulative test count reaches half of the group's tests. The shares "below a threshold"
are the shares of tests taken in tiles whose average download is below it; Ookla publishes
no single test, so the share of tests that were themselves slower cannot be known.

The tiles with their group keys are kept (a temporary table in DuckDB, a cached frame in
Spark); the sums and each median then read them. docs/internals/divide.md says why the
expression is shaped as it is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..sources.ookla_tiles import TileFile
    from .lookup import TileLookup

DEFAULT_THRESHOLDS_MBPS: tuple[float, ...] = (2, 10, 25, 100)
OUTSIDE = -1  # the group key of tiles in no region (or with no settlement class)
DEFAULT_MEDIAN_BINS = 16  # bins per unit of ln(1 + value) when the group sizes are unknown

# measure name -> (tile column, factor from the file's unit to the reported unit)
MEANS = {
    "mean_download_mbps": ("avg_d_kbps", 1e-3),
    "mean_upload_mbps": ("avg_u_kbps", 1e-3),
    "mean_latency_ms": ("avg_lat_ms", 1.0),
    "mean_latency_down_ms": ("avg_lat_down_ms", 1.0),
    "mean_latency_up_ms": ("avg_lat_up_ms", 1.0),
}
MEDIANS = {
    "median_download_mbps": ("avg_d_kbps", 1e-3),
    "median_upload_mbps": ("avg_u_kbps", 1e-3),
    "median_latency_ms": ("avg_lat_ms", 1.0),
}


def threshold_column(mbps: float) -> str:
    """The output column for the share of tests below ``mbps``: share_below_2_mbps, …"""
    return f"share_below_{mbps:g}_mbps".replace(".", "_")


@dataclass(frozen=True)
class Summary:
    """What to sum up: the group keys, the thresholds and the medians' first pass.

    ``only_inside`` leaves out the tiles outside every region before grouping (for the town
    and village figures of a whole country); ``median_bins`` is :func:`median_bins`'s.
    """

    by: tuple[str, ...]
    thresholds: tuple[float, ...]
    only_inside: bool = False
    median_bins: int = DEFAULT_MEDIAN_BINS


class Engine(Protocol):
    """Runs a :class:`Summary` of one tile file and its lookup."""

    def summarise(
        self, tiles: TileFile, lookup: TileLookup, query: Summary
    ) -> list[dict[str, Any]]:
        """One row per group: the keys of ``query.by`` (indices, :data:`OUTSIDE` for none)
        and every measure of :func:`region_summary`."""


class DuckDBEngine:
    """The default engine: the expression compiled to DuckDB SQL and run in process, on the
    tiles and the lookup in memory (each lookup row is the tile of the same row).

    The engine keeps one in-memory database, started on its first summary; each summary runs
    on a connection of its own to it, whose tables go when it closes. Compiling instead of
    using Ibis's DuckDB backend keeps pandas out of the process.
    """

    def __init__(self) -> None:
        self._database: Any = None

    def summarise(
        self, tiles: TileFile, lookup: TileLookup, query: Summary
    ) -> list[dict[str, Any]]:
        import duckdb

        if self._database is None:
            self._database = duckdb.connect()
            self._database.execute("SET enable_progress_bar = false")
        keys = [*query.by, *(["region"] if query.only_inside and "region" not in query.by else [])]
        table = tiles.table
        for key in keys:
            table = table.append_column(key, lookup.table.column(key))
        keep_sql, summary_sql = _duckdb_sql(
            tuple((f.name, f.type) for f in table.schema),
            query.by,
            query.thresholds,
            query.only_inside,
            query.median_bins,
        )
        with self._database.cursor() as con:
            con.register(_TILES, table)
            con.execute(f"CREATE TEMP TABLE {_KEPT} AS {keep_sql}")
            # A few thousand rows at most, fetched as Python values (a relation would plan
            # this long query twice); its 128-bit sums come back as plain ints.
            cursor = con.execute(summary_sql)
            names = [d[0] for d in cursor.description or []]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


_TILES, _KEPT = "tiles", "kept"  # the tables' names in DuckDB


@lru_cache(maxsize=32)
def _duckdb_sql(
    columns: tuple[tuple[str, Any], ...],
    by: tuple[str, ...],
    thresholds: tuple[float, ...],
    only_inside: bool,
    median_bins: int,
) -> tuple[str, str]:
    """The SQL that keeps the tiles with their group keys, and the SQL of the summary: it
    depends only on the columns and the options, so every quarter of a report shares it."""
    import ibis
    import pyarrow as pa

    raw = ibis.table(ibis.Schema.from_pyarrow(pa.schema(list(columns))), name=_TILES)
    if only_inside:
        raw = raw.filter(raw.region.notnull())
    tiles = normalise_tiles(raw, keep=by)
    # The measures and the group keys: the quadkey has done its work in the lookup.
    keyed = tiles.drop("quadkey").mutate(**{k: _group_key(tiles[k]) for k in by})
    kept = ibis.table(keyed.schema(), name=_KEPT)
    summary = region_summary(kept, by=by, thresholds=thresholds, median_bins=median_bins)
    return ibis.to_sql(keyed, dialect="duckdb"), ibis.to_sql(summary, dialect="duckdb")


class IbisEngine:
    """Any Ibis backend, e.g. ``IbisEngine(ibis.pyspark.connect(spark))``: the tile file and
    the lookup file are read by the backend and joined on the quadkey."""

    def __init__(self, con: Any) -> None:
        self.con = con

    def summarise(
        self, tiles: TileFile, lookup: TileLookup, query: Summary
    ) -> list[dict[str, Any]]:
        read = read_tiles(self.con, tiles.path)
        keys = self.con.read_parquet(str(lookup.path))
        joined = join_lookup(read, keys, query.by, only_inside=query.only_inside).cache()
        summary = region_summary(
            joined, by=query.by, thresholds=query.thresholds, median_bins=query.median_bins
        )
        result: list[dict[str, Any]] = summary.to_pyarrow().to_pylist()
        return result


def normalise_tiles(table: Any, keep: Sequence[str] = ()) -> Any:
    """An Ibis table of a tile file's raw columns, reduced to ``TILE_SCHEMA`` (plus the
    columns in ``keep``), with the columns a year lacks as nulls, never 0."""
    import ibis

    from ..sources.ookla_tiles import TILE_SCHEMA

    present = set(table.columns)
    columns = {
        name: table[name].cast(dtype) if name in present else ibis.null(dtype)
        for name, dtype in TILE_SCHEMA.items()
    }
    columns.update({name: table[name] for name in keep})
    return table.select(**columns)


def read_tiles(con: Any, path: Path) -> Any:
    """The tiles of one file as an Ibis table with exactly the columns of ``TILE_SCHEMA``.

    ``con`` is any Ibis backend that reads Parquet (DuckDB, PySpark). A column the file's year
    lacks (the loaded latencies before Q4 2022) is null. Ookla's own Parquet is read by the
    backend, after the checks of :func:`~infosoc.sources.ookla_tiles.check_tile_values`; the
    other layouts are read and checked here and handed over as an in-memory table.
    """
    import ibis

    from ..sources.ookla_tiles import check_tile_values, check_tiles_file, tile_table

    path = Path(path)
    info = check_tiles_file(path)
    if info.layout != "parquet":
        return normalise_tiles(ibis.memtable(tile_table(path)))
    check_tile_values(info)
    return normalise_tiles(con.read_parquet(str(path)))


def _group_key(column: Any) -> Any:
    """A lookup's group key as an int32, :data:`OUTSIDE` where it has none."""
    import ibis

    return ibis.coalesce(column.cast("int32"), ibis.literal(OUTSIDE, "int32"))


def join_lookup(tiles: Any, lookup: Any, by: Sequence[str], *, only_inside: bool = False) -> Any:
    """The tiles with their group keys, joined on the quadkey; a tile missing from the lookup
    is outside (:data:`OUTSIDE`). ``only_inside`` leaves out the tiles outside every region."""
    if only_inside:
        lookup = lookup.filter(lookup.region.notnull())
    keys = lookup.select(_quadkey=lookup.quadkey, **{k: lookup[k] for k in by})
    joined = tiles.left_join(keys, tiles.quadkey == keys._quadkey)
    measures = [c for c in tiles.columns if c != "quadkey"]
    return joined.select(*measures, **{k: _group_key(joined[k]) for k in by})


def _sums(t: Any, by: Sequence[str], thresholds: Sequence[float]) -> Any:
    import ibis

    w = t.tests
    metrics: dict[str, Any] = {"tests": w.sum(), "devices": t.devices.sum(), "tiles": t.count()}
    for name, (column, _) in MEANS.items():
        value = t[column]
        metrics[f"_sum_{name}"] = (value * w).sum()
        # Loaded latencies are missing for some tiles and whole years: weigh only the tests
        # that measured them.
        metrics[f"_w_{name}"] = ibis.ifelse(value.notnull(), w, 0).sum()
    for mbps in thresholds:
        slow = t.avg_d_kbps < mbps * 1000.0
        metrics[f"_slow_{threshold_column(mbps)}"] = ibis.ifelse(slow, w, 0).sum()
    return t.group_by(list(by)).aggregate(**metrics)


def median_bins(tiles_per_group: float) -> int:
    """Bins per unit of ln(1 + value) for the medians' first pass, from the tiles per group:
    a power of two from 2 to 16, about a third of the square root of the group's size.

    The first pass should leave far fewer bins than tiles, and the second sorts the tiles of
    one bin: about the square root balances the two. Any value gives the same, exact,
    medians; a power of two lets the quarters of one country share one compiled query.
    """
    ideal = math.sqrt(max(tiles_per_group, 1.0)) / 3.0
    return int(min(max(2 ** round(math.log2(max(ideal, 1.0))), 2), 16))


def _median_bin(v: Any, bins_per_unit: int) -> Any:
    """The bin of a value in the medians' first pass: ``bins_per_unit`` per unit of
    ln(1 + value), a monotone function of the value."""
    import ibis

    log_value = (ibis.greatest(v.cast("float64"), 0.0) + 1.0).ln()
    return (log_value * bins_per_unit).floor().cast("int32")


def _weighted_median(t: Any, by: Sequence[str], column: str, name: str, bins_per_unit: int) -> Any:
    """Exact test-weighted median of ``column`` per group, in two passes.

    The first pass counts tests in logarithmic bins and finds the bin where each group's
    cumulative count crosses one half; only the tiles of that bin are then sorted, group by
    group. Bins are a monotone function of the value, so the result is the exact median, not
    an approximation.
    """
    import ibis

    keys = list(by)
    v = t[column]
    bin_column = _median_bin(v, bins_per_unit)
    # The bins are counted and the chosen bin's tiles taken through two different filters,
    # each computing the bins: were both read from one filtered table, the SQL would share
    # it as a CTE, which DuckDB copies (all the tiles, for each median). The value's own
    # test: DuckDB's GREATEST skips a null, so a missing value would have bin 0.
    bins = (
        t.filter(v.notnull())
        .group_by([*keys, bin_column.name("bin")])
        .aggregate(bw=ibis.ifelse(t.tests > 0, t.tests, 0).sum())
    )
    values = t.filter(v.notnull() & (t.tests > 0)).select(
        *keys, v=v.cast("float64"), w=t.tests, bin=bin_column
    )
    running = ibis.window(group_by=keys, order_by=[bins.bin], preceding=None, following=0)
    whole = ibis.window(group_by=keys)
    bins = bins.mutate(cum=bins.bw.sum().over(running), tot=bins.bw.sum().over(whole))
    crossing = bins.filter(2 * bins.cum >= bins.tot).group_by(keys).aggregate(mbin=bins.bin.min())
    chosen = bins.join(
        crossing, [*(bins[k] == crossing[k] for k in keys), bins.bin == crossing.mbin]
    )
    # ``before``: the group's tests in the bins below the chosen one.
    chosen = chosen.select(
        *[bins[k] for k in keys], mbin=chosen.mbin, before=chosen.cum - chosen.bw, tot=chosen.tot
    )
    inside = values.join(
        chosen, [*(values[k] == chosen[k] for k in keys), values.bin == chosen.mbin]
    )
    inside = inside.select(
        *[values[k] for k in keys], v=inside.v, w=inside.w, before=inside.before, tot=inside.tot
    )
    order = ibis.window(group_by=keys, order_by=[inside.v], preceding=None, following=0)
    ranked = inside.mutate(cum=inside.before + inside.w.sum().over(order))
    return (
        ranked.filter(2 * ranked.cum >= ranked.tot)
        .group_by(keys)
        .aggregate(**{name: ranked.v.min()})
    )


def region_summary(
    joined: Any,
    *,
    by: Sequence[str] = ("region",),
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS_MBPS,
    median_bins: int = DEFAULT_MEDIAN_BINS,
) -> Any:
    """One row per group of ``by`` with every measure, from tiles with their group keys
    (``median_bins``: see :func:`median_bins`)."""
    import ibis

    sums = _sums(joined, by, thresholds)
    columns: dict[str, Any] = {k: sums[k] for k in by}
    columns.update(tests=sums.tests, devices=sums.devices, tiles=sums.tiles)
    for name, (_, factor) in MEANS.items():
        weight = sums[f"_w_{name}"]
        columns[name] = ibis.ifelse(
            weight > 0,
            sums[f"_sum_{name}"].cast("float64") / weight.cast("float64") * factor,
            ibis.null(),
        ).cast("float64")
    for mbps in thresholds:
        col = threshold_column(mbps)
        columns[col] = ibis.ifelse(
            sums.tests > 0,
            sums[f"_slow_{col}"].cast("float64") / sums.tests.cast("float64"),
            ibis.null(),
        ).cast("float64")
    result = sums.select(**columns)
    for name, (column, factor) in MEDIANS.items():
        median = _weighted_median(joined, by, column, name, median_bins)
        median = median.rename(**{f"_m_{k}": k for k in by})
        condition = [result[k] == median[f"_m_{k}"] for k in by]
        result = result.left_join(median, condition)
        result = result.mutate(**{name: (result[name] * factor).cast("float64")}).drop(
            *[f"_m_{k}" for k in by]
        )
    return result.order_by(list(by))
