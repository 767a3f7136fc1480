"""Reference for bench_divide.py: Ookla's own Python tutorial, on current geopandas.

Ookla's official tutorial (``tutorials/python/aggregate_by_county`` in
github.com/teamookla/ookla-open-data) reads a quarter's tiles as polygons, joins them to
county boundaries with ``gpd.sjoin(tiles, counties, how="inner", op="intersects")``, turns
kbit/s into Mbit/s and takes a test-weighted mean per county with ``np.average`` in a
``groupby(...).apply``. This is that approach, rewritten for geopandas 1.x (``predicate=``
instead of the removed ``op=``) and for the Parquet files (the tile polygons are built from
the WKT ``tile`` column), and extended the straightforward way to the measures infosoc
reports, so both sides compute the same figures: tests, devices and tiles per region,
test-weighted means of download, upload and latency, test-weighted medians of the same
(sort and cumulative sum per group: the smallest tile average whose cumulative test count
reaches half of the group's tests, infosoc's definition) and the shares of tests in tiles
below 2, 10, 25 and 100 Mbit/s.

It keeps the tutorial's flaw deliberately: an ``intersects`` join puts a tile that straddles
a boundary in every region it touches, so boundary tiles are counted twice (or more). The
result says how many tiles were double counted, and how many fell outside every region (the
inner join drops them silently). infosoc assigns each tile to the one region holding its
centre instead.

    .venv/bin/python benchmarks/tutorial_reference.py TILES.parquet REGIONS.geojson [--key name]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs here

THRESHOLDS_MBPS = (2, 10, 25, 100)


@dataclass
class Reference:
    """Rows per region (the tutorial's inner join: regions without a tile are absent)."""

    rows: list[dict[str, Any]]
    tiles: int  # tiles in the file
    matched: int  # distinct tiles that intersect at least one region
    double_counted: int  # distinct tiles that intersect two regions or more
    extra_rows: int  # rows the join added by counting a tile more than once

    @property
    def outside(self) -> int:
        """Tiles that intersect no region, dropped by the inner join."""
        return self.tiles - self.matched


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The smallest value whose cumulative weight reaches half the total, by a full sort."""
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(2 * cum, cum[-1])])


def region_measures(group: pd.DataFrame) -> pd.Series:
    """Every measure of one region's tiles, the way the tutorial computes its mean."""
    tests = group["tests"].to_numpy()
    measures: dict[str, Any] = {
        "tests": int(tests.sum()),
        "devices": int(group["devices"].sum()),
        "tiles": len(group),
        "mean_download_mbps": np.average(group["avg_d_mbps"], weights=tests),
        "mean_upload_mbps": np.average(group["avg_u_mbps"], weights=tests),
        "mean_latency_ms": np.average(group["avg_lat_ms"], weights=tests),
        "median_download_mbps": weighted_median(group["avg_d_mbps"].to_numpy(), tests),
        "median_upload_mbps": weighted_median(group["avg_u_mbps"].to_numpy(), tests),
        "median_latency_ms": weighted_median(group["avg_lat_ms"].to_numpy(), tests),
    }
    for mbps in THRESHOLDS_MBPS:
        slow = group["avg_d_mbps"].to_numpy() < mbps
        measures[f"share_below_{mbps}_mbps"] = tests[slow].sum() / tests.sum()
    return pd.Series(measures)


def aggregate(tiles_path: Path, regions_path: Path, key: str = "name") -> Reference:
    """The tutorial's aggregation of one tile file by the regions of a boundary file."""
    frame = pd.read_parquet(tiles_path)
    tiles = gpd.GeoDataFrame(
        frame.drop(columns="tile"), geometry=gpd.GeoSeries.from_wkt(frame["tile"]), crs=4326
    )
    regions = gpd.read_file(regions_path)[[key, "geometry"]].to_crs(4326)
    joined = gpd.sjoin(tiles, regions, how="inner", predicate="intersects")
    joined["avg_d_mbps"] = joined["avg_d_kbps"] / 1000
    joined["avg_u_mbps"] = joined["avg_u_kbps"] / 1000
    columns = ["tests", "devices", "avg_d_mbps", "avg_u_mbps", "avg_lat_ms"]
    stats = joined.groupby(key)[columns].apply(region_measures).reset_index()
    stats = stats.rename(columns={key: "region"})
    stats = stats.astype({"tests": "int64", "devices": "int64", "tiles": "int64"})
    per_tile = joined.index.value_counts()
    return Reference(
        rows=stats.to_dict("records"),
        tiles=len(tiles),
        matched=len(per_tile),
        double_counted=int((per_tile > 1).sum()),
        extra_rows=int(len(joined) - len(per_tile)),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("tiles", type=Path, help="tile file (Ookla's Parquet layout)")
    parser.add_argument("regions", type=Path, help="boundary file (GeoJSON, GeoPackage, …)")
    parser.add_argument("--key", default="name", help="the property naming a region")
    args = parser.parse_args()
    result = aggregate(args.tiles, args.regions, args.key)
    summary = {
        "tiles": result.tiles,
        "outside": result.outside,
        "double_counted": result.double_counted,
        "extra_rows": result.extra_rows,
        "rows": result.rows,
    }
    json.dump(summary, sys.stdout, indent=2, default=float)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
