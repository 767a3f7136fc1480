"""A malformed file of any source stops `ingest all` in one line, exit 2, store unchanged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import Cli, store_snapshot

LEAGUE = "cableco_uk_worldwide-broadband-speed-league-2020-data.csv"
WIDE = "WDI_IT.NET.USER.ZS_wide_to2020.csv"


def _mirror(tmp_path: Path, snapshot: Path) -> Path:
    root = tmp_path / "mirror"
    for folder, name in (("speed", LEAGUE), ("wdi", WIDE), ("egov", "EGOV_DATA_2022.csv")):
        (root / folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(snapshot / folder / name, root / folder / name)
    return root


@pytest.mark.parametrize(
    ("folder", "name", "old", "new", "where"),
    [
        (
            "speed",
            LEAGUE,
            "154,Kazakhstan,KZ,CIS (FORMER USSR),5.01,",
            "154,Kazakhstan,KZ,CIS (FORMER USSR),fast,",
            "column 'Mean download speed (Mbps)'",
        ),
        ("speed", LEAGUE, "154,Kazakhstan,KZ,", "154,Kazakhstan,QQ,", "column 'Country code'"),
        (
            "wdi",
            WIDE,
            "Kazakhstan,KAZ,Individuals using the Internet (% of population),IT.NET.USER.ZS,,",
            "Kazakhstan,KAZ,Individuals using the Internet (% of population),IT.NET.USER.ZS,many,",
            "column '1960'",
        ),
    ],
)
def test_a_bad_file_of_another_source(
    tmp_path: Path,
    snapshot: Path,
    cli: Cli,
    folder: str,
    name: str,
    old: str,
    new: str,
    where: str,
) -> None:
    root = _mirror(tmp_path, snapshot)
    home = tmp_path / "home"
    assert cli("ingest", "all", "--from", root, "--home", home).exit_code == 0
    before = store_snapshot(home)
    path = root / folder / name
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")

    result = cli("ingest", "all", "--from", root, "--home", home)

    assert result.exit_code == 2
    message = result.stderr.strip()
    assert message.startswith(f"error: {name}") and "\n" not in message
    assert where in message and "row" in message
    assert store_snapshot(home) == before


def test_files_no_source_reads_are_listed_not_passed_over(
    tmp_path: Path, snapshot: Path, cli: Cli
) -> None:
    root = _mirror(tmp_path, snapshot)
    (root / "speed" / "empty.csv").write_bytes(b"")
    (root / "wdi" / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-16")
    result = cli("ingest", "all", "--from", root, "--home", tmp_path / "home", "-f", "json")
    assert result.exit_code == 0, result.stderr
    skipped = {r["file_name"] for r in json.loads(result.stdout) if r["status"].startswith("skip")}
    assert skipped == {"speed/empty.csv", "wdi/notes.csv"}
