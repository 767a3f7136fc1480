"""Faulty tile files and divide options: one line naming file, row and column, exit 2, before
anything is averaged, hashed or looked for (issue 18, classes 2, 3, 11 and 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

pytest.importorskip("shapely")

from tests.synthetic_tiles import synthetic_tiles, write_tiles

REPO = Path(__file__).resolve().parents[1]
Q1 = "2023-01-01_performance_fixed_tiles.parquet"


@pytest.fixture(scope="module")
def tiles() -> Any:
    return synthetic_tiles(3_000, seed=7, year=2021)


def _with(table: Any, column: str, row: int, value: Any, kind: Any) -> Any:
    values = table.column(column).to_numpy().astype(kind.to_pandas_dtype()).copy()
    values[row] = value
    return table.set_column(table.column_names.index(column), column, pa.array(values, kind))


def _one_error_line(result: Any) -> str:
    assert result.exit_code == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("column", "value", "kind", "words"),
    [
        ("avg_d_kbps", -5, pa.int64(), "a speed cannot be negative"),
        ("avg_u_kbps", float("nan"), pa.float64(), "is NaN"),
        ("avg_d_kbps", float("inf"), pa.float64(), "should be a finite number"),
        ("avg_d_kbps", 1e15, pa.float64(), "cannot exceed 100,000,000 kbit/s"),
        ("avg_lat_ms", 10**9, pa.int64(), "cannot exceed 600,000 ms"),
        ("tests", -3, pa.int64(), "a count cannot be negative"),
        ("tests", 2.5, pa.float64(), "should be a whole number"),
        ("devices", 10**12, pa.int64(), "cannot exceed 1,000,000,000"),
    ],
)
def test_implausible_tile_values_name_file_row_column(
    cli: Any, tmp_path: Path, snapshot: Path, tiles: Any, column: str, value: Any, kind: Any,
    words: str,
) -> None:  # fmt: skip
    path = tmp_path / Q1
    write_tiles(_with(tiles, column, 41, value, kind), path)
    result = cli("divide", "aggregate", "--tiles", path, "--from", snapshot, "--home", tmp_path)
    line = _one_error_line(result)
    assert f"{path}, row 42, column '{column}': " in line and words in line
    assert not list(tmp_path.rglob("lookups/*.parquet"))  # no tile was placed


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("abc", "'a' is not a digit 0-3"),
        (None, "is missing (null)"),
        ("12", "mixed zoom levels"),
        ("first", "appears more than once (first on row 1"),
    ],
)
def test_bad_quadkeys_name_their_row(
    cli: Any, tmp_path: Path, snapshot: Path, tiles: Any, value: str | None, words: str
) -> None:
    quadkeys = tiles.column("quadkey").to_pylist()
    quadkeys[6] = quadkeys[0] if value == "first" else value
    path = tmp_path / Q1
    write_tiles(tiles.set_column(0, "quadkey", pa.array(quadkeys, pa.string())), path)
    result = cli("divide", "aggregate", "--tiles", path, "--from", snapshot, "--home", tmp_path)
    line = _one_error_line(result)
    assert f"{path}, row 7, column 'quadkey': " in line and words in line


def test_implausible_values_in_a_quarter_of_a_report(
    cli: Any, tmp_path: Path, snapshot: Path, tiles: Any
) -> None:
    good, bad = tmp_path / "good.parquet", tmp_path / "bad.parquet"
    write_tiles(tiles, good)
    write_tiles(_with(tiles, "tests", 9, -1, pa.int64()), bad)
    result = cli(
        "divide", "report", "KAZ", "--tiles", f"2023-Q1={good}", "--tiles", f"2023-Q2={bad}",
        "--from", snapshot, "--home", tmp_path,
    )  # fmt: skip
    assert f"{bad}, row 10, column 'tests'" in _one_error_line(result)


@pytest.mark.parametrize(
    ("properties", "geometry", "column", "words"),
    [
        ({"tests": 1e300}, None, "tests", "cannot exceed"),
        ({"tests": 2**70}, None, "tests", "cannot exceed"),
        ({"devices": 1.5}, None, "devices", "whole number"),
        ({"avg_d_kbps": -1}, None, "avg_d_kbps", "cannot be negative"),
        ({}, {"type": "Point", "coordinates": [float("nan"), 48.0]}, "geometry", "not a number"),
        ({}, {"type": "Point", "coordinates": [70.0, float("inf")]}, "geometry", "not a number"),
        ({}, {"type": "Point", "coordinates": [270.0, 48.0]}, "geometry", "beyond ±180"),
    ],
)
def test_geojson_tile_faults_name_feature_and_field(
    cli: Any, tmp_path: Path, snapshot: Path, properties: dict[str, Any], geometry: Any,
    column: str, words: str,
) -> None:  # fmt: skip
    good = {"avg_d_kbps": 1000, "avg_u_kbps": 500, "avg_lat_ms": 20, "tests": 3, "devices": 2}
    features = [
        {"type": "Feature", "properties": good, "geometry": {"type": "Point", "coordinates": c}}
        for c in ([70.0, 48.0], [71.0, 49.0])
    ]
    features[1] = {
        "type": "Feature",
        "properties": {**good, **properties},
        "geometry": geometry or features[1]["geometry"],
    }
    path = tmp_path / "tiles.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    result = cli("divide", "aggregate", "--tiles", path, "--from", snapshot, "--home", tmp_path)
    line = _one_error_line(result)
    assert f"{path}, row 2, column '{column}': " in line and words in line


# --- files that are not tile files: refused from their first bytes, never hashed ------------


@pytest.fixture
def never_hashed(monkeypatch: pytest.MonkeyPatch) -> None:
    import infosoc.files
    import infosoc.sources.ookla_tiles as tiles_module

    def refuse(path: Path) -> str:
        raise AssertionError(f"{path} was hashed")

    monkeypatch.setattr(tiles_module, "file_sha256", refuse)
    monkeypatch.setattr(infosoc.files, "file_sha256", refuse)


@pytest.mark.parametrize(
    ("name", "head", "words"),
    [
        ("big.parquet", b"\x00" * 16, "is not a Parquet file"),
        ("big.parquet", b"<!DOCTYPE html>", "it looks like an HTML page"),
        ("big.geojson", b"\x00" * 16, "is not a GeoJSON file"),
        ("big.json", b"PK\x03\x04", "is not a GeoJSON file"),
        ("big.parquet", b"PAR1", "truncated"),
    ],
)
def test_a_huge_wrong_file_is_refused_from_its_first_bytes(
    cli: Any, tmp_path: Path, snapshot: Path, never_hashed: None, name: str, head: bytes,
    words: str,
) -> None:  # fmt: skip
    path = tmp_path / name
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(4 << 30)  # sparse: 4 GiB that a full read or hash would take
    result = cli("divide", "aggregate", "--tiles", path, "--from", snapshot, "--home", tmp_path)
    line = _one_error_line(result)
    assert str(path) in line and words in line


def test_a_folder_is_refused(cli: Any, tmp_path: Path, snapshot: Path, never_hashed: None) -> None:
    folder = tmp_path / Q1
    folder.mkdir()
    result = cli("divide", "aggregate", "--tiles", folder, "--from", snapshot, "--home", tmp_path)
    assert "is a folder" in _one_error_line(result)


@pytest.mark.parametrize("kind", ["fifo", "device"])
@pytest.mark.parametrize("option", ["--tiles", "--regions", "--places"])
def test_devices_and_fifos_are_refused_unopened(tmp_path: Path, kind: str, option: str) -> None:
    """In a child process with a time limit: a FIFO nobody writes to would block the opening
    for ever, /dev/zero never ends."""
    if kind == "fifo":
        special = tmp_path / "pipe.parquet"
        os.mkfifo(special)
    else:
        special = Path("/dev/zero")
    tiles = tmp_path / Q1
    write_tiles(synthetic_tiles(50, seed=1, year=2021), tiles)
    args = ["--tiles", str(special if option == "--tiles" else tiles)]
    if option != "--tiles":
        args += [option, str(special)]
    if option == "--places":
        args.append("--by-settlement")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "INFOSOC_HOME": str(tmp_path / "h")}
    done = subprocess.run(
        [sys.executable, "-m", "infosoc", "divide", "aggregate", *args, "--from",
         str(REPO / "src" / "infosoc" / "data")],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and special.name in lines[0]
    assert ("FIFO" if kind == "fifo" else "a device") in lines[0]


# --- divide options, checked before any file is looked for -------------------------------------


def test_report_complains_about_the_layout_not_the_tiles(cli: Any, tmp_path: Path) -> None:
    result = cli("divide", "report", "KAZ", "--layout", "1066", "--home", tmp_path)
    line = _one_error_line(result)
    assert "layout '1066'" in line and "1997, 2018, 2022" in line and "tiles" not in line


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["report", "KAZ", "--weight", "votes"], "weight must be tests or population"),
        (["report", "KAZ", "--threshold", "inf"], "thresholds must be positive numbers"),
        (["report", "KAZ", "--min-tests", "-1"], "cannot be negative"),
        (["report", "KAZ", "--town-radius-km", "nan"], "town radius"),
        (["aggregate", "--tiles", "nowhere.parquet", "--threshold", "0"], "must be positive"),
        (["aggregate", "--tiles", "nowhere.parquet", "--threshold", "10", "--threshold", "10"],
         "given twice"),
        (["aggregate", "--tiles", "nowhere.parquet", "--region-key", "name"], "--regions FILE"),
        (["map", "gini", "--tiles", "nowhere.parquet", "--out", "m.svg"], "unknown measure"),
        (["map", "median_download_mbps", "--tiles", "nowhere.parquet", "--out", "m.doc"],
         "unknown chart format"),
    ],
)  # fmt: skip
def test_bad_options_are_named_before_any_file(
    cli: Any, tmp_path: Path, args: list[str], words: str
) -> None:
    result = cli("divide", *args, "--home", tmp_path)
    line = _one_error_line(result)
    assert words in line and "nowhere" not in line and "no fixed tiles" not in line


# --- boundaries: overlaps noted, no tile inside noted ------------------------------------------


def _squares(path: Path, squares: list[tuple[str, float, float, float]]) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {"name": name},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]],
            },
        }
        for name, x, y, s in squares
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_overlapping_regions_get_a_note_naming_the_pairs(
    cli: Any, tmp_path: Path, tiles: Any
) -> None:
    path = tmp_path / Q1
    write_tiles(tiles, path)
    regions = _squares(
        tmp_path / "r.geojson",
        [("West", 46.0, 40.0, 20.0), ("Middle", 60.0, 40.0, 20.0), ("East", 80.0, 40.0, 8.0)],
    )
    result = cli("divide", "aggregate", "--tiles", path, "--regions", regions, "--home", tmp_path)
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "Some regions overlap one another" in text and "West / Middle" in text
    assert "Middle / East" not in text  # they touch along an edge: no overlap


def test_no_overlap_note_for_kazakhstan(cli: Any, tmp_path: Path, snapshot: Path) -> None:
    path = tmp_path / Q1
    write_tiles(synthetic_tiles(500, seed=3, year=2021), path)
    result = cli("divide", "aggregate", "--tiles", path, "--from", snapshot, "--home", tmp_path)
    assert result.exit_code == 0 and "overlap" not in result.stdout


def test_boundaries_holding_no_tile_get_a_note(cli: Any, tmp_path: Path, tiles: Any) -> None:
    path = tmp_path / Q1
    write_tiles(tiles, path)
    regions = _squares(tmp_path / "r.geojson", [("Elsewhere", 10.0, 10.0, 5.0)])
    result = cli("divide", "aggregate", "--tiles", path, "--regions", regions, "--home", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "No tile lies inside any region" in " ".join(result.stdout.split())


# --- no warning reaches the terminal -----------------------------------------------------------


def _degenerate(tmp_path: Path) -> dict[str, Path]:
    files = {
        "one": tmp_path / "2023-01-01_performance_fixed_tiles.parquet",
        "none": tmp_path / "2023-04-01_performance_fixed_tiles.parquet",
        "few": tmp_path / "2023-07-01_performance_fixed_tiles.parquet",
    }
    for (_, path), n in zip(files.items(), (1, 0, 200), strict=True):
        write_tiles(synthetic_tiles(n, seed=5, year=2021), path)
    files["population"] = tmp_path / "population.csv"
    files["population"].write_text("region,population\nKZ-11,0\nKZ-15,9999999999\n")
    return files


def test_no_warning_from_commands_on_degenerate_input(
    cli: Any, tmp_path: Path, snapshot: Path, ingested_home: Path
) -> None:
    f = _degenerate(tmp_path)
    home = ["--home", ingested_home]
    commands = [
        ["divide", "aggregate", "--tiles", f["one"], "--from", snapshot, "--home", tmp_path],
        ["divide", "aggregate", "--tiles", f["none"], "--from", snapshot, "--home", tmp_path],
        ["divide", "aggregate", "--tiles", f["one"], "--by-settlement", "--from", snapshot,
         "--home", tmp_path],
        ["divide", "report", "KAZ", "--tiles", f"2023-Q1={f['one']}", "--tiles",
         f"2023-Q2={f['none']}", "--min-tests", "0", "--from", snapshot, "--home", tmp_path],
        ["divide", "report", "KAZ", "--tiles", f"2023-Q3={f['few']}", "--weight", "population",
         "--population", f["population"], "--min-tests", "0", "--from", snapshot,
         "--home", tmp_path],
        ["egdi", "TUV", *home], ["egdi-check", *home], ["rank", "--top", "1", *home],
        ["speed", "KAZ", *home], ["penetration", "TUV", *home],
        ["indicator", "TUV", "-i", "IT.NET.USER.ZS", *home],
        ["peers", "KAZ", "-i", "IT.NET.USER.ZS", *home], ["swot", "TUV", *home],
    ]  # fmt: skip
    for command in commands:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = cli(*command)
        assert result.exit_code in (0, 2), (command, result.stderr)
        assert not [str(w.message) for w in caught], command
        assert "Warning" not in result.stderr, command


@pytest.mark.parametrize(
    ("values", "weights"),
    [
        ([0.0, 0.0], None),
        ([1e308, 1e308, 1.0], None),
        ([1.0, 2.0], [1e308, 1e308]),
        ([5.0], None),
        ([1.0, 2.0], [0.0, 0.0]),
        ([0.0, 1e-320], None),
    ],
)
def test_inequality_measures_give_a_number_or_none_silently(
    values: list[float], weights: list[float] | None
) -> None:
    from infosoc.analysis import inequality

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for measure in (inequality.coefficient_of_variation, inequality.gini, inequality.theil):
            value = measure(values, weights)
            assert value is None or np.isfinite(value)
        ratio = inequality.best_to_worst(values)
        assert ratio is None or np.isfinite(ratio)


def test_no_warning_on_stderr_of_a_real_process(tmp_path: Path) -> None:
    """Outside pytest, whose own capture would hide them: the warnings a user would see."""
    f = _degenerate(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "INFOSOC_HOME": str(tmp_path / "h")}
    env.pop("PYTHONWARNINGS", None)
    done = subprocess.run(
        [sys.executable, "-m", "infosoc", "divide", "report", "KAZ", "--tiles",
         f"2023-Q1={f['one']}", "--tiles", f"2023-Q2={f['none']}", "--min-tests", "0",
         "--from", str(REPO / "src" / "infosoc" / "data")],
        capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr


# --- other files a user names: index definitions, their data, mirror folders -------------------


def _special_run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "INFOSOC_HOME": str(tmp_path / "h")}
    return subprocess.run(
        [sys.executable, "-m", "infosoc", *args],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path,
    )  # fmt: skip


@pytest.mark.parametrize("what", ["definition", "data", "mirror"])
def test_a_fifo_or_device_named_as_any_input_is_refused_unopened(tmp_path: Path, what: str) -> None:
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    if what == "definition":
        (tmp_path / "zero.toml").symlink_to("/dev/zero")
        done, named = _special_run(tmp_path, "index", "build", "zero.toml"), "zero.toml"
    elif what == "data":
        definition = tmp_path / "index.toml"
        definition.write_text(
            'name = "x"\n[data]\nfile = "pipe.csv"\nperiod = "2022"\n'
            '[[indicators]]\ncode = "a"\nname = "A"\nparent = "ROOT"\n'
            '[[indicators]]\ncode = "b"\nname = "B"\nparent = "ROOT"\n'
            '[[aggregates]]\ncode = "ROOT"\nname = "Root"\n'
        )
        done, named = _special_run(tmp_path, "index", "build", "index.toml"), "pipe.csv"
    else:
        (tmp_path / "m" / "egov").mkdir(parents=True)
        (tmp_path / "m" / "egov" / "EGOV_DATA_2022.csv").symlink_to(pipe)
        done, named = _special_run(tmp_path, "ingest", "un-egov", "--from", "m"), "EGOV_DATA_2022"
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    if what == "mirror":  # a mirror's files are found by their status: a FIFO is no file
        assert "no files of un-egov found" in lines[0]
    else:
        assert named in lines[0] and ("FIFO" in lines[0] or "a device" in lines[0]), lines[0]


def test_a_tile_file_too_large_for_the_memory_is_refused_from_its_footer(
    cli: Any, tmp_path: Path, snapshot: Path, tiles: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infosoc import limits

    path = tmp_path / Q1
    write_tiles(tiles, path)
    monkeypatch.setattr(limits, "available_memory", lambda: 64 * tiles.num_rows)
    result = cli("divide", "aggregate", "--tiles", path, "--from", snapshot, "--home", tmp_path)
    line = _one_error_line(result)
    assert f"{Q1}: tiles {tiles.num_rows} needs about" in line and "is available" in line
    monkeypatch.setattr(limits, "available_memory", lambda: 1 << 34)
    result = cli("divide", "aggregate", "--tiles", path, "--from", snapshot, "--home", tmp_path)
    assert result.exit_code == 0, result.stderr
