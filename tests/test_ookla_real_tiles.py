"""Real Ookla open-data tiles in the layouts found in the wild: GeoJSON FeatureCollections
(Guam, the Azores) and Parquet with tile centres instead of quadkeys (Turkey), aggregated
through the CLI and the Python API, against figures computed here in plain Python from the
files (tests/data/ookla_tiles_real, described in its README). Bad values are tried on
modified copies in tmp_path."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

pytest.importorskip("shapely")

from infosoc import Observatory
from infosoc.divide.aggregate import read_tiles
from infosoc.divide.indicators import DivideOptions
from infosoc.divide.quadkeys import MAX_LAT, decode_quadkeys, encode_quadkeys, tile_bounds
from infosoc.errors import InputError
from infosoc.sources.ookla_tile_formats import quadkey_of
from infosoc.sources.ookla_tiles import TILE_SCHEMA, check_tiles_file, tile_table
from tests.synthetic_tiles import mercator_centres

GUAM_FIXED = Path("fixed/guam_ookla_2019Q1.geojson")
GUAM_NO_GEOMETRY = Path("fixed/guam_ookla_2022Q3.geojson")  # "geometry": null throughout
GUAM_EMPTY = Path("mobile/guam_ookla_2021Q2.geojson")  # a FeatureCollection of no features
GUAM_MOBILE = Path("mobile/guam_ookla_2023Q4.geojson")
AZORES_FIXED = Path("fixed/azores_ookla_2023Q1.geojson")
TURKEY = Path("ookla_turkey_2025_Q4.parquet")

Box = tuple[float, float, float, float]  # west, south, east, north
GUAM: dict[str, Box] = {"Guam": (144.55, 13.2, 145.05, 13.7)}
AZORES: dict[str, Box] = {
    "Flores e Corvo": (-31.35, 39.3, -31.0, 39.75),
    "Grupo Central": (-28.9, 38.35, -27.0, 39.15),
    "São Miguel": (-25.9, 37.65, -25.1, 37.95),
}  # Santa Maria is left out: its tiles are outside every region
TURKEY_BOXES: dict[str, Box] = {
    "İstanbul": (28.4, 40.8, 29.5, 41.35),
    "Ankara": (32.4, 39.7, 33.2, 40.15),
}


@pytest.fixture(scope="module")
def real(test_data: Path) -> Path:
    return test_data / "ookla_tiles_real"


# --- plain Python, independent of infosoc's numpy code ------------------------------------


def bing_tile(lon: float, lat: float, zoom: int = 16) -> tuple[int, int]:
    """Microsoft's Bing Maps tile system formula, one point at a time."""
    sin_lat = math.sin(math.radians(lat))
    x = (lon + 180.0) / 360.0
    y = 0.5 - math.log((1 + sin_lat) / (1 - sin_lat)) / (4 * math.pi)
    n = 2**zoom
    return min(int(x * n), n - 1), min(int(y * n), n - 1)


def bing_quadkey(x: int, y: int, zoom: int = 16) -> str:
    return "".join(str(((x >> i) & 1) + 2 * ((y >> i) & 1)) for i in range(zoom - 1, -1, -1))


