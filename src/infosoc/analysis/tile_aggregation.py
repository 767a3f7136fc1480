"""Speed tiles summed up by region: one Ibis expression that DuckDB and Spark both run.

Every measure is test-weighted, as in Ookla's own tutorial: a tile's averages count as many
times as it had tests. Medians are exact weighted medians, the smallest tile average whose
cumulative test count reaches half of the region's tests, computed with a window that both
engines translate. The shares "below a threshold" are the shares of tests taken in tiles
whose average download is below it; Ookla publishes no single test, so the share of tests
that were themselves slower cannot be known.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

DEFAULT_THRESHOLDS_MBPS: tuple[float, ...] = (2, 10, 25, 100)
_BINS_PER_E = 200.0  # median pre-pass: bins 0.5 % wide in ln(1 + value)
OUTSIDE_KEY = ""  # stands for "in no region" while grouping: a null key cannot be joined on

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


def _joined(tiles: Any, lookup: Any, by: Sequence[str]) -> Any:
    """Tiles with their lookup columns; a tile missing from the lookup is outside."""
    import ibis

    keys = lookup.select("quadkey", *by).rename(lookup_quadkey="quadkey")
    joined = tiles.left_join(keys, tiles.quadkey == keys.lookup_quadkey)
    return joined.mutate(
        **{k: ibis.coalesce(joined[k], ibis.literal(OUTSIDE_KEY)) for k in by}
    ).drop("lookup_quadkey")


def _sums(t: Any, by: Sequence[str], thresholds: Sequence[float]) -> Any:
    import ibis

    w = t.tests
    metrics: dict[str, Any] = {
        "tests": w.sum(),
        "devices": t.devices.sum(),
        "tiles": t.count(),
    }
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


def _weighted_median(t: Any, by: Sequence[str], column: str, name: str) -> Any:
    """Exact test-weighted median of ``column`` per group, in two passes.

    A full sort of every tile per group is what makes medians slow at world scale. The
    first pass counts tests in narrow logarithmic bins and finds the bin where each group's
    cumulative count crosses one half; only the tiles of that bin (about 1 % of them) are
    then sorted. Bins are a monotone function of the value, so the result is the exact
    median, not an approximation.
    """
    import ibis

    keys = list(by)
    v = t[column]
    log_value = (ibis.greatest(v.cast("float64"), 0.0) + 1.0).ln()
    values = t.filter(v.notnull() & (t.tests > 0)).select(
        *keys, v=v.cast("float64"), w=t.tests, bin=(log_value * _BINS_PER_E).floor().cast("int64")
    )
    bins = values.group_by([*keys, "bin"]).aggregate(bw=values.w.sum())
    running = ibis.window(group_by=keys, order_by=[bins.bin], preceding=None, following=0)
    whole = ibis.window(group_by=keys)
    bins = bins.mutate(cum=bins.bw.sum().over(running), tot=bins.bw.sum().over(whole))
    crossing = bins.filter(2 * bins.cum >= bins.tot).group_by(keys).aggregate(mbin=bins.bin.min())
    chosen = bins.join(
        crossing, [*(bins[k] == crossing[k] for k in keys), bins.bin == crossing.mbin]
    )
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
    tiles: Any,
    lookup: Any,
    *,
    by: Sequence[str] = ("region",),
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS_MBPS,
) -> Any:
    """An Ibis table with one row per group of ``by`` (lookup columns) and every measure.

    ``tiles`` has the normalised tile columns (sources.ookla_tiles.read_tiles) and
    ``lookup`` the columns quadkey and ``by``. Groups of tiles outside every region carry
    the key ``OUTSIDE_KEY``.
    """
    import ibis

    t = _joined(tiles, lookup, by)
    sums = _sums(t, by, thresholds)
    columns: dict[str, Any] = {k: sums[k] for k in by}
    columns.update(tests=sums.tests, devices=sums.devices, tiles=sums.tiles)
    for name, (_, factor) in MEANS.items():
        weight = sums[f"_w_{name}"]
        columns[name] = ibis.ifelse(
            weight > 0, sums[f"_sum_{name}"] / weight.cast("float64") * factor, ibis.null()
        ).cast("float64")
    for mbps in thresholds:
        col = threshold_column(mbps)
        columns[col] = ibis.ifelse(
            sums.tests > 0, sums[f"_slow_{col}"] / sums.tests.cast("float64"), ibis.null()
        ).cast("float64")
    result = sums.select(**columns)
    for name, (column, factor) in MEDIANS.items():
        median = _weighted_median(t, by, column, name)
        median = median.rename(**{f"_m_{k}": k for k in by})
        condition = [result[k] == median[f"_m_{k}"] for k in by]
        result = result.left_join(median, condition)
        result = result.mutate(**{name: (result[name] * factor).cast("float64")}).drop(
            *[f"_m_{k}" for k in by]
        )
    return result.order_by(list(by))
