"""`infosoc divide`: what a user sees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("shapely")

from infosoc.geo.places import SettlementRule, load_places
from tests.synthetic_tiles import synthetic_tiles, write_tiles

REQUIRED = (
    "region", "tests", "devices", "tiles", "mean_download_mbps", "median_download_mbps",
    "mean_upload_mbps", "mean_latency_ms", "share_below_2_mbps", "share_below_10_mbps",
    "share_below_25_mbps", "share_below_100_mbps",
)  # fmt: skip


@pytest.fixture(scope="module")
def quarter_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("tiles")
    paths = []
    for i, month in enumerate(("01", "04", "07")):
        path = folder / f"2023-{month}-01_performance_fixed_tiles.parquet"
        write_tiles(synthetic_tiles(6_000, seed=10 + i, year=2023), path)
        paths.append(path)
    return paths


def test_aggregate_json_has_every_region_and_the_outside(
    cli, tmp_path: Path, snapshot: Path, quarter_files: list[Path]
) -> None:
    boundaries = snapshot / "geo" / "OSMB-KZ_obl_sh-i.geojson"
    result = cli(
        "divide", "aggregate", "--tiles", quarter_files[0], "--regions", boundaries,
        "--region-key", "name", "--format", "json", "--home", tmp_path,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert all(set(REQUIRED) <= set(r) for r in rows)
    assert len([r for r in rows if r["region"] is not None]) == 20
    assert "Aqtöbe region" in {r["region"] for r in rows}
    outside = [r for r in rows if r["region"] is None]
    assert len(outside) == 1 and outside[0]["tiles"] > 0
    assert sum(r["tiles"] for r in rows) == 6_000
    for r in rows:  # a region under the minimum shows no figure, never a zero
        if r["tests"] < 50:
            assert r["mean_download_mbps"] is None and r["note"]


def test_kazakhstan_regions_by_default_with_names_in_kazakh(
    cli, tmp_path: Path, snapshot: Path, quarter_files: list[Path]
) -> None:
    result = cli(
        "divide", "aggregate", "--tiles", quarter_files[0], "--from", snapshot,
        "--home", tmp_path, "--lang", "kk", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    names = {r["region"]: r["name"] for r in json.loads(result.stdout)}
    assert names["KZ-15"] == "Ақтөбе облысы"


def test_thresholds_and_minimum_are_options(
    cli, tmp_path: Path, snapshot: Path, quarter_files: list[Path]
) -> None:
    result = cli(
        "divide", "aggregate", "--tiles", quarter_files[0], "--from", snapshot,
        "--home", tmp_path, "--threshold", "5", "--threshold", "50", "--min-tests", "1",
        "--format", "json",
    )  # fmt: skip
    rows = json.loads(result.stdout)
    assert "share_below_5_mbps" in rows[0] and "share_below_10_mbps" not in rows[0]
    assert all(r["reported"] for r in rows if r["tests"] >= 1)


def test_town_and_village_split(
    cli, tmp_path: Path, snapshot: Path, quarter_files: list[Path]
) -> None:
    result = cli(
        "divide", "aggregate", "--tiles", quarter_files[0], "--from", snapshot,
        "--home", tmp_path, "--by-settlement", "--town-radius-km", "40", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {r["settlement"] for r in rows if r["region"]} == {"town", "village"}
    assert sum(r["tiles"] for r in rows if r["settlement"] == "town") > 0


def test_town_rule_uses_distance_to_large_places(snapshot: Path) -> None:
    places = load_places(snapshot / "geo" / "geonames_cities500_KZ.tsv")
    towns = places.at_least(SettlementRule().min_population)
    assert 0 < len(towns.names) < len(places.names)
    assert "Almaty" in towns.names


def test_report_over_quarters_with_trend(
    cli, tmp_path: Path, snapshot: Path, quarter_files: list[Path]
) -> None:
    args = [a for p in quarter_files for a in ("--tiles", p)]
    result = cli(
        "divide", "report", "KAZ", *args, "--from", snapshot, "--home", tmp_path,
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["country"] == "KAZ" and report["network"] == "fixed"
    assert [q["quarter"] for q in report["quarters"]] == ["2023-Q1", "2023-Q2", "2023-Q3"]
    first = report["quarters"][0]
    assert {"gini", "theil", "coefficient_of_variation", "best_to_worst"} <= set(
        first["indicators"]["mean_download_mbps"]
    )
    assert first["town_village"]["gap"]
    # One row per quarter and measure: what -f csv and the table print.
    assert len(report["rows"]) == 3 * 3
    row = next(r for r in report["rows"] if r["measure"] == "mean_download_mbps")
    assert (
        row["quarter"] == "2023-Q1"
        and row["gini"] == first["indicators"]["mean_download_mbps"]["gini"]
    )
    assert row["town"] == first["town_village"]["town"]["mean_download_mbps"]
    trend = next(
        t
        for t in report["trends"]
        if (t["measure"], t["indicator"]) == ("mean_download_mbps", "gini")
    )
    assert trend["quarters"] == 3 and trend["per_quarter"] is not None
    csv_text = cli(
        "divide", "report", "KAZ", *args, "--from", snapshot, "--home", tmp_path, "-f", "csv"
    ).stdout  # fmt: skip
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("quarter,measure,") and len(lines) == 1 + 9


def test_report_by_population_in_the_1997_layout(
    cli, tmp_path: Path, snapshot: Path, quarter_files: list[Path]
) -> None:
    result = cli(
        "divide", "report", "Kazakhstan", "--tiles", quarter_files[0], "--from", snapshot,
        "--home", tmp_path, "--weight", "population", "--layout", "1997", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    quarter = report["quarters"][0]
    assert report["layout"] == "1997" and len(quarter["regions"]) == 16
    assert quarter["indicators"]["mean_download_mbps"]["weighting"] == "population"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tiles", "missing.parquet"], "missing.parquet"),
        (["--tiles", "{bad}"], "not a Parquet file"),
        (["--tiles", "{ok}", "--regions", "{bad}"], "bad"),
        (["--tiles", "{ok}", "--threshold", "-1"], "threshold"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    cli, tmp_path: Path, snapshot: Path, quarter_files: list[Path], args: list[str], message: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("quadkey,tests\n123,4\n")
    filled = [a.format(bad=bad, ok=quarter_files[0]) for a in args]
    result = cli("divide", "aggregate", *filled, "--from", snapshot, "--home", tmp_path)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert "Traceback" not in result.stderr


def test_without_a_data_folder_the_boundaries_come_from_the_snapshot(
    cli, tmp_path: Path, quarter_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INFOSOC_MIRROR", raising=False)
    result = cli(
        "divide", "aggregate", "--tiles", quarter_files[0], "--home", tmp_path, "-f", "json"
    )
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert "KZ-75" in {r["region"] for r in rows}


def test_report_without_tiles_says_how_to_get_them(cli, tmp_path: Path, snapshot: Path) -> None:
    result = cli("divide", "report", "KAZ", "--from", snapshot, "--home", tmp_path)
    assert result.exit_code == 2 and "infosoc divide tiles" in result.stderr


def test_map_draws_a_choropleth_in_kazakh(
    cli, tmp_path: Path, snapshot: Path, quarter_files: list[Path]
) -> None:
    pytest.importorskip("vl_convert")
    out = tmp_path / "map.svg"
    result = cli(
        "divide", "map", "median_download_mbps", "--tiles", quarter_files[0], "--from",
        snapshot, "--home", tmp_path, "--out", out, "--lang", "kk",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    svg = out.read_text()
    assert "Жүктеу жылдамдығы" in svg and "2023-Q1" in svg and "деректер жоқ" in svg


def test_map_refuses_an_unknown_measure(
    cli, tmp_path: Path, snapshot: Path, quarter_files: list[Path]
) -> None:
    out = tmp_path / "map.svg"
    result = cli(
        "divide", "map", "fastest", "--tiles", quarter_files[0], "--from", snapshot,
        "--home", tmp_path, "--out", out,
    )  # fmt: skip
    assert result.exit_code == 2 and "unknown measure" in result.stderr and not out.exists()


def test_tiles_found_in_a_data_folder_feed_the_report(
    cli, tmp_path: Path, snapshot: Path, quarter_files: list[Path]
) -> None:
    import shutil

    mirror = tmp_path / "data"
    shutil.copytree(snapshot / "geo", mirror / "geo")
    for path, quarter in zip(quarter_files[:2], (1, 2), strict=True):
        folder = mirror / "speed/ookla_open_data_tiles/type=fixed/year=2023" / f"quarter={quarter}"
        folder.mkdir(parents=True)
        shutil.copy(path, folder / path.name)
    fetched = cli(
        "divide", "tiles", "--network", "fixed", "--period", "2023-Q2",
        "--from", mirror, "--home", tmp_path, "--format", "json",
    )  # fmt: skip
    assert fetched.exit_code == 0, fetched.stderr
    [row] = json.loads(fetched.stdout)
    assert (row["network"], row["period"], row["rows"]) == ("fixed", "2023-Q2", 6_000)
    assert row["file"].endswith("2023-04-01_performance_fixed_tiles.parquet")
    # The old spelling still works, with a note on stderr.
    old = cli(
        "divide", "tiles", "--type", "fixed", "--year", "2023", "--quarter", "2",
        "--from", mirror, "--home", tmp_path, "--format", "json",
    )  # fmt: skip
    assert old.exit_code == 0, old.stderr
    assert json.loads(old.stdout) == [row]
    assert "note: --type is deprecated" in old.stderr
    assert "note: --year/--quarter is deprecated and will go; use --period" in old.stderr
    report = cli(
        "divide", "report", "KAZ", "--from", mirror, "--home", tmp_path, "--format", "json"
    )
    assert report.exit_code == 0, report.stderr
    assert [q["quarter"] for q in json.loads(report.stdout)["quarters"]] == ["2023-Q1", "2023-Q2"]
    mobile = cli(
        "divide", "report", "KAZ", "--from", mirror, "--home", tmp_path, "--type", "mobile"
    )
    assert mobile.exit_code == 2 and "no mobile tiles held" in mobile.stderr
    assert "note: --type is deprecated" in mobile.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2018-Q1"], "2019"),
        (["--period", "2023-Q5"], "not a quarter such as 2023-Q1"),
        (["--year", "2023", "--quarter", "5"], "not a quarter such as 2023-Q1"),
        ([], "--period"),
    ],
)
def test_tiles_refuses_a_quarter_that_does_not_exist(
    cli, tmp_path: Path, args: list[str], message: str
) -> None:
    result = cli("divide", "tiles", *args, "--home", tmp_path)
    assert result.exit_code == 2 and message in result.stderr
    errors = [line for line in result.stderr.splitlines() if not line.startswith("note:")]
    assert len(errors) == 1


def test_tiles_refuses_a_network_that_does_not_exist(cli, tmp_path: Path) -> None:
    result = cli("divide", "tiles", "--network", "satellite", "--period", "2023-Q1")
    assert result.exit_code == 2 and "satellite" in result.stderr