def centre_of(quadkey: str) -> tuple[float, float]:
    """The middle of a tile's polygon in degrees (where infosoc places a tile)."""
    x = y = 0
    for digit in quadkey:
        x, y = 2 * x + (int(digit) & 1), 2 * y + (int(digit) >> 1)
    n = 2 ** len(quadkey)

    def edge(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return (x + 0.5) / n * 360 - 180, (edge(y) + edge(y + 1)) / 2


@dataclass
class Expected:
    tiles: int = 0
    tests: int = 0
    devices: int = 0
    download: list[tuple[float, int]] = field(default_factory=list)

    @property
    def mean_download_mbps(self) -> float:
        return sum(d * t for d, t in self.download) / self.tests / 1000

    @property
    def median_download_mbps(self) -> float:
        """The smallest tile average whose cumulative tests reach half the tests."""
        total, running = sum(t for _, t in self.download), 0
        for value, tests in sorted(self.download):
            running += tests
            if 2 * running >= total:
                return value / 1000
        raise AssertionError("no tests")


def expected_by_region(
    tiles: Iterable[tuple[str, float, int, int]], boxes: dict[str, Box]
) -> dict[str | None, Expected]:
    """Tiles (quadkey, avg_d_kbps, tests, devices) summed by the box holding their centre."""
    out: dict[str | None, Expected] = {}
    for quadkey, download, tests, devices in tiles:
        lon, lat = centre_of(quadkey)
        for w, s, e, n in boxes.values():  # no centre sits on a box's edge
            assert min(abs(lon - w), abs(lon - e), abs(lat - s), abs(lat - n)) > 1e-6
        region = next(
            (name for name, (w, s, e, n) in boxes.items() if w < lon < e and s < lat < n), None
        )
        group = out.setdefault(region, Expected())
        group.tiles += 1
        group.tests += tests
        group.devices += devices
        group.download.append((download, tests))
    return out


def geojson_tiles(path: Path) -> list[tuple[str, float, int, int]]:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    props = [f["properties"] for f in features]
    return [(p["quadkey"], p["avg_d_kbps"], p["tests"], p["devices"]) for p in props]


def turkey_tiles(path: Path) -> list[tuple[str, float, int, int]]:
    table = pq.read_table(path).to_pydict()
    rows = zip(
        table["tile_x"], table["tile_y"], table["avg_d_kbps"], table["tests"], table["devices"],
        strict=True,
    )  # fmt: skip
    return [(bing_quadkey(*bing_tile(x, y)), d, t, v) for x, y, d, t, v in rows]


def regions_file(folder: Path, boxes: dict[str, Box]) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {"name": name},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]],
            },
        }
        for name, (w, s, e, n) in boxes.items()
    ]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "regions.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def check_rows(rows: list[dict[str, Any]], expected: dict[str | None, Expected]) -> None:
    by_region = {r["region"]: r for r in rows}
    for region, want in expected.items():
        got = by_region[region]
        assert (got["tiles"], got["tests"], got["devices"]) == (
            want.tiles,
            want.tests,
            want.devices,
        ), region
        assert got["mean_download_mbps"] == pytest.approx(want.mean_download_mbps, rel=1e-12)
        assert got["median_download_mbps"] == pytest.approx(want.median_download_mbps)
    for region in set(by_region) - set(expected):  # a region without tiles is listed empty
        assert by_region[region]["tiles"] == by_region[region]["tests"] == 0


def aggregate(path: Path, boxes: dict[str, Box], tmp_path: Path) -> tuple[Any, dict[str, int]]:
    rows = Observatory(home=tmp_path / "home").divide.aggregate(
        path, regions=regions_file(tmp_path, boxes), region_key="name", min_tests=1
    )
    totals = {k: int(rows.metadata[k]) for k in ("tiles", "tests", "outside_tiles")}
    return rows, totals


# --- GeoJSON ------------------------------------------------------------------------------


def test_guam_geojson_through_the_cli(cli: Any, real: Path, tmp_path: Path) -> None:
    path = real / GUAM_FIXED
    expected = expected_by_region(geojson_tiles(path), GUAM)
    assert list(expected) == ["Guam"]  # every tile of the quarter is on the island
    assert (expected["Guam"].tiles, expected["Guam"].tests) == (524, 9_760)
    assert expected["Guam"].mean_download_mbps == pytest.approx(27.2544, abs=1e-4)
    result = cli(
        "divide", "aggregate", "--tiles", path, "--regions", regions_file(tmp_path, GUAM),
        "--region-key", "name", "--home", tmp_path / "home", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["region"] for r in rows] == ["Guam"]
    check_rows(rows, expected)
    assert rows[0]["reported"] and rows[0]["devices"] == 3_018


