"""Web-mercator tiles and quadkeys (checked against mercantile, a maintained scalar
implementation) and the synthetic Ookla-like tiles."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mercantile
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infosoc.divide.quadkeys import (
    decode_quadkeys,
    encode_quadkeys,
    lonlat_to_tiles,
    tile_bounds,
    tile_centres,
)
from infosoc.errors import InputError
from tests.synthetic_tiles import KAZAKHSTAN_BBOX, mercator_centres, synthetic_tiles, write_tiles

EARTH_RADIUS_M = 6378137.0  # the sphere of web mercator (EPSG:3857)
ALL_COLUMNS = [
    "quadkey",
    "tile",
    "tile_x",
    "tile_y",
    "avg_d_kbps",
    "avg_u_kbps",
    "avg_lat_ms",
    "avg_lat_down_ms",
    "avg_lat_up_ms",
    "tests",
    "devices",
]


def oracle_decode(quadkey: str) -> tuple[int, int, int]:
    """mercantile's decoding of one quadkey."""
    tile = mercantile.quadkey_to_tile(quadkey)
    return tile.x, tile.y, tile.z


def reference_tile(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The slippy-map formula for the tile that holds a point."""
    n = 2**zoom
    phi = math.radians(lat)
    return (
        int((lon + 180.0) / 360.0 * n),
        int((1.0 - math.log(math.tan(phi) + 1.0 / math.cos(phi)) / math.pi) / 2.0 * n),
    )


# The forms a column of quadkeys arrives in: a list, numpy, Arrow (chunked, large, sliced).
FORMS: dict[str, Callable[[list[str]], Any]] = {
    "list": lambda q: q,
    "numpy": lambda q: np.array(q, dtype=str),
    "arrow": lambda q: pa.array(q, pa.string()),
    "large": lambda q: pa.array(q, pa.large_string()),
    "chunked": lambda q: pa.chunked_array([q[: len(q) // 2], q[len(q) // 2 :]], pa.string()),
    "sliced": lambda q: pa.array(["3" * (len(q[0]) + 1), *q, "x"], pa.string())[1:-1],
    "dictionary": lambda q: pa.array(q, pa.string()).dictionary_encode(),
}


@st.composite
def tiles(
    draw: st.DrawFn, min_zoom: int = 1, max_zoom: int = 20
) -> tuple[list[int], list[int], int]:
    zoom = draw(st.integers(min_zoom, max_zoom))
    coord = st.integers(0, 2**zoom - 1)
    pairs = draw(st.lists(st.tuples(coord, coord), min_size=1, max_size=50))
    return [x for x, _ in pairs], [y for _, y in pairs], zoom


@st.composite
def quadkey_lists(draw: st.DrawFn) -> list[str]:
    zoom = draw(st.integers(1, 20))
    key = st.text(alphabet="0123", min_size=zoom, max_size=zoom)
    return draw(st.lists(key, min_size=2, max_size=50))


# Arrow loads a compute kernel on its first call, which can outlast Hypothesis' deadline.
no_deadline = settings(deadline=None)


# --- quadkeys -----------------------------------------------------------------------------


@no_deadline
@given(tiles())
def test_encode_then_decode_gives_the_tiles_back(case: tuple[list[int], list[int], int]) -> None:
    xs, ys, zoom = case
    quadkeys = encode_quadkeys(xs, ys, zoom)
    assert all(len(q) == zoom for q in quadkeys.to_pylist())
    x, y, z = decode_quadkeys(quadkeys)
    assert z == zoom
    assert x.tolist() == xs and y.tolist() == ys


@no_deadline
@given(quadkey_lists(), st.sampled_from(sorted(FORMS)))
def test_vectorised_decoder_equals_mercantile(quadkeys: list[str], form: str) -> None:
    x, y, zoom = decode_quadkeys(FORMS[form](quadkeys))
    expected = [oracle_decode(q) for q in quadkeys]
    assert list(zip(x.tolist(), y.tolist(), [zoom] * len(quadkeys), strict=True)) == expected
    assert encode_quadkeys(x, y, zoom).to_pylist() == quadkeys


@no_deadline
@given(tiles())
def test_encoder_equals_mercantile(case: tuple[list[int], list[int], int]) -> None:
    xs, ys, zoom = case
    expected = [mercantile.quadkey(x, y, zoom) for x, y in zip(xs, ys, strict=True)]
    assert encode_quadkeys(xs, ys, zoom).to_pylist() == expected


@pytest.mark.parametrize(
    ("quadkey", "x", "y", "zoom"),
    [
        ("0", 0, 0, 1),
        ("1", 1, 0, 1),
        ("2", 0, 1, 1),
        ("3", 1, 1, 1),
        ("120", 4, 2, 3),  # x bits 1,0,0 and y bits 0,1,0
        ("213", 3, 5, 3),  # the example of Bing Maps' "Tile System" article
        ("3" * 16, 2**16 - 1, 2**16 - 1, 16),
    ],
)
def test_known_quadkeys(quadkey: str, x: int, y: int, zoom: int) -> None:
    assert oracle_decode(quadkey) == (x, y, zoom)
    dx, dy, dz = decode_quadkeys([quadkey])
    assert (dx.tolist(), dy.tolist(), dz) == ([x], [y], zoom)
    assert encode_quadkeys([x], [y], zoom).to_pylist() == [quadkey]


def test_empty_input_and_zoom_zero() -> None:
    x, y, zoom = decode_quadkeys([])
    assert (x.size, y.size, zoom) == (0, 0, 0)
    x, y, zoom = decode_quadkeys(["", ""])
    assert (x.tolist(), y.tolist(), zoom) == ([0, 0], [0, 0], 0)
    assert encode_quadkeys([0], [0], 0).to_pylist() == [""]


@no_deadline
@given(quadkey_lists(), st.data())
def test_a_bad_character_names_the_first_bad_quadkey(
    quadkeys: list[str], data: st.DataObject
) -> None:
    bad_char = data.draw(
        st.characters(exclude_characters="0123", exclude_categories=("Cs",)), label="char"
    )
    row = data.draw(st.integers(0, len(quadkeys) - 1), label="row")
    col = data.draw(st.integers(0, len(quadkeys[0]) - 1), label="col")
    bad = quadkeys[row][:col] + bad_char + quadkeys[row][col + 1 :]
    # A later bad quadkey must not be the one named.
    later = ("8" if bad_char == "9" else "9") * len(quadkeys[0])
    keys = [*quadkeys[:row], bad, *quadkeys[row + 1 :], later]
    with pytest.raises(InputError) as err:
        decode_quadkeys(keys)
    assert f"'{bad}'" in str(err.value)
    assert f"'{later}'" not in str(err.value)


@no_deadline
@given(quadkey_lists(), st.data())
def test_mixed_lengths_name_the_first_odd_quadkey(quadkeys: list[str], data: st.DataObject) -> None:
    row = data.draw(st.integers(1, len(quadkeys) - 1), label="row")
    odd = quadkeys[row] + data.draw(st.sampled_from(["0", "", "33"]), label="tail")
    if odd == quadkeys[row]:
        odd = odd[:-1]
    keys = [*quadkeys[:row], odd, *quadkeys[row + 1 :]]
    with pytest.raises(InputError, match="mixed zoom levels") as err:
        decode_quadkeys(keys)
    assert f"'{odd}'" in str(err.value)


@pytest.mark.parametrize(
    ("quadkeys", "message"),
    [
        (["01", None], "position 1 is missing"),
        ([1, 2], "must be strings"),
        (["0" * 33], "deepest zoom is 32"),
        (["01", "0é"], "'0é'"),  # as long as "01" in characters, not in UTF-8 bytes
        (["0 1"], "'0 1'"),
    ],
)
def test_other_bad_quadkeys(quadkeys: list[Any], message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        decode_quadkeys(quadkeys)


@pytest.mark.parametrize(
    ("x", "y", "zoom", "message"),
    [
        ([2], [0], 1, "x=2, y=0 is outside zoom 1"),
        ([0], [-1], 3, "x=0, y=-1 is outside zoom 3"),
        ([0.5], [0], 3, "must be integers"),
        ([0], [0], 33, "zoom 33"),
    ],
)
def test_tiles_outside_their_zoom_are_errors(
    x: list[Any], y: list[Any], zoom: int, message: str
) -> None:
    for function in (encode_quadkeys, tile_bounds, tile_centres):
        with pytest.raises(InputError, match=re.escape(message)):
            function(x, y, zoom)


# --- geometry -----------------------------------------------------------------------------


@no_deadline
@given(tiles(min_zoom=0))
def test_bounds_equal_mercantile_s(case: tuple[list[int], list[int], int]) -> None:
    xs, ys, zoom = case
    west, south, east, north = tile_bounds(xs, ys, zoom)
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        expected = mercantile.bounds(x, y, zoom)
        got = (west[i], south[i], east[i], north[i])
        assert got == pytest.approx(tuple(expected), abs=1e-9)


@no_deadline
@given(tiles(min_zoom=0))
def test_centre_is_the_middle_of_its_tile_in_degrees(
    case: tuple[list[int], list[int], int],
) -> None:
    xs, ys, zoom = case
    west, south, east, north = tile_bounds(xs, ys, zoom)
    lon, lat = tile_centres(np.array(xs), np.array(ys), zoom)
    assert np.allclose(lon, (west + east) / 2) and np.allclose(lat, (south + north) / 2)
    # The centre falls back in the tile itself.
    assert lonlat_to_tiles(lon, lat, zoom)[0].tolist() == xs
    assert lonlat_to_tiles(lon, lat, zoom)[1].tolist() == ys


def test_centres_of_a_whole_column_of_zoom16_tiles_are_the_middles_of_their_tiles() -> None:
    # Enough tiles that the grid's rows and columns are worked out once, not tile by tile.
    rng = np.random.default_rng(3)
    x = rng.integers(0, 2**16, 70_000)
    y = rng.integers(0, 2**16, 70_000)
    west, south, east, north = tile_bounds(x, y, 16)
    lon, lat = tile_centres(x, y, 16)
    assert np.array_equal(lon, (west + east) / 2) and np.array_equal(lat, (south + north) / 2)


def test_bounds_of_known_tiles() -> None:
    west, south, east, north = tile_bounds([0, 1], [0, 1], 1)
    assert west.tolist() == [-180.0, 0.0] and east.tolist() == [0.0, 180.0]
    assert north[0] == pytest.approx(85.0511287798) and south[0] == pytest.approx(0.0, abs=1e-12)
    assert south[1] == pytest.approx(-85.0511287798)
    # Zoom 16 at the equator: 2 pi R / 2**16 = 611.5 m (Ookla's "approximately 610.8 m").
    w, _, e, _ = tile_bounds([0], [2**15], 16)
    width = math.radians(float(e[0] - w[0])) * EARTH_RADIUS_M
    assert width == pytest.approx(2 * math.pi * EARTH_RADIUS_M / 2**16)
    assert width == pytest.approx(610.8, abs=1.0)


def test_a_point_in_astana_round_trips_through_its_zoom16_tile() -> None:
    lon, lat = 71.43, 51.13
    x, y = lonlat_to_tiles([lon], [lat], 16)
    assert (int(x[0]), int(y[0])) == reference_tile(lon, lat, 16) == (45771, 21902)
    west, south, east, north = tile_bounds(x, y, 16)
    assert west[0] <= lon < east[0] and south[0] < lat <= north[0]
    quadkey = encode_quadkeys(x, y, 16)
    cx, cy = tile_centres(*decode_quadkeys(quadkey))
    assert abs(cx[0] - lon) < 0.003 and abs(cy[0] - lat) < 0.002  # within half a tile
    back_x, back_y = lonlat_to_tiles(cx, cy, 16)
    assert (back_x.tolist(), back_y.tolist()) == (x.tolist(), y.tolist())
    assert quadkey.to_pylist()[0] == "1213021231003231"  # a fixed point for the record


def test_points_outside_the_map_are_errors() -> None:
    with pytest.raises(InputError, match="not a longitude"):
        lonlat_to_tiles([0.0, 181.0], [0.0, 0.0], 16)
    with pytest.raises(InputError, match="not a longitude"):
        lonlat_to_tiles([float("nan")], [0.0], 16)
    # Beyond mercator's edge, points fall in the edge rows; longitude 180 in the last column.
    x, y = lonlat_to_tiles([180.0, -180.0], [89.9, -89.9], 4)
    assert x.tolist() == [15, 0] and y.tolist() == [0, 15]


# --- synthetic tiles ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def kz() -> pa.Table:
    return synthetic_tiles(20_000, seed=7)


def centroids(table: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    return mercator_centres(*decode_quadkeys(table["quadkey"])[:2], 16)


def inside(lon: np.ndarray, lat: np.ndarray, bbox: tuple[float, float, float, float]) -> bool:
    west, south, east, north = bbox
    return bool(np.all((west <= lon) & (lon <= east) & (south <= lat) & (lat <= north)))


def test_synthetic_tiles_are_distinct_zoom16_tiles_in_the_box(kz: pa.Table) -> None:
    assert kz.num_rows == 20_000
    assert kz.column_names == ALL_COLUMNS
    assert pc.count_distinct(kz["quadkey"]).as_py() == 20_000
    assert decode_quadkeys(kz["quadkey"])[2] == 16
    assert inside(*centroids(kz), KAZAKHSTAN_BBOX)
    assert kz["quadkey"].to_pylist() == sorted(kz["quadkey"].to_pylist())


def test_synthetic_tiles_counts_and_speeds(kz: pa.Table) -> None:
    tests, devices = kz["tests"].to_numpy(), kz["devices"].to_numpy()
    assert np.all(tests >= devices) and np.all(devices >= 1) and tests.max() <= 5000
    down, up = kz["avg_d_kbps"].to_numpy(), kz["avg_u_kbps"].to_numpy()
    assert np.all(up <= down) and np.all(up >= 1)
    assert np.median(down) == pytest.approx(60000, rel=0.05)
    assert np.median(kz["avg_lat_ms"].to_numpy()) == pytest.approx(25, abs=1)
    assert np.mean(tests) == pytest.approx(1 / 0.08, rel=0.05)  # geometric(0.08)
    missing = kz["avg_lat_down_ms"].null_count / kz.num_rows
    assert 0.05 < missing < 0.15
    assert kz["avg_lat_down_ms"].is_null().equals(kz["avg_lat_up_ms"].is_null())


def test_synthetic_tiles_cluster_round_cities(kz: pa.Table) -> None:
    # Spread evenly, 20,000 tiles would give the busiest 1 % of zoom-10 cells a few % of them.
    parents = pc.utf8_slice_codeunits(kz["quadkey"], 0, 10)  # their zoom-10 tiles
    counts = pc.value_counts(parents).field("counts").to_numpy()
    busiest = np.sort(counts)[::-1][: len(counts) // 100 + 1]
    assert busiest.sum() / kz.num_rows > 0.3


def test_synthetic_tile_geometry_matches_the_quadkey(kz: pa.Table) -> None:
    sample = kz.slice(0, 500)
    x, y, _ = decode_quadkeys(sample["quadkey"])
    west, south, east, north = tile_bounds(x, y, 16)
    for i, wkt in enumerate(sample["tile"].to_pylist()):
        assert wkt.startswith("POLYGON((") and wkt.endswith("))")
        corners = [float(v) for point in wkt[9:-2].split(", ") for v in point.split(" ")]
        w, s, e, n = west[i], south[i], east[i], north[i]
        # Clockwise from the north-west corner and closed, printed to 15 significant digits.
        assert corners == pytest.approx([w, n, e, n, e, s, w, s, w, n], abs=1e-12)
    lon, lat = mercator_centres(x, y, 16)
    assert np.abs(sample["tile_x"].to_numpy() - lon).max() <= 5e-5 + 1e-12
    assert np.abs(sample["tile_y"].to_numpy() - lat).max() <= 5e-5 + 1e-12


def test_synthetic_tiles_are_reproducible(kz: pa.Table) -> None:
    assert synthetic_tiles(20_000, seed=7).equals(kz)
    other = synthetic_tiles(20_000, seed=8)
    assert not other.equals(kz)
    assert set(other["quadkey"].to_pylist()) != set(kz["quadkey"].to_pylist())


@pytest.mark.parametrize(
    ("year", "dropped"),
    [
        (None, []),
        (2019, ["tile_x", "tile_y", "avg_lat_down_ms", "avg_lat_up_ms"]),
        (2021, ["tile_x", "tile_y", "avg_lat_down_ms", "avg_lat_up_ms"]),
        (2022, ["tile_x", "tile_y"]),
        (2023, []),
        (2025, []),
    ],
)
def test_synthetic_tile_columns_follow_the_year(year: int | None, dropped: list[str]) -> None:
    table = synthetic_tiles(50, seed=1, year=year)
    assert table.column_names == [c for c in ALL_COLUMNS if c not in dropped]
    types = {f.name: f.type for f in table.schema}
    assert types["quadkey"] == types["tile"] == pa.string()
    for name in ("avg_d_kbps", "avg_u_kbps", "avg_lat_ms", "tests", "devices"):
        assert types[name] == pa.int64()
    for name in {"avg_lat_down_ms", "avg_lat_up_ms"} - set(dropped):
        assert types[name] == pa.int32()
    for name in {"tile_x", "tile_y"} - set(dropped):
        assert types[name] == pa.float64()


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    west=st.floats(-179.0, 170.0),
    south=st.floats(-80.0, 75.0),
    size=st.floats(0.5, 5.0),
    n=st.integers(0, 300),
    cities=st.integers(1, 20),
)
def test_synthetic_tiles_stay_in_any_box(
    seed: int, west: float, south: float, size: float, n: int, cities: int
) -> None:
    bbox = (west, south, west + size, south + size)
    table = synthetic_tiles(n, seed=seed, bbox=bbox, cities=cities)
    assert table.num_rows == n
    assert pc.count_distinct(table["quadkey"]).as_py() == n
    assert inside(*centroids(table), bbox)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": -1}, "cannot be negative"),
        ({"n": 10, "cities": 0}, "at least one city"),
        ({"n": 10, "bbox": (80.0, 40.0, 70.0, 50.0)}, "is not (west, south, east, north)"),
        ({"n": 10, "year": 2018}, "start in 2019"),
        ({"n": 100, "bbox": (71.40, 51.10, 71.41, 51.11)}, "at most a quarter"),
    ],
)
def test_synthetic_tiles_refuse_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        synthetic_tiles(**kwargs)


def test_tiles_round_trip_through_parquet(tmp_path: Path) -> None:
    table = synthetic_tiles(2_000, seed=3)
    path = tmp_path / "2024-01-01_performance_fixed_tiles.parquet"
    write_tiles(table, path)
    assert pq.read_table(path).equals(table)
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"


def test_synthetic_tiles_round_given_centres_with_slower_villages() -> None:
    centres = (np.array([76.9, 71.4]), np.array([43.25, 51.17]), np.array([2.0, 1.0]))
    table = synthetic_tiles(5_000, seed=2, centres=centres, rural_speed_factor=0.2)
    lon, lat = centroids(table)
    near = np.zeros(len(lon), bool)
    for c_lon, c_lat in zip(centres[0], centres[1], strict=True):
        near |= (np.abs(lon - c_lon) < 0.5) & (np.abs(lat - c_lat) < 0.5)
    assert near.mean() > 0.8  # the rural scatter is the rest
    down = table["avg_d_kbps"].to_numpy()
    assert np.median(down[~near]) < 0.4 * np.median(down[near])
    with pytest.raises(InputError, match="rural_speed_factor"):
        synthetic_tiles(10, rural_speed_factor=0)
