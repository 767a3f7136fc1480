"""The divide's aggregation against an independent, straightforward computation."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

shapely = pytest.importorskip("shapely")

from infosoc.divide.indicators import DivideOptions, aggregate_regions, divide_indicators  # noqa: E402
from infosoc.errors import InputError  # noqa: E402
from infosoc.geo.regions import load_regions  # noqa: E402
from tests.synthetic_tiles import synthetic_tiles, write_tiles  # noqa: E402

KZ_BBOX = (46.5, 40.5, 87.5, 55.5)


def _geojson(path: Path, shapes: dict[str, Any]) -> Path:
    features = [
        {"type": "Feature", "properties": {"name": k}, "geometry": shapely.geometry.mapping(g)}
        for k, g in shapes.items()
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _boxes(tmp_path: Path) -> Path:
    """Three regions sharing borders, covering part of Kazakhstan's box (the rest is outside)."""
    return _geojson(
        tmp_path / "boxes.geojson",
        {
            "west": shapely.box(46.5, 40.5, 60.0, 55.5),
            "middle": shapely.box(60.0, 40.5, 72.0, 50.0),
            "east": shapely.box(72.0, 40.5, 80.0, 55.5),
        },
    )


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The smallest value whose cumulative weight reaches half of the total."""
    return float(np.quantile(values, 0.5, weights=weights, method="inverted_cdf"))


def reference(
    tiles: pa.Table, shapes: list[tuple[str, Any]], thresholds: tuple[float, ...]
) -> dict:
    """Centroid of each tile's WKT polygon in the first region that covers it, then plain
    weighted sums; written without any of infosoc's tile code."""
    polygons = shapely.from_wkt(tiles.column("tile").to_pylist())
    centroids = shapely.centroid(polygons)
    region = np.full(len(centroids), None, dtype=object)
    for key, geom in reversed(shapes):  # the first region listed wins a shared border
        region[shapely.covers(geom, centroids)] = key
    cols = {
        c: np.asarray(tiles.column(c).to_numpy(zero_copy_only=False), float)
        for c in ("avg_d_kbps", "avg_u_kbps", "avg_lat_ms", "tests", "devices")
    }
    out: dict[Any, dict[str, float]] = {}
    for key in [k for k, _ in shapes] + [None]:
        m = np.array([r == key for r in region])
        if not m.any():
            continue
        w = cols["tests"][m]
        row = {
            "tests": w.sum(),
            "devices": cols["devices"][m].sum(),
            "tiles": float(m.sum()),
            "mean_download_mbps": np.average(cols["avg_d_kbps"][m], weights=w) / 1000,
            "mean_upload_mbps": np.average(cols["avg_u_kbps"][m], weights=w) / 1000,
            "mean_latency_ms": np.average(cols["avg_lat_ms"][m], weights=w),
            "median_download_mbps": _weighted_median(cols["avg_d_kbps"][m], w) / 1000,
            "median_upload_mbps": _weighted_median(cols["avg_u_kbps"][m], w) / 1000,
            "median_latency_ms": _weighted_median(cols["avg_lat_ms"][m], w),
        }
        for t in thresholds:
            row[f"share_below_{t:g}_mbps"] = w[cols["avg_d_kbps"][m] < t * 1000].sum() / w.sum()
        out[key] = row
    return out


def _compare(rows: list[dict], expected: dict) -> None:
    got = {r["region"]: r for r in rows if r["tiles"]}
    assert set(got) == set(expected)
    for key, want in expected.items():
        for column, value in want.items():
            assert got[key][column] == pytest.approx(value, rel=1e-9, abs=1e-12), (key, column)


@pytest.mark.parametrize("seed", [1, 2])
def test_equals_independent_computation_on_boxes(tmp_path: Path, seed: int) -> None:
    table = synthetic_tiles(20_000, seed=seed, year=2023)
    write_tiles(table, tmp_path / "t.parquet")
    regions = load_regions(_boxes(tmp_path))
    agg = aggregate_regions(
        tmp_path / "t.parquet",
        regions,
        cache_dir=tmp_path / "c",
        options=DivideOptions(min_tests=0),
    )
    shapes = list(zip(regions.keys, regions.geometries, strict=True))
    _compare(agg.rows, reference(table, shapes, (2, 10, 25, 100)))