def test_azores_geojson_by_island_group_with_the_rest_outside(real: Path, tmp_path: Path) -> None:
    path = real / AZORES_FIXED
    expected = expected_by_region(geojson_tiles(path), AZORES)
    rows, totals = aggregate(path, AZORES, tmp_path)
    check_rows(rows, expected)
    assert totals == {"tiles": 1_069, "tests": 11_912, "outside_tiles": 38}
    assert {r["region"]: r["tiles"] for r in rows} == {
        "Flores e Corvo": 34,
        "Grupo Central": 541,
        "São Miguel": 456,
        None: 38,
    }
    sao_miguel = next(r for r in rows if r["region"] == "São Miguel")
    assert sao_miguel["mean_download_mbps"] == pytest.approx(179.7924, abs=1e-4)


def test_null_geometries_are_placed_by_their_quadkeys(real: Path, tmp_path: Path) -> None:
    path = real / GUAM_NO_GEOMETRY
    features = json.loads(path.read_text())["features"]
    assert {json.dumps(f["geometry"]) for f in features} == {"null"}
    expected = expected_by_region(geojson_tiles(path), GUAM)
    rows, totals = aggregate(path, GUAM, tmp_path)
    check_rows(rows, expected)
    assert totals["tiles"] == 460 and totals["tests"] == 8_612


def test_tiles_beside_the_island_are_counted_outside(real: Path, tmp_path: Path) -> None:
    path = real / GUAM_MOBILE
    expected = expected_by_region(geojson_tiles(path), GUAM)
    rows, totals = aggregate(path, GUAM, tmp_path)
    check_rows(rows, expected)
    assert totals == {"tiles": 366, "tests": 3_048, "outside_tiles": 2}


def test_a_quadkey_missing_is_rebuilt_from_the_polygon(real: Path, tmp_path: Path) -> None:
    original = json.loads((real / GUAM_FIXED).read_text())
    for feature in original["features"]:
        del feature["properties"]["quadkey"]
    path = tmp_path / "no_quadkeys.geojson"
    path.write_text(json.dumps(original))
    rebuilt = tile_table(path).column("quadkey").to_pylist()
    assert rebuilt == [q for q, *_ in geojson_tiles(real / GUAM_FIXED)]
    rows, _ = aggregate(path, GUAM, tmp_path)
    check_rows(rows, expected_by_region(geojson_tiles(real / GUAM_FIXED), GUAM))


def test_geojson_reads_to_the_tile_table_of_ookla_s_parquet(real: Path) -> None:
    path = real / GUAM_MOBILE
    table = tile_table(path)
    assert table.column_names == [
        "quadkey", "avg_d_kbps", "avg_u_kbps", "avg_lat_ms", "tests", "devices",
    ]  # fmt: skip
    props = [f["properties"] for f in json.loads(path.read_text())["features"]]
    for column in ("quadkey", "avg_d_kbps", "avg_lat_ms", "tests", "devices"):
        assert table[column].to_pylist() == [p[column] for p in props]
    info = check_tiles_file(path)
    assert (info.layout, info.rows, info.size_bytes) == ("geojson", 366, path.stat().st_size)
    ibis = pytest.importorskip("ibis")
    read = read_tiles(ibis.duckdb.connect(), path)
    assert read.schema() == ibis.schema(TILE_SCHEMA)
    got = read.to_pyarrow()
    assert got["avg_lat_down_ms"].null_count == got.num_rows == 366  # absent: null, not 0
    assert pc.sum(got["tests"]).as_py() == 3_048


def _by_region(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: str(r["region"]))


# Ibis's finaliser of the engine's cached table fails once the DuckDB connection is gone
# ("DROP TABLE IF EXISTS" without a name), for Ookla's own files too: not this test's subject.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_another_engine_gives_the_default_engine_s_figures(real: Path, tmp_path: Path) -> None:
    """The Ibis engine (as for Spark: the files read by the engine and joined on the quadkey)
    gives the figures of the default one."""
    ibis = pytest.importorskip("ibis")
    from infosoc.divide.aggregate import IbisEngine
    from infosoc.divide.indicators import aggregate_regions
    from infosoc.geo.regions import load_regions

    for name, boxes in ((GUAM_MOBILE, GUAM), (TURKEY, TURKEY_BOXES)):
        path = real / name
        folder = tmp_path / name.stem
        folder.mkdir()
        regions = load_regions(regions_file(folder, boxes), "name")
        options = DivideOptions(min_tests=1)
        default = aggregate_regions(path, regions, cache_dir=folder / "c", options=options)
        on_ibis = aggregate_regions(
            path,
            regions,
            cache_dir=folder / "c",
            options=options,
            engine=IbisEngine(ibis.duckdb.connect()),
        )
        assert len(on_ibis.rows) == len(default.rows) and on_ibis.totals == default.totals
        for mine, theirs in zip(_by_region(on_ibis.rows), _by_region(default.rows), strict=True):
            assert mine.keys() == theirs.keys()
            for key, value in theirs.items():
                assert mine[key] == (pytest.approx(value) if isinstance(value, float) else value)


