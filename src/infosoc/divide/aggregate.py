"""Speed tiles summed up by region: Ibis expressions that DuckDB and Spark both run.

Every measure is test-weighted, as in Ookla's own tutorial: a tile's averages count as many
times as it had tests. Medians are exact weighted medians, the smallest tile average whose
cumulative test count reaches half of the region's tests. The shares "below a threshold"
are the shares of tests taken in tiles whose average download is below it; Ookla publishes
no single test, so the share of tests that were themselves slower cannot be known.

The tiles are joined to the lookup once and the joined table is kept (a temporary table in
DuckDB, a cached frame in Spark); the sums and each median then read it, not the files. On
DuckDB the expressions are compiled to SQL once per process for each set of file columns and
options.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

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
    """What to summarise: a tile file, its lookup table, the groups and the options.

    ``only_inside`` drops the tiles outside every region before grouping (for the town and
    village figures of a whole country).
    """

    tiles_path: Path
    lookup_path: Path
    by: tuple[str, ...]
    thresholds: tuple[float, ...]
    only_inside: bool = False
    median_bins: int = DEFAULT_MEDIAN_BINS
    #: The lookup as an Arrow table, when it is in memory (just computed): DuckDB reads it
    #: there instead of reading the file back.
    lookup_table: Any = field(default=None, compare=False)
    #: The tile file's columns in memory (sources.ookla_tiles.tile_table), read there by
    #: DuckDB instead of the file.
    tiles_table: Any = field(default=None, compare=False)


class DuckDBEngine:
    """The default engine: Ibis expressions compiled to DuckDB SQL and run in-process.

    Compiling instead of using Ibis's DuckDB backend keeps pandas out of the process (a
    second of start-up), and lets tiles be joined on their row number in the file. The SQL
    depends only on the files' columns and the options, so it is compiled once per process
    for each such combination (Ibis takes a few tenths of a second to build and compile it;
    a report on several quarters would pay that for each).
    """

    def __init__(self) -> None:
        from ..scratch import scratch_duckdb

        self.con = scratch_duckdb()

    def summarise(self, query: Summary) -> list[dict[str, Any]]:
        """Rows of :func:`region_summary` for one tile file and its lookup table."""
        import pyarrow.parquet as pq

        from ..sources.ookla_tiles import is_ookla_parquet, tile_table

        tiles_path, lookup_path, in_memory = query.tiles_path, query.lookup_path, query.lookup_table
        tiles = query.tiles_table
        if tiles is None and not is_ookla_parquet(tiles_path):
            # GeoJSON, or Parquet without quadkeys: read whole, rows numbered as in the lookup.
            tiles = tile_table(tiles_path)
        keep_sql, summary_sql = _duckdb_sql(
            _file_columns(tiles.schema)
            if tiles is not None
            else _columns(pq.read_schema(tiles_path)),
            _columns(in_memory.schema if in_memory is not None else pq.read_schema(lookup_path)),
            query.by,
            query.thresholds,
            query.only_inside,
            query.median_bins,
        )
        try:
            self._attach(_TILES, tiles, tiles_path, numbered=True)
            self._attach(_LOOKUP, in_memory, lookup_path)
            # The joined tiles are kept: the sums and each median read them, not the files.
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {_JOINED} AS {keep_sql}")
            # A few thousand rows at most, fetched as Python values: a relation (con.sql)
            # would bind and plan this long query twice, a few hundredths of a second. Its
            # 128-bit sums come back as plain ints.
            cursor = self.con.execute(summary_sql)
            names = [d[0] for d in cursor.description or []]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            # The connection is shared with later work (see infosoc.scratch): the joined
            # tiles, a gigabyte for a world quarter, must not outlive the summary.
            self.con.execute(f"DROP TABLE IF EXISTS {_JOINED}")
            self._detach(_LOOKUP, in_memory)
            self._detach(_TILES, tiles)
        return rows

    def _attach(self, name: str, table: Any, path: Path, *, numbered: bool = False) -> None:
        """``name``: the Arrow ``table`` when it is in memory, else a view on the file at
        ``path`` (``numbered``: with each row's position as ``file_row_number``)."""
        if table is not None:
            self.con.register(name, table)
            return
        option = ", file_row_number = true" if numbered else ""
        self.con.execute(
            f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM "
            f"read_parquet({_literal(path)}{option})"
        )

    def _detach(self, name: str, table: Any) -> None:
        """Undo :meth:`_attach`."""
        if table is not None:
            self.con.unregister(name)
        else:
            self.con.execute(f"DROP VIEW IF EXISTS {name}")


_TILES, _LOOKUP, _JOINED = "tiles", "lookup", "joined"  # their names in DuckDB, dropped after


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _file_columns(schema: Any) -> tuple[tuple[str, Any], ...]:
    """The columns of a tile table in memory as those of its file (without the row number the
    file's reader adds)."""
    return tuple((f.name, f.type) for f in schema if f.name != "file_row_number")


def _columns(schema: Any) -> tuple[tuple[str, Any], ...]:
    """A Parquet schema as a hashable key: (name, Arrow type) pairs."""
    return tuple((field.name, field.type) for field in schema)


@lru_cache(maxsize=32)
def _duckdb_sql(
    tile_columns: tuple[tuple[str, Any], ...],
    lookup_columns: tuple[tuple[str, Any], ...],
    by: tuple[str, ...],
    thresholds: tuple[float, ...],
    only_inside: bool,
    median_bins: int,
) -> tuple[str, str]:
    """The SQL that keeps the joined tiles, and the SQL of the summary."""
    import ibis
    import pyarrow as pa

    from ..sources.ookla_tiles import normalise_tiles

    raw = ibis.table(
        ibis.Schema.from_pyarrow(pa.schema([*tile_columns, ("file_row_number", pa.int64())])),
        name=_TILES,
    )
    tiles = normalise_tiles(raw.rename(row="file_row_number"), keep=("row",))
    lookup = ibis.table(ibis.Schema.from_pyarrow(pa.schema(list(lookup_columns))), name=_LOOKUP)
    joined = join_lookup(tiles, lookup, by, "row", only_inside=only_inside)
    kept = ibis.table(joined.schema(), name=_JOINED)
    summary = region_summary(
        kept, by=by, thresholds=thresholds, median_bins=median_bins, partitioned=False
    )
    return ibis.to_sql(joined, dialect="duckdb"), ibis.to_sql(summary, dialect="duckdb")


class IbisEngine:
    """Any Ibis backend, e.g. ``IbisEngine(ibis.pyspark.connect(spark))``: joined on the
    quadkey, since such an engine need not number a file's rows."""

    def __init__(self, con: Any) -> None:
        self.con = con

    def summarise(self, query: Summary) -> list[dict[str, Any]]:
        """Rows of :func:`region_summary` for one tile file and its lookup table."""
        from ..sources.ookla_tiles import read_tiles

        lookup = self.con.read_parquet(str(query.lookup_path))
        tiles = read_tiles(self.con, query.tiles_path)
        joined = join_lookup(
            tiles, lookup, query.by, "quadkey", only_inside=query.only_inside
        ).cache()  # read by the sums and by each median
        summary = region_summary(
            joined, by=query.by, thresholds=query.thresholds, median_bins=query.median_bins
        )
        result: list[dict[str, Any]] = summary.to_pyarrow().to_pylist()
        return result


def engine_for(con: Any | None) -> DuckDBEngine | IbisEngine:
    """DuckDB in-process by default; an Ibis connection runs there instead."""
    return DuckDBEngine() if con is None else IbisEngine(con)


def join_lookup(
    tiles: Any, lookup: Any, by: Sequence[str], on: str, *, only_inside: bool = False
) -> Any:
    """The tiles with their group keys; a tile missing from the lookup is outside (-1).

    ``only_inside`` leaves out the tiles outside every region (for the town and village
    figures of a whole country).
    """
    import ibis

    if only_inside:
        lookup = lookup.filter(lookup.region.notnull())
    keys = lookup.select(**{"_key": lookup[on]}, **{k: lookup[k] for k in by})
    joined = tiles.left_join(keys, tiles[on] == keys["_key"])
    measures = [c for c in tiles.columns if c not in ("quadkey", "row")]
    return joined.select(
        *measures,
        **{k: ibis.coalesce(joined[k].cast("int32"), ibis.literal(OUTSIDE, "int32")) for k in by},
    )


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
    """Bins per unit of ln(1 + value) for the medians' first pass, from the tiles per group.

    The first pass should leave far fewer bins than tiles, and the second sorts the tiles of
    one bin: about the square root of the group's size balances the two. Measured on the
    benchmark's world files: 4 or 5 per unit fastest at 220 tiles per group, 12 to 20 at
    2,200 (with 20 at 220, nearly every tile had a bin of its own). Snapped to a power of two
    so that quarters of one country share one compiled query.
    """
    ideal = math.sqrt(max(tiles_per_group, 1.0)) / 3.0
    return int(min(max(2 ** round(math.log2(max(ideal, 1.0))), 2), 16))


def _median_bin(v: Any, bins_per_unit: int) -> Any:
    """The bin of a value in the medians' first pass: ``bins_per_unit`` per unit of
    ln(1 + value), a monotone function of the value."""
    import ibis

    log_value = (ibis.greatest(v.cast("float64"), 0.0) + 1.0).ln()
    return (log_value * bins_per_unit).floor().cast("int32")


def _weighted_median(
    t: Any,
    by: Sequence[str],
    column: str,
    name: str,
    bins_per_unit: int,
    *,
    partitioned: bool = True,
) -> Any:
    """Exact test-weighted median of ``column`` per group, in two passes.

    A full sort of every tile per group is what makes medians slow at world scale. The
    first pass counts tests in logarithmic bins and finds the bin where each group's
    cumulative count crosses one half; only the tiles of that bin (a few % of them) are
    then sorted. Bins are a monotone function of the value, so the result is the exact
    median, not an approximation.

    ``partitioned`` sorts the second pass group by group (a window per group), which a
    distributed engine spreads over its workers. Without it the chosen tiles of all groups
    are summed in one running total, in group order: on one machine that is cheaper than
    thousands of small windows, and each group's share is that total less the chosen tiles
    of the groups before it.
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
    # ``before``: the group's tests below the chosen bin, less (without ``partitioned``) the
    # chosen tiles of the groups sorted before it, which the running total also counts.
    before = chosen.cum - chosen.bw
    if not partitioned:
        groups_before = ibis.window(order_by=[chosen[k] for k in keys], preceding=None, following=0)
        before = before - (chosen.bw.sum().over(groups_before) - chosen.bw)
    chosen = chosen.select(
        *[bins[k] for k in keys], mbin=chosen.mbin, before=before, tot=chosen.tot
    )
    inside = values.join(
        chosen, [*(values[k] == chosen[k] for k in keys), values.bin == chosen.mbin]
    )
    inside = inside.select(
        *[values[k] for k in keys], v=inside.v, w=inside.w, before=inside.before, tot=inside.tot
    )
    if partitioned:
        order = ibis.window(group_by=keys, order_by=[inside.v], preceding=None, following=0)
    else:
        order = ibis.window(
            order_by=[*(inside[k] for k in keys), inside.v], preceding=None, following=0
        )
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
    partitioned: bool = True,
) -> Any:
    """One row per group of ``by`` with every measure, from tiles joined to their groups
    (``median_bins``: see :func:`median_bins`; any value gives the same, exact, medians;
    ``partitioned``: see :func:`_weighted_median`, the same medians either way)."""
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
        median = _weighted_median(joined, by, column, name, median_bins, partitioned=partitioned)
        median = median.rename(**{f"_m_{k}": k for k in by})
        condition = [result[k] == median[f"_m_{k}"] for k in by]
        result = result.left_join(median, condition)
        result = result.mutate(**{name: (result[name] * factor).cast("float64")}).drop(
            *[f"_m_{k}" for k in by]
        )
    return result.order_by(list(by))


def summarise_file(
    engine: DuckDBEngine | IbisEngine,
    tiles_path: Path,
    lookup_path: Path,
    *,
    by: Sequence[str],
    thresholds: Sequence[float],
    only_inside: bool = False,
    lookup_table: Any = None,
    tiles_table: Any = None,
    tiles_per_group: float | None = None,
) -> list[dict[str, Any]]:
    """Rows of :func:`region_summary` for one tile file and its lookup table (see
    :class:`Summary` for ``only_inside``, ``lookup_table`` and ``tiles_table``);
    ``tiles_per_group``, when known, sizes the medians' first pass."""
    bins = DEFAULT_MEDIAN_BINS if tiles_per_group is None else median_bins(tiles_per_group)
    return engine.summarise(
        Summary(
            tiles_path,
            lookup_path,
            tuple(by),
            tuple(thresholds),
            only_inside,
            bins,
            lookup_table=lookup_table,
            tiles_table=tiles_table,
        )
    )
