"""Shared fixtures. Tests read ../shared/data in place and write only to temporary folders."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from infosoc import Observatory
from infosoc.cli import app

REPO = Path(__file__).resolve().parents[1]


def _shared_data() -> Path:
    path = Path(os.environ.get("INFOSOC_SHARED_DATA", REPO.parent / "shared" / "data"))
    if not (path / "egov").is_dir():
        pytest.fail(f"the shared data folder is missing at {path}; set INFOSOC_SHARED_DATA")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return _shared_data()


@pytest.fixture(scope="session")
def egov_dir(shared_data: Path) -> Path:
    return shared_data / "egov"


@pytest.fixture(scope="session")
def ingested_home(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """A home with every edition ingested once for the whole session (read-only for tests)."""
    home = tmp_path_factory.mktemp("home")
    Observatory(home=home).ingest("all", mirror=shared_data)
    return home


@pytest.fixture
def mirror(tmp_path: Path, egov_dir: Path) -> Callable[..., Path]:
    """Make a mirror folder in tmp with chosen official files and extra files of our own."""

    def make(years: tuple[int, ...] = (2020, 2022), extra: dict[str, bytes] | None = None) -> Path:
        root = tmp_path / "mirror"
        (root / "egov").mkdir(parents=True, exist_ok=True)
        for year in years:
            shutil.copyfile(
                egov_dir / f"EGOV_DATA_{year}.csv", root / "egov" / f"EGOV_DATA_{year}.csv"
            )
        for name, data in (extra or {}).items():
            (root / "egov" / name).write_bytes(data)
        return root

    return make


class Cli:
    """Runs the infosoc CLI in-process and keeps stdout and stderr apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: Any) -> Any:
        return self.runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def cli() -> Cli:
    return Cli()


def store_snapshot(home: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in a store, for before/after comparisons."""
    import duckdb

    path = home / "infosoc.duckdb"
    if not path.exists():
        return {}
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
            ).fetchall()
        ]
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        con.close()
