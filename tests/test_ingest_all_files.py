"""``ingest all --from DIR`` lists every data file no source reads with why, and refuses a file
plainly meant for a source, naming the file and what is wrong, before anything is written
(issue 18, class 8)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Cli, store_snapshot

UN_HEADER = (
    "Survey Year,Country Name,E-Government Rank,E-Government Index,E-Participation Index,"
    "Online Service Index,Human Capital Index,Telecommunication Infrastructure Index"
)


def _mirror(tmp_path: Path, egov_dir: Path) -> Path:
    folder = tmp_path / "mirror"
    (folder / "egov").mkdir(parents=True)
    shutil.copy(egov_dir / "EGOV_DATA_2022.csv", folder / "egov" / "EGOV_DATA_2022.csv")
    return folder


def _lower_case(folder: Path) -> tuple[Path, str]:
    path = folder / "egov" / "egov_data_2031.csv"
    path.write_text(UN_HEADER + "\n", encoding="utf-8")
    return path, "differs only in case from the files un-egov reads"


def _copy_name(folder: Path) -> tuple[Path, str]:
    path = folder / "egov" / "EGOV_DATA_2031 (1).csv"
    path.write_text(UN_HEADER + "\n", encoding="utf-8")
    return path, "its name is close to the files un-egov reads"


def _renamed_column(folder: Path) -> tuple[Path, str]:
    path = folder / "egov" / "survey_2031.csv"
    path.write_text(UN_HEADER.replace("Country Name", "Country") + "\n", encoding="utf-8")
    return path, "has most of un-egov's columns but not Country Name (renamed?)"


def _utf16(folder: Path) -> tuple[Path, str]:
    path = folder / "speed" / "speeds.csv"
    path.parent.mkdir()
    text = "Location,Aggregate Date,Metric Type,Download Speed Mbps\nKazakhstan,2023,x,1\n"
    path.write_bytes(text.encode("utf-16"))
    return path, "is ookla-intelligence's table saved as UTF-16"


def _html(folder: Path) -> tuple[Path, str]:
    path = folder / "egov" / "EGOV_DATA_2031.json"
    path.write_text("<!DOCTYPE html><html><body>Service unavailable</body></html>")
    return path, "is an HTML page, not data"


def _api_error(folder: Path) -> tuple[Path, str]:
    path = folder / "egov" / "answer.json"
    path.write_text('{"error": {"code": 429, "message": "Too many requests"}}')
    return path, "is a saved error answer, not data"


@pytest.mark.parametrize(
    "plant", [_lower_case, _copy_name, _renamed_column, _utf16, _html, _api_error]
)
def test_a_file_meant_for_a_source_is_an_error_naming_it(
    cli: Cli, tmp_path: Path, egov_dir: Path, plant: Callable[[Path], tuple[Path, str]]
) -> None:
    folder = _mirror(tmp_path, egov_dir)
    path, words = plant(folder)
    home = tmp_path / "home"
    before = store_snapshot(home)
    result = cli("ingest", "all", "--from", folder, "--home", home)
    assert result.exit_code == 2, result.stdout
    assert result.stderr.count("\n") == 1
    assert str(path.relative_to(folder)) in result.stderr and words in result.stderr
    assert store_snapshot(home) == before  # nothing written


def test_a_file_no_source_reads_is_listed_with_why(
    cli: Cli, tmp_path: Path, egov_dir: Path
) -> None:
    folder = _mirror(tmp_path, egov_dir)
    (folder / "egov" / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (folder / "other.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with_all = folder / "egov" / "EGOV_WITH_REGIONS_DATA_2031.csv"
    with_all.write_text(UN_HEADER + ",Region\n", encoding="utf-8")
    result = cli("ingest", "all", "--from", folder, "--home", tmp_path / "home", "-f", "json")
    assert result.exit_code == 0, result.stderr
    status = {r["file_name"]: r["status"] for r in json.loads(result.stdout)}
    assert status["egov/notes.csv"].startswith("skipped: in the folder of un-egov")
    assert status["other.csv"] == "skipped: no source reads it"
    assert status["egov/EGOV_WITH_REGIONS_DATA_2031.csv"] == (
        "skipped: it has un-egov's columns, but not the name of a file un-egov reads"
    )


def _world_bank_error(folder: Path) -> tuple[Path, str]:
    path = folder / "wdi" / "API_IT.NET.USER.ZS.json"
    path.parent.mkdir()
    path.write_text('[{"message": [{"id": "120", "key": "Invalid value"}]}]')
    return path, "is a saved error answer, not data"


@pytest.mark.parametrize("plant", [_lower_case, _utf16, _world_bank_error])
def test_a_folder_holding_only_such_a_file_names_it(
    cli: Cli, tmp_path: Path, plant: Callable[[Path], tuple[Path, str]]
) -> None:
    # no file any source reads: the file meant for one is named, not "no files found"
    folder = tmp_path / "mirror"
    (folder / "egov").mkdir(parents=True)
    path, words = plant(folder)
    result = cli("ingest", "all", "--from", folder, "--home", tmp_path / "home")
    assert result.exit_code == 2, result.stdout
    assert result.stderr.count("\n") == 1
    assert str(path.relative_to(folder)) in result.stderr and words in result.stderr
