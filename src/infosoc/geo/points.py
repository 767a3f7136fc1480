"""Tiles to regions: every tile belongs to the one region that holds its centre.

Assigning by centre, not by overlap, is what keeps a tile on a border from being counted in
both regions (the official Ookla tutorial's ``intersects`` join counts it twice). A centre
that lies exactly on a shared border touches both regions; the region listed first wins, so
the assignment is a function of the tile and the boundary set alone.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import numpy.typing as npt

OUTSIDE = -1  # the region index of a tile whose centre lies in no region
_BAND_DEGREES = 0.5  # latitude bands of the point index in assign_points
EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def assign_points(
    lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64], geometries: Any
) -> npt.NDArray[np.int32]:
    """For each point, the index of the first geometry that covers it, or ``OUTSIDE``.

    A point on a geometry's boundary is covered by it, so where geometries overlap or share a
    border the smallest index wins. An empty geometry covers nothing, and a point with a
    missing (NaN) coordinate lies in no geometry.
    """
    import shapely

    n = len(lon)
    found = np.full(n, OUTSIDE, dtype=np.int32)
    geoms = np.asarray(geometries, dtype=object).reshape(-1)
    if n == 0 or len(geoms) == 0:
        return found
    # Sorted by (latitude band, longitude), the points of one band between two longitudes are
    # one contiguous run, found by binary search: the candidates for a region are one run per
    # band its bounding box reaches, and only those are tested against its shape.
    band = _band(lat)
    key = _band_key(band, lon)
    order = np.argsort(key)
    sorted_key, sorted_lon, sorted_lat = key[order], lon[order], lat[order]
    bands = band[np.isfinite(key)]  # only the bands that hold points need runs
    if bands.size == 0:
        return found
    pair_region, pair_band, west, east = _band_boxes(
        shapely.bounds(geoms), float(bands.min()), float(bands.max())
    )
    if pair_region.size == 0:
        return found
    shapely.prepare(geoms[np.unique(pair_region)])
    starts = np.searchsorted(sorted_key, _band_key(pair_band, west))
    stops = np.searchsorted(sorted_key, _band_key(pair_band, east), side="right")
    runs = np.maximum(stops - starts, 0)
    best = np.full(n, np.iinfo(np.int32).max, dtype=np.int32)  # in sorted order
    for pairs in _batches(runs, _PAIRS_PER_TEST):
        lengths = runs[pairs]
        point = np.repeat(starts[pairs], lengths) + _counts_up(lengths)
        region = np.repeat(pair_region[pairs], lengths).astype(np.int32)
        inside = shapely.intersects_xy(geoms[region], sorted_lon[point], sorted_lat[point])
        np.minimum.at(best, point[inside], region[inside])
    placed = best != np.iinfo(np.int32).max
    found[order[placed]] = best[placed]
    return found


def _band(lat: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The latitude band of each latitude (a whole number, as a float)."""
    return np.floor((lat + 90.0) / _BAND_DEGREES)


def _band_key(band: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]) -> Any:
    """The sort key of a (band, longitude): ordered by band, then by longitude.

    Bands 400 apart keep each band's longitudes (-180 to 180) in a range of their own. Other
    coordinates may reach into a neighbouring band's range; that only adds candidates, which
    the exact test then rejects.
    """
    return band * 400.0 + lon


def _band_boxes(
    bounds: npt.NDArray[np.float64], lowest: float, highest: float
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], Any, Any]:
    """One row for each band from ``lowest`` to ``highest`` that each geometry's bounding box
    reaches: the geometry's index, the band, and the box's west and east; by geometry, then
    band. Empty geometries (NaN bounds) have no row."""
    regions = np.flatnonzero(np.isfinite(bounds).all(axis=1))
    west, south, east, north = bounds[regions].T
    first = np.maximum(_band(south), lowest)
    count = np.maximum(np.minimum(_band(north), highest) - first + 1, 0).astype(np.int64)
    pair = _owner(count)
    return regions[pair], first[pair] + _counts_up(count), west[pair], east[pair]


_PAIRS_PER_TEST = 4_000_000  # (region, point) pairs tested at once: about 100 MB of arrays


def _counts_up(lengths: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """0, 1, …, k-1 for each k in ``lengths``, end to end: ``[2, 3]`` gives 0 1 0 1 2."""
    total = int(lengths.sum())
    ends = np.cumsum(lengths)
    return np.arange(total, dtype=np.int64) - np.repeat(ends - lengths, lengths)


def _owner(lengths: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """For each item of :func:`_counts_up`, the index of the length it counts."""
    return np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)


def _batches(runs: npt.NDArray[np.int64], limit: int) -> list[slice]:
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
