"""Kazakhstan's official boundaries (geokz): regions and districts keyed by KATO code."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

shapely = pytest.importorskip("shapely")
pyogrio = pytest.importorskip("pyogrio")

from infosoc.errors import InputError, NotFoundError  # noqa: E402
from infosoc.geo.kz_boundaries import (  # noqa: E402
    KzBoundaries,
    geokz_path,
    kz_boundaries,
    load_boundaries,
    read_geokz,
)
from infosoc.geo.kz_regions import kz_layout_codes  # noqa: E402
from infosoc.geo.points import assign_points  # noqa: E402
from tests.synthetic_tiles import synthetic_tiles, write_tiles  # noqa: E402

LATIN = re.compile(r"[A-Za-z]")
CASES = [("region", "2024", 20), ("region", "2018", 17), ("district", "2024", 224),
         ("district", "2018", 216)]  # fmt: skip
LAYOUT = {"2024": "2022", "2018": "2018"}


@pytest.fixture(scope="module")
def geokz(snapshot: Path) -> Path:
    return snapshot / "kz" / "boundaries_geokz"


@pytest.fixture(scope="module")
def loaded() -> dict[tuple[str, str], KzBoundaries]:
    return {(lv, lay): kz_boundaries(lv, lay) for lv, lay, _ in CASES}  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def tiles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tiles") / "2023-01-01_performance_fixed_tiles.parquet"
    write_tiles(synthetic_tiles(2_000, seed=3, year=2023), path)
    return path


@pytest.mark.parametrize(("level", "layout", "count"), CASES)
def test_counts_and_kato_keys(
    loaded: dict[tuple[str, str], KzBoundaries], level: str, layout: str, count: int
) -> None:
    b = loaded[(level, layout)]
    assert len(b) == count and b.level == level and b.vintage == layout
    assert b.layout == LAYOUT[layout] and b.key_property == "KATO"
    assert all(re.fullmatch(r"\d{9}", k) for k in b.keys)
    assert len(set(b.keys)) == count
    # Every region of the layout is there, under its ISO code, and no other.
    assert set(b.region_code.values()) == set(kz_layout_codes(LAYOUT[layout]))
    assert all(b.region_code[k] == f"KZ-{b.region_kato[k][:2]}" for k in b.keys)


def test_region_codes_follow_kato_not_the_stale_iso_field(
    loaded: dict[tuple[str, str], KzBoundaries], geokz: Path
) -> None:
    regions = loaded[("region", "2024")]
    # The file's ISO_3166_2 says KZ-YUZ (South Kazakhstan, abolished 2018) for Turkistan.
    meta, _, _, columns = pyogrio.raw.read(geokz / "kaz_admbnda_adm1_2024.shp", read_geometry=False)
    fields = {str(f): c for f, c in zip(meta["fields"], columns, strict=True)}
    row = list(fields["KATO"]).index("610000000")
    assert fields["ISO_3166_2"][row] == "KZ-YUZ"
    assert regions.region_code["610000000"] == "KZ-61"
    # ADM1_PCODE agrees with the KATO prefix in every file.
    for (level, layout), b in loaded.items():
        meta, _, _, columns = pyogrio.raw.read(b.path, read_geometry=False)
        fields = {str(f): c for f, c in zip(meta["fields"], columns, strict=True)}
        for kato, pcode in zip(fields["KATO"], fields["ADM1_PCODE"], strict=True):
            assert b.region_code[kato] == "KZ-" + pcode[2:], (level, layout, kato)


def test_names_in_three_languages(loaded: dict[tuple[str, str], KzBoundaries]) -> None:
    regions = loaded[("region", "2024")]
    assert [regions.name("150000000", lang) for lang in ("en", "ru", "kk")] == [
        "Aktobe Region", "Актюбинская область", "Ақтөбе облысы",
    ]  # fmt: skip
    # Almaty Region and Almaty city are two regions; the file calls the first just "Almaty".
    assert regions.name("190000000") == "Almaty Region" and regions.name("750000000") == "Almaty"
    assert regions.name("790000000", "ru") == "Шымкент"  # the file has the Soviet "Чимкент"
    districts = loaded[("district", "2024")]
    assert [districts.name("101010000", lang) for lang in ("en", "ru", "kk")] == [
        "Zharasemey", "Жанасемейский", "Жаңасемей",
    ]  # fmt: skip
    for (level, _), b in loaded.items():
        for lang in ("ru", "kk"):
            latin = [b.name(k, lang) for k in b.keys if LATIN.search(b.name(k, lang))]
            assert latin == [], (level, lang)
        assert all(b.name(k, "en") != k for k in b.keys)  # every feature has its own name


def test_a_latin_letter_in_a_cyrillic_name_is_mended(
    loaded: dict[tuple[str, str], KzBoundaries], geokz: Path
) -> None:
    meta, _, _, columns = pyogrio.raw.read(geokz / "kaz_admbnda_adm2_2024.shp", read_geometry=False)
    fields = {str(f): c for f, c in zip(meta["fields"], columns, strict=True)}
    row = list(fields["ADM2_RU"]).index("Aршалинский")  # Latin A in the file
    kato = fields["KATO"][row]
    assert loaded[("district", "2024")].name(kato, "ru") == "Аршалинский"


@pytest.mark.parametrize("layout", ["2018", "2024"])
def test_each_district_lies_in_the_region_its_kato_names(
    loaded: dict[tuple[str, str], KzBoundaries], layout: str
) -> None:
    districts, regions = loaded[("district", layout)], loaded[("region", layout)]
    inner = shapely.point_on_surface(districts.geometries)
    found = assign_points(shapely.get_x(inner), shapely.get_y(inner), regions.geometries)
    by_geometry = [regions.keys[i] for i in found]
    assert by_geometry == [districts.region_kato[k] for k in districts.keys]


def test_a_data_folder_or_the_shapefiles_folder(tmp_path: Path, geokz: Path) -> None:
    folder = tmp_path / "data" / "kz" / "boundaries_geokz"
    folder.mkdir(parents=True)
    for path in geokz.glob("kaz_admbnda_adm1_2018.*"):
        shutil.copy(path, folder / path.name)
    assert len(kz_boundaries("region", "2018", tmp_path / "data")) == 17
    assert len(kz_boundaries("region", "2018", folder)) == 17
    with pytest.raises(NotFoundError, match=r"kaz_admbnda_adm2_2018\.shp"):
        kz_boundaries("district", "2018", tmp_path / "data")
    with pytest.raises(InputError, match="layouts are 2018, 2024"):
        geokz_path("region", "2022")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="levels are region, district"):
        geokz_path("country", "2024")  # type: ignore[arg-type]


def test_another_key_keeps_names_and_region_codes(geokz: Path) -> None:
    b = load_boundaries(geokz / "kaz_admbnda_adm2_2018.shp", "ADM2_PCODE")
    assert isinstance(b, KzBoundaries) and "KZ111000" in b.keys
    assert b.name("KZ111000", "kk") == "Көкшетау" and b.region_code["KZ111000"] == "KZ-11"
    assert b.kato["KZ111000"] == "111000000"


def test_other_files_load_as_before(tmp_path: Path, snapshot: Path) -> None:
    osm = load_boundaries(snapshot / "geo" / "OSMB-KZ_obl_sh-i.geojson")
    assert not isinstance(osm, KzBoundaries) and "Aqtöbe region" in osm.keys


def _rewrite(source: Path, target: Path, change: dict[str, Any], drop: str | None = None) -> Path:
    """A copy of a shapefile with some attribute values changed or one field dropped."""
    meta, _, wkb, columns = pyogrio.raw.read(source)
    fields = [str(f) for f in meta["fields"]]
    data = [c.copy() for c in columns]
    for (name, row), value in change.items():
        data[fields.index(name)][row] = value
    keep = [i for i, f in enumerate(fields) if f != drop]
    pyogrio.raw.write(
        target, wkb, [data[i] for i in keep], [fields[i] for i in keep],
        driver="ESRI Shapefile", geometry_type="MultiPolygon", crs="EPSG:4326",
        encoding="UTF-8", promote_to_multi=True,
    )  # fmt: skip
    return target


def test_a_kato_code_of_no_region_is_an_error(tmp_path: Path, geokz: Path) -> None:
    bad = _rewrite(
        geokz / "kaz_admbnda_adm1_2024.shp", tmp_path / "bad.shp", {("KATO", 2): "990000000"}
    )
    with pytest.raises(InputError) as caught:
        read_geokz(bad)
    err = caught.value
    assert (err.file, err.row, err.column) == ("bad.shp", 3, "KATO")
    assert "990000000" in str(err) and "2022 layout" in str(err)


def test_aggregate_by_the_20_official_regions_in_kazakh(
    cli, tmp_path: Path, tiles: Path, geokz: Path
) -> None:
    result = cli(
        "divide", "aggregate", "--tiles", tiles, "--regions", geokz / "kaz_admbnda_adm1_2024.shp",
        "--region-key", "KATO", "--home", tmp_path, "--lang", "kk", "-f", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    named = {r["region"]: r["name"] for r in rows if r["region"] is not None}
    assert len(named) == 20 and named["150000000"] == "Ақтөбе облысы"
    assert sum(r["tiles"] for r in rows) == 2_000


@pytest.mark.parametrize(("layout", "count"), [("2024", 224), ("2018", 216)])
def test_aggregate_by_district_with_russian_names(
    cli, tmp_path: Path, tiles: Path, geokz: Path, layout: str, count: int
) -> None:
    result = cli(
        "divide", "aggregate", "--tiles", tiles, "--regions",
        geokz / f"kaz_admbnda_adm2_{layout}.shp", "--home", tmp_path, "--lang", "ru", "-f", "csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + count + 1  # header, districts, the row outside every district
    assert "111000000,Кокшетау," in result.stdout


def test_a_shapefile_without_the_key_field_is_one_line_and_exit_2(
    cli, tmp_path: Path, tiles: Path, geokz: Path
) -> None:
    bad = _rewrite(geokz / "kaz_admbnda_adm1_2024.shp", tmp_path / "nokato.shp", {}, drop="KATO")
    result = cli(
        "divide", "aggregate", "--tiles", tiles, "--regions", bad, "--region-key", "KATO",
        "--home", tmp_path,
    )  # fmt: skip
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: nokato.shp, row 1, column 'KATO'")


@pytest.mark.parametrize("layout", ["2018", "2022"])
def test_official_regions_are_keyed_by_the_codes_statistics_use(layout: str) -> None:
    from infosoc.geo.kz_boundaries import kz_official_regions

    regions = kz_official_regions(layout)
    assert sorted(regions.keys) == sorted(kz_layout_codes(layout))
    assert regions.layout == layout
    assert (
        regions.name("KZ-71", "ru") == "Астана" and regions.name("KZ-11", "en") == "Akmola Region"
    )
    with pytest.raises(NotFoundError, match="1997"):
        kz_official_regions("1997")