def test_an_empty_collection_is_a_quarter_without_tiles(
    cli: Any, real: Path, tmp_path: Path
) -> None:
    path = real / GUAM_EMPTY
    assert path.stat().st_size == 136 and json.loads(path.read_text())["features"] == []
    info = check_tiles_file(path)
    assert (info.layout, info.rows) == ("geojson", 0)
    rows, totals = aggregate(path, GUAM, tmp_path)
    assert totals == {"tiles": 0, "tests": 0, "outside_tiles": 0}
    assert [(r["region"], r["tests"], r["mean_download_mbps"]) for r in rows] == [
        ("Guam", 0, None)  # no measurement: missing, never 0
    ]
    assert "holds no tiles" in rows.metadata["note"]
    result = cli(
        "divide", "aggregate", "--tiles", path, "--regions", regions_file(tmp_path, GUAM),
        "--region-key", "name", "--home", tmp_path / "home",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "The tile file holds no tiles" in " ".join(result.stdout.split())


# --- Parquet with tile centres ------------------------------------------------------------


def test_turkey_parquet_with_tile_centres_by_box(real: Path, tmp_path: Path) -> None:
    path = real / TURKEY
    assert "quadkey" not in pq.read_schema(path).names
    expected = expected_by_region(turkey_tiles(path), TURKEY_BOXES)
    rows, totals = aggregate(path, TURKEY_BOXES, tmp_path)
    check_rows(rows, expected)
    assert totals["tiles"] == 53_339 and totals["tests"] == 244_648
    assert totals["outside_tiles"] == expected[None].tiles
    by_region = {r["region"]: r for r in rows}
    assert by_region["İstanbul"]["tiles"] == expected["İstanbul"].tiles > 1_000
    assert by_region["Ankara"]["tests"] == expected["Ankara"].tests > 10_000
    # The loaded latencies are sparse doubles: weighed only where measured, never as 0.
    source = pq.read_table(path).to_pydict()
    columns = ("avg_lat_down_ms", "tests", "tile_x", "tile_y")
    measured = [
        (latency, tests)
        for latency, tests, lon, lat in zip(*(source[c] for c in columns), strict=True)
        if latency is not None and 32.4 < lon < 33.2 and 39.7 < lat < 40.15
    ]
    assert source["avg_lat_down_ms"].count(None) == 673
    assert by_region["Ankara"]["mean_latency_down_ms"] == pytest.approx(
        sum(v * t for v, t in measured) / sum(t for _, t in measured)
    )


def test_turkey_quadkeys_are_rebuilt_from_the_tile_centres(real: Path) -> None:
    path = real / TURKEY
    info = check_tiles_file(path)
    assert info.layout == "parquet-centres" and info.rows == 53_339
    table = tile_table(path)
    assert table.column_names == [
        "quadkey", "avg_d_kbps", "avg_u_kbps", "avg_lat_ms", "avg_lat_down_ms",
        "avg_lat_up_ms", "tests", "devices",
    ]  # fmt: skip
    quadkeys = table["quadkey"].to_pylist()
    assert quadkeys == [q for q, *_ in turkey_tiles(path)]  # Bing's own formula, row by row
    assert len(set(quadkeys)) == len(quadkeys) and {len(q) for q in quadkeys} == {16}
    source = pq.read_table(path)
    x, y, zoom = decode_quadkeys(table["quadkey"])
    west, south, east, north = tile_bounds(x, y, zoom)
    lon, lat = source["tile_x"].to_numpy(), source["tile_y"].to_numpy()
    assert zoom == 16 and np.all((west < lon) & (lon < east) & (south < lat) & (lat < north))
    for column in ("avg_d_kbps", "avg_lat_down_ms", "tests"):
        assert table[column].equals(source[column])  # the file's own types and nulls


# --- quadkey_of ---------------------------------------------------------------------------

longitudes = st.floats(-180.0, 180.0)
latitudes = st.floats(-MAX_LAT, MAX_LAT)


@settings(deadline=None, max_examples=300)
@given(longitudes, latitudes, st.integers(0, 32))
@example(180.0, MAX_LAT, 16)
@example(-180.0, -MAX_LAT, 16)
@example(0.0, 0.0, 16)  # on the edges of four tiles: the one east and south of them
@example(144.810791015625, 13.512496627038299, 16)  # a Guam tile's corner, from its polygon
def test_quadkey_of_gives_the_tile_holding_the_point(lon: float, lat: float, zoom: int) -> None:
    x, y, got_zoom = decode_quadkeys(quadkey_of(lon, lat, zoom))
    west, south, east, north = tile_bounds(x, y, got_zoom)
    assert got_zoom == zoom
    assert west[0] <= lon <= east[0] and south[0] <= lat <= north[0]
    if lon < 180.0:
        assert lon < east[0]  # a point on an edge belongs to the tile east of it
    if lat > -MAX_LAT:
        assert south[0] < lat  # ... and south of it


tile_numbers = st.integers(0, 2**16 - 1)


@settings(deadline=None, max_examples=300)
@given(st.lists(st.tuples(tile_numbers, tile_numbers), min_size=1, max_size=50))
@example([(0, 0), (2**16 - 1, 2**16 - 1), (0, 2**16 - 1)])
def test_tile_centres_round_trip_even_rounded_like_ookla_s(tiles: list[tuple[int, int]]) -> None:
    x = np.array([t[0] for t in tiles])
    y = np.array([t[1] for t in tiles])
    lon, lat = mercator_centres(x, y, 16)
    expected = encode_quadkeys(x, y, 16)
    assert quadkey_of(lon, lat).equals(expected)
    got_x, got_y, _ = decode_quadkeys(quadkey_of(lon, lat))
    assert got_x.tolist() == x.tolist() and got_y.tolist() == y.tolist()
    # tile_x/tile_y are printed to 4 decimals: still the same tile, to the mercator edge.
    assert quadkey_of(np.round(lon, 4), np.round(lat, 4)).equals(expected)


@pytest.mark.parametrize(
    ("lon", "lat"), [(181.0, 0.0), (0.0, 85.06), (0.0, -90.0), (float("nan"), 0.0)]
)
def test_quadkey_of_refuses_a_point_off_the_map(lon: float, lat: float) -> None:
    with pytest.raises(InputError, match="is not a longitude"):
        quadkey_of([10.0, lon], [10.0, lat])


# --- bad input ----------------------------------------------------------------------------


def _feature(document: dict[str, Any], row: int) -> dict[str, Any]:
    feature: dict[str, Any] = document["features"][row - 1]
    return feature


def _set(column: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        _feature(document, 7)["properties"][column] = value

    return change


def _move(lon: float | None, lat: float | None) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        ring = _feature(document, 7)["geometry"]["coordinates"][0]
        ring[2] = [lon if lon is not None else ring[2][0], lat if lat is not None else ring[2][1]]

    return change


def _drop_tests(document: dict[str, Any]) -> None:
    del _feature(document, 7)["properties"]["tests"]


def _unplaceable(document: dict[str, Any]) -> None:
    del _feature(document, 7)["properties"]["quadkey"]
    _feature(document, 7)["geometry"] = None


def _repeat(document: dict[str, Any]) -> None:
    document["features"].append(_feature(document, 7))


def _wrong_quadkey(document: dict[str, Any]) -> None:
    _feature(document, 7)["properties"]["quadkey"] = _feature(document, 8)["properties"]["quadkey"]


GEOJSON_FAULTS: dict[str, tuple[Callable[[dict[str, Any]], None], int, str, str]] = {
    # name: (change, row, column, message)
    "negative speed": (_set("avg_d_kbps", -31_926), 7, "avg_d_kbps", "cannot be negative"),
    "negative tests": (_set("tests", -3), 7, "tests", "a count cannot be negative"),
    "negative devices": (_set("devices", -1), 7, "devices", "a count cannot be negative"),
    "NaN speed": (_set("avg_u_kbps", math.nan), 7, "avg_u_kbps", "is NaN"),
    "infinite speed": (_set("avg_d_kbps", math.inf), 7, "avg_d_kbps", "is inf"),
    "negative latency": (_set("avg_lat_ms", -4), 7, "avg_lat_ms", "cannot be negative"),
    "speed as text": (_set("avg_d_kbps", "31926"), 7, "avg_d_kbps", "should be a number"),
    "tests not whole": (_set("tests", 2.5), 7, "tests", "should be a whole number"),
    "null speed": (_set("avg_d_kbps", None), 7, "avg_d_kbps", "is missing"),
    "no tests": (_drop_tests, 7, "tests", "has no property 'tests'"),
    "latitude": (_move(None, 86.0), 7, "geometry", "latitude 86 is beyond web mercator"),
    "longitude": (_move(181.0, None), 7, "geometry", "longitude 181 is beyond ±180°"),
    "unplaceable": (_unplaceable, 7, "quadkey", "cannot be placed"),
    "repeated tile": (_repeat, 525, "quadkey", "features 7 and 525 are the same tile"),
    "quadkey elsewhere": (_wrong_quadkey, 7, "quadkey", "is not the tile of the feature"),
    "bad quadkey": (_set("quadkey", "13320330131132x2"), 7, "quadkey", "is not a quadkey"),
}


def _parquet_fault(column: str, row: int, value: Any) -> Callable[[Any], Any]:
    def change(table: Any) -> Any:
        values = table[column].to_pylist()
        values[row - 1] = value
        index = table.schema.get_field_index(column)
        return table.set_column(index, column, pa.array(values, table.schema.field(column).type))

    return change


def _shift_centre(table: Any) -> Any:
    return _parquet_fault("tile_x", 12, table["tile_x"][11].as_py() + 0.0018)(table)


def _repeat_row(table: Any) -> Any:
    return pa.concat_tables([table, table.slice(4, 1)])


PARQUET_FAULTS: dict[str, tuple[Callable[[Any], Any], int, str, str]] = {
    "negative speed": (_parquet_fault("avg_u_kbps", 11, -5), 11, "avg_u_kbps", "negative"),
    "negative tests": (_parquet_fault("tests", 20, -1), 20, "tests", "negative"),
    "NaN latency": (_parquet_fault("avg_lat_down_ms", 3, math.nan), 3, "avg_lat_down_ms", "NaN"),
    "infinite latency": (_parquet_fault("avg_lat_up_ms", 9, math.inf), 9, "avg_lat_up_ms", "inf"),
    "null tests": (_parquet_fault("tests", 8, None), 8, "tests", "is missing"),
    "latitude": (_parquet_fault("tile_y", 5, 86.2), 5, "tile_y", "latitude 86.2 is beyond"),
    "longitude": (_parquet_fault("tile_x", 6, -181.0), 6, "tile_x", "longitude -181 is beyond"),
    "NaN longitude": (_parquet_fault("tile_x", 6, math.nan), 6, "tile_x", "is not a number"),
    "null latitude": (_parquet_fault("tile_y", 2, None), 2, "tile_y", "is missing"),
    "not a centre": (_shift_centre, 12, "tile_x", "is not the centre of a zoom-16 tile"),
    "repeated tile": (_repeat_row, 53_340, "tile_x", "rows 5 and 53340 are the same"),
}


def _bad_geojson(real: Path, tmp_path: Path, name: str) -> tuple[Path, int, str, str]:
    change, row, column, message = GEOJSON_FAULTS[name]
    document = json.loads((real / GUAM_FIXED).read_text())
    change(document)
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(document))  # NaN and Infinity as Python's json writes them
    return path, row, column, message


def _bad_parquet(real: Path, tmp_path: Path, name: str) -> tuple[Path, int, str, str]:
    change, row, column, message = PARQUET_FAULTS[name]
    path = tmp_path / "bad.parquet"
    pq.write_table(change(pq.read_table(real / TURKEY)), path)
    return path, row, column, message


FAULTS = [*(f"geojson:{n}" for n in GEOJSON_FAULTS), *(f"parquet:{n}" for n in PARQUET_FAULTS)]


@pytest.mark.parametrize("fault", FAULTS)
def test_implausible_values_name_the_file_row_and_column(
    cli: Any, real: Path, tmp_path: Path, fault: str
) -> None:
    kind, name = fault.split(":")
    make = _bad_geojson if kind == "geojson" else _bad_parquet
    path, row, column, message = make(real, tmp_path, name)
    for read in (tile_table, read_tiles_on_duckdb):
        with pytest.raises(InputError) as caught:
            read(path)
        error = caught.value
        assert (error.file, error.row, error.column) == (str(path), row, column), str(error)
        assert message in error.reason
    result = cli(
        "divide", "aggregate", "--tiles", path, "--regions", regions_file(tmp_path, GUAM),
        "--region-key", "name", "--home", tmp_path / "home",
    )  # fmt: skip
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:")
    assert f"{path.name}, row {row}, column '{column}': " in " ".join(result.stderr.split())


def read_tiles_on_duckdb(path: Path) -> Any:
    ibis = pytest.importorskip("ibis")
    return read_tiles(ibis.duckdb.connect(), path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": "Feature", "properties": {}}', "is not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection", "features": [', "is not valid JSON"),
        ("", "the file is empty"),
        (
            '{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": '
            '"urn:ogc:def:crs:EPSG::3857"}}, "features": []}',
            "coordinates are in urn:ogc:def:crs:EPSG::3857",
        ),
    ],
)
def test_files_that_are_not_tile_collections(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "tiles.geojson"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        check_tiles_file(path)
    assert caught.value.file == str(path) and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_parquet_without_quadkeys_or_centres_is_refused(real: Path, tmp_path: Path) -> None:
    path = tmp_path / "no_place.parquet"
    pq.write_table(pq.read_table(real / TURKEY).drop_columns(["tile_y"]), path)
    with pytest.raises(InputError, match="missing column 'quadkey' \\(nor tile_x, tile_y"):
        check_tiles_file(path)


def _with_quadkeys(real: Path, folder: Path) -> tuple[Path, Any]:
    """The Turkey tiles in Ookla's own layout: the rebuilt quadkeys first, no centres."""
    table = tile_table(real / TURKEY)
    path = folder / "2025-10-01_performance_mobile_tiles.parquet"
    pq.write_table(table, path)
    return path, table


def test_ookla_s_own_layout_gets_the_same_figures_and_checks(real: Path, tmp_path: Path) -> None:
    path, table = _with_quadkeys(real, tmp_path)
    assert check_tiles_file(path).layout == "parquet"
    centres, _ = aggregate(real / TURKEY, TURKEY_BOXES, tmp_path / "a")
    quadkeys, _ = aggregate(path, TURKEY_BOXES, tmp_path / "b")
    assert quadkeys == centres
    cases = {  # integers: refused from the footer's statistics; floats: from the values
        "tests": (-2, "a count cannot be negative"),
        "avg_d_kbps": (-1, "a speed cannot be negative"),
        "avg_lat_up_ms": (math.nan, "is NaN"),
        "avg_lat_down_ms": (-math.inf, "is -inf"),
    }
    for (column, (value, message)), statistics in itertools.product(cases.items(), (True, False)):
        bad = tmp_path / f"{column}.parquet"
        # Without statistics in the footer, every column is checked on its values.
        changed = _parquet_fault(column, 40_000, value)(table)
        pq.write_table(changed, bad, write_statistics=statistics)
        for read in (tile_table, read_tiles_on_duckdb):
            with pytest.raises(InputError) as caught:
                read(bad)
            assert (caught.value.row, caught.value.column) == (40_000, column)
            assert message in caught.value.reason