def test_equals_independent_computation_on_kazakhstan(tmp_path: Path, snapshot: Path) -> None:
    table = synthetic_tiles(8_000, seed=7, bbox=KZ_BBOX, cities=40)
    write_tiles(table, tmp_path / "t.parquet")
    regions = load_regions(snapshot / "geo" / "OSMB-KZ_obl_sh-i.geojson", "name")
    agg = aggregate_regions(
        tmp_path / "t.parquet",
        regions,
        cache_dir=tmp_path / "c",
        options=DivideOptions(min_tests=0),
    )
    shapes = list(zip(regions.keys, regions.geometries, strict=True))
    _compare(agg.rows, reference(table, shapes, (2, 10, 25, 100)))


@pytest.mark.parametrize("bins", [1, 2, 4, 16])
def test_medians_are_exact_whatever_the_bins_of_their_first_pass(tmp_path: Path, bins: int) -> None:
    from infosoc.divide.aggregate import DuckDBEngine, Summary
    from infosoc.divide.lookup import lookup_table
    from infosoc.sources.ookla_tiles import read_tile_file

    table = synthetic_tiles(6_000, seed=11, year=2023)
    write_tiles(table, tmp_path / "t.parquet")
    regions = load_regions(_boxes(tmp_path))
    tiles = read_tile_file(tmp_path / "t.parquet")
    lookup = lookup_table(tiles, regions, tmp_path / "c")
    query = Summary(("region",), (2, 10, 25, 100), median_bins=bins)
    rows = DuckDBEngine().summarise(tiles, lookup, query)
    for row in rows:
        row["region"] = None if row["region"] == -1 else regions.keys[row["region"]]
    shapes = list(zip(regions.keys, regions.geometries, strict=True))
    _compare(rows, reference(table, shapes, (2, 10, 25, 100)))


def test_the_medians_first_pass_has_about_the_square_root_of_a_group_s_tiles_in_bins() -> None:
    from infosoc.divide.aggregate import median_bins

    assert median_bins(0) == 2 and median_bins(220) == 4 and median_bins(2_200) == 16
    assert median_bins(1e9) == 16
    assert median_bins(500) == median_bins(625)  # two quarters, one compiled query
    sizes = [0, 10, 100, 1_000, 10_000, 100_000]
    assert [median_bins(n) for n in sizes] == sorted(median_bins(n) for n in sizes)


def test_every_tile_counted_once_and_outside_reported(tmp_path: Path) -> None:
    table = synthetic_tiles(5_000, seed=3)
    write_tiles(table, tmp_path / "t.parquet")
    agg = aggregate_regions(
        tmp_path / "t.parquet", load_regions(_boxes(tmp_path)), cache_dir=tmp_path
    )
    assert sum(r["tiles"] for r in agg.rows) == 5_000
    assert sum(r["tests"] for r in agg.rows) == pa.compute.sum(table.column("tests")).as_py()
    outside = [r for r in agg.rows if r["region"] is None]
    assert len(outside) == 1 and outside[0]["tiles"] > 0
    assert agg.totals["outside_tiles"] == outside[0]["tiles"]


def test_tile_on_a_shared_border_goes_to_the_first_region(tmp_path: Path) -> None:
    # Two regions meeting on the line through a tile's centre: the tile is counted once.
    table = synthetic_tiles(1, seed=0, bbox=(60.0, 45.0, 60.05, 45.05))
    write_tiles(table, tmp_path / "t.parquet")
    centre = shapely.centroid(shapely.from_wkt(table.column("tile")[0].as_py()))
    x = centre.x
    path = _geojson(
        tmp_path / "r.geojson",
        {"a": shapely.box(50, 40, x, 50), "b": shapely.box(x, 40, 70, 50)},
    )
    rows = aggregate_regions(
        tmp_path / "t.parquet",
        load_regions(path),
        cache_dir=tmp_path,
        options=DivideOptions(min_tests=0),
    ).rows
    assert [(r["region"], r["tiles"]) for r in rows] == [("a", 1), ("b", 0)]


