"""Points to regions: the vectorised assignment against a plain loop over the regions."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

shapely = pytest.importorskip("shapely")

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


@settings(max_examples=200)
@given(_regions(), _points)
def test_the_same_as_a_loop_over_the_regions(regions: list[Any], points: list[Any]) -> None:
    lon = np.array([p[0] for p in points], dtype=float)
    lat = np.array([p[1] for p in points], dtype=float)
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


def test_points_without_coordinates_lie_in_no_region() -> None:
    lon = np.array([0.5, np.nan, 0.5, np.inf])
    lat = np.array([np.nan, 0.5, 0.5, 0.5])
    assert assign_points(lon, lat, [shapely.box(0, 0, 1, 1)]).tolist() == [
        OUTSIDE,
        OUTSIDE,
        0,
        OUTSIDE,
    ]


def test_a_geometry_in_metres_rather_than_degrees_still_answers() -> None:
    # Ten thousand kilometres tall in metres: far more latitude than any point needs.
    huge = shapely.box(0, -5e6, 1e6, 5e6)
    lon, lat = np.array([0.5, -0.5]), np.array([0.5, 0.5])
    assert assign_points(lon, lat, [huge]).tolist() == [0, OUTSIDE]


def test_one_geometry_listed_twice_answers_with_its_first_index() -> None:
    box = shapely.box(0, 0, 10, 10)
    regions = [box, shapely.box(10, 0, 20, 10), box]
    rng = np.random.default_rng(2)
    lon, lat = rng.uniform(-1, 21, 5_000), rng.uniform(-1, 11, 5_000)
    got = assign_points(lon, lat, regions)
    np.testing.assert_array_equal(got, plain_assignment(lon, lat, regions))
    assert 2 not in got


def _strtree_assignment(lon: np.ndarray, lat: np.ndarray, geometries: Any) -> np.ndarray:
    """The first geometry that intersects each point, by shapely's own spatial index."""
    found = np.full(len(lon), np.iinfo(np.int32).max, dtype=np.int32)
    point, region = shapely.STRtree(geometries).query(
        shapely.points(lon, lat), predicate="intersects"
    )
    np.minimum.at(found, point, region.astype(np.int32))
    found[found == np.iinfo(np.int32).max] = OUTSIDE
    return found


def _voronoi_cells(count: int, seed: int) -> Any:
    rng = np.random.default_rng(seed)
    sites = shapely.multipoints(
        np.column_stack([rng.uniform(-170, 178, count), rng.uniform(-55, 70, count)])
    )
    frame = shapely.box(-170, -55, 178, 70)
    cells = shapely.get_parts(shapely.voronoi_polygons(sites, extend_to=frame))
    return shapely.intersection(cells, frame)


def test_the_same_as_shapely_spatial_index_on_a_world_of_cells() -> None:
    cells = _voronoi_cells(300, seed=3)
    rng = np.random.default_rng(4)
    lon, lat = rng.uniform(-180, 180, 50_000), rng.uniform(-60, 75, 50_000)
    np.testing.assert_array_equal(
        assign_points(lon, lat, cells), _strtree_assignment(lon, lat, cells)
    )


@pytest.mark.slow
def test_many_overlapping_regions_are_tested_in_several_batches() -> None:
    # 150 copies of the same few boxes, over 40,000 points: millions of (region, point) pairs.
    boxes = [shapely.box(x, y, x + 4, y + 4) for x in range(0, 8, 2) for y in range(0, 8, 2)]
    regions = boxes * 150
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(-1, 13, 40_000), rng.uniform(-1, 13, 40_000)
    got = assign_points(lon, lat, regions)
    np.testing.assert_array_equal(got, _strtree_assignment(lon, lat, regions))
    assert set(np.unique(got)) <= {OUTSIDE, *range(len(boxes))}
