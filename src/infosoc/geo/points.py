"""Tiles to regions: every tile belongs to the one region that holds its centre.

Assigning by centre, not by overlap, is what keeps a tile on a border from being counted in
both regions (the official Ookla tutorial's ``intersects`` join counts it twice). A centre
that lies exactly on a shared border touches both regions; the region listed first wins, so
the assignment is a function of the tile and the boundary set alone.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt


def _cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


OUTSIDE = -1  # the region index of a tile whose centre lies in no region
_BAND_DEGREES = 0.5  # latitude bands of the point index in assign_points
EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def assign_points(
    lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64], geometries: Any
) -> npt.NDArray[np.int32]:
    """For each point, the index of the first geometry that covers it, or ``OUTSIDE``.

    The points are sorted by (latitude band, longitude), so the points in a region's
    bounding box are a few contiguous runs, one per band, found by binary search. Every
    (region, point) pair of those runs is then tested in vectorised calls against the
    prepared regions, a chunk of whole regions per core: no Python loop over regions, no
    shapely object per point. Where regions overlap or share a border, the smallest index
    wins.
    """
    import shapely

    n = len(lon)
    found = np.full(n, OUTSIDE, dtype=np.int32)
    geoms = np.asarray(geometries, dtype=object).reshape(-1)
    if n == 0 or len(geoms) == 0:
        return found
    order, sorted_key, band_key = _band_order(lon, lat)
    sorted_lon, sorted_lat = lon[order], lat[order]
    bounds = shapely.bounds(geoms)
    regions = np.flatnonzero(np.isfinite(bounds[:, 0]))  # an empty geometry holds no point
    if regions.size == 0:
        return found
    shapely.prepare(geoms[regions])
    # One (region, band) pair a row, regions in increasing order, with the region's extent in
    # longitude within the band: tighter than its bounding box, so fewer points are tested.
    pair_region, pair_band, west, east = _band_extents(geoms, regions)
    starts = np.searchsorted(sorted_key, band_key(pair_band, west))
    stops = np.searchsorted(sorted_key, band_key(pair_band, east), side="right")
    runs = np.maximum(stops - starts, 0)

    def hits(pairs: slice) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]]:
        lengths = runs[pairs]
        point = np.repeat(starts[pairs], lengths) + _counts_up(lengths)
        region = np.repeat(pair_region[pairs], lengths).astype(np.int32)
        inside = shapely.intersects_xy(geoms[region], sorted_lon[point], sorted_lat[point])
        return point[inside], region[inside]

    # Shapely lets go of the GIL while it tests, so the chunks are tested on every core.
    # A chunk holds whole regions: GEOS builds a prepared region's index on its first test
    # and is not safe to do so from two threads at once.
    first_pair = np.flatnonzero(np.diff(pair_region, prepend=-1))  # each region's first pair
    region_runs = np.add.reduceat(runs, first_pair)
    edges = np.append(first_pair, len(runs))
    # The same geometry object listed as two regions could still land in two chunks.
    workers = _cores() if len({id(g) for g in geoms[regions]}) == regions.size else 1
    limit = min(_PAIRS_PER_TEST, max(-(-int(runs.sum()) // workers), _PAIRS_MIN))
    chunks = [slice(edges[c.start], edges[c.stop]) for c in _chunks(region_runs, limit)]
    best = np.full(n, np.iinfo(np.int32).max, dtype=np.int32)  # in sorted order
    with ThreadPoolExecutor(min(workers, len(chunks))) as pool:
        for point, region in pool.map(hits, chunks):
            np.minimum.at(best, point, region)
    placed = best != np.iinfo(np.int32).max
    found[order[placed]] = best[placed]
    return found


def _band_order(
    lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[Any], Callable[[Any, Any], Any]]:
    """The points' order by (latitude band, longitude), their sorted keys, and the function
    that gives the key of a (band, longitude): a run of one band's points between two
    longitudes lies between the keys of its ends.

    Map coordinates (and not too many points) are sorted as integers, the band and the
    longitude (in steps of 1 cm for 650,000 points, 8 cm for 6.5 million, 0.6 m at the
    coarsest) packed with the point's position into one 64-bit number: numpy sorts those
    several times faster than it sorts positions by a float key. A point a step beyond a
    run's end may then join the run, which only tests one more point. Other input is sorted
    by a float key.
    """
    band = np.floor((lat + 90.0) / _BAND_DEGREES)
    n = len(lon)
    position_bits = max(n - 1, 1).bit_length()
    lon_bits = min(62 - _BAND_BITS - position_bits, _LON_BITS_MAX)
    on_the_map = (
        lon_bits >= _LON_BITS_MIN
        and bool(np.isfinite(lon).all() and np.isfinite(lat).all())
        and float(lon.min()) >= -180.0
        and float(lon.max()) <= 180.0
        and float(band.min()) >= 0
        and float(band.max()) < 1 << _BAND_BITS
    )
    if not on_the_map:
        # Bands 400 degrees apart keep every band's longitudes (-180 to 180) in a run of
        # its own.
        key = band * 400.0 + lon
        order = np.argsort(key)  # any order of equal keys will do
        return order, key[order], lambda b, x: b * 400.0 + x
    steps_per_degree = float(1 << lon_bits) / 361.0

    def band_key(b: Any, x: Any) -> Any:
        steps = np.floor((np.clip(x, -180.0, 180.0) + 180.0) * steps_per_degree)
        return (np.asarray(b, dtype=np.int64) << lon_bits) | steps.astype(np.int64)

    packed = band_key(band, lon) << position_bits
    packed |= np.arange(n, dtype=np.int64)
    packed.sort()
    return packed & ((1 << position_bits) - 1), packed >> position_bits, band_key


_BAND_BITS = 10  # bands of half a degree: 361 of them
_LON_BITS_MIN = 26  # steps of 361 / 2**26 degrees (0.6 m) at the coarsest
_LON_BITS_MAX = 62  # no limit but the 64 bits (the tests make the steps coarse)


def _band_extents(
    geoms: npt.NDArray[Any], regions: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.float64], Any]:
    """For each latitude band each region reaches: the region, the band, and the least and
    greatest longitude of the region within the band, widened by a hair; sorted by region,
    then band.

    A bounded region meets a band only where its boundary does, so its extent there is that
    of the pieces of its boundary edges inside the band (each edge clipped to the band); a
    point's piece is the point. Consecutive positions of one region are taken as edges,
    across its rings (or a line's parts) too: the joins between them only widen an extent,
    and a wider extent only tests more points. The widening covers rounding in the clipping (a
    nearly flat edge clipped a hair off moves far in longitude).
    """
    import shapely

    coords, owner = shapely.get_coordinates(geoms[regions], return_index=True)
    same = owner[1:] == owner[:-1]
    region = regions[owner[:-1][same]]
    x0, y0 = coords[:-1, 0][same], coords[:-1, 1][same]
    x1, y1 = coords[1:, 0][same], coords[1:, 1][same]
    low, high = np.minimum(y0, y1), np.maximum(y0, y1)
    first = np.floor((low + 90.0) / _BAND_DEGREES)
    count = (np.floor((high + 90.0) / _BAND_DEGREES) - first + 1).astype(np.int64)
    edge = _owner(count)
    band = first[edge] + _counts_up(count)
    # The edge's piece inside the band (a hair wider), as a range of y, then of x.
    band_south = band * _BAND_DEGREES - 90.0 - _HAIR
    y_from = np.maximum(low[edge], band_south)
    y_to = np.minimum(high[edge], band_south + _BAND_DEGREES + 2 * _HAIR)
    ex0, ey0, ex1, ey1 = x0[edge], y0[edge], x1[edge], y1[edge]
    flat = ey0 == ey1
    slope = np.divide(ex1 - ex0, ey1 - ey0, out=np.zeros_like(ex0), where=~flat)
    xa = np.where(flat, ex0, ex0 + (y_from - ey0) * slope)
    xb = np.where(flat, ex1, ex0 + (y_to - ey0) * slope)
    # A region of one position (a point) has no edge: that position is its piece.
    alone = np.bincount(owner, minlength=len(regions))[owner] == 1
    alone_x, alone_y = coords[alone, 0], coords[alone, 1]
    alone_band = np.floor((alone_y + 90.0) / _BAND_DEGREES).astype(np.int64)
    # Group the pieces by (region, band): regions first, so the pairs come out in order.
    key = np.concatenate(
        [region[edge] * _BANDS + band.astype(np.int64), regions[owner[alone]] * _BANDS + alone_band]
    )
    low_x = np.concatenate([np.minimum(xa, xb), alone_x])
    high_x = np.concatenate([np.maximum(xa, xb), alone_x])
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.diff(key, prepend=-1))
    west = np.minimum.reduceat(low_x[order], starts) - _HAIR
    east = np.maximum.reduceat(high_x[order], starts) + _HAIR
    pair = key[starts]
    return pair // _BANDS, (pair % _BANDS).astype(np.float64), west, east


_HAIR = 1e-9  # degrees (0.1 mm) added round a region's extent in a band
_BANDS = 1 << 16  # more than the bands of any latitude range (720 at half a degree)


_PAIRS_PER_TEST = 4_000_000  # (region, point) pairs tested at once: about 100 MB of arrays
_PAIRS_MIN = 50_000  # fewer pairs than this are not worth a thread of their own


def _counts_up(lengths: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """0, 1, …, k-1 for each k in ``lengths``, end to end: ``[2, 3]`` gives 0 1 0 1 2."""
    total = int(lengths.sum())
    ends = np.cumsum(lengths)
    return np.arange(total, dtype=np.int64) - np.repeat(ends - lengths, lengths)


def _owner(lengths: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """For each item of :func:`_counts_up`, the index of the length it counts."""
    return np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)


def _chunks(runs: npt.NDArray[np.int64], limit: int) -> list[slice]:
    """Consecutive slices of ``runs`` whose sums stay near ``limit`` (one run may exceed it)."""
    ends = np.cumsum(runs)
    cuts = [0]
    while cuts[-1] < len(runs):
        base = ends[cuts[-1] - 1] if cuts[-1] else 0
        nxt = int(np.searchsorted(ends, base + limit, side="right"))
        cuts.append(max(nxt, cuts[-1] + 1))
    return [slice(a, b) for a, b in itertools.pairwise(cuts)]


def _unit_vectors(lon: npt.ArrayLike, lat: npt.ArrayLike) -> npt.NDArray[np.float64]:
    lam, phi = np.radians(np.asarray(lon, np.float64)), np.radians(np.asarray(lat, np.float64))
    return np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))


def distance_to_nearest_km(
    lon: npt.NDArray[np.float64],
    lat: npt.NDArray[np.float64],
    place_lon: npt.NDArray[np.float64],
    place_lat: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Great-circle distance from each point to the nearest place, in km (inf with no place)."""
    from scipy.spatial import cKDTree

    if len(place_lon) == 0:
        return np.full(len(lon), np.inf)
    tree = cKDTree(_unit_vectors(place_lon, place_lat))
    chord, _ = tree.query(_unit_vectors(lon, lat), k=1)
    # A chord c on the unit sphere spans the angle 2·asin(c/2).
    return 2.0 * np.arcsin(np.clip(np.asarray(chord) / 2.0, 0.0, 1.0)) * EARTH_RADIUS_KM