def test_small_regions_are_not_reported_and_show_no_zero(tmp_path: Path) -> None:
    write_tiles(synthetic_tiles(3_000, seed=4), tmp_path / "t.parquet")
    path = _geojson(
        tmp_path / "r.geojson",
        {"big": shapely.box(46.5, 40.5, 87.5, 55.5), "empty": shapely.box(0, 0, 1, 1)},
    )
    rows = aggregate_regions(
        tmp_path / "t.parquet",
        load_regions(path),
        cache_dir=tmp_path,
        options=DivideOptions(min_tests=10**9),
    ).rows
    by = {r["region"]: r for r in rows}
    assert by["empty"]["tiles"] == 0 and by["empty"]["mean_download_mbps"] is None
    assert by["big"]["tests"] > 0 and by["big"]["median_download_mbps"] is None
    assert not by["big"]["reported"] and "fewer than" in by["big"]["note"]


def test_lookup_is_computed_once_and_reused(tmp_path: Path) -> None:
    write_tiles(synthetic_tiles(2_000, seed=5), tmp_path / "t.parquet")
    regions = load_regions(_boxes(tmp_path))
    first = aggregate_regions(tmp_path / "t.parquet", regions, cache_dir=tmp_path / "c")
    second = aggregate_regions(tmp_path / "t.parquet", regions, cache_dir=tmp_path / "c")
    assert not first.lookup.reused and second.lookup.reused
    assert first.rows == second.rows
    # Another boundary set is another lookup.
    other = _geojson(tmp_path / "o.geojson", {"all": shapely.box(40, 40, 90, 56)})
    third = aggregate_regions(tmp_path / "t.parquet", load_regions(other), cache_dir=tmp_path / "c")
    assert not third.lookup.reused and third.totals["outside_tiles"] == 0


def test_a_damaged_cached_lookup_is_computed_again(tmp_path: Path) -> None:
    write_tiles(synthetic_tiles(2_000, seed=9), tmp_path / "t.parquet")
    regions = load_regions(_boxes(tmp_path))
    first = aggregate_regions(tmp_path / "t.parquet", regions, cache_dir=tmp_path / "c")
    first.lookup.path.write_bytes(b"PAR1 not a lookup any more")
    again = aggregate_regions(tmp_path / "t.parquet", regions, cache_dir=tmp_path / "c")
    assert not again.lookup.reused and again.rows == first.rows
    assert aggregate_regions(
        tmp_path / "t.parquet", regions, cache_dir=tmp_path / "c"
    ).lookup.reused


def test_a_lookup_that_cannot_be_saved_is_an_error_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    write_tiles(synthetic_tiles(500, seed=10), tmp_path / "t.parquet")
    regions = load_regions(_boxes(tmp_path))
    monkeypatch.setattr(pq, "write_table", disk_full)
    with pytest.raises(OSError, match="No space left"):
        aggregate_regions(tmp_path / "t.parquet", regions, cache_dir=tmp_path / "c")
    assert [p.name for p in (tmp_path / "c").rglob("*")] == ["lookups"]


def test_each_file_and_each_set_of_options_gets_its_own_figures(tmp_path: Path) -> None:
    write_tiles(synthetic_tiles(2_000, seed=6), tmp_path / "a.parquet")
    write_tiles(synthetic_tiles(2_500, seed=7), tmp_path / "b.parquet")
    regions = load_regions(_boxes(tmp_path))
    first = aggregate_regions(tmp_path / "a.parquet", regions, cache_dir=tmp_path / "c")
    other_file = aggregate_regions(tmp_path / "b.parquet", regions, cache_dir=tmp_path / "c")
    assert first.rows != other_file.rows  # another quarter's figures, not the first one's
    fresh = aggregate_regions(tmp_path / "a.parquet", regions, cache_dir=tmp_path / "d")
    assert fresh.rows == first.rows
    options = DivideOptions(thresholds_mbps=(5.0,))
    changed = aggregate_regions(
        tmp_path / "a.parquet", regions, cache_dir=tmp_path / "c", options=options
    )
    assert "share_below_5_mbps" in changed.rows[0] and "share_below_2_mbps" not in changed.rows[0]


