"""Synthetic Ookla-like speed tiles, for tests and benchmarks that must not need the real ones.

The tiles are zoom-16, clustered round Pareto-weighted "cities" with a thin rural scatter
between them, and carry the columns of Ookla's parquet files with the distributions of
docs/stack.md §8. Nothing here is data: it only has the shape of data.
"""

from __future__ import annotations

import math
from os import PathLike
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from infosoc.divide.quadkeys import MAX_LAT, encode_quadkeys, lonlat_to_tiles, tile_bounds
from infosoc.errors import InputError

ZOOM = 16
KAZAKHSTAN_BBOX = (46.5, 40.5, 87.5, 55.5)  # west, south, east, north
FIRST_YEAR = 2019  # Ookla's open data start with Q1 2019
LOADED_LATENCY_FROM = 2022  # avg_lat_down_ms, avg_lat_up_ms (Parquet, from Q4 2022)
CENTROIDS_FROM = 2023  # tile_x, tile_y (seen in files from Q2 2023)
RURAL_SHARE = 0.1  # tiles scattered uniformly over the box rather than round a city
PARETO_SHAPE = 1.16  # the "80/20" shape: a few cities hold most tiles
LOADED_LATENCY_MISSING = 0.1  # share of tiles with no loaded-latency measurement


def mercator_centres(
    x: npt.ArrayLike, y: npt.ArrayLike, zoom: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Longitude and latitude of the centres of tiles (x, y) in mercator space, as Ookla's
    ``tile_x``, ``tile_y``: a little poleward of the middle of the tile's latitudes."""
    tiles = float(1 << zoom)
    lon = (np.asarray(x, np.float64) + 0.5) / tiles * 360.0 - 180.0
    lat = np.degrees(
        np.arctan(np.sinh(np.pi * (1.0 - 2.0 * (np.asarray(y, np.float64) + 0.5) / tiles)))
    )
    return lon, lat


def _tile_range(bbox: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    """First and last x and y of the zoom-16 tiles whose centres lie inside ``bbox``."""
    west, south, east, north = bbox
    x0, y0 = lonlat_to_tiles(west, north, ZOOM)
    x1, y1 = lonlat_to_tiles(east, south, ZOOM)
    lon, lat = mercator_centres(np.array([x0, x1]), np.array([y0, y1]), ZOOM)
    # The corner tiles hold the corners, but their centres may fall just outside.
    return (
        int(x0) + int(lon[0] < west),
        int(x1) - int(lon[1] > east),
        int(y0) + int(lat[0] > north),
        int(y1) - int(lat[1] < south),
    )


def _check(n: int, bbox: tuple[float, float, float, float], cities: int, year: int | None) -> None:
    west, south, east, north = bbox
    if n < 0:
        raise InputError(f"n = {n}: the number of tiles cannot be negative")
    if cities < 1:
        raise InputError(f"cities = {cities}: at least one city is needed")
    if not (-180 <= west < east <= 180 and -MAX_LAT <= south < north <= MAX_LAT):
        raise InputError(
            f"bbox {bbox} is not (west, south, east, north) in degrees inside web mercator"
        )
    if year is not None and year < FIRST_YEAR:
        raise InputError(f"year {year}: Ookla's open data start in {FIRST_YEAR}")


Centres = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]


def _draw_tiles(
    rng: np.random.Generator,
    n: int,
    box: tuple[int, int, int, int],
    cities: int,
    centres: Centres | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """n distinct tiles (x, y) inside ``box``: city clusters plus a rural scatter, and which
    tiles are the rural scatter."""
    x0, x1, y0, y1 = box
    width, height = x1 - x0 + 1, y1 - y0 + 1
    if n > width * height // 4:
        # Past a quarter of the box, clusters saturate and drawing new tiles crawls.
        raise InputError(
            f"n = {n} tiles: the bounding box holds {width * height} zoom-16 tiles, "
            f"ask for at most a quarter of them"
        )
    if centres is None:
        cx = rng.integers(x0, x1 + 1, cities)
        cy = rng.integers(y0, y1 + 1, cities)
        weight = rng.pareto(PARETO_SHAPE, cities) + 1.0
    else:
        cx, cy = lonlat_to_tiles(centres[0], centres[1], ZOOM)
        weight = np.asarray(centres[2], np.float64).copy()
        cities = len(weight)
    weight /= weight.sum()
    # A city's spread grows with its share of tiles, so its core is dense (about one tile in
    # two) but not saturated, whatever n is; a floor keeps small towns a few tiles wide.
    spread = np.maximum(np.sqrt(n * weight / (2 * np.pi)) * 1.5, 2.0)
    kept = np.zeros(0, dtype=np.int64)
    kept_rural = np.zeros(0, dtype=bool)
    while kept.size < n:
        draw = max(2 * (n - kept.size), 64)
        rural = rng.random(draw) < RURAL_SHARE
        city = rng.choice(cities, size=draw, p=weight)
        x = np.rint(rng.normal(cx[city], spread[city])).astype(np.int64)
        y = np.rint(rng.normal(cy[city], spread[city])).astype(np.int64)
        x[rural] = rng.integers(x0, x1 + 1, int(rural.sum()))
        y[rural] = rng.integers(y0, y1 + 1, int(rural.sum()))
        inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
        keys = np.concatenate([kept, (y[inside] << ZOOM) | x[inside]])
        flags = np.concatenate([kept_rural, rural[inside]])
        # The first draw of each tile wins, so the outcome depends on the seed alone.
        _, first = np.unique(keys, return_index=True)
        chosen = np.sort(first)[:n]
        kept, kept_rural = keys[chosen], flags[chosen]
    return kept & ((1 << ZOOM) - 1), kept >> ZOOM, kept_rural


def _text(degrees: npt.NDArray[np.float64]) -> Any:
    """Degrees as Ookla writes them in WKT: 15 significant digits (printf's %.15g)."""
    magnitude = np.floor(np.log10(np.maximum(np.abs(degrees), 1e-300)))
    scale = 10.0 ** np.clip(14 - magnitude, 0, 22)  # 10**k is exact up to k = 22
    # n / 10**k is the double nearest that decimal, so Arrow's shortest repr prints it.
    return pc.cast(pa.array(np.round(degrees * scale) / scale), pa.string())


def _wkt(x: npt.NDArray[np.int64], y: npt.NDArray[np.int64]) -> Any:
    """Ookla's ``tile`` column: the tile's bounds as a closed WKT polygon, clockwise from NW."""
    west, south, east, north = (_text(edge) for edge in tile_bounds(x, y, ZOOM))
    nw, ne, se, sw = (
        pc.binary_join_element_wise(lon, lat, " ")
        for lon, lat in ((west, north), (east, north), (east, south), (west, south))
    )
    parts = ("POLYGON((", nw, ", ", ne, ", ", se, ", ", sw, ", ", nw, "))")
    return pc.binary_join_element_wise(*parts, "")


def synthetic_tiles(
    n: int,
    *,
    seed: int = 0,
    bbox: tuple[float, float, float, float] = KAZAKHSTAN_BBOX,
    cities: int = 50,
    year: int | None = None,
    centres: Centres | None = None,
    rural_speed_factor: float = 1.0,
) -> Any:
    """A pyarrow Table of ``n`` distinct zoom-16 tiles with Ookla's columns, from ``seed``.

    ``bbox`` is (west, south, east, north) in degrees and holds every tile's centre.
    ``year`` picks the columns of that year's files, by year: Ookla added the loaded
    latencies in Q4 2022 and the centroids ``tile_x``/``tile_y`` (longitude, latitude of the
    tile's centre, rounded to 4 decimals) in 2023, so the files of those years' earlier
    quarters have fewer columns than these. None gives every column.

    ``centres`` (longitudes, latitudes, weights) puts the cities at real places, e.g. the
    towns of GeoNames weighted by population, instead of at random; centres outside
    ``bbox`` draw no tile. ``rural_speed_factor`` scales the speeds of the rural scatter
    (0.3 makes villages about three times slower than towns), to give a visible divide.
    """
    _check(n, bbox, cities, year)
    if not 0 < rural_speed_factor <= 10:
        raise InputError(f"rural_speed_factor = {rural_speed_factor}: must be in (0, 10]")
    rng = np.random.default_rng(seed)
    x, y, rural = _draw_tiles(rng, n, _tile_range(bbox), cities, centres)
    quadkeys = encode_quadkeys(x, y, ZOOM)
    # Ookla's files run in quadkey order; so do these, which also helps compression.
    order = np.asarray(pc.sort_indices(quadkeys))
    x, y, quadkeys, rural = x[order], y[order], quadkeys.take(order), rural[order]

    tests = np.minimum(rng.geometric(0.08, n), 5000).astype(np.int64)
    devices = 1 + rng.binomial(tests - 1, 0.6).astype(np.int64)
    scale = np.where(rural, rural_speed_factor, 1.0)
    down = np.maximum(np.rint(rng.lognormal(math.log(60000), 0.9, n) * scale), 1).astype(np.int64)
    up = np.maximum(np.rint(down * rng.uniform(0.1, 0.9, n)), 1).astype(np.int64)
    latency = np.maximum(np.rint(rng.lognormal(math.log(25), 0.6, n)), 1).astype(np.int64)
    # Loaded latency (during the download or upload) is idle latency times a few; a tile
    # whose tests never measured it has none.
    missing = rng.random(n) < LOADED_LATENCY_MISSING
    lat_down = np.rint(latency * rng.uniform(1.5, 8.0, n)).astype(np.int32)
    lat_up = np.rint(latency * rng.uniform(2.0, 12.0, n)).astype(np.int32)

    columns: dict[str, Any] = {"quadkey": quadkeys, "tile": _wkt(x, y)}
    if year is None or year >= CENTROIDS_FROM:
        # Ookla rounds the centroids to 4 decimals (about 10 m), as do we.
        lon, lat = mercator_centres(x, y, ZOOM)
        columns["tile_x"] = pa.array(np.round(lon, 4), pa.float64())
        columns["tile_y"] = pa.array(np.round(lat, 4), pa.float64())
    columns["avg_d_kbps"] = pa.array(down, pa.int64())
    columns["avg_u_kbps"] = pa.array(up, pa.int64())
    columns["avg_lat_ms"] = pa.array(latency, pa.int64())
    if year is None or year >= LOADED_LATENCY_FROM:
        # int32 in Ookla's files, unlike every other count or average.
        columns["avg_lat_down_ms"] = pa.array(lat_down, pa.int32(), mask=missing)
        columns["avg_lat_up_ms"] = pa.array(lat_up, pa.int32(), mask=missing)
    columns["tests"] = pa.array(tests, pa.int64())
    columns["devices"] = pa.array(devices, pa.int64())
    return pa.table(columns)


def write_tiles(table: Any, path: str | PathLike[str]) -> None:
    """Write a tile table as Parquet with zstd, like the files Ookla publishes."""
    pq.write_table(table, path, compression="zstd")
