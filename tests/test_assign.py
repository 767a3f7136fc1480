"""Points to regions: the vectorised assignment against a plain loop over the regions."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

shapely = pytest.importorskip("shapely")

from infosoc.geo import points as assign  # noqa: E402
from infosoc.geo.points import OUTSIDE, assign_points  # noqa: E402


def plain_assignment(lon: np.ndarray, lat: np.ndarray, geometries: list[Any]) -> np.ndarray:
    """The first geometry that covers each point, one geometry at a time."""
    found = np.full(len(lon), OUTSIDE, dtype=np.int32)
    for i in range(len(geometries) - 1, -1, -1):
        found[shapely.intersects_xy(geometries[i], lon, lat)] = i
    return found


# Coordinates on a coarse grid, so that points fall on region borders and corners often.
_grid = st.integers(-8, 8).map(lambda k: k * 2.5)


@st.composite
def _regions(draw: st.DrawFn) -> list[Any]:
    shapes = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["box", "triangle", "multi", "empty", "line", "point"]))
        x, y = draw(_grid), draw(_grid)
        w, h = draw(st.integers(1, 8)) * 2.5, draw(st.integers(1, 8)) * 2.5
        if kind == "box":
            shapes.append(shapely.box(x, y, x + w, y + h))
        elif kind == "triangle":
            shapes.append(shapely.Polygon([(x, y), (x + w, y), (x, y + h)]))
        elif kind == "multi":
            shapes.append(
                shapely.MultiPolygon(
                    [shapely.box(x, y, x + 1, y + 1), shapely.box(-x, -y, 2 - x, 2 - y)]
                )
            )
        elif kind == "line":  # regions are areas, but any geometry will do here
            shapes.append(shapely.LineString([(x, y), (x + w, y + h), (x + w, y)]))
        elif kind == "point":
            shapes.append(shapely.Point(x, y))
        else:
            shapes.append(shapely.Polygon())
    return shapes


_points = st.lists(st.tuples(_grid | st.floats(-25, 25), _grid | st.floats(-25, 25)), max_size=60)


# How the points are sorted: packed integers with fine or coarse (0.09 degree) longitude
# steps, where a run of points may take in a few beyond its ends, or a float key.
_SORTS = {"fine": (26, 62), "coarse": (8, 12), "float": (63, 62)}


@settings(max_examples=200)
@given(
    _regions(),
    _points,
    st.sampled_from([1, 7, 4_000_000]),
    st.sampled_from([1, 2, 3]),
    st.sampled_from(sorted(_SORTS)),
)
def test_the_same_as_a_loop_over_the_regions(
    regions: list[Any], points: list[Any], per_test: int, cores: int, sort: str
) -> None:
    lon = np.array([p[0] for p in points], dtype=float)
    lat = np.array([p[1] for p in points], dtype=float)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assign, "_LON_BITS_MIN", _SORTS[sort][0])
        patch.setattr(assign, "_LON_BITS_MAX", _SORTS[sort][1])
        # Small batches of (region, point) pairs as well as one batch for everything.
        patch.setattr(assign, "_PAIRS_PER_TEST", per_test)
        # Split across threads even when the pairs are few.
        patch.setattr(assign, "_PAIRS_MIN", 1)
        patch.setattr(assign, "_cores", lambda: cores)
        got = assign_points(lon, lat, regions)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, plain_assignment(lon, lat, regions))


def test_a_point_on_a_shared_border_goes_to_the_first_region() -> None:
    left, right = shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)
    lon, lat = np.array([1.0, 1.0, 5.0]), np.array([0.5, 0.5, 0.5])
    assert assign_points(lon, lat, [left, right]).tolist() == [0, 0, OUTSIDE]
    assert assign_points(lon, lat, [right, left]).tolist() == [0, 0, OUTSIDE]


def test_no_points_or_no_regions() -> None:
    empty = np.array([], dtype=float)
    assert assign_points(empty, empty, [shapely.box(0, 0, 1, 1)]).tolist() == []
    assert assign_points(np.array([0.5]), np.array([0.5]), []).tolist() == [OUTSIDE]
    assert assign_points(np.array([0.5]), np.array([0.5]), [shapely.Polygon()]).tolist() == [
        OUTSIDE
    ]


def test_threads_never_share_a_region(monkeypatch: pytest.MonkeyPatch) -> None:
    # GEOS builds a prepared geometry's index on its first test, unsafely from two threads.
    rng = np.random.default_rng(1)
    regions = [shapely.box(x, y, x + 3, y + 3) for x in range(0, 30, 3) for y in range(0, 30, 3)]
    lon, lat = rng.uniform(-1, 31, 20_000), rng.uniform(-1, 31, 20_000)
    expected = plain_assignment(lon, lat, regions)
    seen: list[set[int]] = []
    test = shapely.intersects_xy

    def recording(geoms: Any, x: Any, y: Any) -> Any:
        seen.append({id(g) for g in geoms})
        return test(geoms, x, y)

    monkeypatch.setattr(assign, "_PAIRS_MIN", 1)
    monkeypatch.setattr(assign, "_cores", lambda: 4)
    monkeypatch.setattr(shapely, "intersects_xy", recording)
    got = assign_points(lon, lat, regions)
    assert len(seen) >= 4
    assert sum(len(s) for s in seen) == len(set().union(*seen)) == len(regions)
    np.testing.assert_array_equal(got, expected)


def test_one_geometry_listed_twice_is_tested_on_one_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    box = shapely.box(0, 0, 10, 10)
    regions = [box, shapely.box(10, 0, 20, 10), box]  # the first region again, as the third
    rng = np.random.default_rng(2)
    lon, lat = rng.uniform(-1, 21, 5_000), rng.uniform(-1, 11, 5_000)
    expected = plain_assignment(lon, lat, regions)
    threads: set[int] = set()
    test = shapely.intersects_xy

    def recording(geoms: Any, x: Any, y: Any) -> Any:
        threads.add(threading.get_ident())
        return test(geoms, x, y)

    monkeypatch.setattr(assign, "_PAIRS_MIN", 1)
    monkeypatch.setattr(assign, "_cores", lambda: 4)
    monkeypatch.setattr(shapely, "intersects_xy", recording)
    np.testing.assert_array_equal(assign_points(lon, lat, regions), expected)
    assert len(threads) == 1


def test_counts_up_and_chunks() -> None:
    lengths = np.array([2, 0, 3], dtype=np.int64)
    assert assign._counts_up(lengths).tolist() == [0, 1, 0, 1, 2]
    assert assign._owner(lengths).tolist() == [0, 0, 2, 2, 2]
    runs = np.array([3, 3, 10, 0, 1], dtype=np.int64)
    chunks = assign._chunks(runs, 6)
    assert [(c.start, c.stop) for c in chunks] == [(0, 2), (2, 3), (3, 5)]
    assert sum(int(runs[c].sum()) for c in chunks) == int(runs.sum())