def test_missing_loaded_latency_is_missing_not_zero(tmp_path: Path) -> None:
    write_tiles(synthetic_tiles(2_000, seed=6, year=2019), tmp_path / "t.parquet")
    rows = aggregate_regions(
        tmp_path / "t.parquet",
        load_regions(_boxes(tmp_path)),
        cache_dir=tmp_path,
        options=DivideOptions(min_tests=0),
    ).rows
    assert all(r["mean_latency_down_ms"] is None for r in rows)
    assert all(r["mean_latency_ms"] is not None for r in rows if r["tiles"])


def test_repeated_quadkeys_are_an_error(tmp_path: Path) -> None:
    table = synthetic_tiles(100, seed=8)
    pq.write_table(pa.concat_tables([table, table.slice(0, 1)]), tmp_path / "t.parquet")
    with pytest.raises(InputError, match="more than once") as info:
        aggregate_regions(
            tmp_path / "t.parquet", load_regions(_boxes(tmp_path)), cache_dir=tmp_path
        )
    assert info.value.file and info.value.column == "quadkey"


def test_divide_indicators_leave_out_unreported_regions() -> None:
    rows = [
        {"region": "a", "tests": 100, "mean_download_mbps": 50.0},
        {"region": "b", "tests": 300, "mean_download_mbps": 10.0},
        {"region": "c", "tests": 5, "mean_download_mbps": None},
        {"region": None, "tests": 9, "mean_download_mbps": 99.0},
    ]
    out = divide_indicators(rows, "mean_download_mbps")
    assert out["regions"] == 2 and out["left_out"] == ["c"]
    assert out["best_region"] == "a" and out["worst_region"] == "b"
    assert out["best_to_worst"] == pytest.approx(5.0)
    # Weighted by tests: mean 20, so Gini = 100·300·40·2 / (2·400²·20).
    assert out["gini"] == pytest.approx(100 * 300 * 40 * 2 / (2 * 400**2 * 20))
    pop = divide_indicators(rows, "mean_download_mbps", weighting="population", population={"a": 1})
    assert pop["regions"] == 1 and pop["gini"] is None and set(pop["left_out"]) == {"b", "c"}
    assert math.isfinite(out["theil"]) and out["theil"] > 0


def test_the_front_door_gives_the_rows_of_the_aggregation(tmp_path: Path) -> None:
    from infosoc.divide import Divide

    write_tiles(synthetic_tiles(2_000, seed=14), tmp_path / "t.parquet")
    boxes = _boxes(tmp_path)
    rows = Divide(tmp_path / "home", None).aggregate(tmp_path / "t.parquet", regions=boxes)
    expected = aggregate_regions(
        tmp_path / "t.parquet", load_regions(boxes), cache_dir=tmp_path / "other"
    )
    assert rows == expected.rows
    totals = {k: int(rows.metadata[k]) for k in ("tiles", "tests", "outside_tiles")}
    assert totals == expected.totals and rows.metadata["lookup_reused"] == "false"
    assert "CC BY-NC-SA" in rows.metadata["source"]


def test_with_both_files_wrong_the_regions_error_is_the_one_reported(tmp_path: Path) -> None:
    from infosoc.divide import Divide

    (tmp_path / "tiles.parquet").write_text("not parquet")
    (tmp_path / "regions.geojson").write_text("{not json")
    with pytest.raises(InputError) as caught:
        Divide(tmp_path / "home", None).aggregate(
            tmp_path / "tiles.parquet", regions=tmp_path / "regions.geojson"
        )
    assert "regions.geojson" in str(caught.value) and "tiles.parquet" not in str(caught.value)
