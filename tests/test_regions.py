"""Sub-national regions: boundary files, Kazakhstan's three layouts, the crosswalk, population."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pycountry
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from infosoc.errors import InputError
from infosoc.geo import kz_regions as kr
from infosoc.geo import population as pop
from infosoc.geo import regions as rg

SQUARE = [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]]


@pytest.fixture(scope="module")
def geo_dir(snapshot: Path) -> Path:
    return snapshot / "geo"


@pytest.fixture(scope="module")
def kz(geo_dir: Path) -> rg.Regions:
    return rg.kazakhstan_regions(geo_dir)


def feature(props: dict[str, Any], geometry: dict[str, Any] | None = None) -> dict[str, Any]:
    geom = {"type": "Polygon", "coordinates": SQUARE} if geometry is None else geometry
    return {"type": "Feature", "properties": props, "geometry": geom}


def write_geojson(path: Path, features: list[dict[str, Any]], **extra: Any) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features, **extra}))
    return path


def square(x: float) -> dict[str, Any]:
    ring = [[x, 0.0], [x + 1, 0.0], [x + 1, 1.0], [x, 1.0], [x, 0.0]]
    return {"type": "Polygon", "coordinates": [ring]}


# --- Kazakhstan's current regions ---------------------------------------------------------------


def test_the_20_osm_regions_load_with_their_iso_codes(kz: rg.Regions) -> None:
    iso = {s.code for s in pycountry.subdivisions if s.country_code == "KZ"}
    assert len(kz) == 20
    assert set(kz.keys) == iso == set(kr.kz_layout_codes("2022"))
    assert kz.layout == "2022"
    assert kz.key_property == "name"
    assert kz.names["kk"]["KZ-15"] == "Ақтөбе облысы"
    assert kz.names["ru"]["KZ-15"] == "Актюбинская область"
    assert kz.name("KZ-79", "en") == "Shymkent"
    assert kz.names["kk"]["KZ-62"] == "Ұлытау облысы"
    assert kz.repaired == ()


def test_geometries_are_valid_polygons_in_lonlat(kz: rg.Regions) -> None:
    assert shapely.is_valid(kz.geometries).all()
    assert {g.geom_type for g in kz.geometries} <= {"Polygon", "MultiPolygon"}
    west, south, east, north = shapely.total_bounds(kz.geometries)
    assert 46 < west < 47 and 40 < south < 41 and 87 < east < 88 and 55 < north < 56


def test_names_match_every_spelling_in_the_osm_file(geo_dir: Path) -> None:
    doc = json.loads((geo_dir / rg.OSMB_FILE).read_text(encoding="utf-8"))
    for f in doc["features"]:
        props = f["properties"]
        code = kr.resolve_kz_region(props["name"])
        assert kr.kz_region_names("kk")[code] == props["local_name"]
        assert kr.resolve_kz_region(props["name_ru"]) == code
        assert kr.resolve_kz_region(props["local_name"]) == code


def test_old_boundaries_resolve_by_name_and_by_old_iso_code(test_data: Path) -> None:
    path = test_data / "geo" / "geoBoundaries-KAZ-ADM1_sh-i.geojson"
    by_iso = rg.load_regions(path, key="shapeISO")
    by_name = rg.load_regions(path)
    assert by_name.key_property == "shapeName"
    codes = kr.resolve_kz_regions(by_iso.keys, layout="1997")
    assert sorted(codes.values()) == list(kr.kz_layout_codes("1997"))
    assert kr.resolve_kz_regions(by_name.keys, layout="1997") == {
        name: codes[iso] for name, iso in zip(by_name.keys, by_iso.keys, strict=True)
    }


def test_the_2023_english_names_and_figures_agree(geo_dir: Path, test_data: Path) -> None:
    second = test_data / "geo" / "kz_region_population_2023-01-01_statgovkz.csv"
    with second.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["Region"] != "The Republic of Kazakhstan"]
    codes = kr.resolve_kz_regions([r["Region"] for r in rows], layout="2022")
    assert sorted(codes.values()) == list(kr.kz_layout_codes("2022"))
    series = pop.kz_region_population(geo_dir, "2022")[2023]
    for r in rows:
        # Two releases of the same figures: they differ by at most a few hundred people.
        assert float(r["Total"]) == pytest.approx(series[codes[r["Region"]]], rel=5e-4)


# --- resolving names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Aqtöbe region", "KZ-15"),
        ("Aktobe", "KZ-15"),
        ("KZ-AKT", "KZ-15"),
        ("kz-15", "KZ-15"),
        ("Актюбинская", "KZ-15"),
        ("г. Астана", "KZ-71"),
        ("г.Астана", "KZ-71"),
        ("Nur-Sultan", "KZ-71"),
        ("Almaty", "KZ-75"),
        ("Almaty Region", "KZ-19"),
        ("Алматы облысы", "KZ-19"),
        ("Западно Казахстанская", "KZ-27"),
        ("Жетісу", "KZ-33"),
        ("Zhambyl", "KZ-31"),
        ("Atyraū oblysy", "KZ-23"),
        ("Туркестанская 1", "KZ-61"),
        ("Туркестанская¹", "KZ-61"),
        ("South Kazakhstan", "KZ-YUZ"),
    ],
)
def test_resolve_any_spelling(text: str, code: str) -> None:
    assert kr.resolve_kz_region(text) == code


def test_a_name_means_the_region_of_the_layout() -> None:
    # stat.gov.kz and geoBoundaries call the 1997 South Kazakhstan by its 2018 name.
    assert kr.resolve_kz_region("Туркестанская 1", layout="1997") == "KZ-YUZ"
    assert kr.resolve_kz_region("Туркестанская область", layout="2018") == "KZ-61"
    with pytest.raises(InputError, match=r"KZ-10.*2022 layout, not of 1997"):
        kr.resolve_kz_region("Abai Region", layout="1997")
    with pytest.raises(InputError, match="unknown layout '2000'"):
        kr.resolve_kz_region("Abai Region", layout="2000")


def test_unknown_region_names_are_errors_with_suggestions() -> None:
    with pytest.raises(InputError, match=r"'Akmolla' \(did you mean Akmola Region \(KZ-11\)"):
        kr.resolve_kz_region("Akmolla")
    with pytest.raises(InputError) as err:
        kr.resolve_kz_regions(["Atlantis", "Astana", "Narnia"], file="f.csv", column="region")
    assert err.value.file == "f.csv" and err.value.column == "region"
    assert "2 unknown regions" in str(err.value)
    assert "'Atlantis'" in str(err.value) and "'Narnia'" in str(err.value)


def _names_with_codes() -> list[tuple[str, str]]:
    pairs = []
    for code in kr.kz_region_names():
        region = kr.kz_region(code)
        for text in (code, region.name_en, region.name_ru, region.name_kk, *region.aliases):
            # A name shared across layouts resolves to the newest region: test it there.
            if kr.lookup_kz_region(text) == code:
                pairs.append((text, code))
    return pairs


@given(
    st.sampled_from(_names_with_codes()),
    st.lists(st.booleans(), min_size=60, max_size=60),
    st.sampled_from(["", " ", "  ", "\t", "\u00a0"]),
    st.sampled_from(["", " ", "  ", "\n"]),
)
def test_alias_folding(pair: tuple[str, str], upper: list[bool], before: str, after: str) -> None:
    text, code = pair
    cased = "".join(ch.upper() if up else ch.lower() for ch, up in zip(text, upper, strict=False))
    cased += text[len(upper) :]
    spaced = before + cased.replace(" ", "  ") + after
    assert kr.resolve_kz_region(spaced) == code
    city = kr.kz_region(code).name_ru == kr.kz_region(code).name_kk
    if city and not text.startswith("г"):
        assert kr.resolve_kz_region("г. " + text) == code


@given(st.text(max_size=30))
def test_any_text_resolves_or_is_an_input_error(text: str) -> None:
    code = kr.lookup_kz_region(text)
    if code is None:
        with pytest.raises(InputError):
            kr.resolve_kz_region(text)
    else:
        assert code in kr.kz_region_names()


# --- layouts and the crosswalk ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("newer", "older"), [(a, b) for a in kr.LAYOUTS for b in kr.LAYOUTS if a >= b]
)
def test_every_crosswalk_target_exists_in_its_layout(newer: str, older: str) -> None:
    mapping = kr.crosswalk(newer, older)
    assert sorted(mapping) == list(kr.kz_layout_codes(newer))
    assert sorted(set(mapping.values())) == list(kr.kz_layout_codes(older))


def test_2022_to_1997_maps_20_codes_onto_16() -> None:
    mapping = kr.crosswalk("2022", "1997")
    assert len(mapping) == 20 and len(set(mapping.values())) == 16
    assert mapping["KZ-10"] == mapping["KZ-63"] == "KZ-63"
    assert mapping["KZ-33"] == mapping["KZ-19"] == "KZ-19"
    assert mapping["KZ-62"] == mapping["KZ-35"] == "KZ-35"
    assert mapping["KZ-61"] == mapping["KZ-79"] == "KZ-YUZ"
    step1, step2 = kr.crosswalk("2022", "2018"), kr.crosswalk("2018", "1997")
    assert mapping == {c: step2[step1[c]] for c in step1}
    assert kr.crosswalk("2018", "2018") == {c: c for c in kr.kz_layout_codes("2018")}


def test_no_crosswalk_forward() -> None:
    with pytest.raises(InputError, match="needs weights"):
        kr.crosswalk("1997", "2022")


def test_crosswalk_agrees_with_the_old_boundaries(kz: rg.Regions, test_data: Path) -> None:
    old = rg.load_regions(test_data / "geo" / "geoBoundaries-KAZ-ADM1_sh-i.geojson", key="shapeISO")
    old_codes = [kr.resolve_kz_region(k, layout="1997") for k in old.keys]
    mapping = kr.crosswalk("2022", "1997")
    for code, geom in zip(kz.keys, kz.geometries, strict=True):
        shares = shapely.area(shapely.intersection(geom, old.geometries)) / geom.area
        best = int(shares.argmax())
        # Astana has grown since the old boundaries were drawn (89 % in old Astana), and the
        # Caspian coast is drawn differently (Mangystau 84 %, Atyrau 87 %); the rest exceed 99 %.
        assert shares[best] > 0.8
        assert old_codes[best] == mapping[code]


@pytest.mark.parametrize("layout", ["2018", "1997"])
def test_older_layouts_are_dissolved_from_the_current_one(
    kz: rg.Regions, geo_dir: Path, layout: str
) -> None:
    merged = rg.kazakhstan_regions(geo_dir, layout)
    assert merged.keys == kr.kz_layout_codes(layout)
    assert merged.layout == layout and merged.sha256 != kz.sha256
    assert shapely.is_valid(merged.geometries).all()
    total = shapely.area(kz.geometries).sum()
    assert shapely.area(merged.geometries).sum() == pytest.approx(total, rel=1e-6)
    assert merged.names["en"]["KZ-63"] == "East Kazakhstan Region"


@pytest.mark.parametrize(
    ("year", "layout"),
    [
        (1998, "1997"),
        (2017, "1997"),
        (2018, "1997"),
        (2019, "2018"),
        (2022, "2018"),
        (2023, "2022"),
    ],
)
def test_layout_of_year_is_the_layout_on_1_january(year: int, layout: str) -> None:
    assert kr.layout_of_year(year) == layout


def test_layout_of_date_counts_a_reform_from_its_day() -> None:
    from datetime import date

    assert kr.layout_of_date(date(2018, 6, 18)) == "1997"
    assert kr.layout_of_date(date(2018, 6, 19)) == "2018"
    assert kr.layout_of_date(date(2022, 6, 7)) == "2018"
    assert kr.layout_of_date(date(2022, 6, 8)) == "2022"
    with pytest.raises(InputError, match="before the 1997 layout"):
        kr.layout_of_year(1995)


# --- population ---------------------------------------------------------------------------------


def test_population_2023_sums_to_the_national_total(geo_dir: Path) -> None:
    regions = pop.kz_region_population(geo_dir, "2022")
    assert sorted(regions) == [2022, 2023]
    assert sorted(regions[2023]) == list(kr.kz_layout_codes("2022"))
    assert sum(regions[2023].values()) == pop.kz_national_population(geo_dir)[2023] == 19766807
    assert regions[2023]["KZ-62"] == 221426


def test_population_in_the_1997_layout_covers_every_year(geo_dir: Path) -> None:
    regions = pop.kz_region_population(geo_dir, "1997")
    totals = pop.kz_national_population(geo_dir)
    assert sorted(regions) == list(range(2000, 2024))
    for year, values in regions.items():
        assert sorted(values) == list(kr.kz_layout_codes("1997"))
        assert sum(values.values()) == pytest.approx(totals[year], abs=0.5)
    # South Kazakhstan after 2018 is Turkistan plus Shymkent.
    later = pop.kz_region_population(geo_dir, "2018")[2020]
    assert regions[2020]["KZ-YUZ"] == later["KZ-61"] + later["KZ-79"]


def test_the_published_layouts_agree_with_layout_of_year(geo_dir: Path) -> None:
    published = pop.kz_population_layouts(geo_dir)
    assert published[2016] == "1997" and published[2017] == "2018"
    assert published[2021] == "2018" and published[2022] == "2022"
    assert sorted(pop.kz_region_population(geo_dir, "2018")) == list(range(2017, 2024))
    for year, layout in published.items():
        # A year's figures can always be summed to the layout in force on its 1 January.
        assert kr.LAYOUTS.index(layout) >= kr.LAYOUTS.index(kr.layout_of_year(year))
        assert year in pop.kz_region_population(geo_dir, kr.layout_of_year(year))


def _statgov_year(geo_dir: Path, tmp_path: Path, year: int, change: dict[str, str]) -> Path:
    """One year of the stat.gov.kz file in a temporary folder, with some cells changed."""
    with (geo_dir / pop.POPULATION_FILE).open(encoding="utf-8") as f:
        rows = [r for r in csv.reader(f)]
    kept = [rows[0]] + [[r[0], r[1], change.get(r[0], r[2])] for r in rows[1:] if r[1] == str(year)]
    out = tmp_path / pop.POPULATION_FILE
    with out.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(kept)
    return tmp_path


def test_regions_that_do_not_sum_to_the_total_are_an_error(geo_dir: Path, tmp_path: Path) -> None:
    folder = _statgov_year(geo_dir, tmp_path, 2016, {"Павлодарская": "10"})
    with pytest.raises(InputError, match=r"regions of 2016 sum to .* national total") as err:
        pop.kz_region_population(folder, "1997")
    assert err.value.file == pop.POPULATION_FILE
    assert err.value.row is not None and err.value.column == "Население"


def test_a_missing_value_stays_missing(geo_dir: Path, tmp_path: Path) -> None:
    folder = _statgov_year(geo_dir, tmp_path, 2022, {"Абай": ""})
    current = pop.kz_region_population(folder, "2022")[2022]
    assert "KZ-10" not in current and len(current) == 19
    # East Kazakhstan of 2018 includes Abai: it cannot be summed without it.
    older = pop.kz_region_population(folder, "2018")[2022]
    assert "KZ-63" not in older and len(older) == 16


def test_a_year_that_fits_no_layout_is_an_error(geo_dir: Path, tmp_path: Path) -> None:
    folder = _statgov_year(geo_dir, tmp_path, 2022, {})
    path = folder / pop.POPULATION_FILE
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if "Жетісу" not in ln]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"fit no layout; closest is 2022 .*missing: KZ-33"):
        pop.kz_region_population(folder)


def test_load_population_csv(tmp_path: Path) -> None:
    path = tmp_path / "pop.csv"
    path.write_text('region,people\nNorth,"1,234,567"\nSouth,..\nEast,250\n', encoding="utf-8")
    assert pop.load_population_csv(path, "region", "people") == {"North": 1234567.0, "East": 250.0}


@pytest.mark.parametrize(
    ("text", "row", "column", "message"),
    [
        ("region,people\nNorth,12\nNorth,13\n", 3, "region", "listed twice"),
        ("region,people\nNorth,12\nSouth,many\n", 3, "people", "not a number"),
        ("region,people\nNorth,-4\n", 2, "people", "negative"),
        ("region,people\n,4\n", 2, "region", "empty"),
        ("region,count\nNorth,4\n", 1, "people", "missing column"),
    ],
)
def test_load_population_csv_errors(
    tmp_path: Path, text: str, row: int, column: str, message: str
) -> None:
    path = tmp_path / "pop.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        pop.load_population_csv(path, "region", "people")
    assert (err.value.file, err.value.row, err.value.column) == ("pop.csv", row, column)


# --- users' own boundary files ------------------------------------------------------------------


def test_a_geopackage_round_trips(tmp_path: Path) -> None:
    import geopandas as gpd

    polygons = [shapely.box(70, 45, 71, 46), shapely.box(71, 45, 72, 47)]
    frame = gpd.GeoDataFrame({"NAME": ["West", "East"], "n": [1, 2]}, geometry=polygons)
    path = tmp_path / "mine.gpkg"
    frame.set_crs("EPSG:4326").to_file(path)
    regions = rg.load_regions(path)
    assert regions.keys == ("West", "East") and regions.key_property == "NAME"
    assert shapely.equals(regions.geometries, polygons).all()
    assert regions.names["kk"]["East"] == "East" and regions.layout is None
    assert regions.path == path
    by_number = rg.load_regions(path, key="n")
    assert by_number.keys == ("1", "2") and by_number.sha256 != regions.sha256
    shp = tmp_path / "mine.shp"
    frame.set_crs("EPSG:4326").to_file(shp)
    assert rg.load_regions(shp).keys == ("West", "East")


def test_geojson_with_numeric_ids_and_a_crs84_member(tmp_path: Path) -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    path = write_geojson(
        tmp_path / "r.geojson",
        [feature({"id": 7}, square(0)), feature({"id": 8}, square(1))],
        crs=crs,
    )
    regions = rg.load_regions(path)
    assert regions.keys == ("7", "8") and regions.key_property == "id"


def test_an_invalid_polygon_is_repaired(tmp_path: Path) -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    path = write_geojson(tmp_path / "r.geojson", [feature({"name": "a"}, bowtie)])
    regions = rg.load_regions(path)
    assert regions.repaired == ("a",)
    assert regions.geometries[0].is_valid and regions.geometries[0].area == pytest.approx(0.5)


def _error(path: Path, key: str | None = None) -> InputError:
    with pytest.raises(InputError) as err:
        rg.load_regions(path, key=key)
    return err.value


def test_a_feature_without_the_key_property(tmp_path: Path) -> None:
    path = write_geojson(
        tmp_path / "r.geojson", [feature({"name": "a"}), feature({"title": "b", "pop": 3})]
    )
    err = _error(path, key="name")
    assert (err.file, err.row, err.column) == ("r.geojson", 2, "name")
    assert "no property 'name' (it has: title, pop)" in str(err)
    err = _error(path)
    assert "name, shapeName, NAME, id" in str(err) and "title" in str(err)


def test_duplicate_keys(tmp_path: Path) -> None:
    path = write_geojson(
        tmp_path / "r.geojson",
        [feature({"name": "a"}, square(0)), feature({"name": "b"}), feature({"name": "a"})],
    )
    err = _error(path)
    assert (err.row, err.column) == (3, "name")
    assert "also the key of feature 1" in str(err)


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Point", "coordinates": [1, 2]}, "is a Point, not a Polygon"),
        (None, "no geometry"),
        ({"type": "Polygon", "coordinates": "nonsense"}, "cannot be read"),
    ],
)
def test_bad_geometries(tmp_path: Path, geometry: dict[str, Any] | None, message: str) -> None:
    feats = [feature({"name": "a"}), feature({"name": "b"})]
    feats[1]["geometry"] = geometry
    err = _error(write_geojson(tmp_path / "r.geojson", feats))
    assert (err.file, err.row, err.column) == ("r.geojson", 2, "geometry")
    assert message in str(err)


def test_a_projected_geopackage_is_an_error(tmp_path: Path) -> None:
    import geopandas as gpd

    frame = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.box(70, 45, 71, 46)], crs=4326)
    path = tmp_path / "utm.gpkg"
    frame.to_crs("EPSG:32642").to_file(path)
    err = _error(path)
    assert (err.file, err.column) == ("utm.gpkg", "crs")
    assert "UTM zone 42N" in str(err) and "EPSG:4326" in str(err)


def test_projected_geojson_is_an_error(tmp_path: Path) -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    err = _error(write_geojson(tmp_path / "m.geojson", [feature({"name": "a"})], crs=crs))
    assert err.column == "crs" and "EPSG::3857" in str(err)
    # No crs member, but coordinates in metres.
    metres = square(7_800_000)
    err = _error(
        write_geojson(
            tmp_path / "n.geojson", [feature({"name": "a"}), feature({"name": "b"}, metres)]
        )
    )
    assert (err.row, err.column) == (2, "geometry") and "not longitude/latitude" in str(err)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.geojson", b"", "the file is empty"),
        ("none.geojson", b'{"type": "FeatureCollection", "features": []}', "holds no features"),
        ("bad.geojson", b'{"type": "FeatureCollection", ', "not valid JSON"),
        ("list.geojson", b"[1, 2]", "not a GeoJSON FeatureCollection"),
        ("empty.gpkg", b"", "cannot be read as a vector file"),
    ],
)
def test_empty_or_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    err = _error(path)
    assert err.file == name and message in str(err)


def test_a_missing_file(tmp_path: Path) -> None:
    err = _error(tmp_path / "nowhere.geojson")
    assert err.file == "nowhere.geojson" and "cannot be read" in str(err)


def test_unmatched_kazakhstan_names_are_listed_together(tmp_path: Path) -> None:
    feats = [feature({"name": "Atlantis"}, square(0)), feature({"name": "Astana"}, square(1))]
    feats.append(feature({"name": "Narnia"}, square(2)))
    write_geojson(tmp_path / rg.OSMB_FILE, feats)
    with pytest.raises(InputError, match=r"2 unknown regions.*'Atlantis' \(row 1\).*'Narnia'"):
        rg.kazakhstan_regions(tmp_path)


def test_boundaries_are_read_as_shapely_shape_reads_them(geo_dir: Path) -> None:
    import shapely.geometry

    path = geo_dir / rg.OSMB_FILE
    loaded = rg.load_regions(path, key="name")
    for i, item in enumerate(json.loads(path.read_bytes())["features"]):
        if item["properties"]["name"] in loaded.repaired:
            continue
        expected = shapely.force_2d(shapely.geometry.shape(item["geometry"]))
        assert loaded.geometries[i].equals_exact(expected, tolerance=0)


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0, 5], [1, 1], [0, 0]]]},  # mixed
        {"type": "Polygon", "coordinates": [[0, 0, 1, 1]]},  # numbers, not positions
        {"type": "Polygon", "coordinates": [[[0, 0], [1, None], [1, 1], [0, 0]]]},  # null
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0]]]},  # too short a ring
        {"type": "Polygon"},
        {"type": "Blob", "coordinates": []},
    ],
)
def test_geometries_shapely_cannot_read_name_their_feature(
    tmp_path: Path, geometry: dict[str, Any]
) -> None:
    feats = [feature({"name": "a"}), feature({"name": "b"}, geometry)]
    err = _error(write_geojson(tmp_path / "r.geojson", feats))
    assert (err.file, err.row, err.column) == ("r.geojson", 2, "geometry")
    assert "the geometry cannot be read" in str(err)


def test_three_dimensional_boundaries_are_flattened(tmp_path: Path) -> None:
    ring = [[0, 0, 7], [1, 0, 7], [1, 1, 7], [0, 1, 7], [0, 0, 7]]
    path = write_geojson(
        tmp_path / "z.geojson",
        [feature({"name": "a"}, {"type": "MultiPolygon", "coordinates": [[ring]]})],
    )
    geometry = rg.load_regions(path).geometries[0]
    assert not geometry.has_z and geometry.geom_type == "MultiPolygon" and geometry.area == 1.0
