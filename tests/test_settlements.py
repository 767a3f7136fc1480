"""Kazakhstan's settlements from OpenStreetMap, placed in their districts and regions."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

shapely = pytest.importorskip("shapely")
pytest.importorskip("pyogrio")

from infosoc import Observatory  # noqa: E402
from infosoc.errors import InputError  # noqa: E402
from infosoc.geo.kz_boundaries import KzBoundaries, kz_boundaries  # noqa: E402
from infosoc.geo.points import assign_points  # noqa: E402
from infosoc.geo.settlements import (  # noqa: E402
    OSM_PLACES,
    SOURCE_LABEL,
    Settlements,
    coverage,
    load_settlements,
    parse_population,
)

SEMEY = (80.2496637, 50.404377)  # the city, in the district 101000000 (Abai Region)
BOKENSHI = (79.724007, 50.4846)  # a village of Zharasemey district, 101010000
URUMQI = (87.6, 43.8)  # across the border


@pytest.fixture(scope="module")
def districts() -> KzBoundaries:
    return kz_boundaries("district", "2024")


@pytest.fixture(scope="module")
def osm(snapshot: Path, districts: KzBoundaries) -> Settlements:
    return load_settlements(snapshot / OSM_PLACES, districts)


def place(
    lon: float, lat: float, osm_id: int, kind: str = "village", **tags: Any
) -> dict[str, Any]:
    props = {"name": None, "name:en": None, "name:kk": None, "name:ru": None, "place": kind,
             "population": None, "osm_id": osm_id, "osm_type": "nodes", **tags}  # fmt: skip
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Point", "coordinates": [lon, lat]}}  # fmt: skip


def write(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


# --- the real file ------------------------------------------------------------------------------


def test_counts_of_the_real_file(osm: Settlements) -> None:
    assert osm.features == 9_899
    assert len(osm) == 9_492 and osm.outside == 407 and osm.other_places == {}
    assert Counter(s.place for s in osm.items) == {
        "village": 3_637, "hamlet": 3_369, "isolated_dwelling": 2_293, "town": 172, "city": 21,
    }  # fmt: skip
    tagged = [s for s in osm.items if s.population_tag is not None]
    assert len(tagged) == 3_400
    # Three tags say "0": kept as text, not read as a population.
    assert sorted(s.population_tag for s in tagged if s.population is None) == ["0", "0", "0"]
    assert sum(s.population or 0 for s in osm.items) == 16_596_028
    assert all(s.population is None or s.population > 0 for s in osm.items)
    assert osm.source == SOURCE_LABEL


def test_regions_from_the_district_agree_with_the_region_polygons(osm: Settlements) -> None:
    regions = kz_boundaries("region", "2024")
    lon = np.array([s.lon for s in osm.items])
    lat = np.array([s.lat for s in osm.items])
    found = assign_points(lon, lat, regions.geometries)
    assert [regions.keys[i] for i in found] == [s.region for s in osm.items]
    assert {s.region_code for s in osm.items} == set(regions.region_code.values())


def test_a_settlement_has_names_district_and_region(osm: Settlements) -> None:
    semey = next(s for s in osm.items if s.osm_id == 27524816)
    assert (semey.place, semey.population) == ("city", 310456)
    assert semey.names == {"en": "Semey", "ru": "Семей", "kk": "Семей"}
    assert (semey.district, semey.region, semey.region_code) == ("101000000", "100000000", "KZ-10")
    astana = [s for s in osm.items if s.region_code == "KZ-71"]
    assert [s.place for s in astana] == ["city"]


def test_coverage_against_the_official_count(osm: Settlements) -> None:
    cov = coverage(osm)
    assert cov["villages_and_hamlets"] == 7_006
    assert cov["villages_and_hamlets_with_population_tag"] == 3_200
    assert cov["official_rural_settlements"] == 6_179
    assert cov["villages_and_hamlets_per_official"] == pytest.approx(7_006 / 6_179)
    assert "6,179 rural settlements (2025)" in cov["note"] and SOURCE_LABEL in cov["note"]
    assert "3,400 carry a population tag" in cov["note"]


# --- population tags ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "value"),
    [
        ("1200", 1200), ("1 200", 1200), ("1\u00a0200", 1200), ("12 345 678", 12345678),
        ("1,200", 1200), ("~500", 500), ("≈ 500", 500), ("около 500", 500), ("500 чел.", 500),
        (" 42 ", 42), (750, 750), (750.0, 750),
        ("0", None), (0, None), ("-5", None), ("500-700", None), ("500;600", None),
        ("500+", None), ("1.200", None), ("1,5", None), ("12 34", None), ("many", None),
        ("", None), (None, None), (True, None), (2.5, None),
    ],
)  # fmt: skip
def test_population_tags(tag: Any, value: int | None) -> None:
    assert parse_population(tag) == value


@given(st.integers(min_value=1, max_value=10**9))
def test_grouped_thousands_read_back(n: int) -> None:
    assert parse_population(f"{n:,}") == n
    assert parse_population(f"{n:,}".replace(",", " ")) == n


# --- a small file of our own --------------------------------------------------------------------


def test_points_outside_and_other_places_are_counted_not_kept(
    tmp_path: Path, districts: KzBoundaries
) -> None:
    path = write(
        tmp_path / "places.geojson",
        [
            place(*SEMEY, 1, "city", population="310 456", **{"name:kk": "Семей"}),
            place(*BOKENSHI, 2, population="~600"),
            place(*BOKENSHI, 3, "hamlet", population="500-700"),
            place(*URUMQI, 4, "city", population="4000000"),
            place(*BOKENSHI, 5, "suburb"),
        ],
    )
    found = load_settlements(path, districts)
    assert [(s.osm_id, s.district, s.population) for s in found.items] == [
        (1, "101000000", 310456), (2, "101010000", 600), (3, "101010000", None),
    ]  # fmt: skip
    assert found.items[2].population_tag == "500-700"
    assert found.items[0].display_name("kk") == "Семей" and found.items[0].display_name() is None
    assert found.outside == 1 and found.other_places == {"suburb": 1}


@pytest.mark.parametrize(
    ("feature", "column", "message"),
    [
        ({"type": "LineString", "coordinates": [[70, 50], [71, 50]]}, "geometry", "not a Point"),
        ({"type": "Point", "coordinates": [200.0, 50.0]}, "geometry", "-180..180"),
        ({"type": "Point", "coordinates": [70.0, 95.0]}, "geometry", "-90..90"),
        ({"type": "Point", "coordinates": ["70", 50]}, "geometry", "not a longitude"),
        (None, "geometry", "no geometry"),
    ],
)
def test_bad_geometry_names_the_feature(
    tmp_path: Path, districts: KzBoundaries, feature: Any, column: str, message: str
) -> None:
    bad = place(*SEMEY, 2)
    bad["geometry"] = feature
    path = write(tmp_path / "bad.geojson", [place(*SEMEY, 1), bad])
    with pytest.raises(InputError) as caught:
        load_settlements(path, districts)
    err = caught.value
    assert (err.file, err.row, err.column) == ("bad.geojson", 2, column)
    assert message in str(err)


def test_a_repeated_or_missing_osm_id_is_an_error(tmp_path: Path, districts: KzBoundaries) -> None:
    path = write(tmp_path / "twice.geojson", [place(*SEMEY, 7), place(*BOKENSHI, 7)])
    with pytest.raises(InputError, match="also feature 1") as caught:
        load_settlements(path, districts)
    assert (caught.value.row, caught.value.column) == (2, "osm_id")
    path = write(tmp_path / "none.geojson", [place(*SEMEY, None)])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="not a whole number"):
        load_settlements(path, districts)


# --- what users see -----------------------------------------------------------------------------


def test_observatory_by_region(tmp_path: Path) -> None:
    result = Observatory(home=tmp_path).divide.settlements("KAZ", level="region", lang="ru")
    rows = result["rows"]
    assert len(rows) == 20 and result["source"] == SOURCE_LABEL
    assert all(r["source"] == SOURCE_LABEL for r in rows)
    assert sum(r["settlements"] for r in rows) == 9_492
    assert sum(r["with_population_tag"] for r in rows) == 3_400
    akmola = next(r for r in rows if r["region"] == "110000000")
    assert akmola["name"] == "Акмолинская область" and akmola["region_code"] == "KZ-11"
    astana = next(r for r in rows if r["region_code"] == "KZ-71")
    assert astana["village"] == 0 and astana["population"] == 1_430_136


def test_cli_by_district_shows_every_district_and_the_coverage(cli, tmp_path: Path) -> None:
    result = cli("divide", "settlements", "KAZ", "--home", tmp_path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    rows = report["rows"]
    assert report["level"] == "district" and len(rows) == 224
    assert sum(r["settlements"] for r in rows) == 9_492
    empty = [r for r in rows if r["settlements"] == 0]
    assert empty and all(r["population"] is None for r in empty)  # missing, never 0
    assert report["coverage"]["official_rural_settlements"] == 6_179
    table = cli(
        "divide", "settlements", "KAZ", "--by", "region", "--home", tmp_path, "--lang", "kk"
    )
    assert table.exit_code == 0, table.stderr
    text = " ".join(table.stdout.split())
    assert "Ақмола облысы" in text and "6,179 rural settlements" in text
    assert SOURCE_LABEL in text


def test_cli_list_gives_each_settlement_with_its_district(cli, tmp_path: Path) -> None:
    result = cli("divide", "settlements", "KAZ", "--list", "--home", tmp_path, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 9_492
    semey = next(r for r in rows if r["osm_id"] == "27524816")
    assert (semey["district"], semey["region_code"], semey["population"]) == (
        "101000000", "KZ-10", "310456",
    )  # fmt: skip
    assert {r["source"] for r in rows} == {SOURCE_LABEL}
    assert all(r["population"] != "0" for r in rows)


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Polygon", "coordinates": [[[70, 50], [71, 50], [71, 51], [70, 50]]]},
         "bad.geojson, row 2, column 'geometry': the geometry is a Polygon, not a Point"),
        ({"type": "Point", "coordinates": [250.0, 50.0]},
         "bad.geojson, row 2, column 'geometry': (250, 50) is not a longitude within -180..180"),
    ],
)  # fmt: skip
def test_cli_bad_file_is_one_line_and_exit_2(
    cli, tmp_path: Path, geometry: dict[str, Any], message: str
) -> None:
    bad = place(*SEMEY, 2)
    bad["geometry"] = geometry
    path = write(tmp_path / "bad.geojson", [place(*SEMEY, 1), bad])
    result = cli("divide", "settlements", "KAZ", "--file", path, "--home", tmp_path)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: " + message)


@pytest.mark.parametrize(
    ("args", "message"),
    [(["KAZ", "--by", "village"], "district or region"), (["UZB"], "Kazakhstan only")],
)
def test_cli_bad_options(cli, tmp_path: Path, args: list[str], message: str) -> None:
    result = cli("divide", "settlements", *args, "--home", tmp_path)
    assert result.exit_code == 2 and message in result.stderr
