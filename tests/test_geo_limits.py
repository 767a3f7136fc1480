"""Boundary, settlement and place files with impossible coordinates: one line naming the file,
the feature and the field, exit 2; overlapping regions found (issue 18, classes 3 and 12)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("shapely")

from infosoc.errors import InputError
from infosoc.geo.overlaps import overlapping
from infosoc.geo.places import load_places
from infosoc.geo.regions import load_regions
from tests.synthetic_tiles import synthetic_tiles, write_tiles


def _polygon(ring: list[list[Any]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [ring]}


def _square(x: float, y: float, size: float = 1.0) -> list[list[Any]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def _write(path: Path, rings: list[list[list[Any]]]) -> Path:
    features = [
        {"type": "Feature", "properties": {"name": f"r{i}"}, "geometry": _polygon(ring)}
        for i, ring in enumerate(rings, start=1)
    ]
    # Python's json writes NaN and Infinity, as some tools do.
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ([[70, 45], [71, 45], [float("nan"), 46], [70, 45]], "is not a number"),
        ([[70, 45], [71, 45], [71, float("inf")], [70, 45]], "is not a number"),
        ([[70, 45], [71, 45], [71, -float("inf")], [70, 45]], "is not a number"),
        ([[70, 45], [71, 45], [71, 1e400], [70, 45]], "is not a number"),
        ([[700000, 4500000], [710000, 4500000], [710000, 4600000], [700000, 4500000]],
         "reproject"),
        ([[45, 70], [45, 171], [46, 171], [45, 70]], "look swapped"),
        ([[70, 45], [181, 45], [181, 46], [70, 45]], "not longitude/latitude"),
    ],
)  # fmt: skip
def test_bad_coordinates_name_the_feature_and_field(
    tmp_path: Path, bad: list[list[Any]], words: str
) -> None:
    path = _write(tmp_path / "r.geojson", [_square(60, 45), _square(62, 45), bad])
    with pytest.raises(InputError) as caught:
        load_regions(path)
    error = caught.value
    assert (error.file, error.row, error.column) == ("r.geojson", 3, "geometry")
    assert words in str(error)


def test_a_nan_coordinate_through_the_cli(cli: Any, tmp_path: Path) -> None:
    regions = _write(
        tmp_path / "r.geojson", [_square(60, 45), [[70, 45], [float("nan"), 45], [70, 46]]]
    )
    tiles = tmp_path / "2023-01-01_performance_fixed_tiles.parquet"
    write_tiles(synthetic_tiles(50, seed=2, year=2021), tiles)
    result = cli("divide", "aggregate", "--tiles", tiles, "--regions", regions, "--home", tmp_path)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "r.geojson, row 2, column 'geometry': " in lines[0] and "not a number" in lines[0]
    assert "Warning" not in result.stderr


def test_overlaps_are_pairs_sharing_more_than_a_sliver(tmp_path: Path) -> None:
    rings = [
        _square(0, 0, 10),  # r1
        _square(5, 0, 10),  # r2 overlaps r1 by half
        _square(20, 0, 10),  # r3 alone
        _square(29.99, 0, 10),  # r4 shares a sliver of 0.1 % with r3
        _square(2, 2, 1),  # r5 inside r1
    ]
    found = overlapping(load_regions(_write(tmp_path / "r.geojson", rings)))
    assert found == [("r1", "r2"), ("r1", "r5")]


def test_regions_that_tile_a_country_do_not_overlap(snapshot: Path) -> None:
    from infosoc.geo.regions import kazakhstan_regions

    assert overlapping(kazakhstan_regions(snapshot / "geo")) == []


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("Bad\t48.0\tnan\t500", "is not a finite number"),
        ("Bad\t48.0\tinf\t500", "is not a finite number"),
        ("Bad\t95.0\t70.0\t500", "is not a longitude, latitude"),
    ],
)
def test_places_with_impossible_coordinates(tmp_path: Path, row: str, words: str) -> None:
    path = tmp_path / "places.tsv"
    path.write_text("name\tlatitude\tlongitude\tpopulation\nGood\t48.0\t70.0\t500\n" + row + "\n")
    with pytest.raises(InputError, match=words) as caught:
        load_places(path)
    assert caught.value.row == 3


@pytest.mark.parametrize(
    "position", [[float("nan"), 48.0], [70.0, float("inf")], [270.0, 48.0], [70.0, 91.0]]
)
def test_settlements_with_impossible_coordinates(
    cli: Any, tmp_path: Path, snapshot: Path, position: list[float]
) -> None:
    pytest.importorskip("pyogrio")
    features = [
        {
            "type": "Feature",
            "properties": {"osm_id": i, "place": "village", "name": f"v{i}"},
            "geometry": {"type": "Point", "coordinates": p},
        }
        for i, p in enumerate([[70.0, 48.0], position], start=1)
    ]
    path = tmp_path / "places.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    result = cli("divide", "settlements", "KAZ", "--file", path, "--from", snapshot)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "places.geojson, row 2, column 'geometry'" in lines[0]


def test_a_deeply_nested_boundary_file_is_one_clean_line(cli: Any, tmp_path: Path) -> None:
    regions = tmp_path / "r.geojson"
    regions.write_text('{"type": "FeatureCollection", "features": ' + "[" * 50_000 + "]" * 50_000)
    tiles = tmp_path / "2023-01-01_performance_fixed_tiles.parquet"
    write_tiles(synthetic_tiles(50, seed=2, year=2021), tiles)
    result = cli("divide", "aggregate", "--tiles", tiles, "--regions", regions, "--home", tmp_path)
    assert result.exit_code == 2
    assert "r.geojson" in result.stderr and "nested deeper than" in result.stderr
